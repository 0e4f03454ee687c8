//! A panel locale file: one [`Strings`] table as a flat JSON object, `{"title": "…", …}`,
//! keyed by the field names ([`super::KEYS`]). The build writes every table but English
//! with [`Strings::to_json`] to `dist/loyalty/locales/<tag>.json`; the panel reads the one
//! its page wants with [`Strings::from_json`].

use rapport::core::json::{shape, string, write_str, Decoded, Fields, Json, ObjectWriter};

use super::{Strings, KEYS};
use crate::prelude::*;

impl Strings {
    /// This table as a locale file.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut writer = ObjectWriter::new(&mut out);
        for (key, value) in KEYS.iter().zip(self.values()) {
            write_str(writer.key(key), value);
        }
        writer.end();
        out
    }

    /// Reads a locale file: every key is required and holds a non-empty string; keys this
    /// panel does not know are ignored (a later panel may add some). A broken file is an
    /// error naming the key at fault (the panel then stays in English).
    pub fn from_json(json: &Json) -> Decoded<Strings> {
        let f = Fields::new("", json, None)?;
        let mut texts: Vec<&'static str> = Vec::with_capacity(KEYS.len());
        for key in KEYS {
            let path = f.child(key);
            let value = f.field(key, true)?.unwrap_or(&Json::Null);
            let text = string(&path, value)?;
            if text.is_empty() {
                return Err(shape(&path, String::from("must not be empty")));
            }
            // A panel reads at most one locale file, once: it lives as long as the page.
            texts.push(Box::leak(text.into_boxed_str()));
        }
        Strings::from_values(&texts).ok_or_else(|| shape(f.path(), String::from("incomplete")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::table;
    use rapport::core::i18n::Locale;
    use rapport::core::json::testing::parse;
    use std::string::ToString;

    fn error(json: &Json) -> std::string::String {
        let err = Strings::from_json(json).expect_err("refused");
        rapport::core::msg::cat(&[&err.path, ": ", &err.message])
    }

    /// The Spanish file with `key` removed and, when given, set to `value` (JSON text).
    fn edited(key: &str, value: Option<&str>) -> Json {
        let mut json = parse(&table(Locale::Es).to_json()).expect("json");
        let Json::Obj(members) = &mut json else {
            panic!("an object")
        };
        members.retain(|(k, _)| k != key);
        if let Some(value) = value {
            members.push((key.to_string(), parse(value).expect("json")));
        }
        json
    }

    #[test]
    fn every_table_round_trips() {
        for locale in Locale::ALL {
            let text = table(locale).to_json();
            let read = Strings::from_json(&parse(&text).expect("json")).expect("read");
            assert_eq!(&read, table(locale), "{locale:?}");
        }
    }

    #[test]
    fn the_file_is_plain_json_keyed_by_field() {
        let text = table(Locale::Es).to_json();
        // Read by serde_json, not by the panel's own reader.
        let value = rapport::core::json::from_text(&text).expect("any JSON reader");
        assert_eq!(
            value.get("title").and_then(Json::as_str),
            Some("Recompensas")
        );
        assert_eq!(
            value.get("act_order").and_then(Json::as_str),
            Some("Pedido")
        );
        assert!(matches!(&value, Json::Obj(m) if m.len() == KEYS.len()));
        // Unknown keys (a later panel's) are ignored.
        let extended = edited("later", Some("1"));
        assert_eq!(
            &Strings::from_json(&extended).expect("read"),
            table(Locale::Es)
        );
    }

    #[test]
    fn a_broken_file_is_refused_naming_the_key() {
        assert_eq!(
            error(&edited("title", None)),
            "title: missing field `title`"
        );
        assert_eq!(
            error(&edited("redeem", Some(r#""""#))),
            "redeem: must not be empty"
        );
        assert_eq!(
            error(&edited("copy", Some("3"))),
            "copy: expected a string, got a number"
        );
        assert!(Strings::from_json(&parse("[]").expect("json")).is_err());
    }
}
