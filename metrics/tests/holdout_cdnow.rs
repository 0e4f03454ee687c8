//! Holdout validation on the CDNOW sample (metrics/tests/data/cdnow/): the
//! published calibration split (to 1997-09-30, 39 weeks), the holdout to the
//! last order (1998-06-30, another 39 weeks).

use rapport_metrics::data::date::days_from_civil;
use rapport_metrics::data::{parse_cdnow, Orders, ReadOptions};
use rapport_metrics::holdout::{validate, HoldoutReport, ValidateOptions};
use rapport_metrics::models::transaction::{TransactionKind, TransactionParams};

fn orders() -> Orders {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cdnow/CDNOW_sample.txt"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_cdnow(&bytes, &ReadOptions::default()).unwrap().data
}

fn run(model: TransactionKind) -> HoldoutReport {
    validate(
        &orders(),
        &ValidateOptions::new(model, days_from_civil(1997, 9, 30)),
    )
    .unwrap()
}

#[test]
fn bgnbd_on_the_published_split() {
    let r = run(TransactionKind::Bgnbd);
    assert_eq!(
        (r.calibration_start.as_str(), r.end.as_str()),
        ("1997-01-01", "1998-06-30")
    );
    assert_eq!(r.holdout_length, 39.0);
    assert_eq!(r.accuracy.customers, 2357);
    assert_eq!(r.acquired_after_calibration, 0);
    // The calibration fit is the published one (Fader, Hardie & Lee 2005).
    let TransactionParams::Bgnbd(p) = r.fit.params() else {
        panic!("a BG/NBD fit")
    };
    for (got, want) in [
        (p.r, 0.2426),
        (p.alpha, 4.4136),
        (p.a, 0.7929),
        (p.b, 2.4259),
    ] {
        assert!(((got - want) / want).abs() < 1e-3, "{got} vs {want}");
    }
    // Customer 1 (x = 2, t_x = 30.43, T = 38.86): the published E[X(39)] = 1.2259.
    let i = r.customers.customer.iter().position(|&c| c == 0).unwrap();
    assert_eq!(r.customers.x[i], 2.0);
    assert!(
        (r.customers.predicted[i] - 1.2259).abs() < 1e-3,
        "{}",
        r.customers.predicted[i]
    );

    // Actual totals agree between the per-customer columns, the table and the tracking.
    let actual: f64 = r.customers.actual.iter().sum();
    assert_eq!(actual, r.accuracy.actual_total);
    let calibration_repeats: f64 = r.customers.x.iter().sum();
    let t = &r.tracking;
    assert_eq!(
        t.actual_cumulative.last(),
        Some(&(calibration_repeats + actual))
    );
    let rows: f64 = r
        .by_calibration_frequency
        .iter()
        .map(|row| row.actual * row.customers as f64)
        .sum();
    assert!((rows - actual).abs() < 1e-9);
    assert_eq!(r.by_calibration_frequency.last().unwrap().label, "7+");

    // The model tracks the cohort: within 5 % over the calibration weeks, and
    // the holdout forecast within 15 % of what happened.
    let k = t
        .week_end
        .iter()
        .position(|&w| w >= t.calibration_end)
        .unwrap();
    let in_sample = t.predicted_cumulative[k] / t.actual_cumulative[k];
    assert!((in_sample - 1.0).abs() < 0.05, "{in_sample}");
    assert!(
        r.accuracy.total_error.unwrap().abs() < 0.15,
        "{:?}",
        r.accuracy
    );
    // Customers who bought more in calibration are predicted, and do, buy more.
    let rows = &r.by_calibration_frequency;
    assert!(rows.windows(2).all(|w| w[0].predicted < w[1].predicted));
    assert!(rows[0].actual < rows[rows.len() - 1].actual);
    assert!(r.accuracy.rmse >= r.accuracy.mae && r.accuracy.mae > 0.0);
    println!(
        "BG/NBD holdout: actual {actual}, predicted {:.1}, MAE {:.4}, RMSE {:.4}",
        r.accuracy.predicted_total, r.accuracy.mae, r.accuracy.rmse
    );
}

#[test]
fn every_transaction_model_validates() {
    for kind in TransactionKind::ALL {
        let r = run(kind);
        assert_eq!(r.fit.params().kind(), kind);
        assert!(r.fit.converged(), "{kind:?}");
        assert!(
            r.accuracy.total_error.unwrap().abs() < 0.2,
            "{kind:?}: {:?}",
            r.accuracy
        );
        assert_eq!(r.tracking.week_start.len(), 78);
    }
}
