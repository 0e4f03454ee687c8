//! `localStorage` with an in-memory fallback.
//!
//! Storage can be missing (sandboxed iframes, blocked cookies: the getter throws) or full
//! (quota, some private modes: `setItem` throws). Either way the widget keeps working for
//! the current page with values held in memory, and says so once with `console.warn`.

use crate::prelude::*;

use ::core::cell::Cell;

use web_sys::Storage;

use super::{env, json_value, log};
use crate::core::json::Json;
use crate::core::storage::Store;

/// Key/value storage backed by `localStorage`, falling back to memory per key on failure.
pub struct WebStore {
    local: Option<Storage>,
    /// Values that could not be written to `localStorage`; they shadow it on reads.
    memory: Cell<Vec<(String, String)>>,
    warned: Cell<bool>,
}

impl WebStore {
    /// Opens `window.localStorage`, or memory only if it is unavailable.
    pub fn open() -> WebStore {
        // The getter throws where storage is blocked.
        let local = env::window().and_then(|w| w.local_storage().ok().flatten());
        let store = WebStore {
            local,
            memory: Cell::new(Vec::new()),
            warned: Cell::new(false),
        };
        if store.local.is_none() {
            store.fall_back();
        }
        store
    }

    fn fall_back(&self) {
        if !self.warned.replace(true) {
            log::warn(&["localStorage is unavailable; survey state is kept for this page only"]);
        }
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        let memory = self.memory.take();
        let held = memory
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone());
        self.memory.set(memory);
        if held.is_some() {
            return held;
        }
        match self.local.as_ref()?.get_item(key) {
            Ok(value) => value,
            Err(_) => {
                self.fall_back();
                None
            }
        }
    }

    /// Stores `value` under `key`: in `localStorage`, or in memory when that fails.
    pub fn set(&self, key: &str, value: &str) {
        let written = self
            .local
            .as_ref()
            .is_some_and(|local| local.set_item(key, value).is_ok());
        let mut memory = self.memory.take();
        // A value written to `localStorage` no longer needs (nor may keep) a memory copy.
        memory.retain(|(k, _)| k != key);
        if !written {
            memory.push((String::from(key), String::from(value)));
        }
        self.memory.set(memory);
        if !written {
            self.fall_back();
        }
    }
}

impl Store for WebStore {
    /// The record under `key`, read by the browser's `JSON.parse`.
    fn load(&self, key: &str) -> Option<Json> {
        json_value::read(&self.get(key)?)
    }

    fn save(&self, key: &str, json: &str) {
        self.set(key, json);
    }
}
