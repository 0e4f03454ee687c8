//! One run's scores of a site, from its customers' purchase histories.
//!
//! The values are the metrics engine's [`CustomerValues`] — the same code the dashboard's
//! customer charts call — of the histories as of `now`'s day, in days: BG/NBD on
//! `(x, t_x, T)` and Gamma-Gamma on the repeat buyers' mean repeat-day spend with at least
//! [`rapport_metrics::scores::fallback::MIN_REPEAT_BUYERS`] repeat buyers, else the
//! fallback (summary `fallback` says why). Per customer:
//!
//! * `p_alive` — P(alive), interval from the engine's parametric bootstrap
//!   ([`CustomerValues::intervals`]);
//! * `annual_value` — expected purchases over the next 365 days *if the customer is alive*
//!   × the expected order value, the input of [`rapport_metrics::risk`]; its interval
//!   scales with the bootstrap interval of the expected purchases.
//!
//! The CLV band and the at-risk flag are the engine's too ([`super::bands`]); then every
//! customer gets an RFM segment (the engine's [`rapport_metrics::rfm`]). Money goes to the
//! engine in currency units (minor units / 100) and comes back in minor units.
//!
//! The run's summary records `asOf` (`now`, ms): the dashboard computes its customer charts
//! from the same histories as of that time, so both show the same numbers.

use rapport_metrics::data::Orders;
use rapport_metrics::rfm::{rfm, RfmOptions};
use rapport_metrics::risk::Estimate;
use rapport_metrics::scores::{CustomerValues, IntervalSettings, Method};
use serde::Serialize;
use serde_json::{json, Value};

use super::bands;
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
        let d = IntervalSettings::default();
        Options {
            draws: d.draws,
            level: d.level,
        }
    }
}

/// A run's scores and its description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// One per customer with a counted order up to `now`'s day, in input order.
    pub scores: Vec<CustomerScore>,
    /// The run's description (stored as the run's summary).
    pub summary: Value,
}

/// The histories as the engine's orders: customer `i` is `histories[i]` (ids interned in
/// input order), times in seconds, spend in currency units.
pub fn engine_orders(histories: &[History]) -> Result<Orders, ScoringError> {
    let mut ids: Vec<&str> = Vec::new();
    let mut times = Vec::new();
    let mut amounts = Vec::new();
    for h in histories {
        for &(at, spend) in &h.orders {
            ids.push(&h.customer);
            times.push(at.div_euclid(1000));
            amounts.push(spend.max(0) as f64 / 100.0);
        }
    }
    Orders::from_columns(&ids, times, amounts).map_err(|e| ScoringError::Orders(e.to_string()))
}

/// The histories as of `now` (ms): orders after it left out, customers left with none too
/// (what the dashboard's `scores` columns hold for a run at `now`).
pub fn as_of(histories: &[History], now: i64) -> Vec<History> {
    histories
        .iter()
        .filter_map(|h| {
            let orders: Vec<(i64, i64)> = h.orders.iter().copied().filter(|o| o.0 <= now).collect();
            (!orders.is_empty()).then(|| History {
                orders,
                ..h.clone()
            })
        })
        .collect()
}

/// The scores of `histories` at `now` (ms); orders after `now` are left out.
pub fn compute(histories: &[History], now: i64, opts: &Options) -> Result<Outcome, ScoringError> {
    let histories = &as_of(histories, now)[..];
    let orders = engine_orders(histories)?;
    let v = CustomerValues::compute(&orders, now.div_euclid(DAY_MILLIS));
    let mut summary = json!({
        "customers": histories.len(),
        "orders": histories.iter().map(|h| h.orders.len()).sum::<usize>(),
        "repeatBuyers": v.repeat_buyers,
        "timeUnit": "day",
        "asOf": now,
    });
    match &v.method {
        Method::Fitted(f) => {
            summary["bgnbd"] = json!(f.bgnbd);
            summary["gammaGamma"] = json!(f.gamma_gamma);
        }
        Method::Fallback { .. } => summary["fallback"] = json!(v.fallback()),
    }
    let all: Vec<usize> = (0..v.len()).collect();
    let iv = v.intervals(
        &all,
        &IntervalSettings {
            draws: opts.draws,
            level: opts.level,
        },
    );
    if let Some(note) = iv.note {
        summary["intervals"] = note;
    }
    let segments = rfm_labels(&orders, now);
    let minor = |e: Estimate| Estimate {
        value: e.value * 100.0,
        low: e.low * 100.0,
        high: e.high * 100.0,
    };
    summary["clvQuartiles"] = json!(v.quartiles.map(|q| q * 100.0));
    summary["medianSpend"] = json!(v.median_spend * 100.0);
    summary["atRiskRule"] = json!(format!(
        "P(alive) < {} and spend >= the site's median spend",
        bands::AT_RISK_P_ALIVE
    ));
    let mut scores = Vec::with_capacity(v.len());
    for (i, &c) in v.summary.customer.iter().enumerate() {
        let h = histories
            .get(c as usize)
            .ok_or_else(|| ScoringError::Orders(format!("customer index {c} out of range")))?;
        scores.push(CustomerScore {
            customer: h.customer.clone(),
            orders: h.orders.len() as i64,
            spend: h.spend(),
            currency: h.currency.clone(),
            last_order_at: h.last_order_at(),
            at_risk: v.at_risk[i],
            clv_band: v.band[i].to_owned(),
            p_alive: iv.p_alive[i],
            annual_value: minor(iv.annual_value[i]),
            rfm_segment: segments.get(c as usize).cloned().flatten().ok_or_else(|| {
                ScoringError::Customer {
                    customer: h.customer.clone(),
                    message: "no RFM segment (no order up to now)".into(),
                }
            })?,
            tier: h.tier.clone(),
        });
    }
    summary["atRisk"] = json!(scores.iter().filter(|s| s.at_risk).count());
    Ok(Outcome { scores, summary })
}

/// The RFM segment label of each customer of `orders` (the engine's, up to `now`'s day;
/// `None` for a customer with no order up to then).
fn rfm_labels(orders: &Orders, now: i64) -> Vec<Option<String>> {
    let r = rfm(
        orders,
        &RfmOptions {
            end_day: Some(now.div_euclid(DAY_MILLIS)),
        },
    );
    let mut out = vec![None; orders.n_customers()];
    for (&c, s) in r.customer.iter().zip(&r.segment) {
        if let Some(slot) = out.get_mut(c as usize) {
            *slot = Some(s.label().to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::fallback;
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
