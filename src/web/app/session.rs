//! The survey on screen: open, step through questions (the core decides where each answer
//! leads), submit, thank, close.

use crate::prelude::*;

use wasm_bindgen::JsValue;
use web_sys::{Element, Event};

use crate::core::branching::{first_step, next_step, progress, prune, Step};
use crate::core::response::{check_answer, Answer, Limits, Response};

use super::super::listener::Listeners;
use super::super::timer::Timeout;
use super::super::ui::dialog::{Intent, View};
use super::super::ui::lang::Lang;
use super::super::ui::{focus, theme};
use super::super::{env, json_value, log};
use super::visitor::new_uuid;
use super::{object, App, THANKS};

/// The shadow root's events the view interprets.
const UI_EVENTS: &[&str] = &["click", "keydown", "input", "change"];

/// How long the thank-you screen stays before closing by itself.
const THANKS_MS: f64 = 4000.0;

/// The survey being shown.
pub struct Session {
    survey: String,
    current: usize,
    answers: Vec<Answer>,
    previous_focus: Option<Element>,
    /// Submitted: the thank-you screen is showing.
    done: bool,
    close_timer: Option<Timeout>,
    // Dropped before `view` removes the host (field order).
    _listeners: Listeners,
    view: View,
}

impl App {
    /// Shows survey `id` (already checked due and eligible).
    #[inline(never)]
    pub(super) fn open_survey(&mut self, id: &str) {
        let Some(config) = &self.config else { return };
        let Some(survey) = config.survey(id) else {
            return;
        };
        let Step::Question(first) = first_step(survey) else {
            return;
        };
        let Some(question) = survey.questions.get(first) else {
            return;
        };
        let Some(doc) = env::document() else { return };
        let lang = Lang::detect(&config.locale);
        let vars = theme::host_vars(&config.theme);
        let class = theme::dialog_class(&config.theme);
        let mut view = match View::open(&doc, self.options.nonce.as_deref(), &vars, &class, lang) {
            Ok(view) => view,
            Err(err) => {
                log::warn(&["could not show survey \"", id, "\": ", &log::js_text(&err)]);
                return;
            }
        };
        view.show_question(question, progress(survey, &[], first));
        let mut listeners = Listeners::new(&self.handler);
        for kind in UI_EVENTS {
            listeners.add(view.root(), kind);
        }
        let previous_focus = doc.active_element();
        if !focus::is_typing(previous_focus.as_ref()) {
            view.take_focus();
        }
        self.session = Some(Session {
            survey: String::from(id),
            current: first,
            answers: Vec::new(),
            previous_focus,
            done: false,
            close_timer: None,
            _listeners: listeners,
            view,
        });
        self.throttle.record_shown(id, env::now_ms());
        self.save_throttle();
        self.shown_here.push(String::from(id));
        self.emit("show", object(&[("survey", id.into())]));
    }

    /// An event from the shadow root.
    #[inline(never)]
    pub(super) fn on_ui(&mut self, event: &Event) {
        let Some(session) = &mut self.session else {
            return;
        };
        match session.view.handle(event) {
            Intent::None => {}
            Intent::Next => self.next(),
            Intent::Close => self.close_survey(),
        }
    }

    /// The primary button: required check, then the core's next step.
    #[inline(never)]
    fn next(&mut self) {
        let (Some(config), Some(session)) = (&self.config, &mut self.session) else {
            return;
        };
        if session.done {
            return;
        }
        let Some(survey) = config.survey(&session.survey) else {
            return;
        };
        let Some(question) = survey.questions.get(session.current) else {
            return;
        };
        let value = session.view.value(question);
        if value.is_none() && question.required {
            session
                .view
                .show_error(Some(session.view.lang.s.required()));
            return;
        }
        // The collector's rules for this answer, checked before it is kept: a value it would
        // refuse is reported to the shopper here rather than dropped later with a 400.
        if let Some(value) = &value {
            if let Err(err) = check_answer(question, &json_value::plain(value)) {
                log::warn(&["answer refused: ", &err.text()]);
                session.view.show_error(Some(&err.message()));
                return;
            }
        }
        // Replaces the earlier answer to this question, if any (there is at most one).
        // At most one answer per question: `retain` drops it without an index panic.
        session.answers.retain(|a| a.question != question.id);
        let step = next_step(survey, session.current, value.as_ref());
        if let Some(value) = value {
            session
                .answers
                .push(Answer::new(question.id.clone(), value));
        }
        match step {
            Step::Question(index) => {
                let Some(question) = survey.questions.get(index) else {
                    return;
                };
                session.current = index;
                session
                    .view
                    .show_question(question, progress(survey, &session.answers, index));
            }
            Step::ThankYou => self.submit(),
        }
    }

    /// Records the response in the outbox (before any send), emits `submit`, records the
    /// answer for throttling, thanks the visitor and starts delivery.
    #[inline(never)]
    fn submit(&mut self) {
        let (Some(config), Some(session)) = (&self.config, &mut self.session) else {
            return;
        };
        session.view.set_busy(true);
        if session.done {
            return;
        }
        session.done = true;
        let Some(survey) = config.survey(&session.survey) else {
            return;
        };
        // The visitor's user id and traits are lent to the response for its JSON and
        // handed back right after (no clone of the traits' JSON tree).
        let mut response = Response {
            id: new_uuid(),
            site: self.options.site.clone(),
            survey: survey.id.clone(),
            answers: prune(survey, &session.answers),
            locale: Some(clip(&session.view.lang.tag, Limits::MAX_LOCALE_CHARS)),
            url: Some(clip(&env::href(), Limits::MAX_URL_CHARS)),
            user_id: self.visitor.user_id.take(),
            traits: self.visitor.traits.take(),
            created_at: Some(env::iso_now()),
        };
        let body = response.to_json();
        self.visitor.user_id = response.user_id.take();
        self.visitor.traits = response.traits.take();
        session.view.show_thanks(&survey.thank_you);
        session.close_timer = Some(Timeout::new(&self.handler, THANKS_MS, THANKS));
        let now = env::now_ms();
        self.throttle.record_answered(&response.survey, now);
        self.save_throttle();
        self.emit(
            "submit",
            object(&[
                ("survey", response.survey.as_str().into()),
                (
                    "response",
                    js_sys::JSON::parse(&body).unwrap_or(JsValue::NULL),
                ),
            ]),
        );
        // Each answer was checked with the collector's rules when it was given (`next`).
        self.reload_outbox();
        if let Some(evicted) = self.outbox.push(&response.id, body, now) {
            log::warn(&["outbox full, dropped undelivered response ", &evicted.id]);
        }
        self.save_outbox();
        self.flush();
    }

    /// Closes the survey (close button, Escape, `hide`, or after the thank-you screen),
    /// gives focus back, and looks for the next due survey.
    pub(super) fn close_survey(&mut self) {
        let Some(mut session) = self.session.take() else {
            return;
        };
        let completed = session.done;
        if session.view.has_focus() {
            focus::restore(session.previous_focus.take());
        }
        let survey = ::core::mem::take(&mut session.survey);
        drop(session);
        self.emit(
            "close",
            object(&[
                ("survey", survey.as_str().into()),
                ("completed", completed.into()),
            ]),
        );
        self.evaluate();
    }
}

/// The first `max` characters of `s` (the collector rejects longer values).
fn clip(s: &str, max: usize) -> String {
    // The byte offset of character `max`: an index loop over the bytes counting the
    // first byte of each character (smaller in wasm than `char_indices().nth`).
    let bytes = s.as_bytes();
    let mut chars = 0;
    let mut end = 0;
    while let Some(&b) = bytes.get(end) {
        if b & 0xC0 != 0x80 {
            if chars == max {
                break;
            }
            chars += 1;
        }
        end += 1;
    }
    String::from(s.get(..end).unwrap_or(s))
}
