//! Lone UTF-16 surrogate escapes (`"\ud800"`) in the collector's JSON export.
//!
//! A browser's `JSON.stringify` writes a lone surrogate as an escape, and the collector
//! keeps answers as the JSON text delivered, so its export holds such escapes. They are
//! valid JSON text but no Unicode scalar value, and serde_json refuses them in a string.
//! Each one is read as `\ufffd` (U+FFFD REPLACEMENT CHARACTER) instead, which touches the
//! string that held it and nothing else.

use std::borrow::Cow;

/// `json` with every lone surrogate escape replaced by `\ufffd`; borrowed when there was
/// none. Proper pairs and escaped backslashes (`\\ud800`) are left as they are.
pub(crate) fn replace_lone_surrogates(json: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0; // bytes of `json` already in `out`
    let mut i = 0;
    // `i` may step past the end after a trailing backslash: nothing is left to read then.
    while let Some(at) = json.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        i += at;
        let Some(unit) = (json.get(i + 1) == Some(&b'u'))
            .then(|| hex4(json, i + 2))
            .flatten()
        else {
            i += 2; // another escape (or a malformed one: serde_json reports it)
            continue;
        };
        let low = |u: u16| (0xDC00..0xE000).contains(&u);
        if (0xD800..0xDC00).contains(&unit)
            && json.get(i + 6..i + 8) == Some(b"\\u")
            && hex4(json, i + 8).is_some_and(low)
        {
            i += 12; // a proper pair
            continue;
        }
        if (0xD800..0xE000).contains(&unit) {
            let buf = out.get_or_insert_with(|| Vec::with_capacity(json.len()));
            buf.extend_from_slice(&json[copied..i]);
            buf.extend_from_slice(b"\\ufffd");
            copied = i + 6;
        }
        i += 6;
    }
    match out {
        None => Cow::Borrowed(json),
        Some(mut buf) => {
            buf.extend_from_slice(&json[copied..]);
            Cow::Owned(buf)
        }
    }
}

fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_backslash_is_left_for_the_json_reader() {
        for text in [&b"c,t,a\n,,,,\\"[..], b"\\", b"x\\u12"] {
            assert_eq!(replace_lone_surrogates(text), Cow::Borrowed(text));
        }
    }

    #[test]
    fn untouched_without_lone_surrogates() {
        for s in [
            &br#"{"a":"plain"}"#[..],
            br#"{"a":"\ud83d\ude00 pair"}"#,
            br#"{"a":"\\ud800 escaped backslash"}"#,
            br#"{"a":"\u0000\u202e\n"}"#,
            br#"{"a":"cut \u12"}"#,
        ] {
            assert!(matches!(replace_lone_surrogates(s), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn lone_high_and_low_read_as_replacement() -> Result<(), serde_json::Error> {
        let s = br#"["a\ud800b", "\udc00", "\ud800\ud800\udc00", "x\uDBFF", "\\\udc00"]"#;
        assert!(serde_json::from_slice::<Vec<String>>(s).is_err());
        let fixed = replace_lone_surrogates(s);
        let v: Vec<String> = serde_json::from_slice(&fixed)?;
        assert_eq!(
            v,
            [
                "a\u{fffd}b",
                "\u{fffd}",
                "\u{fffd}\u{10000}",
                "x\u{fffd}",
                "\\\u{fffd}"
            ]
        );
        Ok(())
    }
}
