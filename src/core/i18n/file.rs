//! A locale file: one [`Strings`] table as JSON, the form in which every locale but English
//! reaches the widget.
//!
//! The typed tables in [`super::catalog`] are the one source of truth: the build writes each
//! of them with [`Strings::to_json`] to `dist/widget/locales/<tag>.json`, and the widget
//! reads the one its page needs with [`Strings::from_json`] (only English is compiled into
//! the wasm). Keys are the field names in camelCase; pairs and lists are arrays.
//!
//! ```
//! use rapport::core::i18n::{Locale, Strings};
//! use rapport::core::json::from_text;
//! let text = Locale::Fr.strings().to_json();
//! let read = Strings::from_json(&from_text(&text).unwrap()).unwrap();
//! assert_eq!(read, *Locale::Fr.strings());
//! ```

use crate::prelude::*;

use super::Strings;
use crate::core::json::{items, shape, string, Decoded, Fields, Json, Path};

/// The keys of a locale file, in field order, each with how many strings it holds (one is
/// written as a string, more as an array).
const KEYS: [(&str, usize); 20] = [
    ("submit", 1),
    ("next", 1),
    ("back", 1),
    ("close", 1),
    ("minimise", 1),
    ("expand", 1),
    ("shortcut", 1),
    ("thankYouTitle", 1),
    ("thankYouBody", 1),
    ("earned", 2),
    ("npsEnds", 2),
    ("csatEnds", 2),
    ("cesEnds", 2),
    ("thumbs", 2),
    ("emoji", 5),
    ("other", 1),
    ("textPlaceholder", 1),
    ("required", 1),
    ("progress", 1),
    ("stars", 1),
];

/// A non-empty string, kept for the rest of the program (a page reads at most one locale
/// file, once).
fn text(path: &Path<'_>, v: &Json) -> Decoded<&'static str> {
    let s = string(path, v)?;
    if s.is_empty() {
        return Err(shape(path, String::from("must not be empty")));
    }
    Ok(Box::leak(s.into_boxed_str()))
}

impl Strings {
    /// Reads a locale file (see the module docs). Every key is required and holds non-empty
    /// strings (as many as the table has): a broken file is an error naming the key at
    /// fault, and the widget then shows English.
    pub fn from_json(json: &Json) -> Decoded<Strings> {
        let f = Fields::new("", json, None)?;
        let mut all: Vec<&'static str> = Vec::new();
        for (key, count) in KEYS {
            let path = f.child(key);
            // Required: `None` does not come back.
            let value = f.field(key, true)?.unwrap_or(&Json::Null);
            if count == 1 {
                all.push(text(&path, value)?);
                continue;
            }
            let found = items(&path, value)?;
            if found.len() != count {
                let mut message = String::from("expected ");
                crate::core::msg::push_uint(&mut message, count as u64);
                message.push_str(" strings");
                return Err(shape(&path, message));
            }
            for (i, item) in found.iter().enumerate() {
                all.push(text(&path.index(i), item)?);
            }
        }
        // The strings in the order of `KEYS`, each key's in the order of its array.
        let [submit, next, back, close, minimise, expand, shortcut, thank_you_title, thank_you_body, earned_one, earned_other, nps_low, nps_high, csat_low, csat_high, ces_low, ces_high, thumbs_up, thumbs_down, e1, e2, e3, e4, e5, other, text_placeholder, required, progress, stars] =
            all[..]
        else {
            return Err(shape(&Path::Root(""), String::from("incomplete")));
        };
        Ok(Strings {
            submit,
            next,
            back,
            close,
            minimise,
            expand,
            shortcut,
            thank_you_title,
            thank_you_body,
            earned: (earned_one, earned_other),
            nps_ends: (nps_low, nps_high),
            csat_ends: (csat_low, csat_high),
            ces_ends: (ces_low, ces_high),
            thumbs: [thumbs_up, thumbs_down],
            emoji: [e1, e2, e3, e4, e5],
            other,
            text_placeholder,
            required,
            progress,
            stars,
        })
    }

    /// This table as a locale file (what the build writes; see the module docs).
    pub fn to_json(&self) -> String {
        use crate::core::json::write_str;
        let s = self;
        let values: [&[&str]; 20] = [
            &[s.submit],
            &[s.next],
            &[s.back],
            &[s.close],
            &[s.minimise],
            &[s.expand],
            &[s.shortcut],
            &[s.thank_you_title],
            &[s.thank_you_body],
            &[s.earned.0, s.earned.1],
            &[s.nps_ends.0, s.nps_ends.1],
            &[s.csat_ends.0, s.csat_ends.1],
            &[s.ces_ends.0, s.ces_ends.1],
            &s.thumbs,
            &s.emoji,
            &[s.other],
            &[s.text_placeholder],
            &[s.required],
            &[s.progress],
            &[s.stars],
        ];
        let mut out = String::new();
        let mut writer = crate::core::json::ObjectWriter::new(&mut out);
        for ((key, count), value) in KEYS.iter().zip(values) {
            debug_assert_eq!(*count, value.len(), "{key}");
            let out = writer.key(key);
            if let [one] = value {
                write_str(out, one);
                continue;
            }
            out.push('[');
            for (i, v) in value.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, v);
            }
            out.push(']');
        }
        writer.end();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::i18n::Locale;

    fn parse(text: &str) -> Json {
        crate::core::json::testing::parse(text).unwrap()
    }

    #[test]
    fn every_table_round_trips() {
        for l in Locale::ALL {
            let text = l.strings().to_json();
            let read = Strings::from_json(&parse(&text)).unwrap();
            assert_eq!(read, *l.strings(), "{l:?}");
        }
    }

    #[test]
    fn the_file_is_plain_json_with_named_keys() {
        let text = Locale::Es.strings().to_json();
        let json = parse(&text);
        assert_eq!(json.get("submit").and_then(Json::as_str), Some("Enviar"));
        assert_eq!(
            json.get("npsEnds")
                .and_then(Json::as_array)
                .map(<[Json]>::len),
            Some(2)
        );
        assert_eq!(
            json.get("emoji")
                .and_then(Json::as_array)
                .map(<[Json]>::len),
            Some(5)
        );
        // Valid for any JSON reader too.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["progress"], "Pregunta {n} de {m}");
        assert_eq!(value.as_object().unwrap().len(), KEYS.len());
        // A later widget may add keys: an older file's reader ignores what it does not know.
        let mut extended = json.clone();
        if let Json::Obj(members) = &mut extended {
            members.push(("later".into(), Json::Num(1.0)));
        }
        assert_eq!(
            Strings::from_json(&extended).unwrap(),
            *Locale::Es.strings()
        );
    }

    /// The file for `locale` with `key` set to `value` (JSON text) or removed (`None`).
    fn edited(key: &str, value: Option<&str>) -> Json {
        let mut json = parse(&Locale::De.strings().to_json());
        let Json::Obj(members) = &mut json else {
            panic!("an object")
        };
        members.retain(|(k, _)| k != key);
        if let Some(value) = value {
            members.push((String::from(key), parse(value)));
        }
        json
    }

    fn error(json: &Json) -> String {
        let err = Strings::from_json(json).unwrap_err();
        crate::core::msg::cat(&[&err.path, ": ", &err.message])
    }

    #[test]
    fn a_broken_file_is_refused_naming_the_key() {
        assert_eq!(
            error(&edited("submit", None)),
            "submit: missing field `submit`"
        );
        assert_eq!(
            error(&edited("thumbs", Some(r#"["up"]"#))),
            "thumbs: expected 2 strings"
        );
        assert_eq!(
            error(&edited("emoji", Some(r#"["a","b","c","d",5]"#))),
            "emoji[4]: expected a string, got a number"
        );
        assert_eq!(
            error(&edited("earned", Some(r#""Punkte""#))),
            "earned: expected an array, got a string"
        );
        assert_eq!(
            error(&edited("close", Some(r#""""#))),
            "close: must not be empty"
        );
        assert_eq!(
            error(&edited("npsEnds", Some(r#""Unwahrscheinlich""#))),
            "npsEnds: expected an array, got a string"
        );
        assert!(Strings::from_json(&parse("[]")).is_err());
    }

    #[test]
    fn a_file_read_fills_its_templates() {
        let read = Strings::from_json(&parse(&Locale::Nl.strings().to_json())).unwrap();
        assert_eq!(read.progress(2, 3), "Vraag 2 van 3");
        assert_eq!(read.stars(4), "4 van 5 sterren");
        assert_eq!(read.earned(1), "Je hebt 1 punt verdiend.");
        assert_eq!(read.earned(30), "Je hebt 30 punten verdiend.");
    }
}
