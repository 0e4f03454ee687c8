//! Rapport's side of `cargo xtask bench metrics`: the same workloads and data
//! files as the lifetimes/DuckDB reference (`xtask/py/compare.py`).
//!
//! `cargo run --release -p rapport-metrics --example compare -- DIR`
//!
//! Reads `DIR/bgnbd_1m.csv` and `DIR/pareto_23570.csv` (`x,t_x,T`) and
//! `DIR/orders_10m.csv` (`customer,date,amount`) and prints one JSON line:
//!
//! * `bgnbd_1m_s`, `pareto_23570_s`: fit time from the in-memory columns
//!   (input validation, pattern compression and the fit; best of 3);
//! * `cohort_10m_s`: monthly cohort matrix of the 10M orders already parsed (best of 3);
//! * `csv_parse_mb_per_s`: parsing `orders_10m.csv` from a byte buffer already
//!   in memory (best of 2);
//! * `peak_rss_mb`, `bytes_per_order`: this process's peak resident memory
//!   (`VmHWM`) after streaming the orders file from disk into memory, measured
//!   first, before anything else was allocated. `bytes_per_order` is
//!   (peak − resident before reading) / orders: the parsed columns, the
//!   customer-id interning table, the read buffer and growth transients.
//!   `held_bytes_per_order` is what the parsed orders keep afterwards.
//!
//! Reading files for the timed steps is not timed. Linux only for the memory
//! figures (`/proc/self/status`); elsewhere they are `null`.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
use rapport_metrics::data::{parse_orders_csv, read_orders_csv, OrderColumns, OrdersCsvOptions};
use rapport_metrics::models::{bgnbd, pareto_nbd, FitInput, FitOptions};
use serde_json::{json, Value};

fn main() {
    if let Err(e) = run() {
        eprintln!("compare: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: compare DIR (with bgnbd_1m.csv, pareto_23570.csv, orders_10m.csv)")?;
    let opts = orders_options();

    // Memory first, while the process is still small.
    let rss_before = proc_status_kb("VmRSS");
    let orders = read_orders_csv(
        BufReader::with_capacity(1 << 20, open(&dir.join("orders_10m.csv"))?),
        &opts,
    )
    .map_err(|e| format!("orders_10m.csv: {e}"))?
    .data;
    let peak = proc_status_kb("VmHWM");
    let n = orders.len();
    let memory = match (rss_before, peak) {
        (Some(before), Some(peak)) => json!({
            "peak_rss_mb": peak as f64 / 1024.0,
            "bytes_per_order": (peak.saturating_sub(before) * 1024) as f64 / n.max(1) as f64,
        }),
        _ => json!({ "peak_rss_mb": null, "bytes_per_order": null }),
    };
    let held = orders.heap_bytes() as f64 / n.max(1) as f64;

    let cohort = best_of(3, || {
        let r = cohort_matrix(&orders, &CohortOptions::default());
        std::hint::black_box(r.size.len());
    });
    let cohorts = cohort_matrix(&orders, &CohortOptions::default());
    drop(orders);

    let bytes =
        std::fs::read(dir.join("orders_10m.csv")).map_err(|e| format!("orders_10m.csv: {e}"))?;
    let mut parsed_len = 0;
    let parse = best_of(2, || {
        if let Ok(p) = parse_orders_csv(&bytes, &opts) {
            parsed_len = p.data.len();
        }
    });
    if parsed_len != n {
        return Err(format!(
            "orders_10m.csv: parsing the buffer gave {parsed_len} orders, streaming {n}"
        ));
    }
    let mb_per_s = bytes.len() as f64 / 1e6 / parse;
    drop(bytes);

    let (bg_s, bg) = fit_timed(&dir.join("bgnbd_1m.csv"), |input| {
        bgnbd::fit(input, &FitOptions::default()).map(|f| {
            let p = f.params;
            json!({"r": p.r, "alpha": p.alpha, "a": p.a, "b": p.b, "log_likelihood": f.log_likelihood,
                   "iterations": f.iterations, "converged": f.converged, "patterns": f.patterns})
        })
    })?;
    let (pa_s, pa) = fit_timed(&dir.join("pareto_23570.csv"), |input| {
        pareto_nbd::fit(input, &FitOptions::default()).map(|f| {
            let p = f.params;
            json!({"r": p.r, "alpha": p.alpha, "s": p.s, "beta": p.beta, "log_likelihood": f.log_likelihood,
                   "iterations": f.iterations, "converged": f.converged, "patterns": f.patterns})
        })
    })?;

    let mut out = json!({
        "bgnbd_1m_s": bg_s,
        "bgnbd_1m_params": bg,
        "pareto_23570_s": pa_s,
        "pareto_23570_params": pa,
        "cohort_10m_s": cohort,
        "cohort_10m_cohorts": cohorts.size.len(),
        "cohort_10m_customers": cohorts.customers,
        "orders": n,
        "csv_parse_mb_per_s": mb_per_s,
        "held_bytes_per_order": held,
    });
    if let (Value::Object(o), Value::Object(m)) = (&mut out, memory) {
        o.extend(m);
    }
    println!("{out}");
    Ok(())
}

fn orders_options() -> OrdersCsvOptions {
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

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Seconds of the fastest of `n` runs.
fn best_of(n: usize, mut f: impl FnMut()) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Reads `x,t_x,T` columns (untimed), then fits best of 3 from fresh copies.
fn fit_timed(
    path: &Path,
    fit: impl Fn(&FitInput) -> Result<Value, rapport_metrics::models::FitError>,
) -> Result<(f64, Value), String> {
    let (x, t_x, t) = read_columns(path)?;
    let mut best = f64::INFINITY;
    let mut params = Value::Null;
    for _ in 0..3 {
        let (cx, ctx, ct) = (x.clone(), t_x.clone(), t.clone());
        let start = Instant::now();
        let input = FitInput::new(cx, ctx, ct).map_err(|e| format!("{}: {e}", path.display()))?;
        let result = fit(&input).map_err(|e| format!("{}: {e}", path.display()))?;
        best = best.min(start.elapsed().as_secs_f64());
        params = result;
    }
    Ok((best, params))
}

/// `(x, t_x, T)` columns.
type Columns = (Vec<f64>, Vec<f64>, Vec<f64>);

fn read_columns(path: &Path) -> Result<Columns, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (mut x, mut t_x, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut f = line.split(',').map(|v| v.trim().parse::<f64>());
        match (f.next(), f.next(), f.next()) {
            (Some(Ok(a)), Some(Ok(b)), Some(Ok(c))) => {
                x.push(a);
                t_x.push(b);
                t.push(c);
            }
            _ => {
                return Err(format!(
                    "{} line {}: expected x,t_x,T numbers: {line:?}",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    Ok((x, t_x, t))
}

/// A `/proc/self/status` field in kB (Linux).
fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| {
            l[field.len() + 1..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
}
