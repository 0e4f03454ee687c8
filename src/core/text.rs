//! Localised text: a plain string or a `{locale: string}` map, resolved for one locale.

use crate::prelude::*;

/// A text field of the site configuration: either one string for every locale or a map from
/// locale tag (`"en"`, `"es-MX"`) to string.
///
/// The map keeps the order of the JSON document, because "the first entry" is the last
/// fallback of [`LocalizedText::resolve`].
///
/// ```
/// use rapport::core::{json::Json, survey::decode};
/// let t = decode::text("label", &Json::from(&serde_json::json!({"fr": "Merci", "en": "Thanks"}))).unwrap();
/// assert_eq!(t.resolve("fr-CA"), "Merci");
/// assert_eq!(t.resolve("de"), "Thanks");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalizedText {
    /// The same text for every locale.
    Plain(String),
    /// `(locale tag, text)` pairs in document order.
    Localized(Vec<(String, String)>),
}

impl LocalizedText {
    /// The text for `locale`: exact tag (case-insensitive), then same language
    /// (`es-MX` ↔ `es`), then `en`, then the first entry. An empty map resolves to `""`.
    pub fn resolve(&self, locale: &str) -> &str {
        let map = match self {
            LocalizedText::Plain(s) => return s,
            LocalizedText::Localized(map) => map,
        };
        // One pass: the entry of the lowest rank wins, the first of equal ranks.
        let lang = language(locale);
        // Every rank is below 4, so the first entry always replaces the start value. An
        // index loop: no iterator state in the wasm.
        let (mut best, mut best_rank) = ("", 4);
        let mut i = 0;
        while let Some((k, v)) = map.get(i) {
            let k_lang = language(k);
            let rank = if k.eq_ignore_ascii_case(locale) {
                0
            } else if k_lang.eq_ignore_ascii_case(lang) {
                1
            } else if k_lang.eq_ignore_ascii_case("en") {
                2
            } else {
                3
            };
            if rank < best_rank {
                (best, best_rank) = (v.as_str(), rank);
            }
            i += 1;
        }
        best
    }
}

impl From<&str> for LocalizedText {
    fn from(s: &str) -> Self {
        LocalizedText::Plain(s.to_owned())
    }
}

/// Whether `s` is empty or only whitespace (Unicode `White_Space`, as `str::trim` counts
/// it): `s.trim().is_empty()` without `trim`'s two-ended search in the wasm.
///
/// ```
/// use rapport::core::text::is_blank;
/// assert!(is_blank(" \t\u{3000}") && is_blank(""));
/// assert!(!is_blank(" a "));
/// ```
pub fn is_blank(s: &str) -> bool {
    // The White_Space characters spelled out rather than `char::is_whitespace`, whose
    // 256-byte table of Latin-1 flags would otherwise ship for this one check (a test
    // compares the two over every character).
    s.chars().all(|c| {
        matches!(
            c,
            '\t'..='\r'
                | ' '
                | '\u{85}'
                | '\u{a0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
        )
    })
}

/// The primary language subtag: `"pt-BR"` → `"pt"`, `"zh_Hant"` → `"zh"`.
pub fn language(tag: &str) -> &str {
    // A plain index loop, not `split([..])` or `bytes().position(..)`: no char-array
    // searcher or iterator state in the wasm.
    let bytes = tag.as_bytes();
    let mut end = 0;
    while let Some(&b) = bytes.get(end) {
        if b == b'-' || b == b'_' {
            break;
        }
        end += 1;
    }
    tag.get(..end).unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::Json;

    fn map(pairs: &[(&str, &str)]) -> LocalizedText {
        LocalizedText::Localized(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn blank_is_unicode_white_space() {
        for c in '\0'..=char::MAX {
            assert_eq!(
                is_blank(c.encode_utf8(&mut [0; 4])),
                c.is_whitespace(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn plain_resolves_to_itself_for_any_locale() {
        assert_eq!(LocalizedText::from("Hi").resolve("ar"), "Hi");
    }

    #[test]
    fn resolution_order_is_exact_language_en_first() {
        let t = map(&[
            ("de", "Hallo"),
            ("pt-BR", "Olá BR"),
            ("pt", "Olá"),
            ("en", "Hi"),
        ]);
        assert_eq!(t.resolve("PT-br"), "Olá BR", "exact, case-insensitive");
        assert_eq!(
            t.resolve("pt-PT"),
            "Olá BR",
            "first entry of the same language"
        );
        assert_eq!(t.resolve("fr"), "Hi", "falls back to en");
        let no_en = map(&[("de", "Hallo"), ("nl", "Hoi")]);
        assert_eq!(
            no_en.resolve("fr"),
            "Hallo",
            "falls back to first in document order"
        );
        assert_eq!(map(&[]).resolve("en"), "");
    }

    #[test]
    fn deserialize_keeps_document_order_and_rejects_duplicates() {
        // Decoded, then checked: a repeated locale is a rule (the decoder keeps both).
        let read = |s: &str| {
            let t = crate::core::survey::decode::text(
                "t",
                &crate::core::json::testing::parse(s).unwrap(),
            )?;
            crate::core::survey::validate::text(&crate::core::json::Path::Root("t"), &t)
        };
        // Built by hand: serde_json (what reads text in tests) sorts object keys.
        let doc = Json::Obj(vec![
            ("nl".into(), Json::Str("Hoi".into())),
            ("de".into(), Json::Str("Hallo".into())),
        ]);
        let t = crate::core::survey::decode::text("t", &doc).unwrap();
        assert_eq!(t.resolve("xx"), "Hoi");
        assert!(read(r#"{"nl":"a","NL":"b"}"#).is_err());
        assert!(read("3").is_err());
    }
}
