//! Reading the site-configuration model from a [`Json`] value: its **shape** only — the
//! type of every field, unknown fields, enum spellings, required members — each error with
//! the JSON path of the value at fault. The rules beyond the shape (ranges, unique ids,
//! branch targets, limits, blank texts) are [`super::validate`]'s, run on the decoded model.
//!
//! The collector runs both on its configuration file and refuses to start (or to reload) on
//! the first fault: [`site_config`] then [`super::validate::site_config`], together
//! [`SiteConfig::from_value`]. The widget reads what the collector serves, already checked,
//! with [`site_config_parts`] only: each survey and each site-level setting on its own, so
//! that a part it cannot read (a newer collector's variant, say) is left out with one error
//! and the rest keeps working. The widget's machine stays total on any decoded value.

use crate::prelude::*;

use super::branch::{Branch, Condition, Scalar};
use super::question::{Choice, Question, QuestionKind, QuestionType, ScaleLabels};
use super::{
    ColorMode, ConfigError, Frequency, MatchKind, MobileExit, PartialSiteConfig, Position,
    SiteConfig, Survey, Targeting, ThankYou, Theme, ThrottlePolicy, Trigger, UrlMatch,
    DEFAULT_MAX_LENGTH,
};
use crate::core::json::{array, integer, items, shape_err, string, Decoded, Fields, Json, Path};
use crate::core::msg::subst;
use crate::core::text::LocalizedText;

/// A localised text: a string or a `{locale: string}` map (whether its locales are unique
/// and its strings not blank is [`super::validate`]'s).
pub fn text(path: &str, v: &Json) -> Decoded<LocalizedText> {
    text_at(&Path::Root(path), v)
}

fn text_at(path: &Path<'_>, v: &Json) -> Decoded<LocalizedText> {
    match v {
        Json::Str(s) => Ok(LocalizedText::Plain(s.clone())),
        Json::Obj(members) => {
            let mut map: Vec<(String, String)> = Vec::new();
            for (k, v) in members {
                map.push((k.clone(), string(&path.key(k), v)?));
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

/// An optional `u32` member.
fn opt_u32(f: &Fields<'_>, key: &str) -> Decoded<Option<u32>> {
    Ok(f.int(key, false, 0, i64::from(u32::MAX))?.map(|n| n as u32))
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
        TriggerType::Event => Trigger::Event {
            event: f.req_str("event")?,
        },
        TriggerType::Delay => Trigger::Delay {
            seconds: f.num("seconds", true)?.unwrap_or_default(),
        },
        TriggerType::Scroll => Trigger::Scroll {
            percent: f.num("percent", true)?.unwrap_or_default(),
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
    Ok(UrlMatch {
        kind,
        value: f.req_str("value")?,
    })
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
    if let Some(sample) = f.num("sample", false)? {
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
    if let Some(days) = f.num("recontactDays", false)? {
        t.recontact_days = days;
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
        id: f.req_str("id")?,
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
            if t == QuestionType::SingleChoice {
                QuestionKind::SingleChoice { options }
            } else {
                QuestionKind::MultipleChoice {
                    options,
                    other: f.bool("other")?.unwrap_or(false),
                }
            }
        }
        QuestionType::OpenText => QuestionKind::OpenText {
            max_length: opt_u32(&f, "maxLength")?.unwrap_or(DEFAULT_MAX_LENGTH),
            placeholder: opt_text(&f, "placeholder")?,
        },
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
    Ok(Question {
        id: f.req_str("id")?,
        kind,
        // Required of every type: the widget has no default prompts.
        text: f.req("text", text_at)?,
        required: f.bool("required")?.unwrap_or(false),
        branches: f.list("branches", false, branch)?,
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
    let id = f.req_str("id")?;
    let name = f.str("name", false)?;
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

/// The members of an inline configuration: the site's settings, not its surveys (those are
/// defined only in the collector's configuration).
pub const INLINE_KEYS: &[&str] = &["site", "locale", "theme", "cooldownDays"];

/// A whole site configuration, read in full: the first part whose shape is wrong refuses
/// it all (unknown top-level fields are ignored: the collector's config file adds
/// `origins` and `adminToken`, and checks its own keys). Its rules are not checked here:
/// [`SiteConfig::from_value`] runs [`super::validate::site_config`] after it.
pub fn site_config(v: &Json) -> Decoded<SiteConfig> {
    let f = Fields::new("", v, None)?;
    let mut config = SiteConfig::new(f.req_str("site")?);
    if let Some(locale) = f.str("locale", false)? {
        config.locale = locale;
    }
    if let Some(theme) = site_theme(&f)? {
        config.theme = theme;
    }
    if let Some(days) = f.num("cooldownDays", false)? {
        config.cooldown_days = days;
    }
    config.surveys = f.list("surveys", false, survey_at)?;
    Ok(config)
}

/// What [`site_config_parts`] left out, each with the error naming its field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Site-level settings (`site`, `locale`, `theme`, `cooldownDays`) that fell back to
    /// their defaults.
    pub settings: Vec<ConfigError>,
    /// Surveys skipped (or the whole list, when `surveys` is no array).
    pub surveys: Vec<ConfigError>,
}

impl Faults {
    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.settings.is_empty() && self.surveys.is_empty()
    }
}

/// A whole site configuration read part by part, as the widget reads the collector's (which
/// the collector checked in full when it loaded it): each site-level setting and each
/// survey is decoded on its own; one whose shape is wrong is left out (a setting keeps its
/// default, a survey is skipped) with its error in [`Faults`], and the rest is kept. Only a
/// document that is no object is refused whole. No rule is checked.
pub fn site_config_parts(v: &Json) -> Decoded<(SiteConfig, Faults)> {
    let f = Fields::new("", v, None)?;
    let mut faults = Faults::default();
    let mut config = SiteConfig::new(setting(&mut faults, f.str("site", true)).unwrap_or_default());
    if let Some(locale) = setting(&mut faults, f.str("locale", false)) {
        config.locale = locale;
    }
    if let Some(theme) = setting(&mut faults, site_theme(&f)) {
        config.theme = theme;
    }
    if let Some(days) = setting(&mut faults, f.num("cooldownDays", false)) {
        config.cooldown_days = days;
    }
    match f.get("surveys").map(|v| items(&f.child("surveys"), v)) {
        None => {}
        Some(Err(fault)) => faults.surveys.push(ConfigError::from(fault)),
        Some(Ok(list)) => {
            let path = f.child("surveys");
            for (i, item) in list.iter().enumerate() {
                match survey_at(&path.index(i), item) {
                    Ok(survey) => config.surveys.push(survey),
                    Err(fault) => faults.surveys.push(ConfigError::from(fault)),
                }
            }
        }
    }
    Ok((config, faults))
}

/// The value of a setting read on its own, or `None` with its error noted.
fn setting<T>(faults: &mut Faults, read: Decoded<Option<T>>) -> Option<T> {
    match read {
        Ok(value) => value,
        Err(fault) => {
            faults.settings.push(ConfigError::from(fault));
            None
        }
    }
}

/// The members of the `theme` object.
const THEME_KEYS: &[&str] = &["brand", "radius", "font", "position", "mode"];

/// The `theme` member of a top level, if present.
fn site_theme(f: &Fields<'_>) -> Decoded<Option<Theme>> {
    match f.object("theme", Some(THEME_KEYS))? {
        Some(o) => Ok(Some(theme(&o)?)),
        None => Ok(None),
    }
}

/// An inline `config` argument, its shape read in full (unknown fields rejected, `surveys`
/// among them). Its rules are not checked here: [`PartialSiteConfig::from_value`] runs
/// [`super::validate::partial`] after it.
pub fn partial(v: &Json) -> Decoded<PartialSiteConfig> {
    let f = Fields::new("", v, Some(INLINE_KEYS))?;
    Ok(PartialSiteConfig {
        site: f.str("site", false)?,
        locale: f.str("locale", false)?,
        theme: site_theme(&f)?,
        cooldown_days: f.num("cooldownDays", false)?,
    })
}
