//! Storage of customers, orders and the points ledger: the [`LoyaltyStore`] trait, written
//! once for both backends (SQLite and PostgreSQL, tables made by each backend's versioned
//! migrations).
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
//! - [`LoyaltyStore::expire`] appends the expiries [`crate::loyalty::expiry::due`] finds for
//!   one customer, in one transaction, idempotent on their source ids. The rule depends only
//!   on the entries' instants, so it may run at any time after the fact (lazily before a
//!   read or a redemption, or from the sweep) with the same result.

use crate::loyalty::expiry::ExpiryPolicy;
use crate::loyalty::ledger::{Balance, Entry};
use crate::loyalty::order::{OrderEvent, Platform};
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
    /// (ms), at most `limit`: the sweep's work list.
    fn expiry_candidates(
        &self,
        site: String,
        inactive_since: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<String>>;
    /// What each of `customer`'s orders that earned points contributes to their tier.
    fn tier_contributions(
        &self,
        site: String,
        customer: String,
    ) -> StoreFuture<'_, Vec<Contribution>>;
    /// Orders stored for `site` (tests).
    fn order_count(&self, site: String) -> StoreFuture<'_, u64>;
}
