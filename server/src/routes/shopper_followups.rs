//! The shopper's side of follow-ups, called by the lazily loaded `followup.js` chunk with
//! the customer token (`Authorization: Bearer`, verified as `loyalty/me` does):
//!
//! * `GET /v1/sites/{site}/followups?locale=` — the customer's follow-ups not yet seen or
//!   sent in the last [`RECENT_DAYS`] days, newest first: the quoted answer, the reply, the
//!   author's display name and the date, with the card's frame strings in the negotiated
//!   locale (`locale`, else `Accept-Language`, else the site's; English when none is
//!   bundled), so the chunk carries no words;
//! * `POST /v1/sites/{site}/followups/{id}/seen` and `…/helpful` `{helpful: bool}` — only the
//!   follow-up's own customer; idempotent (the first sighting's time stays; a vote replaces
//!   the earlier one).
//!
//! CORS as the other shopper routes ([`super::shopper::with_cors`]).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport::core::i18n::Locale;
use serde_json::{json, Value};
use std::collections::HashMap;

use crate::app::AppState;
use crate::cors;
use crate::error::ApiError;
use crate::followup::{answer, words};
use crate::routes::loyalty::body_object;
use crate::routes::shopper::{customer, with_cors};
use crate::store::followup::Followup;

/// Seen follow-ups stay listed this many days after they were sent.
pub const RECENT_DAYS: i64 = 14;
/// Most follow-ups listed.
const LIMIT: i64 = 5;

fn no_store(response: Response) -> Response {
    let mut response = response;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn negotiate(
    app: &AppState,
    site: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Locale {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(l) = query.get("locale") {
        candidates.push(l.clone());
    }
    if let Some(al) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        candidates.extend(
            al.split(',')
                .map(|p| p.split(';').next().unwrap_or("").trim().to_owned()),
        );
    }
    if let Some(s) = app.config().site(site) {
        candidates.push(s.rules.config().locale.clone());
    }
    Locale::negotiate(&candidates)
}

/// `GET /v1/sites/{site}/followups`.
pub async fn list(
    State(app): State<AppState>,
    Path(site): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let answer = list_answer(&app, &site, &query, &headers).await;
    with_cors(&app, &site, &headers, answer)
}

async fn list_answer(
    app: &AppState,
    site: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let claims = customer(app, site, headers).await?;
    let now = app.clock.now_millis();
    let since = now - RECENT_DAYS * crate::followup::outcomes::DAY_MS;
    let rows = app
        .store
        .followups()
        .followups_for_customer(site.to_owned(), claims.sub.clone(), since, LIMIT)
        .await?;
    let config = app.config();
    let rules = config.site(site).map(|s| s.rules.config());
    let locale = negotiate(app, site, query, headers);
    let followups: Vec<Value> = rows
        .iter()
        .map(|(f, r)| {
            let survey = rules.and_then(|c| c.survey(&r.survey));
            json!({
                "id": f.id,
                "quote": answer::quote(survey, &r.answers_json),
                "text": f.text,
                "author": f.author_name,
                "sentAt": crate::clock::format_unix_millis(f.sent_at),
                "seen": f.seen_at.is_some(),
                "helpful": f.helpful,
            })
        })
        .collect();
    Ok(no_store(
        Json(json!({
            "locale": locale.tag(),
            "dir": if locale.is_rtl() { "rtl" } else { "ltr" },
            "words": words::of(locale),
            "followups": followups,
        }))
        .into_response(),
    ))
}

fn shown(f: &Followup) -> Value {
    json!({
        "id": f.id,
        "seen": f.seen_at.is_some(),
        "seenAt": f.seen_at.map(crate::clock::format_unix_millis),
        "helpful": f.helpful,
    })
}

/// `POST /v1/sites/{site}/followups/{id}/seen`.
pub async fn seen(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let answer = async {
        let claims = customer(&app, &site, &headers).await?;
        let now = app.clock.now_millis();
        let f = app
            .store
            .followups()
            .mark_seen(site.clone(), id.clone(), claims.sub, now)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("follow-up {id:?}")))?;
        Ok(no_store(Json(shown(&f)).into_response()))
    }
    .await;
    with_cors(&app, &site, &headers, answer)
}

/// `POST /v1/sites/{site}/followups/{id}/helpful` `{helpful: bool}`.
pub async fn helpful(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let answer = async {
        let claims = customer(&app, &site, &headers).await?;
        let body = body_object(body)?;
        if let Some(k) = body.keys().find(|k| k.as_str() != "helpful") {
            return Err(ApiError::field(k.clone(), "is not a member of this body"));
        }
        let vote = body
            .get("helpful")
            .and_then(Value::as_bool)
            .ok_or_else(|| ApiError::field("helpful", "must be true or false"))?;
        let now = app.clock.now_millis();
        let f = app
            .store
            .followups()
            .mark_helpful(site.clone(), id.clone(), claims.sub, vote, now)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("follow-up {id:?}")))?;
        Ok(no_store(Json(shown(&f)).into_response()))
    }
    .await;
    with_cors(&app, &site, &headers, answer)
}

fn preflight(app: &AppState, site: &str, headers: &HeaderMap, method: Method) -> Response {
    let config = app.config();
    cors::preflight(
        headers,
        |o| cors::allowed_for_site(&config, site, o),
        &[method],
    )
}

/// Preflight of `GET /v1/sites/{site}/followups`.
pub async fn preflight_list(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Response {
    preflight(&app, &site, &headers, Method::GET)
}

/// Preflight of the `seen` and `helpful` posts.
pub async fn preflight_mark(
    State(app): State<AppState>,
    Path((site, _id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    preflight(&app, &site, &headers, Method::POST)
}
