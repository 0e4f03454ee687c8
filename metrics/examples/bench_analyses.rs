//! Throughput and memory of ingestion and analyses on seeded synthetic data.
//!
//! ```text
//! cargo run --release -p rapport-metrics --example bench_analyses            # speed
//! cargo run --release -p rapport-metrics --example bench_analyses -- memory  # peak RSS, 10M orders
//! cargo run --release -p rapport-metrics --example bench_analyses -- file orders_10m.csv
//! ```
//! `file PATH` measures a `customer,date,amount` CSV such as the `orders_10m.csv`
//! of `cargo xtask bench`: parsing it from memory and streamed, then the
//! monthly and weekly cohort matrices of the parsed orders.
//! `memory` builds 10M orders / 1M customers from columns, runs the cohort
//! matrix and prints peak resident memory per order (Linux `VmHWM`). It runs
//! alone so nothing else inflates the peak. Prints figures; asserts nothing.

use std::io::Write;
use std::time::Instant;

use rapport_metrics::cohort::{cohort_matrix, CohortOptions, CohortPeriod};
use rapport_metrics::data::{
    parse_orders_csv, read_orders_csv, OrderColumns, Orders, OrdersCsvOptions,
};
use rapport_metrics::rfm::{rfm, RfmOptions};
use rapport_metrics::summary::{summary, Period, SummaryOptions};

/// SplitMix64: tiny, seeded, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
}

const START: i64 = 19_358 * 86_400; // 2023-01-01
const DAYS: u64 = 730;

/// `orders` orders over `customers` customers in two years; each customer has
/// an acquisition day and buys on random later days.
fn synthetic(orders: usize, customers: u32, seed: u64) -> Orders {
    let mut rng = Rng(seed);
    let acquired: Vec<u64> = (0..customers).map(|_| rng.below(DAYS)).collect();
    let mut customer = Vec::with_capacity(orders);
    let mut timestamp = Vec::with_capacity(orders);
    let mut amount = Vec::with_capacity(orders);
    for _ in 0..orders {
        let c = rng.below(u64::from(customers)) as u32;
        let a = acquired[c as usize];
        let day = a + rng.below(DAYS - a);
        customer.push(c);
        timestamp.push(START + (day * 86_400 + rng.below(86_400)) as i64);
        amount.push(rng.below(20_000) as f64 / 100.0);
    }
    let ids = (0..customers).map(|c| format!("C{c:07}")).collect();
    Orders::from_indexed(customer, ids, timestamp, amount).expect("synthetic columns are valid")
}

fn csv_text(o: &Orders) -> Vec<u8> {
    let mut out = Vec::with_capacity(o.len() * 40);
    out.extend_from_slice(b"customer_id,date,amount\n");
    for i in 0..o.len() {
        let t = o.timestamps()[i];
        let (y, m, d) = rapport_metrics::data::date::civil_from_days(t.div_euclid(86_400));
        let s = t.rem_euclid(86_400);
        let _ = writeln!(
            out,
            "{},{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z,{:.2}",
            o.customer_ids()[o.customers()[i] as usize],
            s / 3600,
            s / 60 % 60,
            s % 60,
            o.amounts()[i]
        );
    }
    out
}

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// On-CPU time of this thread (Linux schedstat), so that other processes
/// competing for the two shared cores do not inflate the figures; wall
/// clock where it is unavailable.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Best of `runs`: (on-CPU seconds, wall seconds, result). On-CPU time falls
/// back to wall clock where it is unavailable.
fn best_of2<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let (mut best_cpu, mut best_wall) = (f64::INFINITY, f64::INFINITY);
    let mut out = None;
    for _ in 0..runs {
        let (w, c) = (Instant::now(), cpu_seconds());
        let v = f();
        let wall = w.elapsed().as_secs_f64();
        let cpu = match (c, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        best_cpu = best_cpu.min(cpu);
        best_wall = best_wall.min(wall);
        out = Some(v);
    }
    (best_cpu, best_wall, out.expect("runs >= 1"))
}

/// Parse and cohort figures on a `customer,date,amount` file.
fn file(path: &str) {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mb = text.len() as f64 / 1e6;
    let opts = OrdersCsvOptions {
        columns: OrderColumns {
            customer: "customer".into(),
            timestamp: "date".into(),
            amount: Some("amount".into()),
            order_id: None,
            status: None,
        },
        ..OrdersCsvOptions::default()
    };
    println!("{path}: {mb:.0} MB; best-of-N seconds, on-CPU (this thread) / wall");
    let (cpu, wall, parsed) = best_of2(3, || parse_orders_csv(&text, &opts));
    let orders = match parsed {
        Ok(p) => p.data,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "parse_orders_csv (slice): {} rows, {} customers: cpu {cpu:.3} s = {:.0} MB/s, wall {wall:.3} s = {:.0} MB/s",
        orders.len(),
        orders.n_customers(),
        mb / cpu,
        mb / wall
    );
    let (cpu, wall, streamed) = best_of2(3, || read_orders_csv(&text[..], &opts).map(|p| p.data));
    println!(
        "read_orders_csv (stream): cpu {cpu:.3} s = {:.0} MB/s, wall {wall:.3} s = {:.0} MB/s",
        mb / cpu,
        mb / wall
    );
    if streamed.as_ref().ok() != Some(&orders) {
        eprintln!("streamed and in-memory parses differ");
        std::process::exit(1);
    }
    drop(streamed);
    drop(text);
    for by in [CohortPeriod::Month, CohortPeriod::Week] {
        let (cpu, wall, r) = best_of2(5, || {
            cohort_matrix(&orders, &CohortOptions { by, end_day: None })
        });
        println!(
            "cohort_matrix {by:?}: {} cohorts, {} customers: cpu {cpu:.3} s, wall {wall:.3} s",
            r.size.len(),
            r.customers
        );
    }
    println!(
        "columns + ids: {:.1} B/order",
        orders.heap_bytes() as f64 / orders.len().max(1) as f64
    );
}

/// Best of `runs`: (seconds, result); seconds are on-CPU time when available.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let (w, c) = (Instant::now(), cpu_seconds());
        let v = f();
        let wall = w.elapsed().as_secs_f64();
        let took = match (c, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        best = best.min(took);
        out = Some(v);
    }
    (best, out.expect("runs >= 1"))
}

fn memory() {
    let n = 10_000_000;
    let o = synthetic(n, 1_000_000, 7);
    let r = cohort_matrix(
        &o,
        &CohortOptions {
            by: CohortPeriod::Week,
            end_day: None,
        },
    );
    let cols = o.heap_bytes();
    let peak = peak_rss_bytes().unwrap_or(0);
    println!(
        "memory: {n} orders, {} customers, {} weekly cohorts",
        o.n_customers(),
        r.size.len()
    );
    println!(
        "  columns + ids: {:.1} MB ({:.1} B/order)",
        cols as f64 / 1e6,
        cols as f64 / n as f64
    );
    println!(
        "  peak RSS (VmHWM) after cohort matrix: {:.1} MB ({:.1} B/order)",
        peak as f64 / 1e6,
        peak as f64 / n as f64
    );
}

fn speed() {
    println!("times are best-of-N on-CPU seconds of this thread");
    let o = synthetic(2_000_000, 200_000, 1);
    let text = csv_text(&o);
    let mb = text.len() as f64 / 1e6;
    let opts = OrdersCsvOptions::default();
    let (t, parsed) = best_of(3, || {
        parse_orders_csv(&text, &opts).expect("synthetic CSV parses")
    });
    assert_eq!(parsed.data.len(), o.len());
    println!(
        "parse_orders_csv (slice): {mb:.0} MB, {} rows in {:.3} s = {:.0} MB/s",
        o.len(),
        t,
        mb / t
    );
    let (t, _) = best_of(3, || {
        read_orders_csv(&text[..], &opts).expect("synthetic CSV parses")
    });
    println!("read_orders_csv (stream): {:.3} s = {:.0} MB/s", t, mb / t);

    let big = synthetic(10_000_000, 1_000_000, 2);
    for by in [CohortPeriod::Month, CohortPeriod::Week] {
        let (t, r) = best_of(3, || {
            cohort_matrix(&big, &CohortOptions { by, end_day: None })
        });
        println!(
            "cohort_matrix {by:?}: 10M orders / 1M customers, {} cohorts in {:.3} s",
            r.size.len(),
            t
        );
    }
    let (t, s) = best_of(1, || {
        summary(
            &big,
            &SummaryOptions {
                period: Period::Week,
                ..Default::default()
            },
        )
    });
    println!("summary: {} customers in {:.3} s", s.len(), t);
    let (t, _) = best_of(1, || rfm(&big, &RfmOptions::default()));
    println!("rfm: {:.3} s", t);
    if let Some(p) = peak_rss_bytes() {
        println!("peak RSS of the speed run: {:.0} MB", p as f64 / 1e6);
    }
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("memory") => memory(),
        Some("file") => match std::env::args().nth(2) {
            Some(path) => file(&path),
            None => eprintln!("usage: bench_analyses file PATH"),
        },
        Some("parse") => {
            let o = synthetic(2_000_000, 200_000, 1);
            let text = csv_text(&o);
            let (t, _) = best_of(5, || {
                parse_orders_csv(&text, &OrdersCsvOptions::default()).map(|p| p.data.len())
            });
            println!("parse_orders_csv: {:.0} MB/s", text.len() as f64 / 1e6 / t);
        }
        _ => speed(),
    }
}
