//! `POST /v1/responses` over real HTTP: validation errors name the field, idempotency,
//! verbatim storage, restart durability.

mod common;

use common::*;
use serde_json::{json, Value};

backend_tests! {
#[tokio::test]
async fn stores_then_reports_duplicate(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let body = valid("r-1");
    let first = t.post(&body).await;
    assert_eq!(first.status(), 201);
    assert_eq!(
        first.json::<Value>().await?,
        json!({"id": "r-1", "status": "stored"})
    );
    let again = t.post(&body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<Value>().await?,
        json!({"id": "r-1", "status": "duplicate"})
    );
    assert_eq!(t.export_json().await.len(), 1);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn rejections_name_the_field(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = valid("bad");
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(String, u16, &str, &str)> = vec![
        ("{\"id\": ".into(), 400, "malformed_json", "body"),
        ("not json".into(), 400, "malformed_json", "body"),
        ("[1,2]".into(), 400, "invalid_field", "body"),
        (with(&|v| v["id"] = json!(12)), 400, "invalid_field", "id"),
        (
            with(&|v| v["answers"] = json!({})),
            400,
            "invalid_field",
            "answers",
        ),
        (
            with(&|v| v["answers"][0]["value"] = json!("9")),
            409,
            "survey_mismatch",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"][0]["value"] = json!(9.5)),
            400,
            "invalid_field",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"][0]["value"] = json!(11)),
            400,
            "invalid_field",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"][0]["value"] = json!(-1)),
            400,
            "invalid_field",
            "answers[0].value",
        ),
        (
            with(&|v| v["site"] = json!("nope")),
            404,
            "unknown_site",
            "site",
        ),
        (
            with(&|v| v["survey"] = json!("nope")),
            409,
            "survey_mismatch",
            "survey",
        ),
        (
            with(&|v| v["answers"][1]["question"] = json!("nope")),
            409,
            "survey_mismatch",
            "answers[1].question",
        ),
        (
            with(&|v| v["answers"][1]["value"] = json!("x".repeat(101))),
            409,
            "survey_mismatch",
            "answers[1].value",
        ),
        (
            with(&|v| v["answers"] = json!([{"question": "long", "value": "y".repeat(10_001)}])),
            400,
            "invalid_field",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"] = json!([{"question": "review", "value": "sideways"}])),
            409,
            "survey_mismatch",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"] = json!([{"question": "plan", "value": "gold"}])),
            409,
            "survey_mismatch",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"] = json!([{"question": "csat", "value": 6}])),
            409,
            "survey_mismatch",
            "answers[0].value",
        ),
        (
            with(&|v| v["answers"] = json!([{"question": "ces", "value": 0}])),
            409,
            "survey_mismatch",
            "answers[0].value",
        ),
        (
            with(&|v| {
                v["answers"] = json!([{"question": "why", "value": {"choices": ["price", "nope"]}}])
            }),
            409,
            "survey_mismatch",
            "answers[0].value.choices[1]",
        ),
        (
            with(&|v| v["answers"][1]["question"] = json!("nps")),
            409,
            "survey_mismatch",
            "answers[1].question",
        ),
        (
            with(&|v| v["url"] = json!("u".repeat(2049))),
            400,
            "invalid_field",
            "url",
        ),
        (
            with(&|v| v["traits"] = json!({"big": "t".repeat(5000)})),
            400,
            "invalid_field",
            "traits",
        ),
        (
            with(&|v| v["traits"] = json!([1])),
            400,
            "invalid_field",
            "traits",
        ),
        (
            with(&|v| v["id"] = json!("i".repeat(129))),
            400,
            "invalid_field",
            "id",
        ),
        (
            with(&|v| {
                v.as_object_mut().map(|o| o.remove("answers"));
            }),
            400,
            "invalid_field",
            "answers",
        ),
    ];
    for (body, status, code, field) in cases {
        let got = error_of(t.post_text(&body, None).await).await;
        assert_eq!(
            got,
            (status, code.to_owned(), field.to_owned()),
            "body {}",
            &body[..body.len().min(120)]
        );
    }
    assert!(
        t.export_json().await.is_empty(),
        "nothing invalid was stored"
    );
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn oversize_body_is_413(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let mut body = valid("big");
    body["traits"] = json!({ "pad": "p".repeat(70 * 1024) });
    let (status, code, field) = error_of(t.post(&body).await).await;
    assert_eq!(
        (status, code.as_str(), field.as_str()),
        (413, "payload_too_large", "body")
    );
    // Just under the limit but invalid for other reasons is a 400, not a 413.
    body["traits"] = json!({ "pad": "p".repeat(60 * 1024) });
    assert_eq!(t.post(&body).await.status(), 400);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn wrong_content_type_is_415_and_text_plain_is_accepted(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let resp = t
        .client
        .post(t.url("/v1/responses"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(valid("ct-1").to_string())
        .send()
        .await?;
    assert_eq!(error_of(resp).await.0, 415);
    let resp = t
        .client
        .post(t.url("/v1/responses"))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(valid("ct-2").to_string())
        .send()
        .await?;
    assert_eq!(resp.status(), 201);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn hostile_text_is_stored_verbatim(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    // Raw JSON text: HTML, U+202E, NUL and a lone surrogate escape, as a browser would send.
    let answers = r#"[{"question":"comment","value":"<img src=x onerror=alert(1)>\u202e\u0000 \ud800!"},{"question":"why","value":{"choices":["price"],"other":"=cmd|' /C calc'!A0"}}]"#;
    let body = format!(
        r#"{{"id":"evil-1","site":"demo","survey":"post-purchase","answers":{answers},"url":"https://shop.example/?q=<script>\u202e","traits":{{"name":"\ud800\u0000<b>"}}}}"#
    );
    let resp = t.post_text(&body, None).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await?);

    // JSON export re-emits each delivered answer value and the traits text exactly.
    let export = t
        .export("site=demo&format=json", Some(ADMIN))
        .await
        .text()
        .await?;
    for value in [
        r#""value":"<img src=x onerror=alert(1)>\u202e\u0000 \ud800!""#,
        r#""value":{"choices":["price"],"other":"=cmd|' /C calc'!A0"}"#,
    ] {
        assert!(export.contains(value), "{value} not in {export}");
    }
    assert!(export.contains(r#"{"name":"\ud800\u0000<b>"}"#), "{export}");
    let rows: Vec<Value> = serde_json::from_str(&export.replace("\\ud800", "\\ufffd"))?;
    assert_eq!(rows[0]["url"], "https://shop.example/?q=<script>\u{202e}");
    assert_eq!(
        rows[0]["answers"][0]["value"],
        "<img src=x onerror=alert(1)>\u{202e}\u{0} \u{fffd}!"
    );

    // CSV: the formula is neutralised, the lone surrogate reads U+FFFD, NUL survives.
    let csv = t
        .export("site=demo&format=csv", Some(ADMIN))
        .await
        .text()
        .await?;
    assert!(
        csv.contains("<img src=x onerror=alert(1)>\u{202e}\u{0} \u{fffd}!"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "\"{\"\"choices\"\":[\"\"price\"\"],\"\"other\"\":\"\"=cmd|' /C calc'!A0\"\"}\""
        ),
        "{csv}"
    );
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn restart_keeps_data(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    for i in 0..5 {
        assert_eq!(t.post(&valid(&format!("keep-{i}"))).await.status(), 201);
    }
    let stopped = t.stop().await;
    if let Some(path) = stopped.sqlite_path() {
        assert!(exists(&path));
    }
    let t = TestServer::with(fixture(), stopped, None).await;
    let rows = t.export_json().await;
    assert_eq!(rows.len(), 5);
    assert_eq!(
        bare_answers(&rows[0]),
        json!([{"question":"nps","value":9},{"question":"comment","value":"great"}])
    );
    // Idempotency survives the restart too.
    assert_eq!(t.post(&valid("keep-0")).await.status(), 200);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn unknown_api_path_is_json_404(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let (status, code, field) = error_of(t.client.get(t.url("/v1/nope")).send().await?).await;
    assert_eq!(
        (status, code.as_str(), field.as_str()),
        (404, "not_found", "path")
    );
    t.stop().await;
    Ok(())
}
}

backend_tests! {
/// Response ids are unique per site: another site may use the same id.
#[tokio::test]
async fn ids_are_unique_per_site(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    assert_eq!(t.post(&valid("shared-id")).await.status(), 201);
    let other = json!({ "id": "shared-id", "site": "other", "survey": "pulse",
        "answers": [ { "question": "csat", "value": 4 } ] });
    let resp = t.post(&other).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.json::<Value>().await?["status"], "stored");
    assert_eq!(t.post(&other).await.status(), 200);
    assert_eq!(t.export_json().await.len(), 1);
    let rows: Vec<Value> = t.export("site=other", Some(OTHER_ADMIN)).await.json().await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["survey"], "pulse");
    t.stop().await;
    Ok(())
}
}
