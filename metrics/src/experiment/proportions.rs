//! A difference of two proportions: Wilson score intervals for each group and Newcombe's
//! hybrid score interval for the difference (Newcombe 1998, method 10), which keeps close
//! to its nominal coverage at small counts and near 0 or 1, where the Wald interval does
//! not; and the per-group sample size for a two-sided test at a given power.

use serde::{Deserialize, Serialize};

use super::quantile::normal_quantile;

/// One group's count of successes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rate {
    /// Members.
    pub n: u64,
    /// Members with the outcome.
    pub successes: u64,
    /// successes / n (None when n = 0).
    pub rate: Option<f64>,
    /// Wilson score interval of the rate (None when n = 0).
    pub interval: Option<(f64, f64)>,
}

impl Rate {
    /// The rate of `successes` out of `n` with its Wilson interval at `confidence`.
    pub fn new(successes: u64, n: u64, confidence: f64) -> Rate {
        let successes = successes.min(n);
        Rate {
            n,
            successes,
            rate: (n > 0).then(|| successes as f64 / n as f64),
            interval: wilson(successes, n, confidence),
        }
    }
}

/// The Wilson score interval of `successes` / `n` at `confidence` (None when n = 0).
pub fn wilson(successes: u64, n: u64, confidence: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let z = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
    let n = n as f64;
    let p = successes as f64 / n;
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Newcombe's hybrid score interval of p₁ − p₂ (None when either group is empty).
pub fn newcombe(a: &Rate, b: &Rate) -> Option<(f64, f64)> {
    let (p1, (l1, u1)) = (a.rate?, a.interval?);
    let (p2, (l2, u2)) = (b.rate?, b.interval?);
    let d = p1 - p2;
    let low = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let high = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((low, high))
}

/// Members per group needed to detect `p1` against `p2` with a two-sided test at
/// `confidence` and `power` (equal groups); None when p1 = p2 (no finite size detects a
/// zero effect) or a rate is outside (0, 1).
pub fn sample_size(p1: f64, p2: f64, confidence: f64, power: f64) -> Option<u64> {
    let delta = (p1 - p2).abs();
    if delta < 1e-12 || !(0.0..=1.0).contains(&p1) || !(0.0..=1.0).contains(&p2) {
        return None;
    }
    let za = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
    let zb = normal_quantile(power);
    let pbar = (p1 + p2) / 2.0;
    let root =
        za * (2.0 * pbar * (1.0 - pbar)).sqrt() + zb * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
    Some((root * root / (delta * delta)).ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_newcombe_1998_table() {
        // Newcombe (1998) table II: 81/263 → 0.2553 to 0.3662 (Wilson, 95 %).
        let (l, h) = wilson(81, 263, 0.95).expect("n > 0");
        assert!(
            (l - 0.2553).abs() < 1e-4 && (h - 0.3662).abs() < 1e-4,
            "{l} {h}"
        );
        // 0/10 stays inside [0, 1].
        let (l, h) = wilson(0, 10, 0.95).expect("n > 0");
        assert_eq!(l, 0.0);
        assert!((h - 0.2775).abs() < 1e-4);
        assert_eq!(wilson(0, 0, 0.95), None);
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe (1998), example (a): 56/70 − 48/80 → 0.0524 to 0.3339 (method 10).
        let a = Rate::new(56, 70, 0.95);
        let b = Rate::new(48, 80, 0.95);
        let (l, h) = newcombe(&a, &b).expect("both groups have members");
        assert!(
            (l - 0.0524).abs() < 1e-4 && (h - 0.3339).abs() < 1e-4,
            "{l} {h}"
        );
        assert_eq!(newcombe(&a, &Rate::new(0, 0, 0.95)), None);
    }

    #[test]
    fn sample_size_matches_the_textbook_formula() {
        // Fleiss: p1 = 0.6, p2 = 0.4, α = 0.05 two-sided, power 0.8 → 97 per group.
        assert_eq!(sample_size(0.6, 0.4, 0.95, 0.8), Some(97));
        assert_eq!(sample_size(0.3, 0.3, 0.95, 0.8), None);
        assert!(sample_size(0.31, 0.3, 0.95, 0.8) > sample_size(0.4, 0.3, 0.95, 0.8));
    }
}
