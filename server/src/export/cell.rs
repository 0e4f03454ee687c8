//! One CSV cell: RFC 4180 quoting and a guard against spreadsheet formula injection.
//!
//! Excel, LibreOffice and Google Sheets evaluate a cell whose text starts with `=`, `+`,
//! `-` or `@` (and DDE payloads start with tab or CR), and some of them skip leading
//! blanks first — spaces, line feeds, no-break and zero-width spaces — or read the
//! full-width forms (`＝`, `＋`, `－`, `＠`) as the ASCII ones. A cell whose first
//! character that is not such a blank is one of those (or that starts with tab or CR) gets
//! a leading `'`, so it shows as text. A value that really started with one of those
//! characters therefore reads with a `'` in front in the CSV.

/// Appends one cell: formula-guarded, then quoted if it holds `,` `"` CR or LF.
pub fn push_cell(out: &mut String, cell: &str) {
    let guarded = needs_guard(cell);
    let needs_quotes = cell.contains([',', '"', '\r', '\n']);
    if needs_quotes {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    if needs_quotes {
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// Appends a row of cells and the CRLF line end.
pub fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet could read `cell` as a formula.
pub fn needs_guard(cell: &str) -> bool {
    for c in cell.chars() {
        if is_formula_start(c) {
            return true;
        }
        if !(c.is_whitespace() || is_invisible(c)) {
            return false;
        }
    }
    false
}

fn is_formula_start(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
    )
}

/// Zero-width characters spreadsheets may skip like blanks (not `char::is_whitespace`).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> String {
        let mut out = String::new();
        push_cell(&mut out, s);
        out
    }

    #[test]
    fn quoting() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn formula_guard() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("  plain"), "  plain");
        assert_eq!(cell(" \u{200B} "), " \u{200B} ");
    }

    #[test]
    fn formula_behind_blanks_and_full_width() {
        for hidden in [
            " =1+1",
            "   @SUM(A1)",
            "\n=1",
            "\u{A0}=1",
            "\u{200B}=1",
            "\u{FEFF}+1",
            " \u{200B}\u{A0} -1",
            "\u{3000}=1",
            "\u{FF1D}1+1",
            " \u{FF1D}1",
            "\u{FF20}SUM(A1)",
        ] {
            assert!(needs_guard(hidden), "{hidden:?}");
            assert!(
                cell(hidden).trim_start_matches('"').starts_with('\''),
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn rows_end_with_crlf() {
        let mut out = String::new();
        push_row(&mut out, ["a", "=b", "c,d"]);
        assert_eq!(out, "a,'=b,\"c,d\"\r\n");
    }
}
