//! ln Γ, digamma ψ and ln B.
//!
//! ln Γ comes from `libm` (a port of musl's `lgamma`, accurate to a few ulp);
//! digamma is written here: upward recurrence to x ≥ 10, then the asymptotic
//! Bernoulli series, which is at full double precision there.

/// ln |Γ(x)|. For the models x is always positive.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Digamma ψ(x) = d/dx ln Γ(x). Non-positive integers give NaN (poles).
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x <= 0.0 {
        if x == x.floor() {
            return f64::NAN;
        }
        // Reflection: ψ(1 − x) − ψ(x) = π cot(πx).
        let pi = std::f64::consts::PI;
        return digamma(1.0 - x) - pi / (pi * x).tan();
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Bernoulli terms B_2k / (2k x^2k), k = 1..7.
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0
                                    - inv2
                                        * (1.0 / 132.0
                                            - inv2 * (691.0 / 32760.0 - inv2 / 12.0))))));
    acc + x.ln() - 0.5 * inv - series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_known_values() {
        assert!((ln_gamma(1.0)).abs() < 1e-15);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
        let half = std::f64::consts::PI.sqrt().ln();
        assert!((ln_gamma(0.5) - half).abs() < 1e-15);
        // Γ(x + 1) = x Γ(x) far out, where the log is large.
        let x = 12345.678;
        assert!((ln_gamma(x + 1.0) - ln_gamma(x) - x.ln()).abs() < 1e-9);
    }

    #[test]
    fn digamma_known_values_and_recurrence() {
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-15);
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-14);
        for &x in &[1e-6, 0.013, 0.7, 3.3, 9.99, 10.0, 55.5, 1e4, 1e8] {
            let lhs = digamma(x + 1.0) - digamma(x);
            assert!((lhs - 1.0 / x).abs() <= 1e-12 * (1.0 / x).max(1.0), "x={x}");
        }
        // Reflection branch: ψ(−0.5) = ψ(1.5) + π cot(−π/2)·… = 0.03649…
        assert!((digamma(-0.5) - 0.036_489_973_978_576_52).abs() < 1e-13);
    }

    #[test]
    fn digamma_is_derivative_of_ln_gamma() {
        for &x in &[0.05, 0.8, 2.5, 31.0, 700.0] {
            let h = 1e-5 * x;
            let fd = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(
                (fd - digamma(x)).abs() < 1e-7 * digamma(x).abs().max(1.0),
                "x={x}"
            );
        }
    }

    #[test]
    fn ln_beta_symmetric_and_known() {
        assert!((ln_beta(2.0, 3.0) - (1.0f64 / 12.0).ln()).abs() < 1e-14);
        assert!((ln_beta(0.3, 7.1) - ln_beta(7.1, 0.3)).abs() < 1e-14);
    }
}
