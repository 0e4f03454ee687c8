//! Order webhooks: `POST /v1/sites/{site}/webhooks/{shopify,woocommerce,standard}`. The
//! signature is checked over the raw body with the site's secret for that source before
//! the body is parsed; the delivery id (`X-Shopify-Webhook-Id`, `X-WC-Webhook-Delivery-ID`,
//! `webhook-id`) makes a replay a no-op. Answers: 200 `{"status":"applied","entries":n}`,
//! 200 `{"status":"duplicate"}` for a replayed delivery, 200 `{"status":"ignored"}` for a
//! WooCommerce ping, 401 for a bad signature or stale timestamp, 409 for a refund of an
//! order not seen yet (the platform retries). Every refusal is logged.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::error::ApiError;
use crate::loyalty::order::{OrderEvent, PayloadError, Platform};
use crate::loyalty::platform::{generic, shopify, woocommerce};
use crate::loyalty::signature::{self, SignatureError, StandardHeaders};
use crate::routes::loyalty::loyalty_of;
use crate::store::{ApplyOutcome, Delivery};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn refuse(site: &str, source: &str, e: SignatureError) -> ApiError {
    eprintln!("rapport-server: webhook refused site={site:?} source={source}: {e}");
    ApiError::BadSignature {
        header: e.header().to_owned(),
        message: e
            .to_string()
            .trim_start_matches(&format!("{}: ", e.header()))
            .to_owned(),
    }
}

fn payload_err(e: PayloadError) -> ApiError {
    ApiError::field(e.field, e.message)
}

fn disabled(site: &str, what: &'static str) -> ApiError {
    ApiError::LoyaltyDisabled {
        site: site.to_owned(),
        what,
    }
}

fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

async fn apply(
    app: &AppState,
    site: String,
    platform: Platform,
    delivery: Option<Delivery>,
    event: OrderEvent,
) -> Result<Response, ApiError> {
    let config = app.config();
    let rules = loyalty_of(&config, &site)?.rules.clone();
    let outcome = app
        .store
        .loyalty()
        .apply_order(
            site.clone(),
            platform,
            delivery.clone(),
            event,
            rules,
            app.clock.now_millis(),
        )
        .await?;
    match outcome {
        ApplyOutcome::Applied { entries, referral } => {
            let mut body = json!({ "status": "applied", "entries": entries });
            if let Some(referral) = referral {
                eprintln!(
                    "rapport-server: referral site={site:?} source={}: {referral}",
                    platform.as_str()
                );
                body["referral"] = json!(referral);
            }
            Ok(Json(body).into_response())
        }
        ApplyOutcome::Replay => {
            eprintln!(
                "rapport-server: webhook replay ignored site={site:?} source={} id={:?}",
                platform.as_str(),
                delivery.map(|d| d.id).unwrap_or_default()
            );
            Ok(Json(json!({ "status": "duplicate", "entries": 0 })).into_response())
        }
        ApplyOutcome::UnknownOrder(order) => Err(ApiError::Conflict {
            field: "order_id".into(),
            message: format!("order {order:?} is not known yet; retry later"),
        }),
    }
}

fn delivery(source: &'static str, id: Option<&str>) -> Option<Delivery> {
    id.filter(|s| !s.is_empty() && s.len() <= 200)
        .map(|id| Delivery {
            source,
            id: id.to_owned(),
        })
}

/// Shopify order and refund webhooks.
pub async fn shopify(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let config = app.config();
    let secret = loyalty_of(&config, &site)?
        .shopify_secret
        .clone()
        .ok_or_else(|| disabled(&site, "shopify webhooks"))?;
    let body = body.map_err(|e| ApiError::MalformedJson(e.body_text()))?;
    signature::verify_shopify(&secret, &body, header(&headers, "x-shopify-hmac-sha256"))
        .map_err(|e| refuse(&site, "shopify", e))?;
    let topic = header(&headers, "x-shopify-topic").unwrap_or_default();
    let event = shopify::parse(topic, &json_body(&body)?).map_err(payload_err)?;
    let id = delivery("shopify", header(&headers, "x-shopify-webhook-id"));
    apply(&app, site, Platform::Shopify, id, event).await
}

/// WooCommerce order webhooks.
pub async fn woocommerce(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let config = app.config();
    let secret = loyalty_of(&config, &site)?
        .woocommerce_secret
        .clone()
        .ok_or_else(|| disabled(&site, "woocommerce webhooks"))?;
    let body = body.map_err(|e| ApiError::MalformedJson(e.body_text()))?;
    signature::verify_woocommerce(&secret, &body, header(&headers, "x-wc-webhook-signature"))
        .map_err(|e| refuse(&site, "woocommerce", e))?;
    // WooCommerce pings a new webhook with a form body `webhook_id=N`.
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        if body.starts_with(b"webhook_id=") {
            return Ok(Json(json!({ "status": "ignored", "entries": 0 })).into_response());
        }
        return Err(json_body(&body)
            .err()
            .unwrap_or(ApiError::MalformedJson(String::new())));
    };
    let topic = header(&headers, "x-wc-webhook-topic").unwrap_or_default();
    let event = woocommerce::parse(topic, &value).map_err(payload_err)?;
    let id = delivery("woocommerce", header(&headers, "x-wc-webhook-delivery-id"));
    apply(&app, site, Platform::WooCommerce, id, event).await
}

/// Standard Webhooks deliveries from any other platform.
pub async fn standard(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let config = app.config();
    let key = loyalty_of(&config, &site)?
        .standard_key
        .clone()
        .ok_or_else(|| disabled(&site, "standard webhooks"))?;
    let body = body.map_err(|e| ApiError::MalformedJson(e.body_text()))?;
    let now_secs = app.clock.now_millis().div_euclid(1000);
    let hs = StandardHeaders {
        id: header(&headers, "webhook-id"),
        timestamp: header(&headers, "webhook-timestamp"),
        signature: header(&headers, "webhook-signature"),
    };
    let id = signature::verify_standard(&key, &body, hs, now_secs)
        .map_err(|e| refuse(&site, "standard", e))?
        .to_owned();
    let event = generic::parse(&json_body(&body)?).map_err(payload_err)?;
    apply(
        &app,
        site,
        Platform::Generic,
        delivery("generic", Some(&id)),
        event,
    )
    .await
}
