//! Writes a simulated history ([`super::simulate`]) into a store through the collector's
//! own store methods — the order import with points credited, order events for referred
//! first orders, response inserts, survey-answer credits, redemptions, expiry — so the
//! demo database holds what production would: the ledger follows the site's loyalty
//! configuration, not numbers written by hand.

use std::sync::Arc;

use serde::Serialize;

use crate::config::SiteEntry;
use crate::console::password;
use crate::loyalty::import::ImportedOrder;
use crate::loyalty::order::{OrderEvent, OrderFacts, Platform};
use crate::loyalty::plan::answer::AnswerCredit;
use crate::loyalty::referral;
use crate::loyalty::rules::DAY_MILLIS;
use crate::store::console::{NewUser, Role, UserInsert};
use crate::store::{ResponseStore, StoreError, StoredResponse};

use super::simulate::{SimCustomer, SimHistory, SimOrder};

/// The console owner the demo creates.
pub const DEMO_EMAIL: &str = "demo@example.com";

/// Why seeding stopped.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The site has no loyalty programme (the demo needs one).
    #[error("site {0:?}: no loyalty programme in the configuration (the demo needs one)")]
    NoLoyalty(String),
    /// The console password could not be hashed.
    #[error("console password: {0}")]
    Password(String),
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedReport {
    /// `false` when the database held data already (nothing was written).
    pub seeded: bool,
    /// Customers.
    pub customers: u64,
    /// Orders stored.
    pub orders: u64,
    /// Ledger entries appended by the import.
    pub entries: u64,
    /// Referral conversions credited.
    pub referrals: u64,
    /// Responses stored.
    pub responses: u64,
    /// Survey answers credited with points.
    pub answer_credits: u64,
    /// Redemptions recorded.
    pub redemptions: u64,
    /// Expiry entries appended.
    pub expiries: u64,
    /// Survey impressions counted (see [`impressions`]).
    pub impressions: u64,
    /// The console owner was created (`false`: a console user existed).
    pub owner_created: bool,
}

/// Writes `history` for `site`, unless the store already holds orders of it (responses
/// alone, e.g. answers given on the demo storefront before, do not stop it).
/// `password` becomes the password of [`DEMO_EMAIL`] when the console has no user.
pub async fn seed(
    store: &Arc<dyn ResponseStore>,
    site: &SiteEntry,
    history: &SimHistory,
    end: i64,
    password: &str,
) -> Result<SeedReport, SeedError> {
    let Some(loyalty) = site.loyalty.as_ref() else {
        return Err(SeedError::NoLoyalty(site.id.clone()));
    };
    let id = site.id.clone();
    let mut report = SeedReport::default();
    if store.loyalty().order_count(id.clone()).await? > 0 {
        report.owner_created = add_owner(store, password, end).await?;
        return Ok(report);
    }
    report.seeded = true;
    report.customers = history.customers.len() as u64;
    let rules = loyalty.rules.clone();
    let secret = loyalty.customer_token_secret.as_bytes();
    let code_of = |c: &SimCustomer| referral::code_for(secret, &id, &c.id);

    // Referred first orders arrive as order events (the referral is decided there), before
    // the rest of the history, so that they are the referee's first order.
    for c in &history.customers {
        let (Some(r), Some(first)) = (c.referred_by, c.orders.first()) else {
            continue;
        };
        let Some(referrer) = history.customers.get(r) else {
            continue;
        };
        let code = code_of(referrer);
        let since = referrer.orders.first().map_or(first.at, |o| o.at);
        store
            .loyalty()
            .record_referral_code(id.clone(), referrer.id.clone(), code.clone(), since)
            .await?;
        let mut facts = facts(c, first);
        facts.referral = vec![code];
        let outcome = store
            .loyalty()
            .apply_order(
                id.clone(),
                Platform::Shopify,
                None,
                OrderEvent::Order(facts),
                rules.clone(),
                first.at,
            )
            .await?;
        report.orders += 1;
        if let crate::store::ApplyOutcome::Applied {
            entries,
            referral: Some(r),
        } = outcome
        {
            report.entries += entries as u64;
            report.referrals += u64::from(r == "credited");
        }
    }

    // Everything else through the history import, oldest first (tiers see earlier orders).
    let mut orders: Vec<(&SimCustomer, &SimOrder)> = history
        .customers
        .iter()
        .flat_map(|c| {
            let skip = usize::from(c.referred_by.is_some());
            c.orders.iter().skip(skip).map(move |o| (c, o))
        })
        .collect();
    orders.sort_by_key(|(_, o)| o.at);
    for batch in orders.chunks(crate::history_import::BATCH) {
        let imported: Vec<ImportedOrder> = batch
            .iter()
            .enumerate()
            .map(|(row, (c, o))| ImportedOrder {
                row: row as u64 + 2,
                facts: facts(c, o),
                placed_at: o.at,
            })
            .collect();
        let counts = store
            .loyalty()
            .import_orders(
                id.clone(),
                Platform::Shopify,
                imported,
                true,
                rules.clone(),
                end,
            )
            .await?;
        report.orders += counts.imported;
        report.entries += counts.entries;
    }

    for r in &history.responses {
        let Some(c) = history.customers.get(r.customer) else {
            continue;
        };
        let at = crate::clock::format_unix_millis(r.at);
        let url = match r.survey {
            "post-purchase" => "http://127.0.0.1:8080/order.html",
            _ => "http://127.0.0.1:8080/cart.html",
        };
        store
            .insert(StoredResponse {
                id: r.id.clone(),
                site: id.clone(),
                survey: r.survey.to_owned(),
                answers_json: r.answers_json(),
                locale: Some("en".into()),
                url: Some(url.into()),
                user_id: Some(c.id.clone()),
                traits_json: None,
                created_at: Some(at.clone()),
                received_at: at,
                partial: false,
                customer: Some(c.id.clone()),
            })
            .await?;
        report.responses += 1;
        if let Some(rule) = rules.answer {
            let outcome = store
                .loyalty()
                .credit_answer(
                    AnswerCredit {
                        site: id.clone(),
                        customer: c.id.clone(),
                        survey: r.survey.to_owned(),
                        response_id: r.id.clone(),
                        partial: false,
                        rule,
                    },
                    r.at,
                )
                .await?;
            report.answer_credits += u64::from(outcome.points > 0);
        }
    }

    // Redemptions: about half of those who saved up the cheapest fixed-amount reward spend
    // it two weeks after their last order (once its points are past the return window).
    let reward = loyalty
        .rewards
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                crate::loyalty::rewards::RewardKind::FixedAmount { .. }
            )
        })
        .map(|r| r.points)
        .min();
    let mut coin =
        rapport_metrics::models::simulate::SplitMix64::new(history.customers.len() as u64);
    if let Some(cost) = reward {
        for s in store.loyalty().snapshots(id.clone()).await? {
            let last = s.orders.iter().map(|o| o.at).max().unwrap_or(0);
            let at = last + 15 * DAY_MILLIS;
            if s.balance < cost || at >= end || coin.uniform() < 0.5 {
                continue;
            }
            let outcome = store
                .loyalty()
                .redeem(
                    id.clone(),
                    s.customer.clone(),
                    format!("demo-redeem-{}", s.customer),
                    cost,
                    at,
                )
                .await?;
            report.redemptions +=
                u64::from(matches!(outcome, crate::store::RedeemOutcome::Redeemed(_)));
        }
    }
    if let Some(policy) = loyalty.expiry {
        for s in store.loyalty().snapshots(id.clone()).await? {
            if s.balance > 0 {
                report.expiries += store
                    .loyalty()
                    .expire(id.clone(), s.customer, policy, end)
                    .await? as u64;
            }
        }
    }
    report.owner_created = add_owner(store, password, end).await?;
    report.impressions = impressions(store, &id, history).await?;
    Ok(report)
}

fn facts(c: &SimCustomer, o: &SimOrder) -> OrderFacts {
    OrderFacts {
        order_id: o.id.clone(),
        customer: Some(c.id.clone()),
        email: Some(c.email.clone()),
        // The demo storefront (www/demo) prices in euros.
        currency: "EUR".into(),
        total: o.total,
        eligible: o.total,
        paid: true,
        cancelled: false,
        refunds: Vec::new(),
        referral: Vec::new(),
    }
}

async fn add_owner(
    store: &Arc<dyn ResponseStore>,
    password: &str,
    now: i64,
) -> Result<bool, SeedError> {
    if store.console().user_count().await? > 0 {
        return Ok(false);
    }
    let hash = password::hash(password).map_err(|e| SeedError::Password(e.to_string()))?;
    let id = crate::console::secret::id().map_err(|e| SeedError::Password(e.to_string()))?;
    let user = NewUser {
        id,
        email: DEMO_EMAIL.into(),
        role: Role::Owner,
        password_hash: hash,
        created_at: now,
    };
    Ok(matches!(
        store.console().insert_user(user).await?,
        UserInsert::Created(_)
    ))
}

/// The impression counters the responses imply: each survey gets a response rate drawn
/// between 8 % and 25 %, and each day with responses the times it was shown that rate
/// implies (never fewer than its responses). Returns the impressions written.
async fn impressions(
    store: &Arc<dyn ResponseStore>,
    site: &str,
    history: &SimHistory,
) -> Result<u64, StoreError> {
    use std::collections::BTreeMap;
    let mut days: BTreeMap<(&str, i64), u64> = BTreeMap::new();
    for r in &history.responses {
        *days
            .entry((r.survey, crate::store::impressions::day_of(r.at)))
            .or_default() += 1;
    }
    let mut coin =
        rapport_metrics::models::simulate::SplitMix64::new(history.responses.len() as u64 ^ 0x5eed);
    let mut rates: BTreeMap<&str, f64> = BTreeMap::new();
    let mut total = 0;
    for ((survey, day), responses) in days {
        let rate = *rates
            .entry(survey)
            .or_insert_with(|| 0.08 + 0.17 * coin.uniform());
        let shown = ((responses as f64 / rate).round() as u64).max(responses);
        store
            .impressions()
            .set(site.to_owned(), survey.to_owned(), day, shown as i64)
            .await?;
        total += shown;
    }
    Ok(total)
}
