//! Loyalty over real HTTP, on both backends: customer tokens, signed order webhooks from
//! Shopify, WooCommerce and Standard Webhooks senders, the ledger's pending window with a
//! fake clock, refunds and cancellations, replays, and concurrent redemptions.

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::loyalty::signature::{hmac_base64, sign_standard, standard_key};
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "loyalty-test-secret-0123456789abcdef";
const SHOPIFY: &str = "shpss_test_app_secret";
const WOO: &str = "woo-webhook-secret";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// 2027-01-15T08:00:00Z.
const T0: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "pointsPerUnit": 1,
        "returnWindowDays": 14,
        "webhooks": { "shopify": SHOPIFY, "woocommerce": WOO, "standard": WHSEC }
    });
    c
}

async fn start(db: &Backend) -> (TestServer, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t =
        TestServer::with_clock(config(), db.fresh("loyalty").await, None, Some(dyn_clock)).await;
    (t, clock)
}

fn token(sub: &str, clock: &FakeClock) -> String {
    let claims = CustomerClaims::new(sub, "demo", clock.now_millis() / 1000, 600);
    mint(SECRET.as_bytes(), &claims).expect("mint")
}

async fn me(t: &TestServer, token: &str) -> reqwest::Response {
    t.client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
}

async fn balance(t: &TestServer, clock: &FakeClock, sub: &str) -> (i64, i64) {
    let resp = me(t, &token(sub, clock)).await;
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("json");
    (
        v["spendable"].as_i64().unwrap_or(i64::MIN),
        v["pending"].as_i64().unwrap_or(i64::MIN),
    )
}

/// Shopify's documented order shape (trimmed to the members read, plus a few others).
fn shopify_order(id: u64, customer: u64, subtotal: &str, status: &str) -> Value {
    json!({
        "id": id, "email": "jon@example.com", "currency": "USD",
        "created_at": "2027-01-15T08:00:00-05:00",
        "subtotal_price": subtotal, "total_price": "403.00", "total_tax": "11.94",
        "total_discounts": "0.00", "taxes_included": false, "financial_status": status,
        "cancelled_at": null,
        "customer": { "id": customer, "email": "jon@example.com", "first_name": "Jon" },
        "line_items": [{ "id": 866550311766439020u64, "price": "199.00", "quantity": 2 }],
        "shipping_lines": [{ "price": "5.00" }],
        "refunds": []
    })
}

async fn shopify(
    t: &TestServer,
    topic: &str,
    delivery: &str,
    body: &Value,
    key: &str,
) -> reqwest::Response {
    let text = body.to_string();
    t.client
        .post(t.url("/v1/sites/demo/webhooks/shopify"))
        .header("content-type", "application/json")
        .header("x-shopify-topic", topic)
        .header("x-shopify-webhook-id", delivery)
        .header(
            "x-shopify-hmac-sha256",
            hmac_base64(key.as_bytes(), text.as_bytes()),
        )
        .body(text)
        .send()
        .await
        .expect("sent")
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_verified(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    assert_eq!(me(&t, &token("c1", &clock)).await.status(), 200);
    let now = T0 / 1000;
    let forged = mint(b"not-the-site-secret-0123456789abcdef", &CustomerClaims::new("c1", "demo", now, 600))?;
    let expired = mint(SECRET.as_bytes(), &CustomerClaims::new("c1", "demo", now - 1000, 600))?;
    let other_site = mint(SECRET.as_bytes(), &CustomerClaims::new("c1", "other", now, 600))?;
    let alg_none = {
        use base64::Engine;
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}.", e.encode(r#"{"alg":"none"}"#), e.encode(format!(r#"{{"sub":"c1","site":"demo","iat":{now},"exp":{}}}"#, now + 60)))
    };
    for bad in [forged, expired, other_site, alg_none, "garbage".to_owned()] {
        let (status, code, field) = error_of(me(&t, &bad).await).await;
        assert_eq!((status, code.as_str(), field.as_str()), (401, "invalid_token", "authorization"), "{bad}");
    }
    let resp = t.client.get(t.url("/v1/sites/demo/loyalty/me")).send().await?;
    assert_eq!(resp.status(), 401);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_orders_earn_once_pend_then_refund(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let order = shopify_order(820982911946154508, 115310627314723954, "398.00", "pending");
    let created = shopify(&t, "orders/create", "d1", &order, SHOPIFY).await;
    assert_eq!(created.status(), 200);
    assert_eq!(balance(&t, &clock, "115310627314723954").await, (0, 0), "unpaid earns nothing");
    let paid = shopify_order(820982911946154508, 115310627314723954, "398.00", "paid");
    // A wrong signature is refused and credits nothing.
    let (status, code, field) = error_of(shopify(&t, "orders/paid", "d2", &paid, "wrong").await).await;
    assert_eq!((status, code.as_str(), field.as_str()), (401, "invalid_signature", "x-shopify-hmac-sha256"));
    assert_eq!(balance(&t, &clock, "115310627314723954").await, (0, 0));
    let body: Value = shopify(&t, "orders/paid", "d2", &paid, SHOPIFY).await.json().await?;
    assert_eq!(body, json!({"status": "applied", "entries": 1}));
    assert_eq!(balance(&t, &clock, "115310627314723954").await, (0, 398));
    // Replay of the delivery, and a new delivery of the same order: nothing more.
    let replay: Value = shopify(&t, "orders/paid", "d2", &paid, SHOPIFY).await.json().await?;
    assert_eq!(replay["status"], "duplicate");
    let again: Value = shopify(&t, "orders/paid", "d3", &paid, SHOPIFY).await.json().await?;
    assert_eq!(again, json!({"status": "applied", "entries": 0}));
    assert_eq!(t.server.store().loyalty().order_count("demo".into()).await?, 1);
    // A partial refund inside the window cancels pending points.
    let refund = json!({ "id": 509562969, "order_id": 820982911946154508u64,
        "refund_line_items": [{ "id": 1, "quantity": 1, "line_item_id": 866550311766439020u64, "subtotal": 199.0, "total_tax": 5.97 }],
        "transactions": [{ "amount": "204.97", "kind": "refund", "status": "success" }] });
    let r: Value = shopify(&t, "refunds/create", "d4", &refund, SHOPIFY).await.json().await?;
    assert_eq!(r["entries"], 1);
    assert_eq!(balance(&t, &clock, "115310627314723954").await, (0, 199));
    // After the window: spendable; a later refund reverses spendable points.
    clock.advance(14 * DAY + 1);
    assert_eq!(balance(&t, &clock, "115310627314723954").await, (199, 0));
    let rest = json!({ "id": 509562970, "order_id": 820982911946154508u64,
        "refund_line_items": [{ "id": 2, "quantity": 1, "subtotal": "199.00" }] });
    shopify(&t, "refunds/create", "d5", &rest, SHOPIFY).await;
    assert_eq!(balance(&t, &clock, "115310627314723954").await, (0, 0));
    // A refund of an order never seen: 409, and its retry is processed later.
    let orphan = json!({ "id": 1, "order_id": 42, "refund_line_items": [] });
    let (status, _, field) = error_of(shopify(&t, "refunds/create", "d6", &orphan, SHOPIFY).await).await;
    assert_eq!((status, field.as_str()), (409, "order_id"));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spent_points_then_reversal_goes_negative(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    shopify(&t, "orders/paid", "p1", &shopify_order(7, 9, "100.00", "paid"), SHOPIFY).await;
    clock.advance(15 * DAY);
    let redeem = t.client.post(t.url("/v1/sites/demo/loyalty/redemptions"))
        .bearer_auth(token("9", &clock)).json(&json!({"id": "r1", "points": 80})).send().await?;
    assert_eq!(redeem.status(), 201);
    let cancelled = json!({ "id": 7, "customer": {"id": 9}, "subtotal_price": "100.00", "financial_status": "paid", "cancelled_at": "2027-02-01T00:00:00Z" });
    shopify(&t, "orders/cancelled", "p2", &cancelled, SHOPIFY).await;
    assert_eq!(balance(&t, &clock, "9").await, (-80, 0));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_and_standard_webhooks(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    // WooCommerce's order shape: total 110 = 90 goods + 10 shipping + 10 tax.
    let order = json!({ "id": 727, "status": "processing", "currency": "USD", "customer_id": 25,
        "total": "110.00", "total_tax": "10.00", "shipping_total": "10.00", "discount_total": "0.00",
        "billing": {"email": "john.doe@example.com"}, "refunds": [] });
    let send = |body: Value, delivery: &'static str, key: &'static str| {
        let text = body.to_string();
        t.client.post(t.url("/v1/sites/demo/webhooks/woocommerce"))
            .header("x-wc-webhook-topic", "order.updated")
            .header("x-wc-webhook-delivery-id", delivery)
            .header("x-wc-webhook-signature", hmac_base64(key.as_bytes(), text.as_bytes()))
            .body(text).send()
    };
    assert_eq!(send(order.clone(), "w1", WOO).await?.status(), 200);
    assert_eq!(balance(&t, &clock, "25").await, (0, 90));
    assert_eq!(send(order.clone(), "w9", "bad").await?.status(), 401);
    let mut refunded = order.clone();
    refunded["refunds"] = json!([{ "id": 726, "reason": "", "total": "-55.00" }]);
    send(refunded.clone(), "w2", WOO).await?;
    assert_eq!(balance(&t, &clock, "25").await, (0, 45));
    refunded["status"] = json!("cancelled");
    send(refunded, "w3", WOO).await?;
    assert_eq!(balance(&t, &clock, "25").await, (0, 0));
    // A new webhook's ping (a signed form body) is answered and changes nothing; any other
    // body that is not JSON is a 400.
    let form = |text: &'static str| {
        t.client.post(t.url("/v1/sites/demo/webhooks/woocommerce"))
            .header("x-wc-webhook-signature", hmac_base64(WOO.as_bytes(), text.as_bytes()))
            .body(text).send()
    };
    let ping = form("webhook_id=12").await?;
    assert_eq!(ping.status(), 200);
    assert_eq!(ping.json::<Value>().await?["status"], "ignored");
    assert_eq!(form("order=1").await?.status(), 400);

    // Standard Webhooks: a fresh delivery is applied; stale and replayed ones are not.
    let key = standard_key(WHSEC)?;
    let body = json!({ "type": "order.paid", "timestamp": "2027-01-15T08:00:00Z",
        "data": { "id": "g-1", "customer": "c-7", "eligible": "12.50", "total": "15.00" } }).to_string();
    let post = |id: &'static str, ts: i64, body: String| {
        t.client.post(t.url("/v1/sites/demo/webhooks/standard"))
            .header("webhook-id", id).header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sign_standard(&key, id, ts, body.as_bytes()))
            .body(body).send()
    };
    let now = clock.now_millis() / 1000;
    let (status, code, field) = error_of(post("m0", now - 301, body.clone()).await?).await;
    assert_eq!((status, code.as_str(), field.as_str()), (401, "invalid_signature", "webhook-timestamp"));
    assert_eq!(balance(&t, &clock, "c-7").await, (0, 0));
    assert_eq!(post("m1", now, body.clone()).await?.json::<Value>().await?["entries"], 1);
    assert_eq!(post("m1", now, body.clone()).await?.json::<Value>().await?["status"], "duplicate");
    assert_eq!(balance(&t, &clock, "c-7").await, (0, 12));
    let bad = json!({ "type": "order.paid", "data": { "id": "g-2", "eligible": "x" } }).to_string();
    let (status, _, field) = error_of(post("m2", now, bad).await?).await;
    assert_eq!((status, field.as_str()), (400, "data.eligible"));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_redemptions_never_overdraw(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let adjust = t.client.post(t.url("/v1/sites/demo/loyalty/adjustments")).bearer_auth(ADMIN)
        .json(&json!({"id": "a1", "customer": "c1", "points": 50, "reason": "welcome", "actor": "ops@shop"}))
        .send().await?;
    assert_eq!(adjust.status(), 201);
    let (status, _, field) = error_of(t.client.post(t.url("/v1/sites/demo/loyalty/adjustments")).bearer_auth(ADMIN)
        .json(&json!({"id": "a2", "customer": "c1", "points": 0, "reason": "x", "actor": "y"})).send().await?).await;
    assert_eq!((status, field.as_str()), (400, "points"));
    let token = token("c1", &clock);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let client = reqwest::Client::new();
        let url = t.url("/v1/sites/demo/loyalty/redemptions");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client.post(url).bearer_auth(token).json(&json!({"id": format!("r{i}"), "points": 1}))
                .send().await.map(|r| r.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await??);
    }
    assert_eq!(statuses.iter().filter(|&&s| s == 201).count(), 50, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 409).count(), 50, "{statuses:?}");
    assert_eq!(balance(&t, &clock, "c1").await, (0, 0));
    let entries = t.server.store().loyalty().entries("demo".into(), "c1".into()).await?;
    assert_eq!(entries.len(), 51);
    t.stop().await;
    Ok(())
}
}
