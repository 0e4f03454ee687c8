//! Retention what-if and historical CLV in JavaScript.

use wasm_bindgen::prelude::*;

use super::convert::{f64_array, object, options, set, to_js, u32_array};
use super::error::{WasmError, WasmResult};
use super::models::read_bgnbd;
use super::orders::WasmOrders;
use super::panic;
use crate::clv::{historical_clv as historical, HistoricalClvOptions};
use crate::summary::Summary;
use crate::whatif::{bgnbd_uplift, geometric_uplift};

/// +`points` of retention under geometric retention (no model): `margin`
/// per period, `retention` in [0, 1), `discount` per period, for `customers`
/// customers. Returns `{method, baselineRetention, newRetention, baselineClv,
/// newClv, clvChangePercent, baselineRevenue, newRevenue}`.
#[wasm_bindgen(js_name = retentionWhatIfGeometric)]
pub fn retention_what_if_geometric(
    margin: f64,
    retention: f64,
    discount: f64,
    points: f64,
    customers: f64,
) -> Result<JsValue, JsValue> {
    panic::install();
    let r = geometric_uplift(margin, retention, discount, points, customers)
        .map_err(WasmError::from)?;
    Ok(to_js(&r)?)
}

/// +`points` of retention under a fitted BG/NBD (`{model: "bgnbd", params}`)
/// over `horizon` time units for customers `(x, t_x, T)`, each purchase
/// valued at `order_value[i]`. Same result shape as the geometric method.
#[wasm_bindgen(js_name = retentionWhatIfBgNbd)]
pub fn retention_what_if_bgnbd(
    fit: JsValue,
    x: Vec<f64>,
    t_x: Vec<f64>,
    t: Vec<f64>,
    order_value: &[f64],
    horizon: f64,
    points: f64,
) -> Result<JsValue, JsValue> {
    panic::install();
    Ok(what_if_bgnbd(fit, x, t_x, t, order_value, horizon, points)?)
}

fn what_if_bgnbd(
    fit: JsValue,
    x: Vec<f64>,
    t_x: Vec<f64>,
    t: Vec<f64>,
    order_value: &[f64],
    horizon: f64,
    points: f64,
) -> WasmResult<JsValue> {
    let model = read_bgnbd("fit of retentionWhatIf", fit)?;
    // Validates lengths and each row like a fit would, naming the row at fault.
    crate::models::FitInput::new(x.clone(), t_x.clone(), t.clone())?;
    let n = x.len();
    let summary = Summary {
        customer: (0..n as u32).collect(),
        monetary_value: vec![0.0; n],
        frequency: x,
        recency: t_x,
        t,
        ..Summary::default()
    };
    let r = bgnbd_uplift(&model, &summary, order_value, horizon, points)?;
    to_js(&r)
}

/// Historical CLV (no model) of `orders`: `options` `{margin, churnRate,
/// periodDays, endDay}`. Returns `{customers, orders, revenue,
/// averageOrderValue, purchaseFrequency, lifespanPeriods, clv, customer:
/// Uint32Array, customerClv: Float64Array}`.
#[wasm_bindgen(js_name = historicalClv)]
pub fn historical_clv(orders: &WasmOrders, options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let opts: HistoricalClvOptions = options("options of historicalClv", options_value)?;
    let h = historical(orders.orders(), &opts).map_err(WasmError::from)?;
    let out = object();
    set(&out, "customers", h.customers as f64);
    set(&out, "orders", h.orders as f64);
    set(&out, "revenue", h.revenue);
    set(&out, "averageOrderValue", h.average_order_value);
    set(&out, "purchaseFrequency", h.purchase_frequency);
    set(&out, "lifespanPeriods", h.lifespan_periods);
    set(&out, "clv", h.clv);
    set(&out, "customer", u32_array(&h.customer));
    set(&out, "customerClv", f64_array(&h.customer_clv));
    Ok(out.into())
}
