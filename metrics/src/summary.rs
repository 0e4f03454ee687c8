//! Per-customer purchase summary in the shape of `lifetimes`'
//! `summary_data_from_transaction_data`: frequency, recency, T, monetary value.
//!
//! Definitions (time unit = [`Period`]):
//! * purchases are merged per calendar day (UTC day of the timestamp, or the
//!   wall-clock day when the data were read with `OffsetPolicy::Local`): two
//!   orders on one day are one purchase whose value is their sum;
//! * **frequency** = number of purchase days after the first one (repeat purchases);
//! * **recency** = time from the first to the last purchase day;
//! * **T** = time from the first purchase day to the observation end;
//! * **monetary value** = mean value of the repeat purchases (0 when frequency is 0);
//! * orders after the end day are ignored; customers whose first purchase is
//!   after the end do not appear.
//!
//! With [`Period::Week`] times are days / 7 (not calendar weeks), as in the
//! published CDNOW analyses.

use serde::{Deserialize, Serialize};

use crate::data::date::day_of;
use crate::data::Orders;
use crate::models::{FitInput, InputError, SpendInput};

/// Time unit of recency and T.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// Days.
    #[default]
    Day,
    /// Weeks of 7 days (fractional).
    Week,
}

impl Period {
    /// Days in one period.
    pub fn days(self) -> f64 {
        match self {
            Period::Day => 1.0,
            Period::Week => 7.0,
        }
    }
}

/// Options of [`summary`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SummaryOptions {
    /// Time unit.
    pub period: Period,
    /// Last day observed (days since 1970-01-01, inclusive). `None`: the day of the last order.
    pub end_day: Option<i64>,
    /// Round recency, T and monetary value to this many decimals (`None`: no rounding).
    pub decimals: Option<u32>,
}

/// The summary, one entry per customer (ascending customer index).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Customer index (into [`Orders::customer_ids`]).
    pub customer: Vec<u32>,
    /// Repeat purchases.
    pub frequency: Vec<f64>,
    /// First to last purchase.
    pub recency: Vec<f64>,
    /// First purchase to the end.
    pub t: Vec<f64>,
    /// Mean repeat purchase value.
    pub monetary_value: Vec<f64>,
    /// Time unit used.
    pub period: Period,
    /// End day used (days since epoch).
    pub end_day: i64,
}

impl Summary {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// True when no customer bought before the end.
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// The `(x, t_x, T)` columns of the transaction models (unit weights).
    pub fn fit_input(&self) -> Result<FitInput, InputError> {
        FitInput::new(self.frequency.clone(), self.recency.clone(), self.t.clone())
    }

    /// The Gamma-Gamma input: repeat buyers with a positive mean repeat value
    /// (customers whose repeat purchases were all $0 carry no spend information).
    pub fn spend_input(&self) -> Result<SpendInput, InputError> {
        SpendInput::repeat_buyers(
            self.frequency
                .iter()
                .copied()
                .zip(self.monetary_value.iter().copied())
                .filter(|&(_, z)| z > 0.0),
        )
    }
}

/// Orders grouped by customer: for customer `c`, entries
/// `offsets[c]..offsets[c + 1]` of `day`/`amount` are its purchase days in
/// ascending order, same-day orders merged.
pub(crate) struct PurchaseDays {
    pub(crate) offsets: Vec<usize>,
    pub(crate) day: Vec<i64>,
    pub(crate) amount: Vec<f64>,
}

/// Groups orders up to `end_day` by customer with a counting sort, then merges same-day orders.
pub(crate) fn purchase_days(orders: &Orders, end_day: i64) -> PurchaseDays {
    let n = orders.n_customers();
    let mut counts = vec![0u32; n];
    for (&c, &t) in orders.customers().iter().zip(orders.timestamps()) {
        if day_of(t) <= end_day {
            counts[c as usize] += 1;
        }
    }
    let mut offsets = Vec::with_capacity(n + 1);
    let mut acc = 0usize;
    offsets.push(0);
    for &k in &counts {
        acc += k as usize;
        offsets.push(acc);
    }
    let mut fill = offsets[..n].to_vec();
    let mut day = vec![0i64; acc];
    let mut amount = vec![0f64; acc];
    for ((&c, &t), &a) in orders
        .customers()
        .iter()
        .zip(orders.timestamps())
        .zip(orders.amounts())
    {
        let d = day_of(t);
        if d <= end_day {
            let slot = &mut fill[c as usize];
            day[*slot] = d;
            amount[*slot] = a;
            *slot += 1;
        }
    }
    // Sort each customer's slice by day and merge equal days, compacting in place.
    let mut write = 0usize;
    let mut merged_offsets = Vec::with_capacity(n + 1);
    merged_offsets.push(0);
    let mut pairs: Vec<(i64, f64)> = Vec::new();
    for c in 0..n {
        let (s, e) = (offsets[c], offsets[c + 1]);
        pairs.clear();
        pairs.extend(day[s..e].iter().copied().zip(amount[s..e].iter().copied()));
        if !pairs.is_sorted_by_key(|p| p.0) {
            pairs.sort_by_key(|p| p.0);
        }
        for &(d, a) in &pairs {
            if write > merged_offsets[c] && day[write - 1] == d {
                amount[write - 1] += a;
            } else {
                day[write] = d;
                amount[write] = a;
                write += 1;
            }
        }
        merged_offsets.push(write);
    }
    day.truncate(write);
    amount.truncate(write);
    PurchaseDays {
        offsets: merged_offsets,
        day,
        amount,
    }
}

/// Rounds half away from zero as on paper: a value whose binary form sits a
/// hair below a decimal tie (18.135 is stored as 18.13499…) still rounds up,
/// as spreadsheets and the published CDNOW summaries do.
pub(crate) fn round_to(v: f64, decimals: Option<u32>) -> f64 {
    let Some(d) = decimals else { return v };
    let f = 10f64.powi(d.min(15) as i32);
    let x = v * f;
    let frac = x.abs().fract();
    let r = if (frac - 0.5).abs() <= 1e-9 * x.abs().max(1.0) {
        x.signum() * (x.abs().trunc() + 1.0)
    } else {
        x.round()
    };
    r / f
}

/// Builds the per-customer summary of `orders`.
///
/// ```
/// use rapport_metrics::data::Orders;
/// use rapport_metrics::summary::{summary, Period, SummaryOptions};
/// let day = 86_400;
/// // ann buys on days 0, 0 (merged), 7 and 14; the end is day 21.
/// let o = Orders::from_columns(&["ann"; 4], vec![0, 3600, 7 * day, 14 * day], vec![5.0, 5.0, 20.0, 30.0]).unwrap();
/// let s = summary(&o, &SummaryOptions { period: Period::Week, end_day: Some(21), decimals: None });
/// assert_eq!((s.frequency[0], s.recency[0], s.t[0], s.monetary_value[0]), (2.0, 2.0, 3.0, 25.0));
/// ```
pub fn summary(orders: &Orders, opts: &SummaryOptions) -> Summary {
    let end_day = opts
        .end_day
        .or_else(|| orders.timestamps().iter().map(|&t| day_of(t)).max())
        .unwrap_or(0);
    let g = purchase_days(orders, end_day);
    let unit = opts.period.days();
    let mut s = Summary {
        period: opts.period,
        end_day,
        ..Default::default()
    };
    for c in 0..orders.n_customers() {
        let (a, b) = (g.offsets[c], g.offsets[c + 1]);
        if a == b {
            continue;
        }
        let first = g.day[a];
        let last = g.day[b - 1];
        let repeats = (b - a - 1) as f64;
        let monetary = if b - a > 1 {
            g.amount[a + 1..b].iter().sum::<f64>() / repeats
        } else {
            0.0
        };
        s.customer.push(c as u32);
        s.frequency.push(repeats);
        s.recency
            .push(round_to((last - first) as f64 / unit, opts.decimals));
        s.t.push(round_to((end_day - first) as f64 / unit, opts.decimals));
        s.monetary_value.push(round_to(monetary, opts.decimals));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_treats_near_ties_as_ties() {
        assert_eq!(round_to(36.27 / 2.0, Some(2)), 18.14);
        assert_eq!(round_to(-0.125, Some(2)), -0.13);
        assert_eq!(round_to(30.428_571, Some(2)), 30.43);
        assert_eq!(round_to(1.234, None), 1.234);
    }

    #[test]
    fn same_day_orders_merge_and_late_orders_are_ignored() -> Result<(), crate::data::DataError> {
        let d = 86_400;
        let o = Orders::from_columns(
            &["a", "b", "a", "a", "c", "b"],
            vec![10 * d, 2 * d, 10 * d + 5, 12 * d, 40 * d, 2 * d],
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        )?;
        let s = summary(
            &o,
            &SummaryOptions {
                end_day: Some(20),
                ..Default::default()
            },
        );
        assert_eq!(s.customer, [0, 1]);
        assert_eq!(s.frequency, [1.0, 0.0]);
        assert_eq!(s.recency, [2.0, 0.0]);
        assert_eq!(s.t, [10.0, 18.0]);
        assert_eq!(s.monetary_value, [4.0, 0.0]);
        Ok(())
    }
}
