//! Customers, orders and the points ledger (issue 13, server side).
//!
//! Pure rules live here, with no IO: customer [`token`]s, webhook [`signature`]s, order
//! payloads of each [`platform`] read into [`order`] events, the earning and reversal
//! arithmetic ([`rules`]), every decision a store makes on the ledger ([`plan`]), and
//! balances derived from entries ([`ledger`]), points for survey answers ([`answer`]) and
//! referral codes and credits ([`referral`]) and their reversal when the converting order
//! is voided ([`referral_reversal`]). Storage is [`crate::store::LoyaltyStore`];
//! the HTTP handlers are in [`crate::routes::loyalty`] and [`crate::routes::webhooks`].

pub mod answer;
pub mod expiry;
pub mod forecast;
pub mod import;
pub mod import_dates;
pub mod ledger;
pub mod money;
pub mod order;
pub mod outbound;
pub mod plan;
pub mod platform;
pub mod referral;
pub mod referral_reversal;
pub mod rewards;
pub mod rules;
pub mod settings;
pub mod signature;
pub mod tiers;
pub mod token;
