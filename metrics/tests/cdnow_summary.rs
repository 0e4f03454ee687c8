//! The summary built from the raw CDNOW sample equals the published summaries,
//! row for row (see `tests/data/cdnow/README.md`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use rapport_metrics::data::date::days_from_civil;
use rapport_metrics::data::{parse_cdnow, ReadOptions};
use rapport_metrics::summary::{summary, Period, SummaryOptions};

fn cdnow(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cdnow")
        .join(file)
}

fn read(file: &str) -> String {
    std::fs::read_to_string(cdnow(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Rows of a reference CSV keyed by the integer `ID`, values as written.
fn reference(file: &str) -> BTreeMap<u32, Vec<String>> {
    read(file)
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f = l.split(',').map(str::to_string);
            let id = f.next().and_then(|s| s.parse().ok()).expect("integer ID");
            (id, f.collect())
        })
        .collect()
}

#[test]
fn cdnow_summary_matches_published_rows_exactly() {
    let orders = parse_cdnow(read("CDNOW_sample.txt").as_bytes(), &ReadOptions::default())
        .expect("CDNOW sample parses")
        .data;
    assert_eq!(orders.len(), 6919);
    let opts = SummaryOptions {
        period: Period::Week,
        end_day: Some(days_from_civil(1997, 9, 30)),
        decimals: Some(2),
    };
    let s = summary(&orders, &opts);
    let ids: Vec<u32> = s
        .customer
        .iter()
        .map(|&c| {
            orders.customer_ids()[c as usize]
                .parse()
                .expect("numeric sample id")
        })
        .collect();

    let plain = reference("cdnow_customers_summary.csv");
    let with_tx = reference("cdnow_customers_summary_with_transactions.csv");
    assert_eq!(plain.len(), 2357);
    assert_eq!(s.len(), 2357);

    let mut mismatches = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        // The plain file writes `0.0`, the other `0.00`: compare as numbers
        // parsed from text, which is exact for these 2-dp values.
        let ours = [s.frequency[i], s.recency[i], s.t[i]];
        let theirs: Vec<f64> = plain[id]
            .iter()
            .map(|v| v.parse().expect("number"))
            .collect();
        if ours[..] != theirs[..] {
            mismatches.push(format!("ID {id}: ours {ours:?}, published {theirs:?}"));
        }
        let row = &with_tx[id];
        let zbar: f64 = row[3].parse().expect("zbar");
        let x: f64 = row[0].parse().expect("x");
        if s.monetary_value[i] != zbar || s.frequency[i] != x {
            mismatches.push(format!(
                "ID {id}: zbar ours {} published {zbar}",
                s.monetary_value[i]
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(10)]
    );
}
