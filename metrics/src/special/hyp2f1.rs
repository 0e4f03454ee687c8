//! The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments, z < 1.
//!
//! The power series Σ (a)_n (b)_n / ((c)_n n!) zⁿ is summed with running
//! rescaling, so values far beyond `f64::MAX` (heavy buyers: a or b in the
//! thousands) come back as logarithms instead of overflowing. Transformations:
//!
//! * z < 0 — Pfaff, 2F1(a,b;c;z) = (1−z)^−a 2F1(a, c−b; c; z/(z−1)): maps every
//!   negative z into (0, 1) and, with the ordering of a, b chosen for it, gives a
//!   series of positive terms (no cancellation).
//! * 0 < z < 1 with c − a − b < 0 — Euler, 2F1 = (1−z)^{c−a−b} 2F1(c−a, c−b; c; z):
//!   the factor carries the growth of the function as z → 1, the remaining series
//!   stays bounded.
//!
//! The stopping rule bounds the tail: once the term ratio is monotone, the
//! remainder is at most |term|·ρ/(1−ρ) with ρ = max(current ratio, |z|).
//! z → 1 still needs about 37/(1−z) terms; the budget is [`MAX_TERMS`].

use super::SpecialError;

/// Term budget of every series here (a z of 1 − 4·10⁻⁶ still fits).
pub const MAX_TERMS: usize = 10_000_000;

/// Relative size of the neglected tail.
const EPS: f64 = 1e-17;

/// Rescale running sums above this magnitude (and remember the factor in logs).
const BIG: f64 = 1e280;

fn check(function: &'static str, name: &'static str, value: f64) -> Result<(), SpecialError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(SpecialError::NotFinite {
            function,
            name,
            value,
        })
    }
}

/// Sums the plain series; returns (ln |value|, sign).
fn series(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64), SpecialError> {
    let mut term = 1.0f64;
    let mut sum = 1.0f64;
    // Kahan compensation: z near 1 needs 10⁵+ terms.
    let mut comp = 0.0f64;
    let mut ln_scale = 0.0f64;
    // After this many terms the ratio z(a+n)(b+n)/((c+n)(n+1)) moves monotonically
    // toward z, so the geometric tail bound below is valid.
    let monotone_after = 2.0 * (a.abs() + b.abs() + c.abs()) + 4.0;
    for n in 0..MAX_TERMS {
        let nf = n as f64;
        let ratio = (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
        term *= ratio;
        if term == 0.0 {
            // Terminating series (a or b a non-positive integer) or z = 0.
            return finish(sum, ln_scale);
        }
        let y = term - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
        if sum.abs() > BIG || term.abs() > BIG {
            sum /= BIG;
            term /= BIG;
            comp /= BIG;
            ln_scale += BIG.ln();
        }
        if nf > monotone_after {
            let rho = ratio.abs().max(z.abs());
            if rho < 1.0 && term.abs() * rho / (1.0 - rho) <= EPS * sum.abs() {
                return finish(sum, ln_scale);
            }
        }
    }
    Err(SpecialError::NotConverged {
        function: "hyp2f1",
        terms: MAX_TERMS,
        z,
    })
}

fn finish(sum: f64, ln_scale: f64) -> Result<(f64, f64), SpecialError> {
    if sum == 0.0 {
        return Ok((f64::NEG_INFINITY, 0.0));
    }
    Ok((ln_scale + sum.abs().ln(), sum.signum()))
}

/// ln |2F1(a, b; c; z)| and the sign of 2F1, for finite real a, b, c and z < 1;
/// c must not be a non-positive integer.
pub fn ln_hyp2f1_signed(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64), SpecialError> {
    const F: &str = "hyp2f1";
    check(F, "a", a)?;
    check(F, "b", b)?;
    check(F, "c", c)?;
    check(F, "z", z)?;
    if c <= 0.0 && c == c.floor() {
        return Err(SpecialError::Domain {
            function: F,
            name: "c",
            value: c,
            why: "c must not be 0, -1, -2, …",
        });
    }
    if z >= 1.0 {
        return Err(SpecialError::Domain {
            function: F,
            name: "z",
            value: z,
            why: "z < 1",
        });
    }
    if z == 0.0 {
        return Ok((0.0, 1.0));
    }
    if z < 0.0 {
        let w = z / (z - 1.0);
        let ln1mz = (-z).ln_1p();
        // Prefer the Pfaff ordering whose series has positive terms only.
        let (p, q) = if a > 0.0 && c - b > 0.0 {
            (a, b)
        } else if b > 0.0 && c - a > 0.0 {
            (b, a)
        } else if z > -0.5 {
            return series(a, b, c, z);
        } else {
            (a, b)
        };
        let (ln_s, sign) = series(p, c - q, c, w)?;
        return Ok((-p * ln1mz + ln_s, sign));
    }
    let d = c - a - b;
    if d < 0.0 && c - a > 0.0 && c - b > 0.0 {
        let (ln_s, sign) = series(c - a, c - b, c, z)?;
        return Ok((d * (-z).ln_1p() + ln_s, sign));
    }
    series(a, b, c, z)
}

/// ln 2F1(a, b; c; z) where the value is positive (always so when a, b, c > 0
/// and 0 ≤ z < 1). Errors with [`SpecialError::NotPositive`] otherwise.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, SpecialError> {
    let (ln_abs, sign) = ln_hyp2f1_signed(a, b, c, z)?;
    if sign > 0.0 {
        Ok(ln_abs)
    } else {
        Err(SpecialError::NotPositive {
            function: "hyp2f1",
            sign,
        })
    }
}

/// 2F1(a, b; c; z) itself; errors if the value overflows `f64`.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, SpecialError> {
    let (ln_abs, sign) = ln_hyp2f1_signed(a, b, c, z)?;
    let v = sign * ln_abs.exp();
    if v.is_finite() {
        Ok(v)
    } else {
        Err(SpecialError::Domain {
            function: "hyp2f1",
            name: "value",
            value: ln_abs,
            why: "the value overflows f64; use ln_hyp2f1",
        })
    }
}

/// G = 2F1(1, p; q; z) = Σ (p)_n/(q)_n zⁿ and its partial derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyp1pq {
    /// G itself (≥ 1).
    pub value: f64,
    /// ∂G/∂p.
    pub d_p: f64,
    /// ∂G/∂q.
    pub d_q: f64,
    /// ∂G/∂z.
    pub d_z: f64,
}

/// 2F1(1, p; q; z) with its gradient, for p, q > 0 and 0 ≤ z < 1.
///
/// This is the Euler-transformed kernel of the Pareto/NBD likelihood: all terms
/// are positive, the value lies in [1, 1/(1−z)] when q ≥ p, and the derivatives
/// are accumulated term by term (∂ ln t_n/∂p = Σ_{k<n} 1/(p+k), and so on), so the
/// likelihood gradient is exact rather than a finite difference.
pub fn hyp2f1_1pq(p: f64, q: f64, z: f64) -> Result<Hyp1pq, SpecialError> {
    const F: &str = "hyp2f1_1pq";
    check(F, "p", p)?;
    check(F, "q", q)?;
    check(F, "z", z)?;
    if p <= 0.0 {
        return Err(SpecialError::Domain {
            function: F,
            name: "p",
            value: p,
            why: "p > 0",
        });
    }
    if q <= 0.0 {
        return Err(SpecialError::Domain {
            function: F,
            name: "q",
            value: q,
            why: "q > 0",
        });
    }
    if !(0.0..1.0).contains(&z) {
        return Err(SpecialError::Domain {
            function: F,
            name: "z",
            value: z,
            why: "0 ≤ z < 1",
        });
    }
    let mut c = 1.0f64; // current term c_n
    let mut dc_z = 0.0f64; // ∂c_n/∂z
    let (mut s, mut sp, mut sq, mut sz) = (1.0f64, 0.0f64, 0.0f64, 0.0f64);
    let (mut hp, mut hq) = (0.0f64, 0.0f64); // Σ_{k<n} 1/(p+k), Σ 1/(q+k)
                                             // With q ≥ p every term ratio is below z, so the tail factors are constants.
    let fixed_rho = q >= p;
    let tail_z = z / (1.0 - z);
    for n in 0..MAX_TERMS {
        let nf = n as f64;
        let (pn, qn) = (p + nf, q + nf);
        // One division per term: 1/(pn qn) gives f, 1/pn and 1/qn.
        let inv = 1.0 / (pn * qn);
        let f = pn * pn * inv;
        hp += qn * inv;
        hq += pn * inv;
        dc_z = (dc_z * z + c) * f;
        c *= f * z;
        s += c;
        sp += c * hp;
        sq -= c * hq;
        sz += dc_z;
        let (tail, inv_1m_rho) = if fixed_rho {
            (tail_z, 1.0 / (1.0 - z))
        } else {
            let rho = (f * z).max(z);
            (rho / (1.0 - rho), 1.0 / (1.0 - rho))
        };
        if c * tail <= EPS * s
            && dc_z * tail * inv_1m_rho <= EPS * sz
            && c * (hp + hq + 1.0) * tail * inv_1m_rho <= EPS * (s + sp.abs() + sq.abs())
        {
            return Ok(Hyp1pq {
                value: s,
                d_p: sp,
                d_q: sq,
                d_z: sz,
            });
        }
    }
    Err(SpecialError::NotConverged {
        function: F,
        terms: MAX_TERMS,
        z,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    /// Independent reference: the plain series with compensated summation,
    /// no transformation, no rescaling (small arguments only).
    fn direct(a: f64, b: f64, c: f64, z: f64) -> f64 {
        let (mut sum, mut comp, mut term) = (1.0f64, 0.0f64, 1.0f64);
        for n in 0..200_000 {
            let nf = n as f64;
            term *= (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
            let y = term - comp;
            let t = sum + y;
            comp = (t - sum) - y;
            sum = t;
            if term.abs() < 1e-22 * sum.abs() && nf > 50.0 {
                break;
            }
        }
        sum
    }

    #[test]
    fn closed_form_log() {
        for &z in &[
            -0.99f64, -0.9, -0.5, -1e-3, 1e-9, 0.1, 0.5, 0.9, 0.99, 0.9999,
        ] {
            let exact = -(-z).ln_1p() / z;
            let got = hyp2f1(1.0, 1.0, 2.0, z).unwrap();
            assert!(rel(got, exact) < 1e-13, "z={z}: {got} vs {exact}");
        }
    }

    #[test]
    fn closed_form_power() {
        // 2F1(a, b; b; z) = (1 − z)^−a, including values far beyond f64::MAX.
        for &(a, b, z) in &[
            (0.3f64, 2.0, 0.7f64),
            (2.5, 0.4, -3.0),
            (7.0, 1.5, -0.2),
            (10_000.0, 1.5, 0.5),
            (250.0, 3.0, 0.95),
        ] {
            let exact = -a * (-z).ln_1p();
            let got = ln_hyp2f1(a, b, b, z).unwrap();
            assert!(
                (got - exact).abs() <= 1e-12 * exact.abs().max(1.0),
                "{a},{b},{z}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn closed_form_arcsin() {
        for &x in &[0.1f64, 0.5, 0.9, 0.99] {
            let got = hyp2f1(0.5, 0.5, 1.5, x * x).unwrap();
            assert!(rel(got, x.asin() / x) < 1e-13, "x={x}");
        }
    }

    #[test]
    // The reference digits are kept exactly as computed.
    #[allow(clippy::excessive_precision)]
    fn reference_table() {
        // (a, b, c, z, ln|2F1|, sign): computed independently with 40-digit
        // arbitrary-precision arithmetic (mpmath). Covers both transformations,
        // z close to 1, sign changes and values beyond f64 range in linear space.
        let table: [(f64, f64, f64, f64, f64, f64); 11] = [
            (4.2, 4.2, 0.6, -0.6, -3.418_925_819_423_952_158_8, 1.0),
            (0.25, 1.7, 5.5, -0.9, -0.058_893_615_558_706_122_405, 1.0),
            (1.7, 0.8, 1.9, -3.5, -1.107_087_116_215_692_771_6, 1.0),
            (0.8, 4.2, 0.6, -12.0, -4.271_994_099_350_641_402_7, -1.0),
            (
                27.1595,
                1.6061,
                28.1595,
                0.05,
                0.079_389_835_002_535_798_918,
                1.0,
            ),
            (0.25, 2.5, 2.3, 0.975, 1.153_734_966_519_215_673, 1.0),
            (200.25, 202.5, 202.3, 0.5, 138.940_335_421_057_890_56, 1.0),
            (2.0, 3.5, 1.2, 0.999, 30.597_463_290_843_579_134, 1.0),
            (0.3, 0.9, -0.4, 0.35, -0.796_814_144_574_448_028_21, 1.0),
            (1.5, 30.0, 40.0, 0.95, 1.968_491_870_412_369_099_3, 1.0),
            (1000.5, 1.2, 1003.0, 0.8, 1.919_471_491_022_492_698_5, 1.0),
        ];
        for (a, b, c, z, ln_want, sign_want) in table {
            let (ln_got, sign) = ln_hyp2f1_signed(a, b, c, z).unwrap();
            assert_eq!(sign, sign_want, "sign of 2F1({a},{b};{c};{z})");
            assert!(
                (ln_got - ln_want).abs() < 1e-12 * ln_want.abs().max(1.0),
                "ln 2F1({a},{b};{c};{z}) = {ln_got}, want {ln_want}"
            );
        }
    }

    #[test]
    fn transformations_agree_with_direct_series() {
        // Positive parameters and 0 < z ≤ 0.6: the direct series has positive terms
        // and converges quickly, a trustworthy reference for the Euler path
        // (c − a − b < 0). Negative z is covered by `reference_table`.
        let params = [0.25, 0.8, 1.7, 4.2];
        let cs = [0.6, 1.9, 5.5];
        for &a in &params {
            for &b in &params {
                for &c in &cs {
                    for &z in &[0.05, 0.2, 0.45, 0.6] {
                        let want = direct(a, b, c, z);
                        let got = hyp2f1(a, b, c, z).unwrap();
                        assert!(
                            rel(got, want) < 1e-12,
                            "2F1({a},{b};{c};{z}) = {got}, want {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn negative_c_and_terminating_series() {
        // c non-integer negative: signed terms; compare with the direct sum.
        let want = direct(0.3, 0.9, -0.4, 0.35);
        let got = hyp2f1(0.3, 0.9, -0.4, 0.35).unwrap();
        assert!(rel(got, want) < 1e-12);
        // a = −2: polynomial 1 + 2·(−2)(3)/(5)·z/… — compare with direct too.
        let got = hyp2f1(-2.0, 3.0, 5.0, 0.5).unwrap();
        let want =
            1.0 + (-2.0 * 3.0 / 5.0) * 0.5 + (-2.0 * -1.0 * 3.0 * 4.0) / (5.0 * 6.0 * 2.0) * 0.25;
        assert!(rel(got, want) < 1e-14);
    }

    #[test]
    fn domain_errors() {
        assert!(matches!(
            hyp2f1(1.0, 1.0, -2.0, 0.5),
            Err(SpecialError::Domain { name: "c", .. })
        ));
        assert!(matches!(
            hyp2f1(1.0, 1.0, 2.0, 1.0),
            Err(SpecialError::Domain { name: "z", .. })
        ));
        assert!(matches!(
            hyp2f1(f64::NAN, 1.0, 2.0, 0.1),
            Err(SpecialError::NotFinite { .. })
        ));
        assert!(matches!(
            hyp2f1_1pq(1.0, 2.0, 1.0),
            Err(SpecialError::Domain { .. })
        ));
    }

    #[test]
    fn kernel_value_and_gradient() {
        for &(p, q, z) in &[
            (0.8, 2.3, 0.1),
            (30.5, 32.2, 0.6),
            (1.6, 40.0, 0.95),
            (3.0, 5.0, 0.0),
        ] {
            let g = hyp2f1_1pq(p, q, z).unwrap();
            let want = hyp2f1(1.0, p, q, z).unwrap();
            assert!(rel(g.value, want) < 1e-13, "value {p},{q},{z}");
            let h = 1e-6;
            let fd_p =
                (hyp2f1(1.0, p + h, q, z).unwrap() - hyp2f1(1.0, p - h, q, z).unwrap()) / (2.0 * h);
            let fd_q =
                (hyp2f1(1.0, p, q + h, z).unwrap() - hyp2f1(1.0, p, q - h, z).unwrap()) / (2.0 * h);
            let zh = if z == 0.0 { 0.0 } else { h };
            let fd_z = if z == 0.0 {
                p / q
            } else {
                (hyp2f1(1.0, p, q, z + zh).unwrap() - hyp2f1(1.0, p, q, z - zh).unwrap())
                    / (2.0 * zh)
            };
            assert!(
                (g.d_p - fd_p).abs() < 1e-6 * fd_p.abs().max(1e-3),
                "d_p {p},{q},{z}: {} vs {fd_p}",
                g.d_p
            );
            assert!(
                (g.d_q - fd_q).abs() < 1e-6 * fd_q.abs().max(1e-3),
                "d_q {p},{q},{z}"
            );
            assert!(
                (g.d_z - fd_z).abs() < 1e-6 * fd_z.abs().max(1e-3),
                "d_z {p},{q},{z}"
            );
        }
    }
}
