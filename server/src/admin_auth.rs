//! Admin credentials: `Authorization: Bearer <adminToken>` of a site, compared in constant
//! time, and a per-client throttle on wrong tokens so that a token cannot be guessed by
//! brute force. A client that sent [`FAILURE_BURST`] wrong tokens is refused with 429 (and
//! `Retry-After`) on every admin request, right token or not, until its allowance refills
//! at one attempt per [`FAILURE_REFILL_SECS`] seconds. Right tokens cost nothing. At most
//! [`MAX_TRACKED_FAILURES`] clients are remembered one by one; beyond that, new clients
//! share one allowance until [`AdminThrottle::prune`] (on a timer) forgets refilled ones.

use std::net::IpAddr;
use std::time::Instant;

use axum::http::{header, HeaderMap};

use crate::config::{ServerConfig, SiteEntry};
use crate::error::ApiError;
use crate::rate_limit::{ClientKey, PeekableBuckets};

/// Wrong tokens a client may send before it is throttled.
pub const FAILURE_BURST: u32 = 10;
/// Seconds for one more attempt to be allowed once throttled.
pub const FAILURE_REFILL_SECS: f64 = 30.0;
/// Clients whose wrong tokens are counted one by one.
pub const MAX_TRACKED_FAILURES: usize = 10_000;

/// Counts wrong admin tokens per client.
#[derive(Debug)]
pub struct AdminThrottle {
    failures: PeekableBuckets,
}

impl Default for AdminThrottle {
    fn default() -> Self {
        AdminThrottle {
            failures: PeekableBuckets::new(
                FAILURE_BURST,
                1.0 / FAILURE_REFILL_SECS,
                MAX_TRACKED_FAILURES,
            ),
        }
    }
}

impl AdminThrottle {
    /// The site `site_id` if `token` is its admin token. A throttled client gets
    /// [`ApiError::RateLimited`] before the token is looked at; a wrong token (or an unknown
    /// site: the answer does not reveal which sites exist) is [`ApiError::Forbidden`] and
    /// counts against the client.
    pub fn authorize<'c>(
        &self,
        config: &'c ServerConfig,
        client: IpAddr,
        site_id: &str,
        token: &str,
        now: Instant,
    ) -> Result<&'c SiteEntry, ApiError> {
        let client = ClientKey::from(client);
        self.failures
            .peek(client, now)
            .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
        match config
            .site(site_id)
            .filter(|s| constant_time_eq(s.admin_token.as_bytes(), token.as_bytes()))
        {
            Some(site) => Ok(site),
            None => {
                // The attempt is refused either way; the bucket only remembers it.
                let _ = self.failures.check(client, now);
                Err(ApiError::Forbidden(site_id.to_owned()))
            }
        }
    }

    /// Forgets clients whose allowance has refilled (run on a timer, not per request).
    pub fn prune(&self, now: Instant) {
        self.failures.prune(now);
    }
}

/// The bearer token of `headers`, if there is a non-empty one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Compares secrets without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::net::Ipv4Addr;
    use std::time::Duration;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    fn config() -> Result<ServerConfig, crate::config::ConfigError> {
        ServerConfig::from_json(
            r#"{"sites":[{"site":"demo","surveys":[],"adminToken":"right-token-0123456789"}]}"#,
        )
    }

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
    }

    #[test]
    fn constant_time() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn wrong_tokens_are_throttled_and_then_even_the_right_one_waits(
    ) -> Result<(), crate::config::ConfigError> {
        let config = config()?;
        let throttle = AdminThrottle::default();
        let t0 = Instant::now();
        let right = "right-token-0123456789";
        // Right tokens never count.
        for _ in 0..50 {
            assert!(throttle.authorize(&config, A, "demo", right, t0).is_ok());
        }
        for _ in 0..FAILURE_BURST {
            assert!(matches!(
                throttle.authorize(&config, A, "demo", "guess", t0),
                Err(ApiError::Forbidden(_))
            ));
        }
        // Throttled: guesses and the right token alike get 429 with a wait.
        let refused = throttle.authorize(&config, A, "demo", right, t0);
        assert!(
            matches!(refused, Err(ApiError::RateLimited { retry_after_secs }) if retry_after_secs == 30),
            "{refused:?}"
        );
        assert!(matches!(
            throttle.authorize(&config, A, "nope", "guess", t0),
            Err(ApiError::RateLimited { .. })
        ));
        // Another client is not affected.
        assert!(throttle.authorize(&config, B, "demo", right, t0).is_ok());
        // One attempt comes back after the refill time.
        let later = t0 + Duration::from_secs(31);
        assert!(throttle.authorize(&config, A, "demo", right, later).is_ok());
        assert!(matches!(
            throttle.authorize(&config, A, "demo", "guess", later),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            throttle.authorize(&config, A, "demo", right, later),
            Err(ApiError::RateLimited { .. })
        ));
        Ok(())
    }
}
