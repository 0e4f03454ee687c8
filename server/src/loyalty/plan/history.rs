//! What one batch of imported history orders stores, decided without IO. The store reads
//! which of the batch's order ids it has already (under each order's lock), calls
//! [`import_batch`], and writes each planned order and its entries, dated as planned.
//!
//! An imported order is dated by its own date, not by the import (see
//! [`crate::loyalty::import_dates`]): its record, its return window and its entries.

use std::collections::BTreeSet;

use crate::loyalty::import::ImportedOrder;
use crate::loyalty::import_dates::order_instant;
use crate::loyalty::rules::LoyaltyRules;

use super::order::{import, Applied};

/// One order of a batch to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedImport {
    /// The platform's order id.
    pub order_id: String,
    /// The instant the order counts from (its record's and its entries' date), ms.
    pub at: i64,
    /// Its record and entries.
    pub applied: Applied,
}

/// The plan of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// The orders to store, in the batch's order.
    pub orders: Vec<PlannedImport>,
    /// Orders left as they were: stored before (by webhook or an earlier import), or given
    /// twice in the batch (the first one counts).
    pub duplicates: u64,
}

/// Plans a batch of `platform` orders imported at `now`: each not in `known` (ids already
/// stored) is stored through [`import`] (crediting its points with `credit`), dated by
/// [`order_instant`] (its own date; never later than `now`).
pub fn import_batch(
    platform: &str,
    orders: &[ImportedOrder],
    known: &BTreeSet<String>,
    rules: &LoyaltyRules,
    credit: bool,
    now: i64,
) -> ImportPlan {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut plan = ImportPlan {
        orders: Vec::new(),
        duplicates: 0,
    };
    for o in orders {
        let id = o.facts.order_id.as_str();
        if known.contains(id) || !seen.insert(id) {
            plan.duplicates += 1;
            continue;
        }
        let at = order_instant(o.placed_at, now);
        plan.orders.push(PlannedImport {
            order_id: id.to_owned(),
            at,
            applied: import(platform, &o.facts, rules, at, credit),
        });
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::order::OrderFacts;
    use proptest::prelude::*;

    const NOW: i64 = 1_800_000_000_000;
    const DAY: i64 = 86_400_000;

    fn imported(id: &str) -> ImportedOrder {
        ImportedOrder {
            row: 1,
            facts: OrderFacts {
                order_id: id.into(),
                customer: Some("c".into()),
                email: None,
                currency: "EUR".into(),
                total: 1_000,
                eligible: 1_000,
                paid: true,
                cancelled: false,
                refunds: Vec::new(),
                referral: Vec::new(),
            },
            placed_at: 0,
        }
    }

    #[test]
    fn known_and_repeated_orders_are_left_alone() {
        let batch = [imported("1"), imported("2"), imported("1"), imported("3")];
        let known = BTreeSet::from(["3".to_owned()]);
        let plan = import_batch(
            "shopify",
            &batch,
            &known,
            &LoyaltyRules::default(),
            true,
            NOW,
        );
        let ids: Vec<&str> = plan.orders.iter().map(|o| o.order_id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(plan.duplicates, 2);
        assert!(plan.orders.iter().all(|o| o.applied.entries.len() == 1));
        let quiet = import_batch(
            "shopify",
            &batch,
            &known,
            &LoyaltyRules::default(),
            false,
            NOW,
        );
        assert!(quiet.orders.iter().all(|o| o.applied.entries.is_empty()));
    }

    #[test]
    fn orders_are_dated_by_their_own_date_never_after_the_import() {
        let rules = LoyaltyRules {
            return_window_days: 14,
            ..LoyaltyRules::default()
        };
        let old = ImportedOrder {
            placed_at: NOW - 100 * DAY,
            ..imported("old")
        };
        let recent = ImportedOrder {
            placed_at: NOW - DAY,
            ..imported("recent")
        };
        let future = ImportedOrder {
            placed_at: NOW + DAY,
            ..imported("future")
        };
        let plan = import_batch(
            "shopify",
            &[old, recent, future],
            &BTreeSet::new(),
            &rules,
            true,
            NOW,
        );
        let dates: Vec<(i64, Option<i64>, i64)> = plan
            .orders
            .iter()
            .map(|o| {
                (
                    o.at,
                    o.applied.record.available_at,
                    o.applied.entries[0].available_at,
                )
            })
            .collect();
        assert_eq!(
            dates,
            [
                (NOW - 100 * DAY, Some(NOW - 86 * DAY), NOW - 86 * DAY),
                (NOW - DAY, Some(NOW + 13 * DAY), NOW + 13 * DAY),
                (NOW, Some(NOW + 14 * DAY), NOW + 14 * DAY),
            ]
        );
    }

    proptest! {
        /// Every order of a batch is either stored once or counted as a duplicate.
        #[test]
        fn each_order_is_stored_once_or_counted(
            ids in proptest::collection::vec(0u8..10, 0..30),
            known in proptest::collection::btree_set(0u8..10, 0..5),
        ) {
            let batch: Vec<ImportedOrder> = ids.iter().map(|i| imported(&i.to_string())).collect();
            let known: BTreeSet<String> = known.iter().map(u8::to_string).collect();
            let plan = import_batch("shopify", &batch, &known, &LoyaltyRules::default(), true, NOW);
            prop_assert_eq!(plan.orders.len() as u64 + plan.duplicates, batch.len() as u64);
            let stored: BTreeSet<&String> = plan.orders.iter().map(|o| &o.order_id).collect();
            prop_assert_eq!(stored.len(), plan.orders.len());
            prop_assert!(stored.iter().all(|id| !known.contains(*id)));
        }
    }
}
