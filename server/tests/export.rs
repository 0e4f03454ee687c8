//! `GET /v1/responses` export: auth, JSON and CSV, filters.

mod common;

use common::*;
use serde_json::{json, Value};

async fn seeded(db: &Backend) -> TestServer {
    let t = TestServer::start(db).await;
    assert_eq!(t.post(&valid("e-1")).await.status(), 201);
    let exit = json!({ "id": "e-2", "site": "demo", "survey": "exit",
        "answers": [ { "question": "thumbs", "value": "down" } ] });
    assert_eq!(t.post(&exit).await.status(), 201);
    let formula = json!({ "id": "e-3", "site": "demo", "survey": "post-purchase",
        "answers": [ { "question": "comment", "value": "=HYPERLINK(\"http://x\",\"a, b\")" },
                     { "question": "why", "value": { "choices": ["price", "speed"] } } ],
        "userId": "+33 6 12", "url": "@evil" });
    assert_eq!(t.post(&formula).await.status(), 201);
    let other = json!({ "id": "o-1", "site": "other", "survey": "pulse",
        "answers": [ { "question": "csat", "value": 4 } ] });
    assert_eq!(t.post(&other).await.status(), 201);
    t
}

backend_tests! {
#[tokio::test]
async fn requires_the_sites_token(db: Backend) -> TestResult {
    let t = seeded(&db).await;
    let (status, code, field) = error_of(t.export("site=demo", None).await).await;
    assert_eq!(
        (status, code.as_str(), field.as_str()),
        (401, "unauthorized", "authorization")
    );
    let resp = t.export("site=demo", None).await;
    assert!(resp.headers()["www-authenticate"]
        .to_str()?
        .starts_with("Bearer"));
    assert_eq!(
        error_of(t.export("site=demo", Some("wrong")).await).await.0,
        403
    );
    assert_eq!(
        error_of(t.export("site=demo", Some(OTHER_ADMIN)).await)
            .await
            .0,
        403
    );
    assert_eq!(
        error_of(t.export("site=nope", Some(ADMIN)).await).await.0,
        403
    );
    let (status, _, field) = error_of(t.export("format=json", Some(ADMIN)).await).await;
    assert_eq!((status, field.as_str()), (400, "site"));
    let (status, _, field) = error_of(t.export("site=demo&format=xml", Some(ADMIN)).await).await;
    assert_eq!((status, field.as_str()), (400, "format"));
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn json_export_lists_site_responses(db: Backend) -> TestResult {
    let t = seeded(&db).await;
    let resp = t.export("site=demo&format=json", Some(ADMIN)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let rows: Vec<Value> = resp.json().await?;
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["e-1", "e-2", "e-3"]);
    let first = &rows[0];
    assert_eq!(first["survey"], "post-purchase");
    assert_eq!(first["answers"][0], json!({"question": "nps", "value": 9}));
    assert_eq!(first["traits"], json!({"plan": "pro"}));
    assert_eq!(first["userId"], "u-1");
    assert_eq!(first["createdAt"], "2026-11-22T10:00:00Z");
    assert!(first["receivedAt"]
        .as_str()
        .is_some_and(|s| s.ends_with('Z')));

    let exit: Vec<Value> = t
        .export("site=demo&survey=exit", Some(ADMIN))
        .await
        .json()
        .await?;
    assert_eq!(exit.len(), 1);
    assert_eq!(exit[0]["id"], "e-2");

    let other: Vec<Value> = t
        .export("site=other", Some(OTHER_ADMIN))
        .await
        .json()
        .await?;
    assert_eq!(other.len(), 1);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn csv_export_one_row_per_answer_guarded(db: Backend) -> TestResult {
    let t = seeded(&db).await;
    let resp = t.export("site=demo&format=csv", Some(ADMIN)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(resp.headers()["content-disposition"]
        .to_str()?
        .contains("rapport-demo.csv"));
    let text = resp.text().await?;
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,site,survey,question,value,locale,url,user_id,created_at,received_at"
    );
    // e-1: 2 answers, e-2: 1, e-3: 2.
    assert_eq!(lines.len(), 1 + 5, "{text}");
    assert!(lines[1].starts_with(
        "e-1,demo,post-purchase,nps,9,en,https://shop.example/order/123,u-1,2026-11-22T10:00:00Z,"
    ));
    assert!(lines[3].starts_with("e-2,demo,exit,thumbs,down,,,,,"));
    assert!(
        lines[4].starts_with(
            "e-3,demo,post-purchase,comment,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",,'@evil,'+33 6 12,,"
        ),
        "{}",
        lines[4]
    );
    assert!(lines[5].contains(",why,\"{\"\"choices\"\":[\"\"price\"\",\"\"speed\"\"]}\","));
    t.stop().await;
    Ok(())
}
}
