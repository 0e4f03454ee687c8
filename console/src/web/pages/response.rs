//! One response of the inbox: not built yet in the skeleton.

use std::rc::Rc;

use web_sys::Element;

use crate::web::app::App;
use crate::web::dom::Js;

/// Renders one response.
pub fn render(_app: &Rc<App>, main: &Element, _site: &str, _id: &str) -> Js<String> {
    super::not_built::render(main, "Response")
}
