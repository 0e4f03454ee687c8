//! The error type of the uncertainty computations.

use crate::models::{FitError, InputError};

/// Why a covariance or an interval could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UncertaintyError {
    /// The data the fit came from is invalid (the message names row and field).
    #[error("invalid input: {0}")]
    Input(#[from] InputError),
    /// A model evaluation failed.
    #[error("{0}")]
    Fit(#[from] FitError),
    /// The curvature at the fit is not that of a proper maximum.
    #[error(
        "{model}: the log-likelihood's curvature at the fitted parameters is not positive \
         definite (the optimum lies on the boundary of the parameter space, or is flat), so \
         the parameters' uncertainty and the intervals cannot be computed"
    )]
    NotPositiveDefinite {
        /// The model.
        model: &'static str,
    },
    /// The log-likelihood or its gradient is not finite at the fitted parameters.
    #[error("{model}: the log-likelihood is not finite at the fitted parameters")]
    NonFinite {
        /// The model.
        model: &'static str,
    },
    /// An option is out of range.
    #[error("{name} = {value} {why}")]
    Option {
        /// The option.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The rule broken.
        why: &'static str,
    },
    /// A covariance does not belong to the model it is used with.
    #[error("the covariance has {len} parameters ({names}), the {model} model has {expected}")]
    Mismatch {
        /// The model.
        model: &'static str,
        /// Parameters in the covariance.
        len: usize,
        /// Their names.
        names: String,
        /// Parameters of the model.
        expected: usize,
    },
    /// A customer's prediction at the fitted parameters failed.
    #[error("customer row {row}: {source}")]
    Customer {
        /// 0-based row.
        row: usize,
        /// What failed.
        source: FitError,
    },
}
