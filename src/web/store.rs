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
    // Values that could not be written to `localStorage`, as the properties of a plain JS
    // object (keys are `rapport:…`: no clash with its prototype's); they shadow
    // `localStorage` on reads, and `undefined` is no value. Held by the browser rather than
    // in a Rust map: less code in the wasm.
    memory: JsValue,
    warned: Cell<bool>,
}

impl WebStore {
    /// Opens `window.localStorage`, or memory only if it is unavailable.
    pub fn open() -> WebStore {
        let store = WebStore {
            local: None,
            memory: js::object(),
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
        let held = js::get_str(&self.memory, key);
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

    /// Stores `value` under `key`: in `localStorage`, or in memory when that fails.
    pub fn set(&self, key: &str, value: &str) {
        let value = JsValue::from_str(value);
        let written = self
            .local
            .as_ref()
            .is_some_and(|local| js::call(local, "setItem", &[key.into(), value.clone()]).is_ok());
        // A value written to `localStorage` no longer needs (nor may keep) a memory copy.
        let held = if written { JsValue::UNDEFINED } else { value };
        js::set(&self.memory, key, &held);
        if !written {
            self.fall_back();
        }
    }

    /// Removes `key`.
    pub fn remove(&self, key: &str) {
        js::set(&self.memory, key, &JsValue::UNDEFINED);
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
