//! Carrying out the machine's effects: the dialog, timers, requests, events and console.

use js_sys::JSON;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::machine::{Effect, Event, Timer};

use super::super::listener::Listeners;
use super::super::ui::dialog::View;
use super::super::ui::{focus, theme};
use super::super::{env, locales, log, transport};
use super::{
    object, App, Shown, DELAY, IMPRESSION, NO_STRINGS, RETRY, SENT, STRINGS, STRINGS_WAIT, THANKS,
};

/// The shadow root's events the view interprets.
const UI_EVENTS: &[&str] = &["click", "keydown", "input", "change"];

/// The slot of `timer` in [`App::timers`] and the tag it dispatches.
fn slot(timer: Timer) -> (usize, u8) {
    match timer {
        Timer::Delay => (0, DELAY),
        Timer::Retry => (1, RETRY),
        Timer::Thanks => (2, THANKS),
        Timer::Strings => (3, STRINGS_WAIT),
    }
}

impl App {
    /// Carries out one effect.
    pub(super) fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Open {
                theme: t,
                lang,
                modal,
            } => {
                let Some(doc) = env::document() else { return };
                let vars = theme::host_vars(&t);
                let class = theme::dialog_class(&t);
                let view = match View::open(
                    &doc,
                    self.options.nonce.as_deref(),
                    &vars,
                    &class,
                    *lang,
                    modal,
                ) {
                    Ok(view) => view,
                    Err(err) => {
                        log::warn(&["could not show the survey: ", &log::js_text(&err)]);
                        return;
                    }
                };
                let mut listeners = Listeners::new(&self.handler);
                for kind in UI_EVENTS {
                    listeners.add(view.root(), kind);
                }
                // The shortcut and the Tab into a survey that did not take focus.
                listeners.add(&doc, "keydown");
                if let Some(visual) = env::visual_viewport() {
                    listeners.add(visual.unchecked_ref(), "resize");
                    listeners.add(visual.unchecked_ref(), "scroll");
                }
                self.shown = Some(Shown {
                    _listeners: listeners,
                    view,
                    fresh: true,
                });
            }
            Effect::Question {
                question,
                progress,
                answer,
                back,
            } => {
                if let Some(shown) = &mut self.shown {
                    shown
                        .view
                        .show_question(&question, progress, answer.as_ref(), back);
                    // The first question of a survey the shopper opened takes focus (later
                    // ones keep it where it was, see `show_question`); one opened by a
                    // trigger is announced and leaves focus where it is.
                    if ::core::mem::take(&mut shown.fresh) {
                        // Not even the shopper's survey takes focus from a field they are
                        // typing in (a `show` may come within the few seconds a key press
                        // leaves the page's user activation on).
                        if shown.view.is_modal() && !focus::is_typing(shown.view.previous()) {
                            shown.view.take_focus();
                        } else {
                            shown.view.announce();
                        }
                    }
                }
            }
            Effect::Invalid(message) => {
                if let Some(shown) = &self.shown {
                    shown.view.show_error(Some(&message));
                }
            }
            Effect::Busy => {
                if let Some(shown) = &self.shown {
                    shown.view.set_busy(true);
                }
            }
            Effect::Thanks(thank_you) => {
                if let Some(shown) = &mut self.shown {
                    shown.view.show_thanks(&thank_you);
                }
            }
            Effect::Earned(line) => {
                if let Some(shown) = &self.shown {
                    shown.view.show_earned(&line);
                }
            }
            Effect::Close => {
                if let Some(shown) = self.shown.take() {
                    shown.view.give_back_focus();
                }
            }
            Effect::Post(body) => self.post("/v1/responses", &body, SENT),
            // Fire and forget: its outcome comes back with a tag no input is made of.
            Effect::Impression(body) => self.post("/v1/impressions", &body, IMPRESSION),
            Effect::SetTimer(timer, ms) => {
                let (at, tag) = slot(timer);
                self.timers[at] = Some(self.timer(ms, tag));
            }
            Effect::ClearTimer(timer) => self.timers[slot(timer).0] = None,
            Effect::Emit(event) => {
                let (name, detail) = match event {
                    Event::Show { survey } => ("show", object(&[("survey", survey.into())])),
                    Event::Submit { survey, response } => (
                        "submit",
                        object(&[
                            ("survey", survey.into()),
                            ("response", JSON::parse(&response).unwrap_or(JsValue::NULL)),
                        ]),
                    ),
                    Event::Close { survey, completed } => (
                        "close",
                        object(&[("survey", survey.into()), ("completed", completed.into())]),
                    ),
                    Event::Delivered { id } => ("delivered", object(&[("id", id.into())])),
                };
                self.emit(name, detail);
            }
            Effect::LoadStrings(locale) => {
                let tags = [STRINGS, NO_STRINGS];
                locales::fetch(
                    self.options.locales.as_ref(),
                    locale.tag(),
                    &self.handler,
                    tags,
                )
            }
            Effect::Warn(message) => log::warn(&[&message]),
            Effect::Error(message) => log::error(&[&message]),
        }
    }

    /// POSTs `body` as JSON to the collector's `path`; the outcome comes back with `tag`.
    fn post(&self, path: &str, body: &str, tag: u8) {
        let mut url = self.options.endpoint.clone();
        url.push_str(path);
        transport::post_json(&url, body, &self.handler, tag);
    }
}
