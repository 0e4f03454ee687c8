//! The loader's commands, replayed in order after start and forwarded live afterwards.
//! A bad argument is a `console.warn` naming it, never an exception; an invalid survey
//! definition given to `config` is a `console.error` naming the field at fault.

use crate::prelude::*;

use ::core::mem::take;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::json::{write_map, Json};
use crate::core::response::Limits;
use crate::core::survey::PartialSiteConfig;

use super::super::json_value::is_array;
use super::super::{json_value, log};
use super::App;

/// JSON text of a plain object argument, `None` for anything else.
fn object_json(value: &JsValue) -> Option<String> {
    if !value.is_object() || is_array(value) {
        return None;
    }
    json_value::stringify(value)
}

impl App {
    /// Runs one command; `args` is its argument array (a single argument is taken as one).
    /// (Left to the inliner, unlike the other handlers: inlined it measured smaller.)
    pub(super) fn command(&mut self, name: &str, args: &JsValue) {
        let listed = is_array(args);
        let arg = |i: usize| match i {
            _ if listed => args.unchecked_ref::<Array>().get(i as u32),
            0 => args.clone(),
            _ => JsValue::UNDEFINED,
        };
        match name {
            "identify" => self.identify(&arg(0), &arg(1)),
            "track" => match arg(0).as_string() {
                Some(event) => {
                    self.signals.events.push(event);
                    self.evaluate();
                }
                None => log::warn(&["track: the event name must be a string"]),
            },
            "show" => match arg(0).as_string() {
                Some(id) => {
                    self.signals.manual = Some(id);
                    self.evaluate();
                }
                None => log::warn(&["show: the survey id must be a string"]),
            },
            "config" => self.merge_config(&arg(0)),
            "page" => self.navigate(),
            "hide" => self.close_survey(),
            _ => log::warn(&["unknown command \"", name, "\""]),
        }
    }

    /// `identify(userId, traits?)` or `identify(traits)`.
    fn identify(&mut self, first: &JsValue, second: &JsValue) {
        let (user_id, traits) = match first.as_string() {
            Some(id) => (Some(id), second),
            None => (None, first),
        };
        if let Some(id) = &user_id {
            if id.is_empty() || crate::core::scan::char_count(id) > Limits::MAX_ID_CHARS {
                log::warn(&["identify: userId must be 1-128 characters"]);
                return;
            }
        }
        let traits = if traits.is_null_or_undefined() {
            None
        } else {
            let parsed = object_json(traits)
                .filter(|json| json.len() <= Limits::MAX_TRAITS_BYTES)
                .and_then(|json| match json_value::read(&json) {
                    Some(Json::Obj(members)) => Some(members),
                    _ => None,
                });
            if parsed.is_none() {
                log::warn(&["identify: traits must be a plain object of at most 4 KiB as JSON"]);
                return;
            }
            parsed
        };
        if let Some(mut traits) = traits {
            // Traits accumulate like analytics identify calls: later keys win.
            let fresh = self.visitor.traits.is_none();
            let merged = self.visitor.traits.get_or_insert_with(Vec::new);
            // Taken out in place: no by-value iteration and its drop glue.
            for (k, v) in traits.iter_mut() {
                let v = ::core::mem::replace(v, Json::Null);
                match merged.iter_mut().find(|(e, _)| e == k) {
                    Some(slot) => slot.1 = v,
                    None => merged.push((take(k), v)),
                }
            }
            let mut text = String::new();
            write_map(&mut text, merged);
            if text.len() > Limits::MAX_TRAITS_BYTES {
                self.visitor.traits = None;
                if fresh {
                    // The traits alone are too large as stored (escapes can make them longer
                    // than the page's `JSON.stringify` text): rejected, nothing changes.
                    log::warn(&[
                        "identify: traits must be a plain object of at most 4 KiB as JSON",
                    ]);
                    return;
                }
                log::warn(&["identify: accumulated traits exceed 4 KiB; keeping only the latest"]);
                // Starts from no traits, so the `fresh` branch above ends any repeat.
                return self.identify(first, second);
            }
        }
        if user_id.is_some() {
            self.visitor.user_id = user_id;
        }
        self.save_visitor();
    }

    /// `config(partialSiteConfig)`: merged over the current configuration by the core.
    #[inline(never)]
    fn merge_config(&mut self, value: &JsValue) {
        let Some(json) = object_json(value).and_then(|text| json_value::read(&text)) else {
            log::warn(&["config: the argument must be a site config object"]);
            return;
        };
        let parsed = PartialSiteConfig::from_value(&json);
        let partial = match parsed {
            Ok(partial) => partial,
            Err(err) => {
                log::error(&["config: ", &err.text()]);
                return;
            }
        };
        // `merge` leaves the configuration unchanged when the result is invalid.
        let dormant = self.config.is_none();
        let site = &self.options.site;
        let config = self
            .config
            .get_or_insert_with(|| crate::core::survey::SiteConfig::new(site.clone()));
        if let Err(err) = config.merge(partial) {
            if dormant {
                self.config = None;
            }
            log::error(&["config: ", &err.text()]);
            return;
        }
        self.write_mute();
        self.evaluate();
    }
}
