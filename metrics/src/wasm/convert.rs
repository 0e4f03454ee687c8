//! Conversions at the boundary: options objects in, typed arrays and plain objects out.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::error::{WasmError, WasmResult};

/// Reads an options object; `undefined` and `null` give the defaults.
pub(crate) fn options<T: DeserializeOwned + Default>(
    what: &'static str,
    value: JsValue,
) -> WasmResult<T> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| WasmError::Options {
        what,
        message: e.to_string(),
    })
}

/// Reads a required structured argument.
pub(crate) fn required<T: DeserializeOwned>(what: &'static str, value: JsValue) -> WasmResult<T> {
    serde_wasm_bindgen::from_value(value).map_err(|e| WasmError::Options {
        what,
        message: e.to_string(),
    })
}

/// Serializes a result as a plain object (maps as objects, u64 as numbers).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> WasmResult<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&ser).map_err(|e| WasmError::Options {
        what: "result",
        message: e.to_string(),
    })
}

/// Timestamps given as JS numbers (seconds since the epoch) to `i64`.
pub(crate) fn seconds(field: &'static str, values: &[f64]) -> WasmResult<Vec<i64>> {
    values
        .iter()
        .enumerate()
        .map(|(row, &v)| {
            // ±2^53 keeps every integer exact; fractions of a second are dropped.
            if v.is_finite() && v.abs() <= 9_007_199_254_740_992.0 {
                Ok(v.floor() as i64)
            } else {
                Err(WasmError::Column {
                    field,
                    message: format!("row {row}: {v} is not a finite number of seconds"),
                })
            }
        })
        .collect()
}

/// A new object to fill with [`set`].
pub(crate) fn object() -> js_sys::Object {
    js_sys::Object::new()
}

/// `target[key] = value` on a fresh plain object (cannot fail for such objects).
pub(crate) fn set(target: &js_sys::Object, key: &str, value: impl Into<JsValue>) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value.into());
}

/// A `Float64Array` copy of `values`.
pub(crate) fn f64_array(values: &[f64]) -> js_sys::Float64Array {
    js_sys::Float64Array::from(values)
}

/// A `Uint32Array` copy of `values`.
pub(crate) fn u32_array(values: &[u32]) -> js_sys::Uint32Array {
    js_sys::Uint32Array::from(values)
}

/// A JS array of strings.
pub(crate) fn string_array<'a>(values: impl Iterator<Item = &'a str>) -> js_sys::Array {
    values.map(JsValue::from_str).collect()
}

/// A [`SkipReport`](crate::data::SkipReport) as JavaScript sees it:
/// `{rowsRead, mergedLines, skipped: {reason: {count, firstLines}}}`.
pub(crate) fn report_to_js(report: &crate::data::SkipReport) -> WasmResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Count<'a> {
        count: u64,
        first_lines: &'a [u64],
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Report<'a> {
        rows_read: u64,
        merged_lines: u64,
        skipped: std::collections::BTreeMap<crate::data::SkipReason, Count<'a>>,
    }
    to_js(&Report {
        rows_read: report.rows_read,
        merged_lines: report.merged_lines,
        skipped: report
            .skipped
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    Count {
                        count: v.count,
                        first_lines: &v.first_lines,
                    },
                )
            })
            .collect(),
    })
}
