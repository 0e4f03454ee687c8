//! Reading the site-configuration model from a [`Json`] value: the shape of every field
//! (types, unknown fields, enum spellings) with the JSON path of the first value at fault.
//! The rules beyond the shape are in [`super::validate`].

use crate::prelude::*;

use super::branch::{Branch, Condition, Scalar};
use super::question::{Choice, Question, QuestionKind, QuestionType, ScaleLabels};
use super::{
    ColorMode, Frequency, MatchKind, PartialSiteConfig, Position, SiteConfig, Survey, Targeting,
    ThankYou, Theme, ThrottlePolicy, Trigger, UrlMatch, DEFAULT_MAX_LENGTH,
};
use crate::core::json::{
    array, boolean, integer, number, shape_err, string, variant, Decoded, Fields, Json,
};
use crate::core::text::LocalizedText;

/// A localised text: a string or a `{locale: string}` map (locales unique, ignoring case).
pub fn text(path: &str, v: &Json) -> Decoded<LocalizedText> {
    match v {
        Json::Str(s) => Ok(LocalizedText::Plain(s.clone())),
        Json::Obj(members) => {
            let mut map: Vec<(String, String)> = Vec::with_capacity(members.len());
            for (k, v) in members {
                if map.iter().any(|(e, _)| e.eq_ignore_ascii_case(k)) {
                    return shape_err(path, crate::core::msg::cat(&["duplicate locale `", k, "`"]));
                }
                map.push((k.clone(), string(&crate::core::json::child(path, k), v)?));
            }
            Ok(LocalizedText::Localized(map))
        }
        other => shape_err(
            path,
            crate::core::msg::cat(&[
                "expected a string or an object mapping locale to string, got ",
                other.kind(),
            ]),
        ),
    }
}

fn theme(path: &str, v: &Json) -> Decoded<Theme> {
    let f = Fields::new(
        path,
        v,
        Some(&["brand", "radius", "font", "position", "mode"]),
    )?;
    const POSITIONS: [Position; 5] = [
        Position::BottomRight,
        Position::BottomLeft,
        Position::TopRight,
        Position::TopLeft,
        Position::Center,
    ];
    const MODES: [ColorMode; 3] = [ColorMode::Light, ColorMode::Dark, ColorMode::System];
    Ok(Theme {
        brand: f.opt("brand", string)?,
        radius: f.opt("radius", string)?,
        font: f.opt("font", string)?,
        position: f.opt("position", |p, v| {
            variant(
                p,
                v,
                &[
                    "bottom-right",
                    "bottom-left",
                    "top-right",
                    "top-left",
                    "center",
                ],
            )
            .map(|i| POSITIONS[i])
        })?,
        mode: f.opt("mode", |p, v| {
            variant(p, v, &["light", "dark", "system"]).map(|i| MODES[i])
        })?,
    })
}

fn trigger(path: &str, v: &Json) -> Decoded<Trigger> {
    let f = Fields::new(path, v, None)?;
    let kind = f.req("type", |p, v| {
        variant(
            p,
            v,
            &[
                "pageLoad",
                "delay",
                "scroll",
                "exitIntent",
                "event",
                "manual",
            ],
        )
    })?;
    let extra: &[&str] = match kind {
        1 => &["type", "seconds"],
        2 => &["type", "percent"],
        4 => &["type", "event"],
        _ => &["type"],
    };
    let f = Fields::new(path, v, Some(extra))?;
    Ok(match kind {
        0 => Trigger::PageLoad,
        1 => Trigger::Delay {
            seconds: f.req("seconds", number)?,
        },
        2 => Trigger::Scroll {
            percent: f.req("percent", number)?,
        },
        3 => Trigger::ExitIntent,
        4 => Trigger::Event {
            event: f.req("event", string)?,
        },
        _ => Trigger::Manual,
    })
}

fn targeting(path: &str, v: &Json) -> Decoded<Targeting> {
    let f = Fields::new(path, v, Some(&["url"]))?;
    Ok(Targeting {
        url: f.opt("url", |path, v| {
            let f = Fields::new(path, v, Some(&["match", "value"]))?;
            const KINDS: [MatchKind; 5] = [
                MatchKind::Exact,
                MatchKind::Prefix,
                MatchKind::Contains,
                MatchKind::Glob,
                MatchKind::Regex,
            ];
            Ok(UrlMatch {
                kind: f.req("match", |p, v| {
                    variant(p, v, &["exact", "prefix", "contains", "glob", "regex"])
                        .map(|i| KINDS[i])
                })?,
                value: f.req("value", string)?,
            })
        })?,
    })
}

fn throttle(path: &str, v: &Json) -> Decoded<ThrottlePolicy> {
    let f = Fields::new(
        path,
        v,
        Some(&["sample", "frequency", "maxShows", "recontactDays"]),
    )?;
    const FREQUENCIES: [Frequency; 4] = [
        Frequency::Once,
        Frequency::UntilAnswered,
        Frequency::MaxTimes,
        Frequency::Always,
    ];
    let d = ThrottlePolicy::default();
    Ok(ThrottlePolicy {
        sample: f.opt("sample", number)?.unwrap_or(d.sample),
        frequency: f
            .opt("frequency", |p, v| {
                variant(p, v, &["once", "untilAnswered", "maxTimes", "always"])
                    .map(|i| FREQUENCIES[i])
            })?
            .unwrap_or(d.frequency),
        max_shows: f.opt("maxShows", u32_value)?.unwrap_or(d.max_shows),
        recontact_days: f.opt("recontactDays", number)?.unwrap_or(d.recontact_days),
    })
}

fn u32_value(path: &str, v: &Json) -> Decoded<u32> {
    integer(path, v, 0, i64::from(u32::MAX)).map(|n| n as u32)
}

fn thank_you(path: &str, v: &Json) -> Decoded<ThankYou> {
    let f = Fields::new(path, v, Some(&["title", "body"]))?;
    Ok(ThankYou {
        title: f.opt("title", text)?,
        body: f.opt("body", text)?,
    })
}

fn scalar(path: &str, v: &Json) -> Decoded<Scalar> {
    match v {
        Json::Str(s) => Ok(Scalar::Text(s.clone())),
        other => integer(path, other, i64::MIN, i64::MAX).map(Scalar::Integer),
    }
}

fn int(path: &str, v: &Json) -> Decoded<i64> {
    integer(path, v, i64::MIN, i64::MAX)
}

/// A branch condition.
pub fn condition(path: &str, v: &Json) -> Decoded<Condition> {
    let f = Fields::new(path, v, Some(&["min", "max", "equals", "anyOf"]))?;
    Ok(Condition {
        min: f.opt("min", int)?,
        max: f.opt("max", int)?,
        equals: f.opt("equals", scalar)?,
        any_of: f.opt("anyOf", |p, v| array(p, v, scalar))?,
    })
}

fn branch(path: &str, v: &Json) -> Decoded<Branch> {
    let f = Fields::new(path, v, Some(&["when", "goto"]))?;
    Ok(Branch {
        when: f.req("when", condition)?,
        goto: f.req("goto", string)?,
    })
}

fn choice(path: &str, v: &Json) -> Decoded<Choice> {
    let f = Fields::new(path, v, Some(&["id", "label"]))?;
    Ok(Choice {
        id: f.req("id", string)?,
        label: f.req("label", text)?,
    })
}

const QUESTION_TYPES: [QuestionType; 8] = [
    QuestionType::Nps,
    QuestionType::Csat,
    QuestionType::Ces,
    QuestionType::Thumbs,
    QuestionType::Emoji,
    QuestionType::SingleChoice,
    QuestionType::MultipleChoice,
    QuestionType::OpenText,
];

/// A question: every setting sits flat next to `"type"`; settings of another type are
/// rejected.
pub fn question(path: &str, v: &Json) -> Decoded<Question> {
    let f = Fields::new(
        path,
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
    let t = f.req("type", |p, v| {
        variant(p, v, &QUESTION_TYPES.map(QuestionType::as_str)).map(|i| QUESTION_TYPES[i])
    })?;
    let scale = matches!(
        t,
        QuestionType::Nps | QuestionType::Csat | QuestionType::Ces | QuestionType::Emoji
    );
    let allowed = |field: &str| match field {
        "lowLabel" | "highLabel" => scale,
        "options" => matches!(t, QuestionType::SingleChoice | QuestionType::MultipleChoice),
        "other" => t == QuestionType::MultipleChoice,
        _ => t == QuestionType::OpenText,
    };
    for field in [
        "lowLabel",
        "highLabel",
        "options",
        "other",
        "maxLength",
        "placeholder",
    ] {
        if f.get(field).is_some() && !allowed(field) {
            return shape_err(
                path,
                crate::core::msg::cat(&[
                    "`",
                    field,
                    "` is not allowed for type `",
                    t.as_str(),
                    "`",
                ]),
            );
        }
    }
    let labels = || -> Decoded<ScaleLabels> {
        Ok(ScaleLabels {
            low: f.opt("lowLabel", text)?,
            high: f.opt("highLabel", text)?,
        })
    };
    // A missing `options` becomes empty so that validation reports it with its full path.
    let options = || -> Decoded<Vec<Choice>> {
        Ok(f.opt("options", |p, v| array(p, v, choice))?
            .unwrap_or_default())
    };
    let kind = match t {
        QuestionType::Nps => QuestionKind::Nps(labels()?),
        QuestionType::Csat => QuestionKind::Csat(labels()?),
        QuestionType::Ces => QuestionKind::Ces(labels()?),
        QuestionType::Emoji => QuestionKind::Emoji(labels()?),
        QuestionType::Thumbs => QuestionKind::Thumbs,
        QuestionType::SingleChoice => QuestionKind::SingleChoice {
            options: options()?,
        },
        QuestionType::MultipleChoice => QuestionKind::MultipleChoice {
            options: options()?,
            other: f.opt("other", boolean)?.unwrap_or(false),
        },
        QuestionType::OpenText => QuestionKind::OpenText {
            max_length: f.opt("maxLength", u32_value)?.unwrap_or(DEFAULT_MAX_LENGTH),
            placeholder: f.opt("placeholder", text)?,
        },
    };
    Ok(Question {
        id: f.req("id", string)?,
        kind,
        text: f.opt("text", text)?,
        required: f.opt("required", boolean)?.unwrap_or(false),
        branches: f
            .opt("branches", |p, v| array(p, v, branch))?
            .unwrap_or_default(),
        next: f.opt("next", string)?,
    })
}

/// A survey.
pub fn survey(path: &str, v: &Json) -> Decoded<Survey> {
    let f = Fields::new(
        path,
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
    Ok(Survey {
        id: f.req("id", string)?,
        name: f.opt("name", string)?,
        trigger: f.opt("trigger", trigger)?.unwrap_or_default(),
        targeting: f.opt("targeting", targeting)?.unwrap_or_default(),
        throttle: f.opt("throttle", throttle)?.unwrap_or_default(),
        questions: f.req("questions", |p, v| array(p, v, question))?,
        thank_you: f.opt("thankYou", thank_you)?.unwrap_or_default(),
    })
}

fn surveys(f: &Fields<'_>) -> Decoded<Vec<Survey>> {
    Ok(f.opt("surveys", |p, v| array(p, v, survey))?
        .unwrap_or_default())
}

/// A whole site configuration (unknown top-level fields are ignored: the collector's config
/// file adds `origins` and `adminToken`).
pub fn site_config(v: &Json) -> Decoded<SiteConfig> {
    let f = Fields::new("", v, None)?;
    Ok(SiteConfig {
        site: f.req("site", string)?,
        locale: f
            .opt("locale", string)?
            .unwrap_or_else(|| "auto".to_owned()),
        theme: f.opt("theme", theme)?.unwrap_or_default(),
        cooldown_days: f.opt("cooldownDays", number)?.unwrap_or(0.0),
        surveys: surveys(&f)?,
    })
}

/// An inline `config` argument (unknown fields rejected).
pub fn partial(v: &Json) -> Decoded<PartialSiteConfig> {
    let f = Fields::new(
        "",
        v,
        Some(&["site", "locale", "theme", "cooldownDays", "surveys"]),
    )?;
    Ok(PartialSiteConfig {
        site: f.opt("site", string)?,
        locale: f.opt("locale", string)?,
        theme: f.opt("theme", theme)?,
        cooldown_days: f.opt("cooldownDays", number)?,
        surveys: surveys(&f)?,
    })
}
