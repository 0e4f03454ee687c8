//! HTTP handlers of the collector API, one endpoint family per file.

pub mod config;
pub mod console;
pub mod export;
pub mod health;
pub mod imports;
pub mod liability;
pub mod loyalty;
pub mod openapi;
pub mod responses;
pub mod rewards;
pub mod segments;
pub mod shopper;
pub mod webhooks;
