//! Page signals and trigger evaluation: scroll depth, exit intent, `online`, and the single
//! delay timer. The core decides what is due ([`due`], [`next_wakeup_ms`]) and whether the
//! visitor may see it ([`eligible`]); this module only feeds it facts.

use crate::prelude::*;

use wasm_bindgen::JsCast;
use web_sys::{EventTarget, MouseEvent};

use crate::core::throttle::{eligible, visitor_bucket};
use crate::core::trigger::{due, next_wakeup_ms};

use super::super::listener::Listener;
use super::super::regex::JsRegex;
use super::super::timer::Timeout;
use super::super::{env, log};
use super::{with_app, App};

/// Listeners and the pending delay timer; dropping it stops watching.
#[derive(Default)]
pub struct Watch {
    listeners: Vec<Listener>,
    delay: Option<Timeout>,
}

impl App {
    /// Starts listening to the page: scroll (passive), exit intent, `online`.
    pub(super) fn watch_page(&mut self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let window_target: &EventTarget = window.as_ref();
        let mut listeners = Vec::new();
        let weak = self.me.clone();
        listeners.push(Listener::new(window_target, "scroll", true, move |_| {
            with_app(&weak, |app| app.on_scroll());
        }));
        let weak = self.me.clone();
        listeners.push(Listener::new(window_target, "online", true, move |_| {
            with_app(&weak, |app| app.retry_now());
        }));
        if let Some(doc) = window.document() {
            let weak = self.me.clone();
            listeners.push(Listener::new(
                doc.as_ref(),
                "mouseout",
                true,
                move |event| {
                    // Exit intent: the pointer leaves the document through the top edge
                    // (towards the tab bar or the address bar).
                    let Some(mouse) = event.dyn_ref::<MouseEvent>() else {
                        return;
                    };
                    if mouse.related_target().is_none() && mouse.client_y() <= 0 {
                        with_app(&weak, |app| app.on_exit_intent());
                    }
                },
            ));
        }
        self.watch.listeners = listeners;
    }

    fn on_scroll(&mut self) {
        let percent = env::scroll_percent();
        // Evaluating on every scroll event is wasteful; only a new maximum can fire a
        // scroll trigger.
        if percent >= self.signals.scroll_percent + 1.0
            || (percent >= 100.0 && self.signals.scroll_percent < 100.0)
        {
            self.signals.scroll_percent = percent;
            self.evaluate();
        }
    }

    fn on_exit_intent(&mut self) {
        if !self.signals.exit_intent {
            self.signals.exit_intent = true;
            self.evaluate();
        }
    }

    /// A new page view (SPA navigation): fresh signals, pending delay cancelled, triggers
    /// re-evaluated against the new URL.
    pub(super) fn navigate(&mut self) {
        self.nav_at = env::perf_now();
        self.signals.events.clear();
        self.signals.exit_intent = false;
        self.signals.manual = None;
        self.signals.scroll_percent = 0.0;
        self.shown_here.clear();
        self.watch.delay = None;
        self.evaluate();
    }

    /// Shows the first survey that is due and allowed, and re-arms the delay timer.
    pub(super) fn evaluate(&mut self) {
        self.watch.delay = None;
        let Some(config) = &self.config else { return };
        let now = env::now_ms();
        self.signals.url = env::href();
        self.signals.ms_since_navigation = (env::perf_now() - self.nav_at).max(0.0);
        if self.signals.scroll_percent == 0.0 {
            self.signals.scroll_percent = env::scroll_percent();
        }
        let manual = self.signals.manual.take();
        let mut skip: Vec<String> = self.shown_here.clone();
        let mut pick: Option<String> = None;
        if self.session.is_none() {
            let mut signals = self.signals.clone();
            signals.manual.clone_from(&manual);
            for id in due(config, &signals, &JsRegex) {
                let Some(survey) = config.survey(id) else {
                    continue;
                };
                let asked = manual.as_deref() == Some(id);
                if !asked && self.shown_here.iter().any(|s| s == id) {
                    continue;
                }
                let bucket = visitor_bucket(&self.visitor.id, id);
                match eligible(survey, config.cooldown_days, &self.throttle, now, bucket) {
                    Ok(()) => {
                        pick = Some(String::from(id));
                        break;
                    }
                    Err(why) => {
                        if asked {
                            log::warn(&["show: survey \"", id, "\" not shown: ", &why.text()]);
                        }
                        skip.push(String::from(id));
                    }
                }
            }
        }
        if let Some(id) = manual {
            if config.survey(&id).is_none() {
                log::warn(&["show: unknown survey \"", &id, "\""]);
            }
        }
        if let Some(id) = pick {
            self.open_survey(&id);
            return;
        }
        // One timer for the nearest pending delay trigger; while a survey is open there is
        // nothing to wait for (closing re-evaluates).
        if self.session.is_some() {
            return;
        }
        let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
        if let Some(wait) = next_wakeup_ms(config, &self.signals, &JsRegex, &skip) {
            self.watch.delay = Some(self.timer(wait + 1.0, |app| app.evaluate()));
        }
    }
}
