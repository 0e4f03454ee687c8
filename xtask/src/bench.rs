//! `cargo xtask bench`: measured figures, printed side by side (never timed tests).
//!
//! * Metrics engine vs the references: lifetimes (BG/NBD on 1M customers, Pareto/NBD on
//!   23,570) and DuckDB (monthly cohort matrix over 10M orders), all on the same seeded data
//!   files, written once by `xtask/py/compare.py`. Rapport runs natively
//!   (`metrics/examples/compare.rs`) and as wasm in headless Chromium (`tests/bench/metrics-wasm.mjs`).
//!   The orders CSV reader is also compared with the `csv` crate on the same file in the
//!   same run (`metrics/examples/bench_csv.rs`).
//! * The widget: trigger → first paint, cold and cached (`tests/bench/first-paint.mjs`).
//! * The collector: sustained POST /v1/responses throughput with p50/p99 on SQLite and on
//!   PostgreSQL (one and two instances), and the export of 1,000,000 responses from each
//!   (time, peak RSS of the collector), all by `rapport-loadgen`.
//!
//! * Loyalty: earn events per second through the signed Standard Webhooks order endpoint and
//!   p50/p99 of the balance read (`GET loyalty/me`) with 1,000,000 ledger rows, on SQLite
//!   and on PostgreSQL, by `rapport-loyalty-bench` against the release collector.
//!
//! * Inbox: p50/p99 of filtered, ranked inbox pages (detractors by revenue at risk, survey +
//!   tag + status, full-text search, next pages through the cursor) with 1,000,000
//!   responses, on SQLite and on PostgreSQL, by `rapport-inbox-bench` (it also times the
//!   indexing of the responses and a whole-site revenue-at-risk refresh).
//!
//! * Customer scores: one run of the scores job's computation over 100,000 customers and
//!   about 1,000,000 orders, and its SQLite write (`rapport-scores-bench`).
//!
//! Pass section names to run only some: `cargo xtask bench metrics widget collector loyalty inbox scores dashboard`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::install::CHROMIUM;
use crate::postgres::Cluster;
use crate::util::{self, cmd, step};

const SECTIONS: &[&str] = &[
    "metrics",
    "widget",
    "collector",
    "loyalty",
    "dashboard",
    "inbox",
    "scores",
];

/// Runs the requested benchmark sections (all by default).
pub fn run(args: &[String]) -> Result<(), String> {
    for arg in args {
        if !SECTIONS.contains(&arg.as_str()) {
            return Err(format!(
                "unknown bench section `{arg}`; sections: {}",
                SECTIONS.join(", ")
            ));
        }
    }
    let wanted = |s: &str| args.is_empty() || args.iter().any(|a| a == s);
    // The loyalty, inbox and scores sections need neither the browser tools nor the built widget.
    if SECTIONS
        .iter()
        .any(|s| !["loyalty", "inbox", "scores"].contains(s) && wanted(s))
    {
        crate::install::run()?;
        crate::build::run_build()?;
    }
    if wanted("loyalty") {
        loyalty()?;
    }
    if wanted("inbox") {
        inbox()?;
    }
    if wanted("scores") {
        scores()?;
    }
    if wanted("collector") {
        collector()?;
    }
    if wanted("widget") {
        widget()?;
    }
    if wanted("metrics") {
        metrics()?;
    }
    if wanted("dashboard") {
        dashboard()?;
    }
    Ok(())
}

/// Every chart of the dashboard for 100,000 customers and 1,000,000 orders (seeded data in
/// the collector's dashboard JSON): natively (`metrics/examples/bench_dashboard.rs`) and in
/// the metrics engine's Web Worker in headless Chromium (`tests/bench/dashboard-worker.mjs`).
fn dashboard() -> Result<(), String> {
    let dir = bench_dir()?;
    let native = json_of(
        "dashboard, native (best of 3)",
        util::cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "--package",
                "rapport-metrics",
                "--example",
                "bench_dashboard",
                "--",
            ])
            .arg(&dir),
    )?;
    let file = native["file"].as_str().unwrap_or_default().to_owned();
    step(
        "collector (release) for the Worker benchmark",
        util::cargo().args(["build", "--release", "--package", "rapport-server"]),
    )?;
    let server = Server::start(&dir.join("dashboard-bench.sqlite"))?;
    let worker = json_of(
        "dashboard in the Worker, headless Chromium (best of 3)",
        cmd("node")
            .arg("tests/bench/dashboard-worker.mjs")
            .arg(server.url())
            .arg(&file)
            .env("CHROMIUM_PATH", CHROMIUM),
    );
    drop(server);
    let worker = worker.unwrap_or_else(|e| {
        eprintln!("Worker benchmark failed: {e}");
        Value::Null
    });
    println!(
        "\nDashboard: every chart ({} charts) for {} customers and {} orders ({:.1} MB of JSON)",
        native["charts"],
        native["customers"],
        native["orders"],
        native["bytes"].as_f64().unwrap_or(0.0) / 1e6
    );
    println!(
        "  native (release)              {:>8.2} s",
        native["native_s"].as_f64().unwrap_or(f64::NAN)
    );
    println!(
        "  Worker in Chromium (wasm)     {:>8.2} s",
        worker["worker_s"].as_f64().unwrap_or(f64::NAN)
    );
    println!(
        "  longest main-thread gap while the Worker computes: {:.0} ms",
        worker["longest_main_thread_gap_ms"]
            .as_f64()
            .unwrap_or(f64::NAN)
    );
    println!("  native steps (s from start): {}", native["steps_at_s"]);
    println!("  Worker steps (s from start): {}", worker["steps_at_s"]);
    Ok(())
}

fn bench_dir() -> Result<PathBuf, String> {
    let dir = util::root().join(".rapport/bench");
    util::mkdirs(&dir)?;
    Ok(dir)
}

/// Load-generator runs of one collector benchmark: POSTs per second with p50/p99, and
/// the 1,000,000-response export, on SQLite and PostgreSQL.
const EXPORT_ROWS: u64 = 1_000_000;

/// The collector under load, each scenario with the release `rapport-server` in its own
/// process(es) and the client in another (`rapport-loadgen`): sustained POST
/// /v1/responses on SQLite (one instance) and on a throwaway PostgreSQL cluster (one
/// instance, then two instances on one database, the clients spread over both); then the
/// export of 1,000,000 responses from each backend (time, and the collector's peak RSS).
fn collector() -> Result<(), String> {
    step(
        "collector and load generator (release)",
        util::cargo().args([
            "build",
            "--release",
            "--package",
            "rapport-server",
            "--bins",
        ]),
    )?;
    let dir = bench_dir()?;
    // Every client shares 127.0.0.1: the rate limit would answer most requests with 429.
    let unlimited =
        Some(serde_json::json!({ "burst": 1_000_000_000u64, "perSecond": 1_000_000_000u64 }));
    let sqlite = dir.join("loadgen.sqlite");
    remove_sqlite(&sqlite);
    // Each scenario with 32 and with 256 clients: every client waits for its answer, so
    // the rate is at most clients / latency, and a commit that waits for a disk flush
    // (PostgreSQL) needs more requests in flight to fill its batches.
    let mut posts = Vec::new();
    {
        let server = Server::start_db(sqlite.to_str().unwrap_or_default(), unlimited.clone())?;
        for clients in [32, 256] {
            posts.push(("SQLite, 1 instance", post_load(&[&server], clients)?));
        }
    }
    // fsync and synchronous_commit as shipped: a 201 is on disk.
    let cluster = Cluster::start("bench", false)?;
    let pg = format!("{}?pool_size=16", cluster.create_database("loadgen")?);
    {
        let server = Server::start_db(&pg, unlimited.clone())?;
        for clients in [32, 256] {
            posts.push(("PostgreSQL, 1 instance", post_load(&[&server], clients)?));
        }
    }
    {
        let a = Server::start_db(&pg, unlimited.clone())?;
        let b = Server::start_db(&pg, unlimited.clone())?;
        for clients in [32, 256] {
            posts.push(("PostgreSQL, 2 instances", post_load(&[&a, &b], clients)?));
        }
    }

    let export_sqlite = dir.join("export.sqlite");
    remove_sqlite(&export_sqlite);
    let exports = vec![
        (
            "SQLite",
            export_run(export_sqlite.to_str().unwrap_or_default())?,
        ),
        (
            "PostgreSQL",
            export_run(&cluster.create_database("export")?)?,
        ),
    ];
    drop(cluster);
    remove_sqlite(&sqlite);
    remove_sqlite(&export_sqlite);

    let f = figure;
    println!(
        "\ncollector, release build, loopback, keep-alive clients for 10 s each ({} cores)",
        cores()
    );
    println!(
        "{:<26} {:>8} {:>10} {:>9} {:>9} {:>10} {:>12}",
        "POST /v1/responses", "clients", "per s", "p50 ms", "p99 ms", "requests", "201 = rows"
    );
    for (label, v) in &posts {
        println!(
            "{label:<26} {:>8.0} {:>10.0} {:>9.2} {:>9.2} {:>10.0} {:>12}",
            f(v, "clients"),
            f(v, "per_second"),
            f(v, "p50_ms"),
            f(v, "p99_ms"),
            f(v, "requests"),
            if f(v, "created") == f(v, "rows") {
                "yes"
            } else {
                "NO"
            }
        );
    }
    println!(
        "\n{:<26} {:>8} {:>10} {:>9} {:>12} {:>14} {:>12}",
        "export of 1,000,000", "format", "seconds", "MB", "RSS before", "peak RSS", "healthz max"
    );
    for (label, runs) in &exports {
        for v in runs {
            println!(
                "{label:<26} {:>8} {:>10.1} {:>9.0} {:>9.1} MB {:>11.1} MB {:>9.0} ms",
                v.get("format").and_then(Value::as_str).unwrap_or("?"),
                f(v, "seconds"),
                f(v, "bytes") / 1e6,
                f(v, "rss_before_mb"),
                f(v, "peak_rss_mb"),
                f(v, "healthz_worst_ms"),
            );
        }
    }
    Ok(())
}

/// Ledger rows seeded before the loyalty benchmark's balance reads.
const LEDGER_ROWS: u64 = 1_000_000;
/// Customers those rows belong to (100 entries each).
const LEDGER_CUSTOMERS: u64 = 10_000;

/// One run of the customer scores job over 100,000 customers and about 1,000,000 orders
/// (`rapport-scores-bench`, release): the computation and the SQLite write.
fn scores() -> Result<(), String> {
    build_release(
        "customer scores benchmark (release)",
        &["rapport-scores-bench"],
    )?;
    step(
        "scores: one run, 100,000 customers / 1,000,000 orders",
        release_bin("rapport-scores-bench").args(["--customers", "100000", "--orders", "1000000"]),
    )
}

/// The loyalty ledger under load on each backend: 1,000,000 rows seeded in one
/// transaction, then the release collector (the demo site's programme: tiers, expiry,
/// rewards, referrals) takes signed Standard Webhooks `order.paid` deliveries from 32
/// keep-alive clients for 10 s, then answers `loyalty/me` balance reads for 10 s from 32
/// clients and for 10 s from one (the read's latency without queueing).
fn loyalty() -> Result<(), String> {
    build_release(
        "collector and loyalty benchmark (release)",
        &["rapport-server", "rapport-loyalty-bench"],
    )?;
    let config: Value = serde_json::from_str(
        &std::fs::read_to_string(util::root().join("config/demo.json"))
            .map_err(|e| format!("reading config/demo.json: {e}"))?,
    )
    .map_err(|e| format!("parsing config/demo.json: {e}"))?;
    let demo = config
        .get("sites")
        .and_then(Value::as_array)
        .and_then(|sites| sites.iter().find(|s| s["site"] == "demo"))
        .ok_or("config/demo.json: no site `demo`")?;
    let secret = |pointer: &str| {
        demo.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("config/demo.json: demo site has no {pointer}"))
    };
    let standard = secret("/loyalty/webhooks/standard")?;
    let token = secret("/loyalty/customerTokenSecret")?;
    let unlimited =
        Some(serde_json::json!({ "burst": 1_000_000_000u64, "perSecond": 1_000_000_000u64 }));

    let run = |db: &BenchDb| -> Result<(Value, Value), String> {
        let seeded = json_of(
            &format!("seed {LEDGER_ROWS} ledger rows"),
            release_bin("rapport-loyalty-bench")
                .args(["--seed", &LEDGER_ROWS.to_string(), "--db", &db.url])
                .args([
                    "--site",
                    "demo",
                    "--customers",
                    &LEDGER_CUSTOMERS.to_string(),
                ]),
        )?;
        let server = Server::start_db(&db.server_url(), unlimited.clone())?;
        let load = json_of(
            "loyalty: earn events and balance reads",
            release_bin("rapport-loyalty-bench")
                .arg("--url")
                .arg(server.url())
                .args([
                    "--site",
                    "demo",
                    "--customers",
                    &LEDGER_CUSTOMERS.to_string(),
                ])
                .args(["--standard-secret", &standard, "--token-secret", &token])
                .args(["--clients", "32", "--duration", "10"]),
        )?;
        Ok((seeded, load))
    };
    // fsync and synchronous_commit as shipped: an applied earn is on disk.
    let results = on_both_backends("loyalty", Fsync::AsShipped, run)?;

    let f = figure;
    println!(
        "\nloyalty, release build, loopback, 32 keep-alive clients, 10 s per phase ({} cores)",
        cores()
    );
    println!(
        "{:<12} {:>10} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8} {:>10} {:>10}",
        "backend",
        "seed 1M s",
        "earn/s",
        "p50 ms",
        "p99 ms",
        "balance/s",
        "p50 ms",
        "p99 ms",
        "1 client",
        "p99 ms"
    );
    for (label, (seeded, load)) in &results {
        println!(
            "{label:<12} {:>10.1} {:>8.0} {:>8.2} {:>8.2} {:>10.0} {:>8.2} {:>8.2} {:>7.2} ms {:>10.2}",
            f(seeded, "seconds"),
            f(load, "earn_per_second"),
            f(load, "earn_p50_ms"),
            f(load, "earn_p99_ms"),
            f(load, "read_per_second"),
            f(load, "read_p50_ms"),
            f(load, "read_p99_ms"),
            f(load, "single_p50_ms"),
            f(load, "single_p99_ms"),
        );
    }
    Ok(())
}

/// Responses in the inbox benchmark.
const INBOX_ROWS: u64 = 1_000_000;

/// The inbox with [`INBOX_ROWS`] responses on SQLite and on a throwaway PostgreSQL cluster
/// (`rapport-inbox-bench`, release): seeding, indexing, a revenue-at-risk refresh, and
/// p50/p99 of each page shape.
fn inbox() -> Result<(), String> {
    build_release("inbox benchmark (release)", &["rapport-inbox-bench"])?;
    let run = |db: &BenchDb| -> Result<Value, String> {
        json_of(
            &format!("inbox: {INBOX_ROWS} responses"),
            release_bin("rapport-inbox-bench")
                .args(["--db", &db.url, "--rows", &INBOX_ROWS.to_string()])
                .args(["--customers", "50000", "--runs", "100"]),
        )
    };
    let results = on_both_backends("inbox", Fsync::Off, run)?;

    let f = figure;
    println!(
        "\ninbox, release build, {INBOX_ROWS} responses, 50,000 scored customers, reads through the store ({} cores)",
        cores()
    );
    for (label, v) in &results {
        println!(
            "{label}: seed {:.1} s, index {:.1} s, tag 10,000 {:.1} s, refresh risk of {} rows {:.1} s",
            f(v, "seed_s"),
            f(v, "index_s"),
            f(v, "tag_s"),
            f(v, "refreshed"),
            f(v, "refresh_s"),
        );
    }
    println!(
        "{:<44} {:>12} {:>12} {:>12} {:>12}",
        "page of 50", "SQLite p50", "p99 ms", "PG p50", "p99 ms"
    );
    let queries = |v: &Value| {
        v.get("queries")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (lite, pg) = (queries(&results[0].1), queries(&results[1].1));
    for (a, b) in lite.iter().zip(&pg) {
        println!(
            "{:<44} {:>12.2} {:>12.2} {:>12.2} {:>12.2}",
            a.get("name").and_then(Value::as_str).unwrap_or("?"),
            f(a, "p50_ms"),
            f(a, "p99_ms"),
            f(b, "p50_ms"),
            f(b, "p99_ms"),
        );
    }
    Ok(())
}

/// Builds the collector package's release binaries `bins`.
fn build_release(label: &str, bins: &[&str]) -> Result<(), String> {
    let mut build = util::cargo();
    build.args(["build", "--release", "--package", "rapport-server"]);
    for bin in bins {
        build.args(["--bin", bin]);
    }
    step(label, &mut build)
}

/// A release binary of the workspace, to run.
fn release_bin(name: &str) -> Command {
    let bin = util::target_dir().join("release").join(name);
    cmd(bin.to_str().unwrap_or(name))
}

/// The figure `key` of a benchmark's JSON (NaN when absent).
fn figure(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// Cores of this machine, for the tables' headings.
fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// How the throwaway PostgreSQL cluster of [`on_both_backends`] writes.
#[derive(Clone, Copy)]
enum Fsync {
    /// `fsync` and `synchronous_commit` as shipped: what is acknowledged is on disk.
    AsShipped,
    /// Both off: for benchmarks that time reads, not commits.
    Off,
}

/// One backend's database for a benchmark: a SQLite path or a PostgreSQL URL.
struct BenchDb {
    url: String,
    postgres: bool,
}

impl BenchDb {
    /// The database as the collector opens it (PostgreSQL with a pool of 16).
    fn server_url(&self) -> String {
        match self.postgres {
            true => format!("{}?pool_size=16", self.url),
            false => self.url.clone(),
        }
    }
}

/// Runs `run` on a fresh SQLite file `<name>.sqlite` in the bench directory (removed after)
/// and on a fresh database `<name>` of a throwaway PostgreSQL cluster (stopped after); the
/// results labelled `SQLite` and `PostgreSQL`.
fn on_both_backends<T>(
    name: &str,
    fsync: Fsync,
    run: impl Fn(&BenchDb) -> Result<T, String>,
) -> Result<Vec<(&'static str, T)>, String> {
    let sqlite = bench_dir()?.join(format!("{name}.sqlite"));
    remove_sqlite(&sqlite);
    let lite = run(&BenchDb {
        url: sqlite.to_str().unwrap_or_default().to_owned(),
        postgres: false,
    });
    remove_sqlite(&sqlite);
    let mut results = vec![("SQLite", lite?)];
    let cluster = Cluster::start(&format!("bench-{name}"), matches!(fsync, Fsync::Off))?;
    let pg = BenchDb {
        url: cluster.create_database(name)?,
        postgres: true,
    };
    results.push(("PostgreSQL", run(&pg)?));
    drop(cluster);
    Ok(results)
}

/// `clients` keep-alive clients for 10 s spread over `servers`; the figures as JSON.
fn post_load(servers: &[&Server], clients: usize) -> Result<Value, String> {
    let mut command = loadgen();
    command.args(["--clients", &clients.to_string(), "--duration", "10"]);
    for s in servers {
        command.arg("--url").arg(s.url());
    }
    command
        .args(["--site", "e2e", "--survey", "type-nps", "--question", "q"])
        .args(["--token", "e2e-admin-token-local"]);
    json_of(
        &format!(
            "collector: rapport-loadgen against {} instance(s)",
            servers.len()
        ),
        &mut command,
    )
}

/// Seeds `EXPORT_ROWS` responses into `db`, starts a fresh collector on it, exports them
/// as CSV and as NDJSON, and reads the collector's resident memory before and at peak.
fn export_run(db: &str) -> Result<Vec<Value>, String> {
    step(
        &format!("seed {EXPORT_ROWS} responses"),
        loadgen()
            .args(["--seed", &EXPORT_ROWS.to_string(), "--db", db])
            .args(["--site", "e2e", "--survey", "type-nps", "--question", "q"]),
    )?;
    let server = Server::start_db(db, None)?;
    let before = rss_mb(server.child.id(), "VmRSS:");
    let mut runs = Vec::new();
    for format in ["csv", "ndjson"] {
        let mut v = json_of(
            &format!("export {EXPORT_ROWS} responses as {format}"),
            loadgen()
                .args(["--export", format, "--url"])
                .arg(server.url())
                .args(["--site", "e2e", "--token", "e2e-admin-token-local"]),
        )?;
        if let Some(o) = v.as_object_mut() {
            o.insert("rss_before_mb".into(), before.into());
            o.insert(
                "peak_rss_mb".into(),
                rss_mb(server.child.id(), "VmHWM:").into(),
            );
        }
        runs.push(v);
    }
    Ok(runs)
}

/// A `/proc/PID/status` memory line (`VmRSS:`, `VmHWM:`) in MB.
fn rss_mb(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn loadgen() -> Command {
    let bin = util::target_dir().join("release/rapport-loadgen");
    cmd(bin.to_str().unwrap_or("rapport-loadgen"))
}

fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn widget() -> Result<(), String> {
    step(
        "collector (release) for the page benchmark",
        util::cargo().args(["build", "--release", "--package", "rapport-server"]),
    )?;
    let server = Server::start(&bench_dir()?.join("first-paint.sqlite"))?;
    let result = step(
        "widget: trigger → first paint in headless Chromium",
        cmd("node")
            .arg("tests/bench/first-paint.mjs")
            .arg(server.url())
            .env("CHROMIUM_PATH", CHROMIUM),
    );
    drop(server);
    result
}

fn metrics() -> Result<(), String> {
    let dir = bench_dir()?;
    let python = python_env()?;
    let cdnow = util::root().join("metrics/tests/data/cdnow");
    step(
        "bench data (seeded, written once)",
        cmd(python.to_str().unwrap_or("python3"))
            .arg("xtask/py/compare.py")
            .arg(&dir)
            .arg(&cdnow)
            .arg("--data-only"),
    )?;
    let ours = json_of(
        "rapport-metrics native",
        util::cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "--package",
                "rapport-metrics",
                "--example",
                "compare",
                "--",
            ])
            .arg(&dir),
    )?;
    let csv = json_of(
        "orders CSV reader vs the csv crate (same file, same run)",
        util::cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "--package",
                "rapport-metrics",
                "--example",
                "bench_csv",
                "--",
            ])
            .arg(dir.join("orders_10m.csv")),
    )
    .unwrap_or_else(|e| {
        eprintln!("CSV reader comparison failed: {e}");
        Value::Null
    });
    step(
        "collector (release) for the wasm benchmark",
        util::cargo().args(["build", "--release", "--package", "rapport-server"]),
    )?;
    let server = Server::start(&dir.join("metrics-wasm.sqlite"))?;
    let wasm = json_of(
        "rapport-metrics wasm in headless Chromium",
        cmd("node")
            .arg("tests/bench/metrics-wasm.mjs")
            .arg(server.url())
            .arg(&dir)
            .env("CHROMIUM_PATH", CHROMIUM),
    );
    drop(server);
    let wasm = wasm.unwrap_or_else(|e| {
        eprintln!("wasm benchmark failed: {e}");
        Value::Null
    });
    let reference = json_of(
        "lifetimes + DuckDB (same data)",
        cmd(python.to_str().unwrap_or("python3"))
            .arg("xtask/py/compare.py")
            .arg(&dir)
            .arg(&cdnow),
    )?;
    print_table(&ours, &wasm, &reference, &csv);
    Ok(())
}

fn print_table(ours: &Value, wasm: &Value, reference: &Value, csv: &Value) {
    let f = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    let cell = |x: Option<f64>| x.map(|s| format!("{s:.3} s")).unwrap_or_else(|| "—".into());
    println!(
        "\nmetrics engine, same data, this machine ({} cores)",
        cores()
    );
    println!(
        "{:<44} {:>12} {:>12} {:>14} {:>10}",
        "task", "native", "wasm", "reference", "target"
    );
    let rows: [(&str, &str, &str, &str); 4] = [
        (
            "BG/NBD fit, 1M customers (lifetimes)",
            "bgnbd_1m_s",
            "bgnbd_1m_lifetimes_s",
            "0.3 / 0.6",
        ),
        (
            "  lifetimes with weighted patterns",
            "bgnbd_1m_s",
            "bgnbd_1m_lifetimes_weighted_s",
            "",
        ),
        (
            "Pareto/NBD fit, 23,570 customers (lifetimes)",
            "pareto_23570_s",
            "pareto_23570_lifetimes_s",
            "0.25",
        ),
        (
            "cohort matrix, 10M orders (DuckDB, 2 thr)",
            "cohort_10m_s",
            "cohort_10m_duckdb_s",
            "0.3 / 0.6",
        ),
    ];
    for (label, our_key, ref_key, target) in rows {
        println!(
            "{label:<44} {:>12} {:>12} {:>14} {target:>10}",
            cell(f(ours, our_key)),
            cell(f(wasm, our_key)),
            cell(f(reference, ref_key))
        );
    }
    if let Some(mbps) = f(ours, "csv_parse_mb_per_s") {
        println!(
            "{:<44} {:>10.0} MB/s {:>26} {:>10}",
            "orders CSV parsing (10M rows)", mbps, "", "≥ 200"
        );
    }
    // The same file through the csv crate, wall and on-CPU (other work on the
    // machine slows wall clock, not this thread's CPU time).
    for (label, key, target) in [
        ("  rapport parse_orders_csv", "rapport", "≥ 200"),
        ("  csv crate: records only", "csv_records", ""),
        ("  csv crate + the same field work", "csv_orders", ""),
    ] {
        if let (Some(wall), Some(cpu)) = (
            f(csv, &format!("{key}_mb_per_s")),
            f(csv, &format!("{key}_cpu_mb_per_s")),
        ) {
            println!(
                "{label:<44} {wall:>10.0} MB/s wall {cpu:>6.0} MB/s CPU {:>13} {target:>10}",
                ""
            );
        }
    }
    if let Some(bytes) = f(ours, "bytes_per_order") {
        println!(
            "{:<44} {:>9.1} B/order {:>25} {:>10}",
            "resident memory per order (peak)", bytes, "", "≤ 32"
        );
    }
    if let Some(peak) = f(ours, "peak_rss_mb") {
        println!("{:<44} {:>10.0} MB", "peak RSS for 10M orders", peak);
    }
    println!(
        "\nraw figures: rapport {ours}\nwasm {wasm}\nreference {reference}\ncsv reader comparison {csv}"
    );
}

/// Runs a command whose last stdout line is a JSON object.
fn json_of(label: &str, command: &mut Command) -> Result<Value, String> {
    eprintln!("\n==> {label}");
    let started = Instant::now();
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{label}: {e}"))?;
    eprintln!("    ({label}: {:.1} s)", started.elapsed().as_secs_f64());
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("{label} failed ({}): {stdout}", out.status));
    }
    let last = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(last).map_err(|e| format!("{label}: no JSON result ({e}) in: {stdout}"))
}

/// A Python virtual environment with the pinned reference packages (idempotent).
fn python_env() -> Result<PathBuf, String> {
    let venv = util::root().join(".rapport/venv");
    let python = venv.join("bin/python");
    let stamp = venv.join(".requirements");
    let wanted = std::fs::read_to_string(util::root().join("xtask/py/requirements.txt"))
        .map_err(|e| e.to_string())?;
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    step(
        "python venv",
        cmd("python3").args(["-m", "venv"]).arg(&venv),
    )?;
    step(
        "pip install lifetimes duckdb (pinned)",
        cmd(python.to_str().unwrap_or("python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            "xtask/py/requirements.txt",
        ]),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(python)
}

/// The release collector on a free loopback port, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// On a fresh SQLite file.
    fn start(db: &Path) -> Result<Server, String> {
        remove_sqlite(db);
        Server::start_db(db.to_str().unwrap_or_default(), None)
    }

    /// On `db` (a SQLite path or a PostgreSQL URL), with the config's `rateLimit`
    /// replaced when given.
    fn start_db(db: &str, rate_limit: Option<Value>) -> Result<Server, String> {
        let port = free_port()?;
        let bin = util::target_dir().join("release/rapport-server");
        let child = cmd(bin.to_str().unwrap_or("rapport-server"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--db", db])
            .arg("--config")
            .arg(bench_config(rate_limit)?)
            .args([
                "--dist",
                "dist",
                "--www",
                "www/demo",
                "--test-pages",
                "www/test-pages",
            ])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting rapport-server: {e}"))?;
        let server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("rapport-server did not start listening within 20 s".into())
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The end-to-end suite's collector config (tests/e2e/site.json + the test-page surveys +
/// the demo sites), written to `.rapport/bench/config.json`; pages are same-origin, so the
/// origins need no rewriting.
fn bench_config(rate_limit: Option<Value>) -> Result<PathBuf, String> {
    let root = util::root();
    let read = |p: &str| -> Result<Value, String> {
        let text =
            std::fs::read_to_string(root.join(p)).map_err(|e| format!("reading {p}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("parsing {p}: {e}"))
    };
    let mut config = read("tests/e2e/site.json")?;
    let pages = read("www/test-pages/surveys.json")?;
    let demo = read("config/demo.json")?;
    if let (Some(surveys), Some(extra)) = (
        config
            .pointer_mut("/sites/0/surveys")
            .and_then(Value::as_array_mut),
        pages.get("surveys").and_then(Value::as_array),
    ) {
        surveys.extend(extra.iter().cloned());
    }
    if let (Some(sites), Some(extra)) = (
        config.get_mut("sites").and_then(Value::as_array_mut),
        demo.get("sites").and_then(Value::as_array),
    ) {
        sites.extend(extra.iter().cloned());
    }
    if let (Some(limit), Some(config)) = (rate_limit, config.as_object_mut()) {
        config.insert("rateLimit".into(), limit);
    }
    let path = bench_dir()?.join("config.json");
    std::fs::write(&path, config.to_string())
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
