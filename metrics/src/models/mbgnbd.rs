//! MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may
//! also drop out right after the first purchase, so zero-repeat customers are
//! not assumed alive.
//!
//! L = Γ(r+x) α^r / Γ(r) · B(a, b+x+1)/B(a, b) ·
//!     [ (α+T)^−(r+x) + a/(b+x) · (α+t_x)^−(r+x) ]
//!
//! The likelihood shares its evaluation loop with BG/NBD
//! ([`super::bgnbd`]'s `Variant::Mbg`).

use serde::{Deserialize, Serialize};

use super::bgnbd::{self, BgNbd, Variant};
use super::error::{check_customer, check_horizon, check_params};
use super::{bg_future, FitError, FitInput, FitOptions, Fitted, Patterns};

const MODEL: &str = "mbgnbd";

/// MBG/NBD parameters (same meaning as BG/NBD's).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MbgNbd {
    /// Shape of the purchase-rate Gamma.
    pub r: f64,
    /// Rate of the purchase-rate Gamma.
    pub alpha: f64,
    /// Dropout Beta's first shape.
    pub a: f64,
    /// Dropout Beta's second shape.
    pub b: f64,
}

impl MbgNbd {
    /// Validated parameters (all positive and finite).
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, FitError> {
        let p = Self { r, alpha, a, b };
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), FitError> {
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

    fn as_bg(&self) -> BgNbd {
        BgNbd {
            r: self.r,
            alpha: self.alpha,
            a: self.a,
            b: self.b,
        }
    }

    /// ln L of one customer.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_customer(MODEL, x, t_x, t)?;
        let patterns = FitInput::from_rows([(x, t_x, t)])?.patterns();
        Ok(bgnbd::accumulate(
            Variant::Mbg,
            &self.as_bg(),
            &patterns,
            &mut [0.0; 4],
        ))
    }

    /// Total ln L over `input` (weights applied).
    pub fn log_likelihood(&self, input: &FitInput) -> Result<f64, FitError> {
        self.check()?;
        input.validate()?;
        Ok(bgnbd::accumulate(
            Variant::Mbg,
            &self.as_bg(),
            &input.patterns(),
            &mut [0.0; 4],
        ))
    }

    /// P(alive at T | x, t_x, T); below 1 even for x = 0.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_customer(MODEL, x, t_x, t)?;
        let ln_odds = self.a.ln() - (self.b + x).ln()
            + (self.r + x) * ((self.alpha + t) / (self.alpha + t_x)).ln();
        Ok(1.0 / (1.0 + ln_odds.exp()))
    }

    /// E[X(t)]: expected repeat purchases of a new customer in (0, t].
    pub fn expected_purchases(&self, t: f64) -> Result<f64, FitError> {
        self.check()?;
        check_horizon(MODEL, t)?;
        // A new customer is alive after the first purchase with probability b/(a+b);
        // then the BG kernel with b + 1 applies.
        let e = bg_future::expected(self.r, self.alpha, self.a, self.b + 1.0, t)?;
        Ok(self.b / (self.a + self.b) * e)
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
        let e = bg_future::expected(self.r + x, self.alpha + age, self.a, self.b + x + 1.0, t)?;
        Ok(alive * e)
    }
}

/// Fits MBG/NBD by maximum likelihood (same deterministic start as BG/NBD).
pub fn fit(input: &FitInput, opts: &FitOptions) -> Result<Fitted<MbgNbd>, FitError> {
    let patterns = input.fit_patterns()?;
    fit_patterns(&patterns, bgnbd::start(&patterns), opts)
}

/// Fits on already-compressed patterns from a given start (r, α, a, b).
pub fn fit_patterns(
    patterns: &Patterns,
    start: [f64; 4],
    opts: &FitOptions,
) -> Result<Fitted<MbgNbd>, FitError> {
    let raw = bgnbd::run_variant(Variant::Mbg, MODEL, patterns, start, opts)?;
    let to = |v: &[f64]| MbgNbd {
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
    use crate::special::ln_gamma;

    #[test]
    fn single_customer_matches_direct_formula() {
        let p = MbgNbd::new(0.5, 6.0, 0.9, 1.6).unwrap();
        let beta = |u: f64, v: f64| (ln_gamma(u) + ln_gamma(v) - ln_gamma(u + v)).exp();
        for &(x, t_x, t) in &[(0.0f64, 0.0f64, 30.0f64), (4.0, 22.0, 35.0)] {
            let (r, al, a, b) = (p.r, p.alpha, p.a, p.b);
            let g = (ln_gamma(r + x) - ln_gamma(r)).exp() * al.powf(r);
            let l = g * beta(a, b + x + 1.0) / beta(a, b) / (al + t).powf(r + x)
                + g * beta(a + 1.0, b + x) / beta(a, b) / (al + t_x).powf(r + x);
            let got = p.log_likelihood_one(x, t_x, t).unwrap();
            assert!((got - l.ln()).abs() < 1e-12, "x={x}: {got} vs {}", l.ln());
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        use crate::models::optimize::Objective;
        let input =
            FitInput::from_rows([(0.0, 0.0, 30.0), (2.0, 10.0, 30.0), (7.0, 29.0, 31.0)]).unwrap();
        let pat = input.patterns();
        let obj = bgnbd::Nll {
            variant: Variant::Mbg,
            patterns: &pat,
        };
        let theta = [0.3f64, 1.1, -0.4, 0.6];
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
