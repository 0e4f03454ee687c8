//! The `start(options)` argument, read defensively from whatever object the page passed.

use crate::prelude::*;

use wasm_bindgen::JsValue;

use crate::core::json::Json;
use crate::core::msg::uint;

use super::js::{self, get};
use super::json_value::{self, is_array};

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
    /// The console message (a plain string: no formatting machinery for these).
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
    /// (each as a `config` command is).
    pub inline: Vec<JsValue>,
}

/// Parsed `start` options.
pub struct Options {
    /// Site id.
    pub site: String,
    /// Collector base URL without trailing slash (empty: same origin).
    pub endpoint: String,
    /// CSP nonce for the `<style>` fallback.
    pub nonce: Option<String>,
    /// Event sink `emit(name, detail)` (a function).
    pub emit: Option<JsValue>,
    /// The loader already saw exit intent on this page (it boots the widget on it).
    pub exit_intent: bool,
    /// `performance.now()` of the last navigation, for delay triggers.
    pub nav_at: f64,
}

/// `options[key]` if it is a non-empty string.
fn non_empty(options: &JsValue, key: &str) -> Option<String> {
    get(options, key).as_string().filter(|s| !s.is_empty())
}

impl Options {
    /// Reads the options object: the options, the collector's site configuration as JSON
    /// (`None` when the loader passed none) and the inline configurations (`options.inline`,
    /// an array; each item is checked when it is applied).
    pub fn read(options: &JsValue) -> Result<Start, OptionsError> {
        let site = non_empty(options, "site").ok_or(OptionsError::Site)?;
        let endpoint = match get(options, "endpoint") {
            v if v.is_null_or_undefined() => String::new(),
            v => v.as_string().ok_or(OptionsError::Endpoint)?,
        };
        // Trailing slashes off, byte by byte: `trim_end_matches` brings a char searcher.
        let mut end = endpoint.len();
        while end > 0 && endpoint.as_bytes().get(end - 1) == Some(&b'/') {
            end -= 1;
        }
        let config = get(options, "config");
        let config = if config.is_null_or_undefined() {
            None
        } else if config.is_object() {
            // Through JSON text rather than walking the object: JSON.stringify drops
            // functions and prototype junk (and refuses cycles).
            let text = js::stringify(&config).ok_or(OptionsError::Config)?;
            Some(json_value::read(&text).ok_or(OptionsError::Config)?)
        } else {
            return Err(OptionsError::Config);
        };
        let inline = match get(options, "inline") {
            v if v.is_null_or_undefined() => Vec::new(),
            v if is_array(&v) => {
                let n = js::get_f64(&v, "length").unwrap_or(0.0) as u64;
                (0..n).map(|i| get(&v, &uint(i))).collect()
            }
            _ => return Err(OptionsError::Inline),
        };
        let emit = get(options, "emit");
        let options = Options {
            site,
            endpoint: String::from(endpoint.get(..end).unwrap_or_default()),
            nonce: non_empty(options, "nonce"),
            emit: emit.is_function().then_some(emit),
            exit_intent: get(options, "exitIntent").is_truthy(),
            nav_at: get(options, "navAt").as_f64().unwrap_or(0.0),
        };
        Ok(Start {
            options,
            config,
            inline,
        })
    }
}
