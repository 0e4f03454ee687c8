//! The collector's exports (JSON and CSV, `tests/data/exports/responses_export.*`)
//! of a survey whose questions are not named `nps`/`csat`/`ces`: scored by the
//! types in the site configuration (`site_config.json`), unscored questions
//! named, "no answers" said, and no float noise in the JSON.

use rapport_metrics::data::{
    parse_feedback_csv, parse_feedback_json, parse_survey_types, QuestionType, ReadOptions,
};
use rapport_metrics::feedback::{feedback_report, FeedbackOptions, TypeSource};

fn file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/exports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn with_config() -> FeedbackOptions {
    FeedbackOptions {
        question_types: parse_survey_types(&file("site_config.json")).expect("config"),
        ..FeedbackOptions::default()
    }
}

#[test]
fn without_types_nothing_is_scored_and_the_report_says_so() {
    let answers = parse_feedback_json(&file("responses_export.json"), &ReadOptions::default())
        .expect("export")
        .data;
    let r = feedback_report(&answers, &FeedbackOptions::default()).expect("report");
    assert_eq!(r.nps.responses, 0);
    assert_eq!(r.nps.score, None);
    assert_eq!(r.csat.percent, None);
    assert_eq!(r.ces.mean, None);
    let unscored: Vec<(&str, u64)> = r
        .unscored
        .iter()
        .map(|u| (u.question.as_str(), u.answers))
        .collect();
    assert_eq!(unscored, [("effort", 4), ("recommend", 7), ("stars", 6)]);
    assert_eq!(r.warnings.len(), 3);
    assert!(
        r.warnings[1].contains("\"recommend\" of survey \"post-purchase\" has 7 numeric answers")
    );
    // In JSON "no answers" is null, not a score of 0.
    let json = serde_json::to_value(&r).expect("json");
    assert!(json["nps"]["score"].is_null());
    assert!(json["ces"]["mean"].is_null());
}

#[test]
fn scored_by_the_site_configs_types() {
    let answers = parse_feedback_json(&file("responses_export.json"), &ReadOptions::default())
        .expect("export")
        .data;
    let r = feedback_report(&answers, &with_config()).expect("report");
    // recommend: 4 promoters, 1 passive, 2 detractors of 7 = 28.571… → 28.6.
    assert_eq!(
        (r.nps.responses, r.nps.promoters, r.nps.detractors),
        (7, 4, 2)
    );
    assert_eq!(r.nps.score, Some(28.6));
    // stars: 4 of 6 are 4 or 5.
    assert_eq!((r.csat.responses, r.csat.percent), (6, Some(66.7)));
    // effort: 6, 2, 5, 1.
    assert_eq!((r.ces.mean, r.ces.std_dev), (Some(3.5), Some(2.38)));
    assert!(r.unscored.is_empty() && r.warnings.is_empty());
    assert!(r
        .questions
        .iter()
        .all(|q| q.type_source == TypeSource::Config));
    // Two ISO weeks: 6–12 and 13–19 May 2024 (one response has only receivedAt).
    let weeks: Vec<&str> = r.weekly.iter().map(|w| w.week_start.as_str()).collect();
    assert_eq!(weeks, ["2024-05-06", "2024-05-13"]);
    // No float noise anywhere in the JSON: every number has at most 2 decimals
    // (confidence levels aside).
    let text = serde_json::to_string(&r).expect("json");
    assert!(text.contains("\"score\":28.6"), "{text}");
    for number in text
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| s.contains('.'))
    {
        let decimals = number.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 2, "{number} in {text}");
    }
}

#[test]
fn the_csv_export_gives_the_same_report() {
    let json = parse_feedback_json(&file("responses_export.json"), &ReadOptions::default())
        .expect("json export");
    let csv = parse_feedback_csv(&file("responses_export.csv"), &ReadOptions::default())
        .expect("csv export");
    assert_eq!(json.data, csv.data);
    assert_eq!(
        feedback_report(&json.data, &with_config()).expect("report"),
        feedback_report(&csv.data, &with_config()).expect("report")
    );
}

#[test]
fn a_type_in_the_export_itself_is_used_first() {
    let text = String::from_utf8(file("responses_export.json"))
        .expect("utf-8")
        .replace(
            "\"question\": \"stars\"",
            "\"question\": \"stars\", \"type\": \"csat\"",
        );
    let answers = parse_feedback_json(text.as_bytes(), &ReadOptions::default())
        .expect("export")
        .data;
    assert!(answers
        .iter()
        .filter(|a| a.question == "stars")
        .all(|a| a.question_type == Some(QuestionType::Csat)));
    let r = feedback_report(&answers, &FeedbackOptions::default()).expect("report");
    assert_eq!(r.csat.percent, Some(66.7));
    assert_eq!(r.questions[0].type_source, TypeSource::Export);
    // Asking for the CSAT question alone never scores it as NPS.
    let only = FeedbackOptions {
        question: Some("stars".into()),
        ..FeedbackOptions::default()
    };
    let r = feedback_report(&answers, &only).expect("report");
    assert_eq!(r.nps.score, None);
    assert_eq!(r.csat.percent, Some(66.7));
}
