//! Predictive customer-base models: who is still a customer, how much will they
//! buy, and what are they worth.
//!
//! | module | model | data |
//! | --- | --- | --- |
//! | [`bgnbd`] | BG/NBD (Fader, Hardie & Lee 2005) | (x, t_x, T) |
//! | [`mbgnbd`] | MBG/NBD (Batislam, Denizel & Filiztekin 2007) | (x, t_x, T) |
//! | [`pareto_nbd`] | Pareto/NBD (Schmittlein, Morrison & Colombo 1987) | (x, t_x, T) |
//! | [`gamma_gamma`] | Gamma-Gamma spend (Fader, Hardie & Lee 2005) | (x, z̄) of repeat buyers |
//! | [`bgbb`] | BG/BB, discrete time (Fader, Hardie & Shang 2010) | (x, t_x, n) in periods |
//! | [`clv`] | customer lifetime value: a transaction model × Gamma-Gamma, discounted | |
//! | [`transaction`] | BG/NBD, MBG/NBD or Pareto/NBD behind one type | |
//!
//! Every model has `fit(&input, &FitOptions) -> Result<Fitted<Params>, FitError>`,
//! a `log_likelihood`, and its predictions as methods on the parameter struct.
//! Fits are maximum likelihood with analytic gradients, BFGS on the log-parameters
//! from a deterministic data-derived start: the same input gives bitwise the same
//! result. Customers are first compressed into unique (x, t_x, T) patterns
//! ([`FitInput::patterns`]), which is what makes millions of customers fast;
//! with many patterns the search first runs on a deterministic subsample of
//! them and then finishes on all of them in a few iterations.
//!
//! ```
//! use rapport_metrics::models::{bgnbd, FitInput, FitOptions};
//!
//! let input = FitInput::from_rows([
//!     (2.0, 30.43, 38.86), (1.0, 1.71, 38.86), (0.0, 0.0, 38.86),
//!     (0.0, 0.0, 38.86), (3.0, 20.0, 30.0), (5.0, 25.0, 31.0),
//! ])?;
//! let fit = bgnbd::fit(&input, &FitOptions::default())?;
//! let p_alive = fit.params.p_alive(2.0, 30.43, 38.86)?;
//! assert!((0.0..=1.0).contains(&p_alive));
//! let json = serde_json::to_string(&fit).unwrap();
//! assert!(json.starts_with(r#"{"model":"bgnbd","params":{"r":"#));
//! # Ok::<(), rapport_metrics::models::FitError>(())
//! ```

mod bg_future;
pub mod bgbb;
pub mod bgnbd;
pub mod clv;
mod compress;
pub mod error;
pub mod gamma_gamma;
pub mod input;
pub mod mbgnbd;
pub(crate) mod optimize;
pub mod pareto_nbd;
mod radix;
pub mod simulate;
pub mod spend_input;
pub mod transaction;

pub use error::FitError;
pub use input::{FitInput, InputError, Patterns};
pub use spend_input::SpendInput;

use serde::{Deserialize, Serialize};

/// Optimiser settings. The defaults reproduce the published CDNOW estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Iteration cap of the quasi-Newton search.
    pub max_iterations: usize,
    /// Convergence: the largest gradient component of the *mean* per-customer
    /// negative log-likelihood with respect to the log-parameters.
    pub gradient_tolerance: f64,
    /// Compute standard errors from the inverse Hessian at the optimum.
    pub std_errors: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            max_iterations: 500,
            gradient_tolerance: 1e-9,
            std_errors: true,
        }
    }
}

/// A fitted model: parameters, fit statistics and standard errors.
/// Serializes as `{"model": "...", "params": {...}, "log_likelihood": ..., ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fitted<P> {
    /// Model name: "bgnbd", "mbgnbd", "pareto_nbd", "gamma_gamma" or "bgbb".
    pub model: String,
    /// Maximum-likelihood parameters.
    pub params: P,
    /// Total log-likelihood at `params` (sum over customers, weights applied).
    pub log_likelihood: f64,
    /// Quasi-Newton iterations on the full data (large inputs first warm up on
    /// a subsample; those cheaper iterations are not counted).
    pub iterations: usize,
    /// Whether the gradient test was met.
    pub converged: bool,
    /// Asymptotic standard errors (delta method from the log-parameter inverse
    /// Hessian); None when not requested or the Hessian is not positive definite.
    pub std_errors: Option<P>,
    /// Customers represented (Σ weights).
    pub customers: f64,
    /// Unique data patterns the likelihood was evaluated on.
    pub patterns: usize,
}

/// Generic part of a fit, in parameter-vector form.
pub(crate) struct RawFit {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    pub std_errors: Option<Vec<f64>>,
}

impl RawFit {
    /// The model-typed result: `to` maps a parameter vector (estimates or standard
    /// errors) onto the model's parameter struct.
    pub(crate) fn into_fitted<P>(
        self,
        model: &'static str,
        to: impl Fn(&[f64]) -> P,
        customers: f64,
        patterns: usize,
    ) -> Fitted<P> {
        Fitted {
            model: model.to_string(),
            params: to(&self.params),
            log_likelihood: self.log_likelihood,
            iterations: self.iterations,
            converged: self.converged,
            std_errors: self.std_errors.as_deref().map(&to),
            customers,
            patterns,
        }
    }
}

/// Runs BFGS on an objective that is the *mean* negative log-likelihood in
/// log-parameters, and converts back: params = exp(θ), LL = −mean·total.
pub(crate) fn run_fit<O: optimize::Objective>(
    model: &'static str,
    obj: &O,
    start: &[f64],
    total_weight: f64,
    opts: &FitOptions,
) -> Result<RawFit, FitError> {
    run_fit_staged(model, obj, None::<&O>, start, total_weight, opts)
}

/// Gradient tolerance of the warm-up fit on a subsample: its optimum differs
/// from the full data's by sampling noise far larger than this anyway.
const WARM_UP_TOLERANCE: f64 = 1e-6;

/// [`run_fit`] with an optional warm-up: BFGS first runs on `warm_up` (the same
/// likelihood on a deterministic subsample of the patterns, see
/// [`Patterns::warm_up_sample`]), then continues on the full objective from
/// that optimum with its inverse-Hessian approximation, which takes a few
/// iterations instead of the twenty-odd of a cold start. The full-data
/// convergence test is the same either way; if the warm-up fails, the fit
/// starts cold from `start`.
pub(crate) fn run_fit_staged<O: optimize::Objective, W: optimize::Objective>(
    model: &'static str,
    obj: &O,
    warm_up: Option<&W>,
    start: &[f64],
    total_weight: f64,
    opts: &FitOptions,
) -> Result<RawFit, FitError> {
    let theta0: Vec<f64> = start.iter().map(|p| p.ln()).collect();
    let warmed = warm_up.and_then(|w| {
        let first = optimize::Start::at(w, theta0.clone());
        if !first.is_finite() {
            return None;
        }
        let warm_opts = FitOptions {
            gradient_tolerance: opts.gradient_tolerance.max(WARM_UP_TOLERANCE),
            ..opts.clone()
        };
        let out = optimize::minimize(w, first, None, &warm_opts);
        let from = optimize::Start::at(obj, out.theta);
        from.is_finite().then_some((from, out.inverse_hessian))
    });
    let out = match warmed {
        Some((from, h)) => optimize::minimize(obj, from, Some(h), opts),
        None => {
            let cold = optimize::Start::at(obj, theta0);
            if !cold.is_finite() {
                return Err(FitError::BadStart {
                    model,
                    start: start.to_vec(),
                });
            }
            optimize::minimize(obj, cold, None, opts)
        }
    };
    let params: Vec<f64> = out.theta.iter().map(|t| t.exp()).collect();
    let log_likelihood = -out.value * total_weight;
    if !log_likelihood.is_finite() || params.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
        return Err(FitError::Diverged {
            model,
            params,
            log_likelihood,
        });
    }
    let std_errors = if opts.std_errors {
        let h = optimize::hessian(obj, &out.theta, &out.grad);
        // Hessian of the total = total × Hessian of the mean.
        let scaled: Vec<Vec<f64>> = h
            .iter()
            .map(|row| row.iter().map(|v| v * total_weight).collect())
            .collect();
        optimize::inverse_diagonal(&scaled)
            .map(|d| {
                d.iter()
                    .zip(&params)
                    .map(|(v, p)| p * v.sqrt())
                    .collect::<Vec<f64>>()
            })
            .filter(|se| se.iter().all(|v| v.is_finite()))
    } else {
        None
    };
    Ok(RawFit {
        params,
        log_likelihood,
        iterations: out.iterations,
        converged: out.converged,
        std_errors,
    })
}

/// Weighted mean of a column (used for data-derived starting points).
pub(crate) fn weighted_mean(values: &[f64], weights: &[f64]) -> f64 {
    let (mut s, mut w) = (0.0, 0.0);
    for (v, wt) in values.iter().zip(weights) {
        s += v * wt;
        w += wt;
    }
    if w > 0.0 {
        s / w
    } else {
        0.0
    }
}
