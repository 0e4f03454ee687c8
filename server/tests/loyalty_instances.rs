//! Two `rapport-server` processes on one PostgreSQL database: 100 simultaneous redemptions
//! against one balance, split across both, never take it below zero and never lose an
//! entry (the per-customer advisory lock holds across instances) — points redemptions
//! alone, and points and reward redemptions mixed (both go through the one redemption
//! step). PostgreSQL only; skipped with a notice when no PostgreSQL is configured outside
//! CI.

mod common;

use common::*;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "loyalty-test-secret-0123456789abcdef";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_redemptions_across_two_instances_never_overdraw() -> TestResult {
    race(false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_points_and_reward_redemptions_across_two_instances_never_overdraw() -> TestResult {
    race(true).await
}

/// 100 redemptions of 1 point against 50, alternating between the instances; with
/// `rewards`, every other one redeems a 1-point reward instead.
async fn race(rewards: bool) -> TestResult {
    let Some(backend) = Backend::postgres() else {
        return Ok(());
    };
    let mut config = fixture();
    config["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET });
    if rewards {
        // Nothing listens there: events stay queued, which does not concern this test.
        config["sites"][0]["loyalty"]["rewards"] =
            json!([{"id": "ship", "kind": "freeShipping", "points": 1}]);
        config["sites"][0]["loyalty"]["outboundWebhook"] =
            json!({"url": "http://127.0.0.1:9/hooks", "secret": WHSEC});
    }
    config["rateLimit"] = json!({ "burst": 1000, "perSecond": 1000 });
    let db = backend.fresh("inst-redeem").await;
    let path = config_file(&config);
    let a = ServerProcess::spawn(&db, &path).await;
    let b = ServerProcess::spawn(&db, &path).await;

    let adjust = a
        .client
        .post(a.url("/v1/sites/demo/loyalty/adjustments"))
        .bearer_auth(ADMIN)
        .json(&json!({"id": "grant", "customer": "c1", "points": 50, "reason": "test", "actor": "ops"}))
        .send()
        .await?;
    assert_eq!(adjust.status(), 201);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let token = mint(
        SECRET.as_bytes(),
        &CustomerClaims::new("c1", "demo", now, 600),
    )?;

    let mut tasks = Vec::new();
    for i in 0..100 {
        let url = if i % 2 == 0 { a.url("") } else { b.url("") };
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let (path, body) = if rewards && i % 4 < 2 {
                (
                    "reward-redemptions",
                    json!({ "id": format!("r{i}"), "reward": "ship" }),
                )
            } else {
                ("redemptions", json!({ "id": format!("r{i}"), "points": 1 }))
            };
            let resp = reqwest::Client::new()
                .post(format!("{url}/v1/sites/demo/loyalty/{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await?;
            Ok::<_, reqwest::Error>((format!("r{i}"), resp.status().as_u16()))
        }));
    }
    let mut redeemed = Vec::new();
    let mut refused = 0;
    for task in tasks {
        match task.await?? {
            (id, 201) => redeemed.push(id),
            (_, 409) => refused += 1,
            (id, status) => panic!("{id}: unexpected status {status}"),
        }
    }
    assert_eq!((redeemed.len(), refused), (50, 50));
    for server in [&a, &b] {
        let me: Value = server
            .client
            .get(server.url("/v1/sites/demo/loyalty/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(
            (&me["spendable"], &me["pending"]),
            (&json!(0), &json!(0)),
            "{me}"
        );
        let activity = me["activity"].as_array().ok_or("no activity")?;
        assert_eq!(
            activity.len(),
            51,
            "the grant and 50 redemptions, none lost"
        );
        let mut sources: Vec<String> = activity
            .iter()
            .filter(|e| e["kind"] == "redemption")
            .map(|e| e["source"].as_str().unwrap_or_default().to_owned())
            .collect();
        sources.sort();
        redeemed.sort();
        assert_eq!(sources, redeemed);
        let total: i64 = activity.iter().filter_map(|e| e["points"].as_i64()).sum();
        assert_eq!(total, 0);
    }
    Ok(())
}
