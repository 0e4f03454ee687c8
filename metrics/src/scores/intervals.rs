//! The parameters' uncertainty on [`CustomerValues`]: P(alive) and the annual value of any
//! customers, from the engine's parametric bootstrap of the BG/NBD parameters
//! ([`prediction_intervals`], seed 1).
//!
//! * P(alive): the bootstrap interval (widened to contain the point value).
//! * Annual value: the point value scaled by the relative bounds of the bootstrap interval
//!   of the expected purchases over 365 days. The Gamma-Gamma parameters' uncertainty is
//!   left out — it moves every customer's value by the same factor, and drawing it would
//!   need the CLV under every draw.
//!
//! The draws depend only on the seed and the fitted covariance, never on which customers
//! are asked for: the scores job asks for every customer, the dashboard for the rows it
//! lists, and the same customer gets the same interval. Exact (zero-width) estimates in the
//! fallback, with no draws, or when the fit is at a boundary of the parameter space.

use serde_json::{json, Value};

use super::values::{CustomerValues, Method, HORIZON_DAYS};
use crate::models::clv::{ClvOptions, Customer};
use crate::models::transaction::TransactionParams;
use crate::risk::Estimate;
use crate::uncertainty::{prediction_intervals, transaction_covariance, IntervalOptions};

/// How the intervals are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalSettings {
    /// Parameter sets drawn (0: no intervals).
    pub draws: usize,
    /// Coverage.
    pub level: f64,
}

impl Default for IntervalSettings {
    /// 100 draws, 90 % — the scores job's and the dashboard's.
    fn default() -> Self {
        IntervalSettings {
            draws: 100,
            level: 0.9,
        }
    }
}

/// Intervals of some customers.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// P(alive), one per asked row.
    pub p_alive: Vec<Estimate>,
    /// Annual value, one per asked row.
    pub annual_value: Vec<Estimate>,
    /// `{level, draws, unusableDraws}` or `{unavailable: why}`; `None` when none were
    /// drawn (fallback, no draws).
    pub note: Option<Value>,
}

impl CustomerValues {
    /// Intervals of the customers at summary positions `rows` (out-of-range rows are
    /// skipped).
    pub fn intervals(&self, rows: &[usize], settings: &IntervalSettings) -> Intervals {
        let rows: Vec<usize> = rows.iter().copied().filter(|&i| i < self.len()).collect();
        let mut out = Intervals {
            p_alive: rows
                .iter()
                .map(|&i| Estimate::exact(self.p_alive[i]))
                .collect(),
            annual_value: rows
                .iter()
                .map(|&i| Estimate::exact(self.annual_value[i]))
                .collect(),
            note: None,
        };
        let Method::Fitted(f) = &self.method else {
            return out;
        };
        if let Some(b) = &f.boundary {
            // Draws around an optimum at the edge of the parameter space are meaningless.
            out.note = Some(json!({"unavailable": format!("BG/NBD fit at a boundary: {b}")}));
            return out;
        }
        if settings.draws == 0 {
            return out;
        }
        let params = TransactionParams::Bgnbd(f.bgnbd);
        let cov = match transaction_covariance(&params, &f.input) {
            Ok(c) => c,
            Err(e) => {
                out.note = Some(json!({"unavailable": e.to_string()}));
                return out;
            }
        };
        let s = &self.summary;
        let customers: Vec<Customer> = rows
            .iter()
            .map(|&i| Customer {
                x: s.frequency[i],
                t_x: s.recency[i],
                t: s.t[i],
                zbar: s.monetary_value[i],
            })
            .collect();
        let opts = IntervalOptions {
            level: settings.level,
            draws: settings.draws,
            seed: 1,
            horizon: HORIZON_DAYS,
            clv: ClvOptions {
                months: 12,
                units_per_month: HORIZON_DAYS / 12.0,
                monthly_discount: 0.0,
            },
        };
        let iv = match prediction_intervals(&params, &cov, &customers, None, &opts) {
            Ok(iv) => iv,
            Err(e) => {
                out.note = Some(json!({"unavailable": e.to_string()}));
                return out;
            }
        };
        for k in 0..rows.len() {
            let p = &mut out.p_alive[k];
            let (pl, ph) = (iv.p_alive.low[k], iv.p_alive.high[k]);
            if pl.is_finite() && ph.is_finite() {
                p.low = pl.min(p.value);
                p.high = ph.max(p.value);
            }
            let v = &mut out.annual_value[k];
            let ex = &iv.expected;
            let (e, l, h) = (ex.estimate[k], ex.low[k], ex.high[k]);
            if e > 0.0 && l.is_finite() && h.is_finite() {
                v.low = (v.value * l / e).min(v.value);
                v.high = (v.value * h / e).max(v.value);
            }
        }
        out.note = Some(json!({
            "level": settings.level,
            "draws": settings.draws,
            "unusableDraws": iv.unusable_draws,
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scores::values::tests::site;

    #[test]
    fn a_customers_interval_does_not_depend_on_who_else_is_asked_for() {
        let v = CustomerValues::compute(&site(300, 7), 400);
        let settings = IntervalSettings {
            draws: 30,
            level: 0.9,
        };
        let all: Vec<usize> = (0..v.len()).collect();
        let every = v.intervals(&all, &settings);
        assert!(
            every.note.as_ref().is_some_and(|n| n["draws"] == 30),
            "{:?}",
            every.note
        );
        let some = v.intervals(&[250, 3, 17], &settings);
        for (k, &i) in [250usize, 3, 17].iter().enumerate() {
            assert_eq!(some.p_alive[k], every.p_alive[i]);
            assert_eq!(some.annual_value[k], every.annual_value[i]);
        }
        for (p, a) in every.p_alive.iter().zip(&every.annual_value) {
            assert!(p.low <= p.value && p.value <= p.high, "{p:?}");
            assert!(a.low <= a.value && a.value <= a.high, "{a:?}");
        }
        assert!(every.p_alive.iter().any(|p| p.high > p.low));
    }

    #[test]
    fn the_fallback_has_exact_values() {
        let v = CustomerValues::compute(&site(10, 3), 400);
        let iv = v.intervals(&[0, 1], &IntervalSettings::default());
        assert!(iv.note.is_none());
        assert_eq!(iv.p_alive[0], Estimate::exact(v.p_alive[0]));
        assert_eq!(iv.annual_value[1], Estimate::exact(v.annual_value[1]));
    }
}
