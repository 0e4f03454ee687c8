//! Order payloads as each platform sends them, read into [`OrderEvent`]s.
//!
//! [`OrderEvent`]: crate::loyalty::order::OrderEvent

pub mod generic;
pub mod shopify;
pub mod woocommerce;
