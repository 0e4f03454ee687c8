//! The customer-scoped loyalty endpoints called from a shop's page (the loyalty panel):
//! preflights for the `Authorization` header, the CORS grant on answers and errors for the
//! site's origins only, and the `earn` member of `loyalty/me`, over real HTTP on both
//! backends.

mod common;

use common::*;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

const SECRET: &str = "loyalty-cors-secret-0123456789abcdef";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "pointsPerUnit": 2,
        "surveyAnswer": { "points": 20, "periodDays": 30 },
        "referral": { "referrerPoints": 500, "refereePoints": 250 },
        "rewards": [ { "id": "ship", "kind": "freeShipping", "points": 100 } ],
        "outboundWebhook": { "url": "http://127.0.0.1:9/hooks", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    });
    c
}

fn token(sub: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    mint(
        SECRET.as_bytes(),
        &CustomerClaims::new(sub, "demo", now, 600),
    )
    .expect("mint")
}

async fn preflight(t: &TestServer, path: &str, origin: &str, method: &str) -> reqwest::Response {
    t.client
        .request(reqwest::Method::OPTIONS, t.url(path))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("sent")
}

fn grant(resp: &reqwest::Response) -> Option<&str> {
    resp.headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
}

backend_tests! {
#[tokio::test]
async fn preflights_grant_authorization_to_the_sites_origins_only(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    for (path, method) in [
        ("/v1/sites/demo/loyalty/me", "GET"),
        ("/v1/sites/demo/loyalty/reward-redemptions", "POST"),
        ("/v1/sites/demo/loyalty/redemptions", "POST"),
    ] {
        let ok = preflight(&t, path, ALLOWED, method).await;
        assert_eq!(ok.status(), 204, "{path}");
        assert_eq!(grant(&ok), Some(ALLOWED), "{path}");
        let headers = ok.headers()["access-control-allow-headers"].to_str()?.to_owned();
        assert!(headers.contains("authorization"), "{path}: {headers}");
        assert!(ok.headers()["access-control-allow-methods"].to_str()?.contains(method));
        let foreign = preflight(&t, path, FOREIGN, method).await;
        assert_eq!(foreign.status(), 403, "{path}");
        assert_eq!(grant(&foreign), None, "{path}");
        // Another site's origin is not this site's.
        let other = preflight(&t, path, "https://other.example", method).await;
        assert_eq!(other.status(), 403, "{path}");
    }
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn answers_and_errors_carry_the_grant_for_allowed_origins(db: Backend) -> TestResult {
    let t = TestServer::with_config(&db, config()).await;
    let me = t
        .client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .header("origin", ALLOWED)
        .bearer_auth(token("c-1"))
        .send()
        .await?;
    assert_eq!(me.status(), 200);
    assert_eq!(grant(&me), Some(ALLOWED));
    assert!(me.headers()["vary"].to_str()?.contains("Origin"));
    let body: Value = me.json().await?;
    assert_eq!(
        body["earn"],
        json!([
            { "kind": "order", "pointsPerUnit": 2.0 },
            { "kind": "surveyAnswer", "points": 20, "periodDays": 30 },
            { "kind": "referral", "referrerPoints": 500, "refereePoints": 250 },
        ])
    );
    // The panel reads a 401 to show the sign-in call to action: the error is readable.
    let unauthorized = t
        .client
        .get(t.url("/v1/sites/demo/loyalty/me"))
        .header("origin", ALLOWED)
        .send()
        .await?;
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(grant(&unauthorized), Some(ALLOWED));
    // A short balance (409) is readable too, and a foreign origin gets no grant.
    for (origin, expected) in [(ALLOWED, Some(ALLOWED)), (FOREIGN, None)] {
        let short = t
            .client
            .post(t.url("/v1/sites/demo/loyalty/reward-redemptions"))
            .header("origin", origin)
            .bearer_auth(token("c-1"))
            .json(&json!({ "id": format!("r-{origin}"), "reward": "ship" }))
            .send()
            .await?;
        assert_eq!(short.status(), 409);
        assert_eq!(grant(&short), expected);
    }
    let points = t
        .client
        .post(t.url("/v1/sites/demo/loyalty/redemptions"))
        .header("origin", ALLOWED)
        .bearer_auth(token("c-1"))
        .json(&json!({ "id": "p-1", "points": 5 }))
        .send()
        .await?;
    assert_eq!(points.status(), 409);
    assert_eq!(grant(&points), Some(ALLOWED));
    t.stop().await;
    Ok(())
}
}
