//! HTTP handlers of the collector API, one endpoint family per file.

pub mod config;
pub mod console;
pub mod console_app;
pub mod dashboard;
pub mod export;
pub mod followups;
pub mod health;
pub mod hooks;
pub mod imports;
pub mod impressions;
pub mod inbox;
pub mod liability;
pub mod loyalty;
pub mod openapi;
pub mod responses;
pub mod rewards;
pub mod segments;
pub mod shopper;
pub mod shopper_followups;
pub mod webhooks;
