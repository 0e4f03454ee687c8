//! The webhook deliverer, off the request path: it sends the deliveries the outbox's
//! fan-out ([`fan_out`], called by [`super::outbox`] for each event) queued — to console
//! endpoints, signed per Standard Webhooks with the endpoint's secret, and to a site's
//! Slack-compatible alert URL, unsigned — retrying failures on [`crate::hooks::retry`]'s
//! schedule and giving up after its last attempt. A claim moves a delivery's next attempt
//! [`LEASE`] ahead, so several instances never send one delivery at once.

use std::time::Duration;

use serde_json::Value;

use super::webhook_client::WebhookClients;
use crate::app::AppState;
use crate::hooks::event::{self, RESPONSE_DETRACTOR};
use crate::hooks::{retry, slack};
use crate::loyalty::outbound::{self, OutboundWebhook};
use crate::loyalty::signature::standard_key;
use crate::store::hooks::{slack_target, Attempt, DeliveryItem};
use crate::store::{OutboxItem, StoreError};

/// How often due deliveries are looked for.
pub const POLL: Duration = Duration::from_millis(200);
/// How long a claimed delivery is reserved for its worker, ms.
pub const LEASE: i64 = 60_000;
/// Deliveries sent per pass.
pub const BATCH: usize = 50;

/// Queues the deliveries of one outbox event: one per enabled endpoint of its site
/// subscribed to its type, and for a `response.detractor` the site's instant Slack alert
/// when it is switched on. Idempotent (a delivery is unique per target and event).
pub async fn fan_out(app: &AppState, item: &OutboxItem, kind: &str) -> Result<(), StoreError> {
    let now = app.clock.now_millis();
    let hooks = app.store.hooks();
    hooks
        .fan_out(
            item.site.clone(),
            item.event_id.clone(),
            kind.to_owned(),
            item.payload.clone(),
            now,
        )
        .await?;
    if kind == RESPONSE_DETRACTOR {
        let settings = hooks.alerts(item.site.clone()).await?;
        if let Some(s) = settings.filter(|s| s.instant_detractor && s.slack_url.is_some()) {
            let message = detractor_message(app, &item.site, &item.payload);
            hooks
                .enqueue(
                    slack_target(&s.site),
                    item.site.clone(),
                    item.event_id.clone(),
                    "alert.detractor".to_owned(),
                    message.to_string(),
                    now,
                )
                .await?;
        }
    }
    Ok(())
}

/// The Slack message of a `response.detractor` body: each answer with its question's text
/// from the site's configuration.
fn detractor_message(app: &AppState, site: &str, payload: &str) -> Value {
    let body: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
    let data = &body["data"];
    let survey_id = data["survey"].as_str().unwrap_or("");
    let config = app.config();
    let survey = config
        .site(site)
        .and_then(|s| s.rules.config().survey(survey_id).cloned());
    let answers: Vec<slack::QuotedAnswer> = data["answers"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    let id = a["question"].as_str().unwrap_or("");
                    let question = survey
                        .as_ref()
                        .and_then(|s| s.question(id))
                        .map(|q| q.text.resolve("en").to_owned())
                        .unwrap_or_else(|| id.to_owned());
                    slack::QuotedAnswer {
                        question,
                        answer: answer_text(&a["value"]),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    slack::detractor(site, survey_id, data["customer"].as_str(), &answers)
}

/// An answer's value as text.
fn answer_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let mut parts: Vec<String> = o
                .get("choices")
                .and_then(Value::as_array)
                .map(|c| {
                    c.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(other) = o.get("other").and_then(Value::as_str) {
                parts.push(other.to_owned());
            }
            parts.join(", ")
        }
        other => other.to_string(),
    }
}

/// Where a delivery goes and with which key (`None`: unsigned, the Slack alert).
enum Target {
    Signed(OutboundWebhook),
    Slack(OutboundWebhook),
}

async fn target(app: &AppState, item: &DeliveryItem) -> Result<Target, String> {
    let hooks = app.store.hooks();
    if let Some(site) = item.target.strip_prefix("slack:") {
        let settings = hooks
            .alerts(site.to_owned())
            .await
            .map_err(|e| e.to_string())?;
        let url = settings
            .and_then(|s| s.slack_url)
            .ok_or_else(|| format!("site {site:?} has no Slack URL any more"))?;
        return Ok(Target::Slack(OutboundWebhook {
            url,
            key: Vec::new(),
            root_certificate: None,
        }));
    }
    let endpoint = hooks
        .endpoint(item.target.clone())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("endpoint {:?} was deleted", item.target))?;
    let key = standard_key(&endpoint.secret)?;
    Ok(Target::Signed(OutboundWebhook {
        url: endpoint.url,
        key,
        root_certificate: None,
    }))
}

/// One POST of `payload` to `target` with event id `event_id`; the status it answered and
/// whether that is a delivery.
pub async fn send(
    clients: &WebhookClients,
    target: &OutboundWebhook,
    signed: bool,
    event_id: &str,
    payload: &str,
    now: i64,
) -> (Option<u16>, Option<String>) {
    let body = payload.as_bytes().to_vec();
    let headers: Vec<(&'static str, String)> = match signed {
        true => outbound::headers(&target.key, event_id, now.div_euclid(1000), &body).to_vec(),
        false => Vec::new(),
    };
    match clients.post(target, &headers, body).await {
        Ok(status) if status.is_success() => (Some(status.as_u16()), None),
        Ok(status) => (Some(status.as_u16()), Some(format!("answered {status}"))),
        Err(e) => (None, Some(e)),
    }
}

/// One pass: claims the due deliveries and attempts each; returns how many were delivered.
pub async fn run_once(app: &AppState, clients: &WebhookClients) -> Result<usize, StoreError> {
    let now = app.clock.now_millis();
    let hooks = app.store.hooks();
    let items = hooks
        .claim_deliveries(now, now.saturating_add(LEASE), BATCH)
        .await?;
    let mut delivered = 0;
    for item in items {
        let (status, error) = match target(app, &item).await {
            Ok(Target::Signed(t)) => {
                send(
                    clients,
                    &t,
                    true,
                    &item.event_id,
                    &item.payload,
                    app.clock.now_millis(),
                )
                .await
            }
            Ok(Target::Slack(t)) => {
                send(
                    clients,
                    &t,
                    false,
                    &item.event_id,
                    &item.payload,
                    app.clock.now_millis(),
                )
                .await
            }
            Err(e) => (None, Some(e)),
        };
        let at = app.clock.now_millis();
        let retry_at = match &error {
            None => {
                delivered += 1;
                None
            }
            Some(e) => {
                let retry = retry::after(item.attempts + 1).map(|d| at.saturating_add(d));
                eprintln!(
                    "rapport-server: webhook target={:?} event={} attempt {} failed: {e}{}",
                    item.target,
                    item.event_id,
                    item.attempts + 1,
                    if retry.is_none() { " (given up)" } else { "" }
                );
                retry
            }
        };
        hooks
            .delivery_attempted(
                item.seq,
                Attempt {
                    status,
                    error,
                    retry_at,
                    at,
                },
            )
            .await?;
    }
    Ok(delivered)
}

/// Runs [`run_once`] every [`POLL`] forever, logging failures.
pub async fn run(app: AppState) {
    let clients = WebhookClients::default();
    let mut every = tokio::time::interval(POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&app, &clients).await {
            eprintln!("rapport-server: webhooks: {e}");
        }
    }
}

/// The type of an outbox event, for logs when its body has none.
pub fn kind_of(item: &OutboxItem) -> String {
    event::type_of(&item.payload).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_read_as_text() {
        assert_eq!(answer_text(&json!(3)), "3");
        assert_eq!(answer_text(&json!("slow")), "slow");
        assert_eq!(
            answer_text(&json!({"choices": ["price", "speed"], "other": "x"})),
            "price, speed, x"
        );
    }
}
