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
    // Each answer carries its question's type and text (labels for choice questions).
    assert_eq!(
        first["answers"][0],
        json!({"question": "nps", "type": "nps", "text": "How likely are you to recommend us?", "value": 9})
    );
    assert_eq!(
        rows[2]["answers"][1],
        json!({"question": "why", "type": "multipleChoice", "text": "Why?",
               "value": {"choices": ["price", "speed"]}, "labels": ["Price", "Speed"]})
    );
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
    // The first ten columns are those of earlier versions, in the same places.
    assert_eq!(
        lines[0],
        "id,site,survey,question,value,locale,url,user_id,created_at,received_at,question_type,question_text,labels,traits,partial,customer"
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
    assert!(
        lines[5].ends_with(",multipleChoice,Why?,Price; Speed,,false,"),
        "{}",
        lines[5]
    );
    assert!(
        lines[1].ends_with(",nps,How likely are you to recommend us?,,\"{\"\"plan\"\":\"\"pro\"\"}\",false,"),
        "{}",
        lines[1]
    );
    t.stop().await;
    Ok(())
}
}

backend_tests! {
/// One row per response, a column per question of the site's surveys, traits included.
#[tokio::test]
async fn csv_export_one_row_per_response(db: Backend) -> TestResult {
    let t = seeded(&db).await;
    let resp = t
        .export("site=demo&format=csv&rows=response", Some(ADMIN))
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"]
        .to_str()?
        .contains("rapport-demo-responses.csv"));
    let text = resp.text().await?;
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,site,survey,locale,url,user_id,traits,created_at,received_at,partial,customer,\
         post-purchase.nps,post-purchase.comment,post-purchase.review,post-purchase.plan,\
         post-purchase.plan.labels,post-purchase.why,post-purchase.why.labels,post-purchase.csat,\
         post-purchase.ces,post-purchase.mood,post-purchase.long,exit.thumbs,other_answers"
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[1].starts_with(
            "e-1,demo,post-purchase,en,https://shop.example/order/123,u-1,\"{\"\"plan\"\":\"\"pro\"\"}\",2026-11-22T10:00:00Z,"
        ),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(",9,great,,,,,,,,,,,"), "{}", lines[1]);
    assert!(lines[2].ends_with(",,,,,,,,,,,,down,"), "{}", lines[2]);
    assert!(
        lines[3].ends_with(
            ",,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",,,,\"{\"\"choices\"\":[\"\"price\"\",\"\"speed\"\"]}\",Price; Speed,,,,,,"
        ),
        "{}",
        lines[3]
    );
    let exit = t
        .export("site=demo&format=csv&rows=response&survey=exit", Some(ADMIN))
        .await
        .text()
        .await?;
    let lines: Vec<&str> = exit.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,site,survey,locale,url,user_id,traits,created_at,received_at,partial,customer,exit.thumbs,other_answers"
    );
    assert_eq!(lines.len(), 2);
    t.stop().await;
    Ok(())
}
}

/// Ids of an NDJSON body, checking each line is a JSON object.
fn ndjson_ids(text: &str) -> Vec<String> {
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "unterminated NDJSON"
    );
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is JSON");
            v["id"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

backend_tests! {
/// NDJSON, `limit` pages with a `Link` to the next one, `after` any row's id, and
/// the survey and date filters, all in (receivedAt, id) order.
#[tokio::test]
async fn ndjson_pages_and_filters(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let mut ids = Vec::new();
    for i in 0..25 {
        let id = format!("p-{i:02}");
        let mut body = valid(&id);
        if i % 5 == 0 {
            body["survey"] = json!("exit");
            body["answers"] = json!([{ "question": "thumbs", "value": "up" }]);
        }
        assert_eq!(t.post(&body).await.status(), 201);
        ids.push(id);
    }
    let resp = t.export("site=demo&format=ndjson", Some(ADMIN)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    let all = resp.text().await?;
    let rows: Vec<Value> = all.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    let order: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["receivedAt"].as_str().unwrap_or_default().to_owned(), r["id"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "export order is (receivedAt, id)");
    assert_eq!(order.len(), 25);

    // Pages of 10 following the Link header cover everything exactly once.
    let mut seen = Vec::new();
    let mut next = Some("/v1/responses?site=demo&format=ndjson&limit=10".to_owned());
    let mut pages = 0;
    while let Some(path) = next.take() {
        let resp = t.client.get(t.url(&path)).bearer_auth(ADMIN).send().await?;
        assert_eq!(resp.status(), 200);
        next = resp.headers().get("link").map(|v| {
            let v = v.to_str().unwrap_or_default();
            assert!(v.ends_with(">; rel=\"next\""), "{v}");
            v.trim_start_matches('<').split('>').next().unwrap_or_default().to_owned()
        });
        let page = ndjson_ids(&resp.text().await?);
        assert!(page.len() <= 10);
        seen.extend(page);
        pages += 1;
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = order.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(seen, expected);

    // Resuming after any row's id gives exactly the rows after it.
    let after = rows[17]["id"].as_str().ok_or("id")?;
    let rest = t
        .export(&format!("site=demo&format=ndjson&after={after}"), Some(ADMIN))
        .await
        .text()
        .await?;
    assert_eq!(ndjson_ids(&rest), expected[18..].to_vec());

    // Filters: survey, and a date range on receivedAt.
    let exit = ndjson_ids(&t.export("site=demo&format=ndjson&survey=exit", Some(ADMIN)).await.text().await?);
    assert_eq!(exit, ["p-00", "p-05", "p-10", "p-15", "p-20"]);
    let from = rows[10]["receivedAt"].as_str().ok_or("receivedAt")?;
    let upto = rows[20]["receivedAt"].as_str().ok_or("receivedAt")?;
    let ranged = ndjson_ids(
        &t.export(
            &format!("site=demo&format=ndjson&since={from}&until={upto}"),
            Some(ADMIN),
        )
        .await
        .text()
        .await?,
    );
    let want: Vec<String> = order
        .iter()
        .filter(|(at, _)| at.as_str() >= from && at.as_str() < upto)
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(ranged, want);
    assert!(!ranged.is_empty());
    let none = t.export("site=demo&format=ndjson&since=2999-01-01", Some(ADMIN)).await.text().await?;
    assert_eq!(none, "");
    let (status, _, field) = error_of(t.export("site=demo&limit=0", Some(ADMIN)).await).await;
    assert_eq!((status, field.as_str()), (400, "limit"));
    // An id the site does not have: nothing to resume after.
    let (status, code, field) =
        error_of(t.export("site=demo&after=bogus", Some(ADMIN)).await).await;
    assert_eq!((status, code.as_str(), field.as_str()), (404, "not_found", "after"));
    let (status, _, _) = error_of(t.export("site=other&after=p-01", Some(OTHER_ADMIN)).await).await;
    assert_eq!(status, 404, "another site's id is no cursor here");
    let (status, _, field) = error_of(t.export("site=demo&since=soon", Some(ADMIN)).await).await;
    assert_eq!((status, field.as_str()), (400, "since"));
    t.stop().await;
    Ok(())
}
}

backend_tests! {
/// A streamed export larger than one page is complete and well-formed in every format.
#[tokio::test]
async fn multi_page_streams_are_whole(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let n = rapport_server::export::PAGE * 2 + 7;
    let mut tasks = Vec::new();
    for chunk in 0..8 {
        let client = t.client.clone();
        let url = t.url("/v1/responses");
        tasks.push(tokio::spawn(async move {
            for i in (chunk..n).step_by(8) {
                let status = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(valid(&format!("m-{i:05}")).to_string())
                    .send()
                    .await?
                    .status();
                assert_eq!(status, 201);
            }
            Ok::<_, reqwest::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let json: Vec<Value> = t.export("site=demo", Some(ADMIN)).await.json().await?;
    assert_eq!(json.len(), n);
    let mut ids: Vec<&str> = json.iter().filter_map(|r| r["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "no row twice");
    let ndjson = t.export("site=demo&format=ndjson", Some(ADMIN)).await.text().await?;
    assert_eq!(ndjson_ids(&ndjson).len(), n);
    let csv = t.export("site=demo&format=csv&rows=response", Some(ADMIN)).await.text().await?;
    assert_eq!(csv.matches("\r\n").count(), n + 1);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
/// Formula triggers hidden behind blanks, zero-width and no-break spaces, or written
/// full-width, are neutralised in both CSV layouts.
#[tokio::test]
async fn csv_neutralises_hidden_formulas(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let payloads = [
        " =1+1", "\n=1+1", "\u{a0}=1+1", "\u{200b}=1+1", "\u{feff}@SUM(A1)",
        " \u{200b} +1", "\u{ff1d}1+1", " \u{ff1d}1+1", "\t=1", "\r=1", "-1",
    ];
    for (i, p) in payloads.iter().enumerate() {
        let mut body = valid(&format!("f-{i}"));
        body["answers"] = json!([{ "question": "comment", "value": p }]);
        body["userId"] = json!(format!("u{i}"));
        assert_eq!(t.post(&body).await.status(), 201, "{p:?}");
    }
    for layout in ["answer", "response"] {
        let csv = t
            .export(&format!("site=demo&format=csv&rows={layout}"), Some(ADMIN))
            .await
            .text()
            .await?;
        for p in payloads {
            let guarded = format!("'{p}");
            assert!(csv.contains(&guarded), "{layout}: {p:?} not guarded in {csv}");
        }
    }
    t.stop().await;
    Ok(())
}
}
