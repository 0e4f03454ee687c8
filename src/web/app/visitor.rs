//! The visitor record (`rapport:{site}:visitor`, stored by the controller): anonymous id
//! plus what `identify` said.

use crate::prelude::*;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::core::json::{write_map, Json, JsonMap, ObjectWriter};
use crate::core::uuid::is_uuid_v4;

use super::super::env;
use super::super::json_value::from_js;

/// `record[key]`: a member of a stored record as `JSON.parse` made it.
fn member(record: &JsValue, key: &str) -> JsValue {
    if !record.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(record, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Who is answering.
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    /// Anonymous UUID v4, made once per browser profile and site.
    pub id: String,
    /// User id from `identify`.
    pub user_id: Option<String>,
    /// Traits from `identify`.
    pub traits: Option<JsonMap>,
}

/// A fresh UUID v4 from `crypto.getRandomValues`.
pub fn new_uuid() -> String {
    env::random_uuid()
}

impl Visitor {
    /// The visitor stored as `record` (what `JSON.parse` made of the stored text,
    /// `undefined` when there is none), or a new anonymous one when there is none or it is
    /// unreadable; `true` then: the new one must be stored.
    ///
    /// The record is `{"id", "userId"?, "traits"?}`. Unreadable: an `id` that is no UUID v4
    /// (or missing), or a `userId` that is neither a string nor null. Traits that are no
    /// object are dropped. Read from the JavaScript value, property by property, rather
    /// than from a [`Json`] copy of the whole record: only the traits are copied.
    pub fn load(record: &JsValue) -> (Visitor, bool) {
        let user_id = member(record, "userId");
        match member(record, "id").as_string() {
            Some(id)
                if is_uuid_v4(&id) && (user_id.is_null_or_undefined() || user_id.is_string()) =>
            {
                let traits = match from_js(&member(record, "traits")) {
                    Json::Obj(traits) => Some(traits),
                    _ => None,
                };
                let user_id = user_id.as_string();
                (
                    Visitor {
                        id,
                        user_id,
                        traits,
                    },
                    false,
                )
            }
            _ => (
                Visitor {
                    id: new_uuid(),
                    ..Visitor::default()
                },
                true,
            ),
        }
    }

    /// The stored form, as [`Visitor::load`] reads it.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut w = ObjectWriter::new(&mut out);
        w.str("id", &self.id);
        w.opt_str("userId", self.user_id.as_deref());
        if let Some(traits) = &self.traits {
            write_map(w.key("traits"), traits);
        }
        w.end();
        out
    }
}
