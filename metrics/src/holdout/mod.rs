//! Holdout validation: fit a transaction model on the calibration period,
//! predict the holdout period, and compare with what customers did.
//!
//! The orders up to the calibration end give each customer's history
//! (x, t_x, T) as in the summary; the model is fitted on those, and each
//! customer's expected purchases in the holdout — from the day after the
//! calibration end to the end — is set against the purchase days they actually
//! had there ([`accuracy`]: MAE, RMSE, totals, and the means by calibration
//! purchase count). [`tracking`] follows the whole cohort's repeat purchases
//! week by week, actual against expected, across both periods.
//!
//! Customers first seen after the calibration end are left out (the model
//! knows nothing of them) and counted. Customers first seen on the calibration
//! end day itself (T = 0) carry no information about repeat buying: they are
//! not part of the fit, and their prediction is a new customer's, E[X(t)].
//!
//! ```
//! use rapport_metrics::data::Orders;
//! use rapport_metrics::holdout::{validate, ValidateOptions};
//! use rapport_metrics::models::transaction::TransactionKind;
//! use rapport_metrics::summary::Period;
//!
//! let day = 86_400;
//! let mut ids = Vec::new();
//! let mut times = Vec::new();
//! for c in 0..60_i64 {
//!     for k in 0..(c % 5) {
//!         ids.push(format!("c{c}"));
//!         times.push((c % 20 + 17 * k * (1 + c % 3)) * day);
//!     }
//!     ids.push(format!("c{c}"));
//!     times.push((c % 20) * day);
//! }
//! let orders = Orders::from_columns(&ids, times.clone(), vec![10.0; times.len()])?;
//! let report = validate(&orders, &ValidateOptions::new(TransactionKind::Bgnbd, 100))?;
//! assert_eq!(report.accuracy.customers, 60);
//! assert!(report.accuracy.mae >= 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod accuracy;
mod split;
pub mod tracking;

use serde::{Deserialize, Serialize};

pub use accuracy::{Accuracy, FrequencyRow};
pub use tracking::Tracking;

use crate::data::date::{day_of, format_day};
use crate::data::Orders;
use crate::models::transaction::{fit, TransactionFit, TransactionKind};
use crate::models::{FitError, FitInput, FitOptions, InputError};
use crate::summary::Period;

/// Why a validation could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HoldoutError {
    /// No orders at all.
    #[error("no orders to validate on")]
    NoOrders,
    /// Nobody had bought by the calibration end.
    #[error("calibration end {calibration_end}: no customer had bought by then (the first order is on {first_order})")]
    NoCalibrationCustomers {
        /// The calibration end.
        calibration_end: String,
        /// Day of the first order.
        first_order: String,
    },
    /// The holdout period is empty.
    #[error("calibration end {calibration_end} is not before the end {end}: the holdout period is empty")]
    EmptyHoldout {
        /// The calibration end.
        calibration_end: String,
        /// The end of the data (or `--end`).
        end: String,
    },
    /// The calibration histories are not valid model input.
    #[error("calibration data: {0}")]
    Input(#[from] InputError),
    /// The fit or a prediction failed.
    #[error("{0}")]
    Fit(#[from] FitError),
}

/// What to validate and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOptions {
    /// The transaction model to fit.
    pub model: TransactionKind,
    /// Last day of the calibration period (days since 1970-01-01, inclusive).
    pub calibration_end_day: i64,
    /// Last day observed (inclusive); `None`: the day of the last order.
    #[serde(default)]
    pub end_day: Option<i64>,
    /// Time unit of the model (default weeks).
    #[serde(default = "default_period")]
    pub period: Period,
    /// Optimiser settings.
    #[serde(default)]
    pub fit: FitOptions,
    /// Calibration purchase counts from this one up share the last row of
    /// [`HoldoutReport::by_calibration_frequency`] (default 7).
    #[serde(default = "default_max_frequency")]
    pub max_frequency: u32,
}

fn default_period() -> Period {
    Period::Week
}

fn default_max_frequency() -> u32 {
    7
}

impl ValidateOptions {
    /// Defaults (weeks, data to the last order, 7+ as the last row) for a
    /// model and a calibration end day.
    pub fn new(model: TransactionKind, calibration_end_day: i64) -> Self {
        Self {
            model,
            calibration_end_day,
            end_day: None,
            period: default_period(),
            fit: FitOptions::default(),
            max_frequency: default_max_frequency(),
        }
    }
}

/// Each validated customer's calibration history, and holdout purchases
/// predicted and actual (columns, one entry per customer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerCustomer {
    /// Customer index (into [`Orders::customer_ids`]).
    pub customer: Vec<u32>,
    /// Repeat purchases in calibration.
    pub x: Vec<f64>,
    /// Recency in calibration, periods.
    pub t_x: Vec<f64>,
    /// Age at the calibration end, periods.
    pub t: Vec<f64>,
    /// Purchases in the holdout.
    pub actual: Vec<f64>,
    /// Expected purchases in the holdout.
    pub predicted: Vec<f64>,
}

/// The result of [`validate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutReport {
    /// The fit on the calibration period.
    pub fit: TransactionFit,
    /// Time unit of the model and of the lengths below.
    pub period: Period,
    /// First purchase day of the earliest customer.
    pub calibration_start: String,
    /// Last day of the calibration period.
    pub calibration_end: String,
    /// Last day of the holdout period.
    pub end: String,
    /// Holdout length, periods.
    pub holdout_length: f64,
    /// Customers first seen after the calibration end (left out).
    pub acquired_after_calibration: usize,
    /// Customers first seen on the calibration end day (not fitted; predicted
    /// as new customers).
    pub first_seen_on_calibration_end: usize,
    /// Error statistics over the validated customers.
    pub accuracy: Accuracy,
    /// Mean predicted and actual holdout purchases by calibration purchase count.
    pub by_calibration_frequency: Vec<FrequencyRow>,
    /// Weekly tracking of repeat purchases.
    pub tracking: Tracking,
    /// Per-customer detail.
    pub customers: PerCustomer,
}

/// Fits on the orders up to the calibration end and compares with the rest.
pub fn validate(orders: &Orders, opts: &ValidateOptions) -> Result<HoldoutReport, HoldoutError> {
    let days = orders.timestamps().iter().map(|&t| day_of(t));
    let (first_order, last_order) = days
        .fold(None, |acc: Option<(i64, i64)>, d| {
            Some(acc.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))))
        })
        .ok_or(HoldoutError::NoOrders)?;
    let calibration_end = opts.calibration_end_day;
    let end = opts.end_day.unwrap_or(last_order);
    if calibration_end >= end {
        return Err(HoldoutError::EmptyHoldout {
            calibration_end: format_day(calibration_end),
            end: format_day(end),
        });
    }
    let s = split::split(orders, calibration_end, end, opts.period);
    if s.customer.is_empty() {
        return Err(HoldoutError::NoCalibrationCustomers {
            calibration_end: format_day(calibration_end),
            first_order: format_day(first_order),
        });
    }
    // T = 0 customers add nothing to the likelihood: fit on the others.
    let fitted: Vec<usize> = (0..s.customer.len()).filter(|&i| s.t[i] > 0.0).collect();
    let input = FitInput::new(
        fitted.iter().map(|&i| s.x[i]).collect(),
        fitted.iter().map(|&i| s.t_x[i]).collect(),
        fitted.iter().map(|&i| s.t[i]).collect(),
    )?;
    let model_fit = fit(opts.model, &input, &opts.fit)?;
    let model = model_fit.params();
    let unit = opts.period.days();
    let holdout_length = (end - calibration_end) as f64 / unit;
    let new_customer = model.expected_purchases(holdout_length)?;
    let predicted: Vec<f64> = (0..s.customer.len())
        .map(|i| {
            if s.t[i] > 0.0 {
                model.conditional_expected_purchases(holdout_length, s.x[i], s.t_x[i], s.t[i])
            } else {
                Ok(new_customer)
            }
        })
        .collect::<Result<_, _>>()?;
    let tracking = tracking::tracking(
        &model,
        &s.first_day,
        &s.repeat_days,
        calibration_end,
        end,
        unit,
    )?;
    let calibration_start = s.first_day.iter().copied().min().unwrap_or(first_order);
    Ok(HoldoutReport {
        period: opts.period,
        calibration_start: format_day(calibration_start),
        calibration_end: format_day(calibration_end),
        end: format_day(end),
        holdout_length,
        acquired_after_calibration: s.acquired_later,
        first_seen_on_calibration_end: s.customer.len() - fitted.len(),
        accuracy: accuracy::accuracy(&s.holdout, &predicted),
        by_calibration_frequency: accuracy::by_calibration_frequency(
            &s.x,
            &s.holdout,
            &predicted,
            opts.max_frequency,
        ),
        tracking,
        fit: model_fit,
        customers: PerCustomer {
            customer: s.customer,
            x: s.x,
            t_x: s.t_x,
            t: s.t,
            actual: s.holdout,
            predicted,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders() -> Orders {
        let d = 86_400;
        // a: 0, 10, 30 (holdout); b: 5; c: 20 (T = 0 at calibration end 20); e: 25 (later).
        Orders::from_columns(
            &["a", "a", "a", "b", "c", "c", "e", "b"],
            vec![0, 10 * d, 30 * d, 5 * d, 20 * d, 28 * d, 25 * d, 7 * d],
            vec![1.0; 8],
        )
        .unwrap()
    }

    #[test]
    fn new_customers_on_the_calibration_end_are_predicted_not_fitted() {
        let mut o = ValidateOptions::new(TransactionKind::Bgnbd, 20);
        o.period = Period::Day;
        let r = validate(&orders(), &o).unwrap();
        assert_eq!(r.first_seen_on_calibration_end, 1);
        assert_eq!(r.acquired_after_calibration, 1);
        assert_eq!(r.customers.customer, [0, 1, 2]);
        assert_eq!(r.customers.actual, [1.0, 0.0, 1.0]);
        assert_eq!(r.holdout_length, 10.0);
        let m = r.fit.params();
        assert_eq!(
            r.customers.predicted[2],
            m.expected_purchases(10.0).unwrap()
        );
        assert_eq!(r.end, "1970-01-31");
        // Every repeat purchase of the validated customers is tracked.
        assert_eq!(r.tracking.actual_cumulative.last(), Some(&4.0));
    }

    #[test]
    fn empty_periods_are_errors_that_name_the_days() {
        let e = validate(&orders(), &ValidateOptions::new(TransactionKind::Bgnbd, 30)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "calibration end 1970-01-31 is not before the end 1970-01-31: the holdout period is empty"
        );
        let mut o = ValidateOptions::new(TransactionKind::Bgnbd, -5);
        o.end_day = Some(40);
        let e = validate(&orders(), &o).unwrap_err();
        assert!(
            matches!(e, HoldoutError::NoCalibrationCustomers { .. }),
            "{e}"
        );
        let none = Orders::from_columns::<&str>(&[], vec![], vec![]).unwrap();
        assert_eq!(validate(&none, &o).unwrap_err(), HoldoutError::NoOrders);
    }
}
