//! The rules a response must follow, checked against its survey.

use crate::prelude::*;

use super::{Answer, AnswerValue, Limits, Response, ResponseError};
use crate::core::branching;
use crate::core::datetime::parse_rfc3339;
use crate::core::survey::{Question, QuestionKind, SiteConfig, Survey};

type Result = ::core::result::Result<(), ResponseError>;

fn err(field: impl Into<String>, message: impl Into<String>) -> Result {
    Err(ResponseError::invalid(field, message))
}

/// Finds the survey the response answers in `config` and validates the response against it
/// (see [`Response::validate`]); also checks that `site` matches.
pub fn validate_response(config: &SiteConfig, response: &Response) -> Result {
    use crate::core::msg::cat;
    if response.site != config.site {
        return err(
            "site",
            cat(&[
                "`",
                &response.site,
                "` is not this site (`",
                &config.site,
                "`)",
            ]),
        );
    }
    match config.survey(&response.survey) {
        Some(survey) => response.validate(survey),
        None => err("survey", cat(&["unknown survey `", &response.survey, "`"])),
    }
}

fn id(field: &str, value: &str) -> Result {
    let n = value.chars().count();
    if n == 0 || n > Limits::MAX_ID_CHARS {
        err(field, between_1_and(Limits::MAX_ID_CHARS))
    } else if value.chars().any(char::is_control) {
        err(field, "must not contain control characters")
    } else {
        Ok(())
    }
}

pub(super) fn response(r: &Response, survey: &Survey) -> Result {
    use crate::core::json::item;
    use crate::core::msg::{cat, uint};
    id("id", &r.id)?;
    id("site", &r.site)?;
    id("survey", &r.survey)?;
    if r.survey != survey.id {
        return err(
            "survey",
            cat(&["`", &r.survey, "` is not survey `", &survey.id, "`"]),
        );
    }
    if r.answers.len() > Limits::MAX_ANSWERS {
        return err(
            "answers",
            cat(&[
                &uint(r.answers.len() as u64),
                " answers; the limit is ",
                &uint(Limits::MAX_ANSWERS as u64),
            ]),
        );
    }
    for (i, a) in r.answers.iter().enumerate() {
        let answer = item("answers", i);
        let field = cat(&[&answer, ".question"]);
        let Some(q) = survey.question(&a.question) else {
            return err(field, cat(&["unknown question `", &a.question, "`"]));
        };
        if r.answers[..i].iter().any(|b| b.question == a.question) {
            return err(field, cat(&["duplicate answer to `", &a.question, "`"]));
        }
        value(&cat(&[&answer, ".value"]), q, &a.value)?;
    }
    required_on_path(survey, &r.answers)?;
    if let Some(locale) = &r.locale {
        if locale.is_empty() || locale.chars().count() > Limits::MAX_LOCALE_CHARS {
            return err("locale", between_1_and(Limits::MAX_LOCALE_CHARS));
        }
    }
    if let Some(url) = &r.url {
        let n = url.chars().count();
        if n > Limits::MAX_URL_CHARS {
            return err("url", too_long(n, "characters", Limits::MAX_URL_CHARS));
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
            return err(
                "traits",
                too_long(size, "bytes as JSON", Limits::MAX_TRAITS_BYTES),
            );
        }
    }
    if let Some(ts) = &r.created_at {
        if ts.len() > Limits::MAX_TIMESTAMP_CHARS || parse_rfc3339(ts).is_none() {
            return err(
                "createdAt",
                cat(&["`", ts, "` is not an RFC 3339 timestamp"]),
            );
        }
    }
    Ok(())
}

fn required_on_path(survey: &Survey, answers: &[Answer]) -> Result {
    for i in branching::path(survey, answers) {
        let Some(q) = survey.questions.get(i) else {
            continue;
        };
        if q.required && !answers.iter().any(|a| a.question == q.id) {
            return err(
                "answers",
                crate::core::msg::cat(&["required question `", &q.id, "` was not answered"]),
            );
        }
    }
    Ok(())
}

fn value(field: &str, q: &Question, v: &AnswerValue) -> Result {
    use crate::core::json::item;
    use crate::core::msg::{cat, int};
    if let Some(range) = q.kind.scale() {
        return match v {
            AnswerValue::Number(n) if range.contains(n) => Ok(()),
            AnswerValue::Number(n) => err(
                field,
                cat(&[
                    &int(*n),
                    " is outside ",
                    &int(*range.start()),
                    "–",
                    &int(*range.end()),
                ]),
            ),
            _ => err(
                field,
                cat(&[
                    "`",
                    q.kind.question_type().as_str(),
                    "` takes an integer ",
                    &int(*range.start()),
                    "–",
                    &int(*range.end()),
                ]),
            ),
        };
    }
    match (&q.kind, v) {
        (QuestionKind::Thumbs, AnswerValue::Text(t)) if t == "up" || t == "down" => Ok(()),
        (QuestionKind::Thumbs, _) => err(field, "`thumbs` takes \"up\" or \"down\""),
        (QuestionKind::SingleChoice { options }, AnswerValue::Text(t)) => {
            if options.iter().any(|o| &o.id == t) {
                Ok(())
            } else {
                err(field, cat(&["`", t, "` is not an option of `", &q.id, "`"]))
            }
        }
        (QuestionKind::SingleChoice { .. }, _) => err(field, "`singleChoice` takes an option id"),
        (QuestionKind::MultipleChoice { options, other }, AnswerValue::Choices(mc)) => {
            for (k, c) in mc.choices.iter().enumerate() {
                if !options.iter().any(|o| &o.id == c) {
                    return err(
                        item(&cat(&[field, ".choices"]), k),
                        cat(&["`", c, "` is not an option of `", &q.id, "`"]),
                    );
                }
                if mc.choices[..k].contains(c) {
                    return err(
                        item(&cat(&[field, ".choices"]), k),
                        cat(&["`", c, "` is chosen twice"]),
                    );
                }
            }
            if let Some(text) = &mc.other {
                if !other {
                    return err(
                        cat(&[field, ".other"]),
                        cat(&["question `", &q.id, "` has no \"Other\" option"]),
                    );
                }
                let n = text.chars().count();
                if n > Limits::MAX_OTHER_CHARS {
                    return err(
                        cat(&[field, ".other"]),
                        too_long(n, "characters", Limits::MAX_OTHER_CHARS),
                    );
                }
            }
            let other_given = mc.other.as_deref().is_some_and(|t| !t.trim().is_empty());
            if mc.choices.is_empty() && !other_given {
                return err(field, "no option chosen");
            }
            Ok(())
        }
        (QuestionKind::MultipleChoice { .. }, _) => {
            err(field, "`multipleChoice` takes {\"choices\": [option ids]}")
        }
        (QuestionKind::OpenText { max_length, .. }, AnswerValue::Text(t)) => {
            let limit = (*max_length as usize).min(Limits::MAX_OPEN_TEXT_CHARS);
            let n = t.chars().count();
            if n > limit {
                err(field, too_long(n, "characters", limit))
            } else if q.required && t.trim().is_empty() {
                err(field, "must not be blank")
            } else {
                Ok(())
            }
        }
        (QuestionKind::OpenText { .. }, _) => err(field, "`openText` takes a string"),
        // Scale kinds returned above.
        _ => Ok(()),
    }
}

/// `must be 1–{max} characters`.
fn between_1_and(max: usize) -> String {
    let mut m = String::from("must be 1–");
    crate::core::msg::push_uint(&mut m, max as u64);
    m.push_str(" characters");
    m
}

/// `is {n} {unit}; the limit is {limit}`.
fn too_long(n: usize, unit: &str, limit: usize) -> String {
    use crate::core::msg::{cat, uint};
    cat(&[
        "is ",
        &uint(n as u64),
        " ",
        unit,
        "; the limit is ",
        &uint(limit as u64),
    ])
}
