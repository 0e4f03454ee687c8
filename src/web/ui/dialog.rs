//! The dialog: frame (title, close, progress, body, error, primary button), rendering of
//! a [`StepModel`] or [`ThanksModel`], and interpretation of raw DOM events into
//! [`Intent`]s for the controller. Pure view state (which radio is checked, whether the
//! "Other" field is open, the character counter) is handled here.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, Event, HtmlButtonElement, HtmlElement, HtmlInputElement, KeyboardEvent,
    ShadowRoot,
};

use crate::core::response::AnswerValue;

use super::control::Control;
use super::host::Host;
use super::model::{StepModel, ThanksModel};
use super::{checks, dom, focus, radios, text};

/// Id of the element naming the dialog.
pub(super) const TITLE_ID: &str = "rq";

/// How the dialog looks and reads, fixed for its lifetime.
pub struct Frame<'a> {
    /// CSP nonce for the `<style>` fallback.
    pub nonce: Option<&'a str>,
    /// Custom properties for the host.
    pub vars: &'a [(&'static str, String)],
    /// Dialog classes (position, colour mode).
    pub class: &'static str,
    /// BCP 47 tag of the texts.
    pub lang: &'a str,
    /// Right-to-left script.
    pub rtl: bool,
    /// Accessible name of the close button.
    pub close_label: &'a str,
}

/// What a DOM event means for the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Nothing for the controller (handled in the view, or not ours).
    None,
    /// The primary button: validate, then next question or submit.
    Next,
    /// Close button or Escape.
    Close,
}

/// The rendered dialog. Dropping it removes the host element.
pub struct View {
    doc: Document,
    host: Host,
    dialog: Element,
    title: Element,
    sub: Element,
    progress: Element,
    bar: Element,
    fill: HtmlElement,
    body: Element,
    error: Element,
    footer: Element,
    go: HtmlButtonElement,
    control: Control,
    rtl: bool,
}

impl View {
    /// Attaches the host and builds the empty frame.
    pub fn open(doc: &Document, frame: &Frame) -> Result<View, JsValue> {
        let vars: Vec<(&str, &str)> = frame.vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let host = Host::attach(doc, frame.nonce, &vars)?;
        let dialog = dom::el(doc, "div", frame.class)?;
        dom::attrs(
            &dialog,
            &[
                ("role", "dialog"),
                ("aria-modal", "true"),
                ("aria-labelledby", TITLE_ID),
                ("tabindex", "-1"),
                ("lang", frame.lang),
                ("dir", if frame.rtl { "rtl" } else { "ltr" }),
            ],
        )?;
        let header = dom::el(doc, "div", "hd")?;
        let heading = dom::el(doc, "div", "q")?;
        let title = dom::el(doc, "div", "")?;
        title.set_attribute("id", TITLE_ID)?;
        let sub = dom::el(doc, "div", "tb")?;
        heading.append_child(&title)?;
        heading.append_child(&sub)?;
        let close = dom::text_el(doc, "button", "x", "\u{00d7}")?;
        dom::attrs(
            &close,
            &[("type", "button"), ("aria-label", frame.close_label)],
        )?;
        header.append_child(&heading)?;
        header.append_child(&close)?;
        let progress = dom::el(doc, "div", "pg")?;
        let bar = dom::el(doc, "div", "bar")?;
        bar.set_attribute("aria-hidden", "true")?;
        let fill: HtmlElement = dom::typed(doc, "div", "fill")?;
        bar.append_child(&fill)?;
        let body = dom::el(doc, "div", "")?;
        let error = dom::el(doc, "div", "err")?;
        error.set_attribute("role", "alert")?;
        let footer = dom::el(doc, "div", "ft")?;
        let go: HtmlButtonElement = dom::typed(doc, "button", "go")?;
        go.set_attribute("type", "button")?;
        footer.append_child(&go)?;
        for part in [&header, &progress, &bar, &body, &error, &footer] {
            dialog.append_child(part)?;
        }
        host.root().append_child(&dialog)?;
        Ok(View {
            doc: doc.clone(),
            host,
            dialog,
            title,
            sub,
            progress,
            bar,
            fill,
            body,
            error,
            footer,
            go,
            control: Control::Nothing,
            rtl: frame.rtl,
        })
    }

    /// The shadow root, for event delegation.
    pub fn root(&self) -> &ShadowRoot {
        self.host.root()
    }

    /// The dialog element.
    pub fn dialog(&self) -> &Element {
        &self.dialog
    }

    /// Whether keyboard focus is inside the dialog.
    pub fn has_focus(&self) -> bool {
        self.root().active_element().is_some()
    }

    /// Moves focus to the answer control (the checked radio or the first one, the first
    /// checkbox, the text area), or to the first button when there is none.
    pub fn take_focus(&self) {
        if !focus::focus_first(&self.body) && !focus::focus_first(&self.dialog) {
            if let Some(dialog) = self.dialog.dyn_ref::<HtmlElement>() {
                let _ = dialog.focus();
            }
        }
    }

    /// Renders a question screen.
    pub fn show_step(&mut self, step: &StepModel) -> Result<(), JsValue> {
        let had_focus = self.has_focus();
        self.title.set_text_content(Some(&step.title));
        self.sub.set_text_content(None);
        self.progress.set_text_content(Some(&step.progress));
        let mut width = dom::num((step.fraction.clamp(0.0, 1.0) * 100.0) as i64);
        width.push('%');
        // The same setter as the host styles use: one JS binding instead of two.
        self.fill
            .style()
            .set_property_with_priority("width", &width, "")?;
        self.error.set_text_content(None);
        self.body.set_text_content(None);
        self.control = Control::build(&self.doc, &self.body, step)?;
        self.go.set_text_content(Some(&step.go));
        let _ = self.go.remove_attribute("disabled");
        self.set_chrome_visible(true);
        if had_focus {
            self.take_focus();
        }
        Ok(())
    }

    /// Renders the thank-you screen (no progress, no primary button).
    pub fn show_thanks(&mut self, thanks: &ThanksModel) {
        self.title.set_text_content(Some(&thanks.title));
        self.sub.set_text_content(thanks.body.as_deref());
        self.body.set_text_content(None);
        self.error.set_text_content(None);
        self.control = Control::Nothing;
        self.set_chrome_visible(false);
        // Focus stays reachable: the close button is the only tabbable element left.
        if self.has_focus() {
            self.take_focus();
        }
    }

    fn set_chrome_visible(&self, visible: bool) {
        for part in [&self.progress, &self.bar, &self.footer] {
            if visible {
                let _ = part.remove_attribute("hidden");
            } else {
                let _ = part.set_attribute("hidden", "");
            }
        }
    }

    /// Shows a validation message (announced: the region has `role="alert"`).
    pub fn show_error(&self, message: &str) {
        self.error.set_text_content(Some(message));
    }

    /// Disables the primary button while a submission is being recorded, so a double
    /// click or a held Enter sends once.
    pub fn set_busy(&self, busy: bool) {
        let had_focus = self.has_focus();
        // Through the attribute: `removeAttribute` / `setAttribute` are bound already.
        let _ = if busy {
            self.go.set_attribute("disabled", "")
        } else {
            self.go.remove_attribute("disabled")
        };
        // A disabled button drops focus to <body>; keep it in the dialog instead.
        if had_focus && !self.has_focus() {
            if let Some(dialog) = self.dialog.dyn_ref::<HtmlElement>() {
                let _ = dialog.focus();
            }
        }
    }

    /// The current answer, `None` when nothing is entered.
    pub fn value(&self) -> Option<AnswerValue> {
        self.control.value()
    }

    /// Interprets an event from the shadow root.
    pub fn handle(&mut self, event: &Event) -> Intent {
        match event.type_().as_str() {
            "click" => self.on_click(event),
            "keydown" => match event.dyn_ref::<KeyboardEvent>() {
                Some(key) => self.on_key(key),
                None => Intent::None,
            },
            "input" => {
                if let Control::Text {
                    area,
                    counter,
                    max_length,
                } = &self.control
                {
                    text::update_counter(area, counter, *max_length);
                }
                Intent::None
            }
            "change" => {
                self.on_change(event);
                Intent::None
            }
            _ => Intent::None,
        }
    }

    fn on_click(&mut self, event: &Event) -> Intent {
        let Some(button) = dom::closest(event.target(), "button") else {
            return Intent::None;
        };
        if button.class_list().contains("x") {
            return Intent::Close;
        }
        if button.class_list().contains("go") {
            return Intent::Next;
        }
        if let Some(index) = radios::index_of(&button) {
            self.select(index, false);
        }
        Intent::None
    }

    fn on_key(&mut self, event: &KeyboardEvent) -> Intent {
        match event.key().as_str() {
            "Escape" => return Intent::Close,
            "Tab" => {
                focus::trap_tab(self.host.root(), &self.dialog, event);
                return Intent::None;
            }
            _ => {}
        }
        let Some(radio) = dom::closest(event.target(), "[role=radio]") else {
            return Intent::None;
        };
        let (Some(at), Control::Radios { values, .. }) = (radios::index_of(&radio), &self.control)
        else {
            return Intent::None;
        };
        if let Some(to) = radios::key_target(event, at, values.len(), self.rtl) {
            event.prevent_default();
            self.select(to, true);
        }
        Intent::None
    }

    fn select(&mut self, index: usize, focus: bool) {
        if let Control::Radios {
            group,
            values,
            selected,
        } = &mut self.control
        {
            if index < values.len() {
                radios::select(group, index, focus);
                *selected = Some(index);
                self.error.set_text_content(None);
            }
        }
    }

    fn on_change(&mut self, event: &Event) {
        let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        self.error.set_text_content(None);
        if !checks::is_other(&target) {
            return;
        }
        if let Control::Checks {
            group,
            other_field,
            other_label,
            other_max,
        } = &mut self.control
        {
            let existing = other_field.take();
            *other_field = checks::toggle_other_field(
                &self.doc,
                group,
                target.checked(),
                existing,
                other_label,
                *other_max,
            )
            .ok()
            .flatten();
        }
    }
}
