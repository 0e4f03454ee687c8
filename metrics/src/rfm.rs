//! RFM scoring: recency, frequency and monetary quintile scores (1–5) and
//! named segments.
//!
//! Per customer, up to the end day: **recency** = days since the last
//! purchase day, **frequency** = purchase days (same-day orders merge, as in
//! [`summary`](crate::summary)), **monetary** = total spend.
//!
//! Scores are rank quintiles with ties kept together: a customer's score is
//! `1 + floor(5 × (customers strictly worse) / n)`, where "worse" is a
//! larger recency or a smaller frequency/monetary. Equal values always get
//! equal scores, so a heavily tied column (most customers buy once) uses
//! fewer than five scores rather than splitting ties arbitrarily.
//!
//! Segments are read from R and FM = ⌈(F + M) / 2⌉ on this grid:
//!
//! | R \ FM | 1 | 2 | 3 | 4 | 5 |
//! | --- | --- | --- | --- | --- | --- |
//! | 5 | new | potential loyalist | potential loyalist | champions | champions |
//! | 4 | promising | potential loyalist | potential loyalist | loyal | champions |
//! | 3 | about to sleep | about to sleep | need attention | loyal | loyal |
//! | 2 | hibernating | hibernating | at risk | at risk | can't lose |
//! | 1 | lost | hibernating | at risk | at risk | can't lose |

use serde::{Deserialize, Serialize};

use crate::data::date::day_of;
use crate::data::Orders;
use crate::summary::purchase_days;

/// A named RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Bought recently, often, and spend the most.
    Champions,
    /// Buy regularly and spend well.
    Loyal,
    /// Recent customers with average frequency and spend.
    PotentialLoyalist,
    /// Bought very recently, once or little.
    New,
    /// Recent, low frequency and spend.
    Promising,
    /// Middling on every score.
    NeedAttention,
    /// Below-average recency, low frequency and spend.
    AboutToSleep,
    /// Used to buy well but not for a while.
    AtRisk,
    /// Were among the best; long gone.
    CantLose,
    /// Long since the last purchase, low frequency and spend.
    Hibernating,
    /// Lowest on every score.
    Lost,
}

impl Segment {
    /// Every segment, best first.
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalist,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLose,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// Human-readable name ("can't lose").
    pub fn label(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Loyal => "loyal",
            Segment::PotentialLoyalist => "potential loyalist",
            Segment::New => "new",
            Segment::Promising => "promising",
            Segment::NeedAttention => "need attention",
            Segment::AboutToSleep => "about to sleep",
            Segment::AtRisk => "at risk",
            Segment::CantLose => "can't lose",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }

    /// The segment of recency score `r` and frequency/monetary scores `f`, `m` (each 1–5,
    /// values outside are clamped).
    pub fn of_scores(r: u8, f: u8, m: u8) -> Segment {
        let r = r.clamp(1, 5);
        let fm = (f.clamp(1, 5) + m.clamp(1, 5)).div_ceil(2);
        use Segment::*;
        match r {
            5 => match fm {
                1 => New,
                2 | 3 => PotentialLoyalist,
                _ => Champions,
            },
            4 => match fm {
                1 => Promising,
                2 | 3 => PotentialLoyalist,
                4 => Loyal,
                _ => Champions,
            },
            3 => match fm {
                1 | 2 => AboutToSleep,
                3 => NeedAttention,
                _ => Loyal,
            },
            2 => match fm {
                1 | 2 => Hibernating,
                3 | 4 => AtRisk,
                _ => CantLose,
            },
            _ => match fm {
                1 => Lost,
                2 => Hibernating,
                3 | 4 => AtRisk,
                _ => CantLose,
            },
        }
    }
}

/// Options of [`rfm`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RfmOptions {
    /// Last day observed (days since epoch, inclusive); `None`: the last order's day.
    pub end_day: Option<i64>,
}

/// RFM values, scores and segments, one entry per customer with a purchase up to the end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rfm {
    /// Customer index.
    pub customer: Vec<u32>,
    /// Days since the last purchase day.
    pub recency_days: Vec<i64>,
    /// Purchase days.
    pub frequency: Vec<u32>,
    /// Total spend.
    pub monetary: Vec<f64>,
    /// Recency score (5 = most recent).
    pub r: Vec<u8>,
    /// Frequency score.
    pub f: Vec<u8>,
    /// Monetary score.
    pub m: Vec<u8>,
    /// Segment.
    pub segment: Vec<Segment>,
}

impl Rfm {
    /// Customers per segment, in [`Segment::ALL`] order (segments with none included).
    pub fn segment_counts(&self) -> Vec<(Segment, usize)> {
        Segment::ALL
            .iter()
            .map(|&s| (s, self.segment.iter().filter(|&&x| x == s).count()))
            .collect()
    }
}

/// Scores where larger values are better: `1 + floor(5 · #(strictly smaller) / n)`.
fn quintiles<T: PartialOrd + Copy>(values: &[T], larger_is_better: bool) -> Vec<u8> {
    let mut sorted: Vec<T> = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let n = values.len().max(1);
    values
        .iter()
        .map(|v| {
            let worse = if larger_is_better {
                sorted.partition_point(|x| x < v)
            } else {
                n - sorted.partition_point(|x| x <= v)
            };
            (1 + 5 * worse / n) as u8
        })
        .collect()
}

/// Scores and segments every customer of `orders`.
///
/// ```
/// use rapport_metrics::data::Orders;
/// use rapport_metrics::rfm::{rfm, RfmOptions, Segment};
/// let d = 86_400;
/// let o = Orders::from_columns(&["a", "a", "a", "b"], vec![0, 50 * d, 99 * d, 0], vec![50.0, 50.0, 50.0, 5.0]).unwrap();
/// let r = rfm(&o, &RfmOptions::default());
/// // With two customers the better one is in the top half: score 3 of 5.
/// assert_eq!((r.r[0], r.f[0], r.m[0]), (3, 3, 3));
/// assert_eq!(r.segment, [Segment::NeedAttention, Segment::Lost]);
/// ```
pub fn rfm(orders: &Orders, opts: &RfmOptions) -> Rfm {
    let end_day = opts
        .end_day
        .or_else(|| orders.timestamps().iter().map(|&t| day_of(t)).max())
        .unwrap_or(0);
    let g = purchase_days(orders, end_day);
    let mut out = Rfm::default();
    for c in 0..orders.n_customers() {
        let (a, b) = (g.offsets[c], g.offsets[c + 1]);
        if a == b {
            continue;
        }
        out.customer.push(c as u32);
        out.recency_days.push(end_day - g.day[b - 1]);
        out.frequency.push((b - a) as u32);
        out.monetary.push(g.amount[a..b].iter().sum());
    }
    out.r = quintiles(&out.recency_days, false);
    out.f = quintiles(&out.frequency, true);
    out.m = quintiles(&out.monetary, true);
    out.segment = (0..out.customer.len())
        .map(|i| Segment::of_scores(out.r[i], out.f[i], out.m[i]))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn grid_covers_all_eleven_segments() {
        let mut seen = std::collections::BTreeSet::new();
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    seen.insert(Segment::of_scores(r, f, m));
                }
            }
        }
        assert_eq!(seen.len(), 11);
        assert_eq!(Segment::of_scores(5, 5, 5), Segment::Champions);
        assert_eq!(Segment::of_scores(1, 5, 5), Segment::CantLose);
        assert_eq!(Segment::of_scores(1, 1, 1), Segment::Lost);
        assert_eq!(Segment::of_scores(5, 1, 1), Segment::New);
    }

    #[test]
    fn quintiles_split_distinct_values_evenly_and_keep_ties() {
        let v: Vec<u32> = (0..10).collect();
        assert_eq!(quintiles(&v, true), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(quintiles(&v, false), [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
        assert_eq!(quintiles(&[7, 7, 7], true), [1, 1, 1]);
        assert_eq!(quintiles(&[1, 1, 1, 9], true), [1, 1, 1, 4]);
    }

    proptest! {
        #[test]
        fn scores_are_monotone_in_the_value(v in proptest::collection::vec(0u32..20, 1..60)) {
            let s = quintiles(&v, true);
            for i in 0..v.len() {
                prop_assert!((1..=5).contains(&s[i]));
                for j in 0..v.len() {
                    if v[i] < v[j] { prop_assert!(s[i] <= s[j]); }
                    if v[i] == v[j] { prop_assert_eq!(s[i], s[j]); }
                }
            }
        }
    }
}
