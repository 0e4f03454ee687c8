//! Log-space arithmetic: sums and differences of quantities held as logarithms.

/// ln(e^a + e^b) without overflow; `-inf` operands are handled (ln 0).
pub fn log_sum_exp2(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if hi == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// ln Σ e^{v_i}; `-inf` for an empty slice.
pub fn log_sum_exp(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY || !max.is_finite() {
        return max;
    }
    let s: f64 = values.iter().map(|v| (v - max).exp()).sum();
    max + s.ln()
}

/// ln(e^a − e^b) for a ≥ b; NaN when a < b (the difference is negative),
/// `-inf` when a == b.
pub fn log_diff_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    // -expm1 keeps full relative precision when b is just below a.
    a + (-(b - a).exp_m1()).ln()
}

/// ln(1 + e^x), exact for large |x|.
pub fn log1p_exp(x: f64) -> f64 {
    if x > 35.0 {
        x + (-x).exp()
    } else {
        x.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lse_matches_naive_in_range_and_survives_overflow() {
        let naive = (1.5f64.exp() + (-2.0f64).exp()).ln();
        assert!((log_sum_exp2(1.5, -2.0) - naive).abs() < 1e-15);
        assert!((log_sum_exp(&[1.5, -2.0]) - naive).abs() < 1e-15);
        assert!((log_sum_exp2(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(log_sum_exp2(f64::NEG_INFINITY, 3.0), 3.0);
        assert_eq!(log_sum_exp(&[]), f64::NEG_INFINITY);
    }

    #[test]
    fn log_diff_keeps_precision_for_close_arguments() {
        // e^a - e^b with b = a - 1e-12: e^a * 1e-12 (first order).
        let b = 2.0 - 1e-12;
        let d = 2.0 - b; // exact in floating point
        let v = log_diff_exp(2.0, b);
        assert!((v - (2.0 + d.ln())).abs() < 1e-9);
        assert_eq!(log_diff_exp(1.0, 1.0), f64::NEG_INFINITY);
        assert!((log1p_exp(50.0) - 50.0).abs() < 1e-15);
        assert!((log1p_exp(0.0) - 2f64.ln()).abs() < 1e-15);
    }
}
