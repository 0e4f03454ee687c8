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
use super::{
    bg_future, run_fit_staged, weighted_mean, DropoutLimit, FitError, FitInput, FitOptions, Fitted,
    Patterns, RawFit,
};
use crate::special::{digamma, exp_fast, ln_1p_recip, ln_fast, ln_gamma};

const MODEL: &str = "bgnbd";
/// Parameter names of the BG family, in order.
pub(crate) const NAMES: &[&str] = &["r", "alpha", "a", "b"];

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

/// Independent accumulators per pattern loop: the sums are split over
/// `LANES` interleaved partial sums (combined in a fixed order, so results stay
/// bitwise reproducible) so consecutive patterns' additions can overlap.
const LANES: usize = 4;

/// Per-pattern sums of one x-run: Σw, Σw·ℓ, Σw·∂ℓ/∂r, Σw·∂ℓ/∂α, Σw·q.
#[derive(Default, Clone, Copy)]
struct RunSums {
    w: f64,
    ll: f64,
    r: f64,
    alpha: f64,
    p: f64,
}

/// The bracket of one pattern with a second term (x > 0, or MBG):
/// ln[(α+T)^−rx + (a/(b+x−k)) (α+t_x)^−rx] and its pieces, from
/// ln(α+T), 1/(α+T), ln(α+t_x), 1/(α+t_x). Returns (ℓ, ∂ℓ/∂r, ∂ℓ/∂α, q) with q
/// the second term's share of the bracket.
#[inline(always)]
fn bracket(ln_ratio: f64, rx: f64, l_t: f64, inv_t: f64, l_tx: f64, inv_tx: f64) -> [f64; 4] {
    // d = ln(second term) − ln(first term) of the bracket.
    let d = ln_ratio + rx * (l_t - l_tx);
    // ln(1 + e^d) = max(d, 0) + ln(1 + e^−|d|). ln(1 + e) rather than ln_1p(e):
    // with e ≤ 1 the rounding of 1 + e costs at most 1e-16 absolute.
    let e = exp_fast(-d.abs());
    let (ln_1pe, inv) = ln_1p_recip(e);
    let lse = d.max(0.0) + ln_1pe;
    let q = if d > 0.0 { inv } else { e * inv };
    [
        lse - rx * l_t,
        -((1.0 - q) * l_t + q * l_tx),
        -rx * ((1.0 - q) * inv_t + q * inv_tx),
        q,
    ]
}

/// ln(α + t) and 1/(α + t): from per-distinct-time tables when `shared`,
/// else computed from the time itself.
struct Times<'a> {
    alpha: f64,
    ln_at: &'a [f64],
    inv_at: &'a [f64],
}

/// One x-run of the patterns, as column slices.
struct Run<'a> {
    weight: &'a [f64],
    t: &'a [f64],
    t_x: &'a [f64],
    t_idx: &'a [u32],
    t_x_idx: &'a [u32],
}

#[inline(always)]
fn time_terms<const SHARED: bool>(times: &Times<'_>, idx: u32, t: f64) -> (f64, f64) {
    if SHARED {
        let k = idx as usize;
        (times.ln_at[k], times.inv_at[k])
    } else {
        let at = times.alpha + t;
        (ln_fast(at), 1.0 / at)
    }
}

/// Patterns handled per block: small enough for the block's columns to stay
/// in L1, large enough to amortise the loop overheads.
const BLOCK: usize = 128;

/// The [`RunSums`] of one run: `TWO` when the bracket has its second term.
///
/// Block by block, in three passes: gather ln(α+t) and 1/(α+t) of each
/// pattern's times, compute the brackets (branch-free, no memory traffic but
/// the block's columns, so the compiler can vectorize it and the processor
/// can overlap the patterns' long dependency chains), then the weighted sums.
fn run_sums<const TWO: bool, const SHARED: bool>(
    run: &Run<'_>,
    times: &Times<'_>,
    rx: f64,
    ln_ratio: f64,
) -> RunSums {
    let n = run.weight.len();
    let mut lanes = [RunSums::default(); LANES];
    let mut cols = [[0.0f64; BLOCK]; 4];
    let mut out = [[0.0f64; BLOCK]; 4];
    let mut start = 0;
    while start < n {
        let m = BLOCK.min(n - start);
        let end = start + m;
        {
            let [l_t, inv_t, l_tx, inv_tx] = &mut cols;
            let (t_idx, t) = (&run.t_idx[start..end], &run.t[start..end]);
            for j in 0..m {
                (l_t[j], inv_t[j]) = time_terms::<SHARED>(times, t_idx[j], t[j]);
            }
            if TWO {
                let (t_x_idx, t_x) = (&run.t_x_idx[start..end], &run.t_x[start..end]);
                for j in 0..m {
                    (l_tx[j], inv_tx[j]) = time_terms::<SHARED>(times, t_x_idx[j], t_x[j]);
                }
            }
        }
        {
            let [l_t, inv_t, l_tx, inv_tx] = &cols;
            let (l_t, inv_t, l_tx, inv_tx) = (&l_t[..m], &inv_t[..m], &l_tx[..m], &inv_tx[..m]);
            let [ll, dr, dal, q] = &mut out;
            let (ll, dr, dal, q) = (&mut ll[..m], &mut dr[..m], &mut dal[..m], &mut q[..m]);
            for j in 0..m {
                let v = if TWO {
                    bracket(ln_ratio, rx, l_t[j], inv_t[j], l_tx[j], inv_tx[j])
                } else {
                    [-rx * l_t[j], -l_t[j], -rx * inv_t[j], 0.0]
                };
                (ll[j], dr[j], dal[j], q[j]) = (v[0], v[1], v[2], v[3]);
            }
        }
        let w = &run.weight[start..end];
        let [ll, dr, dal, q] = &out;
        for j in 0..m {
            let lane = &mut lanes[j % LANES];
            lane.w += w[j];
            lane.ll += w[j] * ll[j];
            lane.r += w[j] * dr[j];
            lane.alpha += w[j] * dal[j];
            lane.p += w[j] * q[j];
        }
        start = end;
    }
    let mut s = RunSums::default();
    for lane in &lanes {
        s.w += lane.w;
        s.ll += lane.ll;
        s.r += lane.r;
        s.alpha += lane.alpha;
        s.p += lane.p;
    }
    s
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
    // (recorded data: days, hundredths of weeks); with mostly unique times the
    // table's random gathers cost more than the logarithms, so compute them in
    // place.
    let shared = pat.times.len() * 4 <= pat.len();
    let (ln_at, inv_at): (Vec<f64>, Vec<f64>) = if shared {
        pat.times
            .iter()
            .map(|&t| (ln_fast(alpha + t), 1.0 / (alpha + t)))
            .unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    let times = Times {
        alpha,
        ln_at: &ln_at,
        inv_at: &inv_at,
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
        let two_terms = x > 0.0 || variant == Variant::Mbg;
        // a/(b+x−1) for BG, a/(b+x) for MBG: bx − 1 either way.
        let denom = bx - 1.0;
        let ln_ratio = if two_terms { ln_a - denom.ln() } else { 0.0 };
        let run = Run {
            weight: &pat.weight[start..end],
            t: &pat.t[start..end],
            t_x: &pat.t_x[start..end],
            t_idx: &pat.t_idx[start..end],
            t_x_idx: &pat.t_x_idx[start..end],
        };
        let s = match (two_terms, shared) {
            (true, true) => run_sums::<true, true>(&run, &times, rx, ln_ratio),
            (true, false) => run_sums::<true, false>(&run, &times, rx, ln_ratio),
            (false, true) => run_sums::<false, true>(&run, &times, rx, ln_ratio),
            (false, false) => run_sums::<false, false>(&run, &times, rx, ln_ratio),
        };
        if two_terms {
            grad[2] += s.p / a;
            grad[3] -= s.p / denom;
        }
        total += s.w * c + s.ll;
        grad[0] += s.w * dc_r + s.r;
        grad[1] += s.w * r / alpha + s.alpha;
        grad[2] += s.w * dc_a;
        grad[3] += s.w * dc_b;
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

/// Runs the staged fit (subsample warm-up, then all patterns) of the BG/NBD
/// likelihood `variant`; shared with MBG/NBD, whose likelihood differs only there.
pub(crate) fn run_variant(
    variant: Variant,
    model: &'static str,
    patterns: &Patterns,
    start: [f64; 4],
    opts: &FitOptions,
) -> Result<RawFit, FitError> {
    let obj = Nll { variant, patterns };
    let sample = patterns.warm_up_sample();
    let warm_up = sample.as_ref().map(|patterns| Nll { variant, patterns });
    let limit = DropoutLimit {
        // The mean dropout probability a/(a+b).
        dropout: |p| p[2] / (p[2] + p[3]),
        patterns,
        warm_up: sample.as_ref(),
    };
    run_fit_staged(
        model,
        NAMES,
        &obj,
        warm_up.as_ref(),
        &start,
        patterns.total_weight,
        opts,
        Some(limit),
    )
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
    let patterns = input.fit_patterns()?;
    fit_patterns(&patterns, start(&patterns), opts)
}

/// Fits on already-compressed patterns from a given start.
pub fn fit_patterns(
    patterns: &Patterns,
    start: [f64; 4],
    opts: &FitOptions,
) -> Result<Fitted<BgNbd>, FitError> {
    let raw = run_variant(Variant::Bg, MODEL, patterns, start, opts)?;
    let to = |v: &[f64]| BgNbd {
        r: v[0],
        alpha: v[1],
        a: v[2],
        b: v[3],
    };
    raw.into_fitted(MODEL, to, patterns.customers(), patterns.len(), opts)
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
    fn warm_up_reaches_the_cold_start_optimum() {
        use crate::models::simulate::{bgnbd_customer, SplitMix64};
        let truth = BgNbd::new(0.24, 4.4, 0.79, 2.43).unwrap();
        let mut rng = SplitMix64::new(7);
        let rows: Vec<(f64, f64, f64)> = (0..20_000)
            .map(|_| {
                let age = 39.0 - 12.0 * rng.uniform();
                let (x, t_x) = bgnbd_customer(&mut rng, &truth, age);
                (x, t_x.min(age), age)
            })
            .collect();
        let pat = FitInput::from_rows(rows).unwrap().patterns();
        assert!(pat.warm_up_sample().is_some(), "{} patterns", pat.len());
        let opts = FitOptions::default();
        let warm = fit_patterns(&pat, start(&pat), &opts).unwrap();
        let obj = Nll {
            variant: Variant::Bg,
            patterns: &pat,
        };
        let cold = super::super::run_fit(MODEL, NAMES, &obj, &start(&pat), pat.total_weight, &opts)
            .unwrap();
        assert!(warm.converged && cold.stop == crate::models::StopReason::Converged);
        let got = [
            warm.params.r,
            warm.params.alpha,
            warm.params.a,
            warm.params.b,
        ];
        for (g, c) in got.iter().zip(&cold.params) {
            assert!(((g - c) / c).abs() < 1e-6, "{got:?} vs {:?}", cold.params);
        }
        assert!((warm.log_likelihood - cold.log_likelihood).abs() < 1e-6);
        let (se_w, se_c) = (warm.std_errors.unwrap(), cold.std_errors.unwrap());
        assert!(((se_w.r - se_c[0]) / se_c[0]).abs() < 1e-3);
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
