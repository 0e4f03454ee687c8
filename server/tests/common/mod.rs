//! Test harness: a real collector on 127.0.0.1:0 with a temp SQLite file, and a reqwest
//! client talking HTTP to it.
#![allow(dead_code)]

pub mod binary;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use rapport_server::config::ServerConfig;
use rapport_server::static_files::StaticDirs;
use rapport_server::{start, RunningServer, ServerOptions};
use serde_json::{json, Value};

pub const ADMIN: &str = "demo-admin-token-0123456789";
pub const OTHER_ADMIN: &str = "other-admin-token-0123456789";
pub const ALLOWED: &str = "https://shop.example";
pub const FOREIGN: &str = "https://evil.example";

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn fixture() -> Value {
    let text = include_str!("../fixtures/site.json");
    serde_json::from_str(text).expect("fixture is JSON")
}

/// A unique path under the temp dir.
pub fn temp_path(name: &str, ext: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "rapport-test-{name}-{}-{nanos}-{}{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

pub struct TestServer {
    pub server: RunningServer,
    pub base: String,
    pub client: reqwest::Client,
    pub db: PathBuf,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::with_config(fixture()).await
    }

    pub async fn with_config(config: Value) -> Self {
        Self::with(config, temp_path("db", ".sqlite"), None).await
    }

    pub async fn with(config: Value, db: PathBuf, dirs: Option<StaticDirs>) -> Self {
        let config = ServerConfig::from_json(&config.to_string()).expect("test config is valid");
        let mut options = ServerOptions::new(config, db.clone());
        if let Some(dirs) = dirs {
            options.dirs = dirs;
        }
        let server = start(options).await.expect("server starts");
        let base = format!("http://{}", server.addr());
        TestServer {
            server,
            base,
            client: reqwest::Client::new(),
            db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs a JSON body (given as text, sent verbatim).
    pub async fn post_text(&self, body: &str, origin: Option<&str>) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url("/v1/responses"))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        req.send().await.expect("request sent")
    }

    pub async fn post(&self, body: &Value) -> reqwest::Response {
        self.post_text(&body.to_string(), None).await
    }

    pub async fn export(&self, query: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(&format!("/v1/responses?{query}")));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("request sent")
    }

    pub async fn export_json(&self) -> Vec<Value> {
        let resp = self.export("site=demo&format=json", Some(ADMIN)).await;
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("export is JSON")
    }

    pub async fn stop(self) -> PathBuf {
        self.server.stop().await;
        self.db
    }
}

/// A valid response with a fresh id.
pub fn valid(id: &str) -> Value {
    json!({
        "id": id,
        "site": "demo",
        "survey": "post-purchase",
        "answers": [ { "question": "nps", "value": 9 }, { "question": "comment", "value": "great" } ],
        "locale": "en",
        "url": "https://shop.example/order/123",
        "userId": "u-1",
        "traits": { "plan": "pro" },
        "createdAt": "2026-11-22T10:00:00Z"
    })
}

/// Asserts the `{"error": {code, field, message}}` shape and returns (code, field).
pub async fn error_of(resp: reqwest::Response) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.expect("error body is JSON");
    let err = &body["error"];
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    (
        status,
        err["code"].as_str().unwrap_or_default().to_owned(),
        err["field"].as_str().unwrap_or_default().to_owned(),
    )
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// `GET path` sent byte for byte over a fresh connection (an HTTP client library would
/// normalise `..`, `%2e` and `//` before sending, as an attacker's raw client does not).
/// Returns the status code and the body (`Connection: close`, read to the end).
pub async fn raw_get(addr: &str, path: &str) -> Result<(u16, String), Box<dyn std::error::Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {text:?}"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}
