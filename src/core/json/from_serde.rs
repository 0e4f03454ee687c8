//! The core's [`Json`] of a value serde_json parsed: how the collector (and any native
//! caller) hands the core a document without a second parser. Only with the `serde_json`
//! feature; the widget reads JSON with the browser's `JSON.parse`.
//!
//! ```
//! use rapport::core::json::Json;
//! let value = serde_json::json!({"a": [1, "x\u{0}"]});
//! assert_eq!(Json::from(&value).to_string(), r#"{"a":[1,"x\u0000"]}"#);
//! ```

use super::Json;
use serde_json::Value;

impl From<&Value> for Json {
    /// Object members in serde_json's order; numbers as `f64` (what `JSON.parse` gives).
    fn from(value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Json::Str(s.clone()),
            Value::Array(items) => Json::Arr(items.iter().map(Json::from).collect()),
            Value::Object(members) => Json::Obj(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::from(v)))
                    .collect(),
            ),
        }
    }
}

/// Reads JSON text with serde_json into the core's [`Json`]: what the `from_json`
/// constructors of the model types use.
pub fn from_text(text: &str) -> Result<Json, serde_json::Error> {
    serde_json::from_str::<Value>(text).map(|v| Json::from(&v))
}
