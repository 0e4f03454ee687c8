//! Any other path under `/admin`.

use crate::route::ROOT;
use web_sys::Element;

use crate::web::dom::{self, text_el, Js, H};

/// Renders "Page not found" with a link to the inbox.
pub fn render(main: &Element) -> Js<String> {
    dom::add(main, text_el("h1", "Page not found")?)?;
    let link = H::new("a")?
        .attr("href", &format!("{ROOT}/inbox"))?
        .text("Go to the inbox");
    let p = H::new("p")?
        .text("There is no console page at this address. ")
        .with(link)?;
    main.append_child(&p.el())?;
    Ok("Page not found".to_owned())
}
