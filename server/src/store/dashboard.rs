//! What the dashboard reads (`GET /admin/api/dashboard/data`): the [`DashboardStore`]
//! trait, written once for both backends with the same SQL ([`sql`]). Read-only; the
//! aggregation by month and the charts happen elsewhere (`crate::dashboard` and the
//! metrics engine in the merchant's browser).

use super::StoreFuture;

/// One paid, not cancelled order of a known customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    /// Customer id.
    pub customer: String,
    /// Placed at, ms.
    pub at: i64,
    /// Total as charged, hundredths.
    pub total: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// The points a site's ledger entries of one kind add up to on one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerDay {
    /// Days since 1970-01-01.
    pub day: i64,
    /// Entry kind as stored (`order`, `redemption`, `expiry`, …).
    pub kind: String,
    /// Their points (signed as stored: spending and expiry are negative).
    pub points: i64,
}

/// A referral that converted (`credited`, or `reversed` since).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRow {
    /// When it converted, ms.
    pub at: i64,
    /// `credited` or `reversed`.
    pub status: String,
}

/// The dashboard's reads.
pub trait DashboardStore: Send + Sync + 'static {
    /// Paid, not cancelled orders of `site` with a customer, oldest first.
    fn orders(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>>;
    /// The ledger of `site` summed by day and kind, by day.
    fn ledger_days(&self, site: String) -> StoreFuture<'_, Vec<LedgerDay>>;
    /// Referrals of `site` that converted, oldest first.
    fn referrals(&self, site: String) -> StoreFuture<'_, Vec<ReferralRow>>;
}

/// The statements, PostgreSQL placeholders (`sql::sqlite` of the console module turns them
/// into SQLite's).
pub mod sql {
    /// $1 site.
    pub const ORDERS: &str = "SELECT customer, created_at, total, currency FROM orders WHERE site = $1 AND customer IS NOT NULL AND paid AND NOT cancelled ORDER BY created_at, order_id";
    /// $1 site.
    pub const LEDGER_DAYS: &str = "SELECT created_at / 86400000 AS day, kind, CAST(sum(points) AS bigint) FROM ledger WHERE site = $1 GROUP BY 1, 2 ORDER BY 1, 2";
    /// $1 site.
    pub const REFERRALS: &str = "SELECT created_at, status FROM referrals WHERE site = $1 AND status IN ('credited', 'reversed') ORDER BY created_at, id";
}
