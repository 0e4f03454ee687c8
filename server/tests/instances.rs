//! Two `rapport-server` processes on one PostgreSQL database: duplicates split across both
//! store one row, each instance keeps its own rate limit (documented arithmetic: N
//! instances allow a client up to N × burst), and a configuration change reaches both.
//! PostgreSQL only (a SQLite file belongs to one machine); under `CI=true` these fail
//! when no PostgreSQL is configured, elsewhere they are skipped with a notice.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

async fn two_instances(
    name: &str,
    config: &Value,
) -> Option<(ServerProcess, ServerProcess, std::path::PathBuf)> {
    let backend = Backend::postgres()?;
    let db = backend.fresh(name).await;
    let path = config_file(config);
    let a = ServerProcess::spawn(&db, &path).await;
    let b = ServerProcess::spawn(&db, &path).await;
    Some((a, b, path))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_split_across_instances_store_one_row() -> TestResult {
    let Some((a, b, _)) = two_instances("inst-dup", &fixture()).await else {
        return Ok(());
    };
    let body = valid("same-across").to_string();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let url = if i % 2 == 0 {
            a.url("/v1/responses")
        } else {
            b.url("/v1/responses")
        };
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await??);
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(a.exported_ids("demo", ADMIN).await, ["same-across"]);
    assert_eq!(b.exported_ids("demo", ADMIN).await, ["same-across"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_is_per_instance() -> TestResult {
    let mut config = fixture();
    config["rateLimit"] = json!({ "burst": 3, "perSecond": 0.01 });
    let Some((a, b, _)) = two_instances("inst-rate", &config).await else {
        return Ok(());
    };
    // One client, both instances: each grants its own burst, so the client gets
    // 2 × burst in all before both answer 429 (ARCHITECTURE.md, "Scaling out").
    for (name, server) in [("a", &a), ("b", &b)] {
        for i in 0..3 {
            let status = server
                .post(&valid(&format!("rl-{name}-{i}")))
                .await?
                .status();
            assert_eq!(status, 201, "{name} request {i}");
        }
        let limited = server.post(&valid(&format!("rl-{name}-x"))).await?;
        assert_eq!(limited.status(), 429, "{name}");
        assert!(limited.headers().get("retry-after").is_some());
    }
    assert_eq!(a.exported_ids("demo", ADMIN).await.len(), 6);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_change_reaches_both_instances() -> TestResult {
    let Some((a, b, path)) = two_instances("inst-config", &fixture()).await else {
        return Ok(());
    };
    let added = json!({ "id": "added", "trigger": { "type": "manual" },
        "questions": [ { "id": "q", "type": "thumbs", "text": "New?" } ] });
    let mut changed = fixture();
    if let Some(surveys) = changed["sites"][0]["surveys"].as_array_mut() {
        surveys.push(added);
    }
    std::fs::write(&path, changed.to_string())?;
    for (name, server) in [("a", &a), ("b", &b)] {
        let mut seen = false;
        for _ in 0..100 {
            let config: Value = server
                .client
                .get(server.url("/v1/sites/demo/config"))
                .send()
                .await?
                .json()
                .await?;
            let ids: Vec<&str> = config["surveys"]
                .as_array()
                .map(|s| s.iter().filter_map(|s| s["id"].as_str()).collect())
                .unwrap_or_default();
            if ids.contains(&"added") {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            seen,
            "instance {name} did not pick up the new survey within 10 s"
        );
        let response = json!({ "id": format!("new-{name}"), "site": "demo", "survey": "added",
            "answers": [ { "question": "q", "value": "up" } ] });
        assert_eq!(
            server.post(&response).await?.status(),
            201,
            "instance {name}"
        );
    }
    // An invalid edit is refused and the configuration in force stays.
    std::fs::write(&path, "{ \"sites\": 5 }")?;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let response = json!({ "id": "after-bad-edit", "site": "demo", "survey": "added",
        "answers": [ { "question": "q", "value": "down" } ] });
    assert_eq!(a.post(&response).await?.status(), 201);
    Ok(())
}
