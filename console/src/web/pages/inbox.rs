//! The inbox: not built yet in the skeleton.

use std::rc::Rc;

use crate::filter::InboxFilter;
use web_sys::Element;

use crate::web::app::App;
use crate::web::dom::Js;

/// Renders the inbox.
pub fn render(_app: &Rc<App>, main: &Element, _filter: &InboxFilter) -> Js<String> {
    super::not_built::render(main, "Inbox")
}
