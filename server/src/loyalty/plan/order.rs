//! What an order event does to the order's record and the ledger, decided without IO: the
//! store loads the order's record, calls [`apply`], and writes what comes back in the same
//! transaction. Replaying any event yields no new entries (every entry's source id is
//! fixed by the order or refund id, and the record remembers what was applied).

use std::collections::BTreeSet;

use crate::loyalty::ledger::SourceKind;
use crate::loyalty::order::{OrderEvent, OrderFacts, RefundFacts};
use crate::loyalty::rules::{reversed_after, LoyaltyRules};
use crate::loyalty::tiers::Contribution;

/// The stored state of one order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderRecord {
    /// Platform customer id, once known.
    pub customer: Option<String>,
    /// Email, once known.
    pub email: Option<String>,
    /// Currency code.
    pub currency: String,
    /// Total, hundredths.
    pub total: i64,
    /// Eligible spend, hundredths (fixed once points are earned).
    pub eligible: i64,
    /// Paid.
    pub paid: bool,
    /// Cancelled.
    pub cancelled: bool,
    /// Whether the earn step ran (even for 0 points).
    pub earned: bool,
    /// Points earned.
    pub earned_points: i64,
    /// Points reversed so far (refunds and cancellation).
    pub reversed_points: i64,
    /// Eligible amount refunded so far, hundredths.
    pub refunded: i64,
    /// When the earned points become spendable, ms.
    pub available_at: Option<i64>,
    /// Refund ids applied.
    pub refund_ids: BTreeSet<String>,
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// Customer.
    pub customer: String,
    /// Kind.
    pub kind: SourceKind,
    /// Source id (`platform:id`).
    pub source_id: String,
    /// Points.
    pub points: i64,
    /// Spendable from, ms.
    pub available_at: i64,
}

/// The outcome of [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The record to store.
    pub record: OrderRecord,
    /// Refunds newly applied (to store beside the order).
    pub new_refunds: Vec<RefundFacts>,
    /// Entries to append.
    pub entries: Vec<NewEntry>,
}

/// What an imported history order (see [`crate::loyalty::import`]) stores, placed at
/// `placed_at`. With `credit`, it earns as a paid order would have when placed (its return
/// window counted from then, so old orders' points are spendable at once) and its
/// cancellation reverses them. Without, a paid order is marked as having run its earn step
/// with 0 points, so that a later webhook of the same order credits nothing either; an
/// unpaid one can still earn when a webhook reports its payment.
pub fn import(
    platform: &str,
    facts: &OrderFacts,
    rules: &LoyaltyRules,
    placed_at: i64,
    credit: bool,
) -> Applied {
    if credit {
        // A new order event cannot fail (only refunds of unknown orders do).
        if let Ok(applied) = apply(
            platform,
            None,
            &OrderEvent::Order(facts.clone()),
            rules,
            placed_at,
        ) {
            return applied;
        }
    }
    let mut record = OrderRecord::default();
    merge(&mut record, facts);
    if record.paid && !record.cancelled {
        record.earned = true;
        record.available_at = Some(placed_at.saturating_add(rules.window_millis()));
    }
    Applied {
        record,
        new_refunds: Vec::new(),
        entries: Vec::new(),
    }
}

/// Whether applying an event made the order earn (the moment its referral is decided).
pub fn newly_earned(before: Option<&OrderRecord>, after: &OrderRecord) -> bool {
    after.earned && !before.is_some_and(|b| b.earned)
}

/// Why an event cannot be applied yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A refund for an order this collector has not seen: the platform retries later.
    #[error("order {0:?} is not known yet")]
    UnknownOrder(String),
}

/// Applies `event` (from `platform`) to `existing` at `now`.
pub fn apply(
    platform: &str,
    existing: Option<OrderRecord>,
    event: &OrderEvent,
    rules: &LoyaltyRules,
    now: i64,
) -> Result<Applied, PlanError> {
    let mut applied = Applied {
        record: OrderRecord::default(),
        new_refunds: Vec::new(),
        entries: Vec::new(),
    };
    let mut record = match (existing, event) {
        (Some(r), _) => r,
        (None, OrderEvent::Order(_)) => OrderRecord::default(),
        (None, OrderEvent::Refund(r)) => return Err(PlanError::UnknownOrder(r.order_id.clone())),
    };
    match event {
        OrderEvent::Order(facts) => {
            merge(&mut record, facts);
            earn(
                platform,
                &mut record,
                &facts.order_id,
                rules,
                now,
                &mut applied,
            );
            for refund in &facts.refunds {
                refund_step(platform, &mut record, refund, &mut applied);
            }
            if record.cancelled {
                cancel(platform, &mut record, &facts.order_id, &mut applied);
            }
        }
        OrderEvent::Refund(refund) => refund_step(platform, &mut record, refund, &mut applied),
    }
    applied.record = record;
    Ok(applied)
}

/// The customer `event` would credit with an order's points (so the store can look up
/// their tier's multiplier before [`apply`]), or `None` when it earns nothing.
pub fn earner(existing: Option<&OrderRecord>, event: &OrderEvent) -> Option<String> {
    let OrderEvent::Order(facts) = event else {
        return None;
    };
    let mut record = existing.cloned().unwrap_or_default();
    merge(&mut record, facts);
    if record.earned || !record.paid || record.cancelled {
        return None;
    }
    record.customer
}

/// Whose tier contributions the store must read before [`apply`]: the customer `event`
/// would credit, when the site has tiers (their earn multiplier depends on them).
pub fn tier_lookup(
    rules: &LoyaltyRules,
    existing: Option<&OrderRecord>,
    event: &OrderEvent,
) -> Option<String> {
    rules.tiers.as_ref()?;
    earner(existing, event)
}

/// The rules an event is applied under: `rules` at the earn multiplier of the earner's tier
/// (from `contributions`, read for [`tier_lookup`]'s customer; `None` when it named none).
pub fn earn_rules(
    rules: &LoyaltyRules,
    contributions: Option<&[Contribution]>,
    now: i64,
) -> LoyaltyRules {
    match (&rules.tiers, contributions) {
        (Some(tiers), Some(c)) => rules.with_multiplier(tiers.multiplier(c, now)),
        _ => rules.clone(),
    }
}

fn merge(record: &mut OrderRecord, facts: &OrderFacts) {
    if record.customer.is_none() {
        record.customer = facts.customer.clone();
    }
    if facts.email.is_some() {
        record.email = facts.email.clone();
    }
    if !facts.currency.is_empty() {
        record.currency = facts.currency.clone();
    }
    if !record.earned {
        record.total = facts.total;
        record.eligible = facts.eligible;
    }
    record.paid |= facts.paid;
    record.cancelled |= facts.cancelled;
}

fn earn(
    platform: &str,
    record: &mut OrderRecord,
    order_id: &str,
    rules: &LoyaltyRules,
    now: i64,
    applied: &mut Applied,
) {
    if record.earned || !record.paid || record.cancelled {
        return;
    }
    let Some(customer) = record.customer.clone() else {
        return;
    };
    record.earned = true;
    record.earned_points = rules.points_for(record.eligible);
    let available_at = now.saturating_add(rules.window_millis());
    record.available_at = Some(available_at);
    if record.earned_points > 0 {
        applied.entries.push(NewEntry {
            customer,
            kind: SourceKind::Order,
            source_id: format!("{platform}:{order_id}"),
            points: record.earned_points,
            available_at,
        });
    }
}

fn refund_step(
    platform: &str,
    record: &mut OrderRecord,
    refund: &RefundFacts,
    applied: &mut Applied,
) {
    if !record.refund_ids.insert(refund.refund_id.clone()) {
        return;
    }
    applied.new_refunds.push(refund.clone());
    record.refunded = record.refunded.saturating_add(refund.eligible.max(0));
    let target = reversed_after(record.earned_points, record.eligible, record.refunded);
    let delta = target - record.reversed_points;
    if let (true, Some(customer), Some(available_at)) =
        (delta > 0, record.customer.clone(), record.available_at)
    {
        record.reversed_points = target;
        applied.entries.push(NewEntry {
            customer,
            kind: SourceKind::Refund,
            source_id: format!("{platform}:{}", refund.refund_id),
            points: -delta,
            available_at,
        });
    }
}

fn cancel(platform: &str, record: &mut OrderRecord, order_id: &str, applied: &mut Applied) {
    let remaining = record.earned_points - record.reversed_points;
    if let (true, Some(customer), Some(available_at)) =
        (remaining > 0, record.customer.clone(), record.available_at)
    {
        record.reversed_points = record.earned_points;
        applied.entries.push(NewEntry {
            customer,
            kind: SourceKind::Cancel,
            source_id: format!("{platform}:{order_id}"),
            points: -remaining,
            available_at,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn order(paid: bool, cancelled: bool, refunds: Vec<RefundFacts>) -> OrderEvent {
        OrderEvent::Order(OrderFacts {
            order_id: "1".into(),
            customer: Some("c".into()),
            email: None,
            currency: "EUR".into(),
            total: 12_000,
            eligible: 10_000,
            paid,
            cancelled,
            refunds,
            referral: Vec::new(),
        })
    }

    fn refund(id: &str, eligible: i64) -> RefundFacts {
        RefundFacts {
            refund_id: id.into(),
            order_id: "1".into(),
            eligible,
        }
    }

    fn points(a: &Applied) -> Vec<(SourceKind, i64, i64)> {
        a.entries
            .iter()
            .map(|e| (e.kind, e.points, e.available_at))
            .collect()
    }

    #[test]
    fn earns_once_when_paid() -> Result<(), PlanError> {
        let rules = LoyaltyRules::default();
        let created = apply("shopify", None, &order(false, false, vec![]), &rules, 0)?;
        assert!(created.entries.is_empty());
        let paid = apply(
            "shopify",
            Some(created.record),
            &order(true, false, vec![]),
            &rules,
            5,
        )?;
        assert_eq!(points(&paid), [(SourceKind::Order, 100, 5 + 14 * DAY)]);
        let again = apply(
            "shopify",
            Some(paid.record.clone()),
            &order(true, false, vec![]),
            &rules,
            9,
        )?;
        assert!(again.entries.is_empty());
        assert_eq!(again.record, paid.record);
        Ok(())
    }

    #[test]
    fn partial_then_full_refund_and_replays() -> Result<(), PlanError> {
        let rules = LoyaltyRules::default();
        let paid = apply("shopify", None, &order(true, false, vec![]), &rules, 0)?;
        let r1 = apply(
            "shopify",
            Some(paid.record),
            &OrderEvent::Refund(refund("r1", 2_500)),
            &rules,
            DAY,
        )?;
        assert_eq!(points(&r1), [(SourceKind::Refund, -25, 14 * DAY)]);
        let replay = apply(
            "shopify",
            Some(r1.record.clone()),
            &OrderEvent::Refund(refund("r1", 2_500)),
            &rules,
            DAY,
        )?;
        assert!(replay.entries.is_empty() && replay.new_refunds.is_empty());
        // The same refund again inside an order payload, plus a second one.
        let r2 = apply(
            "shopify",
            Some(r1.record),
            &order(true, false, vec![refund("r1", 2_500), refund("r2", 7_500)]),
            &rules,
            DAY,
        )?;
        assert_eq!(points(&r2), [(SourceKind::Refund, -75, 14 * DAY)]);
        assert_eq!(r2.record.reversed_points, 100);
        Ok(())
    }

    #[test]
    fn cancellation_reverses_what_is_left() -> Result<(), PlanError> {
        let rules = LoyaltyRules::default();
        let paid = apply(
            "woocommerce",
            None,
            &order(true, false, vec![refund("r1", 1_000)]),
            &rules,
            0,
        )?;
        assert_eq!(
            points(&paid),
            [
                (SourceKind::Order, 100, 14 * DAY),
                (SourceKind::Refund, -10, 14 * DAY)
            ]
        );
        let cancelled = apply(
            "woocommerce",
            Some(paid.record),
            &order(true, true, vec![]),
            &rules,
            1,
        )?;
        assert_eq!(points(&cancelled), [(SourceKind::Cancel, -90, 14 * DAY)]);
        let again = apply(
            "woocommerce",
            Some(cancelled.record),
            &order(true, true, vec![]),
            &rules,
            2,
        )?;
        assert!(again.entries.is_empty());
        // Cancelled before payment: nothing is ever earned.
        let never = apply("woocommerce", None, &order(true, true, vec![]), &rules, 0)?;
        assert!(never.entries.is_empty());
        Ok(())
    }

    #[test]
    fn a_tier_multiplies_what_an_order_earns() -> Result<(), PlanError> {
        use crate::loyalty::tiers::{Tier, TierBasis, Tiers};
        let tiers = Tiers {
            basis: TierBasis::Points,
            window_days: 365,
            levels: vec![
                Tier {
                    name: "Bronze".into(),
                    threshold: 0,
                    multiplier: 1.0,
                },
                Tier {
                    name: "Gold".into(),
                    threshold: 100,
                    multiplier: 2.0,
                },
            ],
        };
        let plain = LoyaltyRules::default();
        let tiered = LoyaltyRules {
            tiers: Some(tiers),
            ..LoyaltyRules::default()
        };
        let paid = order(true, false, vec![]);
        // Without tiers nothing is read; with them, the earner's contributions are.
        assert_eq!(tier_lookup(&plain, None, &paid), None);
        assert_eq!(tier_lookup(&tiered, None, &paid).as_deref(), Some("c"));
        assert_eq!(
            tier_lookup(&tiered, None, &order(false, false, vec![])),
            None
        );
        let gold = [Contribution {
            at: 0,
            points: 150,
            spend: 0,
        }];
        let at_gold = apply(
            "shopify",
            None,
            &paid,
            &earn_rules(&tiered, Some(&gold), DAY),
            DAY,
        )?;
        assert_eq!(points(&at_gold), [(SourceKind::Order, 200, 15 * DAY)]);
        let at_bronze = apply(
            "shopify",
            None,
            &paid,
            &earn_rules(&tiered, Some(&[]), DAY),
            DAY,
        )?;
        assert_eq!(points(&at_bronze), [(SourceKind::Order, 100, 15 * DAY)]);
        assert_eq!(earn_rules(&plain, Some(&gold), DAY), plain);
        Ok(())
    }

    #[test]
    fn the_earner_is_known_before_applying() -> Result<(), PlanError> {
        let rules = LoyaltyRules::default();
        assert_eq!(earner(None, &order(false, false, vec![])), None);
        assert_eq!(
            earner(None, &order(true, false, vec![])).as_deref(),
            Some("c")
        );
        assert_eq!(earner(None, &order(true, true, vec![])), None);
        let paid = apply("shopify", None, &order(true, false, vec![]), &rules, 0)?;
        assert_eq!(
            earner(Some(&paid.record), &order(true, false, vec![])),
            None
        );
        assert_eq!(earner(None, &OrderEvent::Refund(refund("r", 1))), None);
        Ok(())
    }

    #[test]
    fn an_order_earns_newly_once() -> Result<(), PlanError> {
        let rules = LoyaltyRules::default();
        let created = apply("shopify", None, &order(false, false, vec![]), &rules, 0)?;
        assert!(!newly_earned(None, &created.record));
        let paid = apply(
            "shopify",
            Some(created.record.clone()),
            &order(true, false, vec![]),
            &rules,
            0,
        )?;
        assert!(newly_earned(Some(&created.record), &paid.record));
        assert!(!newly_earned(Some(&paid.record), &paid.record));
        Ok(())
    }

    #[test]
    fn imports_credit_only_when_asked() {
        let rules = LoyaltyRules::default();
        let OrderEvent::Order(facts) = order(true, false, vec![]) else {
            unreachable!("an order")
        };
        let quiet = import("shopify", &facts, &rules, 0, false);
        assert!(quiet.entries.is_empty());
        assert!(quiet.record.earned && quiet.record.earned_points == 0);
        // A later webhook of the same order earns nothing.
        let later = apply(
            "shopify",
            Some(quiet.record),
            &order(true, false, vec![]),
            &rules,
            100 * DAY,
        );
        assert!(later.is_ok_and(|a| a.entries.is_empty()));
        let credited = import("shopify", &facts, &rules, 0, true);
        assert_eq!(points(&credited), [(SourceKind::Order, 100, 14 * DAY)]);
        let unpaid = OrderFacts {
            paid: false,
            ..facts
        };
        assert!(!import("shopify", &unpaid, &rules, 0, false).record.earned);
    }

    #[test]
    fn refund_of_an_unknown_order_waits() {
        let rules = LoyaltyRules::default();
        assert_eq!(
            apply(
                "shopify",
                None,
                &OrderEvent::Refund(refund("r", 1)),
                &rules,
                0
            ),
            Err(PlanError::UnknownOrder("1".into()))
        );
    }
}
