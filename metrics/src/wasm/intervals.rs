//! Per-customer prediction intervals in JavaScript.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{f64_array, object, options, required, set, to_js};
use super::error::{WasmError, WasmResult};
use super::panic;
use crate::models::clv::{ClvOptions, Customer};
use crate::models::gamma_gamma::GammaGamma;
use crate::models::transaction::TransactionParams;
use crate::models::{FitInput, SpendInput};
use crate::uncertainty::{
    prediction_intervals, spend_covariance, transaction_covariance, IntervalColumn,
    IntervalOptions, UncertaintyError,
};

/// Options as JavaScript writes them; missing fields keep the defaults.
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsIntervalOptions {
    level: f64,
    draws: usize,
    seed: u64,
    horizon: f64,
    months: u32,
    units_per_month: f64,
    monthly_discount: f64,
}

impl Default for JsIntervalOptions {
    fn default() -> Self {
        let d = IntervalOptions::default();
        Self {
            level: d.level,
            draws: d.draws,
            seed: d.seed,
            horizon: d.horizon,
            months: d.clv.months,
            units_per_month: d.clv.units_per_month,
            monthly_discount: d.clv.monthly_discount,
        }
    }
}

/// A Gamma-Gamma fit as JavaScript passes it back.
#[derive(Debug, Deserialize)]
struct SpendFit {
    model: String,
    params: GammaGamma,
}

fn uncertainty_error(e: UncertaintyError) -> WasmError {
    match e {
        UncertaintyError::Fit(e) => WasmError::Fit(e),
        UncertaintyError::Input(e) => WasmError::Input(e),
        UncertaintyError::Customer { row, source } => WasmError::Row { row, source },
        other => WasmError::Options {
            what: "predictIntervals",
            message: other.to_string(),
        },
    }
}

fn column_to_js(c: &IntervalColumn) -> js_sys::Object {
    let out = object();
    set(&out, "estimate", f64_array(&c.estimate));
    set(&out, "low", f64_array(&c.low));
    set(&out, "high", f64_array(&c.high));
    out
}

fn check_length(field: &'static str, len: usize, n: usize) -> WasmResult<()> {
    if len == n {
        Ok(())
    } else {
        Err(WasmError::Column {
            field,
            message: format!("has {len} values, expected {n} (the length of x)"),
        })
    }
}

/// The repeat buyers of the fit data, for the spend model's covariance.
fn spend_input(x: &[f64], zbar: &[f64], weights: Option<&[f64]>) -> WasmResult<SpendInput> {
    let mut s = SpendInput::default();
    for i in 0..x.len() {
        if x[i] > 0.0 && zbar[i] > 0.0 {
            s.x.push(x[i]);
            s.zbar.push(zbar[i]);
            s.weights.push(weights.map_or(1.0, |w| w[i]));
        }
    }
    s.validate()?;
    Ok(s)
}

/// Intervals for P(alive), expected purchases and (with `spend`, a Gamma-Gamma
/// fit) CLV of the customers `(x, t_x, T, zbar)`, from the uncertainty of
/// `fit` estimated on the data `(data_x, data_t_x, data_t, weights, zbar)` the
/// fit came from. `options`: `{level, draws, seed, horizon, months,
/// unitsPerMonth, monthlyDiscount}`. Returns `{level, draws, unusableDraws,
/// horizon, pAlive, expected, clv?: {estimate, low, high}, covariance}`.
#[wasm_bindgen(js_name = predictIntervals)]
#[allow(clippy::too_many_arguments)]
pub fn predict_intervals(
    fit: JsValue,
    spend: JsValue,
    data_x: Vec<f64>,
    data_t_x: Vec<f64>,
    data_t: Vec<f64>,
    data_weights: Option<Vec<f64>>,
    data_zbar: Option<Vec<f64>>,
    x: &[f64],
    t_x: &[f64],
    t: &[f64],
    zbar: Option<Vec<f64>>,
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    panic::install();
    let params: TransactionParams = required("fit of predictIntervals", fit)?;
    let model =
        TransactionParams::from_values(params.kind(), params.values()).map_err(WasmError::from)?;
    let o: JsIntervalOptions = options("options of predictIntervals", options_value)?;
    let n = x.len();
    check_length("t_x", t_x.len(), n)?;
    check_length("T", t.len(), n)?;
    let data_n = data_x.len();
    let weights = data_weights.clone();
    let input = match data_weights {
        Some(w) => FitInput::with_weights(data_x.clone(), data_t_x, data_t, w),
        None => FitInput::new(data_x.clone(), data_t_x, data_t),
    }
    .map_err(WasmError::from)?;
    let cov = transaction_covariance(&model, &input).map_err(uncertainty_error)?;
    let spend = if spend.is_undefined() || spend.is_null() {
        None
    } else {
        let s: SpendFit = required("spend fit of predictIntervals", spend)?;
        if s.model != "gamma_gamma" {
            return Err(WasmError::Column {
                field: "spend",
                message: format!("needs a gamma_gamma fit, not {:?}", s.model),
            }
            .into());
        }
        let g = GammaGamma::new(s.params.p, s.params.q, s.params.gamma).map_err(WasmError::from)?;
        let dz = data_zbar.ok_or_else(|| WasmError::Column {
            field: "fitData.zbar",
            message: "missing: the spend model's uncertainty needs the mean repeat purchase values"
                .into(),
        })?;
        check_length("fitData.zbar", dz.len(), data_n)?;
        let si = spend_input(&data_x, &dz, weights.as_deref())?;
        let gc = spend_covariance(&g, &si).map_err(uncertainty_error)?;
        Some((g, gc))
    };
    let zbar = match (&spend, zbar) {
        (_, Some(z)) => {
            check_length("zbar", z.len(), n)?;
            z
        }
        (None, None) => vec![0.0; n],
        (Some(_), None) => {
            return Err(WasmError::Column {
                field: "zbar",
                message: "missing: CLV needs each customer's mean repeat purchase value".into(),
            }
            .into())
        }
    };
    let customers: Vec<Customer> = (0..n)
        .map(|i| Customer {
            x: x[i],
            t_x: t_x[i],
            t: t[i],
            zbar: zbar[i],
        })
        .collect();
    let opts = IntervalOptions {
        level: o.level,
        draws: o.draws,
        seed: o.seed,
        horizon: o.horizon,
        clv: ClvOptions {
            months: o.months,
            units_per_month: o.units_per_month,
            monthly_discount: o.monthly_discount,
        },
    };
    let iv = prediction_intervals(
        &model,
        &cov,
        &customers,
        spend.as_ref().map(|(g, c)| (g, c)),
        &opts,
    )
    .map_err(uncertainty_error)?;
    let out = object();
    set(&out, "level", iv.level);
    set(&out, "draws", iv.draws as f64);
    set(&out, "unusableDraws", iv.unusable_draws as f64);
    set(&out, "horizon", iv.horizon);
    set(&out, "pAlive", column_to_js(&iv.p_alive));
    set(&out, "expected", column_to_js(&iv.expected));
    if let Some(c) = &iv.clv {
        set(&out, "clv", column_to_js(c));
    }
    set(&out, "covariance", to_js(&cov)?);
    Ok(out.into())
}
