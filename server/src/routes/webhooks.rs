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
use crate::config::LoyaltyConfig;
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

/// The three order webhook sources. What differs between them is the secret, the
/// signature scheme, where the delivery id and topic are, and the payload's shape; the
/// path ([`receive`]: secret → signature → parse → apply) is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Shopify,
    WooCommerce,
    Standard,
}

impl Source {
    /// Its name in logs and errors.
    fn name(self) -> &'static str {
        match self {
            Source::Shopify => "shopify",
            Source::WooCommerce => "woocommerce",
            Source::Standard => "standard",
        }
    }

    fn platform(self) -> Platform {
        match self {
            Source::Shopify => Platform::Shopify,
            Source::WooCommerce => Platform::WooCommerce,
            Source::Standard => Platform::Generic,
        }
    }

    /// Checks the body's signature with the site's secret for this source; returns the
    /// delivery id (the Standard Webhooks id is part of what is signed).
    fn verify(
        self,
        loyalty: &LoyaltyConfig,
        site: &str,
        headers: &HeaderMap,
        body: &[u8],
        now_secs: i64,
    ) -> Result<Option<String>, ApiError> {
        let refused = |e| refuse(site, self.name(), e);
        let missing = || disabled(site, self.what());
        match self {
            Source::Shopify => {
                let secret = loyalty.shopify_secret.as_deref().ok_or_else(missing)?;
                signature::verify_shopify(secret, body, header(headers, "x-shopify-hmac-sha256"))
                    .map_err(refused)?;
                Ok(header(headers, "x-shopify-webhook-id").map(str::to_owned))
            }
            Source::WooCommerce => {
                let secret = loyalty.woocommerce_secret.as_deref().ok_or_else(missing)?;
                signature::verify_woocommerce(
                    secret,
                    body,
                    header(headers, "x-wc-webhook-signature"),
                )
                .map_err(refused)?;
                Ok(header(headers, "x-wc-webhook-delivery-id").map(str::to_owned))
            }
            Source::Standard => {
                let key = loyalty.standard_key.as_deref().ok_or_else(missing)?;
                let hs = StandardHeaders {
                    id: header(headers, "webhook-id"),
                    timestamp: header(headers, "webhook-timestamp"),
                    signature: header(headers, "webhook-signature"),
                };
                let id = signature::verify_standard(key, body, hs, now_secs).map_err(refused)?;
                Ok(Some(id.to_owned()))
            }
        }
    }

    /// What a site without this source's secret is told is disabled.
    fn what(self) -> &'static str {
        match self {
            Source::Shopify => "shopify webhooks",
            Source::WooCommerce => "woocommerce webhooks",
            Source::Standard => "standard webhooks",
        }
    }

    /// Reads a verified body; `None` for a delivery that carries no event (WooCommerce
    /// pings a new webhook with a form body `webhook_id=N`).
    fn parse(self, headers: &HeaderMap, body: &[u8]) -> Result<Option<OrderEvent>, ApiError> {
        if self == Source::WooCommerce
            && body.starts_with(b"webhook_id=")
            && serde_json::from_slice::<Value>(body).is_err()
        {
            return Ok(None);
        }
        let value = json_body(body)?;
        let event = match self {
            Source::Shopify => shopify::parse(
                header(headers, "x-shopify-topic").unwrap_or_default(),
                &value,
            ),
            Source::WooCommerce => woocommerce::parse(
                header(headers, "x-wc-webhook-topic").unwrap_or_default(),
                &value,
            ),
            Source::Standard => generic::parse(&value),
        };
        event.map(Some).map_err(payload_err)
    }
}

/// The one path of every order webhook: the site's secret for `source`, the signature over
/// the raw body, the payload, then the store.
async fn receive(
    app: AppState,
    site: String,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
    source: Source,
) -> Result<Response, ApiError> {
    let config = app.config();
    let loyalty = loyalty_of(&config, &site)?;
    let body = body.map_err(|e| ApiError::MalformedJson(e.body_text()))?;
    let now_secs = app.clock.now_millis().div_euclid(1000);
    let id = source.verify(loyalty, &site, &headers, &body, now_secs)?;
    let Some(event) = source.parse(&headers, &body)? else {
        return Ok(Json(json!({ "status": "ignored", "entries": 0 })).into_response());
    };
    let platform = source.platform();
    let delivery = delivery(platform.as_str(), id.as_deref());
    apply(&app, site, platform, delivery, event).await
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
    receive(app, site, headers, body, Source::Shopify).await
}

/// WooCommerce order webhooks.
pub async fn woocommerce(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    receive(app, site, headers, body, Source::WooCommerce).await
}

/// Standard Webhooks deliveries from any other platform.
pub async fn standard(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    receive(app, site, headers, body, Source::Standard).await
}
