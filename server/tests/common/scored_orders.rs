//! An order history that scores into every kind of customer, for the scores job's tests
//! and the ones that build on its segments (targeted surveys, targeted rewards): customer
//! `c000`, `c001`, … of site `demo`, imported as Shopify orders without points.

use rapport_server::app::AppState;
use rapport_server::loyalty::import::ImportedOrder;
use rapport_server::loyalty::order::{OrderFacts, Platform};

use super::TestResult;

/// The tests' "now", 2027-01-15T08:00:00Z (epoch ms); the history spans the 400 days
/// before it.
pub const T0: i64 = 1_800_000_000_000;
/// One day, ms.
pub const DAY: i64 = 86_400_000;

/// Customer `i`'s orders (day offsets from T0 − 400 days, spend in cents): every `gap` days
/// from `first`, a third of them stopping after a few orders (big spenders who left).
pub fn history(i: usize) -> Vec<(i64, i64)> {
    let first = (i * 7 % 200) as i64;
    let gap = 8 + (i % 30) as i64;
    let left = i.is_multiple_of(3);
    let stop = if left { first + 5 * gap } else { 399 };
    let spend = if left {
        9_000
    } else {
        2_000 + (i as i64 % 7) * 500
    };
    (0..)
        .map(|k| first + k * gap)
        .take_while(|d| *d <= stop)
        .map(|d| (d, spend))
        .collect()
}

/// Order `n` of `customer`, placed on `day` (offset from T0 − 400 days) for `spend` cents.
pub fn order(customer: &str, n: usize, day: i64, spend: i64) -> ImportedOrder {
    ImportedOrder {
        row: n as u64,
        facts: OrderFacts {
            order_id: format!("{customer}-{n}"),
            customer: Some(customer.to_owned()),
            email: None,
            currency: "EUR".into(),
            total: spend,
            eligible: spend,
            paid: true,
            cancelled: false,
            refunds: Vec::new(),
            referral: Vec::new(),
        },
        placed_at: T0 - 400 * DAY + day * DAY + 3_600_000,
    }
}

/// Imports the histories of `customers` customers into site `demo` (its loyalty rules, no
/// points credited).
pub async fn seed(app: &AppState, customers: usize) -> TestResult {
    let config = app.config();
    let rules = config
        .site("demo")
        .and_then(|s| s.loyalty.clone())
        .ok_or("site demo has no loyalty programme")?
        .rules;
    let mut orders = Vec::new();
    for i in 0..customers {
        let c = format!("c{i:03}");
        for (n, (day, spend)) in history(i).into_iter().enumerate() {
            orders.push(order(&c, n, day, spend));
        }
    }
    app.store
        .loyalty()
        .import_orders(
            "demo".into(),
            Platform::Shopify,
            orders,
            false,
            rules,
            app.clock.now_millis(),
        )
        .await?;
    Ok(())
}
