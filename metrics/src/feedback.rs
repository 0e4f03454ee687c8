//! Survey scores: NPS with a confidence interval, CSAT, CES and a weekly trend.
//!
//! * **NPS** (0–10 answers): promoters 9–10, passives 7–8, detractors 0–6;
//!   NPS = 100 · (promoters − detractors) / n. The interval treats each answer
//!   as a score of +1/0/−1, whose mean is NPS/100 and whose variance is
//!   `p + d − (p − d)²` (p, d = promoter and detractor shares); the normal
//!   approximation gives `NPS ± z · 100 · √(var / n)`, clamped to [−100, 100].
//!   It is rough below ~30 answers and degenerate (zero width) when all
//!   answers fall in one group.
//! * **CSAT** (1–5 stars): percentage of answers that are 4 or 5.
//! * **CES** (1–7): mean and standard deviation.
//! * **Weekly trend**: the same scores per ISO week (Monday, UTC) of `created_at`.
//!
//! Answers are picked by question id (`nps`, `csat`, `ces` by default, as in
//! the demo site config); values outside the scale or not whole numbers are
//! not scored and are counted in `invalid`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::date::{day_of, format_day};
use crate::data::FeedbackAnswer;

/// Errors of the score functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedbackError {
    /// The confidence level is not in (0, 1).
    #[error("confidence level must be in (0, 1), got {0}")]
    BadConfidence(f64),
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
    /// NPS in [−100, 100] (0 when there are no answers).
    pub score: f64,
    /// Standard error of the score (NPS points).
    pub std_error: f64,
    /// Lower confidence bound.
    pub ci_low: f64,
    /// Upper confidence bound.
    pub ci_high: f64,
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
    /// `100 · satisfied / responses` (0 with no answers).
    pub percent: f64,
}

/// Customer effort score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ces {
    /// Answers scored.
    pub responses: u64,
    /// Mean answer (0 with no answers).
    pub mean: f64,
    /// Sample standard deviation (0 with fewer than two answers).
    pub std_dev: f64,
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

fn whole_in(v: f64, lo: f64, hi: f64) -> bool {
    v.fract() == 0.0 && (lo..=hi).contains(&v)
}

/// NPS of 0–10 answers; answers off the scale are ignored.
///
/// ```
/// use rapport_metrics::feedback::nps;
/// let n = nps(&[10.0, 9.0, 8.0, 3.0], 0.95).unwrap();
/// assert_eq!((n.promoters, n.passives, n.detractors, n.score), (2, 1, 1, 25.0));
/// assert!(n.ci_low < 25.0 && 25.0 < n.ci_high);
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
    let (score, se) = if n == 0 {
        (0.0, 0.0)
    } else {
        let (fp, fd) = (p as f64 / n as f64, d as f64 / n as f64);
        let var = (fp + fd - (fp - fd).powi(2)).max(0.0);
        (100.0 * (fp - fd), 100.0 * (var / n as f64).sqrt())
    };
    let z = normal_quantile(0.5 + confidence / 2.0);
    Ok(Nps {
        responses: n,
        promoters: p,
        passives: pa,
        detractors: d,
        score,
        std_error: se,
        ci_low: (score - z * se).max(-100.0),
        ci_high: (score + z * se).min(100.0),
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
        percent: if responses == 0 {
            0.0
        } else {
            100.0 * satisfied as f64 / responses as f64
        },
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
    let mean = if n == 0 {
        0.0
    } else {
        valid.iter().sum::<f64>() / n as f64
    };
    let std_dev = if n < 2 {
        0.0
    } else {
        (valid.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    };
    Ces {
        responses: n as u64,
        mean,
        std_dev,
    }
}

/// Options of [`feedback_report`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FeedbackOptions {
    /// Question id of the NPS question.
    pub nps_question: String,
    /// Question id of the CSAT question.
    pub csat_question: String,
    /// Question id of the CES question.
    pub ces_question: String,
    /// Only answers of this survey (`None`: all).
    pub survey: Option<String>,
    /// Confidence level of the NPS interval.
    pub confidence: f64,
}

impl Default for FeedbackOptions {
    fn default() -> Self {
        FeedbackOptions {
            nps_question: "nps".into(),
            csat_question: "csat".into(),
            ces_question: "ces".into(),
            survey: None,
            confidence: 0.95,
        }
    }
}

/// Scores for one week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyScores {
    /// Monday of the week (`YYYY-MM-DD`).
    pub week_start: String,
    /// NPS that week.
    pub nps: Nps,
    /// CSAT that week.
    pub csat: Csat,
    /// CES that week.
    pub ces: Ces,
}

/// All scores plus the weekly trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackReport {
    /// Overall NPS.
    pub nps: Nps,
    /// Overall CSAT.
    pub csat: Csat,
    /// Overall CES.
    pub ces: Ces,
    /// Per ISO week, oldest first (weeks without answers omitted).
    pub weekly: Vec<WeeklyScores>,
    /// Answers to the scored questions whose value was off the scale.
    pub invalid: u64,
}

#[derive(Default)]
struct Buckets {
    nps: Vec<f64>,
    csat: Vec<f64>,
    ces: Vec<f64>,
}

/// Scores the answers of the configured questions.
pub fn feedback_report(
    answers: &[FeedbackAnswer],
    opts: &FeedbackOptions,
) -> Result<FeedbackReport, FeedbackError> {
    let mut all = Buckets::default();
    let mut weeks: BTreeMap<i64, Buckets> = BTreeMap::new();
    let mut invalid = 0;
    for a in answers {
        if opts.survey.as_ref().is_some_and(|s| *s != a.survey) {
            continue;
        }
        let (pick, ok): (fn(&mut Buckets) -> &mut Vec<f64>, bool) =
            if a.question == opts.nps_question {
                (|b| &mut b.nps, whole_in(a.value, 0.0, 10.0))
            } else if a.question == opts.csat_question {
                (|b| &mut b.csat, whole_in(a.value, 1.0, 5.0))
            } else if a.question == opts.ces_question {
                (|b| &mut b.ces, whole_in(a.value, 1.0, 7.0))
            } else {
                continue;
            };
        if !ok {
            invalid += 1;
            continue;
        }
        let monday = (day_of(a.created_at) + 3).div_euclid(7) * 7 - 3;
        pick(&mut all).push(a.value);
        pick(weeks.entry(monday).or_default()).push(a.value);
    }
    let weekly = weeks
        .into_iter()
        .map(|(monday, b)| {
            Ok(WeeklyScores {
                week_start: format_day(monday),
                nps: nps(&b.nps, opts.confidence)?,
                csat: csat(&b.csat),
                ces: ces(&b.ces),
            })
        })
        .collect::<Result<_, FeedbackError>>()?;
    Ok(FeedbackReport {
        nps: nps(&all.nps, opts.confidence)?,
        csat: csat(&all.csat),
        ces: ces(&all.ces),
        weekly,
        invalid,
    })
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
        assert!((n.score - 30.0).abs() < 1e-12);
        let se = 100.0 * (0.61f64 / 100.0).sqrt();
        assert!((n.std_error - se).abs() < 1e-9);
        assert!((n.ci_high - (30.0 + 1.959_963_985 * se)).abs() < 1e-6);
        assert_eq!(nps(&[10.0; 3], 0.95)?.ci_high, 100.0);
        assert_eq!(nps(&[], 0.9)?.score, 0.0);
        assert!(nps(&[1.0], 1.0).is_err());
        Ok(())
    }

    #[test]
    fn csat_ces_and_weekly_trend() -> Result<(), FeedbackError> {
        assert_eq!(csat(&[5.0, 4.0, 3.0, 1.0, 6.0]).percent, 50.0);
        let c = ces(&[1.0, 3.0, 8.0]);
        assert_eq!((c.responses, c.mean), (2, 2.0));
        let day = 86_400;
        let monday = crate::data::date::days_from_civil(2024, 1, 1) * day;
        let ans = |q: &str, v: f64, t: i64| FeedbackAnswer {
            response_id: "r".into(),
            survey: "s".into(),
            question: q.into(),
            value: v,
            created_at: t,
        };
        let answers = [
            ans("nps", 10.0, monday),
            ans("nps", 0.0, monday + 6 * day),
            ans("nps", 9.0, monday + 7 * day),
            ans("csat", 9.0, monday),
            ans("why", 1.0, monday),
        ];
        let r = feedback_report(&answers, &FeedbackOptions::default())?;
        assert_eq!(r.invalid, 1);
        assert_eq!(r.weekly.len(), 2);
        assert_eq!(r.weekly[0].week_start, "2024-01-01");
        assert_eq!(r.weekly[0].nps.score, 0.0);
        assert_eq!(r.weekly[1].nps.score, 100.0);
        assert!((r.nps.score - 100.0 / 3.0).abs() < 1e-12);
        Ok(())
    }
}
