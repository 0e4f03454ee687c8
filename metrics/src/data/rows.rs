//! Shared per-row checks of the readers: header lookup, dates, amounts,
//! "now" and the bad-row policy, so every format reports problems the same way.

use serde::{Deserialize, Serialize};

use super::csv::RecordView;
use super::date::{parse_auto, parse_timestamp, AutoDate, DateFormat, OffsetPolicy};
use super::date_column::{DateColumns, Lookahead};
use super::error::{excerpt, reject, BadRowPolicy, DataError, SkipReason, SkipReport};
use super::orders::parse_amount;

/// Options common to every reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReadOptions {
    /// Field delimiter (CSV readers); `b','` by default.
    pub delimiter: u8,
    /// Date format of the timestamp column.
    pub date_format: DateFormat,
    /// Whether explicit UTC offsets are applied or dropped.
    pub offsets: OffsetPolicy,
    /// Rows dated after this instant (seconds since the epoch) are "future dates".
    /// `None`: no check.
    pub now: Option<i64>,
    /// Fail on the first bad row or skip and count bad rows.
    pub bad_rows: BadRowPolicy,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: b',',
            date_format: DateFormat::Auto,
            offsets: OffsetPolicy::Utc,
            now: None,
            bad_rows: BadRowPolicy::Fail,
        }
    }
}

/// Finds `name` in the header: exact match first, then case-insensitive after trimming.
pub(crate) fn find_column(header: &[String], name: &str) -> Result<usize, DataError> {
    header
        .iter()
        .position(|h| h == name)
        .or_else(|| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        })
        .ok_or_else(|| DataError::MissingColumn {
            column: name.to_string(),
            available: excerpt(header.join(",").as_bytes()),
        })
}

/// The header record as strings.
pub(crate) fn header_names(rec: &RecordView<'_>) -> Vec<String> {
    (0..rec.len())
        .map(|i| String::from_utf8_lossy(rec.get(i)).trim().to_string())
        .collect()
}

/// Validates the fields of one row against the options, recording skips.
/// Each method returns `Ok(None)` when the row is to be dropped.
pub(crate) struct RowChecker<'a> {
    pub(crate) opts: &'a ReadOptions,
    pub(crate) report: SkipReport,
    pub(crate) header: Vec<String>,
    /// Day-first or month-first, per date column.
    pub(crate) dates: DateColumns<'a>,
}

impl<'a> RowChecker<'a> {
    /// A checker; with a `lookahead` (the whole input) it decides a date
    /// column's order before reading an ambiguous value, without one (a
    /// stream) as values come.
    pub(crate) fn with_lookahead(
        opts: &'a ReadOptions,
        header: Vec<String>,
        lookahead: Option<Lookahead<'a>>,
    ) -> Self {
        RowChecker {
            opts,
            report: SkipReport::default(),
            header,
            dates: DateColumns::new(lookahead),
        }
    }

    /// Checks what can only be checked at the end (a stream's date columns
    /// whose every slash date was ambiguous).
    pub(crate) fn finish(&self) -> Result<(), DataError> {
        self.dates
            .finish(|col| self.header.get(col).cloned().unwrap_or_default())
    }

    fn bad(
        &mut self,
        reason: SkipReason,
        line: u64,
        col: usize,
        value: &[u8],
        why: &str,
    ) -> Result<(), DataError> {
        let column = self.header.get(col).cloned().unwrap_or_default();
        reject(self.opts.bad_rows, &mut self.report, reason, line, || {
            DataError::BadValue {
                line,
                column,
                value: excerpt(value),
                reason: why.to_string(),
            }
        })
    }

    /// Checks the field count; `false` means the row was skipped.
    pub(crate) fn shape(&mut self, line: u64, rec: &RecordView<'_>) -> Result<bool, DataError> {
        if rec.len() == self.header.len() {
            return Ok(true);
        }
        let (expected, found) = (self.header.len(), rec.len());
        reject(
            self.opts.bad_rows,
            &mut self.report,
            SkipReason::Malformed,
            line,
            || DataError::FieldCount {
                line,
                expected,
                found,
            },
        )?;
        Ok(false)
    }

    /// A required, non-empty UTF-8 text field (trimmed).
    pub(crate) fn text<'r>(
        &mut self,
        line: u64,
        col: usize,
        raw: &'r [u8],
    ) -> Result<Option<&'r str>, DataError> {
        let t = raw.trim_ascii();
        if t.is_empty() {
            self.bad(SkipReason::MissingValue, line, col, raw, "empty value")?;
            return Ok(None);
        }
        match std::str::from_utf8(t) {
            Ok(s) => Ok(Some(s)),
            Err(_) => {
                self.bad(SkipReason::Malformed, line, col, raw, "not valid UTF-8")?;
                Ok(None)
            }
        }
    }

    /// A timestamp, checked against `now`. In the `Auto` format, slash
    /// dates are read in the order decided for the column.
    pub(crate) fn date(
        &mut self,
        line: u64,
        col: usize,
        raw: &[u8],
    ) -> Result<Option<i64>, DataError> {
        if raw.trim_ascii().is_empty() {
            self.bad(SkipReason::MissingValue, line, col, raw, "empty date")?;
            return Ok(None);
        }
        let offsets = self.opts.offsets;
        let parsed = match self.opts.date_format {
            DateFormat::Auto => match parse_auto(raw, offsets) {
                Ok(AutoDate::At(t)) => Ok(t),
                Ok(AutoDate::Slash(d)) => {
                    let name = self.header.get(col).cloned().unwrap_or_default();
                    self.dates
                        .resolve(line, col, &name, raw, d, offsets)?
                        .map_err(|why| format!("unparsable date: {why}"))
                }
                Err(e) => Err(format!("unparsable date ({e})")),
            },
            format => parse_timestamp(raw, format, offsets)
                .map_err(|e| format!("unparsable date ({e}; format {format:?})")),
        };
        match parsed {
            Ok(t) => match self.opts.now {
                Some(now) if t > now => {
                    self.bad(
                        SkipReason::FutureDate,
                        line,
                        col,
                        raw,
                        "date is in the future",
                    )?;
                    Ok(None)
                }
                _ => Ok(Some(t)),
            },
            Err(why) => {
                self.bad(SkipReason::BadDate, line, col, raw, &why)?;
                Ok(None)
            }
        }
    }

    /// A non-negative amount.
    pub(crate) fn amount(
        &mut self,
        line: u64,
        col: usize,
        raw: &[u8],
    ) -> Result<Option<f64>, DataError> {
        if raw.trim_ascii().is_empty() {
            self.bad(SkipReason::MissingValue, line, col, raw, "empty amount")?;
            return Ok(None);
        }
        match parse_amount(raw) {
            Some(a) if a >= 0.0 => Ok(Some(a)),
            Some(_) => {
                self.bad(
                    SkipReason::NegativeAmount,
                    line,
                    col,
                    raw,
                    "negative amount",
                )?;
                Ok(None)
            }
            None => {
                self.bad(SkipReason::BadAmount, line, col, raw, "not a number")?;
                Ok(None)
            }
        }
    }

    /// Records a duplicate order id (error or skip).
    pub(crate) fn duplicate(
        &mut self,
        line: u64,
        col: usize,
        value: &str,
        first_line: u64,
    ) -> Result<(), DataError> {
        let column = self.header.get(col).cloned().unwrap_or_default();
        reject(
            self.opts.bad_rows,
            &mut self.report,
            SkipReason::DuplicateOrderId,
            line,
            || DataError::DuplicateOrderId {
                line,
                column,
                value: value.to_string(),
                first_line,
            },
        )
    }
}
