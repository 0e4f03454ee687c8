//! Plots as plain SVG documents: self-contained (no scripts, fonts, images or
//! stylesheets from elsewhere), labelled axes, a legend or colour scale on
//! every chart, every text escaped.
//!
//! * [`svg`] — the writer every chart draws with.
//! * [`scale`], [`colour`] — data-to-page mapping, ticks, colour scales.
//! * [`chart`] — the chart kinds: [`chart::heatmap`], [`chart::line`], [`chart::bar`].
//! * [`figure`] — whole documents for the engine's reports: cohort retention,
//!   funnel, a fitted model's frequency/recency maps, holdout validation.
//!
//! ```
//! use rapport_metrics::funnel::{FunnelReport, FunnelStep};
//! use rapport_metrics::plot::funnel_svg;
//!
//! let step = |name: &str, count| FunnelStep {
//!     name: name.into(), count, conversion_from_start: count as f64 / 100.0,
//!     conversion_from_previous: 0.5, drop_off: 0, median_seconds_from_previous: None,
//! };
//! let report = FunnelReport { steps: vec![step("view", 100), step("buy", 50)], largest_drop: Some(1), breakdown: vec![] };
//! let svg = funnel_svg(&report, "users");
//! assert!(svg.starts_with("<svg ") && svg.contains(">buy</text>"));
//! ```

pub mod chart;
pub mod colour;
pub mod figure;
pub mod scale;
pub mod svg;

pub use figure::{cohorts_svg, fit_svg, funnel_svg, holdout_svg, FitPlotOptions};
