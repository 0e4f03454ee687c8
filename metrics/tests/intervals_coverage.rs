//! Coverage of the prediction intervals: simulate customer bases from known
//! BG/NBD and Gamma-Gamma parameters, fit both models, compute 90 % intervals
//! for a few reference customers, and count how often the interval holds the
//! value at the true parameters. A correct method covers it in ~90 % of
//! repetitions.
//!
//! The reference customers are fixed histories (they need not be in the
//! sample); what varies between repetitions is the fitted parameters, which is
//! the uncertainty the intervals describe.

use rapport_metrics::models::bgnbd::{self, BgNbd};
use rapport_metrics::models::clv::{ClvOptions, Customer};
use rapport_metrics::models::gamma_gamma::{self, GammaGamma};
use rapport_metrics::models::simulate::{bgnbd_customer, round_to, SplitMix64};
use rapport_metrics::models::transaction::TransactionParams;
use rapport_metrics::models::{FitInput, FitOptions, SpendInput};
use rapport_metrics::uncertainty::{
    prediction_intervals, spend_covariance, transaction_covariance, IntervalOptions,
};

/// CDNOW's published estimates: the truth the bases are drawn from.
fn truth() -> (BgNbd, GammaGamma) {
    (
        BgNbd::new(0.2426, 4.4136, 0.7929, 2.4259).unwrap(),
        GammaGamma::new(6.2488, 3.7446, 15.4477).unwrap(),
    )
}

/// Reference histories: no repeat, the published example, an early stopper, a heavy buyer.
const WHO: [Customer; 4] = [
    Customer {
        x: 0.0,
        t_x: 0.0,
        t: 39.0,
        zbar: 0.0,
    },
    Customer {
        x: 2.0,
        t_x: 30.43,
        t: 38.86,
        zbar: 22.35,
    },
    Customer {
        x: 5.0,
        t_x: 10.0,
        t: 39.0,
        zbar: 35.0,
    },
    Customer {
        x: 10.0,
        t_x: 38.0,
        t: 39.0,
        zbar: 15.0,
    },
];

/// One base of `n` customers acquired over 12 weeks, observed to week 39, times
/// recorded in whole days; spend drawn for the repeat buyers.
fn base(rng: &mut SplitMix64, n: usize) -> (FitInput, SpendInput) {
    let (bg, gg) = truth();
    let mut rows = Vec::with_capacity(n);
    let mut spend = Vec::new();
    for _ in 0..n {
        let age = round_to(39.0 - 12.0 * rng.uniform(), 1.0 / 7.0);
        let (x, t_x) = bgnbd_customer(rng, &bg, age);
        rows.push((x, round_to(t_x, 1.0 / 7.0).min(age), age));
        if x > 0.0 {
            let nu = rng.gamma(gg.q) / gg.gamma;
            spend.push((x, rng.gamma(gg.p * x) / (nu * x)));
        }
    }
    (
        FitInput::from_rows(rows).unwrap(),
        SpendInput::from_rows(spend).unwrap(),
    )
}

/// Share of `reps` repetitions in which each quantity's interval holds the
/// true value, by name.
fn coverage(reps: usize, n: usize, draws: usize) -> Vec<(String, f64)> {
    let (bg, gg) = truth();
    let truth_model = TransactionParams::Bgnbd(bg);
    let opts = IntervalOptions {
        level: 0.9,
        draws,
        horizon: 52.0,
        clv: ClvOptions::default(),
        seed: 0,
    };
    // True values: the same computation at the true parameters.
    let mut names = Vec::new();
    let mut true_values = Vec::new();
    for (i, c) in WHO.iter().enumerate() {
        if i > 0 {
            names.push(format!("P(alive) of customer {i}"));
            true_values.push(truth_model.p_alive(c.x, c.t_x, c.t).unwrap());
        }
        names.push(format!("E[Y(52)] of customer {i}"));
        true_values.push(
            truth_model
                .conditional_expected_purchases(52.0, c.x, c.t_x, c.t)
                .unwrap(),
        );
        names.push(format!("CLV of customer {i}"));
        true_values.push(
            rapport_metrics::models::clv::customer_lifetime_value(
                &bg,
                &gg,
                c,
                &ClvOptions::default(),
            )
            .unwrap(),
        );
    }
    let mut covered = vec![0usize; names.len()];
    let mut rng = SplitMix64::new(20_240_611);
    for rep in 0..reps {
        let (input, spend) = base(&mut rng, n);
        let fit = bgnbd::fit(&input, &FitOptions::default()).unwrap();
        let g = gamma_gamma::fit(&spend, &FitOptions::default()).unwrap();
        assert!(fit.converged && g.converged, "repetition {rep}");
        let model = TransactionParams::Bgnbd(fit.params);
        let cov = transaction_covariance(&model, &input).unwrap();
        let gcov = spend_covariance(&g.params, &spend).unwrap();
        let iv = prediction_intervals(
            &model,
            &cov,
            &WHO,
            Some((&g.params, &gcov)),
            &IntervalOptions {
                seed: rep as u64,
                ..opts
            },
        )
        .unwrap();
        let clv = iv.clv.as_ref().unwrap();
        let mut k = 0;
        for i in 0..WHO.len() {
            let mut cols = Vec::new();
            if i > 0 {
                cols.push(&iv.p_alive);
            }
            cols.push(&iv.expected);
            cols.push(clv);
            for col in cols {
                let v = true_values[k];
                if col.low[i] <= v && v <= col.high[i] {
                    covered[k] += 1;
                }
                k += 1;
            }
        }
    }
    names
        .into_iter()
        .zip(covered)
        .map(|(name, c)| (name, c as f64 / reps as f64))
        .collect()
}

fn report(cov: &[(String, f64)]) -> String {
    cov.iter()
        .map(|(n, c)| format!("{n}: {:.1} %", 100.0 * c))
        .collect::<Vec<_>>()
        .join("\n")
}

/// CI version: 200 repetitions of 2,000 customers, 200 parameter draws per
/// interval (the heavy version below uses 500). The binomial standard error
/// of one coverage estimate is then √(0.9·0.1/200) = 2.1 points, so each
/// quantity is held to 90 % ± 2.4 standard errors (85–95 %), and the mean
/// over the quantities — whose errors partly average out — to 87–93 %.
#[test]
fn ninety_percent_intervals_cover_the_truth_about_ninety_percent_of_the_time() {
    let cov = coverage(200, 2_000, 200);
    let text = report(&cov);
    println!("{text}");
    for (name, c) in &cov {
        assert!((0.85..=0.95).contains(c), "{name}: {c}\n{text}");
    }
    let mean = cov.iter().map(|(_, c)| c).sum::<f64>() / cov.len() as f64;
    assert!(
        (0.87..=0.93).contains(&mean),
        "mean coverage {mean}\n{text}"
    );
}

/// The heavy version: 1,000 repetitions (standard error ~1 point per quantity).
/// Run with `cargo test --release -p rapport-metrics --test intervals_coverage -- --ignored`.
#[test]
#[ignore = "about 25 s in release mode; the CI version above checks the same with 200 repetitions"]
fn coverage_with_a_thousand_repetitions() {
    let cov = coverage(1_000, 2_000, 500);
    let text = report(&cov);
    println!("{text}");
    for (name, c) in &cov {
        assert!((0.85..=0.95).contains(c), "{name}: {c}\n{text}");
    }
}
