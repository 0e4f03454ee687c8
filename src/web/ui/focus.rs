//! Focus management: move focus in on show, trap Tab while open, restore on close.

use crate::prelude::*;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, KeyboardEvent, ShadowRoot};

/// Elements Tab can reach inside the dialog, in document order. Radios that are not the
/// group's roving stop carry `tabindex="-1"` and are skipped.
const TABBABLE: &str =
    "button:not([tabindex=\"-1\"]):not(:disabled),input:not(:disabled),textarea:not(:disabled),[tabindex=\"0\"]";

/// The element focused in the page before the widget took focus.
pub fn page_focus(doc: &Document) -> Option<HtmlElement> {
    doc.active_element()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
}

/// Gives focus back to `previous` if it is still in the document.
pub fn restore(previous: Option<HtmlElement>) {
    if let Some(el) = previous {
        if el.is_connected() {
            let _ = el.focus();
        }
    }
}

/// Focuses the first tabbable element inside `container`; false if there is none.
pub fn focus_first(container: &Element) -> bool {
    match tabbables(container).into_iter().next() {
        Some(el) => el.focus().is_ok(),
        None => false,
    }
}

/// Keeps Tab / Shift+Tab cycling inside `dialog`. Call on every `keydown` in the root.
pub fn trap_tab(root: &ShadowRoot, dialog: &Element, event: &KeyboardEvent) {
    if event.key() != "Tab" {
        return;
    }
    let items = tabbables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        event.prevent_default();
        return;
    };
    let active = root.active_element();
    let at = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<Element>())
    };
    if event.shift_key() && (at(first) || active.is_none()) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && (at(last) || active.is_none()) {
        event.prevent_default();
        let _ = first.focus();
    }
}

fn tabbables(dialog: &Element) -> Vec<HtmlElement> {
    let mut out = Vec::new();
    if let Ok(list) = dialog.query_selector_all(TABBABLE) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
                out.push(el);
            }
        }
    }
    out
}
