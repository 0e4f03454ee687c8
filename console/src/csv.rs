//! CSV text for downloads (RFC 4180: comma separated, CRLF line ends), with formula
//! injection neutralised: a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return as a formula, so such a cell gets a leading `'` (OWASP's
//! advice), and every cell is quoted, its quotes doubled. Shopper text goes into exports:
//! it must open as text.

/// The characters that make a spreadsheet read a cell as a formula.
pub const DANGEROUS_FIRST: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` made safe to open in a spreadsheet: prefixed with `'` when it starts with one of
/// [`DANGEROUS_FIRST`]. Numbers the console writes itself go through [`number`] instead.
pub fn neutralise(cell: &str) -> String {
    match cell.starts_with(DANGEROUS_FIRST) {
        true => format!("'{cell}"),
        false => cell.to_owned(),
    }
}

/// A number the console computed (never shopper text): written as it is, so `-3` stays a
/// number in the spreadsheet.
pub fn number(value: f64) -> String {
    match value.is_finite() {
        true => format!("{value}"),
        false => String::new(),
    }
}

/// One CSV file being built: a header, then rows.
#[derive(Debug, Clone, Default)]
pub struct Csv {
    text: String,
}

/// One cell: text from anywhere (neutralised and quoted) or a number the console computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text: neutralised, quoted.
    Text(&'a str),
    /// A number: written plainly (empty when not finite).
    Number(f64),
}

impl Csv {
    /// A file whose first line is `header` (text cells).
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv::default();
        let cells: Vec<Cell> = header.iter().map(|h| Cell::Text(h)).collect();
        csv.row(&cells);
        csv
    }

    /// Appends one line.
    pub fn row(&mut self, cells: &[Cell]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            match cell {
                Cell::Text(text) => {
                    self.text.push('"');
                    self.text.push_str(&neutralise(text).replace('"', "\"\""));
                    self.text.push('"');
                }
                Cell::Number(n) => self.text.push_str(&number(*n)),
            }
        }
        self.text.push_str("\r\n");
    }

    /// The file's text.
    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quotes_and_neutralises() {
        let mut csv = Csv::new(&["text", "score"]);
        csv.row(&[Cell::Text("=HYPERLINK(\"x\")"), Cell::Number(-3.0)]);
        csv.row(&[Cell::Text("fine, \"thanks\""), Cell::Number(f64::NAN)]);
        assert_eq!(
            csv.finish(),
            "\"text\",\"score\"\r\n\"'=HYPERLINK(\"\"x\"\")\",-3\r\n\"fine, \"\"thanks\"\"\",\r\n"
        );
    }

    #[test]
    fn every_dangerous_start_is_prefixed() {
        for c in DANGEROUS_FIRST {
            let cell = format!("{c}1+1");
            assert_eq!(neutralise(&cell), format!("'{cell}"));
        }
        assert_eq!(neutralise("1+1"), "1+1");
        assert_eq!(neutralise(""), "");
    }

    proptest! {
        #[test]
        fn a_neutralised_cell_never_starts_dangerously(cell in "\\PC*|[=+\\-@\t\r].*") {
            let out = neutralise(&cell);
            prop_assert!(!out.starts_with(DANGEROUS_FIRST));
            // Nothing is lost: the cell is the original, maybe behind one `'`.
            let prefixed = format!("'{}", cell);
            prop_assert!(out == cell || out == prefixed);
        }

        #[test]
        fn a_quoted_text_cell_reads_back(cell in "\\PC*") {
            let mut csv = Csv::default();
            csv.row(&[Cell::Text(&cell)]);
            let text = csv.finish();
            let inner = text.strip_suffix("\r\n").and_then(|t| t.strip_prefix('"')).and_then(|t| t.strip_suffix('"'));
            prop_assert_eq!(inner.map(|t| t.replace("\"\"", "\"")), Some(neutralise(&cell)));
        }
    }
}
