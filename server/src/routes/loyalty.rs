//! Customer-scoped loyalty endpoints (`Authorization: Bearer <customer token>`, see
//! [`crate::loyalty::token`]) and the admin adjustment endpoint (the site's admin token):
//!
//! - `GET /v1/sites/{site}/loyalty/me`: balance (spendable, pending), the next expiry
//!   (`expiresAt`, `expiringPoints`), the tier and what the next one needs (`tier`,
//!   `nextTier`), the rewards catalogue (`rewards`, each `available` or not), activity
//!   (a reward redemption shows its `code`), and the customer's referral code and link
//!   when the site runs referrals (`referral`), with the referrals it converted and their
//!   status (`credited`, or `reversed` once the converting order was voided);
//! - `POST /v1/sites/{site}/loyalty/redemptions` `{id, points}`: spends points, idempotent
//!   on `id`; 409 when the spendable balance is short;
//! - `POST /v1/sites/{site}/loyalty/adjustments` `{id, customer, points, reason, actor}`.
//!
//! The customer-scoped endpoints answer the site's origins cross-origin and verify the token
//! through [`crate::routes::shopper`].

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::config::{LoyaltyConfig, ServerConfig};
use crate::error::ApiError;
use crate::loyalty::expiry;
use crate::loyalty::ledger::{balance, SourceKind};
use crate::loyalty::referral;
use crate::loyalty::tiers::{Standing, Tiers};
use crate::routes::shopper::{customer, record_expiry, shopper_post, with_cors, ShopperPost};
use crate::segment_lookup;
use crate::store::{Adjustment, IssuedCode, RedeemOutcome};

/// Most activity entries returned (newest first).
pub const ACTIVITY_LIMIT: usize = 100;
/// Longest id, reason or actor accepted.
const MAX_TEXT: usize = 200;
/// Largest points value in one redemption or adjustment.
const MAX_POINTS: i64 = 1_000_000_000;

/// The site's loyalty configuration, or 404.
pub fn loyalty_of<'c>(config: &'c ServerConfig, site: &str) -> Result<&'c LoyaltyConfig, ApiError> {
    let entry = config
        .site(site)
        .ok_or_else(|| ApiError::SiteNotFound(site.to_owned()))?;
    entry.loyalty.as_ref().ok_or(ApiError::LoyaltyDisabled {
        site: site.to_owned(),
        what: "programme",
    })
}

/// Balance and activity of the token's customer.
pub async fn me(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Response {
    let answer = me_answer(&app, &site, &headers).await;
    with_cors(&app, &site, &headers, answer)
}

async fn me_answer(app: &AppState, site: &str, headers: &HeaderMap) -> Result<Response, ApiError> {
    let site = site.to_owned();
    let claims = customer(app, &site, headers).await?;
    let now = app.clock.now_millis();
    let config = app.config();
    let programme = loyalty_of(&config, &site)?;
    let policy = programme.expiry;
    record_expiry(app, &site, &claims, policy, now).await?;
    let entries = app
        .store
        .loyalty()
        .entries(site.clone(), claims.sub.clone())
        .await?;
    let b = balance(&entries, now);
    let upcoming = policy.and_then(|p| expiry::upcoming(&entries, p));
    let tiers = programme.rules.tiers.as_ref();
    let (tier, next_tier, held) = match tiers {
        None => (Value::Null, Value::Null, 0),
        Some(tiers) => {
            let contributions = app
                .store
                .loyalty()
                .tier_contributions(site.clone(), claims.sub.clone())
                .await?;
            let standing = tiers.standing(&contributions, now);
            let (tier, next) = tier_json(tiers, &standing);
            (tier, next, standing.tier)
        }
    };
    let entry = config
        .site(&site)
        .ok_or_else(|| ApiError::SiteNotFound(site.clone()))?;
    let segments =
        segment_lookup::reward_segments(app.store.as_ref(), entry, &claims.sub, now).await?;
    let rewards: Vec<Value> = programme
        .rewards
        .iter()
        .filter(|r| r.offered_to(&segments))
        .map(|r| {
            let mut v = r.to_json();
            v["available"] = json!(r.open_to(tiers, held) && r.points <= b.spendable);
            v
        })
        .collect();
    let codes: HashMap<String, IssuedCode> = if programme.rewards.is_empty() {
        HashMap::new()
    } else {
        app.store
            .loyalty()
            .reward_codes(site.clone(), claims.sub.clone())
            .await?
            .into_iter()
            .map(|c| (c.redemption.clone(), c))
            .collect()
    };
    let referral = match &programme.rules.referral {
        Some(rule) => {
            let code = referral::code_for(
                programme.customer_token_secret.as_bytes(),
                &site,
                &claims.sub,
            );
            app.store
                .loyalty()
                .record_referral_code(site.clone(), claims.sub.clone(), code.clone(), now)
                .await?;
            let referrals: Vec<Value> = app
                .store
                .loyalty()
                .referrals_by(site.clone(), claims.sub.clone())
                .await?
                .into_iter()
                .map(
                    |r| json!({ "status": r.status, "at": crate::clock::format_unix_millis(r.at) }),
                )
                .collect();
            json!({ "code": code, "link": rule.link_for(&code), "referrals": referrals })
        }
        None => Value::Null,
    };
    let activity: Vec<Value> = entries
        .iter()
        .rev()
        .take(ACTIVITY_LIMIT)
        .map(|e| {
            let mut v = json!({
                "kind": e.kind.as_str(),
                "source": e.source_id,
                "points": e.points,
                "at": crate::clock::format_unix_millis(e.created_at),
                "availableAt": crate::clock::format_unix_millis(e.available_at),
                "pending": e.available_at > now && !e.kind.counts_at_once(),
                "reason": e.reason,
            });
            if let (SourceKind::Redemption, Some(c)) = (e.kind, codes.get(&e.source_id)) {
                v["reward"] = json!(c.reward);
                v["code"] = json!(c.code);
            }
            v
        })
        .collect();
    Ok(Json(json!({
        "customer": claims.sub,
        "site": site,
        "spendable": b.spendable,
        "pending": b.pending,
        "expiresAt": upcoming.map(|u| crate::clock::format_unix_millis(u.at)),
        "expiringPoints": upcoming.map_or(0, |u| u.points),
        "tier": tier,
        "nextTier": next_tier,
        "rewards": rewards,
        "activity": activity,
        "referral": referral,
        "earn": earn_json(programme),
    }))
    .into_response())
}

/// The `earn` member of `loyalty/me`: the ways this site's programme gives points, for the
/// shopper (the site's public configuration does not carry the loyalty rules).
fn earn_json(programme: &LoyaltyConfig) -> Value {
    let rules = &programme.rules;
    let mut ways = vec![json!({ "kind": "order", "pointsPerUnit": rules.points_per_unit })];
    if let Some(a) = &rules.answer {
        ways.push(
            json!({ "kind": "surveyAnswer", "points": a.points, "periodDays": a.period_days }),
        );
    }
    if let Some(r) = &rules.referral {
        ways.push(json!({
            "kind": "referral",
            "referrerPoints": r.referrer_points,
            "refereePoints": r.referee_points,
        }));
    }
    Value::Array(ways)
}

/// The `tier` and `nextTier` members of `loyalty/me`.
fn tier_json(tiers: &Tiers, s: &Standing) -> (Value, Value) {
    let level = |i: usize| tiers.levels.get(i);
    let tier = level(s.tier).map_or(Value::Null, |t| {
        json!({
            "name": t.name,
            "multiplier": t.multiplier,
            "basis": tiers.basis.as_str(),
            "windowDays": tiers.window_days,
            "qualifying": s.qualifying,
            "heldUntil": s.held_until.map(crate::clock::format_unix_millis),
        })
    });
    let next = s
        .next
        .and_then(|(i, remaining)| level(i).map(|t| (t, remaining)))
        .map_or(Value::Null, |(t, remaining)| {
            json!({ "name": t.name, "threshold": t.threshold, "remaining": remaining })
        });
    (tier, next)
}

pub(crate) fn body_object(
    body: Result<Bytes, BytesRejection>,
) -> Result<Map<String, Value>, ApiError> {
    let body = body.map_err(|e| ApiError::MalformedJson(e.body_text()))?;
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::field("body", "must be a JSON object")),
    }
}

pub(crate) fn text(obj: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= MAX_TEXT => Ok(s.clone()),
        _ => Err(ApiError::field(
            key,
            format!("must be a non-empty string of at most {MAX_TEXT} characters"),
        )),
    }
}

fn points(obj: &Map<String, Value>, positive_only: bool) -> Result<i64, ApiError> {
    // `56420.0` is an integer to JSON Schema too.
    obj.get("points")
        .and_then(|v| {
            v.as_i64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() <= MAX_POINTS as f64)
                    .map(|f| f as i64)
            })
        })
        .filter(|p| (if positive_only { *p > 0 } else { *p != 0 }) && p.abs() <= MAX_POINTS)
        .ok_or_else(|| {
            ApiError::field(
                "points",
                if positive_only {
                    format!("must be an integer from 1 to {MAX_POINTS}")
                } else {
                    format!("must be a non-zero integer from -{MAX_POINTS} to {MAX_POINTS}")
                },
            )
        })
}

/// Spends points of the token's customer.
pub async fn redeem(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let answer = redeem_answer(&app, &site, &headers, body).await;
    with_cors(&app, &site, &headers, answer)
}

async fn redeem_answer(
    app: &AppState,
    site: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let site = site.to_owned();
    let ShopperPost { claims, body, id } = shopper_post(app, &site, headers, body).await?;
    let points = points(&body, true)?;
    let now = app.clock.now_millis();
    let policy = loyalty_of(&app.config(), &site)?.expiry;
    record_expiry(app, &site, &claims, policy, now).await?;
    let outcome = app
        .store
        .loyalty()
        .redeem(site, claims.sub, id.clone(), points, now)
        .await?;
    let (status, word, b) = match outcome {
        RedeemOutcome::Redeemed(b) => (StatusCode::CREATED, "redeemed", b),
        RedeemOutcome::Duplicate(b) => (StatusCode::OK, "duplicate", b),
        RedeemOutcome::Insufficient(b) => {
            return Err(ApiError::Conflict {
                field: "points".into(),
                message: format!("{points} exceeds the spendable balance {}", b.spendable),
            })
        }
    };
    Ok((
        status,
        Json(json!({ "id": id, "status": word, "spendable": b.spendable, "pending": b.pending })),
    )
        .into_response())
}

/// An admin's adjustment (admin token of the site).
pub async fn adjust(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let config = app.config();
    let token = bearer_token(&headers).ok_or(ApiError::Unauthorized)?;
    app.admin
        .authorize(&config, client, &site, token, Instant::now())?;
    loyalty_of(&config, &site)?;
    let obj = body_object(body)?;
    let adjustment = Adjustment {
        id: text(&obj, "id")?,
        customer: text(&obj, "customer")?,
        points: points(&obj, false)?,
        reason: text(&obj, "reason")?,
        actor: text(&obj, "actor")?,
    };
    let id = adjustment.id.clone();
    eprintln!(
        "rapport-server: loyalty adjustment site={site:?} id={id:?} customer={:?} points={} actor={:?} reason={:?}",
        adjustment.customer, adjustment.points, adjustment.actor, adjustment.reason
    );
    let new = app
        .store
        .loyalty()
        .adjust(site, adjustment, app.clock.now_millis())
        .await?;
    let (status, word) = if new {
        (StatusCode::CREATED, "stored")
    } else {
        (StatusCode::OK, "duplicate")
    };
    Ok((status, Json(json!({ "id": id, "status": word }))).into_response())
}
