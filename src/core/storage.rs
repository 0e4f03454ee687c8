//! Key-value persistence behind a trait: the shell implements it over `localStorage` (with an
//! in-memory fallback when storage is blocked); tests use [`MemoryStore`]. Also the key names.

use crate::prelude::*;

use ::core::cell::RefCell;
use alloc::collections::BTreeMap;

/// Why a storage operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// Storage cannot be used at all (blocked cookies, sandboxed iframe, ...).
    Unavailable(String),
    /// Writing `key` would exceed the quota.
    QuotaExceeded(String),
}

impl StorageError {
    /// The full message (what `Display` prints), built without `core::fmt`.
    pub fn text(&self) -> String {
        use crate::core::msg::cat;
        match self {
            StorageError::Unavailable(why) => cat(&["storage unavailable: ", why]),
            StorageError::QuotaExceeded(key) => {
                cat(&["storage quota exceeded writing `", key, "`"])
            }
        }
    }
}

impl ::core::fmt::Display for StorageError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ::core::error::Error for StorageError {}

/// A string key-value store. Methods take `&self` like the Web Storage API; implementations
/// use interior mutability.
pub trait KeyValueStore {
    /// The value at `key`, if any.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Stores `value` at `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes `key` (no error if absent).
    fn remove(&self, key: &str) -> Result<(), StorageError>;
}

/// An in-memory store.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.map.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.map
            .borrow_mut()
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
}

/// What is stored under a site's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// [`crate::core::throttle::ThrottleState`].
    Throttle,
    /// [`crate::core::outbox::Outbox`].
    Outbox,
    /// The loader's mute map ([`crate::core::throttle::mute_map`]).
    Mute,
    /// Anonymous visitor id and identify traits.
    Visitor,
}

/// The localStorage key of `slot` for `site`: `rapport:{site}:{slot}`.
pub fn key(site: &str, slot: Slot) -> String {
    let name = match slot {
        Slot::Throttle => "throttle",
        Slot::Outbox => "outbox",
        Slot::Mute => "mute",
        Slot::Visitor => "visitor",
    };
    // A message template rather than `format!`: this runs on every storage access in the
    // widget.
    crate::core::msg::subst("rapport:{}:{}", site, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::throttle::ThrottleState;

    #[test]
    fn keys_follow_the_contract() {
        assert_eq!(key("demo", Slot::Throttle), "rapport:demo:throttle");
        assert_eq!(key("demo", Slot::Outbox), "rapport:demo:outbox");
        assert_eq!(key("demo", Slot::Mute), "rapport:demo:mute");
        assert_eq!(key("demo", Slot::Visitor), "rapport:demo:visitor");
    }

    #[test]
    fn json_round_trip_and_corrupt_values() {
        let store = MemoryStore::new();
        let k = key("demo", Slot::Throttle);
        let load = |store: &MemoryStore| {
            store
                .get(&k)
                .unwrap()
                .map(|json| ThrottleState::from_json_or_default(&json))
        };
        assert_eq!(load(&store), None);
        let mut st = ThrottleState::default();
        st.record_shown("s", 1.0);
        store.set(&k, &st.to_json()).unwrap();
        assert_eq!(load(&store), Some(st));
        store.set(&k, "{broken").unwrap();
        assert_eq!(load(&store), Some(ThrottleState::default()));
        store.remove(&k).unwrap();
        assert_eq!(store.get(&k).unwrap(), None);
    }
}
