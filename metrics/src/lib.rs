//! Rapport's customer metrics engine.
//!
//! Pure Rust, no browser APIs: it compiles natively (tests, benchmarks, the
//! `rapport-metrics` CLI) and to wasm (`dist/metrics/`, the npm package).
//!
//! * [`special`] — gamma-family functions and the log-space Gauss hypergeometric 2F1.
//! * [`models`] — BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, BG/BB: likelihoods, fits, predictions.
//! * [`data`] — order/event/feedback ingestion (CSV, Shopify export, columns).
//! * [`plot`] — SVG charts of the reports (heat maps, lines, bars).
//! * [`experiment`] — two-group experiments (follow-up holdout): differences, intervals, sample sizes.
//! * [`holdout`] — holdout validation: fit on a calibration period, compare with the rest.
//! * [`uncertainty`] — parameter covariance and per-customer prediction intervals.
//! * [`risk`] — revenue at risk of an answer (the inbox's ranking, the dashboard's at-risk list).
//! * [`scores`] — customer values (P(alive), annual value, bands, at risk) as of a day: the scores job's and the dashboard's one model.
//! * [`summary`], [`rfm`], [`clv`], [`cohort`], [`funnel`], [`feedback`], [`whatif`] — the analyses.
#![deny(missing_docs)]

pub mod clv;
pub mod cohort;
pub mod dashboard;
pub mod data;
pub mod experiment;
pub mod feedback;
pub mod funnel;
pub mod holdout;
pub mod models;
pub mod plot;
pub mod rfm;
pub mod risk;
pub mod scores;
pub mod special;
pub mod summary;
pub mod uncertainty;
pub mod whatif;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
