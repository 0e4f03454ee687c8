//! The panel's host element `<rapport-loyalty>` and its open shadow root, with the same
//! isolation rules as the widget's `<rapport-widget>` (`src/web/ui/host.rs`): the host is
//! styled only by important `:host` declarations of the shadow tree's own stylesheet (they
//! win over the page's, even important and inline ones), the stylesheet is constructable
//! (not blocked by a strict `style-src`) with a `<style nonce>` fallback, and the theme's
//! custom properties are set through the CSSOM.
//!
//! The panel has a host of its own rather than a place in the widget's: the widget removes
//! its host when it is destroyed, and the panel outlives a survey.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The panel's stylesheet.
pub const CSS: &str = include_str!("../style.css");

/// The attached host; removed on drop.
pub struct Host {
    element: HtmlElement,
    root: ShadowRoot,
}

impl Host {
    /// Creates the host with `vars` (CSS custom properties) and appends it to `<body>`.
    pub fn attach(
        doc: &Document,
        nonce: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Result<Host, JsValue> {
        let element: HtmlElement = doc.create_element("rapport-loyalty")?.unchecked_into();
        let style = element.style();
        for (name, value) in vars {
            let _ = style.set_property_with_priority(name, value, "important");
        }
        let root = element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        if !adopt(&root) {
            let fallback = doc.create_element("style")?;
            if let Some(nonce) = nonce {
                fallback.set_attribute("nonce", nonce)?;
            }
            fallback.set_text_content(Some(CSS));
            root.append_child(&fallback)?;
        }
        doc.body()
            .ok_or_else(|| JsValue::from_str("document has no body"))?
            .append_child(&element)?;
        Ok(Host { element, root })
    }

    /// The shadow root.
    pub fn root(&self) -> &ShadowRoot {
        &self.root
    }
}

fn adopt(root: &ShadowRoot) -> bool {
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
