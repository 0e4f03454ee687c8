//! Downloads made in the page: text (a CSV built by [`crate::csv`]) handed to the browser as
//! a file, through a `Blob` URL and a temporary `<a download>` (allowed by the console's CSP:
//! no request leaves the page).

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use super::dom::{document, Js};

/// Offers `text` as the file `name` of type `mime`.
pub fn text(name: &str, mime: &str, text: &str) -> Js<()> {
    let (link, url) = link(name, mime, text)?;
    link.click();
    Url::revoke_object_url(&url)
}

/// The `<a download>` of `text` and its `Blob` URL (to revoke once clicked).
pub(crate) fn link(name: &str, mime: &str, text: &str) -> Js<(HtmlAnchorElement, String)> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let link: HtmlAnchorElement = document()?.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    Ok((link, url))
}
