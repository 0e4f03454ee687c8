//! The CLI on exports as merchants have them (`metrics/tests/data/exports/`)
//! and on real data cut where it hurts: T = 0 customers, line items, dates
//! that decide or cannot, gzip, a workbook, the CDNOW master layout, no
//! amount column, feedback scored by type, fits at a boundary or stopped.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn data(dir: &str, file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../metrics/tests/data")
        .join(dir)
        .join(file)
        .to_string_lossy()
        .into_owned()
}

fn export(file: &str) -> String {
    data("exports", file)
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport-metrics"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

const LINES: [&str; 10] = [
    "--customer",
    "customer_email",
    "--date",
    "created_at",
    "--amount",
    "line_total",
    "--order-id",
    "order_number",
    "--status",
    "financial_status",
];

fn with<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

#[test]
fn each_command_has_its_own_help() {
    for (command, flag) in [
        ("fit", "--accept-unconverged"),
        ("nps", "--question-type"),
        ("cohorts", "--by month|week"),
        ("summary", "--order-id"),
    ] {
        for args in [
            vec![command, "--help"],
            vec!["help", command],
            vec![command, "-", "-h"],
        ] {
            let out = run(&args, None);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.starts_with(&format!("usage: rapport-metrics {command}")),
                "{args:?}: {text}"
            );
            assert!(text.contains(flag), "{args:?}: {text}");
        }
    }
    let general = run(&["--help"], None);
    assert!(String::from_utf8_lossy(&general.stdout).contains("commands:"));
}

#[test]
fn customers_first_seen_on_the_last_day_fit_and_get_predictions() {
    // CDNOW calibrated to the last acquisition day: 30 customers have T = 0.
    let sample = data("cdnow", "CDNOW_sample.txt");
    let base = ["--input-format", "cdnow", "--end", "1997-03-25"];
    let s = json(&run(&with(&["summary", &sample], &base), None));
    let zero: Vec<&Value> = s["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .filter(|c| c["T"] == 0.0)
        .collect();
    assert_eq!(zero.len(), 30);
    for model in ["bgnbd", "pareto-nbd", "mbgnbd"] {
        let fit = json(&run(
            &with(&["fit", &sample, "--model", model], &base),
            None,
        ));
        assert_eq!(fit["customers"], 2357.0, "{model}");
        assert!(fit["log_likelihood"].as_f64().is_some_and(f64::is_finite));
    }
    let p = json(&run(&with(&["predict", &sample], &base), None));
    let id = zero[0]["id"].as_str().expect("id");
    let row = p["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .find(|c| c["id"] == id)
        .expect("predicted");
    assert_eq!(row["pAlive"], 1.0);
    assert!(row["expectedPurchases"].as_f64().is_some_and(|e| e > 0.0));
    // The order-lines export: two customers' first order is on the last day.
    let s = json(&run(
        &with(&["summary", &export("order_lines.csv")], &LINES),
        None,
    ));
    let t0: Vec<&str> = s["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .filter(|c| c["T"] == 0.0)
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(t0, ["fay@example.com", "gus@example.com"]);
}

#[test]
fn line_items_are_orders_in_every_analysis() {
    let file = export("order_lines.csv");
    let out = run(&with(&["cohorts", &file], &LINES), None);
    let v = json(&out);
    let orders: u64 = v["cohorts"]["orders"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|r| r.as_array().cloned().unwrap_or_default())
        .filter_map(|x| x.as_u64())
        .sum();
    assert_eq!(orders, 10);
    let err = stderr(&out);
    assert!(
        err.contains("6 order lines were added into their orders"),
        "{err}"
    );
    assert!(
        err.contains("1 exact duplicate rows were left out"),
        "{err}"
    );
    let clv = json(&run(&with(&["clv", &file], &LINES), None));
    assert_eq!(clv["orders"], 10);
    assert!((clv["revenue"].as_f64().expect("revenue") - 245.5).abs() < 1e-9);
    let rfm = json(&run(&with(&["rfm", &file], &LINES), None));
    let ann = rfm["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .find(|c| c["id"] == "ann@example.com")
        .expect("ann");
    assert_eq!(ann["frequency"], 3.0);
    let s = json(&run(&with(&["summary", &file], &LINES), None));
    let cat = s["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .find(|c| c["id"] == "cat@example.com")
        .expect("cat");
    assert_eq!(
        (cat["frequency"].as_f64(), cat["monetaryValue"].as_f64()),
        (Some(1.0), Some(15.5))
    );
}

#[test]
fn dates_are_decided_from_the_whole_column_or_asked_for() {
    let uk = [
        "--customer",
        "Customer",
        "--date",
        "Order Date",
        "--amount",
        "Total (GBP)",
        "--order-id",
        "Order ID",
    ];
    let s = json(&run(
        &with(
            &[
                "summary",
                &export("orders_uk_day_first.csv"),
                "--period",
                "day",
            ],
            &uk,
        ),
        None,
    ));
    // C-101: 3 Jan, 14 Jan, 28 Feb; the end is 12 March.
    let c101 = &s["customers"][0];
    assert_eq!(
        (c101["recency"].as_f64(), c101["T"].as_f64()),
        (Some(56.0), Some(69.0))
    );
    let out = run(
        &with(&["summary", &export("orders_uk_all_ambiguous.csv")], &uk),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("column \"Order Date\": every date is ambiguous"),
        "{err}"
    );
    assert!(err.contains("--date-format dd/mm/yyyy"), "{err}");
    let told = run(
        &with(
            &[
                "summary",
                &export("orders_uk_all_ambiguous.csv"),
                "--date-format",
                "dd/mm/yyyy",
            ],
            &uk,
        ),
        None,
    );
    assert_eq!(told.status.code(), Some(0), "{}", stderr(&told));
    let out = run(&["summary", &export("orders_bad_digits.csv")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 4, column \"date\""),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("no known date format"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_future_dated_row_is_reported_not_used_as_the_end() {
    let file = export("orders_future_row.csv");
    let out = run(&["summary", &file], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("line 5, column \"date\": date is in the future"),
        "{err}"
    );
    assert!(err.contains("--skip-bad-rows"), "{err}");
    let out = run(&["summary", &file, "--skip-bad-rows"], None);
    let v = json(&out);
    assert_eq!(v["end"], "2024-02-11");
    assert_eq!(
        v["skipped"]["skipped"]["future_date"]["first_lines"],
        serde_json::json!([5])
    );
    assert!(
        stderr(&out).contains("1 rows were skipped"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gzip_workbooks_and_the_cdnow_master_file() {
    let plain = json(&run(
        &with(&["summary", &export("order_lines.csv")], &LINES),
        None,
    ));
    let gz = json(&run(
        &with(&["summary", &export("order_lines.csv.gz")], &LINES),
        None,
    ));
    assert_eq!(plain, gz);
    // Also from stdin, recognised by its magic bytes.
    let bytes = std::fs::read(export("order_lines.csv.gz")).expect("gz");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport-metrics"))
        .args(with(&["summary", "-"], &LINES))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("write");
    assert_eq!(json(&child.wait_with_output().expect("runs")), plain);

    let out = run(
        &with(&["summary", &export("order_lines.xlsx")], &LINES),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(".xlsx workbook"), "{err}");
    assert!(err.len() < 300, "{} bytes of error: {err}", err.len());

    let master = json(&run(
        &[
            "summary",
            &export("cdnow_master_layout.txt"),
            "--input-format",
            "cdnow",
            "--end",
            "1997-09-30",
        ],
        None,
    ));
    let customers = master["customers"].as_array().expect("customers");
    assert_eq!(customers[0]["id"], "00004");
    // 147 master customer ids in those 400 rows, as in the sample's first 400.
    assert_eq!(customers.len(), 147);
}

#[test]
fn amounts_are_needed_only_where_spend_is_analysed() {
    let csv = "customer_id,date\na,2024-01-01\nb,2024-01-05\na,2024-02-01\nc,2024-02-03\na,2024-03-01\nb,2024-03-09\n";
    let s = json(&run(&["summary", "-"], Some(csv)));
    assert_eq!(s["customers"][0]["frequency"], 2.0);
    assert_eq!(s["customers"][0]["monetaryValue"], 0.0);
    let out = run(&["predict", "-", "--accept-unconverged"], Some(csv));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("CLV is left out"), "{}", stderr(&out));
    let out = run(&["cohorts", "-"], Some(csv));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("column \"amount\" not found"),
        "{}",
        stderr(&out)
    );
    let out = run(&["fit", "-", "--model", "gamma-gamma"], Some(csv));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn feedback_is_scored_by_question_type() {
    let file = export("responses_export.json");
    let out = run(&["nps", &file], None);
    let v = json(&out);
    assert!(v["feedback"]["nps"]["score"].is_null());
    let err = stderr(&out);
    assert!(
        err.contains("question \"recommend\" of survey \"post-purchase\" has 7 numeric answers"),
        "{err}"
    );
    assert!(err.contains("--question-type"), "{err}");
    let table = run(&["nps", &file, "--format", "table"], None);
    assert!(String::from_utf8_lossy(&table.stdout).contains("no answers"));

    let config = export("site_config.json");
    let v = json(&run(&["nps", &file, "--config", &config], None));
    assert_eq!(v["feedback"]["nps"]["score"], 28.6);
    assert_eq!(v["feedback"]["csat"]["percent"], 66.7);
    assert_eq!(v["feedback"]["ces"]["mean"], 3.5);
    let csv = json(&run(
        &["nps", &export("responses_export.csv"), "--config", &config],
        None,
    ));
    assert_eq!(csv["feedback"], v["feedback"]);

    // A CSAT question asked for alone is scored as CSAT, never as NPS.
    let out = run(&["nps", &file, "--question", "stars"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--question-type stars=nps"),
        "{}",
        stderr(&out)
    );
    let v = json(&run(
        &[
            "nps",
            &file,
            "--question",
            "stars",
            "--question-type",
            "stars=csat",
        ],
        None,
    ));
    assert!(v["feedback"]["nps"]["score"].is_null());
    assert_eq!(v["feedback"]["csat"]["percent"], 66.7);
    let out = run(&["nps", &file, "--question", "nope"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("questions in the export: effort, recommend, stars"),
        "{}",
        stderr(&out)
    );
}

/// Orders of a store where nobody leaves: Poisson buyers (seeded LCG).
fn no_churn_orders() -> String {
    let mut state: u64 = 42;
    let mut uniform = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut csv = String::from("customer_id,date,amount\n");
    for c in 0..3000 {
        let first = (uniform() * 300.0) as i64;
        // Gamma(2)-ish rates from two exponentials, mean one order every ~40 days.
        let rate = (-(uniform().ln()) - uniform().ln()) / 80.0;
        let mut day = first as f64;
        loop {
            let d = day as i64;
            let (y, m, dd) = civil(19_723 + d);
            csv.push_str(&format!("c{c},{y:04}-{m:02}-{dd:02},10.00\n"));
            day += -uniform().ln() / rate;
            if day >= 365.0 {
                break;
            }
        }
    }
    csv
}

fn civil(days: i64) -> (i64, u32, u32) {
    rapport_metrics_civil(days)
}

/// Days since 1970-01-01 → (y, m, d) (Hinnant), to write dates without a crate.
fn rapport_metrics_civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[test]
fn a_fit_at_the_boundary_is_explained_and_a_stopped_fit_is_exit_3() {
    let orders = no_churn_orders();
    for model in ["bgnbd", "mbgnbd"] {
        let out = run(
            &["fit", "-", "--model", model, "--end", "2024-12-30"],
            Some(&orders),
        );
        let v = json(&out);
        assert_eq!(v["status"], "boundary", "{model}");
        assert_eq!(v["boundary"]["limit"], "no_dropout");
        let err = stderr(&out);
        assert!(err.contains("has no dropout"), "{err}");
        assert!(err.contains("Log-likelihood"), "{err}");
        assert!(err.contains("fit these data"), "{err}");
        assert_eq!(
            v["comparison"]["candidates"].as_array().map(Vec::len),
            Some(3)
        );
    }
    let sample = data("cdnow", "CDNOW_sample.txt");
    let args = [
        "fit",
        &sample,
        "--input-format",
        "cdnow",
        "--end",
        "1997-09-30",
        "--model",
        "pareto-nbd",
        "--max-iterations",
        "2",
    ];
    let out = run(&args, None);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Pareto/NBD: the fit did not converge: the iteration limit was reached after 2 iterations"), "{err}");
    assert!(err.contains("--accept-unconverged"), "{err}");
    let out = run(&with(&args, &["--accept-unconverged"]), None);
    let v = json(&out);
    assert_eq!(v["status"], "not_converged");
    assert_eq!(v["stop"], "max_iterations");
    assert!(stderr(&out).contains("did not converge"));
    let out = run(
        &[
            "fit",
            &sample,
            "--input-format",
            "cdnow",
            "--end",
            "1997-09-30",
            "--model",
            "pareto-nbd",
            "--max-seconds",
            "0.000001",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stopped (time budget"),
        "{}",
        stderr(&out)
    );
}
