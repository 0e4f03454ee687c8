//! Every loyalty decision a store makes, without IO: each backend (SQLite and PostgreSQL)
//! reads the facts in its transaction, calls the plan, and writes what comes back. The
//! backends hold no rule of their own, so both follow the same one.
//!
//! - [`order`]: what an order or refund event does to the order's record and the ledger
//!   (earn once when paid, pending for the return window, refunds cancel or reverse,
//!   cancellation), the earn multiplier of the earner's tier, and history imports.
//! - [`referral`]: the referral of an order that earned just now.
//! - [`reversal`]: taking that referral back when the order is voided (cancelled or refunded
//!   in full).
//! - [`redemption`]: whether a redemption spends (never below zero) and what a reward
//!   redemption reports.
//! - [`answer`]: points for a survey answer.
//! - [`history`]: a batch of imported history orders, each dated by its own date.
//!
//! Expiry is [`crate::loyalty::expiry::due`]; balances are [`crate::loyalty::ledger`]'s.

pub mod answer;
pub mod history;
pub mod order;
pub mod redemption;
pub mod referral;
pub mod reversal;

pub use order::{
    apply, earn_rules, earner, import, newly_earned, tier_lookup, Applied, NewEntry, OrderRecord,
    PlanError,
};
