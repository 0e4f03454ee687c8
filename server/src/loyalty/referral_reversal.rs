//! Taking a referral back when the order that converted it is undone. Pure: the rule and
//! the entries; [`super::plan::reversal`] is the decision a store asks for inside the
//! order's transaction (after gathering the referral's credits).
//!
//! **The rule** (README, "Referrals"): a referral converts with the referred shopper's
//! first order. When that order is *voided* — cancelled, or refunded in full (its whole
//! eligible amount, see [`voided`]) — the referral no longer converts, and both sides'
//! credits are reversed: one `referral_reversal` entry per credit, of minus its points,
//! with the same source id as the credit (`{referral id}:referrer` / `:referee`), so a
//! replayed or repeated void reverses once. Each reversal carries the `available_at` of
//! the credit it takes back, like an order's own reversal (see [`super::ledger`]): within
//! the return window it cancels points that were still pending; after it, it takes
//! spendable points, and may leave a balance negative. A partial refund leaves the
//! referral standing: the order still converted.

use super::ledger::SourceKind;
use super::plan::{NewEntry, OrderRecord};

/// One referral credit written for a converting order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// Who was credited.
    pub customer: String,
    /// Its source id (`{referral id}:referrer` or `:referee`).
    pub source_id: String,
    /// Points credited.
    pub points: i64,
    /// When they became (or become) spendable, ms.
    pub available_at: i64,
}

/// Whether an order in state `record` no longer converts: cancelled, or refunded in full.
pub fn is_void(record: &OrderRecord) -> bool {
    record.cancelled || (record.refunded > 0 && record.refunded >= record.eligible)
}

/// Whether applying an event took the order from standing (`before`; `None` for an order
/// seen for the first time) to void (`after`): the moment its referral is reversed.
pub fn voided(before: Option<&OrderRecord>, after: &OrderRecord) -> bool {
    is_void(after) && !before.is_some_and(is_void)
}

/// The source-id prefix of the credits of referral `referral_id`.
pub fn credit_prefix(referral_id: &str) -> String {
    format!("{referral_id}:")
}

/// The entries that take back `credits` (the referral's credits: those already in the
/// ledger and those about to be written in the same transaction). Credits of other
/// sources and non-positive ones are ignored; a credit listed twice is reversed once.
pub fn reversals<'a>(
    referral_id: &str,
    credits: impl IntoIterator<Item = &'a Credit>,
) -> Vec<NewEntry> {
    let prefix = credit_prefix(referral_id);
    let mut out: Vec<NewEntry> = Vec::new();
    for c in credits {
        if c.points <= 0
            || !c.source_id.starts_with(&prefix)
            || out.iter().any(|e| e.source_id == c.source_id)
        {
            continue;
        }
        out.push(NewEntry {
            customer: c.customer.clone(),
            kind: SourceKind::ReferralReversal,
            source_id: c.source_id.clone(),
            points: -c.points,
            available_at: c.available_at,
        });
    }
    out
}

/// The credits among entries about to be appended (`kind` referral).
pub fn pending_credits(entries: &[NewEntry]) -> Vec<Credit> {
    entries
        .iter()
        .filter(|e| e.kind == SourceKind::Referral)
        .map(|e| Credit {
            customer: e.customer.clone(),
            source_id: e.source_id.clone(),
            points: e.points,
            available_at: e.available_at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::ledger::{balance, Entry};
    use proptest::prelude::*;

    const DAY: i64 = 86_400_000;

    fn record(eligible: i64, refunded: i64, cancelled: bool) -> OrderRecord {
        OrderRecord {
            customer: Some("bob".into()),
            eligible,
            refunded,
            cancelled,
            paid: true,
            earned: true,
            ..OrderRecord::default()
        }
    }

    fn credit(customer: &str, side: &str, points: i64) -> Credit {
        Credit {
            customer: customer.into(),
            source_id: format!("shopify:1:{side}"),
            points,
            available_at: 14 * DAY,
        }
    }

    #[test]
    fn void_is_cancelled_or_fully_refunded() {
        assert!(!is_void(&record(10_000, 0, false)));
        assert!(!is_void(&record(10_000, 9_999, false)), "a partial refund");
        assert!(is_void(&record(10_000, 10_000, false)));
        assert!(is_void(&record(10_000, 2_000, true)));
        assert!(is_void(&record(0, 1, false)), "nothing eligible, refunded");
        assert!(!is_void(&record(0, 0, false)));
        let standing = record(10_000, 0, false);
        let void = record(10_000, 10_000, false);
        assert!(voided(Some(&standing), &void));
        assert!(voided(None, &void), "paid and refunded in one payload");
        assert!(!voided(Some(&void), &void), "voided once");
        assert!(!voided(Some(&standing), &standing));
    }

    #[test]
    fn both_sides_are_reversed_once_with_their_dates() {
        let credits = [
            credit("alice", "referrer", 500),
            credit("bob", "referee", 250),
            credit("alice", "referrer", 500),
            Credit {
                source_id: "shopify:12:referrer".into(),
                ..credit("alice", "referrer", 500)
            },
            credit("carol", "referee", 0),
        ];
        let out = reversals("shopify:1", &credits);
        assert_eq!(
            out,
            [
                NewEntry {
                    customer: "alice".into(),
                    kind: SourceKind::ReferralReversal,
                    source_id: "shopify:1:referrer".into(),
                    points: -500,
                    available_at: 14 * DAY,
                },
                NewEntry {
                    customer: "bob".into(),
                    kind: SourceKind::ReferralReversal,
                    source_id: "shopify:1:referee".into(),
                    points: -250,
                    available_at: 14 * DAY,
                },
            ]
        );
        let written = crate::loyalty::plan::referral::entries(
            &crate::loyalty::referral::ReferralCredit {
                referrer: "alice".into(),
                referrer_points: 500,
                referee_points: 250,
            },
            "bob",
            "shopify:1",
            14 * DAY,
        );
        assert_eq!(pending_credits(&written), credits[..2]);
    }

    fn as_entry(customer: &str, kind: SourceKind, points: i64, available_at: i64) -> Entry {
        Entry {
            customer: customer.into(),
            kind,
            source_id: String::new(),
            points,
            created_at: 0,
            available_at,
            reason: None,
            actor: None,
        }
    }

    proptest! {
        /// Whenever the void comes, the referrer's balance ends where it was without the
        /// referral; before the window ends nothing of it was ever spendable, after it the
        /// spendable balance drops by the credit.
        #[test]
        fn reversal_cancels_pending_or_takes_spendable(points in 1i64..10_000, window_end in 1i64..100, now in 0i64..200) {
            let c = Credit { customer: "alice".into(), source_id: "generic:9:referrer".into(), points, available_at: window_end };
            let out = reversals("generic:9", [&c]);
            prop_assert_eq!(out.len(), 1);
            let entries = [
                as_entry("alice", SourceKind::Referral, points, window_end),
                as_entry("alice", out[0].kind, out[0].points, out[0].available_at),
            ];
            let b = balance(&entries, now);
            prop_assert_eq!(b.spendable + b.pending, 0);
            prop_assert_eq!(b.spendable, 0);
            let before = balance(&entries[..1], now);
            if now < window_end {
                prop_assert_eq!(before.spendable, 0);
            } else {
                prop_assert_eq!(before.spendable - b.spendable, points);
            }
        }
    }
}
