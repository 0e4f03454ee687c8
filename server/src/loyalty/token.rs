//! Customer tokens: short-lived HS256 JWTs minted by the storefront's backend with the
//! site's `loyalty.customerTokenSecret`, verified here on every customer-scoped call.
//!
//! The signature and the algorithm are checked by `jsonwebtoken` with HS256 as the only
//! accepted algorithm (so `alg: none`, RS256 with the HMAC secret used as a "public key",
//! and every other algorithm are refused before any claim is read). The time claims are
//! checked here against the collector's injected [`Clock`](crate::clock::Clock), with a
//! small allowance for clock skew: `exp` in the future, `iat` and `nbf` not in the future,
//! and `exp - iat` at most [`MAX_LIFETIME_SECS`].
//!
//! ```
//! use rapport_server::loyalty::token::{mint, verify, CustomerClaims};
//! let secret = b"a-site-secret-of-at-least-32-bytes!!";
//! let now = 1_800_000_000;
//! let claims = CustomerClaims::new("cust-42", "demo", now, 600);
//! let token = mint(secret, &claims).expect("HS256 signs");
//! let customer = verify(secret, "demo", &token, now * 1000).expect("valid");
//! assert_eq!(customer.sub, "cust-42");
//! ```

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Longest accepted lifetime (`exp - iat`): 15 minutes.
pub const MAX_LIFETIME_SECS: i64 = 15 * 60;
/// Clock skew tolerated between the storefront's backend and the collector.
pub const SKEW_SECS: i64 = 5;
/// Shortest accepted secret, in bytes (HS256 keys shorter than the hash are weak).
pub const MIN_SECRET_BYTES: usize = 32;

/// The claims of a customer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerClaims {
    /// The customer's id on the store platform (Shopify / WooCommerce customer id), so
    /// that orders arriving by webhook credit the same customer.
    pub sub: String,
    /// The site id the token is for.
    pub site: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Not before, seconds since the epoch (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The customer's email (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's display name (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl CustomerClaims {
    /// Claims for `sub` on `site`, issued at `now_secs`, valid for `lifetime_secs`.
    pub fn new(sub: &str, site: &str, now_secs: i64, lifetime_secs: i64) -> Self {
        CustomerClaims {
            sub: sub.to_owned(),
            site: site.to_owned(),
            exp: now_secs + lifetime_secs,
            iat: now_secs,
            nbf: None,
            email: None,
            name: None,
        }
    }
}

/// Why a token was refused (every variant is a 401).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a JWT, a wrong signature, a refused algorithm, or claims of the wrong shape.
    #[error("token: {0}")]
    Invalid(String),
    /// `exp` has passed.
    #[error("token: expired (exp {exp} ≤ now {now})")]
    Expired {
        /// The token's `exp`.
        exp: i64,
        /// Now, seconds.
        now: i64,
    },
    /// `iat` or `nbf` lies in the future.
    #[error("token: {claim} {value} is in the future (now {now})")]
    NotYetValid {
        /// `iat` or `nbf`.
        claim: &'static str,
        /// Its value.
        value: i64,
        /// Now, seconds.
        now: i64,
    },
    /// `exp - iat` is longer than allowed.
    #[error("token: lifetime exp - iat = {0} s exceeds {MAX_LIFETIME_SECS} s")]
    TooLong(i64),
    /// The token was minted for another site.
    #[error("token: site {found:?} is not {expected:?}")]
    WrongSite {
        /// The token's `site`.
        found: String,
        /// The site of the request.
        expected: String,
    },
    /// A required claim is empty.
    #[error("token: claim {0} is empty")]
    Empty(&'static str),
}

/// Signs `claims` with HS256 (the helper storefront backends written in Rust use).
pub fn mint(secret: &[u8], claims: &CustomerClaims) -> Result<String, TokenError> {
    let key = EncodingKey::from_secret(secret).map_err(|e| TokenError::Invalid(e.to_string()))?;
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key)
        .map_err(|e| TokenError::Invalid(e.to_string()))
}

/// Verifies `token` for `site` at `now_millis`; returns its claims.
pub fn verify(
    secret: &[u8],
    site: &str,
    token: &str,
    now_millis: i64,
) -> Result<CustomerClaims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    // Time claims are checked below against the injected clock, not the crate's.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    validation.leeway = 0;
    let key = DecodingKey::from_secret(secret).map_err(|e| TokenError::Invalid(e.to_string()))?;
    let data = jsonwebtoken::decode::<CustomerClaims>(token, &key, &validation)
        .map_err(|e| TokenError::Invalid(e.to_string()))?;
    let claims = data.claims;
    check_claims(&claims, site, now_millis.div_euclid(1000))?;
    Ok(claims)
}

/// The claim rules, apart from the signature.
fn check_claims(claims: &CustomerClaims, site: &str, now: i64) -> Result<(), TokenError> {
    if claims.sub.trim().is_empty() {
        return Err(TokenError::Empty("sub"));
    }
    if claims.site != site {
        return Err(TokenError::WrongSite {
            found: claims.site.clone(),
            expected: site.to_owned(),
        });
    }
    if claims.exp <= now {
        return Err(TokenError::Expired {
            exp: claims.exp,
            now,
        });
    }
    if claims.iat > now + SKEW_SECS {
        return Err(TokenError::NotYetValid {
            claim: "iat",
            value: claims.iat,
            now,
        });
    }
    if let Some(nbf) = claims.nbf {
        if nbf > now + SKEW_SECS {
            return Err(TokenError::NotYetValid {
                claim: "nbf",
                value: nbf,
                now,
            });
        }
    }
    let lifetime = claims.exp.saturating_sub(claims.iat);
    if lifetime > MAX_LIFETIME_SECS {
        return Err(TokenError::TooLong(lifetime));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const NOW: i64 = 1_800_000_000;

    fn ok(token: &str) -> Result<CustomerClaims, TokenError> {
        verify(SECRET, "demo", token, NOW * 1000)
    }

    /// A JWT assembled by hand: header and payload JSON, signed HS256 with `key`.
    fn hand_made(header: &str, payload: &str, key: &[u8]) -> String {
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        mac.update(signing_input.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{sig}")
    }

    fn payload() -> String {
        format!(
            r#"{{"sub":"c1","site":"demo","iat":{NOW},"exp":{}}}"#,
            NOW + 600
        )
    }

    #[test]
    fn round_trip_and_optional_claims() -> Result<(), TokenError> {
        let mut claims = CustomerClaims::new("c1", "demo", NOW, 900);
        claims.email = Some("a@b.example".into());
        claims.name = Some("Ada".into());
        let token = mint(SECRET, &claims)?;
        assert_eq!(ok(&token)?, claims);
        // A hand-made token (as the README's Node snippet makes) verifies too.
        let hand = hand_made(r#"{"alg":"HS256","typ":"JWT"}"#, &payload(), SECRET);
        assert_eq!(ok(&hand)?.sub, "c1");
        Ok(())
    }

    #[test]
    fn forged_signature_is_refused() -> Result<(), TokenError> {
        let token = hand_made(
            r#"{"alg":"HS256"}"#,
            &payload(),
            b"another-secret-another-secret-xx",
        );
        assert!(matches!(ok(&token), Err(TokenError::Invalid(_))));
        // Payload swapped under a valid signature.
        let good = mint(SECRET, &CustomerClaims::new("c1", "demo", NOW, 600))?;
        let parts: Vec<&str> = good.split('.').collect();
        let evil = URL_SAFE_NO_PAD.encode(payload().replace("c1", "c2"));
        let swapped = format!("{}.{}.{}", parts[0], evil, parts[2]);
        assert!(matches!(ok(&swapped), Err(TokenError::Invalid(_))));
        assert!(matches!(ok("not-a-jwt"), Err(TokenError::Invalid(_))));
        Ok(())
    }

    #[test]
    fn alg_none_and_other_algorithms_are_refused() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(payload());
        for token in [format!("{header}.{body}."), format!("{header}.{body}")] {
            assert!(matches!(ok(&token), Err(TokenError::Invalid(_))), "{token}");
        }
        // RS256 / HS512 / ES256 headers over a MAC made with the site secret: the classic
        // key-confusion attack. Only HS256 is accepted.
        for alg in ["RS256", "HS512", "HS384", "ES256", "PS256", "EdDSA"] {
            let token = hand_made(&format!(r#"{{"alg":"{alg}"}}"#), &payload(), SECRET);
            assert!(matches!(ok(&token), Err(TokenError::Invalid(_))), "{alg}");
        }
    }

    #[test]
    fn time_claims() -> Result<(), TokenError> {
        let expired = mint(SECRET, &CustomerClaims::new("c1", "demo", NOW - 700, 600))?;
        assert!(matches!(ok(&expired), Err(TokenError::Expired { .. })));
        let future = mint(SECRET, &CustomerClaims::new("c1", "demo", NOW + 60, 600))?;
        assert!(matches!(
            ok(&future),
            Err(TokenError::NotYetValid { claim: "iat", .. })
        ));
        let mut nbf = CustomerClaims::new("c1", "demo", NOW, 600);
        nbf.nbf = Some(NOW + 120);
        assert!(matches!(
            ok(&mint(SECRET, &nbf)?),
            Err(TokenError::NotYetValid { claim: "nbf", .. })
        ));
        let long = mint(SECRET, &CustomerClaims::new("c1", "demo", NOW, 3600))?;
        assert!(matches!(ok(&long), Err(TokenError::TooLong(3600))));
        // Within the skew allowance.
        let skewed = mint(SECRET, &CustomerClaims::new("c1", "demo", NOW + 3, 600))?;
        assert!(ok(&skewed).is_ok());
        Ok(())
    }

    #[test]
    fn wrong_site_and_missing_claims() -> Result<(), TokenError> {
        let other = mint(SECRET, &CustomerClaims::new("c1", "other", NOW, 600))?;
        assert!(matches!(ok(&other), Err(TokenError::WrongSite { .. })));
        let empty = mint(SECRET, &CustomerClaims::new(" ", "demo", NOW, 600))?;
        assert_eq!(ok(&empty), Err(TokenError::Empty("sub")));
        for missing in ["sub", "site", "exp", "iat"] {
            let mut v: serde_json::Value =
                serde_json::from_str(&payload()).map_err(|e| TokenError::Invalid(e.to_string()))?;
            if let Some(o) = v.as_object_mut() {
                o.remove(missing);
            }
            let token = hand_made(r#"{"alg":"HS256"}"#, &v.to_string(), SECRET);
            assert!(
                matches!(ok(&token), Err(TokenError::Invalid(_))),
                "{missing}"
            );
        }
        Ok(())
    }
}
