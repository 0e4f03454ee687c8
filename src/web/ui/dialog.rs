//! The dialog: frame (title, close, progress, body, error, primary button), rendering of
//! a question or the thank-you screen, and interpretation of raw DOM events into
//! [`Intent`]s for the controller. Pure view state (which radio is checked, whether the
//! "Other" field is open, the character counter, the collapsed state) is handled here.
//!
//! Who opened the survey decides how it treats focus (the machine's `Effect::Open::modal`):
//! * **modal** — the shopper opened it (a feedback button, a `show` from a click): focus
//!   moves in, Tab is trapped inside, focus goes back on close.
//! * **non-modal** — a trigger opened it (delay, scroll, exit intent, event, page load):
//!   a popover (`aria-modal="false"`) announced through a polite live region, which
//!   leaves focus where it is, so that a key the shopper meant for the page (Enter on
//!   "Place order") still reaches the page. It is reachable from the keyboard in two ways:
//!   the shortcut [`SHORTCUT`] from anywhere in the page, and Tab from the element that had
//!   focus when it opened (the host sits at the end of `<body>`, so the dialog is made the
//!   next Tab stop after that element rather than moved in the page's DOM, where the page's
//!   transforms and stacking contexts would reach it). Shift+Tab from its first element
//!   goes back to that element; Tab from its last goes on to what follows that element.
//!
//! The minimise button collapses the dialog to a bar with the survey's title (the answer
//! given so far stays); the same button or the title opens it again. The state lasts as
//! long as the dialog, across questions.
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, HtmlElement, HtmlInputElement, KeyboardEvent, ShadowRoot};

use crate::core::branching::Progress;
use crate::core::response::AnswerValue;
use crate::core::survey::{Question, ThankYou};

use super::control::{self, Control, TITLE_ID};
use super::dom::{self, append, attr, attrs, el, flag, set_text};
use super::focus;
use super::host::Host;
use crate::core::i18n::Lang;
use crate::core::msg::int;

/// The keyboard shortcut that moves focus into a survey that did not take it, as
/// `aria-keyshortcuts` spells it: Alt+Shift+R (Option+Shift+R on a Mac). Browsers and the
/// common screen readers (NVDA, JAWS: Insert or Caps Lock; VoiceOver: Control+Option) leave
/// it free. Matched on the physical key, so it works on any keyboard layout.
pub const SHORTCUT: &str = "Alt+Shift+R";

/// What a DOM event means for the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Nothing for the controller (handled in the view, or not ours).
    None,
    /// The primary button: validate, then next question or submit.
    Next,
    /// The Back button: the previous question on the path taken.
    Back,
    /// Close button or Escape.
    Close,
}

/// The dialog element and the parts of its frame that change.
///
/// ```text
/// div.sr[role=status]                                   announcement (visually hidden)
/// div.d[role=dialog]
///   div.hd > (div > div.q#rq + div.tb) + button.mn + button.x
///                                                        title, thank-you body, minimise, close
///   div.pg + div.bar > div.fill                          progress text and bar
///   div.bd (body: the answer control; on the thank-you screen, the points earned)
///   div.err[role=alert]
///   div.ft > button.bk + button.go                       Back, Next / Submit
/// ```
struct Frame {
    dialog: Element,
    title: Element,
    minimise: Element,
    sub: Element,
    progress: Element,
    bar: Element,
    fill: Element,
    body: Element,
    error: Element,
    footer: Element,
    back: Element,
    go: Element,
}

impl Frame {
    /// Builds the frame inside `dialog`.
    fn build(doc: &Document, dialog: Element, lang: &Lang) -> Frame {
        let part = |parent: &Element, tag: &'static str, class: &str| {
            let e = el(doc, tag, class);
            append(parent, &e);
            e
        };
        let header = part(&dialog, "div", "hd");
        let heading = part(&header, "div", "");
        let title = part(&heading, "div", "q");
        attr(&title, "id", TITLE_ID);
        let sub = part(&heading, "div", "tb");
        let minimise = part(&header, "button", "mn");
        attrs(&minimise, &[("type", "button"), ("aria-expanded", "true")]);
        attr(&minimise, "aria-label", lang.s.minimise());
        let close = part(&header, "button", "x");
        attr(&close, "type", "button");
        set_text(&close, Some("\u{00d7}"));
        attr(&close, "aria-label", lang.s.close());
        let progress = part(&dialog, "div", "pg");
        let bar = part(&dialog, "div", "bar");
        attr(&bar, "aria-hidden", "true");
        let fill = part(&bar, "div", "fill");
        let body = part(&dialog, "div", "bd");
        let error = part(&dialog, "div", "err");
        attr(&error, "role", "alert");
        let footer = part(&dialog, "div", "ft");
        let back = part(&footer, "button", "bk");
        attr(&back, "type", "button");
        set_text(&back, Some(lang.s.back()));
        let go = part(&footer, "button", "go");
        attr(&go, "type", "button");
        Frame {
            dialog,
            title,
            minimise,
            sub,
            progress,
            bar,
            fill,
            body,
            error,
            footer,
            back,
            go,
        }
    }
}

/// The rendered dialog. Dropping it removes the host element.
pub struct View {
    host: Host,
    /// The dialog element and its frame.
    parts: Frame,
    control: Control,
    /// The question on screen (`None` on the thank-you screen).
    question: Option<Question>,
    /// The language of every text shown.
    pub lang: Lang,
    /// The shopper opened it: focus is moved in and trapped (see the module docs).
    modal: bool,
    /// Minimised to a bar with the title.
    collapsed: bool,
    /// The polite live region that announces a survey opened without focus, and the
    /// points a thank-you screen reports.
    status: Element,
    /// What had focus when the survey opened: given back on close, and the element the
    /// dialog is the next Tab stop after.
    previous: Option<Element>,
}

impl View {
    /// Attaches the host (with the custom properties `vars`) and builds the empty frame;
    /// `class` is the dialog's position and colour mode; `modal` when the shopper opened
    /// it (see the module docs).
    pub fn open(
        doc: &Document,
        nonce: Option<&str>,
        vars: &[(&str, &str)],
        class: &str,
        lang: Lang,
        modal: bool,
    ) -> Result<View, JsValue> {
        let host = Host::attach(doc, nonce, vars)?;
        let status = el(doc, "div", "sr");
        attrs(&status, &[("role", "status"), ("aria-live", "polite")]);
        append(host.root(), &status);
        let dialog = el(doc, "div", class);
        // A constant table (stored once, not built per call), then the ones that vary.
        attrs(
            &dialog,
            &[
                ("role", "dialog"),
                ("aria-labelledby", TITLE_ID),
                ("aria-keyshortcuts", SHORTCUT),
                ("tabindex", "-1"),
            ],
        );
        attr(&dialog, "aria-modal", if modal { "true" } else { "false" });
        attr(&dialog, "lang", &lang.tag);
        attr(&dialog, "dir", if lang.rtl() { "rtl" } else { "ltr" });
        let parts = Frame::build(doc, dialog, &lang);
        append(host.root(), &parts.dialog);
        let view = View {
            host,
            parts,
            control: Control::Nothing,
            question: None,
            lang,
            modal,
            collapsed: false,
            status,
            previous: doc.active_element(),
        };
        view.fit();
        Ok(view)
    }

    /// Whether the shopper opened it (focus moved in and trapped).
    pub fn is_modal(&self) -> bool {
        self.modal
    }

    /// What had focus when the survey opened.
    pub fn previous(&self) -> Option<&Element> {
        self.previous.as_ref()
    }

    /// Keeps the dialog over the part of the page on screen (see [`Host::fit`]).
    pub fn fit(&self) {
        if let Some(view) = crate::web::env::visual_viewport() {
            self.host.fit(&view);
        }
    }

    /// Announces the survey on screen and how to reach it (a survey that did not take
    /// focus): its title and the shortcut, in the polite live region.
    pub fn announce(&self) {
        let mut text = self.parts.title.text_content().unwrap_or_default();
        text.push(' ');
        text.push_str(self.lang.s.shortcut());
        set_text(&self.status, Some(&text));
    }

    /// Gives focus back to what had it when the survey opened, if the survey holds it.
    pub fn give_back_focus(&self) {
        if self.has_focus() {
            focus::restore(self.previous.clone());
        }
    }

    /// The shadow root, for event delegation.
    pub fn root(&self) -> &ShadowRoot {
        self.host.root()
    }

    /// Whether keyboard focus is inside the dialog.
    pub fn has_focus(&self) -> bool {
        focus::active_in(self.root()).is_some()
    }

    /// Moves focus to the answer control (the checked radio or the first one, the first
    /// checkbox, the text area), or to the first button when there is none. A collapsed
    /// dialog opens first.
    pub fn take_focus(&mut self) {
        self.set_collapsed(false);
        if !focus::focus_first(&self.parts.body) && !focus::focus_first(&self.parts.dialog) {
            dom::focus(&self.parts.dialog);
        }
    }

    /// Renders `question` at `progress` along the path, with the `answer` given to it
    /// earlier (the shopper came back to it) and, when `back`, a Back button.
    pub fn show_question(
        &mut self,
        question: &Question,
        progress: Progress,
        answer: Option<&AnswerValue>,
        back: bool,
    ) {
        let had_focus = self.has_focus();
        let s = &self.lang.s;
        let title = self.lang.text(&question.text);
        set_text(&self.parts.title, Some(title));
        set_text(&self.parts.sub, None);
        set_text(
            &self.parts.progress,
            Some(&s.progress(progress.current, progress.total)),
        );
        // No clamping: the fraction is never negative, and the bar (`overflow:hidden`)
        // clips a fill wider than it.
        let mut width = int((progress.fraction() * 100.0) as i64);
        width.push('%');
        if let Some(fill) = self.parts.fill.dyn_ref::<HtmlElement>() {
            let _ = fill.style().set_property("width", &width);
        }
        set_text(&self.parts.error, None);
        set_text(&self.parts.body, None);
        self.control = Control::build(&self.parts.body, question, title, &self.lang, answer);
        self.question = Some(question.clone());
        let last = progress.current >= progress.total;
        set_text(
            &self.parts.go,
            Some(if last { s.submit() } else { s.next() }),
        );
        flag(&self.parts.go, "disabled", false);
        self.set_chrome_visible(true);
        flag(&self.parts.back, "hidden", !back);
        if had_focus {
            self.take_focus();
        }
    }

    /// Renders the thank-you screen (no progress, no primary button).
    pub fn show_thanks(&mut self, thank_you: &ThankYou) {
        let s = &self.lang.s;
        set_text(
            &self.parts.title,
            Some(self.lang.or(thank_you.title.as_ref(), s.thank_you_title())),
        );
        set_text(
            &self.parts.sub,
            Some(self.lang.or(thank_you.body.as_ref(), s.thank_you_body())),
        );
        set_text(&self.parts.body, None);
        set_text(&self.parts.error, None);
        self.control = Control::Nothing;
        self.question = None;
        self.set_chrome_visible(false);
        // Focus stays reachable: the close button is the only tabbable element left.
        if self.has_focus() {
            self.take_focus();
        }
    }

    /// Adds `line` (the points the answer earned) under the thank-you text, and announces
    /// it in the polite live region.
    pub fn show_earned(&self, line: &str) {
        set_text(&self.parts.body, Some(line));
        set_text(&self.status, Some(line));
    }

    fn set_chrome_visible(&self, visible: bool) {
        // Nothing to minimise on the thank-you screen (it closes by itself).
        flag(&self.parts.minimise, "hidden", !visible);
        flag(&self.parts.progress, "hidden", !visible);
        flag(&self.parts.bar, "hidden", !visible);
        flag(&self.parts.footer, "hidden", !visible);
    }

    /// Shows a validation message (announced: the region has `role="alert"`).
    pub fn show_error(&self, message: Option<&str>) {
        set_text(&self.parts.error, message);
    }

    /// Disables the primary button while a submission is being recorded, so a double
    /// click or a held Enter sends once.
    pub fn set_busy(&self, busy: bool) {
        let had_focus = self.has_focus();
        flag(&self.parts.go, "disabled", busy);
        // A disabled button drops focus to <body>; keep it in the dialog instead.
        if had_focus && !self.has_focus() {
            dom::focus(&self.parts.dialog);
        }
    }

    /// The current answer to the question on screen, `None` when nothing is entered.
    pub fn answer(&self) -> Option<AnswerValue> {
        self.control.value(self.question.as_ref()?)
    }

    /// Interprets an event (of type `kind`) from the shadow root.
    pub fn handle(&mut self, event: &Event) -> Intent {
        let target = event.target();
        let target = target.as_ref();
        match event.type_().as_str() {
            "click" => {
                let Some(button) = dom::closest(target, "button") else {
                    // The title of the collapsed bar opens it again.
                    if self.collapsed && dom::closest(target, ".hd").is_some() {
                        self.set_collapsed(false);
                    }
                    return Intent::None;
                };
                match button.class_name().as_str() {
                    "x" => return Intent::Close,
                    "go" => return Intent::Next,
                    "mn" => self.set_collapsed(!self.collapsed),
                    "bk" => return Intent::Back,
                    _ => {}
                }
                if let Some(index) = control::index_of(Some(button.as_ref())) {
                    self.select(index, false);
                }
            }
            "keydown" => {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                    return Intent::None;
                };
                let key = event.key();
                match key.as_str() {
                    "Escape" => return Intent::Close,
                    "Tab" => self.tab(event),
                    _ => {
                        // Radios hold text only: a key on one targets the radio itself.
                        let at = control::index_of(target);
                        let to =
                            at.and_then(|at| self.control.key_target(&key, at, self.lang.rtl()));
                        if let Some(to) = to {
                            event.prevent_default();
                            self.select(to, true);
                        }
                    }
                }
            }
            "input" => self.control.update_counter(),
            "change" => {
                if let Some(input) = dom::closest(target, "input") {
                    self.show_error(None);
                    if control::is_other(&input) {
                        let checked = input
                            .dyn_ref::<HtmlInputElement>()
                            .is_some_and(HtmlInputElement::checked);
                        let label = self.lang.s.other();
                        self.control.toggle_other(checked, label);
                    }
                }
            }
            _ => {}
        }
        Intent::None
    }

    /// A keydown in the page outside the dialog (a listener on the document): the shortcut,
    /// or Tab from the element that had focus when a non-modal survey opened.
    pub fn page_key(&mut self, event: &KeyboardEvent) {
        // Keys pressed inside (where focus is) reach the document too.
        if self.has_focus() {
            return;
        }
        let shortcut = event.alt_key()
            && event.shift_key()
            && !event.ctrl_key()
            && !event.meta_key()
            && event.code() == "KeyR";
        let tab_in = !self.modal
            && event.key() == "Tab"
            && !event.shift_key()
            && self
                .previous_in_page()
                .is_some_and(|previous| previous.matches(":focus").unwrap_or(false));
        if shortcut || tab_in {
            event.prevent_default();
            self.take_focus();
        }
    }

    /// Tab inside the dialog: trapped when modal; otherwise Shift+Tab from the first element
    /// goes back to the element the dialog follows, and Tab from the last one goes on from
    /// that element (its default action then runs from there).
    fn tab(&self, event: &KeyboardEvent) {
        let scope = &self.parts.dialog;
        if self.modal {
            return focus::trap_tab(self.root(), scope, event);
        }
        let Some(previous) = self.previous_in_page() else {
            return;
        };
        let back = event.shift_key();
        if focus::edge(scope, back) == Some(true) {
            if back {
                event.prevent_default();
            }
            dom::focus(previous);
        }
    }

    /// The element that had focus when the survey opened, if focus can go back to it: still
    /// in the page, and not its `<body>`.
    fn previous_in_page(&self) -> Option<&Element> {
        self.previous
            .as_ref()
            .filter(|previous| previous.is_connected() && !previous.matches("body").unwrap_or(true))
    }

    /// Minimises the dialog to a bar with its title, or opens it again.
    fn set_collapsed(&mut self, collapsed: bool) {
        if self.collapsed == collapsed {
            return;
        }
        self.collapsed = collapsed;
        flag(&self.parts.dialog, "data-min", collapsed);
        let s = &self.lang.s;
        attrs(
            &self.parts.minimise,
            &[
                ("aria-expanded", if collapsed { "false" } else { "true" }),
                (
                    "aria-label",
                    if collapsed { s.expand() } else { s.minimise() },
                ),
            ],
        );
    }

    fn select(&mut self, index: usize, focus: bool) {
        if self.control.select(index, focus) {
            self.show_error(None);
        }
    }
}
