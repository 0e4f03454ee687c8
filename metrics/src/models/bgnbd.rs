//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
//!
//! While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each
//! repeat purchase they drop out with probability p ~ Beta(a, b). For a customer
//! (x, t_x, T) the likelihood is
//!
//! L = Γ(r+x) α^r / Γ(r) · B(a, b+x)/B(a, b) ·
//!     [ (α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x) ],
//!
//! evaluated in logs with log-sum-exp (the bracket's two terms overflow separately
//! for heavy buyers; x = 200 still comes out exact).

use serde::{Deserialize, Serialize};

use super::error::{check_customer, check_horizon, check_params};
use super::optimize::Objective;
use super::{bg_future, run_fit, weighted_mean, FitError, FitInput, FitOptions, Fitted, Patterns};
use crate::special::{digamma, ln_gamma};

const MODEL: &str = "bgnbd";

/// BG/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    /// Shape of the purchase-rate Gamma.
    pub r: f64,
    /// Rate (inverse time scale) of the purchase-rate Gamma.
    pub alpha: f64,
    /// Dropout Beta's first shape.
    pub a: f64,
    /// Dropout Beta's second shape.
    pub b: f64,
}

impl BgNbd {
    /// Validated parameters (all positive and finite).
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, FitError> {
        let p = Self { r, alpha, a, b };
        p.check()?;
        Ok(p)
    }

    pub(crate) fn check(&self) -> Result<(), FitError> {
        check_params(
            MODEL,
            &[
                ("r", self.r),
                ("alpha", self.alpha),
                ("a", self.a),
                ("b", self.b),
            ],
        )
    }

    /// ln L of one customer.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_customer(MODEL, x, t_x, t)?;
        let patterns = FitInput::from_rows([(x, t_x, t)])?.patterns();
        let mut g = [0.0; 4];
        Ok(accumulate(Variant::Bg, self, &patterns, &mut g))
    }

    /// Total ln L over `input` (weights applied).
    pub fn log_likelihood(&self, input: &FitInput) -> Result<f64, FitError> {
        self.check()?;
        input.validate()?;
        let mut g = [0.0; 4];
        Ok(accumulate(Variant::Bg, self, &input.patterns(), &mut g))
    }

    /// P(alive at T | x, t_x, T).
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_customer(MODEL, x, t_x, t)?;
        if x == 0.0 {
            return Ok(1.0);
        }
        let ln_odds = self.a.ln() - (self.b + x - 1.0).ln()
            + (self.r + x) * ((self.alpha + t) / (self.alpha + t_x)).ln();
        Ok(1.0 / (1.0 + ln_odds.exp()))
    }

    /// E[X(t)]: expected repeat purchases of a new customer in (0, t].
    pub fn expected_purchases(&self, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_horizon(MODEL, t)?;
        bg_future::expected(self.r, self.alpha, self.a, self.b, t)
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of a customer with
    /// history (x, t_x, T).
    pub fn conditional_expected_purchases(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        age: f64,
    ) -> Result<f64, FitError> {
        check_horizon(MODEL, t)?;
        let alive = self.p_alive(x, t_x, age)?;
        let e = bg_future::expected(self.r + x, self.alpha + age, self.a, self.b + x, t)?;
        Ok(alive * e)
    }
}

/// Which member of the BG family a likelihood evaluation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// BG/NBD: dropout only after a repeat purchase.
    Bg,
    /// MBG/NBD: dropout also possible right after the first purchase.
    Mbg,
}

/// Σ w·ln L over the patterns; adds ∂/∂(r, α, a, b) of it into `grad`.
///
/// Both variants share the shape
/// ln L = K(x) + ln[(α+T)^−(r+x) + [x>0 or MBG] · a/(b+x−k) · (α+t_x)^−(r+x)],
/// K(x) = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1−k) − ln B(a, b),
/// with k = 1 for BG/NBD and k = 0 for MBG/NBD.
pub(crate) fn accumulate(variant: Variant, p: &BgNbd, pat: &Patterns, grad: &mut [f64; 4]) -> f64 {
    let BgNbd { r, alpha, a, b } = *p;
    let shift = match variant {
        Variant::Bg => 0.0,
        Variant::Mbg => 1.0,
    };
    let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
    let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
    let (psi_r, psi_b, psi_ab) = (digamma(r), digamma(b), digamma(a + b));
    // ln(α + t) and 1/(α + t) once per distinct time when patterns share times
    // (recorded data: days); with mostly unique times the table's random
    // gathers cost more than the logarithms, so compute them in place.
    let shared = pat.times.len() * 4 <= pat.len();
    let (ln_at, inv_at): (Vec<f64>, Vec<f64>) = if shared {
        pat.times
            .iter()
            .map(|&t| ((alpha + t).ln(), 1.0 / (alpha + t)))
            .unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    let at = |i: usize, t: f64| -> (f64, f64) {
        if shared {
            (ln_at[i], inv_at[i])
        } else {
            ((alpha + t).ln(), 1.0 / (alpha + t))
        }
    };
    let mut total = 0.0;
    for &(start, end) in &pat.x_runs {
        let x = pat.x[start];
        let rx = r + x;
        let (bx, abx) = (b + x + shift, a + b + x + shift);
        // Terms that depend on x only.
        let c = ln_gamma(rx) - lg_r + r * ln_alpha + lg_ab + ln_gamma(bx) - lg_b - ln_gamma(abx);
        let dc_r = digamma(rx) - psi_r + ln_alpha;
        let dc_a = psi_ab - digamma(abx);
        let dc_b = psi_ab + digamma(bx) - psi_b - digamma(abx);
        let (mut sw, mut s_ll, mut s_r, mut s_al, mut s_p) = (0.0, 0.0, 0.0, 0.0, 0.0);
        if x > 0.0 || variant == Variant::Mbg {
            // a/(b+x−1) for BG, a/(b+x) for MBG: bx − 1 either way.
            let denom = bx - 1.0;
            let ln_ratio = ln_a - denom.ln();
            for i in start..end {
                let w = pat.weight[i];
                let (l_t, inv_t) = at(pat.t_idx[i] as usize, pat.t[i]);
                let (l_tx, inv_tx) = at(pat.t_x_idx[i] as usize, pat.t_x[i]);
                // d = ln(second term) − ln(first term) of the bracket.
                let d = ln_ratio + rx * (l_t - l_tx);
                let (lse, q) = if d > 0.0 {
                    let e = (-d).exp();
                    (d + e.ln_1p(), 1.0 / (1.0 + e))
                } else {
                    let e = d.exp();
                    (e.ln_1p(), e / (1.0 + e))
                };
                sw += w;
                s_ll += w * (lse - rx * l_t);
                s_r -= w * ((1.0 - q) * l_t + q * l_tx);
                s_al -= w * rx * ((1.0 - q) * inv_t + q * inv_tx);
                s_p += w * q;
            }
            grad[2] += s_p / a;
            grad[3] -= s_p / denom;
        } else {
            for i in start..end {
                let w = pat.weight[i];
                let (l_t, inv_t) = at(pat.t_idx[i] as usize, pat.t[i]);
                sw += w;
                s_ll -= w * rx * l_t;
                s_r -= w * l_t;
                s_al -= w * rx * inv_t;
            }
        }
        total += sw * c + s_ll;
        grad[0] += sw * dc_r + s_r;
        grad[1] += sw * r / alpha + s_al;
        grad[2] += sw * dc_a;
        grad[3] += sw * dc_b;
    }
    total
}

pub(crate) struct Nll<'a> {
    pub(crate) variant: Variant,
    pub(crate) patterns: &'a Patterns,
}

impl Objective for Nll<'_> {
    fn dim(&self) -> usize {
        4
    }

    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let p = BgNbd {
            r: theta[0].exp(),
            alpha: theta[1].exp(),
            a: theta[2].exp(),
            b: theta[3].exp(),
        };
        if p.check().is_err() {
            return f64::INFINITY;
        }
        let mut g = [0.0; 4];
        let ll = accumulate(self.variant, &p, self.patterns, &mut g);
        let n = self.patterns.total_weight;
        let scale = [p.r, p.alpha, p.a, p.b];
        for i in 0..4 {
            grad[i] = -g[i] * scale[i] / n;
        }
        -ll / n
    }
}

/// Deterministic start: r = 1, α from the mean purchase rate, a = b = 1.
pub(crate) fn start(patterns: &Patterns) -> [f64; 4] {
    // From the sorted patterns, so row order cannot change a single bit.
    let mean_x = weighted_mean(&patterns.x, &patterns.weight).max(0.05);
    let mean_t = weighted_mean(&patterns.t, &patterns.weight);
    [1.0, mean_t / mean_x, 1.0, 1.0]
}

/// Fits BG/NBD by maximum likelihood.
pub fn fit(input: &FitInput, opts: &FitOptions) -> Result<Fitted<BgNbd>, FitError> {
    input.validate()?;
    let patterns = input.patterns();
    fit_patterns(&patterns, start(&patterns), opts)
}

/// Fits on already-compressed patterns from a given start.
pub fn fit_patterns(
    patterns: &Patterns,
    start: [f64; 4],
    opts: &FitOptions,
) -> Result<Fitted<BgNbd>, FitError> {
    let obj = Nll {
        variant: Variant::Bg,
        patterns,
    };
    let raw = run_fit(MODEL, &obj, &start, patterns.total_weight, opts)?;
    let to = |v: &[f64]| BgNbd {
        r: v[0],
        alpha: v[1],
        a: v[2],
        b: v[3],
    };
    Ok(Fitted {
        model: MODEL.to_string(),
        params: to(&raw.params),
        log_likelihood: raw.log_likelihood,
        iterations: raw.iterations,
        converged: raw.converged,
        std_errors: raw.std_errors.as_deref().map(to),
        customers: patterns.total_weight,
        patterns: patterns.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let input = FitInput::from_rows([
            (0.0, 0.0, 30.0),
            (2.0, 10.0, 30.0),
            (7.0, 29.0, 31.0),
            (1.0, 0.5, 12.0),
        ])
        .unwrap();
        let pat = input.patterns();
        let obj = Nll {
            variant: Variant::Bg,
            patterns: &pat,
        };
        let theta = [(-0.7f64), 1.3, (-0.2), 0.9];
        let mut g = [0.0; 4];
        obj.eval(&theta, &mut g);
        for i in 0..4 {
            let mut tp = theta;
            let mut tm = theta;
            tp[i] += 1e-6;
            tm[i] -= 1e-6;
            let mut scratch = [0.0; 4];
            let fd = (obj.eval(&tp, &mut scratch) - obj.eval(&tm, &mut scratch)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-7, "component {i}: {fd} vs {}", g[i]);
        }
    }

    #[test]
    fn single_customer_matches_direct_formula() {
        let p = BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap();
        let (x, t_x, t): (f64, f64, f64) = (3.0, 20.0, 35.0);
        let (r, al, a, b) = (p.r, p.alpha, p.a, p.b);
        let beta = |u: f64, v: f64| (ln_gamma(u) + ln_gamma(v) - ln_gamma(u + v)).exp();
        let g = (ln_gamma(r + x) - ln_gamma(r)).exp() * al.powf(r);
        let l = g * beta(a, b + x) / beta(a, b) / (al + t).powf(r + x)
            + g * beta(a + 1.0, b + x - 1.0) / beta(a, b) / (al + t_x).powf(r + x);
        let got = p.log_likelihood_one(x, t_x, t).unwrap();
        assert!((got - l.ln()).abs() < 1e-12, "{got} vs {}", l.ln());
    }
}
