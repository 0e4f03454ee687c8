//! The visitor record (`rapport:{site}:visitor`): anonymous id plus what `identify` said.

use crate::prelude::*;

use crate::core::json::{write_map, Json, JsonMap, ObjectWriter};
use crate::core::uuid::is_uuid_v4;

/// Who is answering.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visitor {
    /// Anonymous UUID v4, made once per browser profile and site.
    pub id: String,
    /// User id from `identify`.
    pub user_id: Option<String>,
    /// Traits from `identify`.
    pub traits: Option<JsonMap>,
}

impl Visitor {
    /// The visitor stored as `record`, or `None` when it is unreadable: an `id` that is no
    /// UUID v4 (or missing), or a `userId` that is neither a string nor null. Traits that
    /// are no object are dropped.
    pub fn from_value(record: &Json) -> Option<Visitor> {
        let id = record.get("id")?.as_str().filter(|id| is_uuid_v4(id))?;
        let user_id = match record.get("userId") {
            None | Some(Json::Null) => None,
            Some(Json::Str(user_id)) => Some(user_id.clone()),
            Some(_) => return None,
        };
        let traits = match record.get("traits") {
            Some(Json::Obj(traits)) => Some(traits.clone()),
            _ => None,
        };
        Some(Visitor {
            id: String::from(id),
            user_id,
            traits,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b6f3a5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

    #[test]
    fn round_trip_and_unreadable_records() {
        let v = Visitor {
            id: ID.into(),
            user_id: Some("u-1".into()),
            traits: Some(vec![("plan".into(), Json::Str("pro".into()))]),
        };
        assert_eq!(
            Visitor::from_value(&crate::core::json::testing::parse(&v.to_json()).unwrap()),
            Some(v)
        );
        for bad in [
            r#"{"id":"nope"}"#,
            r#"{"userId":"u"}"#,
            &format!(r#"{{"id":"{ID}","userId":5}}"#),
            "[]",
        ] {
            assert_eq!(
                Visitor::from_value(&crate::core::json::testing::parse(bad).unwrap()),
                None,
                "{bad}"
            );
        }
        let dropped = Visitor::from_value(
            &crate::core::json::testing::parse(&format!(r#"{{"id":"{ID}","traits":[1]}}"#))
                .unwrap(),
        );
        assert_eq!(dropped.map(|v| v.traits), Some(None));
    }
}
