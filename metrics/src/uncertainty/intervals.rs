//! Per-customer prediction intervals by parametric bootstrap.
//!
//! `draws` parameter sets are drawn from the normal approximation of the fit's
//! log-parameters ([`Covariance::draw`], seeded: the same options give the same
//! intervals on every platform). Each customer's P(alive), expected purchases
//! over the horizon and, with a spend model, discounted CLV are computed under
//! every draw; the interval is the central `level` share of those values
//! (percentiles, linear interpolation), the estimate the value at the fitted
//! parameters. The spend model's parameters are drawn independently of the
//! transaction model's: the two are fitted separately, on the assumption that
//! spend and purchase timing are independent.
//!
//! Customers sharing (x, t_x, T) share P(alive) and expected purchases, so
//! those are computed once per distinct history.
//!
//! ```
//! use rapport_metrics::models::clv::Customer;
//! use rapport_metrics::models::transaction::TransactionParams;
//! use rapport_metrics::models::{bgnbd, FitInput, FitOptions};
//! use rapport_metrics::uncertainty::{prediction_intervals, transaction_covariance, IntervalOptions};
//!
//! let input = FitInput::from_rows((0..400).map(|i| {
//!     let x = f64::from(i % 5);
//!     (x, if x > 0.0 { 3.0 * x + f64::from(i % 3) } else { 0.0 }, 30.0 + f64::from(i % 9))
//! }))?;
//! let fit = bgnbd::fit(&input, &FitOptions::default())?;
//! let params = TransactionParams::Bgnbd(fit.params);
//! let cov = transaction_covariance(&params, &input)?;
//! let who = [Customer { x: 2.0, t_x: 10.0, t: 35.0, zbar: 0.0 }];
//! let iv = prediction_intervals(&params, &cov, &who, None, &IntervalOptions::default())?;
//! assert!(iv.expected.low[0] <= iv.expected.estimate[0] && iv.expected.estimate[0] <= iv.expected.high[0]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use super::covariance::Covariance;
use super::error::UncertaintyError;
use crate::models::clv::{ClvOptions, Customer};
use crate::models::gamma_gamma::GammaGamma;
use crate::models::simulate::SplitMix64;
use crate::models::transaction::TransactionParams;
use crate::models::FitError;

/// Fewest and most parameter draws accepted.
const DRAWS: (usize, usize) = (20, 100_000);

/// Histories evaluated per block: the block's values under every draw are
/// held at once (3 × block × draws numbers).
const BLOCK: usize = 256;

/// What to compute and how.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IntervalOptions {
    /// Coverage of the intervals, in (0, 1) (default 0.9).
    pub level: f64,
    /// Parameter sets drawn (default 500).
    pub draws: usize,
    /// Seed of the draws (default 1).
    pub seed: u64,
    /// Horizon of the expected purchases, in model time units (default 52).
    pub horizon: f64,
    /// How CLV is summed when a spend model is given.
    pub clv: ClvOptions,
}

impl Default for IntervalOptions {
    fn default() -> Self {
        Self {
            level: 0.9,
            draws: 500,
            seed: 1,
            horizon: 52.0,
            clv: ClvOptions::default(),
        }
    }
}

/// One quantity's estimate and interval bounds, one entry per customer.
/// A bound is NaN (`null` in JSON) when fewer than half of the draws gave a
/// finite value for that customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntervalColumn {
    /// Value at the fitted parameters.
    pub estimate: Vec<f64>,
    /// Lower bound.
    pub low: Vec<f64>,
    /// Upper bound.
    pub high: Vec<f64>,
}

impl IntervalColumn {
    fn with_capacity(n: usize) -> Self {
        Self {
            estimate: Vec::with_capacity(n),
            low: vec![f64::NAN; n],
            high: vec![f64::NAN; n],
        }
    }
}

/// The intervals of every customer, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PredictionIntervals {
    /// Coverage asked for.
    pub level: f64,
    /// Parameter sets drawn.
    pub draws: usize,
    /// Draws left out because the drawn parameters were not usable
    /// (overflowing, or a spend model with q ≤ 1 and no mean).
    pub unusable_draws: usize,
    /// Horizon of `expected`.
    pub horizon: f64,
    /// P(alive now).
    pub p_alive: IntervalColumn,
    /// Expected purchases in the next `horizon`.
    pub expected: IntervalColumn,
    /// Discounted CLV (only with a spend model).
    pub clv: Option<IntervalColumn>,
}

fn check_options(opts: &IntervalOptions) -> Result<(), UncertaintyError> {
    let bad = |name, value, why| Err(UncertaintyError::Option { name, value, why });
    if !(opts.level > 0.0 && opts.level < 1.0) {
        return bad("level", opts.level, "must lie strictly between 0 and 1");
    }
    if !(DRAWS.0..=DRAWS.1).contains(&opts.draws) {
        return bad("draws", opts.draws as f64, "must be between 20 and 100000");
    }
    if !(opts.horizon.is_finite() && opts.horizon >= 0.0) {
        return bad("horizon", opts.horizon, "must be a finite number ≥ 0");
    }
    let c = &opts.clv;
    if !(c.units_per_month.is_finite() && c.units_per_month > 0.0) {
        return bad("unitsPerMonth", c.units_per_month, "must be > 0");
    }
    if !(c.monthly_discount.is_finite() && c.monthly_discount > -1.0) {
        return bad("monthlyDiscount", c.monthly_discount, "must be > -1");
    }
    Ok(())
}

/// Σᵢ (E[Y(i·u)] − E[Y((i−1)·u)]) / (1+d)^i: discounted expected purchases over
/// the CLV horizon, which CLV multiplies by the expected order value.
fn discounted_purchases(
    model: &TransactionParams,
    c: &Customer,
    opts: &ClvOptions,
) -> Result<f64, FitError> {
    let mut value = 0.0;
    let mut previous = 0.0;
    let mut discount = 1.0;
    for i in 1..=opts.months {
        let cumulative = model.conditional_expected_purchases(
            f64::from(i) * opts.units_per_month,
            c.x,
            c.t_x,
            c.t,
        )?;
        discount /= 1.0 + opts.monthly_discount;
        value += (cumulative - previous) * discount;
        previous = cumulative;
    }
    Ok(value)
}

/// The `q`-quantile of sorted values (linear interpolation between order statistics).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Writes the interval of the finite `values` into `col[row]`.
fn bounds(values: &mut Vec<f64>, draws: usize, level: f64, col: &mut IntervalColumn, row: usize) {
    values.retain(|v| v.is_finite());
    if values.is_empty() || 2 * values.len() < draws {
        return;
    }
    values.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    col.low[row] = quantile(values, tail);
    col.high[row] = quantile(values, 1.0 - tail);
}

/// Customer indices grouped by identical (x, t_x, T), groups in sorted order.
fn histories(customers: &[Customer]) -> Vec<Vec<usize>> {
    // Inputs are checked finite and ≥ 0, where the bits order like the values
    // (+ 0.0 turns a −0 into +0).
    let key = |c: &Customer| {
        (
            (c.x + 0.0).to_bits(),
            (c.t_x + 0.0).to_bits(),
            (c.t + 0.0).to_bits(),
        )
    };
    let mut order: Vec<usize> = (0..customers.len()).collect();
    order.sort_by_key(|&i| key(&customers[i]));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(g) if key(&customers[g[0]]) == key(&customers[i]) => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups
}

/// Intervals for `customers` from a transaction model, its covariance and,
/// for CLV, a Gamma-Gamma model with its covariance. CLV needs each
/// customer's `zbar` (mean repeat-purchase value; 0 when x = 0).
pub fn prediction_intervals(
    model: &TransactionParams,
    covariance: &Covariance,
    customers: &[Customer],
    spend: Option<(&GammaGamma, &Covariance)>,
    opts: &IntervalOptions,
) -> Result<PredictionIntervals, UncertaintyError> {
    check_options(opts)?;
    let kind = model.kind();
    if covariance.names.len() != 4 {
        return Err(UncertaintyError::Mismatch {
            model: kind.name(),
            len: covariance.names.len(),
            names: covariance.names.join(", "),
            expected: 4,
        });
    }
    if let Some((_, c)) = spend {
        if c.names.len() != 3 {
            return Err(UncertaintyError::Mismatch {
                model: "gamma_gamma",
                len: c.names.len(),
                names: c.names.join(", "),
                expected: 3,
            });
        }
    }
    let n = customers.len();
    let mut out = PredictionIntervals {
        level: opts.level,
        draws: opts.draws,
        unusable_draws: 0,
        horizon: opts.horizon,
        p_alive: IntervalColumn::with_capacity(n),
        expected: IntervalColumn::with_capacity(n),
        clv: spend.map(|_| IntervalColumn::with_capacity(n)),
    };
    // Estimates at the fitted parameters; these also check every customer.
    for (row, c) in customers.iter().enumerate() {
        let at = |source| UncertaintyError::Customer { row, source };
        out.p_alive
            .estimate
            .push(model.p_alive(c.x, c.t_x, c.t).map_err(at)?);
        out.expected.estimate.push(
            model
                .conditional_expected_purchases(opts.horizon, c.x, c.t_x, c.t)
                .map_err(at)?,
        );
        if let (Some((g, _)), Some(col)) = (spend, out.clv.as_mut()) {
            let aov = g.conditional_expected_spend(c.x, c.zbar).map_err(at)?;
            col.estimate
                .push(aov * discounted_purchases(model, c, &opts.clv).map_err(at)?);
        }
    }
    // Two independent streams, so the transaction draws do not depend on
    // whether CLV was asked for.
    let mut rng = SplitMix64::new(opts.seed);
    let models: Vec<Option<TransactionParams>> = (0..opts.draws)
        .map(|_| {
            let v = covariance.draw(&mut rng);
            TransactionParams::from_values(kind, [v[0], v[1], v[2], v[3]]).ok()
        })
        .collect();
    let mut spend_rng = SplitMix64::new(opts.seed ^ 0x5DEE_CE66_D1CE_5EED);
    let spends: Vec<Option<GammaGamma>> = match spend {
        Some((_, cov)) => (0..opts.draws)
            .map(|_| {
                let v = cov.draw(&mut spend_rng);
                GammaGamma::new(v[0], v[1], v[2]).ok()
            })
            .collect(),
        None => Vec::new(),
    };
    out.unusable_draws = models.iter().filter(|m| m.is_none()).count()
        + spends.iter().filter(|g| g.is_none()).count();

    let draws = opts.draws;
    let groups = histories(customers);
    let mut alive = vec![f64::NAN; BLOCK * draws];
    let mut expected = vec![f64::NAN; BLOCK * draws];
    let mut discounted = vec![f64::NAN; BLOCK * draws];
    let mut values = Vec::with_capacity(draws);
    for block in groups.chunks(BLOCK) {
        for (g, members) in block.iter().enumerate() {
            let c = &customers[members[0]];
            let row = g * draws;
            for (b, m) in models.iter().enumerate() {
                let (a, e, d) = match m {
                    Some(m) => (
                        m.p_alive(c.x, c.t_x, c.t).unwrap_or(f64::NAN),
                        m.conditional_expected_purchases(opts.horizon, c.x, c.t_x, c.t)
                            .unwrap_or(f64::NAN),
                        if spend.is_some() {
                            discounted_purchases(m, c, &opts.clv).unwrap_or(f64::NAN)
                        } else {
                            f64::NAN
                        },
                    ),
                    None => (f64::NAN, f64::NAN, f64::NAN),
                };
                alive[row + b] = a;
                expected[row + b] = e;
                discounted[row + b] = d;
            }
        }
        for (g, members) in block.iter().enumerate() {
            let row = g * draws;
            for &i in members {
                values.clear();
                values.extend_from_slice(&alive[row..row + draws]);
                bounds(&mut values, draws, opts.level, &mut out.p_alive, i);
                values.clear();
                values.extend_from_slice(&expected[row..row + draws]);
                bounds(&mut values, draws, opts.level, &mut out.expected, i);
                if let Some(col) = out.clv.as_mut() {
                    let c = &customers[i];
                    values.clear();
                    values.extend(spends.iter().zip(&discounted[row..row + draws]).map(
                        |(g, d)| {
                            match g {
                                Some(g) => g
                                    .conditional_expected_spend(c.x, c.zbar)
                                    .map_or(f64::NAN, |aov| aov * d),
                                None => f64::NAN,
                            }
                        },
                    ));
                    bounds(&mut values, draws, opts.level, col, i);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::bgnbd::BgNbd;

    fn cov_of(model: &TransactionParams, n: usize) -> Covariance {
        use crate::models::simulate::bgnbd_customer;
        let TransactionParams::Bgnbd(truth) = model else {
            unreachable!("a BG/NBD model")
        };
        let mut rng = SplitMix64::new(3);
        let input = crate::models::FitInput::from_rows((0..n).map(|_| {
            let (x, t_x) = bgnbd_customer(&mut rng, truth, 39.0);
            (x, t_x, 39.0)
        }))
        .unwrap();
        super::super::transaction_covariance(model, &input).unwrap()
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-15);
        let mut col = IntervalColumn::with_capacity(1);
        let mut few = vec![1.0, f64::NAN, f64::NAN, f64::NAN];
        bounds(&mut few, 4, 0.9, &mut col, 0);
        assert!(
            col.low[0].is_nan(),
            "one finite value of four gives no interval"
        );
    }

    #[test]
    fn intervals_are_deterministic_nested_and_contain_the_estimate() {
        let model = TransactionParams::Bgnbd(BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap());
        let cov = cov_of(&model, 2000);
        let who = [
            Customer {
                x: 0.0,
                t_x: 0.0,
                t: 39.0,
                zbar: 0.0,
            },
            Customer {
                x: 3.0,
                t_x: 30.0,
                t: 39.0,
                zbar: 20.0,
            },
            Customer {
                x: 3.0,
                t_x: 5.0,
                t: 39.0,
                zbar: 20.0,
            },
            Customer {
                x: 0.0,
                t_x: 0.0,
                t: 39.0,
                zbar: 0.0,
            },
        ];
        let g = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
        let spend_input = crate::models::SpendInput::from_rows(
            (1..300).map(|i| (f64::from(1 + i % 5), 15.0 + f64::from(i % 23))),
        )
        .unwrap();
        let gcov = super::super::spend_covariance(&g, &spend_input).unwrap();
        let opts = IntervalOptions::default();
        let a = prediction_intervals(&model, &cov, &who, Some((&g, &gcov)), &opts).unwrap();
        let b = prediction_intervals(&model, &cov, &who, Some((&g, &gcov)), &opts).unwrap();
        assert_eq!(a, b, "seeded");
        let without = prediction_intervals(&model, &cov, &who, None, &opts).unwrap();
        assert_eq!(
            without.expected, a.expected,
            "CLV draws do not disturb the others"
        );
        assert!(without.clv.is_none());
        let narrow = prediction_intervals(
            &model,
            &cov,
            &who,
            None,
            &IntervalOptions { level: 0.5, ..opts },
        )
        .unwrap();
        let clv = a.clv.as_ref().unwrap();
        for i in 0..who.len() {
            for col in [&a.p_alive, &a.expected, clv] {
                assert!(col.low[i] <= col.high[i]);
                assert!(
                    col.low[i] <= col.estimate[i] * 1.0001
                        && col.estimate[i] <= col.high[i] * 1.0001,
                    "{i}: {} not in [{}, {}]",
                    col.estimate[i],
                    col.low[i],
                    col.high[i]
                );
            }
            assert!(narrow.expected.low[i] >= a.expected.low[i]);
            assert!(narrow.expected.high[i] <= a.expected.high[i]);
        }
        // Customers with the same history get the same interval; the active
        // recent buyer is more likely alive than the one who stopped early.
        assert_eq!(a.expected.low[0], a.expected.low[3]);
        assert!(a.p_alive.low[1] > a.p_alive.high[2]);
        // BG/NBD: no repeat purchase means alive for sure, under any parameters.
        assert_eq!((a.p_alive.low[0], a.p_alive.high[0]), (1.0, 1.0));
    }

    #[test]
    fn bad_options_are_named() {
        let model = TransactionParams::Bgnbd(BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap());
        let cov = cov_of(&model, 500);
        let who = [Customer {
            x: 1.0,
            t_x: 2.0,
            t: 3.0,
            zbar: 0.0,
        }];
        for (opts, name) in [
            (
                IntervalOptions {
                    level: 1.0,
                    ..Default::default()
                },
                "level",
            ),
            (
                IntervalOptions {
                    draws: 3,
                    ..Default::default()
                },
                "draws",
            ),
            (
                IntervalOptions {
                    horizon: f64::NAN,
                    ..Default::default()
                },
                "horizon",
            ),
        ] {
            let e = prediction_intervals(&model, &cov, &who, None, &opts).unwrap_err();
            assert!(e.to_string().starts_with(name), "{e}");
        }
        let bad = [Customer {
            x: 1.0,
            t_x: 5.0,
            t: 3.0,
            zbar: 0.0,
        }];
        let e = prediction_intervals(&model, &cov, &bad, None, &IntervalOptions::default())
            .unwrap_err();
        assert!(
            matches!(e, UncertaintyError::Customer { row: 0, .. }),
            "{e}"
        );
    }
}
