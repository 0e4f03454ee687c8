//! Token buckets that can be looked at without taking a token: what the admin throttle
//! needs ("is this client throttled?" before the token is checked; only wrong tokens cost).
//! governor has no such peek, hence this small structure. A bucket exists only for clients
//! that spent a token; at most `capacity` clients are tracked, clients beyond that share
//! one overflow bucket, and full buckets are dropped by [`PeekableBuckets::prune`], which
//! the server runs on a timer rather than per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::client_key::ClientKey;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
struct Table<K> {
    buckets: HashMap<K, Bucket>,
    overflow: Option<Bucket>,
}

/// Token buckets keyed by client (or by any other key `K`, e.g. an account), bounded in
/// number.
#[derive(Debug)]
pub struct PeekableBuckets<K = ClientKey> {
    burst: f64,
    per_second: f64,
    capacity: usize,
    table: Mutex<Table<K>>,
}

impl<K: std::hash::Hash + Eq> PeekableBuckets<K> {
    /// `burst` tokens per client, refilled at `per_second`; at most `capacity` clients.
    pub fn new(burst: u32, per_second: f64, capacity: usize) -> Self {
        PeekableBuckets {
            burst: f64::from(burst.max(1)),
            per_second: per_second.max(1e-9),
            capacity,
            table: Mutex::new(Table {
                buckets: HashMap::new(),
                overflow: None,
            }),
        }
    }

    /// Takes one token for `client`; `Err(seconds)` tells how long until one is available
    /// (whole seconds, at least 1, for `Retry-After`).
    pub fn check(&self, client: K, now: Instant) -> Result<(), u64> {
        self.take(client, now, true)
    }

    /// Whether `client` has a token now, without taking it (`Err(seconds)` as in
    /// [`PeekableBuckets::check`]). Never creates a bucket.
    pub fn peek(&self, client: K, now: Instant) -> Result<(), u64> {
        self.take(client, now, false)
    }

    /// Drops every bucket that has refilled completely (such a client is indistinguishable
    /// from a new one).
    pub fn prune(&self, now: Instant) {
        let (burst, rate) = (self.burst, self.per_second);
        let full = |b: &Bucket| {
            b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * rate >= burst
        };
        let mut table = self.lock();
        table.buckets.retain(|_, b| !full(b));
        if table.overflow.as_ref().is_some_and(full) {
            table.overflow = None;
        }
        if table.buckets.capacity() > 2 * table.buckets.len() + 64 {
            table.buckets.shrink_to_fit();
        }
    }

    /// Clients tracked one by one.
    pub fn tracked(&self) -> usize {
        self.lock().buckets.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table<K>> {
        match self.table.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn take(&self, client: K, now: Instant, consume: bool) -> Result<(), u64> {
        let mut guard = self.lock();
        let table = &mut *guard;
        let fresh = Bucket {
            tokens: self.burst - 1.0,
            last: now,
        };
        let bucket = if table.buckets.contains_key(&client) {
            table.buckets.get_mut(&client)
        } else if table.buckets.len() < self.capacity {
            // A new client starts with a full bucket: a peek needs no record of it.
            if consume {
                table.buckets.insert(client, fresh);
            }
            return Ok(());
        } else if table.overflow.is_some() {
            table.overflow.as_mut()
        } else {
            // The overflow bucket starts full like any other.
            if consume {
                table.overflow = Some(fresh);
            }
            return Ok(());
        };
        let Some(bucket) = bucket else {
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
    use std::time::Duration;

    const A: ClientKey = ClientKey::V4(1);
    const B: ClientKey = ClientKey::V4(2);

    #[test]
    fn peek_never_consumes_or_creates() {
        let b = PeekableBuckets::new(2, 1.0, 10);
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(b.peek(A, t0), Ok(()));
        }
        assert_eq!(b.tracked(), 0);
        assert_eq!(b.check(A, t0), Ok(()));
        assert_eq!(b.check(A, t0), Ok(()));
        assert_eq!(b.peek(A, t0), Err(1));
        assert_eq!(b.check(A, t0), Err(1));
        assert_eq!(b.peek(B, t0), Ok(()));
        assert_eq!(b.peek(A, t0 + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn retry_after_rounds_up_slow_rates() {
        let b = PeekableBuckets::new(1, 0.1, 10);
        let t0 = Instant::now();
        assert_eq!(b.check(A, t0), Ok(()));
        assert_eq!(b.check(A, t0), Err(10));
    }

    #[test]
    fn bounded_with_a_shared_overflow_and_pruned_when_full() {
        let b = PeekableBuckets::new(2, 1.0, 100);
        let t0 = Instant::now();
        for n in 0..10_000 {
            let _ = b.check(ClientKey::V4(n), t0);
        }
        assert_eq!(b.tracked(), 100);
        // Untracked clients share the overflow bucket, long spent by now.
        assert!(b.peek(ClientKey::V4(50_000), t0).is_err());
        // A tracked client keeps its own.
        assert_eq!(b.peek(ClientKey::V4(0), t0), Ok(()));
        // Half refilled: kept. Fully refilled: dropped, room comes back.
        b.prune(t0 + Duration::from_millis(500));
        assert_eq!(b.tracked(), 100);
        b.prune(t0 + Duration::from_secs(2));
        assert_eq!(b.tracked(), 0);
        assert_eq!(
            b.peek(ClientKey::V4(50_000), t0 + Duration::from_secs(2)),
            Ok(())
        );
    }
}
