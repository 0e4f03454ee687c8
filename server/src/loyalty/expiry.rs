//! Points expiry after a period of inactivity (rolling), decided without IO.
//!
//! The rule (README, "Loyalty"):
//! - *Activity* is an entry that earns or spends: an order's points, a redemption, a
//!   positive adjustment, points for a survey answer or a referral (any earning entry). Reversals (refunds, cancellations), negative
//!   adjustments and expiries are not activity.
//! - When `inactivityDays` pass after the last activity with no new activity, the points
//!   spendable at that instant `T` expire: one `expiry` entry of `-balance(T)` (nothing when
//!   the balance is zero or negative), dated `T`, idempotent on `(customer, T)` — its source
//!   id is `customer:T`, so re-running the rule, lazily on a read, before a redemption or an
//!   order, or from the periodic sweep, never expires twice.
//! - The outcome depends only on the entries' own instants, never on when the rule runs: a
//!   period missed while nobody looked is found later from the gap between two activities.
//! - Customers see `expiresAt` (last activity + period) and the points that would expire
//!   then if nothing happens before.

use super::ledger::{Entry, SourceKind};
use super::plan::NewEntry;
use super::rules::DAY_MILLIS;

/// The expiry policy of a site (`loyalty.expiry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    /// Days without activity after which spendable points expire.
    pub inactivity_days: u32,
}

impl ExpiryPolicy {
    /// The period in milliseconds.
    pub fn period_millis(self) -> i64 {
        i64::from(self.inactivity_days) * DAY_MILLIS
    }
}

/// [`is_activity`] as a SQL condition on a `ledger` row (both backends).
pub const ACTIVITY_SQL: &str =
    "(kind = 'redemption' OR (kind NOT IN ('refund', 'cancel', 'expiry', 'referral_reversal') AND points > 0))";

/// Whether `entry` is activity that restarts the inactivity period.
pub fn is_activity(entry: &Entry) -> bool {
    match entry.kind {
        SourceKind::Redemption => true,
        SourceKind::Refund
        | SourceKind::Cancel
        | SourceKind::Expiry
        | SourceKind::ReferralReversal => false,
        SourceKind::Order | SourceKind::Adjustment | SourceKind::Answer | SourceKind::Referral => {
            entry.points > 0
        }
    }
}

/// The source id of the expiry of `customer`'s points at `at` (ms).
pub fn source_id(customer: &str, at: i64) -> String {
    format!("{customer}:{at}")
}

/// The instant an entry counts from: an expiry's own instant, otherwise when it was written.
fn instant(entry: &Entry) -> i64 {
    match entry.kind {
        SourceKind::Expiry => entry.available_at,
        _ => entry.created_at,
    }
}

/// The expiries of `customer` due by `now` and not yet in `entries` (all of that customer's
/// entries, any order). Each new entry is dated at its expiry instant.
pub fn due(customer: &str, entries: &[Entry], policy: ExpiryPolicy, now: i64) -> Vec<NewEntry> {
    let period = policy.period_millis();
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    // Stable: entries at one instant keep their ledger order.
    sorted.sort_by_key(|e| instant(e));
    let mut out = Vec::new();
    let mut last_activity: Option<i64> = None;
    // Spendable and total at the current instant.
    let mut spendable_entries: Vec<(i64, i64)> = Vec::new();
    let mut handled = false;
    let expire_at = |t: i64, seen: &[(i64, i64)], out: &mut Vec<NewEntry>| {
        let balance: i64 = seen
            .iter()
            .filter(|(_, available)| *available <= t)
            .map(|(p, _)| p)
            .sum();
        let id = source_id(customer, t);
        let recorded = entries
            .iter()
            .any(|e| e.kind == SourceKind::Expiry && e.source_id == id);
        if balance > 0 && !recorded {
            out.push(NewEntry {
                customer: customer.to_owned(),
                kind: SourceKind::Expiry,
                source_id: id,
                points: -balance,
                available_at: t,
            });
            return -balance;
        }
        0
    };
    for e in sorted {
        let t = instant(e);
        if let (Some(a), false) = (last_activity, handled) {
            let at = a.saturating_add(period);
            if at < t {
                let p = expire_at(at, &spendable_entries, &mut out);
                if p != 0 {
                    spendable_entries.push((p, at));
                }
                handled = true;
            }
        }
        spendable_entries.push((e.points, e.available_at));
        if is_activity(e) {
            last_activity = Some(last_activity.map_or(t, |a| a.max(t)));
            handled = false;
        }
    }
    if let (Some(a), false) = (last_activity, handled) {
        let at = a.saturating_add(period);
        if at <= now {
            expire_at(at, &spendable_entries, &mut out);
        }
    }
    out
}

/// What a customer is told about their next expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upcoming {
    /// When, ms.
    pub at: i64,
    /// Points that expire then if nothing happens before (all of today's balance, pending
    /// included: it is spendable by then).
    pub points: i64,
}

/// The next expiry of a customer whose due expiries are all in `entries`; `None` without
/// activity or without a positive balance.
pub fn upcoming(entries: &[Entry], policy: ExpiryPolicy) -> Option<Upcoming> {
    let last = entries
        .iter()
        .filter(|e| is_activity(e))
        .map(|e| e.created_at)
        .max()?;
    let points: i64 = entries.iter().map(|e| e.points).sum();
    (points > 0).then(|| Upcoming {
        at: last.saturating_add(policy.period_millis()),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const POLICY: ExpiryPolicy = ExpiryPolicy {
        inactivity_days: 100,
    };
    const P: i64 = 100 * DAY_MILLIS;

    fn entry(kind: SourceKind, points: i64, created_at: i64, available_at: i64) -> Entry {
        Entry {
            customer: "c".into(),
            kind,
            source_id: format!("{}-{created_at}-{points}", kind.as_str()),
            points,
            created_at,
            available_at,
            reason: None,
            actor: None,
        }
    }

    fn record(new: &[NewEntry]) -> Vec<Entry> {
        new.iter()
            .map(|n| Entry {
                customer: n.customer.clone(),
                kind: n.kind,
                source_id: n.source_id.clone(),
                points: n.points,
                created_at: n.available_at,
                available_at: n.available_at,
                reason: None,
                actor: None,
            })
            .collect()
    }

    #[test]
    fn expires_after_inactivity_once() {
        let entries = vec![
            entry(SourceKind::Order, 100, 0, 14 * DAY_MILLIS),
            entry(
                SourceKind::Redemption,
                -30,
                10 * DAY_MILLIS,
                10 * DAY_MILLIS,
            ),
        ];
        // Not yet: the redemption restarted the period.
        assert!(due("c", &entries, POLICY, 105 * DAY_MILLIS).is_empty());
        let at = 10 * DAY_MILLIS + P;
        assert_eq!(
            upcoming(&entries, POLICY),
            Some(Upcoming { at, points: 70 })
        );
        let new = due("c", &entries, POLICY, at);
        assert_eq!(new.len(), 1);
        assert_eq!((new[0].points, new[0].available_at), (-70, at));
        assert_eq!(new[0].source_id, format!("c:{at}"));
        // Recorded: nothing more, however late the rule runs again.
        let mut all = entries.clone();
        all.extend(record(&new));
        assert!(due("c", &all, POLICY, at + 10 * P).is_empty());
        assert_eq!(upcoming(&all, POLICY), None);
    }

    #[test]
    fn a_missed_gap_is_found_from_later_activity() {
        // Earned 50, silent for longer than the period, then a new order of 20.
        let entries = vec![
            entry(SourceKind::Order, 50, 0, DAY_MILLIS),
            entry(SourceKind::Order, 20, 3 * P, 3 * P + DAY_MILLIS),
        ];
        let new = due("c", &entries, POLICY, 3 * P);
        assert_eq!(new.len(), 1);
        assert_eq!((new[0].points, new[0].available_at), (-50, P));
        // Reversals and negative adjustments are not activity, and a negative balance never
        // expires.
        let entries = vec![
            entry(SourceKind::Order, 50, 0, DAY_MILLIS),
            entry(SourceKind::Adjustment, -80, P / 2, P / 2),
            entry(SourceKind::Refund, -10, P - 1, DAY_MILLIS),
        ];
        assert!(due("c", &entries, POLICY, 5 * P).is_empty());
    }

    #[test]
    fn survey_answers_and_referrals_are_activity() {
        // Earned 50 by an order; an answer's or a referral's points before the period ends
        // restart it, so nothing expires at the order's period end.
        for kind in [SourceKind::Answer, SourceKind::Referral] {
            let entries = vec![
                entry(SourceKind::Order, 50, 0, DAY_MILLIS),
                entry(kind, 20, P / 2, P / 2),
            ];
            assert!(is_activity(&entries[1]), "{kind:?}");
            assert!(due("c", &entries, POLICY, P).is_empty(), "{kind:?}");
            assert_eq!(
                upcoming(&entries, POLICY),
                Some(Upcoming {
                    at: P / 2 + P,
                    points: 70
                }),
                "{kind:?}"
            );
        }
    }

    proptest! {
        /// Running the rule at any later instant over the same history gives the same
        /// expiries, and a balance never expires below zero.
        #[test]
        fn deterministic_and_never_overdraws(list in proptest::collection::vec((0u8..4, -200i64..300, 0i64..400), 0..25), later in 0i64..1000) {
            let entries: Vec<Entry> = list.iter().map(|&(k, p, d)| {
                let t = d * DAY_MILLIS;
                let kind = [SourceKind::Order, SourceKind::Redemption, SourceKind::Adjustment, SourceKind::Refund][k as usize];
                entry(kind, p, t, t)
            }).collect();
            let end = 400 * DAY_MILLIS + P;
            let a = due("c", &entries, POLICY, end);
            let b = due("c", &entries, POLICY, end + later * DAY_MILLIS);
            prop_assert_eq!(&a, &b);
            let mut all = entries.clone();
            all.extend(record(&a));
            prop_assert!(due("c", &all, POLICY, end + 5 * P).is_empty());
            for e in &a {
                prop_assert!(e.points < 0);
                let before: i64 = all.iter().filter(|x| instant(x) <= e.available_at && x.source_id != e.source_id).map(|x| x.points).sum();
                prop_assert!(before + e.points >= 0);
            }
        }
    }
}
