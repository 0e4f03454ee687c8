//! Reading the site-configuration model from a [`Json`] value: the shape of every field
//! (types, unknown fields, enum spellings) and the rules beyond it ([`super::validate`]),
//! each checked where the value is read, with the JSON path of the first value at fault.

use crate::prelude::*;

use super::branch::{Branch, Condition, Scalar, END};
use super::question::{Choice, Question, QuestionKind, QuestionType, ScaleLabels};
use super::validate::{self, invalid};
use super::MAX_MAX_LENGTH;
use super::{
    ColorMode, Frequency, MatchKind, MobileExit, PartialSiteConfig, Position, SiteConfig, Survey,
    Targeting, ThankYou, Theme, ThrottlePolicy, Trigger, UrlMatch, DEFAULT_MAX_LENGTH,
};
use crate::core::json::{
    array, integer, shape_err, string, Decoded, Fields, Json, Path, ShapeError,
};
use crate::core::msg::{subst, uint};
use crate::core::scan::char_count;
use crate::core::text::LocalizedText;

/// A localised text: a string or a `{locale: string}` map (locales unique, ignoring case, at
/// least one), every string not blank and at most 2000 characters.
pub fn text(path: &str, v: &Json) -> Decoded<LocalizedText> {
    text_at(&Path::Root(path), v)
}

fn text_at(path: &Path<'_>, v: &Json) -> Decoded<LocalizedText> {
    match v {
        Json::Str(s) => {
            validate::text_variant(path, s)?;
            Ok(LocalizedText::Plain(s.clone()))
        }
        Json::Obj(members) => {
            if members.is_empty() {
                return Err(invalid(path, "must have at least one locale", "", ""));
            }
            let mut map: Vec<(String, String)> = Vec::new();
            for (k, v) in members {
                if map.iter().any(|(e, _)| e.eq_ignore_ascii_case(k)) {
                    return shape_err(path, subst("duplicate locale `{}`", k, ""));
                }
                let s = string(&path.key(k), v)?;
                validate::text_variant(path, &s)?;
                map.push((k.clone(), s));
            }
            Ok(LocalizedText::Localized(map))
        }
        other => shape_err(
            path,
            subst(
                "expected a string or an object mapping locale to string, got {}",
                other.kind(),
                "",
            ),
        ),
    }
}

/// An optional localised-text member.
fn opt_text(f: &Fields<'_>, key: &str) -> Decoded<Option<LocalizedText>> {
    match f.field(key, false)? {
        Some(v) => Ok(Some(text_at(&f.child(key), v)?)),
        None => Ok(None),
    }
}

/// The rule error at member `key` of `f` (see [`invalid`]).
fn broken(f: &Fields<'_>, key: &str, template: &str, a: &str) -> Box<ShapeError> {
    invalid(&f.child(key), template, a, "")
}

/// A number member (required or not) in `0..=max` (`max_text` spelled out).
fn num_in(
    f: &Fields<'_>,
    key: &str,
    required: bool,
    max: f64,
    max_text: &str,
) -> Decoded<Option<f64>> {
    let n = f.num(key, required)?;
    if let Some(n) = n {
        validate::zero_to(&f.child(key), n, max, max_text)?;
    }
    Ok(n)
}

/// An optional `u32` member.
fn opt_u32(f: &Fields<'_>, key: &str) -> Decoded<Option<u32>> {
    Ok(f.int(key, false, 0, i64::from(u32::MAX))?.map(|n| n as u32))
}

/// A required id member ([`validate::is_valid_id`]).
fn req_id(f: &Fields<'_>, key: &str) -> Decoded<String> {
    let id = f.req_str(key)?;
    validate::id(&f.child(key), &id)?;
    Ok(id)
}

/// The nested decoders get their object already opened (`Fields::object`), its keys
/// checked by the caller (the trigger's, which depend on its type, by [`trigger`] itself).
fn theme(f: &Fields<'_>) -> Decoded<Theme> {
    let mut t = Theme {
        brand: f.str("brand", false)?,
        radius: f.str("radius", false)?,
        font: f.str("font", false)?,
        ..Theme::default()
    };
    t.position = f.variant(
        "position",
        false,
        &[
            ("bottom-right", Position::BottomRight),
            ("bottom-left", Position::BottomLeft),
            ("top-right", Position::TopRight),
            ("top-left", Position::TopLeft),
            ("center", Position::Center),
        ],
    )?;
    t.mode = f.variant(
        "mode",
        false,
        &[
            ("light", ColorMode::Light),
            ("dark", ColorMode::Dark),
            ("system", ColorMode::System),
        ],
    )?;
    Ok(t)
}

/// The `type` of a trigger, before its settings are read.
#[derive(Clone, Copy)]
enum TriggerType {
    PageLoad,
    Delay,
    Scroll,
    ExitIntent,
    Event,
    Manual,
}

fn trigger(f: &Fields<'_>) -> Decoded<Trigger> {
    let kind = f
        .variant(
            "type",
            true,
            &[
                ("pageLoad", TriggerType::PageLoad),
                ("delay", TriggerType::Delay),
                ("scroll", TriggerType::Scroll),
                ("exitIntent", TriggerType::ExitIntent),
                ("event", TriggerType::Event),
                ("manual", TriggerType::Manual),
            ],
        )?
        .unwrap_or(TriggerType::Manual);
    // The one setting each type takes beside `type`.
    let setting = match kind {
        TriggerType::Delay => Some("seconds"),
        TriggerType::Scroll => Some("percent"),
        TriggerType::Event => Some("event"),
        TriggerType::ExitIntent => Some("mobile"),
        TriggerType::PageLoad | TriggerType::Manual => None,
    };
    f.only(Some(&["type", setting.unwrap_or("type")]))?;
    Ok(match kind {
        TriggerType::PageLoad => Trigger::PageLoad,
        TriggerType::ExitIntent => Trigger::ExitIntent {
            mobile: f.variant(
                "mobile",
                false,
                &[
                    ("scrollUp", MobileExit::ScrollUp),
                    ("hidden", MobileExit::Hidden),
                ],
            )?,
        },
        TriggerType::Manual => Trigger::Manual,
        TriggerType::Event => {
            let event = f.req_str("event")?;
            if event.is_empty() || char_count(&event) > validate::MAX_ID_CHARS {
                return Err(broken(f, "event", validate::EVENT_CHARS, ""));
            }
            Trigger::Event { event }
        }
        TriggerType::Delay => Trigger::Delay {
            seconds: num_in(f, "seconds", true, 86_400.0, "86400")?.unwrap_or_default(),
        },
        TriggerType::Scroll => Trigger::Scroll {
            percent: num_in(f, "percent", true, 100.0, "100")?.unwrap_or_default(),
        },
    })
}

fn url_match(f: &Fields<'_>) -> Decoded<UrlMatch> {
    let kind = f
        .variant(
            "match",
            true,
            &[
                ("exact", MatchKind::Exact),
                ("prefix", MatchKind::Prefix),
                ("contains", MatchKind::Contains),
                ("glob", MatchKind::Glob),
                ("regex", MatchKind::Regex),
            ],
        )?
        .unwrap_or(MatchKind::Exact);
    let value = f.req_str("value")?;
    let n = char_count(&value);
    if n == 0 || n > validate::MAX_URL_RULE_CHARS {
        return Err(broken(f, "value", validate::URL_RULE_CHARS, ""));
    }
    Ok(UrlMatch { kind, value })
}

fn targeting(f: &Fields<'_>) -> Decoded<Targeting> {
    Ok(Targeting {
        url: match f.object("url", Some(&["match", "value"]))? {
            Some(u) => Some(url_match(&u)?),
            None => None,
        },
    })
}

/// A throttle policy: absent fields keep their defaults.
fn throttle(f: &Fields<'_>) -> Decoded<ThrottlePolicy> {
    let mut t = ThrottlePolicy::default();
    if let Some(sample) = num_in(f, "sample", false, 100.0, "100")? {
        t.sample = sample;
    }
    if let Some(frequency) = f.variant(
        "frequency",
        false,
        &[
            ("once", Frequency::Once),
            ("untilAnswered", Frequency::UntilAnswered),
            ("maxTimes", Frequency::MaxTimes),
            ("always", Frequency::Always),
        ],
    )? {
        t.frequency = frequency;
    }
    if let Some(max_shows) = opt_u32(f, "maxShows")? {
        t.max_shows = max_shows;
    }
    if let Some(days) = num_in(f, "recontactDays", false, validate::MAX_DAYS, "3650")? {
        t.recontact_days = days;
    }
    if t.frequency == Frequency::MaxTimes && t.max_shows == 0 {
        return Err(broken(
            f,
            "maxShows",
            "must be at least 1 for frequency maxTimes",
            "",
        ));
    }
    Ok(t)
}

fn thank_you(f: &Fields<'_>) -> Decoded<ThankYou> {
    Ok(ThankYou {
        title: opt_text(f, "title")?,
        body: opt_text(f, "body")?,
    })
}

fn scalar(path: &Path<'_>, v: &Json) -> Decoded<Scalar> {
    match v {
        Json::Str(s) => Ok(Scalar::Text(s.clone())),
        other => integer(path, other, i64::MIN, i64::MAX).map(Scalar::Integer),
    }
}

/// A branch condition.
pub fn condition(path: &str, v: &Json) -> Decoded<Condition> {
    condition_at(&Path::Root(path), v)
}

fn condition_at(path: &Path<'_>, v: &Json) -> Decoded<Condition> {
    let f = Fields::at(*path, v, Some(&["min", "max", "equals", "anyOf"]))?;
    Ok(Condition {
        min: f.int("min", false, i64::MIN, i64::MAX)?,
        max: f.int("max", false, i64::MIN, i64::MAX)?,
        equals: match f.field("equals", false)? {
            Some(v) => Some(scalar(&f.child("equals"), v)?),
            None => None,
        },
        any_of: match f.field("anyOf", false)? {
            Some(v) => Some(array(&f.child("anyOf"), v, scalar)?),
            None => None,
        },
    })
}

fn branch(path: &Path<'_>, v: &Json) -> Decoded<Branch> {
    let f = Fields::at(*path, v, Some(&["when", "goto"]))?;
    Ok(Branch {
        when: f.req("when", condition_at)?,
        goto: f.req_str("goto")?,
    })
}

fn choice(path: &Path<'_>, v: &Json) -> Decoded<Choice> {
    let f = Fields::at(*path, v, Some(&["id", "label"]))?;
    Ok(Choice {
        id: req_id(&f, "id")?,
        label: f.req("label", text_at)?,
    })
}

/// The type-specific settings of a question.
const TYPE_FIELDS: [&str; 6] = [
    "lowLabel",
    "highLabel",
    "options",
    "other",
    "maxLength",
    "placeholder",
];

/// Whether a question of type `t` takes the type-specific setting `field`.
fn takes(t: QuestionType, field: &str) -> bool {
    match field {
        "lowLabel" | "highLabel" => t.is_scale(),
        "options" => t.has_options(),
        "other" => t == QuestionType::MultipleChoice,
        "maxLength" | "placeholder" => t == QuestionType::OpenText,
        _ => true,
    }
}

/// A question: every setting sits flat next to `"type"`; settings of another type are
/// rejected.
pub fn question(path: &str, v: &Json) -> Decoded<Question> {
    question_at(&Path::Root(path), v)
}

fn question_at(path: &Path<'_>, v: &Json) -> Decoded<Question> {
    let f = Fields::at(
        *path,
        v,
        Some(&[
            "id",
            "type",
            "text",
            "required",
            "branches",
            "next",
            "lowLabel",
            "highLabel",
            "options",
            "other",
            "maxLength",
            "placeholder",
        ]),
    )?;
    let types = QuestionType::ALL.map(|t| (t.as_str(), t));
    let t = f
        .variant("type", true, &types)?
        .unwrap_or(QuestionType::Nps);
    for field in TYPE_FIELDS {
        if !takes(t, field) && f.get(field).is_some() {
            return shape_err(
                path,
                subst("`{}` is not allowed for type `{}`", field, t.as_str()),
            );
        }
    }
    let kind = match t {
        QuestionType::Thumbs => QuestionKind::Thumbs,
        QuestionType::SingleChoice | QuestionType::MultipleChoice => {
            // A missing `options` is empty, which is reported with its full path.
            let options = f.list("options", false, choice)?;
            validate::options(&f.child("options"), &options)?;
            if t == QuestionType::SingleChoice {
                QuestionKind::SingleChoice { options }
            } else {
                QuestionKind::MultipleChoice {
                    options,
                    other: f.bool("other")?.unwrap_or(false),
                }
            }
        }
        QuestionType::OpenText => {
            let max_length = opt_u32(&f, "maxLength")?.unwrap_or(DEFAULT_MAX_LENGTH);
            if max_length == 0 || max_length > MAX_MAX_LENGTH {
                return Err(broken(
                    &f,
                    "maxLength",
                    validate::MAX_LENGTH_RANGE,
                    &uint(u64::from(max_length)),
                ));
            }
            QuestionKind::OpenText {
                max_length,
                placeholder: opt_text(&f, "placeholder")?,
            }
        }
        QuestionType::Nps | QuestionType::Csat | QuestionType::Ces | QuestionType::Emoji => {
            let labels = ScaleLabels {
                low: opt_text(&f, "lowLabel")?,
                high: opt_text(&f, "highLabel")?,
            };
            match t {
                QuestionType::Csat => QuestionKind::Csat(labels),
                QuestionType::Ces => QuestionKind::Ces(labels),
                QuestionType::Emoji => QuestionKind::Emoji(labels),
                _ => QuestionKind::Nps(labels),
            }
        }
    };
    let id = req_id(&f, "id")?;
    if id == END {
        return Err(broken(
            &f,
            "id",
            "`end` is reserved for the thank-you screen",
            "",
        ));
    }
    // Required of every type: the widget has no default prompts.
    let text = f.req("text", text_at)?;
    let required = f.bool("required")?.unwrap_or(false);
    let branches = f.list("branches", false, branch)?;
    if t == QuestionType::OpenText && !branches.is_empty() {
        return Err(broken(
            &f,
            "branches",
            "are not supported for type `openText`",
            "",
        ));
    }
    Ok(Question {
        id,
        kind,
        text,
        required,
        branches,
        next: f.str("next", false)?,
    })
}

/// A survey.
pub fn survey(path: &str, v: &Json) -> Decoded<Survey> {
    survey_at(&Path::Root(path), v)
}

fn survey_at(path: &Path<'_>, v: &Json) -> Decoded<Survey> {
    let f = Fields::at(
        *path,
        v,
        Some(&[
            "id",
            "name",
            "trigger",
            "targeting",
            "throttle",
            "questions",
            "thankYou",
        ]),
    )?;
    let id = req_id(&f, "id")?;
    let name = f.str("name", false)?;
    if let Some(name) = &name {
        if char_count(name) > validate::MAX_TEXT_CHARS {
            return Err(broken(&f, "name", validate::LONGER_THAN_MAX_TEXT, ""));
        }
    }
    let trigger = match f.object("trigger", None)? {
        Some(o) => trigger(&o)?,
        None => Trigger::default(),
    };
    let targeting = match f.object("targeting", Some(&["url"]))? {
        Some(o) => targeting(&o)?,
        None => Targeting::default(),
    };
    let throttle = match f.object(
        "throttle",
        Some(&["sample", "frequency", "maxShows", "recontactDays"]),
    )? {
        Some(o) => throttle(&o)?,
        None => ThrottlePolicy::default(),
    };
    let questions = f.list("questions", true, question_at)?;
    validate::questions(&f.child("questions"), &questions)?;
    let thank_you = match f.object("thankYou", Some(&["title", "body"]))? {
        Some(o) => thank_you(&o)?,
        None => ThankYou::default(),
    };
    Ok(Survey {
        id,
        name,
        trigger,
        targeting,
        throttle,
        questions,
        thank_you,
    })
}

/// The members of a site configuration object: everything the widget reads. The
/// collector publishes exactly these (its config file adds server-only members beside them).
pub const SITE_KEYS: &[&str] = &["site", "locale", "theme", "cooldownDays", "surveys"];

/// A whole site configuration, checked (unknown top-level fields are ignored: the
/// collector's config file adds `origins` and `adminToken`, and checks its own keys).
pub fn site_config(v: &Json) -> Decoded<SiteConfig> {
    let mut partial = partial_fields(v, None)?;
    // Applied over an empty configuration: the defaults and the moves are those of a merge.
    let mut config = SiteConfig::new(partial.site.take().unwrap_or_default());
    config.apply(partial);
    Ok(config)
}

/// An inline `config` argument, checked on its own (unknown fields rejected).
pub fn partial(v: &Json) -> Decoded<PartialSiteConfig> {
    partial_fields(v, Some(SITE_KEYS))
}

/// The top level of both: `site` is required of a whole configuration (`known` = `None`).
fn partial_fields(v: &Json, known: Option<&[&str]>) -> Decoded<PartialSiteConfig> {
    let f = Fields::new("", v, known)?;
    let whole = known.is_none();
    let p = PartialSiteConfig {
        site: f.str("site", whole)?,
        locale: f.str("locale", false)?,
        theme: match f.object(
            "theme",
            Some(&["brand", "radius", "font", "position", "mode"]),
        )? {
            Some(o) => Some(theme(&o)?),
            None => None,
        },
        cooldown_days: f.num("cooldownDays", false)?,
        surveys: f.list("surveys", false, survey_at)?,
    };
    // The rules of the whole configuration, once every survey is read.
    validate::top_level(
        if whole { p.site.as_deref() } else { None },
        p.locale.as_deref(),
        p.theme.as_ref(),
        None,
        p.cooldown_days,
        &validate::ids(&p.surveys),
    )?;
    Ok(p)
}
