//! The rules a response must follow, checked against its survey.

use super::{Answer, AnswerValue, Limits, Response, ResponseError};
use crate::core::branching;
use crate::core::datetime::parse_rfc3339;
use crate::core::survey::{Question, QuestionKind, SiteConfig, Survey};

type Result = std::result::Result<(), ResponseError>;

fn err(field: impl Into<String>, message: impl Into<String>) -> Result {
    Err(ResponseError::invalid(field, message))
}

/// Finds the survey the response answers in `config` and validates the response against it
/// (see [`Response::validate`]); also checks that `site` matches.
pub fn validate_response(config: &SiteConfig, response: &Response) -> Result {
    if response.site != config.site {
        return err(
            "site",
            format!("`{}` is not this site (`{}`)", response.site, config.site),
        );
    }
    match config.survey(&response.survey) {
        Some(survey) => response.validate(survey),
        None => err("survey", format!("unknown survey `{}`", response.survey)),
    }
}

fn id(field: &str, value: &str) -> Result {
    let n = value.chars().count();
    if n == 0 || n > Limits::MAX_ID_CHARS {
        err(
            field,
            format!("must be 1–{} characters", Limits::MAX_ID_CHARS),
        )
    } else if value.chars().any(char::is_control) {
        err(field, "must not contain control characters")
    } else {
        Ok(())
    }
}

pub(super) fn response(r: &Response, survey: &Survey) -> Result {
    id("id", &r.id)?;
    id("site", &r.site)?;
    id("survey", &r.survey)?;
    if r.survey != survey.id {
        return err(
            "survey",
            format!("`{}` is not survey `{}`", r.survey, survey.id),
        );
    }
    if r.answers.len() > Limits::MAX_ANSWERS {
        return err(
            "answers",
            format!(
                "{} answers; the limit is {}",
                r.answers.len(),
                Limits::MAX_ANSWERS
            ),
        );
    }
    for (i, a) in r.answers.iter().enumerate() {
        let field = format!("answers[{i}].question");
        let Some(q) = survey.question(&a.question) else {
            return err(field, format!("unknown question `{}`", a.question));
        };
        if r.answers[..i].iter().any(|b| b.question == a.question) {
            return err(field, format!("duplicate answer to `{}`", a.question));
        }
        value(&format!("answers[{i}].value"), q, &a.value)?;
    }
    required_on_path(survey, &r.answers)?;
    if let Some(locale) = &r.locale {
        if locale.is_empty() || locale.chars().count() > Limits::MAX_LOCALE_CHARS {
            return err(
                "locale",
                format!("must be 1–{} characters", Limits::MAX_LOCALE_CHARS),
            );
        }
    }
    if let Some(url) = &r.url {
        let n = url.chars().count();
        if n > Limits::MAX_URL_CHARS {
            return err(
                "url",
                format!("is {n} characters; the limit is {}", Limits::MAX_URL_CHARS),
            );
        }
    }
    if let Some(user) = &r.user_id {
        id("userId", user)?;
    }
    if let Some(traits) = &r.traits {
        let size = serde_json::to_string(traits)
            .map(|s| s.len())
            .unwrap_or(usize::MAX);
        if size > Limits::MAX_TRAITS_BYTES {
            return err(
                "traits",
                format!(
                    "is {size} bytes as JSON; the limit is {}",
                    Limits::MAX_TRAITS_BYTES
                ),
            );
        }
    }
    if let Some(ts) = &r.created_at {
        if ts.len() > Limits::MAX_TIMESTAMP_CHARS || parse_rfc3339(ts).is_none() {
            return err("createdAt", format!("`{ts}` is not an RFC 3339 timestamp"));
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
                format!("required question `{}` was not answered", q.id),
            );
        }
    }
    Ok(())
}

fn value(field: &str, q: &Question, v: &AnswerValue) -> Result {
    if let Some(range) = q.kind.scale() {
        return match v {
            AnswerValue::Number(n) if range.contains(n) => Ok(()),
            AnswerValue::Number(n) => err(
                field,
                format!("{n} is outside {}–{}", range.start(), range.end()),
            ),
            _ => err(
                field,
                format!(
                    "`{}` takes an integer {}–{}",
                    q.kind.question_type().as_str(),
                    range.start(),
                    range.end()
                ),
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
                err(field, format!("`{t}` is not an option of `{}`", q.id))
            }
        }
        (QuestionKind::SingleChoice { .. }, _) => err(field, "`singleChoice` takes an option id"),
        (QuestionKind::MultipleChoice { options, other }, AnswerValue::Choices(mc)) => {
            for (k, c) in mc.choices.iter().enumerate() {
                if !options.iter().any(|o| &o.id == c) {
                    return err(
                        format!("{field}.choices[{k}]"),
                        format!("`{c}` is not an option of `{}`", q.id),
                    );
                }
                if mc.choices[..k].contains(c) {
                    return err(
                        format!("{field}.choices[{k}]"),
                        format!("`{c}` is chosen twice"),
                    );
                }
            }
            if let Some(text) = &mc.other {
                if !other {
                    return err(
                        format!("{field}.other"),
                        format!("question `{}` has no \"Other\" option", q.id),
                    );
                }
                let n = text.chars().count();
                if n > Limits::MAX_OTHER_CHARS {
                    return err(
                        format!("{field}.other"),
                        format!(
                            "is {n} characters; the limit is {}",
                            Limits::MAX_OTHER_CHARS
                        ),
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
                err(field, format!("is {n} characters; the limit is {limit}"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn config() -> SiteConfig {
        SiteConfig::from_json(include_str!("../fixtures/demo_config.json")).unwrap()
    }

    fn check(survey: &str, answers: &str) -> std::result::Result<(), String> {
        let body = format!(
            r#"{{"id":"0b6f3c1e-2d4a-4b8e-9f00-1234567890ab","site":"demo","survey":"{survey}",
                "answers":{answers},"locale":"en","url":"https://shop.example/order/1",
                "createdAt":"2026-11-22T10:00:00Z"}}"#
        );
        let r = Response::from_json(&body).map_err(|e| e.to_string())?;
        validate_response(&config(), &r).map_err(|e| e.to_string())
    }

    #[test]
    fn valid_responses_for_every_type() {
        check(
            "post-purchase",
            r#"[{"question":"nps","value":3},{"question":"what-went-wrong","value":"late"}]"#,
        )
        .unwrap();
        check(
            "post-purchase",
            r#"[{"question":"nps","value":10},{"question":"review","value":"up"}]"#,
        )
        .unwrap();
        check(
            "product-fit",
            r#"[{"question":"plan","value":"gift"},
                {"question":"why","value":{"choices":["quality"],"other":"colour"}},
                {"question":"csat","value":5},{"question":"ces","value":7},{"question":"mood","value":1}]"#,
        )
        .unwrap();
        check(
            "product-fit",
            r#"[{"question":"plan","value":"browse"},{"question":"mood","value":3}]"#,
        )
        .unwrap();
    }

    #[test]
    fn range_and_shape_errors_name_the_field() {
        let cases = [
            (
                r#"[{"question":"nps","value":11}]"#,
                "answers[0].value: 11 is outside 0–10",
            ),
            (
                r#"[{"question":"nps","value":-1}]"#,
                "answers[0].value: -1 is outside 0–10",
            ),
            (
                r#"[{"question":"nps","value":"9"}]"#,
                "answers[0].value: `nps` takes an integer 0–10",
            ),
            (
                r#"[{"question":"nps","value":9},{"question":"review","value":"meh"}]"#,
                "answers[1].value: `thumbs` takes \"up\" or \"down\"",
            ),
            (
                r#"[{"question":"nps","value":9},{"question":"nope","value":1}]"#,
                "answers[1].question: unknown question `nope`",
            ),
            (
                r#"[{"question":"nps","value":9},{"question":"nps","value":1}]"#,
                "answers[1].question: duplicate answer to `nps`",
            ),
            (r#"[]"#, "answers: required question `nps` was not answered"),
            (
                r#"[{"question":"nps","value":2}]"#,
                "answers: required question `what-went-wrong` was not answered",
            ),
            (
                r#"[{"question":"nps","value":2},{"question":"what-went-wrong","value":"  "}]"#,
                "answers[1].value: must not be blank",
            ),
            (
                r#"[{"question":"nps","value":9.5}]"#,
                "answers[0].value: 9.5 is not an integer",
            ),
        ];
        for (answers, expected) in cases {
            let got = check("post-purchase", answers).unwrap_err();
            assert!(got.starts_with(expected), "{answers}: got {got}");
        }
        let cases = [
            (
                r#"[{"question":"plan","value":"x"},{"question":"mood","value":3}]"#,
                "answers[0].value: `x` is not an option of `plan`",
            ),
            (
                r#"[{"question":"plan","value":"gift"},{"question":"why","value":{"choices":["price","zzz"]}},{"question":"mood","value":3}]"#,
                "answers[1].value.choices[1]: `zzz` is not an option of `why`",
            ),
            (
                r#"[{"question":"plan","value":"gift"},{"question":"why","value":{"choices":["price","price"]}},{"question":"mood","value":3}]"#,
                "answers[1].value.choices[1]: `price` is chosen twice",
            ),
            (
                r#"[{"question":"plan","value":"gift"},{"question":"why","value":{"choices":[]}},{"question":"mood","value":3}]"#,
                "answers[1].value: no option chosen",
            ),
            (
                r#"[{"question":"plan","value":"gift"},{"question":"why","value":"price"},{"question":"mood","value":3}]"#,
                "answers[1].value: `multipleChoice` takes",
            ),
            (
                r#"[{"question":"plan","value":"gift"},{"question":"ces","value":8},{"question":"mood","value":3}]"#,
                "answers[1].value: 8 is outside 1–7",
            ),
            (
                r#"[{"question":"plan","value":"gift"},{"question":"csat","value":0},{"question":"mood","value":3}]"#,
                "answers[1].value: 0 is outside 1–5",
            ),
        ];
        for (answers, expected) in cases {
            let got = check("product-fit", answers).unwrap_err();
            assert!(got.starts_with(expected), "{answers}: got {got}");
        }
    }

    #[test]
    fn required_check_follows_the_branch_taken() {
        // `browse` jumps to `mood`, so required `mood` is on the path but nothing between.
        assert_eq!(
            check("product-fit", r#"[{"question":"plan","value":"browse"}]"#).unwrap_err(),
            "answers: required question `mood` was not answered"
        );
        // A promoter never sees the required `what-went-wrong`.
        check("post-purchase", r#"[{"question":"nps","value":9}]"#).unwrap();
    }

    #[test]
    fn open_text_counts_characters_not_bytes() {
        let max = "é".repeat(500);
        let answers = format!(
            r#"[{{"question":"nps","value":7}},{{"question":"anything-else","value":"{max}"}}]"#
        );
        check("post-purchase", &answers).unwrap();
        let over = format!(
            r#"[{{"question":"nps","value":7}},{{"question":"anything-else","value":"{max}é"}}]"#
        );
        assert_eq!(
            check("post-purchase", &over).unwrap_err(),
            "answers[1].value: is 501 characters; the limit is 500"
        );
    }

    #[test]
    fn hostile_text_is_kept_verbatim() {
        let body = r#"{"id":"r","site":"demo","survey":"feedback-button",
            "answers":[{"question":"tell","value":"a\u0000b\u202Ec<script>"}]}"#;
        let r = Response::from_json(body).unwrap();
        validate_response(&config(), &r).unwrap();
        assert_eq!(r.answers[0].value.as_text(), Some("a\0b\u{202E}c<script>"));
    }

    #[test]
    fn envelope_limits() {
        let c = config();
        let base = |extra: &str| {
            format!(
                r#"{{"id":"r","site":"demo","survey":"welcome","answers":[{{"question":"first-visit","value":4}}]{extra}}}"#
            )
        };
        let run = |body: String| {
            Response::from_json(&body)
                .and_then(|r| validate_response(&c, &r))
                .map_err(|e| (e.code(), e.field().map(str::to_owned)))
        };
        run(base("")).unwrap();
        let long_url = format!(r#","url":"https://x/{}""#, "a".repeat(2048));
        assert_eq!(
            run(base(&long_url)),
            Err(("invalid_field", Some("url".into())))
        );
        let big_traits = format!(r#","traits":{{"k":"{}"}}"#, "a".repeat(4096));
        assert_eq!(
            run(base(&big_traits)),
            Err(("invalid_field", Some("traits".into())))
        );
        let long_user = format!(r#","userId":"{}""#, "u".repeat(129));
        assert_eq!(
            run(base(&long_user)),
            Err(("invalid_field", Some("userId".into())))
        );
        assert_eq!(
            run(base(r#","createdAt":"yesterday""#)),
            Err(("invalid_field", Some("createdAt".into())))
        );
        assert_eq!(
            run(base(r#","extra":1"#)).map_err(|e| e.0),
            Err("invalid_json")
        );
        assert_eq!(
            run(base("").replace("\"site\":\"demo\"", "\"site\":\"other\"")),
            Err(("invalid_field", Some("site".into())))
        );
        assert_eq!(
            run(base("").replace("welcome", "ghost")),
            Err(("invalid_field", Some("survey".into())))
        );
        let huge = format!(r#"{{"id":"{}"}}"#, "x".repeat(Limits::MAX_BODY_BYTES));
        assert_eq!(run(huge).map_err(|e| e.0), Err("payload_too_large"));
        let too_many: Vec<String> = (0..51)
            .map(|_| r#"{"question":"first-visit","value":4}"#.to_owned())
            .collect();
        let body = format!(
            r#"{{"id":"r","site":"demo","survey":"welcome","answers":[{}]}}"#,
            too_many.join(",")
        );
        assert_eq!(run(body), Err(("invalid_field", Some("answers".into()))));
    }

    #[test]
    fn malformed_bodies_name_the_path() {
        let e = Response::from_json(
            r#"{"id":"r","site":"demo","survey":"s","answers":[{"question":"q","value":true}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_json");
        assert_eq!(e.field(), Some("answers[0].value"), "{e}");
        let e = Response::from_json("{").unwrap_err();
        assert_eq!(e.field(), None);
    }

    proptest! {
        #[test]
        fn validation_never_panics(
            survey in prop::sample::select(vec!["post-purchase", "product-fit", "exit-check", "scroll-pulse", "welcome", "feedback-button", "x"]),
            answers in prop::collection::vec(
                (prop::sample::select(vec!["nps", "plan", "why", "tell", "mood", "review", "missing", "zz"]),
                 prop_oneof![
                    any::<i64>().prop_map(|n| n.to_string()),
                    "[a-z ]{0,8}".prop_map(|s| format!("\"{s}\"")),
                    prop::collection::vec("[a-z]{0,6}", 0..4).prop_map(|c| format!(r#"{{"choices":{}}}"#, serde_json::to_string(&c).unwrap_or_default())),
                    Just("null".to_owned()),
                 ]),
                0..8),
        ) {
            let answers: Vec<String> = answers.into_iter().map(|(q, v)| format!(r#"{{"question":"{q}","value":{v}}}"#)).collect();
            let _ = check(survey, &format!("[{}]", answers.join(",")));
        }
    }
}
