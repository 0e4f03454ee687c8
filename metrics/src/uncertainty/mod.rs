//! How sure the predictions are: the fitted parameters' uncertainty carried
//! through to per-customer intervals.
//!
//! * [`covariance`] — the asymptotic covariance of a fit's log-parameters, the
//!   inverse of the observed information (the Hessian of −ln L at the optimum).
//! * [`intervals`] — per-customer intervals for P(alive), expected purchases
//!   and CLV by parametric bootstrap: parameter sets drawn from the normal
//!   approximation of the log-parameters (seeded, so the same call gives the
//!   same intervals), each pushed through the model.
//!
//! These intervals describe what the *model* would predict under parameters
//! the data cannot rule out; they do not include the randomness of a single
//! customer's future purchases (a customer expected to buy 1.2 times buys 0,
//! 1, 2…).

pub mod covariance;
mod error;
pub mod intervals;
mod linalg;

pub use covariance::{spend_covariance, transaction_covariance, Covariance};
pub use error::UncertaintyError;
pub use intervals::{prediction_intervals, IntervalColumn, IntervalOptions, PredictionIntervals};
