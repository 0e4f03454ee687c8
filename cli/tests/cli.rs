//! Runs the built `rapport-metrics` binary on the CDNOW data and on bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn cdnow(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../metrics/tests/data/cdnow")
        .join(file)
        .to_string_lossy()
        .into_owned()
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

fn json(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn fit_bgnbd_on_cdnow_reproduces_the_published_estimates() {
    let sample = cdnow("CDNOW_sample.txt");
    let v = json(&run(
        &[
            "fit",
            &sample,
            "--input-format",
            "cdnow",
            "--end",
            "1997-09-30",
            "--model",
            "bgnbd",
        ],
        None,
    ));
    assert_eq!(v["model"], "bgnbd");
    let p = &v["params"];
    for (k, want) in [
        ("r", 0.2426),
        ("alpha", 4.4136),
        ("a", 0.7929),
        ("b", 2.4259),
    ] {
        let got = p[k].as_f64().expect("number");
        assert!((got - want).abs() < 5e-4, "{k}: {got} vs {want}");
    }
    let ll = v["log_likelihood"].as_f64().expect("number");
    assert!((ll + 9582.43).abs() < 0.01, "{ll}");
}

#[test]
fn summary_of_cdnow_has_every_customer_and_a_table_form() {
    let sample = cdnow("CDNOW_sample.txt");
    let v = json(&run(
        &[
            "summary",
            &sample,
            "--input-format",
            "cdnow",
            "--end",
            "1997-09-30",
        ],
        None,
    ));
    let customers = v["customers"].as_array().expect("array");
    assert_eq!(customers.len(), 2357);
    assert_eq!(customers[0]["id"], "0001");
    assert_eq!(customers[0]["frequency"], 2.0);
    let out = run(
        &[
            "summary",
            &sample,
            "--input-format",
            "cdnow",
            "--end",
            "1997-09-30",
            "--format",
            "table",
        ],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("id "), "{text}");
    assert_eq!(text.lines().count(), 2 + 2357);
}

#[test]
fn bgbb_fits_the_donations_summary() {
    let v = json(&run(
        &[
            "fit",
            &cdnow("donations.csv"),
            "--input-format",
            "summary",
            "--model",
            "bgbb",
        ],
        None,
    ));
    let ll = v["log_likelihood"].as_f64().expect("number");
    assert!((ll + 33225.6).abs() < 0.1, "{ll}");
}

#[test]
fn stdin_generic_csv_cohorts_rfm_and_predict() {
    let csv = "cust,when,total\na,2024-01-03,10\nb,2024-01-20,5\na,2024-02-11,7.5\nc,2024-02-02,0\nb,2024-03-05,12\na,2024-03-09,3\n";
    let flags = ["--customer", "cust", "--date", "when", "--amount", "total"];
    let mut args = vec!["cohorts", "-", "--by", "month"];
    args.extend(flags);
    let v = json(&run(&args, Some(csv)));
    assert_eq!(v["cohorts"]["size"], serde_json::json!([2, 1, 0]));
    assert_eq!(v["cohorts"]["active"][0], serde_json::json!([2, 1, 2]));
    let mut args = vec!["rfm", "-"];
    args.extend(flags);
    let v = json(&run(&args, Some(csv)));
    assert_eq!(v["customers"].as_array().map(Vec::len), Some(3));
}

#[test]
fn funnel_over_events_from_stdin() {
    let csv = "user_id,event,timestamp\nu1,view,2024-01-01T00:00:00Z\nu1,cart,2024-01-01T00:05:00Z\nu1,buy,2024-01-01T00:10:00Z\nu2,view,2024-01-01T00:00:00Z\nu2,cart,2024-01-09T00:00:00Z\n";
    let v = json(&run(
        &["funnel", "-", "--steps", "view,cart,buy", "--window", "1d"],
        Some(csv),
    ));
    let counts: Vec<u64> = v["funnel"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["count"].as_u64())
        .collect();
    assert_eq!(counts, [2, 1, 1]);
    assert_eq!(v["funnel"]["largestDrop"], 1);
}

#[test]
fn nps_from_a_collector_json_export() {
    let body = r#"[{"id":"a","site":"demo","survey":"s","answers":[{"question":"nps","value":10}],"createdAt":"2026-11-22T10:00:00Z"},
                  {"id":"b","site":"demo","survey":"s","answers":[{"question":"nps","value":2}],"createdAt":null,"receivedAt":"2026-11-23T10:00:00Z"}]"#;
    let v = json(&run(&["nps", "-"], Some(body)));
    assert_eq!(v["feedback"]["nps"]["score"], 0.0);
    assert_eq!(v["feedback"]["nps"]["responses"], 2);
}

#[test]
fn usage_errors_exit_2_and_data_errors_exit_1() {
    let usage = [
        vec!["fit", "-"],
        vec!["bogus", "-"],
        vec!["summary"],
        vec!["summary", "-", "--period", "month"],
        vec!["summary", "-", "--format", "shopify"],
        vec!["funnel", "-", "--steps", "a", "--window", "soon"],
    ];
    for args in usage {
        let out = run(&args, Some(""));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage:"),
            "{args:?}"
        );
    }
    let cases = [
        (
            "customer_id,date,amount\na,2024-01-01,-5\n",
            "line 2, column \"amount\": negative amount",
        ),
        (
            "customer_id,date,amount\na,someday,5\n",
            "line 2, column \"date\": unparsable date",
        ),
        ("customer_id,amount\na,5\n", "column \"date\" not found"),
        (
            "customer_id,date,amount\na,\"2024-01-01,5\n",
            "unterminated quoted field",
        ),
        (
            "customer_id,date,amount\na,2024-01-01\n",
            "line 2: expected 3 fields, found 2",
        ),
    ];
    for (input, message) in cases {
        let out = run(&["summary", "-"], Some(input));
        assert_eq!(out.status.code(), Some(1), "{input}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{input}: {err}");
    }
    let out = run(&["summary", "/nonexistent/orders.csv"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn skip_bad_rows_reports_counts() {
    let input = "customer_id,date,amount\na,2024-01-01,-5\nb,2024-01-02,5\nc,2099-01-01,1\n";
    let v = json(&run(
        &["summary", "-", "--skip-bad-rows", "--now", "2025-01-01"],
        Some(input),
    ));
    assert_eq!(v["customers"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["skipped"]["skipped"]["negative_amount"]["count"], 1);
    assert_eq!(
        v["skipped"]["skipped"]["future_date"]["first_lines"],
        serde_json::json!([4])
    );
}
