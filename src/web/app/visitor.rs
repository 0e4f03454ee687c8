//! The visitor record (`rapport:{site}:visitor`, stored by the controller): anonymous id
//! plus what `identify` said.

use crate::prelude::*;

use crate::core::json::{write_map, Json, JsonMap, ObjectWriter};

use ::core::mem::take;

use crate::core::uuid::is_uuid_v4;

use super::super::env;

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
    /// The visitor stored as `json`, or a new anonymous one when there is none or it is
    /// unreadable; `true` then: the new one must be stored.
    pub fn load(json: Option<Json>) -> (Visitor, bool) {
        match json.and_then(Visitor::from_value) {
            Some(v) if is_uuid_v4(&v.id) => (v, false),
            _ => (
                Visitor {
                    id: new_uuid(),
                    ..Visitor::default()
                },
                true,
            ),
        }
    }

    /// Reads the stored record (`{"id", "userId"?, "traits"?}`); `None` if unreadable (an
    /// `id` or `userId` that is neither a string nor null; a missing `id` reads as empty,
    /// which [`Visitor::load`] replaces). One pass over the members, which are taken out of
    /// the parsed tree rather than cloned: no JSON clone code in the widget. Traits that are
    /// no object are dropped.
    fn from_value(mut v: Json) -> Option<Visitor> {
        let Json::Obj(members) = &mut v else {
            return None;
        };
        let mut visitor = Visitor::default();
        for (key, value) in members.iter_mut() {
            match (key.as_str(), value) {
                (_, Json::Null) => {}
                ("id", Json::Str(id)) => visitor.id = take(id),
                ("userId", Json::Str(id)) => visitor.user_id = Some(take(id)),
                ("id" | "userId", _) => return None,
                ("traits", Json::Obj(traits)) => visitor.traits = Some(take(traits)),
                _ => {}
            }
        }
        Some(visitor)
    }

    /// The stored form, as [`Visitor::from_value`] reads it.
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
