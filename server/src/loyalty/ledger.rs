//! The points ledger: append-only entries, each idempotent on its source, and the balance
//! derived from them. An entry is spendable from its `available_at`; before that it is
//! pending. A reversal carries the `available_at` of the points it reverses, so a refund
//! inside the return window cancels pending points and one after it takes spendable ones
//! (which may leave the balance negative: reversals are never refused).
//!
//! Redemptions and adjustments count at once, whatever their `available_at` (they are
//! written with the writer's "now"): a redemption checked with a "now" read a moment before
//! another one committed — the other instance's clock, or a request that waited for the
//! customer's lock — must still see that spend, or two redemptions could overdraw.

use serde::Serialize;

/// What an entry's source is; `(site, kind, source_id)` is unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Points earned by an order (`shopify:123`).
    Order,
    /// Points reversed by a refund (`shopify:456`).
    Refund,
    /// Points reversed by a cancellation (`shopify:123`).
    Cancel,
    /// Points spent (the redemption id the client chose).
    Redemption,
    /// An admin's adjustment (its id).
    Adjustment,
    /// Points expired after inactivity (`customer:instant`, see [`super::expiry`]).
    Expiry,
    /// Points for answering a survey (the response id).
    Answer,
    /// Points for a referral that converted (`{referral id}:referrer` / `:referee`).
    Referral,
    /// A referral credit taken back because its order was voided (the credit's source id,
    /// see [`super::referral_reversal`]).
    ReferralReversal,
}

impl SourceKind {
    /// Entries of this kind are spendable (or spent) from the moment they are written.
    pub fn counts_at_once(self) -> bool {
        matches!(self, SourceKind::Redemption | SourceKind::Adjustment)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Order => "order",
            SourceKind::Refund => "refund",
            SourceKind::Cancel => "cancel",
            SourceKind::Redemption => "redemption",
            SourceKind::Adjustment => "adjustment",
            SourceKind::Expiry => "expiry",
            SourceKind::Answer => "answer",
            SourceKind::Referral => "referral",
            SourceKind::ReferralReversal => "referral_reversal",
        }
    }

    /// The kind stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "order" => SourceKind::Order,
            "refund" => SourceKind::Refund,
            "cancel" => SourceKind::Cancel,
            "redemption" => SourceKind::Redemption,
            "adjustment" => SourceKind::Adjustment,
            "expiry" => SourceKind::Expiry,
            "answer" => SourceKind::Answer,
            "referral" => SourceKind::Referral,
            "referral_reversal" => SourceKind::ReferralReversal,
            _ => return None,
        })
    }
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The customer (platform customer id).
    pub customer: String,
    /// What caused it.
    pub kind: SourceKind,
    /// The cause's id; unique per site and kind.
    pub source_id: String,
    /// Points, positive (earned) or negative (spent, reversed).
    pub points: i64,
    /// When it was written, ms since the epoch.
    pub created_at: i64,
    /// When it counts as spendable, ms since the epoch.
    pub available_at: i64,
    /// Why (adjustments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who (adjustments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

/// A balance at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Balance {
    /// Points available now (may be negative after a reversal).
    pub spendable: i64,
    /// Points that become spendable when their return window passes.
    pub pending: i64,
}

/// The balance of `entries` at `now`.
pub fn balance<'a>(entries: impl IntoIterator<Item = &'a Entry>, now: i64) -> Balance {
    entries.into_iter().fold(Balance::default(), |mut b, e| {
        if e.available_at <= now || e.kind.counts_at_once() {
            b.spendable += e.points;
        } else {
            b.pending += e.points;
        }
        b
    })
}

/// [`balance`] as SQL over one customer's `ledger` rows, for both backends (a balance read
/// over many entries stays in the database). `site`, `customer` and `now` are the query's
/// placeholders (`?1`, `$1`, …); the row is `(spendable, pending)` as BIGINT.
pub fn balance_sql(site: &str, customer: &str, now: &str) -> String {
    let at_once = ALL_KINDS
        .iter()
        .filter(|k| k.counts_at_once())
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT CAST(coalesce(sum(CASE WHEN available_at <= {now} OR kind IN ({at_once})
                                 THEN points ELSE 0 END), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN available_at > {now} AND kind NOT IN ({at_once})
                                 THEN points ELSE 0 END), 0) AS BIGINT)
         FROM ledger WHERE site = {site} AND customer = {customer}"
    )
}

/// Every kind, in stored-name order of declaration.
pub const ALL_KINDS: [SourceKind; 9] = [
    SourceKind::Order,
    SourceKind::Refund,
    SourceKind::Cancel,
    SourceKind::Redemption,
    SourceKind::Adjustment,
    SourceKind::Expiry,
    SourceKind::Answer,
    SourceKind::Referral,
    SourceKind::ReferralReversal,
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_round_trips_and_the_sql_counts_the_same_kinds_at_once() {
        let sql = balance_sql("?1", "?2", "?3");
        for kind in ALL_KINDS {
            assert_eq!(SourceKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                sql.contains(&format!("'{}'", kind.as_str())),
                kind.counts_at_once(),
                "{kind:?}"
            );
        }
        assert!(sql.contains("available_at <= ?3") && sql.contains("customer = ?2"));
    }

    fn entry(points: i64, available_at: i64) -> Entry {
        Entry {
            customer: "c".into(),
            kind: SourceKind::Order,
            source_id: "x".into(),
            points,
            created_at: 0,
            available_at,
            reason: None,
            actor: None,
        }
    }

    #[test]
    fn spends_count_at_once() {
        let mut spent = entry(-30, 20);
        spent.kind = SourceKind::Redemption;
        let entries = [entry(100, 0), spent];
        assert_eq!(
            balance(&entries, 10),
            Balance {
                spendable: 70,
                pending: 0
            }
        );
    }

    #[test]
    fn pending_becomes_spendable() {
        let entries = [entry(100, 10), entry(-30, 10), entry(50, 0), entry(-20, 5)];
        assert_eq!(
            balance(&entries, 5),
            Balance {
                spendable: 30,
                pending: 70
            }
        );
        assert_eq!(
            balance(&entries, 10),
            Balance {
                spendable: 100,
                pending: 0
            }
        );
        for k in [
            "order",
            "refund",
            "cancel",
            "redemption",
            "adjustment",
            "expiry",
            "answer",
            "referral",
            "referral_reversal",
        ] {
            assert_eq!(SourceKind::parse(k).map(SourceKind::as_str), Some(k));
            let kind = SourceKind::parse(k).expect("a stored name");
            assert!(ALL_KINDS.contains(&kind), "{k} is missing from ALL_KINDS");
        }
    }

    proptest! {
        /// The total never depends on the instant; only its split does.
        #[test]
        fn total_is_time_invariant(list in proptest::collection::vec((-1000i64..1000, 0i64..100), 0..30), t1 in 0i64..120, t2 in 0i64..120) {
            let entries: Vec<Entry> = list.iter().map(|&(p, a)| entry(p, a)).collect();
            let a = balance(&entries, t1);
            let b = balance(&entries, t2);
            prop_assert_eq!(a.spendable + a.pending, b.spendable + b.pending);
        }
    }
}
