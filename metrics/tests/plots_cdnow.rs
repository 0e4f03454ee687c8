//! Every figure, drawn from the CDNOW sample (metrics/tests/data/cdnow/) or,
//! for the funnel, a small event log: each must be well-formed XML, an `<svg>`
//! with a title, labelled, and refer to nothing outside itself. The documents
//! are also written to `target/tmp/plots/` for a look.

use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
use rapport_metrics::data::date::days_from_civil;
use rapport_metrics::data::{parse_cdnow, Events, Orders, ReadOptions};
use rapport_metrics::funnel::{funnel, FunnelOptions};
use rapport_metrics::holdout::{validate, ValidateOptions};
use rapport_metrics::models::transaction::{fit, TransactionKind};
use rapport_metrics::models::FitOptions;
use rapport_metrics::plot::{cohorts_svg, fit_svg, funnel_svg, holdout_svg, FitPlotOptions};
use rapport_metrics::summary::{summary, Period, SummaryOptions};

fn orders() -> Orders {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cdnow/CDNOW_sample.txt"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_cdnow(&bytes, &ReadOptions::default()).unwrap().data
}

/// Checks the document and returns the texts it shows.
fn check(name: &str, doc: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("plots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.svg")), doc).unwrap();
    let xml = roxmltree::Document::parse(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{name}");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert!(root.attribute("viewBox").is_some());
    assert!(
        root.children().any(|n| n.has_tag_name("title")),
        "{name}: no title"
    );
    for node in xml.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            matches!(
                tag,
                "svg" | "title" | "rect" | "line" | "polyline" | "circle" | "text"
            ),
            "{name}: unexpected element <{tag}>"
        );
        for a in node.attributes() {
            assert!(
                !a.name().contains("href") && !a.name().starts_with("on"),
                "{name}: {}",
                a.name()
            );
            assert!(!a.value().contains("url("), "{name}: {}", a.value());
        }
    }
    xml.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

#[test]
fn holdout_figure() {
    let r = validate(
        &orders(),
        &ValidateOptions::new(TransactionKind::Bgnbd, days_from_civil(1997, 9, 30)),
    )
    .unwrap();
    let texts = check("validate", &holdout_svg(&r));
    for want in [
        "Cumulative repeat purchases",
        "Repeat purchases per week",
        "repeat purchases in calibration",
        "calibration ends 1997-09-30",
        "actual",
        "BG/NBD prediction",
        "1997-01-01",
        "7+ (n=64)",
    ] {
        assert!(
            texts.iter().any(|t| t == want),
            "missing {want:?} in {texts:?}"
        );
    }
}

#[test]
fn fit_figure() {
    let o = orders();
    let s = summary(
        &o,
        &SummaryOptions {
            period: Period::Week,
            end_day: Some(days_from_civil(1997, 9, 30)),
            decimals: None,
        },
    );
    let input = s.fit_input().unwrap();
    let model = fit(TransactionKind::Bgnbd, &input, &FitOptions::default())
        .unwrap()
        .params();
    let opts = FitPlotOptions {
        max_frequency: s.frequency.iter().fold(0.0f64, |m, &v| m.max(v)) as u32,
        age: s.t.iter().fold(0.0f64, |m, &v| m.max(v)),
        horizon: 52.0,
        unit: "week".into(),
    };
    assert_eq!(opts.max_frequency, 29);
    let texts = check("fit", &fit_svg(&model, &opts).unwrap());
    assert!(texts
        .iter()
        .any(|t| t.starts_with("Expected purchases in the next 52 weeks")));
    assert!(texts.iter().any(|t| t == "frequency (repeat purchases)"));
    assert!(texts.iter().any(|t| t == "P(alive)"));
}

#[test]
fn cohorts_figure() {
    let r = cohort_matrix(&orders(), &CohortOptions::default());
    let texts = check("cohorts", &cohorts_svg(&r));
    // CDNOW acquired its customers in January to March 1997.
    let cohorts: Vec<&String> = texts.iter().filter(|t| t.starts_with("1997-")).collect();
    assert_eq!(cohorts.len(), 3, "{cohorts:?}");
    assert!(texts.iter().any(|t| t == "+17"), "18 months observed");
}

#[test]
fn funnel_figure() {
    let mut users = Vec::new();
    let mut names = Vec::new();
    let mut times = Vec::new();
    for u in 0..200 {
        for (k, step) in ["view", "cart", "checkout", "purchase"].iter().enumerate() {
            if u % (k + 1) == 0 || k == 0 {
                users.push(format!("u{u}"));
                names.push(step.to_string());
                times.push(u as i64 * 1000 + k as i64 * 60);
            }
        }
    }
    let events = Events::from_columns(&users, &names, times).unwrap();
    let r = funnel(
        &events,
        &FunnelOptions {
            steps: vec![
                "view".into(),
                "cart".into(),
                "checkout".into(),
                "purchase".into(),
            ],
            window_seconds: 3600,
            ..Default::default()
        },
    )
    .unwrap();
    let texts = check("funnel", &funnel_svg(&r, "users"));
    assert!(texts.iter().any(|t| t == "checkout"));
    assert!(
        texts.iter().any(|t| t.starts_with("100 (50% of start")),
        "{texts:?}"
    );
}
