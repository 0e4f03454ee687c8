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
pub mod boundary;
pub mod clv;
pub mod compare;
mod compress;
pub mod error;
pub mod gamma_gamma;
pub mod input;
pub mod mbgnbd;
pub mod monitor;
mod nbd;
pub(crate) mod optimize;
pub mod pareto_nbd;
mod radix;
pub mod simulate;
pub mod spend_input;
pub mod transaction;

pub use boundary::{Boundary, BoundaryLimit};
pub use error::FitError;
pub use input::{FitInput, InputError, Patterns};
pub use monitor::{FitProgress, FitStatus, Monitor, Phase, StopReason};
pub use spend_input::SpendInput;

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

/// Optimiser settings. The defaults reproduce the published CDNOW estimates.
///
/// Every fit has a bounded cost: at most `max_iterations` quasi-Newton
/// iterations and `max_evaluations` likelihood evaluations (line searches
/// included), and a [`Monitor`] can stop it earlier (a time budget).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitOptions {
    /// Iteration cap of the quasi-Newton search.
    pub max_iterations: usize,
    /// Cap on likelihood evaluations (each costs one pass over the patterns).
    pub max_evaluations: usize,
    /// Convergence: the largest gradient component of the *mean* per-customer
    /// negative log-likelihood with respect to the log-parameters.
    pub gradient_tolerance: f64,
    /// Compute standard errors from the inverse Hessian at the optimum.
    pub std_errors: bool,
    /// Return a fit that neither converged nor reached a boundary optimum
    /// (status [`FitStatus::NotConverged`]) instead of [`FitError::NotConverged`].
    pub accept_unconverged: bool,
    /// Sees every iteration and may stop the fit (not serialized).
    #[serde(skip)]
    pub monitor: Monitor,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            max_iterations: 500,
            max_evaluations: 5_000,
            gradient_tolerance: 1e-9,
            std_errors: true,
            accept_unconverged: false,
            monitor: Monitor::default(),
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
    /// Converged, on the boundary of the parameter space, or neither (the
    /// last only with [`FitOptions::accept_unconverged`]).
    pub status: FitStatus,
    /// Why the optimiser stopped.
    pub stop: StopReason,
    /// Likelihood evaluations spent on the full data.
    pub evaluations: usize,
    /// When the likelihood is highest at the edge of the parameter space
    /// (a parameter running to 0 or ∞): which limit, and what it means.
    pub boundary: Option<Boundary>,
    /// Asymptotic standard errors (delta method from the log-parameter inverse
    /// Hessian); None when not requested, at a boundary, or when the Hessian is
    /// not positive definite.
    pub std_errors: Option<P>,
    /// Customers represented (Σ weights), including those observed for no
    /// time at all (T = 0), who add nothing to the likelihood.
    pub customers: f64,
    /// Unique data patterns the likelihood was evaluated on.
    pub patterns: usize,
}

/// Generic part of a fit, in parameter-vector form.
pub(crate) struct RawFit {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub evaluations: usize,
    pub stop: StopReason,
    pub boundary: Option<Boundary>,
    pub std_errors: Option<Vec<f64>>,
}

impl RawFit {
    /// The model-typed result: `to` maps a parameter vector (estimates or standard
    /// errors) onto the model's parameter struct. A fit that neither converged
    /// nor stopped at a boundary optimum is [`FitError::NotConverged`] unless
    /// `opts.accept_unconverged`.
    pub(crate) fn into_fitted<P>(
        self,
        model: &'static str,
        to: impl Fn(&[f64]) -> P,
        customers: f64,
        patterns: usize,
        opts: &FitOptions,
    ) -> Result<Fitted<P>, FitError> {
        let converged = self.stop == StopReason::Converged;
        let status = match (&self.boundary, converged) {
            (Some(_), _) => FitStatus::Boundary,
            (None, true) => FitStatus::Converged,
            (None, false) => FitStatus::NotConverged,
        };
        if status == FitStatus::NotConverged && !opts.accept_unconverged {
            return Err(FitError::NotConverged {
                model,
                reason: self.stop,
                iterations: self.iterations,
                log_likelihood: self.log_likelihood,
                params: self.params,
            });
        }
        Ok(Fitted {
            model: model.to_string(),
            params: to(&self.params),
            log_likelihood: self.log_likelihood,
            iterations: self.iterations,
            converged,
            status,
            stop: self.stop,
            evaluations: self.evaluations,
            boundary: self.boundary,
            std_errors: self.std_errors.as_deref().map(&to),
            customers,
            patterns,
        })
    }
}

/// Runs BFGS on an objective that is the *mean* negative log-likelihood in
/// log-parameters, and converts back: params = exp(θ), LL = −mean·total.
/// `names` are the parameters' names, in order (for progress and boundary reports).
pub(crate) fn run_fit<O: optimize::Objective>(
    model: &'static str,
    names: &'static [&'static str],
    obj: &O,
    start: &[f64],
    total_weight: f64,
    opts: &FitOptions,
) -> Result<RawFit, FitError> {
    run_fit_staged(
        model,
        names,
        obj,
        None::<&O>,
        start,
        total_weight,
        opts,
        None,
    )
}

/// Gradient tolerance of the warm-up fit on a subsample: its optimum differs
/// from the full data's by sampling noise far larger than this anyway.
const WARM_UP_TOLERANCE: f64 = 1e-6;

/// A model's no-dropout boundary (see [`nbd`]): how much dropout the
/// parameters imply, and the patterns on which to fit the limiting NBD model
/// when the fit gets there.
pub(crate) struct DropoutLimit<'a> {
    /// Mean dropout probability or rate at a parameter vector.
    pub dropout: fn(&[f64]) -> f64,
    /// The data of the full fit.
    pub patterns: &'a Patterns,
    /// The data of the warm-up, if there is one.
    pub warm_up: Option<&'a Patterns>,
}

/// Dropout below this share of the start's counts as having reached the
/// limit, as in [`boundary`].
const LIMIT_DROPOUT: f64 = 1e-3;
/// How close (in total log-likelihood) a fit must come to the NBD optimum to
/// stop at the limit: well below the 0.01 log-likelihoods are reported to.
const LIMIT_TOLERANCE: f64 = 1e-3;
/// Iterations over which a runaway parameter is watched.
const RUNAWAY_WINDOW: usize = 3;
/// A log-parameter this far from its start (a factor of 100) is running to a
/// boundary if it still moves by a factor of e over [`RUNAWAY_WINDOW`]
/// iterations while the log-likelihood gains less than [`LIMIT_TOLERANCE`]:
/// the remaining gain of such a geometric approach is about the last gains,
/// so the limit's value is reached and chasing the parameter (whose
/// evaluations get ever costlier, as Pareto/NBD's series do) buys nothing.
const RUNAWAY_DISTANCE: f64 = 4.605;

/// [`run_fit`] with an optional warm-up: BFGS first runs on `warm_up` (the same
/// likelihood on a deterministic subsample of the patterns, see
/// [`Patterns::warm_up_sample`]), then continues on the full objective from
/// that optimum with its inverse-Hessian approximation, which takes a few
/// iterations instead of the twenty-odd of a cold start. The full-data
/// convergence test is the same either way; if the warm-up fails, the fit
/// starts cold from `start`.
///
/// With a `limit`, a fit whose dropout falls to nil stops as soon as its
/// log-likelihood is within [`LIMIT_TOLERANCE`] of the NBD optimum
/// ([`StopReason::Limit`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_fit_staged<O: optimize::Objective, W: optimize::Objective>(
    model: &'static str,
    names: &'static [&'static str],
    obj: &O,
    warm_up: Option<&W>,
    start: &[f64],
    total_weight: f64,
    opts: &FitOptions,
    limit: Option<DropoutLimit<'_>>,
) -> Result<RawFit, FitError> {
    let theta0: Vec<f64> = start.iter().map(|p| p.ln()).collect();
    let limit = limit.as_ref();
    let observer = |phase: Phase| {
        let monitor = opts.monitor.clone();
        let mut params_now = Vec::with_capacity(start.len());
        // The NBD optimum as a mean negative log-likelihood, fitted when first needed.
        let mut nbd_mean: Option<Option<f64>> = None;
        // (mean value, θ) of the last iterations, oldest first.
        let mut recent: std::collections::VecDeque<(f64, Vec<f64>)> =
            std::collections::VecDeque::with_capacity(RUNAWAY_WINDOW + 1);
        move |it: &optimize::Iterate<'_>| -> ControlFlow<StopReason> {
            params_now.clear();
            params_now.extend(it.theta.iter().map(|t| t.exp()));
            recent.push_back((it.value, it.theta.to_vec()));
            if recent.len() > RUNAWAY_WINDOW + 1 {
                recent.pop_front();
            }
            let runaway = recent.len() == RUNAWAY_WINDOW + 1
                && recent.front().is_some_and(|(then, old)| {
                    let gain = (then - it.value) * total_weight;
                    gain < LIMIT_TOLERANCE
                        && it.theta.iter().zip(old).zip(start).any(|((now, was), s)| {
                            (now - s.ln()).abs() > RUNAWAY_DISTANCE && (now - was).abs() > 1.0
                        })
                });
            let progress = FitProgress {
                model,
                phase,
                iteration: it.iteration,
                evaluations: it.evaluations,
                log_likelihood: -it.value * total_weight,
                gradient: it.gradient,
                params: &params_now,
            };
            if monitor.report(&progress).is_break() {
                return ControlFlow::Break(StopReason::Interrupted);
            }
            if runaway {
                return ControlFlow::Break(StopReason::Runaway);
            }
            let Some(limit) = limit else {
                return ControlFlow::Continue(());
            };
            if (limit.dropout)(&params_now) >= LIMIT_DROPOUT * (limit.dropout)(start) {
                return ControlFlow::Continue(());
            }
            let patterns = match phase {
                Phase::WarmUp => limit.warm_up.unwrap_or(limit.patterns),
                Phase::Full => limit.patterns,
            };
            let nbd = *nbd_mean.get_or_insert_with(|| {
                nbd::max_log_likelihood(patterns).map(|ll| -ll / patterns.total_weight)
            });
            match nbd {
                Some(best) if it.value - best <= LIMIT_TOLERANCE / total_weight => {
                    ControlFlow::Break(StopReason::Limit)
                }
                _ => ControlFlow::Continue(()),
            }
        }
    };
    let mut interrupted = false;
    let warmed = warm_up.and_then(|w| {
        let first = optimize::Start::at(w, theta0.clone());
        if !first.is_finite() {
            return None;
        }
        let warm_opts = FitOptions {
            gradient_tolerance: opts.gradient_tolerance.max(WARM_UP_TOLERANCE),
            ..opts.clone()
        };
        let out = optimize::minimize(w, first, None, &warm_opts, &mut observer(Phase::WarmUp));
        interrupted = out.stop == StopReason::Interrupted;
        let from = optimize::Start::at(obj, out.theta);
        from.is_finite().then_some((from, out.inverse_hessian))
    });
    let full_opts;
    let opts = if interrupted {
        // Stopped during the warm-up: no full-data iterations, just the point reached.
        full_opts = FitOptions {
            max_iterations: 0,
            ..opts.clone()
        };
        &full_opts
    } else {
        opts
    };
    let out = match warmed {
        Some((from, h)) => optimize::minimize(obj, from, Some(h), opts, &mut observer(Phase::Full)),
        None => {
            let cold = optimize::Start::at(obj, theta0);
            if !cold.is_finite() {
                return Err(FitError::BadStart {
                    model,
                    start: start.to_vec(),
                });
            }
            optimize::minimize(obj, cold, None, opts, &mut observer(Phase::Full))
        }
    };
    let mut out = out;
    if interrupted && out.stop != StopReason::Converged {
        out.stop = StopReason::Interrupted;
    }
    let params: Vec<f64> = out.theta.iter().map(|t| t.exp()).collect();
    let log_likelihood = -out.value * total_weight;
    if !log_likelihood.is_finite() || params.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
        return Err(FitError::Diverged {
            model,
            params,
            log_likelihood,
        });
    }
    let boundary = boundary::detect(model, names, &params, start, log_likelihood, out.stop);
    // At a boundary the Hessian is singular (and costly where parameters are huge).
    let std_errors = if opts.std_errors && boundary.is_none() {
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
        evaluations: out.evaluations,
        stop: out.stop,
        boundary,
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
