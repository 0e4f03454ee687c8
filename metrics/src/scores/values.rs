//! [`CustomerValues`]: every customer's P(alive) and annual value as of a day, in days.
//!
//! The input is the orders' daily summary up to the as-of day ([`crate::summary`] with
//! [`Period::Day`]: same-day orders are one purchase, `x` repeat purchase days, `t_x` the
//! first to the last purchase day, `T` the first purchase day to the as-of day). With at
//! least [`MIN_REPEAT_BUYERS`] repeat buyers, BG/NBD is fitted on `(x, t_x, T)` and
//! Gamma-Gamma on the repeat buyers' mean repeat-day spend; per customer:
//!
//! * `p_alive` — BG/NBD P(alive);
//! * `purchases` — expected purchases over the next [`HORIZON_DAYS`] *if alive*,
//!   `E[Y(365) | x, t_x, T] / P(alive)` (0 when P(alive) is 0);
//! * `order_value` — the Gamma-Gamma expected order value `E[Z | x, z̄]` (the population
//!   mean for customers without a repeat purchase);
//! * `annual_value` — `purchases × order_value`, the input of
//!   [`crate::risk::revenue_at_risk`].
//!
//! Otherwise, or when a fit or a prediction fails, the [`fallback`] (with the reason in
//! [`Method::Fallback`]); `purchases` and `order_value` are NaN then. Then the CLV bands
//! and the at-risk rule of [`bands`] over the same customers.
//!
//! Money is in the orders' unit throughout. Customers whose first order is after the as-of
//! day are not included; orders after it are ignored.

use serde::Serialize;

use super::bands;
use super::fallback::{self, MIN_REPEAT_BUYERS};
use crate::data::date::day_of;
use crate::data::Orders;
use crate::models::bgnbd::{self, BgNbd};
use crate::models::gamma_gamma::{self, GammaGamma};
use crate::models::{FitInput, FitOptions};
use crate::summary::{summary, Period, Summary, SummaryOptions};

/// Days of the annual value's horizon.
pub const HORIZON_DAYS: f64 = 365.0;

/// The fitted models.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The BG/NBD fit input `(x, t_x, T)`, one row per customer in summary order.
    pub input: FitInput,
    /// Purchases (days).
    pub bgnbd: BgNbd,
    /// Order values.
    pub gamma_gamma: GammaGamma,
    /// Why the BG/NBD optimum is at the edge of the parameter space, if it is (no
    /// intervals then).
    pub boundary: Option<String>,
}

/// How the values were had.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// BG/NBD + Gamma-Gamma.
    Fitted(Box<Fitted>),
    /// The [`fallback`] rule, and why the models were not used.
    Fallback {
        /// Why (too few repeat buyers, a failed fit).
        reason: String,
    },
}

/// Every customer's values as of a day, one entry per customer of the daily summary
/// (ascending customer index of the orders).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerValues {
    /// The daily summary up to the as-of day (`summary.end_day`).
    pub summary: Summary,
    /// Spend up to the as-of day.
    pub spend: Vec<f64>,
    /// P(alive).
    pub p_alive: Vec<f64>,
    /// Expected purchases over the next [`HORIZON_DAYS`] if alive (NaN in the fallback).
    pub purchases: Vec<f64>,
    /// Expected order value (NaN in the fallback).
    pub order_value: Vec<f64>,
    /// Expected spend over the next [`HORIZON_DAYS`] if alive.
    pub annual_value: Vec<f64>,
    /// The at-risk rule ([`bands::at_risk`]).
    pub at_risk: Vec<bool>,
    /// CLV band ([`bands::band`]).
    pub band: Vec<&'static str>,
    /// Quartiles of the annual values.
    pub quartiles: [f64; 3],
    /// Median spend (the at-risk rule's threshold).
    pub median_spend: f64,
    /// Customers with purchases on two days or more.
    pub repeat_buyers: usize,
    /// Models or fallback.
    pub method: Method,
}

/// The fallback rule as the run's summary states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FallbackNote {
    /// Why.
    pub reason: String,
    /// The rule.
    pub rule: String,
}

impl CustomerValues {
    /// The values of `orders` as of the end of `as_of_day` (days since 1970-01-01, UTC).
    pub fn compute(orders: &Orders, as_of_day: i64) -> CustomerValues {
        let s = summary(
            orders,
            &SummaryOptions {
                period: Period::Day,
                end_day: Some(as_of_day),
                decimals: None,
            },
        );
        let mut by_customer = vec![0.0; orders.n_customers()];
        for ((&c, &t), &a) in orders
            .customers()
            .iter()
            .zip(orders.timestamps())
            .zip(orders.amounts())
        {
            if day_of(t) <= as_of_day {
                by_customer[c as usize] += a;
            }
        }
        let spend: Vec<f64> = s
            .customer
            .iter()
            .map(|&c| by_customer[c as usize])
            .collect();
        let repeat_buyers = s.frequency.iter().filter(|&&x| x >= 1.0).count();
        let modelled = if repeat_buyers < MIN_REPEAT_BUYERS {
            Err(format!(
                "{repeat_buyers} repeat buyers; at least {MIN_REPEAT_BUYERS} are needed to fit the models"
            ))
        } else {
            model(&s)
        };
        let n = s.len();
        let (method, p_alive, purchases, order_value, annual_value) = match modelled {
            Ok((fitted, p, e, z, v)) => (Method::Fitted(Box::new(fitted)), p, e, z, v),
            Err(reason) => {
                let p = (0..n)
                    .map(|i| fallback::p_alive(s.t[i] - s.recency[i]))
                    .collect();
                let v = (0..n)
                    .map(|i| fallback::annual_value(spend[i], s.t[i]))
                    .collect();
                (
                    Method::Fallback { reason },
                    p,
                    vec![f64::NAN; n],
                    vec![f64::NAN; n],
                    v,
                )
            }
        };
        let quartiles = bands::quartiles(&annual_value);
        let median_spend = bands::quartiles(&spend)[1];
        let at_risk = p_alive
            .iter()
            .zip(&spend)
            .map(|(&p, &m)| bands::at_risk(p, m, median_spend))
            .collect();
        let band = annual_value
            .iter()
            .map(|&v| bands::band(v, quartiles))
            .collect();
        CustomerValues {
            summary: s,
            spend,
            p_alive,
            purchases,
            order_value,
            annual_value,
            at_risk,
            band,
            quartiles,
            median_spend,
            repeat_buyers,
            method,
        }
    }

    /// Customers.
    pub fn len(&self) -> usize {
        self.summary.len()
    }

    /// True with no customer.
    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }

    /// The as-of day.
    pub fn as_of_day(&self) -> i64 {
        self.summary.end_day
    }

    /// Customer `i`'s expected spend over the next year, alive or not: `P(alive) × annual
    /// value` (= `E[Y(365)] × E[Z]` with the models) — the dashboard's 12-month CLV.
    pub fn expected_revenue(&self, i: usize) -> f64 {
        self.p_alive[i] * self.annual_value[i]
    }

    /// The fallback's reason and rule, when it was used.
    pub fn fallback(&self) -> Option<FallbackNote> {
        match &self.method {
            Method::Fitted(_) => None,
            Method::Fallback { reason } => Some(FallbackNote {
                reason: reason.clone(),
                rule: format!(
                    "P(alive) = 0.5^(days since last order / {}); annual value = spend per year of tenure (at least a year)",
                    fallback::HALF_LIFE_DAYS
                ),
            }),
        }
    }
}

type Columns = (Fitted, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// BG/NBD + Gamma-Gamma values, or why the models could not be used.
fn model(s: &Summary) -> Result<Columns, String> {
    let input = s.fit_input().map_err(|e| e.to_string())?;
    let opts = FitOptions {
        std_errors: false,
        ..FitOptions::default()
    };
    let tx = bgnbd::fit(&input, &opts).map_err(|e| format!("BG/NBD: {e}"))?;
    let spend_input = s.spend_input().map_err(|e| e.to_string())?;
    let gg = gamma_gamma::fit(&spend_input, &opts).map_err(|e| format!("Gamma-Gamma: {e}"))?;
    let (bg, g) = (tx.params, gg.params);
    let n = s.len();
    let (mut p_alive, mut purchases, mut order_value, mut annual) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let err = |e: crate::models::FitError| e.to_string();
    for i in 0..n {
        let (x, t_x, t) = (s.frequency[i], s.recency[i], s.t[i]);
        let p = bg.p_alive(x, t_x, t).map_err(err)?;
        let expected = bg
            .conditional_expected_purchases(HORIZON_DAYS, x, t_x, t)
            .map_err(err)?;
        let zbar = if x >= 1.0 {
            s.monetary_value[i].max(0.0)
        } else {
            0.0
        };
        let aov = g
            .conditional_expected_spend(if zbar > 0.0 { x } else { 0.0 }, zbar)
            .map_err(err)?;
        let if_alive = if p > 0.0 { expected / p } else { 0.0 };
        let value = if_alive * aov;
        p_alive.push(p);
        purchases.push(if_alive);
        order_value.push(aov);
        annual.push(if value.is_finite() { value } else { 0.0 });
    }
    let fitted = Fitted {
        input,
        bgnbd: bg,
        gamma_gamma: g,
        boundary: tx.boundary.map(|b| format!("{b:?}")),
    };
    Ok((fitted, p_alive, purchases, order_value, annual))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::models::simulate::SplitMix64;

    /// `n` customers buying as BG/NBD assumes, first orders over 300 days.
    pub(crate) fn site(n: usize, seed: u64) -> Orders {
        let mut rng = SplitMix64::new(seed);
        let (mut ids, mut at, mut amount) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let first = rng.uniform() * 300.0;
            let rate = rng.gamma(0.9) / 15.0;
            let leave = 0.1 + 0.4 * rng.uniform();
            let value = 10.0 + (rng.uniform() * 90.0).round();
            let mut d = first;
            loop {
                ids.push(format!("c{i:04}"));
                at.push((d * 86_400.0) as i64);
                amount.push(value);
                if rng.uniform() < leave {
                    break;
                }
                d += rng.exponential(rate.max(1e-3));
                if d >= 400.0 {
                    break;
                }
            }
        }
        Orders::from_columns(&ids, at, amount).unwrap_or_default()
    }

    #[test]
    fn fits_with_enough_repeat_buyers_and_values_follow_the_formula() {
        let o = site(300, 7);
        let v = CustomerValues::compute(&o, 400);
        let Method::Fitted(f) = &v.method else {
            panic!("fallback: {:?}", v.fallback());
        };
        assert_eq!(v.len(), 300);
        for i in 0..v.len() {
            assert!((0.0..=1.0).contains(&v.p_alive[i]));
            let (x, t_x, t) = (v.summary.frequency[i], v.summary.recency[i], v.summary.t[i]);
            let e = f
                .bgnbd
                .conditional_expected_purchases(HORIZON_DAYS, x, t_x, t)
                .unwrap_or(f64::NAN);
            // Expected revenue = E[Y(365)] × E[Z].
            let rev = e * v.order_value[i];
            assert!((v.expected_revenue(i) - rev).abs() <= 1e-9 * rev.abs().max(1.0));
            assert_eq!(
                v.at_risk[i],
                v.p_alive[i] < 0.5 && v.spend[i] >= v.median_spend
            );
        }
        assert!(v.at_risk.iter().any(|&r| r));
        for b in bands::BANDS {
            assert!(v.band.contains(&b), "band {b}");
        }
    }

    #[test]
    fn too_few_repeat_buyers_fall_back_and_say_so() {
        let o = site(15, 3);
        let v = CustomerValues::compute(&o, 400);
        let note = v.fallback().map(|n| n.reason).unwrap_or_default();
        assert!(note.contains("repeat buyers"), "{note}");
        for i in 0..v.len() {
            let recency = v.summary.t[i] - v.summary.recency[i];
            assert_eq!(v.p_alive[i], fallback::p_alive(recency));
            assert_eq!(
                v.annual_value[i],
                fallback::annual_value(v.spend[i], v.summary.t[i])
            );
            assert!(v.purchases[i].is_nan());
        }
    }

    #[test]
    fn orders_after_the_as_of_day_do_not_count() {
        let d = 86_400;
        let o = Orders::from_columns(
            &["a", "a", "a", "b"],
            vec![0, 10 * d, 50 * d, 60 * d],
            vec![10.0, 20.0, 30.0, 5.0],
        )
        .unwrap_or_default();
        let v = CustomerValues::compute(&o, 20);
        assert_eq!(v.len(), 1, "b's first order is after the as-of day");
        assert_eq!(v.spend, [30.0]);
        assert_eq!(
            (v.summary.frequency[0], v.summary.recency[0], v.summary.t[0]),
            (1.0, 10.0, 20.0)
        );
    }
}
