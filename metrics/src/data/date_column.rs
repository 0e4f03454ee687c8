//! Day-first or month-first: decided once for a whole date column.
//!
//! With [`DateFormat::Auto`](super::DateFormat) a slash date such as
//! `03/04/2024` is 3 April or 4 March depending on the export's locale, and
//! reading each value on its own would silently mix the two. Instead the
//! first value that can only be one way (`25/04/2024`: day-first;
//! `04/25/2024`: month-first) decides the column, every value is read that
//! way, and a value the other way is a bad row. A column in which every value
//! could be either is an error asking for the format.
//!
//! When the whole input is in memory the decision is made before the first
//! ambiguous value is used, by looking ahead in the column ([`Lookahead`]).
//! A stream cannot look ahead: ambiguous values are read month-first until a
//! value decides, and if it decides day-first after ambiguous values were
//! read, the read stops with [`DataError::DateOrder`].

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use super::csv::{scan_records, Source};
use super::date::{parse_auto, AutoDate, OffsetPolicy, SlashDate};
use super::error::{excerpt, DataError};

/// Where the whole input is, so that a column can be looked ahead in.
#[derive(Clone, Copy)]
pub(crate) struct Lookahead<'a> {
    /// The input, header included.
    pub input: &'a [u8],
    /// Field delimiter.
    pub delimiter: u8,
}

impl<'a> Lookahead<'a> {
    /// The whole input when `source` is one slice; `None` for a stream.
    pub(crate) fn of(source: &Source<'a>, delimiter: u8) -> Option<Self> {
        match source {
            Source::Slice(input) => Some(Lookahead { input, delimiter }),
            Source::Reader(_) => None,
        }
    }
}

/// The decision for one column: the order and the value that decided it.
#[derive(Debug, Clone)]
struct Decided {
    day_first: bool,
    line: u64,
    value: String,
}

#[derive(Debug, Default)]
struct Column {
    decided: Option<Decided>,
    /// The first ambiguous value read before a decision (streams only).
    early_ambiguous: Option<(u64, String)>,
}

/// The per-column decisions of one read.
#[derive(Default)]
pub(crate) struct DateColumns<'a> {
    columns: BTreeMap<usize, Column>,
    lookahead: Option<Lookahead<'a>>,
}

impl<'a> DateColumns<'a> {
    pub(crate) fn new(lookahead: Option<Lookahead<'a>>) -> Self {
        DateColumns {
            columns: BTreeMap::new(),
            lookahead,
        }
    }

    /// Whether column `col` is known to be day-first (`Some(true)`) or
    /// month-first (`Some(false)`).
    pub(crate) fn order(&self, col: usize) -> Option<bool> {
        self.columns
            .get(&col)
            .and_then(|c| c.decided.as_ref())
            .map(|d| d.day_first)
    }

    /// Reads a slash date at `line` of column `col` (named `name`), deciding
    /// the column if needed. `Ok(Err(why))` is a value that cannot be read in
    /// the column's order (a bad row); `Err` stops the read.
    pub(crate) fn resolve(
        &mut self,
        line: u64,
        col: usize,
        name: &str,
        raw: &[u8],
        date: SlashDate,
        offsets: OffsetPolicy,
    ) -> Result<Result<i64, String>, DataError> {
        let lookahead = self.lookahead;
        let column = self.columns.entry(col).or_default();
        if column.decided.is_none() {
            match date.evidence() {
                Some(day_first) => {
                    if let (true, Some((early, value))) = (day_first, &column.early_ambiguous) {
                        return Err(DataError::DateOrder {
                            column: name.to_string(),
                            early_line: *early,
                            early_value: value.clone(),
                            line,
                            value: excerpt(raw),
                        });
                    }
                    column.decided = Some(Decided {
                        day_first,
                        line,
                        value: excerpt(raw),
                    });
                }
                None => match lookahead {
                    Some(ahead) => {
                        column.decided = Some(look_ahead(ahead, col, name, line, raw, offsets)?);
                    }
                    None => {
                        if column.early_ambiguous.is_none() {
                            column.early_ambiguous = Some((line, excerpt(raw)));
                        }
                        // Provisional: a later day-first value stops the read.
                        return Ok(date.resolve(false).map_err(|e| e.to_string()));
                    }
                },
            }
        }
        let Some(d) = &column.decided else {
            return Ok(Err("undecided date order".into()));
        };
        match (date.evidence(), date.resolve(d.day_first)) {
            (Some(other), _) if other != d.day_first => Ok(Err(format!(
                "a {} date in a {} column (decided by line {}: {:?})",
                order_name(other),
                order_name(d.day_first),
                d.line,
                d.value
            ))),
            (_, Ok(t)) => Ok(Ok(t)),
            (_, Err(e)) => Ok(Err(format!(
                "{e} (read {}, as decided by line {}: {:?})",
                order_name(d.day_first),
                d.line,
                d.value
            ))),
        }
    }

    /// At the end of a stream: a column whose every slash date was ambiguous.
    pub(crate) fn finish(&self, name: impl Fn(usize) -> String) -> Result<(), DataError> {
        for (&col, c) in &self.columns {
            if let (None, Some((line, value))) = (&c.decided, &c.early_ambiguous) {
                return Err(DataError::AmbiguousDates {
                    column: name(col),
                    line: *line,
                    value: value.clone(),
                });
            }
        }
        Ok(())
    }
}

fn order_name(day_first: bool) -> &'static str {
    if day_first {
        "day-first"
    } else {
        "month-first"
    }
}

/// Finds the first slash date of column `col` that decides the order.
fn look_ahead(
    ahead: Lookahead<'_>,
    col: usize,
    name: &str,
    line: u64,
    raw: &[u8],
    offsets: OffsetPolicy,
) -> Result<Decided, DataError> {
    let mut found = None;
    let mut header = true;
    scan_records(ahead.input, ahead.delimiter, |at, rec| {
        if std::mem::take(&mut header) {
            return ControlFlow::Continue(());
        }
        let value = rec.get(col);
        if let Ok(AutoDate::Slash(d)) = parse_auto(value, offsets) {
            if let Some(day_first) = d.evidence() {
                found = Some(Decided {
                    day_first,
                    line: at,
                    value: excerpt(value),
                });
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    })?;
    found.ok_or_else(|| DataError::AmbiguousDates {
        column: name.to_string(),
        line,
        value: excerpt(raw),
    })
}
