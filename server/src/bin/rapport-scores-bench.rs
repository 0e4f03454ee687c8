//! `rapport-scores-bench [--customers N] [--orders M] [--draws D]`: the time of one scores
//! run (the job's computation: grouping, BG/NBD and Gamma-Gamma fits, bootstrap intervals,
//! RFM, bands) over a synthetic site of N customers and about M orders (simulated from a
//! BG/NBD-like process, seeded), then of writing the scores to a fresh SQLite database.
//! Prints one JSON line. `cargo xtask bench scores` runs it with 100,000 / 1,000,000.

use std::time::Instant;

use lexopt::ValueExt;

use rapport_metrics::models::simulate::SplitMix64;
use rapport_server::loyalty::rules::DAY_MILLIS;
use rapport_server::scoring::compute::{compute, Options};
use rapport_server::scoring::history::History;
use rapport_server::store::{self, DbTarget, ScoreRun};

/// 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000_000;

fn site(customers: usize, orders: usize, seed: u64) -> Vec<History> {
    let mut rng = SplitMix64::new(seed);
    let per = (orders as f64 / customers as f64).max(1.0);
    (0..customers)
        .map(|i| {
            let first = (rng.uniform() * 700.0) as i64;
            // Purchase rate and lifetime vary by customer; the mean order count is `per`.
            let rate = rng.gamma(1.5) / 1.5 * per / 250.0;
            let life = rng.exponential(1.0 / 500.0);
            let spend = 2_000 + (rng.gamma(2.0) * 3_000.0) as i64;
            let mut day = first as f64;
            let mut orders = vec![(NOW - (730 - first) * DAY_MILLIS, spend)];
            loop {
                day += rng.exponential(rate.max(1e-4));
                if day > 730.0 || day > first as f64 + life {
                    break;
                }
                orders.push((NOW - (730 - day as i64) * DAY_MILLIS, spend));
            }
            History {
                customer: format!("c{i:07}"),
                currency: "EUR".into(),
                orders,
                tier: None,
            }
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut customers = 100_000usize;
    let mut orders = 1_000_000usize;
    let mut draws = Options::default().draws;
    let mut args = lexopt::Parser::from_env();
    while let Some(arg) = args.next()? {
        match arg {
            lexopt::Arg::Long("customers") => customers = args.value()?.parse()?,
            lexopt::Arg::Long("orders") => orders = args.value()?.parse()?,
            lexopt::Arg::Long("draws") => draws = args.value()?.parse()?,
            other => return Err(other.unexpected().into()),
        }
    }
    let histories = site(customers, orders, 42);
    let n_orders: usize = histories.iter().map(|h| h.orders.len()).sum();
    let opts = Options {
        draws,
        ..Options::default()
    };
    let started = Instant::now();
    let outcome = compute(&histories, NOW, &opts)?;
    let compute_ms = started.elapsed().as_secs_f64() * 1000.0;

    let dir = std::env::temp_dir().join(format!("rapport-scores-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = DbTarget::parse(&dir.join("scores.sqlite"))?;
    let store = store::open(&db).await?;
    let scored = outcome.scores.len();
    let run = ScoreRun {
        computed_at: NOW,
        customers: scored as i64,
        summary_json: outcome.summary.to_string(),
    };
    let started = Instant::now();
    store
        .scores()
        .replace_scores("bench".into(), run, outcome.scores)
        .await?;
    let write_ms = started.elapsed().as_secs_f64() * 1000.0;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{}",
        serde_json::json!({
            "customers": customers,
            "orders": n_orders,
            "draws": draws,
            "computeMs": compute_ms.round(),
            "sqliteWriteMs": write_ms.round(),
            "fallback": outcome.summary.get("fallback").is_some(),
            "atRisk": outcome.summary.get("atRisk"),
        })
    );
    Ok(())
}
