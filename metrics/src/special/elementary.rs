//! Branch-free, inlinable `exp` and `ln` for the likelihood inner loops.
//!
//! The platform `exp`/`ln` are out-of-line calls with special-case branches
//! (and in wasm a software port), which stops the compiler from keeping a loop
//! over patterns in registers or vectorizing it; `ln_1p` is slower still.
//! These are the classic algorithms: argument reduction by powers of two, then
//! a polynomial (exp) or fdlibm's rational kernel (ln) on the reduced argument,
//! written with plain IEEE operations and unsigned bit manipulation only. So
//! they inline, vectorize, stay within a few ulp, and give bitwise the same
//! result on every target (no FMA contraction, no lookup tables). Their domains
//! are narrower than the std functions' and are stated on each; the callers
//! guarantee them.

// fdlibm's coefficients keep their digits as published.
#![allow(clippy::excessive_precision)]

const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// 1.5 · 2⁵²: adding it rounds a value of magnitude < 2⁵¹ to an integer held in
/// the low mantissa bits (round half to even).
const ROUND: f64 = 6_755_399_441_055_744.0;
const ROUND_BITS: u64 = 0x4338_0000_0000_0000;

/// e^x for x ≤ 709; returns 0 below −708 (where e^x is near or below the
/// subnormal range). Above 709 or NaN gives an unspecified value.
#[inline(always)]
pub fn exp_fast(x: f64) -> f64 {
    // Clamp so the power of two below stays a normal number; the select at the
    // end flushes the clamped low range to 0.
    let xc = x.clamp(-708.0, 709.0);
    let t = xc * std::f64::consts::LOG2_E + ROUND;
    let k = t.to_bits().wrapping_sub(ROUND_BITS);
    let kf = t - ROUND;
    // r = x − k ln 2 in two parts, |r| ≤ ln 2 / 2.
    let hi = xc - kf * LN2_HI;
    let r = hi - kf * LN2_LO;
    // Taylor series to r¹³: the remainder, |r|¹⁴/14! < 5e-18, is below half an
    // ulp. Evaluated in two interleaved halves (Estrin) for a shorter chain
    // than Horner, and without the division of fdlibm's rational form.
    let r2 = r * r;
    let r4 = r2 * r2;
    let p01 = 1.0 + r;
    let p23 = 1.0 / 2.0 + r * (1.0 / 6.0);
    let p45 = 1.0 / 24.0 + r * (1.0 / 120.0);
    let p67 = 1.0 / 720.0 + r * (1.0 / 5040.0);
    let p89 = 1.0 / 40_320.0 + r * (1.0 / 362_880.0);
    let p1011 = 1.0 / 3_628_800.0 + r * (1.0 / 39_916_800.0);
    let p1213 = 1.0 / 479_001_600.0 + r * (1.0 / 6_227_020_800.0);
    let q0 = p01 + r2 * p23;
    let q1 = p45 + r2 * p67;
    let q2 = p89 + r2 * p1011;
    let y = q0 + r4 * (q1 + r4 * (q2 + r4 * p1213));
    // 2^k as a double: k ∈ [−1022, 1023] after the clamp. Unsigned
    // wrapping arithmetic only, which vectorizes on every target.
    let scale = f64::from_bits(k.wrapping_add(1023) << 52);
    let v = y * scale;
    if x < -708.0 {
        0.0
    } else {
        v
    }
}

/// ln x for positive, finite, normal x (≥ 2.2e-308). Anything else gives an
/// unspecified value.
#[inline(always)]
pub fn ln_fast(x: f64) -> f64 {
    // x = 2^k · m with m ∈ [√2/2, √2): shift the exponent field so mantissas
    // above √2 carry into the next power of two.
    let bits = x.to_bits();
    let shifted = bits.wrapping_add(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_0000_0000);
    let k = (shifted >> 52) as i64 - 0x3ff;
    let m = f64::from_bits((shifted & 0x000f_ffff_ffff_ffff) + 0x3fe6_a09e_0000_0000);
    let kf = f64::from_bits(ROUND_BITS.wrapping_add(k as u64)) - ROUND;
    let f = m - 1.0;
    ln_kernel(f, f / (2.0 + f), kf)
}

/// (ln(1 + e), 1/(1 + e)) for 0 ≤ e ≤ 1, with one division between them: the
/// log-sum-exp of two terms whose smaller-to-larger ratio is e, and the larger
/// one's share. Within a few ulp of `(1.0 + e).ln()` and `1.0 / (1.0 + e)`.
#[inline(always)]
pub fn ln_1p_recip(e: f64) -> (f64, f64) {
    const SQRT2: f64 = std::f64::consts::SQRT_2;
    let y = 1.0 + e;
    // y = 2^k m, m ∈ [√2/2, √2): k is 0 or 1 here.
    let big = y >= SQRT2;
    let m = if big { 0.5 * y } else { y };
    let kf = if big { 1.0 } else { 0.0 };
    let f = m - 1.0;
    // One division for both 1/y and s = f/(2 + f) = f/(1 + m).
    let d = 1.0 / (y * (1.0 + m));
    let recip = (1.0 + m) * d;
    let s = f * y * d;
    (ln_kernel(f, s, kf), recip)
}

/// fdlibm's ln(2^k (1 + f)) from f, s = f/(2 + f) and k.
#[inline(always)]
fn ln_kernel(f: f64, s: f64, kf: f64) -> f64 {
    const LG1: f64 = 6.666_666_666_666_735_130e-1;
    const LG2: f64 = 3.999_999_999_940_941_908e-1;
    const LG3: f64 = 2.857_142_874_366_239_149e-1;
    const LG4: f64 = 2.222_219_843_214_978_396e-1;
    const LG5: f64 = 1.818_357_216_161_805_012e-1;
    const LG6: f64 = 1.531_383_769_920_937_332e-1;
    const LG7: f64 = 1.479_819_860_511_658_591e-1;
    let hfsq = 0.5 * f * f;
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    s * (hfsq + r) + kf * LN2_LO - hfsq + f + kf * LN2_HI
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        ((a - b) / (b.abs() * f64::EPSILON).max(f64::MIN_POSITIVE)).abs()
    }

    #[test]
    fn exp_matches_std_within_two_ulp() {
        let mut x = -708.0f64;
        while x < 709.0 {
            for v in [x, x * 0.999_999_7, -x.abs() * 1e-3, x * 1e-9] {
                let got = exp_fast(v);
                let want = v.exp();
                assert!(ulps(got, want) <= 2.0, "exp({v}) = {got}, want {want}");
            }
            x += 0.137;
        }
        assert_eq!(exp_fast(0.0), 1.0);
        assert_eq!(exp_fast(-800.0), 0.0);
        assert_eq!(exp_fast(f64::NEG_INFINITY), 0.0);
        assert!((exp_fast(709.0) / 709f64.exp() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn ln_matches_std_within_two_ulp() {
        let mut x = 1e-300f64;
        while x < 1e300 {
            for v in [x, x * 1.000_000_3, x * std::f64::consts::SQRT_2, x * 0.999] {
                let got = ln_fast(v);
                let want = v.ln();
                let err = (got - want).abs();
                assert!(
                    err <= 2.0 * f64::EPSILON * want.abs().max(1e-300) || err == 0.0,
                    "ln({v}) = {got}, want {want}"
                );
            }
            x *= 1.37;
        }
        let mut y = 1.0f64;
        while y <= 2.0 {
            assert!(ulps(ln_fast(y), y.ln()) <= 2.0 || (ln_fast(y) - y.ln()).abs() < 1e-17);
            y += 1.0 / 1024.0 + 1e-9;
        }
        assert_eq!(ln_fast(1.0), 0.0);
        let mut e = 0.0f64;
        while e <= 1.0 {
            let (l, r) = ln_1p_recip(e);
            let (want_l, want_r) = ((1.0 + e).ln(), 1.0 / (1.0 + e));
            assert!(
                (l - want_l).abs() <= 4.0 * f64::EPSILON * want_l,
                "ln(1+{e})"
            );
            assert!(ulps(r, want_r) <= 4.0, "1/(1+{e})");
            e += 1.0 / 4096.0 + 1e-10;
        }
        for e in [
            0.0,
            1e-300,
            1e-17,
            1e-9,
            0.414_213_562_373_095,
            0.414_213_562_373_096,
            1.0,
        ] {
            let (l, r) = ln_1p_recip(e);
            let want = (1.0 + e).ln();
            assert!((l - want).abs() <= 4.0 * f64::EPSILON * want, "ln(1+{e})");
            assert!(ulps(r, 1.0 / (1.0 + e)) <= 4.0);
        }
        assert!((ln_fast(f64::MIN_POSITIVE) - f64::MIN_POSITIVE.ln()).abs() < 1e-12);
    }
}
