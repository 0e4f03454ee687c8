//! What an inbox item tells of its answers and its customer, on both backends: each answer
//! carries its question's `title` in the site's default language (absent for a question
//! the configuration no longer has), and a customer known only from imported orders shows
//! the e-mail of those orders — a verified token's e-mail is not overwritten by an import,
//! and importing a file again fills the e-mail of orders already stored without one. Orders
//! arriving by webhook (Shopify, WooCommerce, Standard Webhooks) record their customer's
//! e-mail the same way.

mod common;

use common::console::*;
use common::*;
use rapport_server::loyalty::signature::{hmac_base64, sign_standard, standard_key};
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "inbox-answers-test-secret-0123456789abcdef";
const SHOPIFY: &str = "shpss_inbox_answers_secret";
const WOO: &str = "woo-inbox-answers-secret";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET, "pointsPerUnit": 1,
        "webhooks": { "shopify": SHOPIFY, "woocommerce": WOO, "standard": WHSEC } });
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

/// A signed Shopify `orders/create` of `customer` with `email`.
async fn shopify(t: &TestServer, delivery: &str, order: u64, customer: u64, email: &str) {
    let body = json!({ "id": order, "email": email, "currency": "USD",
        "subtotal_price": "20.00", "total_price": "20.00", "total_tax": "0.00",
        "financial_status": "paid", "cancelled_at": null, "customer": { "id": customer },
        "refunds": [] })
    .to_string();
    let resp = t
        .client
        .post(t.url("/v1/sites/demo/webhooks/shopify"))
        .header("content-type", "application/json")
        .header("x-shopify-topic", "orders/create")
        .header("x-shopify-webhook-id", delivery)
        .header(
            "x-shopify-hmac-sha256",
            hmac_base64(SHOPIFY.as_bytes(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200, "{delivery}");
}

/// A signed WooCommerce `order.updated` of `customer` with a billing `email`.
async fn woocommerce(t: &TestServer, delivery: &str, order: u64, customer: u64, email: &str) {
    let body = json!({ "id": order, "status": "processing", "currency": "USD",
        "customer_id": customer, "total": "20.00", "total_tax": "0.00", "shipping_total": "0.00",
        "discount_total": "0.00", "billing": { "email": email }, "refunds": [] })
    .to_string();
    let resp = t
        .client
        .post(t.url("/v1/sites/demo/webhooks/woocommerce"))
        .header("x-wc-webhook-topic", "order.updated")
        .header("x-wc-webhook-delivery-id", delivery)
        .header(
            "x-wc-webhook-signature",
            hmac_base64(WOO.as_bytes(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200, "{delivery}");
}

/// A signed Standard Webhooks `order.paid` of `customer` with `email`.
async fn standard(t: &TestServer, delivery: &str, order: &str, customer: &str, email: &str) {
    let key = standard_key(WHSEC).expect("key");
    let body = json!({ "type": "order.paid", "data": { "id": order, "customer": customer,
        "email": email, "eligible": "20.00", "total": "20.00" } })
    .to_string();
    let ts = t.server.state().clock.now_millis() / 1000;
    let resp = t
        .client
        .post(t.url("/v1/sites/demo/webhooks/standard"))
        .header("webhook-id", delivery)
        .header("webhook-timestamp", ts.to_string())
        .header(
            "webhook-signature",
            sign_standard(&key, delivery, ts, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200, "{delivery}");
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_by_webhook_give_their_customers_e_mail(db: Backend) -> TestResult {
    let t = TestServer::with(config(), db.fresh("inbox_webhook_email").await, None).await;
    let owner = owner(&t).await;
    shopify(&t, "s-1", 9001, 501, "shop@example.com").await;
    woocommerce(&t, "w-1", 727, 25, "woo@example.com").await;
    standard(&t, "m-1", "g-1", "c-std", "std@example.com").await;
    // A later order with another e-mail keeps the first one, as an import does.
    shopify(&t, "s-2", 9002, 501, "later@example.com").await;
    // c-tok answered with a verified token's e-mail before its order arrived: kept.
    let now = t.server.state().clock.now_millis();
    let mut claims = CustomerClaims::new("c-tok", "demo", now / 1000, 600);
    claims.email = Some("verified@example.com".into());
    let mut body = valid("r-tok");
    body["answers"] = json!([{ "question": "nps", "value": 4 }]);
    let resp = t.client.post(t.url("/v1/responses")).json(&body)
        .bearer_auth(mint(SECRET.as_bytes(), &claims)?).send().await?;
    assert_eq!(resp.status(), 201);
    standard(&t, "m-2", "g-2", "c-tok", "order-tok@example.com").await;
    for (id, customer) in [("r-shop", "501"), ("r-woo", "25"), ("r-std", "c-std")] {
        identified_answer(&t, SECRET, id, 3, "late", Some(customer)).await;
    }
    for (id, email) in [("r-shop", "shop@example.com"), ("r-woo", "woo@example.com"),
        ("r-std", "std@example.com"), ("r-tok", "verified@example.com")] {
        let item = owner.get(&t, &format!("/admin/api/inbox/demo/{id}")).await;
        assert_eq!(item["customer"]["email"], email, "{id}: {item}");
    }
    t.stop().await;
    Ok(())
}


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
