//! Orders split at the calibration end: each customer's calibration history
//! (x, t_x, T) and holdout purchase count, with the same definitions as the
//! summary (purchases merged per day, times in periods from the first purchase).

use crate::data::Orders;
use crate::summary::{purchase_days, Period};

/// The customers acquired by the calibration end, ascending customer index.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Split {
    /// Customer index (into [`Orders::customer_ids`]).
    pub customer: Vec<u32>,
    /// Day of the first purchase.
    pub first_day: Vec<i64>,
    /// Repeat purchase days up to the calibration end.
    pub x: Vec<f64>,
    /// First to last purchase up to the calibration end, in periods.
    pub t_x: Vec<f64>,
    /// First purchase to the calibration end, in periods.
    pub t: Vec<f64>,
    /// Purchase days after the calibration end, up to the end.
    pub holdout: Vec<f64>,
    /// Day of every repeat purchase of these customers (calibration and holdout).
    pub repeat_days: Vec<i64>,
    /// Customers whose first purchase falls after the calibration end (left out).
    pub acquired_later: usize,
}

/// Splits `orders` up to `end` at `calibration_end` (both days, inclusive).
pub(crate) fn split(orders: &Orders, calibration_end: i64, end: i64, period: Period) -> Split {
    let g = purchase_days(orders, end);
    let unit = period.days();
    let mut s = Split::default();
    for c in 0..orders.n_customers() {
        let days = &g.day[g.offsets[c]..g.offsets[c + 1]];
        let Some(&first) = days.first() else {
            continue;
        };
        if first > calibration_end {
            s.acquired_later += 1;
            continue;
        }
        // Days are sorted and distinct: the calibration ones come first.
        let in_calibration = days.partition_point(|&d| d <= calibration_end);
        let last = days[in_calibration - 1];
        s.customer.push(c as u32);
        s.first_day.push(first);
        s.x.push((in_calibration - 1) as f64);
        s.t_x.push((last - first) as f64 / unit);
        s.t.push((calibration_end - first) as f64 / unit);
        s.holdout.push((days.len() - in_calibration) as f64);
        s.repeat_days.extend_from_slice(&days[1..]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{summary, SummaryOptions};

    #[test]
    fn calibration_part_is_the_summary_at_the_calibration_end() -> Result<(), crate::data::DataError>
    {
        let d = 86_400;
        // a: days 0, 0, 5, 12, 30; b: days 3, 40; c: day 25 (after the calibration end).
        let o = Orders::from_columns(
            &["a", "a", "a", "b", "a", "c", "b", "a"],
            vec![0, 100, 5 * d, 3 * d, 12 * d, 25 * d, 40 * d, 30 * d],
            vec![1.0; 8],
        )?;
        let s = split(&o, 20, 40, Period::Day);
        let want = summary(
            &o,
            &SummaryOptions {
                end_day: Some(20),
                ..Default::default()
            },
        );
        assert_eq!(s.customer, want.customer);
        assert_eq!(s.x, want.frequency);
        assert_eq!(s.t_x, want.recency);
        assert_eq!(s.t, want.t);
        assert_eq!(s.holdout, [1.0, 1.0]);
        assert_eq!(s.first_day, [0, 3]);
        assert_eq!(s.acquired_later, 1);
        let mut repeats = s.repeat_days.clone();
        repeats.sort_unstable();
        assert_eq!(repeats, [5, 12, 30, 40]);
        // Orders after the end are not counted.
        assert_eq!(split(&o, 20, 35, Period::Day).holdout, [1.0, 0.0]);
        Ok(())
    }
}
