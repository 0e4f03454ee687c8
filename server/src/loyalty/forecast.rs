//! What the programme costs: outstanding points are a liability; this forecasts how many
//! will be redeemed and how many will expire unused (breakage), and what that is worth,
//! per tier and in total. Pure: the collector gathers each customer's orders and balance.
//!
//! Method:
//! - A BG/NBD model (the metrics engine's [`rapport_metrics::models::bgnbd`]) is fitted on
//!   every customer with an order: `x` repeat orders, `t_x` the day of the last one and
//!   `T` the customer's age, both counted in days from the first order.
//! - A customer's points are redeemed if they come back within their horizon: until their
//!   points expire (`expiresAt`) when the site has `expiry`, else a fixed horizon. Under
//!   BG/NBD a customer alive today makes a first purchase in the next `h` days with
//!   probability `1 − ((α + T) / (α + T + h))^(r + x)` (dropout only follows a purchase), so
//!   `P(return) = P(alive) × that`; the engine's conditional expected purchases over the
//!   horizon are reported beside it.
//! - Expected redeemed points = Σ balance × P(return); breakage = the rest. A customer who
//!   returns is assumed to spend their balance, so breakage is a lower bound.
//! - Money: points × the value of one point, that of the catalogue's best fixed-amount
//!   reward (`amount / points`); unknown without one.
//! - Customers with points but no order (adjustments only) cannot be modelled: their
//!   points are reported apart, as `unmodelled`.

use rapport_metrics::models::bgnbd::{self, BgNbd};
use rapport_metrics::models::input::FitInput;
use rapport_metrics::models::FitOptions;
use serde::Serialize;

use super::rules::DAY_MILLIS;

/// One customer as the forecast needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerHistory {
    /// Their tier's name, when the site has tiers.
    pub tier: Option<String>,
    /// Outstanding points (spendable and pending; ≤ 0 counts as none).
    pub points: i64,
    /// When each of their orders earned, ms (any order).
    pub orders: Vec<i64>,
    /// Horizon for their points, ms from now (until expiry, or the fixed horizon).
    pub horizon: i64,
}

/// Totals of one group of customers.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Customers with a positive balance.
    pub customers: usize,
    /// Outstanding points.
    pub outstanding: i64,
    /// Points expected to be redeemed.
    pub expected_redeemed: f64,
    /// Points expected to expire unused.
    pub expected_breakage: f64,
    /// Expected purchases of these customers over their horizons.
    pub expected_purchases: f64,
    /// `expected_redeemed` in money, when a point's value is known.
    pub redeemed_value: Option<f64>,
    /// `expected_breakage` in money, when a point's value is known.
    pub breakage_value: Option<f64>,
}

/// The fitted model's parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelParams {
    /// BG/NBD r.
    pub r: f64,
    /// BG/NBD α (days).
    pub alpha: f64,
    /// BG/NBD a.
    pub a: f64,
    /// BG/NBD b.
    pub b: f64,
    /// Customers it was fitted on.
    pub customers: usize,
}

/// The totals of one tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierLine {
    /// Tier name.
    pub tier: String,
    /// Its totals.
    #[serde(flatten)]
    pub line: Line,
}

/// The forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    /// The transaction model used.
    pub model: ModelParams,
    /// The value of one point in the currency unit, if known.
    pub value_per_point: Option<f64>,
    /// Everyone modelled.
    pub total: Line,
    /// Per tier, in the order of first appearance (empty without tiers).
    pub tiers: Vec<TierLine>,
    /// Customers with points and no order: not modelled.
    pub unmodelled: Line,
}

/// Why no forecast could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// Too few customers with orders to fit a model.
    #[error("customers: {0} with orders; at least {MIN_CUSTOMERS} are needed to fit the model")]
    TooFew(usize),
    /// The model fit failed.
    #[error("model: {0}")]
    Model(String),
}

/// Fewest customers with orders the model is fitted on.
pub const MIN_CUSTOMERS: usize = 20;

/// `(x, t_x, T)` in days of a customer's order instants at `now`.
fn rfm(orders: &[i64], now: i64) -> Option<(f64, f64, f64)> {
    let first = *orders.iter().min()?;
    let last = *orders.iter().max()?;
    let day = DAY_MILLIS as f64;
    let age = ((now - first) as f64 / day).max(1e-6);
    let t_x = ((last - first) as f64 / day).clamp(0.0, age);
    Some(((orders.len() - 1) as f64, t_x, age))
}

/// P(a first purchase within `h` days) for a customer with history `(x, t_x, T)`.
pub fn p_return(m: &BgNbd, x: f64, t_x: f64, age: f64, h: f64) -> Result<f64, ForecastError> {
    if h <= 0.0 {
        return Ok(0.0);
    }
    let alive = m
        .p_alive(x, t_x, age)
        .map_err(|e| ForecastError::Model(e.to_string()))?;
    let none = ((m.alpha + age) / (m.alpha + age + h)).powf(m.r + x);
    Ok((alive * (1.0 - none)).clamp(0.0, 1.0))
}

/// The forecast at `now` for `customers`, with points worth `value_per_point`.
pub fn forecast(
    customers: &[CustomerHistory],
    value_per_point: Option<f64>,
    now: i64,
) -> Result<Forecast, ForecastError> {
    let rows: Vec<(f64, f64, f64)> = customers
        .iter()
        .filter_map(|c| rfm(&c.orders, now))
        .collect();
    if rows.len() < MIN_CUSTOMERS {
        return Err(ForecastError::TooFew(rows.len()));
    }
    let input = FitInput::from_rows(rows.iter().copied())
        .map_err(|e| ForecastError::Model(e.to_string()))?;
    let fitted = bgnbd::fit(&input, &FitOptions::default())
        .map_err(|e| ForecastError::Model(e.to_string()))?;
    let m = fitted.params;
    let mut total = Line::default();
    let mut unmodelled = Line::default();
    let mut tiers: Vec<TierLine> = Vec::new();
    for c in customers.iter().filter(|c| c.points > 0) {
        let Some((x, t_x, age)) = rfm(&c.orders, now) else {
            unmodelled.customers += 1;
            unmodelled.outstanding += c.points;
            continue;
        };
        let h = c.horizon.max(0) as f64 / DAY_MILLIS as f64;
        let p = p_return(&m, x, t_x, age, h)?;
        let purchases = if h > 0.0 {
            m.conditional_expected_purchases(h, x, t_x, age)
                .map_err(|e| ForecastError::Model(e.to_string()))?
        } else {
            0.0
        };
        let points = c.points as f64;
        let add = |line: &mut Line| {
            line.customers += 1;
            line.outstanding += c.points;
            line.expected_redeemed += points * p;
            line.expected_breakage += points * (1.0 - p);
            line.expected_purchases += purchases;
        };
        add(&mut total);
        if let Some(name) = &c.tier {
            match tiers.iter_mut().find(|t| &t.tier == name) {
                Some(t) => add(&mut t.line),
                None => {
                    let mut line = Line::default();
                    add(&mut line);
                    tiers.push(TierLine {
                        tier: name.clone(),
                        line,
                    });
                }
            }
        }
    }
    let priced = |line: &mut Line| {
        line.redeemed_value = value_per_point.map(|v| line.expected_redeemed * v);
        line.breakage_value = value_per_point.map(|v| line.expected_breakage * v);
    };
    priced(&mut total);
    priced(&mut unmodelled);
    unmodelled.breakage_value = None;
    unmodelled.redeemed_value = None;
    for t in &mut tiers {
        priced(&mut t.line);
    }
    Ok(Forecast {
        model: ModelParams {
            r: m.r,
            alpha: m.alpha,
            a: m.a,
            b: m.b,
            customers: rows.len(),
        },
        value_per_point,
        total,
        tiers,
        unmodelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_metrics::models::simulate::SplitMix64;

    const DAY: i64 = DAY_MILLIS;

    /// A BG/NBD customer base with known parameters, simulated over a calibration period
    /// and a holdout: the forecast of who comes back in the holdout is compared with who
    /// actually did (the known answer).
    #[test]
    fn breakage_matches_simulated_returns() -> Result<(), ForecastError> {
        let (r, alpha, a, b) = (0.8, 40.0, 0.6, 2.5);
        let (calibration, holdout) = (365.0, 180.0);
        let mut rng = SplitMix64::new(7);
        let now = 1_000 * DAY;
        let start = now - (calibration as i64) * DAY;
        let mut customers = Vec::new();
        let mut actual_redeemed = 0i64;
        for i in 0..3000 {
            let lambda = rng.gamma(r) / alpha;
            let p = rng.beta(a, b);
            // First purchase at a uniform instant of the calibration period.
            let first = rng.uniform() * calibration;
            let mut t = first;
            let mut times = vec![first];
            let mut returned = false;
            loop {
                t += rng.exponential(lambda);
                if t > calibration + holdout {
                    break;
                }
                if t > calibration {
                    returned = true;
                    break;
                }
                times.push(t);
                if rng.uniform() < p {
                    // Dropped out after this repeat purchase.
                    break;
                }
            }
            let points = 100 + (i % 7) * 50;
            if returned {
                actual_redeemed += points;
            }
            customers.push(CustomerHistory {
                tier: Some(if i % 3 == 0 { "Gold" } else { "Bronze" }.to_owned()),
                points,
                orders: times
                    .iter()
                    .map(|d| start + (d * DAY as f64) as i64)
                    .collect(),
                horizon: (holdout as i64) * DAY,
            });
        }
        customers.push(CustomerHistory {
            tier: None,
            points: 70,
            orders: vec![],
            horizon: 0,
        });
        let f = forecast(&customers, Some(0.01), now)?;
        let outstanding: i64 = customers.iter().map(|c| c.points).sum::<i64>() - 70;
        assert_eq!(f.total.outstanding, outstanding);
        assert!(
            (f.total.expected_redeemed + f.total.expected_breakage - outstanding as f64).abs()
                < 1e-6
        );
        let error =
            (f.total.expected_redeemed - actual_redeemed as f64).abs() / actual_redeemed as f64;
        assert!(
            error < 0.08,
            "forecast {:.0} vs actual {actual_redeemed} redeemed ({:.1}% off); model {:?}",
            f.total.expected_redeemed,
            error * 100.0,
            f.model
        );
        // The fit recovers the simulated parameters roughly.
        assert!((f.model.r - r).abs() / r < 0.3, "{:?}", f.model);
        let tiers: i64 = f.tiers.iter().map(|t| t.line.outstanding).sum();
        assert_eq!(tiers, outstanding);
        assert_eq!((f.unmodelled.customers, f.unmodelled.outstanding), (1, 70));
        let value = f.total.breakage_value.unwrap_or(f64::NAN);
        assert!((value - f.total.expected_breakage * 0.01).abs() < 1e-9);
        Ok(())
    }

    #[test]
    fn edge_cases() -> Result<(), ForecastError> {
        assert!(matches!(
            forecast(&[], None, 0),
            Err(ForecastError::TooFew(0))
        ));
        let m = BgNbd::new(1.0, 10.0, 1.0, 1.0).map_err(|e| ForecastError::Model(e.to_string()))?;
        // No horizon: nothing can be redeemed; a long one approaches P(alive).
        assert_eq!(p_return(&m, 2.0, 30.0, 40.0, 0.0)?, 0.0);
        let alive = m
            .p_alive(2.0, 30.0, 40.0)
            .map_err(|e| ForecastError::Model(e.to_string()))?;
        assert!((p_return(&m, 2.0, 30.0, 40.0, 1e9)? - alive).abs() < 1e-6);
        assert!(p_return(&m, 2.0, 30.0, 40.0, 10.0)? < p_return(&m, 2.0, 30.0, 40.0, 100.0)?);
        Ok(())
    }
}
