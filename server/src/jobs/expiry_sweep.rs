//! The expiry sweep: every [`SWEEP_EVERY`], for each site whose programme has `expiry`, the
//! customers with a positive balance and no activity for the period get their due expiries
//! written ([`crate::store::LoyaltyStore::expire`], one short transaction per customer, so
//! requests interleave). Reads and redemptions also apply expiries lazily, so the sweep only
//! keeps balances (and the liability) current for customers who do not come back.

use std::time::Duration;

use crate::app::AppState;
use crate::store::StoreError;

/// How often the sweep runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Most customers handled per site and run (the next run continues).
pub const BATCH: usize = 500;

/// One pass over every site; returns the number of expiry entries written.
pub async fn run_once(app: &AppState) -> Result<usize, StoreError> {
    let config = app.config();
    let now = app.clock.now_millis();
    let mut written = 0;
    for site in &config.sites {
        let Some(policy) = site.loyalty.as_ref().and_then(|l| l.expiry) else {
            continue;
        };
        let since = now.saturating_sub(policy.period_millis());
        let customers = app
            .store
            .loyalty()
            .expiry_candidates(site.id.clone(), since, BATCH)
            .await?;
        for customer in customers {
            written += app
                .store
                .loyalty()
                .expire(site.id.clone(), customer, policy, now)
                .await?;
        }
    }
    Ok(written)
}

/// Runs [`run_once`] forever, logging failures.
pub async fn run(app: AppState) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&app).await {
            eprintln!("rapport-server: expiry sweep: {e}");
        }
    }
}
