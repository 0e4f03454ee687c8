//! Fit-time figures for the models (not a test: timings vary by machine).
//!
//! `cargo run --release -p rapport-metrics --example bench_models [DIR]`
//!
//! With `DIR`, it reads the files `cargo xtask bench` fits, `DIR/bgnbd_1m.csv`
//! and `DIR/pareto_23570.csv` (`x,t_x,T`), and times the same workload as the
//! `compare` example (validation, pattern compression, the fit with default
//! options including standard errors; best of 5), with the compression step
//! also timed on its own. Without it, customers are simulated with a seeded generator from the published CDNOW
//! parameters: acquired uniformly over 12 weeks, observed until week 39, so
//! T ∈ [27, 39] weeks. "Daily" rounds every time to whole days (as recorded
//! data is), so customers share (x, t_x, T) patterns; "unique" keeps continuous
//! times so every row is its own pattern — the worst case.

use std::path::Path;
use std::time::Instant;

use rapport_metrics::models::simulate::{bgnbd_customer, pareto_customer, SplitMix64};
use rapport_metrics::models::{
    bgnbd, bgnbd::BgNbd, pareto_nbd, pareto_nbd::ParetoNbd, FitInput, FitOptions,
};

fn population(
    n: usize,
    seed: u64,
    daily: bool,
    draw: &mut dyn FnMut(&mut SplitMix64, f64) -> (f64, f64),
) -> FitInput {
    let mut rng = SplitMix64::new(seed);
    let (mut x, mut t_x, mut t) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for _ in 0..n {
        let age = 39.0 - 12.0 * rng.uniform();
        let (cx, ctx) = draw(&mut rng, age);
        let day = |w: f64| ((w * 7.0).round() / 7.0 * 100.0).round() / 100.0;
        let (age_r, tx_r) = if daily {
            (day(age), day(ctx))
        } else {
            (age, ctx)
        };
        x.push(cx);
        t_x.push(tx_r.min(age_r));
        t.push(age_r);
    }
    FitInput::new(x, t_x, t).expect("simulated input is valid")
}

/// CPU time of this (single-threaded) process in seconds: the main thread's
/// run time from `/proc/self/schedstat` (nanoseconds), else user + system from
/// `/proc/self/stat` (10 ms ticks). Linux only. Reported next to wall time
/// because the build machines are shared and wall time there includes waiting
/// for a core.
fn cpu_seconds() -> Option<f64> {
    if let Some(ns) = std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
    {
        return Some(ns as f64 * 1e-9);
    }
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed().as_secs_f64();
    match (cpu0, cpu_seconds()) {
        (Some(a), Some(b)) => println!("{label}: {wall:.3} s wall, {:.3} s CPU", b - a),
        _ => println!("{label}: {wall:.3} s wall"),
    }
    out
}

/// The x, t_x and T columns.
type Columns = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Reads `x,t_x,T` columns from a CSV file with a header line.
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

/// Best of `runs`: (wall s, CPU s), each the minimum over the runs.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, Option<f64>, T) {
    let (mut wall, mut cpu) = (f64::INFINITY, None::<f64>);
    let mut out = f();
    for _ in 0..runs {
        let cpu0 = cpu_seconds();
        let start = Instant::now();
        out = f();
        wall = wall.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
            cpu = Some(cpu.map_or(b - a, |c: f64| c.min(b - a)));
        }
    }
    (wall, cpu, out)
}

/// Timed repetitions per figure; the best is reported.
const RUNS: usize = 5;

fn report(label: &str, wall: f64, cpu: Option<f64>) {
    match cpu {
        Some(c) => println!("{label}: {wall:.3} s wall, {c:.3} s CPU (best of {RUNS})"),
        None => println!("{label}: {wall:.3} s wall (best of {RUNS})"),
    }
}

fn bench_files(dir: &Path) -> Result<(), String> {
    let opts = FitOptions::default();
    let (x, t_x, t) = read_columns(&dir.join("bgnbd_1m.csv"))?;
    let input = FitInput::new(x.clone(), t_x.clone(), t.clone()).map_err(|e| e.to_string())?;
    let (wall, cpu, n) = best_of(RUNS, || input.patterns().len());
    report(
        &format!("  compress {} rows ({n} patterns)", input.len()),
        wall,
        cpu,
    );
    let patterns = input.patterns();
    let (wall, cpu, _) = best_of(RUNS, || {
        let start = [1.0, 1.0, 1.0, 1.0];
        bgnbd::fit_patterns(&patterns, start, &opts).map(|f| f.iterations)
    });
    report("  fit on the compressed patterns", wall, cpu);
    // Column copies made before the clock starts, as in the `compare` example.
    let mut copies = vec![(x.clone(), t_x.clone(), t.clone()); RUNS + 1];
    let (wall, cpu, fit) = best_of(RUNS, || {
        let (x, t_x, t) = copies.pop().unwrap_or_default();
        FitInput::new(x, t_x, t)
            .map_err(|e| e.to_string())
            .and_then(|input| bgnbd::fit(&input, &opts).map_err(|e| e.to_string()))
    });
    report(&format!("BG/NBD {} customers fit", input.len()), wall, cpu);
    let f = fit?;
    println!(
        "  r={:.6} alpha={:.6} a={:.6} b={:.6} LL={:.4} iterations={} converged={}",
        f.params.r,
        f.params.alpha,
        f.params.a,
        f.params.b,
        f.log_likelihood,
        f.iterations,
        f.converged
    );
    let (x, t_x, t) = read_columns(&dir.join("pareto_23570.csv"))?;
    let n_rows = x.len();
    let mut copies = vec![(x.clone(), t_x.clone(), t.clone()); RUNS + 1];
    let (wall, cpu, fit) = best_of(RUNS, || {
        let (x, t_x, t) = copies.pop().unwrap_or_default();
        FitInput::new(x, t_x, t)
            .map_err(|e| e.to_string())
            .and_then(|input| pareto_nbd::fit(&input, &opts).map_err(|e| e.to_string()))
    });
    report(&format!("Pareto/NBD {n_rows} customers fit"), wall, cpu);
    let f = fit?;
    println!(
        "  r={:.6} alpha={:.6} s={:.6} beta={:.6} LL={:.4} iterations={} converged={} patterns={}",
        f.params.r,
        f.params.alpha,
        f.params.s,
        f.params.beta,
        f.log_likelihood,
        f.iterations,
        f.converged,
        f.patterns
    );
    Ok(())
}

fn main() {
    if let Some(dir) = std::env::args().nth(1) {
        if let Err(e) = bench_files(Path::new(&dir)) {
            eprintln!("bench_models: {e}");
            std::process::exit(1);
        }
        return;
    }
    let opts = FitOptions {
        std_errors: false,
        ..FitOptions::default()
    };
    let bg = BgNbd::new(0.2426, 4.4136, 0.7929, 2.4259).expect("valid");
    for daily in [true, false] {
        let kind = if daily { "daily" } else { "unique" };
        let input = population(1_000_000, 1, daily, &mut |rng, age| {
            bgnbd_customer(rng, &bg, age)
        });
        let patterns = time(&format!("  compress 1,000,000 rows ({kind})"), || {
            input.patterns().len()
        });
        let fit = time(
            &format!("BG/NBD 1,000,000 customers ({kind}, {patterns} patterns) fit"),
            || rapport_metrics::models::bgnbd::fit(&input, &opts),
        );
        match fit {
            Ok(f) => println!(
                "  r={:.4} alpha={:.4} a={:.4} b={:.4} LL={:.2} iterations={} converged={}",
                f.params.r,
                f.params.alpha,
                f.params.a,
                f.params.b,
                f.log_likelihood,
                f.iterations,
                f.converged
            ),
            Err(e) => println!("  failed: {e}"),
        }
    }
    let pareto = ParetoNbd::new(0.5534, 10.5802, 0.6061, 11.6562).expect("valid");
    for daily in [true, false] {
        let kind = if daily { "daily" } else { "unique" };
        let input = population(23_570, 2, daily, &mut |rng, age| {
            pareto_customer(rng, &pareto, age)
        });
        let patterns = input.patterns().len();
        let fit = time(
            &format!("Pareto/NBD 23,570 customers ({kind}, {patterns} patterns) fit"),
            || rapport_metrics::models::pareto_nbd::fit(&input, &opts),
        );
        match fit {
            Ok(f) => println!(
                "  r={:.4} alpha={:.4} s={:.4} beta={:.4} LL={:.2} iterations={} converged={}",
                f.params.r,
                f.params.alpha,
                f.params.s,
                f.params.beta,
                f.log_likelihood,
                f.iterations,
                f.converged
            ),
            Err(e) => println!("  failed: {e}"),
        }
    }
}
