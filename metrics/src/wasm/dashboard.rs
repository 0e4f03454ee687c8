//! The dashboard for JavaScript: every chart of the collector's dashboard data (and of an
//! uploaded events CSV), or of parsed orders (a Shopify export), with progress reported
//! to a callback after each step (`{type: "progress", step, done, total}`).

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{options, to_js};
use super::error::WasmError;
use super::orders::WasmOrders;
use super::panic;
use crate::dashboard::{compute, compute_orders, DashboardData, DashboardOptions, Progress};
use crate::data::{parse_events_csv, EventsCsvOptions};

/// Options of [`dashboard`].
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsDashboardOptions {
    /// How to read the events CSV.
    events: EventsCsvOptions,
    /// Funnel steps (default: the events' names, most users first).
    funnel_steps: Vec<String>,
}

fn reporter(callback: &JsValue) -> impl FnMut(Progress) + '_ {
    let f = callback.dyn_ref::<js_sys::Function>();
    move |p| {
        if let (Some(f), Ok(v)) = (f, to_js(&p)) {
            let _ = f.call1(&JsValue::NULL, &v);
        }
    }
}

/// Every chart of `data` (the JSON of `GET /admin/api/dashboard/data`, as bytes) and, when
/// given, of `events` (an events CSV, for the funnel). `options`: `{events: {columns,
/// read}, funnelSteps}`. Returns `{charts: [{id, title, summary, svg, table: {columns,
/// rows}}]}`.
#[wasm_bindgen]
pub fn dashboard(
    data: &[u8],
    events: Option<Vec<u8>>,
    options_value: JsValue,
    on_progress: JsValue,
) -> Result<JsValue, JsValue> {
    panic::install();
    let o: JsDashboardOptions = options("options of dashboard", options_value)?;
    let parsed = DashboardData::parse(data).map_err(WasmError::from)?;
    let events = match events {
        Some(bytes) => Some(
            parse_events_csv(&bytes, &o.events)
                .map_err(WasmError::from)?
                .data,
        ),
        None => None,
    };
    let opts = DashboardOptions {
        events,
        funnel_steps: o.funnel_steps,
    };
    let out = compute(&parsed, &opts, &mut reporter(&on_progress)).map_err(WasmError::from)?;
    Ok(to_js(&out)?)
}

/// The charts of parsed orders alone (cohorts, repeat purchases, CLV, top customers, RFM,
/// the what-if), observed up to `endDay` (days since 1970-01-01; default the last order's).
#[wasm_bindgen(js_name = dashboardOrders)]
pub fn dashboard_orders(
    orders: &WasmOrders,
    end_day: Option<f64>,
    on_progress: JsValue,
) -> Result<JsValue, JsValue> {
    panic::install();
    let end = end_day.filter(|d| d.is_finite()).map(|d| d.floor() as i64);
    let out = compute_orders(orders.orders(), end, &mut reporter(&on_progress))
        .map_err(WasmError::from)?;
    Ok(to_js(&out)?)
}
