//! `--plot FILE.svg`: draws a command's result with the engine's plot module
//! and writes the SVG document.

use rapport_metrics::models::transaction::TransactionParams;
use rapport_metrics::models::FitInput;
use rapport_metrics::plot::{fit_svg, FitPlotOptions};
use rapport_metrics::summary::Period;
use serde_json::Value;

use crate::args::Args;
use crate::load::Failure;

/// Writes `svg` to `path`.
pub fn write(path: &str, svg: &str) -> Result<(), Failure> {
    std::fs::write(path, svg).map_err(|e| Failure::Data(format!("--plot {path}: {e}")))
}

/// The largest frequency and age in the data: the range a fit's maps cover.
pub fn extent(input: &FitInput) -> (f64, f64) {
    let max = |v: &[f64]| v.iter().copied().fold(0.0f64, f64::max);
    (max(&input.x), max(&input.t))
}

/// The time unit's name for titles.
fn unit(a: &Args) -> &'static str {
    if a.input_format.as_deref() == Some("summary") {
        return "period";
    }
    match a.period {
        Period::Week => "week",
        Period::Day => "day",
    }
}

/// The frequency/recency maps of a fit (`value` as `fit` prints it).
pub fn fit(a: &Args, path: &str, value: &Value, (max_x, max_t): (f64, f64)) -> Result<(), Failure> {
    let params: TransactionParams = serde_json::from_value(value.clone())
        .map_err(|e| Failure::Data(format!("--plot: not a transaction model fit: {e}")))?;
    let opts = FitPlotOptions {
        max_frequency: max_x.min(f64::from(u32::MAX)) as u32,
        age: max_t,
        horizon: a.horizon,
        unit: unit(a).into(),
    };
    let svg = fit_svg(&params, &opts).map_err(|e| Failure::Data(format!("--plot: {e}")))?;
    write(path, &svg)
}
