//! The inbox over real HTTP, on both backends: every filter narrows to exactly the right
//! responses; full-text search in the nine locales; ranking by revenue at risk from the
//! customer scores (anonymous responses last); cursor pages without gaps or duplicates
//! while responses keep arriving; status, tags, assignee, notes and bulk changes with their
//! audit lines; who may call (agents yes, signed-out 401, CSRF-less and cross-site 403);
//! themes; the malicious-text corpus returned verbatim.

mod common;

use std::collections::HashSet;

use common::console::*;
use common::*;
use rapport_metrics::risk::Estimate;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use rapport_server::store::scores::{CustomerScore, ScoreRun};
use reqwest::Method;
use serde_json::{json, Value};

const SECRET: &str = "inbox-test-secret-0123456789abcdef";
const AGENT: &str = "agent@shop.example";
const AGENT_PW: &str = "correct horse battery staple";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET, "pointsPerUnit": 1 });
    c
}

/// The ids of every item of a list query (one page, limit 200).
trait Ids {
    async fn ids(&self, t: &TestServer, query: &str) -> Vec<String>;
}

impl Ids for Session {
    async fn ids(&self, t: &TestServer, query: &str) -> Vec<String> {
        let page = self
            .get(t, &format!("/admin/api/inbox?site=demo&limit=200&{query}"))
            .await;
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().expect("id").to_owned())
            .collect()
    }
}

/// An owner and an agent, signed in.
async fn users(t: &TestServer) -> (Session, Session) {
    let owner = owner(t).await;
    let agent = agent(t, &owner, AGENT, AGENT_PW).await;
    (owner, agent)
}

/// Posts a response to `post-purchase` of `demo`, as `customer` when given.
async fn answer(t: &TestServer, id: &str, answers: Value, url: &str, customer: Option<&str>) {
    let mut body = json!({
        "id": id, "site": "demo", "survey": "post-purchase", "answers": answers,
        "locale": "en", "url": url,
    });
    let mut req = t.client.post(t.url("/v1/responses"));
    if let Some(sub) = customer {
        let now = t.server.state().clock.now_millis() / 1000;
        let token = mint(
            SECRET.as_bytes(),
            &CustomerClaims::new(sub, "demo", now, 600),
        )
        .expect("mint");
        req = req.bearer_auth(token);
    }
    if id.starts_with("partial") {
        body["partial"] = json!(true);
    }
    let resp = req.json(&body).send().await.expect("sent");
    assert!(resp.status().is_success(), "{id}: {}", resp.status());
}

fn score(customer: &str, p_alive: f64, annual: f64, tier: Option<&str>) -> CustomerScore {
    CustomerScore {
        customer: customer.into(),
        orders: 3,
        spend: 45_000,
        currency: "EUR".into(),
        last_order_at: Some(1),
        p_alive: Estimate {
            value: p_alive,
            low: p_alive * 0.8,
            high: (p_alive * 1.1).min(1.0),
        },
        annual_value: Estimate {
            value: annual,
            low: annual * 0.7,
            high: annual * 1.4,
        },
        rfm_segment: "at risk".into(),
        clv_band: "top".into(),
        at_risk: p_alive < 0.5,
        tier: tier.map(str::to_owned),
    }
}

async fn write_scores(t: &TestServer, scores: Vec<CustomerScore>) {
    let run = ScoreRun {
        computed_at: 1,
        customers: scores.len() as i64,
        summary_json: "{}".into(),
    };
    t.server
        .store()
        .scores()
        .replace_scores("demo".into(), run, scores)
        .await
        .expect("scores");
    rapport_server::inbox::on_scores_written(t.server.state(), "demo")
        .await
        .expect("refresh");
}

fn set(ids: &[&str]) -> HashSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn as_set(ids: Vec<String>) -> HashSet<String> {
    ids.into_iter().collect()
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_search_and_risk_order(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    let (owner, _agent) = users(&t).await;
    let n = |v: i64| json!([{ "question": "nps", "value": v }]);
    let nt = |v: i64, text: &str| json!([{ "question": "nps", "value": v }, { "question": "comment", "value": text }]);
    answer(&t, "det-rich", nt(2, "Livraison très lente"), "https://shop.example/checkout", Some("alice")).await;
    answer(&t, "det-poor", nt(5, "Die Lieferung war zu spät"), "https://shop.example/cart", Some("bob")).await;
    answer(&t, "passive", nt(7, "El envío llegó tarde"), "https://shop.example/checkout", Some("carol")).await;
    answer(&t, "promoter", nt(10, "Great service, thank you"), "https://shop.example/home", None).await;
    answer(&t, "csat-low", json!([{ "question": "csat", "value": 1 }, { "question": "comment", "value": "التوصيل بطيء جدا" }]), "https://shop.example/a", None).await;
    answer(&t, "ces-hard", json!([{ "question": "ces", "value": 6 }, { "question": "comment", "value": "המשלוח איטי מאוד" }]), "https://shop.example/b", None).await;
    answer(&t, "mood-low", json!([{ "question": "mood", "value": 2 }, { "question": "comment", "value": "A entrega demorou" }]), "https://shop.example/c", None).await;
    answer(&t, "nl", nt(8, "De levering was traag"), "https://shop.example/d", None).await;
    answer(&t, "it-ca", nt(9, "El lliurament ha estat lent"), "https://shop.example/e", None).await;
    answer(&t, "anon-det", n(0), "https://shop.example/checkout", None).await;
    answer(&t, "partial-1", n(4), "https://shop.example/f", None).await;

    let all = owner.ids(&t, "").await;
    assert_eq!(all.len(), 11);
    // Newest first.
    assert_eq!(all[0], "partial-1");
    assert_eq!(all[10], "det-rich");

    assert_eq!(as_set(owner.ids(&t, "band=detractor").await), set(&["det-rich", "det-poor", "anon-det", "partial-1"]));
    assert_eq!(as_set(owner.ids(&t, "band=passive").await), set(&["passive", "nl"]));
    assert_eq!(as_set(owner.ids(&t, "band=promoter").await), set(&["promoter", "it-ca"]));
    assert_eq!(
        as_set(owner.ids(&t, "band=unhappy").await),
        set(&["det-rich", "det-poor", "anon-det", "partial-1", "csat-low", "ces-hard", "mood-low"])
    );
    assert_eq!(as_set(owner.ids(&t, "url=checkout").await), set(&["det-rich", "passive", "anon-det"]));
    assert_eq!(as_set(owner.ids(&t, "hasText=false").await), set(&["anon-det", "partial-1"]));
    assert_eq!(owner.ids(&t, "hasText=true").await.len(), 9);
    assert_eq!(owner.ids(&t, "survey=post-purchase").await.len(), 11);
    assert!(owner.ids(&t, "survey=exit").await.is_empty());
    assert_eq!(owner.ids(&t, "from=2000-01-01").await.len(), 11);
    assert!(owner.ids(&t, "to=2000-01-01").await.is_empty());
    assert!(owner.ids(&t, "from=2999-01-01T00:00:00Z").await.is_empty());

    // Full text in every bundled locale, case- and accent-insensitive where the index is.
    for (q, id) in [
        ("livraison", "det-rich"), ("LENTE", "det-rich"), ("lieferung", "det-poor"),
        ("envío", "passive"), ("great", "promoter"), ("بطيء", "csat-low"),
        ("איטי", "ces-hard"), ("entrega", "mood-low"), ("levering traag", "nl"),
        ("lliurament", "it-ca"),
    ] {
        assert_eq!(owner.ids(&t, &format!("q={}", urlencode(q))).await, vec![id.to_owned()], "q={q}");
    }
    assert!(owner.ids(&t, "q=nowhere").await.is_empty());
    assert!(owner.ids(&t, "q=%21%21%21").await.is_empty());

    // Partial responses are shown and marked.
    let page = owner.get(&t, "/admin/api/inbox?site=demo&band=detractor&hasText=false").await;
    let partial: Vec<bool> = page["items"].as_array().ok_or("items")?.iter().map(|i| i["partial"].as_bool().unwrap_or(false)).collect();
    assert_eq!(partial.iter().filter(|p| **p).count(), 1);

    // Before any scores: no risk; the risk order is then newest first.
    assert_eq!(owner.ids(&t, "sort=risk").await, all);
    write_scores(&t, vec![
        score("alice", 0.4, 200_000.0, Some("gold")),
        score("bob", 0.95, 20_000.0, None),
        score("carol", 0.9, 60_000.0, Some("gold")),
    ]).await;
    let ranked = owner.ids(&t, "sort=risk").await;
    assert_eq!(&ranked[..3], ["det-rich", "passive", "det-poor"]);
    // Anonymous responses after every scored one, newest first.
    let anonymous: Vec<String> = all.iter().filter(|id| !["det-rich", "det-poor", "passive"].contains(&id.as_str())).cloned().collect();
    assert_eq!(&ranked[3..], anonymous.as_slice());
    assert_eq!(owner.ids(&t, "sort=risk&band=detractor").await[..2], ["det-rich", "det-poor"]);
    assert_eq!(as_set(owner.ids(&t, "tier=gold").await), set(&["det-rich", "passive"]));

    // The risk is the engine's number, with its interval, and the customer's scores.
    let item = owner.get(&t, "/admin/api/inbox/demo/det-rich").await;
    let expected = rapport_metrics::risk::revenue_at_risk(
        rapport_metrics::risk::unhappiness(rapport_metrics::risk::Scale::Nps, 2.0),
        Estimate { value: 200_000.0, low: 140_000.0, high: 280_000.0 },
        Estimate { value: 0.4, low: 0.32, high: 0.44 },
    );
    assert!((item["risk"]["value"].as_f64().ok_or("risk")? - expected.value).abs() < 1e-6, "{item}");
    assert!(item["risk"]["low"].as_f64() < item["risk"]["value"].as_f64());
    assert_eq!(item["customer"]["tier"], "gold");
    assert_eq!(item["customer"]["pAlive"]["value"], 0.4);
    assert_eq!(item["currency"], "EUR");
    assert_eq!(item["score"], json!({ "kind": "nps", "value": 2.0 }));
    assert_eq!(item["band"], "detractor");
    assert_eq!(item["text"], "Livraison très lente");
    assert_eq!(item["answers"][0]["type"], "nps");
    assert_eq!((item["followups"].clone(), item["holdout"].clone()), (json!(0), json!(false)));
    let anon = owner.get(&t, "/admin/api/inbox/demo/csat-low").await;
    assert_eq!((anon["risk"].clone(), anon["customer"].clone(), anon["band"].clone()), (Value::Null, Value::Null, json!("unhappy")));

    // Scores change (orders came in): the ranking follows after the refresh.
    write_scores(&t, vec![score("bob", 0.1, 500_000.0, None)]).await;
    assert_eq!(owner.ids(&t, "sort=risk").await[0], "det-poor");
    assert_eq!(owner.get(&t, "/admin/api/inbox/demo/det-rich").await["risk"], Value::Null);

    // A response of a customer with scores gets its risk when it is stored.
    answer(&t, "det-new", n(1), "https://shop.example/g", Some("bob")).await;
    assert!(owner.get(&t, "/admin/api/inbox/demo/det-new").await["risk"].is_object());
    assert_eq!(owner.ids(&t, "sort=risk").await[..2], ["det-new", "det-poor"]);

    // Bad parameters name themselves.
    for (query, field, status) in [
        ("site=demo&band=angry", "band", 400), ("site=demo&limit=0", "limit", 400),
        ("site=demo&limit=201", "limit", 400), ("site=demo&sort=oldest", "sort", 400),
        ("site=demo&from=yesterday", "from", 400), ("site=demo&cursor=garbage", "cursor", 400),
        ("site=demo&hasText=yes", "hasText", 400), ("site=demo&status=open", "status", 400),
        ("", "site", 400), ("site=nowhere", "site", 404),
    ] {
        let resp = owner.req(&t, Method::GET, &format!("/admin/api/inbox?{query}")).send().await?;
        let (s, _, f) = error_of(resp).await;
        assert_eq!((s, f.as_str()), (status, field), "{query}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursor_pages_have_no_gaps_or_duplicates_under_inserts(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    let (owner, _) = users(&t).await;
    // A deterministic pseudo-random mix of scores, customers and texts.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
    let mut scores = Vec::new();
    for i in 0..60 {
        let r = next();
        let customer = (r % 3 != 0).then(|| format!("c{}", r % 17));
        let answers = json!([{ "question": "nps", "value": (r >> 8) % 11 }, { "question": "comment", "value": format!("word{}", r % 5) }]);
        answer(&t, &format!("r{i:02}"), answers, "https://shop.example/x", customer.as_deref()).await;
    }
    for c in 0..17 {
        if c % 4 != 0 {
            scores.push(score(&format!("c{c}"), 0.2 + 0.04 * c as f64, 1_000.0 * c as f64, None));
        }
    }
    write_scores(&t, scores).await;
    for (sort, filter) in [("newest", ""), ("risk", ""), ("risk", "&band=detractor"), ("newest", "&q=word3")] {
        let before = as_set(owner.ids(&t, &format!("sort={sort}{filter}")).await);
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut path = format!("/admin/api/inbox?site=demo&limit=7&sort={sort}{filter}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={}", urlencode(c)));
            }
            let page = owner.get(&t, &path).await;
            for item in page["items"].as_array().ok_or("items")? {
                seen.push(item["id"].as_str().ok_or("id")?.to_owned());
            }
            // Responses keep arriving while the merchant pages.
            pages += 1;
            answer(&t, &format!("new-{sort}{}-{pages}", filter.len()), json!([{ "question": "nps", "value": 1 }, { "question": "comment", "value": "word3" }]), "https://shop.example/y", None).await;
            match page["next"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        let unique: HashSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "duplicates with sort={sort}{filter}: {seen:?}");
        assert!(before.is_subset(&unique), "gaps with sort={sort}{filter}");
        assert!(pages >= 2 || before.len() <= 7);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_notes_bulk_audit_and_access(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    let (owner, agent) = users(&t).await;
    // JSON text kept as written: some lines hold lone surrogate escapes.
    let corpus: Vec<Box<serde_json::value::RawValue>> =
        serde_json::from_str(include_str!("fixtures/malicious-text.json"))?;
    for (i, raw) in corpus.iter().enumerate() {
        let body = format!(
            r#"{{"id":"m{i:02}","site":"demo","survey":"post-purchase","url":"https://shop.example/z","answers":[{{"question":"nps","value":3}},{{"question":"long","value":{}}}]}}"#,
            raw.get()
        );
        assert!(t.post_text(&body, None).await.status().is_success(), "corpus line {i}");
    }
    answer(&t, "t1", json!([{ "question": "nps", "value": 2 }, { "question": "comment", "value": "late delivery again" }]), "https://shop.example/z", None).await;
    answer(&t, "t2", json!([{ "question": "nps", "value": 3 }, { "question": "comment", "value": "Late delivery, broken box" }]), "https://shop.example/z", None).await;

    // The corpus comes back verbatim (lone surrogates as U+FFFD, as the export gives them).
    for (i, raw) in corpus.iter().enumerate() {
        let item = owner.get(&t, &format!("/admin/api/inbox/demo/m{i:02}")).await;
        let expected: String =
            serde_json::from_str(&rapport_server::surrogates::replace_lone_surrogates(raw.get()))?;
        if !expected.trim().is_empty() {
            assert_eq!(item["text"], json!(expected), "corpus line {i}");
        }
        assert_eq!(item["answers"][1]["value"], json!(expected));
    }

    // An agent triages: status, tags (normalised), assignee.
    let resp = agent.req(&t, Method::PATCH, "/admin/api/inbox/demo/t1")
        .json(&json!({ "status": "acting", "tags": ["  Late   Delivery ", "late delivery", "Box"], "assignee": owner.user }))
        .send().await?;
    assert_eq!(resp.status(), 200);
    let item: Value = resp.json().await?;
    assert_eq!(item["status"], "acting");
    assert_eq!(item["tags"], json!(["late delivery", "box"]));
    assert_eq!(item["assignee"], json!({ "id": owner.user, "email": OWNER }));
    assert_eq!(owner.ids(&t, "status=acting").await, vec!["t1"]);
    assert_eq!(owner.ids(&t, "tag=Late%20Delivery").await, vec!["t1"]);
    assert_eq!(owner.ids(&t, &format!("assignee={}", owner.user)).await, vec!["t1"]);
    assert_eq!(owner.ids(&t, "assignee=none").await.len(), corpus.len() + 1);
    assert_eq!(owner.ids(&t, "status=new").await.len(), corpus.len() + 1);

    // Unknown assignee: 422; unknown response: 404; too many tags: 400; nothing changed.
    let resp = owner.req(&t, Method::PATCH, "/admin/api/inbox/demo/t1").json(&json!({ "assignee": "nobody" })).send().await?;
    assert_eq!(error_of(resp).await.0, 422);
    let resp = owner.req(&t, Method::PATCH, "/admin/api/inbox/demo/missing").json(&json!({ "status": "resolved" })).send().await?;
    assert_eq!(error_of(resp).await.0, 404);
    let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    let resp = owner.req(&t, Method::PATCH, "/admin/api/inbox/demo/t1").json(&json!({ "tags": many })).send().await?;
    let (s, _, f) = error_of(resp).await;
    assert_eq!((s, f.as_str()), (400, "tags"));

    // Notes.
    let resp = agent.req(&t, Method::POST, "/admin/api/inbox/demo/t1/notes").json(&json!({ "text": "Called her <b>back</b>" })).send().await?;
    assert_eq!(resp.status(), 201);
    let note: Value = resp.json().await?;
    assert_eq!(note["author"]["email"], AGENT);
    assert_eq!(note["text"], "Called her <b>back</b>");
    let item = owner.get(&t, "/admin/api/inbox/demo/t1").await;
    assert_eq!(item["notes"][0]["text"], "Called her <b>back</b>");
    assert_eq!(owner.get(&t, "/admin/api/inbox?site=demo&status=acting").await["items"][0]["notes"], 1);

    // Bulk: all or nothing.
    let resp = owner.req(&t, Method::POST, "/admin/api/inbox/bulk")
        .json(&json!({ "items": [{ "site": "demo", "id": "t2" }, { "site": "demo", "id": "gone" }], "status": "resolved" }))
        .send().await?;
    assert_eq!(error_of(resp).await.0, 404);
    assert!(owner.ids(&t, "status=resolved").await.is_empty());
    let resp = owner.req(&t, Method::POST, "/admin/api/inbox/bulk")
        .json(&json!({ "items": [{ "site": "demo", "id": "t2" }, { "site": "demo", "id": "t1" }], "status": "resolved", "addTags": ["Urgent"], "removeTags": ["box"], "assignee": null }))
        .send().await?;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await?["updated"], 2);
    assert_eq!(as_set(owner.ids(&t, "status=resolved&tag=urgent&assignee=none").await), set(&["t1", "t2"]));
    assert_eq!(owner.get(&t, "/admin/api/inbox/demo/t1").await["tags"], json!(["late delivery", "urgent"]));

    // One audit line per response changed.
    let audit = owner.get(&t, "/admin/api/audit?limit=200").await;
    let lines: Vec<(String, String)> = audit["entries"].as_array().ok_or("entries")?.iter()
        .map(|e| (e["action"].as_str().unwrap_or("").to_owned(), e["target"].as_str().unwrap_or("").to_owned()))
        .collect();
    let updates: Vec<&(String, String)> = lines.iter().filter(|(a, _)| a == "inbox_update").collect();
    assert_eq!(updates.len(), 3, "{lines:?}");
    assert!(updates.iter().any(|(_, t)| t.starts_with("demo/t2 status=resolved tags=urgent assignee=none")), "{lines:?}");
    assert_eq!(lines.iter().filter(|(a, _)| a == "inbox_note").count(), 1);

    // Themes: frequent phrases per band, stop words out, the corpus as plain strings.
    let themes = owner.get(&t, "/admin/api/themes?site=demo&band=detractor").await;
    let list = themes["themes"].as_array().ok_or("themes")?;
    assert!(list.iter().any(|x| x["phrase"] == "late delivery" && x["count"] == 2 && x["band"] == "detractor"), "{themes}");
    assert!(list.iter().all(|x| x["phrase"] != "again" && x["phrase"] != "the"));
    let sites = owner.get(&t, "/admin/api/sites").await;
    assert_eq!(sites["sites"][0]["id"], "demo");

    // Who may call.
    let signed_out = t.client.get(t.url("/admin/api/inbox?site=demo")).send().await?;
    assert_eq!(error_of(signed_out).await.0, 401);
    let no_csrf = t.client.patch(t.url("/admin/api/inbox/demo/t1"))
        .header("cookie", format!("rapport_console={}", agent.id))
        .json(&json!({ "status": "new" })).send().await?;
    assert_eq!(error_of(no_csrf).await.0, 403);
    let cross = agent.req(&t, Method::POST, "/admin/api/inbox/bulk").header("sec-fetch-site", "cross-site")
        .json(&json!({ "items": [{ "site": "demo", "id": "t1" }], "status": "new" })).send().await?;
    assert_eq!(error_of(cross).await.0, 403);
    let cross_get = agent.req(&t, Method::GET, "/admin/api/inbox?site=demo").header("origin", FOREIGN).send().await?;
    assert_eq!(error_of(cross_get).await.0, 403);
    assert_eq!(owner.ids(&t, "status=new").await.len(), corpus.len());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_and_partial_replacement(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    let (owner, _) = users(&t).await;
    // Stored without going through POST /v1/responses: no inbox row yet.
    for i in 0..5 {
        let r = rapport_server::store::StoredResponse {
            id: format!("old{i}"),
            site: "demo".into(),
            survey: "post-purchase".into(),
            answers_json: format!(r#"[{{"question":"nps","value":{i}}},{{"question":"comment","value":"vieux {i}"}}]"#),
            locale: Some("fr".into()),
            url: None,
            user_id: None,
            traits_json: None,
            created_at: None,
            received_at: format!("2026-01-0{}T00:00:00.000Z", i + 1),
            partial: false,
            customer: None,
        };
        t.server.store().insert(r).await?;
    }
    assert!(owner.ids(&t, "").await.is_empty());
    assert_eq!(rapport_server::inbox::backfill(t.server.state()).await?, 5);
    assert_eq!(owner.ids(&t, "").await, ["old4", "old3", "old2", "old1", "old0"]);
    assert_eq!(owner.ids(&t, "q=vieux").await.len(), 5);
    assert_eq!(rapport_server::inbox::backfill(t.server.state()).await?, 0);

    // A partial state, then the complete response: one row, re-derived, triage kept.
    answer(&t, "partial-x", json!([{ "question": "nps", "value": 9 }]), "https://shop.example/p", None).await;
    let resp = owner.req(&t, Method::PATCH, "/admin/api/inbox/demo/partial-x").json(&json!({ "tags": ["kept"] })).send().await?;
    assert_eq!(resp.status(), 200);
    let body = json!({ "id": "partial-x", "site": "demo", "survey": "post-purchase", "url": "https://shop.example/p",
        "answers": [{ "question": "nps", "value": 2 }, { "question": "comment", "value": "changed my mind" }] });
    assert!(t.post(&body).await.status().is_success());
    let item = owner.get(&t, "/admin/api/inbox/demo/partial-x").await;
    assert_eq!((item["partial"].clone(), item["band"].clone(), item["tags"].clone()), (json!(false), json!("detractor"), json!(["kept"])));
    assert_eq!(owner.ids(&t, "q=mind").await, ["partial-x"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_pages_keep_the_page_order_through_refreshes_and_replacements(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    let (owner, _) = users(&t).await;
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
    let mut tagged = Vec::new();
    for i in 0..40 {
        let r = next();
        let customer = (r % 4 != 0).then(|| format!("c{}", r % 11));
        let answers = json!([{ "question": "nps", "value": (r >> 8) % 11 }, { "question": "comment", "value": format!("word{}", r % 3) }]);
        let id = format!("r{i:02}");
        answer(&t, &id, answers, "https://shop.example/x", customer.as_deref()).await;
        if r % 2 == 0 {
            tagged.push(id);
        }
    }
    let keys: Vec<(String, String)> = tagged.iter().map(|id| ("demo".to_owned(), id.clone())).collect();
    let change = rapport_server::store::inbox::Change { add_tags: vec!["vip".into()], ..Default::default() };
    t.server.store().inbox().apply(keys, change).await?;
    let tagged: HashSet<String> = tagged.into_iter().collect();
    // The tag's page order is the inbox's page order restricted to the tag's rows: after
    // tagging, after each scores run (risk changes) and after a partial response is
    // replaced by its complete answer (its row is derived again).
    tag_order_holds(&owner, &t, &tagged, "tagged").await;
    write_scores(&t, (0..11).map(|c| score(&format!("c{c}"), 0.1 + 0.08 * c as f64, 500.0 * (11 - c) as f64, None)).collect()).await;
    tag_order_holds(&owner, &t, &tagged, "first scores run").await;
    write_scores(&t, (0..11).map(|c| score(&format!("c{c}"), 0.9 - 0.07 * c as f64, 300.0 * c as f64, None)).collect()).await;
    tag_order_holds(&owner, &t, &tagged, "second scores run").await;
    answer(&t, "partial-late", json!([{ "question": "nps", "value": 9 }]), "https://shop.example/p", Some("c3")).await;
    let resp = owner.req(&t, Method::PATCH, "/admin/api/inbox/demo/partial-late").json(&json!({ "tags": ["vip"] })).send().await?;
    assert_eq!(resp.status(), 200);
    let mut tagged = tagged;
    tagged.insert("partial-late".into());
    tag_order_holds(&owner, &t, &tagged, "tagged late").await;
    let body = json!({ "id": "partial-late", "site": "demo", "survey": "post-purchase", "url": "https://shop.example/p",
        "answers": [{ "question": "nps", "value": 0 }, { "question": "comment", "value": "word1 after all" }] });
    assert!(t.post(&body).await.status().is_success());
    tag_order_holds(&owner, &t, &tagged, "replaced").await;
    assert!(owner.ids(&t, "tag=vip&q=word1").await.contains(&"partial-late".to_owned()));
    // SQLite's two full-text plans (read the matches, or walk the page order and check
    // them) give the same pages.
    if let Some(path) = t.db.sqlite_path() {
        use rapport_server::store::inbox::{sql, BandFilter, InboxQuery, Sort};
        let conn = rusqlite::Connection::open(path)?;
        for (sort, band, tag) in [(Sort::Newest, None, None), (Sort::Risk, None, None), (Sort::Risk, Some(BandFilter::Detractor), None), (Sort::Newest, None, Some("vip"))] {
            let mut q = InboxQuery::new("demo", 200);
            q.words = vec!["word1".into()];
            (q.sort, q.band, q.tag) = (sort, band, tag.map(str::to_owned));
            let pages: Vec<Vec<String>> = [sql::Matches::Few, sql::Matches::Many].into_iter().map(|m| {
                let (text, args) = sql::page_with(&q, sql::Dialect::Sqlite, m);
                let values: Vec<rusqlite::types::Value> = args.into_iter().map(|a| match a {
                    sql::Param::Text(s) => rusqlite::types::Value::Text(s),
                    sql::Param::Int(n) => rusqlite::types::Value::Integer(n),
                    sql::Param::Real(r) => rusqlite::types::Value::Real(r),
                }).collect();
                let mut stmt = conn.prepare(&text).expect("statement");
                let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| r.get(0)).expect("query");
                rows.collect::<Result<Vec<String>, _>>().expect("rows")
            }).collect();
            assert!(!pages[0].is_empty(), "{q:?}");
            assert_eq!(pages[0], pages[1], "{q:?}");
        }
    }
    Ok(())
}
}

/// The pages of `tag=vip` hold exactly the `tagged` rows of the same pages without the
/// tag, in the same order, in one page and through the cursor.
async fn tag_order_holds(owner: &Session, t: &TestServer, tagged: &HashSet<String>, stage: &str) {
    for (sort, filter) in [
        ("newest", ""),
        ("risk", ""),
        ("risk", "&band=detractor"),
        ("newest", "&q=word1"),
        ("risk", "&q=word2&status=new"),
    ] {
        let all = owner.ids(t, &format!("sort={sort}{filter}")).await;
        let expected: Vec<String> = all.into_iter().filter(|id| tagged.contains(id)).collect();
        assert!(
            !expected.is_empty(),
            "{stage}: sort={sort}{filter} has tagged rows"
        );
        assert_eq!(
            owner.ids(t, &format!("sort={sort}{filter}&tag=vip")).await,
            expected,
            "{stage}: sort={sort}{filter}"
        );
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path =
                format!("/admin/api/inbox?site=demo&limit=4&sort={sort}{filter}&tag=vip");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={}", urlencode(c)));
            }
            let page = owner.get(t, &path).await;
            for item in page["items"].as_array().expect("items") {
                seen.push(item["id"].as_str().expect("id").to_owned());
            }
            match page["next"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(
            seen, expected,
            "{stage}, through the cursor: sort={sort}{filter}"
        );
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
