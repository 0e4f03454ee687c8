//! Special functions the customer-base models are built from.
//!
//! * [`elementary`] — inlinable, branch-free `exp` and `ln` for the hot
//!   likelihood loops (bitwise identical on every target).
//! * [`gamma`] — ln Γ (from `libm`), digamma ψ, ln B.
//! * [`logspace`] — log-sum-exp and friends, so likelihoods of heavy buyers
//!   (x in the hundreds or thousands) never overflow.
//! * [`hyp2f1`] — the Gauss hypergeometric function 2F1, summed with running
//!   rescaling and the Pfaff/Euler transformations, plus the `2F1(1, p; q; z)`
//!   kernel with its partial derivatives that the Pareto/NBD likelihood uses.
//!
//! Every function that can fail on its domain returns [`SpecialError`] rather
//! than a NaN, so a model fit can report *which* evaluation went wrong.

pub mod elementary;
pub mod gamma;
pub mod hyp2f1;
pub mod logspace;

pub use elementary::{exp_fast, ln_1p_recip, ln_fast};
pub use gamma::{digamma, ln_beta, ln_gamma};
pub use hyp2f1::{hyp2f1, hyp2f1_1pq, ln_hyp2f1, Hyp1pq};
pub use logspace::{log1p_exp, log_diff_exp, log_sum_exp, log_sum_exp2};

/// Errors of the special functions: an argument outside the supported domain
/// or a series that did not converge within its term budget.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecialError {
    /// An argument was NaN or infinite.
    #[error("{function}: argument {name} = {value} is not finite")]
    NotFinite {
        /// The function called.
        function: &'static str,
        /// The argument's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// An argument lies outside the domain this implementation supports.
    #[error("{function}: {name} = {value} is outside the supported domain ({why})")]
    Domain {
        /// The function called.
        function: &'static str,
        /// The argument's name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What the domain is.
        why: &'static str,
    },
    /// The series needed more terms than the budget allows.
    #[error("{function}: series did not converge in {terms} terms (z = {z})")]
    NotConverged {
        /// The function called.
        function: &'static str,
        /// Terms summed before giving up.
        terms: usize,
        /// The argument z.
        z: f64,
    },
    /// The function's value is zero or negative, so its logarithm does not exist.
    #[error("{function}: value is not positive (sign {sign}), its logarithm is undefined")]
    NotPositive {
        /// The function called.
        function: &'static str,
        /// The sign found (−1 or 0).
        sign: f64,
    },
}
