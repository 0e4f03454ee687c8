//! Rapport's merchant console, served by the collector at `/admin`.
//!
//! The pure core (no browser types, tested natively):
//! * [`route`] — which page a URL shows, and the URL of a page (deep links, history API).
//! * [`query`] — query strings read and written (`form_urlencoded`).
//! * [`filter`] — the inbox's filter state ↔ its query string.
//! * [`model`] — the JSON answers of `/admin/api/*` as typed view models.
//! * [`inbox_row`] — an inbox item as the console words it (badge, customer, risk…).
//! * [`followup`] — the follow-ups page: view models, differences and intervals in words and on an axis.
//! * [`missing`] — a 404 in words: an unknown site is not a missing response.
//! * [`format`] — money, dates and percentages as the console prints them.
//! * [`hooks`] — webhooks, deliveries and alert settings as the console shows them.
//! * [`dashboard`] — the dashboard's charts as the engine's Worker returns them, their
//!   CSV, and the allowlist for their SVG.
//! * [`segments`] — the segments page: sizes, targeted surveys' response rates, scores' age.
//! * [`themes`] — the inbox's themes strip: most frequent first, the rest behind a toggle.
//! * [`csv`] — CSV text with formula-injection neutralisation, for every download.
//! * [`error`] — the one error enum of the console.
//!
//! `web` (wasm32 only) is the thin shell: it renders pages and forwards events; one file per
//! page under `web/pages/` (see the crate's README for adding one).
#![deny(missing_docs)]

pub mod csv;
pub mod dashboard;
pub mod error;
pub mod filter;
pub mod followup;
pub mod format;
pub mod hooks;
pub mod inbox_row;
pub mod missing;
pub mod model;
pub mod query;
pub mod route;
pub mod segments;
pub mod themes;
pub mod timestamp;

#[cfg(target_arch = "wasm32")]
mod web;
