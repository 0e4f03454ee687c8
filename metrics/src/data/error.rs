//! The ingestion error type and the report of rows skipped on purpose.

use std::collections::BTreeMap;

use serde::Serialize;

/// Everything that can go wrong while reading orders, events or feedback.
///
/// Line numbers are 1-based physical lines of the input (the header is line 1),
/// so they can be looked up in an editor; a quoted field spanning lines makes
/// the next record start further down.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The input could not be read.
    #[error("read error: {0}")]
    Io(String),
    /// The input holds no header line.
    #[error("input is empty: no header row")]
    Empty,
    /// A mapped column is not in the header.
    #[error("column {column:?} not found in the header (columns: {available})")]
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The header's columns, comma-separated.
        available: String,
    },
    /// The CSV structure is broken (unterminated quote, stray character after a quote).
    #[error("line {line}: malformed CSV: {message}")]
    Malformed {
        /// Line where the record starts.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A record has a different number of fields than the header.
    #[error("line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// Line where the record starts.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in this record.
        found: usize,
    },
    /// A value could not be used.
    #[error("line {line}, column {column:?}: {reason}: {value:?}")]
    BadValue {
        /// Line where the record starts.
        line: u64,
        /// Column name.
        column: String,
        /// The offending text (truncated to 80 characters).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// An order id appears again in a later, separate order.
    #[error("line {line}, column {column:?}: duplicate order id {value:?} (first seen on line {first_line})")]
    DuplicateOrderId {
        /// Line of the repeat.
        line: u64,
        /// Column name.
        column: String,
        /// The order id.
        value: String,
        /// Line where it first appeared.
        first_line: u64,
    },
    /// Every slash date of a column reads both day-first and month-first.
    #[error("column {column:?}: every date is ambiguous, e.g. {value:?} on line {line} could be day-first or month-first; set the date format (dd/mm/yyyy or mm/dd/yyyy)")]
    AmbiguousDates {
        /// Column name.
        column: String,
        /// Line of the first ambiguous value.
        line: u64,
        /// That value.
        value: String,
    },
    /// In a stream, ambiguous dates were read month-first before a value
    /// showed that the column is day-first.
    #[error("column {column:?}: line {line} ({value:?}) is day-first, but {early_value:?} on line {early_line} was already read month-first; set the date format (dd/mm/yyyy)")]
    DateOrder {
        /// Column name.
        column: String,
        /// Line of the first ambiguous value.
        early_line: u64,
        /// That value.
        early_value: String,
        /// Line of the deciding value.
        line: u64,
        /// The deciding value.
        value: String,
    },
    /// The input is not delimited text (binary, a spreadsheet, an archive).
    #[error("the input is not a CSV text file{kind}: it starts with {start}")]
    NotText {
        /// What it looks like, e.g. " (it looks like a ZIP archive or an .xlsx workbook)".
        kind: String,
        /// Its first bytes, quoted and escaped.
        start: String,
    },
    /// In-memory columns are inconsistent (different lengths, index out of range, bad value).
    #[error("invalid columns: {0}")]
    Columns(String),
    /// A JSON document could not be read.
    #[error("invalid JSON: {0}")]
    Json(String),
}

impl From<std::io::Error> for DataError {
    fn from(e: std::io::Error) -> Self {
        DataError::Io(e.to_string())
    }
}

/// Cuts a value for an error message so a huge field cannot flood stderr.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.into_owned(),
    }
}

/// What to do with a row that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BadRowPolicy {
    /// Stop with a [`DataError`] naming the row and column.
    #[default]
    Fail,
    /// Leave the row out and count it in the [`SkipReport`].
    Skip,
}

/// Why a row was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Wrong field count or broken quoting.
    Malformed,
    /// Required value empty (customer, date or amount).
    MissingValue,
    /// Date not parsable.
    BadDate,
    /// Date after the configured "now".
    FutureDate,
    /// Amount not a number.
    BadAmount,
    /// Amount below zero.
    NegativeAmount,
    /// Order id already used by an earlier, separate order (Shopify exports).
    DuplicateOrderId,
    /// A row equal in every column to an earlier row of the same order.
    DuplicateRow,
    /// An order line whose customer or day differs from its order's first line.
    ConflictingOrder,
    /// Refunded, voided or cancelled order (not an error: excluded by policy).
    ExcludedStatus,
    /// Row of a format that this reader ignores (e.g. a feedback answer that is not a number).
    Ignored,
}

/// How many rows of one kind were left out, and where the first few are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SkipCount {
    /// Rows left out for this reason.
    pub count: u64,
    /// The first (up to 5) lines concerned.
    pub first_lines: Vec<u64>,
}

/// Rows read and rows left out, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SkipReport {
    /// Data records read (header and blank lines excluded).
    pub rows_read: u64,
    /// Rows left out, by reason.
    pub skipped: BTreeMap<SkipReason, SkipCount>,
    /// Order lines added into an earlier line's order (line-item exports).
    pub merged_lines: u64,
}

impl SkipReport {
    /// Counts one row left out at `line`.
    pub fn record(&mut self, reason: SkipReason, line: u64) {
        let entry = self.skipped.entry(reason).or_default();
        entry.count += 1;
        if entry.first_lines.len() < 5 {
            entry.first_lines.push(line);
        }
    }

    /// Rows left out for `reason`.
    pub fn count(&self, reason: SkipReason) -> u64 {
        self.skipped.get(&reason).map_or(0, |c| c.count)
    }

    /// Rows left out for any reason.
    pub fn total(&self) -> u64 {
        self.skipped.values().map(|c| c.count).sum()
    }
}

/// Data read from an input together with what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// The data.
    pub data: T,
    /// Rows left out and why.
    pub report: SkipReport,
}

/// Applies a [`BadRowPolicy`]: under `Skip` counts the row and returns `Ok(())`
/// (the caller then drops the row), under `Fail` returns the error.
pub(crate) fn reject(
    policy: BadRowPolicy,
    report: &mut SkipReport,
    reason: SkipReason,
    line: u64,
    error: impl FnOnce() -> DataError,
) -> Result<(), DataError> {
    match policy {
        BadRowPolicy::Skip => {
            report.record(reason, line);
            Ok(())
        }
        BadRowPolicy::Fail => Err(error()),
    }
}
