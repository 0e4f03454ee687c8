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
use crate::core::json::num_to_string as num;
use crate::core::json::Path;
use crate::core::msg::{cat, int, subst, uint};
use crate::core::scan::char_count;
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

/// The result of a check: the error is boxed, so a result is one pointer (`?` is a test of
/// a register, not a copy of the whole error at every call).
type Result = ::core::result::Result<(), Box<ConfigError>>;

/// The error at `path`: `template` with its `{}` filled by `a`, then `b` (non-generic and
/// cold: one copy, and the path is only rendered here).
#[cold]
#[inline(never)]
fn fail(path: &Path<'_>, template: &str, a: &str, b: &str) -> Result {
    Err(Box::new(ConfigError::Invalid {
        path: path.render(),
        message: subst(template, a, b),
    }))
}

// Messages with the limits in them, spelled out (a test checks them against the constants):
// static text costs less code than assembling it.
const INVALID_ID: &str = "`{}` is not a valid id (1–128 characters from A–Z a–z 0–9 _ - . :)";
const LONGER_THAN_MAX_TEXT: &str = "is longer than 2000 characters";
const URL_RULE_CHARS: &str = "must be 1–2048 characters";
const EVENT_CHARS: &str = "must be 1–128 characters";
const MORE_THAN_SURVEYS: &str = "more than 100 surveys";
const MORE_THAN_QUESTIONS: &str = "more than 50 questions";
const MORE_THAN_OPTIONS: &str = "more than 50 options";
const MAX_LENGTH_RANGE: &str = "{} is outside 1–10000";
const MUST_NOT_BE_EMPTY: &str = "must not be empty";

/// Whether `id` is usable as an id: 1–128 characters from `A–Z a–z 0–9 _ - . :`.
/// Ids end up in localStorage keys, URLs and CSV headers, so they are kept plain.
pub fn is_valid_id(id: &str) -> bool {
    // Every allowed character is ASCII, so bytes are characters here. An index loop, not
    // `bytes().all(..)`: no iterator state in the wasm.
    let bytes = id.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')) {
            return false;
        }
        i += 1;
    }
    !id.is_empty() && id.len() <= MAX_ID_CHARS
}

fn id(path: &Path<'_>, value: &str) -> Result {
    if is_valid_id(value) {
        Ok(())
    } else {
        fail(path, INVALID_ID, value, "")
    }
}

/// `value` must be a finite number in `0..=max` (`max_text` is `max` spelled out).
fn zero_to(path: &Path<'_>, value: f64, max: f64, max_text: &str) -> Result {
    if value.is_finite() && (0.0..=max).contains(&value) {
        Ok(())
    } else {
        fail(path, "{} is outside 0–{}", &num(value), max_text)
    }
}

fn days(path: &Path<'_>, value: f64) -> Result {
    zero_to(path, value, MAX_DAYS, "3650")
}

fn text(path: &Path<'_>, value: &LocalizedText) -> Result {
    match value {
        LocalizedText::Plain(s) => text_variant(path, s),
        LocalizedText::Localized(map) if map.is_empty() => {
            fail(path, "must have at least one locale", "", "")
        }
        LocalizedText::Localized(map) => {
            for (_, v) in map {
                text_variant(path, v)?;
            }
            Ok(())
        }
    }
}

fn text_variant(path: &Path<'_>, v: &str) -> Result {
    if v.trim().is_empty() {
        return fail(path, MUST_NOT_BE_EMPTY, "", "");
    }
    if char_count(v) > MAX_TEXT_CHARS {
        return fail(path, LONGER_THAN_MAX_TEXT, "", "");
    }
    Ok(())
}

fn opt_text(path: &Path<'_>, value: &Option<LocalizedText>) -> Result {
    value.as_ref().map_or(Ok(()), |t| text(path, t))
}

/// `auto`, or 1–35 bytes of ASCII letters and digits in parts separated by `-` or `_`.
fn is_locale(value: &str) -> bool {
    if value == "auto" {
        return true;
    }
    // `prev_sep` starts true: a leading separator would make an empty first part. An index
    // loop: no iterator state in the wasm.
    let bytes = value.as_bytes();
    let mut prev_sep = true;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let sep = c == b'-' || c == b'_';
        let ok = if sep {
            !prev_sep
        } else {
            c.is_ascii_alphanumeric()
        };
        if !ok {
            return false;
        }
        prev_sep = sep;
        i += 1;
    }
    value.len() <= 35 && !prev_sep
}

/// Reads one CSS-valued field of a theme.
type ThemeField = fn(&Theme) -> Option<&str>;

/// The theme fields taken from `over` where it sets them, else from `base` (an inline theme
/// is merged over the configuration's field by field).
fn theme(over: Option<&Theme>, base: Option<&Theme>) -> Result {
    // Three calls rather than a loop over an array of fields: cheaper in the wasm.
    css_value(over, base, "brand", |t| t.brand.as_deref())?;
    css_value(over, base, "radius", |t| t.radius.as_deref())?;
    css_value(over, base, "font", |t| t.font.as_deref())
}

/// One CSS-valued theme field (`over`'s if set, else `base`'s) must be safe to set.
fn css_value(over: Option<&Theme>, base: Option<&Theme>, field: &str, value: ThemeField) -> Result {
    let v = match over.and_then(value) {
        Some(v) => Some(v),
        None => base.and_then(value),
    };
    match v {
        Some(v) if !is_safe_css_value(v) => fail(
            &Path::Root("theme").key(field),
            "must be a plain CSS value (≤ 200 characters, no ; { } < > \\ @ url( /*)",
            "",
            "",
        ),
        _ => Ok(()),
    }
}

/// Validates a whole configuration.
pub fn site_config(c: &SiteConfig) -> ::core::result::Result<(), ConfigError> {
    unbox(top_level(
        Some(&c.site),
        Some(&c.locale),
        Some(&c.theme),
        None,
        Some(c.cooldown_days),
        &refs(&c.surveys),
    ))
}

/// Validates the configuration that merging `inline` into `c` makes, `surveys` being the
/// merged survey list (see [`SiteConfig::merge`]), without building it.
pub(super) fn merged(
    c: &SiteConfig,
    inline: &PartialSiteConfig,
    surveys: &[&Survey],
) -> ::core::result::Result<(), ConfigError> {
    unbox(top_level(
        Some(&c.site),
        Some(inline.locale.as_deref().unwrap_or(&c.locale)),
        inline.theme.as_ref(),
        Some(&c.theme),
        Some(inline.cooldown_days.unwrap_or(c.cooldown_days)),
        surveys,
    ))
}

/// The boxed error of a check as the public one.
fn unbox(r: Result) -> ::core::result::Result<(), ConfigError> {
    r.map_err(|e| *e)
}

/// Validates an inline `config` argument on its own.
pub fn partial(p: &PartialSiteConfig) -> ::core::result::Result<(), ConfigError> {
    unbox(top_level(
        None,
        p.locale.as_deref(),
        p.theme.as_ref(),
        None,
        p.cooldown_days,
        &refs(&p.surveys),
    ))
}

/// The surveys as the list of references [`top_level`] takes (a plain loop: `collect`
/// would add an iterator-collecting copy to the wasm).
pub(super) fn refs(surveys: &[Survey]) -> Vec<&Survey> {
    let mut out = Vec::new();
    for s in surveys {
        out.push(s);
    }
    out
}

/// What whole, merged and inline configurations share (absent fields are not checked; `site`
/// is absent from an inline one).
fn top_level(
    site: Option<&str>,
    locale: Option<&str>,
    theme_over: Option<&Theme>,
    theme_base: Option<&Theme>,
    cooldown_days: Option<f64>,
    list: &[&Survey],
) -> Result {
    if let Some(s) = site {
        id(&Path::Root("site"), s)?;
    }
    if let Some(l) = locale {
        if !is_locale(l) {
            return fail(
                &Path::Root("locale"),
                "`{}` is neither \"auto\" nor a locale tag like \"es\" or \"pt-BR\"",
                l,
                "",
            );
        }
    }
    theme(theme_over, theme_base)?;
    if let Some(d) = cooldown_days {
        days(&Path::Root("cooldownDays"), d)?;
    }
    let path = Path::Root("surveys");
    if list.len() > MAX_SURVEYS {
        return fail(&path, MORE_THAN_SURVEYS, "", "");
    }
    let mut i = 0;
    while let Some(s) = list.get(i) {
        let sp = path.index(i);
        survey_at(&sp, s)?;
        if list
            .get(..i)
            .unwrap_or_default()
            .iter()
            .any(|o| o.id == s.id)
        {
            return fail(&sp.key("id"), "duplicate survey id `{}`", &s.id, "");
        }
        i += 1;
    }
    Ok(())
}

/// Validates one survey; `path` is its JSON path (`surveys[3]`).
pub fn survey(path: &str, s: &Survey) -> ::core::result::Result<(), ConfigError> {
    unbox(survey_at(&Path::Root(path), s))
}

fn survey_at(path: &Path<'_>, s: &Survey) -> Result {
    id(&path.key("id"), &s.id)?;
    if let Some(name) = &s.name {
        if char_count(name) > MAX_TEXT_CHARS {
            return fail(&path.key("name"), LONGER_THAN_MAX_TEXT, "", "");
        }
    }
    let tp = path.key("trigger");
    match &s.trigger {
        Trigger::Delay { seconds } => zero_to(&tp.key("seconds"), *seconds, 86_400.0, "86400")?,
        Trigger::Scroll { percent } => zero_to(&tp.key("percent"), *percent, 100.0, "100")?,
        Trigger::Event { event } if event.is_empty() || char_count(event) > MAX_ID_CHARS => {
            return fail(&tp.key("event"), EVENT_CHARS, "", "")
        }
        _ => {}
    }
    if let Some(url) = &s.targeting.url {
        let n = char_count(&url.value);
        if n == 0 || n > MAX_URL_RULE_CHARS {
            return fail(&path.key("targeting.url.value"), URL_RULE_CHARS, "", "");
        }
    }
    let t = &s.throttle;
    let tp = path.key("throttle");
    zero_to(&tp.key("sample"), t.sample, 100.0, "100")?;
    if t.frequency == Frequency::MaxTimes && t.max_shows == 0 {
        return fail(
            &tp.key("maxShows"),
            "must be at least 1 for frequency maxTimes",
            "",
            "",
        );
    }
    days(&tp.key("recontactDays"), t.recontact_days)?;
    opt_text(&path.key("thankYou.title"), &s.thank_you.title)?;
    opt_text(&path.key("thankYou.body"), &s.thank_you.body)?;
    let qs = &s.questions;
    let path = path.key("questions");
    if qs.is_empty() {
        return fail(&path, MUST_NOT_BE_EMPTY, "", "");
    }
    if qs.len() > MAX_QUESTIONS {
        return fail(&path, MORE_THAN_QUESTIONS, "", "");
    }
    let mut j = 0;
    while let Some(q) = qs.get(j) {
        let qp = path.index(j);
        let ip = qp.key("id");
        id(&ip, &q.id)?;
        if q.id == END {
            return fail(&ip, "`end` is reserved for the thank-you screen", "", "");
        }
        if qs.get(..j).unwrap_or_default().iter().any(|o| o.id == q.id) {
            return fail(&ip, "duplicate question id `{}`", &q.id, "");
        }
        j += 1;
    }
    let mut j = 0;
    while let Some(q) = qs.get(j) {
        question(&path.index(j), j, q, qs)?;
        j += 1;
    }
    Ok(())
}

fn question(path: &Path<'_>, index: usize, q: &Question, all: &[Question]) -> Result {
    let ty = q.kind.question_type().as_str();
    let tp = path.key("text");
    match &q.text {
        Some(t) => text(&tp, t)?,
        None if matches!(
            q.kind,
            QuestionKind::SingleChoice { .. }
                | QuestionKind::MultipleChoice { .. }
                | QuestionKind::OpenText { .. }
        ) =>
        {
            return fail(&tp, "is required for type `{}`", ty, "")
        }
        None => {}
    }
    match &q.kind {
        QuestionKind::Nps(l)
        | QuestionKind::Csat(l)
        | QuestionKind::Ces(l)
        | QuestionKind::Emoji(l) => {
            opt_text(&path.key("lowLabel"), &l.low)?;
            opt_text(&path.key("highLabel"), &l.high)?;
        }
        QuestionKind::Thumbs => {}
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            let op = path.key("options");
            if options.is_empty() {
                return fail(&op, MUST_NOT_BE_EMPTY, "", "");
            }
            if options.len() > MAX_OPTIONS {
                return fail(&op, MORE_THAN_OPTIONS, "", "");
            }
            let mut k = 0;
            while let Some(o) = options.get(k) {
                let item = op.index(k);
                let ip = item.key("id");
                id(&ip, &o.id)?;
                if options
                    .get(..k)
                    .unwrap_or_default()
                    .iter()
                    .any(|p| p.id == o.id)
                {
                    return fail(&ip, "duplicate option id `{}`", &o.id, "");
                }
                text(&item.key("label"), &o.label)?;
                k += 1;
            }
        }
        QuestionKind::OpenText {
            max_length,
            placeholder,
        } => {
            if *max_length == 0 || *max_length > MAX_MAX_LENGTH {
                return fail(
                    &path.key("maxLength"),
                    MAX_LENGTH_RANGE,
                    &uint(u64::from(*max_length)),
                    "",
                );
            }
            opt_text(&path.key("placeholder"), placeholder)?;
            if !q.branches.is_empty() {
                return fail(
                    &path.key("branches"),
                    "are not supported for type `openText`",
                    "",
                    "",
                );
            }
        }
    }
    let bp = path.key("branches");
    let mut b = 0;
    while let Some(branch) = q.branches.get(b) {
        let item = bp.index(b);
        target(&item.key("goto"), index, &branch.goto, all)?;
        condition(&item.key("when"), q, ty, &branch.when)?;
        b += 1;
    }
    if let Some(next) = &q.next {
        target(&path.key("next"), index, next, all)?;
    }
    Ok(())
}

/// A jump must go to `end` or to a later question: forward-only jumps are what make every
/// path through a survey finite.
fn target(path: &Path<'_>, from: usize, goto: &str, all: &[Question]) -> Result {
    if goto == END {
        return Ok(());
    }
    match all.iter().position(|q| q.id == goto) {
        None => fail(
            path,
            "no question `{}` in this survey (or \"end\")",
            goto,
            "",
        ),
        Some(to) if to <= from => fail(
            path,
            "`{}` is not after this question; jumps must go forward",
            goto,
            "",
        ),
        Some(_) => Ok(()),
    }
}

fn condition(path: &Path<'_>, q: &Question, ty: &str, c: &super::Condition) -> Result {
    if c.is_empty() {
        return fail(
            path,
            "must have at least one of min, max, equals, anyOf",
            "",
            "",
        );
    }
    if matches!(&c.any_of, Some(v) if v.is_empty()) {
        return fail(&path.key("anyOf"), MUST_NOT_BE_EMPTY, "", "");
    }
    bound(path, "min", c.min, q, ty)?;
    bound(path, "max", c.max, q, ty)?;
    if let (Some(min), Some(max)) = (c.min, c.max) {
        if min > max {
            return fail(path, "min {} is greater than max {}", &int(min), &int(max));
        }
    }
    // `equals`, then every `anyOf` value.
    if let Some(s) = &c.equals {
        scalar(path, q, ty, s)?;
    }
    for s in c.any_of.as_deref().unwrap_or(&[]) {
        scalar(path, q, ty, s)?;
    }
    Ok(())
}

/// A `min`/`max` bound of a condition must lie on the question's scale.
fn bound(path: &Path<'_>, field: &str, bound: Option<i64>, q: &Question, ty: &str) -> Result {
    let Some(n) = bound else {
        return Ok(());
    };
    match q.kind.scale() {
        None => fail(
            &path.key(field),
            "only applies to scale questions, not `{}`",
            ty,
            "",
        ),
        Some(r) if !r.contains(&n) => fail(
            &path.key(field),
            "{} is outside {}",
            &int(n),
            q.kind.scale_text(),
        ),
        Some(_) => Ok(()),
    }
}

/// A value `equals`/`anyOf` compares with must be a possible answer.
fn scalar(path: &Path<'_>, q: &Question, ty: &str, s: &Scalar) -> Result {
    let ok = match (s, &q.kind) {
        (Scalar::Integer(n), k) => k.scale().is_some_and(|r| r.contains(n)),
        (Scalar::Text(t), QuestionKind::Thumbs) => t == "up" || t == "down",
        (Scalar::Text(t), k) => k.options().iter().any(|o| &o.id == t),
    };
    if ok {
        return Ok(());
    }
    let shown = match s {
        Scalar::Integer(n) => int(*n),
        Scalar::Text(t) => cat(&["\"", t, "\""]),
    };
    fail(
        path,
        "{} can never be an answer to this `{}` question",
        &shown,
        ty,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags_and_ids() {
        for ok in [
            "auto",
            "es",
            "pt-BR",
            "zh_Hant",
            "x1-Y2_z3",
            &"a".repeat(35),
        ] {
            assert!(is_locale(ok), "{ok}");
        }
        for bad in ["", "-es", "es-", "es--MX", "en US", "é", &"a".repeat(36)] {
            assert!(!is_locale(bad), "{bad}");
        }
        for ok in ["a", "post-purchase", "A_b.c:d-9", &"x".repeat(128)] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "a b", "é", "a/b", &"x".repeat(129)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    /// The spelled-out messages agree with the constants.
    #[test]
    fn messages_match_the_limits() {
        let n = |v: usize| uint(v as u64);
        assert_eq!(
            INVALID_ID,
            cat(&[
                "`{}` is not a valid id (1–",
                &n(MAX_ID_CHARS),
                " characters from A–Z a–z 0–9 _ - . :)"
            ])
        );
        assert_eq!(
            LONGER_THAN_MAX_TEXT,
            cat(&["is longer than ", &n(MAX_TEXT_CHARS), " characters"])
        );
        assert_eq!(
            URL_RULE_CHARS,
            cat(&["must be 1–", &n(MAX_URL_RULE_CHARS), " characters"])
        );
        assert_eq!(
            EVENT_CHARS,
            cat(&["must be 1–", &n(MAX_ID_CHARS), " characters"])
        );
        assert_eq!(
            MORE_THAN_SURVEYS,
            cat(&["more than ", &n(MAX_SURVEYS), " surveys"])
        );
        assert_eq!(
            MORE_THAN_QUESTIONS,
            cat(&["more than ", &n(MAX_QUESTIONS), " questions"])
        );
        assert_eq!(
            MORE_THAN_OPTIONS,
            cat(&["more than ", &n(MAX_OPTIONS), " options"])
        );
        assert_eq!(
            MAX_LENGTH_RANGE,
            cat(&["{} is outside 1–", &uint(u64::from(MAX_MAX_LENGTH))])
        );
        assert_eq!(MAX_DAYS, 3650.0);
    }
}
