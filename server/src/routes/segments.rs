//! The console's segments (signed in, either role; read-only, so no CSRF token and no
//! audit row):
//!
//! * `GET /admin/api/segments?site=` — every segment of the site with its size (customers
//!   in it now) and, per survey targeted at it, `responses` (all responses to the survey),
//!   `respondents` (customers of the segment who answered it), `shown` (how often the
//!   widget opened it, from its impression counters; `null` when none were recorded),
//!   `shownSince` (the first day counted), `responsesSince` (responses received from that
//!   day on) and `rate` (`responsesSince / shown`: the survey's response rate over the days
//!   its impressions were counted; `null` without impressions); the scores' `computedAt`
//!   and, when the last run could not fit the models, `fallback` (why).
//! * `GET /admin/api/customers/{site}/{id}` — one customer's scores (or `null`) and
//!   segments.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::config::{ServerConfig, SiteEntry};
use crate::console::context::{Caller, RequestFacts};
use crate::console::ConsoleError;
use crate::scoring::segments::catalogue;
use crate::segment_lookup;

/// Errors of the segment endpoints: the console's, or an unknown site or customer.
#[derive(Debug, thiserror::Error)]
pub enum SegmentsError {
    /// Signed-out, wrong parameter, store failure…
    #[error(transparent)]
    Console(#[from] ConsoleError),
    /// Nothing known of the customer (an unknown site is the console's
    /// [`ConsoleError::UnknownSite`]).
    #[error("id: no scores or recent answers of customer {0:?}")]
    NoCustomer(String),
}

impl From<crate::store::StoreError> for SegmentsError {
    fn from(e: crate::store::StoreError) -> Self {
        SegmentsError::Console(ConsoleError::Store(e))
    }
}

impl IntoResponse for SegmentsError {
    fn into_response(self) -> Response {
        match self {
            SegmentsError::Console(e) => e.into_response(),
            SegmentsError::NoCustomer(id) => no_store(
                StatusCode::NOT_FOUND,
                json!({"error": {"code": "not_found", "field": "id", "message": format!("no scores or recent answers of customer {id:?}")}}),
            ),
        }
    }
}

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn site_of<'a>(config: &'a ServerConfig, site: &str) -> Result<&'a SiteEntry, SegmentsError> {
    config
        .site(site)
        .ok_or_else(|| ConsoleError::UnknownSite(site.to_owned()).into())
}

fn tier_names(site: &SiteEntry) -> Vec<String> {
    site.loyalty
        .as_ref()
        .and_then(|l| l.rules.tiers.as_ref())
        .map(|t| t.levels.iter().map(|l| l.name.clone()).collect())
        .unwrap_or_default()
}

/// `GET /admin/api/segments?site=`.
pub async fn segments(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    facts: RequestFacts,
) -> Result<Response, SegmentsError> {
    Caller::signed_in(&state, facts).await?;
    let site_id = query
        .get("site")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ConsoleError::field("site", "is required: the site id"))?;
    let config = state.config();
    let site = site_of(&config, site_id)?;
    let now = state.clock.now_millis();
    let store = state.store.as_ref();
    let members = segment_lookup::site_segments(store, site, now).await?;
    let mut reach: HashMap<&str, (i64, Vec<String>)> = HashMap::new();
    for t in &site.targeted {
        let r = store
            .score_jobs()
            .responders(site.id.clone(), t.id.clone())
            .await?;
        reach.insert(t.id.as_str(), r);
    }
    let impressions = crate::dashboard::rates::targeted(store, site, now).await?;
    let list: Vec<Value> = catalogue(&tier_names(site))
        .into_iter()
        .map(|(id, label)| {
            let size = members.values().filter(|s| s.contains(&id)).count();
            let targeted: Vec<Value> = site
                .targeted
                .iter()
                .filter(|t| t.audience.segments.contains(&id))
                .map(|t| {
                    let (responses, who) = reach.get(t.id.as_str()).cloned().unwrap_or_default();
                    let respondents = who
                        .iter()
                        .filter(|c| members.get(*c).is_some_and(|s| s.contains(&id)))
                        .count();
                    let mut row = json!({
                        "survey": t.id,
                        "responses": responses,
                        "respondents": respondents,
                        "shown": null,
                        "shownSince": null,
                        "responsesSince": null,
                        "rate": null,
                    });
                    if let Some(r) = impressions.get(&t.id) {
                        row["shown"] = json!(r.shown);
                        row["shownSince"] = json!(r.since);
                        row["responsesSince"] = json!(r.responses);
                        row["rate"] = json!(r.responses as f64 / r.shown as f64);
                    }
                    row
                })
                .collect();
            json!({"id": id, "label": label, "size": size, "targeted": targeted})
        })
        .collect();
    let run = store.scores().last_run(site.id.clone()).await?;
    let mut body = json!({
        "site": site.id,
        "segments": list,
        "computedAt": run.as_ref().map(|r| r.computed_at),
    });
    if let Some(fallback) = run
        .and_then(|r| serde_json::from_str::<Value>(&r.summary_json).ok())
        .and_then(|s| s.get("fallback").cloned())
    {
        body["fallback"] = fallback;
    }
    Ok(no_store(StatusCode::OK, body))
}

/// `GET /admin/api/customers/{site}/{id}`.
pub async fn customer(
    State(state): State<AppState>,
    Path((site_id, id)): Path<(String, String)>,
    facts: RequestFacts,
) -> Result<Response, SegmentsError> {
    Caller::signed_in(&state, facts).await?;
    let config = state.config();
    let site = site_of(&config, &site_id)?;
    let store = state.store.as_ref();
    let score = store
        .scores()
        .scores_of(site.id.clone(), vec![id.clone()])
        .await?
        .into_iter()
        .next();
    let segments =
        segment_lookup::customer_segments(store, site, &id, state.clock.now_millis()).await?;
    if score.is_none() && segments.is_empty() {
        return Err(SegmentsError::NoCustomer(id));
    }
    Ok(no_store(
        StatusCode::OK,
        json!({"site": site.id, "customer": id, "score": score, "segments": segments}),
    ))
}
