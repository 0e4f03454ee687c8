//! Weekly tracking of repeat purchases, actual against the model's, across
//! calibration and holdout (the tracking plots of CLVTools and pymc-marketing,
//! lifetimes' `plot_cumulative_transactions`).
//!
//! Weeks are 7-day bins from the first customer's first purchase; the last bin
//! may be shorter (it ends on the last day observed). The expected cumulative
//! repeat purchases at the end of day e is Σᵢ E[X((e − fᵢ)/unit)] over the
//! customers acquired by then (fᵢ their first purchase day, E[X(t)] a new
//! customer's expected repeat purchases in t): the model's view of the whole
//! cohort from its parameters alone, so the holdout part is a true forecast.

use serde::{Deserialize, Serialize};

use crate::data::date::format_day;
use crate::models::transaction::TransactionParams;
use crate::models::FitError;

/// Days in a tracking bin.
const WEEK: i64 = 7;

/// Cumulative and weekly repeat purchases, actual and expected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracking {
    /// First day of each week, `YYYY-MM-DD`.
    pub week_start: Vec<String>,
    /// End of each week in weeks since the first day (k + 1, less for a
    /// shorter last week): the x coordinates of a tracking plot.
    pub week_end: Vec<f64>,
    /// The calibration end in the same coordinates.
    pub calibration_end: f64,
    /// Repeat purchases up to the end of each week.
    pub actual_cumulative: Vec<f64>,
    /// Expected repeat purchases up to the end of each week.
    pub predicted_cumulative: Vec<f64>,
    /// Repeat purchases in each week.
    pub actual_weekly: Vec<f64>,
    /// Expected repeat purchases in each week.
    pub predicted_weekly: Vec<f64>,
}

/// Tracking from `start` (the first acquisition day) to `end`, for customers
/// with first purchase days `first_days` and repeat purchase days `repeat_days`.
pub(crate) fn tracking(
    model: &TransactionParams,
    first_days: &[i64],
    repeat_days: &[i64],
    calibration_end: i64,
    end: i64,
    unit_days: f64,
) -> Result<Tracking, FitError> {
    let Some(&start) = first_days.iter().min() else {
        return Ok(Tracking::default());
    };
    let span = (end - start + 1).max(1) as usize;
    // Customers acquired and repeat purchases made on each day.
    let mut acquired = vec![0.0; span];
    let mut repeats = vec![0.0; span];
    for &f in first_days {
        acquired[(f - start) as usize] += 1.0;
    }
    for &d in repeat_days {
        if (start..=end).contains(&d) {
            repeats[(d - start) as usize] += 1.0;
        }
    }
    // E[X(d days)] for every whole number of days.
    let expected: Vec<f64> = (0..span)
        .map(|d| model.expected_purchases(d as f64 / unit_days))
        .collect::<Result<_, _>>()?;
    let days_in_week = WEEK as f64;
    let mut t = Tracking {
        calibration_end: (calibration_end - start + 1) as f64 / days_in_week,
        ..Default::default()
    };
    let mut actual = 0.0;
    let mut week = 0;
    while start + week * WEEK <= end {
        let first = start + week * WEEK;
        let last = (first + WEEK - 1).min(end);
        for d in first..=last {
            actual += repeats[(d - start) as usize];
        }
        let e = (last - start) as usize;
        let predicted: f64 = (0..=e).map(|f| acquired[f] * expected[e - f]).sum();
        t.week_start.push(format_day(first));
        t.week_end.push((last - start + 1) as f64 / days_in_week);
        t.actual_cumulative.push(actual);
        t.predicted_cumulative.push(predicted);
        week += 1;
    }
    t.actual_weekly = increments(&t.actual_cumulative);
    t.predicted_weekly = increments(&t.predicted_cumulative);
    Ok(t)
}

fn increments(cumulative: &[f64]) -> Vec<f64> {
    let mut previous = 0.0;
    cumulative
        .iter()
        .map(|&c| {
            let d = c - previous;
            previous = c;
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::bgnbd::BgNbd;

    #[test]
    fn bins_counts_and_expectations() {
        let m = TransactionParams::Bgnbd(BgNbd::new(0.5, 3.0, 0.7, 2.0).unwrap());
        // Two customers from days 0 and 3; repeats on days 2, 6, 7 and 15; end day 16.
        let t = tracking(&m, &[0, 3], &[2, 6, 7, 15], 9, 16, 7.0).unwrap();
        assert_eq!(t.week_start, ["1970-01-01", "1970-01-08", "1970-01-15"]);
        assert_eq!(t.week_end, [1.0, 2.0, 17.0 / 7.0]);
        assert_eq!(t.calibration_end, 10.0 / 7.0);
        assert_eq!(t.actual_cumulative, [2.0, 3.0, 4.0]);
        assert_eq!(t.actual_weekly, [2.0, 1.0, 1.0]);
        // End of week 2 is day 13: the customers are 13 and 10 days old.
        let want =
            m.expected_purchases(13.0 / 7.0).unwrap() + m.expected_purchases(10.0 / 7.0).unwrap();
        assert!((t.predicted_cumulative[1] - want).abs() < 1e-12);
        let sum: f64 = t.predicted_weekly.iter().sum();
        assert!((sum - t.predicted_cumulative[2]).abs() < 1e-12);
        assert!(t.predicted_weekly.iter().all(|&w| w >= 0.0));
    }
}
