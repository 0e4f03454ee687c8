//! Site config endpoint, health, and static files (content types, caching, hidden files).

mod common;

use std::fs;

use common::*;
use rapport_server::static_files::StaticDirs;
use serde_json::Value;

#[tokio::test]
async fn site_config_public_subset_and_404() -> TestResult {
    let t = TestServer::start().await;
    let resp = t.client.get(t.url("/v1/sites/demo/config")).send().await?;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "public, max-age=60");
    let body: Value = resp.json().await?;
    assert_eq!(body["site"], "demo");
    assert_eq!(body["surveys"][0]["id"], "post-purchase");
    assert!(body.get("adminToken").is_none());
    assert!(body.get("origins").is_none());
    let text = body.to_string();
    assert!(!text.contains("admin-token"));

    let (status, code, field) =
        error_of(t.client.get(t.url("/v1/sites/nope/config")).send().await?).await;
    assert_eq!(
        (status, code.as_str(), field.as_str()),
        (404, "unknown_site", "site")
    );

    let health: Value = t.client.get(t.url("/healthz")).send().await?.json().await?;
    assert_eq!(health["status"], "ok");
    t.stop().await;
    Ok(())
}

#[tokio::test]
async fn static_files() -> TestResult {
    let root = temp_path("static", "");
    let (dist, www, pages) = (root.join("dist"), root.join("www"), root.join("pages"));
    fs::create_dir_all(dist.join("widget"))?;
    fs::create_dir_all(dist.join("metrics"))?;
    fs::create_dir_all(&www)?;
    fs::create_dir_all(&pages)?;
    fs::write(dist.join("rapport.js"), "window.rapport=1;")?;
    fs::write(dist.join("widget/widget.js"), "export default 1;")?;
    fs::write(dist.join("widget/widget_bg.wasm"), b"\0asm\x01\0\0\0")?;
    fs::write(dist.join("metrics/metrics.js"), "export {};")?;
    fs::write(www.join("index.html"), "<h1>Shop</h1>")?;
    fs::write(www.join("cart.html"), "<h1>Cart</h1>")?;
    fs::write(
        www.join("rapport.config.json"),
        "{\"adminToken\":\"secret\"}",
    )?;
    fs::write(www.join(".env"), "SECRET=1")?;
    fs::write(pages.join("csp.html"), "<p>csp</p>")?;

    let dirs = |test_pages| StaticDirs {
        dist: dist.clone(),
        www: www.clone(),
        test_pages,
        hidden: vec![www.join("rapport.config.json")],
    };
    let t = TestServer::with(
        fixture(),
        temp_path("db", ".sqlite"),
        Some(dirs(Some(pages.clone()))),
    )
    .await;
    let get = |path: &str| t.client.get(t.url(path)).send();

    let r = get("/rapport.js").await?;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["cache-control"], "public, max-age=300");
    assert_eq!(r.text().await?, "window.rapport=1;");

    let r = get("/widget/widget_bg.wasm").await?;
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.headers().get("last-modified").is_some());
    let r = get("/widget/widget.js").await?;
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(get("/metrics/metrics.js").await?.status(), 200);

    let r = get("/").await?;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()?
        .starts_with("text/html"));
    assert_eq!(r.text().await?, "<h1>Shop</h1>");
    assert_eq!(get("/cart.html").await?.text().await?, "<h1>Cart</h1>");
    let r = get("/test/csp.html").await?;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");

    // Secrets and dot-files are never served.
    assert_eq!(get("/rapport.config.json").await?.status(), 404);
    assert_eq!(get("/%72apport.config.json").await?.status(), 404);
    assert_eq!(get("/.env").await?.status(), 404);
    assert_eq!(get("/widget/../rapport.config.json").await?.status(), 404);
    assert_eq!(get("/missing.html").await?.status(), 404);
    t.stop().await;

    // Without --test-pages, /test/ is not served.
    let t = TestServer::with(fixture(), temp_path("db", ".sqlite"), Some(dirs(None))).await;
    assert_eq!(
        t.client.get(t.url("/test/csp.html")).send().await?.status(),
        404
    );
    t.stop().await;
    let _ = fs::remove_dir_all(root);
    Ok(())
}
