//! Segment-targeted rewards (`loyalty.rewards[].segments`) on both backends: a seeded
//! order history is scored; the win-back reward for `at-risk` is listed by `loyalty/me` and
//! redeemed for an at-risk customer only; anyone else neither sees it nor redeems it (409
//! naming the reward, nothing written); unknown segments are config errors naming the field.

mod common;

use std::sync::Arc;

use common::scored_orders::{seed, T0};
use common::*;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::config::ServerConfig;
use rapport_server::jobs::scores;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use rapport_server::scoring::compute::Options;
use rapport_server::scoring::segments::rfm_id;
use serde_json::{json, Value};

const SECRET: &str = "offers-test-secret-0123456789abcdef";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "rewards": [
            {"id": "ship", "kind": "freeShipping", "points": 100},
            {"id": "win-back", "kind": "percentage", "points": 100, "percent": 20,
                "segments": ["at-risk", "rfm:cant-lose"]}
        ],
        // Nothing listens: deliveries fail and are retried, which this test does not watch.
        "outboundWebhook": {"url": "http://127.0.0.1:9/hooks", "secret": WHSEC}
    });
    c
}

fn token(sub: &str) -> String {
    mint(
        SECRET.as_bytes(),
        &CustomerClaims::new(sub, "demo", T0 / 1000, 600),
    )
    .expect("mint")
}

/// `loyalty/me` of `sub`: the reward ids listed, and the spendable balance.
async fn offered(t: &TestServer, sub: &str) -> (Vec<String>, i64) {
    let resp = t
        .client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .bearer_auth(token(sub))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("json");
    let ids = v["rewards"]
        .as_array()
        .expect("rewards")
        .iter()
        .map(|r| {
            assert!(
                r.get("segments").is_none(),
                "segments are never served: {r}"
            );
            r["id"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    (ids, v["spendable"].as_i64().unwrap_or(-1))
}

async fn adjust(t: &TestServer, id: &str, customer: &str, points: i64) {
    let resp = t.client.post(t.url("/v1/sites/demo/loyalty/adjustments")).bearer_auth(ADMIN)
        .json(&json!({"id": id, "customer": customer, "points": points, "reason": "test", "actor": "ops"}))
        .send().await.expect("sent");
    assert_eq!(resp.status(), 201);
}

fn redeem(t: &TestServer, sub: &str, id: &str, reward: &str) -> reqwest::RequestBuilder {
    t.client
        .post(t.url("/v1/sites/demo/loyalty/reward-redemptions"))
        .bearer_auth(token(sub))
        .json(&json!({"id": id, "reward": reward}))
}

#[test]
fn unknown_segments_of_a_reward_are_config_errors_naming_the_field() {
    let mut c = config();
    c["sites"][0]["loyalty"]["rewards"][1]["segments"] = json!(["at-risk", "vip"]);
    let err = ServerConfig::from_json(&c.to_string())
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("sites[0].loyalty.rewards[1].segments[1]")
                && e.contains("unknown segment \"vip\" (known: at-risk")),
        "{err:?}"
    );
    c["sites"][0]["loyalty"]["rewards"][1]["segments"] = json!("at-risk");
    let err = ServerConfig::from_json(&c.to_string())
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("sites[0].loyalty.rewards[1].segments:")),
        "{err:?}"
    );
    // A tier segment names a level of the site's tiers.
    c["sites"][0]["loyalty"]["rewards"][1]["segments"] = json!(["tier:Gold"]);
    assert!(ServerConfig::from_json(&c.to_string()).is_err());
    c["sites"][0]["loyalty"]["tiers"] =
        json!({"levels": [{"name": "Bronze", "threshold": 0}, {"name": "Gold", "threshold": 10}]});
    assert!(ServerConfig::from_json(&c.to_string()).is_ok());
}

backend_tests! {
#[tokio::test]
async fn a_targeted_reward_is_offered_and_redeemed_in_its_segments_only(backend: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let t = TestServer::with_clock(config(), backend.fresh("offers").await, None, Some(dyn_clock)).await;
    let app = t.server.state().clone();
    seed(&app, 90).await?;
    scores::run_site(&app, "demo", "test", Options { draws: 20, level: 0.9 }).await?;
    let ids: Vec<String> = (0..90).map(|i| format!("c{i:03}")).collect();
    let got = app.store.scores().scores_of("demo".into(), ids).await?;
    let at_risk = got.iter().find(|s| s.at_risk).expect("an at-risk customer").customer.clone();
    let active = got.iter().find(|s| !s.at_risk && rfm_id(&s.rfm_segment) != "rfm:cant-lose")
        .expect("an active customer").customer.clone();
    adjust(&t, "a1", &at_risk, 1000).await;
    adjust(&t, "a2", &active, 1000).await;

    // The at-risk customer sees the win-back reward and redeems it.
    let (mine, before) = offered(&t, &at_risk).await;
    assert_eq!(mine, ["ship", "win-back"]);
    let resp = redeem(&t, &at_risk, "r1", "win-back").send().await?;
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await?;
    assert_eq!(body["reward"]["id"], "win-back");
    assert!(body["code"].as_str().is_some_and(|c| c.len() == 14), "{body}");
    assert_eq!(body["spendable"], before - 100);

    // The active customer: not listed, and redeeming it is refused like a tier too low,
    // naming the reward, with nothing spent, issued or queued.
    let (theirs, spendable) = offered(&t, &active).await;
    assert_eq!(theirs, ["ship"]);
    let resp = redeem(&t, &active, "r2", "win-back").send().await?;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await?;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["field"], "reward", "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("\"win-back\"")), "{body}");
    assert_eq!(offered(&t, &active).await.1, spendable);
    assert!(app.store.loyalty().reward_codes("demo".into(), active.clone()).await?.is_empty());
    assert_eq!(app.store.loyalty().outbox_states("demo".into()).await?.len(), 1, "only the at-risk redemption");
    // An untargeted reward stays open to them.
    assert_eq!(redeem(&t, &active, "r3", "ship").send().await?.status(), 201);
    // A customer the engine has never scored is in no segment.
    adjust(&t, "a3", "stranger", 1000).await;
    assert_eq!(offered(&t, "stranger").await.0, ["ship"]);
    assert_eq!(redeem(&t, "stranger", "r4", "win-back").send().await?.status(), 409);
    t.stop().await;
    Ok(())
}
}
