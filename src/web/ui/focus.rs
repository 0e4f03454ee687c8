//! Focus management: move focus in, trap Tab in a modal survey, find the edges of the Tab
//! order of a non-modal one, restore on close.

use crate::prelude::*;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, ShadowRoot};

use super::dom;

/// Elements Tab can reach inside the dialog, in document order. Radios that are not the
/// group's roving stop carry `tabindex="-1"` and are skipped, and so is the primary button
/// while disabled. Only what the dialog renders: its buttons (radios are buttons too), the
/// checkboxes and text fields (never disabled); the dialog's own `tabindex` is `-1`. Not
/// what is not rendered: a hidden part (the thank-you screen's progress, footer and
/// minimise button) and, in a collapsed dialog, all but its heading.
const TABBABLE: &str = concat!(
    "button:not([tabindex=\"-1\"]):not(:disabled)",
    ":not([hidden],[hidden] *,[data-min]>:not(.hd) *),",
    "input:not([hidden],[hidden] *,[data-min]>:not(.hd) *),",
    "textarea:not([hidden],[hidden] *,[data-min]>:not(.hd) *)"
);

/// The element focused inside the shadow root, if any.
pub fn active_in(root: &ShadowRoot) -> Option<Element> {
    root.active_element()
}

/// Gives focus back to `previous` if it is still in the document (`focus()` on an
/// element that left it does nothing).
pub fn restore(previous: Option<Element>) {
    if let Some(el) = previous {
        dom::focus(&el);
    }
}

/// Whether `el` is a field the visitor is typing into; focus is not taken from it.
pub fn is_typing(el: Option<&Element>) -> bool {
    let Some(el) = el else { return false };
    el.dyn_ref::<HtmlElement>()
        .is_some_and(HtmlElement::is_content_editable)
        || el.matches("input,textarea,select").unwrap_or(false)
}

/// The elements Tab can reach inside `container`, in order (see [`TABBABLE`]).
fn tabbable(container: &Element) -> Vec<Element> {
    dom::query_all(container, TABBABLE)
}

/// Focuses the first tabbable element inside `container`; false if there is none.
pub fn focus_first(container: &Element) -> bool {
    tabbable(container).first().is_some_and(dom::focus)
}

/// Whether focus is on the first (`first`) or the last tabbable element of `container`;
/// `None` when it has none.
pub fn edge(container: &Element, first: bool) -> Option<bool> {
    let items = tabbable(container);
    let end = if first { items.first() } else { items.last() }?;
    Some(end.matches(":focus").unwrap_or(false))
}

/// Keeps Tab / Shift+Tab cycling inside `dialog`. Call on `keydown` of Tab in the root.
pub fn trap_tab(root: &ShadowRoot, dialog: &Element, event: &KeyboardEvent) {
    let items = tabbable(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        event.prevent_default();
        return;
    };
    let outside = active_in(root).is_none();
    let at = |el: &Element| el.matches(":focus").unwrap_or(false);
    if event.shift_key() && (at(first) || outside) {
        event.prevent_default();
        dom::focus(last);
    } else if !event.shift_key() && (at(last) || outside) {
        event.prevent_default();
        dom::focus(first);
    }
}
