//! Reading the input named on the command line into orders, events, answers
//! or a ready-made summary, with the reader the flags select. Gzip input
//! (a `.gz` name or the gzip magic bytes) is decompressed first.

use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use flate2::read::MultiGzDecoder;
use rapport_metrics::data::date::SECONDS_PER_DAY;

use rapport_metrics::data::{
    self, BadRowPolicy, DataError, EventColumns, Events, EventsCsvOptions, FeedbackAnswer,
    OrderColumns, Orders, OrdersCsvOptions, Parsed, ReadOptions, ShopifyOptions,
};
use rapport_metrics::models::FitInput;

use crate::args::{Args, UsageError};

/// Why a command failed: bad usage (exit 2), bad data (exit 1) or a fit
/// that did not converge (exit 3).
#[derive(Debug)]
pub enum Failure {
    /// Wrong flags or arguments.
    Usage(UsageError),
    /// The data could not be read or analysed.
    Data(String),
    /// A model fit ended without converging (and not at a boundary optimum).
    NotConverged(String),
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

impl From<DataError> for Failure {
    fn from(e: DataError) -> Self {
        let hint = match &e {
            DataError::AmbiguousDates { .. } | DataError::DateOrder { .. } => {
                "\nhint: --date-format dd/mm/yyyy (day first) or --date-format mm/dd/yyyy (month first)"
            }
            DataError::BadValue { reason, .. } if reason.contains("in the future") => {
                "\nhint: a row dated after today; fix it, skip it with --skip-bad-rows, or move today with --now YYYY-MM-DD"
            }
            _ => "",
        };
        Failure::Data(format!("{e}{hint}"))
    }
}

/// The whole input (a file or stdin), decompressed if it is gzip.
pub fn read_input(path: &str) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Failure::Data(format!("stdin: {e}")))?;
    } else {
        buf = std::fs::read(path).map_err(|e| Failure::Data(format!("{path}: {e}")))?;
    }
    if path.ends_with(".gz") || buf.starts_with(&[0x1F, 0x8B]) {
        let mut out = Vec::with_capacity(buf.len() * 4);
        MultiGzDecoder::new(&buf[..])
            .read_to_end(&mut out)
            .map_err(|e| Failure::Data(format!("{path}: not a readable gzip file: {e}")))?;
        return Ok(out);
    }
    Ok(buf)
}

/// "Now" for the future-date check: the end of tomorrow (UTC), so that a
/// store a timezone ahead is not flagged; `--now` overrides it.
fn default_now() -> Option<i64> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    let today = i64::try_from(secs).ok()?.div_euclid(SECONDS_PER_DAY);
    Some((today + 2) * SECONDS_PER_DAY - 1)
}

fn read_options(a: &Args) -> ReadOptions {
    ReadOptions {
        delimiter: a.delimiter,
        date_format: a.date_format,
        offsets: a.offsets,
        now: a.now.or_else(default_now),
        bad_rows: if a.skip_bad_rows {
            BadRowPolicy::Skip
        } else {
            BadRowPolicy::Fail
        },
    }
}

/// Whether a command needs order amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amounts {
    /// Spend is analysed: the amount column must be there.
    Required,
    /// Only purchase counts matter: without `--amount` and without an
    /// `amount` column, every order is worth 0.
    Optional,
}

/// Orders in the selected format.
pub fn orders(a: &Args, bytes: &[u8], amounts: Amounts) -> Result<Parsed<Orders>, Failure> {
    let read = read_options(a);
    match a.input_format.as_deref().unwrap_or("generic") {
        "generic" => {
            let d = OrderColumns::default();
            let mut opts = OrdersCsvOptions {
                columns: OrderColumns {
                    customer: a.customer.clone().unwrap_or(d.customer),
                    timestamp: a.date.clone().unwrap_or(d.timestamp),
                    amount: a.amount.clone().or(d.amount),
                    order_id: a.order_id.clone(),
                    status: a.status.clone(),
                },
                read,
                ..Default::default()
            };
            match data::parse_orders_csv(bytes, &opts) {
                Err(DataError::MissingColumn { column, .. })
                    if amounts == Amounts::Optional
                        && a.amount.is_none()
                        && opts.columns.amount.as_deref() == Some(column.as_str()) =>
                {
                    opts.columns.amount = None;
                    Ok(data::parse_orders_csv(bytes, &opts)?)
                }
                other => Ok(other?),
            }
        }
        "shopify" => {
            let mut opts = ShopifyOptions {
                read,
                ..Default::default()
            };
            if let Some(c) = &a.customer {
                opts.customer_column = c.clone();
            }
            Ok(data::parse_shopify_orders(bytes, &opts)?)
        }
        "cdnow" => Ok(data::parse_cdnow(bytes, &read)?),
        other => Err(UsageError(format!(
            "--input-format: {other:?} is not generic, shopify or cdnow for this command"
        ))
        .into()),
    }
}

/// Events for funnels.
pub fn events(a: &Args, bytes: &[u8]) -> Result<Parsed<Events>, Failure> {
    let d = EventColumns::default();
    let opts = EventsCsvOptions {
        columns: EventColumns {
            user: a.user.clone().unwrap_or(d.user),
            event: a.event.clone().unwrap_or(d.event),
            timestamp: a.time.clone().unwrap_or(d.timestamp),
            session: a.session.clone(),
            property: a.property.clone(),
        },
        read: read_options(a),
    };
    Ok(data::parse_events_csv(bytes, &opts)?)
}

/// Feedback answers (JSON or CSV export).
pub fn answers(a: &Args, bytes: &[u8]) -> Result<Parsed<Vec<FeedbackAnswer>>, Failure> {
    let format = match a.input_format.as_deref() {
        Some(f) => f.to_string(),
        None if a.input.ends_with(".csv") => "csv".into(),
        None => "json".into(),
    };
    // Answers carry the shopper's clock: only an explicit --now rejects later ones.
    let read = ReadOptions {
        now: a.now,
        ..read_options(a)
    };
    match format.as_str() {
        "json" => Ok(data::parse_feedback_json(bytes, &read)?),
        "csv" => Ok(data::parse_feedback_csv(bytes, &read)?),
        other => Err(UsageError(format!(
            "--input-format: {other:?} is not json or csv for nps"
        ))
        .into()),
    }
}

/// A ready-made summary CSV: columns `frequency`, `recency`, then `T` (or
/// `periods`, `n`), optional `weights` — e.g. the BG/BB donations data.
pub fn summary_csv(bytes: &[u8]) -> Result<FitInput, Failure> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| Failure::Data("summary CSV is not UTF-8".into()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| Failure::Data("input is empty: no header row".into()))?;
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
    let missing = |what: &str| {
        Failure::Data(format!(
            "column {what:?} not found in the header (columns: {header})"
        ))
    };
    let fx = find(&["frequency", "x"]).ok_or_else(|| missing("frequency"))?;
    let fr = find(&["recency", "t_x"]).ok_or_else(|| missing("recency"))?;
    let ft = find(&["t", "periods", "n"]).ok_or_else(|| missing("T"))?;
    let fw = find(&["weights", "weight", "count"]);
    let mut input = FitInput::default();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let get = |c: usize| -> Result<f64, Failure> {
            let v = fields.get(c).map(|s| s.trim()).unwrap_or("");
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    Failure::Data(format!(
                        "line {}, column {:?}: not a number: {v:?}",
                        i + 1,
                        cols[c]
                    ))
                })
        };
        input.x.push(get(fx)?);
        input.t_x.push(get(fr)?);
        input.t.push(get(ft)?);
        input.weights.push(match fw {
            Some(c) => get(c)?,
            None => 1.0,
        });
    }
    input.validate().map_err(|e| Failure::Data(e.to_string()))?;
    Ok(input)
}
