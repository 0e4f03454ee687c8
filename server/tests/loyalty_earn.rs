//! Earning beyond orders, over real HTTP on both backends: survey answers posted with a
//! customer token (linked to the customer, credited once per survey per period, never on a
//! bad token or a partial response, over HTTP too), and referrals (codes from `loyalty/me`, the referee's
//! first order by webhook credits both sides once; self-referral, repeats, unknown codes
//! and returning shoppers are refused).

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::loyalty::answer::{AnswerDecision, AnswerRule};
use rapport_server::loyalty::signature::hmac_base64;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use rapport_server::store::AnswerCredit;
use serde_json::{json, Value};

const SECRET: &str = "loyalty-test-secret-0123456789abcdef";
const SHOPIFY: &str = "shpss_test_app_secret";
/// 2027-01-15T08:00:00Z.
const T0: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "returnWindowDays": 14,
        "webhooks": { "shopify": SHOPIFY },
        "surveyAnswer": { "points": 20, "periodDays": 30 },
        "referral": { "referrerPoints": 500, "refereePoints": 250,
                      "link": "https://shop.example/?ref={code}" }
    });
    c
}

async fn start(db: &Backend) -> (TestServer, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t = TestServer::with_clock(config(), db.fresh("earn").await, None, Some(dyn_clock)).await;
    (t, clock)
}

fn token_with(claims: CustomerClaims, secret: &str) -> String {
    mint(secret.as_bytes(), &claims).expect("mint")
}

fn token(sub: &str, clock: &FakeClock) -> String {
    token_with(
        CustomerClaims::new(sub, "demo", clock.now_millis() / 1000, 600),
        SECRET,
    )
}

async fn me(t: &TestServer, token: &str) -> Value {
    let resp = t
        .client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

async fn balance(t: &TestServer, clock: &FakeClock, sub: &str) -> (i64, i64) {
    let v = me(t, &token(sub, clock)).await;
    (
        v["spendable"].as_i64().unwrap_or(i64::MIN),
        v["pending"].as_i64().unwrap_or(i64::MIN),
    )
}

/// Posts a response; `bearer` goes in the Authorization header.
async fn answer(t: &TestServer, body: &Value, bearer: Option<&str>) -> (u16, Value) {
    let mut req = t
        .client
        .post(t.url("/v1/responses"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json receipt"))
}

/// The statuses of the referrals `sub` made, as `loyalty/me` lists them.
async fn referral_statuses(t: &TestServer, clock: &FakeClock, sub: &str) -> Vec<String> {
    let v = me(t, &token(sub, clock)).await;
    let listed = v["referral"]["referrals"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(listed.iter().all(|r| r["at"].is_string()), "{v}");
    listed
        .iter()
        .map(|r| r["status"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn exit_survey(id: &str) -> Value {
    json!({ "id": id, "site": "demo", "survey": "exit",
            "answers": [ { "question": "thumbs", "value": "up" } ] })
}

async fn shopify_paid(t: &TestServer, order: &Value, delivery: &str) -> Value {
    shopify(t, "orders/paid", order, delivery).await
}

async fn shopify(t: &TestServer, topic: &str, order: &Value, delivery: &str) -> Value {
    let text = order.to_string();
    t.client
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
        .expect("sent")
        .json()
        .await
        .expect("json")
}

fn order(id: u64, customer: &str, email: &str, referral: Option<&str>) -> Value {
    let mut o = json!({
        "id": id, "email": email, "currency": "USD", "subtotal_price": "100.00",
        "total_price": "110.00", "total_tax": "10.00", "financial_status": "paid",
        "customer": { "id": customer, "email": email }, "note_attributes": [], "discount_codes": []
    });
    if let Some(code) = referral {
        o["note_attributes"] = json!([{ "name": "rapport_referral", "value": code }]);
    }
    o
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identified_answers_are_linked_and_earn_once_per_period(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    // Header token: stored for c1, 20 points, spendable at once.
    let (status, receipt) = answer(&t, &valid("r1"), Some(&token("c1", &clock))).await;
    assert_eq!(status, 201);
    assert_eq!(receipt, json!({"id": "r1", "status": "stored", "customer": "c1", "points": 20, "loyalty": "credited"}));
    assert_eq!(balance(&t, &clock, "c1").await, (20, 0));
    // The retry of the same response: duplicate, the same 20 points reported, nothing new.
    let (status, receipt) = answer(&t, &valid("r1"), Some(&token("c1", &clock))).await;
    assert_eq!((status, &receipt["points"], &receipt["loyalty"]), (200, &json!(20), &json!("already_credited")));
    // Another response to the same survey within the period, token in the envelope.
    let mut second = valid("r2");
    second["token"] = json!(token("c1", &clock));
    let (status, receipt) = answer(&t, &second, None).await;
    assert_eq!((status, &receipt["points"], &receipt["loyalty"]), (201, &json!(0), &json!("too_soon")));
    // Another survey earns; the first survey earns again once the period has passed.
    let (_, receipt) = answer(&t, &exit_survey("r3"), Some(&token("c1", &clock))).await;
    assert_eq!(receipt["loyalty"], "credited");
    clock.advance(30 * DAY);
    let (_, receipt) = answer(&t, &valid("r4"), Some(&token("c1", &clock))).await;
    assert_eq!(receipt["loyalty"], "credited");
    assert_eq!(balance(&t, &clock, "c1").await, (60, 0));
    let activity = me(&t, &token("c1", &clock)).await["activity"].clone();
    assert_eq!(activity[0]["kind"], "answer");
    assert_eq!(activity[0]["source"], "r4");

    // A client-stated userId is not a customer; a forged, expired or foreign-site token is
    // stored anonymously and earns nothing.
    let now = clock.now_millis() / 1000;
    let forged = token_with(CustomerClaims::new("c1", "demo", now, 600), "not-the-site-secret-0123456789abcdef");
    let expired = token_with(CustomerClaims::new("c1", "demo", now - 1000, 600), SECRET);
    let foreign = token_with(CustomerClaims::new("c1", "other", now, 600), SECRET);
    for (i, bad) in [forged, expired, foreign, "garbage".to_owned()].iter().enumerate() {
        let (status, receipt) = answer(&t, &valid(&format!("bad{i}")), Some(bad)).await;
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(receipt, json!({"id": format!("bad{i}"), "status": "stored", "loyalty": "token_refused"}));
    }
    let (_, receipt) = answer(&t, &valid("anon"), None).await;
    assert_eq!(receipt, json!({"id": "anon", "status": "stored"}));
    // A response first stored anonymously earns nothing when retried with a valid token.
    let (status, receipt) = answer(&t, &valid("anon"), Some(&token("c9", &clock))).await;
    assert_eq!((status, &receipt["loyalty"], &receipt["points"]), (200, &json!("not_eligible"), &json!(0)));
    assert_eq!(balance(&t, &clock, "c9").await, (0, 0));
    assert_eq!(balance(&t, &clock, "c1").await, (60, 0));
    // A malformed envelope token is a 400 naming it.
    let mut bad = valid("bad-shape");
    bad["token"] = json!(5);
    let resp = t.post(&bad).await;
    assert_eq!(error_of(resp).await, (400, "invalid_field".to_owned(), "token".to_owned()));

    // Exports carry the customer (JSON and both CSV layouts), and never the token.
    let rows = t.export_json().await;
    let customer_of = |id: &str| rows.iter().find(|r| r["id"] == id).map(|r| r["customer"].clone());
    assert_eq!(customer_of("r1"), Some(json!("c1")));
    assert_eq!(customer_of("r2"), Some(json!("c1")));
    assert_eq!(customer_of("bad0"), Some(Value::Null));
    assert_eq!(customer_of("anon"), Some(Value::Null));
    assert!(rows.iter().all(|r| r.get("token").is_none()));
    for query in ["site=demo&format=csv", "site=demo&format=csv&rows=response"] {
        let text = t.export(query, Some(ADMIN)).await.text().await?;
        let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
        let col = header.iter().position(|h| *h == "customer").ok_or("no customer column")?;
        let r1 = text.lines().find(|l| l.starts_with("r1,")).ok_or("no r1 row")?;
        assert_eq!(r1.split(',').nth(col), Some("c1"), "{query}: {r1}");
        assert!(!text.contains("eyJ"), "a token leaked into the export");
    }
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_answers_earn_once_and_partial_never(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let token = token("c2", &clock);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = reqwest::Client::new();
        let url = t.url("/v1/responses");
        let token = token.clone();
        let body = exit_survey(&format!("c{i}")).to_string();
        tasks.push(tokio::spawn(async move {
            let resp = client.post(url).bearer_auth(token).header("content-type", "application/json")
                .body(body).send().await?;
            resp.json::<Value>().await
        }));
    }
    let mut credited = Vec::new();
    let mut too_soon = Vec::new();
    for task in tasks {
        let receipt = task.await??;
        let id = receipt["id"].as_str().unwrap_or_default().to_owned();
        match receipt["loyalty"].as_str() {
            Some("credited") => credited.push(id),
            Some("too_soon") => too_soon.push(id),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((credited.len(), too_soon.len()), (1, 19));
    assert_eq!(balance(&t, &clock, "c2").await, (20, 0));
    // A partial response earns nothing, through the store's own check; the complete
    // delivery of the same response then does (over HTTP: see
    // `a_partial_response_earns_only_once_completed`).
    clock.advance(31 * DAY);
    let store = t.server.store();
    let credit = |id: &str, partial: bool| AnswerCredit {
        site: "demo".into(), customer: "c2".into(), survey: "exit".into(),
        response_id: id.into(), partial, rule: AnswerRule { points: 20, period_days: 30 },
    };
    let uncredited = too_soon[0].as_str();
    let partial = store.loyalty().credit_answer(credit(uncredited, true), clock.now_millis()).await?;
    assert_eq!((partial.decision, partial.points), (AnswerDecision::NotEligible("partial"), 0));
    assert_eq!(balance(&t, &clock, "c2").await, (20, 0));
    let complete = store.loyalty().credit_answer(credit(uncredited, false), clock.now_millis()).await?;
    assert_eq!((complete.decision, complete.points), (AnswerDecision::Credit(20), 20));
    assert_eq!(balance(&t, &clock, "c2").await, (40, 0));
    // The old token has expired by now: stored anonymously, nothing earned.
    let (_, receipt) = answer(&t, &valid("late"), Some(&token)).await;
    assert_eq!(receipt["loyalty"], "token_refused");
    // A row stored anonymously is never credited to a customer.
    let stranger = store.loyalty().credit_answer(credit("late", false), clock.now_millis()).await?;
    assert_eq!(stranger.decision, AnswerDecision::NotEligible("not stored for this customer"));
    assert_eq!(balance(&t, &clock, "c2").await, (40, 0));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_response_earns_only_once_completed(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let first = json!([{ "question": "nps", "value": 9 }]);
    let partial = |id: &str| {
        let mut body = valid(id);
        body["answers"] = first.clone();
        body["partial"] = json!(true);
        body
    };
    // The partial state, with a valid token: stored linked to c3, no points.
    let (status, receipt) = answer(&t, &partial("p1"), Some(&token("c3", &clock))).await;
    assert_eq!(status, 201);
    assert_eq!(
        receipt,
        json!({"id": "p1", "status": "stored", "customer": "c3", "points": 0, "loyalty": "partial"})
    );
    assert_eq!(balance(&t, &clock, "c3").await, (0, 0));
    let export = t.export_json().await;
    let row = export.iter().find(|r| r["id"] == "p1").cloned().unwrap_or_default();
    assert_eq!((&row["partial"], &row["customer"]), (&json!(true), &json!("c3")));
    // Its retry still earns nothing.
    let (_, receipt) = answer(&t, &partial("p1"), Some(&token("c3", &clock))).await;
    assert_eq!((&receipt["status"], &receipt["loyalty"]), (&json!("duplicate"), &json!("partial")));
    assert_eq!(balance(&t, &clock, "c3").await, (0, 0));
    // The complete response under the same id replaces it and earns.
    let (status, receipt) = answer(&t, &valid("p1"), Some(&token("c3", &clock))).await;
    assert_eq!(status, 200);
    assert_eq!(
        receipt,
        json!({"id": "p1", "status": "updated", "customer": "c3", "points": 20, "loyalty": "credited"})
    );
    assert_eq!(balance(&t, &clock, "c3").await, (20, 0));
    let export = t.export_json().await;
    let row = export.iter().find(|r| r["id"] == "p1").cloned().unwrap_or_default();
    assert_eq!((&row["partial"], &row["customer"]), (&json!(false), &json!("c3")));
    // A partial state linked to c4 completed without a token (it expired meanwhile): the
    // verified link stays, and the anonymous delivery earns nothing.
    let (_, receipt) = answer(&t, &partial("p2"), Some(&token("c4", &clock))).await;
    assert_eq!(receipt["loyalty"], "partial");
    let (status, receipt) = answer(&t, &valid("p2"), None).await;
    assert_eq!((status, receipt), (200, json!({"id": "p2", "status": "updated"})));
    let export = t.export_json().await;
    let row = export.iter().find(|r| r["id"] == "p2").cloned().unwrap_or_default();
    assert_eq!((&row["partial"], &row["customer"]), (&json!(false), &json!("c4")));
    assert_eq!(balance(&t, &clock, "c4").await, (0, 0));
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referrals_credit_a_first_order_once_and_refuse_abuse(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let mut alice_claims = CustomerClaims::new("alice", "demo", clock.now_millis() / 1000, 600);
    alice_claims.email = Some("alice@shop.example".into());
    let alice = me(&t, &token_with(alice_claims, SECRET)).await;
    let code = alice["referral"]["code"].as_str().ok_or("no code")?.to_owned();
    assert_eq!(code.len(), 16);
    assert_eq!(alice["referral"]["link"], format!("https://shop.example/?ref={code}"));
    // Deterministic per customer, different between customers.
    assert_eq!(me(&t, &token("alice", &clock)).await["referral"]["code"], code.as_str());
    assert_ne!(me(&t, &token("zed", &clock)).await["referral"]["code"], code.as_str());

    // Bob's first order, arriving with Alice's code: both credited, pending with the order.
    let first = shopify_paid(&t, &order(1001, "bob", "bob@shop.example", Some(&code)), "d1").await;
    assert_eq!(first, json!({"status": "applied", "entries": 3, "referral": "credited"}));
    assert_eq!(balance(&t, &clock, "bob").await, (0, 100 + 250));
    assert_eq!(balance(&t, &clock, "alice").await, (0, 500));
    // The same order again (a new delivery): nothing more.
    let again = shopify_paid(&t, &order(1001, "bob", "bob@shop.example", Some(&code)), "d2").await;
    assert_eq!(again, json!({"status": "applied", "entries": 0}));
    // Bob again, on a later order: a repeat referral of the same shopper.
    let repeat = shopify_paid(&t, &order(1002, "bob", "bob@shop.example", Some(&code)), "d3").await;
    assert_eq!(repeat["referral"], "repeat_referral");
    // The same shopper under a new account (same e-mail, normalised): a repeat too.
    let alias = shopify_paid(&t, &order(1003, "bob-2", "Bob+new@Shop.example", Some(&code)), "d4").await;
    assert_eq!(alias["referral"], "repeat_referral");
    // Alice with her own code, by id and by e-mail under another account.
    let own = shopify_paid(&t, &order(1004, "alice", "alice@shop.example", Some(&code)), "d5").await;
    assert_eq!(own["referral"], "self_referral");
    let own_email = shopify_paid(&t, &order(1005, "alice-2", "ALICE+x@shop.example", Some(&code)), "d6").await;
    assert_eq!(own_email["referral"], "self_referral");
    // A code nobody has.
    let unknown = shopify_paid(&t, &order(1006, "carol", "carol@shop.example", Some("AAAAAAAAAAAAAAAA")), "d7").await;
    assert_eq!(unknown["referral"], "unknown_code");
    // A returning shopper is not a referral.
    shopify_paid(&t, &order(1007, "dave", "dave@shop.example", None), "d8").await;
    let returning = shopify_paid(&t, &order(1008, "dave", "dave@shop.example", Some(&code)), "d9").await;
    assert_eq!(returning["referral"], "not_first_order");
    // The code as a discount code (Shopify compares them case-insensitively).
    let mut erin = order(1009, "erin", "erin@shop.example", None);
    erin["discount_codes"] = json!([{ "code": code.to_lowercase(), "amount": "5.00", "type": "fixed_amount" }]);
    assert_eq!(shopify_paid(&t, &erin, "d10").await["referral"], "credited");

    assert_eq!(balance(&t, &clock, "alice").await, (0, 500 + 100 + 500), "two referrals, her own order");
    for nobody in ["bob-2", "alice-2", "carol"] {
        assert_eq!(balance(&t, &clock, nobody).await, (0, 100), "{nobody}: order points only");
    }
    clock.advance(14 * DAY + 1);
    assert_eq!(balance(&t, &clock, "alice").await, (1000 + 100, 0));
    assert_eq!(balance(&t, &clock, "bob").await, (100 + 250 + 100, 0));
    let kinds: Vec<String> = t.server.store().loyalty().entries("demo".into(), "alice".into()).await?
        .iter().map(|e| format!("{}:{}", e.kind.as_str(), e.source_id)).collect();
    assert_eq!(kinds, ["referral:shopify:1001:referrer", "order:shopify:1004", "referral:shopify:1009:referrer"]);
    t.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voided_first_order_takes_the_referral_back(db: Backend) -> TestResult {
    let (t, clock) = start(&db).await;
    let code = me(&t, &token("alice", &clock)).await["referral"]["code"].as_str().ok_or("no code")?.to_owned();
    let full_refund = |id: u64, order: u64, amount: &str| json!({ "id": id, "order_id": order,
        "refund_line_items": [{ "quantity": 1, "subtotal": amount }] });

    // Within the return window: Bob's first order is refunded in full. Both sides' credits
    // were pending and are cancelled; the answer says so, and a replay changes nothing.
    let first = shopify_paid(&t, &order(2001, "bob", "bob@shop.example", Some(&code)), "d1").await;
    assert_eq!(first["referral"], "credited");
    assert_eq!(balance(&t, &clock, "alice").await, (0, 500));
    clock.advance(3 * DAY);
    let refunded = shopify(&t, "refunds/create", &full_refund(71, 2001, "100.00"), "d2").await;
    assert_eq!(refunded, json!({"status": "applied", "entries": 3, "referral": "reversed"}), "order, referrer, referee");
    assert_eq!(balance(&t, &clock, "alice").await, (0, 0));
    assert_eq!(balance(&t, &clock, "bob").await, (0, 0));
    let replay = shopify(&t, "refunds/create", &full_refund(71, 2001, "100.00"), "d3").await;
    assert_eq!(replay, json!({"status": "applied", "entries": 0}));
    // The referral says so where Alice sees her referrals.
    assert_eq!(referral_statuses(&t, &clock, "alice").await, ["reversed"]);
    let mut cancelled_too = order(2001, "bob", "bob@shop.example", Some(&code));
    cancelled_too["cancelled_at"] = json!("2027-01-19T08:00:00Z");
    assert_eq!(shopify(&t, "orders/cancelled", &cancelled_too, "d4").await, json!({"status": "applied", "entries": 0}));
    clock.advance(20 * DAY);
    assert_eq!(balance(&t, &clock, "alice").await, (0, 0), "nothing of it ever became spendable");
    // Bob was referred once: a later order with a code is a repeat, reversed or not.
    let later = shopify_paid(&t, &order(2009, "bob", "bob@shop.example", Some(&code)), "d9").await;
    assert_eq!(later["referral"], "repeat_referral");
    assert_eq!(balance(&t, &clock, "alice").await, (0, 0));

    // A partial refund leaves the referral standing: the order still converted.
    let carol = shopify_paid(&t, &order(2002, "carol", "carol@shop.example", Some(&code)), "d5").await;
    assert_eq!(carol["referral"], "credited");
    let partial = shopify(&t, "refunds/create", &full_refund(72, 2002, "40.00"), "d6").await;
    assert_eq!(partial, json!({"status": "applied", "entries": 1}));
    assert_eq!(referral_statuses(&t, &clock, "alice").await, ["reversed", "credited"]);

    // After the window: Dave's credits are spendable, Alice spends part of hers, then Dave's
    // order is cancelled. The credits are reversed from spendable points: Alice's balance
    // goes negative, as the documented rule says a reversal may.
    let dave = shopify_paid(&t, &order(2003, "dave", "dave@shop.example", Some(&code)), "d7").await;
    assert_eq!(dave["referral"], "credited");
    clock.advance(15 * DAY);
    assert_eq!(balance(&t, &clock, "alice").await, (1000, 0), "Carol's and Dave's referrals");
    assert_eq!(balance(&t, &clock, "dave").await, (100 + 250, 0));
    let spent = t.client.post(t.url("/v1/sites/demo/loyalty/redemptions")).bearer_auth(token("alice", &clock))
        .json(&json!({"id": "spend-1", "points": 800})).send().await?;
    assert_eq!(spent.status(), 201);
    let mut cancel = order(2003, "dave", "dave@shop.example", Some(&code));
    cancel["cancelled_at"] = json!("2027-02-20T08:00:00Z");
    let cancelled = shopify(&t, "orders/cancelled", &cancel, "d8").await;
    assert_eq!(cancelled, json!({"status": "applied", "entries": 3, "referral": "reversed"}));
    assert_eq!(referral_statuses(&t, &clock, "alice").await, ["reversed", "credited", "reversed"]);
    // The referred shoppers see no referrals of their own.
    assert_eq!(referral_statuses(&t, &clock, "dave").await, Vec::<String>::new());
    assert_eq!(balance(&t, &clock, "alice").await, (1000 - 800 - 500, 0));
    assert_eq!(balance(&t, &clock, "dave").await, (0, 0));
    let alice: Vec<(String, String, i64)> = t.server.store().loyalty().entries("demo".into(), "alice".into()).await?
        .iter().map(|e| (e.kind.as_str().to_owned(), e.source_id.clone(), e.points)).collect();
    assert_eq!(alice, [
        ("referral".to_owned(), "shopify:2001:referrer".to_owned(), 500),
        ("referral_reversal".to_owned(), "shopify:2001:referrer".to_owned(), -500),
        ("referral".to_owned(), "shopify:2002:referrer".to_owned(), 500),
        ("referral".to_owned(), "shopify:2003:referrer".to_owned(), 500),
        ("redemption".to_owned(), "spend-1".to_owned(), -800),
        ("referral_reversal".to_owned(), "shopify:2003:referrer".to_owned(), -500),
    ]);
    // The activity shows the reversal.
    let v = me(&t, &token("alice", &clock)).await;
    assert!(v["activity"].as_array().is_some_and(|a| a.iter().any(|e| e["kind"] == "referral_reversal" && e["points"] == -500)), "{v}");
    t.stop().await;
    Ok(())
}
}
