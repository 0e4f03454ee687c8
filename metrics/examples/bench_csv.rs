//! The orders CSV reader against the `csv` crate on the same file, in the same run.
//!
//! `cargo run --release -p rapport-metrics --example bench_csv -- FILE [rapport|all]`
//!
//! FILE is a `customer,date,amount` CSV such as `orders_10m.csv` of `cargo
//! xtask bench`, read into memory first (reading is not timed). Three
//! readings of the same bytes, best of 3 each, wall and on-CPU seconds (this
//! thread's run time from Linux schedstat, which other processes competing
//! for the cores do not inflate):
//!
//! * `rapport`: [`parse_orders_csv`], giving [`Orders`] (customers interned,
//!   dates and amounts parsed, every row checked);
//! * `csv_records`: the `csv` crate's `ByteRecord` reader, records only —
//!   the floor of any reader built on it;
//! * `csv_orders`: the `csv` crate plus the same work done plainly (customer
//!   ids interned in a hash map, dates by [`parse_timestamp`], amounts by
//!   `str::parse`), giving the same [`Orders`] (checked equal).
//!
//! Prints one JSON line (MB/s = 10⁶ bytes per second). `rapport` alone runs
//! only the first reading, for a profiler (`perf record`).

use std::time::Instant;

use rapport_metrics::data::date::{parse_timestamp, DateFormat, OffsetPolicy};
use rapport_metrics::data::{parse_orders_csv, OrderColumns, Orders, OrdersCsvOptions};
use rustc_hash::FxHashMap;
use serde_json::json;

/// On-CPU seconds of this thread (Linux), if available.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Best of `runs`: (wall seconds, on-CPU seconds or wall, last result).
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut out = None;
    for _ in 0..runs {
        let (w, c) = (Instant::now(), cpu_seconds());
        let v = f();
        let w = w.elapsed().as_secs_f64();
        let c = match (c, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => w,
        };
        wall = wall.min(w);
        cpu = cpu.min(c);
        out = Some(v);
    }
    match out {
        Some(v) => (wall, cpu, v),
        None => unreachable!("runs >= 1"),
    }
}

fn options() -> OrdersCsvOptions {
    OrdersCsvOptions {
        columns: OrderColumns {
            customer: "customer".into(),
            timestamp: "date".into(),
            amount: Some("amount".into()),
            order_id: None,
            status: None,
        },
        ..OrdersCsvOptions::default()
    }
}

/// The `csv` crate, records only: how many.
fn csv_records(bytes: &[u8]) -> Result<usize, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record)? {
        n += 1;
    }
    Ok(n)
}

/// The `csv` crate and the same work done plainly, into [`Orders`].
fn csv_orders(bytes: &[u8]) -> Result<Orders, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = reader.byte_headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or(format!("no column {name}"))
    };
    let (c, d, a) = (col("customer")?, col("date")?, col("amount")?);
    let mut ids: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
    let mut names: Vec<String> = Vec::new();
    let (mut customer, mut timestamp, mut amount) = (Vec::new(), Vec::new(), Vec::new());
    let mut record = csv::ByteRecord::new();
    let mut line = 1;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        line += 1;
        let bad = |what: &str| format!("line {line}: bad {what}");
        let id = record.get(c).ok_or_else(|| bad("row"))?;
        let next = ids.len() as u32;
        let index = *ids.entry(id.to_vec()).or_insert_with(|| {
            names.push(String::from_utf8_lossy(id).into_owned());
            next
        });
        let t = parse_timestamp(
            record.get(d).ok_or_else(|| bad("row"))?,
            DateFormat::Iso8601,
            OffsetPolicy::Utc,
        )
        .map_err(|_| bad("date"))?;
        let value: f64 = std::str::from_utf8(record.get(a).ok_or_else(|| bad("row"))?)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("amount"))?;
        customer.push(index);
        timestamp.push(t);
        amount.push(value);
    }
    Orders::from_indexed(customer, names, timestamp, amount).map_err(|e| e.to_string())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: bench_csv FILE [rapport|all]");
        std::process::exit(2);
    };
    let only_rapport = args.next().as_deref() == Some("rapport");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mb = bytes.len() as f64 / 1e6;
    let opts = options();
    let (wall, cpu, ours) = best_of(3, || parse_orders_csv(&bytes, &opts));
    let ours = match ours {
        Ok(p) => p.data,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    if only_rapport {
        println!(
            "{}",
            json!({"rapport_mb_per_s": mb / wall, "rapport_cpu_mb_per_s": mb / cpu})
        );
        return;
    }
    let (rec_wall, rec_cpu, records) = best_of(3, || csv_records(&bytes));
    let (ord_wall, ord_cpu, theirs) = best_of(3, || csv_orders(&bytes));
    let same = match (&records, &theirs) {
        (Ok(n), Ok(o)) => *n == ours.len() && *o == ours,
        _ => false,
    };
    if !same {
        eprintln!("the csv crate's reading differs from rapport's: {records:?}");
        std::process::exit(1);
    }
    println!(
        "{}",
        json!({
            "megabytes": mb,
            "rows": ours.len(),
            "rapport_mb_per_s": mb / wall,
            "rapport_cpu_mb_per_s": mb / cpu,
            "csv_records_mb_per_s": mb / rec_wall,
            "csv_records_cpu_mb_per_s": mb / rec_cpu,
            "csv_orders_mb_per_s": mb / ord_wall,
            "csv_orders_cpu_mb_per_s": mb / ord_cpu,
        })
    );
}
