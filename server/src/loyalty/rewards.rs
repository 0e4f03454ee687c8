//! The rewards catalogue (`loyalty.rewards`): what a customer can spend points on, who may
//! (a lowest `tier`, and `segments` for offers such as a win-back reward for `at-risk`),
//! the single-use codes issued, and the `reward.redeemed` event the store is sent so that
//! it creates the discount in its platform. Pure: randomness comes in as bytes.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::tiers::Tiers;
use crate::scoring::audience;

/// What a reward gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardKind {
    /// A fixed amount off, hundredths of the currency unit.
    FixedAmount {
        /// Amount, hundredths.
        amount: i64,
    },
    /// A percentage off.
    Percentage {
        /// 1 to 100.
        percent: u32,
    },
    /// Free shipping.
    FreeShipping,
    /// A product for free.
    FreeProduct {
        /// The store's product id or SKU.
        product: String,
    },
}

impl RewardKind {
    /// Its name in the configuration and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            RewardKind::FixedAmount { .. } => "fixedAmount",
            RewardKind::Percentage { .. } => "percentage",
            RewardKind::FreeShipping => "freeShipping",
            RewardKind::FreeProduct { .. } => "freeProduct",
        }
    }
}

/// One reward of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    /// Id, unique in the catalogue (`[A-Za-z0-9_-]`, at most 60).
    pub id: String,
    /// What it gives.
    pub kind: RewardKind,
    /// Its cost in points.
    pub points: i64,
    /// The lowest tier that may redeem it (a level name of `tiers`), if restricted.
    pub min_tier: Option<String>,
    /// Segments (`at-risk`, `clv:top`, …) it is offered to: a customer in any of them; empty:
    /// every customer. Kept server-side: never part of [`Reward::to_json`].
    pub segments: Vec<String>,
}

impl Reward {
    /// The reward as the API shows it.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "id": self.id, "kind": self.kind.as_str(), "points": self.points,
            "tier": self.min_tier });
        match &self.kind {
            RewardKind::FixedAmount { amount } => v["amount"] = json!(format_hundredths(*amount)),
            RewardKind::Percentage { percent } => v["percent"] = json!(percent),
            RewardKind::FreeShipping => {}
            RewardKind::FreeProduct { product } => v["product"] = json!(product),
        }
        v
    }

    /// Whether a customer holding tier `tier` (an index of `tiers`) may redeem it.
    pub fn open_to(&self, tiers: Option<&Tiers>, tier: usize) -> bool {
        match (&self.min_tier, tiers) {
            (None, _) => true,
            (Some(name), Some(tiers)) => tiers.index_of(name).is_some_and(|min| tier >= min),
            (Some(_), None) => false,
        }
    }

    /// Whether it is offered to a customer in the segments `of` (resolved server-side from
    /// the verified customer, [`crate::segment_lookup::customer_segments`]).
    pub fn offered_to(&self, of: &BTreeSet<String>) -> bool {
        audience::admits(&self.segments, of)
    }
}

/// `1234` → `"12.34"`.
pub fn format_hundredths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        v.unsigned_abs() / 100,
        v.unsigned_abs() % 100
    )
}

/// The code alphabet: digits and capitals without `0`, `1`, `I` and `O`, which read alike.
/// 32 symbols, so each takes 5 bits of a random byte without bias.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Random bytes a code takes: 12 symbols, 60 bits.
pub const CODE_BYTES: usize = 12;

/// A code from [`CODE_BYTES`] random bytes: `XXXX-XXXX-XXXX`.
pub fn code_from(random: &[u8; CODE_BYTES]) -> String {
    let mut out = String::with_capacity(14);
    for (i, b) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(CODE_ALPHABET[usize::from(b & 31)]));
    }
    out
}

/// What the store is told when a reward is redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed<'a> {
    /// Site id.
    pub site: &'a str,
    /// Customer id.
    pub customer: &'a str,
    /// Customer email, when the token carried one.
    pub email: Option<&'a str>,
    /// The redemption id (the client's idempotency key).
    pub redemption: &'a str,
    /// The reward.
    pub reward: &'a Reward,
    /// The code issued.
    pub code: &'a str,
    /// When, ms.
    pub at: i64,
}

/// The `reward.redeemed` event body (Standard Webhooks payload shape: `type`, `timestamp`,
/// `data`).
pub fn redeemed_event(r: &Redeemed<'_>) -> Value {
    json!({
        "type": "reward.redeemed",
        "timestamp": crate::clock::format_unix_millis(r.at),
        "data": {
            "site": r.site,
            "customer": r.customer,
            "email": r.email,
            "redemption": r.redemption,
            "code": r.code,
            "singleUse": true,
            "points": r.reward.points,
            "reward": r.reward.to_json(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::tiers::{Tier, TierBasis};
    use proptest::prelude::*;

    #[test]
    fn codes_read_well() {
        assert_eq!(code_from(&[0; 12]), "2222-2222-2222");
        assert_eq!(
            code_from(&[31, 32, 63, 255, 8, 0, 0, 0, 0, 0, 0, 1]),
            "Z2ZZ-A222-2223"
        );
        assert_eq!(format_hundredths(505), "5.05");
        assert_eq!(format_hundredths(-7), "-0.07");
    }

    #[test]
    fn segment_restrictions() {
        let of = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        let win_back = Reward {
            id: "win-back".into(),
            kind: RewardKind::Percentage { percent: 20 },
            points: 1,
            min_tier: None,
            segments: vec!["at-risk".into(), "rfm:cant-lose".into()],
        };
        assert!(win_back.offered_to(&of(&["clv:top", "at-risk"])));
        assert!(win_back.offered_to(&of(&["rfm:cant-lose"])));
        assert!(!win_back.offered_to(&of(&["clv:top"])));
        assert!(!win_back.offered_to(&of(&[])));
        let everyone = Reward {
            segments: Vec::new(),
            ..win_back.clone()
        };
        assert!(everyone.offered_to(&of(&[])));
        assert!(win_back.to_json().get("segments").is_none());
    }

    #[test]
    fn tier_restrictions() {
        let tiers = Tiers {
            basis: TierBasis::Points,
            window_days: 1,
            levels: ["Bronze", "Silver", "Gold"]
                .iter()
                .enumerate()
                .map(|(i, n)| Tier {
                    name: (*n).into(),
                    threshold: i as i64 * 10,
                    multiplier: 1.0,
                })
                .collect(),
        };
        let mug = Reward {
            id: "mug".into(),
            kind: RewardKind::FreeProduct {
                product: "sku-1".into(),
            },
            points: 10,
            min_tier: Some("Silver".into()),
            segments: Vec::new(),
        };
        assert!(!mug.open_to(Some(&tiers), 0));
        assert!(mug.open_to(Some(&tiers), 1) && mug.open_to(Some(&tiers), 2));
        assert!(!mug.open_to(None, 5));
        let open = Reward {
            min_tier: None,
            ..mug.clone()
        };
        assert!(open.open_to(None, 0));
        let v = mug.to_json();
        assert_eq!(
            (
                v["kind"].as_str(),
                v["product"].as_str(),
                v["tier"].as_str()
            ),
            (Some("freeProduct"), Some("sku-1"), Some("Silver"))
        );
        assert!(
            v.get("segments").is_none(),
            "segments stay server-side: {v}"
        );
        let event = redeemed_event(&Redeemed {
            site: "demo",
            customer: "c",
            email: None,
            redemption: "r1",
            reward: &mug,
            code: "ABCD-EFGH-JKLM",
            at: 0,
        });
        assert_eq!(event["type"], "reward.redeemed");
        assert_eq!(event["data"]["code"], "ABCD-EFGH-JKLM");
        assert_eq!(event["data"]["reward"]["id"], "mug");
    }

    proptest! {
        /// Every code has the shape and alphabet, and distinct inputs (in the 5 bits read)
        /// give distinct codes.
        #[test]
        fn code_shape(a in proptest::array::uniform12(any::<u8>()), b in proptest::array::uniform12(any::<u8>())) {
            let ca = code_from(&a);
            prop_assert_eq!(ca.len(), 14);
            prop_assert!(ca.split('-').all(|g| g.len() == 4 && g.bytes().all(|c| CODE_ALPHABET.contains(&c))));
            let same = a.iter().zip(&b).all(|(x, y)| x & 31 == y & 31);
            prop_assert_eq!(same, ca == code_from(&b));
        }
    }
}
