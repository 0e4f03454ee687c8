//! The events a webhook endpoint may subscribe to, and how an event's `webhook-id` and
//! body are made. Every body has the Standard Webhooks payload shape `{type, timestamp,
//! data}`. Ids of events that happen once per fact (a response stored, a ledger credit, a
//! tier change) are derived from the fact itself, so a replayed write can never queue the
//! same event twice.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A response became complete (stored complete, or its partial state completed).
pub const RESPONSE_CREATED: &str = "response.created";
/// A complete response with a detractor answer (see [`crate::feedback_band`]).
pub const RESPONSE_DETRACTOR: &str = "response.detractor";
/// The merchant's reply to a response was sent.
pub const FOLLOWUP_SENT: &str = "followup.sent";
/// Points credited to a customer's ledger.
pub const POINTS_EARNED: &str = "points.earned";
/// A reward redeemed (its code issued).
pub const REWARD_REDEEMED: &str = "reward.redeemed";
/// A customer's tier changed.
pub const TIER_CHANGED: &str = "tier.changed";
/// The daily digest of a site.
pub const ALERT_DIGEST: &str = "alert.digest";
/// The "send test" button.
pub const WEBHOOK_TEST: &str = "webhook.test";

/// Every event an endpoint may subscribe to, in the order the console lists them.
pub const SUBSCRIBABLE: &[&str] = &[
    RESPONSE_CREATED,
    RESPONSE_DETRACTOR,
    FOLLOWUP_SENT,
    POINTS_EARNED,
    REWARD_REDEEMED,
    TIER_CHANGED,
    ALERT_DIGEST,
];

/// Events also sent to the configuration's `loyalty.outboundWebhook` (the store's own
/// endpoint, which received `reward.redeemed` before console endpoints existed).
pub const CONFIG_TARGET_EVENTS: &[&str] = &[REWARD_REDEEMED, FOLLOWUP_SENT];

/// A derived event id: `msg_` and 32 hex digits of SHA-256 over the parts.
pub fn derived_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    crate::loyalty::outbound::event_id(&bytes)
}

/// An event to queue in the outbox with the write that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Site.
    pub site: String,
    /// `webhook-id`.
    pub event_id: String,
    /// The JSON body.
    pub payload: String,
    /// When it happened (by the collector's clock), ms: its first delivery is due then.
    pub at: i64,
}

impl NewEvent {
    /// An event of `kind` for `site` with id `event_id`, `data` and the instant `at` (ms).
    pub fn new(site: &str, kind: &str, event_id: String, at: i64, data: Value) -> Self {
        NewEvent {
            site: site.to_owned(),
            event_id,
            payload: body(kind, at, data).to_string(),
            at,
        }
    }
}

/// The body `{type, timestamp, data}`.
pub fn body(kind: &str, at: i64, data: Value) -> Value {
    json!({
        "type": kind,
        "timestamp": crate::clock::format_unix_millis(at),
        "data": data,
    })
}

/// The type of a queued event's body, if it has one.
pub fn type_of(payload: &str) -> Option<String> {
    let v: Value = serde_json::from_str(payload).ok()?;
    v.get("type")?.as_str().map(str::to_owned)
}

/// The `points.earned` event of a new ledger credit.
pub fn points_earned(
    site: &str,
    customer: &str,
    kind: &str,
    source_id: &str,
    points: i64,
    at: i64,
) -> NewEvent {
    NewEvent::new(
        site,
        POINTS_EARNED,
        derived_id(&[POINTS_EARNED, site, kind, source_id]),
        at,
        json!({"site": site, "customer": customer, "points": points, "source": kind, "sourceId": source_id}),
    )
}

/// The `tier.changed` event of a customer whose tier went from `from` to `to` with the
/// order event `source` (a delivery or order id).
pub fn tier_changed(
    site: &str,
    customer: &str,
    from: &str,
    to: &str,
    source: &str,
    at: i64,
) -> NewEvent {
    NewEvent::new(
        site,
        TIER_CHANGED,
        derived_id(&[TIER_CHANGED, site, customer, source, from, to]),
        at,
        json!({"site": site, "customer": customer, "from": from, "to": to}),
    )
}

/// The `tier.changed` event when an order write moved `customer`'s standing at `now` from
/// what `before` (their contributions before the write) gave to what `after` gives; `None`
/// when the tier is the same. Tiers are known to change only where orders are written
/// (an order earning, a refund or a cancellation): a tier that lapses with time alone is
/// not announced.
#[allow(clippy::too_many_arguments)]
pub fn tier_change(
    tiers: &crate::loyalty::tiers::Tiers,
    site: &str,
    customer: &str,
    before: &[crate::loyalty::tiers::Contribution],
    after: &[crate::loyalty::tiers::Contribution],
    source: &str,
    now: i64,
) -> Option<NewEvent> {
    let from = tiers.standing(before, now).tier;
    let to = tiers.standing(after, now).tier;
    if from == to {
        return None;
    }
    let name = |i: usize| tiers.levels.get(i).map(|t| t.name.as_str()).unwrap_or("");
    Some(tier_changed(
        site,
        customer,
        name(from),
        name(to),
        source,
        now,
    ))
}

/// What a stored response's events say about it.
#[derive(Debug, Clone, Copy)]
pub struct ResponseFacts<'a> {
    /// Site.
    pub site: &'a str,
    /// Response id.
    pub id: &'a str,
    /// Survey id.
    pub survey: &'a str,
    /// The answers array as the collector stored it.
    pub answers_json: &'a str,
    /// The verified customer, if any.
    pub customer: Option<&'a str>,
    /// Page URL.
    pub url: Option<&'a str>,
    /// Its band, if any answer was scored.
    pub band: Option<crate::feedback_band::Band>,
}

/// `response.created` and, for a detractor's response, `response.detractor`.
pub fn response_events(r: &ResponseFacts<'_>, at: i64) -> Vec<NewEvent> {
    let answers: Value = serde_json::from_str(r.answers_json).unwrap_or(Value::Null);
    let data = json!({
        "site": r.site,
        "response": r.id,
        "survey": r.survey,
        "customer": r.customer,
        "url": r.url,
        "band": r.band.map(|b| b.as_str()),
        "answers": answers,
    });
    let mut out = vec![NewEvent::new(
        r.site,
        RESPONSE_CREATED,
        derived_id(&[RESPONSE_CREATED, r.site, r.id]),
        at,
        data.clone(),
    )];
    if r.band == Some(crate::feedback_band::Band::Detractor) {
        out.push(NewEvent::new(
            r.site,
            RESPONSE_DETRACTOR,
            derived_id(&[RESPONSE_DETRACTOR, r.site, r.id]),
            at,
            data,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback_band::Band;

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = derived_id(&["x", "ab", "c"]);
        assert_eq!(a, derived_id(&["x", "ab", "c"]));
        assert_ne!(a, derived_id(&["x", "a", "bc"]));
        assert!(a.starts_with("msg_") && a.len() == 36);
    }

    #[test]
    fn a_detractor_response_makes_two_events() {
        let facts = ResponseFacts {
            site: "demo",
            id: "r1",
            survey: "s",
            answers_json: r#"[{"question":"nps","value":3}]"#,
            customer: None,
            url: None,
            band: Some(Band::Detractor),
        };
        let events = response_events(&facts, 0);
        let types: Vec<_> = events.iter().filter_map(|e| type_of(&e.payload)).collect();
        assert_eq!(types, vec![RESPONSE_CREATED, RESPONSE_DETRACTOR]);
        assert_ne!(events[0].event_id, events[1].event_id);
        let v: Value = serde_json::from_str(&events[0].payload).expect("JSON");
        assert_eq!(v["data"]["answers"][0]["value"], 3);
        assert_eq!(v["timestamp"], "1970-01-01T00:00:00.000Z");
        let promoter = ResponseFacts {
            band: Some(Band::Promoter),
            ..facts
        };
        assert_eq!(response_events(&promoter, 0).len(), 1);
    }
}
