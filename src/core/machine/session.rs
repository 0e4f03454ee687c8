//! The survey on screen: open, step through questions (the core decides where each answer
//! leads) and back along the path taken, check each answer with the collector's rules,
//! submit, thank, close.

use crate::prelude::*;

use super::{Effect, Event, Machine, Step, Timer};
use crate::core::branching::{first_step, next_step, progress, Step as Path};
use crate::core::i18n::Lang;
use crate::core::json::ObjectWriter;
use crate::core::response::{check_answer, Answer, AnswerValue};
use crate::core::survey::{Question, SiteConfig, Survey};
use crate::core::uuid::uuid_v4;

/// How long the thank-you screen stays before closing by itself.
pub const THANKS_MS: f64 = 4000.0;

/// The survey being shown.
pub struct Session {
    pub(super) survey: String,
    current: usize,
    /// The questions passed on the way to `current`, in order: Back returns to the last
    /// one, so a question reached by a jump goes back to the question that jumped.
    passed: Vec<usize>,
    /// The answers given, at most one per question. Going back keeps them (the control
    /// shows them again); answers to questions a changed answer took off the path stay here
    /// (shown again if the path comes back to them) but are neither submitted nor kept in a
    /// partial response (`branching::prune`, see [`super::partial`]).
    pub(super) answers: Vec<Answer>,
    pub(super) lang: Lang,
    /// Submitted: the thank-you screen is showing.
    pub(super) done: bool,
    /// The response's id, made with the first answer: a partial response and the complete
    /// one share it (see [`super::partial`]).
    pub(super) id: Option<String>,
    /// The body of the last partial response queued, so an unchanged one is not queued
    /// twice.
    pub(super) kept: Option<String>,
}

impl Machine {
    /// Shows survey `id` (already checked due and eligible); `modal` when the shopper asked
    /// for it (see [`Effect::Open`]).
    pub(super) fn open_survey(&mut self, step: &mut Step<'_>, id: &str, modal: bool) {
        let Some(config) = &self.config else { return };
        let Some(survey) = config.survey(id) else {
            return;
        };
        let Path::Question(first) = first_step(survey) else {
            return;
        };
        let Some(question) = survey.questions.get(first) else {
            return;
        };
        let lang = self.lang(&config.locale);
        step.push(Effect::Open {
            theme: config.theme.clone(),
            lang: Box::new(lang.clone()),
            modal,
        });
        step.push(Effect::Impression(impression(&self.site, id)));
        step.push(Effect::Question {
            question: question.clone(),
            progress: progress(survey, &[], first),
            answer: None,
            back: false,
        });
        self.session = Some(Session {
            survey: String::from(id),
            current: first,
            passed: Vec::new(),
            answers: Vec::new(),
            lang,
            done: false,
            id: None,
            kept: None,
        });
        self.throttle.record_shown(id, step.now.epoch_ms);
        self.save_throttle(step);
        self.shown_here.push(String::from(id));
        step.push(Effect::Emit(Event::Show {
            survey: String::from(id),
        }));
    }

    /// The primary button: required check, the collector's rules, then the core's next step.
    pub(super) fn next(
        &mut self,
        step: &mut Step<'_>,
        answer: Option<AnswerValue>,
        plain: Option<AnswerValue>,
    ) {
        let Some((survey, question, session)) = on_screen(&self.config, &mut self.session) else {
            return;
        };
        if answer.is_none() && question.required {
            step.push(Effect::Invalid(String::from(session.lang.s.required())));
            return;
        }
        // The collector's rules for this answer, checked before it is kept: a value it would
        // refuse is reported to the shopper here rather than dropped later with a 400.
        if let Some(plain) = plain.as_ref().or(answer.as_ref()) {
            if let Err(err) = check_answer(question, plain) {
                step.warn(&["answer refused: ", &err.text()]);
                step.push(Effect::Invalid(err.message()));
                return;
            }
        }
        let next = next_step(survey, session.current, plain.as_ref().or(answer.as_ref()));
        session.keep(step, &question.id, answer);
        match next {
            Path::Question(index) => {
                if survey.questions.get(index).is_none() {
                    return;
                }
                session.passed.push(session.current);
                session.current = index;
                session.show(step, survey);
            }
            Path::ThankYou => self.submit(step),
        }
    }

    /// The Back button: the question before the current one on the path taken, showing the
    /// answer given there. The entry on screen (`answer`, checked as `plain`) is kept as the
    /// current question's answer when the collector's rules accept it, so that coming
    /// forward again shows it; nothing is checked as required. Nothing happens on the first
    /// question or the thank-you screen.
    pub(super) fn back(
        &mut self,
        step: &mut Step<'_>,
        answer: Option<AnswerValue>,
        plain: Option<AnswerValue>,
    ) {
        let Some((survey, question, session)) = on_screen(&self.config, &mut self.session) else {
            return;
        };
        let Some(previous) = session.passed.pop() else {
            return;
        };
        let accepted = match plain.as_ref().or(answer.as_ref()) {
            Some(value) => check_answer(question, value).is_ok(),
            None => true,
        };
        if accepted {
            session.keep(step, &question.id, answer);
        }
        session.current = previous;
        session.show(step, survey);
    }

    /// Records the response in the outbox (before any send), emits `submit`, records the
    /// answer for throttling, thanks the visitor and starts delivery.
    fn submit(&mut self, step: &mut Step<'_>) {
        let Some(session) = &mut self.session else {
            return;
        };
        step.push(Effect::Busy);
        if session.done {
            return;
        }
        session.done = true;
        let now = step.now.epoch_ms;
        let Some((response, thank_you)) = self.session_response(step, false) else {
            return;
        };
        let body = response.to_json();
        step.push(Effect::Thanks(thank_you));
        step.push(Effect::SetTimer(Timer::Thanks, THANKS_MS));
        self.throttle.record_answered(&response.survey, now);
        self.save_throttle(step);
        step.push(Effect::Emit(Event::Submit {
            survey: response.survey.clone(),
            response: body.clone(),
        }));
        // Replaces a partial response of this id not yet sent (see `partial`).
        let envelope = response.to_envelope(self.customer_token.as_deref());
        self.queue(step, &response.id, envelope);
    }

    /// The response `id` was delivered and earned `points`: when its thank-you screen is
    /// still showing, the screen gains the line that says so, and stays [`THANKS_MS`] more
    /// so that it can be read. Nothing for no points, for another response (a partial one
    /// of an earlier survey, another tab's), or once the screen has closed.
    pub(super) fn thank_for_points(&mut self, step: &mut Step<'_>, id: &str, points: u32) {
        let Some(session) = &self.session else { return };
        if points == 0 || !session.done || session.id.as_deref() != Some(id) {
            return;
        }
        step.push(Effect::Earned(session.lang.s.earned(points)));
        step.push(Effect::SetTimer(Timer::Thanks, THANKS_MS));
    }

    /// Closes the survey (close button, Escape, `hide`, or after the thank-you screen) and
    /// looks for the next due survey.
    pub(super) fn close_survey(&mut self, step: &mut Step<'_>) {
        // The answers given so far are kept (nothing when none was given or it was
        // submitted).
        self.keep_partial(step);
        let Some(session) = self.session.take() else {
            return;
        };
        step.push(Effect::ClearTimer(Timer::Thanks));
        step.push(Effect::Close);
        step.push(Effect::Emit(Event::Close {
            survey: session.survey,
            completed: session.done,
        }));
        self.evaluate(step);
    }
}

impl Session {
    /// Renders the current question with the answer given to it, if any, and whether Back
    /// leads anywhere.
    fn show(&self, step: &mut Step<'_>, survey: &Survey) {
        let Some(question) = survey.questions.get(self.current) else {
            return;
        };
        step.push(Effect::Question {
            question: question.clone(),
            progress: progress(survey, &self.answers, self.current),
            answer: self
                .answers
                .iter()
                .find(|a| a.question == question.id)
                .map(|a| a.value.clone()),
            back: !self.passed.is_empty(),
        });
    }
}

/// The first `max` characters of `s` (the collector rejects longer values).
pub(super) fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The survey on screen, its current question and the session, unless no survey is open or
/// its thank-you is showing (what the Next and Back buttons act on).
fn on_screen<'a>(
    config: &'a Option<SiteConfig>,
    session: &'a mut Option<Session>,
) -> Option<(&'a Survey, &'a Question, &'a mut Session)> {
    let session = session.as_mut().filter(|s| !s.done)?;
    let survey = config.as_ref()?.survey(&session.survey)?;
    let question = survey.questions.get(session.current)?;
    Some((survey, question, session))
}

impl Session {
    /// Keeps `answer` as the answer to `question`, replacing an earlier one (at most one
    /// per question; `None` leaves it unanswered). The first answer gives the response its
    /// id.
    fn keep(&mut self, step: &Step<'_>, question: &str, answer: Option<AnswerValue>) {
        self.answers.retain(|a| a.question != question);
        if let Some(value) = answer {
            self.answers
                .push(Answer::new(String::from(question), value));
            self.id.get_or_insert_with(|| uuid_v4(step.now.random));
        }
    }
}

/// The body of an [`Effect::Impression`]: the site and the survey, nothing else.
fn impression(site: &str, survey: &str) -> String {
    let mut body = String::new();
    let mut object = ObjectWriter::new(&mut body);
    object.str("site", site);
    object.str("survey", survey);
    object.end();
    body
}
