//! Focus management: move focus in on show, trap Tab while open, restore on close.

use wasm_bindgen::JsValue;

use super::super::js::{call_s, get};
use super::dom;

/// Elements Tab can reach inside the dialog, in document order. Radios that are not the
/// group's roving stop carry `tabindex="-1"` and are skipped, and so is the primary button
/// while disabled. Only what the dialog renders: its buttons (radios are buttons too), the
/// checkboxes and text fields (never disabled); the dialog's own `tabindex` is `-1`.
const TABBABLE: &str = "button:not([tabindex=\"-1\"]):not(:disabled),input,textarea";

/// The element focused in `doc` (or a shadow root), if any.
pub fn active(doc: &JsValue) -> Option<JsValue> {
    Some(get(doc, "activeElement")).filter(JsValue::is_object)
}

/// Gives focus back to `previous` if it is still in the document (`focus()` on an
/// element that left it does nothing).
pub fn restore(previous: Option<JsValue>) {
    if let Some(el) = previous {
        dom::focus(&el);
    }
}

/// Whether `el` is a field the visitor is typing into; focus is not taken from it.
pub fn is_typing(el: Option<&JsValue>) -> bool {
    let Some(el) = el else { return false };
    get(el, "isContentEditable").is_truthy()
        || call_s(el, "matches", &["input,textarea,select"]).is_truthy()
}

/// Focuses the first tabbable element inside `container`; false if there is none.
pub fn focus_first(container: &JsValue) -> bool {
    let first = dom::item(&dom::query_all(container, TABBABLE), 0);
    first.is_object() && dom::focus(&first)
}

/// Keeps Tab / Shift+Tab cycling inside `dialog`. Call on `keydown` of Tab in the root.
pub fn trap_tab(root: &JsValue, dialog: &JsValue, event: &JsValue) {
    let items = dom::query_all(dialog, TABBABLE);
    let Some(end) = dom::count(&items).checked_sub(1) else {
        prevent_default(event);
        return;
    };
    let (first, last) = (&dom::item(&items, 0), &dom::item(&items, end));
    let outside = active(root).is_none();
    let at = |el: &JsValue| call_s(el, "matches", &[":focus"]).is_truthy();
    let shift = get(event, "shiftKey").is_truthy();
    if shift && (at(first) || outside) {
        prevent_default(event);
        dom::focus(last);
    } else if !shift && (at(last) || outside) {
        prevent_default(event);
        dom::focus(first);
    }
}

/// `event.preventDefault()`.
pub fn prevent_default(event: &JsValue) {
    super::super::js::invoke(event, "preventDefault", &[]);
}
