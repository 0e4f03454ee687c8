//! Orders in JavaScript: ingestion into a [`WasmOrders`] handle, and the
//! analyses that read orders (summary, cohort matrix, RFM).

use wasm_bindgen::prelude::*;

use super::convert::{
    f64_array, object, options, report_to_js, seconds, set, string_array, to_js, u32_array,
};
use super::error::{WasmError, WasmResult};
use super::panic;
use crate::cohort::{cohort_matrix as cohorts, CohortOptions};
use crate::data::{
    parse_cdnow as cdnow, parse_orders_csv as orders_csv, parse_shopify_orders as shopify, Orders,
    OrdersCsvOptions, ReadOptions, ShopifyOptions, SkipReport,
};
use crate::rfm::{rfm as score_rfm, RfmOptions};
use crate::summary::{summary as summarize, SummaryOptions};

/// Parsed orders held in wasm memory, with the report of rows left out.
/// JavaScript frees it with `free()` (the worker does so on `release`).
#[wasm_bindgen]
pub struct WasmOrders {
    orders: Orders,
    report: SkipReport,
}

impl WasmOrders {
    /// The orders.
    pub fn orders(&self) -> &Orders {
        &self.orders
    }
}

#[wasm_bindgen]
impl WasmOrders {
    /// Number of orders.
    #[wasm_bindgen(getter)]
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// True when no order was read.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    /// Number of distinct customers.
    #[wasm_bindgen(getter)]
    pub fn customers(&self) -> usize {
        self.orders.n_customers()
    }

    /// Rows read and rows left out by reason: `{rowsRead, skipped: {reason: {count, firstLines}}}`.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        Ok(report_to_js(&self.report)?)
    }

    /// Customer ids, indexed by customer index.
    #[wasm_bindgen(js_name = customerIds)]
    pub fn customer_ids(&self) -> js_sys::Array {
        string_array(self.orders.customer_ids().iter().map(|s| &**s))
    }
}

/// Reads a generic orders CSV (`options`: `{columns, read, excludedStatuses}`, all optional).
#[wasm_bindgen(js_name = parseOrdersCsv)]
pub fn parse_orders_csv(input: &[u8], options_value: JsValue) -> Result<WasmOrders, JsValue> {
    panic::install();
    let opts: OrdersCsvOptions = options("options of parseOrdersCsv", options_value)?;
    let parsed = orders_csv(input, &opts).map_err(WasmError::from)?;
    Ok(WasmOrders {
        orders: parsed.data,
        report: parsed.report,
    })
}

/// Reads a Shopify order export (`options`: `{read, customerColumn, excludedStatuses, includeCancelled}`).
#[wasm_bindgen(js_name = parseShopifyOrders)]
pub fn parse_shopify_orders(input: &[u8], options_value: JsValue) -> Result<WasmOrders, JsValue> {
    panic::install();
    let opts: ShopifyOptions = options("options of parseShopifyOrders", options_value)?;
    let parsed = shopify(input, &opts).map_err(WasmError::from)?;
    Ok(WasmOrders {
        orders: parsed.data,
        report: parsed.report,
    })
}

/// Reads the CDNOW sample format (`id id yyyymmdd quantity amount`, whitespace-separated).
#[wasm_bindgen(js_name = parseCdnow)]
pub fn parse_cdnow(input: &[u8], options_value: JsValue) -> Result<WasmOrders, JsValue> {
    panic::install();
    let opts: ReadOptions = options("options of parseCdnow", options_value)?;
    let parsed = cdnow(input, &opts).map_err(WasmError::from)?;
    Ok(WasmOrders {
        orders: parsed.data,
        report: parsed.report,
    })
}

/// Orders from columns: customer index per order, customer ids (index `i` is
/// customer `i`; empty: ids are the indices in decimal), timestamps in seconds
/// since the epoch, amounts.
#[wasm_bindgen(js_name = ordersFromColumns)]
pub fn orders_from_columns(
    customer: Vec<u32>,
    customer_ids: Vec<String>,
    timestamp: &[f64],
    amount: Vec<f64>,
) -> Result<WasmOrders, JsValue> {
    panic::install();
    Ok(from_columns(customer, customer_ids, timestamp, amount)?)
}

fn from_columns(
    customer: Vec<u32>,
    mut ids: Vec<String>,
    timestamp: &[f64],
    amount: Vec<f64>,
) -> WasmResult<WasmOrders> {
    let timestamp = seconds("timestamp", timestamp)?;
    if ids.is_empty() {
        let n = customer.iter().copied().max().map_or(0, |m| m as usize + 1);
        ids = (0..n).map(|i| i.to_string()).collect();
    }
    let orders = Orders::from_indexed(customer, ids, timestamp, amount)?;
    Ok(WasmOrders {
        orders,
        report: SkipReport::default(),
    })
}

/// The lifetimes-style per-customer summary.
///
/// `options`: `{period: "day" | "week", endDay, decimals}`. Returns
/// `{customer: Uint32Array, customerIds: string[], frequency, recency, T,
/// monetaryValue: Float64Array, period, endDay}`.
#[wasm_bindgen]
pub fn summary(orders: &WasmOrders, options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let opts: SummaryOptions = options("options of summary", options_value)?;
    let s = summarize(&orders.orders, &opts);
    let ids = orders.orders.customer_ids();
    let out = object();
    set(&out, "customer", u32_array(&s.customer));
    set(
        &out,
        "customerIds",
        string_array(
            s.customer
                .iter()
                .map(|&c| ids.get(c as usize).map_or("", |s| &**s)),
        ),
    );
    set(&out, "frequency", f64_array(&s.frequency));
    set(&out, "recency", f64_array(&s.recency));
    set(&out, "T", f64_array(&s.t));
    set(&out, "monetaryValue", f64_array(&s.monetary_value));
    set(&out, "period", to_js(&s.period)?);
    set(&out, "endDay", s.end_day as f64);
    Ok(out.into())
}

/// Acquisition cohorts: `options` `{by: "month" | "week", endDay}`; returns the
/// cohort report (`cohortStart, size, active, orders, revenue, retention,
/// survival, churnRate, repeatPurchaseRate, customers`).
#[wasm_bindgen(js_name = cohortMatrix)]
pub fn cohort_matrix(orders: &WasmOrders, options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let opts: CohortOptions = options("options of cohortMatrix", options_value)?;
    Ok(to_js(&cohorts(&orders.orders, &opts))?)
}

/// Like [`cohort_matrix`] but returns only the number of cohorts: used to time
/// the computation without the cost of building the JS result.
#[wasm_bindgen(js_name = cohortCount)]
pub fn cohort_count(orders: &WasmOrders, options_value: JsValue) -> Result<usize, JsValue> {
    panic::install();
    let opts: CohortOptions = options("options of cohortCount", options_value)?;
    Ok(cohorts(&orders.orders, &opts).size.len())
}

/// RFM scores and segments: `options` `{endDay}`. Returns `{customer:
/// Uint32Array, customerIds, recencyDays, frequency, monetary: Float64Array,
/// r, f, m: Uint8Array, segment: string[], segmentCounts: {segment: count}}`.
#[wasm_bindgen]
pub fn rfm(orders: &WasmOrders, options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let opts: RfmOptions = options("options of rfm", options_value)?;
    let r = score_rfm(&orders.orders, &opts);
    let ids = orders.orders.customer_ids();
    let out = object();
    set(&out, "customer", u32_array(&r.customer));
    set(
        &out,
        "customerIds",
        string_array(
            r.customer
                .iter()
                .map(|&c| ids.get(c as usize).map_or("", |s| &**s)),
        ),
    );
    let recency: Vec<f64> = r.recency_days.iter().map(|&d| d as f64).collect();
    let frequency: Vec<f64> = r.frequency.iter().map(|&f| f64::from(f)).collect();
    set(&out, "recencyDays", f64_array(&recency));
    set(&out, "frequency", f64_array(&frequency));
    set(&out, "monetary", f64_array(&r.monetary));
    set(&out, "r", js_sys::Uint8Array::from(&r.r[..]));
    set(&out, "f", js_sys::Uint8Array::from(&r.f[..]));
    set(&out, "m", js_sys::Uint8Array::from(&r.m[..]));
    // Segment names as serde writes them (snake_case), computed once per segment.
    let names: Vec<String> = crate::rfm::Segment::ALL
        .iter()
        .map(|s| segment_name(*s))
        .collect::<WasmResult<_>>()?;
    let index = |s: crate::rfm::Segment| {
        crate::rfm::Segment::ALL
            .iter()
            .position(|&x| x == s)
            .unwrap_or(0)
    };
    set(
        &out,
        "segment",
        string_array(r.segment.iter().map(|&s| names[index(s)].as_str())),
    );
    let counts = object();
    for (s, n) in r.segment_counts() {
        set(&counts, &names[index(s)], n as f64);
    }
    set(&out, "segmentCounts", counts);
    Ok(out.into())
}

fn segment_name(s: crate::rfm::Segment) -> WasmResult<String> {
    let v = serde_json::to_value(s).map_err(|e| WasmError::Options {
        what: "segment",
        message: e.to_string(),
    })?;
    Ok(v.as_str().unwrap_or_default().to_string())
}
