//! The dashboard page's pure part: the charts as the metrics engine's Worker returns them
//! (`{charts: [{id, title, summary, svg, table}]}`), each chart's CSV (through [`crate::csv`],
//! formula injection neutralised), the progress line, and the allowlist the shell applies to
//! every element and attribute of a chart's SVG before it enters the page (the engine
//! escapes its texts; this is the second lock: no script, no event handler, no reference to
//! anything outside the document).

use serde::Deserialize;

use crate::csv::{Cell, Csv};

/// Every chart.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Dashboard {
    /// The charts, in page order.
    pub charts: Vec<Chart>,
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Chart {
    /// Stable id (`nps-over-time`, …).
    pub id: String,
    /// Title.
    pub title: String,
    /// The headline sentence.
    pub summary: String,
    /// The SVG document (checked by [`svg_element_allowed`] and [`svg_attribute_allowed`]
    /// before use).
    pub svg: String,
    /// The same numbers as a table.
    pub table: Table,
}

impl Chart {
    /// Whether the chart has anything to draw and tabulate: a row in its table.
    pub fn has_data(&self) -> bool {
        !self.table.rows.is_empty()
    }
}

/// A chart's table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Value>>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
    /// Nothing (shown empty).
    Null,
}

impl Value {
    /// As the table view shows it.
    pub fn display(&self) -> String {
        match self {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Value::Number(n) if n.abs() >= 100.0 => format!("{n:.2}"),
            Value::Number(n) => format!("{n:.4}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned(),
            Value::Text(t) => t.clone(),
            Value::Null => String::new(),
        }
    }
}

/// The chart's table as CSV: text cells neutralised and quoted, numbers written plainly.
pub fn csv(chart: &Chart) -> String {
    let header: Vec<&str> = chart.table.columns.iter().map(String::as_str).collect();
    let mut out = Csv::new(&header);
    for row in &chart.table.rows {
        let cells: Vec<Cell> = row
            .iter()
            .map(|v| match v {
                Value::Number(n) => Cell::Number(*n),
                Value::Text(t) => Cell::Text(t),
                Value::Null => Cell::Text(""),
            })
            .collect();
        out.row(&cells);
    }
    out.finish()
}

/// The download's file name: `rapport-<site>-<chart id>.csv`, letters, digits and `-` only.
pub fn csv_file_name(site: &str, id: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| match c.is_ascii_alphanumeric() {
                true => c,
                false => '-',
            })
            .collect()
    };
    format!("rapport-{}-{}.csv", clean(site), clean(id))
}

/// The progress line: `Computing: customers (3 of 6)`.
pub fn progress_text(step: &str, done: u32, total: u32) -> String {
    format!("Computing: {step} ({done} of {total})")
}

/// The SVG elements a chart may contain (what the engine's plot module writes).
pub const SVG_ELEMENTS: [&str; 8] = [
    "svg", "title", "rect", "line", "polyline", "circle", "text", "g",
];

/// Whether an SVG element may enter the page.
pub fn svg_element_allowed(name: &str) -> bool {
    SVG_ELEMENTS.contains(&name)
}

/// Whether an attribute may stay on an SVG element: no event handler (`on…`), no link
/// (`href`, `xlink:href`), no `style` (the console's CSP allows no inline style), and no
/// value that refers outside the document (`url(`, `javascript:`).
pub fn svg_attribute_allowed(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let value = value.to_ascii_lowercase();
    !(name.starts_with("on")
        || name.contains("href")
        || name == "style"
        || value.contains("url(")
        || value.contains("javascript:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        serde_json::from_str(
            r#"{"id": "top-customers", "title": "Top", "summary": "s", "svg": "<svg/>",
               "table": {"columns": ["customer", "clv", "note"],
                         "rows": [["=HYPERLINK(\"x\")", 12.5, null], ["ann", -3, "+1"]]}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_chart_without_rows_has_no_data() {
        assert!(chart().has_data());
        let mut empty = chart();
        empty.table.rows.clear();
        assert!(!empty.has_data());
    }

    #[test]
    fn csv_neutralises_text_cells_and_keeps_numbers() {
        let text = csv(&chart());
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], r#""customer","clv","note""#);
        assert_eq!(lines[1], r#""'=HYPERLINK(""x"")",12.5,"""#);
        assert_eq!(lines[2], r#""ann",-3,"'+1""#);
    }

    #[test]
    fn cells_display() {
        assert_eq!(Value::Number(3.0).display(), "3");
        assert_eq!(Value::Number(0.25).display(), "0.25");
        assert_eq!(Value::Number(1234.5678).display(), "1234.57");
        assert_eq!(Value::Number(0.123456).display(), "0.1235");
        assert_eq!(Value::Text("<b>".into()).display(), "<b>");
        assert_eq!(Value::Null.display(), "");
    }

    #[test]
    fn file_names_and_progress() {
        assert_eq!(csv_file_name("demo", "at-risk"), "rapport-demo-at-risk.csv");
        assert_eq!(csv_file_name("../x", "a b"), "rapport----x-a-b.csv");
        assert_eq!(progress_text("models", 2, 6), "Computing: models (2 of 6)");
    }

    #[test]
    fn svg_allowlist() {
        for ok in ["svg", "text", "polyline", "title"] {
            assert!(svg_element_allowed(ok));
        }
        for bad in [
            "script",
            "foreignObject",
            "image",
            "a",
            "use",
            "style",
            "iframe",
        ] {
            assert!(!svg_element_allowed(bad), "{bad}");
        }
        assert!(svg_attribute_allowed("viewBox", "0 0 10 10"));
        assert!(svg_attribute_allowed("fill", "#0f766e"));
        for (n, v) in [
            ("onload", "x()"),
            ("ONCLICK", "x"),
            ("href", "#a"),
            ("xlink:href", "http://x"),
            ("style", "color:red"),
            ("fill", "url(http://x/#g)"),
            ("values", "JavaScript:alert(1)"),
        ] {
            assert!(!svg_attribute_allowed(n, v), "{n}={v}");
        }
    }
}
