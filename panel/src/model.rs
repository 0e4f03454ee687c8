//! The view model of `GET /v1/sites/{site}/loyalty/me`, decoded from the collector's JSON
//! (read leniently: members the panel does not show are ignored, so the collector may add
//! some; a member it shows with the wrong type is an error naming its path).

use rapport::core::json::{shape_err, Decoded, Fields, Json, Path};

use crate::error::PanelError;
use crate::prelude::*;

/// Largest points value read (the collector caps amounts far below this).
const MAX_POINTS: i64 = 1_000_000_000_000;

/// The customer's programme as `loyalty/me` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Me {
    /// Points that can be spent now (negative only after a reversal).
    pub spendable: i64,
    /// Points waiting for their return window.
    pub pending: i64,
    /// The next expiry (RFC 3339) and the points it takes, when any expire.
    pub expiry: Option<(String, i64)>,
    /// The tier held, if the site has tiers.
    pub tier: Option<Tier>,
    /// The next tier and what it still needs.
    pub next_tier: Option<NextTier>,
    /// The rewards catalogue.
    pub rewards: Vec<Reward>,
    /// Ways to earn points.
    pub earn: Vec<Earn>,
    /// The customer's referral link (or code, when the site has no link template).
    pub referral: Option<Referral>,
    /// Ledger entries, newest first.
    pub activity: Vec<Activity>,
}

/// The tier held.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    /// Its name.
    pub name: String,
    /// The qualifying total over the rolling window (points, or spend in hundredths).
    pub qualifying: i64,
    /// Whether tiers are reached by spend (hundredths of the currency) rather than points.
    pub by_spend: bool,
}

/// The tier above the one held.
#[derive(Clone, Debug, PartialEq)]
pub struct NextTier {
    /// Its name.
    pub name: String,
    /// Its threshold.
    pub threshold: i64,
    /// What the customer still needs to reach it.
    pub remaining: i64,
}

/// What a reward gives.
#[derive(Clone, Debug, PartialEq)]
pub enum RewardKind {
    /// A fixed amount off (`"5.00"`).
    FixedAmount(String),
    /// A percentage off.
    Percentage(f64),
    /// Free shipping.
    FreeShipping,
    /// A free product (its id).
    FreeProduct(String),
    /// A kind this panel does not know: shown by its id.
    Other,
}

/// One reward of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Reward {
    /// Its id (what a redemption names).
    pub id: String,
    /// What it gives.
    pub kind: RewardKind,
    /// Its price in points.
    pub points: i64,
    /// The lowest tier that may redeem it.
    pub min_tier: Option<String>,
    /// Whether the customer can redeem it now (tier and balance).
    pub available: bool,
}

/// A way to earn points.
#[derive(Clone, Debug, PartialEq)]
pub enum Earn {
    /// Points per currency unit spent.
    Order(f64),
    /// Points for answering a survey, at most once per survey per period (days).
    SurveyAnswer(i64, i64),
    /// Points for a referral that orders: the referrer's and the new customer's.
    Referral(i64, i64),
}

/// The customer's referral code and link.
#[derive(Clone, Debug, PartialEq)]
pub struct Referral {
    /// The code.
    pub code: String,
    /// The shareable link, when the site configured its template.
    pub link: Option<String>,
}

/// One ledger entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    /// `order`, `refund`, `redemption`, ... (as the collector names them).
    pub kind: String,
    /// Points (negative for spending and reversals).
    pub points: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Whether the points are still pending.
    pub pending: bool,
    /// The code a reward redemption issued.
    pub code: Option<String>,
}

impl Me {
    /// Decodes the JSON of `loyalty/me`.
    pub fn from_json(v: &Json) -> Result<Me, PanelError> {
        decode(v).map_err(|e| PanelError::shape("loyalty/me", *e))
    }

    /// The catalogue's reward `id`.
    pub fn reward(&self, id: &str) -> Option<&Reward> {
        self.rewards.iter().find(|r| r.id == id)
    }
}

fn points(f: &Fields<'_>, key: &str, required: bool) -> Decoded<Option<i64>> {
    f.int(key, required, -MAX_POINTS, MAX_POINTS)
}

fn req_points(f: &Fields<'_>, key: &str) -> Decoded<i64> {
    Ok(points(f, key, true)?.unwrap_or(0))
}

fn decode(v: &Json) -> Decoded<Me> {
    let f = Fields::new("", v, None)?;
    let expiring = points(&f, "expiringPoints", false)?.unwrap_or(0);
    let expiry = f.str("expiresAt", false)?.filter(|_| expiring > 0);
    Ok(Me {
        spendable: req_points(&f, "spendable")?,
        pending: req_points(&f, "pending")?,
        expiry: expiry.map(|at| (at, expiring)),
        tier: f.opt("tier", tier)?,
        next_tier: f.opt("nextTier", next_tier)?,
        rewards: f.list("rewards", false, reward)?,
        earn: f.list("earn", false, earn)?.into_iter().flatten().collect(),
        referral: f.opt("referral", referral)?,
        activity: f.list("activity", false, activity)?,
    })
}

fn tier(path: &Path<'_>, v: &Json) -> Decoded<Tier> {
    let f = Fields::at(*path, v, None)?;
    Ok(Tier {
        name: f.req_str("name")?,
        qualifying: points(&f, "qualifying", false)?.unwrap_or(0),
        by_spend: f.str("basis", false)?.as_deref() == Some("spend"),
    })
}

fn next_tier(path: &Path<'_>, v: &Json) -> Decoded<NextTier> {
    let f = Fields::at(*path, v, None)?;
    Ok(NextTier {
        name: f.req_str("name")?,
        threshold: req_points(&f, "threshold")?,
        remaining: req_points(&f, "remaining")?,
    })
}

fn reward(path: &Path<'_>, v: &Json) -> Decoded<Reward> {
    let f = Fields::at(*path, v, None)?;
    let kind = match f.req_str("kind")?.as_str() {
        "fixedAmount" => RewardKind::FixedAmount(f.req_str("amount")?),
        "percentage" => RewardKind::Percentage(f.num("percent", true)?.unwrap_or(0.0)),
        "freeShipping" => RewardKind::FreeShipping,
        "freeProduct" => RewardKind::FreeProduct(f.req_str("product")?),
        _ => RewardKind::Other,
    };
    let points = req_points(&f, "points")?;
    if points <= 0 {
        return shape_err(&path.key("points"), "must be positive".into());
    }
    Ok(Reward {
        id: f.req_str("id")?,
        kind,
        points,
        min_tier: f.str("tier", false)?,
        available: f.bool("available")?.unwrap_or(false),
    })
}

/// A way to earn; `None` for a kind this panel does not know (skipped).
fn earn(path: &Path<'_>, v: &Json) -> Decoded<Option<Earn>> {
    let f = Fields::at(*path, v, None)?;
    Ok(match f.req_str("kind")?.as_str() {
        "order" => Some(Earn::Order(f.num("pointsPerUnit", true)?.unwrap_or(0.0))),
        "surveyAnswer" => Some(Earn::SurveyAnswer(
            req_points(&f, "points")?,
            req_points(&f, "periodDays")?,
        )),
        "referral" => Some(Earn::Referral(
            req_points(&f, "referrerPoints")?,
            req_points(&f, "refereePoints")?,
        )),
        _ => None,
    })
}

fn referral(path: &Path<'_>, v: &Json) -> Decoded<Referral> {
    let f = Fields::at(*path, v, None)?;
    Ok(Referral {
        code: f.req_str("code")?,
        link: f.str("link", false)?,
    })
}

fn activity(path: &Path<'_>, v: &Json) -> Decoded<Activity> {
    let f = Fields::at(*path, v, None)?;
    Ok(Activity {
        kind: f.req_str("kind")?,
        points: req_points(&f, "points")?,
        at: f.req_str("at")?,
        pending: f.bool("pending")?.unwrap_or(false),
        code: f.str("code", false)?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rapport::core::json::testing::parse;
    use std::string::ToString;

    /// A `loyalty/me` answer as the collector writes it (server/src/routes/loyalty.rs).
    pub(crate) const ME: &str = r#"{
        "customer": "c-1", "site": "demo", "spendable": 620, "pending": 80,
        "expiresAt": "2027-12-01T00:00:00Z", "expiringPoints": 620,
        "tier": {"name": "Silver", "multiplier": 1.25, "basis": "points", "windowDays": 365,
                 "qualifying": 700, "heldUntil": null},
        "nextTier": {"name": "Gold", "threshold": 1500, "remaining": 800},
        "rewards": [
          {"id": "5-off", "kind": "fixedAmount", "points": 500, "tier": null, "amount": "5.00", "available": true},
          {"id": "10-percent", "kind": "percentage", "points": 900, "tier": null, "percent": 10, "available": false},
          {"id": "free-shipping", "kind": "freeShipping", "points": 300, "tier": null, "available": true},
          {"id": "mug", "kind": "freeProduct", "points": 1200, "tier": "Gold", "product": "sku-mug", "available": false}
        ],
        "activity": [
          {"kind": "redemption", "source": "r-1", "points": -300, "at": "2027-01-20T10:00:00Z",
           "availableAt": "2027-01-20T10:00:00Z", "pending": false, "reason": null,
           "reward": "free-shipping", "code": "RAP-ABCD-EFGH"},
          {"kind": "order", "source": "o-1", "points": 80, "at": "2027-01-19T10:00:00Z",
           "availableAt": "2027-02-02T10:00:00Z", "pending": true, "reason": null}
        ],
        "referral": {"code": "k3y", "link": "https://shop.example/?ref=k3y"},
        "earn": [{"kind": "order", "pointsPerUnit": 1}, {"kind": "birthday", "points": 5},
                 {"kind": "surveyAnswer", "points": 20, "periodDays": 30},
                 {"kind": "referral", "referrerPoints": 500, "refereePoints": 250}]
    }"#;

    pub(crate) fn me() -> Me {
        Me::from_json(&parse(ME).expect("json")).expect("decoded")
    }

    #[test]
    fn reads_what_the_collector_writes() {
        let me = me();
        assert_eq!((me.spendable, me.pending), (620, 80));
        assert_eq!(me.expiry, Some(("2027-12-01T00:00:00Z".into(), 620)));
        assert_eq!(
            me.tier.as_ref().map(|t| (t.name.as_str(), t.qualifying)),
            Some(("Silver", 700))
        );
        assert_eq!(me.next_tier.as_ref().map(|t| t.remaining), Some(800));
        assert_eq!(me.rewards.len(), 4);
        assert_eq!(me.rewards[0].kind, RewardKind::FixedAmount("5.00".into()));
        assert_eq!(me.rewards[1].kind, RewardKind::Percentage(10.0));
        assert_eq!(me.rewards[3].min_tier.as_deref(), Some("Gold"));
        assert!(me.rewards[0].available && !me.rewards[1].available);
        // The unknown `birthday` way is skipped, the others kept in order.
        assert_eq!(
            me.earn,
            vec![
                Earn::Order(1.0),
                Earn::SurveyAnswer(20, 30),
                Earn::Referral(500, 250)
            ]
        );
        assert_eq!(me.activity[0].code.as_deref(), Some("RAP-ABCD-EFGH"));
        assert!(me.activity[1].pending);
        assert_eq!(
            me.referral.as_ref().and_then(|r| r.link.as_deref()),
            Some("https://shop.example/?ref=k3y")
        );
    }

    #[test]
    fn no_tiers_no_expiry_no_referral() {
        let v = parse(
            r#"{"spendable": -40, "pending": 0, "expiresAt": null, "expiringPoints": 0,
            "tier": null, "nextTier": null, "rewards": [], "activity": [], "referral": null}"#,
        )
        .expect("json");
        let me = Me::from_json(&v).expect("decoded");
        assert_eq!(me.spendable, -40);
        assert!(me.expiry.is_none() && me.tier.is_none() && me.referral.is_none());
        assert!(me.earn.is_empty());
    }

    #[test]
    fn errors_name_the_path() {
        let v = parse(r#"{"spendable": 1, "pending": 0, "rewards": [{"id": "a", "kind": "freeShipping", "points": "9"}]}"#)
            .expect("json");
        let e = Me::from_json(&v).expect_err("bad points");
        assert_eq!(
            e.to_string(),
            "loyalty/me: rewards[0].points: expected a number, got a string"
        );
        let v = parse(r#"{"pending": 0}"#).expect("json");
        assert_eq!(
            Me::from_json(&v).expect_err("missing").to_string(),
            "loyalty/me: spendable: missing field `spendable`"
        );
        let v = parse(r#"{"spendable": 1, "pending": 0, "rewards": [{"id": "a", "kind": "freeShipping", "points": 0}]}"#)
            .expect("json");
        assert_eq!(
            Me::from_json(&v).expect_err("zero").to_string(),
            "loyalty/me: rewards[0].points: must be positive"
        );
        let v = parse("[]").expect("json");
        assert!(Me::from_json(&v).is_err());
    }
}
