//! What-if: the effect of retaining more customers on CLV and revenue.
//!
//! Two methods:
//!
//! * **Geometric retention** (no model): a customer yielding margin `m` per
//!   period, retained each period with probability `r`, discounted at `d`,
//!   is worth `CLV = m · r / (1 + d − r)` (the infinite-horizon sum of
//!   `m · r^t / (1+d)^t`, t ≥ 1). Raising `r` by X points (`r + X/100`, capped
//!   below 1) gives the new CLV; revenue change = customers × ΔCLV.
//! * **BG/NBD**: after each purchase a customer drops out with probability
//!   `p ~ Beta(a, b)`, mean `a / (a + b)`; retention is `1 − p`. +X points of
//!   retention lowers the mean dropout to `p' = p̄ − X/100` (floored at 0.1 % of
//!   p̄) by changing `b` to `a (1 − p') / p'`, keeping `a` (so the spread of
//!   the Beta shrinks with its mean). Expected purchases over the horizon are
//!   summed over the customers' histories under both parameter sets, and
//!   valued at each customer's expected order value.

use serde::{Deserialize, Serialize};

use crate::models::bgnbd::BgNbd;
use crate::models::FitError;
use crate::summary::Summary;

/// Errors of the what-if functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatIfError {
    /// Retention outside [0, 1).
    #[error("retention must be in [0, 1), got {0}")]
    BadRetention(f64),
    /// Discount rate negative or not finite.
    #[error("discount rate must be >= 0, got {0}")]
    BadDiscount(f64),
    /// Uplift not finite or negative beyond the baseline.
    #[error("uplift of {0} points is not usable here")]
    BadUplift(f64),
    /// Horizon not positive.
    #[error("horizon must be > 0, got {0}")]
    BadHorizon(f64),
    /// Order values do not match the summary's customers.
    #[error("{values} order values for {customers} customers")]
    Mismatch {
        /// Values given.
        values: usize,
        /// Customers in the summary.
        customers: usize,
    },
    /// A model evaluation failed.
    #[error(transparent)]
    Model(#[from] FitError),
}

/// Geometric-retention CLV `m · r / (1 + d − r)`.
///
/// ```
/// use rapport_metrics::whatif::geometric_clv;
/// assert_eq!(geometric_clv(100.0, 0.5, 0.0).unwrap(), 100.0);
/// ```
pub fn geometric_clv(margin: f64, retention: f64, discount: f64) -> Result<f64, WhatIfError> {
    if !(0.0..1.0).contains(&retention) {
        return Err(WhatIfError::BadRetention(retention));
    }
    if !(discount.is_finite() && discount >= 0.0) {
        return Err(WhatIfError::BadDiscount(discount));
    }
    Ok(margin * retention / (1.0 + discount - retention))
}

/// Result of a retention what-if.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// Method used: "geometric" or "bgnbd".
    pub method: String,
    /// Retention before (per period for geometric; 1 − mean dropout for BG/NBD).
    pub baseline_retention: f64,
    /// Retention after.
    pub new_retention: f64,
    /// CLV per customer before.
    pub baseline_clv: f64,
    /// CLV per customer after.
    pub new_clv: f64,
    /// Relative change of CLV in percent.
    pub clv_change_percent: f64,
    /// Total revenue before (all customers).
    pub baseline_revenue: f64,
    /// Total revenue after.
    pub new_revenue: f64,
}

/// +`points` of retention under the geometric model for `customers` customers.
pub fn geometric_uplift(
    margin: f64,
    retention: f64,
    discount: f64,
    points: f64,
    customers: f64,
) -> Result<WhatIf, WhatIfError> {
    if !points.is_finite() {
        return Err(WhatIfError::BadUplift(points));
    }
    // Retention 1 would be an infinite value; cap just below.
    let new_r = (retention + points / 100.0).clamp(0.0, 0.999);
    let base = geometric_clv(margin, retention, discount)?;
    let new = geometric_clv(margin, new_r, discount)?;
    Ok(WhatIf {
        method: "geometric".into(),
        baseline_retention: retention,
        new_retention: new_r,
        baseline_clv: base,
        new_clv: new,
        clv_change_percent: if base > 0.0 {
            100.0 * (new / base - 1.0)
        } else {
            0.0
        },
        baseline_revenue: base * customers,
        new_revenue: new * customers,
    })
}

/// +`points` of retention under a fitted BG/NBD over `horizon` time units for
/// the customers of `summary`, each purchase valued at `order_value[i]`
/// (e.g. Gamma-Gamma conditional spend, or the summary's monetary value).
pub fn bgnbd_uplift(
    model: &BgNbd,
    summary: &Summary,
    order_value: &[f64],
    horizon: f64,
    points: f64,
) -> Result<WhatIf, WhatIfError> {
    if !(horizon.is_finite() && horizon > 0.0) {
        return Err(WhatIfError::BadHorizon(horizon));
    }
    if order_value.len() != summary.len() {
        return Err(WhatIfError::Mismatch {
            values: order_value.len(),
            customers: summary.len(),
        });
    }
    if !points.is_finite() {
        return Err(WhatIfError::BadUplift(points));
    }
    let p = model.a / (model.a + model.b);
    let new_p = (p - points / 100.0).max(p * 1e-3);
    if new_p >= 1.0 {
        return Err(WhatIfError::BadUplift(points));
    }
    let shifted = BgNbd::new(
        model.r,
        model.alpha,
        model.a,
        model.a * (1.0 - new_p) / new_p,
    )?;
    let (mut base, mut new) = (0.0, 0.0);
    for (i, &value) in order_value.iter().enumerate() {
        let (x, tx, t) = (summary.frequency[i], summary.recency[i], summary.t[i]);
        base += value * model.conditional_expected_purchases(horizon, x, tx, t)?;
        new += value * shifted.conditional_expected_purchases(horizon, x, tx, t)?;
    }
    let n = summary.len().max(1) as f64;
    Ok(WhatIf {
        method: "bgnbd".into(),
        baseline_retention: 1.0 - p,
        new_retention: 1.0 - new_p,
        baseline_clv: base / n,
        new_clv: new / n,
        clv_change_percent: if base > 0.0 {
            100.0 * (new / base - 1.0)
        } else {
            0.0
        },
        baseline_revenue: base,
        new_revenue: new,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_matches_the_series_it_sums() -> Result<(), WhatIfError> {
        let (m, r, d) = (50.0f64, 0.7f64, 0.1f64);
        let series: f64 = (1..2000).map(|t| m * r.powi(t) / (1.0 + d).powi(t)).sum();
        assert!((geometric_clv(m, r, d)? - series).abs() < 1e-9);
        let w = geometric_uplift(m, r, d, 5.0, 1000.0)?;
        assert_eq!(w.new_retention, 0.75);
        assert!(w.new_clv > w.baseline_clv);
        assert!((w.new_revenue - 1000.0 * geometric_clv(m, 0.75, d)?).abs() < 1e-9);
        assert!(geometric_clv(m, 1.0, 0.0).is_err());
        Ok(())
    }

    #[test]
    fn more_bgnbd_retention_means_more_purchases() -> Result<(), WhatIfError> {
        let model = BgNbd::new(0.2426, 4.4136, 0.7929, 2.4259)?;
        let s = Summary {
            customer: vec![0, 1, 2],
            frequency: vec![2.0, 0.0, 5.0],
            recency: vec![30.43, 0.0, 20.0],
            t: vec![38.86, 38.86, 30.0],
            monetary_value: vec![20.0, 0.0, 30.0],
            ..Default::default()
        };
        let w = bgnbd_uplift(&model, &s, &[20.0, 15.0, 30.0], 52.0, 5.0)?;
        assert!((w.baseline_retention - (1.0 - 0.7929 / (0.7929 + 2.4259))).abs() < 1e-12);
        assert!((w.new_retention - w.baseline_retention - 0.05).abs() < 1e-12);
        assert!(w.new_revenue > w.baseline_revenue);
        let same = bgnbd_uplift(&model, &s, &[20.0, 15.0, 30.0], 52.0, 0.0)?;
        assert!((same.new_revenue - same.baseline_revenue).abs() < 1e-9 * same.baseline_revenue);
        Ok(())
    }
}
