//! Generic orders CSV: one row per order, columns chosen by name.

use std::io::Read;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::csv::{for_each_record, Source};
use super::error::{DataError, Parsed, SkipReason};
use super::orders::{Orders, OrdersBuilder};
use super::rows::{find_column, header_names, ReadOptions, RowChecker};

/// Which header columns hold what (matched exactly, then case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderColumns {
    /// Customer id column.
    pub customer: String,
    /// Order date/time column.
    pub timestamp: String,
    /// Order amount column.
    pub amount: String,
    /// Optional order id column: a repeated id is a duplicate order.
    #[serde(default)]
    pub order_id: Option<String>,
    /// Optional status column: rows whose status is in
    /// [`OrdersCsvOptions::excluded_statuses`] are left out (counted as `excluded_status`).
    #[serde(default)]
    pub status: Option<String>,
}

impl Default for OrderColumns {
    fn default() -> Self {
        OrderColumns {
            customer: "customer_id".into(),
            timestamp: "date".into(),
            amount: "amount".into(),
            order_id: None,
            status: None,
        }
    }
}

/// Options of [`parse_orders_csv`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrdersCsvOptions {
    /// Column mapping.
    pub columns: OrderColumns,
    /// Date format, "now", delimiter and bad-row policy.
    pub read: ReadOptions,
    /// Statuses (case-insensitive) whose orders are excluded.
    pub excluded_statuses: Vec<String>,
}

impl Default for OrdersCsvOptions {
    fn default() -> Self {
        OrdersCsvOptions {
            columns: OrderColumns::default(),
            read: ReadOptions::default(),
            excluded_statuses: default_excluded_statuses(),
        }
    }
}

/// `refunded`, `voided`, `cancelled`, `canceled`.
pub fn default_excluded_statuses() -> Vec<String> {
    ["refunded", "voided", "cancelled", "canceled"]
        .map(String::from)
        .to_vec()
}

/// Reads a generic orders CSV held in memory.
///
/// ```
/// use rapport_metrics::data::{parse_orders_csv, OrdersCsvOptions};
/// let csv = b"customer_id,date,amount\nann,2024-01-05,10.50\nbob,2024-01-06,0\n";
/// let parsed = parse_orders_csv(csv, &OrdersCsvOptions::default()).unwrap();
/// assert_eq!(parsed.data.len(), 2);
/// assert_eq!(parsed.report.total(), 0);
/// ```
pub fn parse_orders_csv(
    input: &[u8],
    opts: &OrdersCsvOptions,
) -> Result<Parsed<Orders>, DataError> {
    read_generic(Source::Slice(input), opts, input.len() / 32)
}

/// Reads a generic orders CSV from a stream (constant memory besides the result).
pub fn read_orders_csv(
    mut reader: impl Read,
    opts: &OrdersCsvOptions,
) -> Result<Parsed<Orders>, DataError> {
    read_generic(Source::Reader(&mut reader), opts, 0)
}

struct Cols {
    customer: usize,
    timestamp: usize,
    amount: usize,
    order_id: Option<usize>,
    status: Option<usize>,
}

fn read_generic(
    source: Source<'_>,
    opts: &OrdersCsvOptions,
    capacity_hint: usize,
) -> Result<Parsed<Orders>, DataError> {
    let mut builder = OrdersBuilder::with_capacity(capacity_hint);
    let mut checker: Option<(RowChecker<'_>, Cols)> = None;
    let mut seen_ids: FxHashMap<Box<str>, u64> = FxHashMap::default();
    let excluded: Vec<String> = opts
        .excluded_statuses
        .iter()
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    for_each_record(source, opts.read.delimiter, |line, rec| {
        let Some((ck, cols)) = checker.as_mut() else {
            let header = header_names(rec);
            let c = &opts.columns;
            let cols = Cols {
                customer: find_column(&header, &c.customer)?,
                timestamp: find_column(&header, &c.timestamp)?,
                amount: find_column(&header, &c.amount)?,
                order_id: c
                    .order_id
                    .as_deref()
                    .map(|n| find_column(&header, n))
                    .transpose()?,
                status: c
                    .status
                    .as_deref()
                    .map(|n| find_column(&header, n))
                    .transpose()?,
            };
            checker = Some((RowChecker::new(&opts.read, header), cols));
            return Ok(());
        };
        if rec.is_blank() {
            return Ok(());
        }
        ck.report.rows_read += 1;
        if !ck.shape(line, rec)? {
            return Ok(());
        }
        if let Some(s) = cols.status {
            let status = rec.get(s).trim_ascii();
            if excluded
                .iter()
                .any(|e| status.eq_ignore_ascii_case(e.as_bytes()))
            {
                ck.report.record(SkipReason::ExcludedStatus, line);
                return Ok(());
            }
        }
        let Some(customer) = ck.text(line, cols.customer, rec.get(cols.customer))? else {
            return Ok(());
        };
        let Some(t) = ck.date(line, cols.timestamp, rec.get(cols.timestamp))? else {
            return Ok(());
        };
        let Some(amount) = ck.amount(line, cols.amount, rec.get(cols.amount))? else {
            return Ok(());
        };
        if let Some(oc) = cols.order_id {
            let Some(id) = ck.text(line, oc, rec.get(oc))? else {
                return Ok(());
            };
            if let Some(&first) = seen_ids.get(id) {
                ck.duplicate(line, oc, id, first)?;
                return Ok(());
            }
            seen_ids.insert(id.into(), line);
        }
        builder.push(customer, t, amount)?;
        Ok(())
    })?;
    let Some((ck, _)) = checker else {
        return Err(DataError::Empty);
    };
    Ok(Parsed {
        data: builder.finish(),
        report: ck.report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::BadRowPolicy;

    fn opts() -> OrdersCsvOptions {
        OrdersCsvOptions {
            columns: OrderColumns {
                customer: "Customer".into(),
                timestamp: "When".into(),
                amount: "Total".into(),
                order_id: Some("Order".into()),
                status: Some("Status".into()),
            },
            ..Default::default()
        }
    }

    const BAD: &str = "Order,Customer,When,Total,Status\n\
        1,ann,2024-01-01,10,paid\n\
        2,bob,2024-01-02,-3,paid\n\
        3,cat,not a date,5,paid\n\
        1,ann,2024-01-03,7,paid\n\
        4,dan,2024-01-04,5,refunded\n\
        5,eve,2099-01-01,5,paid\n\
        6,fay,2024-01-05\n\
        7,,2024-01-05,1,paid\n\
        8,gus,2024-01-06,abc,paid\n";

    #[test]
    fn each_bad_row_is_named_under_fail() {
        let mut o = opts();
        o.read.now = Some(crate::data::date::days_from_civil(2025, 1, 1) * 86_400);
        let err = parse_orders_csv(BAD.as_bytes(), &o).unwrap_err();
        assert_eq!(
            err,
            DataError::BadValue {
                line: 3,
                column: "Total".into(),
                value: "-3".into(),
                reason: "negative amount".into()
            }
        );
        assert!(err.to_string().contains("line 3, column \"Total\""));
    }

    #[test]
    fn skip_policy_counts_every_reason() -> Result<(), DataError> {
        let mut o = opts();
        o.read.bad_rows = BadRowPolicy::Skip;
        o.read.now = Some(crate::data::date::days_from_civil(2025, 1, 1) * 86_400);
        let p = parse_orders_csv(BAD.as_bytes(), &o)?;
        assert_eq!(p.data.len(), 1);
        assert_eq!(p.report.rows_read, 9);
        let r = &p.report;
        for (reason, line) in [
            (SkipReason::NegativeAmount, 3),
            (SkipReason::BadDate, 4),
            (SkipReason::DuplicateOrderId, 5),
            (SkipReason::ExcludedStatus, 6),
            (SkipReason::FutureDate, 7),
            (SkipReason::Malformed, 8),
            (SkipReason::MissingValue, 9),
            (SkipReason::BadAmount, 10),
        ] {
            assert_eq!(
                r.skipped.get(&reason).map(|c| c.first_lines.clone()),
                Some(vec![line]),
                "{reason:?}"
            );
        }
        assert_eq!(r.total(), 8);
        Ok(())
    }

    #[test]
    fn missing_column_lists_the_header() {
        let o = OrdersCsvOptions::default();
        let err = parse_orders_csv(b"a,b\n1,2\n", &o).unwrap_err();
        assert_eq!(
            err,
            DataError::MissingColumn {
                column: "customer_id".into(),
                available: "a,b".into()
            }
        );
        assert_eq!(parse_orders_csv(b"", &o).unwrap_err(), DataError::Empty);
    }

    #[test]
    fn stream_and_slice_agree() -> Result<(), DataError> {
        let csv =
            "CUSTOMER_ID ,Date,amount\nann,2024-01-05,10.5\r\nbob,20240106,0\n\nann,1704672000,2\n";
        let a = parse_orders_csv(csv.as_bytes(), &OrdersCsvOptions::default())?;
        let b = read_orders_csv(csv.as_bytes(), &OrdersCsvOptions::default())?;
        assert_eq!(a, b);
        assert_eq!(a.data.customers(), &[0, 1, 0]);
        assert_eq!(a.data.amounts(), &[10.5, 0.0, 2.0]);
        Ok(())
    }
}
