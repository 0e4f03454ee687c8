//! The holdout experiment's outcomes: for each assigned response (overrides excluded),
//! what its customer did in the window after it — ordered again or not, net revenue, and
//! the change in P(alive) when it was recorded at assignment and is scored now — split by
//! group, ready for [`rapport_metrics::experiment::compare`].

use std::collections::HashMap;

use rapport_metrics::experiment::Outcome;

use super::assign::Group;
use crate::store::followup::{Assignment, OutcomeOrder};

/// One day, ms.
pub const DAY_MS: i64 = 86_400_000;

/// The outcomes by group, and how complete they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcomes {
    /// Treated responses' outcomes.
    pub treatment: Vec<Outcome>,
    /// Held-out responses' outcomes.
    pub holdout: Vec<Outcome>,
    /// Assignments whose window is not over at `now` (their outcomes may still change).
    pub pending: u64,
    /// Holdout responses followed up by override (left out).
    pub overridden: u64,
}

/// The outcomes of `assignments` with `window_days` windows at `now`, from `orders` (of
/// the assigned customers, any time) and the customers' P(alive) now.
pub fn outcomes(
    assignments: &[Assignment],
    orders: &[OutcomeOrder],
    p_alive_now: &HashMap<String, f64>,
    window_days: i64,
    now: i64,
) -> Outcomes {
    let mut by_customer: HashMap<&str, Vec<&OutcomeOrder>> = HashMap::new();
    for o in orders {
        by_customer.entry(o.customer.as_str()).or_default().push(o);
    }
    let window = window_days.saturating_mul(DAY_MS);
    let mut out = Outcomes::default();
    for a in assignments {
        if a.overridden {
            out.overridden += 1;
            continue;
        }
        let end = a.assigned_at.saturating_add(window);
        if now < end {
            out.pending += 1;
        }
        let in_window: Vec<&&OutcomeOrder> = by_customer
            .get(a.customer.as_str())
            .map(|list| {
                list.iter()
                    .filter(|o| o.created_at > a.assigned_at && o.created_at <= end)
                    .collect()
            })
            .unwrap_or_default();
        let outcome = Outcome {
            repeat: !in_window.is_empty(),
            revenue: in_window.iter().map(|o| o.net as f64).sum(),
            p_alive_change: a
                .p_alive
                .zip(p_alive_now.get(&a.customer))
                .map(|(then, now)| now - then),
        };
        match a.group {
            Group::Treatment => out.treatment.push(outcome),
            Group::Holdout => out.holdout.push(outcome),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(id: &str, customer: &str, group: Group, at: i64) -> Assignment {
        Assignment {
            response_id: id.into(),
            customer: customer.into(),
            group,
            share: 0.2,
            assigned_at: at,
            p_alive: Some(0.5),
            annual_value: None,
            overridden: false,
        }
    }

    fn o(customer: &str, at: i64, net: i64) -> OutcomeOrder {
        OutcomeOrder {
            customer: customer.into(),
            created_at: at,
            net,
        }
    }

    #[test]
    fn windows_groups_and_overrides() {
        let mut list = vec![
            a("r1", "alice", Group::Treatment, 0),
            a("r2", "bob", Group::Holdout, 0),
            a("r3", "carol", Group::Treatment, 20 * DAY_MS),
            a("r4", "dave", Group::Holdout, 0),
        ];
        list[3].overridden = true;
        let orders = [
            o("alice", DAY_MS, 1_000),
            o("alice", 2 * DAY_MS, 500),
            o("alice", 31 * DAY_MS, 9_999), // after the window
            o("bob", -DAY_MS, 700),         // before the response
            o("carol", 25 * DAY_MS, 300),
            o("dave", DAY_MS, 100),
        ];
        let alive = HashMap::from([("alice".to_owned(), 0.9)]);
        let r = outcomes(&list, &orders, &alive, 30, 40 * DAY_MS);
        assert_eq!(r.overridden, 1);
        assert_eq!(r.pending, 1); // carol's window ends on day 50
        assert_eq!(r.treatment.len(), 2);
        assert_eq!(r.holdout.len(), 1);
        assert!(r.treatment[0].repeat);
        assert_eq!(r.treatment[0].revenue, 1_500.0);
        assert!(r.treatment[0]
            .p_alive_change
            .is_some_and(|d| (d - 0.4).abs() < 1e-12));
        assert!(!r.holdout[0].repeat);
        assert_eq!(r.holdout[0].revenue, 0.0);
        assert_eq!(r.holdout[0].p_alive_change, None);
        assert_eq!(r.treatment[1].revenue, 300.0);
    }
}
