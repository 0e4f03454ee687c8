//! URL targeting's `regex` rules evaluated by the browser's `RegExp`: the same engine as
//! the loader, and no regex engine in the wasm.

use crate::prelude::*;

use crate::core::targeting::RegexMatcher;

use super::js;

/// [`RegexMatcher`] over JavaScript `RegExp`.
pub struct JsRegex;

impl RegexMatcher for JsRegex {
    fn is_match(&self, pattern: &str, haystack: &str) -> Result<bool, String> {
        // `RegExp(pattern)` without `new` builds a new expression too; a bad pattern throws.
        match js::call_global("RegExp", &[pattern.into()]) {
            Ok(re) => Ok(js::call_s(&re, "test", &[haystack]).is_truthy()),
            Err(err) => Err(super::log::js_text(&err)),
        }
    }
}
