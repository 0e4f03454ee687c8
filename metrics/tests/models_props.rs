//! Property tests: predictions are probabilities and non-negative,
//! non-decreasing counts for any valid parameters and customer.

use proptest::prelude::*;
use rapport_metrics::models::{bgbb, bgnbd, mbgnbd, pareto_nbd};

fn param() -> impl Strategy<Value = f64> {
    (-2.5f64..2.5).prop_map(|l| 10f64.powf(l))
}

fn customer() -> impl Strategy<Value = (f64, f64, f64)> {
    (0u32..300, 0.0f64..1.0, 0.5f64..200.0).prop_map(|(x, frac, t)| {
        let x = f64::from(x);
        let t_x = if x == 0.0 { 0.0 } else { frac * t };
        (x, t_x, t)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn bgnbd_predictions_are_sane(r in param(), alpha in param(), a in param(), b in param(), (x, t_x, t) in customer()) {
        let p = bgnbd::BgNbd::new(r, alpha, a, b).unwrap();
        let alive = p.p_alive(x, t_x, t).unwrap();
        prop_assert!((0.0..=1.0).contains(&alive));
        let mut last = 0.0;
        for h in [0.0, 1.0, 10.0, 52.0, 200.0] {
            let e = p.conditional_expected_purchases(h, x, t_x, t).unwrap();
            prop_assert!(e.is_finite() && e >= 0.0, "E = {}", e);
            prop_assert!(e >= last * (1.0 - 1e-9) - 1e-12, "not monotone: {} then {}", last, e);
            last = e;
        }
        prop_assert!(p.log_likelihood_one(x, t_x, t).unwrap().is_finite());
    }

    #[test]
    fn mbgnbd_predictions_are_sane(r in param(), alpha in param(), a in param(), b in param(), (x, t_x, t) in customer()) {
        let p = mbgnbd::MbgNbd::new(r, alpha, a, b).unwrap();
        let alive = p.p_alive(x, t_x, t).unwrap();
        prop_assert!((0.0..=1.0).contains(&alive));
        let mut last = 0.0;
        for h in [0.0, 1.0, 10.0, 52.0, 200.0] {
            let e = p.conditional_expected_purchases(h, x, t_x, t).unwrap();
            prop_assert!(e.is_finite() && e >= 0.0);
            prop_assert!(e >= last * (1.0 - 1e-9) - 1e-12);
            last = e;
        }
    }

    #[test]
    fn pareto_predictions_are_sane(r in param(), alpha in param(), s in param(), beta in param(), (x, t_x, t) in customer()) {
        let p = pareto_nbd::ParetoNbd::new(r, alpha, s, beta).unwrap();
        // z can come within 1e-5 of 1 for extreme α/β ratios; the series then
        // needs more terms than its budget and says so instead of guessing.
        let Ok(alive) = p.p_alive(x, t_x, t) else { return Ok(()); };
        prop_assert!((0.0..=1.0).contains(&alive));
        let mut last = 0.0;
        for h in [0.0, 1.0, 10.0, 52.0, 200.0] {
            let e = p.conditional_expected_purchases(h, x, t_x, t).unwrap();
            prop_assert!(e.is_finite() && e >= 0.0);
            prop_assert!(e >= last * (1.0 - 1e-9) - 1e-12);
            last = e;
        }
        prop_assert!(p.log_likelihood_one(x, t_x, t).unwrap().is_finite());
    }

    #[test]
    fn bgbb_predictions_are_sane(al in param(), be in param(), ga in param(), de in param(), n in 1u32..40, a in 0u32..40, b in 0u32..40) {
        let p = bgbb::BgBb::new(al, be, ga, de).unwrap();
        let t_x = f64::from(a.min(n));
        let x = if t_x == 0.0 { 0.0 } else { f64::from(b % (a.min(n)) + 1) };
        let n = f64::from(n);
        let alive = p.p_alive(x, t_x, n).unwrap();
        prop_assert!((0.0..=1.0).contains(&alive));
        let mut last = 0.0;
        for k in [0.0, 1.0, 5.0, 20.0] {
            let e = p.conditional_expected_transactions(k, x, t_x, n).unwrap();
            prop_assert!(e.is_finite() && e >= 0.0 && e <= k + 1e-9, "E = {}", e);
            prop_assert!(e >= last * (1.0 - 1e-9) - 1e-12);
            last = e;
        }
    }
}
