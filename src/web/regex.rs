//! URL targeting's `regex` rules evaluated by the browser's `RegExp`: the same engine as
//! the loader, and no regex engine in the wasm.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::targeting::RegexMatcher;

#[wasm_bindgen]
extern "C" {
    /// `RegExp`, imported with a throwing constructor mapped to `Err`.
    #[wasm_bindgen(js_name = RegExp)]
    type JsRegExp;

    #[wasm_bindgen(constructor, catch, js_class = "RegExp")]
    fn new(pattern: &str) -> Result<JsRegExp, JsValue>;

    #[wasm_bindgen(method)]
    fn test(this: &JsRegExp, text: &str) -> bool;
}

/// [`RegexMatcher`] over JavaScript `RegExp`.
pub struct JsRegex;

impl RegexMatcher for JsRegex {
    fn is_match(&self, pattern: &str, haystack: &str) -> Result<bool, String> {
        match JsRegExp::new(pattern) {
            Ok(re) => Ok(re.test(haystack)),
            Err(err) => Err(super::log::js_text(&err)),
        }
    }
}
