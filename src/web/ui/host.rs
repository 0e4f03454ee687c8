//! The `<rapport-widget>` host element and its shadow root.
//!
//! The host is the only element the page can style, so the stylesheet styles it with
//! important `:host` declarations: important declarations of a shadow tree win over the
//! page's, even its important and inline ones. The theme's custom properties go on the host
//! through the CSSOM (allowed under a strict `style-src` CSP, where a `style` attribute is
//! not). Styles inside come from a constructable stylesheet, or a `<style nonce>` where
//! `adoptedStyleSheets` is unsupported.

use wasm_bindgen::JsValue;

use super::super::js;
use super::dom;

/// The stylesheet of everything inside the shadow root, minified at compile time.
pub const CSS: &str = crate::css::minified_css!(include_str!("style.css"));

/// An attached `<rapport-widget>` with its open shadow root; removed on drop. Only the
/// root is kept: the element is its `host`.
pub struct Host {
    root: JsValue,
}

impl Host {
    /// Creates the host, attaches the shadow root with the stylesheet, and appends it to
    /// `<body>`. `vars` are CSS custom properties set on the host, `!important` (empty
    /// names are skipped).
    pub fn attach(
        doc: &JsValue,
        nonce: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Result<Host, JsValue> {
        let element = dom::el(doc, "rapport-widget", "");
        let style = js::get(&element, "style");
        for (name, value) in vars {
            if !name.is_empty() {
                set_style(&style, name, value, "important");
            }
        }
        let root = js::call(&element, "attachShadow", &[js::parse(r#"{"mode":"open"}"#)])?;
        if !adopt(&root) {
            let fallback = dom::el(doc, "style", "");
            if let Some(nonce) = nonce {
                dom::attr(&fallback, "nonce", nonce);
            }
            dom::set_text(&fallback, Some(CSS));
            dom::append(&root, &fallback);
        }
        let body = js::get(doc, "body");
        if !body.is_object() {
            return Err(JsValue::from_str("document has no body"));
        }
        dom::try_append(&body, &element)?;
        Ok(Host { root })
    }

    /// The shadow root everything is rendered into.
    pub fn root(&self) -> &JsValue {
        &self.root
    }
}

/// `style.setProperty(name, value, priority)` (it only throws for exotic declarations, and
/// the property simply stays unset then).
pub fn set_style(style: &JsValue, name: &str, value: &str, priority: &str) {
    js::invoke(
        style,
        "setProperty",
        &[name.into(), value.into(), priority.into()],
    )
}

/// Installs [`CSS`] as a constructable stylesheet; false where unsupported.
fn adopt(root: &JsValue) -> bool {
    if !js::get(root, "adoptedStyleSheets").is_object() {
        return false;
    }
    let Ok(sheet) = js::construct("CSSStyleSheet", &[]) else {
        return false;
    };
    if js::call(&sheet, "replaceSync", &[CSS.into()]).is_err() {
        return false;
    }
    js::set(
        root,
        "adoptedStyleSheets",
        &js::call_static("Array", "of", &[sheet]),
    );
    true
}

impl Drop for Host {
    fn drop(&mut self) {
        js::invoke(&js::get(&self.root, "host"), "remove", &[]);
    }
}
