//! Page signals and trigger evaluation: scroll depth, exit intent, navigation and the one
//! delay timer. The core decides what is due ([`due`], [`next_wakeup_ms`]) and whether the
//! visitor may see it ([`eligible`]).

use crate::prelude::*;

use super::{Effect, Machine, Step, Timer};
use crate::core::msg::cat;
use crate::core::throttle::{eligible, visitor_bucket};
use crate::core::trigger::{due, next_wakeup_ms};

impl Machine {
    /// The page scrolled: only a new maximum can fire a scroll trigger.
    pub(super) fn on_scroll(&mut self, step: &mut Step<'_>) {
        let percent = step.now.scroll_percent;
        if percent >= self.signals.scroll_percent + 1.0
            || (percent >= 100.0 && self.signals.scroll_percent < 100.0)
        {
            self.signals.scroll_percent = percent;
            self.evaluate(step);
        }
    }

    /// The pointer left through the top edge (towards the tab bar or the address bar).
    pub(super) fn on_exit_intent(&mut self, step: &mut Step<'_>) {
        if !self.signals.exit_intent {
            self.signals.exit_intent = true;
            self.evaluate(step);
        }
    }

    /// A new page view (SPA navigation): fresh signals, pending delay cancelled, triggers
    /// re-evaluated against the new URL.
    pub(super) fn navigate(&mut self, step: &mut Step<'_>) {
        self.nav_at = step.now.page_ms;
        self.signals.events.clear();
        self.signals.exit_intent = false;
        self.signals.manual = None;
        self.manual_by_shopper = false;
        self.signals.scroll_percent = 0.0;
        self.shown_here.clear();
        self.evaluate(step);
    }

    /// Shows the first survey that is due and allowed, and re-arms the delay timer.
    pub(super) fn evaluate(&mut self, step: &mut Step<'_>) {
        step.push(Effect::ClearTimer(Timer::Delay));
        // The wanted locale's strings are on their way: evaluated again when they arrive.
        if self.strings_pending() {
            return;
        }
        let Some(config) = &self.config else { return };
        let now = step.now.epoch_ms;
        self.signals.url = step.now.url.clone();
        self.signals.ms_since_navigation = (step.now.page_ms - self.nav_at).max(0.0);
        if self.signals.scroll_percent == 0.0 {
            self.signals.scroll_percent = step.now.scroll_percent;
        }
        // Surveys shown here, and those found ineligible (which `due` does not list twice).
        let mut skip: Vec<&str> = self.shown_here.iter().map(String::as_str).collect();
        let mut pick: Option<String> = None;
        let mut warnings = Vec::new();
        let manual = self.signals.manual.as_deref();
        if self.session.is_none() {
            for id in due(config, &self.signals, step.regex) {
                // A survey without questions has nothing to show (the collector refuses
                // one; the widget does not re-check what it serves).
                let Some(survey) = config.survey(id).filter(|s| !s.questions.is_empty()) else {
                    continue;
                };
                let asked = manual == Some(id);
                if !asked && skip.contains(&id) {
                    continue;
                }
                // The shopper asked for it (a feedback button, a `show` from their click):
                // sampling, frequency, recontact and cooldown limit what the page offers
                // unasked, not what the shopper asks for.
                if asked && self.manual_by_shopper {
                    pick = Some(String::from(id));
                    break;
                }
                let bucket = visitor_bucket(&self.visitor.id, id);
                match eligible(survey, config.cooldown_days, &self.throttle, now, bucket) {
                    Ok(()) => {
                        pick = Some(String::from(id));
                        break;
                    }
                    Err(why) => {
                        if asked {
                            warnings.push(cat(&[
                                "show: survey \"",
                                id,
                                "\" not shown: ",
                                &why.text(),
                            ]));
                        }
                        skip.push(id);
                    }
                }
            }
        }
        // Surveys are defined only in the collector's configuration: `show` of any other
        // is a mistake of the page's (an error, not a warning), and nothing opens.
        let unknown = manual.filter(|id| config.survey(id).is_none()).map(|id| {
            cat(&[
                "show: unknown survey \"",
                id,
                "\": surveys are defined in the collector's configuration",
            ])
        });
        // One timer for the nearest pending delay trigger; while a survey is open there is
        // nothing to wait for (closing re-evaluates).
        let wait = match (&pick, &self.session) {
            (None, None) => next_wakeup_ms(config, &self.signals, step.regex, &skip),
            _ => None,
        };
        for warning in warnings {
            step.push(Effect::Warn(warning));
        }
        if let Some(error) = unknown {
            step.push(Effect::Error(error));
        }
        // A manual request is answered once. Only the survey the shopper asked for is
        // modal: another one due at the same moment opened by its own trigger.
        let modal = self.manual_by_shopper && pick.is_some() && pick.as_deref() == manual;
        self.signals.manual = None;
        self.manual_by_shopper = false;
        if let Some(id) = pick {
            self.open_survey(step, &id, modal);
        } else if let Some(wait) = wait {
            step.push(Effect::SetTimer(Timer::Delay, wait + 1.0));
        }
    }
}
