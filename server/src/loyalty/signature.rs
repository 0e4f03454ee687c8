//! Webhook signatures, checked over the raw body before anything in it is believed:
//!
//! - Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app secret, body)).
//! - WooCommerce: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(webhook secret, body)).
//! - Standard Webhooks: `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256>` of
//!   `{webhook-id}.{webhook-timestamp}.{body}` under the key that the `whsec_` secret
//!   encodes in base64; `webhook-timestamp` (seconds) within [`TOLERANCE_SECS`] of now.
//!
//! Comparisons are constant-time (`Mac::verify_slice`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a Standard Webhooks timestamp may be from now, either way (5 minutes).
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// Why a delivery's signature was refused; messages name the header at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A required header is absent.
    #[error("{0}: missing")]
    Missing(&'static str),
    /// The header is not of the documented form.
    #[error("{header}: {message}")]
    Malformed {
        /// The header.
        header: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The signature does not match the body.
    #[error("{0}: signature does not match the body")]
    Mismatch(&'static str),
    /// The timestamp is older (or further ahead) than the tolerance.
    #[error("webhook-timestamp: {timestamp} is more than {TOLERANCE_SECS} s from now ({now})")]
    Stale {
        /// The delivery's timestamp.
        timestamp: i64,
        /// Now, seconds.
        now: i64,
    },
}

impl SignatureError {
    /// The header at fault.
    pub fn header(&self) -> &'static str {
        match self {
            SignatureError::Missing(h)
            | SignatureError::Malformed { header: h, .. }
            | SignatureError::Mismatch(h) => h,
            SignatureError::Stale { .. } => "webhook-timestamp",
        }
    }
}

/// base64(HMAC-SHA256(key, message)), as Shopify and WooCommerce compute it.
pub fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    STANDARD.encode(mac(key, message).finalize().into_bytes())
}

fn mac(key: &[u8], message: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; the error branch cannot happen.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(message);
    mac
}

fn verify_base64(
    header: &'static str,
    key: &[u8],
    message: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    let given = STANDARD
        .decode(signature.trim())
        .map_err(|e| SignatureError::Malformed {
            header,
            message: format!("not base64: {e}"),
        })?;
    mac(key, message)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch(header))
}

/// Checks Shopify's `X-Shopify-Hmac-Sha256` over `body`.
pub fn verify_shopify(
    secret: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    const H: &str = "x-shopify-hmac-sha256";
    verify_base64(
        H,
        secret.as_bytes(),
        body,
        header.ok_or(SignatureError::Missing(H))?,
    )
}

/// Checks WooCommerce's `X-WC-Webhook-Signature` over `body`.
pub fn verify_woocommerce(
    secret: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    const H: &str = "x-wc-webhook-signature";
    verify_base64(
        H,
        secret.as_bytes(),
        body,
        header.ok_or(SignatureError::Missing(H))?,
    )
}

/// The three Standard Webhooks headers of a delivery.
#[derive(Debug, Clone, Copy)]
pub struct StandardHeaders<'a> {
    /// `webhook-id`.
    pub id: Option<&'a str>,
    /// `webhook-timestamp` (seconds since the epoch).
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`.
    pub signature: Option<&'a str>,
}

/// The key a `whsec_…` secret stands for (the base64 after the prefix).
pub fn standard_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    STANDARD
        .decode(encoded)
        .map_err(|e| format!("must be whsec_ followed by base64: {e}"))
}

/// `v1,` + base64 signature of a Standard Webhooks delivery (senders and tests).
pub fn sign_standard(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut message = format!("{id}.{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    format!("v1,{}", hmac_base64(key, &message))
}

/// Checks a Standard Webhooks delivery at `now_secs`; returns its `webhook-id`.
pub fn verify_standard<'a>(
    key: &[u8],
    body: &[u8],
    headers: StandardHeaders<'a>,
    now_secs: i64,
) -> Result<&'a str, SignatureError> {
    let id = headers
        .id
        .filter(|s| !s.is_empty())
        .ok_or(SignatureError::Missing("webhook-id"))?;
    let ts_text = headers
        .timestamp
        .ok_or(SignatureError::Missing("webhook-timestamp"))?;
    let timestamp: i64 = ts_text
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed {
            header: "webhook-timestamp",
            message: format!("{ts_text:?} is not whole seconds since the epoch"),
        })?;
    if (now_secs - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale {
            timestamp,
            now: now_secs,
        });
    }
    let signatures = headers
        .signature
        .ok_or(SignatureError::Missing("webhook-signature"))?;
    let mut message = format!("{id}.{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    let expected = mac(key, &message);
    // Several signatures may be sent (key rotation); one valid v1 is enough.
    let matched = signatures
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .any(|given| expected.clone().verify_slice(&given).is_ok());
    if matched {
        Ok(id)
    } else {
        Err(SignatureError::Mismatch("webhook-signature"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hmac_sha256_reference_vector() {
        // RFC 4231 test case 2.
        let mac = mac(b"Jefe", b"what do ya want for nothing?").finalize();
        let hex: String = mac
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn shopify_and_woocommerce() {
        let body = br#"{"id":820982911946154508}"#;
        let sig = hmac_base64(b"shpss_secret", body);
        assert_eq!(verify_shopify("shpss_secret", body, Some(&sig)), Ok(()));
        assert_eq!(
            verify_shopify("other", body, Some(&sig)),
            Err(SignatureError::Mismatch("x-shopify-hmac-sha256"))
        );
        assert_eq!(
            verify_shopify("shpss_secret", b"{}", Some(&sig)),
            Err(SignatureError::Mismatch("x-shopify-hmac-sha256"))
        );
        assert_eq!(
            verify_shopify("shpss_secret", body, None),
            Err(SignatureError::Missing("x-shopify-hmac-sha256"))
        );
        assert!(matches!(
            verify_woocommerce("k", body, Some("%%%")),
            Err(SignatureError::Malformed { .. })
        ));
        let wc = hmac_base64(b"k", body);
        assert_eq!(verify_woocommerce("k", body, Some(&wc)), Ok(()));
    }

    #[test]
    fn standard_webhooks_reference_example() -> Result<(), String> {
        // The example of the Standard Webhooks specification.
        let key = standard_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
        let body = br#"{"test": 2432232314}"#;
        let sig = sign_standard(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let headers = StandardHeaders {
            id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
            timestamp: Some("1614265330"),
            signature: Some(&format!("v1,bm9wZQ== {sig}")),
        };
        assert_eq!(
            verify_standard(&key, body, headers, 1614265330 + 10),
            Ok("msg_p5jXN8AQM9LWM0D4loKWxJek")
        );
        assert!(matches!(
            verify_standard(&key, body, headers, 1614265330 + 301),
            Err(SignatureError::Stale { .. })
        ));
        assert!(matches!(
            verify_standard(&key, body, headers, 1614265330 - 301),
            Err(SignatureError::Stale { .. })
        ));
        let tampered = StandardHeaders {
            id: Some("msg_other"),
            ..headers
        };
        assert_eq!(
            verify_standard(&key, body, tampered, 1614265330),
            Err(SignatureError::Mismatch("webhook-signature"))
        );
        Ok(())
    }

    proptest! {
        #[test]
        fn any_changed_byte_breaks_the_signature(body in proptest::collection::vec(any::<u8>(), 1..200), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let sig = hmac_base64(b"secret", &body);
            prop_assert_eq!(verify_shopify("secret", &body, Some(&sig)), Ok(()));
            let mut changed = body.clone();
            let i = at.index(changed.len());
            changed[i] ^= flip;
            prop_assert_eq!(
                verify_shopify("secret", &changed, Some(&sig)),
                Err(SignatureError::Mismatch("x-shopify-hmac-sha256"))
            );
        }
    }
}
