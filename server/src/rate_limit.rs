//! Per-client token bucket for `POST /v1/responses`. A client is its socket IP address
//! (no `X-Forwarded-For` trust: behind a proxy every client shares the proxy's bucket).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::RateLimitConfig;

/// Above this many tracked clients, full (idle) buckets are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Token buckets keyed by client IP.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// A limiter allowing `burst` requests at once, refilled at `per_second`.
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            burst: f64::from(config.burst.max(1)),
            per_second: config.per_second.max(f64::MIN_POSITIVE),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`; `Err(seconds)` tells how long until one is available
    /// (whole seconds, at least 1, for `Retry-After`).
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        self.take(client, now, true)
    }

    /// Whether `client` has a token now, without taking it (`Err(seconds)` as in
    /// [`RateLimiter::check`]).
    pub fn peek(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        self.take(client, now, false)
    }

    fn take(&self, client: IpAddr, now: Instant, consume: bool) -> Result<(), u64> {
        let mut buckets = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() > PRUNE_ABOVE {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * rate < burst
            });
        }
        let Some(bucket) = buckets.get_mut(&client) else {
            if consume {
                buckets.insert(
                    client,
                    Bucket {
                        tokens: self.burst - 1.0,
                        last: now,
                    },
                );
            }
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            if consume {
                bucket.tokens -= 1.0;
            }
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err((wait.ceil() as u64).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use std::time::Duration;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn burst_then_refill() {
        let rl = RateLimiter::new(RateLimitConfig {
            burst: 3,
            per_second: 2.0,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(rl.check(A, t0), Ok(()));
        }
        assert_eq!(rl.check(A, t0), Err(1));
        // Other clients have their own bucket.
        assert_eq!(rl.check(B, t0), Ok(()));
        // Half a second refills one token at 2/s.
        assert_eq!(rl.check(A, t0 + Duration::from_millis(500)), Ok(()));
        assert_eq!(rl.check(A, t0 + Duration::from_millis(500)), Err(1));
        // Never more than the burst after a long pause.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(rl.check(A, later), Ok(()));
        }
        assert!(rl.check(A, later).is_err());
    }

    #[test]
    fn retry_after_rounds_up_slow_rates() {
        let rl = RateLimiter::new(RateLimitConfig {
            burst: 1,
            per_second: 0.1,
        });
        let t0 = Instant::now();
        assert_eq!(rl.check(A, t0), Ok(()));
        assert_eq!(rl.check(A, t0), Err(10));
    }
}
