//! `POST /v1/responses`: rate limit, body limit (a declared `Content-Length` over the limit
//! is refused before any byte of the body is read), body read deadline, origin check,
//! validation, idempotent store. `201 {"id","status":"stored"}` for a new id,
//! `200 {"id","status":"duplicate"}` for a known one whose stored state stays (the same
//! state again, or a response stored complete already), `200 {"id","status":"updated"}`
//! when the newer state of a partial response (`"partial": true`) replaced it.
//!
//! **Identified answers.** A customer token (`Authorization: Bearer`, or the envelope's
//! `token` member, which `fetch` with `keepalive` and `sendBeacon` alike can carry) is
//! verified with the site's `loyalty.customerTokenSecret`; the response is stored linked
//! to the token's `sub`, and earns the site's `surveyAnswer` points (see
//! [`crate::loyalty::answer`]) once it is complete: a partial response never earns. A
//! client-stated `userId` is never trusted for this.
//!
//! A token that fails verification does **not** refuse the response: it is stored
//! anonymously (no customer, no points) and the receipt says `"loyalty":
//! "token_refused"`. Feedback is the merchant's data and the widget retries deliveries
//! across reloads from a persisted outbox, long after a 15-minute token may have expired;
//! refusing with 401 would lose honest answers, while storing them anonymously gives a
//! forger nothing (no link, no credit). The refusal is logged.

use std::net::IpAddr;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::clock;
use crate::config::ServerConfig;
use crate::cors;
use crate::envelope;
use crate::error::ApiError;
use crate::loyalty::answer::{AnswerDecision, AnswerRule, DEFAULT_PERIOD_DAYS};
use crate::loyalty::token::{self, CustomerClaims};
use crate::store::{AnswerCredit, InsertOutcome, StoredResponse};
use crate::validate;

/// Largest accepted body, in bytes (64 KiB); larger bodies get 413.
pub const MAX_BODY_BYTES: usize = validate::Limits::MAX_BODY_BYTES;

/// Stores one response.
pub async fn post_response(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let config = app.config();
    let origin = cors::request_origin(&headers);
    let same_origin = origin.is_some_and(|o| cors::is_same_origin(&headers, o));
    // Until the site is known, any configured origin may read the error.
    let mut allowed = origin.is_some_and(|o| same_origin || cors::allowed_for_any(&config, o));
    let result = store(
        &app,
        &config,
        client,
        &headers,
        body,
        origin,
        same_origin,
        &mut allowed,
    )
    .await;
    let mut response = match result {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    cors::decorate(&mut response, origin, allowed);
    if allowed {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
    }
    response
}

#[allow(clippy::too_many_arguments)]
async fn store(
    app: &AppState,
    config: &ServerConfig,
    client: IpAddr,
    headers: &HeaderMap,
    body: Body,
    origin: Option<&str>,
    same_origin: bool,
    allowed: &mut bool,
) -> Result<Response, ApiError> {
    let body = read_shopper_post(app, config, client, headers, body).await?;
    let envelope::Incoming {
        response,
        answers_json,
        traits_json,
        token,
    } = envelope::parse(&body)?;
    validate::validate_shape(&response)?;
    let site = config
        .site(&response.site)
        .ok_or_else(|| ApiError::SiteNotFound(response.site.clone()))?;
    if let Some(origin) = origin {
        if !same_origin && !cors::allowed_for_site(config, &site.id, origin) {
            *allowed = false;
            return Err(ApiError::OriginNotAllowed(origin.to_owned()));
        }
    }
    validate::validate(&site.rules, &response)?;
    let presented = bearer_token(headers).or(token.as_deref());
    let identity = identify(app, site, presented);

    let id = response.id.clone();
    let survey = response.survey.clone();
    let partial = response.partial;
    let customer = match &identity {
        Identity::Verified(claims) => Some(claims.sub.clone()),
        _ => None,
    };
    // `response.created` (and `response.detractor`), queued with the write that completes
    // the response.
    let band = site
        .rules
        .config()
        .survey(&response.survey)
        .and_then(|s| crate::feedback_band::response_band(s, &response));
    let events = crate::hooks::event::response_events(
        &crate::hooks::event::ResponseFacts {
            site: &response.site,
            id: &response.id,
            survey: &response.survey,
            answers_json: &answers_json,
            customer: customer.as_deref(),
            url: response.url.as_deref(),
            band,
        },
        app.clock.now_millis(),
    );
    let stored = StoredResponse {
        id: response.id,
        site: response.site,
        survey: response.survey,
        answers_json,
        locale: response.locale,
        url: response.url,
        user_id: response.user_id,
        traits_json,
        created_at: response.created_at,
        received_at: clock::now_rfc3339(),
        partial,
        customer,
    };
    // Only an identified response can join the follow-up holdout: anonymous ones pay
    // nothing for it.
    let identified = stored.customer.is_some().then(|| stored.clone());
    let for_inbox = stored.clone();
    let outcome = app.store.insert_with_events(stored, events).await?;
    if outcome != InsertOutcome::Duplicate {
        crate::inbox::on_response_stored(app, &for_inbox).await;
    }
    if let Some(stored) = identified.filter(|_| outcome != InsertOutcome::Duplicate) {
        // The holdout group is decided once, when the (complete) response arrives.
        if let Err(e) = crate::routes::followups::assign(app, &stored).await {
            eprintln!("rapport-server: holdout assignment of {:?}: {e}", stored.id);
        }
    }
    let (status, label) = match outcome {
        InsertOutcome::Stored => (StatusCode::CREATED, "stored"),
        InsertOutcome::Duplicate => (StatusCode::OK, "duplicate"),
        InsertOutcome::Updated => (StatusCode::OK, "updated"),
    };
    let mut receipt = json!({ "id": id, "status": label });
    match identity {
        Identity::Anonymous => {}
        Identity::Refused => receipt["loyalty"] = json!("token_refused"),
        Identity::Verified(claims) => {
            let now = app.clock.now_millis();
            let site_id = claims.site.clone();
            let customer = claims.sub.clone();
            app.store.loyalty().touch_customer(claims, now).await?;
            let rule = answer_rule(app, site, &survey, &customer, now).await?;
            receipt["customer"] = json!(customer);
            receipt["loyalty"] = json!("not_enabled");
            if let Some(rule) = rule {
                // Runs on duplicates too: a delivery whose credit was cut off earns on retry.
                let credit = AnswerCredit {
                    site: site_id,
                    customer,
                    survey,
                    response_id: id,
                    partial,
                    rule,
                };
                let outcome = app.store.loyalty().credit_answer(credit, now).await?;
                receipt["points"] = json!(outcome.points);
                receipt["loyalty"] = json!(match outcome.decision {
                    AnswerDecision::Credit(_) => "credited",
                    AnswerDecision::Already => "already_credited",
                    AnswerDecision::NotEligible("partial") => "partial",
                    AnswerDecision::NotEligible(_) => "not_eligible",
                    AnswerDecision::TooSoon { .. } => "too_soon",
                });
            }
        }
    }
    Ok((status, Json(receipt)).into_response())
}

/// Who answered, as far as the collector can vouch for it.
enum Identity {
    /// No token (or the site runs no loyalty programme).
    Anonymous,
    /// A token that failed verification: the answer is stored anonymously.
    Refused,
    /// A verified customer.
    Verified(CustomerClaims),
}

fn identify(app: &AppState, site: &crate::config::SiteEntry, presented: Option<&str>) -> Identity {
    let (Some(token), Some(loyalty)) = (presented, site.loyalty.as_ref()) else {
        return Identity::Anonymous;
    };
    let now = app.clock.now_millis();
    match token::verify(
        loyalty.customer_token_secret.as_bytes(),
        &site.id,
        token,
        now,
    ) {
        Ok(claims) => Identity::Verified(claims),
        Err(e) => {
            eprintln!(
                "rapport-server: response stored anonymously site={:?}: {e}",
                site.id
            );
            Identity::Refused
        }
    }
}

/// The body of a POST a shopper's browser makes (`/v1/responses`, `/v1/impressions`), after
/// the checks every such request passes first: the client's rate limit, the content type and
/// the declared length; then read within the configured deadline and size limit.
pub(crate) async fn read_shopper_post(
    app: &AppState,
    config: &ServerConfig,
    client: IpAddr,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, ApiError> {
    app.limiter()
        .check(client)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    check_content_type(headers)?;
    check_declared_length(headers)?;
    read_body(body, config.timeouts.body_read).await
}

/// A `Content-Length` above the limit is refused before the body is read.
fn check_declared_length(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_BODY_BYTES as u64 => Err(ApiError::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        }),
        _ => Ok(()),
    }
}

/// The whole body, at most [`MAX_BODY_BYTES`], read within `deadline` (chunked bodies have
/// no declared length: the limit is enforced while reading).
async fn read_body(body: Body, deadline: std::time::Duration) -> Result<Bytes, ApiError> {
    let collected = tokio::time::timeout(deadline, Limited::new(body, MAX_BODY_BYTES).collect())
        .await
        .map_err(|_| ApiError::RequestTimeout {
            secs: deadline.as_secs_f64(),
        })?;
    match collected {
        Ok(all) => Ok(all.to_bytes()),
        Err(err) if err.is::<LengthLimitError>() => Err(ApiError::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        }),
        Err(err) => Err(ApiError::field("body", format!("could not be read: {err}"))),
    }
}

/// JSON is expected; `text/plain` is accepted too (what `navigator.sendBeacon` sends with
/// a string body), as is a missing header.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or_default().to_ascii_lowercase();
    let essence = text.split(';').next().unwrap_or_default().trim();
    match essence {
        "application/json" | "text/plain" => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType(text)),
    }
}

/// Preflight for `POST /v1/responses` (JSON bodies) and the export `GET`.
pub async fn options_responses(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let config = app.config();
    cors::preflight(
        &headers,
        |o| cors::allowed_for_any(&config, o),
        &[Method::POST, Method::GET],
    )
}

/// The answer rule of `survey` for `customer`: the survey's audience `bonusPoints` when it
/// has some and the customer is in its audience now (resolved from the store, never from
/// the request), else the site's `loyalty.surveyAnswer`.
async fn answer_rule(
    app: &AppState,
    site: &crate::config::SiteEntry,
    survey: &str,
    customer: &str,
    now: i64,
) -> Result<Option<AnswerRule>, ApiError> {
    let site_rule = site.loyalty.as_ref().and_then(|l| l.rules.answer);
    let Some((audience, points)) = site
        .targeted
        .iter()
        .find(|t| t.id == survey)
        .and_then(|t| Some((&t.audience, t.audience.bonus_points?)))
    else {
        return Ok(site_rule);
    };
    let segments =
        crate::segment_lookup::customer_segments(app.store.as_ref(), site, customer, now).await?;
    if !audience.admits(&segments) {
        return Ok(site_rule);
    }
    Ok(Some(AnswerRule {
        points,
        period_days: site_rule.map_or(DEFAULT_PERIOD_DAYS, |r| r.period_days),
    }))
}
