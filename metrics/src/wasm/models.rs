//! Model fits, predictions and CLV from `(x, t_x, T)` columns.
//!
//! Fits return `{model, params, logLikelihood, iterations, converged, status,
//! stop, evaluations, boundary, comparison, stdErrors, customers, patterns}`;
//! that object (or any `{model, params}`) is what [`predict`] and [`clv`]
//! take back. Every fit is bounded: `maxIterations`, `maxEvaluations` and
//! `maxSeconds` (default 120); `onIteration` is called after each iteration
//! with `{model, phase, iteration, evaluations, logLikelihood, gradient,
//! params}`. A fit that does not converge (and is not at a boundary optimum)
//! throws a `FitNotConvergedError` unless `acceptUnconverged` is set.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{f64_array, object, options, required, set, to_js};
use super::error::{WasmError, WasmResult};
use super::panic;
use crate::models::bgbb::{self, BgBb};
use crate::models::bgnbd::{self, BgNbd};
use crate::models::clv::{customer_lifetime_value, ClvOptions, Customer, TransactionModel};
use crate::models::compare::{transaction_models, Comparison};
use crate::models::gamma_gamma::{self, GammaGamma};
use crate::models::mbgnbd::{self, MbgNbd};
use crate::models::pareto_nbd::{self, ParetoNbd};
use crate::models::{
    Boundary, FitError, FitInput, FitOptions, FitStatus, Fitted, Monitor, SpendInput, StopReason,
};

/// Default wall-clock budget of one fit, seconds.
const MAX_SECONDS: f64 = 120.0;

/// Optimiser options as JavaScript writes them; missing fields keep the defaults.
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsFitOptions {
    max_iterations: usize,
    max_evaluations: usize,
    max_seconds: f64,
    gradient_tolerance: f64,
    std_errors: bool,
    accept_unconverged: bool,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    on_iteration: JsValue,
}

impl Default for JsFitOptions {
    fn default() -> Self {
        let d = FitOptions::default();
        JsFitOptions {
            max_iterations: d.max_iterations,
            max_evaluations: d.max_evaluations,
            max_seconds: MAX_SECONDS,
            gradient_tolerance: d.gradient_tolerance,
            std_errors: d.std_errors,
            accept_unconverged: d.accept_unconverged,
            on_iteration: JsValue::UNDEFINED,
        }
    }
}

impl JsFitOptions {
    /// The engine's options; the monitor reports each iteration to
    /// `onIteration` (an exception there is ignored) and stops the fit when
    /// `maxSeconds` have passed.
    fn to_options(&self) -> FitOptions {
        let started = js_sys::Date::now();
        let budget_ms = self.max_seconds * 1000.0;
        let callback = self
            .on_iteration
            .clone()
            .dyn_into::<js_sys::Function>()
            .ok();
        FitOptions {
            max_iterations: self.max_iterations,
            max_evaluations: self.max_evaluations,
            gradient_tolerance: self.gradient_tolerance,
            std_errors: self.std_errors,
            accept_unconverged: self.accept_unconverged,
            monitor: Monitor::new(move |p| {
                if let (Some(f), Ok(v)) = (&callback, to_js(p)) {
                    let _ = f.call1(&JsValue::NULL, &v);
                }
                if js_sys::Date::now() - started > budget_ms {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }),
        }
    }
}

/// A fit as JavaScript sees it (camelCase keys).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsFitted<'a, P: Serialize> {
    model: &'a str,
    params: &'a P,
    log_likelihood: f64,
    iterations: usize,
    converged: bool,
    status: FitStatus,
    stop: StopReason,
    evaluations: usize,
    boundary: Option<&'a Boundary>,
    comparison: Option<&'a Comparison>,
    std_errors: Option<&'a P>,
    customers: f64,
    patterns: usize,
}

pub(crate) fn fitted_to_js<P: Serialize>(
    f: &Fitted<P>,
    comparison: Option<&Comparison>,
) -> WasmResult<JsValue> {
    to_js(&JsFitted {
        model: &f.model,
        params: &f.params,
        log_likelihood: f.log_likelihood,
        iterations: f.iterations,
        converged: f.converged,
        status: f.status,
        stop: f.stop,
        evaluations: f.evaluations,
        boundary: f.boundary.as_ref(),
        comparison,
        std_errors: f.std_errors.as_ref(),
        customers: f.customers,
        patterns: f.patterns,
    })
}

fn fit_input(
    x: Vec<f64>,
    t_x: Vec<f64>,
    t: Vec<f64>,
    weights: Option<Vec<f64>>,
) -> WasmResult<FitInput> {
    Ok(match weights {
        Some(w) => FitInput::with_weights(x, t_x, t, w)?,
        None => FitInput::new(x, t_x, t)?,
    })
}

/// The body every `(x, t_x, T)` fit export shares: read columns and options,
/// fit, and at a boundary (BG/NBD, MBG/NBD, Pareto/NBD) rank the transaction
/// models too (each fit with a fresh time budget).
fn fit_customers<P: Serialize>(
    export: &'static str,
    fit: fn(&FitInput, &FitOptions) -> Result<Fitted<P>, FitError>,
    columns: (Vec<f64>, Vec<f64>, Vec<f64>, Option<Vec<f64>>),
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    panic::install();
    let (x, t_x, t, weights) = columns;
    let input = fit_input(x, t_x, t, weights)?;
    let js_opts: JsFitOptions = options(export, options_value)?;
    let fitted = fit(&input, &js_opts.to_options()).map_err(WasmError::from)?;
    let comparison = (fitted.boundary.is_some()
        && matches!(fitted.model.as_str(), "bgnbd" | "mbgnbd" | "pareto_nbd"))
    .then(|| {
        let opts = FitOptions {
            accept_unconverged: true,
            ..js_opts.to_options()
        };
        transaction_models(
            &input,
            &opts,
            &[(&fitted.model, fitted.log_likelihood, fitted.status)],
        )
    });
    Ok(fitted_to_js(&fitted, comparison.as_ref())?)
}

/// Fits BG/NBD to customers `(x, t_x, T)` with optional weights.
#[wasm_bindgen(js_name = fitBgNbd)]
pub fn fit_bgnbd(
    x: Vec<f64>,
    t_x: Vec<f64>,
    t: Vec<f64>,
    weights: Option<Vec<f64>>,
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    fit_customers(
        "options of fitBgNbd",
        bgnbd::fit,
        (x, t_x, t, weights),
        options_value,
    )
}

/// Fits MBG/NBD to customers `(x, t_x, T)` with optional weights.
#[wasm_bindgen(js_name = fitMbgNbd)]
pub fn fit_mbgnbd(
    x: Vec<f64>,
    t_x: Vec<f64>,
    t: Vec<f64>,
    weights: Option<Vec<f64>>,
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    fit_customers(
        "options of fitMbgNbd",
        mbgnbd::fit,
        (x, t_x, t, weights),
        options_value,
    )
}

/// Fits Pareto/NBD to customers `(x, t_x, T)` with optional weights.
#[wasm_bindgen(js_name = fitParetoNbd)]
pub fn fit_pareto_nbd(
    x: Vec<f64>,
    t_x: Vec<f64>,
    t: Vec<f64>,
    weights: Option<Vec<f64>>,
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    fit_customers(
        "options of fitParetoNbd",
        pareto_nbd::fit,
        (x, t_x, t, weights),
        options_value,
    )
}

/// Fits BG/BB to discrete-time customers `(x, t_x, n)` (integers) with optional weights.
#[wasm_bindgen(js_name = fitBgBb)]
pub fn fit_bgbb(
    x: Vec<f64>,
    t_x: Vec<f64>,
    n: Vec<f64>,
    weights: Option<Vec<f64>>,
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    fit_customers(
        "options of fitBgBb",
        bgbb::fit,
        (x, t_x, n, weights),
        options_value,
    )
}

/// Fits the Gamma-Gamma spend model to repeat buyers `(x ≥ 1, z̄ > 0)`.
#[wasm_bindgen(js_name = fitGammaGamma)]
pub fn fit_gamma_gamma(
    x: Vec<f64>,
    zbar: Vec<f64>,
    weights: Option<Vec<f64>>,
    options_value: JsValue,
) -> Result<JsValue, JsValue> {
    panic::install();
    let n = x.len();
    let input = SpendInput {
        x,
        zbar,
        weights: weights.unwrap_or_else(|| vec![1.0; n]),
    };
    input.validate().map_err(WasmError::from)?;
    let opts: JsFitOptions = options("options of fitGammaGamma", options_value)?;
    let fit = gamma_gamma::fit(&input, &opts.to_options()).map_err(WasmError::from)?;
    Ok(fitted_to_js(&fit, None)?)
}

/// Any fitted model, read back from `{model, params, ...}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "model", content = "params", rename_all = "snake_case")]
enum AnyModel {
    Bgnbd(BgNbd),
    Mbgnbd(MbgNbd),
    ParetoNbd(ParetoNbd),
    Bgbb(BgBb),
    GammaGamma(GammaGamma),
}

impl AnyModel {
    /// Re-validates the parameters (they come from JavaScript).
    fn read(what: &'static str, value: JsValue) -> WasmResult<AnyModel> {
        let m: AnyModel = required(what, value)?;
        match &m {
            AnyModel::Bgnbd(p) => drop(BgNbd::new(p.r, p.alpha, p.a, p.b)?),
            AnyModel::Mbgnbd(p) => drop(MbgNbd::new(p.r, p.alpha, p.a, p.b)?),
            AnyModel::ParetoNbd(p) => drop(ParetoNbd::new(p.r, p.alpha, p.s, p.beta)?),
            AnyModel::Bgbb(p) => drop(BgBb::new(p.alpha, p.beta, p.gamma, p.delta)?),
            AnyModel::GammaGamma(p) => drop(GammaGamma::new(p.p, p.q, p.gamma)?),
        }
        Ok(m)
    }

    fn transaction(&self) -> Option<&dyn TransactionModel> {
        match self {
            AnyModel::Bgnbd(p) => Some(p),
            AnyModel::Mbgnbd(p) => Some(p),
            AnyModel::ParetoNbd(p) => Some(p),
            AnyModel::Bgbb(_) | AnyModel::GammaGamma(_) => None,
        }
    }
}

/// Reads a BG/NBD fit (`{model: "bgnbd", params}`), validated.
pub(crate) fn read_bgnbd(what: &'static str, value: JsValue) -> WasmResult<BgNbd> {
    match AnyModel::read(what, value)? {
        AnyModel::Bgnbd(p) => Ok(p),
        _ => Err(WasmError::Column {
            field: "fit",
            message: format!("{what}: needs a bgnbd fit"),
        }),
    }
}

fn same_length(n: usize, columns: &[(&'static str, usize)]) -> WasmResult<()> {
    for &(field, len) in columns {
        if len != n {
            return Err(WasmError::Column {
                field,
                message: format!("has {len} values, expected {n} (the length of x)"),
            });
        }
    }
    Ok(())
}

/// Per-customer predictions of a fitted transaction model: `{pAlive,
/// expected}` (Float64Arrays), where `expected` is the number of purchases in
/// the next `horizon` time units (BG/BB: transactions in the next `horizon` periods).
#[wasm_bindgen]
pub fn predict(
    fit: JsValue,
    x: &[f64],
    t_x: &[f64],
    t: &[f64],
    horizon: f64,
) -> Result<JsValue, JsValue> {
    panic::install();
    let model = AnyModel::read("fit of predict", fit)?;
    same_length(x.len(), &[("t_x", t_x.len()), ("T", t.len())])?;
    let n = x.len();
    let (mut alive, mut expected) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for row in 0..n {
        let (xi, ti_x, ti) = (x[row], t_x[row], t[row]);
        let (a, e) = match &model {
            AnyModel::Bgbb(p) => (p.p_alive(xi, ti_x, ti), p.conditional_expected_transactions(horizon, xi, ti_x, ti)),
            AnyModel::GammaGamma(_) => {
                return Err(WasmError::Column {
                    field: "fit",
                    message: "predict needs a transaction model (bgnbd, mbgnbd, pareto_nbd or bgbb); gamma_gamma goes to clv".into(),
                }
                .into())
            }
            other => match other.transaction() {
                Some(m) => (m.p_alive(xi, ti_x, ti), m.conditional_expected_purchases(horizon, xi, ti_x, ti)),
                None => continue,
            },
        };
        let row_err = |source: FitError| WasmError::Row { row, source };
        alive.push(a.map_err(row_err)?);
        expected.push(e.map_err(row_err)?);
    }
    let out = object();
    set(&out, "pAlive", f64_array(&alive));
    set(&out, "expected", f64_array(&expected));
    Ok(out.into())
}

/// CLV options as JavaScript writes them.
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsClvOptions {
    months: u32,
    units_per_month: f64,
    monthly_discount: f64,
}

impl Default for JsClvOptions {
    fn default() -> Self {
        let d = ClvOptions::default();
        JsClvOptions {
            months: d.months,
            units_per_month: d.units_per_month,
            monthly_discount: d.monthly_discount,
        }
    }
}

/// Discounted lifetime value per customer: a transaction model's fit
/// (BG/NBD, MBG/NBD, Pareto/NBD) × a Gamma-Gamma fit. `options`: `{months,
/// unitsPerMonth, monthlyDiscount}` (12, 4.345, 0.01). Returns a `Float64Array`.
#[wasm_bindgen]
pub fn clv(
    transactions: JsValue,
    spend: JsValue,
    x: &[f64],
    t_x: &[f64],
    t: &[f64],
    zbar: &[f64],
    options_value: JsValue,
) -> Result<js_sys::Float64Array, JsValue> {
    panic::install();
    let model = AnyModel::read("transaction fit of clv", transactions)?;
    let Some(tm) = model.transaction() else {
        return Err(WasmError::Column {
            field: "transactions",
            message: "clv needs a bgnbd, mbgnbd or pareto_nbd fit".into(),
        }
        .into());
    };
    let AnyModel::GammaGamma(gg) = AnyModel::read("spend fit of clv", spend)? else {
        return Err(WasmError::Column {
            field: "spend",
            message: "clv needs a gamma_gamma fit".into(),
        }
        .into());
    };
    same_length(
        x.len(),
        &[("t_x", t_x.len()), ("T", t.len()), ("zbar", zbar.len())],
    )?;
    let o: JsClvOptions = options("options of clv", options_value)?;
    let opts = ClvOptions {
        months: o.months,
        units_per_month: o.units_per_month,
        monthly_discount: o.monthly_discount,
    };
    let mut out = Vec::with_capacity(x.len());
    for row in 0..x.len() {
        let c = Customer {
            x: x[row],
            t_x: t_x[row],
            t: t[row],
            zbar: zbar[row],
        };
        out.push(
            customer_lifetime_value(tm, &gg, &c, &opts)
                .map_err(|source| WasmError::Row { row, source })?,
        );
    }
    Ok(f64_array(&out))
}
