//! URL targeting's `regex` rules evaluated by the browser's `RegExp`: the same engine as
//! the loader, and no regex engine in the wasm.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::targeting::RegexMatcher;

#[wasm_bindgen]
extern "C" {
    /// A JavaScript `RegExp`. js-sys has one too, but its constructor does not catch the
    /// `SyntaxError` of an invalid pattern.
    #[wasm_bindgen(js_name = RegExp)]
    type Pattern;

    /// `new RegExp(pattern)`.
    #[wasm_bindgen(catch, constructor, js_class = "RegExp")]
    fn new(pattern: &str) -> Result<Pattern, JsValue>;

    /// `regexp.test(text)`.
    #[wasm_bindgen(method)]
    fn test(this: &Pattern, text: &str) -> bool;
}

/// [`RegexMatcher`] over JavaScript `RegExp`.
pub struct JsRegex;

impl RegexMatcher for JsRegex {
    fn is_match(&self, pattern: &str, haystack: &str) -> Result<bool, String> {
        match Pattern::new(pattern) {
            Ok(re) => Ok(re.test(haystack)),
            Err(err) => Err(super::log::js_text(&err)),
        }
    }
}
