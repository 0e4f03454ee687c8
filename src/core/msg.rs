//! Building message text without `core::fmt`: decimal integers and concatenation.
//!
//! The shipped wasm must not pull in Rust's formatting machinery, so no non-test code path
//! may use `format!`, `write!`, `to_string()` on numbers or `{:?}`. Messages are built with
//! these helpers instead; they are non-generic so the wasm carries one copy of each.
//!
//! ```
//! use rapport::core::msg::{cat, int, uint};
//! assert_eq!(cat(&["is ", &uint(42), " characters; the limit is ", &int(-7)]),
//!            "is 42 characters; the limit is -7");
//! ```

use crate::prelude::*;

/// Appends `n` in decimal, left-padded with zeros to at least `width` digits.
pub fn push_uint_padded(out: &mut String, n: u64, width: usize) {
    // The leading digits (and padding) first, by recursion: no digit buffer, hence no
    // indexing and no bounds-check panic (whose message formats integers) in the wasm. The
    // depth is the number of digits written, at most 20 or `width`.
    if n >= 10 || width > 1 {
        push_uint_padded(out, n / 10, width.saturating_sub(1));
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends `n` in decimal.
pub fn push_uint(out: &mut String, n: u64) {
    push_uint_padded(out, n, 0);
}

/// Appends `n` in decimal, with a leading `-` when negative.
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_uint(out, n.unsigned_abs());
}

/// `n` in decimal.
pub fn uint(n: u64) -> String {
    let mut s = String::new();
    push_uint(&mut s, n);
    s
}

/// `n` in decimal, with a leading `-` when negative.
pub fn int(n: i64) -> String {
    let mut s = String::new();
    push_int(&mut s, n);
    s
}

/// The parts concatenated: `cat(&["a", &b, "c"])` instead of `format!("a{b}c")`.
pub fn cat(parts: &[&str]) -> String {
    // No capacity computed up front: smaller code, and messages are short.
    let mut s = String::new();
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `template` with its first `{}` replaced by `a` and the second by `b`: message text with
/// at most two values in it, from one call with plain arguments.
pub fn subst(template: &str, a: &str, b: &str) -> String {
    subst_marks(template, 0, a, b)
}

/// [`subst`] with placeholders of `inner` bytes between the braces (`{}` is 0, `{n}` 1):
/// the first placeholder becomes `a`, the second `b`, any further one nothing.
pub(crate) fn subst_marks(template: &str, inner: usize, a: &str, b: &str) -> String {
    let mut out = String::with_capacity(template.len() + a.len() + b.len());
    // An index loop over the bytes (`{` and `}` are ASCII, and so are the placeholders'
    // inner bytes in every template: the offsets found are char boundaries); `next` is the
    // value for the next placeholder, then `b`, then nothing.
    let bytes = template.as_bytes();
    let (mut next, mut then) = (a, b);
    let (mut start, mut i) = (0, 0);
    while let Some(&c) = bytes.get(i) {
        if c == b'{' && bytes.get(i + 1 + inner) == Some(&b'}') {
            out.push_str(template.get(start..i).unwrap_or(""));
            out.push_str(next);
            (next, then) = (then, "");
            i += 2 + inner;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(template.get(start..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned() {
        for n in [0, 1, 9, 10, 11, 99, 100, 1_000_000, u64::MAX - 1, u64::MAX] {
            assert_eq!(uint(n), n.to_string());
        }
        assert_eq!(uint(u64::MAX), "18446744073709551615");
    }

    #[test]
    fn signed() {
        for n in [
            0,
            1,
            -1,
            9,
            -9,
            10,
            -10,
            12_345,
            -12_345,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            assert_eq!(int(n), n.to_string());
        }
        assert_eq!(int(i64::MIN), "-9223372036854775808");
    }

    #[test]
    fn padded() {
        let p = |n, w| {
            let mut s = String::from(">");
            push_uint_padded(&mut s, n, w);
            s
        };
        assert_eq!(p(0, 0), ">0");
        assert_eq!(p(0, 3), ">000");
        assert_eq!(p(7, 2), ">07");
        assert_eq!(p(250, 3), ">250");
        assert_eq!(p(1994, 4), ">1994");
        assert_eq!(p(12_345, 4), ">12345");
        assert_eq!(p(5, 9), ">000000005");
        assert_eq!(p(u64::MAX, 25), ">0000018446744073709551615");
        for (n, w) in [(0u64, 4usize), (42, 9), (123_456_789, 9), (9, 1)] {
            assert_eq!(p(n, w), format!(">{n:0w$}"));
        }
    }

    #[test]
    fn appends_and_concatenates() {
        let mut s = String::from("x=");
        push_int(&mut s, -3);
        push_uint(&mut s, 10);
        assert_eq!(s, "x=-310");
        assert_eq!(cat(&[]), "");
        assert_eq!(cat(&["a", "", &String::from("bc"), "d"]), "abcd");
        assert_eq!(subst("`{}` is not `{}`", "x", "y{}"), "`x` is not `y{}`");
        assert_eq!(subst("{ } {\"a\"} {}", "", ""), "{ } {\"a\"} ");
        assert_eq!(subst("no values", "x", "y"), "no values");
    }
}
