//! A page of the navigation whose part of the console is not built yet: says so honestly.

use web_sys::Element;

use crate::web::dom::{self, text_el, Js};

/// Renders "`title`: not built yet".
pub fn render(main: &Element, title: &str) -> Js<String> {
    dom::add(main, text_el("h1", title)?)?;
    dom::add(
        main,
        text_el(
            "p",
            "This page is not built yet: it comes with a later part of the console.",
        )?,
    )?;
    Ok(title.to_owned())
}
