//! The visitor record (`rapport:{site}:visitor`): anonymous id plus what `identify` said.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::storage::{key, Slot};
use crate::core::uuid::{is_uuid_v4, uuid_v4};

use super::super::env;
use super::super::store::WebStore;

/// Who is answering.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visitor {
    /// Anonymous UUID v4, made once per browser profile and site.
    pub id: String,
    /// User id from `identify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Traits from `identify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traits: Option<Map<String, Value>>,
}

/// A fresh UUID v4 from `crypto.getRandomValues`.
pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    env::fill_random(&mut bytes);
    uuid_v4(bytes)
}

impl Visitor {
    /// Loads the stored visitor, or makes (and stores) a new anonymous one.
    pub fn load(store: &WebStore, site: &str) -> Visitor {
        let stored: Option<Visitor> = store
            .get(&key(site, Slot::Visitor))
            .and_then(|json| serde_json::from_str(&json).ok());
        match stored {
            Some(v) if is_uuid_v4(&v.id) => v,
            _ => {
                let v = Visitor {
                    id: new_uuid(),
                    ..Visitor::default()
                };
                v.save(store, site);
                v
            }
        }
    }

    /// Persists the record.
    pub fn save(&self, store: &WebStore, site: &str) {
        if let Ok(json) = serde_json::to_string(self) {
            store.set(&key(site, Slot::Visitor), &json);
        }
    }
}
