//! The "Webhooks & alerts" page's data: the `/admin/api/webhooks*` and
//! `/admin/api/sites/{site}/alerts` JSON as typed view models, and how a delivery's state
//! is worded. No browser types; tested natively.

use serde::{Deserialize, Serialize};

use crate::format;

/// Every event an endpoint may subscribe to, with the words the page shows for it.
pub const EVENTS: [(&str, &str); 7] = [
    ("response.created", "Response received"),
    ("response.detractor", "Detractor response"),
    ("followup.sent", "Follow-up sent"),
    ("points.earned", "Points earned"),
    ("reward.redeemed", "Reward redeemed"),
    ("tier.changed", "Tier changed"),
    ("alert.digest", "Daily digest"),
];

/// An endpoint (`Webhook`; never its secret).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Site.
    pub site: String,
    /// URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Whether it receives events.
    pub enabled: bool,
}

/// `GET /admin/api/webhooks`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookList {
    /// The endpoints.
    pub webhooks: Vec<Webhook>,
}

/// The create and rotate answers: the endpoint and, once, its secret.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookWithSecret {
    /// The endpoint.
    pub webhook: Webhook,
    /// `whsec_…`, present only when made or rotated.
    #[serde(default)]
    pub secret: Option<String>,
}

/// `POST /admin/api/webhooks` body.
#[derive(Debug, Clone, Serialize)]
pub struct NewWebhook<'a> {
    /// Site.
    pub site: &'a str,
    /// URL.
    pub url: &'a str,
    /// Subscribed events.
    pub events: Vec<&'a str>,
}

/// `PATCH /admin/api/webhooks/{id}` body.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPatch {
    /// Enable or disable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// A new secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotate_secret: Option<bool>,
}

/// One delivery log line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// `webhook-id`.
    pub event_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// HTTP status of the last answer.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// Last failure.
    #[serde(default)]
    pub error: Option<String>,
    /// Queued, ms.
    pub created_at: i64,
    /// Next attempt, ms.
    #[serde(default)]
    pub next_attempt_at: Option<i64>,
    /// Delivered, ms.
    #[serde(default)]
    pub delivered_at: Option<i64>,
    /// Given up.
    pub gave_up: bool,
}

/// `GET /admin/api/webhooks/{id}/deliveries`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeliveryPage {
    /// Newest first.
    pub deliveries: Vec<Delivery>,
}

/// `POST /admin/api/webhooks/{id}/test`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestResult {
    /// Whether the endpoint answered 2xx.
    pub delivered: bool,
    /// Its status.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// Why not.
    #[serde(default)]
    pub error: Option<String>,
}

/// The digest part of the alert settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestSettings {
    /// On or off.
    pub enabled: bool,
    /// UTC hour 0–23.
    pub hour_utc: u8,
}

/// A site's alert settings (GET answer and PUT body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertSettings {
    /// Slack-compatible incoming-webhook URL.
    #[serde(default)]
    pub slack_url: Option<String>,
    /// A message per detractor response.
    pub instant_detractor: bool,
    /// The daily digest.
    pub digest: DigestSettings,
}

/// The words for an event type (the type itself when unknown).
pub fn event_label(kind: &str) -> &str {
    EVENTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, label)| label)
}

/// A delivery's state in words.
pub fn delivery_state(d: &Delivery) -> String {
    let status = d
        .status_code
        .map(|s| format!("HTTP {s}"))
        .or_else(|| d.error.clone())
        .unwrap_or_default();
    match (d.delivered_at, d.gave_up, d.next_attempt_at) {
        (Some(_), _, _) => format!("Delivered ({status}) after {} attempt(s)", d.attempts),
        (None, true, _) => format!("Gave up after {} attempt(s): {status}", d.attempts),
        (None, false, Some(next)) if d.attempts > 0 => format!(
            "Failed {} time(s) ({status}); next attempt {}",
            d.attempts,
            format::instant(next)
        ),
        _ => "Waiting for its first attempt".to_owned(),
    }
}

/// What the "Send test" button reports.
pub fn test_outcome(r: &TestResult) -> String {
    match (r.delivered, r.status_code, &r.error) {
        (true, Some(s), _) => format!("Test event delivered: the endpoint answered HTTP {s}."),
        (true, None, _) => "Test event delivered.".to_owned(),
        (false, _, Some(e)) => format!("Test event not delivered: {e}."),
        (false, Some(s), None) => format!("Test event not delivered: HTTP {s}."),
        (false, None, None) => "Test event not delivered.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(v: serde_json::Value) -> Delivery {
        serde_json::from_value(v).expect("a delivery")
    }

    #[test]
    fn states_are_worded() {
        let ok = delivery(
            serde_json::json!({"type": "response.created", "eventId": "msg_1", "attempts": 1,
            "statusCode": 200, "createdAt": 0, "deliveredAt": 1, "gaveUp": false}),
        );
        assert_eq!(
            delivery_state(&ok),
            "Delivered (HTTP 200) after 1 attempt(s)"
        );
        let gave_up = delivery(
            serde_json::json!({"type": "x", "eventId": "m", "attempts": 20,
            "statusCode": 500, "error": "answered 500", "createdAt": 0, "gaveUp": true}),
        );
        assert_eq!(
            delivery_state(&gave_up),
            "Gave up after 20 attempt(s): HTTP 500"
        );
        let retrying = delivery(
            serde_json::json!({"type": "x", "eventId": "m", "attempts": 2,
            "error": "connect: refused", "createdAt": 0, "nextAttemptAt": 0, "gaveUp": false}),
        );
        assert!(delivery_state(&retrying)
            .starts_with("Failed 2 time(s) (connect: refused); next attempt "));
        let waiting = delivery(
            serde_json::json!({"type": "x", "eventId": "m", "attempts": 0,
            "createdAt": 0, "nextAttemptAt": 0, "gaveUp": false}),
        );
        assert_eq!(delivery_state(&waiting), "Waiting for its first attempt");
    }

    #[test]
    fn labels_and_test_outcomes() {
        assert_eq!(event_label("tier.changed"), "Tier changed");
        assert_eq!(event_label("webhook.test"), "webhook.test");
        let r = TestResult {
            delivered: false,
            status_code: None,
            error: Some("connect: refused".into()),
        };
        assert_eq!(
            test_outcome(&r),
            "Test event not delivered: connect: refused."
        );
        let r = TestResult {
            delivered: true,
            status_code: Some(204),
            error: None,
        };
        assert_eq!(
            test_outcome(&r),
            "Test event delivered: the endpoint answered HTTP 204."
        );
    }

    #[test]
    fn patch_bodies_name_only_what_changes() {
        let p = WebhookPatch {
            rotate_secret: Some(true),
            ..WebhookPatch::default()
        };
        assert_eq!(
            serde_json::to_string(&p).ok().as_deref(),
            Some(r#"{"rotateSecret":true}"#)
        );
        let s = AlertSettings {
            slack_url: None,
            instant_detractor: true,
            digest: DigestSettings {
                enabled: false,
                hour_utc: 8,
            },
        };
        assert_eq!(
            serde_json::to_value(&s).ok(),
            Some(
                serde_json::json!({"slackUrl": null, "instantDetractor": true, "digest": {"enabled": false, "hourUtc": 8}})
            )
        );
    }
}
