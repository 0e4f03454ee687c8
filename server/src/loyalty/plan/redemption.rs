//! Whether a redemption spends, decided without IO. Under the customer's lock the store reads
//! whether the redemption id is known and the balance, calls [`redeem`], appends the entry
//! it returns, and reports [`Redeem::settle`]'s outcome. A reward redemption runs the same
//! step and then, through [`reward`], issues its code only when points were spent.

use crate::loyalty::ledger::{Balance, SourceKind};

use super::order::NewEntry;

/// What a redemption did; each carries the balance afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedeemOutcome {
    /// Points spent.
    Redeemed(Balance),
    /// A redemption with this id exists; nothing changed.
    Duplicate(Balance),
    /// Not enough spendable points; nothing changed.
    Insufficient(Balance),
}

/// What a reward redemption did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardOutcome {
    /// Points spent, code issued, event queued.
    Redeemed(Balance),
    /// This redemption id exists: the code it issued (`None` when the id was a plain points
    /// redemption) and its reward; nothing changed.
    Duplicate {
        /// Balance now.
        balance: Balance,
        /// The code and reward id issued under this id.
        issued: Option<(String, String)>,
    },
    /// Not enough spendable points; nothing changed.
    Insufficient(Balance),
    /// The code exists already (a random collision): nothing changed, draw another.
    CodeTaken,
}

/// The decision of [`redeem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    /// Nothing to write.
    Done(RedeemOutcome),
    /// Append `entry`; [`Redeem::settle`] says what happened once it is written.
    Spend {
        /// The redemption entry.
        entry: NewEntry,
        /// The balance before.
        before: Balance,
    },
}

/// Decides a redemption of `points` by `customer` under id `id` at `now`: `known` when a
/// redemption entry with this id exists, `before` the customer's balance now. Spends only
/// from the spendable balance, never below zero.
pub fn redeem(
    customer: &str,
    id: &str,
    points: i64,
    known: bool,
    before: Balance,
    now: i64,
) -> Redeem {
    if known {
        return Redeem::Done(RedeemOutcome::Duplicate(before));
    }
    if points <= 0 || before.spendable < points {
        return Redeem::Done(RedeemOutcome::Insufficient(before));
    }
    Redeem::Spend {
        entry: NewEntry {
            customer: customer.to_owned(),
            kind: SourceKind::Redemption,
            source_id: id.to_owned(),
            points: -points,
            available_at: now,
        },
        before,
    }
}

impl Redeem {
    /// The outcome, given whether the entry was appended (`false`: another customer's
    /// redemption took this id meanwhile). Nothing to write reports its decision as is.
    pub fn settle(&self, appended: bool) -> RedeemOutcome {
        match self {
            Redeem::Done(outcome) => *outcome,
            Redeem::Spend { entry, before } if appended => RedeemOutcome::Redeemed(Balance {
                // A redemption counts at once (see `SourceKind::counts_at_once`).
                spendable: before.spendable + entry.points,
                pending: before.pending,
            }),
            Redeem::Spend { before, .. } => RedeemOutcome::Duplicate(*before),
        }
    }
}

/// A reward redemption after its points step: `Ok(balance)` when points were spent (issue
/// the code), else the outcome to report — a known id reports the code it issued
/// (`issued`, read beforehand).
pub fn reward(
    redeemed: RedeemOutcome,
    issued: Option<(String, String)>,
) -> Result<Balance, RewardOutcome> {
    match redeemed {
        RedeemOutcome::Redeemed(balance) => Ok(balance),
        RedeemOutcome::Duplicate(balance) => Err(RewardOutcome::Duplicate { balance, issued }),
        RedeemOutcome::Insufficient(balance) => Err(RewardOutcome::Insufficient(balance)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::ledger::{balance, Entry};
    use proptest::prelude::*;

    fn b(spendable: i64, pending: i64) -> Balance {
        Balance { spendable, pending }
    }

    #[test]
    fn spends_only_what_is_spendable() {
        let r = redeem("c", "r1", 100, false, b(100, 50), 7);
        assert_eq!(
            r,
            Redeem::Spend {
                entry: NewEntry {
                    customer: "c".into(),
                    kind: SourceKind::Redemption,
                    source_id: "r1".into(),
                    points: -100,
                    available_at: 7
                },
                before: b(100, 50)
            }
        );
        assert_eq!(r.settle(true), RedeemOutcome::Redeemed(b(0, 50)));
        assert_eq!(r.settle(false), RedeemOutcome::Duplicate(b(100, 50)));
        // Pending points are not spendable.
        let short = redeem("c", "r2", 101, false, b(100, 50), 7);
        assert_eq!(short.settle(true), RedeemOutcome::Insufficient(b(100, 50)));
        // A negative balance (after a reversal) spends nothing.
        let negative = redeem("c", "r3", 1, false, b(-5, 0), 7);
        assert_eq!(negative.settle(true), RedeemOutcome::Insufficient(b(-5, 0)));
    }

    #[test]
    fn a_known_id_changes_nothing() {
        let r = redeem("c", "r1", 10, true, b(100, 0), 7);
        assert_eq!(r, Redeem::Done(RedeemOutcome::Duplicate(b(100, 0))));
        assert_eq!(r.settle(true), RedeemOutcome::Duplicate(b(100, 0)));
    }

    #[test]
    fn nothing_or_less_is_not_a_redemption() {
        for points in [0, -10] {
            let r = redeem("c", "r", points, false, b(100, 0), 7);
            assert_eq!(r, Redeem::Done(RedeemOutcome::Insufficient(b(100, 0))));
        }
    }

    #[test]
    fn a_reward_issues_its_code_only_when_points_were_spent() {
        assert_eq!(reward(RedeemOutcome::Redeemed(b(5, 0)), None), Ok(b(5, 0)));
        let issued = Some(("CODE".to_owned(), "ten-off".to_owned()));
        assert_eq!(
            reward(RedeemOutcome::Duplicate(b(5, 0)), issued.clone()),
            Err(RewardOutcome::Duplicate {
                balance: b(5, 0),
                issued
            })
        );
        assert_eq!(
            reward(RedeemOutcome::Insufficient(b(5, 0)), None),
            Err(RewardOutcome::Insufficient(b(5, 0)))
        );
    }

    proptest! {
        /// Any sequence of redemptions, each decided on the ledger as it stands, never takes
        /// the spendable balance below zero, and the balance each reports is the ledger's.
        #[test]
        fn never_overdraws(
            start in 0i64..1_000,
            asks in proptest::collection::vec((0usize..6, -5i64..400), 1..40),
        ) {
            let mut ledger = vec![Entry {
                customer: "c".into(),
                kind: SourceKind::Adjustment,
                source_id: "seed".into(),
                points: start,
                created_at: 0,
                available_at: 0,
                reason: None,
                actor: None,
            }];
            for (id, points) in asks {
                let id = format!("r{id}");
                let known = ledger.iter().any(|e| e.kind == SourceKind::Redemption && e.source_id == id);
                let r = redeem("c", &id, points, known, balance(&ledger, 1), 1);
                let appended = if let Redeem::Spend { entry, .. } = &r {
                    ledger.push(Entry {
                        customer: entry.customer.clone(),
                        kind: entry.kind,
                        source_id: entry.source_id.clone(),
                        points: entry.points,
                        created_at: 1,
                        available_at: entry.available_at,
                        reason: None,
                        actor: None,
                    });
                    true
                } else {
                    false
                };
                let now = balance(&ledger, 1);
                prop_assert!(now.spendable >= 0);
                match r.settle(appended) {
                    RedeemOutcome::Redeemed(after) => prop_assert_eq!(after, now),
                    RedeemOutcome::Duplicate(at) | RedeemOutcome::Insufficient(at) => {
                        prop_assert_eq!(at, now)
                    }
                }
            }
        }
    }
}
