//! `validate`, `--plot` and `predict --intervals` of the built binary, on the
//! CDNOW sample in metrics/tests/data/cdnow/.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn sample() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../metrics/tests/data/cdnow/CDNOW_sample.txt")
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport-metrics"))
        .args(args)
        .output()
        .expect("binary runs")
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

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh scratch directory for the plots of one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rapport-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn svg(path: &PathBuf) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{text:.200}"
    );
    assert!(text.trim_end().ends_with("</svg>"));
    text
}

#[test]
fn validate_on_the_cdnow_split() {
    let dir = scratch("validate");
    let plot = dir.join("validate.svg");
    let s = sample();
    let args = [
        "validate",
        &s,
        "--input-format",
        "cdnow",
        "--calibration-end",
        "1997-09-30",
        "--plot",
        plot.to_str().unwrap(),
    ];
    let v = json(&run(&args));
    assert_eq!(v["accuracy"]["customers"], 2357);
    assert_eq!(v["holdoutLength"], 39.0);
    assert_eq!(v["fit"]["model"], "bgnbd");
    let first = &v["customers"][0];
    assert_eq!(first["id"], "0001");
    // The published E[X(39) | x = 2, t_x = 30.43, T = 38.86] = 1.2259.
    assert!(
        (first["predicted"].as_f64().unwrap() - 1.2259).abs() < 1e-3,
        "{first}"
    );
    assert_eq!(v["customers"].as_array().unwrap().len(), 2357);
    assert_eq!(v["tracking"]["weekStart"].as_array().unwrap().len(), 78);
    assert!(svg(&plot).contains("Cumulative repeat purchases"));

    let table = run(&[&args[..6], &["--format", "table", "--model", "pareto-nbd"]].concat());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.starts_with("Pareto/NBD fitted on 1997-01-01 to 1997-09-30"),
        "{text:.300}"
    );
    assert!(text.contains("calibration_purchases") && text.contains("1998-06-24  holdout"));
}

#[test]
fn validate_errors() {
    let s = sample();
    let out = run(&["validate", &s, "--input-format", "cdnow"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--calibration-end"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "validate",
        &s,
        "--input-format",
        "cdnow",
        "--calibration-end",
        "1998-07-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("holdout period is empty"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "validate",
        &s,
        "--input-format",
        "cdnow",
        "--calibration-end",
        "1997-09-30",
        "--model",
        "bgbb",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn plots_of_fit_cohorts_and_funnel() {
    let dir = scratch("plots");
    let s = sample();
    let fit = dir.join("fit.svg");
    json(&run(&[
        "fit",
        "--model",
        "mbgnbd",
        &s,
        "--input-format",
        "cdnow",
        "--end",
        "1997-09-30",
        "--plot",
        fit.to_str().unwrap(),
    ]));
    assert!(svg(&fit).contains("Probability still a customer (MBG/NBD)"));
    let cohorts = dir.join("cohorts.svg");
    json(&run(&[
        "cohorts",
        &s,
        "--input-format",
        "cdnow",
        "--plot",
        cohorts.to_str().unwrap(),
    ]));
    assert!(svg(&cohorts).contains("1997-02 (n=857)"));
    let events = dir.join("events.csv");
    std::fs::write(
        &events,
        "user_id,event,timestamp\nu1,view,2024-01-01T10:00:00Z\nu1,buy,2024-01-01T10:05:00Z\nu2,view,2024-01-02T09:00:00Z\n",
    )
    .unwrap();
    let funnel = dir.join("funnel.svg");
    json(&run(&[
        "funnel",
        events.to_str().unwrap(),
        "--steps",
        "view,buy",
        "--plot",
        funnel.to_str().unwrap(),
    ]));
    assert!(svg(&funnel).contains("<title>buy: 1 (50% of start, 50% of previous)</title>"));

    for bad in [
        vec!["rfm", &s, "--input-format", "cdnow", "--plot", "x.svg"],
        vec![
            "fit",
            "--model",
            "gamma-gamma",
            &s,
            "--input-format",
            "cdnow",
            "--plot",
            "x.svg",
        ],
    ] {
        let out = run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--plot"));
    }
    let out = run(&[
        "cohorts",
        &s,
        "--input-format",
        "cdnow",
        "--plot",
        "/nonexistent-dir/c.svg",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--plot /nonexistent-dir/c.svg"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn predict_with_intervals() {
    let s = sample();
    let args = [
        "predict",
        &s,
        "--input-format",
        "cdnow",
        "--end",
        "1997-09-30",
        "--intervals",
        "0.9",
        "--draws",
        "40",
    ];
    let out = run(&args);
    let v = json(&out);
    assert_eq!(v["intervals"]["level"], 0.9);
    assert_eq!(v["intervals"]["draws"], 40);
    let customers = v["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 2357);
    for c in customers.iter().take(50) {
        for (est, iv) in [
            ("pAlive", "pAliveInterval"),
            ("expectedPurchases", "expectedPurchasesInterval"),
            ("clv12Months", "clv12MonthsInterval"),
        ] {
            let e = c[est].as_f64().unwrap();
            let (lo, hi) = (c[iv][0].as_f64().unwrap(), c[iv][1].as_f64().unwrap());
            assert!(
                lo <= hi && lo <= e * 1.001 + 1e-12 && e <= hi * 1.001 + 1e-12,
                "{c}"
            );
        }
    }
    // Same seed, same intervals; another seed, other (but close) ones.
    assert_eq!(run(&args).stdout, out.stdout);
    let other = json(&run(&[&args[..], &["--seed", "2"]].concat()));
    assert_ne!(other["customers"][0], v["customers"][0]);

    for bad in [
        vec![
            "predict",
            &s,
            "--input-format",
            "cdnow",
            "--intervals",
            "1.5",
        ],
        vec![
            "predict",
            &s,
            "--input-format",
            "cdnow",
            "--intervals",
            "0.9",
            "--draws",
            "5",
        ],
        vec![
            "fit",
            "--model",
            "bgnbd",
            &s,
            "--input-format",
            "cdnow",
            "--intervals",
            "0.9",
        ],
    ] {
        let out = run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
}
