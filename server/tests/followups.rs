//! Follow-ups and the holdout over real HTTP, on both backends: replying to an identified
//! shopper's response (CSRF, 422 for anonymous answers, text limits, the `followup.sent`
//! event in the outbox, the audit line), the shopper seeing it with the customer token
//! (only their own, words in their locale, seen and helpful idempotent, CORS), the
//! closed-loop rate, and the holdout (owner-only settings, reproducible assignment at
//! arrival, 409 without override, the override audited and left out of the results).

mod common;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use common::console::*;
use common::*;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::followup::assign;
use serde_json::{json, Value};

const SECRET: &str = "followup-test-secret-0123456789abcdef";
const AGENT: &str = "agent.smith@shop.example";
const AGENT_PW: &str = "agent password 1234";
const DAY: i64 = 86_400_000;

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET, "pointsPerUnit": 1 });
    c["console"] = json!({});
    c
}

async fn start(db: &Backend) -> (TestServer, Arc<FakeClock>) {
    // The fake clock starts at the real time: responses are stamped with the real one.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let clock = Arc::new(FakeClock::new(now));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t =
        TestServer::with_clock(config(), db.fresh("followups").await, None, Some(dyn_clock)).await;
    (t, clock)
}

fn token(sub: &str, clock: &FakeClock) -> String {
    customer_token(SECRET, sub, clock.now_millis())
}

/// The owner and an agent, signed in.
async fn users(t: &TestServer) -> (Session, Session) {
    let owner = owner(t).await;
    let resp = owner
        .req(t, reqwest::Method::POST, "/admin/api/users")
        .json(&json!({ "email": AGENT, "password": AGENT_PW, "role": "agent" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 201);
    let agent = sign_in(t, AGENT, AGENT_PW).await;
    (owner, agent)
}

async fn reply(s: &Session, t: &TestServer, id: &str, body: Value) -> reqwest::Response {
    s.req(
        t,
        reqwest::Method::POST,
        &format!("/admin/api/inbox/demo/{id}/followups"),
    )
    .json(&body)
    .send()
    .await
    .expect("sent")
}

async fn shopper(t: &TestServer, clock: &FakeClock, customer: &str, query: &str) -> Value {
    let resp = t
        .client
        .get(t.url(&format!("/v1/sites/demo/followups{query}")))
        .bearer_auth(token(customer, clock))
        .header("origin", ALLOWED)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["access-control-allow-origin"], ALLOWED);
    resp.json().await.expect("JSON")
}

async fn mark(
    t: &TestServer,
    clock: &FakeClock,
    customer: &str,
    id: &str,
    what: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = t
        .client
        .post(t.url(&format!("/v1/sites/demo/followups/{id}/{what}")))
        .bearer_auth(token(customer, clock));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("sent")
}

async fn audit_actions(t: &TestServer, owner: &Session) -> Vec<String> {
    let page = owner.get(t, "/admin/api/audit?limit=200").await;
    page["entries"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|e| e["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_reaches_the_shopper_and_is_counted(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let (owner, agent) = users(&t).await;
    identified_answer(&t, SECRET, "r-alice", 3, "<b>late</b> delivery", Some("alice")).await;
    identified_answer(&t, SECRET, "r-anon", 2, "bad", None).await;
    identified_answer(&t, SECRET, "r-bob", 10, "", Some("bob")).await;

    // Anonymous answers cannot be followed up; unknown ones are 404.
    let (status, code, field) = error_of(reply(&agent, &t, "r-anon", json!({"text": "Sorry"})).await).await;
    assert_eq!((status, code.as_str(), field.as_str()), (422, "not_reachable", "customer"));
    let (status, _, field) = error_of(reply(&agent, &t, "nope", json!({"text": "Sorry"})).await).await;
    assert_eq!((status, field.as_str()), (404, "id"));
    // Text limits, unknown members, and the CSRF token.
    for bad in [json!({"text": ""}), json!({"text": "   "}), json!({"text": "x".repeat(2001)}), json!({"text": 5})] {
        let (status, _, field) = error_of(reply(&agent, &t, "r-alice", bad).await).await;
        assert_eq!((status, field.as_str()), (400, "text"));
    }
    let (status, _, field) = error_of(reply(&agent, &t, "r-alice", json!({"text": "a", "cc": 1})).await).await;
    assert_eq!((status, field.as_str()), (400, "cc"));
    let no_csrf = t
        .client
        .post(t.url("/admin/api/inbox/demo/r-alice/followups"))
        .header("cookie", format!("rapport_console={}", agent.id))
        .json(&json!({"text": "hi"}))
        .send()
        .await?;
    assert_eq!(no_csrf.status(), 403);
    assert_eq!(t.server.store().loyalty().outbox_states("demo".into()).await?.len(), 0);

    // The agent replies: verbatim text (malicious text too), 2000 characters allowed.
    let text = format!("We re-shipped it. <script>x()</script> {}", "é".repeat(1950));
    let resp = reply(&agent, &t, "r-alice", json!({"text": text})).await;
    assert_eq!(resp.status(), 201);
    let sent: Value = resp.json().await?;
    assert_eq!(sent["text"], text.as_str());
    assert_eq!(sent["author"], AGENT);
    assert_eq!(sent["authorName"], "Agent");
    assert_eq!(sent["seenAt"], Value::Null);
    assert_eq!(sent["helpful"], Value::Null);
    let id = sent["id"].as_str().ok_or("id")?.to_owned();
    // followup.sent is queued in the outbox with it.
    let outbox = t.server.store().loyalty().outbox_states("demo".into()).await?;
    assert_eq!(outbox.len(), 1);
    assert!(outbox[0].event_id.starts_with("msg_"));
    if let Some(path) = t.db.sqlite_path() {
        let conn = rusqlite::Connection::open(path)?;
        let payload: String = conn.query_row(
            "SELECT payload FROM outbox WHERE json_extract(payload, '$.type') = 'followup.sent'",
            [],
            |r| r.get(0),
        )?;
        let event: Value = serde_json::from_str(&payload)?;
        assert_eq!(event["type"], "followup.sent");
        assert_eq!(event["data"]["customer"], "alice");
        assert_eq!(event["data"]["response"], "r-alice");
        assert_eq!(event["data"]["text"], text.as_str());
    }
    assert!(audit_actions(&t, &owner).await.contains(&"followup_sent".to_owned()));

    // The shopper sees it, quoted, with English words by default and German on request.
    let mine = shopper(&t, &clock, "alice", "").await;
    assert_eq!(mine["locale"], "en");
    assert_eq!(mine["words"]["youToldUs"], "You told us");
    let list = mine["followups"].as_array().ok_or("followups")?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["quote"], json!({"type": "text", "text": "<b>late</b> delivery"}));
    assert_eq!(list[0]["text"], text.as_str());
    assert_eq!(list[0]["author"], "Agent");
    assert!(!mine.to_string().contains(AGENT), "never the e-mail: {mine}");
    let de = shopper(&t, &clock, "alice", "?locale=de-AT").await;
    assert_eq!(de["words"]["yes"], "Ja");
    // Nobody else sees it or can mark it.
    assert_eq!(shopper(&t, &clock, "bob", "").await["followups"], json!([]));
    assert_eq!(mark(&t, &clock, "bob", &id, "seen", None).await.status(), 404);
    assert_eq!(mark(&t, &clock, "bob", &id, "helpful", Some(json!({"helpful": true}))).await.status(), 404);
    let no_token = t.client.get(t.url("/v1/sites/demo/followups")).send().await?;
    assert_eq!(no_token.status(), 401);

    // Seen once: the first time stays.
    let first: Value = mark(&t, &clock, "alice", &id, "seen", None).await.json().await?;
    assert_eq!(first["seen"], true);
    clock.advance(60_000);
    let again: Value = mark(&t, &clock, "alice", &id, "seen", None).await.json().await?;
    assert_eq!(again["seenAt"], first["seenAt"]);
    // Helpful: validated, idempotent, the last vote counts.
    let resp = mark(&t, &clock, "alice", &id, "helpful", Some(json!({"helpful": "yes"}))).await;
    assert_eq!(resp.status(), 400);
    for vote in [false, true, true] {
        let resp = mark(&t, &clock, "alice", &id, "helpful", Some(json!({"helpful": vote}))).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await?["helpful"], vote);
    }
    // The console shows it seen and helpful.
    let listed = agent.get(&t, "/admin/api/inbox/demo/r-alice/followups").await;
    assert_eq!(listed["followups"][0]["helpful"], true);
    assert!(listed["followups"][0]["seenAt"].is_i64());
    assert_eq!(listed["group"], Value::Null);
    // Seen and older than 14 days: no longer listed for the shopper.
    clock.advance(15 * DAY);
    assert_eq!(shopper(&t, &clock, "alice", "").await["followups"], json!([]));

    // Sessions end after 12 hours: sign in again.
    let agent = sign_in(&t, AGENT, AGENT_PW).await;
    // Closed loop: two detractors (one anonymous), one followed up, seen, helpful.
    let summary = agent.get(&t, "/admin/api/followups/summary?site=demo").await;
    assert_eq!(summary["detractors"], 2);
    assert_eq!(summary["followedUp"], 1);
    assert_eq!(summary["followedUpShare"], 0.5);
    assert_eq!(summary["seenShare"], 1.0);
    assert_eq!(summary["helpfulShare"], 1.0);
    assert!(summary["medianMs"].is_i64());
    let resp = agent
        .req(&t, reqwest::Method::GET, "/admin/api/followups/summary?site=demo&from=yesterday")
        .send()
        .await?;
    assert_eq!(resp.status(), 400);
    let resp = agent
        .req(&t, reqwest::Method::GET, "/admin/api/followups/summary?site=elsewhere")
        .send()
        .await?;
    assert_eq!(resp.status(), 404);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_is_reproducible_and_blocks_follow_ups(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let (owner, agent) = users(&t).await;
    let put = |s: &Session, body: Value| {
        s.req(&t, reqwest::Method::PUT, "/admin/api/sites/demo/holdout").json(&body).send()
    };
    assert_eq!(owner.get(&t, "/admin/api/sites/demo/holdout").await, json!({"enabled": false, "share": 0.2, "windowDays": 30}));
    let settings = json!({"enabled": true, "share": 0.5, "windowDays": 7});
    assert_eq!(put(&agent, settings.clone()).await?.status(), 403);
    for bad in [json!({"enabled": true, "share": 0.6, "windowDays": 7}), json!({"enabled": true, "share": 0.5, "windowDays": 400})] {
        assert_eq!(put(&owner, bad).await?.status(), 400);
    }
    // Before the holdout is on, nothing is assigned.
    identified_answer(&t, SECRET, "before", 1, "", Some("c-before")).await;
    let resp = put(&owner, settings.clone()).await?;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await?, settings);
    assert_eq!(agent.get(&t, "/admin/api/sites/demo/holdout").await, settings);
    assert!(audit_actions(&t, &owner).await.contains(&"holdout_changed".to_owned()));

    // 40 identified detractors, a promoter, and an anonymous detractor.
    let ids: Vec<String> = (0..40).map(|i| format!("d{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        identified_answer(&t, SECRET, id, (i % 7) as i64, "", Some(&format!("c{i}"))).await;
    }
    identified_answer(&t, SECRET, "promoter", 9, "", Some("c-p")).await;
    identified_answer(&t, SECRET, "anonymous", 0, "", None).await;
    let store = t.server.store().followups();
    let mut all = ids.clone();
    all.extend(["before", "promoter", "anonymous"].map(String::from));
    let groups = store.holdout_of("demo".into(), all).await?;
    assert_eq!(groups.len(), 40, "only identified detractors after the switch");
    // Reproducible: the stored seed gives the same groups.
    let (_, seed) = store.holdout("demo".into()).await?.ok_or("holdout settings")?;
    for (id, group, _) in &groups {
        assert_eq!(*group, assign::group(seed.as_bytes(), "demo", id, 0.5), "{id}");
    }
    // Changing the settings keeps the seed; a retried response keeps its group.
    put(&owner, settings.clone()).await?;
    assert_eq!(store.holdout("demo".into()).await?.map(|(_, s)| s), Some(seed.clone()));
    let held: Vec<&String> = groups.iter().filter(|(_, g, _)| *g == assign::Group::Holdout).map(|(id, _, _)| id).collect();
    let treated: Vec<&String> = groups.iter().filter(|(_, g, _)| *g == assign::Group::Treatment).map(|(id, _, _)| id).collect();
    assert!(!held.is_empty() && !treated.is_empty(), "{} held out", held.len());

    // A holdout response: the console knows, and a reply needs an override.
    let h = held[0].as_str();
    let listed = agent.get(&t, &format!("/admin/api/inbox/demo/{h}/followups")).await;
    assert_eq!((listed["group"].as_str(), listed["holdout"].as_bool()), (Some("holdout"), Some(true)));
    let (status, code, field) = error_of(reply(&agent, &t, h, json!({"text": "Sorry"})).await).await;
    assert_eq!((status, code.as_str(), field.as_str()), (409, "holdout", "override"));
    let resp = reply(&agent, &t, h, json!({"text": "Sorry", "override": true})).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.json::<Value>().await?["overridden"], true);
    assert!(audit_actions(&t, &owner).await.contains(&"followup_sent_override".to_owned()));
    let listed = agent.get(&t, &format!("/admin/api/inbox/demo/{h}/followups")).await;
    assert_eq!(listed["overridden"], true);
    // A treatment response is replied to without one.
    assert_eq!(reply(&agent, &t, treated[0], json!({"text": "Sorry"})).await.status(), 201);

    // Results: the override is left out; windows are not over yet, then they are.
    let r = agent.get(&t, "/admin/api/sites/demo/holdout/results").await;
    let n = |g: &str| r["comparison"]["repeat"][g]["n"].as_u64().unwrap_or(u64::MAX);
    assert_eq!(n("treatment") as usize, treated.len());
    assert_eq!(n("holdout") as usize, held.len() - 1);
    assert_eq!(r["excludedOverrides"], 1);
    assert_eq!(r["complete"], false);
    assert_eq!(r["pending"], 39);
    assert_eq!(r["comparison"]["repeat"]["difference"], 0.0);
    // No observed effect: no size; a stated minimum detectable effect gives one.
    assert_eq!(r["comparison"]["repeat"]["requiredPerGroup"], Value::Null);
    let stated = agent.get(&t, "/admin/api/sites/demo/holdout/results?minRateEffect=0.1").await;
    let expected = rapport_metrics::experiment::proportions::sample_size(0.1, 0.0, 0.95, 0.8);
    assert_eq!(stated["comparison"]["repeat"]["requiredPerGroup"].as_u64(), expected);
    for bad in ["minRateEffect=0", "minRateEffect=2", "minRevenueEffect=x"] {
        let resp = agent
            .req(&t, reqwest::Method::GET, &format!("/admin/api/sites/demo/holdout/results?{bad}"))
            .send()
            .await?;
        assert_eq!(resp.status(), 400, "{bad}");
    }
    clock.advance(8 * DAY);
    let agent = sign_in(&t, AGENT, AGENT_PW).await;
    let r = agent.get(&t, "/admin/api/sites/demo/holdout/results").await;
    assert_eq!(r["complete"], true);
    assert_eq!(r["settings"], settings);
    t.stop().await;
    Ok(())
}
}
