//! The scores job and segment targeting on both backends: a seeded order history is
//! scored (P(alive), annual value, bands, at-risk); new orders are scored again only after
//! the debounce; of two instances only one runs a site at a time; the config endpoint
//! serves a targeted survey to exactly the customers its audience admits, never on the
//! page's word (no token, a forged token); recent answers make recent promoters.

mod common;

use std::sync::Arc;

use common::scored_orders::{order, seed, DAY, T0};
use common::*;
use rapport_server::app::AppState;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::config::ServerConfig;
use rapport_server::jobs::scores::{self, Settings};
use rapport_server::loyalty::order::Platform;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use rapport_server::scoring::compute::Options;
use rapport_server::segment_lookup;
use rapport_server::store::{self, ResponseStore, StoredResponse};
use serde_json::{json, Value};

const SECRET: &str = "scores-test-secret-0123456789abcdef";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET });
    let surveys = c["sites"][0]["surveys"].as_array_mut().expect("surveys");
    surveys.push(json!({
        "id": "win-back",
        "trigger": { "type": "pageLoad" },
        "audience": { "segments": ["at-risk"], "identified": true, "bonusPoints": 200 },
        "questions": [ { "id": "back", "type": "thumbs", "text": "Shall we win you back?" } ]
    }));
    surveys.push(json!({
        "id": "review",
        "trigger": { "type": "pageLoad" },
        "audience": { "segments": ["recent-promoter"] },
        "questions": [ { "id": "r", "type": "thumbs", "text": "Review us?" } ]
    }));
    c
}

fn settings() -> Settings {
    Settings {
        debounce_ms: 30_000,
        compute: Options {
            draws: 20,
            level: 0.9,
        },
        ..Settings::default()
    }
}

fn app(store: Arc<dyn ResponseStore>, clock: Arc<FakeClock>) -> AppState {
    let config = ServerConfig::from_json(&config().to_string()).expect("config is valid");
    let mut app = AppState::new(config, store);
    app.clock = clock as Arc<dyn Clock>;
    app
}

fn token(sub: &str, secret: &str) -> String {
    let claims = CustomerClaims::new(sub, "demo", T0 / 1000, 600);
    mint(secret.as_bytes(), &claims).expect("mint")
}

async fn surveys_for(t: &TestServer, auth: Option<&str>, query: &str) -> (Vec<String>, String) {
    let mut req = t
        .client
        .get(t.url(&format!("/v1/sites/demo/config{query}")));
    if let Some(token) = auth {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("sent");
    assert_eq!(resp.status(), 200);
    let cache = resp
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = resp.json().await.expect("json");
    let ids = body["surveys"]
        .as_array()
        .expect("surveys")
        .iter()
        .map(|s| {
            assert!(s.get("audience").is_none(), "audience is never served: {s}");
            s["id"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    (ids, cache)
}

#[test]
fn unknown_segments_are_config_errors_naming_the_field() {
    let mut c = config();
    c["sites"][0]["surveys"][2]["audience"]["segments"] = json!(["at-risk", "vip"]);
    let err = ServerConfig::from_json(&c.to_string())
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(
            |e| e.contains("sites[0].surveys[2].audience.segments[1]") && e.contains("vip")
        ),
        "{err:?}"
    );
    let mut c = config();
    c["sites"][0]["loyalty"] = Value::Null;
    let err = ServerConfig::from_json(&c.to_string())
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("sites[0].surveys[2].audience")),
        "{err:?}"
    );
}

backend_tests! {
#[tokio::test]
async fn the_job_scores_a_history_and_rescores_after_the_debounce(backend: Backend) -> TestResult {
    let db = backend.fresh("scores_job").await;
    let store = store::open(&db.db_target()).await?;
    let clock = Arc::new(FakeClock::new(T0));
    let app = app(store.clone(), clock.clone());
    assert!(!scores::due(&app, "demo", T0, 30_000).await?, "no orders: nothing to score");
    seed(&app, 90).await?;
    assert!(scores::due(&app, "demo", T0, 30_000).await?);

    let runs = scores::run_once(&app, "a", &settings()).await?;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].customers, 90);
    assert!(runs[0].summary.get("fallback").is_none(), "{}", runs[0].summary);
    let ids: Vec<String> = (0..90).map(|i| format!("c{i:03}")).collect();
    let got = store.scores().scores_of("demo".into(), ids.clone()).await?;
    assert_eq!(got.len(), 90);
    let leaver = got.iter().find(|s| s.customer == "c003").expect("c003 scored");
    let stayer = got.iter().find(|s| s.customer == "c004").expect("c004 scored");
    assert!(leaver.p_alive.value < stayer.p_alive.value, "{leaver:?} {stayer:?}");
    assert!(got.iter().any(|s| s.at_risk));
    assert!(got.iter().all(|s| s.p_alive.low <= s.p_alive.value && s.p_alive.value <= s.p_alive.high));
    assert!(got.iter().all(|s| s.annual_value.low <= s.annual_value.value && s.annual_value.value <= s.annual_value.high));
    let run = store.scores().last_run("demo".into()).await?.expect("run recorded");
    assert_eq!(run.customers, 90);

    // Nothing changed: not due. A new order within the debounce: due only after it.
    assert!(scores::run_once(&app, "a", &settings()).await?.is_empty());
    clock.advance(1_000);
    let rules = app.config().site("demo").and_then(|s| s.loyalty.clone()).expect("loyalty").rules;
    store.loyalty().import_orders("demo".into(), Platform::Shopify,
        vec![order("newcomer", 0, 399, 5_000)], false, rules, clock.now_millis()).await?;
    assert!(scores::run_once(&app, "a", &settings()).await?.is_empty(), "debounced");
    clock.advance(30_000);
    let runs = scores::run_once(&app, "a", &settings()).await?;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].customers, 91);
    assert_eq!(store.scores().scores_of("demo".into(), vec!["newcomer".into()]).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn of_two_instances_one_runs_a_site(backend: Backend) -> TestResult {
    let db = backend.fresh("scores_lease").await;
    let clock = Arc::new(FakeClock::new(T0));
    let a = app(store::open(&db.db_target()).await?, clock.clone());
    let b = app(store::open(&db.db_target()).await?, clock.clone());
    seed(&a, 40).await?;
    let opts = settings().compute;
    let (ra, rb) = tokio::join!(
        scores::run_site(&a, "demo", "instance-a", opts),
        scores::run_site(&b, "demo", "instance-b", opts),
    );
    let ran = [ra?, rb?].iter().filter(|r| r.is_some()).count();
    assert_eq!(ran, 1, "exactly one instance ran");
    // A lease held by another instance blocks; once given back, the site can run again.
    assert!(a.store.score_jobs().claim("demo".into(), "instance-a".into(), T0, T0 + 60_000).await?);
    assert!(scores::run_site(&b, "demo", "instance-b", opts).await?.is_none());
    a.store.score_jobs().release("demo".into(), "instance-a".into(), None).await?;
    assert!(scores::run_site(&b, "demo", "instance-b", opts).await?.is_some());
    // An expired lease (its holder died) is taken over.
    assert!(a.store.score_jobs().claim("demo".into(), "dead".into(), T0, T0 + 60_000).await?);
    clock.advance(60_001);
    assert!(scores::run_site(&b, "demo", "instance-b", opts).await?.is_some());
    Ok(())
}

#[tokio::test]
async fn the_config_serves_targeted_surveys_to_their_audience_only(backend: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t = TestServer::with_clock(config(), backend.fresh("scores_target").await, None, Some(dyn_clock)).await;
    let app = t.server.state().clone();
    seed(&app, 90).await?;
    scores::run_site(&app, "demo", "test", settings().compute).await?;
    let ids: Vec<String> = (0..90).map(|i| format!("c{i:03}")).collect();
    let got = app.store.scores().scores_of("demo".into(), ids).await?;
    let at_risk = got.iter().find(|s| s.at_risk).expect("an at-risk customer");
    let other = got.iter().find(|s| !s.at_risk).expect("a customer not at risk");

    let (anonymous, cache) = surveys_for(&t, None, "").await;
    assert_eq!(anonymous, ["post-purchase", "exit"]);
    assert_eq!(cache, "public, max-age=60");
    let (mine, cache) = surveys_for(&t, Some(&token(&at_risk.customer, SECRET)), "").await;
    assert_eq!(mine, ["post-purchase", "exit", "win-back"]);
    assert_eq!(cache, "private, max-age=60");
    let query = format!("?token={}", token(&at_risk.customer, SECRET));
    assert_eq!(surveys_for(&t, None, &query).await.0, ["post-purchase", "exit", "win-back"]);
    assert_eq!(surveys_for(&t, Some(&token(&other.customer, SECRET)), "").await.0, ["post-purchase", "exit"]);
    let forged = token(&at_risk.customer, "a-forged-secret-0123456789abcdefgh");
    let (forged, cache) = surveys_for(&t, Some(&forged), "").await;
    assert_eq!(forged, ["post-purchase", "exit"]);
    assert_eq!(cache, "private, max-age=60");

    // The win-back answer earns its bonus points for a customer of its audience only.
    let win_back = |id: &str| json!({"id": id, "site": "demo", "survey": "win-back",
        "answers": [{"question": "back", "value": "up"}]});
    let post = |body: Value, sub: &str| {
        t.client.post(t.url("/v1/responses")).bearer_auth(token(sub, SECRET)).json(&body).send()
    };
    let receipt: Value = post(win_back("wb-1"), &at_risk.customer).await?.json().await?;
    assert_eq!(receipt["loyalty"], "credited", "{receipt}");
    assert_eq!(receipt["points"], 200, "{receipt}");
    let receipt: Value = post(win_back("wb-2"), &other.customer).await?.json().await?;
    assert_eq!(receipt["loyalty"], "not_enabled", "not in the audience: {receipt}");

    // A promoter's answer of the last 30 days puts them in `recent-promoter`.
    let answer = |id: &str, customer: &str, nps: u8, at: i64| StoredResponse {
        id: id.into(),
        site: "demo".into(),
        survey: "post-purchase".into(),
        answers_json: format!(r#"[{{"question":"nps","value":{nps}}}]"#),
        locale: None,
        url: None,
        user_id: None,
        traits_json: None,
        created_at: None,
        received_at: rapport_server::clock::format_unix_millis(at),
        partial: false,
        customer: Some(customer.into()),
    };
    app.store.insert(answer("r1", &other.customer, 10, T0 - DAY)).await?;
    app.store.insert(answer("r2", &at_risk.customer, 10, T0 - 40 * DAY)).await?;
    app.store.insert(answer("r3", &at_risk.customer, 3, T0 - 2 * DAY)).await?;
    app.store.flush().await?;
    let config = app.config();
    let site = config.site("demo").expect("demo");
    let seg = segment_lookup::customer_segments(app.store.as_ref(), site, &other.customer, T0).await?;
    assert!(seg.contains("recent-promoter"), "{seg:?}");
    let seg = segment_lookup::customer_segments(app.store.as_ref(), site, &at_risk.customer, T0).await?;
    assert!(seg.contains("recent-detractor") && !seg.contains("recent-promoter"), "{seg:?}");
    assert_eq!(surveys_for(&t, Some(&token(&other.customer, SECRET)), "").await.0, ["post-purchase", "exit", "review"]);

    // The console: signed out refused; signed in, every segment's size and what targets it.
    let seg_url = t.url("/admin/api/segments?site=demo");
    assert_eq!(t.client.get(&seg_url).send().await?.status(), 401);
    let setup_token = rapport_server::console::setup::issue(&**t.server.store(), clock.now_millis()).await?.token;
    let resp = t.client.post(t.url("/admin/api/setup"))
        .json(&json!({"token": setup_token, "email": "owner@shop.example", "password": "a long enough passphrase"}))
        .send().await?;
    assert_eq!(resp.status(), 201);
    let resp = t.client.post(t.url("/admin/api/session"))
        .json(&json!({"email": "owner@shop.example", "password": "a long enough passphrase"}))
        .send().await?;
    assert_eq!(resp.status(), 200);
    let cookie = resp.headers()["set-cookie"].to_str()?.split(';').next().unwrap_or_default().to_owned();
    let get = |path: String| t.client.get(t.url(&path)).header("cookie", cookie.clone()).send();
    let resp = get("/admin/api/segments?site=demo".into()).await?;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await?;
    let segment = |id: &str| body["segments"].as_array().and_then(|l| l.iter().find(|s| s["id"] == id)).cloned().unwrap_or_default();
    let at_risk_size = got.iter().filter(|s| s.at_risk).count() as u64;
    assert_eq!(segment("at-risk")["size"], at_risk_size, "{body}");
    let win_back = &segment("at-risk")["targeted"][0];
    assert_eq!(win_back["survey"], "win-back");
    assert_eq!(win_back["responses"], 2);
    assert_eq!(win_back["respondents"], 1);
    // No impressions recorded: no rate.
    assert_eq!(win_back["shown"], Value::Null);
    assert_eq!(win_back["rate"], Value::Null);
    // With impressions: the survey's responses since they were first counted over them.
    t.server.store().impressions().set("demo".into(), "win-back".into(), 0, 4).await?;
    let again: Value = get("/admin/api/segments?site=demo".into()).await?.json().await?;
    let win_back = &again["segments"].as_array().and_then(|l| l.iter().find(|s| s["id"] == "at-risk")).cloned().unwrap_or_default()["targeted"][0];
    assert_eq!(win_back["shown"], 4, "{again}");
    assert_eq!(win_back["shownSince"], "1970-01-01");
    assert_eq!(win_back["responsesSince"], 2);
    assert_eq!(win_back["rate"], 0.5);
    assert_eq!(win_back["respondents"], 1);
    assert_eq!(segment("recent-promoter")["size"], 1);
    let bands: u64 = ["clv:top", "clv:high", "clv:medium", "clv:low"].iter().map(|b| segment(b)["size"].as_u64().unwrap_or(0)).sum();
    assert_eq!(bands, 90);
    assert!(body["computedAt"].is_i64());
    assert_eq!(get("/admin/api/segments?site=nowhere".into()).await?.status(), 404);
    assert_eq!(get("/admin/api/segments".into()).await?.status(), 400);
    let resp = get(format!("/admin/api/customers/demo/{}", at_risk.customer)).await?;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await?;
    assert_eq!(body["score"]["atRisk"], true);
    assert!(body["segments"].as_array().is_some_and(|s| s.contains(&json!("at-risk"))));
    assert_eq!(get("/admin/api/customers/demo/nobody".into()).await?.status(), 404);
    Ok(())
}
}
