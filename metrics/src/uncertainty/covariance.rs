//! The asymptotic covariance of a fit's parameters.
//!
//! The fits maximise ln L over θ = ln(parameters), so the covariance is
//! taken in those coordinates: Σ = I(θ̂)⁻¹, with I the observed information
//! (the Hessian of −ln L at the optimum, from forward differences of the
//! analytic gradient). The normal approximation in log-parameters keeps every
//! drawn parameter positive and fits the skewed sampling distributions of
//! shape parameters better than one on the natural scale.

use serde::Serialize;

use super::error::UncertaintyError;
use super::linalg::{cholesky, inverse_spd};
use crate::models::bgnbd::{self, Variant};
use crate::models::gamma_gamma::{self, GammaGamma};
use crate::models::optimize::{hessian, Objective};
use crate::models::pareto_nbd::{self, Prepared};
use crate::models::simulate::SplitMix64;
use crate::models::transaction::{TransactionKind, TransactionParams};
use crate::models::{FitInput, SpendInput};

/// The covariance of a fit's log-parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Covariance {
    /// The model, e.g. "bgnbd" or "gamma_gamma".
    pub model: &'static str,
    /// Parameter names.
    pub names: Vec<&'static str>,
    /// ln of the fitted parameters: the coordinates of `matrix`.
    pub log_params: Vec<f64>,
    /// Covariance of the log-parameters.
    pub matrix: Vec<Vec<f64>>,
    /// Lower Cholesky factor of `matrix`, for drawing.
    #[serde(skip)]
    factor: Vec<Vec<f64>>,
}

impl Covariance {
    /// From the observed information (Hessian of −ln L in log-parameters).
    pub fn from_information(
        model: &'static str,
        names: Vec<&'static str>,
        log_params: Vec<f64>,
        information: &[Vec<f64>],
    ) -> Result<Self, UncertaintyError> {
        let matrix =
            inverse_spd(information).ok_or(UncertaintyError::NotPositiveDefinite { model })?;
        let factor = cholesky(&matrix).ok_or(UncertaintyError::NotPositiveDefinite { model })?;
        Ok(Self {
            model,
            names,
            log_params,
            matrix,
            factor,
        })
    }

    /// Standard errors of the parameters on their natural scale (delta method):
    /// exp(θᵢ)·√Σᵢᵢ.
    pub fn std_errors(&self) -> Vec<f64> {
        self.log_params
            .iter()
            .enumerate()
            .map(|(i, t)| t.exp() * self.matrix[i][i].sqrt())
            .collect()
    }

    /// One parameter set drawn from the normal approximation, on the natural
    /// scale: exp(θ̂ + L·z) with z standard normal.
    pub fn draw(&self, rng: &mut SplitMix64) -> Vec<f64> {
        let z: Vec<f64> = self.log_params.iter().map(|_| rng.normal()).collect();
        self.log_params
            .iter()
            .zip(&self.factor)
            .map(|(t, row)| (t + row.iter().zip(&z).map(|(l, z)| l * z).sum::<f64>()).exp())
            .collect()
    }
}

/// Observed information of `total_weight` customers from an objective that is
/// the *mean* −ln L in log-parameters.
fn information<O: Objective>(
    model: &'static str,
    obj: &O,
    theta: &[f64],
    total_weight: f64,
) -> Result<Vec<Vec<f64>>, UncertaintyError> {
    let mut grad = vec![0.0; theta.len()];
    let value = obj.eval(theta, &mut grad);
    if !value.is_finite() || grad.iter().any(|g| !g.is_finite()) {
        return Err(UncertaintyError::NonFinite { model });
    }
    let h = hessian(obj, theta, &grad);
    let scaled: Vec<Vec<f64>> = h
        .iter()
        .map(|row| row.iter().map(|v| v * total_weight).collect())
        .collect();
    if scaled.iter().flatten().any(|v| !v.is_finite()) {
        return Err(UncertaintyError::NonFinite { model });
    }
    Ok(scaled)
}

/// The covariance of a transaction model fitted to `input` (the same data the
/// fit came from; `params` should be its maximum-likelihood estimate).
pub fn transaction_covariance(
    params: &TransactionParams,
    input: &FitInput,
) -> Result<Covariance, UncertaintyError> {
    input.validate()?;
    let patterns = input.patterns();
    let kind = params.kind();
    let model = kind.name();
    let theta: Vec<f64> = params.values().iter().map(|v| v.ln()).collect();
    let total = patterns.total_weight;
    let info = match kind {
        TransactionKind::Bgnbd | TransactionKind::Mbgnbd => {
            let variant = if kind == TransactionKind::Bgnbd {
                Variant::Bg
            } else {
                Variant::Mbg
            };
            let obj = bgnbd::Nll {
                variant,
                patterns: &patterns,
            };
            information(model, &obj, &theta, total)?
        }
        TransactionKind::ParetoNbd => {
            let obj = pareto_nbd::Nll {
                prep: Prepared::new(&patterns),
            };
            information(model, &obj, &theta, total)?
        }
    };
    Covariance::from_information(model, kind.param_names().to_vec(), theta, &info)
}

/// The covariance of a Gamma-Gamma fit to `input` (repeat buyers).
pub fn spend_covariance(
    params: &GammaGamma,
    input: &SpendInput,
) -> Result<Covariance, UncertaintyError> {
    input.validate()?;
    let model = "gamma_gamma";
    let total = input.total_weight();
    let obj = gamma_gamma::Nll { input, total };
    let theta = vec![params.p.ln(), params.q.ln(), params.gamma.ln()];
    let info = information(model, &obj, &theta, total)?;
    Covariance::from_information(model, vec!["p", "q", "gamma"], theta, &info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{bgnbd::fit, FitOptions};

    fn sample() -> FitInput {
        use crate::models::simulate::bgnbd_customer;
        let truth = bgnbd::BgNbd::new(0.5, 5.0, 0.8, 2.5).unwrap();
        let mut rng = SplitMix64::new(11);
        FitInput::from_rows((0..3000).map(|_| {
            let age = 39.0 - 12.0 * rng.uniform();
            let (x, t_x) = bgnbd_customer(&mut rng, &truth, age);
            (x, t_x, age)
        }))
        .unwrap()
    }

    #[test]
    fn standard_errors_match_the_fit() {
        let input = sample();
        let fitted = fit(&input, &FitOptions::default()).unwrap();
        let cov = transaction_covariance(&TransactionParams::Bgnbd(fitted.params), &input).unwrap();
        let se = fitted.std_errors.unwrap();
        for (got, want) in cov.std_errors().iter().zip([se.r, se.alpha, se.a, se.b]) {
            assert!(((got - want) / want).abs() < 1e-9, "{got} vs {want}");
        }
        // Symmetric, positive variances, correlations within [−1, 1].
        for i in 0..4 {
            assert!(cov.matrix[i][i] > 0.0);
            for j in 0..4 {
                assert_eq!(cov.matrix[i][j], cov.matrix[j][i]);
                let c = cov.matrix[i][j] / (cov.matrix[i][i] * cov.matrix[j][j]).sqrt();
                assert!(c.abs() <= 1.0);
            }
        }
    }

    #[test]
    fn draws_have_the_covariance_they_should() {
        let input = sample();
        let fitted = fit(&input, &FitOptions::default()).unwrap();
        let cov = transaction_covariance(&TransactionParams::Bgnbd(fitted.params), &input).unwrap();
        let mut rng = SplitMix64::new(5);
        let n = 20_000;
        let draws: Vec<Vec<f64>> = (0..n)
            .map(|_| cov.draw(&mut rng).iter().map(|v| v.ln()).collect())
            .collect();
        for i in 0..4 {
            let mean = draws.iter().map(|d| d[i]).sum::<f64>() / n as f64;
            assert!((mean - cov.log_params[i]).abs() < 0.05 * cov.matrix[i][i].sqrt());
            for j in 0..=i {
                let mj = draws.iter().map(|d| d[j]).sum::<f64>() / n as f64;
                let c = draws
                    .iter()
                    .map(|d| (d[i] - mean) * (d[j] - mj))
                    .sum::<f64>()
                    / n as f64;
                let scale = (cov.matrix[i][i] * cov.matrix[j][j]).sqrt();
                assert!(
                    (c - cov.matrix[i][j]).abs() < 0.05 * scale,
                    "({i},{j}): {c} vs {}",
                    cov.matrix[i][j]
                );
            }
        }
    }

    #[test]
    fn spend_standard_errors_match_the_fit() {
        let input = SpendInput::from_rows(
            (1..400).map(|i| (f64::from(1 + i % 7), 10.0 + f64::from(i % 37) * 1.7)),
        )
        .unwrap();
        let fitted = gamma_gamma::fit(&input, &FitOptions::default()).unwrap();
        let cov = spend_covariance(&fitted.params, &input).unwrap();
        let se = fitted.std_errors.unwrap();
        for (got, want) in cov.std_errors().iter().zip([se.p, se.q, se.gamma]) {
            assert!(((got - want) / want).abs() < 1e-9, "{got} vs {want}");
        }
    }
}
