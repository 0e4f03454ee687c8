//! A governor key store with a ceiling on the number of tracked clients. Below the ceiling
//! each client has its own GCRA cell in a [`DashMap`](governor::state::keyed::DashMapStateStore);
//! once it is reached, clients that are not tracked yet share one overflow cell until
//! [`governor::RateLimiter::retain_recent`] (run off the request path, see
//! [`crate::app::AppState::maintain`]) frees room. Memory is therefore bounded by the
//! ceiling whatever the number of distinct clients, and a request never scans the table.

use std::hash::Hash;

use governor::nanos::Nanos;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::StateStore;

/// Per-client cells up to `capacity`, then one shared cell.
#[derive(Debug)]
pub struct CappedStore<K: Hash + Eq + Clone> {
    tracked: DashMapStateStore<K>,
    overflow: DashMapStateStore<()>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone> CappedStore<K> {
    /// A store that tracks at most `capacity` clients individually.
    pub fn new(capacity: usize) -> Self {
        CappedStore {
            tracked: DashMapStateStore::default(),
            overflow: DashMapStateStore::default(),
            capacity,
        }
    }

    /// Whether `key` has its own cell.
    pub fn tracks(&self, key: &K) -> bool {
        self.tracked.contains_key(key)
    }
}

impl<K: Hash + Eq + Clone> StateStore for CappedStore<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        // `len` sums the shard sizes (a handful of counters), it does not walk the entries.
        // Concurrent first requests may overshoot the ceiling by the number of threads.
        if self.tracked.contains_key(key) || self.tracked.len() < self.capacity {
            self.tracked.measure_and_replace(key, f)
        } else {
            self.overflow.measure_and_replace(&(), f)
        }
    }
}

impl<K: Hash + Eq + Clone> ShrinkableKeyedStateStore<K> for CappedStore<K> {
    fn retain_recent(&self, drop_below: Nanos) {
        self.tracked.retain_recent(drop_below);
    }

    fn shrink_to_fit(&self) {
        ShrinkableKeyedStateStore::shrink_to_fit(&self.tracked);
    }

    fn len(&self) -> usize {
        self.tracked.len()
    }

    fn is_empty(&self) -> bool {
        self.tracked.is_empty()
    }
}
