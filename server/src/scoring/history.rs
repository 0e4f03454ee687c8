//! A site's order rows (by customer, then time) grouped into one purchase history per
//! customer, in the metrics engine's time unit for the job: whole days.

use crate::loyalty::rules::DAY_MILLIS;
use crate::store::score_jobs::OrderRow;

/// One customer's counted orders.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Customer id.
    pub customer: String,
    /// Currency of their (last) order.
    pub currency: String,
    /// `(time ms, spend in minor units)` of each counted order, by time.
    pub orders: Vec<(i64, i64)>,
    /// Loyalty tier held, if the site has tiers.
    pub tier: Option<String>,
}

impl History {
    /// Net spend, minor units.
    pub fn spend(&self) -> i64 {
        self.orders.iter().map(|o| o.1).sum()
    }

    /// Time of the last order.
    pub fn last_order_at(&self) -> Option<i64> {
        self.orders.last().map(|o| o.0)
    }

    /// `(x, t_x, T)` in whole days at `now`: repeat purchase days (orders of one day count
    /// once, as in the metrics engine's summary), the last purchase day and the age, both
    /// from the first purchase day.
    pub fn frequency(&self, now: i64) -> Option<(f64, f64, f64)> {
        let first = day(self.orders.first()?.0);
        let last = day(self.orders.last()?.0);
        let mut days: Vec<i64> = self.orders.iter().map(|o| day(o.0)).collect();
        days.dedup();
        let age = (day(now) - first).max(0);
        let t_x = (last - first).clamp(0, age);
        Some(((days.len() - 1) as f64, t_x as f64, age as f64))
    }

    /// Mean spend of the repeat purchase days (minor units; 0 without repeats).
    pub fn repeat_mean(&self) -> f64 {
        let mut per_day: Vec<(i64, i64)> = Vec::new();
        for &(at, spend) in &self.orders {
            match per_day.last_mut() {
                Some((d, s)) if *d == day(at) => *s += spend,
                _ => per_day.push((day(at), spend)),
            }
        }
        if per_day.len() < 2 {
            return 0.0;
        }
        let repeats = &per_day[1..];
        repeats.iter().map(|p| p.1 as f64).sum::<f64>() / repeats.len() as f64
    }
}

fn day(ms: i64) -> i64 {
    ms.div_euclid(DAY_MILLIS)
}

/// Groups `rows` (by customer, then time) into histories; orders that count nothing (no
/// spend and no points: cancelled) are left out, and customers left with none too.
pub fn group(rows: &[OrderRow]) -> Vec<History> {
    let mut out: Vec<History> = Vec::new();
    for r in rows {
        if r.spend <= 0 && r.points <= 0 {
            continue;
        }
        match out.last_mut() {
            Some(h) if h.customer == r.customer => {
                h.orders.push((r.at, r.spend.max(0)));
                h.currency.clone_from(&r.currency);
            }
            _ => out.push(History {
                customer: r.customer.clone(),
                currency: r.currency.clone(),
                orders: vec![(r.at, r.spend.max(0))],
                tier: None,
            }),
        }
    }
    for h in &mut out {
        h.orders.sort_by_key(|o| o.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(customer: &str, day: i64, spend: i64) -> OrderRow {
        OrderRow {
            customer: customer.into(),
            currency: "EUR".into(),
            at: day * DAY_MILLIS + 3_600_000,
            points: 0,
            spend,
        }
    }

    #[test]
    fn groups_by_customer_and_skips_cancelled_orders() {
        let rows = [row("a", 1, 1000), row("a", 5, 0), row("b", 2, 500)];
        let h = group(&rows);
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].orders.len(), 1);
        assert_eq!(h[1].spend(), 500);
    }

    #[test]
    fn frequency_counts_purchase_days() {
        let rows = [
            row("a", 10, 1000),
            row("a", 10, 500),
            row("a", 20, 300),
            row("a", 40, 700),
        ];
        let h = &group(&rows)[0];
        assert_eq!(h.frequency(50 * DAY_MILLIS), Some((2.0, 30.0, 40.0)));
        assert_eq!(h.repeat_mean(), 500.0);
    }
}
