//! `localStorage` with an in-memory fallback.
//!
//! Storage can be missing (sandboxed iframes, blocked cookies: the getter throws) or full
//! (quota, some private modes: `setItem` throws). Either way the widget keeps working for
//! the current page with values held in memory, and says so once with `console.warn`.

use crate::prelude::*;

use ::core::cell::Cell;

use wasm_bindgen::JsValue;

use super::{js, log};

/// Key/value storage backed by `localStorage`, falling back to memory per key on failure.
pub struct WebStore {
    local: Option<JsValue>,
    // Values that could not be written to `localStorage`; they shadow it on reads. A
    // `Cell` (taken and put back) rather than a `RefCell`: no borrow panics to ship.
    memory: Cell<Vec<(String, String)>>,
    warned: Cell<bool>,
}

impl WebStore {
    /// Opens `window.localStorage`, or memory only if it is unavailable.
    pub fn open() -> WebStore {
        let store = WebStore {
            local: None,
            memory: Cell::new(Vec::new()),
            warned: Cell::new(false),
        };
        // The getter throws where storage is blocked; it reads as `undefined` then.
        match js::global_get("localStorage") {
            local if local.is_object() => WebStore {
                local: Some(local),
                ..store
            },
            _ => {
                store.fall_back();
                store
            }
        }
    }

    /// Whether every value is held in memory only.
    pub fn is_memory_only(&self) -> bool {
        self.local.is_none()
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
        let local = self.local.as_ref()?;
        match js::call(local, "getItem", &[key.into()]) {
            Ok(value) => value.as_string(),
            Err(_) => {
                self.fall_back();
                None
            }
        }
    }

    /// Stores `value` under `key`.
    pub fn set(&self, key: &str, value: &str) {
        let written = self
            .local
            .as_ref()
            .is_some_and(|local| js::call(local, "setItem", &[key.into(), value.into()]).is_ok());
        self.forget(key);
        if !written {
            let mut memory = self.memory.take();
            memory.push((String::from(key), String::from(value)));
            self.memory.set(memory);
            self.fall_back();
        }
    }

    /// Drops the value held in memory for `key` (there is at most one).
    fn forget(&self, key: &str) {
        let mut memory = self.memory.take();
        if let Some(i) = memory.iter().position(|(k, _)| k == key) {
            // `swap_remove` without its bounds panic: the last entry takes slot `i`.
            if let Some(last) = memory.pop() {
                if let Some(slot) = memory.get_mut(i) {
                    *slot = last;
                }
            }
        }
        self.memory.set(memory);
    }

    /// Removes `key`.
    pub fn remove(&self, key: &str) {
        self.forget(key);
        if let Some(local) = &self.local {
            js::invoke(local, "removeItem", &[key.into()]);
        }
    }
}

impl crate::core::storage::KeyValueStore for WebStore {
    // Never fails: every failure has already fallen back to memory.
    fn get(&self, key: &str) -> Result<Option<String>, crate::core::storage::StorageError> {
        Ok(WebStore::get(self, key))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), crate::core::storage::StorageError> {
        WebStore::set(self, key, value);
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), crate::core::storage::StorageError> {
        WebStore::remove(self, key);
        Ok(())
    }
}
