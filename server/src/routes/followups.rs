//! `/admin/api/*` endpoints of follow-ups and the holdout experiment: reply to a response
//! (agents and owners; CSRF; audited; `followup.sent` queued in the outbox in the same
//! transaction), list a response's replies, the closed-loop rate, the holdout settings
//! (owners change them) and the experiment's results. Every handler starts from
//! [`Caller::signed_in`]; every answer is `Cache-Control: no-store`.
//!
//! [`assign`] is called by `POST /v1/responses` for each stored response: with the
//! site's holdout on, a complete detractor response of a verified customer is assigned to
//! a group once, at arrival.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_metrics::experiment::{compare, CompareOptions};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::config::ServerConfig;
use crate::console::context::{Caller, RequestFacts};
use crate::console::secret;
use crate::followup::assign::{self, Group};
use crate::followup::holdout::{self, HoldoutSettings};
use crate::followup::summary::{closed_loop, Detractor};
use crate::followup::{answer, author, outcomes, FollowupError, MAX_TEXT};
use crate::loyalty::outbound;
use crate::store::console::AuditEntry;
use crate::store::followup::{Assignment, Followup, NewFollowup, ResponseFacts};
use crate::store::StoredResponse;

/// Default period of the closed-loop rate: the last 30 days.
const SUMMARY_DAYS: i64 = 30;

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn site_known(config: &ServerConfig, site: &str) -> Result<(), FollowupError> {
    match config.site(site) {
        Some(_) => Ok(()),
        None => Err(FollowupError::NoSite(site.to_owned())),
    }
}

/// Whether response `r` of `site` is a detractor's.
fn detractor(config: &ServerConfig, site: &str, survey: &str, answers_json: &str) -> bool {
    let survey = config
        .site(site)
        .and_then(|s| s.rules.config().survey(survey));
    answer::is_detractor(answer::score(survey, answers_json))
}

async fn audit(
    app: &AppState,
    caller: &Caller,
    action: &str,
    target: String,
) -> Result<(), FollowupError> {
    app.store
        .console()
        .append_audit(AuditEntry {
            seq: 0,
            at: app.clock.now_millis(),
            actor: Some(caller.user().email.clone()),
            action: action.to_owned(),
            target: Some(target),
            client: caller.facts.client.to_string(),
        })
        .await?;
    Ok(())
}

/// Assigns a just-stored response to a holdout group when the site's holdout is on and
/// the response is a complete detractor response of a verified customer; the customer's
/// P(alive) and annual value are recorded when the scores job has scored them. Never
/// reassigns.
pub(crate) async fn assign(app: &AppState, stored: &StoredResponse) -> Result<(), FollowupError> {
    let Some(customer) = stored.customer.clone() else {
        return Ok(());
    };
    if stored.partial {
        return Ok(());
    }
    let config = app.config();
    if !detractor(&config, &stored.site, &stored.survey, &stored.answers_json) {
        return Ok(());
    }
    let store = app.store.followups();
    let Some((settings, seed)) = store.holdout(stored.site.clone()).await? else {
        return Ok(());
    };
    if !settings.enabled {
        return Ok(());
    }
    let group = assign::group(seed.as_bytes(), &stored.site, &stored.id, settings.share);
    let score = app
        .store
        .scores()
        .scores_of(stored.site.clone(), vec![customer.clone()])
        .await?
        .into_iter()
        .next();
    // The collector's clock (the one outcome windows and the results are read with).
    let assigned_at = app.clock.now_millis();
    store
        .assign(
            stored.site.clone(),
            Assignment {
                response_id: stored.id.clone(),
                customer,
                group,
                share: settings.share,
                assigned_at,
                p_alive: score.as_ref().map(|s| s.p_alive.value),
                annual_value: score.as_ref().map(|s| s.annual_value.value),
                overridden: false,
            },
        )
        .await?;
    Ok(())
}

/// The body of `POST …/followups`.
struct Reply {
    text: String,
    override_holdout: bool,
}

fn reply(bytes: &Bytes) -> Result<Reply, FollowupError> {
    let body: Value =
        serde_json::from_slice(bytes).map_err(|e| FollowupError::field("body", e.to_string()))?;
    let obj = body
        .as_object()
        .ok_or_else(|| FollowupError::field("body", "must be a JSON object"))?;
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "text" | "override"))
    {
        return Err(FollowupError::field(k.clone(), "is not a follow-up field"));
    }
    let text = obj
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| FollowupError::field("text", "must be a string"))?;
    let chars = text.chars().count();
    if text.trim().is_empty() || chars > MAX_TEXT {
        return Err(FollowupError::field(
            "text",
            format!("must be 1-{MAX_TEXT} characters, not only spaces ({chars} given)"),
        ));
    }
    let override_holdout = match obj.get("override") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(FollowupError::field("override", "must be true or false")),
    };
    Ok(Reply {
        text: text.to_owned(),
        override_holdout,
    })
}

/// The `followup.sent` event body (Standard Webhooks payload shape, as `reward.redeemed`).
pub fn sent_event(site: &str, f: &Followup) -> Value {
    json!({
        "type": "followup.sent",
        "timestamp": crate::clock::format_unix_millis(f.sent_at),
        "data": {
            "site": site,
            "customer": f.customer,
            "response": f.response_id,
            "followup": f.id,
            "text": f.text,
            "author": f.author_name,
            "overridden": f.overridden,
        }
    })
}

/// `POST /admin/api/inbox/{site}/{id}/followups` `{text, override?}`: replies to response
/// `id` (201 with the follow-up).
pub async fn create(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, FollowupError> {
    let caller = Caller::signed_in(&app, facts).await?;
    let config = app.config();
    site_known(&config, &site)?;
    let r = reply(&bytes)?;
    let store = app.store.followups();
    let response = store
        .response_facts(site.clone(), id.clone())
        .await?
        .ok_or_else(|| FollowupError::NoResponse(id.clone()))?;
    let customer = response.customer.clone().ok_or_else(|| {
        FollowupError::NotReachable(format!(
            "response {id:?} was answered without a verified customer token, so there is \
             nobody to show a follow-up to"
        ))
    })?;
    let group = store
        .holdout_of(site.clone(), vec![id.clone()])
        .await?
        .into_iter()
        .next()
        .map(|(_, g, _)| g);
    let held_out = group == Some(Group::Holdout);
    if held_out && !r.override_holdout {
        return Err(FollowupError::Holdout(id));
    }
    let followup = Followup {
        id: secret::id()?,
        response_id: id.clone(),
        customer,
        text: r.text,
        author: caller.user().email.clone(),
        author_name: author::display_name(&caller.user().email),
        sent_at: app.clock.now_millis(),
        seen_at: None,
        helpful: None,
        overridden: held_out,
    };
    let event_id = outbound::event_id(&secret::random::<16>()?);
    store
        .insert_followup(NewFollowup {
            site: site.clone(),
            event_payload: sent_event(&site, &followup).to_string(),
            event_id,
            followup: followup.clone(),
        })
        .await?;
    let action = match held_out {
        true => "followup_sent_override",
        false => "followup_sent",
    };
    audit(&app, &caller, action, format!("{site}/{id}")).await?;
    Ok(no_store(StatusCode::CREATED, json!(followup)))
}

/// `GET /admin/api/inbox/{site}/{id}/followups`: the response's follow-ups, oldest first,
/// and its holdout group (null when unassigned).
pub async fn list(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    facts: RequestFacts,
) -> Result<Response, FollowupError> {
    Caller::signed_in(&app, facts).await?;
    site_known(&app.config(), &site)?;
    let store = app.store.followups();
    if store
        .response_facts(site.clone(), id.clone())
        .await?
        .is_none()
    {
        return Err(FollowupError::NoResponse(id));
    }
    let followups = store.followups_of(site.clone(), id.clone()).await?;
    let group = store.holdout_of(site, vec![id]).await?.into_iter().next();
    Ok(no_store(
        StatusCode::OK,
        json!({
            "followups": followups,
            "group": group.as_ref().map(|(_, g, _)| g.as_str()),
            "holdout": group.as_ref().is_some_and(|(_, g, _)| *g == Group::Holdout),
            "overridden": group.is_some_and(|(_, _, o)| o),
        }),
    ))
}

fn instant(query: &HashMap<String, String>, name: &str) -> Result<Option<i64>, FollowupError> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => rapport::core::datetime::parse_rfc3339(v)
            .map(Some)
            .ok_or_else(|| FollowupError::field(name, "must be an RFC 3339 instant")),
    }
}

/// `GET /admin/api/followups/summary?site=&from=&to=`: the closed-loop rate of the detractor
/// responses received in `[from, to)` (default: the last 30 days).
pub async fn summary(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    facts: RequestFacts,
) -> Result<Response, FollowupError> {
    Caller::signed_in(&app, facts).await?;
    let config = app.config();
    let site = query
        .get("site")
        .ok_or_else(|| FollowupError::field("site", "is required"))?
        .clone();
    site_known(&config, &site)?;
    let now = app.clock.now_millis();
    let to = instant(&query, "to")?.unwrap_or(now);
    let from =
        instant(&query, "from")?.unwrap_or(to.saturating_sub(SUMMARY_DAYS * outcomes::DAY_MS));
    if from > to {
        return Err(FollowupError::field("from", "must not be after to"));
    }
    let store = app.store.followups();
    let responses = store.responses_between(site.clone(), from, to).await?;
    let mut by_response: HashMap<String, Vec<Followup>> = HashMap::new();
    for f in store.site_followups(site.clone()).await? {
        by_response
            .entry(f.response_id.clone())
            .or_default()
            .push(f);
    }
    let detractors: Vec<Detractor> = responses
        .iter()
        .filter(|r| !r.partial && detractor(&config, &site, &r.survey, &r.answers_json))
        .map(|r| summarise(r, by_response.get(&r.id).map(Vec::as_slice).unwrap_or(&[])))
        .collect();
    let mut body = json!(closed_loop(&detractors));
    body["site"] = json!(site);
    body["from"] = json!(crate::clock::format_unix_millis(from));
    body["to"] = json!(crate::clock::format_unix_millis(to));
    Ok(no_store(StatusCode::OK, body))
}

fn summarise(r: &ResponseFacts, followups: &[Followup]) -> Detractor {
    Detractor {
        received_at: r.received_at,
        first_followup_at: followups.iter().map(|f| f.sent_at).min(),
        seen: followups.iter().any(|f| f.seen_at.is_some()),
        helpful: (
            followups.iter().filter(|f| f.helpful == Some(true)).count() as u64,
            followups
                .iter()
                .filter(|f| f.helpful == Some(false))
                .count() as u64,
        ),
    }
}

async fn settings_of(app: &AppState, site: &str) -> Result<HoldoutSettings, FollowupError> {
    Ok(app
        .store
        .followups()
        .holdout(site.to_owned())
        .await?
        .map(|(s, _)| s)
        .unwrap_or_default())
}

/// `GET /admin/api/sites/{site}/holdout`: the settings (off, 20 %, 30 days until set).
pub async fn get_holdout(
    State(app): State<AppState>,
    Path(site): Path<String>,
    facts: RequestFacts,
) -> Result<Response, FollowupError> {
    Caller::signed_in(&app, facts).await?;
    site_known(&app.config(), &site)?;
    let settings = settings_of(&app, &site).await?;
    Ok(no_store(StatusCode::OK, json!(settings)))
}

/// `PUT /admin/api/sites/{site}/holdout` `{enabled, share, windowDays}` (owners).
pub async fn put_holdout(
    State(app): State<AppState>,
    Path(site): Path<String>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, FollowupError> {
    let caller = Caller::signed_in(&app, facts).await?;
    caller.require_owner("change the holdout")?;
    site_known(&app.config(), &site)?;
    let body: Value =
        serde_json::from_slice(&bytes).map_err(|e| FollowupError::field("body", e.to_string()))?;
    let settings = holdout::parse(&body)?;
    app.store
        .followups()
        .put_holdout(
            site.clone(),
            settings,
            secret::token()?,
            app.clock.now_millis(),
        )
        .await?;
    let target = format!(
        "{site}: enabled={} share={} windowDays={}",
        settings.enabled, settings.share, settings.window_days
    );
    audit(&app, &caller, "holdout_changed", target).await?;
    Ok(no_store(StatusCode::OK, json!(settings)))
}

/// A positive minimum detectable effect from the query (`max`: its largest value).
fn effect(
    query: &HashMap<String, String>,
    name: &str,
    max: f64,
) -> Result<Option<f64>, FollowupError> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|e| *e > 0.0 && *e <= max)
            .map(Some)
            .ok_or_else(|| {
                FollowupError::field(name, format!("must be a number above 0, at most {max}"))
            }),
    }
}

/// `GET /admin/api/sites/{site}/holdout/results?minRateEffect=&minRevenueEffect=`: treatment
/// against holdout on the repeat-purchase rate, revenue per customer and change in P(alive)
/// in the window after each response, with 95 % intervals and the sample size still needed
/// for 80 % power at the observed effect, or at the stated minimum detectable one (a rate
/// difference in (0, 1], revenue in minor units).
pub async fn results(
    State(app): State<AppState>,
    Path(site): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    facts: RequestFacts,
) -> Result<Response, FollowupError> {
    Caller::signed_in(&app, facts).await?;
    site_known(&app.config(), &site)?;
    let options = CompareOptions {
        min_rate_effect: effect(&query, "minRateEffect", 1.0)?,
        min_revenue_effect: effect(&query, "minRevenueEffect", 1e15)?,
        ..CompareOptions::default()
    };
    let settings = settings_of(&app, &site).await?;
    let store = app.store.followups();
    let assignments = store.assignments(site.clone()).await?;
    let customers: Vec<String> = assignments
        .iter()
        .map(|a| a.customer.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let window = settings.window_days.saturating_mul(outcomes::DAY_MS);
    let from = assignments.iter().map(|a| a.assigned_at).min().unwrap_or(0);
    let to = assignments
        .iter()
        .map(|a| a.assigned_at.saturating_add(window))
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    let orders = store
        .orders_of(site.clone(), customers.clone(), from, to)
        .await?;
    let p_alive_now: HashMap<String, f64> = app
        .store
        .scores()
        .scores_of(site.clone(), customers)
        .await?
        .into_iter()
        .map(|s| (s.customer, s.p_alive.value))
        .collect();
    let now = app.clock.now_millis();
    let o = outcomes::outcomes(
        &assignments,
        &orders,
        &p_alive_now,
        settings.window_days,
        now,
    );
    let comparison = compare(&o.treatment, &o.holdout, &options)
        .map_err(|e| FollowupError::field("options", e.to_string()))?;
    Ok(no_store(
        StatusCode::OK,
        json!({
            "settings": settings,
            "comparison": comparison,
            "complete": o.pending == 0,
            "pending": o.pending,
            "excludedOverrides": o.overridden,
        }),
    ))
}
