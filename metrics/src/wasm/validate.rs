//! Holdout validation of orders in JavaScript, with its figure on request.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::convert::{f64_array, object, options, set, string_array, to_js, u32_array};
use super::error::{WasmError, WasmResult};
use super::models::fitted_to_js;
use super::orders::WasmOrders;
use super::panic;
use crate::holdout::{
    validate, Accuracy, FrequencyRow, HoldoutError, HoldoutReport, Tracking, ValidateOptions,
};
use crate::models::transaction::{TransactionFit, TransactionKind};
use crate::models::FitOptions;
use crate::plot::holdout_svg;
use crate::summary::Period;

/// Options as JavaScript writes them.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsValidateOptions {
    /// "bgnbd" (default), "mbgnbd" or "pareto_nbd".
    model: Option<String>,
    /// Last calibration day (days since 1970-01-01); required.
    calibration_end_day: Option<i64>,
    end_day: Option<i64>,
    period: Option<Period>,
    max_frequency: Option<u32>,
    max_iterations: Option<usize>,
    gradient_tolerance: Option<f64>,
    /// Include the figure as an SVG document (`svg`).
    plot: bool,
}

/// The report's small parts, as JavaScript sees them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View<'a> {
    period: Period,
    calibration_start: &'a str,
    calibration_end: &'a str,
    end: &'a str,
    holdout_length: f64,
    acquired_after_calibration: usize,
    first_seen_on_calibration_end: usize,
    accuracy: &'a Accuracy,
    by_calibration_frequency: &'a [FrequencyRow],
    tracking: &'a Tracking,
}

fn holdout_error(e: HoldoutError) -> WasmError {
    match e {
        HoldoutError::Fit(e) => WasmError::Fit(e),
        HoldoutError::Input(e) => WasmError::Input(e),
        other => WasmError::Column {
            field: "calibrationEnd",
            message: other.to_string(),
        },
    }
}

fn read_options(value: JsValue) -> WasmResult<ValidateOptions> {
    let o: JsValidateOptions = options("options of validate", value)?;
    let model = o.model.as_deref().unwrap_or("bgnbd");
    let kind = TransactionKind::parse(model).ok_or_else(|| WasmError::Options {
        what: "options of validate",
        message: format!("model: {model:?} is not bgnbd, mbgnbd or pareto_nbd"),
    })?;
    let day = o.calibration_end_day.ok_or_else(|| WasmError::Options {
        what: "options of validate",
        message: "calibrationEnd: missing (the last day of the calibration period)".into(),
    })?;
    let mut opts = ValidateOptions::new(kind, day);
    opts.end_day = o.end_day;
    if let Some(p) = o.period {
        opts.period = p;
    }
    if let Some(m) = o.max_frequency {
        opts.max_frequency = m;
    }
    let d = FitOptions::default();
    opts.fit = FitOptions {
        max_iterations: o.max_iterations.unwrap_or(d.max_iterations),
        gradient_tolerance: o.gradient_tolerance.unwrap_or(d.gradient_tolerance),
        ..d
    };
    Ok(opts)
}

fn fit_to_js(f: &TransactionFit) -> WasmResult<JsValue> {
    match f {
        TransactionFit::Bgnbd(f) => fitted_to_js(f, None),
        TransactionFit::Mbgnbd(f) => fitted_to_js(f, None),
        TransactionFit::ParetoNbd(f) => fitted_to_js(f, None),
    }
}

fn report_to_js(orders: &WasmOrders, r: &HoldoutReport, plot: bool) -> WasmResult<JsValue> {
    let out = to_js(&View {
        period: r.period,
        calibration_start: &r.calibration_start,
        calibration_end: &r.calibration_end,
        end: &r.end,
        holdout_length: r.holdout_length,
        acquired_after_calibration: r.acquired_after_calibration,
        first_seen_on_calibration_end: r.first_seen_on_calibration_end,
        accuracy: &r.accuracy,
        by_calibration_frequency: &r.by_calibration_frequency,
        tracking: &r.tracking,
    })?;
    let out: js_sys::Object = out.into();
    set(&out, "fit", fit_to_js(&r.fit)?);
    let c = &r.customers;
    let ids = orders.orders().customer_ids();
    let customers = object();
    set(&customers, "customer", u32_array(&c.customer));
    set(
        &customers,
        "customerIds",
        string_array(
            c.customer
                .iter()
                .map(|&i| ids.get(i as usize).map_or("", |s| &**s)),
        ),
    );
    set(&customers, "x", f64_array(&c.x));
    set(&customers, "t_x", f64_array(&c.t_x));
    set(&customers, "T", f64_array(&c.t));
    set(&customers, "actual", f64_array(&c.actual));
    set(&customers, "predicted", f64_array(&c.predicted));
    set(&out, "customers", customers);
    if plot {
        set(&out, "svg", JsValue::from_str(&holdout_svg(r)));
    }
    Ok(out.into())
}

/// Fits a transaction model on the orders up to the calibration end and
/// compares its predictions with the rest. `options`: `{calibrationEndDay,
/// model, endDay, period, maxFrequency, maxIterations, gradientTolerance,
/// plot}`. Returns `{fit, accuracy, byCalibrationFrequency, tracking,
/// customers: {customer, customerIds, x, t_x, T, actual, predicted}, …, svg?}`.
#[wasm_bindgen(js_name = validateHoldout)]
pub fn validate_holdout(orders: &WasmOrders, options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let plot = options::<JsValidateOptions>("options of validate", options_value.clone())?.plot;
    let opts = read_options(options_value)?;
    let report = validate(orders.orders(), &opts).map_err(holdout_error)?;
    Ok(report_to_js(orders, &report, plot)?)
}
