//! Which transaction model fits the data better: BG/NBD, MBG/NBD and
//! Pareto/NBD fitted to the same customers and ranked by log-likelihood.
//!
//! The three have four parameters each, so their maximised log-likelihoods
//! compare directly (AIC and BIC rank them the same way). Used to explain a
//! boundary optimum: when BG/NBD says "nobody drops out", the reader wants to
//! know whether another model sees the data differently.

use serde::{Deserialize, Serialize};

use super::boundary::{display_name, number_ll};
use super::{bgnbd, mbgnbd, pareto_nbd, FitInput, FitOptions, FitStatus};

/// Log-likelihood differences below this are "the same fit".
const SAME_FIT: f64 = 0.5;

/// One model of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// `"bgnbd"`, `"mbgnbd"` or `"pareto_nbd"`.
    pub model: String,
    /// The log-likelihood reached (None when the fit failed).
    pub log_likelihood: Option<f64>,
    /// How that fit ended (None when it failed).
    pub status: Option<FitStatus>,
    /// Why the fit failed, if it did.
    pub error: Option<String>,
}

/// The ranking and a sentence saying which model fits better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Every candidate, best first (failed fits last).
    pub candidates: Vec<Candidate>,
    /// The model with the highest log-likelihood among the fits that converged
    /// or reached a boundary optimum.
    pub best: Option<String>,
    /// In words.
    pub message: String,
}

/// A fit already made (so it is not repeated): model name, log-likelihood, status.
pub type Known<'a> = (&'a str, f64, FitStatus);

/// Fits the transaction models to `input` (those not in `known`) and ranks
/// them. Each fit has the cost bounds of `opts`; a fit that does not converge
/// is still ranked by the log-likelihood it reached, marked as such.
pub fn transaction_models(input: &FitInput, opts: &FitOptions, known: &[Known<'_>]) -> Comparison {
    let opts = FitOptions {
        accept_unconverged: true,
        std_errors: false,
        ..opts.clone()
    };
    let mut candidates: Vec<Candidate> = ["bgnbd", "mbgnbd", "pareto_nbd"]
        .iter()
        .map(|&model| {
            if let Some(&(_, ll, status)) = known.iter().find(|k| k.0 == model) {
                return Candidate {
                    model: model.into(),
                    log_likelihood: Some(ll),
                    status: Some(status),
                    error: None,
                };
            }
            let result = match model {
                "bgnbd" => bgnbd::fit(input, &opts).map(|f| (f.log_likelihood, f.status)),
                "mbgnbd" => mbgnbd::fit(input, &opts).map(|f| (f.log_likelihood, f.status)),
                _ => pareto_nbd::fit(input, &opts).map(|f| (f.log_likelihood, f.status)),
            };
            match result {
                Ok((ll, status)) => Candidate {
                    model: model.into(),
                    log_likelihood: Some(ll),
                    status: Some(status),
                    error: None,
                },
                Err(e) => Candidate {
                    model: model.into(),
                    log_likelihood: None,
                    status: None,
                    error: Some(e.to_string()),
                },
            }
        })
        .collect();
    rank(&mut candidates);
    let usable = |c: &Candidate| {
        matches!(
            c.status,
            Some(FitStatus::Converged) | Some(FitStatus::Boundary)
        )
    };
    let best = candidates.iter().find(|c| usable(c)).cloned();
    let message = describe(&candidates, best.as_ref());
    Comparison {
        best: best.map(|c| c.model),
        candidates,
        message,
    }
}

/// Usable fits by log-likelihood, highest first; then unconverged; failed last.
fn rank(c: &mut [Candidate]) {
    let class = |c: &Candidate| match c.status {
        Some(FitStatus::Converged) | Some(FitStatus::Boundary) => 0,
        Some(FitStatus::NotConverged) => 1,
        None => 2,
    };
    c.sort_by(|a, b| {
        class(a).cmp(&class(b)).then(
            b.log_likelihood
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.log_likelihood.unwrap_or(f64::NEG_INFINITY)),
        )
    });
}

fn describe(candidates: &[Candidate], best: Option<&Candidate>) -> String {
    let each: Vec<String> = candidates
        .iter()
        .map(|c| {
            let name = display_name(&c.model);
            match (c.log_likelihood, c.status) {
                (Some(ll), Some(FitStatus::Converged)) => format!("{name} {}", number_ll(ll)),
                (Some(ll), Some(FitStatus::Boundary)) => {
                    format!("{name} {} (at a boundary)", number_ll(ll))
                }
                (Some(ll), _) => format!("{name} {} (did not converge)", number_ll(ll)),
                _ => format!("{name} failed"),
            }
        })
        .collect();
    let Some(best) = best else {
        return format!(
            "No transaction model converged on these data (log-likelihoods: {}).",
            each.join(", ")
        );
    };
    let best_ll = best.log_likelihood.unwrap_or(f64::NAN);
    let ties: Vec<&str> = candidates
        .iter()
        .filter(|c| c.model != best.model && c.status.is_some_and(|s| s != FitStatus::NotConverged))
        .filter(|c| c.log_likelihood.is_some_and(|ll| best_ll - ll < SAME_FIT))
        .map(|c| display_name(&c.model))
        .collect();
    if ties.is_empty() {
        format!(
            "{} fits these data best (log-likelihoods: {}).",
            display_name(&best.model),
            each.join(", ")
        )
    } else {
        format!(
            "{} and {} fit these data equally well (log-likelihoods within {SAME_FIT}: {}).",
            display_name(&best.model),
            ties.join(" and "),
            each.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(model: &str, ll: Option<f64>, status: Option<FitStatus>) -> Candidate {
        Candidate {
            model: model.into(),
            log_likelihood: ll,
            status,
            error: None,
        }
    }

    #[test]
    fn ranking_puts_usable_fits_first_and_names_ties() {
        let mut v = vec![
            c("pareto_nbd", Some(-10.0), Some(FitStatus::NotConverged)),
            c("bgnbd", Some(-100.0), Some(FitStatus::Converged)),
            c("mbgnbd", None, None),
        ];
        rank(&mut v);
        assert_eq!(v[0].model, "bgnbd");
        assert_eq!(v[2].model, "mbgnbd");
        let m = describe(&v, Some(&v[0]));
        assert!(m.starts_with("BG/NBD fits these data best"), "{m}");
        assert!(m.contains("Pareto/NBD -10.00 (did not converge)"), "{m}");
        let tie = vec![
            c("bgnbd", Some(-100.0), Some(FitStatus::Boundary)),
            c("pareto_nbd", Some(-100.2), Some(FitStatus::Boundary)),
        ];
        let m = describe(&tie, Some(&tie[0]));
        assert!(
            m.starts_with("BG/NBD and Pareto/NBD fit these data equally well"),
            "{m}"
        );
    }

    #[test]
    fn cdnow_like_data_rank_by_log_likelihood() {
        use crate::models::simulate::{bgnbd_customer, SplitMix64};
        let truth = bgnbd::BgNbd::new(0.24, 4.4, 0.79, 2.43).expect("valid");
        let mut rng = SplitMix64::new(5);
        let rows: Vec<(f64, f64, f64)> = (0..2000)
            .map(|_| {
                let age = 39.0 - 12.0 * rng.uniform();
                let (x, t_x) = bgnbd_customer(&mut rng, &truth, age);
                (x, t_x.min(age), age)
            })
            .collect();
        let input = FitInput::from_rows(rows).expect("valid");
        let cmp = transaction_models(&input, &FitOptions::default(), &[]);
        assert_eq!(cmp.candidates.len(), 3);
        let lls: Vec<f64> = cmp
            .candidates
            .iter()
            .filter_map(|c| c.log_likelihood)
            .collect();
        assert_eq!(lls.len(), 3, "{cmp:?}");
        assert!(lls.windows(2).all(|w| w[0] >= w[1]), "{lls:?}");
        assert_eq!(cmp.best.as_deref(), Some(cmp.candidates[0].model.as_str()));
    }
}
