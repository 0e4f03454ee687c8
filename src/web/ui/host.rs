//! The `<rapport-widget>` host element and its shadow root.
//!
//! The host is the only element the page can style, so the stylesheet styles it with
//! important `:host` declarations: important declarations of a shadow tree win over the
//! page's, even its important and inline ones. The theme's custom properties go on the host
//! through the CSSOM (allowed under a strict `style-src` CSP, where a `style` attribute is
//! not). Styles inside come from a constructable stylesheet, or a `<style nonce>` where
//! `adoptedStyleSheets` is unsupported.
//!
//! The host covers the visual viewport (the part of the page on screen) and is transformed,
//! so it is the containing block of the fixed dialog inside: the dialog stays on screen when
//! the page is wider than the screen (a phone then lays fixed boxes out on a layout viewport
//! as wide as the page) or pinch-zoomed. It lets pointer events through; the dialog takes
//! them. [`Host::fit`] follows the visual viewport.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, HtmlElement, ShadowRoot, VisualViewport};

use super::dom;

/// The stylesheet of everything inside the shadow root, minified at compile time.
pub const CSS: &str = crate::css::minified_css!(include_str!("style.css"));

/// An attached `<rapport-widget>` with its open shadow root; removed on drop.
pub struct Host {
    element: HtmlElement,
    root: ShadowRoot,
}

impl Host {
    /// Creates the host, attaches the shadow root with the stylesheet, and appends it to
    /// `<body>`. `vars` are CSS custom properties set on the host, `!important` (empty
    /// names are skipped).
    pub fn attach(
        doc: &Document,
        nonce: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Result<Host, JsValue> {
        let element: HtmlElement = dom::el(doc, "rapport-widget", "").unchecked_into();
        let style = element.style();
        for (name, value) in vars {
            if !name.is_empty() {
                // Only throws for exotic declarations; the property stays unset then.
                let _ = style.set_property_with_priority(name, value, "important");
            }
        }
        // A plain object (see `app::object`) rather than web-sys's `ShadowRootInit`.
        let init = crate::web::app::object(&[("mode", "open".into())]);
        let root = element.attach_shadow(init.unchecked_ref())?;
        if !adopt(&root) {
            let fallback = dom::el(doc, "style", "");
            if let Some(nonce) = nonce {
                dom::attr(&fallback, "nonce", nonce);
            }
            dom::set_text(&fallback, Some(CSS));
            dom::append(&root, &fallback);
        }
        let body = doc
            .body()
            .ok_or_else(|| JsValue::from_str("document has no body"))?;
        body.append_child(&element)?;
        Ok(Host { element, root })
    }

    /// Moves the host over the visual viewport `view` (offset and size in CSS pixels of the
    /// layout viewport), through custom properties the stylesheet's `:host` rule reads (a
    /// declaration on the host itself would lose to that rule's `all: initial`).
    pub fn fit(&self, view: &VisualViewport) {
        let style = self.element.style();
        for (name, px) in [
            ("--rapport-vx", view.offset_left()),
            ("--rapport-vy", view.offset_top()),
            ("--rapport-vw", view.width()),
            ("--rapport-vh", view.height()),
        ] {
            let mut value = crate::core::msg::int(px as i64);
            value.push_str("px");
            let _ = style.set_property_with_priority(name, &value, "important");
        }
    }

    /// The shadow root everything is rendered into.
    pub fn root(&self) -> &ShadowRoot {
        &self.root
    }
}

/// Installs [`CSS`] as a constructable stylesheet; false where unsupported.
fn adopt(root: &ShadowRoot) -> bool {
    // Browsers without constructable stylesheets have no `adoptedStyleSheets` either.
    if !root.adopted_style_sheets().is_object() {
        return false;
    }
    let Ok(sheet) = CssStyleSheet::new() else {
        return false;
    };
    if sheet.replace_sync(CSS).is_err() {
        return false;
    }
    root.set_adopted_style_sheets(&Array::of1(&sheet));
    true
}

impl Drop for Host {
    fn drop(&mut self) {
        self.element.remove();
    }
}
