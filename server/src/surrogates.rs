//! Lone UTF-16 surrogate escapes in JSON text (`"\ud800"`).
//!
//! Browsers' `JSON.stringify` writes a lone surrogate as a `\udXXX` escape, which is valid
//! JSON text but not a Unicode scalar value, so serde_json refuses to decode it into a
//! `String`. The collector keeps the delivered `answers`/`traits` JSON text verbatim (escape
//! included) and validates a copy in which every lone surrogate escape reads `\ufffd`
//! (U+FFFD REPLACEMENT CHARACTER). Scalar fields (`id`, `url`, …) are therefore stored
//! with U+FFFD in place of a lone surrogate.

use std::borrow::Cow;

/// Returns `text` with each lone surrogate escape replaced by `\ufffd`; borrowed when
/// there was none. Escaped backslashes (`\\ud800`) are not escapes and stay untouched.
pub fn replace_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already copied into `out`
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) != Some(&b'u') {
            i += 2; // some other escape: skip both characters
            continue;
        }
        let Some(unit) = hex4(bytes, i + 2) else {
            i += 2;
            continue;
        };
        let is_high = (0xD800..0xDC00).contains(&unit);
        let is_low = (0xDC00..0xE000).contains(&unit);
        if is_high {
            let next_is_low = bytes.get(i + 6) == Some(&b'\\')
                && bytes.get(i + 7) == Some(&b'u')
                && hex4(bytes, i + 8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
            if next_is_low {
                i += 12; // a proper pair
                continue;
            }
        }
        if is_high || is_low {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(&text[copied..i]);
            buf.push_str("\\ufffd");
            copied = i + 6;
        }
        i += 6;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
    }
}

fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = bytes.get(at..at + 4)?;
    let s = std::str::from_utf8(digits).ok()?;
    u16::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_without_lone_surrogates() {
        for s in [
            r#"{"a":"plain"}"#,
            r#"{"a":"\ud83d\ude00 pair"}"#,
            r#"{"a":"\\ud800 escaped backslash"}"#,
            r#"{"a":"\u0000\u202e\n"}"#,
        ] {
            assert!(
                matches!(replace_lone_surrogates(s), Cow::Borrowed(_)),
                "{s}"
            );
        }
    }

    #[test]
    fn replaces_lone_high_and_low() {
        let s = r#"["a\ud800b", "\udc00", "\ud800\ud800\udc00", "x\uDBFF"]"#;
        let fixed = replace_lone_surrogates(s);
        assert_eq!(
            fixed,
            r#"["a\ufffdb", "\ufffd", "\ufffd\ud800\udc00", "x\ufffd"]"#
        );
        let v: Vec<String> = serde_json::from_str(&fixed).expect("valid after replacement");
        assert_eq!(v[0], "a\u{fffd}b");
        assert_eq!(v[2], "\u{fffd}\u{10000}");
    }

    #[test]
    fn serde_json_rejects_lone_surrogates_itself() {
        // The reason this module exists.
        assert!(serde_json::from_str::<String>(r#""\ud800""#).is_err());
    }
}
