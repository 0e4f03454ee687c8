//! The console's collector side over real HTTP, on both backends: the setup link (single
//! use, expiry), sign-in (wrong password, throttle, cookie attributes, a new session id at
//! every sign-in), sign-out, CSRF and cross-site refusal, roles, and the audit log.

mod common;

use std::sync::Arc;

use common::console::*;
use common::*;
use rapport_server::clock::FakeClock;
use rapport_server::console::setup;
use serde_json::{json, Value};

const AGENT: &str = "agent@shop.example";
const AGENT_PW: &str = "agent password 1234";
/// 2026-12-07T00:00:00Z.
const T0: i64 = 1_796_601_600_000;

fn config(extra: Value) -> Value {
    let mut c = fixture();
    c["console"] = extra;
    c
}

async fn server(db: &Backend, console: Value) -> (TestServer, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(T0));
    let t = TestServer::with_clock(
        config(console),
        db.fresh("console").await,
        None,
        Some(clock.clone()),
    )
    .await;
    (t, clock)
}

async fn link(t: &TestServer) -> String {
    let now = t.server.state().clock.now_millis();
    setup::issue(&**t.server.store(), now)
        .await
        .expect("a setup link is issued")
        .token
}

async fn post_setup(t: &TestServer, token: &str, email: &str, pw: &str) -> reqwest::Response {
    t.client
        .post(t.url("/admin/api/setup"))
        .json(&json!({ "token": token, "email": email, "password": pw }))
        .send()
        .await
        .expect("sent")
}

/// `POST /admin/api/session` as it is answered (with the browser's `cookie` when given).
async fn post_session(
    t: &TestServer,
    email: &str,
    pw: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = t
        .client
        .post(t.url("/admin/api/session"))
        .json(&json!({ "email": email, "password": pw }));
    if let Some(c) = cookie {
        req = req.header("cookie", format!("rapport_console={c}"));
    }
    req.send().await.expect("sent")
}

async fn me(t: &TestServer, id: &str) -> reqwest::Response {
    t.client
        .get(t.url("/admin/api/me"))
        .header("cookie", format!("rapport_console={id}"))
        .send()
        .await
        .expect("sent")
}

async fn audit_actions(t: &TestServer, s: &Session) -> Vec<(String, Value)> {
    let page: Value = s
        .req(t, reqwest::Method::GET, "/admin/api/audit?limit=200")
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["action"].as_str().unwrap_or("").to_owned(), e.clone()))
        .collect()
}

backend_tests! {
#[tokio::test]
async fn setup_link_is_single_use_and_expires(db: Backend) -> TestResult {
    let (t, clock) = server(&db, json!({})).await;
    let token = link(&t).await;
    // A short password is refused and does not use the token up.
    let (status, code, field) = error_of(post_setup(&t, &token, OWNER, "short").await).await;
    assert_eq!((status, code.as_str(), field.as_str()), (400, "invalid_field", "password"));
    let resp = post_setup(&t, &token, OWNER, OWNER_PW).await;
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await?;
    assert_eq!(body["user"]["role"], "owner");
    assert_eq!(body["user"]["email"], OWNER);
    assert!(body["user"].get("passwordHash").is_none());
    assert!(!body.to_string().contains("argon2"));
    // Used once: refused the second time, even for another e-mail.
    let (status, code, _) =
        error_of(post_setup(&t, &token, "second@shop.example", OWNER_PW).await).await;
    assert_eq!((status, code.as_str()), (401, "bad_setup_token"));
    // A fresh link expires after 24 hours.
    let late = link(&t).await;
    clock.advance(setup::LIFETIME_MS);
    let (status, code, _) = error_of(post_setup(&t, &late, "late@shop.example", OWNER_PW).await).await;
    assert_eq!((status, code.as_str()), (401, "bad_setup_token"));
    // A made-up token is refused too.
    let (status, _, _) = error_of(post_setup(&t, "made-up", "x@shop.example", OWNER_PW).await).await;
    assert_eq!(status, 401);
    // The owner exists and signs in; the setup is in the audit log.
    let s = sign_in(&t, OWNER, OWNER_PW).await;
    let actions = audit_actions(&t, &s).await;
    let setup_line = actions.iter().find(|(a, _)| a == "setup").map(|(_, e)| e.clone());
    let setup_line = setup_line.ok_or("no setup line in the audit log")?;
    assert_eq!(setup_line["actor"], OWNER);
    assert_eq!(setup_line["client"], "127.0.0.1");
    assert_eq!(setup_line["at"], T0);
    // Tokens are stored as digests, not as issued.
    if let Some(path) = t.db.sqlite_path() {
        let conn = rusqlite::Connection::open(path)?;
        let stored: String =
            conn.query_row("SELECT group_concat(token_hash) FROM console_setup_tokens", [], |r| r.get(0))?;
        assert!(!stored.contains(&token), "{stored}");
        assert!(stored.contains(&rapport_server::console::secret::digest(&token)));
    }
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_a_new_session_id_each_time(db: Backend) -> TestResult {
    let (t, clock) = server(&db, json!({})).await;
    let first = owner(&t).await;
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/admin", "Max-Age=43200"] {
        assert!(first.set_cookie.contains(attr), "{} lacks {attr}", first.set_cookie);
    }
    assert!(!first.set_cookie.contains("Secure"), "plain http: {}", first.set_cookie);
    assert_eq!(first.id.len(), 43);
    let resp = me(&t, &first.id).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await?;
    assert_eq!(body["user"]["role"], "owner");
    assert_eq!(body["csrfToken"].as_str(), Some(first.csrf.as_str()));

    // Fixation: signing in while carrying a session id (planted or old) yields a new id
    // and ends the old one.
    let resp = post_session(&t, OWNER, OWNER_PW, Some(&first.id)).await;
    assert_eq!(resp.status(), 200);
    let second = session_of(resp).await;
    assert_ne!(second.id, first.id);
    assert_ne!(second.csrf, first.csrf);
    assert_eq!(me(&t, &first.id).await.status(), 401);
    assert_eq!(me(&t, &second.id).await.status(), 200);
    // A planted id that was never a session is not adopted either.
    let planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let third = session_of(post_session(&t, OWNER, OWNER_PW, Some(planted)).await).await;
    assert_ne!(third.id, planted);
    assert_eq!(me(&t, planted).await.status(), 401);

    // Idle expiry: 30 minutes without a request ends the session.
    clock.advance(30 * 60 * 1000);
    let (status, code, _) = error_of(me(&t, &third.id).await).await;
    assert_eq!((status, code.as_str()), (401, "unauthenticated"));
    t.stop().await;

    // Behind an https public URL the cookie is Secure.
    let (t, _) = server(&db, json!({ "publicUrl": "https://feedback.shop.example" })).await;
    let s = owner(&t).await;
    assert!(s.set_cookie.ends_with("; Secure"), "{}", s.set_cookie);
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled(db: Backend) -> TestResult {
    let (t, _) = server(&db, json!({ "signInBurst": 3 })).await;
    let s = owner(&t).await;
    let (status, code, field) = error_of(post_session(&t, OWNER, "wrong password!!", None).await).await;
    assert_eq!((status, code.as_str(), field.as_str()), (401, "bad_credentials", "password"));
    // An unknown account answers exactly like a wrong password.
    let (status, code, _) = error_of(post_session(&t, "nobody@shop.example", OWNER_PW, None).await).await;
    assert_eq!((status, code.as_str()), (401, "bad_credentials"));
    assert_eq!(post_session(&t, OWNER, "wrong password!!", None).await.status(), 401);
    // Three failures from this client: even the right password now waits.
    let resp = post_session(&t, OWNER, OWNER_PW, None).await;
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"].to_str()?.parse()?;
    assert!((1..=30).contains(&retry), "{retry}");
    let (_, code, _) = error_of(resp).await;
    assert_eq!(code, "rate_limited");
    // The failures are in the audit log, with the e-mail tried.
    let failed: Vec<Value> = audit_actions(&t, &s)
        .await
        .into_iter()
        .filter(|(a, _)| a == "sign_in_failed")
        .map(|(_, e)| e)
        .collect();
    assert_eq!(failed.len(), 3);
    assert!(failed.iter().any(|e| e["actor"] == "nobody@shop.example"));
    assert!(!failed.iter().any(|e| e.to_string().contains("wrong password")));
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn csrf_less_cross_site_and_unauthenticated_requests_are_refused(db: Backend) -> TestResult {
    let (t, _) = server(&db, json!({})).await;
    let s = owner(&t).await;
    let agent = json!({ "email": AGENT, "password": AGENT_PW });
    let post_users = || {
        t.client
            .post(t.url("/admin/api/users"))
            .header("cookie", format!("rapport_console={}", s.id))
            .json(&agent)
    };
    // No CSRF token, then a wrong one.
    let (status, code, field) = error_of(post_users().send().await?).await;
    assert_eq!((status, code.as_str(), field.as_str()), (403, "csrf", "x-csrf-token"));
    let (status, code, _) =
        error_of(post_users().header("x-csrf-token", "not-it").send().await?).await;
    assert_eq!((status, code.as_str()), (403, "csrf"));
    // Cross-site: by Origin, and by Sec-Fetch-Site, even with the right token.
    let with_token = || post_users().header("x-csrf-token", &s.csrf);
    let (status, code, field) =
        error_of(with_token().header("origin", FOREIGN).send().await?).await;
    assert_eq!((status, code.as_str(), field.as_str()), (403, "cross_site", "origin"));
    let (status, code, field) =
        error_of(with_token().header("sec-fetch-site", "cross-site").send().await?).await;
    assert_eq!((status, code.as_str(), field.as_str()), (403, "cross_site", "sec-fetch-site"));
    // Signing in from another site's page is refused too (login CSRF).
    let resp = t
        .client
        .post(t.url("/admin/api/session"))
        .header("origin", FOREIGN)
        .json(&json!({ "email": OWNER, "password": OWNER_PW }))
        .send()
        .await?;
    assert_eq!(error_of(resp).await.0, 403);
    // Unauthenticated: 401 JSON on every endpoint.
    for (method, path) in [
        (reqwest::Method::GET, "/admin/api/me"),
        (reqwest::Method::GET, "/admin/api/users"),
        (reqwest::Method::POST, "/admin/api/users"),
        (reqwest::Method::PATCH, "/admin/api/users/x"),
        (reqwest::Method::GET, "/admin/api/audit"),
        (reqwest::Method::DELETE, "/admin/api/session"),
    ] {
        let resp = t.client.request(method.clone(), t.url(path)).json(&agent).send().await?;
        let (status, code, _) = error_of(resp).await;
        assert_eq!((status, code.as_str()), (401, "unauthenticated"), "{method} {path}");
    }
    // The admin token is no console credential.
    let resp = t.client.get(t.url("/admin/api/me")).bearer_auth(ADMIN).send().await?;
    assert_eq!(resp.status(), 401);
    // Same-origin with the token: accepted.
    let origin = t.base.clone();
    let resp = with_token()
        .header("origin", origin)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await?;
    assert_eq!(resp.status(), 201);
    // Unknown console paths are JSON 404s.
    let (status, code, _) = error_of(t.client.get(t.url("/admin/api/nope")).send().await?).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn agents_cannot_do_owner_actions_and_disabling_ends_their_sessions(db: Backend) -> TestResult {
    let (t, _) = server(&db, json!({})).await;
    let o = owner(&t).await;
    let resp = o
        .req(&t, reqwest::Method::POST, "/admin/api/users")
        .json(&json!({ "email": AGENT, "password": AGENT_PW }))
        .send()
        .await?;
    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await?;
    assert_eq!(created["user"]["role"], "agent");
    let agent_id = created["user"]["id"].as_str().ok_or("agent id")?.to_owned();
    // The same e-mail twice is a conflict.
    let resp = o
        .req(&t, reqwest::Method::POST, "/admin/api/users")
        .json(&json!({ "email": AGENT.to_uppercase(), "password": AGENT_PW }))
        .send()
        .await?;
    assert_eq!(error_of(resp).await.0, 409);

    let a = sign_in(&t, AGENT, AGENT_PW).await;
    let body: Value = me(&t, &a.id).await.json().await?;
    assert_eq!(body["user"]["role"], "agent");
    for (method, path, body) in [
        (reqwest::Method::POST, "/admin/api/users".to_owned(), json!({ "email": "x@shop.example", "password": AGENT_PW, "role": "owner" })),
        (reqwest::Method::PATCH, format!("/admin/api/users/{}", o_id(&t, &o).await?), json!({ "disabled": true })),
        (reqwest::Method::GET, "/admin/api/users".to_owned(), json!({})),
        (reqwest::Method::GET, "/admin/api/audit".to_owned(), json!({})),
    ] {
        let resp = a.req(&t, method.clone(), &path).json(&body).send().await?;
        let (status, code, field) = error_of(resp).await;
        assert_eq!((status, code.as_str(), field.as_str()), (403, "forbidden_role", "role"), "{method} {path}");
    }
    // The owner was not disabled by the agent's attempt.
    assert_eq!(me(&t, &o.id).await.status(), 200);
    // An owner cannot lock themselves out.
    let own = format!("/admin/api/users/{}", o_id(&t, &o).await?);
    let resp = o.req(&t, reqwest::Method::PATCH, &own).json(&json!({ "disabled": true })).send().await?;
    assert_eq!(error_of(resp).await.0, 409);
    // Disabling the agent ends their session and their sign-ins.
    let path = format!("/admin/api/users/{agent_id}");
    let resp = o.req(&t, reqwest::Method::PATCH, &path).json(&json!({ "disabled": true })).send().await?;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await?;
    assert_eq!(body["user"]["disabled"], true);
    assert_eq!(me(&t, &a.id).await.status(), 401);
    assert_eq!(post_session(&t, AGENT, AGENT_PW, None).await.status(), 401);
    let resp = o.req(&t, reqwest::Method::PATCH, &path).json(&json!({ "disabled": false })).send().await?;
    assert_eq!(resp.status(), 200);
    assert_eq!(post_session(&t, AGENT, AGENT_PW, None).await.status(), 200);
    let resp = o.req(&t, reqwest::Method::PATCH, "/admin/api/users/nobody").json(&json!({ "disabled": true })).send().await?;
    assert_eq!(error_of(resp).await.0, 404);
    let actions: Vec<String> = audit_actions(&t, &o).await.into_iter().map(|(a, _)| a).collect();
    for expected in ["user_created", "user_disabled", "user_enabled"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} missing from {actions:?}");
    }
    t.stop().await;
    Ok(())
}
}

async fn o_id(t: &TestServer, s: &Session) -> Result<String, Box<dyn std::error::Error>> {
    let body: Value = me(t, &s.id).await.json().await?;
    Ok(body["user"]["id"].as_str().ok_or("id")?.to_owned())
}

backend_tests! {
#[tokio::test]
async fn sign_out_ends_the_session_and_the_audit_log_pages_newest_first(db: Backend) -> TestResult {
    let (t, clock) = server(&db, json!({})).await;
    let s = owner(&t).await;
    clock.advance(1000);
    let resp = s.req(&t, reqwest::Method::DELETE, "/admin/api/session").send().await?;
    assert_eq!(resp.status(), 204);
    let cleared = resp.headers()["set-cookie"].to_str()?.to_owned();
    assert!(cleared.starts_with("rapport_console=;") && cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(me(&t, &s.id).await.status(), 401);
    let again = s.req(&t, reqwest::Method::DELETE, "/admin/api/session").send().await?;
    assert_eq!(again.status(), 401);

    clock.advance(1000);
    let s = sign_in(&t, OWNER, OWNER_PW).await;
    let all = audit_actions(&t, &s).await;
    let actions: Vec<&str> = all.iter().map(|(a, _)| a.as_str()).collect();
    // Newest first: setup, sign-in, sign-out, sign-in.
    assert_eq!(actions, ["sign_in", "sign_out", "sign_in", "setup"]);
    let at: Vec<i64> = all.iter().map(|(_, e)| e["at"].as_i64().unwrap_or(0)).collect();
    assert_eq!(at, [T0 + 2000, T0 + 1000, T0, T0]);
    // Pages of two, joined by `next`, give the same lines.
    let first: Value = s.req(&t, reqwest::Method::GET, "/admin/api/audit?limit=2").send().await?.json().await?;
    let next = first["next"].as_str().ok_or("a next cursor")?.to_owned();
    let second: Value = s
        .req(&t, reqwest::Method::GET, &format!("/admin/api/audit?limit=2&before={next}"))
        .send()
        .await?
        .json()
        .await?;
    let joined: Vec<Value> = first["entries"].as_array().into_iter().chain(second["entries"].as_array()).flatten().cloned().collect();
    let full: Vec<Value> = all.into_iter().map(|(_, e)| e).collect();
    assert_eq!(joined, full);
    let resp = s.req(&t, reqwest::Method::GET, "/admin/api/audit?limit=0").send().await?;
    assert_eq!(error_of(resp).await.1, "invalid_field");
    t.stop().await;
    Ok(())
}
}

/// Starts the real binary over `db` and returns the setup token it prints, if it prints one
/// within a second after "listening on".
fn first_start_token(
    db: &TestDb,
    config: &std::path::Path,
) -> Result<Option<String>, Box<dyn std::error::Error>> {
    use std::io::BufRead;
    use std::time::Duration;
    let empty = temp_path("console-www", "");
    std::fs::create_dir_all(&empty)?;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport-server"))
        .args(["--listen", "127.0.0.1:0", "--db", &db.target, "--config"])
        .arg(config)
        .arg("--dist")
        .arg(&empty)
        .arg("--www")
        .arg(&empty)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let listening = rx.recv_timeout(Duration::from_secs(30));
    let next = rx.recv_timeout(Duration::from_secs(1));
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening?.contains("listening on http://"));
    Ok(next.ok().map(|line| {
        assert!(line.contains("/admin/setup#token="), "{line}");
        line.split("#token=")
            .nth(1)
            .unwrap_or_default()
            .trim()
            .to_owned()
    }))
}

backend_tests! {
#[tokio::test]
async fn the_binary_prints_a_setup_link_at_first_start_and_on_request(db: Backend) -> TestResult {
    let database = db.fresh("console_bin").await;
    let cfg = temp_path("console-config", ".json");
    std::fs::write(&cfg, config(json!({})).to_string())?;
    let first = first_start_token(&database, &cfg)?.ok_or("no setup link at first start")?;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rapport-server"))
        .args(["setup-link", "--db", &database.target, "--config"])
        .arg(&cfg)
        .output()?;
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout)?;
    assert!(printed.starts_with("http://127.0.0.1:8080/admin/setup#token="), "{printed}");
    let second = printed.split("#token=").nth(1).unwrap_or_default().trim().to_owned();
    assert_ne!(first, second);
    assert_eq!(second.len(), 43);

    let t = TestServer::with(config(json!({})), database.clone(), None).await;
    assert_eq!(post_setup(&t, &first, OWNER, OWNER_PW).await.status(), 201);
    assert_eq!(post_setup(&t, &second, "second@shop.example", OWNER_PW).await.status(), 201);
    let database = t.stop().await;
    // With a user, a start prints no link.
    assert_eq!(first_start_token(&database, &cfg)?, None);
    Ok(())
}
}
