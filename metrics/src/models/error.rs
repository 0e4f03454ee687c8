//! The models' error type: bad input, bad parameters, failed evaluations.

use super::boundary::{display_name, number_ll};
use super::input::InputError;
use super::monitor::StopReason;
use crate::special::SpecialError;

/// Why a fit or a prediction failed. Never silently a NaN.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// The input data is invalid (the message names row and field).
    #[error("invalid input: {0}")]
    Input(#[from] InputError),
    /// A model parameter is not a positive finite number.
    #[error("{model}: parameter {name} = {value} must be positive and finite")]
    Parameter {
        /// The model.
        model: &'static str,
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A prediction argument (a horizon, a customer's x, t_x, T) is invalid.
    #[error("{model}: argument {name} = {value} {why}")]
    Argument {
        /// The model.
        model: &'static str,
        /// The argument.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The rule broken.
        why: &'static str,
    },
    /// The log-likelihood is not finite at the starting point, so there is
    /// nothing to optimise from.
    #[error("{model}: log-likelihood is not finite at the starting point {start:?}")]
    BadStart {
        /// The model.
        model: &'static str,
        /// The starting parameters.
        start: Vec<f64>,
    },
    /// The optimiser ended on non-finite values.
    #[error("{model}: the fit diverged (parameters {params:?}, log-likelihood {log_likelihood})")]
    Diverged {
        /// The model.
        model: &'static str,
        /// The last parameters.
        params: Vec<f64>,
        /// The last log-likelihood.
        log_likelihood: f64,
    },
    /// The search ended without meeting the convergence test and not at a
    /// boundary optimum either, so the parameters are not the
    /// maximum-likelihood estimate. Set
    /// [`FitOptions::accept_unconverged`](super::FitOptions) to get them anyway.
    #[error("{}: the fit did not converge: {} after {iterations} iterations (log-likelihood {}, parameters {params:?}); the parameters are not the maximum-likelihood estimate", display_name(model), reason.describe(), number_ll(*log_likelihood))]
    NotConverged {
        /// The model.
        model: &'static str,
        /// Why the search stopped.
        reason: StopReason,
        /// Iterations on the full data.
        iterations: usize,
        /// The log-likelihood reached.
        log_likelihood: f64,
        /// The parameters reached, in the model's order.
        params: Vec<f64>,
    },
    /// A special function failed (a 2F1 series outside its domain or budget).
    #[error("special function: {0}")]
    Special(#[from] SpecialError),
    /// A result came out non-finite.
    #[error("{model}: {what} is not finite")]
    NonFinite {
        /// The model.
        model: &'static str,
        /// The quantity.
        what: &'static str,
    },
}

/// Checks that each named parameter is positive and finite.
pub(crate) fn check_params(
    model: &'static str,
    params: &[(&'static str, f64)],
) -> Result<(), FitError> {
    for &(name, value) in params {
        if !(value.is_finite() && value > 0.0) {
            return Err(FitError::Parameter { model, name, value });
        }
    }
    Ok(())
}

/// Checks one customer's (x, t_x, T) for a prediction. T = 0 (a customer
/// first seen at the end) is allowed with x = 0: the prediction is a new customer's.
pub(crate) fn check_customer(
    model: &'static str,
    x: f64,
    t_x: f64,
    t: f64,
) -> Result<(), FitError> {
    let bad = |name, value, why| {
        Err(FitError::Argument {
            model,
            name,
            value,
            why,
        })
    };
    if !(x.is_finite() && x >= 0.0) {
        return bad("x", x, "must be a finite number ≥ 0");
    }
    if !(t.is_finite() && t >= 0.0) {
        return bad("T", t, "must be a finite number ≥ 0");
    }
    if t == 0.0 && x != 0.0 {
        return bad(
            "x",
            x,
            "must be 0 when T = 0 (no time observed, no repeat purchases)",
        );
    }
    if !(t_x.is_finite() && (0.0..=t).contains(&t_x)) {
        return bad("t_x", t_x, "must lie in [0, T]");
    }
    Ok(())
}

/// Checks a prediction horizon.
pub(crate) fn check_horizon(model: &'static str, t: f64) -> Result<(), FitError> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(FitError::Argument {
            model,
            name: "t",
            value: t,
            why: "must be a finite number ≥ 0",
        })
    }
}
