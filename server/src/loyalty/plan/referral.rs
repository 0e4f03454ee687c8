//! What the referral of an order that earned just now records and credits, decided without
//! IO. The store asks [`ask`] whether there is a referral to decide, reads who owns the
//! order's codes, picks the referrer with [`ReferralAsk::referrer`], reads what it knows of
//! the referrer and the referee, and stores the [`ReferralRow`] that
//! [`ReferralAsk::decide`] returns; whether that insert took (a unique key on the referral
//! id and on a credited referee) settles the entries ([`ReferralRow::outcome`]).

use crate::loyalty::ledger::SourceKind;
use crate::loyalty::order::OrderEvent;
use crate::loyalty::referral::{
    self, normalize_email, ReferralCredit, ReferralFacts, ReferralRule,
};

use super::order::{newly_earned, NewEntry, OrderRecord};

/// A referral to decide: the order earned just now and carried at least one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralAsk {
    /// `{platform}:{order id}`.
    pub referral_id: String,
    /// The order's customer.
    pub referee: String,
    /// Their e-mail, normalised.
    pub referee_email: Option<String>,
    /// The codes the order carried, in order.
    pub codes: Vec<String>,
    /// When the order's points become spendable (the referral's entries wait as long).
    pub available_at: i64,
    rule: ReferralRule,
}

/// Whether applying `event` to the order (`before` → `after`) starts a referral: the event is
/// an order carrying codes that earned just now for a known customer, on a site with
/// referrals (`rule`).
pub fn ask(
    platform: &str,
    event: &OrderEvent,
    rule: Option<&ReferralRule>,
    before: Option<&OrderRecord>,
    after: &OrderRecord,
) -> Option<ReferralAsk> {
    let OrderEvent::Order(facts) = event else {
        return None;
    };
    let rule = rule?;
    if !newly_earned(before, after) || facts.referral.is_empty() {
        return None;
    }
    Some(ReferralAsk {
        referral_id: format!("{platform}:{}", facts.order_id),
        referee: after.customer.clone()?,
        referee_email: after.email.as_deref().and_then(normalize_email),
        codes: facts.referral.clone(),
        available_at: after.available_at?,
        rule: rule.clone(),
    })
}

/// The row a decided referral stores (unique on its id, and on a credited referee by id or
/// e-mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRow {
    /// `{platform}:{order id}`.
    pub id: String,
    /// The code it was decided on (the first known one, else the first given).
    pub code: String,
    /// The code's owner, when known.
    pub referrer: Option<String>,
    /// The order's customer.
    pub referee: String,
    /// Their e-mail, normalised.
    pub referee_email: Option<String>,
    /// `credited`, or why not (see [`crate::loyalty::referral::ReferralRejection`]).
    pub status: String,
    credit: Option<ReferralCredit>,
    available_at: i64,
}

impl ReferralAsk {
    /// The code and referrer a referral is decided on: the first of the order's codes that
    /// `owners` (`(code, customer)` pairs the store found, any order) names, else the first
    /// code with no referrer.
    pub fn referrer(&self, owners: &[(String, String)]) -> (String, Option<String>) {
        self.codes
            .iter()
            .find_map(|code| {
                owners
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(c, owner)| (c.clone(), Some(owner.clone())))
            })
            .unwrap_or_else(|| (self.codes.first().cloned().unwrap_or_default(), None))
    }

    /// Decides on `(code, referrer)` from [`ReferralAsk::referrer`]. `referrer_emails` are
    /// the referrer's known e-mails as stored (normalised here); `prior_orders`: the referee
    /// (by id or e-mail) has another paid order; `already_referred`: they were credited as a
    /// referee before.
    pub fn decide(
        &self,
        (code, referrer): (String, Option<String>),
        referrer_emails: &[String],
        prior_orders: bool,
        already_referred: bool,
    ) -> ReferralRow {
        let emails: Vec<String> = referrer_emails
            .iter()
            .filter_map(|e| normalize_email(e))
            .collect();
        let facts = ReferralFacts {
            referee: &self.referee,
            referee_email: self.referee_email.as_deref(),
            referrer: referrer.as_deref(),
            referrer_emails: &emails,
            referee_has_prior_orders: prior_orders,
            referee_already_referred: already_referred,
        };
        let decision = referral::decide(&self.rule, &facts);
        let status = match &decision {
            Ok(_) => "credited".to_owned(),
            Err(e) => e.to_string(),
        };
        ReferralRow {
            id: self.referral_id.clone(),
            code,
            referrer,
            referee: self.referee.clone(),
            referee_email: self.referee_email.clone(),
            status,
            credit: decision.ok(),
            available_at: self.available_at,
        }
    }
}

impl ReferralRow {
    /// The referral's status and the entries to append, given whether storing the row took:
    /// a credited referral whose row lost to another (a concurrent first order of the same
    /// shopper) is a repeat and credits nothing.
    pub fn outcome(self, stored: bool) -> (String, Vec<NewEntry>) {
        match self.credit {
            Some(credit) if stored => {
                let entries = entries(&credit, &self.referee, &self.id, self.available_at);
                (self.status, entries)
            }
            Some(_) => ("repeat_referral".to_owned(), Vec::new()),
            None => (self.status, Vec::new()),
        }
    }
}

/// The two entries of a converted referral `referral_id` (`{platform}:{order id}`), pending
/// until the converting order's points are (`available_at`); a side with no points has none.
pub fn entries(
    credit: &ReferralCredit,
    referee: &str,
    referral_id: &str,
    available_at: i64,
) -> Vec<NewEntry> {
    [
        (credit.referrer.as_str(), credit.referrer_points, "referrer"),
        (referee, credit.referee_points, "referee"),
    ]
    .into_iter()
    .filter(|(_, points, _)| *points > 0)
    .map(|(customer, points, side)| NewEntry {
        customer: customer.to_owned(),
        kind: SourceKind::Referral,
        source_id: format!("{referral_id}:{side}"),
        points,
        available_at,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::order::OrderFacts;
    use crate::loyalty::plan::order::apply;
    use crate::loyalty::rules::LoyaltyRules;
    use proptest::prelude::*;

    const DAY: i64 = 86_400_000;
    const RULE: ReferralRule = ReferralRule {
        referrer_points: 500,
        referee_points: 250,
        link: None,
    };

    fn order(paid: bool, codes: &[&str]) -> OrderEvent {
        OrderEvent::Order(OrderFacts {
            order_id: "7".into(),
            customer: Some("new".into()),
            email: Some("New@Shop.example".into()),
            currency: "EUR".into(),
            total: 10_000,
            eligible: 10_000,
            paid,
            cancelled: false,
            refunds: Vec::new(),
            referral: codes.iter().map(|c| (*c).to_owned()).collect(),
        })
    }

    fn earned(codes: &[&str]) -> Option<ReferralAsk> {
        let event = order(true, codes);
        let after = apply("shopify", None, &event, &LoyaltyRules::default(), 0).ok()?;
        ask("shopify", &event, Some(&RULE), None, &after.record)
    }

    #[test]
    fn only_an_order_that_earns_now_with_a_code_asks() {
        let ask_now = earned(&["CODE"]);
        assert_eq!(
            ask_now.as_ref().map(|a| (
                a.referral_id.as_str(),
                a.referee.as_str(),
                a.referee_email.as_deref(),
                a.available_at
            )),
            Some(("shopify:7", "new", Some("new@shop.example"), 14 * DAY))
        );
        assert_eq!(earned(&[]), None);
        let unpaid = order(false, &["CODE"]);
        let after = apply("shopify", None, &unpaid, &LoyaltyRules::default(), 0);
        assert!(
            after.is_ok_and(|a| ask("shopify", &unpaid, Some(&RULE), None, &a.record).is_none())
        );
        // Earned before: a later delivery of the same order decides nothing again.
        let event = order(true, &["CODE"]);
        let first = apply("shopify", None, &event, &LoyaltyRules::default(), 0);
        assert!(first.is_ok_and(|a| ask(
            "shopify",
            &event,
            Some(&RULE),
            Some(&a.record),
            &a.record
        )
        .is_none()));
        // A site without referrals.
        let after = apply("shopify", None, &event, &LoyaltyRules::default(), 0);
        assert!(after.is_ok_and(|a| ask("shopify", &event, None, None, &a.record).is_none()));
    }

    #[test]
    fn the_first_known_code_names_the_referrer() {
        let Some(a) = earned(&["A", "B", "C"]) else {
            panic!("an order that earned asks")
        };
        let owners = vec![
            ("C".to_owned(), "c".to_owned()),
            ("B".to_owned(), "b".to_owned()),
        ];
        assert_eq!(a.referrer(&owners), ("B".to_owned(), Some("b".to_owned())));
        assert_eq!(a.referrer(&[]), ("A".to_owned(), None));
    }

    #[test]
    fn a_credited_row_credits_both_sides_once() {
        let Some(a) = earned(&["A"]) else {
            panic!("an order that earned asks")
        };
        let row = a.decide(("A".into(), Some("old".into())), &[], false, false);
        assert_eq!(row.status, "credited");
        assert_eq!(row.id, "shopify:7");
        let (status, entries) = row.clone().outcome(true);
        assert_eq!(status, "credited");
        assert_eq!(
            entries
                .iter()
                .map(|e| (
                    e.customer.as_str(),
                    e.source_id.as_str(),
                    e.points,
                    e.available_at
                ))
                .collect::<Vec<_>>(),
            [
                ("old", "shopify:7:referrer", 500, 14 * DAY),
                ("new", "shopify:7:referee", 250, 14 * DAY)
            ]
        );
        assert!(entries.iter().all(|e| e.kind == SourceKind::Referral));
        // The row lost to a concurrent one: a repeat, nothing credited.
        assert_eq!(
            row.outcome(false),
            ("repeat_referral".to_owned(), Vec::new())
        );
    }

    #[test]
    fn rejections_are_recorded_and_credit_nothing() {
        let Some(a) = earned(&["A"]) else {
            panic!("an order that earned asks")
        };
        let cases = [
            (
                a.decide(("A".into(), None), &[], false, false),
                "unknown_code",
            ),
            (
                a.decide(
                    ("A".into(), Some("old".into())),
                    &[" NEW@shop.example ".into()],
                    false,
                    false,
                ),
                "self_referral",
            ),
            (
                a.decide(("A".into(), Some("new".into())), &[], false, false),
                "self_referral",
            ),
            (
                a.decide(("A".into(), Some("old".into())), &[], false, true),
                "repeat_referral",
            ),
            (
                a.decide(("A".into(), Some("old".into())), &[], true, false),
                "not_first_order",
            ),
        ];
        for (row, status) in cases {
            assert_eq!(row.status, status);
            assert_eq!(row.outcome(true), (status.to_owned(), Vec::new()));
        }
    }

    #[test]
    fn a_side_without_points_has_no_entry() {
        let credit = ReferralCredit {
            referrer: "old".into(),
            referrer_points: 500,
            referee_points: 0,
        };
        assert_eq!(
            entries(&credit, "c", "shopify:1", 14 * DAY),
            [NewEntry {
                customer: "old".into(),
                kind: SourceKind::Referral,
                source_id: "shopify:1:referrer".into(),
                points: 500,
                available_at: 14 * DAY
            }]
        );
    }

    proptest! {
        /// Whatever the facts, a row credits only when stored, and then exactly the rule's
        /// points to the two distinct sides.
        #[test]
        fn credits_only_what_the_rule_says(
            referrer in proptest::option::of("[a-c]"),
            prior in any::<bool>(),
            already in any::<bool>(),
            stored in any::<bool>(),
        ) {
            let a = earned(&["A"]).ok_or_else(|| TestCaseError::fail("no ask"))?;
            let row = a.decide(("A".into(), referrer.clone()), &[], prior, already);
            let credited = row.status == "credited";
            let (status, entries) = row.outcome(stored);
            let total: i64 = entries.iter().map(|e| e.points).sum();
            if credited && stored {
                prop_assert_eq!(total, 750);
                prop_assert_eq!(status, "credited");
            } else {
                prop_assert!(entries.is_empty());
                prop_assert_ne!(status, "credited");
            }
            prop_assert_eq!(credited, referrer.is_some() && !prior && !already);
        }
    }
}
