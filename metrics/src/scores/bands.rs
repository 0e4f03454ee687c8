//! CLV bands and the at-risk rule.
//!
//! * **CLV band** — the quartiles of the site's annual values (linear interpolation):
//!   `top` at or above the third quartile, `high` at or above the median, `medium` at or
//!   above the first quartile, `low` below.
//! * **At risk** — `P(alive) < 0.5` *and* past spend at or above the site's median past
//!   spend: a customer worth keeping who has probably stopped buying.

/// The band names, best first.
pub const BANDS: [&str; 4] = ["top", "high", "medium", "low"];
/// P(alive) below this is "probably gone".
pub const AT_RISK_P_ALIVE: f64 = 0.5;

/// The `q` quantile of sorted `values` (linear interpolation; 0 when empty).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// The three quartiles of `values` (any order; non-finite values ignored).
pub fn quartiles(values: &[f64]) -> [f64; 3] {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_unstable_by(f64::total_cmp);
    [quantile(&v, 0.25), quantile(&v, 0.5), quantile(&v, 0.75)]
}

/// The band of `value` given the site's `quartiles`.
pub fn band(value: f64, quartiles: [f64; 3]) -> &'static str {
    if value >= quartiles[2] {
        BANDS[0]
    } else if value >= quartiles[1] {
        BANDS[1]
    } else if value >= quartiles[0] {
        BANDS[2]
    } else {
        BANDS[3]
    }
}

/// The at-risk rule (see the module documentation); `spend` and `median_spend` in one unit.
pub fn at_risk(p_alive: f64, spend: f64, median_spend: f64) -> bool {
    p_alive < AT_RISK_P_ALIVE && spend >= median_spend
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quartiles_of_one_to_five() {
        assert_eq!(quartiles(&[5.0, 1.0, 3.0, 2.0, 4.0]), [2.0, 3.0, 4.0]);
        assert_eq!(band(4.5, [2.0, 3.0, 4.0]), "top");
        assert_eq!(band(3.0, [2.0, 3.0, 4.0]), "high");
        assert_eq!(band(2.5, [2.0, 3.0, 4.0]), "medium");
        assert_eq!(band(1.0, [2.0, 3.0, 4.0]), "low");
    }

    #[test]
    fn at_risk_needs_both_low_p_alive_and_high_spend() {
        assert!(at_risk(0.2, 100.0, 50.0));
        assert!(!at_risk(0.6, 100.0, 50.0));
        assert!(!at_risk(0.2, 10.0, 50.0));
        assert!(at_risk(0.49, 50.0, 50.0));
    }

    proptest! {
        #[test]
        fn about_a_quarter_in_each_band(values in proptest::collection::vec(0u32..1_000_000, 40..200)) {
            let v: Vec<f64> = values.iter().map(|&x| f64::from(x)).collect();
            let q = quartiles(&v);
            prop_assert!(q[0] <= q[1] && q[1] <= q[2]);
            let top = v.iter().filter(|&&x| band(x, q) == "top").count();
            // At least a quarter at or above the third quartile (ties may add more).
            prop_assert!(top * 4 >= v.len() - 3);
        }
    }
}
