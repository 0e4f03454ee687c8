//! Byte-level search helpers. `str::find(&str)`, `contains(&str)` and `split(&str)` pull the
//! two-way substring searcher into the wasm, and `&s[a..b]` the panicking slice-error path
//! (with `core::fmt` behind it); the core uses these instead.

/// Byte offset of the first occurrence of `needle` in `hay` (ASCII case folded when
/// `fold_case`). A match of a UTF-8 needle in UTF-8 text always starts on a char boundary.
pub(crate) fn find(hay: &str, needle: &str, fold_case: bool) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let mut i = 0;
    while i + n.len() <= h.len() {
        // One comparison loop for both cases (rather than `==` and `eq_ignore_ascii_case`);
        // index loops, not iterator adaptors: smaller in the wasm.
        let mut j = 0;
        while let (Some(a), Some(b)) = (h.get(i + j), n.get(j)) {
            if !(a == b || (fold_case && a.eq_ignore_ascii_case(b))) {
                break;
            }
            j += 1;
        }
        if j == n.len() {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `b` has the layout of `template`: `d` a digit, `x` a lowercase hex digit, `_` any
/// byte, anything else itself (dates, UUIDs).
pub(crate) fn fits(b: &[u8], template: &[u8]) -> bool {
    if b.len() != template.len() {
        return false;
    }
    // An index loop, not `zip` and `all`: smaller in the wasm.
    let mut i = 0;
    while let (Some(&c), Some(&t)) = (b.get(i), template.get(i)) {
        let fits = match t {
            b'd' => c.is_ascii_digit(),
            b'x' => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
            b'_' => true,
            _ => c == t,
        };
        if !fits {
            return false;
        }
        i += 1;
    }
    true
}

/// Characters (Unicode scalar values) in `s`, like `s.chars().count()` without its large
/// vectorised counter: every byte but a UTF-8 continuation byte starts a character.
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_like_str_find() {
        for (h, n) in [
            ("", ""),
            ("abc", ""),
            ("", "a"),
            ("abc", "c"),
            ("abcabc", "ca"),
            ("ab", "abc"),
            ("héllo://x", "://"),
        ] {
            assert_eq!(find(h, n, false), h.find(n), "{h:?} {n:?}");
        }
        assert_eq!(find("RED URL(x)", "url(", true), Some(4));
        assert_eq!(find("RED URL(x)", "url(", false), None);
    }

    #[test]
    fn counts_chars_and_renders_paths() {
        for s in ["", "abc", "é😀x", "\u{10FFFF}\u{7f}"] {
            assert_eq!(char_count(s), s.chars().count());
        }
        use crate::core::json::Path;
        let root = Path::Root("surveys");
        let item = root.index(3);
        assert_eq!(item.key("id").render(), "surveys[3].id");
        assert_eq!(Path::Root("").key("site").render(), "site");
    }
}
