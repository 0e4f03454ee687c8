//! The closed-loop rate over a period: of the detractor responses received in it, the share
//! that got a follow-up, how long the first one took (median and 90th percentile), the share
//! whose follow-up the shopper saw, and the share of rated follow-ups rated helpful.

use serde::Serialize;

/// One detractor response and what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Detractor {
    /// Received, ms.
    pub received_at: i64,
    /// First follow-up sent, ms.
    pub first_followup_at: Option<i64>,
    /// Some follow-up of it was seen by the shopper.
    pub seen: bool,
    /// The shopper's helpful votes on its follow-ups (yes, no).
    pub helpful: (u64, u64),
}

/// The closed-loop rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosedLoop {
    /// Detractor responses received in the period.
    pub detractors: u64,
    /// Of those, followed up.
    pub followed_up: u64,
    /// followed_up / detractors (None without detractors).
    pub followed_up_share: Option<f64>,
    /// Median time from the response to its first follow-up, ms.
    pub median_ms: Option<i64>,
    /// 90th percentile of that time, ms.
    pub p90_ms: Option<i64>,
    /// Of the followed-up, those whose follow-up the shopper saw.
    pub seen: u64,
    /// seen / followed_up.
    pub seen_share: Option<f64>,
    /// Follow-ups the shopper rated helpful.
    pub helpful: u64,
    /// Follow-ups the shopper rated not helpful.
    pub not_helpful: u64,
    /// helpful / (helpful + not_helpful).
    pub helpful_share: Option<f64>,
}

/// The `q` quantile (0..=1) of sorted `values`, nearest rank (an observed time, never an
/// interpolated one).
fn nearest_rank(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The closed-loop rate of `detractors`.
pub fn closed_loop(detractors: &[Detractor]) -> ClosedLoop {
    let mut delays: Vec<i64> = detractors
        .iter()
        .filter_map(|d| d.first_followup_at.map(|f| (f - d.received_at).max(0)))
        .collect();
    delays.sort_unstable();
    let total = detractors.len() as u64;
    let followed_up = delays.len() as u64;
    let seen = detractors
        .iter()
        .filter(|d| d.first_followup_at.is_some() && d.seen)
        .count() as u64;
    let helpful = detractors.iter().map(|d| d.helpful.0).sum();
    let not_helpful = detractors.iter().map(|d| d.helpful.1).sum();
    ClosedLoop {
        detractors: total,
        followed_up,
        followed_up_share: ratio(followed_up, total),
        median_ms: nearest_rank(&delays, 0.5),
        p90_ms: nearest_rank(&delays, 0.9),
        seen,
        seen_share: ratio(seen, followed_up),
        helpful,
        not_helpful,
        helpful_share: ratio(helpful, helpful + not_helpful),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(first: Option<i64>, seen: bool, helpful: (u64, u64)) -> Detractor {
        Detractor {
            received_at: 1_000,
            first_followup_at: first,
            seen,
            helpful,
        }
    }

    #[test]
    fn shares_and_percentiles() {
        let mut list: Vec<Detractor> = (1..=10)
            .map(|h| d(Some(1_000 + h * 100), h % 2 == 0, (0, 0)))
            .collect();
        list.push(d(None, false, (0, 0)));
        list.push(d(None, true, (0, 0)));
        list[0].helpful = (1, 0);
        list[1].helpful = (0, 1);
        list[2].helpful = (1, 0);
        let c = closed_loop(&list);
        assert_eq!((c.detractors, c.followed_up, c.seen), (12, 10, 5));
        assert_eq!(c.followed_up_share, Some(10.0 / 12.0));
        assert_eq!(c.median_ms, Some(500));
        assert_eq!(c.p90_ms, Some(900));
        assert_eq!(c.seen_share, Some(0.5));
        assert_eq!(c.helpful_share, Some(2.0 / 3.0));
    }

    #[test]
    fn empty_has_no_shares() {
        let c = closed_loop(&[]);
        assert_eq!(c.detractors, 0);
        assert_eq!(
            (c.followed_up_share, c.median_ms, c.p90_ms),
            (None, None, None)
        );
        assert_eq!(c.helpful_share, None);
    }
}
