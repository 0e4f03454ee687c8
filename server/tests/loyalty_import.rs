//! Order history import on both backends: the admin endpoint (streamed CSV body) and the
//! `rapport-server import-orders` command, with the sample files in `fixtures/`: orders
//! stored once per id (re-imports and later webhooks change nothing), bad rows reported by
//! row and column while every good row is kept, points only when asked, and imported
//! history making a shopper a returning one for referrals.

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::loyalty::signature::hmac_base64;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "loyalty-test-secret-0123456789abcdef";
const SHOPIFY: &str = "shpss_test_app_secret";
/// 2027-01-15T08:00:00Z.
const T0: i64 = 1_800_000_000_000;
const SHOPIFY_CSV: &str = include_str!("fixtures/orders-shopify.csv");
const GENERIC_CSV: &str = include_str!("fixtures/orders-generic.csv");

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "webhooks": { "shopify": SHOPIFY },
        "referral": { "referrerPoints": 500, "refereePoints": 250 }
    });
    c
}

async fn import(t: &TestServer, query: &str, body: &str, token: &str) -> reqwest::Response {
    t.client
        .post(t.url(&format!("/v1/sites/demo/loyalty/imports?{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .expect("sent")
}

async fn balance(t: &TestServer, sub: &str, clock: &FakeClock) -> Value {
    let claims = CustomerClaims::new(sub, "demo", clock.now_millis() / 1000, 600);
    let token = mint(SECRET.as_bytes(), &claims).expect("mint");
    t.client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

fn errors(report: &Value) -> Vec<(u64, String)> {
    report["errors"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    (
                        e["row"].as_u64().unwrap_or(0),
                        e["field"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_imports_once_reports_bad_rows_and_credits_only_when_asked(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t = TestServer::with_clock(config(), db.fresh("import").await, None, Some(dyn_clock)).await;

    // Generic CSV, no points (the default).
    let resp = import(&t, "format=generic", GENERIC_CSV, ADMIN).await;
    assert_eq!(resp.status(), 200);
    let report: Value = resp.json().await?;
    assert_eq!(
        (&report["orders"], &report["imported"], &report["duplicates"], &report["entries"], &report["badRows"]),
        (&json!(3), &json!(3), &json!(0), &json!(0), &json!(2)),
        "{report}"
    );
    assert_eq!(errors(&report), [(5, "customer_id".to_owned()), (6, "date".to_owned())]);
    assert_eq!(balance(&t, "c-1", &clock).await["spendable"], 0);
    // Again: every order is a duplicate.
    let again: Value = import(&t, "format=generic", GENERIC_CSV, ADMIN).await.json().await?;
    assert_eq!((&again["imported"], &again["duplicates"]), (&json!(0), &json!(3)));

    // Shopify export, crediting: the orders are years old, so their points are spendable.
    let report: Value = import(&t, "format=shopify&credit=true", SHOPIFY_CSV, ADMIN).await.json().await?;
    assert_eq!(
        (&report["orders"], &report["imported"], &report["entries"], &report["badRows"]),
        (&json!(5), &json!(5), &json!(2), &json!(1)),
        "{report}"
    );
    assert_eq!(errors(&report), [(7, "Subtotal".to_owned())]);
    let ann = balance(&t, "7001", &clock).await;
    assert_eq!((&ann["spendable"], &ann["pending"]), (&json!(40 + 50), &json!(0)));
    assert_eq!(t.server.store().loyalty().order_count("demo".into()).await?, 8);
    // A later webhook of an imported order: the same order, nothing credited twice.
    let paid = json!({ "id": 5001, "email": "ann@example.com", "subtotal_price": "40.00",
        "financial_status": "paid", "customer": { "id": 7001 } });
    let text = paid.to_string();
    let hook: Value = t.client.post(t.url("/v1/sites/demo/webhooks/shopify"))
        .header("x-shopify-topic", "orders/paid").header("x-shopify-webhook-id", "w1")
        .header("x-shopify-hmac-sha256", hmac_base64(SHOPIFY.as_bytes(), text.as_bytes()))
        .body(text).send().await?.json().await?;
    assert_eq!(hook, json!({"status": "applied", "entries": 0}));
    assert_eq!(t.server.store().loyalty().order_count("demo".into()).await?, 8);

    // Imported history makes c-1 a returning shopper: a referral code on their next order
    // is not a first-order referral.
    let zed = balance(&t, "zed", &clock).await;
    let code = zed["referral"]["code"].as_str().ok_or("no code")?.to_owned();
    let next = json!({ "id": 9001, "email": "c1@example.com", "subtotal_price": "10.00",
        "financial_status": "paid", "customer": { "id": "c-1" },
        "note_attributes": [{ "name": "rapport_referral", "value": code }] });
    let text = next.to_string();
    let hook: Value = t.client.post(t.url("/v1/sites/demo/webhooks/shopify"))
        .header("x-shopify-topic", "orders/paid").header("x-shopify-webhook-id", "w2")
        .header("x-shopify-hmac-sha256", hmac_base64(SHOPIFY.as_bytes(), text.as_bytes()))
        .body(text).send().await?.json().await?;
    assert_eq!(hook["referral"], "not_first_order");

    // Refusals: the admin token, the format, the header.
    assert_eq!(import(&t, "format=generic", GENERIC_CSV, OTHER_ADMIN).await.status(), 403);
    let (status, _, field) = error_of(import(&t, "format=xlsx", GENERIC_CSV, ADMIN).await).await;
    assert_eq!((status, field.as_str()), (400, "format"));
    // A header without a required column: nothing imported, row 1 names the column.
    let resp = import(&t, "format=shopify", GENERIC_CSV, ADMIN).await;
    assert_eq!(resp.status(), 200);
    let report: Value = resp.json().await?;
    assert_eq!(errors(&report), [(1, "Name".to_owned())]);
    assert_eq!((&report["imported"], &report["complete"]), (&json!(0), &json!(false)));
    let empty: Value = import(&t, "format=generic", "", ADMIN).await.json().await?;
    assert_eq!(errors(&empty), [(1, "order_id".to_owned())]);
    let (status, _, field) = error_of(import(&t, "format=generic&credit=yes", GENERIC_CSV, ADMIN).await).await;
    assert_eq!((status, field.as_str()), (400, "credit"));

    // The command line, on the same database: all duplicates now, bad rows still reported
    // (exit status 1); a fresh file imports.
    let config_path = config_file(&config());
    let csv_path = temp_path("orders", ".csv");
    std::fs::write(&csv_path, GENERIC_CSV)?;
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rapport-server"))
            .args(["import-orders", "--site", "demo", "--format", "generic", "--db", &t.db.target])
            .arg("--config").arg(&config_path).arg(file)
            .output()
    };
    let out = run(&csv_path)?;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!((&report["duplicates"], &report["badRows"]), (&json!(3), &json!(2)));
    std::fs::write(&csv_path, "order_id,customer_id,date,amount\ncli-1,c-9,2024-05-01,3.00\n")?;
    let out = run(&csv_path)?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["imported"], 1);
    assert_eq!(t.server.store().loyalty().order_count("demo".into()).await?, 10);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_orders_are_dated_by_their_own_date(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let mut c = config();
    c["sites"][0]["loyalty"]["returnWindowDays"] = json!(14);
    c["sites"][0]["loyalty"]["expiry"] = json!({ "inactivityDays": 365 });
    c["sites"][0]["loyalty"]["tiers"] = json!({ "basis": "points", "windowDays": 365, "levels": [
        { "name": "Bronze", "threshold": 0 }, { "name": "Silver", "threshold": 50 } ] });
    let t = TestServer::with_clock(c, db.fresh("import-dates").await, None, Some(dyn_clock)).await;
    // Imported at T0 (2027-01-15): an order older than the expiry period, one older than
    // the return window, one inside it.
    let csv = "order_id,customer_id,date,amount\n\
               d-old,c-old,2024-06-01,80.00\n\
               d-mid,c-mid,2026-10-01,60.00\n\
               d-new,c-new,2027-01-10,30.00\n";
    let report: Value = import(&t, "format=generic&credit=true", csv, ADMIN).await.json().await?;
    assert_eq!((&report["imported"], &report["entries"]), (&json!(3), &json!(3)), "{report}");
    // Every entry is dated by its order, not by the import.
    let day = |secs: i64| secs * 1000;
    for (customer, placed) in [("c-old", day(1_717_200_000)), ("c-mid", day(1_790_812_800)), ("c-new", day(1_799_539_200))] {
        let entries = t.server.store().loyalty().entries("demo".into(), customer.into()).await?;
        let orders: Vec<(i64, i64)> = entries.iter().filter(|e| e.kind.as_str() == "order").map(|e| (e.created_at, e.available_at)).collect();
        assert_eq!(orders, [(placed, placed + 14 * 86_400_000)], "{customer}");
    }
    // The sweep finds the old order's points expired (a year after its date), and only them
    // (the collector's own sweep may have got there first: at most one expiry each way).
    assert!(rapport_server::jobs::expiry_sweep::run_once(t.server.state()).await? <= 1);
    for (customer, expiries) in [("c-old", 1), ("c-mid", 0), ("c-new", 0)] {
        let entries = t.server.store().loyalty().entries("demo".into(), customer.into()).await?;
        assert_eq!(entries.iter().filter(|e| e.kind.as_str() == "expiry").count(), expiries, "{customer}");
    }
    let old = balance(&t, "c-old", &clock).await;
    assert_eq!((&old["spendable"], &old["pending"], &old["expiresAt"]), (&json!(0), &json!(0), &Value::Null), "{old}");
    let expired = old["activity"].as_array().and_then(|a| a.iter().find(|e| e["kind"] == "expiry")).cloned().unwrap_or_default();
    assert_eq!((&expired["points"], &expired["at"]), (&json!(-80), &json!("2025-06-01T00:00:00.000Z")));
    // Past its return window: spendable at once, expiring a year after its date, and in the
    // tier window.
    let mid = balance(&t, "c-mid", &clock).await;
    assert_eq!((&mid["spendable"], &mid["pending"], &mid["expiresAt"]), (&json!(60), &json!(0), &json!("2027-10-01T00:00:00.000Z")), "{mid}");
    assert_eq!((&mid["tier"]["name"], &mid["tier"]["qualifying"]), (&json!("Silver"), &json!(60)));
    // The old order is outside the tier window: it lifts nobody.
    assert_eq!((&old["tier"]["name"], &old["tier"]["qualifying"]), (&json!("Bronze"), &json!(0)));
    // Inside its window: pending until 14 days after its date (2027-01-24), not after the import.
    let new = balance(&t, "c-new", &clock).await;
    assert_eq!((&new["spendable"], &new["pending"]), (&json!(0), &json!(30)));
    clock.advance(9 * 86_400_000 + 1);
    let new = balance(&t, "c-new", &clock).await;
    assert_eq!((&new["spendable"], &new["pending"]), (&json!(30), &json!(0)));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uncredited_history_counts_for_spend_tiers_by_its_date(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let mut c = config();
    c["sites"][0]["loyalty"]["tiers"] = json!({ "basis": "spend", "windowDays": 365, "levels": [
        { "name": "Bronze", "threshold": "0" }, { "name": "Silver", "threshold": "50.00" } ] });
    let t = TestServer::with_clock(c, db.fresh("import-tiers").await, None, Some(dyn_clock)).await;
    let csv = "order_id,customer_id,date,amount\n\
               s-recent,c-recent,2026-10-01,60.00\n\
               s-old,c-old,2024-06-01,80.00\n";
    let report: Value = import(&t, "format=generic", csv, ADMIN).await.json().await?;
    assert_eq!((&report["imported"], &report["entries"]), (&json!(2), &json!(0)), "{report}");
    // No points, but the spend lifts a tier inside the window from the order's date.
    let recent = balance(&t, "c-recent", &clock).await;
    assert_eq!((&recent["spendable"], &recent["tier"]["name"]), (&json!(0), &json!("Silver")), "{recent}");
    let old = balance(&t, "c-old", &clock).await;
    assert_eq!(old["tier"]["name"], "Bronze", "{old}");
    // The recent order leaves the window a year after its date: the tier drops.
    clock.advance(260 * 86_400_000);
    assert_eq!(balance(&t, "c-recent", &clock).await["tier"]["name"], "Bronze");
    t.stop().await;
    Ok(())
}
}
