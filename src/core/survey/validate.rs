//! The rules a site configuration must follow beyond its JSON shape. Each check reports the
//! JSON path of the first value at fault.

use crate::prelude::*;

use super::branch::{Scalar, END};
use super::theme::is_safe_css_value;
use super::MAX_MAX_LENGTH;
use super::{
    ConfigError, Frequency, PartialSiteConfig, Question, QuestionKind, SiteConfig, Survey, Theme,
    Trigger,
};
use crate::core::json::{item, num_to_string as num};
use crate::core::text::LocalizedText;

/// Most surveys per site.
pub const MAX_SURVEYS: usize = 100;
/// Most questions per survey (a response carries at most 50 answers).
pub const MAX_QUESTIONS: usize = 50;
/// Most options per choice question.
pub const MAX_OPTIONS: usize = 50;
/// Longest id (site, survey, question, option) in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest visible text (prompt, label, thank-you) in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest URL rule value in characters.
pub const MAX_URL_RULE_CHARS: usize = 2048;
/// Longest recontact / cooldown period in days.
pub const MAX_DAYS: f64 = 3650.0;

type Result<T = ()> = ::core::result::Result<T, ConfigError>;

fn err<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T> {
    Err(ConfigError::invalid(path, message))
}

/// `{path}.{key}`: built without `format!`, which costs code at every call site.
#[inline(never)]
fn at(path: &str, key: &str) -> String {
    let mut p = String::with_capacity(path.len() + key.len() + 1);
    p.push_str(path);
    p.push('.');
    p.push_str(key);
    p
}

/// Whether `id` is usable as an id: 1–128 characters from `A–Z a–z 0–9 _ - . :`.
/// Ids end up in localStorage keys, URLs and CSV headers, so they are kept plain.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn id(path: &str, value: &str) -> Result {
    use crate::core::msg::{cat, uint};
    if is_valid_id(value) {
        Ok(())
    } else {
        err(
            path,
            cat(&[
                "`",
                value,
                "` is not a valid id (1–",
                &uint(MAX_ID_CHARS as u64),
                " characters from A–Z a–z 0–9 _ - . :)",
            ]),
        )
    }
}

fn days(path: &str, value: f64) -> Result {
    use crate::core::msg::{cat, uint};
    if value.is_finite() && (0.0..=MAX_DAYS).contains(&value) {
        Ok(())
    } else {
        err(
            path,
            cat(&[&num(value), " is outside 0–", &uint(MAX_DAYS as u64)]),
        )
    }
}

fn text(path: &str, value: &LocalizedText) -> Result {
    if value.is_empty_map() {
        return err(path, "must have at least one locale");
    }
    for v in value.variants() {
        if v.trim().is_empty() {
            return err(path, "must not be empty");
        }
        if v.chars().count() > MAX_TEXT_CHARS {
            return err(path, longer_than_max_text());
        }
    }
    Ok(())
}

fn opt_text(path: &str, value: &Option<LocalizedText>) -> Result {
    value.as_ref().map_or(Ok(()), |t| text(path, t))
}

fn locale(path: &str, value: &str) -> Result {
    let ok = value == "auto"
        || (!value.is_empty()
            && value.len() <= 35
            && value
                .split(['-', '_'])
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())));
    if ok {
        Ok(())
    } else {
        err(
            path,
            crate::core::msg::cat(&[
                "`",
                value,
                "` is neither \"auto\" nor a locale tag like \"es\" or \"pt-BR\"",
            ]),
        )
    }
}

fn theme(path: &str, t: &Theme) -> Result {
    for (field, value) in [
        ("brand", &t.brand),
        ("radius", &t.radius),
        ("font", &t.font),
    ] {
        if let Some(v) = value {
            if !is_safe_css_value(v) {
                return err(
                    at(path, field),
                    "must be a plain CSS value (≤ 200 characters, no ; { } < > \\ @ url( /*)",
                );
            }
        }
    }
    Ok(())
}

/// Validates a whole configuration.
pub fn site_config(c: &SiteConfig) -> Result {
    id("site", &c.site)?;
    locale("locale", &c.locale)?;
    theme("theme", &c.theme)?;
    days("cooldownDays", c.cooldown_days)?;
    surveys(&c.surveys)
}

/// Validates an inline `config` argument on its own.
pub fn partial(p: &PartialSiteConfig) -> Result {
    if let Some(l) = &p.locale {
        locale("locale", l)?;
    }
    if let Some(t) = &p.theme {
        theme("theme", t)?;
    }
    if let Some(d) = p.cooldown_days {
        days("cooldownDays", d)?;
    }
    surveys(&p.surveys)
}

fn surveys(list: &[Survey]) -> Result {
    use crate::core::msg::cat;
    if list.len() > MAX_SURVEYS {
        return err("surveys", more_than(MAX_SURVEYS, "surveys"));
    }
    for (i, s) in list.iter().enumerate() {
        let path = item("surveys", i);
        survey(&path, s)?;
        if list.iter().take(i).any(|o| o.id == s.id) {
            return err(at(&path, "id"), cat(&["duplicate survey id `", &s.id, "`"]));
        }
    }
    Ok(())
}

/// Validates one survey; `path` is its JSON path (`surveys[3]`).
pub fn survey(path: &str, s: &Survey) -> Result {
    id(&at(path, "id"), &s.id)?;
    if let Some(name) = &s.name {
        if name.chars().count() > MAX_TEXT_CHARS {
            return err(at(path, "name"), longer_than_max_text());
        }
    }
    trigger(&at(path, "trigger"), &s.trigger)?;
    if let Some(url) = &s.targeting.url {
        let n = url.value.chars().count();
        if n == 0 || n > MAX_URL_RULE_CHARS {
            return err(
                at(path, "targeting.url.value"),
                between_1_and(MAX_URL_RULE_CHARS),
            );
        }
    }
    let t = &s.throttle;
    let tp = at(path, "throttle");
    if !(t.sample.is_finite() && (0.0..=100.0).contains(&t.sample)) {
        return err(at(&tp, "sample"), outside(t.sample, "100"));
    }
    if t.frequency == Frequency::MaxTimes && t.max_shows == 0 {
        return err(
            at(&tp, "maxShows"),
            "must be at least 1 for frequency maxTimes",
        );
    }
    days(&at(&tp, "recontactDays"), t.recontact_days)?;
    opt_text(&at(path, "thankYou.title"), &s.thank_you.title)?;
    opt_text(&at(path, "thankYou.body"), &s.thank_you.body)?;
    questions(path, &s.questions)
}

fn trigger(path: &str, t: &Trigger) -> Result {
    match t {
        Trigger::Delay { seconds }
            if !(seconds.is_finite() && (0.0..=86_400.0).contains(seconds)) =>
        {
            err(at(path, "seconds"), outside(*seconds, "86400"))
        }
        Trigger::Scroll { percent }
            if !(percent.is_finite() && (0.0..=100.0).contains(percent)) =>
        {
            err(at(path, "percent"), outside(*percent, "100"))
        }
        Trigger::Event { event } if event.is_empty() || event.chars().count() > MAX_ID_CHARS => {
            err(at(path, "event"), between_1_and(MAX_ID_CHARS))
        }
        _ => Ok(()),
    }
}

fn questions(survey_path: &str, qs: &[Question]) -> Result {
    let path = at(survey_path, "questions");
    if qs.is_empty() {
        return err(path, "must not be empty");
    }
    if qs.len() > MAX_QUESTIONS {
        return err(path, more_than(MAX_QUESTIONS, "questions"));
    }
    for (j, q) in qs.iter().enumerate() {
        let qp = item(&path, j);
        id(&at(&qp, "id"), &q.id)?;
        if q.id == END {
            return err(at(&qp, "id"), "`end` is reserved for the thank-you screen");
        }
        if qs.iter().take(j).any(|o| o.id == q.id) {
            return err(
                at(&qp, "id"),
                crate::core::msg::cat(&["duplicate question id `", &q.id, "`"]),
            );
        }
    }
    for (j, q) in qs.iter().enumerate() {
        question(&item(&path, j), j, q, qs)?;
    }
    Ok(())
}

fn question(path: &str, index: usize, q: &Question, all: &[Question]) -> Result {
    use crate::core::msg::{cat, uint};
    let needs_text = matches!(
        q.kind,
        QuestionKind::SingleChoice { .. }
            | QuestionKind::MultipleChoice { .. }
            | QuestionKind::OpenText { .. }
    );
    match &q.text {
        Some(t) => text(&at(path, "text"), t)?,
        None if needs_text => {
            return err(
                at(path, "text"),
                cat(&[
                    "is required for type `",
                    q.kind.question_type().as_str(),
                    "`",
                ]),
            )
        }
        None => {}
    }
    match &q.kind {
        QuestionKind::Nps(l)
        | QuestionKind::Csat(l)
        | QuestionKind::Ces(l)
        | QuestionKind::Emoji(l) => {
            opt_text(&at(path, "lowLabel"), &l.low)?;
            opt_text(&at(path, "highLabel"), &l.high)?;
        }
        QuestionKind::Thumbs => {}
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            let op = at(path, "options");
            if options.is_empty() {
                return err(op, "must not be empty");
            }
            if options.len() > MAX_OPTIONS {
                return err(op, more_than(MAX_OPTIONS, "options"));
            }
            for (k, o) in options.iter().enumerate() {
                id(&at(&item(&op, k), "id"), &o.id)?;
                if options.iter().take(k).any(|p| p.id == o.id) {
                    return err(
                        at(&item(&op, k), "id"),
                        cat(&["duplicate option id `", &o.id, "`"]),
                    );
                }
                text(&at(&item(&op, k), "label"), &o.label)?;
            }
        }
        QuestionKind::OpenText {
            max_length,
            placeholder,
        } => {
            if *max_length == 0 || *max_length > MAX_MAX_LENGTH {
                return err(
                    at(path, "maxLength"),
                    cat(&[
                        &uint(u64::from(*max_length)),
                        " is outside 1–",
                        &uint(u64::from(MAX_MAX_LENGTH)),
                    ]),
                );
            }
            opt_text(&at(path, "placeholder"), placeholder)?;
            if !q.branches.is_empty() {
                return err(
                    at(path, "branches"),
                    "are not supported for type `openText`",
                );
            }
        }
    }
    for (b, branch) in q.branches.iter().enumerate() {
        let bp = item(&at(path, "branches"), b);
        target(&at(&bp, "goto"), index, &branch.goto, all)?;
        condition(&at(&bp, "when"), q, &branch.when)?;
    }
    if let Some(next) = &q.next {
        target(&at(path, "next"), index, next, all)?;
    }
    Ok(())
}

/// A jump must go to `end` or to a later question: forward-only jumps are what make every
/// path through a survey finite.
fn target(path: &str, from: usize, goto: &str, all: &[Question]) -> Result {
    use crate::core::msg::cat;
    if goto == END {
        return Ok(());
    }
    match all.iter().position(|q| q.id == goto) {
        None => err(
            path,
            cat(&["no question `", goto, "` in this survey (or \"end\")"]),
        ),
        Some(to) if to <= from => err(
            path,
            cat(&[
                "`",
                goto,
                "` is not after this question; jumps must go forward",
            ]),
        ),
        Some(_) => Ok(()),
    }
}

fn condition(path: &str, q: &Question, c: &super::Condition) -> Result {
    use crate::core::msg::{cat, int};
    if c.is_empty() {
        return err(path, "must have at least one of min, max, equals, anyOf");
    }
    if matches!(&c.any_of, Some(v) if v.is_empty()) {
        return err(at(path, "anyOf"), "must not be empty");
    }
    let scale = q.kind.scale();
    let ty = q.kind.question_type().as_str();
    for (field, bound) in [("min", c.min), ("max", c.max)] {
        if let Some(n) = bound {
            match &scale {
                None => {
                    return err(
                        at(path, field),
                        cat(&["only applies to scale questions, not `", ty, "`"]),
                    )
                }
                Some(r) if !r.contains(&n) => {
                    return err(
                        at(path, field),
                        cat(&[
                            &int(n),
                            " is outside ",
                            &int(*r.start()),
                            "–",
                            &int(*r.end()),
                        ]),
                    )
                }
                Some(_) => {}
            }
        }
    }
    if let (Some(min), Some(max)) = (c.min, c.max) {
        if min > max {
            return err(
                path,
                cat(&["min ", &int(min), " is greater than max ", &int(max)]),
            );
        }
    }
    for s in c.scalars() {
        let ok = match (s, &q.kind) {
            (Scalar::Integer(n), _) => scale.as_ref().is_some_and(|r| r.contains(n)),
            (Scalar::Text(t), QuestionKind::Thumbs) => t == "up" || t == "down",
            (Scalar::Text(t), k) => k.options().iter().any(|o| &o.id == t),
        };
        if !ok {
            let shown = match s {
                Scalar::Integer(n) => int(*n),
                Scalar::Text(t) => cat(&["\"", t, "\""]),
            };
            return err(
                path,
                cat(&[
                    &shown,
                    " can never be an answer to this `",
                    ty,
                    "` question",
                ]),
            );
        }
    }
    Ok(())
}

/// `must be 1–{max} characters`.
fn between_1_and(max: usize) -> String {
    let mut m = String::from("must be 1–");
    crate::core::msg::push_uint(&mut m, max as u64);
    m.push_str(" characters");
    m
}

/// `is longer than {MAX_TEXT_CHARS} characters`.
fn longer_than_max_text() -> String {
    let mut m = String::from("is longer than ");
    crate::core::msg::push_uint(&mut m, MAX_TEXT_CHARS as u64);
    m.push_str(" characters");
    m
}

/// `more than {max} {what}`.
fn more_than(max: usize, what: &str) -> String {
    let mut m = String::from("more than ");
    crate::core::msg::push_uint(&mut m, max as u64);
    m.push(' ');
    m.push_str(what);
    m
}

/// `{value} is outside 0–{max}`.
fn outside(value: f64, max: &str) -> String {
    crate::core::msg::cat(&[&num(value), " is outside 0–", max])
}
