//! Outbound webhooks to the store (`loyalty.outboundWebhook`), following Standard Webhooks:
//! each event has a stable `webhook-id` (the same on every retry), a `webhook-timestamp` of
//! the attempt and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` with
//! the site's `whsec_` secret — exactly what [`super::signature::verify_standard`] checks on
//! the way in. Events wait in a durable outbox; this module holds the pure parts: the
//! target, the headers, and the retry policy. The HTTP(S) client that sends them is
//! [`crate::jobs::webhook_client`].

use super::signature::sign_standard;

/// Where a site's events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundWebhook {
    /// `https://host[:port]/path` (or `http://`).
    pub url: String,
    /// The signing key, decoded from `whsec_…`.
    pub key: Vec<u8>,
    /// PEM of certificates trusted for an `https` endpoint besides the public web's
    /// authorities (`rootCertificate`: a private CA, or the endpoint's self-signed
    /// certificate).
    pub root_certificate: Option<String>,
}

/// Delay before the first retry, ms.
pub const FIRST_RETRY_MILLIS: i64 = 10_000;
/// Longest delay between attempts, ms (6 hours).
pub const MAX_RETRY_MILLIS: i64 = 6 * 3_600_000;
/// Attempts before an event is given up (about 3 days of retries).
pub const MAX_ATTEMPTS: u32 = 20;

/// The delay before attempt `attempts + 1` after `attempts` failed ones (doubling from
/// [`FIRST_RETRY_MILLIS`], capped at [`MAX_RETRY_MILLIS`]); `None` once [`MAX_ATTEMPTS`]
/// have failed.
pub fn retry_after(attempts: u32) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = attempts.saturating_sub(1).min(30);
    Some(
        FIRST_RETRY_MILLIS
            .saturating_mul(1i64 << doublings)
            .min(MAX_RETRY_MILLIS),
    )
}

/// The Standard Webhooks headers of one attempt at `now_secs`.
pub fn headers(key: &[u8], id: &str, now_secs: i64, body: &[u8]) -> [(&'static str, String); 3] {
    [
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", now_secs.to_string()),
        ("webhook-signature", sign_standard(key, id, now_secs, body)),
    ]
}

/// An event id: `msg_` and 32 lowercase hex digits of the given random bytes.
pub fn event_id(random: &[u8; 16]) -> String {
    let mut s = String::from("msg_");
    for b in random {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::signature::{verify_standard, StandardHeaders};

    #[test]
    fn backoff_doubles_caps_and_gives_up() {
        assert_eq!(retry_after(1), Some(10_000));
        assert_eq!(retry_after(2), Some(20_000));
        assert_eq!(retry_after(5), Some(160_000));
        assert_eq!(retry_after(19), Some(MAX_RETRY_MILLIS));
        assert_eq!(retry_after(20), None);
        let mut last = 0;
        for n in 1..MAX_ATTEMPTS {
            let d = retry_after(n).unwrap_or(0);
            assert!(d >= last);
            last = d;
        }
    }

    #[test]
    fn headers_verify_as_inbound_ones_do() {
        let key = b"0123456789abcdef01234567";
        let body = br#"{"type":"reward.redeemed"}"#;
        let [id, ts, sig] = headers(key, "msg_1", 1_800_000_000, body);
        let hs = StandardHeaders {
            id: Some(&id.1),
            timestamp: Some(&ts.1),
            signature: Some(&sig.1),
        };
        assert_eq!(verify_standard(key, body, hs, 1_800_000_010), Ok("msg_1"));
        assert!(sig.1.starts_with("v1,"));
        assert_eq!(event_id(&[0xab; 16]), format!("msg_{}", "ab".repeat(16)));
    }
}
