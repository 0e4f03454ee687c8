//! The collector's CSV formula guard, undone.
//!
//! The collector's CSV export puts a `'` in front of a cell whose first character that is
//! not blank (whitespace, or a zero-width space a spreadsheet skips) is `=`, `+`, `-`, `@`
//! or their full-width forms, or that starts with tab or CR, so that a spreadsheet shows it
//! as text. An NPS of `-0` is exported as `'-0`, a response id `-a` as `'-a`. Reading the
//! export, such a `'` is dropped again so a cell reads as its JSON twin.
//!
//! The guard is lossy: a value that really was `'` followed by a guarded start (`'=x`) is
//! exported as it is and reads here as `=x`.

/// `cell` without the collector's guard `'`, when it carries one.
pub(crate) fn unguard(cell: &[u8]) -> &[u8] {
    match cell.split_first() {
        Some((b'\'', rest)) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// Whether the collector would guard `cell` (a text it could not decode is not guarded).
fn needs_guard(cell: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(cell) else {
        return false;
    };
    for c in text.chars() {
        if matches!(
            c,
            '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
        ) {
            return true;
        }
        let invisible = matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
        );
        if !(c.is_whitespace() || invisible) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_cells_lose_the_quote() {
        for (cell, read) in [
            (&b"'-0"[..], &b"-0"[..]),
            (b"'=SUM(A1)", b"=SUM(A1)"),
            (b"' \xE2\x80\x8B+1", b" \xE2\x80\x8B+1"),
            ("'＝x".as_bytes(), "＝x".as_bytes()),
            (b"'\tx", b"\tx"),
        ] {
            assert_eq!(unguard(cell), read);
        }
    }

    #[test]
    fn other_cells_stay() {
        for cell in [&b"'quoted'"[..], b"'", b"'  ", b"9", b"-0", b"", b"'\xFF="] {
            assert_eq!(unguard(cell), cell);
        }
    }
}
