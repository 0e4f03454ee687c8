//! Ingestion of orders, events and feedback answers.
//!
//! Orders come from in-memory columns ([`Orders::from_columns`]), a generic
//! CSV with a column mapping ([`parse_orders_csv`]), a Shopify order export
//! ([`parse_shopify_orders`]) or the CDNOW sample format ([`parse_cdnow`]).
//! Events for funnels come from [`parse_events_csv`]; survey answers from
//! the collector's JSON or CSV export ([`parse_feedback_json`],
//! [`parse_feedback_csv`]). Each `parse_*` reads a byte slice and has a
//! `read_*` twin that streams from any [`std::io::Read`].
//!
//! Bad rows either stop the read with a [`DataError`] naming the line and
//! column ([`BadRowPolicy::Fail`], the default) or are left out and counted in
//! the [`SkipReport`] ([`BadRowPolicy::Skip`]). Excluded orders (refunded,
//! voided, cancelled) are always left out and counted. Nothing here panics on
//! input.

mod cdnow;
mod csv;
pub mod date;
mod date_column;
mod error;
mod events;
mod formula_guard;
mod intern;
mod orders;
mod orders_csv;
mod prefetch;
mod question_type;
mod responses;
mod rows;
mod shopify;
mod sniff;
mod surrogates;

pub use cdnow::{parse_cdnow, read_cdnow};
pub use date::{DateFormat, OffsetPolicy};
pub use error::{BadRowPolicy, DataError, Parsed, SkipCount, SkipReason, SkipReport};
pub use events::{parse_events_csv, read_events_csv, EventColumns, Events, EventsCsvOptions};
pub use orders::Orders;
pub use orders_csv::{
    default_excluded_statuses, parse_orders_csv, read_orders_csv, OrderColumns, OrdersCsvOptions,
};
pub use question_type::{parse_survey_types, survey_types, QuestionType, QuestionTypes};
pub use responses::{parse_feedback_csv, parse_feedback_json, read_feedback_csv, FeedbackAnswer};
pub use rows::ReadOptions;
pub use shopify::{parse_shopify_orders, read_shopify_orders, ShopifyOptions};

pub(crate) use prefetch::prefetch;
