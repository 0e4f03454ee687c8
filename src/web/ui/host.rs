//! The `<rapport-widget>` host element and its shadow root.
//!
//! The host is the only element the page can style, so every property that matters is
//! set through the CSSOM with `!important` (inline `!important` beats any page rule, and
//! CSSOM writes are allowed under a strict `style-src` CSP where a `style` attribute is
//! not). `all: initial` stops inherited page styles; the host is a 0×0 fixed box, so it
//! never changes the page's layout. Styles inside come from a constructable stylesheet,
//! or a `<style nonce>` where `adoptedStyleSheets` is unsupported.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The stylesheet of everything inside the shadow root, minified at compile time.
pub const CSS: &str = crate::css::minified_css!(include_str!("style.css"));

/// Host properties that keep page CSS out (`name`, `value`), all set `!important`.
const HOST_STYLE: [(&str, &str); 14] = [
    ("all", "initial"),
    ("display", "block"),
    ("position", "fixed"),
    ("z-index", "2147483647"),
    ("top", "0px"),
    ("left", "0px"),
    ("width", "0px"),
    ("height", "0px"),
    ("margin", "0px"),
    ("padding", "0px"),
    ("overflow", "visible"),
    ("visibility", "visible"),
    ("opacity", "1"),
    ("transform", "none"),
];

/// An attached `<rapport-widget>` with its open shadow root; removed on drop.
pub struct Host {
    element: HtmlElement,
    root: ShadowRoot,
}

impl Host {
    /// Creates the host, styles it, attaches the shadow root with the stylesheet, and
    /// appends it to `<body>`. `vars` are CSS custom properties set on the host.
    pub fn attach(
        doc: &Document,
        nonce: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Result<Host, JsValue> {
        let element: HtmlElement = doc.create_element("rapport-widget")?.unchecked_into();
        let style = element.style();
        for (name, value) in HOST_STYLE.iter().chain(vars.iter()) {
            style.set_property_with_priority(name, value, "important")?;
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
        let body = doc
            .body()
            .ok_or_else(|| JsValue::from_str("document has no body"))?;
        body.append_child(&element)?;
        Ok(Host { element, root })
    }

    /// The shadow root everything is rendered into.
    pub fn root(&self) -> &ShadowRoot {
        &self.root
    }

    /// The host element itself.
    pub fn element(&self) -> &HtmlElement {
        &self.element
    }
}

/// Installs [`CSS`] as a constructable stylesheet; false where unsupported.
fn adopt(root: &ShadowRoot) -> bool {
    let has_adopted =
        js_sys::Reflect::has(root, &JsValue::from_str("adoptedStyleSheets")).unwrap_or(false);
    if !has_adopted {
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
