//! `/admin/api/webhooks*` and `/admin/api/sites/{site}/alerts`: the console's outbound
//! webhook endpoints (list, create with the signing secret shown once, change, rotate the
//! secret, delete), each endpoint's delivery log and "send test", and a site's alert
//! settings. Owners only; every handler starts from [`Caller::signed_in`] (session, CSRF on
//! state-changing methods) and every change writes an audit line. Every response is
//! `Cache-Control: no-store`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::console::context::{Caller, RequestFacts};
use crate::console::{secret, ConsoleError};
use crate::hooks::endpoint::{self, EndpointError, MAX_PER_SITE};
use crate::hooks::event::{self, WEBHOOK_TEST};
use crate::jobs::hooks::send;
use crate::jobs::webhook_client::WebhookClients;
use crate::loyalty::outbound::OutboundWebhook;
use crate::loyalty::signature::standard_key;
use crate::store::console::AuditEntry;
use crate::store::hooks::{AlertSettings, Attempt, Endpoint};

/// Log lines per page by default, and at most.
const LOG_PAGE: i64 = 50;
const LOG_PAGE_MAX: i64 = 200;
/// Largest `before` cursor (2^53 − 1).
const MAX_CURSOR: i64 = 9_007_199_254_740_991;

/// Failures of these endpoints: the console's own, plus what is particular to webhooks.
/// The body is the collector's usual `{"error": {"code", "field", "message"}}`.
#[derive(Debug, thiserror::Error)]
pub enum HooksError {
    /// Sign-in, CSRF, role, body shape, storage.
    #[error(transparent)]
    Console(#[from] ConsoleError),
    /// No endpoint with this id.
    #[error("id: no webhook endpoint {0:?}")]
    NoSuchWebhook(String),
    /// No site with this id in the configuration.
    #[error("site: no site {0:?} is configured")]
    NoSuchSite(String),
    /// The site has [`MAX_PER_SITE`] endpoints already.
    #[error("site: a site has at most {MAX_PER_SITE} webhook endpoints")]
    TooMany,
}

impl From<EndpointError> for HooksError {
    fn from(e: EndpointError) -> Self {
        HooksError::Console(ConsoleError::field(e.field, e.message))
    }
}

impl From<crate::store::StoreError> for HooksError {
    fn from(e: crate::store::StoreError) -> Self {
        HooksError::Console(ConsoleError::Store(e))
    }
}

impl IntoResponse for HooksError {
    fn into_response(self) -> Response {
        let (status, code, field, message) = match self {
            HooksError::Console(e) => return e.into_response(),
            HooksError::NoSuchWebhook(id) => (
                StatusCode::NOT_FOUND,
                "not_found",
                "id",
                format!("no webhook endpoint {id:?}"),
            ),
            HooksError::NoSuchSite(site) => {
                return ConsoleError::UnknownSite(site).into_response();
            }
            HooksError::TooMany => (
                StatusCode::CONFLICT,
                "conflict",
                "site",
                format!("a site has at most {MAX_PER_SITE} webhook endpoints"),
            ),
        };
        no_store(
            status,
            json!({"error": {"code": code, "field": field, "message": message}}),
        )
    }
}

type Result<T> = std::result::Result<T, HooksError>;

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| HooksError::Console(ConsoleError::field("body", e.to_string())))
}

async fn owner(state: &AppState, facts: RequestFacts, action: &'static str) -> Result<Caller> {
    let caller = Caller::signed_in(state, facts).await?;
    caller.require_owner(action)?;
    Ok(caller)
}

async fn audit(state: &AppState, caller: &Caller, action: &str, target: &str) -> Result<()> {
    state
        .store
        .console()
        .append_audit(AuditEntry {
            seq: 0,
            at: state.clock.now_millis(),
            actor: Some(caller.user().email.clone()),
            action: action.to_owned(),
            target: Some(target.to_owned()),
            client: caller.facts.client.to_string(),
        })
        .await?;
    Ok(())
}

/// An endpoint as the API shows it: never its secret.
fn view(e: &Endpoint) -> Value {
    json!({
        "id": e.id,
        "site": e.site,
        "url": e.url,
        "events": e.events,
        "enabled": e.enabled,
        "createdAt": e.created_at,
        "updatedAt": e.updated_at,
    })
}

fn new_secret() -> Result<String> {
    Ok(endpoint::secret(&secret::random::<32>()?))
}

fn known_site(state: &AppState, site: &str) -> Result<()> {
    match state.config().site(site) {
        Some(_) => Ok(()),
        None => Err(HooksError::NoSuchSite(site.to_owned())),
    }
}

async fn find(state: &AppState, id: &str) -> Result<Endpoint> {
    state
        .store
        .hooks()
        .endpoint(id.to_owned())
        .await?
        .ok_or_else(|| HooksError::NoSuchWebhook(id.to_owned()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEndpointBody {
    site: String,
    url: String,
    events: Vec<String>,
    enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PatchEndpointBody {
    url: Option<String>,
    events: Option<Vec<String>>,
    enabled: Option<bool>,
    rotate_secret: Option<bool>,
}

/// `GET /admin/api/webhooks?site=`: the endpoints (of one site when given; an unknown one is
/// `404 unknown_site`), oldest first.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    facts: RequestFacts,
) -> Result<Response> {
    owner(&state, facts, "manage webhooks").await?;
    let site = query.get("site").cloned();
    if let Some(site) = &site {
        known_site(&state, site)?;
    }
    let all = state.store.hooks().endpoints(site).await?;
    let list: Vec<Value> = all.iter().map(view).collect();
    Ok(no_store(
        StatusCode::OK,
        json!({"webhooks": list, "events": event::SUBSCRIBABLE}),
    ))
}

/// `POST /admin/api/webhooks`: a new endpoint; the answer carries its secret, once.
pub async fn create(
    State(state): State<AppState>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response> {
    let caller = owner(&state, facts, "manage webhooks").await?;
    let b: NewEndpointBody = body(&bytes)?;
    let url = endpoint::url(&b.url)?;
    let events = endpoint::events(&b.events)?;
    known_site(&state, &b.site)?;
    let hooks = state.store.hooks();
    if hooks.endpoints(Some(b.site.clone())).await?.len() >= MAX_PER_SITE {
        return Err(HooksError::TooMany);
    }
    let now = state.clock.now_millis();
    let e = Endpoint {
        id: secret::id()?,
        site: b.site,
        url,
        events,
        enabled: b.enabled.unwrap_or(true),
        secret: new_secret()?,
        created_at: now,
        updated_at: now,
    };
    hooks.insert_endpoint(e.clone()).await?;
    audit(&state, &caller, "webhook_created", &e.url).await?;
    Ok(no_store(
        StatusCode::CREATED,
        json!({"webhook": view(&e), "secret": e.secret}),
    ))
}

/// `PATCH /admin/api/webhooks/{id}`: changes the URL, events or `enabled`, or rotates the
/// secret (`rotateSecret: true`; the new one is in the answer, once).
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response> {
    let caller = owner(&state, facts, "manage webhooks").await?;
    let b: PatchEndpointBody = body(&bytes)?;
    let mut e = find(&state, &id).await?;
    if let Some(url) = &b.url {
        e.url = endpoint::url(url)?;
    }
    if let Some(events) = &b.events {
        e.events = endpoint::events(events)?;
    }
    if let Some(enabled) = b.enabled {
        e.enabled = enabled;
    }
    let rotate = b.rotate_secret == Some(true);
    if rotate {
        e.secret = new_secret()?;
    }
    e.updated_at = state.clock.now_millis();
    if !state.store.hooks().update_endpoint(e.clone()).await? {
        return Err(HooksError::NoSuchWebhook(id));
    }
    let action = if rotate {
        "webhook_secret_rotated"
    } else {
        "webhook_updated"
    };
    audit(&state, &caller, action, &e.url).await?;
    let mut answer = json!({"webhook": view(&e)});
    if rotate {
        answer["secret"] = Value::String(e.secret.clone());
    }
    Ok(no_store(StatusCode::OK, answer))
}

/// `DELETE /admin/api/webhooks/{id}`: deletes the endpoint and its pending deliveries.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    facts: RequestFacts,
) -> Result<Response> {
    let caller = owner(&state, facts, "manage webhooks").await?;
    let e = find(&state, &id).await?;
    if !state.store.hooks().delete_endpoint(id.clone()).await? {
        return Err(HooksError::NoSuchWebhook(id));
    }
    audit(&state, &caller, "webhook_deleted", &e.url).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn int_param(query: &HashMap<String, String>, name: &str, max: i64) -> Result<Option<i64>> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .map(Some)
            .ok_or_else(|| {
                HooksError::Console(ConsoleError::field(
                    name,
                    format!("must be an integer 1-{max}"),
                ))
            }),
    }
}

/// `GET /admin/api/webhooks/{id}/deliveries?before=&limit=`: the delivery log, newest
/// first; `next` is the `before` of the following page.
pub async fn deliveries(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    facts: RequestFacts,
) -> Result<Response> {
    owner(&state, facts, "manage webhooks").await?;
    let before = int_param(&query, "before", MAX_CURSOR)?;
    let limit = int_param(&query, "limit", LOG_PAGE_MAX)?.unwrap_or(LOG_PAGE);
    find(&state, &id).await?;
    let lines = state.store.hooks().deliveries(id, before, limit).await?;
    let mut page = json!({"deliveries": lines});
    if lines.len() as i64 == limit {
        if let Some(last) = lines.last() {
            page["next"] = Value::String(last.seq.to_string());
        }
    }
    Ok(no_store(StatusCode::OK, page))
}

/// `POST /admin/api/webhooks/{id}/test`: sends a signed `webhook.test` event now (whether
/// or not the endpoint is enabled) and answers what the endpoint said; the attempt goes
/// into the delivery log, and is not retried.
pub async fn test(
    State(state): State<AppState>,
    Path(id): Path<String>,
    facts: RequestFacts,
) -> Result<Response> {
    let caller = owner(&state, facts, "manage webhooks").await?;
    let e = find(&state, &id).await?;
    let now = state.clock.now_millis();
    let event_id = crate::loyalty::outbound::event_id(&secret::random::<16>()?);
    let payload = event::body(
        WEBHOOK_TEST,
        now,
        json!({"site": e.site, "webhook": e.id, "message": "A test event from Rapport"}),
    )
    .to_string();
    let key = standard_key(&e.secret)
        .map_err(|m| HooksError::Console(ConsoleError::Hash(format!("stored secret: {m}"))))?;
    let target = OutboundWebhook {
        url: e.url.clone(),
        key,
        root_certificate: None,
    };
    let clients = WebhookClients::default();
    let (status, error) = send(&clients, &target, true, &event_id, &payload, now).await;
    let at = state.clock.now_millis();
    state
        .store
        .hooks()
        .record_sent(
            e.id.clone(),
            e.site.clone(),
            event_id.clone(),
            WEBHOOK_TEST.to_owned(),
            payload,
            Attempt {
                status,
                error: error.clone(),
                retry_at: None,
                at,
            },
        )
        .await?;
    audit(&state, &caller, "webhook_tested", &e.url).await?;
    Ok(no_store(
        StatusCode::OK,
        json!({"eventId": event_id, "delivered": error.is_none(), "statusCode": status, "error": error}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DigestBody {
    enabled: bool,
    /// A JSON number: `16.0` is the integer 16 as JSON Schema reads it.
    hour_utc: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AlertsBody {
    slack_url: Option<String>,
    instant_detractor: bool,
    digest: DigestBody,
}

fn alerts_view(s: &AlertSettings) -> Value {
    json!({
        "slackUrl": s.slack_url,
        "instantDetractor": s.instant_detractor,
        "digest": {"enabled": s.digest_enabled, "hourUtc": s.digest_hour},
        "lastDigestDay": s.last_digest_day,
    })
}

/// `GET /admin/api/sites/{site}/alerts`: the site's alert settings (all off until saved).
pub async fn get_alerts(
    State(state): State<AppState>,
    Path(site): Path<String>,
    facts: RequestFacts,
) -> Result<Response> {
    owner(&state, facts, "manage alerts").await?;
    known_site(&state, &site)?;
    let settings = state
        .store
        .hooks()
        .alerts(site.clone())
        .await?
        .unwrap_or(AlertSettings {
            site,
            slack_url: None,
            instant_detractor: false,
            digest_enabled: false,
            digest_hour: 8,
            last_digest_day: None,
        });
    Ok(no_store(StatusCode::OK, alerts_view(&settings)))
}

/// `PUT /admin/api/sites/{site}/alerts`: replaces the site's alert settings.
pub async fn put_alerts(
    State(state): State<AppState>,
    Path(site): Path<String>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response> {
    let caller = owner(&state, facts, "manage alerts").await?;
    let b: AlertsBody = body(&bytes)?;
    let slack_url = match b.slack_url.as_deref() {
        None | Some("") => None,
        Some(u) => Some(
            endpoint::url(u)
                .map_err(|e| HooksError::Console(ConsoleError::field("slackUrl", e.message)))?,
        ),
    };
    let hour = b.digest.hour_utc;
    if hour.fract() != 0.0 || !(0.0..=23.0).contains(&hour) {
        return Err(HooksError::Console(ConsoleError::field(
            "digest.hourUtc",
            "must be an integer 0-23",
        )));
    }
    known_site(&state, &site)?;
    let hooks = state.store.hooks();
    let settings = AlertSettings {
        site: site.clone(),
        slack_url,
        instant_detractor: b.instant_detractor,
        digest_enabled: b.digest.enabled,
        digest_hour: hour as u8,
        last_digest_day: None,
    };
    hooks
        .save_alerts(settings, state.clock.now_millis())
        .await?;
    audit(&state, &caller, "alerts_updated", &site).await?;
    let saved = hooks
        .alerts(site.clone())
        .await?
        .ok_or(HooksError::NoSuchSite(site))?;
    Ok(no_store(StatusCode::OK, alerts_view(&saved)))
}
