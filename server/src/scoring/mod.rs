//! Customer scores and segments, pure: no IO. The scores job ([`crate::jobs::scores`])
//! reads a site's orders, calls [`compute::compute`] and stores the result; segment
//! targeting names customers by [`segments::segments_of`] and checks survey audiences with
//! [`audience`].
//!
//! * [`history`] — a site's order rows grouped into one purchase history per customer.
//! * [`compute`] — the metrics engine's customer values ([`rapport_metrics::scores`], the
//!   dashboard's model too): P(alive) and the next year's value with intervals, bands and
//!   the at-risk flag; RFM segments.
//! * [`bands`], [`fallback`] — the engine's CLV bands and at-risk rule, and what a site with
//!   too few repeat buyers to fit gets instead (re-exported).
//! * [`segments`] — the named segments of one customer.
//! * [`audience`] — a survey's `audience` member: parsed, checked, matched.

pub mod audience;
pub mod compute;
pub mod error;
pub mod history;
pub mod segments;

pub use error::ScoringError;
pub use rapport_metrics::scores::{bands, fallback};
