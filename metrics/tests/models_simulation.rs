//! Parameter recovery: simulate a customer base from known parameters with a
//! seeded generator, fit it back, and check the estimates land near the truth.

use rapport_metrics::models::simulate::{
    bgbb_customer, bgnbd_customer, pareto_customer, SplitMix64,
};
use rapport_metrics::models::{
    bgbb, bgnbd, gamma_gamma, pareto_nbd, FitInput, FitOptions, SpendInput,
};

fn within(name: &str, got: f64, truth: f64, rel: f64) {
    assert!(
        ((got - truth) / truth).abs() <= rel,
        "{name}: fitted {got}, truth {truth}"
    );
}

fn ages(rng: &mut SplitMix64) -> f64 {
    39.0 - 12.0 * rng.uniform()
}

#[test]
fn bgnbd_recovers_its_parameters() {
    let truth = bgnbd::BgNbd::new(0.5, 5.0, 0.8, 2.5).unwrap();
    let mut rng = SplitMix64::new(2024);
    let rows: Vec<_> = (0..60_000)
        .map(|_| {
            let t = ages(&mut rng);
            let (x, t_x) = bgnbd_customer(&mut rng, &truth, t);
            (x, t_x, t)
        })
        .collect();
    let fit = bgnbd::fit(&FitInput::from_rows(rows).unwrap(), &FitOptions::default()).unwrap();
    assert!(fit.converged);
    let p = fit.params;
    within("r", p.r, truth.r, 0.06);
    within("alpha", p.alpha, truth.alpha, 0.08);
    within("a", p.a, truth.a, 0.15);
    within("b", p.b, truth.b, 0.2);
    // The truth lies within ~3 standard errors.
    let se = fit.std_errors.unwrap();
    assert!((p.r - truth.r).abs() < 3.5 * se.r, "r {} ± {}", p.r, se.r);
}

#[test]
fn pareto_recovers_its_parameters() {
    let truth = pareto_nbd::ParetoNbd::new(0.6, 8.0, 0.8, 12.0).unwrap();
    let mut rng = SplitMix64::new(77);
    let rows: Vec<_> = (0..40_000)
        .map(|_| {
            let t = ages(&mut rng);
            let (x, t_x) = pareto_customer(&mut rng, &truth, t);
            (x, t_x, t)
        })
        .collect();
    let fit = pareto_nbd::fit(&FitInput::from_rows(rows).unwrap(), &FitOptions::default()).unwrap();
    assert!(fit.converged);
    let p = fit.params;
    within("r", p.r, truth.r, 0.08);
    within("alpha", p.alpha, truth.alpha, 0.1);
    // s and β are weakly identified over 39 weeks; r/α and s/β are what matter.
    within("s/beta", p.s / p.beta, truth.s / truth.beta, 0.15);
}

#[test]
fn bgbb_recovers_its_parameters() {
    let truth = bgbb::BgBb::new(1.2, 0.75, 0.66, 2.8).unwrap();
    let mut rng = SplitMix64::new(9);
    let rows: Vec<_> = (0..40_000)
        .map(|_| {
            let (x, t_x) = bgbb_customer(&mut rng, &truth, 10);
            (x, t_x, 10.0)
        })
        .collect();
    let fit = bgbb::fit(&FitInput::from_rows(rows).unwrap(), &FitOptions::default()).unwrap();
    assert!(fit.converged);
    assert!(
        fit.patterns <= 66,
        "10 periods give at most 1 + 55 histories"
    );
    let p = fit.params;
    within("alpha", p.alpha, truth.alpha, 0.1);
    within("beta", p.beta, truth.beta, 0.1);
    within("gamma", p.gamma, truth.gamma, 0.15);
    within("delta", p.delta, truth.delta, 0.2);
}

#[test]
fn gamma_gamma_recovers_its_parameters() {
    let truth = gamma_gamma::GammaGamma::new(6.0, 4.0, 15.0).unwrap();
    let mut rng = SplitMix64::new(31);
    let rows: Vec<_> = (0..20_000)
        .map(|i| {
            let x = 1.0 + f64::from(i % 6);
            let nu = rng.gamma(truth.q) / truth.gamma;
            let total: f64 = (0..x as u32).map(|_| rng.gamma(truth.p) / nu).sum();
            (x, total / x)
        })
        .collect();
    let fit = gamma_gamma::fit(
        &SpendInput::from_rows(rows).unwrap(),
        &FitOptions::default(),
    )
    .unwrap();
    assert!(fit.converged);
    let p = fit.params;
    // p is learnt only from within-customer variation (x ≥ 2), so it is the
    // noisiest; every estimate must sit within 3.5 standard errors of the truth.
    let se = fit.std_errors.unwrap();
    for (name, got, want, s) in [
        ("p", p.p, truth.p, se.p),
        ("q", p.q, truth.q, se.q),
        ("gamma", p.gamma, truth.gamma, se.gamma),
    ] {
        assert!(
            (got - want).abs() < 3.5 * s,
            "{name}: fitted {got} ± {s}, truth {want}"
        );
    }
    within("p", p.p, truth.p, 0.12);
    within(
        "mean spend",
        p.mean_spend().unwrap(),
        truth.mean_spend().unwrap(),
        0.03,
    );
}
