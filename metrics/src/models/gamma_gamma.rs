//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo &
//! Jiang 1999): each transaction value is Gamma(p, ν) with ν ~ Gamma(q, γ)
//! across customers, independent of the transaction process.
//!
//! For a repeat buyer with x purchases of mean value z̄ the density of z̄ is
//!
//! ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x
//!        − (px+q) ln(γ + x z̄).

use serde::{Deserialize, Serialize};

use super::error::check_params;
use super::optimize::Objective;
use super::{run_fit, weighted_mean, FitError, FitOptions, Fitted, SpendInput};
use crate::special::{digamma, ln_gamma};

const MODEL: &str = "gamma_gamma";

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of a transaction's value.
    pub p: f64,
    /// Shape of the customers' scale distribution.
    pub q: f64,
    /// Rate of the customers' scale distribution.
    pub gamma: f64,
}

impl GammaGamma {
    /// Validated parameters (all positive and finite).
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self, FitError> {
        let g = Self { p, q, gamma };
        g.check()?;
        Ok(g)
    }

    fn check(&self) -> Result<(), FitError> {
        check_params(
            MODEL,
            &[("p", self.p), ("q", self.q), ("gamma", self.gamma)],
        )
    }

    /// Total ln L over `input` (weights applied).
    pub fn log_likelihood(&self, input: &SpendInput) -> Result<f64, FitError> {
        self.check()?;
        input.validate()?;
        Ok(accumulate(self, input, &mut [0.0; 3]))
    }

    /// Population mean transaction value pγ/(q−1); needs q > 1.
    pub fn mean_spend(&self) -> Result<f64, FitError> {
        self.check()?;
        if self.q <= 1.0 {
            return Err(FitError::Argument {
                model: MODEL,
                name: "q",
                value: self.q,
                why: "must exceed 1 for the mean spend to exist",
            });
        }
        Ok(self.p * self.gamma / (self.q - 1.0))
    }

    /// E[Z | x, z̄]: expected value of this customer's future transactions,
    /// a weighted mean of the population mean and the customer's own z̄.
    /// x = 0 (no repeat purchase seen) gives the population mean.
    pub fn conditional_expected_spend(&self, x: f64, zbar: f64) -> Result<f64, FitError> {
        self.check()?;
        if !(x.is_finite() && x >= 0.0) {
            return Err(FitError::Argument {
                model: MODEL,
                name: "x",
                value: x,
                why: "must be ≥ 0",
            });
        }
        if x == 0.0 {
            return self.mean_spend();
        }
        if !(zbar.is_finite() && zbar >= 0.0) {
            return Err(FitError::Argument {
                model: MODEL,
                name: "zbar",
                value: zbar,
                why: "must be ≥ 0",
            });
        }
        let denom = self.p * x + self.q - 1.0;
        if denom <= 0.0 {
            return Err(FitError::Argument {
                model: MODEL,
                name: "x",
                value: x,
                why: "gives px + q ≤ 1, where the conditional mean does not exist",
            });
        }
        Ok(self.p * (self.gamma + x * zbar) / denom)
    }
}

fn accumulate(g: &GammaGamma, input: &SpendInput, grad: &mut [f64; 3]) -> f64 {
    let GammaGamma { p, q, gamma } = *g;
    let (lg_q, psi_q, ln_g) = (ln_gamma(q), digamma(q), gamma.ln());
    let mut total = 0.0;
    for i in 0..input.x.len() {
        let (x, z, w) = (input.x[i], input.zbar[i], input.weights[i]);
        if w == 0.0 {
            continue;
        }
        let px = p * x;
        let (ln_z, ln_x, ln_gz) = (z.ln(), x.ln(), (gamma + x * z).ln());
        total += w
            * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + (px - 1.0) * ln_z + px * ln_x
                - (px + q) * ln_gz);
        let psi_pq = digamma(px + q);
        grad[0] += w * x * (psi_pq - digamma(px) + ln_z + ln_x - ln_gz);
        grad[1] += w * (psi_pq - psi_q + ln_g - ln_gz);
        grad[2] += w * (q / gamma - (px + q) / (gamma + x * z));
    }
    total
}

pub(crate) struct Nll<'a> {
    pub(crate) input: &'a SpendInput,
    pub(crate) total: f64,
}

impl Objective for Nll<'_> {
    fn dim(&self) -> usize {
        3
    }

    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let g = GammaGamma {
            p: theta[0].exp(),
            q: theta[1].exp(),
            gamma: theta[2].exp(),
        };
        if g.check().is_err() {
            return f64::INFINITY;
        }
        let mut d = [0.0; 3];
        let ll = accumulate(&g, self.input, &mut d);
        let scale = [g.p, g.q, g.gamma];
        for i in 0..3 {
            grad[i] = -d[i] * scale[i] / self.total;
        }
        -ll / self.total
    }
}

/// Fits Gamma-Gamma by maximum likelihood. Start: p = 1, q = 2, γ = mean z̄
/// (so the starting population mean spend equals the observed mean).
pub fn fit(input: &SpendInput, opts: &FitOptions) -> Result<Fitted<GammaGamma>, FitError> {
    input.validate()?;
    let total = input.total_weight();
    let obj = Nll { input, total };
    let start = [1.0, 2.0, weighted_mean(&input.zbar, &input.weights)];
    let raw = run_fit(MODEL, &["p", "q", "gamma"], &obj, &start, total, opts)?;
    let to = |v: &[f64]| GammaGamma {
        p: v[0],
        q: v[1],
        gamma: v[2],
    };
    raw.into_fitted(MODEL, to, total, input.x.len(), opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_spend_shrinks_toward_population_mean() {
        let g = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
        let pop = g.mean_spend().unwrap();
        let one = g.conditional_expected_spend(1.0, 100.0).unwrap();
        let many = g.conditional_expected_spend(50.0, 100.0).unwrap();
        assert!(pop < one && one < many && many < 100.0);
        assert_eq!(g.conditional_expected_spend(0.0, 0.0).unwrap(), pop);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let input = SpendInput::from_rows([(1.0, 20.0), (3.0, 45.5), (10.0, 12.0)]).unwrap();
        let obj = Nll {
            input: &input,
            total: 3.0,
        };
        let theta = [1.5f64, 1.2, 2.7];
        let mut g = [0.0; 3];
        obj.eval(&theta, &mut g);
        for i in 0..3 {
            let (mut tp, mut tm) = (theta, theta);
            tp[i] += 1e-6;
            tm[i] -= 1e-6;
            let mut s = [0.0; 3];
            let fd = (obj.eval(&tp, &mut s) - obj.eval(&tm, &mut s)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-7, "component {i}: {fd} vs {}", g[i]);
        }
    }
}
