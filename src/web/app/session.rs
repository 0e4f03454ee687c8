//! The survey on screen: open, step through questions (the core decides where each answer
//! leads), submit, thank, close.

use crate::prelude::*;

use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement};

use crate::core::branching::{first_step, next_step, progress, prune, Step};
use crate::core::response::{Answer, Limits, Response};
use crate::core::survey::Survey;

use super::super::listener::Listener;
use super::super::timer::Timeout;
use super::super::ui::dialog::{Frame, Intent, View};
use super::super::ui::{focus, theme};
use super::super::{env, log};
use super::present::{self, Lang};
use super::visitor::new_uuid;
use super::{object, with_app, App};

/// How long the thank-you screen stays before closing by itself.
const THANKS_MS: f64 = 4000.0;

/// The survey being shown.
pub struct Session {
    survey: String,
    lang: Lang,
    current: usize,
    answers: Vec<Answer>,
    view: View,
    previous_focus: Option<HtmlElement>,
    /// Submitted: the thank-you screen is showing.
    done: bool,
    close_timer: Option<Timeout>,
    // Dropped before `view` removes the host (field order).
    _listeners: Vec<Listener>,
}

impl Session {
    /// The `<rapport-widget>` element.
    pub fn host(&self) -> HtmlElement {
        self.view.root().host().unchecked_into()
    }
}

/// Whether the page's focused element is a field the visitor is typing into; focus is
/// not taken from it.
fn is_typing(el: Option<&HtmlElement>) -> bool {
    let Some(el) = el else { return false };
    let tag = el.tag_name();
    el.is_content_editable()
        || tag.eq_ignore_ascii_case("input")
        || tag.eq_ignore_ascii_case("textarea")
        || tag.eq_ignore_ascii_case("select")
}

impl App {
    /// Shows survey `id` (already checked due and eligible).
    pub(super) fn open_survey(&mut self, id: &str) {
        let Some(config) = &self.config else { return };
        let Some(survey) = config.survey(id) else {
            return;
        };
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let lang = Lang::detect(&config.locale);
        let vars = theme::host_vars(&config.theme);
        let frame = Frame {
            nonce: self.nonce.as_deref(),
            vars: &vars,
            class: theme::dialog_class(&config.theme),
            lang: &lang.tag,
            rtl: lang.rtl(),
            close_label: lang.strings().close,
        };
        let mut view = match View::open(&doc, &frame) {
            Ok(view) => view,
            Err(err) => {
                log::warn(&["could not show survey \"", id, "\": ", &log::js_text(&err)]);
                return;
            }
        };
        let Step::Question(first) = first_step(survey) else {
            return;
        };
        let Some(question) = survey.questions.get(first) else {
            return;
        };
        let model = present::step(question, progress(survey, &[], first), &lang);
        if let Err(err) = view.show_step(&model) {
            log::warn(&["could not show survey \"", id, "\": ", &log::js_text(&err)]);
            return;
        }
        let mut listeners = Vec::new();
        for kind in ["click", "keydown", "input", "change"] {
            let weak = self.me.clone();
            listeners.push(Listener::new(
                view.root().as_ref(),
                kind,
                false,
                move |event| {
                    with_app(&weak, move |app| app.on_ui(&event));
                },
            ));
        }
        let previous_focus = focus::page_focus(&doc);
        if !is_typing(previous_focus.as_ref()) {
            view.take_focus();
        }
        self.session = Some(Session {
            survey: String::from(id),
            lang,
            current: first,
            answers: Vec::new(),
            view,
            previous_focus,
            done: false,
            close_timer: None,
            _listeners: listeners,
        });
        self.throttle.record_shown(id, env::now_ms());
        self.save_throttle();
        self.shown_here.push(String::from(id));
        self.emit("show", object(&[("survey", &id.into())]));
    }

    fn on_ui(&mut self, event: &Event) {
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
        let value = session.view.value();
        if value.is_none() && question.required {
            session.view.show_error(session.lang.strings().required);
            return;
        }
        session.answers.retain(|a| a.question != question.id);
        if let Some(value) = &value {
            session
                .answers
                .push(Answer::new(question.id.clone(), value.clone()));
        }
        match next_step(survey, session.current, value.as_ref()) {
            Step::Question(index) => {
                let Some(question) = survey.questions.get(index) else {
                    return;
                };
                session.current = index;
                let model = present::step(
                    question,
                    progress(survey, &session.answers, index),
                    &session.lang,
                );
                if let Err(err) = session.view.show_step(&model) {
                    log::warn(&["could not render question: ", &log::js_text(&err)]);
                }
            }
            Step::ThankYou => self.submit(),
        }
    }

    /// Records the response in the outbox (before any send), emits `submit`, records the
    /// answer for throttling, thanks the visitor and starts delivery.
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
        let response = build_response(&self.site, survey, session, &self.visitor);
        session
            .view
            .show_thanks(&present::thanks(&survey.thank_you, &session.lang));
        let survey_id = session.survey.clone();
        let close_timer = self.timer(THANKS_MS, |app| app.close_survey());
        if let Some(session) = &mut self.session {
            session.close_timer = Some(close_timer);
        }
        let now = env::now_ms();
        self.throttle.record_answered(&survey_id, now);
        self.save_throttle();
        let body = response.to_json();
        let detail = js_sys::JSON::parse(&body).unwrap_or(wasm_bindgen::JsValue::NULL);
        self.emit(
            "submit",
            object(&[
                ("survey", &survey_id.as_str().into()),
                ("response", &detail),
            ]),
        );
        let Some(survey) = self.config.as_ref().and_then(|c| c.survey(&survey_id)) else {
            return;
        };
        if let Err(err) = response.validate(survey) {
            // The collector would refuse it; queueing it would only retry a lost cause.
            log::warn(&["response not sent: ", &err.text()]);
            return;
        }
        if let Some(json) = self.store.get(&crate::core::storage::key(
            &self.site,
            crate::core::storage::Slot::Outbox,
        )) {
            self.outbox = crate::core::outbox::Outbox::from_json_or_default(&json);
        }
        if let Some(evicted) = self.outbox.push(&response.id, body.clone(), now) {
            log::warn(&["outbox full, dropped undelivered response ", &evicted.id]);
        }
        self.save_outbox();
        self.flush();
    }

    /// Closes the survey (close button, Escape, `hide`, or after the thank-you screen),
    /// gives focus back, and looks for the next due survey.
    pub(super) fn close_survey(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        if session.view.has_focus() {
            focus::restore(session.previous_focus.clone());
        }
        let completed = session.done;
        let survey = session.survey.clone();
        drop(session);
        self.emit(
            "close",
            object(&[
                ("survey", &survey.as_str().into()),
                ("completed", &completed.into()),
            ]),
        );
        self.evaluate();
    }
}

fn build_response(
    site: &str,
    survey: &Survey,
    session: &Session,
    visitor: &super::visitor::Visitor,
) -> Response {
    Response {
        id: new_uuid(),
        site: String::from(site),
        survey: survey.id.clone(),
        answers: prune(survey, &session.answers),
        locale: Some(clip(&session.lang.tag, Limits::MAX_LOCALE_CHARS)),
        url: Some(clip(&env::href(), Limits::MAX_URL_CHARS)),
        user_id: visitor.user_id.clone(),
        traits: visitor.traits.clone(),
        created_at: Some(env::iso_now()),
    }
}

/// The first `max` characters of `s` (the collector rejects longer values).
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
