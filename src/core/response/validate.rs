//! The rules a response must follow: first those that hold for every site
//! ([`ResponseError::Invalid`]), then the fit with its survey
//! ([`ResponseError::Mismatch`]), so that a response breaking both is reported as the
//! former.

use crate::prelude::*;

use super::{AnswerValue, Limits, MultipleChoice, Response, ResponseError};
use crate::core::branching;
use crate::core::datetime::parse_rfc3339;
use crate::core::json::Path;
use crate::core::msg::{int, subst, uint};
use crate::core::scan::char_count;
use crate::core::survey::{Question, QuestionKind, SiteConfig, Survey};
use crate::core::text::is_blank;

/// The result of a check: the error is boxed, so a result is one pointer (`?` is a test of
/// a register, not a copy of the whole error at every call).
type Result = ::core::result::Result<(), Box<ResponseError>>;

/// The error at `field`: `template` with its `{}` filled by `a`, then `b` (non-generic and
/// cold: one copy, and the path is only rendered here).
fn fail(field: &Path<'_>, template: &str, a: &str, b: &str) -> Result {
    Err(Box::new(ResponseError::Invalid {
        field: field.render(),
        message: subst(template, a, b),
    }))
}

/// Which rules about the questions *not* answered apply to a response. Every answer given
/// is checked the same way in both cases (its question, value, range, options, length);
/// only the rule that a required question on the path taken must be answered depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completeness {
    /// The shopper reached the end: every required question on the path taken is answered.
    Complete,
    /// The answers given so far (the shopper closed the survey or left the page): questions
    /// not reached yet, required or not, may be missing.
    Partial,
}

impl Completeness {
    /// The completeness `response` declares (its `partial` flag).
    pub fn of(response: &Response) -> Completeness {
        if response.partial {
            Completeness::Partial
        } else {
            Completeness::Complete
        }
    }

    /// Whether required questions on the path taken must be answered.
    pub fn requires_path(self) -> bool {
        self == Completeness::Complete
    }
}

// Messages with the limits in them, spelled out (a test checks them against the constants).
const ID_CHARS: &str = "must be 1–128 characters";
const LOCALE_CHARS: &str = "must be 1–35 characters";
const ANSWERS_LIMIT: &str = "{} answers; the limit is 50";

/// Finds the survey the response answers in `config` and validates the response against it
/// (see [`Response::validate`]); also checks that `site` matches.
pub fn validate_response(
    config: &SiteConfig,
    response: &Response,
) -> ::core::result::Result<(), ResponseError> {
    unbox(site_and_survey(config, response))
}

/// Checks one answer to `question` with the rules the collector applies to it in a
/// response (the value's type, range, options and length; a required open text must not
/// be blank), so that the widget can refuse it with a message before the response is
/// queued instead of the collector dropping it with a 400. Text the browser wrote as a JSON
/// literal ([`AnswerValue::Json`], a JSON "Other") is checked as the plain text it reads
/// as: pass [`AnswerValue::Text`] / plain `other` for those.
///
/// ```
/// use rapport::core::response::{check_answer, AnswerValue};
/// use rapport::core::survey::SiteConfig;
/// let config = SiteConfig::from_json(r#"{"site": "s", "surveys": [{"id": "v", "questions":
///   [{"id": "n", "type": "nps", "text": "Recommend us?"}]}]}"#).unwrap();
/// let nps = &config.surveys[0].questions[0];
/// assert!(check_answer(nps, &AnswerValue::Number(9)).is_ok());
/// assert_eq!(
///     check_answer(nps, &AnswerValue::Number(11)).unwrap_err().to_string(),
///     "value: 11 is outside 0–10"
/// );
/// ```
pub fn check_answer(
    question: &Question,
    answer: &AnswerValue,
) -> ::core::result::Result<(), ResponseError> {
    unbox(value(&Path::Root("value"), question, answer))
}

/// Checks only the rules that hold for every site (lengths, control characters, the
/// number of answers, timestamps, the size of `traits`): what a collector can check before
/// it knows the site. [`validate_response`] checks these too.
pub fn validate_envelope(response: &Response) -> ::core::result::Result<(), ResponseError> {
    unbox(shape(response))
}

/// The boxed error of a check as the public one.
fn unbox(r: Result) -> ::core::result::Result<(), ResponseError> {
    r.map_err(|e| *e)
}

fn site_and_survey(config: &SiteConfig, response: &Response) -> Result {
    shape(response)?;
    as_mismatch(site_and_survey_fit(config, response))
}

/// Rules of the survey turned into [`ResponseError::Mismatch`].
fn as_mismatch(r: Result) -> Result {
    r.map_err(|e| match *e {
        ResponseError::Invalid { field, message } => {
            Box::new(ResponseError::Mismatch { field, message })
        }
        other => Box::new(other),
    })
}

fn site_and_survey_fit(config: &SiteConfig, response: &Response) -> Result {
    if response.site != config.site {
        return fail(
            &Path::Root("site"),
            "`{}` is not this site (`{}`)",
            &response.site,
            &config.site,
        );
    }
    match config.survey(&response.survey) {
        Some(survey) => fit(response, survey),
        None => fail(
            &Path::Root("survey"),
            "unknown survey `{}`",
            &response.survey,
            "",
        ),
    }
}

fn id(field: &str, value: &str) -> Result {
    id_at(&Path::Root(field), value)
}

fn id_at(field: &Path<'_>, value: &str) -> Result {
    let n = char_count(value);
    let message = if n == 0 || n > Limits::MAX_ID_CHARS {
        ID_CHARS
    } else if value.chars().any(char::is_control) {
        "must not contain control characters"
    } else {
        return Ok(());
    };
    fail(field, "{}", message, "")
}

/// The widest scale of any question type (NPS): no scale answer lies outside it.
const WIDEST_SCALE: ::core::ops::RangeInclusive<i64> = 0..=10;

/// What every answer value obeys whatever its question: a scale value within the widest
/// scale, text within the longest open text, "Other" text within its limit.
fn value_shape(field: &Path<'_>, v: &AnswerValue) -> Result {
    match v {
        AnswerValue::Number(n) if !WIDEST_SCALE.contains(n) => {
            fail(field, "{} is outside 0–10", &int(*n), "")
        }
        AnswerValue::Text(t) if char_count(t) > Limits::MAX_OPEN_TEXT_CHARS => too_long(
            field,
            char_count(t),
            CHARS_LIMIT,
            Limits::MAX_OPEN_TEXT_CHARS,
        ),
        AnswerValue::Choices(MultipleChoice {
            other: Some(text), ..
        }) if char_count(text) > Limits::MAX_OTHER_CHARS => too_long(
            &field.key("other"),
            char_count(text),
            CHARS_LIMIT,
            Limits::MAX_OTHER_CHARS,
        ),
        _ => Ok(()),
    }
}

/// `is {n} characters; the limit is {limit}` (`template` says the unit).
fn too_long(field: &Path<'_>, n: usize, template: &str, limit: usize) -> Result {
    fail(field, template, &uint(n as u64), &uint(limit as u64))
}

const CHARS_LIMIT: &str = "is {} characters; the limit is {}";

/// See [`Response::validate`].
pub(super) fn response(r: &Response, survey: &Survey) -> ::core::result::Result<(), ResponseError> {
    unbox(checks(r, survey))
}

fn checks(r: &Response, survey: &Survey) -> Result {
    shape(r)?;
    as_mismatch(fit(r, survey))
}

/// The rules that hold for every site.
fn shape(r: &Response) -> Result {
    id("id", &r.id)?;
    id("site", &r.site)?;
    id("survey", &r.survey)?;
    let answers = Path::Root("answers");
    if r.answers.len() > Limits::MAX_ANSWERS {
        return fail(&answers, ANSWERS_LIMIT, &uint(r.answers.len() as u64), "");
    }
    for (i, a) in r.answers.iter().enumerate() {
        let answer = answers.index(i);
        id_at(&answer.key("question"), &a.question)?;
        value_shape(&answer.key("value"), &a.value)?;
    }
    if let Some(locale) = &r.locale {
        if locale.is_empty() || char_count(locale) > Limits::MAX_LOCALE_CHARS {
            return fail(&Path::Root("locale"), LOCALE_CHARS, "", "");
        }
    }
    if let Some(url) = &r.url {
        let n = char_count(url);
        if n > Limits::MAX_URL_CHARS {
            return too_long(&Path::Root("url"), n, CHARS_LIMIT, Limits::MAX_URL_CHARS);
        }
    }
    if let Some(user) = &r.user_id {
        id("userId", user)?;
    }
    if let Some(traits) = &r.traits {
        let mut text = String::new();
        crate::core::json::write_map(&mut text, traits);
        let size = text.len();
        if size > Limits::MAX_TRAITS_BYTES {
            return too_long(
                &Path::Root("traits"),
                size,
                "is {} bytes as JSON; the limit is {}",
                Limits::MAX_TRAITS_BYTES,
            );
        }
    }
    if let Some(ts) = &r.created_at {
        if ts.len() > Limits::MAX_TIMESTAMP_CHARS || parse_rfc3339(ts).is_none() {
            return fail(
                &Path::Root("createdAt"),
                "`{}` is not an RFC 3339 timestamp",
                ts,
                "",
            );
        }
    }
    Ok(())
}

/// The fit with `survey` (its errors are reported as [`ResponseError::Invalid`] here and
/// turned into [`ResponseError::Mismatch`] by the callers).
fn fit(r: &Response, survey: &Survey) -> Result {
    if r.survey != survey.id {
        return fail(
            &Path::Root("survey"),
            "`{}` is not survey `{}`",
            &r.survey,
            &survey.id,
        );
    }
    let answers = Path::Root("answers");
    for (i, a) in r.answers.iter().enumerate() {
        let answer = answers.index(i);
        let field = answer.key("question");
        let Some(q) = survey.question(&a.question) else {
            return fail(&field, "unknown question `{}`", &a.question, "");
        };
        if r.answers.iter().position(|b| b.question == a.question) != Some(i) {
            return fail(&field, "duplicate answer to `{}`", &a.question, "");
        }
        value(&answer.key("value"), q, &a.value)?;
    }
    if !Completeness::of(r).requires_path() {
        return Ok(());
    }
    for i in branching::path(survey, &r.answers) {
        let Some(q) = survey.questions.get(i) else {
            continue;
        };
        if q.required && !r.answers.iter().any(|a| a.question == q.id) {
            return fail(
                &answers,
                "required question `{}` was not answered",
                &q.id,
                "",
            );
        }
    }
    Ok(())
}

fn value(field: &Path<'_>, q: &Question, v: &AnswerValue) -> Result {
    let ty = q.kind.question_type().as_str();
    if let Some(range) = q.kind.scale() {
        return match v {
            AnswerValue::Number(n) if range.contains(n) => Ok(()),
            AnswerValue::Number(n) => {
                fail(field, "{} is outside {}", &int(*n), q.kind.scale_text())
            }
            _ => fail(field, "`{}` takes an integer {}", ty, q.kind.scale_text()),
        };
    }
    match (&q.kind, v) {
        (QuestionKind::Thumbs, AnswerValue::Text(t)) if t == "up" || t == "down" => Ok(()),
        (QuestionKind::SingleChoice { options }, AnswerValue::Text(t)) => {
            if options.iter().any(|o| &o.id == t) {
                Ok(())
            } else {
                fail(field, "`{}` is not an option of `{}`", t, &q.id)
            }
        }
        (QuestionKind::MultipleChoice { options, other }, AnswerValue::Choices(mc)) => {
            let choices = field.key("choices");
            for (k, c) in mc.choices.iter().enumerate() {
                let template = if !options.iter().any(|o| &o.id == c) {
                    "`{}` is not an option of `{}`"
                } else if mc.choices.iter().position(|d| d == c) != Some(k) {
                    "`{}` is chosen twice"
                } else {
                    continue;
                };
                return fail(&choices.index(k), template, c, &q.id);
            }
            if let Some(text) = &mc.other {
                let op = field.key("other");
                if !other {
                    return fail(&op, "question `{}` has no \"Other\" option", &q.id, "");
                }
                let n = char_count(text);
                if n > Limits::MAX_OTHER_CHARS {
                    return too_long(&op, n, CHARS_LIMIT, Limits::MAX_OTHER_CHARS);
                }
            }
            let other_given = mc.other.as_deref().is_some_and(|t| !is_blank(t));
            if mc.choices.is_empty() && !other_given {
                return fail(field, "no option chosen", "", "");
            }
            Ok(())
        }
        (QuestionKind::OpenText { max_length, .. }, AnswerValue::Text(t)) => {
            let limit = (*max_length as usize).min(Limits::MAX_OPEN_TEXT_CHARS);
            let n = char_count(t);
            if n > limit {
                too_long(field, n, CHARS_LIMIT, limit)
            } else if q.required && is_blank(t) {
                fail(field, "must not be blank", "", "")
            } else {
                Ok(())
            }
        }
        // A value of the wrong shape for the kind (scale kinds returned above).
        (kind, _) => fail(
            field,
            "{}",
            match kind {
                QuestionKind::Thumbs => "`thumbs` takes \"up\" or \"down\"",
                QuestionKind::SingleChoice { .. } => "`singleChoice` takes an option id",
                QuestionKind::MultipleChoice { .. } => {
                    "`multipleChoice` takes {\"choices\": [option ids]}"
                }
                _ => "`openText` takes a string",
            },
            "",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::msg::cat;

    /// No question type has a scale wider than the one every answer is checked against.
    #[test]
    fn the_widest_scale_covers_every_scale() {
        use crate::core::survey::SiteConfig;
        let config = SiteConfig::from_json(
            r#"{"site":"s","surveys":[{"id":"v","questions":[
                {"id":"a","type":"nps","text":"?"},{"id":"b","type":"csat","text":"?"},
                {"id":"c","type":"ces","text":"?"},{"id":"d","type":"emoji","text":"?"},
                {"id":"e","type":"thumbs","text":"?"},{"id":"f","type":"openText","text":"?"}]}]}"#,
        );
        let Ok(config) = config else {
            panic!("test config: {config:?}");
        };
        let mut scales = 0;
        for q in &config.surveys[0].questions {
            if let Some(range) = q.kind.scale() {
                scales += 1;
                assert!(WIDEST_SCALE.contains(range.start()) && WIDEST_SCALE.contains(range.end()));
            }
        }
        assert_eq!(scales, 4);
    }

    /// The spelled-out messages agree with the constants.
    #[test]
    fn messages_match_the_limits() {
        let n = |v: usize| uint(v as u64);
        assert_eq!(
            ID_CHARS,
            cat(&["must be 1–", &n(Limits::MAX_ID_CHARS), " characters"])
        );
        assert_eq!(
            LOCALE_CHARS,
            cat(&["must be 1–", &n(Limits::MAX_LOCALE_CHARS), " characters"])
        );
        assert_eq!(
            ANSWERS_LIMIT,
            cat(&["{} answers; the limit is ", &n(Limits::MAX_ANSWERS)])
        );
    }
}
