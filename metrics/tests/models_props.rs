//! Property tests: predictions are probabilities and non-negative,
//! non-decreasing counts for any valid parameters and customer.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use rapport_metrics::models::FitError;
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

/// Pareto/NBD predictions for any valid parameters and customer. z can come within 1e-5 of
/// 1 for extreme α/β ratios; the hypergeometric series then needs more terms than its
/// budget and `p_alive` says so (a special-function error) instead of guessing. Such cases
/// are skipped, but they must stay rare and of that kind only: a change that made
/// `p_alive` fail more often would otherwise pass unnoticed. (Measured: 0 of 5,000
/// generated customers; the bound allows 1 in 50.)
#[test]
fn pareto_predictions_are_sane() {
    const CASES: u32 = 96;
    let cases = Cell::new(0u32);
    let skipped = Cell::new(0u32);
    let mut runner = TestRunner::new(ProptestConfig::with_cases(CASES));
    let strategy = (param(), param(), param(), param(), customer());
    runner
        .run(&strategy, |(r, alpha, s, beta, (x, t_x, t))| {
            cases.set(cases.get() + 1);
            let p = pareto_nbd::ParetoNbd::new(r, alpha, s, beta).unwrap();
            let alive = match p.p_alive(x, t_x, t) {
                Ok(alive) => alive,
                Err(FitError::Special(_)) => {
                    skipped.set(skipped.get() + 1);
                    return Ok(());
                }
                Err(other) => {
                    return Err(TestCaseError::fail(format!("p_alive failed: {other}")));
                }
            };
            prop_assert!((0.0..=1.0).contains(&alive));
            let mut last = 0.0;
            for h in [0.0, 1.0, 10.0, 52.0, 200.0] {
                let e = p.conditional_expected_purchases(h, x, t_x, t).unwrap();
                prop_assert!(e.is_finite() && e >= 0.0);
                prop_assert!(e >= last * (1.0 - 1e-9) - 1e-12);
                last = e;
            }
            prop_assert!(p.log_likelihood_one(x, t_x, t).unwrap().is_finite());
            Ok(())
        })
        .unwrap();
    assert!(
        skipped.get() * 50 <= cases.get(),
        "p_alive gave up on {} of {} customers",
        skipped.get(),
        cases.get()
    );
}
