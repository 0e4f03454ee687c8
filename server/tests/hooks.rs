//! Outbound webhooks and alerts over real HTTP against real local receivers, on both
//! backends: endpoints managed by an owner (secret shown once, rotation, agents refused,
//! audit lines), every event signed per Standard Webhooks and verified by an independent
//! implementation (Node's `node:crypto`, `fixtures/verify-standard-webhooks.mjs`), retries
//! on 5xx with the backoff and giving up after the last attempt (a fake clock moves time),
//! the send test, the instant detractor alert to a Slack-compatible receiver (shopper text
//! escaped), points and tier events from orders, and the daily digest sent once with two
//! instances.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::console::*;
use common::*;
use rapport_server::clock::{Clock, FakeClock, SystemClock};
use rapport_server::hooks::retry;
use rapport_server::loyalty::signature::hmac_base64;
use serde_json::{json, Value};

const DAY: i64 = 86_400_000;
const SHOPIFY: &str = "shpss_test_app_secret";

type Seen = Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>;

/// A webhook or Slack-compatible receiver on 127.0.0.1: records every request and answers
/// 500 to the first `failures`, then 200.
struct Receiver {
    url: String,
    seen: Seen,
}

impl Receiver {
    async fn start(failures: usize) -> Self {
        use axum::http::StatusCode;
        let seen: Seen = Arc::default();
        let state = (seen.clone(), Arc::new(AtomicUsize::new(failures)));
        let app = axum::Router::new()
            .route(
                "/in",
                axum::routing::post(
                    |axum::extract::State((seen, left)): axum::extract::State<(
                        Seen,
                        Arc<AtomicUsize>,
                    )>,
                     headers: axum::http::HeaderMap,
                     body: String| async move {
                        if let Ok(mut s) = seen.lock() {
                            s.push((headers, body));
                        }
                        let fail = left
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        match fail {
                            true => StatusCode::INTERNAL_SERVER_ERROR,
                            false => StatusCode::OK,
                        }
                    },
                ),
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/in", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, seen }
    }

    fn requests(&self) -> Vec<(axum::http::HeaderMap, String)> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Bodies received, as JSON.
    fn bodies(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .map(|(_, b)| serde_json::from_str(b).unwrap_or(Value::Null))
            .collect()
    }

    fn types(&self) -> Vec<String> {
        let mut t: Vec<String> = self
            .bodies()
            .iter()
            .map(|b| b["type"].as_str().unwrap_or("").to_owned())
            .collect();
        t.sort();
        t
    }
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 15 s");
}

/// Verifies each request's Standard Webhooks signature with Node's `node:crypto`.
fn verify_with_node(secret: &str, requests: &[(axum::http::HeaderMap, String)]) -> Vec<bool> {
    let header = |h: &axum::http::HeaderMap, n: &str| {
        h.get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let messages: Vec<Value> = requests
        .iter()
        .map(|(h, body)| {
            json!({"id": header(h, "webhook-id"), "timestamp": header(h, "webhook-timestamp"),
                   "signature": header(h, "webhook-signature"), "body": body})
        })
        .collect();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/verify-standard-webhooks.mjs"
    );
    let mut child = Command::new("node")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (the verifier is independent of the collector's code)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(
            json!({"secret": secret, "messages": messages})
                .to_string()
                .as_bytes(),
        )
        .expect("written");
    let out = child.wait_with_output().expect("node finished");
    assert!(out.status.success(), "node verifier failed");
    serde_json::from_slice(&out.stdout).expect("a JSON array of booleans")
}

async fn server(db: &TestDb, config: Value, clock: Arc<FakeClock>) -> TestServer {
    let clock: Arc<dyn Clock> = clock;
    TestServer::with_clock(config, db.clone(), None, Some(clock)).await
}

fn now() -> i64 {
    SystemClock.now_millis()
}

async fn create(t: &TestServer, s: &Session, url: &str, events: &[&str]) -> (String, String) {
    let (status, v) = s
        .json(
            t,
            reqwest::Method::POST,
            "/admin/api/webhooks",
            Some(json!({"site": "demo", "url": url, "events": events})),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let secret = v["secret"]
        .as_str()
        .expect("the secret, shown once")
        .to_owned();
    assert!(secret.starts_with("whsec_"));
    (v["webhook"]["id"].as_str().expect("id").to_owned(), secret)
}

async fn log(t: &TestServer, s: &Session, id: &str) -> Vec<Value> {
    let (status, v) = s
        .json(
            t,
            reqwest::Method::GET,
            &format!("/admin/api/webhooks/{id}/deliveries"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    v["deliveries"].as_array().cloned().unwrap_or_default()
}

fn response(id: &str, nps: i64, comment: &str) -> Value {
    json!({"id": id, "site": "demo", "survey": "post-purchase",
           "answers": [{"question": "nps", "value": nps}, {"question": "comment", "value": comment}]})
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_signed_fanned_out_and_logged(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(now()));
    let t = server(&db.fresh("hooks").await, fixture(), clock.clone()).await;
    let s = owner(&t).await;
    let a = Receiver::start(0).await;
    let b = Receiver::start(0).await;
    let (a_id, a_secret) = create(&t, &s, &a.url, &["response.created", "response.detractor"]).await;
    let (_, _) = create(&t, &s, &b.url, &["response.detractor"]).await;
    // The secret is never shown again.
    let (status, list) = s.json(&t, reqwest::Method::GET, "/admin/api/webhooks", None).await;
    assert_eq!(status, 200);
    assert_eq!(list["webhooks"].as_array().map(Vec::len), Some(2));
    assert!(!list.to_string().contains("whsec_"), "{list}");
    // A promoter and a detractor; a partial state first, completed later: one event each.
    assert_eq!(t.post(&response("r-promoter", 10, "great")).await.status(), 201);
    let mut partial = response("r-detractor", 2, "slow & <b>late</b>");
    partial["partial"] = json!(true);
    assert_eq!(t.post(&partial).await.status(), 201);
    assert_eq!(t.post(&response("r-detractor", 2, "slow & <b>late</b>")).await.status(), 200);
    assert_eq!(t.post(&response("r-detractor", 2, "slow & <b>late</b>")).await.status(), 200);
    wait_until("three events at a, one at b", || async { a.requests().len() >= 3 && !b.requests().is_empty() }).await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(a.types(), ["response.created", "response.created", "response.detractor"]);
    assert_eq!(b.types(), ["response.detractor"]);
    let detractor = a.bodies().into_iter().find(|v| v["type"] == "response.detractor").unwrap_or_default();
    assert_eq!(detractor["data"]["response"], "r-detractor");
    assert_eq!(detractor["data"]["band"], "detractor");
    assert_eq!(detractor["data"]["answers"][1]["value"], "slow & <b>late</b>");
    // Every signature verifies with an independent implementation; a tampered body does not.
    let mut requests = a.requests();
    assert_eq!(verify_with_node(&a_secret, &requests), [true, true, true]);
    requests[0].1.push(' ');
    assert_eq!(verify_with_node(&a_secret, &requests[..1]), [false]);
    // The delivery log.
    let lines = log(&t, &s, &a_id).await;
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert_eq!((l["attempts"].as_i64(), l["statusCode"].as_i64(), l["gaveUp"].as_bool()), (Some(1), Some(200), Some(false)), "{l}");
        assert!(l["deliveredAt"].is_i64() && l["nextAttemptAt"].is_null(), "{l}");
    }
    // Rotation: a new secret, shown once; later events are signed with it.
    let (status, v) = s.json(&t, reqwest::Method::PATCH, &format!("/admin/api/webhooks/{a_id}"), Some(json!({"rotateSecret": true}))).await;
    assert_eq!(status, 200, "{v}");
    let rotated = v["secret"].as_str().unwrap_or_default().to_owned();
    assert!(rotated.starts_with("whsec_") && rotated != a_secret);
    assert_eq!(t.post(&response("r-3", 9, "ok")).await.status(), 201);
    wait_until("the fourth event", || async { a.requests().len() >= 4 }).await;
    let last = a.requests().split_off(3);
    assert_eq!(verify_with_node(&rotated, &last), [true]);
    assert_eq!(verify_with_node(&a_secret, &last), [false]);
    // Disabled endpoints receive nothing new; deleting removes the endpoint.
    let (status, _) = s.json(&t, reqwest::Method::PATCH, &format!("/admin/api/webhooks/{a_id}"), Some(json!({"enabled": false}))).await;
    assert_eq!(status, 200);
    assert_eq!(t.post(&response("r-4", 9, "ok")).await.status(), 201);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(a.requests().len(), 4);
    let resp = s.req(&t, reqwest::Method::DELETE, &format!("/admin/api/webhooks/{a_id}")).send().await?;
    assert_eq!(resp.status(), 204);
    let (status, _) = s.json(&t, reqwest::Method::GET, &format!("/admin/api/webhooks/{a_id}/deliveries"), None).await;
    assert_eq!(status, 404);
    // Audit lines for each change.
    let (_, audit) = s.json(&t, reqwest::Method::GET, "/admin/api/audit?limit=200", None).await;
    let actions: Vec<&str> = audit["entries"].as_array().map(|e| e.iter().filter_map(|x| x["action"].as_str()).collect()).unwrap_or_default();
    for a in ["webhook_created", "webhook_secret_rotated", "webhook_updated", "webhook_deleted"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_rules_roles_and_csrf(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(now()));
    let t = server(&db.fresh("hooks_rules").await, fixture(), clock).await;
    let s = owner(&t).await;
    for (body, field) in [
        (json!({"site": "demo", "url": "http://hooks.example/x", "events": ["response.created"]}), "url"),
        (json!({"site": "demo", "url": "https://hooks.example/x", "events": []}), "events"),
        (json!({"site": "demo", "url": "https://hooks.example/x", "events": ["nope"]}), "events[0]"),
        (json!({"site": "demo", "url": "https://hooks.example/x", "events": ["tier.changed"], "x": 1}), "body"),
    ] {
        let resp = s.req(&t, reqwest::Method::POST, "/admin/api/webhooks").json(&body).send().await?;
        let (status, _, f) = error_of(resp).await;
        assert_eq!((status, f.as_str()), (400, field), "{body}");
    }
    let resp = s.req(&t, reqwest::Method::POST, "/admin/api/webhooks")
        .json(&json!({"site": "nope", "url": "https://hooks.example/x", "events": ["tier.changed"]})).send().await?;
    assert_eq!(error_of(resp).await.0, 404);
    // The OpenAPI document states the collector's own URL rule.
    let doc: Value = t.client.get(t.url("/v1/openapi.json")).send().await?.json().await?;
    let documented = &doc["paths"]["/admin/api/webhooks"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["url"]["pattern"];
    assert_eq!(documented.as_str(), Some(rapport_server::hooks::endpoint::URL_PATTERN));
    // Without the CSRF token, or signed out: refused.
    let resp = t.client.post(t.url("/admin/api/webhooks"))
        .header("cookie", format!("rapport_console={}", s.id))
        .json(&json!({"site": "demo", "url": "https://hooks.example/x", "events": ["tier.changed"]})).send().await?;
    assert_eq!(resp.status(), 403);
    assert_eq!(t.client.get(t.url("/admin/api/webhooks")).send().await?.status(), 401);
    // Agents may not manage webhooks or alerts.
    let (status, _) = s.json(&t, reqwest::Method::POST, "/admin/api/users", Some(json!({"email": "agent@shop.example", "password": "agent password 1234"}))).await;
    assert_eq!(status, 201);
    let agent = sign_in(&t, "agent@shop.example", "agent password 1234").await;
    assert_eq!(agent.json(&t, reqwest::Method::GET, "/admin/api/webhooks", None).await.0, 403);
    assert_eq!(agent.json(&t, reqwest::Method::GET, "/admin/api/sites/demo/alerts", None).await.0, 403);
    // Alert settings: checked, saved, read back.
    let (status, v) = s.json(&t, reqwest::Method::PUT, "/admin/api/sites/demo/alerts",
        Some(json!({"slackUrl": "http://slack.example/x", "instantDetractor": true, "digest": {"enabled": true, "hourUtc": 8}}))).await;
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("slackUrl")));
    let (status, v) = s.json(&t, reqwest::Method::PUT, "/admin/api/sites/demo/alerts",
        Some(json!({"slackUrl": "https://hooks.slack.example/T/B/x", "instantDetractor": true, "digest": {"enabled": true, "hourUtc": 24}}))).await;
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("digest.hourUtc")));
    let (status, v) = s.json(&t, reqwest::Method::PUT, "/admin/api/sites/demo/alerts",
        Some(json!({"slackUrl": "https://hooks.slack.example/T/B/x", "instantDetractor": true, "digest": {"enabled": false, "hourUtc": 7.0}}))).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = s.json(&t, reqwest::Method::PUT, "/admin/api/sites/demo/alerts",
        Some(json!({"instantDetractor": true, "digest": {"enabled": false, "hourUtc": 7.5}}))).await;
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("digest.hourUtc")));
    let (_, v) = s.json(&t, reqwest::Method::GET, "/admin/api/sites/demo/alerts", None).await;
    assert_eq!(v, json!({"slackUrl": "https://hooks.slack.example/T/B/x", "instantDetractor": true, "digest": {"enabled": false, "hourUtc": 7}, "lastDigestDay": null}));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_on_5xx_and_gives_up_after_about_a_day(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(now()));
    let t = server(&db.fresh("hooks_retry").await, fixture(), clock.clone()).await;
    let s = owner(&t).await;
    let down = Receiver::start(usize::MAX).await;
    let flaky = Receiver::start(2).await;
    let (down_id, _) = create(&t, &s, &down.url, &["response.created"]).await;
    let (flaky_id, flaky_secret) = create(&t, &s, &flaky.url, &["response.created"]).await;
    assert_eq!(t.post(&response("r1", 9, "fine")).await.status(), 201);
    // Read from the store: a day of fake time ends the console session.
    let attempts = |id: String| {
        let t = &t;
        async move {
            let lines = t.server.store().hooks().deliveries(id, None, 1).await.expect("log");
            lines.first().map(|l| i64::from(l.attempts)).unwrap_or(0)
        }
    };
    wait_until("first attempts", || async { attempts(down_id.clone()).await == 1 && attempts(flaky_id.clone()).await == 1 }).await;
    let first = log(&t, &s, &down_id).await[0].clone();
    assert_eq!((first["statusCode"].as_i64(), first["gaveUp"].as_bool()), (Some(500), Some(false)), "{first}");
    assert!(first["error"].as_str().is_some_and(|e| e.contains("500")), "{first}");
    let next = first["nextAttemptAt"].as_i64().unwrap_or(0);
    assert_eq!(next - first["lastAttemptAt"].as_i64().unwrap_or(0), retry::FIRST_RETRY_MILLIS);
    // Not before its time…
    clock.advance(retry::FIRST_RETRY_MILLIS - 1_000);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(attempts(down_id.clone()).await, 1);
    // …then on the schedule until the last attempt.
    let start = clock.now_millis() - (retry::FIRST_RETRY_MILLIS - 1_000);
    clock.advance(1_000);
    for n in 2..=retry::MAX_ATTEMPTS {
        let n = i64::from(n);
        wait_until("the next attempt", || async { attempts(down_id.clone()).await == n }).await;
        if let Some(d) = retry::after(n as u32) {
            clock.advance(d);
        }
    }
    let s = sign_in(&t, OWNER, OWNER_PW).await;
    let last = log(&t, &s, &down_id).await[0].clone();
    assert_eq!((last["attempts"].as_i64(), last["gaveUp"].as_bool()), (Some(i64::from(retry::MAX_ATTEMPTS)), Some(true)), "{last}");
    assert!(last["nextAttemptAt"].is_null() && last["deliveredAt"].is_null(), "{last}");
    let span = last["lastAttemptAt"].as_i64().unwrap_or(0) - start;
    assert!((DAY..DAY + 3_600_000 + 60_000).contains(&span), "gave up after {span} ms");
    // Nothing more after giving up.
    clock.advance(DAY);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(down.requests().len(), retry::MAX_ATTEMPTS as usize);
    // The flaky endpoint got it on its third attempt, the same event id each time.
    let s = sign_in(&t, OWNER, OWNER_PW).await;
    let l = log(&t, &s, &flaky_id).await[0].clone();
    assert_eq!((l["attempts"].as_i64(), l["statusCode"].as_i64(), l["gaveUp"].as_bool()), (Some(3), Some(200), Some(false)), "{l}");
    let got = flaky.requests();
    assert_eq!(got.len(), 3);
    let ids: Vec<_> = got.iter().map(|(h, _)| h["webhook-id"].clone()).collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(verify_with_node(&flaky_secret, &got), [true, true, true]);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_test_answers_what_the_endpoint_said(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(now()));
    let t = server(&db.fresh("hooks_test").await, fixture(), clock).await;
    let s = owner(&t).await;
    let up = Receiver::start(0).await;
    let (id, secret) = create(&t, &s, &up.url, &["tier.changed"]).await;
    let (status, v) = s.json(&t, reqwest::Method::POST, &format!("/admin/api/webhooks/{id}/test"), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["delivered"].as_bool(), v["statusCode"].as_i64()), (Some(true), Some(200)), "{v}");
    assert_eq!(up.types(), ["webhook.test"]);
    assert_eq!(verify_with_node(&secret, &up.requests()), [true]);
    assert_eq!(up.requests()[0].0["webhook-id"].to_str()?, v["eventId"].as_str().unwrap_or("?"));
    let lines = log(&t, &s, &id).await;
    assert_eq!((lines.len(), lines[0]["type"].as_str()), (1, Some("webhook.test")));
    // A closed port: not delivered, the reason given, logged as failed.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/in", closed.local_addr()?);
    drop(closed);
    let (down, _) = create(&t, &s, &url, &["tier.changed"]).await;
    let (status, v) = s.json(&t, reqwest::Method::POST, &format!("/admin/api/webhooks/{down}/test"), None).await;
    assert_eq!(status, 200);
    assert_eq!((v["delivered"].as_bool(), v["statusCode"].as_i64()), (Some(false), None), "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("connect")), "{v}");
    assert_eq!(log(&t, &s, &down).await[0]["gaveUp"], true);
    let (status, _) = s.json(&t, reqwest::Method::POST, "/admin/api/webhooks/nope/test", None).await;
    assert_eq!(status, 404);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detractor_alert_reaches_slack_escaped(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(now()));
    let t = server(&db.fresh("hooks_slack").await, fixture(), clock).await;
    let s = owner(&t).await;
    let slack = Receiver::start(0).await;
    let (status, v) = s.json(&t, reqwest::Method::PUT, "/admin/api/sites/demo/alerts",
        Some(json!({"slackUrl": slack.url, "instantDetractor": true, "digest": {"enabled": false, "hourUtc": 8}}))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(t.post(&response("happy", 10, "love it")).await.status(), 201);
    assert_eq!(t.post(&response("sad", 3, "<!channel> refund me & <https://evil.example|click>")).await.status(), 201);
    wait_until("the alert", || async { !slack.requests().is_empty() }).await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let got = slack.requests();
    assert_eq!(got.len(), 1, "only the detractor alerts");
    assert!(got[0].0.get("webhook-signature").is_none());
    assert!(got[0].0["content-type"].to_str()?.starts_with("application/json"));
    let msg: Value = serde_json::from_str(&got[0].1)?;
    assert!(msg["text"].as_str().is_some_and(|t| t.starts_with("Detractor response")), "{msg}");
    let blocks = msg["blocks"].to_string();
    assert!(blocks.contains("&lt;!channel&gt; refund me &amp; &lt;https://evil.example|click&gt;"), "{blocks}");
    assert!(!got[0].1.contains("<!channel>") && !got[0].1.contains("<https://evil"), "{}", got[0].1);
    assert!(blocks.contains("How likely are you to recommend us?"), "{blocks}");
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_announce_points_and_tier_changes(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(now()));
    let mut config = fixture();
    config["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": "loyalty-test-secret-0123456789abcdef",
        "pointsPerUnit": 1, "returnWindowDays": 14,
        "webhooks": { "shopify": SHOPIFY },
        "tiers": { "basis": "points", "windowDays": 365, "levels": [
            { "name": "Bronze", "threshold": 0 }, { "name": "Silver", "threshold": 200, "multiplier": 1.5 } ] }
    });
    let t = server(&db.fresh("hooks_orders").await, config, clock).await;
    let s = owner(&t).await;
    let r = Receiver::start(0).await;
    let (_, secret) = create(&t, &s, &r.url, &["points.earned", "tier.changed"]).await;
    let body = json!({ "id": 1, "currency": "EUR", "subtotal_price": "250.00", "total_price": "250.00",
        "financial_status": "paid", "customer": { "id": "c1" } }).to_string();
    let resp = t.client.post(t.url("/v1/sites/demo/webhooks/shopify"))
        .header("x-shopify-topic", "orders/paid").header("x-shopify-webhook-id", "d1")
        .header("x-shopify-hmac-sha256", hmac_base64(SHOPIFY.as_bytes(), body.as_bytes()))
        .body(body).send().await?;
    assert_eq!(resp.status(), 200);
    wait_until("two events", || async { r.requests().len() >= 2 }).await;
    assert_eq!(r.types(), ["points.earned", "tier.changed"]);
    let bodies = r.bodies();
    let points = bodies.iter().find(|b| b["type"] == "points.earned").cloned().unwrap_or_default();
    assert_eq!((points["data"]["customer"].as_str(), points["data"]["points"].as_i64()), (Some("c1"), Some(250)), "{points}");
    let tier = bodies.iter().find(|b| b["type"] == "tier.changed").cloned().unwrap_or_default();
    assert_eq!(tier["data"], json!({"site": "demo", "customer": "c1", "from": "Bronze", "to": "Silver"}));
    assert_eq!(verify_with_node(&secret, &r.requests()), [true, true]);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_goes_out_once_a_day_with_two_instances(db: Backend) -> TestResult {
    // The collector stamps responses with the wall clock; the fake clock stands a day later,
    // so today's responses are "yesterday's" digest.
    let clock = Arc::new(FakeClock::new(now() + DAY));
    let test_db = db.fresh("hooks_digest").await;
    let a = server(&test_db, fixture(), clock.clone()).await;
    let b = server(&test_db, fixture(), clock.clone()).await;
    let s = owner(&a).await;
    let slack = Receiver::start(0).await;
    let hook = Receiver::start(0).await;
    let (_, secret) = create(&a, &s, &hook.url, &["alert.digest"]).await;
    assert_eq!(a.post(&response("d1", 10, "Shipping was fast")).await.status(), 201);
    assert_eq!(b.post(&response("d2", 2, "shipping broke the box, shipping!")).await.status(), 201);
    let (status, v) = s.json(&a, reqwest::Method::PUT, "/admin/api/sites/demo/alerts",
        Some(json!({"slackUrl": slack.url, "instantDetractor": false, "digest": {"enabled": true, "hourUtc": 0}}))).await;
    assert_eq!(status, 200, "{v}");
    wait_until("the digest", || async { !slack.requests().is_empty() && !hook.requests().is_empty() }).await;
    // Both instances poll every second: wait for several more rounds.
    tokio::time::sleep(std::time::Duration::from_millis(3_000)).await;
    assert_eq!(slack.requests().len(), 1);
    assert_eq!(hook.requests().len(), 1);
    let event = &hook.bodies()[0];
    assert_eq!(event["type"], "alert.digest");
    let day = rapport_server::clock::format_unix_millis(now())[..10].to_owned();
    assert_eq!((event["data"]["day"].as_str(), event["data"]["responses"].as_i64(), event["data"]["detractors"].as_i64()), (Some(day.as_str()), Some(2), Some(1)), "{event}");
    assert_eq!(event["data"]["nps"], 0.0);
    // The inbox's themes: once per answer, the bundled stop words left out.
    assert_eq!(event["data"]["themes"][0], json!({"theme": "shipping", "count": 2}));
    let themes = event["data"]["themes"].as_array().cloned().unwrap_or_default();
    assert!(themes.iter().all(|t| t["theme"] != "the" && t["theme"] != "was"), "{event}");
    assert_eq!(verify_with_node(&secret, &hook.requests()), [true]);
    let msg: Value = serde_json::from_str(&slack.requests()[0].1)?;
    assert!(msg["text"].as_str().is_some_and(|t| t.starts_with("Daily digest for demo")), "{msg}");
    let (_, v) = s.json(&a, reqwest::Method::GET, "/admin/api/sites/demo/alerts", None).await;
    assert_eq!(v["lastDigestDay"].as_str(), Some(day.as_str()));
    // The next day brings the next digest, once.
    clock.advance(DAY);
    wait_until("the next digest", || async { slack.requests().len() >= 2 }).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert_eq!(slack.requests().len(), 2);
    b.stop().await;
    a.stop().await;
    Ok(())
}
}
