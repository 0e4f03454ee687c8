//! One run's scores of a site, from its customers' purchase histories.
//!
//! With at least [`MIN_REPEAT_BUYERS`] repeat buyers the metrics engine fits BG/NBD on
//! `(x, t_x, T)` in days ([`History::frequency`]) and Gamma-Gamma on the repeat buyers'
//! mean repeat-day spend; per customer:
//!
//! * `p_alive` — BG/NBD P(alive), interval from the engine's parametric bootstrap
//!   ([`prediction_intervals`]);
//! * `annual_value` — expected purchases over the next 365 days *if the customer is alive*
//!   (`E[Y(365) | x, t_x, T] / P(alive)`) × the Gamma-Gamma expected order value
//!   (`E[Z | x, z̄]`), the model of [`rapport_metrics::risk`]. Its interval is the point
//!   value scaled by the relative bounds of the bootstrap's interval of the expected
//!   purchases over 365 days: the BG/NBD parameters' uncertainty (the Gamma-Gamma
//!   parameters' is left out — drawing it too needs the 12-month CLV under every draw, 13
//!   times the cost, for a term that moves every customer's value by the same factor).
//!
//! Otherwise, or when a fit fails, [`super::fallback`] (summary `fallback` says why). Then
//! every customer gets an RFM segment (the engine's [`rapport_metrics::rfm`]), a CLV band
//! and the at-risk flag ([`super::bands`]).

use rapport_metrics::data::Orders;
use rapport_metrics::models::clv::{ClvOptions, Customer};
use rapport_metrics::models::transaction::TransactionParams;
use rapport_metrics::models::{bgnbd, gamma_gamma, FitInput, FitOptions, SpendInput};
use rapport_metrics::rfm::{rfm, RfmOptions};
use rapport_metrics::risk::Estimate;
use rapport_metrics::uncertainty::{prediction_intervals, transaction_covariance, IntervalOptions};
use serde::Serialize;
use serde_json::{json, Value};

use super::bands;
use super::fallback::{self, MIN_REPEAT_BUYERS};
use super::history::History;
use super::ScoringError;
use crate::loyalty::rules::DAY_MILLIS;
use crate::store::scores::CustomerScore;

/// How a run computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Parameter sets drawn for the intervals (0: no intervals).
    pub draws: usize,
    /// Coverage of the intervals.
    pub level: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            draws: 100,
            level: 0.9,
        }
    }
}

/// A run's scores and its description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// One per customer with a counted order, in input order.
    pub scores: Vec<CustomerScore>,
    /// The run's description (stored as the run's summary).
    pub summary: Value,
}

/// Model predictions of one customer before bands.
struct Prediction {
    p_alive: Estimate,
    annual_value: Estimate,
}

/// The scores of `histories` at `now` (ms).
pub fn compute(histories: &[History], now: i64, opts: &Options) -> Result<Outcome, ScoringError> {
    let frequencies: Vec<(f64, f64, f64)> = histories
        .iter()
        .map(|h| h.frequency(now).unwrap_or((0.0, 0.0, 0.0)))
        .collect();
    let repeat_buyers = frequencies.iter().filter(|f| f.0 >= 1.0).count();
    let mut summary = json!({
        "customers": histories.len(),
        "orders": histories.iter().map(|h| h.orders.len()).sum::<usize>(),
        "repeatBuyers": repeat_buyers,
        "timeUnit": "day",
    });
    let modelled = if repeat_buyers < MIN_REPEAT_BUYERS {
        Err(format!(
            "{repeat_buyers} repeat buyers; at least {MIN_REPEAT_BUYERS} are needed to fit the models"
        ))
    } else {
        model(histories, &frequencies, opts, &mut summary)
    };
    let predictions = match modelled {
        Ok(p) => p,
        Err(reason) => {
            summary["fallback"] = json!({
                "reason": reason,
                "rule": format!("P(alive) = 0.5^(days since last order / {}); annual value = spend per year of tenure (at least a year)", fallback::HALF_LIFE_DAYS),
            });
            frequencies
                .iter()
                .zip(histories)
                .map(|(&(_, t_x, age), h)| Prediction {
                    p_alive: Estimate::exact(fallback::p_alive(age - t_x)),
                    annual_value: Estimate::exact(fallback::annual_value(h.spend(), age)),
                })
                .collect()
        }
    };
    let segments = rfm_labels(histories, now)?;
    let annual: Vec<f64> = predictions.iter().map(|p| p.annual_value.value).collect();
    let quartiles = bands::quartiles(&annual);
    let spends: Vec<f64> = histories.iter().map(|h| h.spend() as f64).collect();
    let median_spend = bands::quartiles(&spends)[1];
    summary["clvQuartiles"] = json!(quartiles);
    summary["medianSpend"] = json!(median_spend);
    summary["atRiskRule"] = json!(format!(
        "P(alive) < {} and spend >= the site's median spend",
        bands::AT_RISK_P_ALIVE
    ));
    let scores: Vec<CustomerScore> = histories
        .iter()
        .zip(predictions)
        .zip(segments)
        .map(|((h, p), segment)| CustomerScore {
            customer: h.customer.clone(),
            orders: h.orders.len() as i64,
            spend: h.spend(),
            currency: h.currency.clone(),
            last_order_at: h.last_order_at(),
            at_risk: bands::at_risk(p.p_alive.value, h.spend(), median_spend),
            clv_band: bands::band(p.annual_value.value, quartiles).to_owned(),
            p_alive: p.p_alive,
            annual_value: p.annual_value,
            rfm_segment: segment,
            tier: h.tier.clone(),
        })
        .collect();
    summary["atRisk"] = json!(scores.iter().filter(|s| s.at_risk).count());
    Ok(Outcome { scores, summary })
}

/// BG/NBD + Gamma-Gamma predictions, or why the models could not be used.
fn model(
    histories: &[History],
    frequencies: &[(f64, f64, f64)],
    opts: &Options,
    summary: &mut Value,
) -> Result<Vec<Prediction>, String> {
    let input = FitInput::from_rows(frequencies.iter().copied()).map_err(|e| e.to_string())?;
    let fit_opts = FitOptions {
        std_errors: false,
        ..FitOptions::default()
    };
    let tx = bgnbd::fit(&input, &fit_opts).map_err(|e| format!("BG/NBD: {e}"))?;
    // Spend in currency units (minor units / 100) keeps the fit's scale moderate.
    let repeat: Vec<(f64, f64)> = frequencies
        .iter()
        .zip(histories)
        .filter(|(f, _)| f.0 >= 1.0)
        .map(|(f, h)| (f.0, h.repeat_mean() / 100.0))
        .filter(|&(_, z)| z > 0.0)
        .collect();
    let spend_input = SpendInput::from_rows(repeat.iter().copied()).map_err(|e| e.to_string())?;
    let gg = gamma_gamma::fit(&spend_input, &fit_opts).map_err(|e| format!("Gamma-Gamma: {e}"))?;
    summary["bgnbd"] = json!(tx.params);
    summary["gammaGamma"] = json!(gg.params);
    let bg = tx.params;
    let spend = gg.params;
    let customers: Vec<Customer> = frequencies
        .iter()
        .zip(histories)
        .map(|(&(x, t_x, t), h)| Customer {
            x,
            t_x,
            t,
            zbar: if x >= 1.0 {
                h.repeat_mean() / 100.0
            } else {
                0.0
            },
        })
        .collect();
    let mut out = Vec::with_capacity(customers.len());
    for c in &customers {
        let err = |e: rapport_metrics::models::FitError| e.to_string();
        let p = bg.p_alive(c.x, c.t_x, c.t).map_err(err)?;
        let expected = bg
            .conditional_expected_purchases(365.0, c.x, c.t_x, c.t)
            .map_err(err)?;
        let zbar = if c.zbar > 0.0 { c.zbar } else { 0.0 };
        let aov = spend
            .conditional_expected_spend(if zbar > 0.0 { c.x } else { 0.0 }, zbar)
            .map_err(err)?;
        let purchases_if_alive = if p > 0.0 { expected / p } else { 0.0 };
        let value = purchases_if_alive * aov * 100.0;
        out.push(Prediction {
            p_alive: Estimate::exact(p),
            annual_value: Estimate::exact(if value.is_finite() { value } else { 0.0 }),
        });
    }
    if let Some(b) = &tx.boundary {
        // Draws around an optimum at the edge of the parameter space are meaningless (and
        // can be extreme enough to make the series slow): no intervals then.
        summary["intervals"] = json!({"unavailable": format!("BG/NBD fit at a boundary: {b:?}")});
    } else if opts.draws > 0 {
        match intervals(&input, bg, &customers, opts) {
            Ok(iv) => {
                for (row, o) in out.iter_mut().enumerate() {
                    let (pl, ph) = (iv.p_alive.low[row], iv.p_alive.high[row]);
                    if pl.is_finite() && ph.is_finite() {
                        o.p_alive.low = pl.min(o.p_alive.value);
                        o.p_alive.high = ph.max(o.p_alive.value);
                    }
                    let ex = &iv.expected;
                    let (e, l, h) = (ex.estimate[row], ex.low[row], ex.high[row]);
                    if e > 0.0 && l.is_finite() && h.is_finite() {
                        let v = o.annual_value.value;
                        o.annual_value.low = (v * l / e).min(v);
                        o.annual_value.high = (v * h / e).max(v);
                    }
                }
                summary["intervals"] = json!({"level": opts.level, "draws": opts.draws, "unusableDraws": iv.unusable_draws});
            }
            Err(e) => summary["intervals"] = json!({"unavailable": e}),
        }
    }
    Ok(out)
}

fn intervals(
    input: &FitInput,
    bg: bgnbd::BgNbd,
    customers: &[Customer],
    opts: &Options,
) -> Result<rapport_metrics::uncertainty::PredictionIntervals, String> {
    let params = TransactionParams::Bgnbd(bg);
    let cov = transaction_covariance(&params, input).map_err(|e| e.to_string())?;
    let iv_opts = IntervalOptions {
        level: opts.level,
        draws: opts.draws,
        seed: 1,
        horizon: 365.0,
        clv: ClvOptions {
            months: 12,
            units_per_month: 365.0 / 12.0,
            monthly_discount: 0.0,
        },
    };
    prediction_intervals(&params, &cov, customers, None, &iv_opts).map_err(|e| e.to_string())
}

/// The RFM segment label of each history (the engine's, up to `now`'s day).
fn rfm_labels(histories: &[History], now: i64) -> Result<Vec<String>, ScoringError> {
    let mut ids: Vec<&str> = Vec::new();
    let mut times = Vec::new();
    let mut amounts = Vec::new();
    for h in histories {
        for &(at, spend) in &h.orders {
            ids.push(&h.customer);
            times.push(at.div_euclid(1000));
            amounts.push(spend as f64 / 100.0);
        }
    }
    let orders = Orders::from_columns(&ids, times, amounts)
        .map_err(|e| ScoringError::Orders(e.to_string()))?;
    let r = rfm(
        &orders,
        &RfmOptions {
            end_day: Some(now.div_euclid(DAY_MILLIS)),
        },
    );
    let mut by_id: std::collections::HashMap<&str, &'static str> =
        std::collections::HashMap::with_capacity(r.customer.len());
    for (c, s) in r.customer.iter().zip(&r.segment) {
        if let Some(id) = orders.customer_ids().get(*c as usize) {
            by_id.insert(id, s.label());
        }
    }
    histories
        .iter()
        .map(|h| {
            by_id
                .get(h.customer.as_str())
                .map(|s| (*s).to_owned())
                .ok_or_else(|| ScoringError::Customer {
                    customer: h.customer.clone(),
                    message: "no RFM segment (no order up to now)".into(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_metrics::models::simulate::SplitMix64;

    /// `n` customers buying as BG/NBD assumes (a gamma-distributed rate, a chance of
    /// leaving after each purchase), first orders over 300 days, observed until day 400.
    fn site(n: usize, seed: u64) -> Vec<History> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|i| {
                let first = rng.uniform() * 300.0;
                let rate = rng.gamma(0.9) / 15.0;
                let leave = 0.1 + 0.4 * rng.uniform();
                let value = 1000 + (rng.uniform() * 9000.0) as i64;
                let mut orders = vec![(first as i64 * DAY_MILLIS + 1000, value)];
                let mut d = first;
                loop {
                    if rng.uniform() < leave {
                        break;
                    }
                    d += rng.exponential(rate.max(1e-3));
                    if d >= 400.0 {
                        break;
                    }
                    orders.push((d as i64 * DAY_MILLIS + 1000, value));
                }
                History {
                    customer: format!("c{i:04}"),
                    currency: "EUR".into(),
                    orders,
                    tier: None,
                }
            })
            .collect()
    }

    #[test]
    fn fits_the_models_with_enough_repeat_buyers() -> Result<(), ScoringError> {
        let h = site(300, 7);
        let out = compute(
            &h,
            400 * DAY_MILLIS,
            &Options {
                draws: 20,
                level: 0.9,
            },
        )?;
        assert_eq!(out.scores.len(), 300);
        assert!(out.summary.get("fallback").is_none(), "{}", out.summary);
        assert!(out.summary.get("bgnbd").is_some());
        for s in &out.scores {
            assert!((0.0..=1.0).contains(&s.p_alive.value), "{s:?}");
            assert!(s.p_alive.low <= s.p_alive.value && s.p_alive.value <= s.p_alive.high);
            assert!(s.annual_value.low <= s.annual_value.value);
            assert!(s.annual_value.value <= s.annual_value.high);
            assert!(s.annual_value.value >= 0.0);
            assert!(bands::BANDS.contains(&s.clv_band.as_str()));
        }
        // Someone who bought yesterday is more likely alive than someone gone for months.
        let recent = out
            .scores
            .iter()
            .filter(|s| s.last_order_at.is_some_and(|t| t > 395 * DAY_MILLIS) && s.orders >= 3)
            .map(|s| s.p_alive.value)
            .fold(f64::INFINITY, f64::min);
        let gone = out
            .scores
            .iter()
            .filter(|s| s.last_order_at.is_some_and(|t| t < 200 * DAY_MILLIS) && s.orders >= 3)
            .map(|s| s.p_alive.value)
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(recent.is_finite() && gone.is_finite(), "both kinds exist");
        assert!(recent > gone, "recent {recent} gone {gone}");
        // Every band is used, and at-risk customers follow the stated rule.
        for b in bands::BANDS {
            assert!(out.scores.iter().any(|s| s.clv_band == b), "band {b}");
        }
        let median = out.summary["medianSpend"].as_f64().unwrap_or(f64::NAN);
        for s in &out.scores {
            assert_eq!(s.at_risk, s.p_alive.value < 0.5 && s.spend as f64 >= median);
        }
        assert!(out.scores.iter().any(|s| s.at_risk));
        Ok(())
    }

    #[test]
    fn too_few_repeat_buyers_fall_back_and_say_so() -> Result<(), ScoringError> {
        let h: Vec<History> = site(300, 3)
            .into_iter()
            .map(|mut h| {
                h.orders.truncate(1);
                h
            })
            .collect();
        let out = compute(&h, 400 * DAY_MILLIS, &Options::default())?;
        let reason = out.summary["fallback"]["reason"].as_str().unwrap_or("");
        assert!(reason.contains("0 repeat buyers"), "{}", out.summary);
        for (s, h) in out.scores.iter().zip(&h) {
            let (_, t_x, age) = h.frequency(400 * DAY_MILLIS).unwrap_or_default();
            assert_eq!(s.p_alive.value, fallback::p_alive(age - t_x));
            assert_eq!(s.p_alive.low, s.p_alive.high);
        }
        Ok(())
    }

    #[test]
    fn rfm_segments_are_engine_labels() -> Result<(), ScoringError> {
        let h = site(50, 11);
        let out = compute(
            &h,
            400 * DAY_MILLIS,
            &Options {
                draws: 0,
                level: 0.9,
            },
        )?;
        let labels: Vec<&str> = rapport_metrics::rfm::Segment::ALL
            .iter()
            .map(|s| s.label())
            .collect();
        assert!(out
            .scores
            .iter()
            .all(|s| labels.contains(&s.rfm_segment.as_str())));
        Ok(())
    }
}
