//! One response of the inbox: the answer's own view is not built yet in the skeleton; its
//! follow-ups and the reply composer are ([`super::followup_composer`]).

use std::rc::Rc;

use web_sys::Element;

use crate::web::app::App;
use crate::web::dom::Js;

/// Renders one response.
pub fn render(app: &Rc<App>, main: &Element, site: &str, id: &str) -> Js<String> {
    let title = super::not_built::render(main, "Response")?;
    super::followup_composer::render(app, main, site, id)?;
    Ok(title)
}
