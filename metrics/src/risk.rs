//! Revenue at risk: how much a year of a customer's spending is likely to be lost, given
//! how unhappy their latest answer is and how likely they are to have left already.
//!
//! The console's inbox ranks answers by it and the dashboard's at-risk list shows it; both
//! call [`revenue_at_risk`], so the two always agree.
//!
//! The model, stated so a merchant can check it:
//!
//! * `annual_value` — what the customer is expected to spend in the next year *if they stay*
//!   (the BG/NBD expected purchases over 365 days for a live customer times the Gamma-Gamma
//!   expected order value).
//! * `p_alive` — the BG/NBD probability the customer is still active.
//! * `unhappiness` in `[0, 1]` — from the answer: 1 for the worst answer on its scale, 0 for
//!   a promoter or a top score (see [`unhappiness`]).
//!
//! The probability of losing the customer is `1 − P(alive) · (1 − LIFT · unhappiness)`: a
//! customer who has probably left already is lost whatever they answered; an active
//! customer's risk grows with how unhappy they are, up to `LIFT` for the worst answer.
//! Revenue at risk is that probability times the annual value. `LIFT` is an assumption (a
//! detractor being about half as likely to stay as a promoter, the order of magnitude reported
//! in churn studies of NPS); it orders answers, it does not claim an exact loss.
//!
//! The interval combines the bounds monotonically: the low end takes the low annual value with
//! the high P(alive), the high end the high annual value with the low P(alive).

use serde::{Deserialize, Serialize};

/// How much the worst possible answer lowers an active customer's chance of staying.
pub const LIFT: f64 = 0.5;

/// An estimate with its interval bounds (`low ≤ value ≤ high` when all are finite).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Estimate {
    /// An estimate without uncertainty.
    pub fn exact(value: f64) -> Self {
        Estimate {
            value,
            low: value,
            high: value,
        }
    }
}

/// The answer scales the inbox knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 0–10, Net Promoter Score.
    Nps,
    /// 1–5, customer satisfaction (5 best).
    Csat,
    /// 1–7, customer effort (7 hardest).
    Ces,
    /// 1–`max` stars or faces (`max` best).
    Rating {
        /// Highest value on the scale.
        max: u8,
    },
}

/// How unhappy an answer is, in `[0, 1]` (1 = the worst answer on its scale). Out-of-range
/// values are clamped to the scale.
///
/// NPS: promoters (9–10) 0; passives (7–8) 0.1 and 0.2; detractors rise from 0.4 at 6 to 1
/// at 0. The other scales are linear from the best answer (0) to the worst (1).
pub fn unhappiness(scale: Scale, value: f64) -> f64 {
    let linear = |best: f64, worst: f64| ((value - best) / (worst - best)).clamp(0.0, 1.0);
    match scale {
        Scale::Nps => {
            let v = value.clamp(0.0, 10.0);
            if v >= 9.0 {
                0.0
            } else if v >= 7.0 {
                (9.0 - v) * 0.1
            } else {
                0.4 + (6.0 - v) * 0.1
            }
        }
        Scale::Csat => linear(5.0, 1.0),
        Scale::Ces => linear(1.0, 7.0),
        Scale::Rating { max } => linear(f64::from(max.max(2)), 1.0),
    }
}

/// Probability of losing the customer, given `p_alive` and `unhappiness` (both clamped to
/// `[0, 1]`).
pub fn p_loss(p_alive: f64, unhappiness: f64) -> f64 {
    let stay = p_alive.clamp(0.0, 1.0) * (1.0 - LIFT * unhappiness.clamp(0.0, 1.0));
    1.0 - stay
}

/// Revenue at risk over the next year, in the unit of `annual_value` (see the module notes).
pub fn revenue_at_risk(unhappiness: f64, annual_value: Estimate, p_alive: Estimate) -> Estimate {
    let at = |value: f64, alive: f64| value.max(0.0) * p_loss(alive, unhappiness);
    Estimate {
        value: at(annual_value.value, p_alive.value),
        low: at(annual_value.low, p_alive.high),
        high: at(annual_value.high, p_alive.low),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_dormant_valuable_detractor_outranks_an_active_one_and_a_small_one() {
        let worth = Estimate {
            value: 2000.0,
            low: 1500.0,
            high: 2600.0,
        };
        let detractor = unhappiness(Scale::Nps, 2.0);
        let dormant = revenue_at_risk(detractor, worth, Estimate::exact(0.55));
        let active = revenue_at_risk(detractor, worth, Estimate::exact(0.97));
        let small = revenue_at_risk(detractor, Estimate::exact(150.0), Estimate::exact(0.55));
        let promoter = revenue_at_risk(unhappiness(Scale::Nps, 10.0), worth, Estimate::exact(0.97));
        assert!(dormant.value > active.value, "{dormant:?} vs {active:?}");
        assert!(active.value > small.value);
        assert!(active.value > promoter.value);
        // 1 − 0.55 · (1 − 0.5 · 0.8) = 0.67 of 2,000.
        assert!((dormant.value - 1340.0).abs() < 1e-9, "{dormant:?}");
    }

    #[test]
    fn nps_bands_map_as_documented() {
        assert_eq!(unhappiness(Scale::Nps, 10.0), 0.0);
        assert_eq!(unhappiness(Scale::Nps, 9.0), 0.0);
        assert!((unhappiness(Scale::Nps, 8.0) - 0.1).abs() < 1e-12);
        assert!((unhappiness(Scale::Nps, 6.0) - 0.4).abs() < 1e-12);
        assert_eq!(unhappiness(Scale::Nps, 0.0), 1.0);
        assert_eq!(unhappiness(Scale::Csat, 1.0), 1.0);
        assert_eq!(unhappiness(Scale::Csat, 5.0), 0.0);
        assert_eq!(unhappiness(Scale::Ces, 7.0), 1.0);
        assert_eq!(unhappiness(Scale::Rating { max: 5 }, 3.0), 0.5);
    }

    proptest! {
        #[test]
        fn risk_is_bounded_ordered_and_monotone(
            u in 0.0f64..=1.0, du in 0.0f64..=1.0,
            v in 0.0f64..1e7, spread in 0.0f64..1e6,
            p in 0.0f64..=1.0, dp in 0.0f64..=1.0,
        ) {
            let worth = Estimate { value: v, low: (v - spread).max(0.0), high: v + spread };
            let alive = Estimate { value: p, low: (p - dp).max(0.0), high: (p + dp).min(1.0) };
            let r = revenue_at_risk(u, worth, alive);
            prop_assert!(r.low <= r.value + 1e-9 && r.value <= r.high + 1e-9);
            prop_assert!(r.value >= 0.0 && r.value <= v + 1e-9);
            // More unhappy never lowers the risk; more likely alive never raises it.
            let unhappier = revenue_at_risk((u + du).min(1.0), worth, alive);
            prop_assert!(unhappier.value + 1e-9 >= r.value);
            let livelier = revenue_at_risk(u, worth, Estimate::exact((p + dp).min(1.0)));
            prop_assert!(livelier.value <= r.value + 1e-9);
        }

        #[test]
        fn unhappiness_stays_in_unit_interval(v in -100.0f64..100.0, max in 0u8..20) {
            for scale in [Scale::Nps, Scale::Csat, Scale::Ces, Scale::Rating { max }] {
                let u = unhappiness(scale, v);
                prop_assert!((0.0..=1.0).contains(&u), "{scale:?} {v} -> {u}");
            }
        }
    }
}
