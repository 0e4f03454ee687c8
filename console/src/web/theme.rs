//! Light and dark: the system's preference (`prefers-color-scheme`, in the style sheet)
//! unless the merchant chose with the toggle, kept in `localStorage` and applied as
//! `<html data-theme=…>` (by `boot.js` before the first paint, and here on toggling).

use wasm_bindgen::JsValue;

use super::dom::{document, Js};

const KEY: &str = "rapport-console-theme";

/// The theme in effect: the stored choice, else the system's.
pub fn current() -> &'static str {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(KEY).ok().flatten());
    match stored.as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => match system_dark() {
            true => "dark",
            false => "light",
        },
    }
}

fn system_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Switches to the other theme, stores it and applies it; returns the new one.
pub fn toggle() -> Js<&'static str> {
    let next = match current() {
        "dark" => "light",
        _ => "dark",
    };
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // A full or forbidden storage only loses the choice on reload.
        let _ = storage.set_item(KEY, next);
    }
    apply(next)?;
    Ok(next)
}

/// Sets `<html data-theme>`.
pub fn apply(theme: &str) -> Js<()> {
    document()?
        .document_element()
        .ok_or_else(|| JsValue::from_str("no root element"))?
        .set_attribute("data-theme", theme)
}
