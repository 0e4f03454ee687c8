//! Customer scores and segments, pure: no IO. The scores job ([`crate::jobs::scores`])
//! reads a site's orders, calls [`compute::compute`] and stores the result; segment
//! targeting names customers by [`segments::segments_of`] and checks survey audiences with
//! [`audience`].
//!
//! * [`history`] — a site's order rows grouped into one purchase history per customer.
//! * [`compute`] — BG/NBD + Gamma-Gamma fits (the metrics engine), P(alive) and the next
//!   year's value with intervals, RFM segments, then [`bands`].
//! * [`bands`] — CLV bands (quartiles of annual value) and the at-risk rule.
//! * [`fallback`] — what a site with too few repeat buyers to fit gets instead.
//! * [`segments`] — the named segments of one customer.
//! * [`audience`] — a survey's `audience` member: parsed, checked, matched.

pub mod audience;
pub mod bands;
pub mod compute;
pub mod error;
pub mod fallback;
pub mod history;
pub mod segments;

pub use error::ScoringError;
