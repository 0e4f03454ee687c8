//! The follow-ups page's view models and what it computes for display: the answers of
//! `/admin/api/followups/summary`, `/admin/api/sites/{site}/holdout(/results)` and
//! `/admin/api/inbox/{site}/{id}/followups`, how a difference and its interval are worded,
//! and where an interval lands on a drawn axis that always shows zero.

use serde::{Deserialize, Serialize};

use crate::format;

/// `GET /admin/api/followups/summary`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosedLoop {
    /// Detractor responses in the period.
    pub detractors: u64,
    /// Of those, followed up.
    pub followed_up: u64,
    /// Share followed up.
    pub followed_up_share: Option<f64>,
    /// Median time to the first follow-up, ms.
    pub median_ms: Option<i64>,
    /// 90th percentile of it, ms.
    pub p90_ms: Option<i64>,
    /// Followed up and seen.
    pub seen: u64,
    /// seen / followed up.
    pub seen_share: Option<f64>,
    /// Helpful share of the votes.
    pub helpful_share: Option<f64>,
}

/// `GET|PUT /admin/api/sites/{site}/holdout`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutSettings {
    /// On.
    pub enabled: bool,
    /// Share held out.
    pub share: f64,
    /// Outcome window, days.
    pub window_days: i64,
}

/// One group's rate.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Rate {
    /// Members.
    pub n: u64,
    /// Members with the outcome.
    pub successes: u64,
    /// The rate.
    pub rate: Option<f64>,
}

/// One group's mean.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Mean {
    /// Members.
    pub n: u64,
    /// The mean.
    pub mean: Option<f64>,
}

/// A comparison of two groups (rates or means).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference<G> {
    /// Treated group.
    pub treatment: G,
    /// Held-out group.
    pub holdout: G,
    /// Treatment − holdout.
    pub difference: Option<f64>,
    /// 95 % interval of the difference.
    pub interval: Option<(f64, f64)>,
    /// Members per group for 80 % power.
    pub required_per_group: Option<u64>,
    /// Members still needed in the smaller group.
    pub still_needed: Option<u64>,
}

/// The comparison block of the results.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Repeat-purchase rate.
    pub repeat: Difference<Rate>,
    /// Revenue per customer (minor units).
    pub revenue: Difference<Mean>,
    /// Change in P(alive).
    pub p_alive: Option<Difference<Mean>>,
}

/// `GET /admin/api/sites/{site}/holdout/results`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    /// Settings in force.
    pub settings: HoldoutSettings,
    /// The comparison.
    pub comparison: Comparison,
    /// Every window is over.
    pub complete: bool,
    /// Windows still open.
    pub pending: u64,
    /// Overrides left out.
    pub excluded_overrides: u64,
}

/// One follow-up as the console lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Followup {
    /// Id.
    pub id: String,
    /// The reply.
    pub text: String,
    /// Author's e-mail.
    pub author: String,
    /// Sent, ms.
    pub sent_at: i64,
    /// Seen by the shopper, ms.
    pub seen_at: Option<i64>,
    /// The shopper's vote.
    pub helpful: Option<bool>,
    /// Sent to a holdout response by override.
    #[serde(default)]
    pub overridden: bool,
}

/// `GET /admin/api/inbox/{site}/{id}/followups`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FollowupList {
    /// Oldest first.
    pub followups: Vec<Followup>,
    /// The response is held out.
    pub holdout: bool,
    /// A follow-up was sent anyway.
    #[serde(default)]
    pub overridden: bool,
}

/// The body of a reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply<'a> {
    /// The text.
    pub text: &'a str,
    /// Past the holdout.
    #[serde(rename = "override")]
    pub override_holdout: bool,
}

/// Whether the reply composer starts open: not for a holdout response (the merchant has to
/// choose to override, which takes the response out of the experiment).
pub fn composer_open(list: &FollowupList) -> bool {
    !list.holdout
}

/// A follow-up's status as the console words it.
pub fn status(f: &Followup) -> String {
    let seen = match f.seen_at {
        Some(at) => format!("seen {}", format::instant(at)),
        None => "not seen yet".to_owned(),
    };
    let vote = match f.helpful {
        Some(true) => ", helpful",
        Some(false) => ", not helpful",
        None => "",
    };
    format!("{seen}{vote}")
}

/// A duration in ms as the console words it: `45 min`, `3.5 h`, `2.0 days`.
pub fn duration(ms: i64) -> String {
    let minutes = ms as f64 / 60_000.0;
    if minutes < 90.0 {
        format!("{} min", minutes.round() as i64)
    } else if minutes < 48.0 * 60.0 {
        format!("{:.1} h", minutes / 60.0)
    } else {
        format!("{:.1} days", minutes / 1_440.0)
    }
}

/// What a metric is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share, shown as percentage points.
    Points,
    /// Money in minor units (of the orders' currency), shown in major units.
    Money,
    /// A probability change, shown as percentage points.
    Probability,
}

/// A value in `unit`: points with a sign (`+4.2 pts`), money in major units (`+12.00`).
pub fn value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Points | Unit::Probability => format!("{:+.1} pts", v * 100.0),
        Unit::Money => format!("{:+.2}", v / 100.0),
    }
}

/// A difference with its interval, or why there is none yet.
pub fn difference(d: Option<f64>, interval: Option<(f64, f64)>, unit: Unit) -> String {
    match (d, interval) {
        (Some(d), Some((l, h))) => format!(
            "{} (95 % interval {} to {})",
            value(d, unit),
            value(l, unit),
            value(h, unit)
        ),
        (Some(d), None) => format!("{} (too few customers for an interval)", value(d, unit)),
        _ => "no data yet".to_owned(),
    }
}

/// The table's difference cell: the difference and what its interval says; one sentence
/// when there is nothing to compare yet (not "no data yet" and "not enough data" both).
pub fn reading(d: Option<f64>, interval: Option<(f64, f64)>, unit: Unit) -> String {
    match (d, interval) {
        (None, _) => "No data yet.".to_owned(),
        (Some(_), None) => difference(d, interval, unit),
        (Some(_), Some(_)) => format!("{} {}", difference(d, interval, unit), verdict(interval)),
    }
}

/// What the interval says, in words.
pub fn verdict(interval: Option<(f64, f64)>) -> &'static str {
    match interval {
        Some((l, _)) if l > 0.0 => "Following up did better: the interval lies above zero.",
        Some((_, h)) if h < 0.0 => "The holdout did better: the interval lies below zero.",
        Some(_) => "Not conclusive yet: the interval includes zero.",
        None => "Not enough data yet.",
    }
}

/// Positions (0–100, left to right) of an interval's ends, its point and zero on an axis
/// that spans the interval and zero with a margin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The point estimate.
    pub point: f64,
    /// Zero.
    pub zero: f64,
}

/// Where `(low, high)` and `point` land on an axis that always shows zero.
pub fn axis(low: f64, high: f64, point: f64) -> Axis {
    let min = low.min(0.0).min(point);
    let max = high.max(0.0).max(point);
    let span = (max - min).max(1e-12);
    let (min, span) = (min - span * 0.1, span * 1.2);
    let at = |v: f64| ((v - min) / span * 100.0).clamp(0.0, 100.0);
    Axis {
        low: at(low),
        high: at(high),
        point: at(point),
        zero: at(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_always_shows_zero_inside() {
        let a = axis(0.02, 0.1, 0.06);
        assert!(a.zero < a.low && a.low < a.point && a.point < a.high);
        assert!(a.zero >= 0.0 && a.high <= 100.0);
        let b = axis(-0.1, 0.05, -0.02);
        assert!(b.low < b.zero && b.zero < b.high);
        let c = axis(0.0, 0.0, 0.0);
        assert!(c.zero.is_finite());
    }

    #[test]
    fn words() {
        assert_eq!(duration(45 * 60_000), "45 min");
        assert_eq!(duration(3 * 3_600_000 + 1_800_000), "3.5 h");
        assert_eq!(duration(3 * 86_400_000), "3.0 days");
        assert_eq!(value(0.042, Unit::Points), "+4.2 pts");
        assert_eq!(value(1_200.0, Unit::Money), "+12.00");
        assert_eq!(
            difference(Some(0.1), Some((0.02, 0.18)), Unit::Points),
            "+10.0 pts (95 % interval +2.0 pts to +18.0 pts)"
        );
        assert_eq!(difference(None, None, Unit::Money), "no data yet");
        assert_eq!(reading(None, None, Unit::Money), "No data yet.");
        assert_eq!(
            reading(Some(10.0), None, Unit::Money),
            "+0.10 (too few customers for an interval)"
        );
        assert!(reading(Some(0.1), Some((0.05, 0.15)), Unit::Probability)
            .ends_with("Following up did better: the interval lies above zero."));
        assert!(verdict(Some((0.01, 0.2))).starts_with("Following up did better"));
        assert!(verdict(Some((-0.01, 0.2))).starts_with("Not conclusive"));
        assert!(verdict(Some((-0.3, -0.2))).starts_with("The holdout"));
    }

    #[test]
    fn holdout_composer_starts_closed() {
        let list = |holdout| FollowupList {
            followups: vec![],
            holdout,
            overridden: false,
        };
        assert!(composer_open(&list(false)));
        assert!(!composer_open(&list(true)));
        let f = Followup {
            id: "f".into(),
            text: "t".into(),
            author: "a@x".into(),
            sent_at: 0,
            seen_at: None,
            helpful: Some(false),
            overridden: false,
        };
        assert_eq!(status(&f), "not seen yet, not helpful");
    }
}
