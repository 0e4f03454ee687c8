//! Small typed helpers over web-sys for building the console's DOM. Text always goes in
//! through `textContent` (shopper text included): there is no way to set HTML here.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, EventTarget, HtmlElement};

/// DOM results.
pub type Js<T> = Result<T, JsValue>;

/// The page's document.
pub fn document() -> Js<Document> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

/// An element under construction.
pub struct H(pub Element);

impl H {
    /// A new `<tag>`.
    pub fn new(tag: &str) -> Js<H> {
        Ok(H(document()?.create_element(tag)?))
    }

    /// Sets its text (as text).
    pub fn text(self, text: &str) -> H {
        self.0.set_text_content(Some(text));
        self
    }

    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> Js<H> {
        self.0.set_attribute(name, value)?;
        Ok(self)
    }

    /// Sets the class list.
    pub fn class(self, class: &str) -> H {
        self.0.set_class_name(class);
        self
    }

    /// Appends a child.
    pub fn child(self, child: &Element) -> Js<H> {
        self.0.append_child(child)?;
        Ok(self)
    }

    /// Appends a child built by `H`.
    pub fn with(self, child: H) -> Js<H> {
        self.child(&child.0)
    }

    /// The element.
    pub fn el(self) -> Element {
        self.0
    }
}

/// `<tag>text</tag>`.
pub fn text_el(tag: &str, text: &str) -> Js<Element> {
    Ok(H::new(tag)?.text(text).el())
}

/// Removes every child of `el`.
pub fn clear(el: &Element) {
    el.set_text_content(None);
}

/// Listens to `event` on `target`; the listener ends when the returned value is dropped.
/// Not passive: handlers may call `preventDefault`.
pub fn listen(
    target: &EventTarget,
    event: &'static str,
    handler: impl FnMut(&Event) + 'static,
) -> EventListener {
    EventListener::new_with_options(
        target,
        event,
        EventListenerOptions::enable_prevent_default(),
        handler,
    )
}

/// Moves keyboard focus to `el` (made focusable by script only).
pub fn focus(el: &Element) -> Js<()> {
    if !el.has_attribute("tabindex") {
        el.set_attribute("tabindex", "-1")?;
    }
    el.dyn_ref::<HtmlElement>()
        .ok_or_else(|| JsValue::from_str("not an HTML element"))?
        .focus()
}

/// A labelled input: `<label>Label <input …></label>` wrapped in a field `<div>`;
/// returns the wrapper and the input.
pub fn field(
    label: &str,
    kind: &str,
    name: &str,
    autocomplete: &str,
) -> Js<(Element, web_sys::HtmlInputElement)> {
    let input: web_sys::HtmlInputElement = document()?.create_element("input")?.dyn_into()?;
    input.set_type(kind);
    input.set_name(name);
    input.set_id(&format!("f-{name}"));
    if !autocomplete.is_empty() {
        input.set_attribute("autocomplete", autocomplete)?;
    }
    let label = H::new("label")?
        .attr("for", &format!("f-{name}"))?
        .text(label);
    let wrap = H::new("div")?.class("field").with(label)?.child(&input)?;
    Ok((wrap.el(), input))
}

/// A `<button type=…>` with `text`.
pub fn button(text: &str, kind: &str) -> Js<Element> {
    Ok(H::new("button")?.attr("type", kind)?.text(text).el())
}

/// Appends `child` to `parent`.
pub fn add(parent: &Element, child: Element) -> Js<()> {
    parent.append_child(&child)?;
    Ok(())
}

/// A labelled `<select>` of `(value, label)` options, `selected` chosen; returns the field
/// wrapper and the select.
pub fn select(
    label: &str,
    id: &str,
    options: &[(&str, &str)],
    selected: Option<&str>,
) -> Js<(Element, web_sys::HtmlSelectElement)> {
    let select: web_sys::HtmlSelectElement = document()?.create_element("select")?.dyn_into()?;
    select.set_id(id);
    for (value, text) in options {
        add_option(&select, value, text)?;
    }
    if let Some(value) = selected {
        select.set_value(value);
    }
    let wrap = H::new("div")?
        .class("field")
        .with(H::new("label")?.attr("for", id)?.text(label))?
        .child(&select)?;
    Ok((wrap.el(), select))
}

/// Appends `<option value>text</option>` to `select`.
pub fn add_option(select: &web_sys::HtmlSelectElement, value: &str, text: &str) -> Js<()> {
    let option = H::new("option")?.attr("value", value)?.text(text).el();
    select.append_child(&option)?;
    Ok(())
}

/// A labelled checkbox: `<input type=checkbox> <label>` in a field wrapper.
pub fn checkbox(label: &str, id: &str, checked: bool) -> Js<(Element, web_sys::HtmlInputElement)> {
    let input: web_sys::HtmlInputElement = document()?.create_element("input")?.dyn_into()?;
    input.set_type("checkbox");
    input.set_id(id);
    input.set_checked(checked);
    let wrap = H::new("div")?
        .class("field check")
        .child(&input)?
        .with(H::new("label")?.attr("for", id)?.text(label))?;
    Ok((wrap.el(), input))
}

/// A labelled `<textarea>`.
pub fn textarea(label: &str, id: &str) -> Js<(Element, web_sys::HtmlTextAreaElement)> {
    let area: web_sys::HtmlTextAreaElement = document()?.create_element("textarea")?.dyn_into()?;
    area.set_id(id);
    area.set_rows(3);
    let wrap = H::new("div")?
        .class("field")
        .with(H::new("label")?.attr("for", id)?.text(label))?
        .child(&area)?;
    Ok((wrap.el(), area))
}
