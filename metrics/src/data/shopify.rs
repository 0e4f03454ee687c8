//! Shopify order export (`orders_export.csv`) read as it comes.
//!
//! Facts about the export this reader relies on: one row per line item; the
//! order number (`Name`, e.g. `#1001`) repeats on every row of an order while
//! order-level fields (`Email`, `Financial Status`, `Created at`, `Total`,
//! `Cancelled at`, `Refunded Amount`) are filled on the first row only; dates
//! look like `2024-01-05 10:00:00 -0500`.
//!
//! Mapping to orders: customer = `Email` (trimmed, lower-cased), time =
//! `Created at` (or `Paid at` if there is no `Created at` column), amount =
//! `Total` minus `Refunded Amount` when that column exists (partial refunds),
//! never below 0. Orders whose `Financial Status` is `refunded` or `voided`,
//! or which have a `Cancelled at`, are left out and counted as
//! `excluded_status`. An order number seen again after other orders is a
//! duplicate (error, or skipped under [`BadRowPolicy::Skip`](super::BadRowPolicy)).

use std::io::Read;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::csv::{for_each_record, Source};
use super::date_column::Lookahead;
use super::error::{DataError, Parsed, SkipReason};
use super::orders::{parse_amount, Orders, OrdersBuilder};
use super::rows::{find_column, header_names, ReadOptions, RowChecker};

/// Options of [`parse_shopify_orders`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ShopifyOptions {
    /// Date handling, "now" and bad-row policy (delimiter is `,`).
    pub read: ReadOptions,
    /// Column holding the customer identity (`Email` by default).
    pub customer_column: String,
    /// `Financial Status` values (case-insensitive) whose orders are excluded.
    pub excluded_statuses: Vec<String>,
    /// Keep orders that have a `Cancelled at` date.
    pub include_cancelled: bool,
}

impl Default for ShopifyOptions {
    fn default() -> Self {
        ShopifyOptions {
            read: ReadOptions::default(),
            customer_column: "Email".into(),
            excluded_statuses: vec!["refunded".into(), "voided".into()],
            include_cancelled: false,
        }
    }
}

/// Reads a Shopify order export held in memory.
pub fn parse_shopify_orders(
    input: &[u8],
    opts: &ShopifyOptions,
) -> Result<Parsed<Orders>, DataError> {
    read_shopify(Source::Slice(input), opts)
}

/// Reads a Shopify order export from a stream.
pub fn read_shopify_orders(
    mut reader: impl Read,
    opts: &ShopifyOptions,
) -> Result<Parsed<Orders>, DataError> {
    read_shopify(Source::Reader(&mut reader), opts)
}

struct Cols {
    name: usize,
    customer: usize,
    status: Option<usize>,
    created: usize,
    total: usize,
    cancelled: Option<usize>,
    refunded: Option<usize>,
}

fn read_shopify(source: Source<'_>, opts: &ShopifyOptions) -> Result<Parsed<Orders>, DataError> {
    let mut builder = OrdersBuilder::default();
    let mut state: Option<(RowChecker<'_>, Cols)> = None;
    let mut seen: FxHashMap<Box<str>, u64> = FxHashMap::default();
    let mut current: Option<Box<str>> = None;
    let lookahead = Lookahead::of(&source, opts.read.delimiter);
    for_each_record(source, opts.read.delimiter, |line, rec| {
        let Some((ck, c)) = state.as_mut() else {
            let h = header_names(rec);
            let opt = |n: &str| find_column(&h, n).ok();
            let cols = Cols {
                name: find_column(&h, "Name")?,
                customer: find_column(&h, &opts.customer_column)?,
                status: opt("Financial Status"),
                created: match opt("Created at") {
                    Some(i) => i,
                    None => find_column(&h, "Paid at")?,
                },
                total: find_column(&h, "Total")?,
                cancelled: opt("Cancelled at"),
                refunded: opt("Refunded Amount"),
            };
            state = Some((RowChecker::with_lookahead(&opts.read, h, lookahead), cols));
            return Ok(());
        };
        if rec.is_blank() {
            return Ok(());
        }
        ck.report.rows_read += 1;
        if !ck.shape(line, rec)? {
            return Ok(());
        }
        let Some(name) = ck.text(line, c.name, rec.get(c.name))? else {
            return Ok(());
        };
        if current.as_deref() == Some(name) {
            // Another line item of the order just read.
            return Ok(());
        }
        current = Some(name.into());
        if let Some(&first) = seen.get(name) {
            ck.duplicate(line, c.name, name, first)?;
            return Ok(());
        }
        seen.insert(name.into(), line);
        let status = c
            .status
            .map(|i| rec.get(i).trim_ascii())
            .unwrap_or_default();
        let cancelled = c
            .cancelled
            .is_some_and(|i| !rec.get(i).trim_ascii().is_empty());
        if (cancelled && !opts.include_cancelled)
            || opts
                .excluded_statuses
                .iter()
                .any(|s| status.eq_ignore_ascii_case(s.trim().as_bytes()))
        {
            ck.report.record(SkipReason::ExcludedStatus, line);
            return Ok(());
        }
        let Some(customer) = ck.text(line, c.customer, rec.get(c.customer))? else {
            return Ok(());
        };
        let customer = customer.to_lowercase();
        let Some(t) = ck.date(line, c.created, rec.get(c.created))? else {
            return Ok(());
        };
        let Some(total) = ck.amount(line, c.total, rec.get(c.total))? else {
            return Ok(());
        };
        let refunded = c
            .refunded
            .and_then(|i| parse_amount(rec.get(i)))
            .filter(|r| *r > 0.0)
            .unwrap_or(0.0);
        builder.push(&customer, t, (total - refunded).max(0.0))?;
        Ok(())
    })?;
    let Some((ck, _)) = state else {
        return Err(DataError::Empty);
    };
    ck.finish()?;
    Ok(Parsed {
        data: builder.finish()?,
        report: ck.report,
    })
}
