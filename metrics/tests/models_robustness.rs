//! Determinism and numerical robustness of the models at the edges of their
//! domain: heavy buyers, t_x = T, a + b < 1, tiny shapes, day units over ten
//! years, ten million customers via patterns.

use rapport_metrics::models::simulate::{bgnbd_customer, round_to, SplitMix64};
use rapport_metrics::models::{
    bgnbd, mbgnbd, pareto_nbd, FitError, FitInput, FitOptions, InputError,
};

fn finite(v: f64, what: &str) -> f64 {
    assert!(v.is_finite(), "{what} = {v}");
    v
}

fn sample(n: usize, seed: u64, scale: f64) -> FitInput {
    let p = bgnbd::BgNbd::new(0.2426, 4.4136 * scale, 0.7929, 2.4259).unwrap();
    let mut rng = SplitMix64::new(seed);
    let rows: Vec<(f64, f64, f64)> = (0..n)
        .map(|_| {
            let age = round_to((39.0 - 12.0 * rng.uniform()) * scale, 0.01);
            let (x, t_x) = bgnbd_customer(&mut rng, &p, age);
            (x, round_to(t_x, 0.01).min(age), age)
        })
        .collect();
    FitInput::from_rows(rows).unwrap()
}

#[test]
fn fits_are_bitwise_deterministic() {
    let input = sample(3000, 11, 1.0);
    let a = bgnbd::fit(&input, &FitOptions::default()).unwrap();
    let b = bgnbd::fit(&input, &FitOptions::default()).unwrap();
    assert_eq!(a.params.r.to_bits(), b.params.r.to_bits());
    assert_eq!(a.params.alpha.to_bits(), b.params.alpha.to_bits());
    assert_eq!(a.params.a.to_bits(), b.params.a.to_bits());
    assert_eq!(a.params.b.to_bits(), b.params.b.to_bits());
    assert_eq!(a.log_likelihood.to_bits(), b.log_likelihood.to_bits());
    let a = pareto_nbd::fit(&input, &FitOptions::default()).unwrap();
    let b = pareto_nbd::fit(&input, &FitOptions::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    // Row order does not change the patterns, so it does not change the fit.
    let mut rev = input.clone();
    rev.x.reverse();
    rev.t_x.reverse();
    rev.t.reverse();
    let c = bgnbd::fit(&rev, &FitOptions::default()).unwrap();
    let d = bgnbd::fit(&input, &FitOptions::default()).unwrap();
    assert_eq!(c.params.r.to_bits(), d.params.r.to_bits());
}

#[test]
fn heavy_buyers_and_boundary_customers_stay_finite() {
    let bg = bgnbd::BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap();
    let mbg = mbgnbd::MbgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap();
    let pa = pareto_nbd::ParetoNbd::new(0.55, 10.6, 0.61, 11.7).unwrap();
    let pb = pareto_nbd::ParetoNbd::new(0.55, 2.0, 0.61, 30.0).unwrap(); // β > α branch
    for &(x, t_x, t) in &[
        (10_000.0, 38.0, 40.0),
        (10_000.0, 40.0, 40.0),
        (200.0, 38.0, 40.0),
        (3.0, 40.0, 40.0),
        (0.0, 0.0, 40.0),
        (1.0, 0.01, 40.0),
    ] {
        let what = format!("({x}, {t_x}, {t})");
        finite(bg.log_likelihood_one(x, t_x, t).unwrap(), &what);
        finite(mbg.log_likelihood_one(x, t_x, t).unwrap(), &what);
        finite(pa.log_likelihood_one(x, t_x, t).unwrap(), &what);
        finite(pb.log_likelihood_one(x, t_x, t).unwrap(), &what);
        for v in [
            bg.p_alive(x, t_x, t).unwrap(),
            mbg.p_alive(x, t_x, t).unwrap(),
            pa.p_alive(x, t_x, t).unwrap(),
            pb.p_alive(x, t_x, t).unwrap(),
        ] {
            assert!((0.0..=1.0).contains(&v), "{what}: P(alive) = {v}");
        }
        for e in [
            bg.conditional_expected_purchases(52.0, x, t_x, t).unwrap(),
            mbg.conditional_expected_purchases(52.0, x, t_x, t).unwrap(),
            pa.conditional_expected_purchases(52.0, x, t_x, t).unwrap(),
            pb.conditional_expected_purchases(52.0, x, t_x, t).unwrap(),
        ] {
            assert!(finite(e, &what) >= 0.0);
        }
    }
    // A heavy buyer who bought at the very end is almost surely alive.
    assert!(bg.p_alive(10_000.0, 40.0, 40.0).unwrap() > 0.999);
    // One who stopped long ago is not.
    assert!(bg.p_alive(10_000.0, 20.0, 40.0).unwrap() < 1e-6);
}

#[test]
fn awkward_parameters_stay_finite() {
    for (r, alpha, a, b) in [
        (0.25, 4.0, 0.3, 0.5),
        (0.25, 4.0, 1e-4, 1e-4),
        (1e-4, 4.0, 0.8, 2.5),
        (0.25, 4.0, 1.0, 2.5),
        (5.0, 0.01, 50.0, 0.2),
    ] {
        let p = bgnbd::BgNbd::new(r, alpha, a, b).unwrap();
        for t in [0.5, 39.0, 520.0] {
            let e = p.expected_purchases(t).unwrap();
            assert!(finite(e, "E[X(t)]") >= 0.0, "{p:?} t={t}: {e}");
            let c = p
                .conditional_expected_purchases(t, 4.0, 30.0, 39.0)
                .unwrap();
            assert!(finite(c, "E[Y(t)]") >= 0.0);
        }
        finite(p.log_likelihood_one(7.0, 30.0, 39.0).unwrap(), "LL");
    }
}

#[test]
fn day_units_over_ten_years() {
    // T up to ~3650 days; α scales with the time unit.
    let input = sample(4000, 5, 7.0 * 10.0);
    let max_t = input.t.iter().copied().fold(0.0, f64::max);
    assert!(max_t > 2500.0);
    let fit = bgnbd::fit(&input, &FitOptions::default()).unwrap();
    assert!(fit.converged, "{fit:?}");
    assert!(
        fit.params.alpha > 100.0,
        "alpha in day units: {}",
        fit.params.alpha
    );
    let pareto = pareto_nbd::fit(&input, &FitOptions::default()).unwrap();
    assert!(pareto.log_likelihood.is_finite());
    let e = fit
        .params
        .conditional_expected_purchases(3650.0, 3.0, 1000.0, 3000.0)
        .unwrap();
    assert!(finite(e, "E over ten years") >= 0.0);
}

#[test]
fn ten_million_customers_via_patterns() {
    // The CDNOW patterns, each weighted by ~4,243: ten million customers.
    let base = sample(2357, 3, 1.0);
    let mut big = base.clone();
    let k = 10_000_000.0 / 2357.0;
    big.weights = vec![k; base.len()];
    let small = bgnbd::fit(&base, &FitOptions::default()).unwrap();
    let large = bgnbd::fit(&big, &FitOptions::default()).unwrap();
    assert!((large.customers - 1e7).abs() < 1.0);
    assert!(large.converged);
    // Same maximiser; the log-likelihood scales with the weight.
    assert!(((large.params.r - small.params.r) / small.params.r).abs() < 1e-6);
    assert!((large.log_likelihood / small.log_likelihood - k).abs() < 1e-6 * k);
    // Standard errors shrink like 1/√k.
    let (s1, s2) = (small.std_errors.unwrap().r, large.std_errors.unwrap().r);
    assert!(((s1 / s2) / k.sqrt() - 1.0).abs() < 1e-3, "{s1} {s2}");
}

#[test]
fn bad_input_is_an_error_not_a_nan() {
    let e = FitInput::from_rows([(1.0, 2.0, 3.0), (2.0, 5.0, 4.0)]).unwrap_err();
    assert_eq!(
        e,
        InputError::RecencyAfterAge {
            row: 1,
            t_x: 5.0,
            t: 4.0
        }
    );
    let mut input = FitInput::from_rows([(1.0, 2.0, 3.0)]).unwrap();
    input.t[0] = f64::INFINITY;
    assert!(matches!(
        bgnbd::fit(&input, &FitOptions::default()),
        Err(FitError::Input(InputError::NotFinite {
            row: 0,
            field: "T",
            ..
        }))
    ));
    assert!(matches!(
        bgnbd::BgNbd::new(0.0, 1.0, 1.0, 1.0),
        Err(FitError::Parameter { name: "r", .. })
    ));
    let p = bgnbd::BgNbd::new(0.2, 4.0, 0.8, 2.4).unwrap();
    assert!(matches!(
        p.p_alive(2.0, 5.0, 4.0),
        Err(FitError::Argument { name: "t_x", .. })
    ));
    assert!(matches!(
        p.expected_purchases(f64::NAN),
        Err(FitError::Argument { name: "t", .. })
    ));
    // Everyone with zero repeat purchases: a degenerate but legal data set.
    let zeros = FitInput::from_rows((0..100).map(|i| (0.0, 0.0, 10.0 + f64::from(i)))).unwrap();
    match bgnbd::fit(&zeros, &FitOptions::default()) {
        Ok(fit) => {
            assert!(fit.log_likelihood.is_finite());
            assert!(fit.params.r.is_finite() && fit.params.alpha.is_finite());
        }
        Err(e) => assert!(matches!(e, FitError::Diverged { .. }), "{e}"),
    }
}
