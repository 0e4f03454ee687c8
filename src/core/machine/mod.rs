//! The widget as a pure state machine: everything it decides, with no browser in sight.
//!
//! The host (the wasm shell in the browser, a test natively) feeds it [`Input`]s — start,
//! page signals, timers, fetch outcomes, loader commands, the shopper's buttons — each with
//! the facts of the moment ([`Now`]), and carries out the [`Effect`]s it returns: render,
//! post, set or clear a timer, emit an event, log. Records (visitor, throttle, outbox, the
//! loader's mute map) are read and written through a synchronous [`Store`], as
//! `localStorage` is; URL rules with regular expressions go to a [`RegexMatcher`] (the
//! browser's `RegExp`).
//!
//! ```
//! use rapport::core::json::Json;
//! use rapport::core::machine::{Effect, Input, Machine, Now};
//! use rapport::core::storage::MemoryStore;
//! use rapport::core::targeting::NoRegex;
//! let config = Json::from(&serde_json::json!({"site": "demo", "surveys": [{"id": "s",
//!   "trigger": {"type": "pageLoad"},
//!   "questions": [{"id": "q", "type": "thumbs", "text": "Helpful?"}]}]}));
//! let store = MemoryStore::new();
//! let mut machine = Machine::new("demo");
//! let start = Input::Start { config: Some(config), inline: vec![], exit_intent: false,
//!     nav_at: 0.0, languages: vec!["en".into()] };
//! let effects = machine.handle(&Now::default(), start, &store, &NoRegex);
//! assert!(effects.iter().any(|e| matches!(e, Effect::Open { .. })), "page-load survey shown");
//! ```
//!
//! * [`watch`] — page signals and trigger evaluation.
//! * [`session`] — the survey on screen: steps forward and back, validation, submission.
//! * [`partial`] — the answers so far, kept when the shopper closes or leaves.
//! * [`delivery`] — the outbox and its retries.
//! * [`commands`] — the loader's commands.
//! * [`strings`] — the widget's own words in the page's language (locale files).
//! * [`visitor`] — the visitor record.

use crate::prelude::*;

mod commands;
mod delivery;
mod io;
mod partial;
mod session;
mod strings;
pub mod visitor;
mod watch;

#[cfg(test)]
mod tests;

pub use io::{Effect, Event, Input, Now, Timer};
pub use strings::LOCALE_FILE_WAIT_MS;
pub use visitor::Visitor;

use crate::core::json::Json;
use crate::core::msg::cat;
use crate::core::outbox::Outbox;
use crate::core::storage::{key, Slot, Store};
use crate::core::survey::SiteConfig;
use crate::core::targeting::RegexMatcher;
use crate::core::throttle::{mute_map, ThrottleState};
use crate::core::trigger::PageSignals;

use session::Session;

/// The widget's state.
pub struct Machine {
    site: String,
    /// `None`: the configuration was invalid; the widget stays dormant (no surveys).
    config: Option<SiteConfig>,
    /// The page's preferred languages (from [`Input::Start`]).
    languages: Vec<String>,
    /// The locales whose strings were asked for, and where they are.
    tables: Vec<(crate::core::i18n::Locale, strings::Table)>,
    visitor: Visitor,
    /// The customer token from `identify({token})`: sent with every response queued while
    /// it is set, never stored by the widget beyond the outbox entry it travels in.
    customer_token: Option<String>,
    throttle: ThrottleState,
    outbox: Outbox,
    signals: PageSignals,
    /// [`Now::page_ms`] of the last navigation.
    nav_at: f64,
    /// Surveys shown since the last navigation (not shown twice on one page view).
    shown_here: Vec<String>,
    session: Option<Session>,
    /// The pending `show` request (`signals.manual`) came from the shopper: the survey it
    /// opens is modal (see [`Effect::Open`]).
    manual_by_shopper: bool,
    /// The response whose POST is in flight: its id and the body sent.
    in_flight: Option<delivery::InFlight>,
}

/// What one [`Machine::handle`] call works with.
struct Step<'a> {
    now: &'a Now,
    store: &'a dyn Store,
    regex: &'a dyn RegexMatcher,
    effects: Vec<Effect>,
}

impl Step<'_> {
    fn push(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    fn warn(&mut self, parts: &[&str]) {
        self.push(Effect::Warn(cat(parts)));
    }
}

impl Machine {
    /// A machine for `site`, waiting for [`Input::Start`].
    pub fn new(site: &str) -> Machine {
        Machine {
            site: String::from(site),
            config: None,
            languages: Vec::new(),
            tables: Vec::new(),
            visitor: Visitor::default(),
            customer_token: None,
            throttle: ThrottleState::default(),
            outbox: Outbox::default(),
            signals: PageSignals::default(),
            nav_at: 0.0,
            shown_here: Vec::new(),
            session: None,
            manual_by_shopper: false,
            in_flight: None,
        }
    }

    /// Whether a valid configuration is loaded (false: dormant).
    pub fn is_active(&self) -> bool {
        self.config.is_some()
    }

    /// Handles one input and returns what the host must do, in order.
    pub fn handle(
        &mut self,
        now: &Now,
        input: Input,
        store: &dyn Store,
        regex: &dyn RegexMatcher,
    ) -> Vec<Effect> {
        let mut step = Step {
            now,
            store,
            regex,
            effects: Vec::new(),
        };
        match input {
            Input::Start {
                config,
                inline,
                exit_intent,
                nav_at,
                languages,
            } => {
                self.signals.exit_intent = exit_intent;
                self.nav_at = nav_at;
                self.languages = languages;
                self.start(&mut step, config, &inline);
            }
            Input::Scroll => self.on_scroll(&mut step),
            Input::ExitIntent => self.on_exit_intent(&mut step),
            Input::Online => self.retry_now(&mut step),
            Input::Timer(Timer::Delay) => self.evaluate(&mut step),
            Input::Timer(Timer::Retry) => self.flush(&mut step),
            Input::Timer(Timer::Thanks) => self.close_survey(&mut step),
            Input::Timer(Timer::Strings) => self.strings_overdue(&mut step),
            Input::Sent { outcome, points } => self.settle(&mut step, outcome, points),
            Input::Command { name, args } => match name {
                Json::Str(name) => self.command(&mut step, &name, &args),
                // A number or an object is no command name (the loader only passes strings).
                _ => step.warn(&["command: the name must be a string"]),
            },
            Input::Next { answer, plain } => self.next(&mut step, answer, plain),
            Input::Back { answer, plain } => self.back(&mut step, answer, plain),
            Input::Close => self.close_survey(&mut step),
            Input::Strings { locale, file } => self.strings_arrived(&mut step, locale, file),
            Input::PageHidden => self.on_page_hidden(&mut step),
        }
        step.effects
    }

    /// Reads the collector's configuration and merges each inline one over it (as a
    /// `config` command does: settings only, an inline `surveys` refused), then the visitor (made and stored when new) and throttle records, writes the
    /// mute map, flushes the outbox and evaluates triggers.
    fn start(&mut self, step: &mut Step<'_>, config: Option<Json>, inline: &[Json]) {
        self.config = match config {
            None => Some(SiteConfig::new(self.site.clone())),
            Some(json) => self.read_collector(step, &json),
        };
        // Before the first evaluation: it sees the merged configuration.
        for part in inline {
            self.apply_config(step, part);
        }
        self.want_strings(step);
        match self
            .load(step, Slot::Visitor)
            .and_then(|v| Visitor::from_value(&v))
        {
            Some(visitor) => self.visitor = visitor,
            None => {
                self.visitor = Visitor {
                    id: crate::core::uuid::uuid_v4(step.now.random),
                    ..Visitor::default()
                };
                self.save_visitor(step);
            }
        }
        if let Some(json) = self.load(step, Slot::Throttle) {
            self.throttle = ThrottleState::from_value_or_default(&json);
        }
        self.write_mute(step);
        self.flush(step);
        self.evaluate(step);
    }

    /// The collector's configuration, read part by part: the collector checked every rule
    /// when it loaded it, so the widget only decodes it, and a part it cannot read (a
    /// survey, a setting) disables only itself, with one console error naming the field.
    /// `None` (dormant) only when it is no object.
    fn read_collector(&self, step: &mut Step<'_>, json: &Json) -> Option<SiteConfig> {
        let (config, faults) = match SiteConfig::read(json) {
            Ok(read) => read,
            Err(err) => {
                step.push(Effect::Error(cat(&[
                    "invalid site config, widget disabled: ",
                    &err.text(),
                ])));
                return None;
            }
        };
        for fault in faults.settings {
            step.push(Effect::Error(cat(&[
                "site config: ",
                &fault.text(),
                "; the default is used",
            ])));
        }
        for fault in faults.surveys {
            step.push(Effect::Error(cat(&[
                "site config: ",
                &fault.text(),
                "; skipped",
            ])));
        }
        Some(config)
    }

    /// The record of this site's `slot`.
    fn load(&self, step: &Step<'_>, slot: Slot) -> Option<Json> {
        step.store.load(&key(&self.site, slot))
    }

    /// Stores `json` as this site's `slot`: every record the machine persists goes
    /// through here.
    fn save(&self, step: &Step<'_>, slot: Slot, json: &str) {
        step.store.save(&key(&self.site, slot), json);
    }

    /// Rewrites `rapport:{site}:mute` for the loader after a throttle change.
    fn write_mute(&self, step: &Step<'_>) {
        let Some(config) = &self.config else { return };
        let map = mute_map(config, &self.throttle, step.now.epoch_ms, &self.visitor.id);
        self.save(step, Slot::Mute, &map);
    }

    /// Persists the visitor record.
    fn save_visitor(&self, step: &Step<'_>) {
        self.save(step, Slot::Visitor, &self.visitor.to_json());
    }

    /// Persists the throttle state and the mute map derived from it.
    fn save_throttle(&self, step: &Step<'_>) {
        self.save(step, Slot::Throttle, &self.throttle.to_json());
        self.write_mute(step);
    }
}
