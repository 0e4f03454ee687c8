//! The three scores of a set of answers, each `None` when there is no
//! answer to score (never a made-up 0), rounded to the precision they are
//! reported at so that no float noise (`33.333333333333336`) reaches a report:
//!
//! * **NPS** (0–10 answers): promoters 9–10, passives 7–8, detractors 0–6;
//!   NPS = 100 · (promoters − detractors) / n, to 0.1. The interval treats each
//!   answer as a score of +1/0/−1, whose mean is NPS/100 and whose variance is
//!   `p + d − (p − d)²` (p, d = promoter and detractor shares); the normal
//!   approximation gives `NPS ± z · 100 · √(var / n)`, clamped to [−100, 100],
//!   bounds to 0.1 and the standard error to 0.01. It is rough below ~30
//!   answers and degenerate (zero width) when all answers fall in one group.
//! * **CSAT** (1–5 stars): percentage of answers that are 4 or 5, to 0.1.
//! * **CES** (1–7): mean and standard deviation, to 0.01.

use serde::{Deserialize, Serialize};

use crate::summary::round_to;

/// Errors of the scores and the report.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedbackError {
    /// The confidence level is not in (0, 1).
    #[error("confidence level must be in (0, 1), got {0}")]
    BadConfidence(f64),
    /// The question asked for has no answers in the export.
    #[error("no answers to question {question:?} (questions in the export: {known})")]
    UnknownQuestion {
        /// The question asked for.
        question: String,
        /// The question ids that do have answers.
        known: String,
    },
}

/// Net Promoter Score of a set of answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nps {
    /// Answers scored.
    pub responses: u64,
    /// Answers 9–10.
    pub promoters: u64,
    /// Answers 7–8.
    pub passives: u64,
    /// Answers 0–6.
    pub detractors: u64,
    /// NPS in [−100, 100], to 0.1; `None` when there are no answers.
    pub score: Option<f64>,
    /// Standard error of the score (NPS points), to 0.01.
    pub std_error: Option<f64>,
    /// Lower confidence bound, to 0.1.
    pub ci_low: Option<f64>,
    /// Upper confidence bound, to 0.1.
    pub ci_high: Option<f64>,
    /// Confidence level of the interval.
    pub confidence: f64,
}

/// Customer satisfaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Csat {
    /// Answers scored.
    pub responses: u64,
    /// Answers 4 or 5.
    pub satisfied: u64,
    /// `100 · satisfied / responses`, to 0.1; `None` with no answers.
    pub percent: Option<f64>,
}

/// Customer effort score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ces {
    /// Answers scored.
    pub responses: u64,
    /// Mean answer, to 0.01; `None` with no answers.
    pub mean: Option<f64>,
    /// Sample standard deviation, to 0.01; `None` with fewer than two answers.
    pub std_dev: Option<f64>,
}

/// Standard normal quantile: Acklam's rational approximation (relative
/// error below 1.2e-9 on (0, 1)), which is ample for confidence intervals.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Whether `v` is a whole number in `lo..=hi` (a value on the scale).
pub(crate) fn whole_in(v: f64, lo: f64, hi: f64) -> bool {
    v.fract() == 0.0 && (lo..=hi).contains(&v)
}

/// NPS of 0–10 answers; answers off the scale are ignored.
///
/// ```
/// use rapport_metrics::feedback::nps;
/// let n = nps(&[10.0, 9.0, 8.0, 3.0], 0.95).unwrap();
/// assert_eq!((n.promoters, n.passives, n.detractors, n.score), (2, 1, 1, Some(25.0)));
/// assert!(n.ci_low < Some(25.0) && Some(25.0) < n.ci_high);
/// assert_eq!(nps(&[10.0, 9.0, 3.0], 0.95).unwrap().score, Some(33.3));
/// assert_eq!(nps(&[], 0.95).unwrap().score, None);
/// ```
pub fn nps(values: &[f64], confidence: f64) -> Result<Nps, FeedbackError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(FeedbackError::BadConfidence(confidence));
    }
    let (mut p, mut pa, mut d) = (0u64, 0u64, 0u64);
    for &v in values.iter().filter(|&&v| whole_in(v, 0.0, 10.0)) {
        match v as u8 {
            9..=10 => p += 1,
            7..=8 => pa += 1,
            _ => d += 1,
        }
    }
    let n = p + pa + d;
    let z = normal_quantile(0.5 + confidence / 2.0);
    let (score, std_error, ci_low, ci_high) = if n == 0 {
        (None, None, None, None)
    } else {
        let (fp, fd) = (p as f64 / n as f64, d as f64 / n as f64);
        let var = (fp + fd - (fp - fd).powi(2)).max(0.0);
        let (score, se) = (100.0 * (fp - fd), 100.0 * (var / n as f64).sqrt());
        (
            Some(round_to(score, Some(1))),
            Some(round_to(se, Some(2))),
            Some(round_to((score - z * se).max(-100.0), Some(1))),
            Some(round_to((score + z * se).min(100.0), Some(1))),
        )
    };
    Ok(Nps {
        responses: n,
        promoters: p,
        passives: pa,
        detractors: d,
        score,
        std_error,
        ci_low,
        ci_high,
        confidence,
    })
}

/// CSAT of 1–5 answers; answers off the scale are ignored.
pub fn csat(values: &[f64]) -> Csat {
    let valid: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&v| whole_in(v, 1.0, 5.0))
        .collect();
    let satisfied = valid.iter().filter(|&&v| v >= 4.0).count() as u64;
    let responses = valid.len() as u64;
    Csat {
        responses,
        satisfied,
        percent: (responses > 0)
            .then(|| round_to(100.0 * satisfied as f64 / responses as f64, Some(1))),
    }
}

/// CES of 1–7 answers; answers off the scale are ignored.
pub fn ces(values: &[f64]) -> Ces {
    let valid: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&v| whole_in(v, 1.0, 7.0))
        .collect();
    let n = valid.len();
    let mean = valid.iter().sum::<f64>() / n.max(1) as f64;
    let std_dev = (n >= 2).then(|| {
        let var = valid.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        round_to(var.sqrt(), Some(2))
    });
    Ces {
        responses: n as u64,
        mean: (n > 0).then(|| round_to(mean, Some(2))),
        std_dev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_known_values() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.995) - 2.575_829_304).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-8);
    }

    #[test]
    fn nps_interval_from_the_score_variance() -> Result<(), FeedbackError> {
        // 50 promoters, 30 passives, 20 detractors: NPS 30, var = 0.7 − 0.09 = 0.61.
        let mut v = vec![10.0; 50];
        v.extend([7.0; 30]);
        v.extend([0.0; 20]);
        v.push(11.0);
        let n = nps(&v, 0.95)?;
        assert_eq!(n.responses, 100);
        assert_eq!(n.score, Some(30.0));
        let se = 100.0 * (0.61f64 / 100.0).sqrt();
        assert_eq!(n.std_error, Some(round_to(se, Some(2))));
        assert_eq!(
            n.ci_high,
            Some(round_to(30.0 + 1.959_963_985 * se, Some(1)))
        );
        assert_eq!(nps(&[10.0; 3], 0.95)?.ci_high, Some(100.0));
        let none = nps(&[], 0.9)?;
        assert_eq!(
            (none.score, none.ci_low, none.std_error),
            (None, None, None)
        );
        assert!(nps(&[1.0], 1.0).is_err());
        Ok(())
    }

    #[test]
    fn csat_and_ces_say_when_there_is_nothing_to_score() {
        assert_eq!(csat(&[5.0, 4.0, 3.0, 1.0, 6.0]).percent, Some(50.0));
        assert_eq!(csat(&[5.0, 4.0, 3.0]).percent, Some(66.7));
        assert_eq!(csat(&[6.0]).percent, None);
        let c = ces(&[1.0, 3.0, 8.0]);
        assert_eq!((c.responses, c.mean), (2, Some(2.0)));
        assert_eq!(c.std_dev, Some(1.41));
        let one = ces(&[5.0]);
        assert_eq!((one.mean, one.std_dev), (Some(5.0), None));
        assert_eq!(ces(&[]).mean, None);
    }
}
