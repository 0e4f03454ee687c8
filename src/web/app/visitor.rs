//! The visitor record (`rapport:{site}:visitor`): anonymous id plus what `identify` said.

use crate::prelude::*;

use crate::core::json::{string, write_map, Fields, Json, JsonMap, ObjectWriter};

use crate::core::storage::{key, Slot};
use crate::core::uuid::is_uuid_v4;

use super::super::env;
use super::super::store::WebStore;

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
    /// Loads the stored visitor, or makes (and stores) a new anonymous one.
    pub fn load(store: &WebStore, site: &str) -> Visitor {
        let stored: Option<Visitor> = store
            .get(&key(site, Slot::Visitor))
            .and_then(|json| Visitor::from_json(&json));
        match stored {
            Some(v) if is_uuid_v4(&v.id) => v,
            _ => {
                let v = Visitor {
                    id: new_uuid(),
                    ..Visitor::default()
                };
                store.set(&key(site, Slot::Visitor), &v.to_json());
                v
            }
        }
    }

    /// Reads the stored record (`{"id", "userId"?, "traits"?}`); `None` if unreadable.
    fn from_json(json: &str) -> Option<Visitor> {
        let v = Json::parse(json).ok()?;
        let f = Fields::new("", &v, None).ok()?;
        Some(Visitor {
            id: f.req("id", string).ok()?,
            user_id: f.opt("userId", string).ok()?,
            traits: match f.get("traits") {
                Some(Json::Obj(members)) => Some(members.clone()),
                _ => None,
            },
        })
    }

    /// The stored form, as [`Visitor::from_json`] reads it.
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
