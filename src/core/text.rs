//! Localised text: a plain string or a `{locale: string}` map, resolved for one locale.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A text field of the site configuration: either one string for every locale or a map from
/// locale tag (`"en"`, `"es-MX"`) to string.
///
/// The map keeps the order of the JSON document, because "the first entry" is the last
/// fallback of [`LocalizedText::resolve`]. (Parsed from a `serde_json::Value` instead of
/// text, the order is the `Value`'s, i.e. sorted by key.)
///
/// ```
/// use rapport::core::text::LocalizedText;
/// let t: LocalizedText = serde_json::from_str(r#"{"fr": "Merci", "en": "Thanks"}"#).unwrap();
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
        if let Some((_, v)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(locale)) {
            return v;
        }
        let lang = language(locale);
        if let Some((_, v)) = map
            .iter()
            .find(|(k, _)| language(k).eq_ignore_ascii_case(lang))
        {
            return v;
        }
        if let Some((_, v)) = map
            .iter()
            .find(|(k, _)| language(k).eq_ignore_ascii_case("en"))
        {
            return v;
        }
        map.first().map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// Every text variant, for validation (length, emptiness).
    pub fn variants(&self) -> impl Iterator<Item = &str> {
        let (plain, map) = match self {
            LocalizedText::Plain(s) => (Some(s.as_str()), &[][..]),
            LocalizedText::Localized(m) => (None, m.as_slice()),
        };
        plain.into_iter().chain(map.iter().map(|(_, v)| v.as_str()))
    }

    /// Whether this is a map with no entries (a plain string is never "empty" here).
    pub fn is_empty_map(&self) -> bool {
        matches!(self, LocalizedText::Localized(m) if m.is_empty())
    }
}

impl From<&str> for LocalizedText {
    fn from(s: &str) -> Self {
        LocalizedText::Plain(s.to_owned())
    }
}

/// The primary language subtag: `"pt-BR"` → `"pt"`, `"zh_Hant"` → `"zh"`.
pub fn language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

impl Serialize for LocalizedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            LocalizedText::Plain(s) => serializer.serialize_str(s),
            LocalizedText::Localized(map) => {
                let mut m = serializer.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = LocalizedText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an object mapping locale to string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(LocalizedText::Plain(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(LocalizedText::Plain(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map: Vec<(String, String)> = Vec::new();
        while let Some((k, v)) = access.next_entry::<String, String>()? {
            if map
                .iter()
                .any(|(existing, _)| existing.eq_ignore_ascii_case(&k))
            {
                return Err(serde::de::Error::custom(format!("duplicate locale `{k}`")));
            }
            map.push((k, v));
        }
        Ok(LocalizedText::Localized(map))
    }
}

impl<'de> Deserialize<'de> for LocalizedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> LocalizedText {
        LocalizedText::Localized(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
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
        let t: LocalizedText = serde_json::from_str(r#"{"nl":"Hoi","de":"Hallo"}"#).unwrap();
        assert_eq!(t.resolve("xx"), "Hoi");
        assert!(serde_json::from_str::<LocalizedText>(r#"{"nl":"a","NL":"b"}"#).is_err());
        assert!(serde_json::from_str::<LocalizedText>("3").is_err());
        let back = serde_json::to_string(&t).unwrap();
        assert_eq!(back, r#"{"nl":"Hoi","de":"Hallo"}"#);
    }
}
