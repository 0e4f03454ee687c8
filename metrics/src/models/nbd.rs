//! The NBD model (Ehrenberg 1959): customers buy at Poisson rate λ ~ Gamma(r, α)
//! for ever. It is the no-dropout limit of BG/NBD (a → 0), MBG/NBD and
//! Pareto/NBD (s/β → 0): their likelihoods tend to
//!
//! L = Γ(r+x) α^r / Γ(r) · (α+T)^−(r+x),
//!
//! with the same constants, so its maximised log-likelihood is the value a
//! fit heading for that boundary is climbing towards. The fits use it to stop
//! there instead of chasing a parameter to infinity (where Pareto/NBD's
//! hypergeometric series get ever longer).

use super::optimize::{minimize, Objective, Start};
use super::{weighted_mean, FitOptions, Patterns};
use crate::special::{digamma, ln_gamma};

/// Σ w·ln L over the patterns and its gradient in (r, α).
fn accumulate(r: f64, alpha: f64, pat: &Patterns, grad: &mut [f64; 2]) -> f64 {
    let (lg_r, psi_r, ln_alpha) = (ln_gamma(r), digamma(r), alpha.ln());
    let mut total = 0.0;
    for &(start, end) in &pat.x_runs {
        let x = pat.x[start];
        let rx = r + x;
        let c = ln_gamma(rx) - lg_r + r * ln_alpha;
        let dc_r = digamma(rx) - psi_r + ln_alpha;
        let (mut w, mut l, mut inv) = (0.0, 0.0, 0.0);
        for i in start..end {
            let at = alpha + pat.t[i];
            let wi = pat.weight[i];
            w += wi;
            l += wi * at.ln();
            inv += wi / at;
        }
        total += w * c - rx * l;
        grad[0] += w * dc_r - l;
        grad[1] += w * r / alpha - rx * inv;
    }
    total
}

struct Nll<'a> {
    patterns: &'a Patterns,
}

impl Objective for Nll<'_> {
    fn dim(&self) -> usize {
        2
    }

    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (r, alpha) = (theta[0].exp(), theta[1].exp());
        if !(r.is_finite() && alpha.is_finite() && r > 0.0 && alpha > 0.0) {
            return f64::INFINITY;
        }
        let mut g = [0.0; 2];
        let ll = accumulate(r, alpha, self.patterns, &mut g);
        let n = self.patterns.total_weight;
        grad[0] = -g[0] * r / n;
        grad[1] = -g[1] * alpha / n;
        -ll / n
    }
}

/// The NBD model's maximised log-likelihood on `patterns` (None if the fit
/// fails to converge, which then leaves the caller without a limit to compare).
pub(crate) fn max_log_likelihood(patterns: &Patterns) -> Option<f64> {
    if patterns.is_empty() {
        return None;
    }
    let mean_x = weighted_mean(&patterns.x, &patterns.weight).max(0.05);
    let mean_t = weighted_mean(&patterns.t, &patterns.weight);
    let obj = Nll { patterns };
    let start = Start::at(&obj, vec![0.0, (mean_t / mean_x).ln()]);
    if !start.is_finite() {
        return None;
    }
    let out = minimize(&obj, start, None, &FitOptions::default(), &mut |_| {
        std::ops::ControlFlow::Continue(())
    });
    let ll = -out.value * patterns.total_weight;
    (out.stop == super::StopReason::Converged && ll.is_finite()).then_some(ll)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::bgnbd::BgNbd;
    use crate::models::FitInput;

    #[test]
    fn is_the_no_dropout_limit_of_bgnbd() {
        let input = FitInput::from_rows([
            (0.0, 0.0, 30.0),
            (2.0, 10.0, 30.0),
            (7.0, 29.0, 31.0),
            (1.0, 0.5, 12.0),
        ])
        .expect("valid");
        let pat = input.patterns();
        let mut g = [0.0; 2];
        let nbd = accumulate(0.7, 5.0, &pat, &mut g);
        let bg = BgNbd::new(0.7, 5.0, 1e-12, 1.0)
            .and_then(|p| p.log_likelihood(&input))
            .expect("finite");
        assert!((nbd - bg).abs() < 1e-9, "{nbd} vs {bg}");
    }

    #[test]
    fn gradient_matches_finite_differences_and_fit_is_a_maximum() {
        let input = FitInput::from_rows([
            (0.0, 0.0, 30.0),
            (2.0, 10.0, 30.0),
            (7.0, 29.0, 31.0),
            (1.0, 0.5, 12.0),
        ])
        .expect("valid");
        let pat = input.patterns();
        let obj = Nll { patterns: &pat };
        let theta = [-0.3, 1.7];
        let mut g = [0.0; 2];
        obj.eval(&theta, &mut g);
        for i in 0..2 {
            let (mut tp, mut tm) = (theta, theta);
            tp[i] += 1e-6;
            tm[i] -= 1e-6;
            let mut s = [0.0; 2];
            let fd = (obj.eval(&tp, &mut s) - obj.eval(&tm, &mut s)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-7, "component {i}: {fd} vs {}", g[i]);
        }
        let best = max_log_likelihood(&pat).expect("converges");
        let mut s = [0.0; 2];
        for theta in [[0.0, 2.0], [-1.0, 1.0], [0.5, 3.0]] {
            let ll = -obj.eval(&theta, &mut s) * pat.total_weight;
            assert!(ll <= best + 1e-9, "{ll} > {best}");
        }
    }
}
