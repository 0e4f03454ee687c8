//! BFGS on log-parameters with a weak-Wolfe line search (optionally seeded with
//! the inverse Hessian of an earlier fit), and the numerical Hessian used for
//! standard errors.
//!
//! Every run has a bounded cost: at most `max_iterations` iterations and
//! `max_evaluations` objective evaluations, and it stops early when the value
//! has stopped moving ([`StopReason::Stalled`]), which is what happens when the
//! optimum lies at the boundary of the parameter space (a log-parameter
//! running off to ±∞ with ever smaller gains). After each iteration an
//! observer sees where the search is and may stop it (a time budget, a
//! cancelled job).
//!
//! Hand-written rather than `argmin`: the models have 3–4 parameters, so a
//! dense 4×4 inverse-Hessian update is all that is needed, and it keeps the wasm
//! module free of a generic optimisation framework. Everything is sequential
//! floating point with no randomness, so a fit is bitwise reproducible.

use std::ops::ControlFlow;

use super::monitor::StopReason;
use super::FitOptions;

/// A smooth objective in unconstrained coordinates (log-parameters).
pub(crate) trait Objective {
    /// Number of coordinates.
    fn dim(&self) -> usize;
    /// Value at `theta`, gradient written into `grad`. Returns +∞ (or NaN) where
    /// the objective is undefined; the line search treats that as "too far".
    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64;
}

/// Where the optimiser stopped.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub theta: Vec<f64>,
    pub value: f64,
    /// Gradient at `theta`.
    pub grad: Vec<f64>,
    /// The final inverse-Hessian approximation (to warm-start another run).
    pub inverse_hessian: Vec<Vec<f64>>,
    pub iterations: usize,
    /// Objective evaluations spent (line searches included).
    pub evaluations: usize,
    /// Why the search ended.
    pub stop: StopReason,
}

#[cfg(test)]
impl Outcome {
    /// The gradient test was met.
    pub(crate) fn converged(&self) -> bool {
        self.stop == StopReason::Converged
    }
}

/// Where the search is after one iteration, for the observer.
pub(crate) struct Iterate<'a> {
    pub iteration: usize,
    pub evaluations: usize,
    pub value: f64,
    pub gradient: f64,
    pub theta: &'a [f64],
}

/// Iterations over which the value must fall by more than [`STALL_TOLERANCE`]
/// (relative) for the search to go on once the gradient is small.
const STALL_WINDOW: usize = 10;
/// See [`STALL_WINDOW`]: 1e-11 of the mean negative log-likelihood is far
/// below what any log-likelihood is reported to (0.01 on CDNOW's −9582).
const STALL_TOLERANCE: f64 = 1e-11;
/// The gradient (‖∇‖∞ of the mean) below which a stall ends the search: a
/// search still clearly descending is never stopped as stalled.
const STALL_GRADIENT: f64 = 1e-5;

/// A starting point with its value and gradient already evaluated.
pub(crate) struct Start {
    pub theta: Vec<f64>,
    pub value: f64,
    pub grad: Vec<f64>,
}

impl Start {
    /// Evaluates `obj` at `theta`.
    pub(crate) fn at<O: Objective>(obj: &O, theta: Vec<f64>) -> Self {
        let mut grad = vec![0.0; theta.len()];
        let value = obj.eval(&theta, &mut grad);
        Self { theta, value, grad }
    }

    /// Value and gradient are finite.
    pub(crate) fn is_finite(&self) -> bool {
        self.value.is_finite() && self.grad.iter().all(|g| g.is_finite())
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Largest move of any log-parameter in one step: e^8 ≈ 3000× keeps trial points
/// inside the range where the likelihoods are representable.
const MAX_STEP: f64 = 8.0;

/// Minimises `obj` from `start`. Converged means ‖∇‖∞ ≤ `opts.gradient_tolerance`,
/// or the line search can no longer decrease the value while the gradient is
/// at the rounding-noise level (‖∇‖∞ ≤ 1e-6).
///
/// `inverse_hessian` seeds the quasi-Newton matrix (from a fit of a similar
/// objective, see [`super::run_fit`]); without it the first step rescales the
/// identity by yᵀs/yᵀy. `observe` sees every iteration and may stop the search
/// with the reason it gives.
pub(crate) fn minimize<O: Objective>(
    obj: &O,
    start: Start,
    inverse_hessian: Option<Vec<Vec<f64>>>,
    opts: &FitOptions,
    observe: &mut dyn FnMut(&Iterate<'_>) -> ControlFlow<StopReason>,
) -> Outcome {
    let n = obj.dim();
    let Start {
        mut theta,
        mut value,
        mut grad,
    } = start;
    let mut first = inverse_hessian.is_none();
    let mut h = inverse_hessian.unwrap_or_else(|| identity(n));
    let mut trial = vec![0.0; n];
    let mut trial_grad = vec![0.0; n];
    let mut dir = vec![0.0; n];
    let mut evaluations = 0usize;
    let done = |theta: Vec<f64>, value, grad: Vec<f64>, h, iterations, evaluations, stop| Outcome {
        theta,
        value,
        grad,
        inverse_hessian: h,
        iterations,
        evaluations,
        stop,
    };
    // Values at the start of the last STALL_WINDOW iterations.
    let mut history = [f64::INFINITY; STALL_WINDOW];
    for iter in 0..opts.max_iterations {
        if max_abs(&grad) <= opts.gradient_tolerance {
            return done(
                theta,
                value,
                grad,
                h,
                iter,
                evaluations,
                StopReason::Converged,
            );
        }
        let then = history[iter % STALL_WINDOW];
        history[iter % STALL_WINDOW] = value;
        if iter >= STALL_WINDOW
            && max_abs(&grad) <= STALL_GRADIENT
            && then - value <= STALL_TOLERANCE * value.abs().max(1.0)
        {
            return done(
                theta,
                value,
                grad,
                h,
                iter,
                evaluations,
                StopReason::Stalled,
            );
        }
        if evaluations >= opts.max_evaluations {
            return done(
                theta,
                value,
                grad,
                h,
                iter,
                evaluations,
                StopReason::MaxEvaluations,
            );
        }
        for i in 0..n {
            dir[i] = -dot(&h[i], &grad);
        }
        let mut slope = dot(&dir, &grad);
        // NaN counts as "not a descent direction" too.
        if slope.is_nan() || slope >= 0.0 {
            // Lost positive definiteness through rounding: restart from steepest descent.
            h = identity(n);
            for i in 0..n {
                dir[i] = -grad[i];
            }
            slope = dot(&dir, &grad);
        }
        let longest = max_abs(&dir);
        let mut step = if longest > MAX_STEP {
            MAX_STEP / longest
        } else {
            1.0
        };
        // Weak Wolfe by bisection/doubling (Lewis & Overton): guarantees yᵀs > 0.
        let (c1, c2) = (1e-4, 0.9);
        let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
        // (step, value) of the last point with sufficient decrease, and whether
        // `trial`/`trial_grad` currently hold it.
        let mut accepted: Option<(f64, f64)> = None;
        let mut trial_holds_accepted = false;
        for _ in 0..60 {
            for i in 0..n {
                trial[i] = theta[i] + step * dir[i];
            }
            evaluations += 1;
            let v = obj.eval(&trial, &mut trial_grad);
            if !(v.is_finite() && v <= value + c1 * step * slope) {
                hi = step;
                trial_holds_accepted = false;
            } else if dot(&trial_grad, &dir) < c2 * slope {
                lo = step;
                accepted = Some((step, v));
                trial_holds_accepted = true;
            } else {
                accepted = Some((step, v));
                trial_holds_accepted = true;
                break;
            }
            step = if hi.is_finite() {
                0.5 * (lo + hi)
            } else {
                2.0 * lo
            };
            if hi.is_finite() && hi - lo <= 1e-14 * lo.max(1e-10) {
                break;
            }
        }
        let Some((step_ok, v_new)) = accepted else {
            // No decrease possible: we sit on the optimum to rounding precision,
            // or the problem is degenerate.
            let stop = if max_abs(&grad) <= 1e-6 {
                StopReason::Converged
            } else {
                StopReason::Stalled
            };
            return done(theta, value, grad, h, iter, evaluations, stop);
        };
        if !trial_holds_accepted {
            for i in 0..n {
                trial[i] = theta[i] + step_ok * dir[i];
            }
            evaluations += 1;
            obj.eval(&trial, &mut trial_grad);
        }
        let s: Vec<f64> = trial.iter().zip(&theta).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = trial_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let improvement = value - v_new;
        theta.copy_from_slice(&trial);
        grad.copy_from_slice(&trial_grad);
        value = v_new;
        if sy > 1e-300 {
            if first {
                let yy = dot(&y, &y);
                if yy > 0.0 {
                    h = identity(n);
                    for (i, row) in h.iter_mut().enumerate() {
                        row[i] = sy / yy;
                    }
                }
                first = false;
            }
            bfgs_update(&mut h, &s, &y, sy);
        }
        if improvement <= 0.0 && max_abs(&grad) <= 1e-6 {
            return done(
                theta,
                value,
                grad,
                h,
                iter + 1,
                evaluations,
                StopReason::Converged,
            );
        }
        let seen = Iterate {
            iteration: iter + 1,
            evaluations,
            value,
            gradient: max_abs(&grad),
            theta: &theta,
        };
        if let ControlFlow::Break(reason) = observe(&seen) {
            return done(theta, value, grad, h, iter + 1, evaluations, reason);
        }
    }
    let stop = if max_abs(&grad) <= opts.gradient_tolerance {
        StopReason::Converged
    } else {
        StopReason::MaxIterations
    };
    done(
        theta,
        value,
        grad,
        h,
        opts.max_iterations,
        evaluations,
        stop,
    )
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(yᵀs).
fn bfgs_update(h: &mut [Vec<f64>], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n).map(|i| dot(&h[i], y)).collect();
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            h[i][j] += rho * ((1.0 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
        }
    }
}

/// Hessian from forward differences of the analytic gradient, symmetrised.
/// `grad` is the gradient at `theta` (known at the optimum), so this costs one
/// evaluation per coordinate; the O(step) error, ~1e-5 relative, is far below
/// what standard errors are reported to.
pub(crate) fn hessian<O: Objective>(obj: &O, theta: &[f64], grad: &[f64]) -> Vec<Vec<f64>> {
    let n = theta.len();
    let mut h = vec![vec![0.0; n]; n];
    let mut plus = vec![0.0; n];
    let mut point = theta.to_vec();
    for j in 0..n {
        let step = 1e-5 * (1.0 + theta[j].abs());
        point[j] = theta[j] + step;
        // The difference actually taken, exact in floating point.
        let dt = point[j] - theta[j];
        obj.eval(&point, &mut plus);
        point[j] = theta[j];
        for (row, (p, g)) in h.iter_mut().zip(plus.iter().zip(grad)) {
            row[j] = (p - g) / dt;
        }
    }
    // Index loops: each step touches both triangles, h[i][j] and h[j][i].
    #[allow(clippy::needless_range_loop)]
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (h[i][j] + h[j][i]);
            h[i][j] = m;
            h[j][i] = m;
        }
    }
    h
}

/// Diagonal of the inverse of a symmetric positive-definite matrix (Cholesky);
/// None when it is not positive definite (a flat or saddle optimum).
pub(crate) fn inverse_diagonal(m: &[Vec<f64>]) -> Option<Vec<f64>> {
    let n = m.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = m[i][i] - s;
                if d.is_nan() || d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (m[i][j] - s) / l[j][j];
            }
        }
    }
    // diag(M⁻¹)_k = Σ_i (L⁻¹)_{ik}²; solve L u = e_k column by column.
    let mut diag = vec![0.0; n];
    for (k, d) in diag.iter_mut().enumerate() {
        let mut u = vec![0.0; n];
        for i in k..n {
            let rhs = if i == k { 1.0 } else { 0.0 };
            let s: f64 = (k..i).map(|j| l[i][j] * u[j]).sum();
            u[i] = (rhs - s) / l[i][i];
        }
        *d = u.iter().map(|v| v * v).sum();
    }
    Some(diag)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock: the classic curved valley.
    struct Rosen;
    impl Objective for Rosen {
        fn dim(&self) -> usize {
            2
        }
        fn eval(&self, t: &[f64], g: &mut [f64]) -> f64 {
            let (x, y) = (t[0], t[1]);
            g[0] = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
            g[1] = 200.0 * (y - x * x);
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        }
    }

    #[test]
    fn minimizes_rosenbrock() {
        let start = Start::at(&Rosen, vec![-1.2, 1.0]);
        let out = minimize(&Rosen, start, None, &FitOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        });
        assert!(out.converged());
        assert!(
            (out.theta[0] - 1.0).abs() < 1e-6 && (out.theta[1] - 1.0).abs() < 1e-6,
            "{:?}",
            out.theta
        );
    }

    #[test]
    fn inverse_diagonal_of_known_matrix() {
        let m = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        // inverse = 1/8 [[3, -2], [-2, 4]]
        let d = inverse_diagonal(&m).unwrap();
        assert!((d[0] - 3.0 / 8.0).abs() < 1e-15 && (d[1] - 0.5).abs() < 1e-15);
        assert!(inverse_diagonal(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
        let h = hessian(&Rosen, &[1.0, 1.0], &[0.0, 0.0]);
        assert!((h[0][0] - 802.0).abs() < 0.05 && (h[0][1] + 400.0).abs() < 0.05);
    }
}
