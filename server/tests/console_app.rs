//! The console's pages over real HTTP: every `/admin/*` path that is not the API answers
//! the HTML shell (deep links reload), `/admin/assets/*` the app's files, all with the
//! strict Content-Security-Policy and its companion headers; `/admin/api/*` stays JSON.

mod common;

use std::fs;

use common::*;
use rapport_server::console::setup;
use rapport_server::routes::console_app::CSP;
use rapport_server::static_files::StaticDirs;
use serde_json::{json, Value};

const SHELL: &str = "<!doctype html><title>console</title>";

backend_tests! {
#[tokio::test]
async fn console_shell_assets_and_headers(db: Backend) -> TestResult {
    let root = temp_path("console-app", "");
    let (dist, www) = (root.join("dist"), root.join("www"));
    fs::create_dir_all(dist.join("console"))?;
    fs::create_dir_all(&www)?;
    fs::write(dist.join("console/index.html"), SHELL)?;
    fs::write(dist.join("console/boot.js"), "import init from './console.js';")?;
    fs::write(dist.join("console/console_bg.wasm"), b"\0asm\x01\0\0\0")?;
    fs::write(dist.join("console/console.css"), "body{}")?;
    fs::write(www.join("index.html"), "<h1>Shop</h1>")?;
    let dirs = StaticDirs {
        dist: dist.clone(),
        www: www.clone(),
        test_pages: None,
        hidden: vec![root.join("config.json")],
    };
    let t = TestServer::with(fixture(), db.fresh("db").await, Some(dirs)).await;
    let get = |path: &str| t.client.get(t.url(path)).send();

    for path in [
        "/admin",
        "/admin/",
        "/admin/setup",
        "/admin/users",
        "/admin/inbox?band=detractor&sort=risk",
        "/admin/inbox/site-1/resp%2F1",
        "/admin/not-a-page/deeper",
    ] {
        let r = get(path).await?;
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        assert!(h["content-type"].to_str()?.starts_with("text/html"), "{path}");
        assert_eq!(h["content-security-policy"], CSP, "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["cache-control"], "no-cache");
        assert_eq!(r.text().await?, SHELL, "{path}");
    }
    // The policy itself: nothing inline, nothing from elsewhere.
    assert!(CSP.contains("default-src 'none'"));
    assert!(CSP.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(CSP.contains("frame-ancestors 'none'"));
    assert!(!CSP.contains("unsafe-inline"));

    let r = get("/admin/assets/boot.js").await?;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str()?.contains("javascript"));
    assert_eq!(r.headers()["content-security-policy"], CSP);
    let r = get("/admin/assets/console_bg.wasm").await?;
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(get("/admin/assets/nope.js").await?.status(), 404);

    // The API is not the shell.
    let r = get("/admin/api/no-such-endpoint").await?;
    assert_eq!(r.status(), 404);
    assert!(r.headers()["content-type"].to_str()?.contains("application/json"));
    assert_eq!(get("/admin/api/me").await?.status(), 401);
    // The storefront is untouched.
    assert_eq!(get("/").await?.text().await?, "<h1>Shop</h1>");
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn sites_for_the_site_picker(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let url = t.url("/admin/api/sites");
    assert_eq!(t.client.get(&url).send().await?.status(), 401);
    let now = t.server.state().clock.now_millis();
    let token = setup::issue(&**t.server.store(), now).await?.token;
    let (email, password) = ("owner@shop.example", "correct horse battery staple");
    let created = t
        .client
        .post(t.url("/admin/api/setup"))
        .json(&json!({ "token": token, "email": email, "password": password }))
        .send()
        .await?;
    assert_eq!(created.status(), 201);
    let signed_in = t
        .client
        .post(t.url("/admin/api/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await?;
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let r = t.client.get(&url).header("cookie", &cookie).send().await?;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = r.json().await?;
    let ids: Vec<&str> = body["sites"]
        .as_array()
        .ok_or("sites is an array")?
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    let expected: Vec<String> = fixture()["sites"]
        .as_array()
        .ok_or("fixture sites")?
        .iter()
        .filter_map(|s| s["site"].as_str().map(str::to_owned))
        .collect();
    assert!(!ids.is_empty());
    assert_eq!(ids, expected);
    // Nothing secret rides along.
    assert!(!body.to_string().contains("dminToken"));
    t.stop().await;
    Ok(())
}
}
