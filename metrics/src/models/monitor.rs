//! What a fit reports while it runs and how it ended: progress for an
//! observer (a progress bar, a time budget), the reason the search stopped,
//! and the fit's overall status.
//!
//! A fit's cost is bounded by [`FitOptions::max_iterations`](super::FitOptions)
//! and [`FitOptions::max_evaluations`](super::FitOptions); a wall-clock budget
//! is the caller's, through a [`Monitor`] that returns
//! [`ControlFlow::Break`] when time is up (the engine itself reads no clock,
//! so it runs the same natively and in wasm).

use std::cell::RefCell;
use std::fmt;
use std::ops::ControlFlow;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

/// Which run of a staged fit is reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The warm-up on a subsample of the patterns (large inputs only).
    WarmUp,
    /// The fit on all the data.
    Full,
}

/// One iteration of a fit, as a [`Monitor`] sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FitProgress<'a> {
    /// The model being fitted, e.g. `"bgnbd"`.
    pub model: &'static str,
    /// Warm-up or full data.
    pub phase: Phase,
    /// Iterations of this phase so far.
    pub iteration: usize,
    /// Likelihood evaluations of this phase so far.
    pub evaluations: usize,
    /// Total log-likelihood reached (for the warm-up: scaled to all customers).
    pub log_likelihood: f64,
    /// Largest gradient component of the mean log-likelihood (the convergence test's measure).
    pub gradient: f64,
    /// The current parameters, in the model's order.
    pub params: &'a [f64],
}

/// A callback that sees every iteration and may stop the fit by returning
/// [`ControlFlow::Break`]; the fit then ends with [`StopReason::Interrupted`].
///
/// ```
/// use std::ops::ControlFlow;
/// use rapport_metrics::models::{bgnbd, FitInput, FitOptions, Monitor};
/// let input = FitInput::from_rows([(2.0, 30.0, 38.0), (0.0, 0.0, 38.0), (5.0, 20.0, 31.0), (1.0, 2.0, 35.0)])?;
/// let mut seen = 0;
/// let opts = FitOptions {
///     monitor: Monitor::new(move |p| {
///         seen += 1;
///         assert!(p.log_likelihood.is_finite());
///         if seen < 3 { ControlFlow::Continue(()) } else { ControlFlow::Break(()) }
///     }),
///     accept_unconverged: true,
///     ..FitOptions::default()
/// };
/// let fit = bgnbd::fit(&input, &opts)?;
/// assert!(fit.iterations <= 3);
/// # Ok::<(), rapport_metrics::models::FitError>(())
/// ```
#[derive(Clone, Default)]
pub struct Monitor(Option<Rc<RefCell<MonitorFn>>>);

type MonitorFn = dyn FnMut(&FitProgress<'_>) -> ControlFlow<()>;

impl Monitor {
    /// A monitor calling `f` after every iteration.
    pub fn new(f: impl FnMut(&FitProgress<'_>) -> ControlFlow<()> + 'static) -> Self {
        Monitor(Some(Rc::new(RefCell::new(f))))
    }

    /// Reports one iteration; `Continue` when there is no callback (or it is
    /// already running, should a callback start a fit of its own).
    pub(crate) fn report(&self, p: &FitProgress<'_>) -> ControlFlow<()> {
        match &self.0 {
            Some(f) => match f.try_borrow_mut() {
                Ok(mut f) => f(p),
                Err(_) => ControlFlow::Continue(()),
            },
            None => ControlFlow::Continue(()),
        }
    }
}

impl fmt::Debug for Monitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Monitor(callback)"
        } else {
            "Monitor(none)"
        })
    }
}

/// Monitors never make two option sets differ: they are not part of what is fitted.
impl PartialEq for Monitor {
    fn eq(&self, _: &Monitor) -> bool {
        true
    }
}

/// Why the optimiser stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The gradient test was met.
    Converged,
    /// The log-likelihood stopped improving before the gradient test was met:
    /// either the optimum lies on the boundary (a parameter running to 0 or ∞)
    /// or the surface is too flat to locate it.
    Stalled,
    /// `max_iterations` was reached.
    MaxIterations,
    /// `max_evaluations` was reached.
    MaxEvaluations,
    /// The [`Monitor`] stopped it (e.g. a time budget ran out).
    Interrupted,
    /// The log-likelihood reached the maximum of the model's no-dropout
    /// limit (the NBD model) while its dropout went to zero: the optimum is
    /// that boundary, and the search stopped there instead of chasing the
    /// dropout parameters to infinity.
    Limit,
    /// A parameter kept running towards 0 or ∞ while the log-likelihood
    /// gained next to nothing: the optimum is that boundary.
    Runaway,
}

impl StopReason {
    /// In words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Converged => "converged",
            StopReason::Stalled => {
                "the log-likelihood stopped improving before the gradient test was met"
            }
            StopReason::MaxIterations => "the iteration limit was reached",
            StopReason::MaxEvaluations => "the evaluation limit was reached",
            StopReason::Interrupted => "it was stopped (time budget or cancelled)",
            StopReason::Limit => {
                "the log-likelihood reached that of the no-dropout limit (the NBD model)"
            }
            StopReason::Runaway => {
                "a parameter kept running off while the log-likelihood gained less than 0.001"
            }
        }
    }
}

/// How a fit ended, for the caller to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitStatus {
    /// The maximum-likelihood estimate was found.
    Converged,
    /// The likelihood is highest at the edge of the parameter space: see
    /// [`Fitted::boundary`](super::Fitted) for what that means for the data.
    Boundary,
    /// Neither: only returned when [`FitOptions::accept_unconverged`](super::FitOptions)
    /// is set; otherwise the fit is a [`FitError::NotConverged`](super::FitError).
    NotConverged,
}
