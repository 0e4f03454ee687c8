//! The merchant's inbox — Identify and Act: every response with its score band, text,
//! customer value and revenue at risk, filtered, searched and ranked; triage (status,
//! tags, assignee, notes, bulk changes); themes of the open text. The endpoints are in
//! [`crate::routes::inbox`]; the rows in [`crate::store::inbox`].
//!
//! When things are computed, so that no request pays for them:
//! * a response's inbox row (score, band, search text, risk from the customer's current
//!   scores) is written when the response is stored ([`on_response_stored`]); responses
//!   stored before, or whose row could not be written, by [`backfill`] at start;
//! * revenue at risk of a whole site is recomputed after each scores run
//!   ([`on_scores_written`], called by the scores job).

pub mod cursor;
pub mod derive;
pub mod error;
pub mod followup;
pub mod item;
pub mod params;
pub mod themes;
pub mod tokens;

pub use error::InboxError;

use crate::app::AppState;
use crate::store::{StoreError, StoredResponse};

/// Responses indexed per batch by [`backfill`].
const BACKFILL_BATCH: usize = 1_000;

/// Writes the inbox row of a response just stored (new, or the newer state of a partial
/// one). A failure is logged, not returned: the response is stored, and the next start's
/// [`backfill`] writes the row.
pub async fn on_response_stored(app: &AppState, response: &StoredResponse) {
    let config = app.config();
    let site = config.site(&response.site).map(|s| s.rules.config());
    let entry = derive::derive(site, response);
    if let Err(e) = app.store.inbox().index(vec![entry]).await {
        eprintln!(
            "rapport-server: inbox row of response {:?} of site {:?} not written (the next start writes it): {e}",
            response.id, response.site
        );
    }
}

/// Recomputes the revenue at risk of every inbox row of `site` from the scores just
/// written; returns the rows whose risk changed. The scores job calls this after each run.
pub async fn on_scores_written(app: &AppState, site: &str) -> Result<u64, StoreError> {
    app.store.inbox().refresh_risk(site.to_owned()).await
}

/// Writes the inbox row of every stored response that has none, in batches; returns how
/// many. Run once at start.
pub async fn backfill(app: &AppState) -> Result<u64, StoreError> {
    let mut after: Option<(String, String)> = None;
    let mut done = 0u64;
    loop {
        let batch = app
            .store
            .inbox()
            .unindexed(after.clone(), BACKFILL_BATCH)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(done);
        };
        after = Some((last.site.clone(), last.id.clone()));
        let config = app.config();
        let entries: Vec<_> = batch
            .iter()
            .map(|r| derive::derive(config.site(&r.site).map(|s| s.rules.config()), r))
            .collect();
        done += entries.len() as u64;
        app.store.inbox().index(entries).await?;
    }
}

/// [`backfill`] as a start-up job that logs its outcome.
pub async fn backfill_job(app: AppState) {
    match backfill(&app).await {
        Ok(0) => {}
        Ok(n) => eprintln!("rapport-server: inbox: indexed {n} earlier responses"),
        Err(e) => eprintln!("rapport-server: inbox backfill failed: {e}"),
    }
}
