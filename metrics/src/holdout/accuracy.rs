//! How close the per-customer predictions came: error statistics, and the
//! predicted and actual holdout purchases by purchase count in calibration
//! (the table behind lifetimes' calibration-vs-holdout plot).

use serde::{Deserialize, Serialize};

/// Error statistics of per-customer holdout purchase predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accuracy {
    /// Customers compared.
    pub customers: usize,
    /// Mean absolute error, purchases per customer.
    pub mae: f64,
    /// Root mean squared error, purchases per customer.
    pub rmse: f64,
    /// Σ actual holdout purchases.
    pub actual_total: f64,
    /// Σ predicted holdout purchases.
    pub predicted_total: f64,
    /// (predicted − actual) / actual of the totals; None when nobody bought.
    pub total_error: Option<f64>,
    /// Pearson correlation of predicted and actual; None when either is constant.
    pub correlation: Option<f64>,
}

/// Mean holdout purchases of the customers with one calibration purchase count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrequencyRow {
    /// Repeat purchases in calibration (the last row holds this many or more).
    pub frequency: u32,
    /// "3", or "7+" for the last row.
    pub label: String,
    /// Customers in the row.
    pub customers: usize,
    /// Mean actual holdout purchases.
    pub actual: f64,
    /// Mean predicted holdout purchases.
    pub predicted: f64,
}

/// Error statistics of `predicted` against `actual` (same length, not empty).
pub(crate) fn accuracy(actual: &[f64], predicted: &[f64]) -> Accuracy {
    let n = actual.len() as f64;
    let (mut abs, mut sq, mut sa, mut sp) = (0.0, 0.0, 0.0, 0.0);
    for (a, p) in actual.iter().zip(predicted) {
        abs += (p - a).abs();
        sq += (p - a) * (p - a);
        sa += a;
        sp += p;
    }
    let (ma, mp) = (sa / n, sp / n);
    let (mut cov, mut va, mut vp) = (0.0, 0.0, 0.0);
    for (a, p) in actual.iter().zip(predicted) {
        cov += (a - ma) * (p - mp);
        va += (a - ma) * (a - ma);
        vp += (p - mp) * (p - mp);
    }
    Accuracy {
        customers: actual.len(),
        mae: abs / n,
        rmse: (sq / n).sqrt(),
        actual_total: sa,
        predicted_total: sp,
        total_error: (sa > 0.0).then(|| (sp - sa) / sa),
        correlation: (va > 0.0 && vp > 0.0).then(|| cov / (va * vp).sqrt()),
    }
}

/// Rows for calibration purchase counts 0, 1, …, `cap − 1` and "`cap`+"
/// (rows without customers are left out).
pub(crate) fn by_calibration_frequency(
    x: &[f64],
    actual: &[f64],
    predicted: &[f64],
    cap: u32,
) -> Vec<FrequencyRow> {
    let k = cap as usize + 1;
    let mut count = vec![0usize; k];
    let mut sum_a = vec![0.0; k];
    let mut sum_p = vec![0.0; k];
    for i in 0..x.len() {
        let row = (x[i] as usize).min(cap as usize);
        count[row] += 1;
        sum_a[row] += actual[i];
        sum_p[row] += predicted[i];
    }
    (0..k)
        .filter(|&f| count[f] > 0)
        .map(|f| FrequencyRow {
            frequency: f as u32,
            label: if f == cap as usize {
                format!("{f}+")
            } else {
                f.to_string()
            },
            customers: count[f],
            actual: sum_a[f] / count[f] as f64,
            predicted: sum_p[f] / count[f] as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_by_hand() {
        let a = accuracy(&[0.0, 2.0, 1.0, 5.0], &[0.5, 1.0, 1.0, 6.5]);
        assert_eq!(a.customers, 4);
        assert_eq!(a.mae, (0.5 + 1.0 + 0.0 + 1.5) / 4.0);
        assert_eq!(a.rmse, ((0.25 + 1.0 + 0.0 + 2.25) / 4.0f64).sqrt());
        assert_eq!((a.actual_total, a.predicted_total), (8.0, 9.0));
        assert_eq!(a.total_error, Some(0.125));
        assert!(a.correlation.unwrap() > 0.9);
        let flat = accuracy(&[0.0, 0.0], &[0.1, 0.3]);
        assert_eq!((flat.total_error, flat.correlation), (None, None));
    }

    #[test]
    fn rows_group_and_cap() {
        let x = [0.0, 0.0, 1.0, 3.0, 9.0];
        let rows = by_calibration_frequency(&x, &[0.0, 1.0, 2.0, 3.0, 5.0], &[0.5; 5], 3);
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["0", "1", "3+"]);
        assert_eq!(rows[0].customers, 2);
        assert_eq!(rows[0].actual, 0.5);
        assert_eq!(rows[2].customers, 2);
        assert_eq!(rows[2].actual, 4.0);
        assert_eq!(rows[2].predicted, 0.5);
    }
}
