//! Per-client rate limit of `POST /v1/responses`: a GCRA limiter (governor) keyed by
//! [`ClientKey`] (IPv4 address, IPv6 /64), on a [`CappedStore`] so that memory stays
//! bounded under any number of distinct clients. Idle clients are dropped by
//! [`RateLimiter::retain_recent`], which the server runs on a timer, never per request.
//!
//! Who the client is (the socket peer, or the address a trusted proxy forwarded) is decided
//! by [`crate::client_ip`]. The limit is per collector instance: see docs/ARCHITECTURE.md
//! for what it means behind a load balancer.

pub mod capped_store;
pub mod client_key;
pub mod peekable;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, MonotonicClock};
use governor::middleware::NoOpMiddleware;
use governor::Quota;

use crate::config::RateLimitConfig;

pub use capped_store::CappedStore;
pub use client_key::ClientKey;
pub use peekable::PeekableBuckets;

/// Clients tracked one by one; beyond this, new clients share one overflow allowance until
/// idle ones are dropped (about 40 bytes each: a few MiB at most).
pub const MAX_TRACKED_CLIENTS: usize = 100_000;

type Gcra<C> = governor::RateLimiter<
    ClientKey,
    CappedStore<ClientKey>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// The POST limiter: `burst` requests at once per client, refilled at `perSecond`.
pub struct RateLimiter<C: Clock = MonotonicClock> {
    gcra: Gcra<C>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("tracked", &self.tracked())
            .finish()
    }
}

impl RateLimiter {
    /// A limiter on the real monotonic clock.
    pub fn new(config: RateLimitConfig) -> Self {
        Self::with_clock(config, MAX_TRACKED_CLIENTS, MonotonicClock)
    }
}

impl<C: Clock> RateLimiter<C> {
    /// A limiter on `clock` that tracks at most `capacity` clients one by one.
    pub fn with_clock(config: RateLimitConfig, capacity: usize, clock: C) -> Self {
        RateLimiter {
            gcra: governor::RateLimiter::new(quota(config), CappedStore::new(capacity), clock),
        }
    }

    /// Takes one request from `client`'s allowance; `Err(seconds)` tells how long until
    /// one is available (whole seconds, at least 1, for `Retry-After`).
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.gcra
            .check_key(&ClientKey::from(client))
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(self.gcra.clock().now());
                retry_after_secs(wait)
            })
    }

    /// Drops clients whose allowance is full again (indistinguishable from a new client).
    /// Cost grows with the number of tracked clients: call it on a timer.
    pub fn retain_recent(&self) {
        self.gcra.retain_recent();
        self.gcra.shrink_to_fit();
    }

    /// Clients currently tracked one by one.
    pub fn tracked(&self) -> usize {
        self.gcra.len()
    }
}

/// `burst` cells, one more every `1 / per_second` seconds. Rates are clamped to what a
/// nanosecond clock can express (at most 10^9/s, at least one per ~31 years).
fn quota(config: RateLimitConfig) -> Quota {
    let per_second = config.per_second.clamp(1e-9, 1e9);
    let period = Duration::from_secs_f64(1.0 / per_second).max(Duration::from_nanos(1));
    let burst = NonZeroU32::new(config.burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(burst)
}

/// Whole seconds for `Retry-After`: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

    fn limiter(
        burst: u32,
        per_second: f64,
        capacity: usize,
    ) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let config = RateLimitConfig { burst, per_second };
        (
            RateLimiter::with_clock(config, capacity, clock.clone()),
            clock,
        )
    }

    #[test]
    fn burst_then_refill() {
        let (rl, clock) = limiter(3, 2.0, 100);
        for _ in 0..3 {
            assert_eq!(rl.check(A), Ok(()));
        }
        assert_eq!(rl.check(A), Err(1));
        // Other clients have their own allowance.
        assert_eq!(rl.check(B), Ok(()));
        // Half a second refills one request at 2/s.
        clock.advance(Duration::from_millis(500));
        assert_eq!(rl.check(A), Ok(()));
        assert_eq!(rl.check(A), Err(1));
        // Never more than the burst after a long pause.
        clock.advance(Duration::from_secs(3600));
        for _ in 0..3 {
            assert_eq!(rl.check(A), Ok(()));
        }
        assert!(rl.check(A).is_err());
    }

    #[test]
    fn retry_after_rounds_up_slow_rates() {
        let (rl, _) = limiter(1, 0.1, 100);
        assert_eq!(rl.check(A), Ok(()));
        assert_eq!(rl.check(A), Err(10));
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }

    #[test]
    fn extreme_rates_do_not_panic() {
        let (rl, _) = limiter(u32::MAX, 1e12, 10);
        assert_eq!(rl.check(A), Ok(()));
        let (rl, _) = limiter(1, f64::MIN_POSITIVE, 10);
        assert_eq!(rl.check(A), Ok(()));
        assert!(rl.check(A).is_err());
    }

    #[test]
    fn memory_is_capped_and_idle_clients_are_dropped() {
        let capacity = 1_000;
        let (rl, clock) = limiter(2, 1.0, capacity);
        // Far more distinct clients than the ceiling.
        for n in 0..20_000u32 {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
            let _ = rl.check(ip);
        }
        assert!(rl.tracked() <= capacity, "{}", rl.tracked());
        // Clients past the ceiling share one allowance: spent by now.
        assert!(rl.check(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))).is_err());
        // A tracked client keeps its own.
        assert_eq!(rl.check(IpAddr::V4(Ipv4Addr::from(0x0a00_0000))), Ok(()));
        // Once their allowance is full again, idle clients are dropped and room comes back.
        clock.advance(Duration::from_secs(5));
        rl.retain_recent();
        assert_eq!(rl.tracked(), 0);
        assert_eq!(rl.check(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))), Ok(()));
        assert_eq!(rl.tracked(), 1);
    }

    #[test]
    fn busy_clients_survive_the_sweep() {
        let (rl, clock) = limiter(2, 1.0, 100);
        assert_eq!(rl.check(A), Ok(()));
        assert_eq!(rl.check(A), Ok(()));
        clock.advance(Duration::from_millis(100));
        rl.retain_recent();
        assert_eq!(rl.tracked(), 1);
        // Still limited: the sweep did not hand out a fresh allowance.
        assert!(rl.check(A).is_err());
    }

    #[test]
    fn an_ipv6_network_is_one_client() {
        let (rl, _) = limiter(2, 0.001, 100);
        let base = u128::from(
            "2001:db8:0:1::"
                .parse::<Ipv6Addr>()
                .unwrap_or(Ipv6Addr::UNSPECIFIED),
        );
        for host in 1..=2u128 {
            assert_eq!(rl.check(IpAddr::V6(Ipv6Addr::from(base + host))), Ok(()));
        }
        assert!(rl.check(IpAddr::V6(Ipv6Addr::from(base + 99))).is_err());
        assert_eq!(rl.tracked(), 1);
    }
}
