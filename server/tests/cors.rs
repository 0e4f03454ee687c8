//! CORS and origin checks over real HTTP.

mod common;

use common::*;

backend_tests! {
#[tokio::test]
async fn allowed_origin_gets_echoed_grant(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let resp = t.post_text(&valid("c-1").to_string(), Some(ALLOWED)).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["access-control-allow-origin"], ALLOWED);
    assert_eq!(resp.headers()["vary"], "Origin");
    assert_eq!(
        resp.headers()["access-control-expose-headers"],
        "Retry-After"
    );
    // An allowed origin can read validation errors too.
    let mut bad = valid("c-2");
    bad["answers"][0]["value"] = 42.into();
    let resp = t.post_text(&bad.to_string(), Some(ALLOWED)).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.headers()["access-control-allow-origin"], ALLOWED);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn foreign_origin_is_refused_without_cors_headers(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let resp = t.post_text(&valid("f-1").to_string(), Some(FOREIGN)).await;
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    assert_eq!(resp.headers()["vary"], "Origin");
    let (status, code, field) = error_of(resp).await;
    assert_eq!(
        (status, code.as_str(), field.as_str()),
        (403, "origin_not_allowed", "origin")
    );
    // Another site's origin cannot post for this site either.
    let resp = t
        .post_text(&valid("f-2").to_string(), Some("https://other.example"))
        .await;
    assert_eq!(resp.status(), 403);
    assert!(t.export_json().await.is_empty());
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn same_origin_and_no_origin_are_allowed(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    assert_eq!(
        t.post_text(&valid("s-1").to_string(), None).await.status(),
        201
    );
    let own = t.base.clone();
    let resp = t.post_text(&valid("s-2").to_string(), Some(&own)).await;
    assert_eq!(resp.status(), 201);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn preflight(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let preflight = |origin: &'static str| {
        t.client
            .request(reqwest::Method::OPTIONS, t.url("/v1/responses"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight(ALLOWED).await?;
    assert_eq!(ok.status(), 204);
    assert_eq!(ok.headers()["access-control-allow-origin"], ALLOWED);
    let methods = ok.headers()["access-control-allow-methods"].to_str()?;
    assert!(methods.contains("POST"), "{methods}");
    let allowed_headers = ok.headers()["access-control-allow-headers"].to_str()?;
    assert!(allowed_headers.contains("content-type"));
    assert!(ok.headers().get("access-control-max-age").is_some());

    let no = preflight(FOREIGN).await?;
    assert_eq!(no.status(), 403);
    assert!(no.headers().get("access-control-allow-origin").is_none());
    assert!(no.headers().get("access-control-allow-methods").is_none());
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn site_config_is_readable_only_by_its_origins(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let get = |origin: &'static str| {
        t.client
            .get(t.url("/v1/sites/demo/config"))
            .header("origin", origin)
            .send()
    };
    let ok = get(ALLOWED).await?;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["access-control-allow-origin"], ALLOWED);
    let foreign = get(FOREIGN).await?;
    assert_eq!(foreign.status(), 200);
    assert!(foreign
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert_eq!(foreign.headers()["vary"], "Origin");
    let other_site = get("https://other.example").await?;
    assert!(other_site
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    t.stop().await;
    Ok(())
}
}
