//! The `start(options)` argument, read defensively from whatever object the page passed.

use crate::prelude::*;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::json::Json;

use super::json_value;

/// Why `start` options were rejected. Messages name the option at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsError {
    /// `options.site` is missing, not a string, or empty.
    Site,
    /// `options.endpoint` is present but not a string.
    Endpoint,
    /// `options.config` is not an object, null or absent.
    Config,
    /// `options.inline` is not an array, null or absent.
    Inline,
}

impl OptionsError {
    /// The console message.
    pub fn message(self) -> &'static str {
        match self {
            OptionsError::Site => "start: options.site must be a non-empty string",
            OptionsError::Endpoint => "start: options.endpoint must be a string",
            OptionsError::Config => "start: options.config must be a site config object or null",
            OptionsError::Inline => "start: options.inline must be an array of config objects",
        }
    }
}

/// What `start` was given: the options the widget keeps for its lifetime, the collector's
/// site configuration and the page's inline `config` arguments (these two only until they
/// are decoded).
pub struct Start {
    /// Site, endpoint, nonce, event sink, page signals.
    pub options: Options,
    /// The collector's site configuration as JSON (`None`: the loader could not read one).
    pub config: Option<Json>,
    /// The page's inline configurations, in the order given, applied over the collector's
    /// by the machine (each as a `config` command is).
    pub inline: Vec<Json>,
}

/// Parsed `start` options.
pub struct Options {
    /// Site id.
    pub site: String,
    /// Collector base URL without trailing slash (empty: same origin).
    pub endpoint: String,
    /// CSP nonce for the `<style>` fallback.
    pub nonce: Option<String>,
    /// Event sink `emit(name, detail)`.
    pub emit: Option<Function>,
    /// The loader already saw exit intent on this page (it boots the widget on it).
    pub exit_intent: bool,
    /// `performance.now()` of the last navigation, for delay triggers.
    pub nav_at: f64,
    /// `locales(tag)`: fetches a locale file and returns a promise of its JSON (the loader's
    /// and the npm package's know where the widget's files are). Without it the widget
    /// speaks English.
    pub locales: Option<Function>,
}

/// `options[key]`: a member of the plain data object the page passed (`undefined` when
/// missing, or when `options` is no object).
fn member(options: &JsValue, key: &str) -> JsValue {
    if !options.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `options[key]` if it is a non-empty string.
fn non_empty(options: &JsValue, key: &str) -> Option<String> {
    member(options, key).as_string().filter(|s| !s.is_empty())
}

impl Options {
    /// Reads the options object: the options, the collector's site configuration as JSON
    /// (`None` when the loader passed none) and the inline configurations (`options.inline`,
    /// an array; each item is checked when it is applied).
    pub fn read(options: &JsValue) -> Result<Start, OptionsError> {
        let site = non_empty(options, "site").ok_or(OptionsError::Site)?;
        let endpoint = match member(options, "endpoint") {
            v if v.is_null_or_undefined() => String::new(),
            v => v.as_string().ok_or(OptionsError::Endpoint)?,
        };
        let config = member(options, "config");
        let config = if config.is_null_or_undefined() {
            None
        } else if config.is_object() {
            // Through JSON text rather than walking the object: JSON.stringify drops
            // functions and prototype junk (and refuses cycles).
            let text = json_value::stringify(&config).ok_or(OptionsError::Config)?;
            Some(json_value::read(&text).ok_or(OptionsError::Config)?)
        } else {
            return Err(OptionsError::Config);
        };
        let inline = match member(options, "inline") {
            v if v.is_null_or_undefined() => Vec::new(),
            v if json_value::is_array(&v) => v
                .unchecked_ref::<Array>()
                .iter()
                .map(|item| json_value::plain_data(&item))
                .collect(),
            _ => return Err(OptionsError::Inline),
        };
        let options = Options {
            site,
            endpoint: String::from(endpoint.trim_end_matches('/')),
            nonce: non_empty(options, "nonce"),
            emit: member(options, "emit").dyn_into::<Function>().ok(),
            exit_intent: member(options, "exitIntent").is_truthy(),
            nav_at: member(options, "navAt").as_f64().unwrap_or(0.0),
            locales: member(options, "locales").dyn_into::<Function>().ok(),
        };
        Ok(Start {
            options,
            config,
            inline,
        })
    }
}
