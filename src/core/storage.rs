//! Where the widget keeps its records: the [`Store`] the state machine reads and writes
//! synchronously (`localStorage` in the browser), an in-memory one for tests (with the
//! `serde_json` feature, which reads its records back), and the key of each record.

use crate::prelude::*;

#[cfg(feature = "serde_json")]
use ::core::cell::RefCell;
#[cfg(feature = "serde_json")]
use alloc::collections::BTreeMap;

use crate::core::json::Json;

/// A key-value store of JSON records. Reads and writes are synchronous, like
/// `localStorage`: another tab's writes are seen by the next read. Writing never fails for
/// the caller: a store that cannot persist keeps the value for the current page and says
/// so itself.
pub trait Store {
    /// The record under `key`, parsed; `None` when there is none or it is no JSON.
    fn load(&self, key: &str) -> Option<Json>;
    /// Stores the JSON text `json` under `key`.
    fn save(&self, key: &str, json: &str);
}

/// A [`Store`] in memory: what tests (and two simulated tabs sharing it) use. With the
/// `serde_json` feature (records are read back with serde_json).
#[cfg(feature = "serde_json")]
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
}

#[cfg(feature = "serde_json")]
impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text stored under `key`.
    pub fn text(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }
}

#[cfg(feature = "serde_json")]
impl Store for MemoryStore {
    fn load(&self, key: &str) -> Option<Json> {
        crate::core::json::from_text(&self.text(key)?).ok()
    }

    fn save(&self, key: &str, json: &str) {
        self.map
            .borrow_mut()
            .insert(key.to_owned(), json.to_owned());
    }
}

/// The records the widget keeps per site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// When each survey was shown and answered.
    Throttle,
    /// Responses not yet delivered.
    Outbox,
    /// The loader's mute map.
    Mute,
    /// The visitor's id and `identify` data.
    Visitor,
}

/// The storage key of `slot` for `site`: `rapport:{site}:{slot}`.
pub fn key(site: &str, slot: Slot) -> String {
    let name = match slot {
        Slot::Throttle => "throttle",
        Slot::Outbox => "outbox",
        Slot::Mute => "mute",
        Slot::Visitor => "visitor",
    };
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
                .load(&k)
                .map(|json| ThrottleState::from_value_or_default(&json))
        };
        assert_eq!(load(&store), None);
        let mut st = ThrottleState::default();
        st.record_shown("s", 1.0);
        store.save(&k, &st.to_json());
        assert_eq!(load(&store), Some(st));
        store.save(&k, "{broken");
        assert_eq!(load(&store), None, "no JSON reads as no record");
        store.save(&k, "[1]");
        assert_eq!(load(&store), Some(ThrottleState::default()));
    }
}
