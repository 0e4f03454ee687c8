//! Reading the site-configuration model from a [`Json`] value: the shape of every field
//! (types, unknown fields, enum spellings) and the rules beyond it ([`super::validate`]),
//! each checked where the value is read, with the JSON path of the first value at fault.

use crate::prelude::*;

use super::branch::{Branch, Condition, Scalar, END};
use super::question::{Choice, Question, QuestionKind, QuestionType, ScaleLabels};
use super::validate::{self, invalid};
use super::MAX_MAX_LENGTH;
use super::{
    ColorMode, Frequency, MatchKind, PartialSiteConfig, Position, SiteConfig, Survey, Targeting,
    ThankYou, Theme, ThrottlePolicy, Trigger, UrlMatch, DEFAULT_MAX_LENGTH,
};
use crate::core::json::{
    array_into, integer, shape_err, string, Decoded, Fields, Json, Path, ShapeError,
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

/// An optional localised-text member, stored into `out` (left as is when absent). Readers
/// that write in place keep each call site to a call and a test, with no result to copy.
#[inline(never)]
fn opt_text(f: &Fields<'_>, key: &str, out: &mut Option<LocalizedText>) -> Decoded<()> {
    if let Some(v) = f.field(key, false)? {
        *out = Some(text_at(&f.child(key), v)?);
    }
    Ok(())
}

/// An optional string member, stored into `out` (left as is when absent).
#[inline(never)]
fn opt_str(f: &Fields<'_>, key: &str, out: &mut Option<String>) -> Decoded<()> {
    if let Some(v) = f.str(key, false)? {
        *out = Some(v);
    }
    Ok(())
}

/// The rule error at member `key` of `f` (see [`invalid`]): one call with fewer arguments
/// at each of the decoders' checks.
#[cold]
#[inline(never)]
fn broken(f: &Fields<'_>, key: &str, template: &str, a: &str) -> Box<ShapeError> {
    invalid(&f.child(key), template, a, "")
}

/// A number member (required or not) in `0..=max` (`max_text` spelled out), stored into
/// `out` (left as is when absent).
#[inline(never)]
fn num_to(
    f: &Fields<'_>,
    key: &str,
    required: bool,
    max: f64,
    max_text: &str,
    out: &mut f64,
) -> Decoded<()> {
    if let Some(n) = f.num(key, required)? {
        validate::zero_to(&f.child(key), n, max, max_text)?;
        *out = n;
    }
    Ok(())
}

/// The nested decoders get their object already opened (`Fields::object`), its keys
/// checked by the caller (the trigger's, which depend on its type, by [`trigger`] itself).
/// A theme, stored into `t` (the default at first).
fn theme(f: &Fields<'_>, t: &mut Theme) -> Decoded<()> {
    const POSITIONS: [Position; 5] = [
        Position::BottomRight,
        Position::BottomLeft,
        Position::TopRight,
        Position::TopLeft,
        Position::Center,
    ];
    const MODES: [ColorMode; 3] = [ColorMode::Light, ColorMode::Dark, ColorMode::System];
    opt_str(f, "brand", &mut t.brand)?;
    opt_str(f, "radius", &mut t.radius)?;
    opt_str(f, "font", &mut t.font)?;
    t.position = f
        .variant(
            "position",
            false,
            &[
                "bottom-right",
                "bottom-left",
                "top-right",
                "top-left",
                "center",
            ],
        )?
        .and_then(|i| POSITIONS.get(i).copied());
    t.mode = f
        .variant("mode", false, &["light", "dark", "system"])?
        .and_then(|i| MODES.get(i).copied());
    Ok(())
}

fn trigger(f: &Fields<'_>) -> Decoded<Trigger> {
    let kind = f.variant(
        "type",
        true,
        &[
            "pageLoad",
            "delay",
            "scroll",
            "exitIntent",
            "event",
            "manual",
        ],
    )?;
    let (extra, key) = match kind {
        Some(1) => ("seconds", "seconds"),
        Some(2) => ("percent", "percent"),
        Some(4) => ("event", "event"),
        _ => ("type", ""),
    };
    f.only(Some(&["type", extra]))?;
    Ok(match kind {
        Some(0) => Trigger::PageLoad,
        Some(3) => Trigger::ExitIntent,
        Some(4) => {
            let event = f.req_str(key)?;
            if event.is_empty() || char_count(&event) > validate::MAX_ID_CHARS {
                return Err(broken(f, key, validate::EVENT_CHARS, ""));
            }
            Trigger::Event { event }
        }
        Some(1) => {
            let mut seconds = 0.0;
            num_to(f, key, true, 86_400.0, "86400", &mut seconds)?;
            Trigger::Delay { seconds }
        }
        Some(2) => {
            let mut percent = 0.0;
            num_to(f, key, true, 100.0, "100", &mut percent)?;
            Trigger::Scroll { percent }
        }
        _ => Trigger::Manual,
    })
}

fn url_match(f: &Fields<'_>) -> Decoded<UrlMatch> {
    const KINDS: [MatchKind; 5] = [
        MatchKind::Exact,
        MatchKind::Prefix,
        MatchKind::Contains,
        MatchKind::Glob,
        MatchKind::Regex,
    ];
    let kind = f.variant(
        "match",
        true,
        &["exact", "prefix", "contains", "glob", "regex"],
    )?;
    let value = f.req_str("value")?;
    let n = char_count(&value);
    if n == 0 || n > validate::MAX_URL_RULE_CHARS {
        return Err(broken(f, "value", validate::URL_RULE_CHARS, ""));
    }
    Ok(UrlMatch {
        kind: kind
            .and_then(|i| KINDS.get(i).copied())
            .unwrap_or(MatchKind::Exact),
        value,
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

/// Stored into `t` (the default at first): absent fields keep their defaults.
fn throttle(f: &Fields<'_>, t: &mut ThrottlePolicy) -> Decoded<()> {
    const FREQUENCIES: [Frequency; 4] = [
        Frequency::Once,
        Frequency::UntilAnswered,
        Frequency::MaxTimes,
        Frequency::Always,
    ];
    num_to(f, "sample", false, 100.0, "100", &mut t.sample)?;
    if let Some(&v) = f
        .variant(
            "frequency",
            false,
            &["once", "untilAnswered", "maxTimes", "always"],
        )?
        .and_then(|i| FREQUENCIES.get(i))
    {
        t.frequency = v;
    }
    opt_u32(f, "maxShows", &mut t.max_shows)?;
    num_to(
        f,
        "recontactDays",
        false,
        validate::MAX_DAYS,
        "3650",
        &mut t.recontact_days,
    )?;
    if t.frequency == Frequency::MaxTimes && t.max_shows == 0 {
        return Err(broken(
            f,
            "maxShows",
            "must be at least 1 for frequency maxTimes",
            "",
        ));
    }
    Ok(())
}

/// An optional `u32` member, stored into `out` (left as is when absent).
fn opt_u32(f: &Fields<'_>, key: &str, out: &mut u32) -> Decoded<()> {
    if let Some(n) = f.int(key, false, 0, i64::from(u32::MAX))? {
        *out = n as u32;
    }
    Ok(())
}

/// Stored into `t` (the default at first): on an error only the survey is dropped.
fn thank_you(f: &Fields<'_>, t: &mut ThankYou) -> Decoded<()> {
    opt_text(f, "title", &mut t.title)?;
    opt_text(f, "body", &mut t.body)
}

fn scalar(path: &Path<'_>, v: &Json) -> Decoded<Scalar> {
    match v {
        Json::Str(s) => Ok(Scalar::Text(s.clone())),
        other => integer(path, other, i64::MIN, i64::MAX).map(Scalar::Integer),
    }
}

/// A branch condition.
pub fn condition(path: &str, v: &Json) -> Decoded<Condition> {
    let mut c = Condition::default();
    condition_into(&Path::Root(path), v, &mut c)?;
    Ok(c)
}

/// A branch condition, stored into `c` (which starts as the default): on an error only the
/// caller's value is dropped, not each field decoded so far, and no result is copied.
fn condition_into(path: &Path<'_>, v: &Json, c: &mut Condition) -> Decoded<()> {
    let f = Fields::at(*path, v, Some(&["min", "max", "equals", "anyOf"]))?;
    c.min = f.int("min", false, i64::MIN, i64::MAX)?;
    c.max = f.int("max", false, i64::MIN, i64::MAX)?;
    if let Some(v) = f.field("equals", false)? {
        c.equals = Some(scalar(&f.child("equals"), v)?);
    }
    if let Some(v) = f.field("anyOf", false)? {
        // Stored in place: a list read only in part is dropped with the condition.
        array_into(&f.child("anyOf"), v, scalar, c.any_of.insert(Vec::new()))?;
    }
    Ok(())
}

/// A blank branch filled in place by [`branch_into`], like a survey.
fn branch(path: &Path<'_>, v: &Json) -> Decoded<Branch> {
    let mut b = Branch {
        when: Condition::default(),
        goto: String::new(),
    };
    branch_into(path, v, &mut b)?;
    Ok(b)
}

fn branch_into(path: &Path<'_>, v: &Json, b: &mut Branch) -> Decoded<()> {
    let f = Fields::at(*path, v, Some(&["when", "goto"]))?;
    if let Some(v) = f.field("when", true)? {
        condition_into(&f.child("when"), v, &mut b.when)?;
    }
    b.goto = f.req_str("goto")?;
    Ok(())
}

/// A required id member ([`validate::is_valid_id`]), stored into `out` (the error the only
/// result, like [`opt_str`]).
fn req_id(f: &Fields<'_>, key: &str, out: &mut String) -> Decoded<()> {
    *out = f.req_str(key)?;
    validate::id(&f.child(key), out)
}

/// A blank choice filled in place by [`choice_into`], like a survey.
fn choice(path: &Path<'_>, v: &Json) -> Decoded<Choice> {
    let mut c = Choice {
        id: String::new(),
        label: LocalizedText::Plain(String::new()),
    };
    choice_into(path, v, &mut c)?;
    Ok(c)
}

fn choice_into(path: &Path<'_>, v: &Json, c: &mut Choice) -> Decoded<()> {
    let f = Fields::at(*path, v, Some(&["id", "label"]))?;
    req_id(&f, "id", &mut c.id)?;
    if let Some(v) = f.field("label", true)? {
        c.label = text_at(&f.child("label"), v)?;
    }
    Ok(())
}

/// The type-specific settings of a question and the types (bit `i`: `QuestionType::ALL[i]`)
/// that take each.
const TYPE_FIELDS: [(&str, u8); 6] = [
    ("lowLabel", 0b1_0111),
    ("highLabel", 0b1_0111),
    ("options", 0b110_0000),
    ("other", 0b100_0000),
    ("maxLength", 0b1000_0000),
    ("placeholder", 0b1000_0000),
];

/// A question: every setting sits flat next to `"type"`; settings of another type are
/// rejected.
pub fn question(path: &str, v: &Json) -> Decoded<Question> {
    question_at(&Path::Root(path), v)
}

/// A blank question filled in place by [`question_into`] (its kind a placeholder until the
/// type is read).
fn question_at(path: &Path<'_>, v: &Json) -> Decoded<Question> {
    let mut q = Question {
        id: String::new(),
        kind: QuestionKind::Thumbs,
        text: LocalizedText::Plain(String::new()),
        required: false,
        branches: Vec::new(),
        next: None,
    };
    question_into(path, v, &mut q)?;
    Ok(q)
}

/// A question, stored into `q` (a blank one at first), like a survey ([`survey_into`]).
fn question_into(path: &Path<'_>, v: &Json, q: &mut Question) -> Decoded<()> {
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
    let i = f
        .variant("type", true, &QuestionType::NAMES)?
        .unwrap_or_default();
    let t = QuestionType::ALL
        .get(i)
        .copied()
        .unwrap_or(QuestionType::Nps);
    // An index loop over the constant (by reference: by value it would be copied to the
    // stack first).
    let mut k = 0;
    while let Some(&(field, types)) = TYPE_FIELDS.get(k) {
        if types & (1 << i) == 0 && f.get(field).is_some() {
            return shape_err(
                path,
                subst("`{}` is not allowed for type `{}`", field, t.as_str()),
            );
        }
        k += 1;
    }
    q.kind = match t {
        QuestionType::Thumbs => QuestionKind::Thumbs,
        QuestionType::SingleChoice | QuestionType::MultipleChoice => {
            // A missing `options` is empty, which is reported with its full path.
            let mut options = Vec::new();
            f.list_into("options", false, choice, &mut options)?;
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
            let mut max_length = DEFAULT_MAX_LENGTH;
            opt_u32(&f, "maxLength", &mut max_length)?;
            if max_length == 0 || max_length > MAX_MAX_LENGTH {
                return Err(broken(
                    &f,
                    "maxLength",
                    validate::MAX_LENGTH_RANGE,
                    &uint(u64::from(max_length)),
                ));
            }
            let mut placeholder = None;
            opt_text(&f, "placeholder", &mut placeholder)?;
            QuestionKind::OpenText {
                max_length,
                placeholder,
            }
        }
        scale => {
            let mut labels = ScaleLabels::default();
            opt_text(&f, "lowLabel", &mut labels.low)?;
            opt_text(&f, "highLabel", &mut labels.high)?;
            match scale {
                QuestionType::Csat => QuestionKind::Csat(labels),
                QuestionType::Ces => QuestionKind::Ces(labels),
                QuestionType::Emoji => QuestionKind::Emoji(labels),
                _ => QuestionKind::Nps(labels),
            }
        }
    };
    req_id(&f, "id", &mut q.id)?;
    if q.id == END {
        return Err(broken(
            &f,
            "id",
            "`end` is reserved for the thank-you screen",
            "",
        ));
    }
    // Required of every type: the widget has no default prompts.
    if let Some(v) = f.field("text", true)? {
        q.text = text_at(&f.child("text"), v)?;
    }
    q.required = f.bool("required")?.unwrap_or(false);
    f.list_into("branches", false, branch, &mut q.branches)?;
    if t == QuestionType::OpenText && !q.branches.is_empty() {
        return Err(broken(
            &f,
            "branches",
            "are not supported for type `openText`",
            "",
        ));
    }
    opt_str(&f, "next", &mut q.next)
}

/// A survey.
pub fn survey(path: &str, v: &Json) -> Decoded<Survey> {
    survey_at(&Path::Root(path), v)
}

/// A blank survey filled in place by [`survey_into`]: on an error only `s` is dropped, not
/// each field decoded so far.
fn survey_at(path: &Path<'_>, v: &Json) -> Decoded<Survey> {
    let mut s = Survey {
        id: String::new(),
        name: None,
        trigger: Trigger::default(),
        targeting: Targeting::default(),
        throttle: ThrottlePolicy::default(),
        questions: Vec::new(),
        thank_you: ThankYou::default(),
    };
    survey_into(path, v, &mut s)?;
    Ok(s)
}

/// A survey, stored into `s` (which starts as the default): the error is the only result,
/// so each check's exit is a plain return, and nothing is copied out.
fn survey_into(path: &Path<'_>, v: &Json, s: &mut Survey) -> Decoded<()> {
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
    req_id(&f, "id", &mut s.id)?;
    opt_str(&f, "name", &mut s.name)?;
    if let Some(name) = &s.name {
        if char_count(name) > validate::MAX_TEXT_CHARS {
            return Err(broken(&f, "name", validate::LONGER_THAN_MAX_TEXT, ""));
        }
    }
    if let Some(o) = f.object("trigger", None)? {
        s.trigger = trigger(&o)?;
    }
    if let Some(o) = f.object("targeting", Some(&["url"]))? {
        s.targeting = targeting(&o)?;
    }
    if let Some(o) = f.object(
        "throttle",
        Some(&["sample", "frequency", "maxShows", "recontactDays"]),
    )? {
        throttle(&o, &mut s.throttle)?;
    }
    f.list_into("questions", true, question_at, &mut s.questions)?;
    validate::questions(&f.child("questions"), &s.questions)?;
    if let Some(o) = f.object("thankYou", Some(&["title", "body"]))? {
        thank_you(&o, &mut s.thank_you)?;
    }
    Ok(())
}

/// The members of a site configuration object: everything the widget reads. The
/// collector publishes exactly these (its config file adds server-only members beside them).
pub const SITE_KEYS: &[&str] = &["site", "locale", "theme", "cooldownDays", "surveys"];

/// A whole site configuration, checked (unknown top-level fields are ignored: the
/// collector's config file adds `origins` and `adminToken`, and checks its own keys).
pub fn site_config(v: &Json) -> Decoded<SiteConfig> {
    let mut p = PartialSiteConfig::default();
    partial_fields(v, None, &mut p)?;
    // Applied over an empty configuration: the defaults and the moves are those of a merge.
    let mut c = SiteConfig::new(p.site.take().unwrap_or_default());
    c.apply(p);
    Ok(c)
}

/// An inline `config` argument, checked on its own (unknown fields rejected).
pub fn partial(v: &Json) -> Decoded<PartialSiteConfig> {
    let mut p = PartialSiteConfig::default();
    partial_fields(v, Some(SITE_KEYS), &mut p)?;
    Ok(p)
}

/// The top level of both, stored into `p` (the default at first; like a survey,
/// [`survey_into`]): `site` is required of a whole configuration (`known` = `None`).
fn partial_fields(v: &Json, known: Option<&[&str]>, p: &mut PartialSiteConfig) -> Decoded<()> {
    let f = Fields::new("", v, known)?;
    p.site = f.str("site", known.is_none())?;
    opt_str(&f, "locale", &mut p.locale)?;
    if let Some(o) = f.object(
        "theme",
        Some(&["brand", "radius", "font", "position", "mode"]),
    )? {
        theme(&o, p.theme.insert(Theme::default()))?;
    }
    p.cooldown_days = f.num("cooldownDays", false)?;
    f.list_into("surveys", false, survey_at, &mut p.surveys)?;
    // The rules of the whole configuration, once every survey is read.
    validate::top_level(
        if known.is_none() {
            p.site.as_deref()
        } else {
            None
        },
        p.locale.as_deref(),
        p.theme.as_ref(),
        None,
        p.cooldown_days,
        &validate::ids(&p.surveys),
    )
}
