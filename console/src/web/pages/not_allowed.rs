//! An owner-only page opened by an agent.

use web_sys::Element;

use crate::web::dom::{self, text_el, Js};

/// Renders "Owners only".
pub fn render(main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Owners only")?)?;
    dom::add(
        main,
        text_el(
            "p",
            "This page is for the store's owners. Ask an owner if you need it.",
        )?,
    )?;
    Ok("Owners only".to_owned())
}
