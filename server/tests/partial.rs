//! Partial responses, on both backends: a response id holds the latest state of its
//! response — a complete response replaces a partial one, a partial one never replaces a
//! complete one, a repeated state changes nothing — also when the states race from two
//! collector instances; over HTTP, `partial` is accepted, the required-question rule is
//! left to the complete response, and the export carries the flag.

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::store::{
    self, ExportFilter, InsertOutcome, ResponseStore, StoreError, StoredResponse,
};
use serde_json::{json, Value};

const Q1: &str = r#"[{"question":"nps","value":3}]"#;
const Q1_Q2: &str = r#"[{"question":"nps","value":3},{"question":"why","value":"late"}]"#;

fn state(id: &str, answers: &str, partial: bool, received_at: &str) -> StoredResponse {
    StoredResponse {
        id: id.into(),
        site: "demo".into(),
        survey: "s".into(),
        answers_json: answers.into(),
        locale: Some("en".into()),
        url: None,
        user_id: None,
        traits_json: None,
        created_at: None,
        received_at: received_at.into(),
        partial,
        customer: None,
    }
}

const T0: &str = "2026-11-22T10:00:01.000Z";
const T1: &str = "2026-11-22T10:00:02.000Z";
const T2: &str = "2026-11-22T10:00:03.000Z";

async fn open(db: &TestDb) -> Result<Arc<dyn ResponseStore>, StoreError> {
    store::open(&db.db_target()).await
}

async fn rows(store: &dyn ResponseStore) -> Result<Vec<StoredResponse>, StoreError> {
    store::list_all(
        store,
        ExportFilter {
            site: "demo".into(),
            ..ExportFilter::default()
        },
    )
    .await
}

backend_tests! {
#[tokio::test]
async fn a_complete_response_replaces_its_partial_state(backend: Backend) -> TestResult {
    let db = backend.fresh("partial-then-complete").await;
    let store = open(&db).await?;
    assert_eq!(store.insert(state("r", Q1, true, T0)).await?, InsertOutcome::Stored);
    // The same partial state again (a retry): nothing changes.
    assert_eq!(store.insert(state("r", Q1, true, T1)).await?, InsertOutcome::Duplicate);
    assert_eq!(rows(store.as_ref()).await?, vec![state("r", Q1, true, T0)]);
    // The complete response: one row, complete, with its answers and time.
    assert_eq!(store.insert(state("r", Q1_Q2, false, T2)).await?, InsertOutcome::Updated);
    assert_eq!(rows(store.as_ref()).await?, vec![state("r", Q1_Q2, false, T2)]);
    assert_eq!(store.count().await?, 1);
    // Its retry is a duplicate, as before partial responses existed.
    assert_eq!(store.insert(state("r", Q1_Q2, false, T2)).await?, InsertOutcome::Duplicate);
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn a_partial_state_never_replaces_a_complete_response(backend: Backend) -> TestResult {
    let db = backend.fresh("complete-then-partial").await;
    let store = open(&db).await?;
    assert_eq!(store.insert(state("r", Q1_Q2, false, T0)).await?, InsertOutcome::Stored);
    // A partial state arriving late (sent before, delivered after) is ignored.
    assert_eq!(store.insert(state("r", Q1, true, T1)).await?, InsertOutcome::Duplicate);
    assert_eq!(rows(store.as_ref()).await?, vec![state("r", Q1_Q2, false, T0)]);
    // A newer partial state replaces an older partial one.
    assert_eq!(store.insert(state("p", "[]", true, T0)).await?, InsertOutcome::Stored);
    assert_eq!(store.insert(state("p", Q1, true, T1)).await?, InsertOutcome::Updated);
    let p = rows(store.as_ref()).await?.into_iter().find(|r| r.id == "p");
    assert_eq!(p, Some(state("p", Q1, true, T1)));
    Ok(())
}
}

backend_tests! {
/// The SQL of each backend follows the rule `store::replaces` states, for every pair of
/// stored and delivered states.
#[tokio::test]
async fn the_backends_follow_the_stated_rule(backend: Backend) -> TestResult {
    let db = backend.fresh("partial-rule").await;
    let store = open(&db).await?;
    let states = [(Q1, true), (Q1_Q2, true), (Q1, false), (Q1_Q2, false)];
    for (i, &(a, pa)) in states.iter().enumerate() {
        for (j, &(b, pb)) in states.iter().enumerate() {
            let id = format!("r{i}{j}");
            let stored = state(&id, a, pa, T0);
            let delivered = state(&id, b, pb, T1);
            assert_eq!(store.insert(stored.clone()).await?, InsertOutcome::Stored);
            let expected = if store::replaces(&stored, &delivered) {
                InsertOutcome::Updated
            } else {
                InsertOutcome::Duplicate
            };
            assert_eq!(store.insert(delivered.clone()).await?, expected, "{id}");
            let kept = if expected == InsertOutcome::Updated { delivered } else { stored };
            let row = rows(store.as_ref()).await?.into_iter().find(|r| r.id == id);
            assert_eq!(row, Some(kept), "{id}");
        }
    }
    Ok(())
}
}

backend_tests! {
/// Partial and complete states of many ids race from two stores (two collector
/// instances), each in either order: every id ends with one row, complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_partial_and_complete_states_end_complete(backend: Backend) -> TestResult {
    let db = backend.fresh("partial-race").await;
    let stores = [open(&db).await?, open(&db).await?];
    let mut tasks = Vec::new();
    for i in 0..40 {
        let id = format!("r{i}");
        for (k, partial) in [(i % 2, true), ((i + 1) % 2, false)] {
            let store = Arc::clone(&stores[k]);
            let answers = if partial { Q1 } else { Q1_Q2 };
            let row = state(&id, answers, partial, T0);
            tasks.push(tokio::spawn(async move { store.insert(row).await }));
        }
    }
    let mut stored = 0;
    for t in tasks {
        stored += usize::from(t.await?? == InsertOutcome::Stored);
    }
    assert_eq!(stored, 40, "one insert per id creates its row");
    let all = rows(stores[0].as_ref()).await?;
    assert_eq!(all.len(), 40);
    for row in &all {
        assert!(!row.partial, "{} ended partial", row.id);
        assert_eq!(row.answers_json, Q1_Q2);
    }
    Ok(())
}
}

/// The fixture's site with a survey whose second question is required.
fn config_with_required() -> Value {
    let mut config = fixture();
    let survey = json!({"id": "two-step", "questions": [
        {"id": "nps", "type": "nps", "text": "Recommend us?", "required": true},
        {"id": "why", "type": "openText", "text": "Why?", "required": true}
    ]});
    if let Some(surveys) = config["sites"][0]["surveys"].as_array_mut() {
        surveys.push(survey);
    }
    config
}

fn two_step(id: &str, answers: Value, partial: Option<bool>) -> Value {
    let mut body = json!({"id": id, "site": "demo", "survey": "two-step", "answers": answers});
    if let Some(partial) = partial {
        body["partial"] = json!(partial);
    }
    body
}

backend_tests! {
#[tokio::test]
async fn the_collector_keeps_the_latest_state_and_exports_the_flag(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config_with_required()).await;
    let q1 = json!([{"question": "nps", "value": 2}]);
    let both = json!([{"question": "nps", "value": 2}, {"question": "why", "value": "slow"}]);
    // Without the flag, a response missing a required answer is refused.
    let (status, code, _) = error_of(t.post(&two_step("x", q1.clone(), None)).await).await;
    assert_eq!((status, code.as_str()), (409, "survey_mismatch"));
    // Marked partial, it is kept; its answers follow the usual rules.
    let first = t.post(&two_step("r", q1.clone(), Some(true))).await;
    assert_eq!(first.status(), 201);
    assert_eq!(first.json::<Value>().await?, json!({"id": "r", "status": "stored"}));
    let bad = two_step("y", json!([{"question": "why", "value": 5}]), Some(true));
    let (status, _, field) = error_of(t.post(&bad).await).await;
    assert_eq!((status, field.as_str()), (409, "answers[0].value"));
    let export = t.export_json().await;
    assert_eq!(export.len(), 1);
    assert_eq!(export[0]["partial"], json!(true));
    assert_eq!(bare_answers(&export[0]), q1);
    // The complete response replaces it: one row, complete.
    let complete = t.post(&two_step("r", both.clone(), Some(false))).await;
    assert_eq!(complete.status(), 200);
    assert_eq!(complete.json::<Value>().await?, json!({"id": "r", "status": "updated"}));
    let again = t.post(&two_step("r", both.clone(), None)).await;
    assert_eq!(again.json::<Value>().await?, json!({"id": "r", "status": "duplicate"}));
    // A partial state arriving late changes nothing.
    let late = t.post(&two_step("r", q1, Some(true))).await;
    assert_eq!(late.status(), 200);
    assert_eq!(late.json::<Value>().await?, json!({"id": "r", "status": "duplicate"}));
    let export = t.export_json().await;
    assert_eq!(export.len(), 1);
    assert_eq!(export[0]["partial"], json!(false));
    assert_eq!(bare_answers(&export[0]), both);
    // The CSV carries the flag too.
    let csv = t.export("site=demo&format=csv", Some(ADMIN)).await.text().await?;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let at = header.iter().position(|c| *c == "partial");
    assert_eq!(at, Some(14), "{header:?}");
    // `customer` follows it (empty: no customer token here).
    assert_eq!(header.get(15), Some(&"customer"), "{header:?}");
    for line in lines {
        assert!(line.ends_with(",false,"), "{line}");
    }
    t.stop().await;
    Ok(())
}
}
