//! The loyalty programme beyond the ledger, over real HTTP on both backends, with a fake
//! clock: points expiry after inactivity (lazy on read and redemption, and the sweep), and
//! tiers (reached by orders, multiplier on the next order, refunds count against their order,
//! dropped after the window), and rewards (codes, idempotency, tier restriction, the signed
//! outbound webhook checked by a real local receiver, retried, surviving a restart).

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::{format_unix_millis, Clock, FakeClock};
use rapport_server::jobs::expiry_sweep;
use rapport_server::jobs::outbox::POLL;
use rapport_server::loyalty::signature::hmac_base64;
use rapport_server::loyalty::signature::{standard_key, verify_standard, StandardHeaders};
use rapport_server::loyalty::token::{mint, CustomerClaims};
use rapport_server::store::Adjustment;
use serde_json::{json, Value};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

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
async fn one_sweep_handles_any_number_of_customers(db: Backend) -> TestResult {
    let (t, clock) = start(&db, json!({"expiry": {"inactivityDays": 30}})).await;
    // More than two pages of the work list, written straight to the store.
    let n = 2 * expiry_sweep::BATCH + 3;
    let store = t.server.store();
    for i in 0..n {
        let a = Adjustment { id: format!("a{i}"), customer: format!("c{i:05}"), points: 10,
            reason: "test".into(), actor: "ops".into() };
        assert!(store.loyalty().adjust("demo".into(), a, clock.now_millis()).await?);
    }
    clock.advance(31 * DAY);
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, n, "every customer in one run");
    assert_eq!(expiry_sweep::run_once(t.server.state()).await?, 0);
    for c in ["c00000", &format!("c{:05}", expiry_sweep::BATCH), &format!("c{:05}", n - 1)] {
        let points: Vec<i64> = store.loyalty().entries("demo".into(), c.into()).await?.iter().map(|e| e.points).collect();
        assert_eq!(points, [10, -10], "{c}");
    }
    // Pages of any size walk the whole list once, whatever the customers' ids sort like.
    for (i, c) in ["b", "a:1", "Z", "b0", "a"].iter().enumerate() {
        let a = Adjustment { id: format!("p{i}"), customer: (*c).into(), points: 5,
            reason: "test".into(), actor: "ops".into() };
        store.loyalty().adjust("demo".into(), a, clock.now_millis()).await?;
    }
    clock.advance(31 * DAY);
    let policy = rapport_server::loyalty::expiry::ExpiryPolicy { inactivity_days: 30 };
    assert_eq!(expiry_sweep::sweep_site(t.server.state(), "demo", policy, clock.now_millis(), 2).await?, 5);
    assert_eq!(expiry_sweep::sweep_site(t.server.state(), "demo", policy, clock.now_millis(), 1).await?, 0);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewards_issue_codes_and_notify_the_store(db: Backend) -> TestResult {
    let hook = Receiver::start(1).await;
    let (t, clock) = start(&db, rewards_config(&hook.url)).await;
    adjust(&t, "a1", "c1", 1000).await;
    let v = me(&t, &clock, "c1").await;
    let offered: Vec<(String, bool)> = v["rewards"].as_array().map(|a| a.iter().map(|r| (r["id"].as_str().unwrap_or("").to_owned(), r["available"] == true)).collect()).unwrap_or_default();
    assert_eq!(offered, [("5-off".to_owned(), true), ("pct".to_owned(), false), ("ship".to_owned(), true), ("mug".to_owned(), false)]);
    let resp = redeem_reward(&t, &clock, "c1", "rr1", "5-off").await;
    assert_eq!(resp.0, 201, "{}", resp.1);
    let code = resp.1["code"].as_str().unwrap_or_default().to_owned();
    assert!(code.len() == 14 && code.split('-').all(|g| g.len() == 4 && g.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())), "{code}");
    assert_eq!((resp.1["spendable"].as_i64(), resp.1["reward"]["amount"].as_str()), (Some(500), Some("5.00")));
    // A retry of the same id: the same code, nothing spent twice.
    let again = redeem_reward(&t, &clock, "c1", "rr1", "5-off").await;
    assert_eq!((again.0, again.1["code"].as_str(), again.1["spendable"].as_i64()), (200, Some(code.as_str()), Some(500)));
    // Refusals name the field: another reward under a used id, not enough points, a tier
    // too low, an unknown reward.
    for (id, reward, status, field) in [("rr1", "ship", 409, "id"), ("rr2", "pct", 409, "points"), ("rr3", "mug", 409, "reward"), ("rr4", "nope", 400, "reward")] {
        let resp = t.client.post(t.url("/v1/sites/demo/loyalty/reward-redemptions")).bearer_auth(token("c1", &clock))
            .json(&json!({"id": id, "reward": reward})).send().await?;
        let (s, _, f) = error_of(resp).await;
        assert_eq!((s, f.as_str()), (status, field), "{reward}");
    }
    let second = redeem_reward(&t, &clock, "c1", "rr5", "ship").await;
    assert_eq!(second.0, 201);
    assert_ne!(second.1["code"], json!(code));
    // The code is in the customer's activity.
    let v = me(&t, &clock, "c1").await;
    assert_eq!(v["spendable"], 200);
    let shown: Vec<&str> = v["activity"].as_array().map(|a| a.iter().filter_map(|e| e["code"].as_str()).collect()).unwrap_or_default();
    assert_eq!(shown, [second.1["code"].as_str().unwrap_or_default(), code.as_str()]);
    // The store is told, signed: the receiver fails the first attempt, the retry (after the
    // backoff, on the fake clock) succeeds with the same webhook-id.
    wait_until(|| async { t.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s.iter().any(|e| e.attempts == 1)).unwrap_or(false) }).await;
    let states = t.server.store().loyalty().outbox_states("demo".into()).await?;
    assert_eq!(states.len(), 2);
    assert!(states.iter().all(|s| s.delivered_at.is_none() || s.attempts == 0));
    clock.advance(11_000);
    wait_until(|| async { t.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s.iter().all(|e| e.delivered_at.is_some())).unwrap_or(false) }).await;
    let got = hook.requests();
    assert_eq!(got.len(), 3, "one failed attempt and two deliveries");
    let key = standard_key(WHSEC)?;
    let now = clock.now_millis() / 1000;
    for (headers, body) in &got {
        let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
        let hs = StandardHeaders { id: h("webhook-id"), timestamp: h("webhook-timestamp"), signature: h("webhook-signature") };
        assert!(verify_standard(&key, body, hs, now).is_ok(), "signature of {:?}", h("webhook-id"));
    }
    let first_id = got[0].0.get("webhook-id").cloned();
    assert_eq!(got.iter().filter(|(h, _)| h.get("webhook-id").cloned() == first_id).count(), 2, "a retry keeps its id");
    let bodies: Vec<Value> = got.iter().map(|(_, b)| serde_json::from_slice(b).unwrap_or_default()).collect();
    let first = bodies.iter().find(|b| b["data"]["redemption"] == "rr1").cloned().unwrap_or_default();
    assert_eq!(first["type"], "reward.redeemed");
    assert_eq!((first["data"]["code"].as_str(), first["data"]["customer"].as_str(), first["data"]["reward"]["kind"].as_str()), (Some(code.as_str()), Some("c1"), Some("fixedAmount")));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_events_survive_a_restart(db: Backend) -> TestResult {
    // The store's endpoint is down: the first attempt fails, then the collector stops.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        format!("http://{}/hooks", l.local_addr()?)
    };
    let (t, clock) = start(&db, rewards_config(&closed)).await;
    adjust(&t, "a1", "c1", 600).await;
    assert_eq!(redeem_reward(&t, &clock, "c1", "rr1", "ship").await.0, 201);
    wait_until(|| async { t.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s.first().is_some_and(|e| e.attempts >= 1)).unwrap_or(false) }).await;
    let state = t.server.store().loyalty().outbox_states("demo".into()).await?;
    assert!(state[0].last_error.as_deref().is_some_and(|e| e.contains("connect")), "{state:?}");
    let db = t.stop().await;
    // A new collector on the same database, its config now pointing at a live endpoint.
    let hook = Receiver::start(0).await;
    clock.advance(60_000);
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t = TestServer::with_clock(config(rewards_config(&hook.url)), db, None, Some(dyn_clock)).await;
    wait_until(|| async { hook.requests().len() == 1 }).await;
    wait_until(|| async { t.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s[0].delivered_at.is_some()).unwrap_or(false) }).await;
    let (_, body) = &hook.requests()[0];
    let body: Value = serde_json::from_slice(body)?;
    assert_eq!(body["data"]["redemption"], "rr1");
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn liability_forecast_endpoint_and_cli(db: Backend) -> TestResult {
    // In the past, so that the command line (on the system clock) sees the same history.
    let clock = Arc::new(FakeClock::new(1_750_000_000_000));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let mut extra = rewards_config("http://127.0.0.1:9/hooks");
    extra["rewards"][0]["amount"] = json!("10.00");
    let t = TestServer::with_clock(config(extra), db.fresh("liability").await, None, Some(dyn_clock)).await;
    let get = |token: &'static str| t.client.get(t.url("/v1/sites/demo/loyalty/liability")).bearer_auth(token).send();
    assert_eq!(get("wrong-token").await?.status(), 403);
    let (status, _, field) = error_of(get(ADMIN).await?).await;
    assert_eq!((status, field.as_str()), (409, "customers"), "too few customers to fit");
    // 30 customers: frequent recent buyers and one-off buyers of long ago.
    let mut id = 1000;
    for c in 0..30u64 {
        let orders = if c % 2 == 0 { 4 } else { 1 };
        for k in 0..orders {
            id += 1;
            let _ = k;
            paid_order(&t, id, &format!("c{c}"), &format!("{}.00", 50 + c)).await;
            clock.advance(if c % 2 == 0 { 9 * DAY } else { DAY });
        }
    }
    adjust(&t, "gift", "no-orders", 70).await;
    clock.advance(60 * DAY);
    let v: Value = get(ADMIN).await?.json().await?;
    let f = &v["forecast"];
    let total = &f["total"];
    let outstanding = total["outstanding"].as_i64().unwrap_or(0);
    let mut expected = 0;
    for c in 0..30u64 {
        expected += me(&t, &clock, &format!("c{c}")).await["spendable"].as_i64().unwrap_or(0);
    }
    assert_eq!(outstanding, expected);
    let (redeemed, breakage) = (total["expectedRedeemed"].as_f64().unwrap_or(-1.0), total["expectedBreakage"].as_f64().unwrap_or(-1.0));
    assert!(redeemed > 0.0 && breakage > 0.0 && (redeemed + breakage - outstanding as f64).abs() < 1e-6, "{v}");
    // The best fixed-amount reward prices a point: 10.00 for 500 points.
    assert_eq!(f["valuePerPoint"], 0.02);
    assert!((total["breakageValue"].as_f64().unwrap_or(0.0) - breakage * 0.02).abs() < 1e-9);
    assert_eq!((f["unmodelled"]["customers"].as_i64(), f["unmodelled"]["outstanding"].as_i64()), (Some(1), Some(70)));
    let tier_sum: i64 = f["tiers"].as_array().map(|a| a.iter().map(|l| l["outstanding"].as_i64().unwrap_or(0)).sum()).unwrap_or(0);
    assert_eq!(tier_sum, outstanding);
    assert_eq!(f["model"]["customers"], 30);
    let db = t.stop().await;
    // The command line prints the same outstanding points from the database.
    let dir = temp_path("liability", "");
    std::fs::create_dir_all(&dir)?;
    let config_path = dir.join("config.json");
    let mut extra = rewards_config("http://127.0.0.1:9/hooks");
    extra["rewards"][0]["amount"] = json!("10.00");
    std::fs::write(&config_path, config(extra).to_string())?;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rapport-server"))
        .args(["--liability", "demo", "--db", &db.target]).arg("--config").arg(&config_path).output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(printed["forecast"]["total"]["outstanding"], outstanding);
    Ok(())
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reward_redemptions_never_overdraw(db: Backend) -> TestResult {
    let (t, clock) = start(&db, rewards_config("http://127.0.0.1:9/hooks")).await;
    adjust(&t, "a1", "c1", 1000).await;
    let token = token("c1", &clock);
    let mut tasks = Vec::new();
    for i in 0..30 {
        let client = reqwest::Client::new();
        let url = t.url("/v1/sites/demo/loyalty/reward-redemptions");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let resp = client.post(url).bearer_auth(token).json(&json!({"id": format!("r{i}"), "reward": "ship"})).send().await?;
            let status = resp.status().as_u16();
            let body: Value = resp.json().await?;
            Ok::<_, reqwest::Error>((status, body["code"].as_str().map(str::to_owned)))
        }));
    }
    let mut codes = Vec::new();
    let mut refused = 0;
    for task in tasks {
        match task.await?? {
            (201, Some(code)) => codes.push(code),
            (409, _) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    // 1000 points buy three 300-point rewards, never a fourth.
    assert_eq!((codes.len(), refused), (3, 27));
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 3, "codes are unique");
    assert_eq!(me(&t, &clock, "c1").await["spendable"], 100);
    assert_eq!(t.server.store().loyalty().outbox_states("demo".into()).await?.len(), 3, "one event per code");
    t.stop().await;
    Ok(())
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_each_event_once(db: Backend) -> TestResult {
    let hook = Receiver::start(0).await;
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let cfg = config(rewards_config(&hook.url));
    let shared = db.fresh("two-outboxes").await;
    let a = TestServer::with_clock(cfg.clone(), shared.clone(), None, Some(dyn_clock.clone())).await;
    let b = TestServer::with_clock(cfg, shared, None, Some(dyn_clock)).await;
    adjust(&a, "a1", "c1", 3000).await;
    for i in 0..10 {
        let t = if i % 2 == 0 { &a } else { &b };
        assert_eq!(redeem_reward(t, &clock, "c1", &format!("r{i}"), "ship").await.0, 201);
    }
    wait_until(|| async { a.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s.len() == 10 && s.iter().all(|e| e.delivered_at.is_some())).unwrap_or(false) }).await;
    // Both workers polled throughout; a few more polls must not send anything again.
    tokio::time::sleep(POLL * 5).await;
    let mut ids: Vec<String> = hook.requests().iter().filter_map(|(h, _)| h.get("webhook-id").and_then(|v| v.to_str().ok()).map(str::to_owned)).collect();
    assert_eq!(ids.len(), 10, "{ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10, "each event sent once");
    a.stop().await;
    b.stop().await;
    Ok(())
}

}

fn rewards_config(url: &str) -> Value {
    let mut c = tiers();
    c["rewards"] = json!([
        {"id": "5-off", "kind": "fixedAmount", "points": 500, "amount": "5.00"},
        {"id": "pct", "kind": "percentage", "points": 1500, "percent": 10},
        {"id": "ship", "kind": "freeShipping", "points": 300},
        {"id": "mug", "kind": "freeProduct", "points": 100, "product": "sku-mug", "tier": "Gold"}]);
    c["outboundWebhook"] = json!({"url": url, "secret": WHSEC});
    c
}

async fn redeem_reward(
    t: &TestServer,
    clock: &FakeClock,
    sub: &str,
    id: &str,
    reward: &str,
) -> (u16, Value) {
    let resp = t
        .client
        .post(t.url("/v1/sites/demo/loyalty/reward-redemptions"))
        .bearer_auth(token(sub, clock))
        .json(&json!({"id": id, "reward": reward}))
        .send()
        .await
        .expect("sent");
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or_default(),
    )
}

async fn wait_until<F, Fut>(mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("condition not met within {:?}", POLL * 100);
}

type Seen = Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, axum::body::Bytes)>>>;

/// A store's webhook endpoint on 127.0.0.1: records every request; answers 500 to the first
/// `failures`, then 200.
struct Receiver {
    url: String,
    seen: Seen,
}

impl Receiver {
    async fn start(failures: usize) -> Self {
        use axum::http::StatusCode;
        let seen: Seen = Arc::default();
        let state = (
            seen.clone(),
            Arc::new(std::sync::atomic::AtomicUsize::new(failures)),
        );
        let app = axum::Router::new()
            .route(
                "/hooks",
                axum::routing::post(
                    |axum::extract::State((seen, left)): axum::extract::State<(
                        Seen,
                        Arc<std::sync::atomic::AtomicUsize>,
                    )>,
                     headers: axum::http::HeaderMap,
                     body: axum::body::Bytes| async move {
                        if let Ok(mut s) = seen.lock() {
                            s.push((headers, body));
                        }
                        let fail = left
                            .fetch_update(
                                std::sync::atomic::Ordering::SeqCst,
                                std::sync::atomic::Ordering::SeqCst,
                                |n| n.checked_sub(1),
                            )
                            .is_ok();
                        if fail {
                            StatusCode::INTERNAL_SERVER_ERROR
                        } else {
                            StatusCode::OK
                        }
                    },
                ),
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hooks", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, seen }
    }

    fn requests(&self) -> Vec<(axum::http::HeaderMap, axum::body::Bytes)> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
