//! What the scores job ([`crate::jobs::scores`]) and segment targeting read and write besides
//! the scores themselves ([`super::scores`]): a site's order history as the job fits it, the
//! cheap "orders mark" that says whether orders changed since the last run, the lease that
//! keeps runs of one site to one instance at a time, and the recent answers and responders
//! segments are computed from. Implemented by both backends.

use serde::Serialize;

use super::scores::CustomerScore;
use super::StoreFuture;

/// One paid order of an identified customer, as the scores job sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    /// Customer id.
    pub customer: String,
    /// The order's currency.
    pub currency: String,
    /// When it earned (its ledger entry's time, else its record's), ms.
    pub at: i64,
    /// Points it still holds.
    pub points: i64,
    /// Eligible spend net of refunds, minor units (0 when cancelled).
    pub spend: i64,
}

/// What identifies the state of a site's orders: any write (a new order, a refund, a
/// cancellation, an import) raises the count or the latest update time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OrdersMark {
    /// Orders stored.
    pub count: i64,
    /// Latest `updated_at` among them, ms (0 with no orders).
    pub updated: i64,
}

/// The job's row of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    /// Instance holding the lease, if any.
    pub holder: Option<String>,
    /// Until when the lease holds, ms.
    pub lease_until: i64,
    /// The orders' mark the last finished run read, if one finished.
    pub seen: Option<OrdersMark>,
}

/// One stored response of an identified customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAnswer {
    /// Customer id.
    pub customer: String,
    /// Survey id.
    pub survey: String,
    /// The `answers` array as JSON text.
    pub answers_json: String,
}

/// Reads and writes what the scores job needs.
pub trait ScoreJobStore: Send + Sync {
    /// Every paid order of an identified customer of `site`, by customer then time.
    fn order_rows(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>>;
    /// The current orders' mark of `site`.
    fn orders_mark(&self, site: String) -> StoreFuture<'_, OrdersMark>;
    /// Takes the lease of `site` for `holder` until `until` if nobody holds it at `now`
    /// (or `holder` does); true when taken.
    fn claim(&self, site: String, holder: String, now: i64, until: i64) -> StoreFuture<'_, bool>;
    /// Gives the lease back; with `seen`, records the orders' mark the finished run read.
    fn release(
        &self,
        site: String,
        holder: String,
        seen: Option<OrdersMark>,
    ) -> StoreFuture<'_, ()>;
    /// The job's row of `site`, if it ever ran.
    fn job_state(&self, site: String) -> StoreFuture<'_, Option<JobState>>;
    /// Every score of `site` (by customer).
    fn all_scores(&self, site: String) -> StoreFuture<'_, Vec<CustomerScore>>;
    /// Responses of identified customers of `site` received at or after `since` (ms), of
    /// `customer` only when given.
    fn answers_since(
        &self,
        site: String,
        since: i64,
        customer: Option<String>,
    ) -> StoreFuture<'_, Vec<CustomerAnswer>>;
    /// Responses to `survey` of `site`: how many, and the distinct identified customers who
    /// gave them.
    fn responders(&self, site: String, survey: String) -> StoreFuture<'_, (i64, Vec<String>)>;
}

/// The SQL both backends run (`$n` parameters; SQLite reads them as `?n`).
pub mod sql {
    /// The orders' mark of site `$1`.
    pub const ORDERS_MARK: &str =
        "SELECT count(*), coalesce(max(updated_at), 0) FROM orders WHERE site = $1";
    /// Takes the lease (`$1` site, `$2` holder, `$3` now, `$4` until).
    pub const CLAIM: &str = "INSERT INTO score_jobs (site, holder, lease_until) VALUES ($1, $2, $4) \
        ON CONFLICT (site) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until \
        WHERE score_jobs.lease_until <= $3 OR score_jobs.holder = excluded.holder";
    /// Gives the lease back, keeping the mark seen (`$1` site, `$2` holder).
    pub const RELEASE: &str =
        "UPDATE score_jobs SET holder = NULL, lease_until = 0 WHERE site = $1 AND holder = $2";
    /// Gives the lease back and records the mark (`$3` count, `$4` latest update).
    pub const FINISH: &str = "UPDATE score_jobs SET holder = NULL, lease_until = 0, \
        seen_count = $3, seen_update = $4 WHERE site = $1 AND holder = $2";
    /// The job's row of `$1`.
    pub const STATE: &str =
        "SELECT holder, lease_until, seen_count, seen_update FROM score_jobs WHERE site = $1";
    /// Responses to survey `$2` of `$1`, and how many customers gave them.
    pub const RESPONDERS: &str = "SELECT DISTINCT customer FROM responses \
        WHERE site = $1 AND survey = $2 AND customer IS NOT NULL";
    /// How many responses survey `$2` of `$1` has.
    pub const RESPONSES: &str = "SELECT count(*) FROM responses WHERE site = $1 AND survey = $2";
}
