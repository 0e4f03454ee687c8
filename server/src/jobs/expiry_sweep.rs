//! The expiry sweep: every [`SWEEP_EVERY`], for each site whose programme has `expiry`, the
//! customers with a positive balance and no activity for the period get their due expiries
//! written ([`crate::store::LoyaltyStore::expire`], one short transaction per customer, so
//! requests interleave). Reads and redemptions also apply expiries lazily, so the sweep only
//! keeps balances (and the liability) current for customers who do not come back.
//!
//! A run handles every such customer, however many: it reads the work list a page of
//! [`BATCH`] customers at a time, by customer id after the last one handled (a customer
//! whose expiry is not due yet — points still pending — stays on the list and must not
//! stop the walk), until a page comes back short.

use std::time::Duration;

use crate::app::AppState;
use crate::loyalty::expiry::ExpiryPolicy;
use crate::store::StoreError;

/// How often the sweep runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Customers read per page of the work list.
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
        written += sweep_site(app, &site.id, policy, now, BATCH).await?;
    }
    Ok(written)
}

/// Writes the due expiries of every candidate of `site` at `now`, reading the work list
/// `page` customers at a time; returns the number of expiry entries written.
pub async fn sweep_site(
    app: &AppState,
    site: &str,
    policy: ExpiryPolicy,
    now: i64,
    page: usize,
) -> Result<usize, StoreError> {
    let page = page.max(1);
    let since = now.saturating_sub(policy.period_millis());
    let mut written = 0;
    let mut after = String::new();
    loop {
        let customers = app
            .store
            .loyalty()
            .expiry_candidates(site.to_owned(), since, after.clone(), page)
            .await?;
        let last_page = customers.len() < page;
        for customer in customers {
            written += app
                .store
                .loyalty()
                .expire(site.to_owned(), customer.clone(), policy, now)
                .await?;
            after = customer;
        }
        if last_page {
            return Ok(written);
        }
    }
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
