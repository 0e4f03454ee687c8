//! The dialog: frame (title, close, progress, body, error, primary button), rendering of
//! a [`StepModel`] or [`ThanksModel`], and interpretation of raw DOM events into
//! [`Intent`]s for the controller. Pure view state (which radio is checked, whether the
//! "Other" field is open, the character counter) is handled here.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, Event, HtmlButtonElement, HtmlElement, HtmlInputElement,
    HtmlTextAreaElement, KeyboardEvent, ShadowRoot,
};

use crate::core::response::{AnswerValue, MultipleChoice};

use super::host::Host;
use super::model::{ControlModel, StepModel, ThanksModel};
use super::{checks, dom, focus, radios, text};

/// Id of the element naming the dialog.
const TITLE_ID: &str = "rq";
/// Id of the scale end labels, describing a radio group.
const ENDS_ID: &str = "re";

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

enum Control {
    Radios {
        group: Element,
        values: Vec<AnswerValue>,
        selected: Option<usize>,
    },
    Checks {
        group: Element,
        other_field: Option<HtmlInputElement>,
        other_label: String,
        other_max: u32,
    },
    Text {
        area: HtmlTextAreaElement,
        counter: Element,
        max_length: u32,
    },
    Nothing,
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
        title.set_id(TITLE_ID);
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
        go.set_type("button");
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
        self.fill.style().set_property("width", &width)?;
        self.error.set_text_content(None);
        self.body.set_text_content(None);
        self.control = self.build_control(step)?;
        self.go.set_text_content(Some(&step.go));
        self.go.set_disabled(false);
        self.set_chrome_visible(true);
        if had_focus {
            self.take_focus();
        }
        Ok(())
    }

    fn build_control(&self, step: &StepModel) -> Result<Control, JsValue> {
        let doc = &self.doc;
        Ok(match &step.control {
            ControlModel::Radios {
                class,
                items,
                values,
                low,
                high,
            } => {
                let group = radios::build(doc, class, TITLE_ID, step.required, items)?;
                self.body.append_child(&group)?;
                if low.is_some() || high.is_some() {
                    let ends = dom::el(doc, "div", "ends")?;
                    ends.set_id(ENDS_ID);
                    for label in [low, high] {
                        let span = dom::text_el(doc, "span", "", label.as_deref().unwrap_or(""))?;
                        ends.append_child(&span)?;
                    }
                    self.body.append_child(&ends)?;
                    group.set_attribute("aria-describedby", ENDS_ID)?;
                }
                Control::Radios {
                    group,
                    values: values.clone(),
                    selected: None,
                }
            }
            ControlModel::Checks {
                options,
                other,
                other_max,
            } => {
                let pairs: Vec<(&str, &str)> = options
                    .iter()
                    .map(|(i, l)| (i.as_str(), l.as_str()))
                    .collect();
                let group = checks::build(doc, TITLE_ID, &pairs, other.as_deref())?;
                self.body.append_child(&group)?;
                Control::Checks {
                    group,
                    other_field: None,
                    other_label: other.clone().unwrap_or_default(),
                    other_max: *other_max,
                }
            }
            ControlModel::Text {
                max_length,
                placeholder,
            } => {
                let (wrapper, area, counter) = text::build(
                    doc,
                    TITLE_ID,
                    step.required,
                    *max_length,
                    placeholder.as_deref(),
                )?;
                self.body.append_child(&wrapper)?;
                Control::Text {
                    area,
                    counter,
                    max_length: *max_length,
                }
            }
        })
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
        self.go.set_disabled(busy);
    }

    /// The current answer, `None` when nothing is entered.
    pub fn value(&self) -> Option<AnswerValue> {
        match &self.control {
            Control::Radios {
                values, selected, ..
            } => selected.and_then(|i| values.get(i).cloned()),
            Control::Checks {
                group, other_field, ..
            } => {
                let (choices, other_checked) = checks::checked(group);
                let other = other_field
                    .as_ref()
                    .filter(|_| other_checked)
                    .map(|f| f.value())
                    .filter(|v| !v.trim().is_empty());
                if choices.is_empty() && other.is_none() {
                    None
                } else {
                    Some(AnswerValue::Choices(MultipleChoice { choices, other }))
                }
            }
            Control::Text { area, .. } => {
                let value = area.value();
                if value.trim().is_empty() {
                    None
                } else {
                    Some(AnswerValue::Text(value))
                }
            }
            Control::Nothing => None,
        }
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
