//! Any other path under `/admin`, and the not-found view of a page whose record or site the
//! collector does not know ([`crate::missing`]).

use crate::missing::Missing;
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

/// Shows `missing` in `body` (the collector's message and a link back to `back`, labelled
/// `back_text`) and renames the page's `h1` and the document's title after it.
pub fn missing(
    main: &Element,
    body: &Element,
    missing: &Missing,
    what: &str,
    back: &str,
    back_text: &str,
) -> Js<()> {
    let heading = missing.heading(what);
    dom::document()?.set_title(&format!("{heading} · Rapport console"));
    if let Some(h1) = main.query_selector("h1")? {
        h1.set_text_content(Some(&heading));
    }
    dom::clear(body);
    let p = H::new("p")?
        .class("missing")
        .attr("role", "status")?
        .text(&missing.message())
        .el();
    body.append_child(&p)?;
    let link = H::new("a")?.attr("href", back)?.text(back_text);
    body.append_child(&H::new("p")?.with(link)?.el())?;
    Ok(())
}
