//! `POST /v1/sites/{site}/loyalty/reward-redemptions` `{id, reward}` (customer token): spends
//! the reward's points through the same redemption path as points redemptions (expiry
//! applied first, then the balance check under the customer's lock), issues a unique
//! single-use code, and queues a signed `reward.redeemed` event for the store in the same
//! transaction; the outbox deliverer ([`crate::jobs::outbox`]) sends it, never this request.
//! Idempotent on `id`: a retry answers 200 with the same code. 201 `{id, status, reward,
//! code, spendable, pending}`; 400 for an unknown reward; 409 when the balance is short, the
//! reward needs a higher tier or is targeted at segments the customer is not in (resolved
//! server-side, [`crate::segment_lookup`]), or `id` was used for something else.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::app::AppState;
use crate::error::ApiError;
use crate::loyalty::ledger::Balance;
use crate::loyalty::outbound;
use crate::loyalty::rewards::{self, Redeemed, CODE_BYTES};
use crate::routes::loyalty::{loyalty_of, text};
use crate::routes::shopper::{record_expiry, shopper_post, with_cors, ShopperPost};
use crate::segment_lookup;
use crate::store::{RewardOutcome, RewardRedemption, StoreError};

/// Draws before giving up on finding an unused code (each collision has a chance of about
/// n / 2^60).
const CODE_DRAWS: usize = 5;

fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Store(StoreError::Task(format!("random source: {e}"))))?;
    Ok(bytes)
}

/// Redeems a reward of the catalogue (answered with the shopper CORS grant, errors too).
pub async fn redeem_reward(
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
    let reward_id = text(&body, "reward")?;
    let config = app.config();
    let loyalty = loyalty_of(&config, &site)?;
    let reward = loyalty
        .rewards
        .iter()
        .find(|r| r.id == reward_id)
        .ok_or_else(|| {
            ApiError::field(
                "reward",
                format!("{reward_id:?} is not in the rewards catalogue"),
            )
        })?;
    let now = app.clock.now_millis();
    let store = app.store.loyalty();
    if let Some(tiers) = &loyalty.rules.tiers {
        let contributions = store
            .tier_contributions(site.clone(), claims.sub.clone())
            .await?;
        let tier = tiers.standing(&contributions, now).tier;
        if !reward.open_to(Some(tiers), tier) {
            return Err(ApiError::Conflict {
                field: "reward".into(),
                message: format!(
                    "{reward_id:?} needs the {} tier or higher",
                    reward.min_tier.as_deref().unwrap_or_default()
                ),
            });
        }
    }
    if !reward.segments.is_empty() {
        let entry = config
            .site(&site)
            .ok_or_else(|| ApiError::SiteNotFound(site.clone()))?;
        let segments =
            segment_lookup::customer_segments(app.store.as_ref(), entry, &claims.sub, now).await?;
        if !reward.offered_to(&segments) {
            return Err(ApiError::Conflict {
                field: "reward".into(),
                message: format!("{reward_id:?} is not offered to this customer"),
            });
        }
    }
    record_expiry(app, &site, &claims, loyalty.expiry, now).await?;
    for _ in 0..CODE_DRAWS {
        let code = rewards::code_from(&random::<CODE_BYTES>()?);
        let event_id = outbound::event_id(&random::<16>()?);
        let payload = rewards::redeemed_event(&Redeemed {
            site: &site,
            customer: &claims.sub,
            email: claims.email.as_deref(),
            redemption: &id,
            reward,
            code: &code,
            at: now,
        });
        let redemption = RewardRedemption {
            id: id.clone(),
            customer: claims.sub.clone(),
            reward: reward.id.clone(),
            points: reward.points,
            code: code.clone(),
            event_id,
            payload: payload.to_string(),
        };
        let answer = |status: StatusCode, word: &str, code: &str, b: Balance| {
            (
                status,
                Json(
                    json!({ "id": id, "status": word, "reward": reward.to_json(), "code": code,
                    "spendable": b.spendable, "pending": b.pending }),
                ),
            )
                .into_response()
        };
        match store.redeem_reward(site.clone(), redemption, now).await? {
            RewardOutcome::Redeemed(b) => {
                return Ok(answer(StatusCode::CREATED, "redeemed", &code, b))
            }
            RewardOutcome::Duplicate {
                balance,
                issued: Some((code, rid)),
            } if rid == reward.id => {
                return Ok(answer(StatusCode::OK, "duplicate", &code, balance))
            }
            RewardOutcome::Duplicate { .. } => {
                return Err(ApiError::Conflict {
                    field: "id".into(),
                    message: format!("{id:?} was used for another redemption"),
                })
            }
            RewardOutcome::Insufficient(b) => {
                return Err(ApiError::Conflict {
                    field: "points".into(),
                    message: format!(
                        "{reward_id:?} costs {} points; the spendable balance is {}",
                        reward.points, b.spendable
                    ),
                })
            }
            RewardOutcome::CodeTaken => continue,
        }
    }
    Err(ApiError::Store(StoreError::Task(format!(
        "no unused reward code in {CODE_DRAWS} draws"
    ))))
}
