//! Events in JavaScript: ingestion into a [`WasmEvents`] handle and funnels.

use wasm_bindgen::prelude::*;

use super::convert::{options, report_to_js, seconds, to_js};
use super::error::{WasmError, WasmResult};
use super::panic;
use crate::data::{parse_events_csv as events_csv, Events, EventsCsvOptions, SkipReport};
use crate::funnel::{funnel as run_funnel, FunnelOptions};

/// Parsed events held in wasm memory. JavaScript frees it with `free()`.
#[wasm_bindgen]
pub struct WasmEvents {
    events: Events,
    report: SkipReport,
}

#[wasm_bindgen]
impl WasmEvents {
    /// Number of events.
    #[wasm_bindgen(getter)]
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when no event was read.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Distinct users.
    #[wasm_bindgen(getter)]
    pub fn users(&self) -> usize {
        self.events.user_ids.len()
    }

    /// Rows read and rows left out by reason.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        Ok(report_to_js(&self.report)?)
    }
}

/// Reads an events CSV (`options`: `{columns: {user, event, timestamp, session, property}, read}`).
#[wasm_bindgen(js_name = parseEventsCsv)]
pub fn parse_events_csv(input: &[u8], options_value: JsValue) -> Result<WasmEvents, JsValue> {
    panic::install();
    let opts: EventsCsvOptions = options("options of parseEventsCsv", options_value)?;
    let parsed = events_csv(input, &opts).map_err(WasmError::from)?;
    Ok(WasmEvents {
        events: parsed.data,
        report: parsed.report,
    })
}

/// Events from parallel columns: user id, event name, timestamp (seconds since the epoch).
#[wasm_bindgen(js_name = eventsFromColumns)]
pub fn events_from_columns(
    users: Vec<String>,
    events: Vec<String>,
    timestamp: &[f64],
) -> Result<WasmEvents, JsValue> {
    panic::install();
    Ok(from_columns(&users, &events, timestamp)?)
}

fn from_columns(users: &[String], events: &[String], timestamp: &[f64]) -> WasmResult<WasmEvents> {
    let ts = seconds("timestamp", timestamp)?;
    Ok(WasmEvents {
        events: Events::from_columns(users, events, ts)?,
        report: SkipReport::default(),
    })
}

/// A conversion funnel: `options` `{steps, windowSeconds, unit: "user" |
/// "session", breakdown}`; returns `{steps: [{name, count,
/// conversionFromStart, conversionFromPrevious, dropOff,
/// medianSecondsFromPrevious}], largestDrop, breakdown?: [[value, report]]}`.
#[wasm_bindgen]
pub fn funnel(events: &WasmEvents, options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let opts: FunnelOptions = options("options of funnel", options_value)?;
    let report = run_funnel(&events.events, &opts).map_err(WasmError::from)?;
    Ok(to_js(&report)?)
}
