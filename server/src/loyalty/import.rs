//! Order history import: past orders from a Shopify orders export or the generic orders
//! CSV (the two files the metrics engine reads), read as a stream of records into
//! [`ImportedOrder`]s for the order table. Each bad row is reported with its row number
//! (1 = the header) and the column at fault; every good row is kept.
//!
//! **Shopify** (`orders_export.csv`): one row per line item; the order's own fields are on
//! its first row, and its lines follow one another. The order id is the `Id` column when the
//! export has it (the id order webhooks carry, so an imported order and its webhooks are one
//! order), else `Name` (`#1001`). Eligible spend is `Subtotal` (line items after discounts,
//! without shipping and tax) less `Refunded Amount`; paid when `Financial Status` is `paid`,
//! `partially_refunded` or `refunded`; cancelled when `Cancelled at` is set. Customer:
//! a `Customer ID` column when present; `Email` always (the export has no customer id by
//! default, so such orders are known by e-mail only and cannot earn points).
//!
//! **Generic**: columns `order_id`, `date` (required), `customer_id`, `email`, `amount`
//! (eligible spend), `total`, `currency`, `status` (optional; `refunded`, `voided`,
//! `cancelled` and `canceled` mark the order cancelled, `pending` unpaid). Consecutive rows
//! with the same `order_id` are lines of one order, their amounts summed.

use std::collections::HashSet;
use std::io::Read;

use rapport::core::datetime::parse_rfc3339;

use super::money::parse_hundredths;
use super::order::OrderFacts;

/// Which file layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Shopify's orders export.
    Shopify,
    /// The generic orders CSV.
    Generic,
}

impl ImportFormat {
    /// `shopify` or `generic`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "shopify" => Some(ImportFormat::Shopify),
            "generic" => Some(ImportFormat::Generic),
            _ => None,
        }
    }
}

/// One order read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOrder {
    /// The row of its first line.
    pub row: u64,
    /// What the file says about it (refunds already taken off `eligible`).
    pub facts: OrderFacts,
    /// When it was placed, ms (its return window runs from there).
    pub placed_at: i64,
}

/// A row that could not be read: nothing of it is imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Row number in the file (1 = the header).
    pub row: u64,
    /// The column at fault.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A file that cannot be read on (its header, or its bytes at `row`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {field}: {message}")]
pub struct FileError {
    /// Where reading stopped (1 = the header).
    pub row: u64,
    /// The column or part at fault (`header`, a column name, `body`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Column positions of one layout.
#[derive(Debug, Clone)]
struct Columns {
    id: usize,
    fallback_id: Option<usize>,
    date: usize,
    customer: Option<usize>,
    email: Option<usize>,
    eligible: Option<usize>,
    total: Option<usize>,
    currency: Option<usize>,
    status: Option<usize>,
    cancelled_at: Option<usize>,
    refunded: Option<usize>,
    names: Vec<String>,
}

impl Columns {
    fn find(header: &csv::StringRecord, format: ImportFormat) -> Result<Self, FileError> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
        let pos = |n: &str| {
            names
                .iter()
                .position(|h| h == n)
                .or_else(|| names.iter().position(|h| h.eq_ignore_ascii_case(n)))
        };
        let need = |n: &str| {
            pos(n).ok_or_else(|| FileError {
                row: 1,
                field: n.to_owned(),
                message: "column missing from the header".into(),
            })
        };
        Ok(match format {
            ImportFormat::Shopify => {
                let name = need("Name")?;
                let (id, fallback_id) = match pos("Id") {
                    Some(id) => (id, Some(name)),
                    None => (name, None),
                };
                Columns {
                    id,
                    fallback_id,
                    date: pos("Created at").map_or_else(|| need("Paid at"), Ok)?,
                    customer: pos("Customer ID"),
                    email: pos("Email"),
                    eligible: Some(need("Subtotal")?),
                    total: pos("Total"),
                    currency: pos("Currency"),
                    status: pos("Financial Status"),
                    cancelled_at: pos("Cancelled at"),
                    refunded: pos("Refunded Amount"),
                    names,
                }
            }
            ImportFormat::Generic => Columns {
                id: need("order_id")?,
                fallback_id: None,
                date: need("date")?,
                customer: pos("customer_id"),
                email: pos("email"),
                eligible: pos("amount"),
                total: pos("total"),
                currency: pos("currency"),
                status: pos("status"),
                cancelled_at: None,
                refunded: None,
                names,
            },
        })
    }

    fn name(&self, i: usize) -> String {
        self.names.get(i).cloned().unwrap_or_default()
    }
}

/// Reads orders from a CSV stream, one at a time.
pub struct OrderReader<R: Read> {
    format: ImportFormat,
    records: csv::Reader<R>,
    cols: Columns,
    record: csv::StringRecord,
    row: u64,
    /// The order being assembled from consecutive lines.
    open: Option<ImportedOrder>,
    /// A bad row met while an order was open, reported after that order.
    queued: Vec<Result<ImportedOrder, RowError>>,
    seen: HashSet<String>,
    /// The id of a bad order whose further lines are skipped quietly.
    failed: Option<String>,
    done: bool,
}

impl<R: Read> OrderReader<R> {
    /// Reads the header of `input`.
    pub fn new(input: R, format: ImportFormat) -> Result<Self, FileError> {
        let mut records = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let header = records.headers().map_err(|e| FileError {
            row: 1,
            field: "header".into(),
            message: e.to_string(),
        })?;
        let cols = Columns::find(header, format)?;
        Ok(OrderReader {
            format,
            records,
            cols,
            record: csv::StringRecord::new(),
            row: 1,
            open: None,
            queued: Vec::new(),
            seen: HashSet::new(),
            failed: None,
            done: false,
        })
    }

    fn cell(&self, i: Option<usize>) -> &str {
        i.and_then(|i| self.record.get(i)).unwrap_or("").trim()
    }

    fn err(&self, col: usize, message: impl Into<String>) -> RowError {
        RowError {
            row: self.row,
            field: self.cols.name(col),
            message: message.into(),
        }
    }

    fn amount(&self, col: Option<usize>) -> Result<i64, RowError> {
        let text = self.cell(col);
        if text.is_empty() {
            return Ok(0);
        }
        let cleaned: String = text.chars().filter(|c| *c != ',' && *c != '$').collect();
        match (parse_hundredths(&cleaned), col) {
            (Some(v), _) => Ok(v),
            (None, Some(c)) => Err(self.err(c, format!("{text:?} is not a decimal amount"))),
            (None, None) => Ok(0),
        }
    }

    /// The current record read as the first line of an order.
    fn first_line(&self, id: String) -> Result<ImportedOrder, RowError> {
        let c = &self.cols;
        let date_text = self.cell(Some(c.date));
        let placed_at =
            parse_date(date_text).ok_or_else(|| self.err(c.date, format!("{date_text:?} is not a date (2024-01-05, 2024-01-05 10:00:00 -0500 or RFC 3339)")))?;
        let opt = |i: Option<usize>| {
            Some(self.cell(i))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let customer = opt(c.customer);
        let email = opt(c.email);
        if customer.is_none() && email.is_none() {
            let col = c.customer.or(c.email).unwrap_or(c.id);
            return Err(self.err(col, "no customer: customer id or e-mail required"));
        }
        let status = self.cell(c.status).to_ascii_lowercase();
        let eligible = self.amount(c.eligible)?;
        if eligible < 0 {
            let col = c.eligible.unwrap_or(c.id);
            return Err(self.err(col, "must not be negative"));
        }
        let refunded = self.amount(c.refunded)?.abs();
        let (paid, cancelled) = match self.format {
            ImportFormat::Shopify => (
                matches!(status.as_str(), "paid" | "partially_refunded" | "refunded"),
                !self.cell(c.cancelled_at).is_empty() || status == "voided",
            ),
            ImportFormat::Generic => (
                status != "pending",
                matches!(
                    status.as_str(),
                    "refunded" | "voided" | "cancelled" | "canceled"
                ),
            ),
        };
        Ok(ImportedOrder {
            row: self.row,
            placed_at,
            facts: OrderFacts {
                order_id: id,
                customer,
                email,
                currency: self.cell(c.currency).to_owned(),
                total: self.amount(c.total)?,
                eligible: (eligible - refunded).max(0),
                paid,
                cancelled,
                refunds: Vec::new(),
                referral: Vec::new(),
            },
        })
    }

    /// Reads the next record into `self.record`; `Ok(false)` at the end.
    fn advance(&mut self) -> Result<bool, FileError> {
        match self.records.read_record(&mut self.record) {
            Ok(more) => {
                if more {
                    self.row += 1;
                }
                Ok(more)
            }
            Err(e) => Err(FileError {
                row: self.row + 1,
                field: "body".into(),
                message: e.to_string(),
            }),
        }
    }

    /// The next order or bad row; `None` at the end. A CSV syntax error ends the file.
    pub fn next_item(&mut self) -> Result<Option<Result<ImportedOrder, RowError>>, FileError> {
        loop {
            if let Some(item) = self.queued.pop() {
                return Ok(Some(item));
            }
            if self.done {
                return Ok(self.open.take().map(Ok));
            }
            if !self.advance()? {
                self.done = true;
                continue;
            }
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let id_text = self.cell(Some(self.cols.id)).to_owned();
            let id = if id_text.is_empty() {
                self.cell(self.cols.fallback_id).to_owned()
            } else {
                id_text
            };
            if id.is_empty() || id.len() > 200 {
                let e = self.err(
                    self.cols.id,
                    "must be a non-empty order id of at most 200 bytes",
                );
                match self.open.take() {
                    Some(open) => {
                        self.queued.push(Err(e));
                        return Ok(Some(Ok(open)));
                    }
                    None => return Ok(Some(Err(e))),
                }
            }
            // A further line of the open order: its amount adds up (generic), or nothing
            // (Shopify keeps the order's amounts on its first line).
            if let Some(open) = &mut self.open {
                let same = open.facts.order_id == id
                    || self.cols.fallback_id.is_some_and(|f| {
                        self.record.get(f).map(str::trim) == Some(open.facts.order_id.as_str())
                    });
                if same {
                    if self.format == ImportFormat::Generic {
                        let line = self.amount(self.cols.eligible);
                        match line {
                            Ok(v) => {
                                if let Some(open) = &mut self.open {
                                    open.facts.eligible += v.max(0);
                                }
                            }
                            Err(e) => return Ok(Some(Err(e))),
                        }
                    }
                    continue;
                }
            }
            if self.open.is_none() && self.failed.as_deref() == Some(id.as_str()) {
                continue;
            }
            self.failed = None;
            let finished = self.open.take();
            let item = if self.seen.insert(id.clone()) {
                match self.first_line(id.clone()) {
                    Ok(order) => {
                        self.open = Some(order);
                        None
                    }
                    Err(e) => {
                        self.failed = Some(id);
                        Some(Err(e))
                    }
                }
            } else {
                Some(Err(self.err(
                    self.cols.id,
                    "repeats an order id of an earlier order (an order's lines must follow one another)",
                )))
            };
            match (finished, item) {
                (Some(done), Some(bad)) => {
                    self.queued.push(bad);
                    return Ok(Some(Ok(done)));
                }
                (Some(done), None) => return Ok(Some(Ok(done))),
                (None, Some(bad)) => return Ok(Some(bad)),
                (None, None) => {}
            }
        }
    }
}

/// `2024-01-05`, `2024-01-05 10:00:00 -0500` (Shopify), `2024-01-05 10:00:00` (UTC) or
/// RFC 3339, to epoch ms.
pub fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() == 10 {
        return parse_rfc3339(&format!("{t}T00:00:00Z"));
    }
    if let Some(ms) = parse_rfc3339(t) {
        return Some(ms);
    }
    // `YYYY-MM-DD HH:MM:SS ±HHMM`
    if let Some((stamp, zone)) = t.rsplit_once(' ') {
        if zone.len() == 5 && (zone.starts_with('+') || zone.starts_with('-')) {
            return parse_rfc3339(&format!("{stamp}{}:{}", &zone[..3], &zone[3..]));
        }
    }
    parse_rfc3339(&format!("{t}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, format: ImportFormat) -> (Vec<ImportedOrder>, Vec<RowError>) {
        let mut reader = match OrderReader::new(text.as_bytes(), format) {
            Ok(r) => r,
            Err(e) => panic!("header: {e}"),
        };
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        while let Ok(Some(item)) = reader.next_item() {
            match item {
                Ok(o) => ok.push(o),
                Err(e) => bad.push(e),
            }
        }
        (ok, bad)
    }

    #[test]
    fn dates() {
        let utc = parse_date("2024-01-05T15:00:00Z");
        assert!(utc.is_some());
        assert_eq!(parse_date("2024-01-05 10:00:00 -0500"), utc);
        assert_eq!(parse_date("2024-01-05 15:00:00"), utc);
        assert_eq!(parse_date("2024-01-05"), parse_date("2024-01-05T00:00:00Z"));
        assert_eq!(parse_date("05/01/2024"), None);
    }

    #[test]
    fn shopify_lines_make_one_order() {
        let text = "Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Refunded Amount,Created at,Cancelled at,Lineitem name,Id\n\
            #1001,ann@example.com,paid,,USD,90.00,100.00,10.00,2024-01-05 10:00:00 -0500,,Mug,450789469\n\
            #1001,,,,,,,,,,Plate,450789469\n\
            #1002,bob@example.com,refunded,,USD,20.00,25.00,20.00,2024-01-06 10:00:00 -0500,,Cup,450789470\n\
            #1003,cy@example.com,paid,,USD,abc,1,,2024-01-07 10:00:00 -0500,,Cup,450789471\n\
            #1003,,,,,,,,,,Saucer,450789471\n\
            #1004,dee@example.com,paid,,USD,5,5,,2024-01-08 10:00:00 -0500,2024-01-09 10:00:00 -0500,Cup,450789472\n";
        let (ok, bad) = read_all(text, ImportFormat::Shopify);
        let ids: Vec<&str> = ok.iter().map(|o| o.facts.order_id.as_str()).collect();
        assert_eq!(ids, ["450789469", "450789470", "450789472"]);
        assert_eq!(ok[0].facts.eligible, 8_000);
        assert_eq!(ok[0].facts.email.as_deref(), Some("ann@example.com"));
        assert!(ok[0].facts.paid && !ok[0].facts.cancelled);
        assert_eq!(ok[1].facts.eligible, 0);
        assert!(ok[2].facts.cancelled);
        assert_eq!(
            bad,
            [RowError {
                row: 5,
                field: "Subtotal".into(),
                message: "\"abc\" is not a decimal amount".into()
            }]
        );
    }

    #[test]
    fn generic_rows_and_bad_rows() {
        let text = "order_id,customer_id,email,date,amount,status\n\
            o1,c1,,2024-01-05,10.00,\n\
            o1,c1,,2024-01-05,5.50,\n\
            o2,,,2024-01-06,1.00,\n\
            o3,c3,,yesterday,1.00,\n\
            o4,c4,,2024-01-07,2.00,pending\n\
            o1,c1,,2024-01-08,1.00,\n\
            ,c5,,2024-01-08,1.00,\n";
        let (ok, bad) = read_all(text, ImportFormat::Generic);
        let got: Vec<(&str, i64, bool, u64)> = ok
            .iter()
            .map(|o| {
                (
                    o.facts.order_id.as_str(),
                    o.facts.eligible,
                    o.facts.paid,
                    o.row,
                )
            })
            .collect();
        assert_eq!(got, [("o1", 1_550, true, 2), ("o4", 200, false, 6)]);
        let errors: Vec<(u64, &str)> = bad.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(
            errors,
            [
                (4, "customer_id"),
                (5, "date"),
                (7, "order_id"),
                (8, "order_id")
            ]
        );
    }

    #[test]
    fn missing_columns_name_themselves() {
        let err = OrderReader::new("customer_id,date\n".as_bytes(), ImportFormat::Generic).err();
        assert_eq!(err.map(|e| e.field), Some("order_id".into()));
        let err = OrderReader::new("Name,Email\n".as_bytes(), ImportFormat::Shopify).err();
        assert_eq!(err.map(|e| e.field), Some("Paid at".into()));
    }
}
