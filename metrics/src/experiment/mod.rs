//! Two-group experiments: did the treated group do better than the holdout?
//!
//! The collector's holdout (see the server's `followup::holdout`) assigns each detractor
//! response of an identified customer to *treatment* (the merchant may follow up) or
//! *holdout* (no follow-up). [`compare`] sets the groups' outcomes in the window after
//! the response side by side:
//!
//! * repeat-purchase rate — difference of proportions with Newcombe's hybrid score
//!   interval built from the groups' Wilson intervals ([`proportions`]);
//! * revenue per customer — difference of means with Welch's interval ([`means`]);
//! * change in P(alive), when recorded — difference of means, Welch again;
//!
//! and, for each, the members per group a two-sided test at the same confidence needs for
//! 80 % power at the observed effect (or at a stated minimum detectable effect), and how
//! many more that is than each group has now.
//!
//! ```
//! use rapport_metrics::experiment::{compare, CompareOptions, Outcome};
//!
//! let t: Vec<Outcome> = (0..200).map(|i| Outcome::new(i % 2 == 0, if i % 2 == 0 { 40.0 } else { 0.0 })).collect();
//! let h: Vec<Outcome> = (0..200).map(|i| Outcome::new(i % 4 == 0, if i % 4 == 0 { 40.0 } else { 0.0 })).collect();
//! let r = compare(&t, &h, &CompareOptions::default())?;
//! assert!((r.repeat.difference.unwrap_or(0.0) - 0.25).abs() < 1e-12);
//! assert!(r.repeat.interval.is_some_and(|(low, _)| low > 0.0));
//! # Ok::<(), rapport_metrics::experiment::ExperimentError>(())
//! ```

pub mod means;
pub mod proportions;
pub mod quantile;

use serde::{Deserialize, Serialize};

pub use means::Mean;
pub use proportions::Rate;

/// What happened to one customer in the window after their response.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// They ordered again in the window.
    pub repeat: bool,
    /// Revenue from them in the window (any currency unit, the same for everyone).
    pub revenue: f64,
    /// P(alive) at the window's end minus P(alive) at assignment, when both are known.
    pub p_alive_change: Option<f64>,
}

impl Outcome {
    /// An outcome without a P(alive) change.
    pub fn new(repeat: bool, revenue: f64) -> Outcome {
        Outcome {
            repeat,
            revenue,
            p_alive_change: None,
        }
    }
}

/// Options of [`compare`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareOptions {
    /// Two-sided confidence of the intervals, in (0, 1) (0.95).
    pub confidence: f64,
    /// Power the sample sizes are for, in (0, 1) (0.8).
    pub power: f64,
    /// Smallest repeat-rate difference worth detecting; the observed one when None.
    pub min_rate_effect: Option<f64>,
    /// Smallest revenue-per-customer difference worth detecting; the observed one when None.
    pub min_revenue_effect: Option<f64>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            confidence: 0.95,
            power: 0.8,
            min_rate_effect: None,
            min_revenue_effect: None,
        }
    }
}

/// Why a comparison could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExperimentError {
    /// An option is out of range.
    #[error("{name} = {value}: must be strictly between 0 and 1")]
    Option {
        /// The option.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A minimum detectable effect is not a positive number.
    #[error("{name} = {value}: must be a positive number")]
    Effect {
        /// The option.
        name: &'static str,
        /// Its value.
        value: f64,
    },
}

/// Treatment against holdout on the repeat-purchase rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateComparison {
    /// The treated group.
    pub treatment: Rate,
    /// The holdout group.
    pub holdout: Rate,
    /// Treatment rate − holdout rate.
    pub difference: Option<f64>,
    /// Newcombe interval of the difference.
    pub interval: Option<(f64, f64)>,
    /// Members per group for the stated power at the effect used.
    pub required_per_group: Option<u64>,
    /// Members still to add to the smaller group (0 when enough).
    pub still_needed: Option<u64>,
}

/// Treatment against holdout on a mean (revenue, P(alive) change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeanComparison {
    /// The treated group.
    pub treatment: Mean,
    /// The holdout group.
    pub holdout: Mean,
    /// Treatment mean − holdout mean.
    pub difference: Option<f64>,
    /// Welch interval of the difference.
    pub interval: Option<(f64, f64)>,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: Option<f64>,
    /// Members per group for the stated power at the effect used.
    pub required_per_group: Option<u64>,
    /// Members still to add to the smaller group (0 when enough).
    pub still_needed: Option<u64>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Confidence of the intervals.
    pub confidence: f64,
    /// Power of the sample sizes.
    pub power: f64,
    /// Repeat-purchase rate in the window.
    pub repeat: RateComparison,
    /// Revenue per customer in the window.
    pub revenue: MeanComparison,
    /// Change in P(alive), over the customers for whom both ends are recorded (None when
    /// nobody has them).
    pub p_alive: Option<MeanComparison>,
}

fn check_unit(name: &'static str, value: f64) -> Result<f64, ExperimentError> {
    match value > 0.0 && value < 1.0 {
        true => Ok(value),
        false => Err(ExperimentError::Option { name, value }),
    }
}

fn check_effect(name: &'static str, value: Option<f64>) -> Result<Option<f64>, ExperimentError> {
    match value {
        Some(v) if !(v > 0.0 && v.is_finite()) => Err(ExperimentError::Effect { name, value: v }),
        other => Ok(other),
    }
}

fn still_needed(required: Option<u64>, a: u64, b: u64) -> Option<u64> {
    required.map(|r| r.saturating_sub(a.min(b)))
}

/// The repeat-rate comparison of counts (`successes`, `n`) per group.
pub fn compare_rates(
    treatment: (u64, u64),
    holdout: (u64, u64),
    confidence: f64,
    power: f64,
    min_effect: Option<f64>,
) -> RateComparison {
    let t = Rate::new(treatment.0, treatment.1, confidence);
    let h = Rate::new(holdout.0, holdout.1, confidence);
    let difference = t.rate.zip(h.rate).map(|(a, b)| a - b);
    let required = match (min_effect, h.rate) {
        (Some(effect), Some(p2)) => {
            let p1 = if p2 + effect <= 1.0 {
                p2 + effect
            } else {
                p2 - effect
            };
            proportions::sample_size(p1, p2, confidence, power)
        }
        _ => t
            .rate
            .zip(h.rate)
            .and_then(|(p1, p2)| proportions::sample_size(p1, p2, confidence, power)),
    };
    RateComparison {
        interval: proportions::newcombe(&t, &h),
        difference,
        still_needed: still_needed(required, t.n, h.n),
        required_per_group: required,
        treatment: t,
        holdout: h,
    }
}

/// The comparison of means of `treatment` and `holdout` values.
pub fn compare_means(
    treatment: &[f64],
    holdout: &[f64],
    confidence: f64,
    power: f64,
    min_effect: Option<f64>,
) -> MeanComparison {
    let t = Mean::of(treatment);
    let h = Mean::of(holdout);
    let difference = t.mean.zip(h.mean).map(|(a, b)| a - b);
    let welch = means::welch(&t, &h, confidence);
    let required = t.sd.zip(h.sd).and_then(|(s1, s2)| {
        let effect = min_effect.or(difference)?;
        means::sample_size(effect, s1, s2, confidence, power)
    });
    MeanComparison {
        interval: welch.map(|(i, _)| i),
        df: welch.map(|(_, df)| df),
        difference,
        still_needed: still_needed(required, t.n, h.n),
        required_per_group: required,
        treatment: t,
        holdout: h,
    }
}

/// Compares the groups' outcomes (see the module docs).
pub fn compare(
    treatment: &[Outcome],
    holdout: &[Outcome],
    options: &CompareOptions,
) -> Result<Comparison, ExperimentError> {
    let confidence = check_unit("confidence", options.confidence)?;
    let power = check_unit("power", options.power)?;
    let min_rate = check_effect("minRateEffect", options.min_rate_effect)?;
    let min_revenue = check_effect("minRevenueEffect", options.min_revenue_effect)?;
    let count = |g: &[Outcome]| (g.iter().filter(|o| o.repeat).count() as u64, g.len() as u64);
    let revenue = |g: &[Outcome]| g.iter().map(|o| o.revenue).collect::<Vec<_>>();
    let alive = |g: &[Outcome]| {
        g.iter()
            .filter_map(|o| o.p_alive_change)
            .collect::<Vec<_>>()
    };
    let (ta, ha) = (alive(treatment), alive(holdout));
    Ok(Comparison {
        confidence,
        power,
        repeat: compare_rates(
            count(treatment),
            count(holdout),
            confidence,
            power,
            min_rate,
        ),
        revenue: compare_means(
            &revenue(treatment),
            &revenue(holdout),
            confidence,
            power,
            min_revenue,
        ),
        p_alive: (!ta.is_empty() || !ha.is_empty())
            .then(|| compare_means(&ta, &ha, confidence, power, None)),
    })
}

#[cfg(test)]
mod simulation;
