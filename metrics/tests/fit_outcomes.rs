//! How fits end: converged, at a boundary of the parameter space (said in
//! words, with the log-likelihood and which model fits better), or not
//! converged (an error unless accepted); bounded cost; customers with T = 0.

use std::cell::Cell;
use std::ops::ControlFlow;
use std::rc::Rc;

use rapport_metrics::models::compare::transaction_models;
use rapport_metrics::models::simulate::SplitMix64;
use rapport_metrics::models::{
    bgbb, bgnbd, mbgnbd, pareto_nbd, BoundaryLimit, FitError, FitInput, FitOptions, FitStatus,
    Monitor, StopReason,
};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow/");

/// The published CDNOW summary (x, t_x, T in weeks).
fn cdnow() -> FitInput {
    let text = std::fs::read_to_string(format!("{DATA}cdnow_customers_summary.csv"))
        .expect("the CDNOW summary is in the repository");
    FitInput::from_rows(text.lines().skip(1).map(|l| {
        let v: Vec<f64> = l
            .split(',')
            .map(|s| s.parse().unwrap_or(f64::NAN))
            .collect();
        (v[1], v[2], v[3])
    }))
    .expect("valid")
}

/// A store where nobody ever leaves: Poisson buyers with Gamma rates, first
/// purchases spread over a year, times recorded in days and given in weeks.
fn no_churn(n: usize) -> FitInput {
    let mut rng = SplitMix64::new(3);
    FitInput::from_rows((0..n).map(|_| {
        let lambda = rng.gamma(0.8) / 10.0;
        let days = (rng.uniform() * 365.0).round() + 1.0;
        let age = days / 7.0;
        let (mut x, mut t_x, mut now) = (0.0, 0.0, 0.0);
        loop {
            now += rng.exponential(lambda);
            if now > age {
                break;
            }
            x += 1.0;
            t_x = now;
        }
        (x, (t_x * 7.0).round().min(days) / 7.0, age)
    }))
    .expect("valid")
}

#[test]
fn cdnow_fits_converge_with_no_boundary() {
    let input = cdnow();
    let fit = bgnbd::fit(&input, &FitOptions::default()).expect("fits");
    assert_eq!(fit.status, FitStatus::Converged);
    assert_eq!(fit.stop, StopReason::Converged);
    assert!(fit.boundary.is_none());
    let fit = pareto_nbd::fit(&input, &FitOptions::default()).expect("fits");
    assert_eq!(fit.status, FitStatus::Converged);
}

#[test]
fn no_churn_data_end_at_the_no_dropout_boundary_quickly() {
    let input = no_churn(20_000);
    let bg = bgnbd::fit(&input, &FitOptions::default()).expect("a boundary is an answer");
    let mbg = mbgnbd::fit(&input, &FitOptions::default()).expect("a boundary is an answer");
    let pa = pareto_nbd::fit(&input, &FitOptions::default()).expect("a boundary is an answer");
    for (status, boundary, evaluations, ll) in [
        (bg.status, &bg.boundary, bg.evaluations, bg.log_likelihood),
        (
            mbg.status,
            &mbg.boundary,
            mbg.evaluations,
            mbg.log_likelihood,
        ),
        (pa.status, &pa.boundary, pa.evaluations, pa.log_likelihood),
    ] {
        assert_eq!(status, FitStatus::Boundary);
        let b = boundary.as_ref().expect("explained");
        assert_eq!(b.limit, BoundaryLimit::NoDropout);
        assert!(b.message.contains("no dropout"), "{}", b.message);
        assert!(
            b.message.contains(&format!("Log-likelihood {ll:.2}")),
            "{}",
            b.message
        );
        // Pareto/NBD used to chase β → ∞ for over ten minutes here; now it
        // stops where the likelihood meets the NBD limit.
        assert!(evaluations < 200, "{evaluations} evaluations");
    }
    assert!(pa
        .boundary
        .as_ref()
        .is_some_and(|b| b.message.contains("Pareto/NBD reduces to the NBD model")));
    // All three climb to the same limit: the NBD model's maximum.
    assert!((bg.log_likelihood - pa.log_likelihood).abs() < 0.01);
    let cmp = transaction_models(
        &input,
        &FitOptions::default(),
        &[("bgnbd", bg.log_likelihood, bg.status)],
    );
    assert!(
        cmp.message.contains("fit these data equally well"),
        "{}",
        cmp.message
    );
    assert_eq!(cmp.candidates.len(), 3);
}

#[test]
fn a_fit_stopped_early_is_an_error_unless_accepted() {
    let input = cdnow();
    let tight = FitOptions {
        max_iterations: 3,
        ..FitOptions::default()
    };
    let err = bgnbd::fit(&input, &tight).expect_err("3 iterations do not converge");
    match &err {
        FitError::NotConverged {
            model,
            reason,
            iterations,
            log_likelihood,
            params,
        } => {
            assert_eq!(*model, "bgnbd");
            assert_eq!(*reason, StopReason::MaxIterations);
            assert_eq!(*iterations, 3);
            assert!(log_likelihood.is_finite() && *log_likelihood < -9582.0);
            assert_eq!(params.len(), 4);
        }
        other => panic!("expected NotConverged, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.starts_with("BG/NBD: the fit did not converge: the iteration limit was reached"),
        "{msg}"
    );
    let accepted = bgnbd::fit(
        &input,
        &FitOptions {
            accept_unconverged: true,
            ..tight
        },
    )
    .expect("accepted");
    assert_eq!(accepted.status, FitStatus::NotConverged);
    assert!(!accepted.converged);

    let few = FitOptions {
        max_evaluations: 5,
        ..FitOptions::default()
    };
    assert!(matches!(
        pareto_nbd::fit(&input, &few),
        Err(FitError::NotConverged {
            reason: StopReason::MaxEvaluations,
            ..
        })
    ));
}

#[test]
fn a_monitor_sees_progress_and_can_stop_the_fit() {
    let input = cdnow();
    let seen = Rc::new(Cell::new(0usize));
    let last_ll = Rc::new(Cell::new(f64::NEG_INFINITY));
    let (s, l) = (seen.clone(), last_ll.clone());
    let opts = FitOptions {
        monitor: Monitor::new(move |p| {
            assert_eq!(p.model, "pareto_nbd");
            assert_eq!(p.params.len(), 4);
            // BFGS never goes downhill.
            assert!(p.log_likelihood >= l.get());
            l.set(p.log_likelihood);
            s.set(s.get() + 1);
            if p.iteration >= 4 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }),
        ..FitOptions::default()
    };
    let err = pareto_nbd::fit(&input, &opts).expect_err("stopped");
    assert!(
        matches!(
            err,
            FitError::NotConverged {
                reason: StopReason::Interrupted,
                iterations: 4,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(seen.get(), 4);
    // Without the stop the same monitor sees every iteration of a converged fit.
    seen.set(0);
    last_ll.set(f64::NEG_INFINITY);
    let (s, l) = (seen.clone(), last_ll.clone());
    let opts = FitOptions {
        monitor: Monitor::new(move |p| {
            l.set(p.log_likelihood);
            s.set(s.get() + 1);
            ControlFlow::Continue(())
        }),
        ..FitOptions::default()
    };
    let fit = bgnbd::fit(&input, &opts).expect("converges");
    assert!(seen.get() + 1 >= fit.iterations && fit.iterations > 5);
    assert!((last_ll.get() - fit.log_likelihood).abs() < 1e-3);
}

#[test]
fn customers_with_no_observed_time_change_nothing_and_get_new_customer_predictions() {
    let base = cdnow();
    let mut with_new = base.clone();
    for _ in 0..25 {
        with_new.x.push(0.0);
        with_new.t_x.push(0.0);
        with_new.t.push(0.0);
        with_new.weights.push(1.0);
    }
    with_new.validate().expect("T = 0 is valid with x = 0");
    let a = bgnbd::fit(&base, &FitOptions::default()).expect("fits");
    let b = bgnbd::fit(&with_new, &FitOptions::default()).expect("fits");
    assert_eq!(a.params, b.params);
    assert_eq!(a.log_likelihood, b.log_likelihood);
    assert_eq!(b.customers, a.customers + 25.0);
    let pa = pareto_nbd::fit(&with_new, &FitOptions::default()).expect("fits");
    assert_eq!(
        pa.params,
        pareto_nbd::fit(&base, &FitOptions::default())
            .expect("fits")
            .params
    );

    // A brand-new customer: alive, and expected to buy like any new customer.
    let bg = b.params;
    assert_eq!(bg.p_alive(0.0, 0.0, 0.0).expect("defined"), 1.0);
    let e = bg
        .conditional_expected_purchases(52.0, 0.0, 0.0, 0.0)
        .expect("defined");
    assert!((e - bg.expected_purchases(52.0).expect("defined")).abs() < 1e-9);
    let p = pa.params;
    assert!((p.p_alive(0.0, 0.0, 0.0).expect("defined") - 1.0).abs() < 1e-12);
    let e = p
        .conditional_expected_purchases(52.0, 0.0, 0.0, 0.0)
        .expect("defined");
    assert!((e - p.expected_purchases(52.0).expect("defined")).abs() < 1e-9);
    let m = mbgnbd::fit(&with_new, &FitOptions::default()).expect("fits");
    let e = m
        .params
        .conditional_expected_purchases(52.0, 0.0, 0.0, 0.0)
        .expect("defined");
    assert!((e - m.params.expected_purchases(52.0).expect("defined")).abs() < 1e-9);

    // Repeat purchases with T = 0 are impossible, and a data set of new
    // customers only has nothing to fit.
    assert!(FitInput::from_rows([(1.0, 0.0, 0.0)]).is_err());
    let only_new = FitInput::from_rows([(0.0, 0.0, 0.0), (0.0, 0.0, 0.0)]).expect("valid");
    let err = bgnbd::fit(&only_new, &FitOptions::default()).expect_err("nothing to fit");
    assert!(err.to_string().contains("T = 0"), "{err}");
    let n_zero =
        FitInput::from_rows([(0.0, 0.0, 0.0), (1.0, 1.0, 3.0), (0.0, 0.0, 3.0)]).expect("valid");
    assert!(bgbb::fit(&n_zero, &FitOptions::default()).is_ok());
}
