//! What an inbox item tells of its answers and its customer, on both backends: each answer
//! carries its question's `title` in the site's default language (absent for a question
//! the configuration no longer has), and a customer known only from imported orders shows
//! the e-mail of those orders — a verified token's e-mail is not overwritten by an import,
//! and importing a file again fills the e-mail of orders already stored without one.

mod common;

use common::console::*;
use common::*;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "inbox-answers-test-secret-0123456789abcdef";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET, "pointsPerUnit": 1 });
    c["sites"][0]["locale"] = json!("fr");
    c["sites"][0]["surveys"][0]["questions"][0]["text"] =
        json!({ "en": "How likely are you to recommend us?", "fr": "Nous recommanderiez-vous ?" });
    c["console"] = json!({});
    c
}

async fn import(t: &TestServer, csv: &str) -> Value {
    let resp = t
        .client
        .post(t.url("/v1/sites/demo/loyalty/imports?format=generic"))
        .bearer_auth(ADMIN)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("JSON")
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_have_titles_and_imported_customers_their_e_mail(db: Backend) -> TestResult {
    let t = TestServer::with(config(), db.fresh("inbox_answers").await, None).await;
    let owner = owner(&t).await;
    // Orders imported with e-mails: c-imp's, and c-token's (who also signs in with one).
    let report = import(&t, "order_id,customer_id,email,date,amount\n\
        o-1,c-imp,Imported@Example.com,2026-01-10,20.00\n\
        o-2,c-imp,later@example.com,2026-02-10,30.00\n\
        o-3,c-token,imported-token@example.com,2026-01-11,10.00\n\
        o-4,c-none,,2026-01-12,10.00\n").await;
    assert_eq!((&report["imported"], &report["badRows"]), (&json!(4), &json!(0)), "{report}");
    identified_answer(&t, SECRET, "r-imp", 3, "late", Some("c-imp")).await;
    identified_answer(&t, SECRET, "r-none", 9, "fine", Some("c-none")).await;
    // c-token answers with a token that carries an e-mail: the verified one wins.
    let now = t.server.state().clock.now_millis();
    let mut claims = CustomerClaims::new("c-token", "demo", now / 1000, 600);
    claims.email = Some("verified@example.com".into());
    let mut body = valid("r-token");
    body["answers"] = json!([{ "question": "nps", "value": 8 }]);
    let resp = t.client.post(t.url("/v1/responses")).json(&body)
        .bearer_auth(mint(SECRET.as_bytes(), &claims)?).send().await?;
    assert_eq!(resp.status(), 201);

    let item = owner.get(&t, "/admin/api/inbox/demo/r-imp").await;
    assert_eq!(item["customer"]["id"], "c-imp");
    // The first imported e-mail is kept, as the import found it.
    assert_eq!(item["customer"]["email"], "Imported@Example.com", "{item}");
    // Titles: the site's language ("fr") where the question has it, else the plain text.
    assert_eq!(item["answers"][0]["question"], "nps");
    assert_eq!(item["answers"][0]["title"], "Nous recommanderiez-vous ?", "{item}");
    assert_eq!(item["answers"][1]["title"], "Anything else?", "{item}");
    let token_item = owner.get(&t, "/admin/api/inbox/demo/r-token").await;
    assert_eq!(token_item["customer"]["email"], "verified@example.com", "{token_item}");
    // An order without an e-mail gives none.
    let none = owner.get(&t, "/admin/api/inbox/demo/r-none").await;
    assert_eq!(none["customer"]["id"], "c-none");
    assert!(none["customer"].get("email").is_none_or(Value::is_null), "{none}");
    // An order stored before its customer's e-mail was recorded (here: imported without
    // one) gets it when the file is imported again with the e-mail: a duplicate still
    // records its customer.
    let report = import(&t, "order_id,customer_id,email,date,amount\n\
        o-4,c-none,none@example.com,2026-01-12,10.00\n").await;
    assert_eq!((&report["imported"], &report["duplicates"]), (&json!(0), &json!(1)), "{report}");
    let none = owner.get(&t, "/admin/api/inbox/demo/r-none").await;
    assert_eq!(none["customer"]["email"], "none@example.com", "{none}");
    // The list shows the same items.
    let list = owner.get(&t, "/admin/api/inbox?site=demo").await;
    let listed = list["items"].as_array().and_then(|items| items.iter().find(|i| i["id"] == "r-imp")).cloned().unwrap_or_default();
    assert_eq!(listed["customer"]["email"], "Imported@Example.com", "{list}");
    assert_eq!(listed["answers"][0]["title"], "Nous recommanderiez-vous ?");
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_to_a_question_no_longer_configured_has_no_title(db: Backend) -> TestResult {
    let test_db = db.fresh("inbox_answers_gone").await;
    let t = TestServer::with(config(), test_db.clone(), None).await;
    identified_answer(&t, SECRET, "r-1", 2, "slow", Some("c-1")).await;
    let test_db = t.stop().await;
    // The comment question is dropped from the configuration.
    let mut c = config();
    if let Some(questions) = c["sites"][0]["surveys"][0]["questions"].as_array_mut() {
        questions.retain(|q| q["id"] != "comment");
    }
    let t = TestServer::with(c, test_db, None).await;
    let owner = owner(&t).await;
    let item = owner.get(&t, "/admin/api/inbox/demo/r-1").await;
    assert_eq!(item["answers"][0]["title"], "Nous recommanderiez-vous ?", "{item}");
    assert_eq!(item["answers"][1]["question"], "comment");
    assert!(item["answers"][1].get("title").is_none(), "{item}");
    assert!(item["answers"][1]["type"].is_null(), "{item}");
    t.stop().await;
    Ok(())
}
}
