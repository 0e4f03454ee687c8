//! Storage of customers, orders and the points ledger: the [`LoyaltyStore`] trait, written
//! once for both backends (SQLite and PostgreSQL, tables made by each backend's versioned
//! migrations).
//!
//! Contract (both backends):
//! - [`LoyaltyStore::apply_order`] runs in one transaction: the delivery id is recorded
//!   (a delivery seen before is a [`ApplyOutcome::Replay`] and changes nothing), the
//!   order's record is loaded under a lock on that order, [`crate::loyalty::plan::apply`]
//!   decides, and the record, its new refunds and ledger entries are written. An event
//!   that cannot be applied yet (a refund of an unknown order) records nothing, so the
//!   platform's retry is processed.
//! - Ledger entries are unique on `(site, kind, source_id)`: replaying never double-credits.
//! - [`LoyaltyStore::redeem`] checks the spendable balance and appends the redemption under
//!   a per-customer lock (SQLite: the database write lock; PostgreSQL: a transaction-scoped
//!   advisory lock), so concurrent redemptions, from one instance or several, can never
//!   take the spendable balance below zero.

use crate::loyalty::answer::{AnswerDecision, AnswerRule};
use crate::loyalty::import::ImportedOrder;
use crate::loyalty::ledger::{Balance, Entry};
use crate::loyalty::order::{OrderEvent, Platform};
use crate::loyalty::rules::LoyaltyRules;
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
        /// not (`unknown_code`, `self_referral`, `repeat_referral`, `not_first_order`).
        referral: Option<String>,
    },
    /// This delivery was processed before; nothing changed.
    Replay,
    /// A refund of an order not seen yet; nothing recorded.
    UnknownOrder(String),
}

/// What [`LoyaltyStore::redeem`] did; each carries the balance afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedeemOutcome {
    /// Points spent.
    Redeemed(Balance),
    /// A redemption with this id exists; nothing changed.
    Duplicate(Balance),
    /// Not enough spendable points; nothing changed.
    Insufficient(Balance),
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

/// A survey answer to credit (see [`crate::loyalty::answer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerCredit {
    /// Site.
    pub site: String,
    /// The verified customer.
    pub customer: String,
    /// Survey answered.
    pub survey: String,
    /// The response id (the entry's source id).
    pub response_id: String,
    /// The response is partial.
    pub partial: bool,
    /// The site's rule.
    pub rule: AnswerRule,
}

/// What [`LoyaltyStore::credit_answer`] decided, and the points the response has earned
/// (now or on an earlier delivery; 0 when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerOutcome {
    /// The decision.
    pub decision: AnswerDecision,
    /// Points this response earned.
    pub points: i64,
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
    /// Records that `code` is `customer`'s referral code (idempotent).
    fn record_referral_code(
        &self,
        site: String,
        customer: String,
        code: String,
        now: i64,
    ) -> StoreFuture<'_, ()>;
}
