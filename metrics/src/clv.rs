//! Customer lifetime value.
//!
//! **Historical** (no model): CLV = average order value × purchase frequency
//! × expected lifespan × margin, where
//! * average order value = revenue / orders;
//! * purchase frequency = orders per customer per period, over each
//!   customer's tenure (first order day to the end day, inclusive);
//! * expected lifespan = `1 / churn_rate` periods when a per-period churn
//!   rate is given, else the mean observed tenure in periods (a lower bound:
//!   customers are still active at the end).
//!
//! Per customer the same formula uses the customer's own order value and
//! frequency. **Predictive** CLV comes from a fitted transaction model and
//! the Gamma-Gamma spend model ([`predictive_clv`], a per-customer wrapper of
//! [`crate::models::clv::customer_lifetime_value`]).

use serde::{Deserialize, Serialize};

use crate::data::date::day_of;
use crate::data::Orders;
use crate::models::clv::{customer_lifetime_value, ClvOptions, Customer, TransactionModel};
use crate::models::gamma_gamma::GammaGamma;
use crate::models::FitError;
use crate::summary::Summary;

/// Errors of the CLV functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClvError {
    /// Margin outside [0, 1].
    #[error("margin must be in [0, 1], got {0}")]
    BadMargin(f64),
    /// Churn rate outside (0, 1].
    #[error("churn rate must be in (0, 1], got {0}")]
    BadChurn(f64),
    /// Period length not positive.
    #[error("period must be > 0 days, got {0}")]
    BadPeriod(f64),
    /// A model evaluation failed for a customer.
    #[error("customer {customer}: {source}")]
    Model {
        /// Customer index.
        customer: u32,
        /// The model error.
        source: FitError,
    },
}

/// Options of [`historical_clv`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HistoricalClvOptions {
    /// Profit margin applied to revenue (1 = revenue).
    pub margin: f64,
    /// Churn rate per period; `None`: use the observed mean tenure as lifespan.
    pub churn_rate: Option<f64>,
    /// Period length in days (365 = frequencies and lifespans per year).
    pub period_days: f64,
    /// Last day observed (days since epoch, inclusive); `None`: the last order's day.
    pub end_day: Option<i64>,
}

impl Default for HistoricalClvOptions {
    fn default() -> Self {
        HistoricalClvOptions {
            margin: 1.0,
            churn_rate: None,
            period_days: 365.0,
            end_day: None,
        }
    }
}

/// Historical CLV, overall and per customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoricalClv {
    /// Customers with an order up to the end.
    pub customers: u64,
    /// Orders up to the end.
    pub orders: u64,
    /// Revenue up to the end.
    pub revenue: f64,
    /// Revenue per order.
    pub average_order_value: f64,
    /// Orders per customer per period.
    pub purchase_frequency: f64,
    /// Expected lifespan in periods.
    pub lifespan_periods: f64,
    /// Overall CLV.
    pub clv: f64,
    /// Customer index, per customer.
    pub customer: Vec<u32>,
    /// Per-customer CLV.
    pub customer_clv: Vec<f64>,
}

/// Computes historical CLV.
///
/// ```
/// use rapport_metrics::clv::{historical_clv, HistoricalClvOptions};
/// use rapport_metrics::data::Orders;
/// // One customer, two $50 orders over a 10-day tenure, periods of 10 days, 20% churn.
/// let o = Orders::from_columns(&["a", "a"], vec![0, 9 * 86_400], vec![50.0, 50.0]).unwrap();
/// let opts = HistoricalClvOptions { churn_rate: Some(0.2), period_days: 10.0, ..Default::default() };
/// let c = historical_clv(&o, &opts).unwrap();
/// assert_eq!((c.average_order_value, c.purchase_frequency, c.lifespan_periods), (50.0, 2.0, 5.0));
/// assert_eq!(c.clv, 500.0);
/// ```
pub fn historical_clv(
    orders: &Orders,
    opts: &HistoricalClvOptions,
) -> Result<HistoricalClv, ClvError> {
    if !(0.0..=1.0).contains(&opts.margin) {
        return Err(ClvError::BadMargin(opts.margin));
    }
    if let Some(c) = opts.churn_rate {
        if !(c > 0.0 && c <= 1.0) {
            return Err(ClvError::BadChurn(c));
        }
    }
    if !(opts.period_days.is_finite() && opts.period_days > 0.0) {
        return Err(ClvError::BadPeriod(opts.period_days));
    }
    let ts = orders.timestamps();
    let end_day = opts
        .end_day
        .or_else(|| ts.iter().map(|&t| day_of(t)).max())
        .unwrap_or(0);
    let n = orders.n_customers();
    let mut first = vec![i64::MAX; n];
    let mut count = vec![0u64; n];
    let mut spend = vec![0f64; n];
    for ((&c, &t), &a) in orders.customers().iter().zip(ts).zip(orders.amounts()) {
        let d = day_of(t);
        if d <= end_day {
            let c = c as usize;
            first[c] = first[c].min(d);
            count[c] += 1;
            spend[c] += a;
        }
    }
    let mut out = HistoricalClv::default();
    let mut tenure_total = 0.0;
    let mut tenures = Vec::new();
    for c in 0..n {
        if count[c] == 0 {
            continue;
        }
        let tenure = (end_day - first[c] + 1) as f64 / opts.period_days;
        out.customers += 1;
        out.orders += count[c];
        out.revenue += spend[c];
        tenure_total += tenure;
        out.customer.push(c as u32);
        tenures.push(tenure);
    }
    if out.customers == 0 {
        return Ok(out);
    }
    out.average_order_value = out.revenue / out.orders as f64;
    out.purchase_frequency = out.orders as f64 / tenure_total;
    out.lifespan_periods = match opts.churn_rate {
        Some(c) => 1.0 / c,
        None => tenure_total / out.customers as f64,
    };
    out.clv = out.average_order_value * out.purchase_frequency * out.lifespan_periods * opts.margin;
    out.customer_clv = out
        .customer
        .iter()
        .zip(&tenures)
        .map(|(&c, &tenure)| {
            let c = c as usize;
            let aov = spend[c] / count[c] as f64;
            aov * (count[c] as f64 / tenure) * out.lifespan_periods * opts.margin
        })
        .collect();
    Ok(out)
}

/// Predictive CLV of every customer of `summary` from a fitted transaction
/// model and Gamma-Gamma spend model, times `margin`. The summary's time unit
/// must be the models' (set `opts.units_per_month` accordingly).
pub fn predictive_clv<M: TransactionModel + ?Sized>(
    model: &M,
    spend: &GammaGamma,
    summary: &Summary,
    opts: &ClvOptions,
    margin: f64,
) -> Result<Vec<f64>, ClvError> {
    if !(0.0..=1.0).contains(&margin) {
        return Err(ClvError::BadMargin(margin));
    }
    (0..summary.len())
        .map(|i| {
            let customer = Customer {
                x: summary.frequency[i],
                t_x: summary.recency[i],
                t: summary.t[i],
                zbar: summary.monetary_value[i],
            };
            customer_lifetime_value(model, spend, &customer, opts)
                .map(|v| v * margin)
                .map_err(|source| ClvError::Model {
                    customer: summary.customer[i],
                    source,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_tenure_is_the_default_lifespan() -> Result<(), Box<dyn std::error::Error>> {
        let d = 86_400;
        // a: 3 orders of 10 over days 0..=9 (tenure 10); b: 1 order of 40 on day 9 (tenure 1).
        let o = Orders::from_columns(
            &["a", "a", "a", "b"],
            vec![0, 4 * d, 9 * d, 9 * d],
            vec![10.0, 10.0, 10.0, 40.0],
        )?;
        let c = historical_clv(
            &o,
            &HistoricalClvOptions {
                period_days: 1.0,
                margin: 0.5,
                ..Default::default()
            },
        )?;
        assert_eq!(c.average_order_value, 70.0 / 4.0);
        assert_eq!(c.purchase_frequency, 4.0 / 11.0);
        assert_eq!(c.lifespan_periods, 5.5);
        assert!((c.clv - 17.5 * 2.0 * 0.5).abs() < 1e-12);
        assert_eq!(c.customer_clv, [10.0 * 0.3 * 5.5 * 0.5, 40.0 * 5.5 * 0.5]);
        assert!(historical_clv(
            &o,
            &HistoricalClvOptions {
                churn_rate: Some(0.0),
                ..Default::default()
            }
        )
        .is_err());
        assert!(historical_clv(
            &o,
            &HistoricalClvOptions {
                margin: 2.0,
                ..Default::default()
            }
        )
        .is_err());
        Ok(())
    }
}
