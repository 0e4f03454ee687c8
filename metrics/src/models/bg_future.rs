//! The expected-purchases kernel shared by BG/NBD and MBG/NBD.
//!
//! For a customer whose purchase rate is Gamma(r', α') and whose per-purchase
//! dropout probability is Beta(a, b'), and who is alive now, the expected number
//! of purchases in the next t is
//!
//! E = E_p[(1 − (α'/(α' + p t))^r') / p]
//!   = (a + b' − 1)/(a − 1) · [1 − (α'/(α'+t))^r' · 2F1(r', b'; a + b' − 1; t/(α'+t))].
//!
//! The closed form has removable singularities at a = 1 and where a + b' − 1 is a
//! non-positive integer; there the value is interpolated from both sides.

use super::FitError;
use crate::special::hyp2f1::ln_hyp2f1_signed;

/// Distance from a singular point below which the interpolation is used.
const NEAR: f64 = 1e-6;
/// Half-width of the interpolation stencil.
const STEP: f64 = 1e-4;

fn near_nonpositive_integer(c: f64) -> bool {
    c < NEAR && (c - c.round()).abs() < NEAR
}

/// E[purchases in (0, t] | alive now] for the BG kernel, see the module doc.
pub(crate) fn expected(r: f64, alpha: f64, a: f64, b: f64, t: f64) -> Result<f64, FitError> {
    if t == 0.0 {
        return Ok(0.0);
    }
    if (a - 1.0).abs() < NEAR {
        let lo = closed_form(r, alpha, 1.0 - STEP, b, t)?;
        let hi = closed_form(r, alpha, 1.0 + STEP, b, t)?;
        return Ok(0.5 * (lo + hi) + (a - 1.0) * (hi - lo) / (2.0 * STEP));
    }
    let c = a + b - 1.0;
    if near_nonpositive_integer(c) {
        let k = c.round();
        let lo = closed_form(r, alpha, a, b + (k - c) - STEP, t)?;
        let hi = closed_form(r, alpha, a, b + (k - c) + STEP, t)?;
        return Ok(0.5 * (lo + hi) + (c - k) * (hi - lo) / (2.0 * STEP));
    }
    closed_form(r, alpha, a, b, t)
}

fn closed_form(r: f64, alpha: f64, a: f64, b: f64, t: f64) -> Result<f64, FitError> {
    let c = a + b - 1.0;
    let z = t / (alpha + t);
    let (ln_f, sign) = ln_hyp2f1_signed(r, b, c, z)?;
    // ln[(α/(α+t))^r F]; ln(α/(α+t)) = −ln(1 + t/α) keeps precision for small t.
    let ln_w = -r * (t / alpha).ln_1p() + ln_f;
    let one_minus_w = if sign > 0.0 {
        -ln_w.exp_m1()
    } else {
        1.0 + ln_w.exp()
    };
    let v = c / (a - 1.0) * one_minus_w;
    if v.is_finite() {
        Ok(v.max(0.0))
    } else {
        Err(FitError::NonFinite {
            model: "bg",
            what: "expected purchases",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E_p[(1 − (α/(α+pt))^r)/p] by midpoint quadrature on a Beta density with
    /// a, b > 1 (smooth integrand): an independent check of the closed form.
    fn quadrature(r: f64, alpha: f64, a: f64, b: f64, t: f64) -> f64 {
        let n = 200_000;
        let ln_b = crate::special::ln_beta(a, b);
        let mut s = 0.0;
        for i in 0..n {
            let p = (i as f64 + 0.5) / n as f64;
            let dens = ((a - 1.0) * p.ln() + (b - 1.0) * (1.0 - p).ln() - ln_b).exp();
            s += dens * (1.0 - (alpha / (alpha + p * t)).powf(r)) / p;
        }
        s / n as f64
    }

    #[test]
    fn closed_form_matches_quadrature() {
        for &(r, alpha, a, b, t) in &[
            (0.24, 4.4, 2.0, 3.0, 39.0),
            (2.0, 10.0, 3.0, 2.0, 5.0),
            (0.7, 1.0, 3.5, 6.0, 100.0),
        ] {
            let want = quadrature(r, alpha, a, b, t);
            let got = expected(r, alpha, a, b, t).unwrap();
            assert!(((got - want) / want).abs() < 1e-6, "{got} vs {want}");
        }
    }

    #[test]
    fn singular_points_are_continuous() {
        let at = expected(0.5, 5.0, 1.0, 2.0, 20.0).unwrap();
        let left = expected(0.5, 5.0, 1.0 - 1e-3, 2.0, 20.0).unwrap();
        let right = expected(0.5, 5.0, 1.0 + 1e-3, 2.0, 20.0).unwrap();
        assert!(
            at > left.min(right) && at < left.max(right),
            "{left} {at} {right}"
        );
        let at = expected(0.5, 5.0, 0.4, 0.6, 20.0).unwrap(); // a + b − 1 = 0
        let near = expected(0.5, 5.0, 0.4, 0.6 + 1e-3, 20.0).unwrap();
        assert!(at.is_finite() && ((at - near) / near).abs() < 1e-2);
    }
}
