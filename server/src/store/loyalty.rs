//! Storage of customers, orders and the points ledger: the [`LoyaltyStore`] trait, written
//! once for both backends (SQLite and PostgreSQL, tables made by each backend's versioned
//! migrations). A backend decides nothing itself: it reads the facts in its transaction,
//! asks [`crate::loyalty::plan`] (or [`crate::loyalty::expiry`]) and writes the answer.
//!
//! Contract (both backends):
//! - [`LoyaltyStore::apply_order`] runs in one transaction: the delivery id is recorded
//!   (a delivery seen before is a [`ApplyOutcome::Replay`] and changes nothing), the
//!   order's record is loaded under a lock on that order, [`crate::loyalty::plan::apply`]
//!   decides (at the earn multiplier of the customer's tier, from their earlier orders), and
//!   the record, its new refunds and ledger entries are written. An event
//!   that cannot be applied yet (a refund of an unknown order) records nothing, so the
//!   platform's retry is processed.
//! - Ledger entries are unique on `(site, kind, source_id)`: replaying never double-credits.
//! - [`LoyaltyStore::redeem`] checks the spendable balance and appends the redemption under
//!   a per-customer lock (SQLite: the database write lock; PostgreSQL: a transaction-scoped
//!   advisory lock), so concurrent redemptions, from one instance or several, can never
//!   take the spendable balance below zero.
//! - [`LoyaltyStore::redeem_reward`] runs the same redemption step as `redeem` (same lock,
//!   same balance check) and, in the same transaction, stores the reward's code (unique per
//!   site) and queues the store's event in the `outbox` table. [`LoyaltyStore::outbox_claim`]
//!   hands due events to one worker at a time (SQLite: the write lock; PostgreSQL: `FOR
//!   UPDATE SKIP LOCKED`) by moving their next attempt past a lease.
//! - [`LoyaltyStore::expire`] appends the expiries [`crate::loyalty::expiry::due`] finds for
//!   one customer, in one transaction, idempotent on their source ids. The rule depends only
//!   on the entries' instants, so it may run at any time after the fact (lazily before a
//!   read or a redemption, or from the sweep) with the same result.

use crate::loyalty::expiry::ExpiryPolicy;
use crate::loyalty::import::ImportedOrder;
use crate::loyalty::ledger::Entry;
use crate::loyalty::order::{OrderEvent, Platform};
pub use crate::loyalty::plan::answer::{AnswerCredit, AnswerOutcome};
pub use crate::loyalty::plan::redemption::{RedeemOutcome, RewardOutcome};
use crate::loyalty::rules::LoyaltyRules;
use crate::loyalty::tiers::Contribution;
use crate::loyalty::token::CustomerClaims;

use super::StoreFuture;

/// A webhook delivery's identity, for replay detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `shopify`, `woocommerce` or `generic`.
    pub source: &'static str,
    /// The platform's delivery id (`X-Shopify-Webhook-Id`, `X-WC-Webhook-Delivery-ID`,
    /// `webhook-id`).
    pub id: String,
}

/// What [`LoyaltyStore::apply_order`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// Applied; this many ledger entries were appended.
    Applied {
        /// New ledger entries.
        entries: usize,
        /// When the order carried a referral code and earned just now: `credited`, or why
        /// not (`unknown_code`, `self_referral`, `repeat_referral`, `not_first_order`);
        /// `reversed` when the event voided an order that converted a referral (see
        /// [`crate::loyalty::referral_reversal`]).
        referral: Option<String>,
    },
    /// This delivery was processed before; nothing changed.
    Replay,
    /// A refund of an order not seen yet; nothing recorded.
    UnknownOrder(String),
}

/// A reward redemption to record: the points spent through the same path as
/// [`LoyaltyStore::redeem`], the code issued and the event for the store, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardRedemption {
    /// The client's idempotency key (a redemption id).
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Reward id.
    pub reward: String,
    /// Its cost.
    pub points: i64,
    /// The code to issue (unique per site).
    pub code: String,
    /// The outbound event's id (`webhook-id`).
    pub event_id: String,
    /// The outbound event's body.
    pub payload: String,
}

/// A code issued to a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    /// The redemption id.
    pub redemption: String,
    /// Reward id.
    pub reward: String,
    /// The code.
    pub code: String,
}

/// A referral a customer made, as they may see it: no word of whom they referred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralState {
    /// `credited`, or `reversed` once the order that converted it was voided (cancelled or
    /// refunded in full) and both sides' credits were taken back.
    pub status: String,
    /// When the referred order converted it, ms.
    pub at: i64,
}

/// An outbox event claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Row id.
    pub seq: i64,
    /// Site.
    pub site: String,
    /// `webhook-id`.
    pub event_id: String,
    /// Body.
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// An outbox event's delivery state (tests, operators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxState {
    /// `webhook-id`.
    pub event_id: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Delivered at, ms.
    pub delivered_at: Option<i64>,
    /// Given up at, ms.
    pub failed_at: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
}

/// Whether an outbox event (its body) is also sent to the site's `outboundWebhook`.
pub fn for_config_target(payload: &str) -> bool {
    crate::hooks::event::type_of(payload)
        .is_some_and(|t| crate::hooks::event::CONFIG_TARGET_EVENTS.contains(&t.as_str()))
}

/// One customer of a site as the liability forecast reads them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerSnapshot {
    /// Customer id.
    pub customer: String,
    /// Points outstanding (every entry: spendable and pending).
    pub balance: i64,
    /// Their last activity (see [`crate::loyalty::expiry::is_activity`]), ms.
    pub last_activity: Option<i64>,
    /// Their orders that earned points.
    pub orders: Vec<Contribution>,
}

/// Joins per-customer ledger totals `(customer, balance, last activity)` with order rows
/// `(customer, contribution)` (both backends' queries return these).
pub fn snapshots(
    totals: Vec<(String, i64, Option<i64>)>,
    orders: Vec<(String, Contribution)>,
) -> Vec<CustomerSnapshot> {
    let mut by_customer: std::collections::BTreeMap<String, CustomerSnapshot> = totals
        .into_iter()
        .map(|(customer, balance, last_activity)| {
            let snapshot = CustomerSnapshot {
                customer: customer.clone(),
                balance,
                last_activity,
                orders: Vec::new(),
            };
            (customer, snapshot)
        })
        .collect();
    for (customer, c) in orders {
        by_customer
            .entry(customer.clone())
            .or_insert_with(|| CustomerSnapshot {
                customer,
                ..CustomerSnapshot::default()
            })
            .orders
            .push(c);
    }
    by_customer.into_values().collect()
}

/// An admin's adjustment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    /// Idempotency key chosen by the caller.
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Points (either sign, not zero).
    pub points: i64,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
}

/// What [`LoyaltyStore::import_orders`] did with one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    /// Orders stored.
    pub imported: u64,
    /// Orders already stored (by webhook or an earlier import): left as they were.
    pub duplicates: u64,
    /// Ledger entries appended (with `credit` only).
    pub entries: u64,
}

/// Customers, orders and the ledger.
pub trait LoyaltyStore: Send + Sync + 'static {
    /// Applies one order event (see the module contract).
    fn apply_order(
        &self,
        site: String,
        platform: Platform,
        delivery: Option<Delivery>,
        event: OrderEvent,
        rules: LoyaltyRules,
        now: i64,
    ) -> StoreFuture<'_, ApplyOutcome>;
    /// Spends `points` of `customer` under redemption id `id`.
    fn redeem(
        &self,
        site: String,
        customer: String,
        id: String,
        points: i64,
        now: i64,
    ) -> StoreFuture<'_, RedeemOutcome>;
    /// Appends an adjustment; `true` when new, `false` when its id was known.
    fn adjust(&self, site: String, adjustment: Adjustment, now: i64) -> StoreFuture<'_, bool>;
    /// Every entry of `customer`, oldest first.
    fn entries(&self, site: String, customer: String) -> StoreFuture<'_, Vec<Entry>>;
    /// Records (or refreshes) the customer a verified token names.
    fn touch_customer(&self, claims: CustomerClaims, now: i64) -> StoreFuture<'_, ()>;
    /// Appends the expiries of `customer` due by `now`; returns how many were new.
    fn expire(
        &self,
        site: String,
        customer: String,
        policy: ExpiryPolicy,
        now: i64,
    ) -> StoreFuture<'_, usize>;
    /// Customers of `site` with a positive balance and no activity after `inactive_since`
    /// (ms), in the database's order of customer ids, the first `limit` of those after
    /// `after` (`""`: from the first): one page of the sweep's work list.
    fn expiry_candidates(
        &self,
        site: String,
        inactive_since: i64,
        after: String,
        limit: usize,
    ) -> StoreFuture<'_, Vec<String>>;
    /// What each of `customer`'s orders that earned points contributes to their tier.
    fn tier_contributions(
        &self,
        site: String,
        customer: String,
    ) -> StoreFuture<'_, Vec<Contribution>>;
    /// Redeems a reward (see [`RewardRedemption`]), under the same lock and balance check as
    /// [`LoyaltyStore::redeem`].
    fn redeem_reward(
        &self,
        site: String,
        redemption: RewardRedemption,
        now: i64,
    ) -> StoreFuture<'_, RewardOutcome>;
    /// The codes issued to `customer`, oldest first.
    fn reward_codes(&self, site: String, customer: String) -> StoreFuture<'_, Vec<IssuedCode>>;
    /// Claims up to `limit` outbox events due at `now` (any site), moving their next attempt
    /// to `lease_until` so that no other worker or instance sends them meanwhile.
    fn outbox_claim(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<OutboxItem>>;
    /// Records the outcome of an attempt: delivered (`error` is `None`), or failed with the
    /// next attempt at `retry_at` (`None`: given up).
    fn outbox_attempted(
        &self,
        seq: i64,
        error: Option<String>,
        retry_at: Option<i64>,
        now: i64,
    ) -> StoreFuture<'_, ()>;
    /// Every outbox event of `site` bound for its `outboundWebhook` (those of
    /// [`crate::hooks::event::CONFIG_TARGET_EVENTS`]), oldest first.
    fn outbox_states(&self, site: String) -> StoreFuture<'_, Vec<OutboxState>>;
    /// Every customer of `site` with ledger entries or orders (the liability forecast).
    fn snapshots(&self, site: String) -> StoreFuture<'_, Vec<CustomerSnapshot>>;
    /// Orders stored for `site` (tests).
    fn order_count(&self, site: String) -> StoreFuture<'_, u64>;
    /// Credits a survey answer under its rule, once per response and at most once per
    /// survey and period, in one transaction serialised per customer (the stored response
    /// row must name the same customer).
    fn credit_answer(&self, credit: AnswerCredit, now: i64) -> StoreFuture<'_, AnswerOutcome>;
    /// Stores imported history orders of `platform` (one transaction per batch), each
    /// unless an order with its id exists, through [`crate::loyalty::plan::import`].
    fn import_orders(
        &self,
        site: String,
        platform: Platform,
        orders: Vec<ImportedOrder>,
        credit: bool,
        rules: LoyaltyRules,
        now: i64,
    ) -> StoreFuture<'_, ImportCounts>;
    /// The referrals `referrer` made that converted (`credited`, or `reversed` since),
    /// oldest first; rejected ones (self-referral, repeat, unknown code, not a first order)
    /// are not theirs to see.
    fn referrals_by(&self, site: String, referrer: String) -> StoreFuture<'_, Vec<ReferralState>>;
    /// Records that `code` is `customer`'s referral code (idempotent).
    fn record_referral_code(
        &self,
        site: String,
        customer: String,
        code: String,
        now: i64,
    ) -> StoreFuture<'_, ()>;
}
