//! Storage of each customer's scores — what the metrics engine says of them (P(alive), the
//! next year's value if they stay, RFM segment, CLV band, at-risk) — as computed by the
//! scores job over the collector's orders: the [`ScoreStore`] trait, implemented by both
//! backends. The inbox ranks answers by revenue at risk from these rows
//! ([`rapport_metrics::risk`]); segment targeting reads them.
//!
//! A run replaces a site's scores as a whole ([`ScoreStore::replace_scores`], one
//! transaction), so readers see either the previous run or the new one, never a mix.
//! Money is in the currency's minor units (as orders are stored); times are ms since the
//! epoch.

use serde::Serialize;

use super::StoreFuture;
use rapport_metrics::risk::Estimate;

/// One customer's scores from one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerScore {
    /// Customer id (as the loyalty tables hold it).
    pub customer: String,
    /// Paid orders counted.
    pub orders: i64,
    /// Net spend so far, minor units.
    pub spend: i64,
    /// Currency of `spend` and `annual_value`.
    pub currency: String,
    /// Time of the last paid order.
    pub last_order_at: Option<i64>,
    /// Probability the customer is still active, with its interval.
    pub p_alive: Estimate,
    /// Expected spend over the next 365 days if the customer stays, minor units, with its
    /// interval.
    pub annual_value: Estimate,
    /// RFM segment label (`rapport_metrics::rfm::Segment::label`).
    pub rfm_segment: String,
    /// CLV band: `"top"`, `"high"`, `"medium"` or `"low"` (quartiles of predicted value).
    pub clv_band: String,
    /// Low P(alive) and high past value.
    pub at_risk: bool,
    /// Loyalty tier id, if the site has tiers.
    pub tier: Option<String>,
}

/// What one run computed, per site.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreRun {
    /// When the run finished.
    pub computed_at: i64,
    /// Customers scored.
    pub customers: i64,
    /// The run's own description (fitted model parameters, the orders it saw), JSON text.
    pub summary_json: String,
}

/// Reads and writes customer scores.
pub trait ScoreStore: Send + Sync {
    /// Replaces every score of `site` with `scores` and records `run`, in one transaction.
    fn replace_scores(
        &self,
        site: String,
        run: ScoreRun,
        scores: Vec<CustomerScore>,
    ) -> StoreFuture<'_, ()>;
    /// The scores of `customers` of `site` that have any (in no particular order).
    fn scores_of(
        &self,
        site: String,
        customers: Vec<String>,
    ) -> StoreFuture<'_, Vec<CustomerScore>>;
    /// The last run of `site`, if one finished.
    fn last_run(&self, site: String) -> StoreFuture<'_, Option<ScoreRun>>;
}

/// The SQL both backends run (`$n` parameters; SQLite reads them as `?n`).
pub mod sql {
    /// Columns in [`super::CustomerScore`] field order.
    pub const COLUMNS: &str = "customer, orders, spend, currency, last_order_at, \
        p_alive, p_alive_low, p_alive_high, annual_value, annual_value_low, annual_value_high, \
        rfm_segment, clv_band, at_risk, tier";
    /// Removes a site's scores.
    pub const DELETE_SITE: &str = "DELETE FROM customer_scores WHERE site = $1";
    /// Records a site's run.
    pub const UPSERT_RUN: &str = "INSERT INTO score_runs (site, computed_at, customers, summary) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (site) DO UPDATE SET computed_at = excluded.computed_at, \
        customers = excluded.customers, summary = excluded.summary";
    /// A site's last run.
    pub const LAST_RUN: &str =
        "SELECT computed_at, customers, summary FROM score_runs WHERE site = $1";

    /// `sql` with SQLite's `?n` parameters.
    pub fn sqlite(sql: &str) -> String {
        sql.replace('$', "?")
    }
}

#[cfg(test)]
mod tests {
    use super::sql;

    #[test]
    fn columns_name_every_field_once() {
        let columns: Vec<&str> = sql::COLUMNS.split(',').map(str::trim).collect();
        assert_eq!(columns.len(), 15);
        let mut sorted = columns.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), columns.len());
    }
}
