//! What one batch of imported history orders stores, decided without IO. The store reads
//! which of the batch's order ids it has already (under each order's lock), calls
//! [`import_batch`], and writes each planned order and its entries.

use std::collections::BTreeSet;

use crate::loyalty::import::ImportedOrder;
use crate::loyalty::rules::LoyaltyRules;

use super::order::{import, Applied};

/// The plan of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// The orders to store, by order id, in the batch's order.
    pub orders: Vec<(String, Applied)>,
    /// Orders left as they were: stored before (by webhook or an earlier import), or given
    /// twice in the batch (the first one counts).
    pub duplicates: u64,
}

/// Plans a batch of `platform` orders: each not in `known` (ids already stored) is stored
/// through [`import`] (crediting its points with `credit`).
pub fn import_batch(
    platform: &str,
    orders: &[ImportedOrder],
    known: &BTreeSet<String>,
    rules: &LoyaltyRules,
    credit: bool,
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
        let applied = import(platform, &o.facts, rules, o.placed_at, credit);
        plan.orders.push((id.to_owned(), applied));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::order::OrderFacts;
    use proptest::prelude::*;

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
        let plan = import_batch("shopify", &batch, &known, &LoyaltyRules::default(), true);
        let ids: Vec<&str> = plan.orders.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(plan.duplicates, 2);
        assert!(plan.orders.iter().all(|(_, a)| a.entries.len() == 1));
        let quiet = import_batch("shopify", &batch, &known, &LoyaltyRules::default(), false);
        assert!(quiet.orders.iter().all(|(_, a)| a.entries.is_empty()));
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
            let plan = import_batch("shopify", &batch, &known, &LoyaltyRules::default(), true);
            prop_assert_eq!(plan.orders.len() as u64 + plan.duplicates, batch.len() as u64);
            let stored: BTreeSet<&String> = plan.orders.iter().map(|(id, _)| id).collect();
            prop_assert_eq!(stored.len(), plan.orders.len());
            prop_assert!(stored.iter().all(|id| !known.contains(*id)));
        }
    }
}
