//! Generic orders CSV: one row per order or per order line, columns chosen by name.
//!
//! **Line items.** With an order-id column, rows that share an order id are
//! the lines of one order: their amounts are summed into one purchase, dated
//! by the order's first line. A row equal in every column to an earlier row
//! of the same order is an exact duplicate: it is left out and counted
//! (`duplicate_row`), whatever the bad-row policy. A line whose customer or
//! calendar day differs from its order's first line is a bad row
//! (`conflicting_order`). The report counts the lines merged into orders.
//!
//! **Dates** in the `Auto` format are decided per column (see
//! [`DateFormat::Auto`]): day-first or month-first slash dates from the
//! whole column, digit strings only in known formats.
//!
//! **Amounts** are optional: without an amount column
//! ([`OrderColumns::amount`] `None`) every order is worth 0, which is all the
//! purchase-count models need.
//!
//! Each line first goes through a fast path (`fast_row`): split eight bytes
//! at a time, ids that are plain ASCII, `YYYY-MM-DD` dates and `d.dd`
//! amounts parsed without branching per byte. A line it cannot take as a
//! good row (quotes, wrong field count, any doubtful value, a repeated order
//! id, a slash date in an undecided column) is re-read by the general path
//! (`general_row`), which applies every rule and the bad-row policy, so the
//! two always agree on what is read and reported.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::csv::{for_each_row, RecordView, Row, Source};
use super::date::{
    day_of, format_day, parse_auto, parse_iso_day, parse_timestamp, AutoDate, DateFormat,
};
use super::date_column::Lookahead;
use super::error::{reject, DataError, Parsed, SkipReason};
use super::orders::{parse_amount, Orders, OrdersBuilder};
use super::rows::{find_column, header_names, ReadOptions, RowChecker};

/// Which header columns hold what (matched exactly, then case-insensitively);
/// a field left out keeps its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderColumns {
    /// Customer id column.
    pub customer: String,
    /// Order date/time column.
    pub timestamp: String,
    /// Order (or order line) amount column; `None`: no amounts, every order
    /// is worth 0 (enough for the purchase-count models).
    pub amount: Option<String>,
    /// Optional order id column: rows sharing an id are the lines of one order.
    #[serde(default)]
    pub order_id: Option<String>,
    /// Optional status column: rows whose status is in
    /// [`OrdersCsvOptions::excluded_statuses`] are left out (counted as `excluded_status`).
    #[serde(default)]
    pub status: Option<String>,
}

fn default_amount() -> Option<String> {
    Some("amount".into())
}

impl Default for OrderColumns {
    fn default() -> Self {
        OrderColumns {
            customer: "customer_id".into(),
            timestamp: "date".into(),
            amount: default_amount(),
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
/// use rapport_metrics::data::{parse_orders_csv, OrderColumns, OrdersCsvOptions};
/// let csv = b"customer_id,date,amount\nann,2024-01-05,10.50\nbob,2024-01-06,0\n";
/// let parsed = parse_orders_csv(csv, &OrdersCsvOptions::default()).unwrap();
/// assert_eq!(parsed.data.len(), 2);
/// assert_eq!(parsed.report.total(), 0);
///
/// // Line items: two lines of order 7 are one purchase of 15.00.
/// let lines = b"order,customer_id,date,amount\n7,ann,2024-01-05,10.00\n7,ann,2024-01-05,5.00\n";
/// let opts = OrdersCsvOptions {
///     columns: OrderColumns { order_id: Some("order".into()), ..OrderColumns::default() },
///     ..OrdersCsvOptions::default()
/// };
/// let parsed = parse_orders_csv(lines, &opts).unwrap();
/// assert_eq!(parsed.data.amounts(), &[15.0]);
/// assert_eq!(parsed.report.merged_lines, 1);
/// ```
pub fn parse_orders_csv(
    input: &[u8],
    opts: &OrdersCsvOptions,
) -> Result<Parsed<Orders>, DataError> {
    read_generic(Source::Slice(input), opts, input.len() / 32)
}

/// Reads a generic orders CSV from a stream (constant memory besides the
/// result). Slash dates cannot be looked ahead in a stream: see
/// [`DataError::DateOrder`].
pub fn read_orders_csv(
    mut reader: impl Read,
    opts: &OrdersCsvOptions,
) -> Result<Parsed<Orders>, DataError> {
    read_generic(Source::Reader(&mut reader), opts, 0)
}

struct Cols {
    customer: usize,
    timestamp: usize,
    amount: Option<usize>,
    order_id: Option<usize>,
    status: Option<usize>,
    /// Fields per row (the header's).
    fields: usize,
    /// For the fast path: `want[i]` is where field `i` goes in [`Wanted`]
    /// ([`SKIP`] if unused). Empty when the fast path is off (one column
    /// mapped to two roles).
    want: Vec<u8>,
}

/// A field the fast path does not need.
const SKIP: u8 = u8::MAX;
/// Bounds of the customer, timestamp, amount, status and order id fields.
type Wanted = [(usize, usize); 5];

impl Cols {
    fn want(&self) -> Vec<u8> {
        let used = [
            Some(self.customer),
            Some(self.timestamp),
            self.amount,
            self.status,
            self.order_id,
        ];
        let mut want = vec![SKIP; self.fields];
        for (slot, col) in used.iter().enumerate() {
            if let Some(c) = *col {
                if want[c] != SKIP {
                    return Vec::new();
                }
                want[c] = slot as u8;
            }
        }
        want
    }
}

/// What is remembered of an order's first line, to merge later lines into it.
struct OrderSlot {
    /// Position of the order in the builder.
    index: usize,
    /// Line of the first row.
    line: u64,
    /// Hash of the customer id of the first row.
    customer: u64,
    /// Calendar day of the first row.
    day: i64,
}

/// Everything a row is checked against.
struct Ctx<'o> {
    opts: &'o ReadOptions,
    excluded: Vec<String>,
    builder: OrdersBuilder,
    orders: FxHashMap<Box<str>, OrderSlot>,
    /// Hashes of (order id, every field) of the rows of orders, to spot exact duplicates.
    rows: FxHashSet<u64>,
    hasher: FxBuildHasher,
}

impl Ctx<'_> {
    fn text_hash(&self, text: &[u8]) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write(text);
        h.finish()
    }

    /// Hash of a row's fields (not its quoting), so a row and its quoted copy agree.
    fn row_hash<'f>(&self, fields: impl Iterator<Item = &'f [u8]>) -> u64 {
        let mut h = self.hasher.build_hasher();
        for f in fields {
            h.write(f);
            h.write_u8(0x1F);
        }
        h.finish()
    }
}

fn read_generic(
    source: Source<'_>,
    opts: &OrdersCsvOptions,
    capacity_hint: usize,
) -> Result<Parsed<Orders>, DataError> {
    let lookahead = Lookahead::of(&source, opts.read.delimiter);
    let mut ctx = Ctx {
        opts: &opts.read,
        excluded: opts
            .excluded_statuses
            .iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .collect(),
        builder: OrdersBuilder::with_capacity(capacity_hint),
        orders: FxHashMap::default(),
        rows: FxHashSet::default(),
        hasher: FxBuildHasher,
    };
    let mut checker: Option<(RowChecker<'_>, Cols)> = None;
    for_each_row(source, opts.read.delimiter, true, |line, row| {
        let rec = match row {
            Row::Line(text) => {
                return match checker.as_mut() {
                    Some((ck, cols)) => fast_row(line, text, cols, &mut ctx, ck),
                    None => Ok(false),
                }
            }
            Row::Record(rec) => rec,
        };
        match checker.as_mut() {
            Some((ck, cols)) => general_row(line, rec, ck, cols, &mut ctx)?,
            None => checker = Some(header(rec, opts, lookahead)?),
        }
        Ok(true)
    })?;
    let Some((ck, _)) = checker else {
        return Err(DataError::Empty);
    };
    ck.finish()?;
    Ok(Parsed {
        data: ctx.builder.finish()?,
        report: ck.report,
    })
}

fn header<'o>(
    rec: &RecordView<'_>,
    opts: &'o OrdersCsvOptions,
    lookahead: Option<Lookahead<'o>>,
) -> Result<(RowChecker<'o>, Cols), DataError> {
    let header = header_names(rec);
    let c = &opts.columns;
    let optional =
        |name: &Option<String>| name.as_deref().map(|n| find_column(&header, n)).transpose();
    let cols = Cols {
        customer: find_column(&header, &c.customer)?,
        timestamp: find_column(&header, &c.timestamp)?,
        amount: optional(&c.amount)?,
        order_id: optional(&c.order_id)?,
        status: optional(&c.status)?,
        fields: header.len(),
        want: Vec::new(),
    };
    let cols = Cols {
        want: cols.want(),
        ..cols
    };
    Ok((
        RowChecker::with_lookahead(&opts.read, header, lookahead),
        cols,
    ))
}

/// The common case: a line without quotes whose values are all good, and
/// (with order ids) the first line of its order. Takes the row and returns
/// `true`, or returns `false` without any effect so that [`general_row`]
/// reads it again and reports exactly what is wrong.
#[inline]
fn fast_row(
    line: u64,
    text: &[u8],
    cols: &Cols,
    ctx: &mut Ctx<'_>,
    ck: &mut RowChecker<'_>,
) -> Result<bool, DataError> {
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if cols.want.is_empty() {
        return Ok(false);
    }
    let delim = ctx.opts.delimiter;
    let mut got: Wanted = [(0, 0); 5];
    let mut n = 0;
    let mut start = 0;
    let mut field_end = |i: usize| {
        match cols.want.get(n) {
            Some(&SKIP) => {}
            Some(&w) => got[w as usize] = (start, i),
            None => return false,
        }
        n += 1;
        start = i + 1;
        true
    };
    // Eight bytes at a time: a mask of the delimiters and quotes in each word.
    let mut words = text.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if byte_mask(w, b'"') != 0 {
            return Ok(false);
        }
        let mut m = byte_mask(w, delim);
        while m != 0 {
            if !field_end(at + m.trailing_zeros() as usize / 8) {
                return Ok(false);
            }
            m &= m - 1;
        }
        at += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == delim {
            if !field_end(at + i) {
                return Ok(false);
            }
        } else if b == b'"' {
            return Ok(false);
        }
    }
    if !field_end(text.len()) || n != cols.fields {
        return Ok(false);
    }
    let field = |slot: usize| {
        let (s, e) = got[slot];
        &text[s..e]
    };
    if cols.status.is_some() {
        let status = field(3).trim_ascii();
        if ctx
            .excluded
            .iter()
            .any(|e| status.eq_ignore_ascii_case(e.as_bytes()))
        {
            return Ok(false);
        }
    }
    let Some(customer) = fast_text(field(0)) else {
        return Ok(false);
    };
    let raw = field(1);
    let format = ctx.opts.date_format;
    let t = match (format, parse_iso_day(raw)) {
        (DateFormat::Auto | DateFormat::Iso8601, Some(t)) => t,
        (DateFormat::Auto, None) => match parse_auto(raw, ctx.opts.offsets) {
            Ok(AutoDate::At(t)) => t,
            // A slash date: only in a column already decided, and only if it
            // reads that way unambiguously or ambiguously (not the other way).
            Ok(AutoDate::Slash(d)) => match ck.dates.order(cols.timestamp) {
                Some(day_first) if d.evidence().is_none_or(|e| e == day_first) => {
                    match d.resolve(day_first) {
                        Ok(t) => t,
                        Err(_) => return Ok(false),
                    }
                }
                _ => return Ok(false),
            },
            Err(_) => return Ok(false),
        },
        _ => match parse_timestamp(raw, format, ctx.opts.offsets) {
            Ok(t) => t,
            Err(_) => return Ok(false),
        },
    };
    if ctx.opts.now.is_some_and(|now| t > now) {
        return Ok(false);
    }
    let amount = match cols.amount {
        Some(_) => {
            let raw = field(2);
            // `parse_amount` takes the `d.dd` fast path first itself.
            match parse_amount(raw) {
                Some(a) if a >= 0.0 => a,
                _ => return Ok(false),
            }
        }
        None => 0.0,
    };
    if cols.order_id.is_some() {
        let Some(id) = fast_text(field(4)) else {
            return Ok(false);
        };
        let id = String::from_utf8_lossy(id);
        if ctx.orders.contains_key(&*id) {
            // A later line of an order: the general path merges it.
            return Ok(false);
        }
        let slot = OrderSlot {
            index: ctx.builder.len(),
            line,
            customer: ctx.text_hash(customer),
            day: day_of(t),
        };
        let row = ctx.row_hash(text.split(|&b| b == delim));
        ctx.rows.insert(row);
        ctx.orders.insert(id.into(), slot);
    }
    ck.report.rows_read += 1;
    ctx.builder.push_ascii(customer, t, amount)?;
    Ok(true)
}

/// The high bit of each byte of `w` equal to `b` (exact: no false positives,
/// unlike the shorter "has zero byte" test).
#[inline(always)]
fn byte_mask(w: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = w ^ (0x0101_0101_0101_0101 * u64::from(b));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// A trimmed, non-empty ASCII value: what [`RowChecker::text`] accepts,
/// except that non-ASCII text is left to it.
#[inline]
fn fast_text(raw: &[u8]) -> Option<&[u8]> {
    let t = match (raw.first(), raw.last()) {
        (Some(a), Some(z)) if !a.is_ascii_whitespace() && !z.is_ascii_whitespace() => raw,
        _ => raw.trim_ascii(),
    };
    // Short ids: an OR over the bytes beats a call to `is_ascii`.
    let ascii = t.iter().fold(0u8, |acc, &b| acc | b) < 0x80;
    (!t.is_empty() && ascii).then_some(t)
}

/// Any row, with every check and the bad-row policy.
fn general_row(
    line: u64,
    rec: &RecordView<'_>,
    ck: &mut RowChecker<'_>,
    cols: &Cols,
    ctx: &mut Ctx<'_>,
) -> Result<(), DataError> {
    if rec.is_blank() {
        return Ok(());
    }
    ck.report.rows_read += 1;
    if !ck.shape(line, rec)? {
        return Ok(());
    }
    if let Some(s) = cols.status {
        let status = rec.get(s).trim_ascii();
        if ctx
            .excluded
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
    let amount = match cols.amount {
        Some(ac) => match ck.amount(line, ac, rec.get(ac))? {
            Some(a) => a,
            None => return Ok(()),
        },
        None => 0.0,
    };
    let Some(oc) = cols.order_id else {
        return ctx.builder.push(customer, t, amount);
    };
    let Some(id) = ck.text(line, oc, rec.get(oc))? else {
        return Ok(());
    };
    let row = ctx.row_hash((0..rec.len()).map(|i| rec.get(i)));
    let customer_hash = ctx.text_hash(customer.as_bytes());
    let Some(order) = ctx.orders.get(id) else {
        ctx.rows.insert(row);
        let slot = OrderSlot {
            index: ctx.builder.len(),
            line,
            customer: customer_hash,
            day: day_of(t),
        };
        ctx.orders.insert(id.into(), slot);
        return ctx.builder.push(customer, t, amount);
    };
    if !ctx.rows.insert(row) {
        // The very same line again: an export glitch, not a second item.
        ck.report.record(SkipReason::DuplicateRow, line);
        return Ok(());
    }
    let conflict = if order.customer != customer_hash {
        Some(format!(
            "order id {id:?} belongs to another customer (its first line is line {})",
            order.line
        ))
    } else if order.day != day_of(t) {
        Some(format!(
            "order id {id:?} is dated {} on its first line (line {}), {} here",
            format_day(order.day),
            order.line,
            format_day(day_of(t))
        ))
    } else {
        None
    };
    if let Some(why) = conflict {
        let column = ck.header.get(oc).cloned().unwrap_or_default();
        reject(
            ck.opts.bad_rows,
            &mut ck.report,
            SkipReason::ConflictingOrder,
            line,
            || DataError::BadValue {
                line,
                column,
                value: id.to_string(),
                reason: why,
            },
        )?;
        return Ok(());
    }
    ctx.builder.add_amount(order.index, amount);
    ck.report.merged_lines += 1;
    Ok(())
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
                amount: Some("Total".into()),
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
            (SkipReason::ConflictingOrder, 5),
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
    fn columns_left_out_keep_their_defaults_and_a_null_amount_means_none() {
        let c: OrderColumns = serde_json::from_str(r#"{"customer": "Email"}"#).expect("partial");
        assert_eq!(c.customer, "Email");
        assert_eq!(c.timestamp, "date");
        assert_eq!(c.amount.as_deref(), Some("amount"));
        let c: OrderColumns = serde_json::from_str(r#"{"amount": null}"#).expect("null amount");
        assert_eq!(c.amount, None);
        let p = parse_orders_csv(
            b"customer_id,date\na,2024-01-01\n",
            &OrdersCsvOptions {
                columns: c,
                ..Default::default()
            },
        )
        .expect("no amounts needed");
        assert_eq!(p.data.amounts(), &[0.0]);
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

    /// Quoting every field sends each row down the general path; the
    /// unquoted twin takes the fast path wherever it can. Both must read the
    /// same orders and report the same skips.
    #[test]
    fn fast_path_agrees_with_the_general_path() -> Result<(), DataError> {
        let customers = [
            "603475",
            "0",
            "007",
            "12345678901",
            "c-9",
            " 42 ",
            "\u{e9}mile",
            "",
            "1e3",
        ];
        let dates = [
            "2024-10-15",
            "2024-02-30",
            "20241015",
            "2024-10-15T10:00:00Z",
            "10/15/2024",
            "1728950400",
            " 2024-10-15",
            "2099-01-01",
            "",
        ];
        let amounts = [
            "21.94", "0.00", "5", "-3.10", " 7.25", "+1.50", "12.345", "1e2", "abc", "",
        ];
        let mut plain = String::from("Order,Customer,When,Total,Status\n");
        let mut quoted = plain.clone();
        let mut k = 0usize;
        for (i, c) in customers.iter().enumerate() {
            for (j, d) in dates.iter().enumerate() {
                for (l, a) in amounts.iter().enumerate() {
                    k += 1;
                    // Some repeated order ids and excluded statuses too.
                    let id = if (i + j + l) % 17 == 0 { 1 } else { k };
                    let status = if (i * 3 + j + l) % 11 == 0 {
                        "Refunded"
                    } else {
                        "paid"
                    };
                    plain.push_str(&format!("{id},{c},{d},{a},{status}\n"));
                    quoted.push_str(&format!("\"{id}\",\"{c}\",\"{d}\",\"{a}\",\"{status}\"\n"));
                }
            }
        }
        plain.push_str("9,short,row\n\n");
        quoted.push_str("\"9\",\"short\",\"row\"\n\n");
        for order_id in [true, false] {
            let mut o = opts();
            o.read.bad_rows = BadRowPolicy::Skip;
            o.read.now = Some(crate::data::date::days_from_civil(2025, 1, 1) * 86_400);
            if !order_id {
                o.columns.order_id = None;
            }
            let a = parse_orders_csv(plain.as_bytes(), &o)?;
            let b = parse_orders_csv(quoted.as_bytes(), &o)?;
            assert!(a.data.len() > 50, "{}", a.data.len());
            assert_eq!(a, b);
            assert_eq!(read_orders_csv(plain.as_bytes(), &o)?, a);
            o.read.bad_rows = BadRowPolicy::Fail;
            assert_eq!(
                parse_orders_csv(plain.as_bytes(), &o),
                parse_orders_csv(quoted.as_bytes(), &o)
            );
        }
        Ok(())
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
