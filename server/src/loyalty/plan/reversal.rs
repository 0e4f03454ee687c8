//! Whether an order event takes its referral back, decided without IO. After the referral
//! step (so that credits written by the same event count too), the store asks [`ask`]; when
//! the event voided the order, it reads the referral's credits already in the ledger (kind
//! `referral`, source ids [`ReversalAsk::credit_source_ids`]) and appends what
//! [`ReversalAsk::decide`] returns. The rule itself (what voids an order, what a reversal
//! is) is [`crate::loyalty::referral_reversal`]'s.

use crate::loyalty::referral_reversal::{self, Credit};

use super::order::{NewEntry, OrderRecord};

/// The referral of an order that the event just voided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversalAsk {
    /// `{platform}:{order id}`: the id of the referral the order may have converted.
    pub referral_id: String,
}

/// Whether applying an event to order `{platform}:{order_id}` (`before` → `after`) voided it:
/// then its referral, if it converted one, is reversed.
pub fn ask(
    platform: &str,
    order_id: &str,
    before: Option<&OrderRecord>,
    after: &OrderRecord,
) -> Option<ReversalAsk> {
    referral_reversal::voided(before, after).then(|| ReversalAsk {
        referral_id: format!("{platform}:{order_id}"),
    })
}

impl ReversalAsk {
    /// The source ids of the referral's credits (kind `referral`) the store reads.
    pub fn credit_source_ids(&self) -> [String; 2] {
        ["referrer", "referee"].map(|side| format!("{}:{side}", self.referral_id))
    }

    /// The referral status (`reversed`) and the entries to append, given the credits read
    /// from the ledger (`stored`) and the entries the same event is about to append
    /// (`pending`); `None` when the order converted no credited referral.
    pub fn decide(
        &self,
        stored: &[Credit],
        pending: &[NewEntry],
    ) -> Option<(String, Vec<NewEntry>)> {
        let mut credits = referral_reversal::pending_credits(pending);
        credits.extend(stored.iter().cloned());
        let entries = referral_reversal::reversals(&self.referral_id, &credits);
        (!entries.is_empty()).then(|| ("reversed".to_owned(), entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::ledger::SourceKind;
    use crate::loyalty::order::{OrderEvent, OrderFacts, RefundFacts};
    use crate::loyalty::plan::order::apply;
    use crate::loyalty::plan::referral;
    use crate::loyalty::referral::ReferralCredit;
    use crate::loyalty::rules::LoyaltyRules;

    const DAY: i64 = 86_400_000;

    fn facts(cancelled: bool, refunds: Vec<RefundFacts>) -> OrderFacts {
        OrderFacts {
            order_id: "7".into(),
            customer: Some("bob".into()),
            email: None,
            currency: "EUR".into(),
            total: 10_000,
            eligible: 10_000,
            paid: true,
            cancelled,
            refunds,
            referral: vec!["ALICE".into()],
        }
    }

    fn credits() -> Vec<NewEntry> {
        referral::entries(
            &ReferralCredit {
                referrer: "alice".into(),
                referrer_points: 500,
                referee_points: 250,
            },
            "bob",
            "shopify:7",
            14 * DAY,
        )
    }

    fn stored(entries: &[NewEntry]) -> Vec<Credit> {
        referral_reversal::pending_credits(entries)
    }

    #[test]
    fn a_cancellation_reverses_the_stored_credits_once() {
        let rules = LoyaltyRules::default();
        let paid = apply(
            "shopify",
            None,
            &OrderEvent::Order(facts(false, vec![])),
            &rules,
            0,
        )
        .expect("a new order applies");
        assert_eq!(ask("shopify", "7", None, &paid.record), None, "standing");
        let cancel = OrderEvent::Order(facts(true, vec![]));
        let void = apply("shopify", Some(paid.record.clone()), &cancel, &rules, DAY)
            .expect("a known order applies");
        let asked = ask("shopify", "7", Some(&paid.record), &void.record).expect("voided");
        assert_eq!(
            asked.credit_source_ids(),
            ["shopify:7:referrer", "shopify:7:referee"]
        );
        let (status, entries) = asked
            .decide(&stored(&credits()), &void.entries)
            .expect("credits to reverse");
        assert_eq!(status, "reversed");
        let points: Vec<(&str, SourceKind, i64, i64)> = entries
            .iter()
            .map(|e| (e.customer.as_str(), e.kind, e.points, e.available_at))
            .collect();
        assert_eq!(
            points,
            [
                ("alice", SourceKind::ReferralReversal, -500, 14 * DAY),
                ("bob", SourceKind::ReferralReversal, -250, 14 * DAY),
            ]
        );
        assert_eq!(
            ask("shopify", "7", Some(&void.record), &void.record),
            None,
            "a replayed void asks nothing"
        );
        assert_eq!(
            asked.decide(&[], &void.entries),
            None,
            "no referral converted"
        );
    }

    #[test]
    fn credits_written_by_the_same_event_are_reversed_with_it() {
        let refund = RefundFacts {
            refund_id: "r1".into(),
            order_id: "7".into(),
            eligible: 10_000,
        };
        let at_once = apply(
            "shopify",
            None,
            &OrderEvent::Order(facts(false, vec![refund])),
            &LoyaltyRules::default(),
            0,
        )
        .expect("a new order applies");
        let asked = ask("shopify", "7", None, &at_once.record).expect("paid and refunded at once");
        let mut pending = at_once.entries.clone();
        pending.extend(credits());
        let (_, entries) = asked.decide(&[], &pending).expect("credits to reverse");
        assert_eq!(entries.len(), 2);
        assert!(entries
            .iter()
            .all(|e| e.kind == SourceKind::ReferralReversal));
        let total: i64 = entries.iter().map(|e| e.points).sum();
        assert_eq!(total, -750);
    }
}
