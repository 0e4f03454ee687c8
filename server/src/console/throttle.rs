//! Sign-in throttle: failed sign-ins are counted per client address and per account
//! (e-mail), each in its own token buckets. A client or an account that failed
//! `console.signInBurst` times (10 by default) gets 429 with `Retry-After` on every
//! sign-in, right password or not, until its allowance refills at one attempt per
//! [`REFILL_SECS`] seconds. Counting per account stops a password being guessed from many
//! addresses; counting per client stops one address trying many accounts. Successful
//! sign-ins cost nothing.

use std::net::IpAddr;
use std::time::Instant;

use super::error::ConsoleError;
use crate::rate_limit::{ClientKey, PeekableBuckets};

/// Seconds for one more attempt once throttled.
pub const REFILL_SECS: f64 = 30.0;
/// Clients, and accounts, counted one by one.
pub const MAX_TRACKED: usize = 10_000;

/// Failed sign-ins per client and per account.
#[derive(Debug)]
pub struct SignInThrottle {
    clients: PeekableBuckets<ClientKey>,
    accounts: PeekableBuckets<String>,
}

impl SignInThrottle {
    /// `burst` failures allowed before waiting.
    pub fn new(burst: u32) -> Self {
        SignInThrottle {
            clients: PeekableBuckets::new(burst, 1.0 / REFILL_SECS, MAX_TRACKED),
            accounts: PeekableBuckets::new(burst, 1.0 / REFILL_SECS, MAX_TRACKED),
        }
    }

    /// Refuses the attempt if `client` or `email` is throttled.
    pub fn admit(&self, client: IpAddr, email: &str, now: Instant) -> Result<(), ConsoleError> {
        let wait = |retry_after_secs| ConsoleError::RateLimited { retry_after_secs };
        self.clients
            .peek(ClientKey::from(client), now)
            .map_err(wait)?;
        self.accounts.peek(email.to_owned(), now).map_err(wait)
    }

    /// Counts a failed attempt against both.
    pub fn failed(&self, client: IpAddr, email: &str, now: Instant) {
        // The attempt is refused either way; the buckets only remember it.
        let _ = self.clients.check(ClientKey::from(client), now);
        let _ = self.accounts.check(email.to_owned(), now);
    }

    /// Forgets refilled entries (on a timer).
    pub fn prune(&self, now: Instant) {
        self.clients.prune(now);
        self.accounts.prune(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use std::time::Duration;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn per_client_and_per_account() {
        let t = SignInThrottle::new(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(t.admit(A, "o@x", t0).is_ok());
            t.failed(A, "o@x", t0);
        }
        // A is throttled for any account; o@x is throttled from any client.
        assert!(matches!(
            t.admit(A, "other@x", t0),
            Err(ConsoleError::RateLimited {
                retry_after_secs: 30
            })
        ));
        assert!(t.admit(B, "o@x", t0).is_err());
        assert!(t.admit(B, "other@x", t0).is_ok());
        // One attempt comes back after the refill.
        assert!(t.admit(A, "o@x", t0 + Duration::from_secs(31)).is_ok());
    }
}
