//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987), likelihood as in Fader &
//! Hardie's note "Deriving an expression for P(X(t) = x) under the Pareto/NBD".
//!
//! Purchases at rate λ ~ Gamma(r, α) while alive; lifetime exponential with rate
//! μ ~ Gamma(s, β). With m = r + s + x and A_t = (α+t)^−(r+x) (β+t)^−s,
//!
//! L = Γ(r+x) α^r β^s / Γ(r) · [ A_T + s · ∫_{t_x}^{T} (α+y)^−(r+x) (β+y)^−(s+1) dy ].
//!
//! The tail integral is s·∫_t^∞ … = (s/m) · A_t · H(t), where H comes from the
//! Euler-transformed Gauss hypergeometric (see [`crate::special::hyp2f1_1pq`]):
//!
//! * α ≥ β: H = 2F1(1, r+x; m+1; (α−β)/(α+t)),
//! * α < β: H = (α+t)/(β+t) · 2F1(1, s+1; m+1; (β−α)/(β+t)),
//!
//! both series of positive terms with ratio below z < 1. Then
//! L ∝ A_T (1 − (s/m) H(T)) + (s/m) A_{t_x} H(t_x), summed with log-sum-exp;
//! the first term is "alive at T", so P(alive) falls out of the same numbers.

use serde::{Deserialize, Serialize};

use super::error::{check_customer, check_horizon, check_params};
use super::optimize::Objective;
use super::{
    run_fit_staged, weighted_mean, DropoutLimit, FitError, FitInput, FitOptions, Fitted, Patterns,
};
use crate::special::{digamma, hyp2f1_1pq, ln_gamma};

const MODEL: &str = "pareto_nbd";

/// Pareto/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParetoNbd {
    /// Shape of the purchase-rate Gamma.
    pub r: f64,
    /// Rate of the purchase-rate Gamma.
    pub alpha: f64,
    /// Shape of the dropout-rate Gamma.
    pub s: f64,
    /// Rate of the dropout-rate Gamma.
    pub beta: f64,
}

/// ln of (s/m)·A_t·H(t) and its gradient in (r, α, s, β).
#[derive(Debug, Clone, Copy)]
struct Tail {
    /// ln H(t).
    ln_h: f64,
    /// ∂ ln H / ∂(r, α, s, β).
    d_ln_h: [f64; 4],
}

/// Everything that depends on one (x, t): ln A_t, the "alive at t" term
/// A_t(1 − (s/m)H(t)) and the "died after t" term (s/m)A_t H(t), in logs, with
/// gradients. A customer's bracket is alive(T) + died-after(t_x).
#[derive(Debug, Clone, Copy)]
struct Point {
    ln_a: f64,
    ln_alive: f64,
    d_alive: [f64; 4],
    ln_dead: f64,
    d_dead: [f64; 4],
}

impl ParetoNbd {
    /// Validated parameters (all positive and finite).
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self, FitError> {
        let p = Self { r, alpha, s, beta };
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), FitError> {
        check_params(
            MODEL,
            &[
                ("r", self.r),
                ("alpha", self.alpha),
                ("s", self.s),
                ("beta", self.beta),
            ],
        )
    }

    fn tail(&self, x: f64, t: f64) -> Result<Tail, FitError> {
        let ParetoNbd { r, alpha, s, beta } = *self;
        let q = r + s + x + 1.0;
        if alpha >= beta {
            let z = (alpha - beta) / (alpha + t);
            let g = hyp2f1_1pq(r + x, q, z)?;
            let dz_alpha = (beta + t) / ((alpha + t) * (alpha + t));
            let dz_beta = -1.0 / (alpha + t);
            let inv = 1.0 / g.value;
            Ok(Tail {
                ln_h: g.value.ln(),
                d_ln_h: [
                    (g.d_p + g.d_q) * inv,
                    g.d_z * dz_alpha * inv,
                    g.d_q * inv,
                    g.d_z * dz_beta * inv,
                ],
            })
        } else {
            let z = (beta - alpha) / (beta + t);
            let g = hyp2f1_1pq(s + 1.0, q, z)?;
            let dz_alpha = -1.0 / (beta + t);
            let dz_beta = (alpha + t) / ((beta + t) * (beta + t));
            let inv = 1.0 / g.value;
            Ok(Tail {
                ln_h: (alpha + t).ln() - (beta + t).ln() + g.value.ln(),
                d_ln_h: [
                    g.d_q * inv,
                    1.0 / (alpha + t) + g.d_z * dz_alpha * inv,
                    (g.d_p + g.d_q) * inv,
                    -1.0 / (beta + t) + g.d_z * dz_beta * inv,
                ],
            })
        }
    }

    /// The [`Point`] of (x, t), given ln(α+t) and ln(β+t).
    fn point(&self, x: f64, t: f64, ln_at: f64, ln_bt: f64) -> Result<Point, FitError> {
        let ParetoNbd { r, alpha, s, beta } = *self;
        let rx = r + x;
        let m = r + s + x;
        let ln_sm = s.ln() - m.ln();
        let d_sm = [-1.0 / m, 0.0, 1.0 / s - 1.0 / m, 0.0];
        let ln_a = -rx * ln_at - s * ln_bt;
        let d_a = [-ln_at, -rx / (alpha + t), -ln_bt, -s / (beta + t)];
        let h = self.tail(x, t)?;
        // u = (s/m) H(t) < 1: the share of A_t that is "dies after t".
        let ln_u = ln_sm + h.ln_h;
        let one_minus_u = -ln_u.exp_m1();
        let k = -ln_u.exp() / one_minus_u;
        let mut d_alive = [0.0; 4];
        let mut d_dead = [0.0; 4];
        for i in 0..4 {
            d_alive[i] = d_a[i] + k * (d_sm[i] + h.d_ln_h[i]);
            d_dead[i] = d_sm[i] + d_a[i] + h.d_ln_h[i];
        }
        Ok(Point {
            ln_a,
            ln_alive: ln_a + one_minus_u.ln(),
            d_alive,
            ln_dead: ln_u + ln_a,
            d_dead,
        })
    }

    fn point_at(&self, x: f64, t: f64) -> Result<Point, FitError> {
        self.point(x, t, (self.alpha + t).ln(), (self.beta + t).ln())
    }

    /// ln L of one customer.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_customer(MODEL, x, t_x, t)?;
        let patterns = FitInput::from_rows([(x, t_x, t)])?.patterns();
        accumulate(self, &Prepared::new(&patterns), &mut [0.0; 4])
    }

    /// Total ln L over `input` (weights applied).
    pub fn log_likelihood(&self, input: &FitInput) -> Result<f64, FitError> {
        self.check()?;
        input.validate()?;
        accumulate(self, &Prepared::new(&input.patterns()), &mut [0.0; 4])
    }

    /// P(alive at T | x, t_x, T).
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_customer(MODEL, x, t_x, t)?;
        let at_t = self.point_at(x, t)?;
        let at_tx = self.point_at(x, t_x)?;
        // Alive share of the bracket: A_T / (alive(T) + dead(t_x)).
        let lse = crate::special::log_sum_exp2(at_t.ln_alive, at_tx.ln_dead);
        let ln_a_t = at_t.ln_a;
        let p = (ln_a_t - lse).exp();
        if p.is_finite() {
            Ok(p.min(1.0))
        } else {
            Err(FitError::NonFinite {
                model: MODEL,
                what: "P(alive)",
            })
        }
    }

    /// [1 − (β'/(β'+t))^{s−1}] / (s−1), continuous through s = 1.
    fn survival_integral(&self, beta: f64, t: f64) -> f64 {
        let l = (t / beta).ln_1p();
        let k = self.s - 1.0;
        if k == 0.0 {
            l
        } else {
            -(-k * l).exp_m1() / k
        }
    }

    /// E[X(t)]: expected repeat purchases of a new customer in (0, t].
    pub fn expected_purchases(&self, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_horizon(MODEL, t)?;
        Ok(self.r * self.beta / self.alpha * self.survival_integral(self.beta, t))
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t].
    pub fn conditional_expected_purchases(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        age: f64,
    ) -> Result<f64, FitError> {
        check_horizon(MODEL, t)?;
        let alive = self.p_alive(x, t_x, age)?;
        let bt = self.beta + age;
        Ok(alive * (self.r + x) * bt / (self.alpha + age) * self.survival_integral(bt, t))
    }
}

/// Per-fit index: for each x-run, the distinct times its patterns use, and per
/// pattern the local positions of its T and t_x among them. With daily data a
/// run of thousands of patterns needs only a few hundred 2F1 evaluations.
pub(crate) struct Prepared<'a> {
    patterns: &'a Patterns,
    /// Per run: (offset into `run_times`, count).
    run_slices: Vec<(usize, usize)>,
    /// Global time indices, run after run.
    run_times: Vec<u32>,
    local_t: Vec<u32>,
    local_tx: Vec<u32>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(patterns: &'a Patterns) -> Self {
        let mut run_slices = Vec::with_capacity(patterns.x_runs.len());
        let mut run_times = Vec::new();
        let mut local_t = vec![0u32; patterns.len()];
        let mut local_tx = vec![0u32; patterns.len()];
        for &(start, end) in &patterns.x_runs {
            let mut ts: Vec<u32> = patterns.t_idx[start..end]
                .iter()
                .chain(&patterns.t_x_idx[start..end])
                .copied()
                .collect();
            ts.sort_unstable();
            ts.dedup();
            for i in start..end {
                local_t[i] = ts.binary_search(&patterns.t_idx[i]).map_or(0, |k| k as u32);
                local_tx[i] = ts
                    .binary_search(&patterns.t_x_idx[i])
                    .map_or(0, |k| k as u32);
            }
            run_slices.push((run_times.len(), ts.len()));
            run_times.extend_from_slice(&ts);
        }
        Self {
            patterns,
            run_slices,
            run_times,
            local_t,
            local_tx,
        }
    }
}

/// Σ w·ln L over the patterns; adds ∂/∂(r, α, s, β) into `grad`.
fn accumulate(p: &ParetoNbd, prep: &Prepared<'_>, grad: &mut [f64; 4]) -> Result<f64, FitError> {
    let ParetoNbd { r, alpha, s, beta } = *p;
    let pat = prep.patterns;
    let (ln_alpha, ln_beta, lg_r, psi_r) = (alpha.ln(), beta.ln(), ln_gamma(r), digamma(r));
    let ln_at: Vec<f64> = pat.times.iter().map(|t| (alpha + t).ln()).collect();
    let ln_bt: Vec<f64> = pat.times.iter().map(|t| (beta + t).ln()).collect();
    let mut points: Vec<Point> = Vec::new();
    let mut total = 0.0;
    for (run, &(start, end)) in pat.x_runs.iter().enumerate() {
        let x = pat.x[start];
        let (offset, count) = prep.run_slices[run];
        points.clear();
        for &k in &prep.run_times[offset..offset + count] {
            let k = k as usize;
            points.push(p.point(x, pat.times[k], ln_at[k], ln_bt[k])?);
        }
        let c = ln_gamma(r + x) - lg_r + r * ln_alpha + s * ln_beta;
        let dc = [
            digamma(r + x) - psi_r + ln_alpha,
            r / alpha,
            ln_beta,
            s / beta,
        ];
        let mut sw = 0.0;
        for i in start..end {
            let w = pat.weight[i];
            let alive = &points[prep.local_t[i] as usize];
            let dead = &points[prep.local_tx[i] as usize];
            let (hi, lo) = if alive.ln_alive >= dead.ln_dead {
                (alive.ln_alive, dead.ln_dead)
            } else {
                (dead.ln_dead, alive.ln_alive)
            };
            let lse = hi + (lo - hi).exp().ln_1p();
            // Softmax weights of the two terms.
            let q_alive = (alive.ln_alive - lse).exp();
            let q_dead = (dead.ln_dead - lse).exp();
            total += w * lse;
            for (k, g) in grad.iter_mut().enumerate() {
                *g += w * (q_alive * alive.d_alive[k] + q_dead * dead.d_dead[k]);
            }
            sw += w;
        }
        total += sw * c;
        for k in 0..4 {
            grad[k] += sw * dc[k];
        }
    }
    if total.is_finite() {
        Ok(total)
    } else {
        Err(FitError::NonFinite {
            model: MODEL,
            what: "log-likelihood",
        })
    }
}

pub(crate) struct Nll<'a> {
    pub(crate) prep: Prepared<'a>,
}

impl Objective for Nll<'_> {
    fn dim(&self) -> usize {
        4
    }

    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let p = ParetoNbd {
            r: theta[0].exp(),
            alpha: theta[1].exp(),
            s: theta[2].exp(),
            beta: theta[3].exp(),
        };
        if p.check().is_err() {
            return f64::INFINITY;
        }
        let mut g = [0.0; 4];
        let Ok(ll) = accumulate(&p, &self.prep, &mut g) else {
            return f64::INFINITY;
        };
        let n = self.prep.patterns.total_weight;
        let scale = [p.r, p.alpha, p.s, p.beta];
        for i in 0..4 {
            grad[i] = -g[i] * scale[i] / n;
        }
        -ll / n
    }
}

/// Deterministic start: r = s = 1, α from the mean purchase rate, β = mean T.
fn start(patterns: &Patterns) -> [f64; 4] {
    // From the sorted patterns, so row order cannot change a single bit.
    let mean_x = weighted_mean(&patterns.x, &patterns.weight).max(0.05);
    let mean_t = weighted_mean(&patterns.t, &patterns.weight);
    [1.0, mean_t / mean_x, 1.0, mean_t]
}

/// Fits Pareto/NBD by maximum likelihood.
pub fn fit(input: &FitInput, opts: &FitOptions) -> Result<Fitted<ParetoNbd>, FitError> {
    let patterns = input.fit_patterns()?;
    fit_patterns(&patterns, start(&patterns), opts)
}

/// Fits on already-compressed patterns from a given start (r, α, s, β).
pub fn fit_patterns(
    patterns: &Patterns,
    start: [f64; 4],
    opts: &FitOptions,
) -> Result<Fitted<ParetoNbd>, FitError> {
    let obj = Nll {
        prep: Prepared::new(patterns),
    };
    let sample = patterns.warm_up_sample();
    let warm_up = sample.as_ref().map(|patterns| Nll {
        prep: Prepared::new(patterns),
    });
    let limit = DropoutLimit {
        // The mean dropout rate s/β.
        dropout: |p| p[2] / p[3],
        patterns,
        warm_up: sample.as_ref(),
    };
    let raw = run_fit_staged(
        MODEL,
        &["r", "alpha", "s", "beta"],
        &obj,
        warm_up.as_ref(),
        &start,
        patterns.total_weight,
        opts,
        Some(limit),
    )?;
    let to = |v: &[f64]| ParetoNbd {
        r: v[0],
        alpha: v[1],
        s: v[2],
        beta: v[3],
    };
    raw.into_fitted(MODEL, to, patterns.customers(), patterns.len(), opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::{ln_hyp2f1, log_sum_exp2};

    /// The likelihood exactly as printed in Fader & Hardie's note, with the
    /// *untransformed* 2F1(r+s+x, s+1 or r+x; r+s+x+1; z) — an independent path.
    fn reference_ll(p: &ParetoNbd, x: f64, t_x: f64, t: f64) -> f64 {
        let ParetoNbd { r, alpha, s, beta } = *p;
        let m = r + s + x;
        let (big, b2, b1) = if alpha >= beta {
            (alpha, s + 1.0, alpha - beta)
        } else {
            (beta, r + x, beta - alpha)
        };
        let term =
            |tt: f64| ln_hyp2f1(m, b2, m + 1.0, b1 / (big + tt)).unwrap() - m * (big + tt).ln();
        let a0 = crate::special::log_diff_exp(term(t_x), term(t));
        let first = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
        let second = s.ln() - m.ln() + a0;
        ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln() + log_sum_exp2(first, second)
    }

    #[test]
    fn matches_the_published_formula() {
        for p in [
            ParetoNbd::new(0.55, 10.58, 0.61, 11.67).unwrap(),
            ParetoNbd::new(0.9, 3.0, 1.4, 20.0).unwrap(),
        ] {
            for &(x, t_x, t) in &[
                (0.0, 0.0, 38.0),
                (2.0, 30.43, 38.86),
                (26.0, 30.86, 31.0),
                (1.0, 2.0, 39.0),
            ] {
                let got = p.log_likelihood_one(x, t_x, t).unwrap();
                let want = reference_ll(&p, x, t_x, t);
                assert!(
                    (got - want).abs() < 1e-10,
                    "{p:?} ({x},{t_x},{t}): {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let input = FitInput::from_rows([
            (0.0, 0.0, 30.0),
            (2.0, 10.0, 30.0),
            (7.0, 29.0, 31.0),
            (3.0, 31.0, 31.0),
        ])
        .unwrap();
        let pat = input.patterns();
        let obj = Nll {
            prep: Prepared::new(&pat),
        };
        // α > β and α < β branches.
        for theta in [[-0.5f64, 2.3, -0.4, 2.1], [0.2, 1.0, 0.3, 2.5]] {
            let mut g = [0.0; 4];
            obj.eval(&theta, &mut g);
            for i in 0..4 {
                let (mut tp, mut tm) = (theta, theta);
                tp[i] += 1e-6;
                tm[i] -= 1e-6;
                let mut s = [0.0; 4];
                let fd = (obj.eval(&tp, &mut s) - obj.eval(&tm, &mut s)) / 2e-6;
                assert!(
                    (fd - g[i]).abs() < 1e-7,
                    "θ={theta:?} component {i}: {fd} vs {}",
                    g[i]
                );
            }
        }
    }
}
