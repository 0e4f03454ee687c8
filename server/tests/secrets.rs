//! The config file (admin tokens) and the database are never served, by any path.
//!
//! Regression for a leak: with the demo's flags, `GET /rapport.config.json/` (also `%2f`,
//! `//`) answered 200 with the live configuration, admin tokens included. Two rules now
//! hold: the server refuses to start with a secret inside a served directory, and every
//! request path is resolved the way the file server resolves it and compared with the
//! secrets by canonical path (defence in depth, tested here by building the router over a
//! layout `start` would refuse).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use rapport_server::config::ServerConfig;
use rapport_server::static_files::StaticDirs;
use rapport_server::store::SqliteStore;
use rapport_server::{build_app, serve, start, AppState, ServerOptions, StartError};
use tokio::net::TcpListener;

/// Every way of spelling a request for `name` (a file at the root of the storefront) that
/// some part of the stack might resolve to it.
fn variants(name: &str) -> Vec<String> {
    let encoded: String = name.bytes().map(|b| format!("%{b:02x}")).collect();
    vec![
        format!("/{name}"),
        format!("/{name}/"),
        format!("/{name}%2f"),
        format!("/{name}%2F"),
        format!("//{name}"),
        format!("//{name}//"),
        format!("/./{name}"),
        format!("/%2e/{name}"),
        format!("/{encoded}"),
        format!("/{encoded}/"),
        format!("/widget/../{name}"),
        format!("/widget/%2e%2e/{name}"),
        format!("/widget%2f..%2f{name}"),
        format!("/test/../{name}"),
        format!("/rapport.js/../{name}"),
    ]
}

#[tokio::test]
async fn the_demo_layout_serves_no_secret() -> TestResult {
    // Exactly the layout `cargo xtask demo` uses: the repository's storefront, config and
    // a database under `.rapport/`.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config_path = repo.join("config/demo.json");
    let config_text = fs::read_to_string(&config_path)?;
    let token = serde_json::from_str::<serde_json::Value>(&config_text)?["sites"][0]["adminToken"]
        .as_str()
        .map(str::to_owned)
        .ok_or("demo config has an admin token")?;
    let db = temp_path("demo-layout", ".sqlite");
    let dirs = StaticDirs {
        dist: repo.join("dist"),
        www: repo.join("www/demo"),
        test_pages: None,
        hidden: vec![config_path.clone(), db.clone()],
    };
    let config = ServerConfig::from_json(&config_text)?;
    let mut options = ServerOptions::new(config, db.clone());
    options.dirs = dirs;
    let server = start(options).await?;
    let addr = server.addr().to_string();
    let mut requested = 0;
    for name in ["rapport.config.json", "demo.json", "config/demo.json"] {
        for path in variants(name)
            .into_iter()
            .chain([format!("/../{name}"), format!("/..%2f{name}")])
        {
            let (status, body) = raw_get(&addr, &path).await?;
            assert!(!body.contains(&token), "{path} leaked the admin token");
            assert_ne!(status, 200, "{path}");
            requested += 1;
        }
    }
    assert!(requested >= 45);
    // The storefront itself is still served.
    assert_eq!(raw_get(&addr, "/").await?.0, 200);
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn start_refuses_a_secret_inside_a_served_directory() -> TestResult {
    let root = temp_path("exposed", "");
    let (dist, www, pages, outside) = (
        root.join("dist"),
        root.join("www"),
        root.join("pages"),
        root.join("private"),
    );
    for d in [&dist, &www, &pages, &outside] {
        fs::create_dir_all(d)?;
    }
    let dirs = |hidden: Vec<PathBuf>| StaticDirs {
        dist: dist.clone(),
        www: www.clone(),
        test_pages: Some(pages.clone()),
        hidden,
    };
    let refused = |secret: PathBuf, flag: &'static str| {
        let dirs = dirs(vec![outside.join("config.json"), secret.clone()]);
        expect_refused(dirs, outside.join("ok.sqlite"), secret, flag)
    };
    refused(www.join("rapport.config.json"), "--www").await?;
    // A database that does not exist yet, in a folder that does not exist yet.
    refused(www.join("data/new/demo.sqlite"), "--www").await?;
    refused(dist.join("db.sqlite"), "--dist").await?;
    refused(pages.join("config.json"), "--test-pages").await?;
    // Spelled with `..` and `.`, or with a trailing `/.`.
    refused(outside.join("../www/./x.json"), "--www").await?;
    // Reached through a symbolic link that points into the storefront.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&www, root.join("link"))?;
        refused(root.join("link/config.json"), "--www").await?;
    }

    // Outside every served directory: starts.
    let mut options = ServerOptions::new(config()?, outside.join("db.sqlite"));
    options.dirs = dirs(vec![outside.join("config.json"), outside.join("db.sqlite")]);
    let server = start(options).await?;
    server.stop().await;
    let _ = fs::remove_dir_all(root);
    Ok(())
}

#[tokio::test]
async fn the_guard_refuses_every_spelling_of_a_secret() -> TestResult {
    // A layout `start` refuses, built directly: the guard alone must hold.
    let root = temp_path("guard", "");
    let (dist, www) = (root.join("dist"), root.join("www"));
    fs::create_dir_all(dist.join("widget"))?;
    fs::create_dir_all(www.join("sub"))?;
    fs::write(dist.join("rapport.js"), "window.rapport=1;")?;
    fs::write(dist.join("widget/widget.js"), "export default 1;")?;
    fs::write(www.join("index.html"), "<h1>Shop</h1>")?;
    fs::write(www.join("rapport.config.json"), "SECRET-CONFIG")?;
    // A look-alike of the loader's route (`/rapport.js` is a string prefix of it).
    fs::write(www.join("rapport.json"), "SECRET-LOOKALIKE")?;
    let db = www.join("rapport.sqlite");
    for side in ["", "-wal", "-shm", "-journal"] {
        fs::write(www.join(format!("rapport.sqlite{side}")), "SECRET-DB")?;
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(www.join("rapport.config.json"), www.join("sub/linked.json"))?;
    let dirs = StaticDirs {
        dist: dist.clone(),
        www: www.clone(),
        test_pages: None,
        hidden: vec![
            www.join("rapport.config.json"),
            www.join("rapport.json"),
            db.clone(),
        ],
    };
    let store = Arc::new(SqliteStore::open(&root.join("real.sqlite"))?);
    let app = build_app(AppState::new(config()?, store), &dirs);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, app, async {
        let _ = stopped.await;
    }));
    let mut paths = Vec::new();
    for name in [
        "rapport.config.json",
        "rapport.json",
        "rapport.sqlite",
        "rapport.sqlite-wal",
        "rapport.sqlite-shm",
        "rapport.sqlite-journal",
    ] {
        paths.extend(variants(name));
    }
    paths.extend([
        "/sub/linked.json".to_owned(),
        "/sub//linked.json/".to_owned(),
    ]);
    for path in &paths {
        let (status, body) = raw_get(&addr, path).await?;
        assert!(!body.contains("SECRET"), "{path} served a secret");
        assert_eq!(status, 404, "{path}");
    }
    // What is not secret is still served, by the same spellings.
    for (path, body) in [
        ("/index.html/", "<h1>Shop</h1>"),
        ("//index.html", "<h1>Shop</h1>"),
        ("/rapport.js", "window.rapport=1;"),
        ("/widget/widget.js", "export default 1;"),
    ] {
        let (status, got) = raw_get(&addr, path).await?;
        assert_eq!(status, 200, "{path}");
        assert_eq!(got, body, "{path}");
    }
    let _ = stop.send(());
    task.await??;
    let _ = fs::remove_dir_all(root);
    Ok(())
}

async fn expect_refused(
    dirs: StaticDirs,
    db: PathBuf,
    secret: PathBuf,
    flag: &'static str,
) -> TestResult {
    let mut options = ServerOptions::new(config()?, db);
    options.dirs = dirs;
    match start(options).await {
        Err(StartError::Exposed(e)) => {
            assert_eq!(e.flag, flag, "{}", secret.display());
            let message = e.to_string();
            assert!(message.contains("inside the served directory"), "{message}");
            Ok(())
        }
        Err(other) => Err(format!("{}: unexpected {other}", secret.display()).into()),
        Ok(server) => {
            server.stop().await;
            Err(format!("{} was accepted", secret.display()).into())
        }
    }
}

fn config() -> Result<ServerConfig, rapport_server::config::ConfigError> {
    ServerConfig::from_json(&fixture().to_string())
}

backend_tests! {
#[tokio::test]
async fn wrong_admin_tokens_are_throttled(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    assert_eq!(t.export("site=demo", Some(ADMIN)).await.status(), 200);
    for i in 0..10 {
        let r = t.export("site=demo", Some(&format!("guess-{i}"))).await;
        assert_eq!(r.status(), 403, "guess {i}");
    }
    let r = t.export("site=demo", Some("guess-10")).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str()?.parse()?;
    assert!((1..=30).contains(&wait), "Retry-After {wait}");
    // While throttled, the right token is refused too: guessing gains nothing.
    let (status, code, _) = error_of(t.export("site=demo", Some(ADMIN)).await).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    t.stop().await;
    Ok(())
}
}
