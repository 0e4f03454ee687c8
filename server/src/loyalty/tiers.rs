//! Tiers (`loyalty.tiers`): levels such as Bronze / Silver / Gold reached by points earned
//! or money spent over a rolling window, each with an earn multiplier; decided without IO
//! from the customer's orders.
//!
//! The rule (README, "Loyalty", *Tiers*):
//! - Each order that earned points *contributes* its points (multiplier included) or its
//!   eligible spend, net of its refunds; a cancelled order contributes nothing. A refund
//!   counts against the order it reverses, so a refunded order never lifted anyone.
//! - The *qualifying total at an instant* is the sum of contributions of the orders in the
//!   `windowDays` up to that instant.
//! - The customer's tier is re-evaluated at each of their orders (and every time it is read,
//!   refunds included): it is the highest level whose threshold the qualifying total met at
//!   one of their orders in the last `windowDays`. A tier is therefore kept for `windowDays`
//!   after the last order that reached it, then drops to what the recent orders support
//!   (one level or several at once). The first level's threshold is 0: everyone has a tier.
//! - The earn multiplier of an order is that of the tier held just before it.

use super::rules::DAY_MILLIS;

/// What qualifies for a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierBasis {
    /// Points earned from orders.
    Points,
    /// Eligible spend, in hundredths of the currency unit.
    Spend,
}

impl TierBasis {
    /// Its name in the configuration and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TierBasis::Points => "points",
            TierBasis::Spend => "spend",
        }
    }
}

/// One level.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Name shown to customers (unique).
    pub name: String,
    /// Qualifying total needed (points, or hundredths of spend).
    pub threshold: i64,
    /// Earn multiplier (1 = none).
    pub multiplier: f64,
}

/// A site's tiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    /// What qualifies.
    pub basis: TierBasis,
    /// The rolling window, days.
    pub window_days: u32,
    /// Levels by ascending threshold; the first one's is 0.
    pub levels: Vec<Tier>,
}

/// What one order contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    /// When the order earned, ms.
    pub at: i64,
    /// Points earned net of reversals.
    pub points: i64,
    /// Eligible spend net of refunds, hundredths (0 when cancelled).
    pub spend: i64,
}

/// What each order that earned contributes ([`Contribution`]), as SQL over `orders o` and
/// their `order` ledger entry `l`, for both backends: the columns `lead` (e.g. `o.customer, `)
/// then `at, points, spend`, of the rows `filter` keeps (a condition on `o` with the
/// query's placeholders), ordered by `order_by` (e.g. `o.customer, `) then `at`. Points are
/// what the order still holds after reversals; a cancelled order's spend counts nothing.
///
/// An order counts whether or not it has a ledger entry (an import without credit, a
/// 0-point order: its spend still counts): `at` is its entry's date when it has one, else
/// its record's (which an import dates by the order, see [`super::import_dates`]).
pub fn contributions_sql(lead: &str, filter: &str, order_by: &str) -> String {
    format!(
        "SELECT {lead}coalesce(l.created_at, o.created_at), o.earned_points - o.reversed_points,
                CASE WHEN o.cancelled THEN 0 ELSE o.eligible - o.refunded END
         FROM orders o LEFT JOIN ledger l
           ON l.site = o.site AND l.kind = 'order' AND l.source_id = o.platform || ':' || o.order_id
         WHERE o.earned AND {filter}
         ORDER BY {order_by}coalesce(l.created_at, o.created_at)"
    )
}

/// Where a customer stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// Index of the tier held.
    pub tier: usize,
    /// Qualifying total now.
    pub qualifying: i64,
    /// When the tier held drops unless an order re-qualifies (ms); `None` for the first
    /// level, which is never lost.
    pub held_until: Option<i64>,
    /// The next level and what is still needed now to reach it; `None` at the top.
    pub next: Option<(usize, i64)>,
}

impl Tiers {
    /// The window in milliseconds.
    pub fn window_millis(&self) -> i64 {
        i64::from(self.window_days) * DAY_MILLIS
    }

    fn value(&self, c: &Contribution) -> i64 {
        match self.basis {
            TierBasis::Points => c.points,
            TierBasis::Spend => c.spend,
        }
        .max(0)
    }

    /// The qualifying total at `at`: contributions in `(at - window, at]`.
    pub fn qualifying(&self, contributions: &[Contribution], at: i64) -> i64 {
        let from = at.saturating_sub(self.window_millis());
        contributions
            .iter()
            .filter(|c| c.at > from && c.at <= at)
            .map(|c| self.value(c))
            .fold(0i64, i64::saturating_add)
    }

    /// The highest level whose threshold `total` meets.
    pub fn level_for(&self, total: i64) -> usize {
        self.levels
            .iter()
            .rposition(|t| t.threshold <= total)
            .unwrap_or(0)
    }

    /// The standing at `now` given every order contribution of the customer.
    pub fn standing(&self, contributions: &[Contribution], now: i64) -> Standing {
        let from = now.saturating_sub(self.window_millis());
        let mut tier = 0;
        let mut reached_at = None;
        for c in contributions.iter().filter(|c| c.at > from && c.at <= now) {
            let level = self.level_for(self.qualifying(contributions, c.at));
            if level > tier || (level == tier && reached_at.is_some_and(|r| c.at > r)) {
                tier = level;
                reached_at = Some(c.at);
            }
        }
        let qualifying = self.qualifying(contributions, now);
        let held_until = reached_at
            .filter(|_| tier > 0)
            .map(|r| r.saturating_add(self.window_millis()));
        let next = (tier + 1 < self.levels.len()).then(|| {
            (
                tier + 1,
                (self.levels[tier + 1].threshold - qualifying).max(0),
            )
        });
        Standing {
            tier,
            qualifying,
            held_until,
            next,
        }
    }

    /// The earn multiplier of an order earning at `now`, given the customer's earlier
    /// orders.
    pub fn multiplier(&self, contributions: &[Contribution], now: i64) -> f64 {
        self.levels
            .get(self.standing(contributions, now).tier)
            .map_or(1.0, |t| t.multiplier)
    }

    /// The index of the level named `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.levels.iter().position(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const D: i64 = DAY_MILLIS;

    fn tiers(basis: TierBasis) -> Tiers {
        Tiers {
            basis,
            window_days: 365,
            levels: vec![
                Tier {
                    name: "Bronze".into(),
                    threshold: 0,
                    multiplier: 1.0,
                },
                Tier {
                    name: "Silver".into(),
                    threshold: 500,
                    multiplier: 1.25,
                },
                Tier {
                    name: "Gold".into(),
                    threshold: 1500,
                    multiplier: 1.5,
                },
            ],
        }
    }

    fn order(day: i64, points: i64) -> Contribution {
        Contribution {
            at: day * D,
            points,
            spend: points * 100,
        }
    }

    #[test]
    fn reach_progress_and_drop() {
        let t = tiers(TierBasis::Points);
        let none = t.standing(&[], 0);
        assert_eq!(
            (none.tier, none.qualifying, none.held_until, none.next),
            (0, 0, None, Some((1, 500)))
        );
        let orders = [order(0, 300), order(10, 300)];
        let s = t.standing(&orders, 20 * D);
        assert_eq!((s.tier, s.qualifying, s.next), (1, 600, Some((2, 900))));
        assert_eq!(s.held_until, Some(375 * D));
        // The first order leaves the window on day 365: the qualifying total falls to 300,
        // but Silver is kept until a year after the order that reached it.
        let s = t.standing(&orders, 370 * D);
        assert_eq!((s.tier, s.qualifying), (1, 300));
        let s = t.standing(&orders, 375 * D);
        assert_eq!((s.tier, s.qualifying, s.held_until), (0, 0, None));
        // A new order re-evaluates: 300 + 300 within the window re-qualifies.
        let more = [order(0, 300), order(10, 300), order(300, 300)];
        let s = t.standing(&more, 370 * D);
        assert_eq!((s.tier, s.held_until), (1, Some(665 * D)));
        assert_eq!(t.multiplier(&more, 370 * D), 1.25);
        // Gold, then everything refunded: a refunded order never counted.
        let gold = [order(0, 1600)];
        assert_eq!(t.standing(&gold, D).tier, 2);
        assert_eq!(t.standing(&[order(0, 0)], D).tier, 0);
        assert_eq!(t.standing(&gold, D).next, None);
        // Spend basis reads the spend.
        let s = tiers(TierBasis::Spend);
        assert_eq!(s.standing(&[order(0, 10)], D).qualifying, 1000);
    }

    proptest! {
        /// The tier held is never below the level the current total supports, never lost
        /// before the window after it was reached, and one more order never lowers it.
        #[test]
        fn monotone(list in proptest::collection::vec((0i64..800, 0i64..900), 0..12), now in 0i64..1200, extra in 0i64..2000) {
            let t = tiers(TierBasis::Points);
            let mut orders: Vec<Contribution> = list.iter().map(|&(d, p)| order(d, p)).collect();
            orders.sort_by_key(|c| c.at);
            let now = now * D;
            let s = t.standing(&orders, now);
            prop_assert!(s.tier >= t.level_for(s.qualifying));
            for c in orders.iter().filter(|c| c.at <= now && now - c.at < t.window_millis()) {
                prop_assert!(s.tier >= t.level_for(t.qualifying(&orders, c.at)));
            }
            let mut more = orders.clone();
            more.push(Contribution { at: now, points: extra, spend: 0 });
            prop_assert!(t.standing(&more, now).tier >= s.tier);
        }
    }
}
