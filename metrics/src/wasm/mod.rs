//! The engine's JavaScript API: `#[wasm_bindgen]` exports over the pure modules.
//!
//! This is the only place where Rust errors become JavaScript exceptions: each
//! export returns `Result<_, JsValue>` and the `JsValue` is a JS `Error` whose
//! message names the field, row or line at fault (see [`error::WasmError`]).
//! `pkg/metrics.js` runs these exports in a Web Worker; they are synchronous here.
//!
//! * [`orders`] — order ingestion into an [`orders::WasmOrders`] handle, and the
//!   analyses over orders: summary, cohort matrix, RFM.
//! * [`models`] — model fits from `(x, t_x, T)` columns, predictions, CLV.
//! * [`events`] — event ingestion and funnels.
//! * [`feedback`] — NPS and the feedback report.
//! * [`whatif`] — retention what-if and historical CLV.
//! * [`dashboard`] — every chart of the merchant dashboard in one call, with progress.
//! * [`validate`] — holdout validation; [`intervals`] — prediction intervals;
//!   [`plot`] — SVG figures of reports.
//!
//! Large columns cross the boundary as typed arrays (`Float64Array`,
//! `Uint32Array`); small structured results as plain objects with camelCase keys.

pub mod dashboard;
pub mod error;
pub mod events;
pub mod feedback;
pub mod intervals;
pub mod models;
pub mod orders;
pub mod plot;
pub mod validate;
pub mod whatif;

mod convert;
mod panic;
