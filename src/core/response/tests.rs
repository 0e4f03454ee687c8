//! Tests of response parsing and validation against the demo fixture.

use super::*;
use crate::core::survey::SiteConfig;
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

/// `check` for a body marked `"partial": true`.
fn check_partial(survey: &str, answers: &str) -> std::result::Result<(), String> {
    let body = format!(
        r#"{{"id":"p-1","site":"demo","survey":"{survey}","answers":{answers},"partial":true}}"#
    );
    let r = Response::from_json(&body).map_err(|e| e.to_string())?;
    assert!(r.partial);
    assert_eq!(Completeness::of(&r), Completeness::Partial);
    validate_response(&config(), &r).map_err(|e| e.to_string())
}

#[test]
fn partial_responses_skip_only_the_required_rule() {
    // A detractor who closed after the NPS question: `what-went-wrong` is required on the
    // path, but a partial response may stop before it.
    check("post-purchase", r#"[{"question":"nps","value":3}]"#).unwrap_err();
    check_partial("post-purchase", r#"[{"question":"nps","value":3}]"#).unwrap();
    check_partial("product-fit", r#"[{"question":"plan","value":"browse"}]"#).unwrap();
    // Every answer given is still checked as in a complete response.
    assert_eq!(
        check_partial("post-purchase", r#"[{"question":"nps","value":11}]"#).unwrap_err(),
        "answers[0].value: 11 is outside 0–10"
    );
    assert_eq!(
        check_partial("post-purchase", r#"[{"question":"nope","value":1}]"#).unwrap_err(),
        "answers[0].question: unknown question `nope`"
    );
    // The flag round-trips, and a complete response writes none.
    let body = r#"{"id":"p","site":"demo","survey":"s","answers":[],"partial":true}"#;
    let r = Response::from_json(body).unwrap();
    assert_eq!(Response::from_json(&r.to_json()).unwrap(), r);
    assert!(
        r.to_json().ends_with(r#""partial":true}"#),
        "{}",
        r.to_json()
    );
    let complete = Response {
        partial: false,
        ..r.clone()
    };
    assert!(!complete.to_json().contains("partial"));
    assert_eq!(
        Response::from_json(r#"{"id":"p","site":"d","survey":"s","answers":[],"partial":1}"#)
            .unwrap_err()
            .to_string(),
        "partial: expected a boolean, got a number"
    );
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
        Err(("survey_mismatch", Some("site".into())))
    );
    assert_eq!(
        run(base("").replace("welcome", "ghost")),
        Err(("survey_mismatch", Some("survey".into())))
    );
    // A response that breaks a rule of every site and does not fit its survey either is
    // reported for the former.
    assert_eq!(
        run(base(&long_url).replace("first-visit", "ghost")),
        Err(("invalid_field", Some("url".into())))
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
