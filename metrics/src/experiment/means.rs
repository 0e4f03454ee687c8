//! A difference of two means with Welch's interval (unequal variances, Welch–Satterthwaite
//! degrees of freedom) and the per-group sample size for a two-sided test at a given power.

use serde::{Deserialize, Serialize};

use super::quantile::{normal_quantile, t_quantile};

/// One group's sample mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mean {
    /// Members.
    pub n: u64,
    /// Sample mean (None when n = 0).
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1 denominator; None when n < 2).
    pub sd: Option<f64>,
}

impl Mean {
    /// The mean and standard deviation of `values` (non-finite values are skipped).
    pub fn of(values: &[f64]) -> Mean {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (mut n, mut mean, mut m2) = (0u64, 0.0f64, 0.0f64);
        // Welford's update: stable for large sums of money.
        for v in finite {
            n += 1;
            let d = v - mean;
            mean += d / n as f64;
            m2 += d * (v - mean);
        }
        Mean {
            n,
            mean: (n > 0).then_some(mean),
            sd: (n > 1).then(|| (m2 / (n - 1) as f64).sqrt()),
        }
    }
}

/// Welch's interval of mean₁ − mean₂ at `confidence`, with its degrees of freedom
/// (None unless both groups have two members or more). When both groups have zero
/// variance the interval is the point difference itself.
pub fn welch(a: &Mean, b: &Mean, confidence: f64) -> Option<((f64, f64), f64)> {
    let (m1, s1) = (a.mean?, a.sd?);
    let (m2, s2) = (b.mean?, b.sd?);
    let (n1, n2) = (a.n as f64, b.n as f64);
    let (v1, v2) = (s1 * s1 / n1, s2 * s2 / n2);
    let d = m1 - m2;
    let se2 = v1 + v2;
    if se2 <= 0.0 {
        return Some(((d, d), n1 + n2 - 2.0));
    }
    let df = se2 * se2 / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
    let t = t_quantile(1.0 - (1.0 - confidence) / 2.0, df);
    let half = t * se2.sqrt();
    Some(((d - half, d + half), df))
}

/// Members per group needed to detect a difference `delta` of means between groups with
/// standard deviations `sd1`, `sd2`, two-sided at `confidence` with `power`; None for a
/// zero difference.
pub fn sample_size(delta: f64, sd1: f64, sd2: f64, confidence: f64, power: f64) -> Option<u64> {
    let delta = delta.abs();
    if delta < 1e-12 || !delta.is_finite() {
        return None;
    }
    let za = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
    let zb = normal_quantile(power);
    let n = (za + zb).powi(2) * (sd1 * sd1 + sd2 * sd2) / (delta * delta);
    Some(n.ceil().max(2.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_sd_of_a_sample() {
        let m = Mean::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(m.n, 8);
        assert!((m.mean.unwrap_or(0.0) - 5.0).abs() < 1e-12);
        assert!((m.sd.unwrap_or(0.0) - 2.138_089_935_299_395).abs() < 1e-12);
        assert_eq!(Mean::of(&[]).mean, None);
        assert_eq!(Mean::of(&[1.0]).sd, None);
    }

    #[test]
    fn welch_matches_r_t_test() {
        // Welch–Satterthwaite df 7.4585; with the exact t quantile (2.335474, from the
        // regularised incomplete beta function) the 95 % interval is 0.46782 to 4.40551.
        let a = Mean::of(&[19.1, 21.5, 22.3, 18.7, 20.0]);
        let b = Mean::of(&[17.2, 18.9, 16.1, 19.4, 17.7, 18.0]);
        let ((l, h), df) = welch(&a, &b, 0.95).expect("n ≥ 2 in both");
        assert!((df - 7.458_495_879_684_684).abs() < 1e-9, "{df}");
        assert!(
            (l - 0.467_82).abs() < 2e-3 && (h - 4.405_51).abs() < 2e-3,
            "{l} {h}"
        );
        assert_eq!(welch(&a, &Mean::of(&[1.0]), 0.95), None);
    }

    #[test]
    fn sample_size_for_one_sd_and_half_sd() {
        // (1.96 + 0.8416)² · 2 / 0.5² = 62.8 → 63 per group.
        assert_eq!(sample_size(0.5, 1.0, 1.0, 0.95, 0.8), Some(63));
        assert_eq!(sample_size(0.0, 1.0, 1.0, 0.95, 0.8), None);
    }
}
