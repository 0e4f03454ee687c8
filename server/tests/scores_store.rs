//! The customer-scores store on both backends: a run replaces a site's scores as a whole
//! (other sites untouched), batch reads return exactly the customers asked for, values and
//! intervals round-trip, and the last run is recorded.

mod common;

use common::*;
use rapport_metrics::risk::Estimate;
use rapport_server::store::{self, CustomerScore, ScoreRun};

fn score(customer: &str, value: f64) -> CustomerScore {
    CustomerScore {
        customer: customer.into(),
        orders: 3,
        spend: 12_345,
        currency: "EUR".into(),
        last_order_at: Some(1_700_000_000_000),
        p_alive: Estimate {
            value: 0.62,
            low: 0.41,
            high: 0.8,
        },
        annual_value: Estimate {
            value,
            low: value * 0.5,
            high: value * 1.5,
        },
        rfm_segment: "At risk".into(),
        clv_band: "high".into(),
        at_risk: true,
        tier: Some("gold".into()),
    }
}

fn score_run(at: i64, customers: i64) -> ScoreRun {
    ScoreRun {
        computed_at: at,
        customers,
        summary_json: r#"{"model":"bgnbd"}"#.into(),
    }
}

backend_tests! {
#[tokio::test]
async fn a_run_replaces_a_sites_scores_as_a_whole(backend: Backend) -> TestResult {
    let db = backend.fresh("scores").await;
    let store = store::open(&db.db_target()).await?;
    let scores = store.scores();
    assert_eq!(scores.last_run("demo".into()).await?, None);

    // 2,500 customers: more than one insert batch and more than one read chunk.
    let first: Vec<CustomerScore> = (0..2_500).map(|i| score(&format!("c{i}"), f64::from(i))).collect();
    scores.replace_scores("demo".into(), score_run(1, 2_500), first).await?;
    scores.replace_scores("other".into(), score_run(2, 1), vec![score("c1", 9.0)]).await?;

    let asked: Vec<String> = (0..2_500).step_by(3).map(|i| format!("c{i}")).chain(["nobody".to_string()]).collect();
    let mut got = scores.scores_of("demo".into(), asked.clone()).await?;
    got.sort_by_key(|s| s.customer[1..].parse::<u32>().unwrap_or(u32::MAX));
    assert_eq!(got.len(), asked.len() - 1);
    assert_eq!(got[1], score("c3", 3.0));

    // The second run drops customers it no longer scores and leaves the other site alone.
    scores.replace_scores("demo".into(), score_run(3, 1), vec![score("c3", 77.5)]).await?;
    let got = scores.scores_of("demo".into(), asked).await?;
    assert_eq!(got, vec![score("c3", 77.5)]);
    assert_eq!(scores.scores_of("other".into(), vec!["c1".into()]).await?, vec![score("c1", 9.0)]);
    assert_eq!(scores.last_run("demo".into()).await?, Some(score_run(3, 1)));
    Ok(())
}
}
