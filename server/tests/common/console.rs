//! The console set-up the API tests share: the owner made through a setup link and signed
//! in, agents added by the owner and signed in, requests with the session cookie and CSRF token, and an
//! answer posted as an identified (token-verified) shopper.

use rapport_server::clock::Clock;
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};

use super::TestServer;

/// The owner's e-mail.
pub const OWNER: &str = "owner@shop.example";
/// The owner's password.
pub const OWNER_PW: &str = "correct horse battery staple";

/// A signed-in browser: the session cookie's value, the session's CSRF token, the signed-in
/// user's id and the whole `Set-Cookie` header the sign-in answered with.
pub struct Session {
    pub id: String,
    pub csrf: String,
    pub user: String,
    pub set_cookie: String,
}

impl Session {
    /// A request to `path` with the session cookie and the CSRF token.
    pub fn req(
        &self,
        t: &TestServer,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        t.client
            .request(method, t.url(path))
            .header("cookie", format!("rapport_console={}", self.id))
            .header("x-csrf-token", &self.csrf)
    }

    /// Sends `body` (if any) and returns the status and the JSON body (`null` if none).
    pub async fn json(
        &self,
        t: &TestServer,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut r = self.req(t, method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.expect("sent");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// `GET path`, which must answer 200 with JSON.
    pub async fn get(&self, t: &TestServer, path: &str) -> Value {
        let (status, v) = self.json(t, reqwest::Method::GET, path, None).await;
        assert_eq!(status, 200, "GET {path}: {v}");
        v
    }
}

/// Signs `email` in with `pw`.
pub async fn sign_in(t: &TestServer, email: &str, pw: &str) -> Session {
    let resp = t
        .client
        .post(t.url("/admin/api/session"))
        .json(&json!({ "email": email, "password": pw }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    session_of(resp).await
}

/// The session a successful sign-in answered with (its cookie and body).
pub async fn session_of(resp: reqwest::Response) -> Session {
    let set_cookie = resp.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let id = set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.strip_prefix("rapport_console="))
        .expect("session cookie")
        .to_owned();
    let body: Value = resp.json().await.expect("JSON");
    Session {
        id,
        csrf: body["csrfToken"].as_str().expect("csrf").to_owned(),
        user: body["user"]["id"].as_str().expect("user id").to_owned(),
        set_cookie,
    }
}

/// An agent `email` with password `pw`, added by `owner` and signed in.
pub async fn agent(t: &TestServer, owner: &Session, email: &str, pw: &str) -> Session {
    let resp = owner
        .req(t, reqwest::Method::POST, "/admin/api/users")
        .json(&json!({ "email": email, "password": pw, "role": "agent" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 201);
    sign_in(t, email, pw).await
}

/// The owner ([`OWNER`]), made through a fresh setup link and signed in.
pub async fn owner(t: &TestServer) -> Session {
    let now = t.server.state().clock.now_millis();
    let link = rapport_server::console::setup::issue(&**t.server.store(), now)
        .await
        .expect("setup link");
    let resp = t
        .client
        .post(t.url("/admin/api/setup"))
        .json(&json!({ "token": link.token, "email": OWNER, "password": OWNER_PW }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 201);
    sign_in(t, OWNER, OWNER_PW).await
}

/// A customer token for `sub` on site `demo`, signed with `secret`, valid for ten minutes
/// from `now_millis`.
pub fn customer_token(secret: &str, sub: &str, now_millis: i64) -> String {
    let claims = CustomerClaims::new(sub, "demo", now_millis / 1000, 600);
    mint(secret.as_bytes(), &claims).expect("mint")
}

/// Posts a complete response `id` to `demo`'s `post-purchase` survey with NPS `nps` and
/// comment `comment`, as `customer` (a token signed with `secret`) when given; checks the
/// receipt names that customer.
pub async fn identified_answer(
    t: &TestServer,
    secret: &str,
    id: &str,
    nps: i64,
    comment: &str,
    customer: Option<&str>,
) {
    let mut body = super::valid(id);
    body["answers"] =
        json!([{ "question": "nps", "value": nps }, { "question": "comment", "value": comment }]);
    let mut req = t.client.post(t.url("/v1/responses")).json(&body);
    if let Some(c) = customer {
        let now = t.server.state().clock.now_millis();
        req = req.bearer_auth(customer_token(secret, c, now));
    }
    let resp = req.send().await.expect("sent");
    assert_eq!(resp.status(), 201, "{id}");
    let receipt: Value = resp.json().await.expect("JSON");
    assert_eq!(receipt["customer"].as_str(), customer, "{id}");
}
