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
                v.save(store, site);
                v
            }
        }
    }

    /// Persists the record.
    pub fn save(&self, store: &WebStore, site: &str) {
        store.set(&key(site, Slot::Visitor), &self.to_json());
    }

    /// Reads the stored record (`{"id", "userId"?, "traits"?}`); `None` if unreadable.
    fn from_json(json: &str) -> Option<Visitor> {
        let v = Json::parse(json).ok()?;
        let f = Fields::new("", &v, None).ok()?;
        let id = f.req("id", string).ok()?;
        let user_id = f.opt("userId", string).ok()?;
        // The traits are moved out of the parsed tree (as `Fields::get` finds them: the
        // first non-null member) rather than cloned: no JSON clone code in the widget.
        let Json::Obj(members) = v else { return None };
        let traits = members
            .into_iter()
            .find(|(k, v)| k == "traits" && !matches!(v, Json::Null))
            .and_then(|(_, traits)| match traits {
                Json::Obj(traits) => Some(traits),
                _ => None,
            });
        Some(Visitor {
            id,
            user_id,
            traits,
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
