//! The collector's own exports read by the metrics engine: the malicious-text corpus
//! (markup, bidi overrides, NUL, lone surrogates, formula starters) posted as open-text
//! answers beside NPS answers (`-0` included) and hostile response ids, then the JSON and
//! the CSV export read with the engine's feedback readers, strictly (a bad row fails).

mod common;

use common::*;
use rapport_metrics::data::{parse_feedback_csv, parse_feedback_json, ReadOptions};
use rapport_metrics::feedback::{feedback_report, FeedbackOptions};
use serde_json::value::RawValue;

/// The corpus, each string as the JSON text a browser sends (lone surrogate escapes kept).
fn corpus() -> Vec<Box<RawValue>> {
    serde_json::from_str(include_str!("fixtures/malicious-text.json")).expect("corpus is JSON")
}

/// NPS values as the JSON text posted; `-0` is a zero.
const NPS: [&str; 6] = ["-0", "0", "10", "9", "7", "-0"];

/// Response ids the collector accepts that a CSV reader could stumble on.
const IDS: [&str; 4] = ["   ", "-neg", " padded ", "=sum"];

async fn export(t: &TestServer, format: &str) -> Vec<u8> {
    let resp = t
        .export(&format!("site=demo&format={format}"), Some(ADMIN))
        .await;
    assert_eq!(resp.status(), 200, "{format} export");
    resp.bytes().await.expect("export body").to_vec()
}

backend_tests! {
#[tokio::test]
async fn exports_read_alike_in_the_engine(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let texts = corpus();
    assert!(texts.len() >= 10, "corpus has {} strings", texts.len());
    for (i, text) in texts.iter().enumerate() {
        let id = IDS.get(i).map_or_else(|| format!("rt-{i}"), |s| (*s).to_owned());
        let nps = NPS[i % NPS.len()];
        let body = format!(
            r#"{{"id":{},"site":"demo","survey":"post-purchase","answers":[{{"question":"long","value":{}}},{{"question":"nps","value":{nps}}}],"createdAt":"2026-11-22T10:00:00Z"}}"#,
            serde_json::to_string(&id)?,
            text.get(),
        );
        let resp = t.post_text(&body, None).await;
        assert_eq!(resp.status(), 201, "corpus[{i}] {}", text.get());
    }

    let opts = ReadOptions::default();
    let json = parse_feedback_json(&export(&t, "json").await, &opts)?;
    let csv = parse_feedback_csv(&export(&t, "csv").await, &opts)?;
    let n = texts.len();
    assert_eq!(json.report.rows_read, n as u64);
    assert_eq!(json.data.len(), n, "one NPS answer per response (JSON)");
    assert_eq!(csv.data.len(), n, "one NPS answer per response (CSV)");
    assert_eq!(json.data, csv.data, "JSON and CSV read alike");
    for id in IDS {
        assert!(
            csv.data.iter().any(|a| a.response_id == id),
            "id {id:?} read verbatim from the CSV"
        );
    }
    assert!(json.data.iter().all(|a| a.value.to_bits() != (-0.0f64).to_bits()), "-0 reads as 0");

    let a = feedback_report(&json.data, &FeedbackOptions::default())?;
    let b = feedback_report(&csv.data, &FeedbackOptions::default())?;
    assert_eq!(a.nps, b.nps);
    assert_eq!(a.nps.responses, n as u64);
    let posted = |wanted: &[&str]| {
        (0..n).filter(|i| wanted.contains(&NPS[i % NPS.len()])).count() as u64
    };
    assert_eq!(a.nps.detractors, posted(&["-0", "0"]));
    assert_eq!(a.nps.promoters, posted(&["9", "10"]));
    assert_eq!(a.nps.passives, posted(&["7"]));
    t.stop().await;
    Ok(())
}
}
