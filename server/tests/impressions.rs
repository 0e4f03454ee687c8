//! `POST /v1/impressions` over real HTTP, on both backends: each post adds one to the
//! counter of (site, survey, UTC day); days are bucketed in UTC; bad input is refused with
//! the field at fault and counts nothing; the origin check is the one of `/v1/responses`;
//! the [`ImpressionStore`] reads back sums over a day range and `set` overwrites.

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::FakeClock;
use rapport_server::store::impressions::{SurveyShown, DAY_MS};

/// 2026-12-07T23:59:59.000Z: one second before the next UTC day.
const LATE: i64 = 1_796_687_999_000;

fn day(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

async fn impression(t: &TestServer, body: &str, origin: Option<&str>) -> reqwest::Response {
    let mut req = t
        .client
        .post(t.url("/v1/impressions"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    req.send().await.expect("request sent")
}

const SHOWN: &str = r#"{"site":"demo","survey":"post-purchase"}"#;

backend_tests! {
#[tokio::test]
async fn counts_per_survey_and_utc_day(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(LATE));
    let t = TestServer::with_clock(fixture(), db.fresh("impressions").await, None, Some(clock.clone())).await;
    for _ in 0..3 {
        let resp = impression(&t, SHOWN, Some(ALLOWED)).await;
        assert_eq!(resp.status(), 204);
        assert_eq!(resp.headers()["access-control-allow-origin"], ALLOWED);
    }
    // Two seconds later it is the next UTC day: a new counter.
    clock.advance(2_000);
    assert_eq!(impression(&t, SHOWN, None).await.status(), 204);
    let store = t.server.store().clone();
    let today = day(LATE);
    let shown = |from, to| store.impressions().shown("demo".into(), from, to);
    let one = |n, first_day| vec![SurveyShown { survey: "post-purchase".into(), shown: n, first_day }];
    assert_eq!(shown(today, today).await?, one(3, today));
    assert_eq!(shown(today + 1, today + 1).await?, one(1, today + 1));
    assert_eq!(shown(today, today + 1).await?, one(4, today));
    assert_eq!(shown(today - 30, today - 1).await?, vec![]);
    assert_eq!(store.impressions().shown("other".into(), today, today + 1).await?, vec![]);
    // Nothing else was stored: no response.
    assert!(t.export_json().await.is_empty());
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn bad_input_names_the_field_and_counts_nothing(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let cases: &[(&str, u16, &str, &str)] = &[
        (r#"{"site":"nope","survey":"post-purchase"}"#, 404, "unknown_site", "site"),
        (r#"{"site":"demo","survey":"nope"}"#, 409, "survey_mismatch", "survey"),
        (r#"{"site":"demo"}"#, 400, "invalid_field", "survey"),
        (r#"{"survey":"post-purchase"}"#, 400, "invalid_field", "site"),
        (r#"{"site":7,"survey":"post-purchase"}"#, 400, "invalid_field", "site"),
        (r#"{"site":"demo","survey":"post-purchase","visitor":"v-1"}"#, 400, "invalid_field", "visitor"),
        (r#"["demo"]"#, 400, "invalid_field", "body"),
        ("{", 400, "malformed_json", "body"),
    ];
    for (body, status, code, field) in cases {
        let (s, c, f) = error_of(impression(&t, body, None).await).await;
        assert_eq!((s, c.as_str(), f.as_str()), (*status, *code, *field), "{body}");
    }
    // A foreign origin is refused, without CORS headers.
    let resp = impression(&t, SHOWN, Some(FOREIGN)).await;
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    let (status, code, _) = error_of(resp).await;
    assert_eq!((status, code.as_str()), (403, "origin_not_allowed"));
    // Another content type is refused.
    let resp = t.client.post(t.url("/v1/impressions"))
        .header("content-type", "application/xml").body(SHOWN).send().await?;
    assert_eq!(resp.status(), 415);
    let store = t.server.store().clone();
    assert_eq!(store.impressions().shown("demo".into(), i64::MIN / 2, i64::MAX / 2).await?, vec![]);
    // The preflight grants POST to a listed origin.
    let resp = t.client.request(reqwest::Method::OPTIONS, t.url("/v1/impressions"))
        .header("origin", ALLOWED)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send().await?;
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["access-control-allow-origin"], ALLOWED);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn set_overwrites_and_sums_by_survey(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let store = t.server.store().clone();
    let imp = store.impressions();
    imp.set("demo".into(), "b".into(), 10, 5).await?;
    imp.set("demo".into(), "b".into(), 10, 7).await?;
    imp.set("demo".into(), "b".into(), 11, 2).await?;
    imp.set("demo".into(), "a".into(), 12, 1).await?;
    imp.record("demo".into(), "a".into(), 12 * DAY_MS + 5).await?;
    imp.set("other".into(), "a".into(), 12, 100).await?;
    assert_eq!(
        imp.shown("demo".into(), 10, 12).await?,
        vec![
            SurveyShown { survey: "a".into(), shown: 2, first_day: 12 },
            SurveyShown { survey: "b".into(), shown: 9, first_day: 10 },
        ]
    );
    assert_eq!(
        imp.shown("demo".into(), 11, 11).await?,
        vec![SurveyShown { survey: "b".into(), shown: 2, first_day: 11 }]
    );
    t.stop().await;
    Ok(())
}
}
