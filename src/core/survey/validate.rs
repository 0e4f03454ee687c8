//! The rules a site configuration must follow beyond its JSON shape, checked on the model
//! [`super::decode`] made: ids well formed and unique, numbers in range, texts not blank
//! nor too long, lists neither empty nor too long, branches that fit their question and
//! jump forward. Each check reports the JSON path of the first value at fault, built from
//! where the value sits in the model (`surveys[0].questions[2].options`).
//!
//! The collector runs these on its configuration file, after decoding it, and refuses to
//! start or to reload on the first fault ([`site_config`], through
//! [`super::SiteConfig::from_value`]); an inline `config` the page gives is checked the
//! same way ([`partial`]). The widget does not run them on what the collector serves,
//! which the collector has checked: its machine is total on any decoded configuration.

use crate::prelude::*;

use super::branch::{Scalar, END};
use super::theme::is_safe_css_value;
use super::{
    Choice, Condition, Frequency, PartialSiteConfig, Question, QuestionKind, QuestionType,
    SiteConfig, Survey, ThankYou, Theme, ThrottlePolicy, Trigger, MAX_MAX_LENGTH,
};
use crate::core::json::num_to_string as num;
use crate::core::json::{shape, Decoded, Path, ShapeError};
use crate::core::msg::{int, subst, uint};
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

/// The result of a check: the decoders' boxed error, so that a check is one `?` in them.
type Result = Decoded<()>;

/// The error at `path`: `template` with its `{}` filled by `a`, then `b` (the path is only
/// rendered here).
fn invalid(path: &Path<'_>, template: &str, a: &str, b: &str) -> Box<ShapeError> {
    shape(path, subst(template, a, b))
}

/// [`invalid`] as a failed check.
fn fail(path: &Path<'_>, template: &str, a: &str, b: &str) -> Result {
    Err(invalid(path, template, a, b))
}

// Messages with the limits in them, spelled out (a test checks them against the constants).
const INVALID_ID: &str = "`{}` is not a valid id (1–128 characters from A–Z a–z 0–9 _ - . :)";
const LONGER_THAN_MAX_TEXT: &str = "is longer than 2000 characters";
const URL_RULE_CHARS: &str = "must be 1–2048 characters";
const EVENT_CHARS: &str = "must be 1–128 characters";
const MORE_THAN_SURVEYS: &str = "more than 100 surveys";
const MORE_THAN_QUESTIONS: &str = "more than 50 questions";
const MORE_THAN_OPTIONS: &str = "more than 50 options";
const MAX_LENGTH_RANGE: &str = "{} is outside 1–10000";
const MUST_NOT_BE_EMPTY: &str = "must not be empty";

/// Every rule of a whole site configuration: each survey's, then those of the top level.
pub fn site_config(config: &SiteConfig) -> Result {
    surveys(&config.surveys)?;
    top_level(
        Some(&config.site),
        Some(&config.locale),
        Some(&config.theme),
        None,
        Some(config.cooldown_days),
        &ids(&config.surveys),
    )
}

/// Every rule of an inline configuration (absent fields are not checked).
pub fn partial(inline: &PartialSiteConfig) -> Result {
    top_level(
        None,
        inline.locale.as_deref(),
        inline.theme.as_ref(),
        None,
        inline.cooldown_days,
        &[],
    )
}

/// Each survey of a `surveys` list on its own (their number and unique ids are
/// [`top_level`]'s).
fn surveys(list: &[Survey]) -> Result {
    let path = Path::Root("surveys");
    for (i, s) in list.iter().enumerate() {
        survey(&path.index(i), s)?;
    }
    Ok(())
}

/// The rules of one survey (`path` is the survey's).
pub fn survey(path: &Path<'_>, s: &Survey) -> Result {
    id(&path.key("id"), &s.id)?;
    if let Some(name) = &s.name {
        at_most_max_text(&path.key("name"), name)?;
    }
    trigger(&path.key("trigger"), &s.trigger)?;
    if let Some(url) = &s.targeting.url {
        let n = char_count(&url.value);
        if n == 0 || n > MAX_URL_RULE_CHARS {
            let targeting = path.key("targeting");
            let url = targeting.key("url");
            return fail(&url.key("value"), URL_RULE_CHARS, "", "");
        }
    }
    throttle(&path.key("throttle"), &s.throttle)?;
    let qp = path.key("questions");
    for (j, q) in s.questions.iter().enumerate() {
        question(&qp.index(j), q)?;
    }
    questions(&qp, &s.questions)?;
    thank_you(&path.key("thankYou"), &s.thank_you)
}

/// A trigger's setting in range.
fn trigger(path: &Path<'_>, t: &Trigger) -> Result {
    match t {
        Trigger::Event { event } if event.is_empty() || char_count(event) > MAX_ID_CHARS => {
            fail(&path.key("event"), EVENT_CHARS, "", "")
        }
        Trigger::Delay { seconds } => zero_to(&path.key("seconds"), *seconds, 86_400.0, "86400"),
        Trigger::Scroll { percent } => zero_to(&path.key("percent"), *percent, 100.0, "100"),
        _ => Ok(()),
    }
}

/// A throttle policy's numbers in range, and at least one show for `maxTimes`.
fn throttle(path: &Path<'_>, t: &ThrottlePolicy) -> Result {
    zero_to(&path.key("sample"), t.sample, 100.0, "100")?;
    days(&path.key("recontactDays"), t.recontact_days)?;
    if t.frequency == Frequency::MaxTimes && t.max_shows == 0 {
        return fail(
            &path.key("maxShows"),
            "must be at least 1 for frequency maxTimes",
            "",
            "",
        );
    }
    Ok(())
}

fn thank_you(path: &Path<'_>, t: &ThankYou) -> Result {
    if let Some(title) = &t.title {
        text(&path.key("title"), title)?;
    }
    if let Some(body) = &t.body {
        text(&path.key("body"), body)?;
    }
    Ok(())
}

/// The rules of one question on its own (`path` is the question's); those that need the
/// other questions are [`questions`]'.
fn question(path: &Path<'_>, q: &Question) -> Result {
    match &q.kind {
        QuestionKind::SingleChoice { options: list }
        | QuestionKind::MultipleChoice { options: list, .. } => {
            options(&path.key("options"), list)?;
        }
        QuestionKind::OpenText {
            max_length,
            placeholder,
        } => {
            if *max_length == 0 || *max_length > MAX_MAX_LENGTH {
                let n = uint(u64::from(*max_length));
                return fail(&path.key("maxLength"), MAX_LENGTH_RANGE, &n, "");
            }
            if let Some(p) = placeholder {
                text(&path.key("placeholder"), p)?;
            }
        }
        QuestionKind::Nps(labels)
        | QuestionKind::Csat(labels)
        | QuestionKind::Ces(labels)
        | QuestionKind::Emoji(labels) => {
            if let Some(low) = &labels.low {
                text(&path.key("lowLabel"), low)?;
            }
            if let Some(high) = &labels.high {
                text(&path.key("highLabel"), high)?;
            }
        }
        QuestionKind::Thumbs => {}
    }
    id(&path.key("id"), &q.id)?;
    if q.id == END {
        return fail(
            &path.key("id"),
            "`end` is reserved for the thank-you screen",
            "",
            "",
        );
    }
    text(&path.key("text"), &q.text)?;
    if q.kind.question_type() == QuestionType::OpenText && !q.branches.is_empty() {
        return fail(
            &path.key("branches"),
            "are not supported for type `openText`",
            "",
            "",
        );
    }
    Ok(())
}

/// A localised text: a map has at least one locale and no locale twice (ignoring case);
/// every variant is [`text_variant`].
pub fn text(path: &Path<'_>, t: &LocalizedText) -> Result {
    match t {
        LocalizedText::Plain(s) => text_variant(path, s),
        LocalizedText::Localized(map) => {
            if map.is_empty() {
                return fail(path, "must have at least one locale", "", "");
            }
            for (i, (locale, s)) in map.iter().enumerate() {
                let earlier = map.get(..i).unwrap_or_default();
                if earlier.iter().any(|(e, _)| e.eq_ignore_ascii_case(locale)) {
                    return fail(path, "duplicate locale `{}`", locale, "");
                }
                text_variant(path, s)?;
            }
            Ok(())
        }
    }
}

/// At most [`MAX_TEXT_CHARS`] characters.
fn at_most_max_text(path: &Path<'_>, s: &str) -> Result {
    if char_count(s) > MAX_TEXT_CHARS {
        return fail(path, LONGER_THAN_MAX_TEXT, "", "");
    }
    Ok(())
}

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

/// `value` must be a valid id ([`is_valid_id`]).
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

/// A number of days: `0..=3650`.
fn days(path: &Path<'_>, value: f64) -> Result {
    zero_to(path, value, MAX_DAYS, "3650")
}

/// One variant of a visible text (a plain string or one locale's): not blank, not too long.
fn text_variant(path: &Path<'_>, v: &str) -> Result {
    if crate::core::text::is_blank(v) {
        return fail(path, MUST_NOT_BE_EMPTY, "", "");
    }
    at_most_max_text(path, v)
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
    css_value(over, base, "brand", |t| t.brand.as_deref())?;
    css_value(over, base, "brandDark", |t| t.brand_dark.as_deref())?;
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

/// The ids of the surveys, as [`top_level`] takes them.
pub(super) fn ids(surveys: &[Survey]) -> Vec<&str> {
    surveys.iter().map(|s| s.id.as_str()).collect()
}

/// The rules of the top level, for whole, merged and inline configurations alike (absent
/// fields are not checked; `site` is absent from an inline one). Each survey is checked on
/// its own by [`survey`]; here only their number and the uniqueness of their `ids` are.
pub(super) fn top_level(
    site: Option<&str>,
    locale: Option<&str>,
    theme_over: Option<&Theme>,
    theme_base: Option<&Theme>,
    cooldown_days: Option<f64>,
    ids: &[&str],
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
    if ids.len() > MAX_SURVEYS {
        return fail(&path, MORE_THAN_SURVEYS, "", "");
    }
    let mut i = 0;
    while let Some(id) = ids.get(i) {
        if ids.get(..i).unwrap_or_default().contains(id) {
            return fail(&path.index(i).key("id"), "duplicate survey id `{}`", id, "");
        }
        i += 1;
    }
    Ok(())
}

/// The options of a choice question (`path` is that of `options`): each id valid and its
/// label a text, some options, not too many, ids unique.
fn options(path: &Path<'_>, options: &[Choice]) -> Result {
    for (k, o) in options.iter().enumerate() {
        let item = path.index(k);
        id(&item.key("id"), &o.id)?;
        text(&item.key("label"), &o.label)?;
    }
    if options.is_empty() {
        return fail(path, MUST_NOT_BE_EMPTY, "", "");
    }
    if options.len() > MAX_OPTIONS {
        return fail(path, MORE_THAN_OPTIONS, "", "");
    }
    let mut k = 0;
    while let Some(o) = options.get(k) {
        if options
            .get(..k)
            .unwrap_or_default()
            .iter()
            .any(|p| p.id == o.id)
        {
            return fail(
                &path.index(k).key("id"),
                "duplicate option id `{}`",
                &o.id,
                "",
            );
        }
        k += 1;
    }
    Ok(())
}

/// The rules of a survey's questions that need all of them (`path` is that of
/// `questions`): some, not too many, ids unique, and branches that fit their question and
/// jump forward (each question on its own is [`question`]'s).
fn questions(path: &Path<'_>, qs: &[Question]) -> Result {
    if qs.is_empty() {
        return fail(path, MUST_NOT_BE_EMPTY, "", "");
    }
    if qs.len() > MAX_QUESTIONS {
        return fail(path, MORE_THAN_QUESTIONS, "", "");
    }
    let mut j = 0;
    while let Some(q) = qs.get(j) {
        let qp = path.index(j);
        if qs.get(..j).unwrap_or_default().iter().any(|o| o.id == q.id) {
            return fail(&qp.key("id"), "duplicate question id `{}`", &q.id, "");
        }
        jumps(&qp, j, q, qs)?;
        j += 1;
    }
    Ok(())
}

/// The branches and `next` of the question at `index`.
fn jumps(path: &Path<'_>, index: usize, q: &Question, all: &[Question]) -> Result {
    let ty = q.kind.question_type().as_str();
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

fn condition(path: &Path<'_>, q: &Question, ty: &str, c: &Condition) -> Result {
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
    match s {
        Scalar::Integer(n) => fail(
            path,
            "{} can never be an answer to this `{}` question",
            &int(*n),
            ty,
        ),
        Scalar::Text(t) => fail(
            path,
            "\"{}\" can never be an answer to this `{}` question",
            t,
            ty,
        ),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::msg::{cat, uint};
    use crate::core::survey::MAX_MAX_LENGTH;

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
