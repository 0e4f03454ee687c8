//! `/admin/api/*`: the console's setup, sign-in, sign-out, current user, user management
//! and audit log endpoints. Every handler starts from [`RequestFacts`] (cross-site requests
//! are refused before anything else) and, except setup and sign-in, from
//! [`Caller::signed_in`] (session, then CSRF token on state-changing methods); owner-only
//! actions call [`Caller::require_owner`]. Every response is `Cache-Control: no-store`.

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::console::audit::{self, Action};
use crate::console::context::{Caller, RequestFacts};
use crate::console::{password, secret, session, ConsoleError};
use crate::store::console::{NewSession, NewUser, Role, SetupOutcome, UserInsert};

/// Longest accepted e-mail address (RFC 5321 path limit).
pub const MAX_EMAIL: usize = 254;
/// Audit lines per page by default, and at most.
const AUDIT_PAGE: i64 = 50;
const AUDIT_PAGE_MAX: i64 = 200;
/// Largest `before` cursor (2^53 − 1: the largest integer every JSON reader holds exactly).
const MAX_CURSOR: i64 = 9_007_199_254_740_991;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetupBody {
    token: String,
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInBody {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    email: String,
    password: String,
    role: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchUserBody {
    disabled: bool,
}

fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ConsoleError> {
    serde_json::from_slice(bytes).map_err(|e| ConsoleError::field("body", e.to_string()))
}

/// The sign-in form of an e-mail address: lower-cased; refused unless it is one `@` between
/// non-empty parts, at most [`MAX_EMAIL`] characters, without spaces or ASCII control
/// characters (exactly the pattern the OpenAPI document states).
fn email(field: &str, raw: &str) -> Result<String, ConsoleError> {
    let allowed = |c: char| c != '@' && c > ' ' && c != '\u{7f}';
    let ok = raw.chars().count() <= MAX_EMAIL
        && raw.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && !d.is_empty() && l.chars().all(allowed) && d.chars().all(allowed)
        });
    match ok {
        true => Ok(raw.to_lowercase()),
        false => Err(ConsoleError::field(field, "must be an e-mail address")),
    }
}

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn with_cookie(mut response: Response, cookie: &str) -> Result<Response, ConsoleError> {
    let value = HeaderValue::from_str(cookie)
        .map_err(|e| ConsoleError::Hash(format!("cookie header: {e}")))?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

/// `POST /admin/api/setup`: creates the first owner with a one-time setup token.
pub async fn setup(
    State(state): State<AppState>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, ConsoleError> {
    let b: SetupBody = body(&bytes)?;
    let email = email("email", &b.email)?;
    password::check_new("password", &b.password)?;
    let digest = secret::digest(&b.token);
    let now = state.clock.now_millis();
    // A cheap look first, so that a made-up token never costs a password hash; the
    // redemption below re-checks in its transaction.
    if !state
        .store
        .console()
        .setup_token_live(digest.clone(), now)
        .await?
    {
        return Err(ConsoleError::BadSetupToken);
    }
    let owner = NewUser {
        id: secret::id()?,
        email: email.clone(),
        role: Role::Owner,
        password_hash: password::hash_blocking(b.password).await?,
        created_at: now,
    };
    let outcome = state
        .store
        .console()
        .redeem_setup(digest, now, owner)
        .await?;
    let user = match outcome {
        SetupOutcome::Created(user) => user,
        SetupOutcome::InvalidToken => return Err(ConsoleError::BadSetupToken),
        SetupOutcome::EmailTaken => return Err(ConsoleError::EmailTaken),
    };
    let store = &*state.store;
    audit::record(
        store,
        now,
        Some(&email),
        Action::Setup,
        Some(&email),
        facts.client,
    )
    .await?;
    Ok(no_store(StatusCode::CREATED, json!({ "user": user })))
}

/// `POST /admin/api/session`: signs in with e-mail and password; a new session id every
/// time (the one the browser carried, if any, is ended).
pub async fn sign_in(
    State(state): State<AppState>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, ConsoleError> {
    let b: SignInBody = body(&bytes)?;
    let email = email("email", &b.email)?;
    state.sign_in.admit(facts.client, &email, Instant::now())?;
    let console = state.store.console();
    let creds = console.credentials(email.clone()).await?;
    let stored = match &creds {
        Some(c) => c.password_hash.clone(),
        None => password::decoy().to_owned(),
    };
    let matches = password::verify_blocking(b.password, stored).await?;
    let now = state.clock.now_millis();
    let user = match creds {
        Some(c) if matches && !c.user.disabled => c.user,
        _ => {
            state.sign_in.failed(facts.client, &email, Instant::now());
            let store = &*state.store;
            audit::record(
                store,
                now,
                Some(&email),
                Action::SignInFailed,
                None,
                facts.client,
            )
            .await?;
            return Err(ConsoleError::BadCredentials);
        }
    };
    if let Some(old) = session::cookie_value(&facts.headers) {
        console.delete_session(secret::digest(old)).await?;
    }
    let id = secret::token()?;
    let csrf = secret::token()?;
    let expires_at = now.saturating_add(session::ABSOLUTE_MS);
    console
        .insert_session(NewSession {
            id_digest: secret::digest(&id),
            user_id: user.id.clone(),
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at,
            client: facts.client.to_string(),
        })
        .await?;
    let store = &*state.store;
    audit::record(store, now, Some(&email), Action::SignIn, None, facts.client).await?;
    let response = no_store(
        StatusCode::OK,
        json!({ "user": user, "csrfToken": csrf, "expiresAt": expires_at }),
    );
    with_cookie(response, &session::set_cookie(&id, facts.https))
}

/// `DELETE /admin/api/session`: signs out (the session ends on the server; the cookie is
/// cleared).
pub async fn sign_out(
    State(state): State<AppState>,
    facts: RequestFacts,
) -> Result<Response, ConsoleError> {
    let caller = Caller::signed_in(&state, facts).await?;
    let console = state.store.console();
    console
        .delete_session(caller.session.id_digest.clone())
        .await?;
    let now = state.clock.now_millis();
    let store = &*state.store;
    let email = &caller.user().email;
    audit::record(
        store,
        now,
        Some(email),
        Action::SignOut,
        None,
        caller.facts.client,
    )
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_cookie(response, &session::clear_cookie(caller.facts.https))
}

/// `GET /admin/api/me`: the signed-in user and the session's CSRF token.
pub async fn me(
    State(state): State<AppState>,
    facts: RequestFacts,
) -> Result<Response, ConsoleError> {
    let caller = Caller::signed_in(&state, facts).await?;
    Ok(no_store(
        StatusCode::OK,
        json!({
            "user": caller.user(),
            "csrfToken": caller.session.csrf_token,
            "expiresAt": caller.session.expires_at,
        }),
    ))
}

/// `GET /admin/api/users` (owners): every user.
pub async fn list_users(
    State(state): State<AppState>,
    facts: RequestFacts,
) -> Result<Response, ConsoleError> {
    let caller = Caller::signed_in(&state, facts).await?;
    caller.require_owner("list users")?;
    let users = state.store.console().list_users().await?;
    Ok(no_store(StatusCode::OK, json!({ "users": users })))
}

/// `POST /admin/api/users` (owners): creates a user (an agent unless `role` says owner).
pub async fn create_user(
    State(state): State<AppState>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, ConsoleError> {
    let caller = Caller::signed_in(&state, facts).await?;
    caller.require_owner("create users")?;
    let b: NewUserBody = body(&bytes)?;
    let email = email("email", &b.email)?;
    password::check_new("password", &b.password)?;
    let role = match b.role.as_deref() {
        None => Role::Agent,
        Some(r) => Role::parse(r)
            .ok_or_else(|| ConsoleError::field("role", "must be \"owner\" or \"agent\""))?,
    };
    let now = state.clock.now_millis();
    let new = NewUser {
        id: secret::id()?,
        email: email.clone(),
        role,
        password_hash: password::hash_blocking(b.password).await?,
        created_at: now,
    };
    let user = match state.store.console().insert_user(new).await? {
        UserInsert::Created(user) => user,
        UserInsert::EmailTaken => return Err(ConsoleError::EmailTaken),
    };
    let store = &*state.store;
    let actor = Some(caller.user().email.as_str());
    audit::record(
        store,
        now,
        actor,
        Action::UserCreated,
        Some(&email),
        caller.facts.client,
    )
    .await?;
    Ok(no_store(StatusCode::CREATED, json!({ "user": user })))
}

/// `PATCH /admin/api/users/{id}` (owners): disables (ending their sessions) or enables a
/// user.
pub async fn update_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, ConsoleError> {
    let caller = Caller::signed_in(&state, facts).await?;
    caller.require_owner("change users")?;
    let b: PatchUserBody = body(&bytes)?;
    if b.disabled && id == caller.user().id {
        return Err(ConsoleError::SelfDisable);
    }
    let now = state.clock.now_millis();
    let user = state
        .store
        .console()
        .set_disabled(id.clone(), b.disabled, now)
        .await?
        .ok_or(ConsoleError::NoSuchUser(id))?;
    let action = match b.disabled {
        true => Action::UserDisabled,
        false => Action::UserEnabled,
    };
    let store = &*state.store;
    let actor = Some(caller.user().email.as_str());
    audit::record(
        store,
        now,
        actor,
        action,
        Some(&user.email),
        caller.facts.client,
    )
    .await?;
    Ok(no_store(StatusCode::OK, json!({ "user": user })))
}

/// `GET /admin/api/audit?before=&limit=` (owners): audit lines, newest first; `next` is the
/// `before` of the following page (absent on the last one).
pub async fn audit_log(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    facts: RequestFacts,
) -> Result<Response, ConsoleError> {
    let caller = Caller::signed_in(&state, facts).await?;
    caller.require_owner("read the audit log")?;
    let before = match query.get("before") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_CURSOR).contains(n))
                .ok_or_else(|| {
                    ConsoleError::field("before", format!("must be an integer 1-{MAX_CURSOR}"))
                })?,
        ),
    };
    let limit = match query.get("limit") {
        None => AUDIT_PAGE,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=AUDIT_PAGE_MAX).contains(n))
            .ok_or_else(|| {
                ConsoleError::field("limit", format!("must be an integer 1-{AUDIT_PAGE_MAX}"))
            })?,
    };
    let entries = state.store.console().audit_page(before, limit).await?;
    let next = match entries.len() as i64 == limit {
        true => entries.last().map(|e| e.seq.to_string()),
        false => None,
    };
    let mut page = json!({ "entries": entries });
    if let Some(next) = next {
        page["next"] = Value::String(next);
    }
    Ok(no_store(StatusCode::OK, page))
}

/// Any other `/admin/api/*` path: a JSON 404.
pub async fn unknown(uri: axum::http::Uri) -> ConsoleError {
    ConsoleError::NotFound(uri.path().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            email("email", "Owner@Shop.Example").ok().as_deref(),
            Some("owner@shop.example")
        );
        for bad in [
            "",
            "no-at",
            "@x",
            "x@",
            "a b@c",
            "a@b@c",
            " a@b",
            "a@b\u{7f}",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }
}
