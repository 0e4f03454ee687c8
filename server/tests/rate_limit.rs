//! Per-client rate limit over real HTTP: 429 + Retry-After once the burst is spent.

mod common;

use common::*;
use serde_json::json;

backend_tests! {
#[tokio::test]
async fn burst_then_429_with_retry_after(db: Backend) -> TestResult {
    let mut config = fixture();
    config["rateLimit"] = json!({ "burst": 3, "perSecond": 0.2 });
    let t = TestServer::with_config(&db, config).await;
    for i in 0..3 {
        assert_eq!(t.post(&valid(&format!("rl-{i}"))).await.status(), 201);
    }
    let resp = t.post(&valid("rl-3")).await;
    let retry: u64 = resp.headers()["retry-after"].to_str()?.parse()?;
    assert!((1..=5).contains(&retry), "Retry-After {retry}");
    let (status, code, _) = error_of(resp).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    // Limited requests are not stored; GETs are not limited.
    assert_eq!(t.export_json().await.len(), 3);
    assert_eq!(t.client.get(t.url("/healthz")).send().await?.status(), 200);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn tokens_refill(db: Backend) -> TestResult {
    let mut config = fixture();
    // One token a second: the refusal needs the second request within a second of the
    // first (not 50 ms, which a loaded machine can miss), the refill a second's wait.
    config["rateLimit"] = json!({ "burst": 1, "perSecond": 1 });
    let t = TestServer::with_config(&db, config).await;
    assert_eq!(t.post(&valid("rf-1")).await.status(), 201);
    assert_eq!(t.post(&valid("rf-2")).await.status(), 429);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(t.post(&valid("rf-2")).await.status(), 201);
    t.stop().await;
    Ok(())
}
}
