//! Partial responses: an answer given is an answer kept. When the shopper closes the
//! survey, or the page is hidden or left, with at least one answer given and the survey
//! not submitted, the answers so far are queued as a response marked `partial: true` under
//! the id the complete response will use. Should the shopper go on, the complete response
//! replaces it: the outbox holds one entry per id ([`crate::core::outbox::Outbox::put`]),
//! so an unsent partial is never sent, and one already sent is followed by the complete
//! one, which the collector keeps in its place.
//!
//! A partial response follows the same answer rules as a complete one; only the rule that
//! required questions on the path taken are answered is left out (see
//! [`crate::core::response::Completeness`]).

use crate::prelude::*;

use super::{Machine, Step};
use crate::core::branching::prune;
use crate::core::datetime::format_rfc3339;
use crate::core::response::{Limits, Response};
use crate::core::survey::ThankYou;
use crate::core::uuid::uuid_v4;

use super::session::clip;

impl Machine {
    /// The response of the survey on screen as it stands (`partial`: the shopper has not
    /// reached its end), with the survey's thank-you screen. Its id is the session's,
    /// made now if no answer made it yet.
    pub(super) fn session_response(
        &mut self,
        step: &Step<'_>,
        partial: bool,
    ) -> Option<(Response, ThankYou)> {
        let (Some(config), Some(session)) = (&self.config, &mut self.session) else {
            return None;
        };
        let survey = config.survey(&session.survey)?;
        let id = session
            .id
            .get_or_insert_with(|| uuid_v4(step.now.random))
            .clone();
        let response = Response {
            id,
            site: self.site.clone(),
            survey: survey.id.clone(),
            answers: prune(survey, &session.answers),
            locale: Some(clip(&session.lang.tag, Limits::MAX_LOCALE_CHARS)),
            url: Some(clip(&step.now.url, Limits::MAX_URL_CHARS)),
            user_id: self.visitor.user_id.clone(),
            traits: self.visitor.traits.clone(),
            created_at: Some(format_rfc3339(step.now.epoch_ms as i64)),
            partial,
        };
        Some((response, survey.thank_you.clone()))
    }

    /// Queues the answers given so far as a partial response and starts delivery; nothing
    /// when no survey is on screen, it was submitted, no answer was given, or the same
    /// partial response is queued already.
    pub(super) fn keep_partial(&mut self, step: &mut Step<'_>) {
        match &self.session {
            Some(session) if !session.done && !session.answers.is_empty() => {}
            _ => return,
        }
        let Some((mut response, _)) = self.session_response(step, true) else {
            return;
        };
        let Some(session) = &mut self.session else {
            return;
        };
        // The same answers again (the tab hidden twice, then closed): already queued. The
        // `createdAt` differs, so compare without it.
        let created_at = response.created_at.take();
        let unchanged = response.to_json();
        if session.kept.as_deref() == Some(unchanged.as_str()) {
            return;
        }
        session.kept = Some(unchanged);
        response.created_at = created_at;
        let envelope = response.to_envelope(self.customer_token.as_deref());
        self.queue(step, &response.id, envelope);
    }

    /// The page is hidden (another tab, the app switcher) or being left: the answers so far
    /// are queued and sent now, while the page can still send (every POST is a `keepalive`
    /// fetch, which outlives the page). The survey stays open: a shopper who comes back may
    /// go on, and the complete response replaces the partial one.
    pub(super) fn on_page_hidden(&mut self, step: &mut Step<'_>) {
        self.keep_partial(step);
    }

    /// Puts `body` as the latest state of response `id` in the outbox (persisted before any
    /// send) and starts delivery.
    pub(super) fn queue(&mut self, step: &mut Step<'_>, id: &str, body: String) {
        self.reload_outbox(step);
        if let Some(evicted) = self.outbox.put(id, body, step.now.epoch_ms) {
            step.warn(&["outbox full, dropped undelivered response ", &evicted.id]);
        }
        self.save_outbox(step);
        self.flush(step);
    }
}
