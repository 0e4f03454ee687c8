//! Page signals and trigger evaluation: scroll depth, exit intent, `online`, and the single
//! delay timer. The core decides what is due ([`due`], [`next_wakeup_ms`]) and whether the
//! visitor may see it ([`eligible`]); this module only feeds it facts.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, MouseEvent};

use crate::core::throttle::{eligible, visitor_bucket};
use crate::core::trigger::{due, next_wakeup_ms};

use super::super::listener::Listeners;
use super::super::regex::JsRegex;
use super::super::timer::Timeout;
use super::super::{env, log};
use super::{App, DELAY};

/// Listeners and the pending delay timer; dropping it stops watching.
#[derive(Default)]
pub struct Watch {
    listeners: Option<Listeners>,
    delay: Option<Timeout>,
}

impl App {
    /// Starts listening to the page: scroll, exit intent, `online`.
    #[inline(never)]
    pub(super) fn watch_page(&mut self) {
        let mut listeners = Listeners::new(&self.handler);
        if let Some(window) = env::window() {
            listeners.add(&window, "scroll");
            listeners.add(&window, "online");
        }
        if let Some(document) = env::document() {
            listeners.add(&document, "mouseout");
        }
        self.watch.listeners = Some(listeners);
    }

    /// A DOM event: page signals, or the survey's own.
    #[inline(never)]
    pub(super) fn on_event(&mut self, event: &JsValue) {
        let Some(event) = event.dyn_ref::<Event>() else {
            return;
        };
        match event.type_().as_str() {
            "scroll" => self.on_scroll(),
            "online" => self.retry_now(),
            // Exit intent: the pointer leaves the document through the top edge (towards
            // the tab bar or the address bar).
            "mouseout" => {
                if let Some(event) = event.dyn_ref::<MouseEvent>() {
                    if event.related_target().is_none() && event.client_y() <= 0 {
                        self.on_exit_intent();
                    }
                }
            }
            _ => self.on_ui(event),
        }
    }

    #[inline(never)]
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
    #[inline(never)]
    pub(super) fn navigate(&mut self) {
        self.options.nav_at = env::perf_now();
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
        self.signals.ms_since_navigation = (env::perf_now() - self.options.nav_at).max(0.0);
        if self.signals.scroll_percent == 0.0 {
            self.signals.scroll_percent = env::scroll_percent();
        }
        // Filled by a loop: `collect` costs more in the wasm.
        let mut skip: Vec<&str> = Vec::new();
        for id in &self.shown_here {
            skip.push(id);
        }
        let mut pick: Option<String> = None;
        let manual = self.signals.manual.as_deref();
        if self.session.is_none() {
            for id in due(config, &self.signals, &JsRegex) {
                let Some(survey) = config.survey(id) else {
                    continue;
                };
                let asked = manual == Some(id);
                // `skip` holds the surveys shown here (and those found ineligible, which
                // `due` does not list twice).
                if !asked && skip.contains(&id) {
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
                        skip.push(id);
                    }
                }
            }
        }
        if let Some(id) = manual {
            if config.survey(id).is_none() {
                log::warn(&["show: unknown survey \"", id, "\""]);
            }
        }
        // One timer for the nearest pending delay trigger; while a survey is open there is
        // nothing to wait for (closing re-evaluates).
        let wait = match (&pick, &self.session) {
            (None, None) => next_wakeup_ms(config, &self.signals, &JsRegex, &skip),
            _ => None,
        };
        // A manual request is answered once.
        self.signals.manual = None;
        if let Some(id) = pick {
            self.open_survey(&id);
        } else if let Some(wait) = wait {
            self.watch.delay = Some(self.timer(wait + 1.0, DELAY));
        }
    }
}
