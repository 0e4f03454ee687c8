//! Query strings: `a=1&b=x%20y` ↔ ordered `(key, value)` pairs, with
//! `application/x-www-form-urlencoded` escaping (the `form_urlencoded` crate, as the
//! browser's `URLSearchParams` does).

/// The pairs of `query` (with or without its leading `?`), in order; empty keys are skipped.
pub fn parse(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `pairs` as a query string without the leading `?` (empty when there are none).
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

/// The first value of `key` in `pairs`.
pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_escapes_and_plus() {
        let pairs = parse("?q=late+delivery&url=%2Fcart%3Fx%3D1&&=skip");
        assert_eq!(get(&pairs, "q"), Some("late delivery"));
        assert_eq!(get(&pairs, "url"), Some("/cart?x=1"));
        assert_eq!(pairs.len(), 2);
    }

    #[test]
    fn writes_escapes() {
        assert_eq!(encode([("q", "a b&c"), ("t", "é")]), "q=a+b%26c&t=%C3%A9");
        assert_eq!(encode([]), "");
    }

    proptest! {
        #[test]
        fn round_trip(pairs in proptest::collection::vec(("[a-zA-Z][a-zA-Z0-9]{0,6}", "\\PC{0,12}"), 0..6)) {
            let text = encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            prop_assert_eq!(parse(&text), pairs);
        }
    }
}
