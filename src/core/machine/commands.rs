//! The loader's commands, replayed in order after start and forwarded live afterwards.
//! A bad argument is a warning naming it, never an exception; an invalid inline
//! configuration given to `config` is an error naming the field at fault.

use crate::prelude::*;

use super::{Effect, Machine, Step};
use crate::core::json::{write_map, Json};
use crate::core::msg::cat;
use crate::core::response::Limits;
use crate::core::scan::char_count;
use crate::core::survey::{PartialSiteConfig, SURVEYS_NOT_INLINE};

const TRAITS_LIMIT: &str = "identify: traits must be a plain object of at most 4 KiB as JSON";

impl Machine {
    /// Runs command `name` with its arguments.
    pub(super) fn command(&mut self, step: &mut Step<'_>, name: &str, args: &[Json]) {
        let arg = |i: usize| args.get(i).unwrap_or(&Json::Null);
        match name {
            "identify" => self.identify(step, arg(0), arg(1)),
            "track" => match arg(0) {
                Json::Str(event) => {
                    self.signals.events.push(event.clone());
                    self.evaluate(step);
                }
                _ => step.warn(&["track: the event name must be a string"]),
            },
            "show" => match arg(0) {
                Json::Str(id) => {
                    self.signals.manual = Some(id.clone());
                    self.manual_by_shopper = step.now.user_activation || shopper_option(arg(1));
                    self.evaluate(step);
                }
                _ => step.warn(&["show: the survey id must be a string"]),
            },
            "config" => self.merge_config(step, arg(0)),
            "page" => self.navigate(step),
            "hide" => self.close_survey(step),
            _ => step.warn(&["unknown command \"", name, "\""]),
        }
    }

    /// `identify(userId, traits?)` or `identify(traits)`. A `token` member of the traits is
    /// no trait: it is the customer token the store's backend minted, kept in memory only
    /// and sent with each response given from now on (`token: null` forgets it).
    fn identify(&mut self, step: &mut Step<'_>, first: &Json, second: &Json) {
        let (user_id, traits) = match first {
            Json::Str(id) => (Some(id.clone()), second),
            _ => (None, first),
        };
        if let Some(id) = &user_id {
            if id.is_empty() || char_count(id) > Limits::MAX_ID_CHARS {
                step.warn(&["identify: userId must be 1-128 characters"]);
                return;
            }
        }
        let traits = match traits {
            Json::Null => None,
            Json::Obj(members) => Some(members),
            _ => {
                step.warn(&[TRAITS_LIMIT]);
                return;
            }
        };
        if let Some(traits) = traits {
            if let Some((_, token)) = traits.iter().find(|(k, _)| k == "token") {
                self.take_token(step, token);
            }
        }
        // Traits accumulate like analytics identify calls: later keys win.
        let traits = traits.filter(|members| members.iter().any(|(k, _)| k != "token"));
        if let Some(traits) = traits {
            let fresh = self.visitor.traits.is_none();
            let merged = self.visitor.traits.get_or_insert_with(Vec::new);
            for (k, v) in traits.iter().filter(|(k, _)| k != "token") {
                match merged.iter_mut().find(|(e, _)| e == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => merged.push((k.clone(), v.clone())),
                }
            }
            let mut text = String::new();
            write_map(&mut text, merged);
            if text.len() > Limits::MAX_TRAITS_BYTES {
                self.visitor.traits = None;
                if fresh {
                    // The traits alone are too large as stored: rejected, nothing changes.
                    step.warn(&[TRAITS_LIMIT]);
                    return;
                }
                step.warn(&["identify: accumulated traits exceed 4 KiB; keeping only the latest"]);
                // Starts from no traits, so the `fresh` branch above ends any repeat.
                return self.identify(step, first, second);
            }
        }
        if user_id.is_some() {
            self.visitor.user_id = user_id;
        }
        self.save_visitor(step);
    }

    /// The `token` member of `identify`'s traits: a customer token, or `null` to forget it.
    fn take_token(&mut self, step: &mut Step<'_>, token: &Json) {
        match token {
            Json::Str(token) if !token.is_empty() && token.len() <= Limits::MAX_TOKEN_BYTES => {
                self.customer_token = Some(token.clone());
            }
            Json::Null => self.customer_token = None,
            _ => step.warn(&[
                "identify: token must be the customer token your backend minted (a string of 1-4096 bytes) or null",
            ]),
        }
    }

    /// `config(partialSiteConfig)`: merged over the current configuration by the core.
    fn merge_config(&mut self, step: &mut Step<'_>, value: &Json) {
        if self.apply_config(step, value) {
            self.write_mute(step);
            self.want_strings(step);
            self.evaluate(step);
        }
    }

    /// Merges an inline configuration over the current one; false when nothing changed.
    /// A `surveys` member is refused with one error naming it (surveys are defined only in
    /// the collector's configuration, see [`PartialSiteConfig`]) and the rest still
    /// applies. An otherwise invalid configuration is refused whole, with one error naming
    /// the field.
    pub(super) fn apply_config(&mut self, step: &mut Step<'_>, value: &Json) -> bool {
        let Json::Obj(members) = value else {
            step.warn(&["config: the argument must be a site config object"]);
            return false;
        };
        // `surveys` is read apart: `null` is absence (as everywhere in a configuration).
        let settings;
        let value = match members.iter().find(|(k, _)| k == "surveys") {
            None => value,
            Some((_, surveys)) => {
                if !matches!(surveys, Json::Null) {
                    step.push(Effect::Error(cat(&[
                        "config: surveys: ",
                        SURVEYS_NOT_INLINE,
                    ])));
                }
                settings = Json::Obj(
                    members
                        .iter()
                        .filter(|(k, _)| k != "surveys")
                        .cloned()
                        .collect(),
                );
                &settings
            }
        };
        let partial = match PartialSiteConfig::from_value(value) {
            Ok(partial) => partial,
            Err(err) => {
                step.push(Effect::Error(cat(&["config: ", &err.text()])));
                return false;
            }
        };
        // Dormant (the collector's configuration was unreadable): there are no surveys, and
        // settings alone would show nothing; the inline configuration was still checked.
        let Some(config) = &mut self.config else {
            return false;
        };
        // `merge` leaves the configuration unchanged when the result is invalid.
        if let Err(err) = config.merge(partial) {
            step.push(Effect::Error(cat(&["config: ", &err.text()])));
            return false;
        }
        true
    }
}

/// `show(id, {shopper: true})`: the caller says the shopper asked for the survey (a feedback
/// button whose click loaded the widget, when the browser's user activation may have
/// lapsed by the time the command arrives). Anything else is a `show` by the page.
fn shopper_option(options: &Json) -> bool {
    match options {
        Json::Obj(members) => members
            .iter()
            .any(|(k, v)| k == "shopper" && matches!(v, Json::Bool(true))),
        _ => false,
    }
}
