//! The dates of imported history (see [`super::import`]). An imported order happened when
//! it was placed, not when the file was loaded: its record, its return window and, with
//! `credit`, its ledger entries are dated by the order's own date, so that everything that
//! reads dates treats it as the old order it is:
//!
//! - **pending → spendable**: the return window runs from the order's date, so an order
//!   older than the window is spendable at once (and a recent one stays pending until its
//!   window ends);
//! - **expiry**: its points are activity at the order's date; when the inactivity period
//!   has passed since then with no later activity, they are expired — written by the next
//!   expiry run for that customer (a read of `loyalty/me`, a redemption, or the sweep within
//!   a minute), dated at the instant they expired;
//! - **tiers**: it counts in the rolling window by its date, so an order older than the
//!   window lifts nobody. Uncredited history counts too (its spend, with 0 points): a tier
//!   contribution is dated by the order's ledger entry when it has one, else by the order's
//!   record, which an import dates by the order.
//!
//! A date in the future (a clock or time-zone slip in the file) is taken as the import's
//! own instant: history cannot be newer than the moment it is loaded.

/// The instant an imported order placed at `placed_at` (ms) counts from, imported at `now`.
pub fn order_instant(placed_at: i64, now: i64) -> i64 {
    placed_at.min(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::ledger::{balance, Entry, SourceKind};
    use crate::loyalty::plan;
    use crate::loyalty::rules::{LoyaltyRules, DAY_MILLIS};
    use proptest::prelude::*;

    fn facts() -> crate::loyalty::order::OrderFacts {
        crate::loyalty::order::OrderFacts {
            order_id: "1001".into(),
            customer: Some("c".into()),
            email: None,
            currency: "EUR".into(),
            total: 5_000,
            eligible: 4_000,
            paid: true,
            cancelled: false,
            refunds: Vec::new(),
            referral: Vec::new(),
        }
    }

    fn ledger(applied: &plan::Applied, at: i64) -> Vec<Entry> {
        applied
            .entries
            .iter()
            .map(|e| Entry {
                customer: e.customer.clone(),
                kind: e.kind,
                source_id: e.source_id.clone(),
                points: e.points,
                created_at: at,
                available_at: e.available_at,
                reason: None,
                actor: None,
            })
            .collect()
    }

    #[test]
    fn future_dates_are_the_import_instant() {
        assert_eq!(order_instant(10, 20), 10);
        assert_eq!(order_instant(30, 20), 20);
    }

    proptest! {
        /// An imported, credited order is spendable exactly when its return window (from its
        /// own date) has passed, whatever the import instant.
        #[test]
        fn spendable_after_the_window_from_the_order_date(age_days in 0i64..400, window in 0u32..60) {
            let now = 1_800_000_000_000;
            let rules = LoyaltyRules { return_window_days: window, ..LoyaltyRules::default() };
            let placed = order_instant(now - age_days * DAY_MILLIS, now);
            let applied = plan::import("shopify", &facts(), &rules, placed, true);
            let entries = ledger(&applied, placed);
            prop_assert_eq!(entries.len(), 1);
            prop_assert_eq!(entries[0].kind, SourceKind::Order);
            let b = balance(&entries, now);
            if age_days >= i64::from(window) {
                prop_assert_eq!((b.spendable, b.pending), (40, 0));
            } else {
                prop_assert_eq!((b.spendable, b.pending), (0, 40));
            }
        }
    }
}
