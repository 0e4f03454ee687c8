//! The loyalty programme beyond the ledger, over real HTTP on both backends, with a fake
//! clock: points expiry after inactivity (lazy on read and redemption, and the sweep), and
//! tiers (reached by orders, multiplier on the next order, refunds count against their order,
//! dropped after the window).

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::{format_unix_millis, Clock, FakeClock};
use rapport_server::jobs::expiry_sweep;
use rapport_server::loyalty::signature::hmac_base64;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "loyalty-test-secret-0123456789abcdef";
/// 2027-01-15T08:00:00Z.
const T0: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;
const SHOPIFY: &str = "shpss_test_app_secret";

fn config(extra: Value) -> Value {
    let mut c = fixture();
    let mut loyalty = json!({
        "customerTokenSecret": SECRET,
        "pointsPerUnit": 1,
        "returnWindowDays": 14,
        "webhooks": { "shopify": SHOPIFY },
    });
    if let (Some(l), Some(e)) = (loyalty.as_object_mut(), extra.as_object()) {
        l.extend(e.clone());
    }
    c["sites"][0]["loyalty"] = loyalty;
    c
}

async fn start(db: &Backend, extra: Value) -> (TestServer, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t = TestServer::with_clock(
        config(extra),
        db.fresh("programme").await,
        None,
        Some(dyn_clock),
    )
    .await;
    (t, clock)
}

fn token(sub: &str, clock: &FakeClock) -> String {
    let claims = CustomerClaims::new(sub, "demo", clock.now_millis() / 1000, 600);
    mint(SECRET.as_bytes(), &claims).expect("mint")
}

async fn me(t: &TestServer, clock: &FakeClock, sub: &str) -> Value {
    let resp = t
        .client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .bearer_auth(token(sub, clock))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

async fn adjust(t: &TestServer, id: &str, customer: &str, points: i64) {
    let resp = t.client.post(t.url("/v1/sites/demo/loyalty/adjustments")).bearer_auth(ADMIN)
        .json(&json!({"id": id, "customer": customer, "points": points, "reason": "test", "actor": "ops"}))
        .send().await.expect("sent");
    assert_eq!(resp.status(), 201);
}

async fn redeem(t: &TestServer, clock: &FakeClock, sub: &str, id: &str, points: i64) -> u16 {
    t.client
        .post(t.url("/v1/sites/demo/loyalty/redemptions"))
        .bearer_auth(token(sub, clock))
        .json(&json!({"id": id, "points": points}))
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

/// A paid Shopify order of `subtotal` by `customer`, sent signed.
async fn paid_order(t: &TestServer, id: u64, customer: &str, subtotal: &str) -> Value {
    let body = json!({ "id": id, "currency": "EUR", "subtotal_price": subtotal, "total_price": subtotal,
        "financial_status": "paid", "customer": { "id": customer } });
    shopify(t, "orders/paid", &format!("o{id}"), &body).await
}

async fn shopify(t: &TestServer, topic: &str, delivery: &str, body: &Value) -> Value {
    let text = body.to_string();
    let resp = t
        .client
        .post(t.url("/v1/sites/demo/webhooks/shopify"))
        .header("x-shopify-topic", topic)
        .header("x-shopify-webhook-id", delivery)
        .header(
            "x-shopify-hmac-sha256",
            hmac_base64(SHOPIFY.as_bytes(), text.as_bytes()),
        )
        .body(text)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

fn tiers() -> Value {
    json!({ "tiers": { "basis": "points", "windowDays": 365, "levels": [
        { "name": "Bronze", "threshold": 0 },
        { "name": "Silver", "threshold": 200, "multiplier": 1.5 },
        { "name": "Gold", "threshold": 1000, "multiplier": 2 } ] } })
}

fn expiries(v: &Value) -> Vec<i64> {
    v["activity"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["kind"] == "expiry")
                .map(|e| e["points"].as_i64().unwrap_or(0))
                .collect()
        })
        .unwrap_or_default()
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_expire_after_inactivity(db: Backend) -> TestResult {
    let (t, clock) = start(&db, json!({"expiry": {"inactivityDays": 100}})).await;
    adjust(&t, "a1", "c1", 50).await;
    let v = me(&t, &clock, "c1").await;
    assert_eq!(v["expiresAt"], format_unix_millis(T0 + 100 * DAY));
    assert_eq!(v["expiringPoints"], 50);
    // A redemption is activity: the period restarts from it.
    clock.advance(50 * DAY);
    assert_eq!(redeem(&t, &clock, "c1", "r1", 10).await, 201);
    let v = me(&t, &clock, "c1").await;
    assert_eq!(v["expiresAt"], format_unix_millis(T0 + 150 * DAY));
    assert_eq!((v["spendable"].as_i64(), v["expiringPoints"].as_i64()), (Some(40), Some(40)));
    // One day before: nothing has expired.
    clock.advance(99 * DAY);
    assert_eq!(me(&t, &clock, "c1").await["spendable"], 40);
    // Past it: a redemption finds the points gone (the expiry is written first).
    clock.advance(2 * DAY);
    assert_eq!(redeem(&t, &clock, "c1", "r2", 5).await, 409);
    let v = me(&t, &clock, "c1").await;
    assert_eq!(v["spendable"], 0);
    assert_eq!(expiries(&v), [-40]);
    assert_eq!(v["expiresAt"], Value::Null);
    assert_eq!(v["expiringPoints"], 0);
    let expiry = v["activity"].as_array().and_then(|a| a.iter().find(|e| e["kind"] == "expiry")).cloned().unwrap_or_default();
    assert_eq!(expiry["at"], format_unix_millis(T0 + 150 * DAY));
    // Reading again, and the sweep, never expire twice.
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, 0);
    assert_eq!(expiries(&me(&t, &clock, "c1").await), [-40]);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_expires_customers_who_never_come_back(db: Backend) -> TestResult {
    let (t, clock) = start(&db, json!({"expiry": {"inactivityDays": 30}})).await;
    adjust(&t, "a1", "gone", 30).await;
    adjust(&t, "a2", "back", 20).await;
    adjust(&t, "a3", "negative", -5).await;
    clock.advance(20 * DAY);
    adjust(&t, "a4", "recent", 7).await;
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, 0, "nothing due yet");
    clock.advance(11 * DAY);
    // "gone" and "back" are due; "recent" is not, "negative" has nothing to lose.
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, 2);
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, 0);
    let gone = t.server.store().loyalty().entries("demo".into(), "gone".into()).await?;
    assert_eq!(gone.iter().map(|e| e.points).collect::<Vec<_>>(), [30, -30]);
    assert_eq!(gone[1].available_at, T0 + 30 * DAY);
    assert_eq!(me(&t, &clock, "recent").await["spendable"], 7);
    // A customer back after a long gap: the missed period's expiry is found from the gap,
    // and the new points count from the new activity.
    adjust(&t, "a5", "gap", 40).await;
    clock.advance(45 * DAY);
    adjust(&t, "a6", "gap", 5).await;
    let v = me(&t, &clock, "gap").await;
    assert_eq!(expiries(&v), [-40]);
    assert_eq!(v["spendable"], 5);
    assert_eq!(v["expiresAt"], format_unix_millis(clock.now_millis() + 30 * DAY));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_expiry_points_stay(db: Backend) -> TestResult {
    let (t, clock) = start(&db, json!({})).await;
    adjust(&t, "a1", "c1", 50).await;
    clock.advance(5000 * DAY);
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, 0);
    let v = me(&t, &clock, "c1").await;
    assert_eq!((v["spendable"].as_i64(), &v["expiresAt"]), (Some(50), &Value::Null));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_move_customers_up_and_down_the_tiers(db: Backend) -> TestResult {
    let (t, clock) = start(&db, tiers()).await;
    let v = me(&t, &clock, "c1").await;
    assert_eq!(v["tier"]["name"], "Bronze");
    assert_eq!(v["tier"]["heldUntil"], Value::Null);
    assert_eq!(v["nextTier"], json!({"name": "Silver", "threshold": 200, "remaining": 200}));
    paid_order(&t, 1, "c1", "150.00").await;
    let v = me(&t, &clock, "c1").await;
    assert_eq!((v["tier"]["name"].as_str(), v["tier"]["qualifying"].as_i64()), (Some("Bronze"), Some(150)));
    assert_eq!(v["nextTier"]["remaining"], 50);
    clock.advance(DAY);
    paid_order(&t, 2, "c1", "100.00").await;
    let v = me(&t, &clock, "c1").await;
    assert_eq!((v["tier"]["name"].as_str(), v["tier"]["multiplier"].as_f64()), (Some("Silver"), Some(1.5)));
    assert_eq!(v["tier"]["heldUntil"], format_unix_millis(clock.now_millis() + 365 * DAY));
    assert_eq!(v["nextTier"], json!({"name": "Gold", "threshold": 1000, "remaining": 750}));
    // A refund counts against the order it reverses: order 2 never lifted anyone.
    let refund = json!({ "id": 90, "order_id": 2, "refund_line_items": [{ "subtotal": "100.00" }] });
    shopify(&t, "refunds/create", "r90", &refund).await;
    let v = me(&t, &clock, "c1").await;
    assert_eq!((v["tier"]["name"].as_str(), v["tier"]["qualifying"].as_i64()), (Some("Bronze"), Some(150)));
    // Bronze earns ×1; the order reaching Silver earns at the tier held before it.
    clock.advance(DAY);
    paid_order(&t, 3, "c1", "100.00").await;
    assert_eq!(me(&t, &clock, "c1").await["tier"]["name"], "Silver");
    // Silver's ×1.5 applies to the next order.
    clock.advance(DAY);
    paid_order(&t, 4, "c1", "100.00").await;
    let v = me(&t, &clock, "c1").await;
    assert_eq!(v["pending"], 150 + 100 + 150, "{v}");
    assert_eq!(v["tier"]["qualifying"], 400);
    // Kept for the window after the last order that reached it, then dropped.
    clock.advance(364 * DAY);
    assert_eq!(me(&t, &clock, "c1").await["tier"]["name"], "Silver");
    clock.advance(DAY);
    let v = me(&t, &clock, "c1").await;
    assert_eq!((v["tier"]["name"].as_str(), v["tier"]["qualifying"].as_i64()), (Some("Bronze"), Some(0)));
    t.stop().await;
    Ok(())
}
}
