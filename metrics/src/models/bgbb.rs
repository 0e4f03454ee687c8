//! BG/BB (Fader, Hardie & Shang 2010): discrete-time, "one chance per period"
//! transactions. While alive a customer transacts in a period with probability
//! p ~ Beta(α, β) and dies at the start of a period with probability
//! θ ~ Beta(γ, δ). Data: x transactions in n periods, the last in period t_x.
//!
//! L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//!   + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ),
//!
//! summed in logs. The input is a [`FitInput`] with T = n periods; x, t_x and n
//! must be integers with x ≤ t_x ≤ n (t_x = 0 when x = 0).

use serde::{Deserialize, Serialize};

use super::error::check_params;
use super::optimize::Objective;
use super::{run_fit, FitError, FitInput, FitOptions, Fitted, InputError, Patterns};
use crate::special::{digamma, ln_beta, ln_gamma};

const MODEL: &str = "bgbb";
const NAMES: &[&str] = &["alpha", "beta", "gamma", "delta"];

/// BG/BB parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgBb {
    /// Transaction-probability Beta's first shape.
    pub alpha: f64,
    /// Transaction-probability Beta's second shape.
    pub beta: f64,
    /// Dropout-probability Beta's first shape.
    pub gamma: f64,
    /// Dropout-probability Beta's second shape.
    pub delta: f64,
}

/// Checks the discrete-time rules on top of [`FitInput::validate`].
pub fn validate_discrete(input: &FitInput) -> Result<(), InputError> {
    input.validate()?;
    for row in 0..input.len() {
        let (x, t_x, n) = (input.x[row], input.t_x[row], input.t[row]);
        for (field, value) in [("t_x", t_x), ("T", n)] {
            if value != value.floor() {
                return Err(InputError::OutOfRange {
                    row,
                    field,
                    value,
                    why: "must be a whole number of periods",
                });
            }
        }
        if x > t_x {
            return Err(InputError::OutOfRange {
                row,
                field: "x",
                value: x,
                why: "cannot exceed t_x (at most one transaction per period)",
            });
        }
    }
    Ok(())
}

/// ln B(u, v) and its partial derivatives.
fn ln_beta_d(u: f64, v: f64) -> (f64, f64, f64) {
    let psi_uv = digamma(u + v);
    (ln_beta(u, v), digamma(u) - psi_uv, digamma(v) - psi_uv)
}

impl BgBb {
    /// Validated parameters (all positive and finite).
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self, FitError> {
        let p = Self {
            alpha,
            beta,
            gamma,
            delta,
        };
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), FitError> {
        check_params(
            MODEL,
            &[
                ("alpha", self.alpha),
                ("beta", self.beta),
                ("gamma", self.gamma),
                ("delta", self.delta),
            ],
        )
    }

    fn check_customer(x: f64, t_x: f64, n: f64) -> Result<(), FitError> {
        validate_discrete(&FitInput::from_rows([(x, t_x, n)])?)?;
        Ok(())
    }

    /// ln L of one customer and its gradient in (α, β, γ, δ).
    fn one(&self, x: f64, t_x: f64, n: f64) -> (f64, [f64; 4]) {
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        let (lb_ab, da0, db0) = ln_beta_d(alpha, beta);
        let (lb_gd, dg0, dd0) = ln_beta_d(gamma, delta);
        let mut terms: Vec<(f64, [f64; 4])> = Vec::with_capacity((n - t_x) as usize + 1);
        let (l1, a1, b1) = ln_beta_d(alpha + x, beta + n - x);
        let (l2, g2, d2) = ln_beta_d(gamma, delta + n);
        terms.push((
            l1 - lb_ab + l2 - lb_gd,
            [a1 - da0, b1 - db0, g2 - dg0, d2 - dd0],
        ));
        let k = (n - t_x) as usize;
        for i in 0..k {
            let i = i as f64;
            let (l1, a1, b1) = ln_beta_d(alpha + x, beta + t_x - x + i);
            let (l2, g2, d2) = ln_beta_d(gamma + 1.0, delta + t_x + i);
            terms.push((
                l1 - lb_ab + l2 - lb_gd,
                [a1 - da0, b1 - db0, g2 - dg0, d2 - dd0],
            ));
        }
        let max = terms.iter().fold(f64::NEG_INFINITY, |m, t| m.max(t.0));
        let sum: f64 = terms.iter().map(|t| (t.0 - max).exp()).sum();
        let ll = max + sum.ln();
        let mut g = [0.0; 4];
        for (l, d) in &terms {
            let w = (l - ll).exp();
            for j in 0..4 {
                g[j] += w * d[j];
            }
        }
        (ll, g)
    }

    /// ln L of one customer.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, n: f64) -> Result<f64, FitError> {
        self.check()?;
        Self::check_customer(x, t_x, n)?;
        Ok(self.one(x, t_x, n).0)
    }

    /// Total ln L over `input` (weights applied).
    pub fn log_likelihood(&self, input: &FitInput) -> Result<f64, FitError> {
        self.check()?;
        validate_discrete(input)?;
        Ok(accumulate(self, &input.patterns(), &mut [0.0; 4]))
    }

    /// P(alive at the start of period n + 1 | x, t_x, n).
    pub fn p_alive(&self, x: f64, t_x: f64, n: f64) -> Result<f64, FitError> {
        self.check()?;
        Self::check_customer(x, t_x, n)?;
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        let ln_num = ln_beta(alpha + x, beta + n - x) - ln_beta(alpha, beta)
            + ln_beta(gamma, delta + n + 1.0)
            - ln_beta(gamma, delta);
        Ok((ln_num - self.one(x, t_x, n).0).exp().min(1.0))
    }

    /// ln of δ·Γ(γ+δ)/Γ(1+δ) · (g(n) − g(n+k))/(γ−1) with
    /// g(m) = Γ(1+δ+m)/Γ(γ+δ+m): the expected number of periods n+1..=n+k a
    /// customer alive at n survives, up to the B-function normalisation. All in
    /// logs (Γ(γ+δ) alone overflows for γ in the hundreds); continuous through
    /// γ = 1, where the difference quotient becomes a difference of ψ. `-inf` for k = 0.
    fn ln_survival_sum(&self, n: f64, k: f64) -> f64 {
        let BgBb { gamma, delta, .. } = *self;
        let lead = delta.ln() + ln_gamma(gamma + delta) - ln_gamma(1.0 + delta);
        let ln_g = |m: f64| ln_gamma(1.0 + delta + m) - ln_gamma(gamma + delta + m);
        if (gamma - 1.0).abs() < 1e-6 {
            // g(m) ≈ 1 − (γ−1)ψ(1+δ+m) near γ = 1.
            return lead + (digamma(1.0 + delta + n + k) - digamma(1.0 + delta + n)).ln();
        }
        let (a, b) = (ln_g(n), ln_g(n + k));
        // (e^a − e^b)/(γ−1) = e^b·expm1(a − b)/(γ−1) > 0 for either side of γ = 1.
        lead + b + ((a - b).exp_m1() / (gamma - 1.0)).ln()
    }

    /// E[X(n)]: expected transactions of a new customer in periods 1..=n.
    pub fn expected_transactions(&self, n: f64) -> Result<f64, FitError> {
        self.check()?;
        if !(n.is_finite() && n >= 0.0 && n == n.floor()) {
            return Err(FitError::Argument {
                model: MODEL,
                name: "n",
                value: n,
                why: "must be a whole number ≥ 0",
            });
        }
        Ok(self.alpha / (self.alpha + self.beta) * self.ln_survival_sum(0.0, n).exp())
    }

    /// E[transactions in periods n+1 ..= n+k | x, t_x, n].
    pub fn conditional_expected_transactions(
        &self,
        k: f64,
        x: f64,
        t_x: f64,
        n: f64,
    ) -> Result<f64, FitError> {
        self.check()?;
        Self::check_customer(x, t_x, n)?;
        if !(k.is_finite() && k >= 0.0 && k == k.floor()) {
            return Err(FitError::Argument {
                model: MODEL,
                name: "k",
                value: k,
                why: "must be a whole number ≥ 0",
            });
        }
        let BgBb { alpha, beta, .. } = *self;
        let ln_l = self.one(x, t_x, n).0;
        let ln_lead = ln_beta(alpha + x + 1.0, beta + n - x) - ln_beta(alpha, beta) - ln_l;
        let v = (ln_lead + self.ln_survival_sum(n, k)).exp();
        if v.is_finite() {
            Ok(v.max(0.0))
        } else {
            Err(FitError::NonFinite {
                model: MODEL,
                what: "expected transactions",
            })
        }
    }
}

fn accumulate(p: &BgBb, pat: &Patterns, grad: &mut [f64; 4]) -> f64 {
    let mut total = 0.0;
    for i in 0..pat.len() {
        let w = pat.weight[i];
        let (ll, g) = p.one(pat.x[i], pat.t_x[i], pat.t[i]);
        total += w * ll;
        for j in 0..4 {
            grad[j] += w * g[j];
        }
    }
    total
}

struct Nll<'a> {
    patterns: &'a Patterns,
}

impl Objective for Nll<'_> {
    fn dim(&self) -> usize {
        4
    }

    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let p = BgBb {
            alpha: theta[0].exp(),
            beta: theta[1].exp(),
            gamma: theta[2].exp(),
            delta: theta[3].exp(),
        };
        if p.check().is_err() {
            return f64::INFINITY;
        }
        let mut g = [0.0; 4];
        let ll = accumulate(&p, self.patterns, &mut g);
        let n = self.patterns.total_weight;
        let scale = [p.alpha, p.beta, p.gamma, p.delta];
        for i in 0..4 {
            grad[i] = -g[i] * scale[i] / n;
        }
        -ll / n
    }
}

/// Fits BG/BB by maximum likelihood from the start (1, 1, 1, 1).
pub fn fit(input: &FitInput, opts: &FitOptions) -> Result<Fitted<BgBb>, FitError> {
    validate_discrete(input)?;
    let patterns = input.fit_patterns()?;
    let obj = Nll {
        patterns: &patterns,
    };
    let raw = run_fit(MODEL, NAMES, &obj, &[1.0; 4], patterns.total_weight, opts)?;
    let to = |v: &[f64]| BgBb {
        alpha: v[0],
        beta: v[1],
        gamma: v[2],
        delta: v[3],
    };
    raw.into_fitted(MODEL, to, patterns.customers(), patterns.len(), opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The likelihood is the probability of one 0/1 purchase sequence, so summed
    /// over every sequence of n periods it must give exactly 1.
    #[test]
    fn probabilities_over_all_histories_sum_to_one() {
        // Σ over all (x, t_x) of P(x, t_x | n) times the number of sequences with
        // that (x, t_x) must be 1: sequences with x ones, last at t_x, number
        // C(t_x − 1, x − 1) (C(0,0)=1 for x = 0).
        let p = BgBb::new(1.2, 0.75, 0.66, 2.8).unwrap();
        let n = 5.0;
        let choose =
            |a: f64, b: f64| (ln_gamma(a + 1.0) - ln_gamma(b + 1.0) - ln_gamma(a - b + 1.0)).exp();
        let mut total = p.log_likelihood_one(0.0, 0.0, n).unwrap().exp();
        for t_x in 1..=5 {
            for x in 1..=t_x {
                let (x, t_x) = (x as f64, t_x as f64);
                total +=
                    choose(t_x - 1.0, x - 1.0) * p.log_likelihood_one(x, t_x, n).unwrap().exp();
            }
        }
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }

    #[test]
    fn expected_transactions_continuous_through_gamma_one() {
        let at = BgBb::new(1.2, 0.75, 1.0, 2.8)
            .unwrap()
            .expected_transactions(10.0)
            .unwrap();
        let lo = BgBb::new(1.2, 0.75, 1.0 - 1e-4, 2.8)
            .unwrap()
            .expected_transactions(10.0)
            .unwrap();
        let hi = BgBb::new(1.2, 0.75, 1.0 + 1e-4, 2.8)
            .unwrap()
            .expected_transactions(10.0)
            .unwrap();
        assert!((at - 0.5 * (lo + hi)).abs() < 1e-6 * at, "{lo} {at} {hi}");
    }

    #[test]
    fn expected_transactions_by_simulation_identity() {
        // E[X(n)] = Σ_{t=1}^{n} P(alive in t) · E[p]; P(alive in t) = E[(1−θ)^t]
        // = B(γ, δ+t)/B(γ, δ).
        let p = BgBb::new(1.2, 0.75, 0.66, 2.8).unwrap();
        let mut want = 0.0;
        for t in 1..=7 {
            want += (ln_beta(p.gamma, p.delta + t as f64) - ln_beta(p.gamma, p.delta)).exp();
        }
        want *= p.alpha / (p.alpha + p.beta);
        let got = p.expected_transactions(7.0).unwrap();
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let input = FitInput::from_rows([
            (0.0, 0.0, 6.0),
            (2.0, 4.0, 6.0),
            (6.0, 6.0, 6.0),
            (1.0, 1.0, 6.0),
        ])
        .unwrap();
        let pat = input.patterns();
        let obj = Nll { patterns: &pat };
        let theta = [0.2f64, -0.3, -0.4, 1.0];
        let mut g = [0.0; 4];
        obj.eval(&theta, &mut g);
        for i in 0..4 {
            let (mut tp, mut tm) = (theta, theta);
            tp[i] += 1e-6;
            tm[i] -= 1e-6;
            let mut s = [0.0; 4];
            let fd = (obj.eval(&tp, &mut s) - obj.eval(&tm, &mut s)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-7, "component {i}: {fd} vs {}", g[i]);
        }
    }
}
