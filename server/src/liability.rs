//! The loyalty liability of a site, gathered from the store and forecast by
//! [`crate::loyalty::forecast`]: shared by the admin endpoint
//! (`GET /v1/sites/{site}/loyalty/liability`) and the command line
//! (`rapport-server --liability SITE`).

use serde_json::{json, Value};

use crate::config::LoyaltyConfig;
use crate::loyalty::forecast::{self, CustomerHistory, ForecastError};
use crate::loyalty::rewards::RewardKind;
use crate::loyalty::rules::DAY_MILLIS;
use crate::store::{ResponseStore, StoreError};

/// Horizon of customers whose points never expire, days.
pub const DEFAULT_HORIZON_DAYS: i64 = 365;

/// Why the liability could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum LiabilityError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No forecast (too few customers, or the model fit failed).
    #[error(transparent)]
    Forecast(#[from] ForecastError),
}

/// The value of one point: that of the best fixed-amount reward, in currency units.
pub fn value_per_point(loyalty: &LoyaltyConfig) -> Option<f64> {
    loyalty
        .rewards
        .iter()
        .filter_map(|r| match r.kind {
            RewardKind::FixedAmount { amount } => Some(amount as f64 / 100.0 / r.points as f64),
            _ => None,
        })
        .reduce(f64::max)
}

/// The forecast of `site` at `now`, as JSON. Due expiries are written first, so expired
/// points are not counted as outstanding.
pub async fn compute(
    store: &dyn ResponseStore,
    site: &str,
    loyalty: &LoyaltyConfig,
    now: i64,
) -> Result<Value, LiabilityError> {
    let mut snapshots = store.loyalty().snapshots(site.to_owned()).await?;
    if let Some(policy) = loyalty.expiry {
        let mut written = 0;
        for s in snapshots.iter().filter(|s| s.balance > 0) {
            written += store
                .loyalty()
                .expire(site.to_owned(), s.customer.clone(), policy, now)
                .await?;
        }
        if written > 0 {
            snapshots = store.loyalty().snapshots(site.to_owned()).await?;
        }
    }
    let tiers = loyalty.rules.tiers.as_ref();
    let customers: Vec<CustomerHistory> = snapshots
        .iter()
        .map(|s| CustomerHistory {
            tier: tiers.and_then(|t| {
                t.levels
                    .get(t.standing(&s.orders, now).tier)
                    .map(|l| l.name.clone())
            }),
            points: s.balance,
            orders: s
                .orders
                .iter()
                .filter(|o| o.points > 0 || o.spend > 0)
                .map(|o| o.at)
                .collect(),
            horizon: match (loyalty.expiry, s.last_activity) {
                (Some(p), Some(last)) => last.saturating_add(p.period_millis()) - now,
                (Some(_), None) => 0,
                (None, _) => DEFAULT_HORIZON_DAYS * DAY_MILLIS,
            },
        })
        .collect();
    let f = forecast::forecast(&customers, value_per_point(loyalty), now)?;
    Ok(json!({
        "site": site,
        "generatedAt": crate::clock::format_unix_millis(now),
        "horizon": match loyalty.expiry {
            Some(p) => format!("until each customer's points expire ({} days after their last activity)", p.inactivity_days),
            None => format!("{DEFAULT_HORIZON_DAYS} days (points never expire)"),
        },
        "forecast": f,
    }))
}
