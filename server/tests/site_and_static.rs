//! Site config endpoint, health, and static files (content types, caching, hidden files).

mod common;

use std::fs;

use common::*;
use rapport_server::static_files::StaticDirs;
use serde_json::Value;

backend_tests! {
#[tokio::test]
async fn site_config_public_subset_and_404(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
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
    let backend = if matches!(db, Backend::Sqlite) { "sqlite" } else { "postgres" };
    assert_eq!(health["backend"], backend);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn static_files(db: Backend) -> TestResult {
    let root = temp_path("static", "");
    let (dist, www, pages) = (root.join("dist"), root.join("www"), root.join("pages"));
    fs::create_dir_all(dist.join("widget"))?;
    fs::create_dir_all(dist.join("metrics"))?;
    fs::create_dir_all(dist.join("loyalty"))?;
    fs::create_dir_all(&www)?;
    fs::create_dir_all(&pages)?;
    fs::write(dist.join("rapport.js"), "window.rapport=1;")?;
    fs::write(dist.join("launcher.js"), "export default()=>1;")?;
    fs::write(dist.join("touch.js"), "export default()=>2;")?;
    fs::write(dist.join("widget/widget.js"), "export default 1;")?;
    fs::write(dist.join("widget/widget_bg.wasm"), b"\0asm\x01\0\0\0")?;
    fs::write(dist.join("metrics/metrics.js"), "export {};")?;
    fs::write(dist.join("loyalty/panel.js"), "export function open() {}")?;
    fs::write(dist.join("loyalty/panel_bg.wasm"), b"\0asm\x01\0\0\0")?;
    fs::write(www.join("index.html"), "<h1>Shop</h1>")?;
    fs::write(www.join("cart.html"), "<h1>Cart</h1>")?;
    fs::write(www.join(".env"), "SECRET=1")?;
    fs::write(pages.join("csp.html"), "<p>csp</p>")?;

    let dirs = |test_pages| StaticDirs {
        dist: dist.clone(),
        www: www.clone(),
        test_pages,
        hidden: vec![root.join("config.json")],
    };
    let t = TestServer::with(
        fixture(),
        db.fresh("db").await,
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
    // The loader's chunks, beside it and cached like it.
    for (chunk, body) in [
        ("/launcher.js", "export default()=>1;"),
        ("/touch.js", "export default()=>2;"),
    ] {
        let r = get(chunk).await?;
        assert_eq!(r.status(), 200, "{chunk}");
        assert_eq!(
            r.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(r.headers()["cache-control"], "public, max-age=300");
        assert_eq!(r.headers()["vary"], "accept-encoding");
        assert_eq!(r.text().await?, body);
    }

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
    // The loyalty panel's chunk, served like the widget.
    let r = get("/loyalty/panel.js").await?;
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["vary"], "accept-encoding");
    assert_eq!(
        get("/loyalty/panel_bg.wasm").await?.headers()["content-type"],
        "application/wasm"
    );

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

    // Dot-files are never served (secrets: tests/secrets.rs).
    assert_eq!(get("/.env").await?.status(), 404);
    assert_eq!(get("/%2eenv").await?.status(), 404);
    assert_eq!(
        raw_get(&t.server.addr().to_string(), "/widget/../index.html")
            .await?
            .0,
        404
    );
    assert_eq!(get("/missing.html").await?.status(), 404);
    t.stop().await;

    // Without --test-pages, /test/ is not served.
    let t = TestServer::with(fixture(), db.fresh("db").await, Some(dirs(None))).await;
    assert_eq!(
        t.client.get(t.url("/test/csp.html")).send().await?.status(),
        404
    );
    t.stop().await;
    let _ = fs::remove_dir_all(root);
    Ok(())
}
}

backend_tests! {
/// Build output is sent from its pre-compressed copies as the request's `Accept-Encoding`
/// allows (brotli first), with the original's content type, and as it is otherwise.
#[tokio::test]
async fn precompressed_build_output(db: Backend) -> TestResult {
    let root = temp_path("precompressed", "");
    let (dist, www) = (root.join("dist"), root.join("www"));
    // The build's deploy tree: each file with its pre-compressed copies beside it.
    let tree = dist.join("precompressed");
    fs::create_dir_all(tree.join("widget"))?;
    fs::create_dir_all(&www)?;
    fs::write(tree.join("rapport.js"), "window.rapport=1;")?;
    fs::write(tree.join("rapport.js.gz"), b"loader-gz")?;
    fs::write(tree.join("widget/widget_bg.wasm"), b"\0asm\x01\0\0\0")?;
    fs::write(tree.join("widget/widget_bg.wasm.gz"), b"wasm-gz")?;
    fs::write(tree.join("widget/widget_bg.wasm.br"), b"wasm-br")?;
    let t = serve_build(&db, &dist, &www).await;
    let get = |path: &str, accept: &str| {
        t.client
            .get(t.url(path))
            .header("accept-encoding", accept)
            .send()
    };

    let r = get("/widget/widget_bg.wasm", "gzip, deflate, br, zstd").await?;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.headers()["vary"]
        .to_str()?
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(r.bytes().await?.as_ref(), b"wasm-br");

    let r = get("/widget/widget_bg.wasm", "gzip").await?;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.bytes().await?.as_ref(), b"wasm-gz");

    let r = get("/widget/widget_bg.wasm", "identity").await?;
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.bytes().await?.as_ref(), b"\0asm\x01\0\0\0");

    // The loader has only a gzip copy: brotli-capable clients get that.
    let r = get("/rapport.js", "br, gzip").await?;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["cache-control"], "public, max-age=300");
    assert_eq!(r.bytes().await?.as_ref(), b"loader-gz");
    t.stop().await;
    let _ = fs::remove_dir_all(root);
    Ok(())
}
}

backend_tests! {
/// Without the deploy tree, build output is served from `--dist` as it is: a stray `.gz`
/// beside a file (an older build's) is never sent in its place.
#[tokio::test]
async fn build_output_without_the_deploy_tree_is_served_as_it_is(db: Backend) -> TestResult {
    let root = temp_path("plain-dist", "");
    let (dist, www) = (root.join("dist"), root.join("www"));
    fs::create_dir_all(dist.join("widget"))?;
    fs::create_dir_all(&www)?;
    fs::write(dist.join("rapport.js"), "window.rapport=2;")?;
    fs::write(dist.join("rapport.js.gz"), b"stale-gz")?;
    fs::write(dist.join("widget/widget.js"), "export default 1;")?;
    let t = serve_build(&db, &dist, &www).await;
    for (path, body) in [
        ("/rapport.js", "window.rapport=2;"),
        ("/widget/widget.js", "export default 1;"),
    ] {
        let r = t
            .client
            .get(t.url(path))
            .header("accept-encoding", "gzip, br")
            .send()
            .await?;
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers().get("content-encoding").is_none(), "{path}");
        assert_eq!(r.text().await?, body);
    }
    t.stop().await;
    let _ = fs::remove_dir_all(root);
    Ok(())
}
}

/// A collector serving `dist` as its build output and `www` as its storefront.
async fn serve_build(db: &Backend, dist: &std::path::Path, www: &std::path::Path) -> TestServer {
    let dirs = StaticDirs {
        dist: dist.to_path_buf(),
        www: www.to_path_buf(),
        test_pages: None,
        hidden: Vec::new(),
    };
    TestServer::with(fixture(), db.fresh("db").await, Some(dirs)).await
}
