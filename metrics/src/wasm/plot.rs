//! The engine's figures for JavaScript: SVG documents of reports computed
//! earlier (a cohort matrix, a funnel, a fit).

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::required;
use super::error::WasmError;
use super::panic;
use crate::cohort::CohortReport;
use crate::funnel::FunnelReport;
use crate::models::transaction::TransactionParams;
use crate::plot::{cohorts_svg, fit_svg, funnel_svg, FitPlotOptions};

/// The retention heat map of a `cohortMatrix` result.
#[wasm_bindgen(js_name = plotCohorts)]
pub fn plot_cohorts(report: JsValue) -> Result<String, JsValue> {
    panic::install();
    let r: CohortReport = required("report of plotCohorts", report)?;
    Ok(cohorts_svg(&r))
}

/// The bar chart of a `funnel` result; `unit` names what is counted ("users").
#[wasm_bindgen(js_name = plotFunnel)]
pub fn plot_funnel(report: JsValue, unit: &str) -> Result<String, JsValue> {
    panic::install();
    let r: FunnelReport = required("report of plotFunnel", report)?;
    Ok(funnel_svg(&r, unit))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsFitPlot {
    max_frequency: u32,
    age: f64,
    #[serde(default = "default_horizon")]
    horizon: f64,
    #[serde(default = "default_unit")]
    unit: String,
}

fn default_horizon() -> f64 {
    52.0
}

fn default_unit() -> String {
    "week".into()
}

/// The frequency/recency maps of a BG/NBD, MBG/NBD or Pareto/NBD fit.
/// `options`: `{maxFrequency, age, horizon = 52, unit = "week"}`.
#[wasm_bindgen(js_name = plotFit)]
pub fn plot_fit(fit: JsValue, options_value: JsValue) -> Result<String, JsValue> {
    panic::install();
    let params: TransactionParams = required("fit of plotFit", fit)?;
    let o: JsFitPlot = required("options of plotFit", options_value)?;
    let opts = FitPlotOptions {
        max_frequency: o.max_frequency,
        age: o.age,
        horizon: o.horizon,
        unit: o.unit,
    };
    Ok(fit_svg(&params, &opts).map_err(WasmError::from)?)
}
