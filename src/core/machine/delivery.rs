//! Sending the outbox: one request at a time, oldest due entry first, each outcome settled
//! by the core retry policy, one timer for the next due retry.
//!
//! The outbox is re-read from the store before each step because another tab of the same
//! site may have added or delivered entries (the collector deduplicates by id).

use crate::prelude::*;

use super::{Effect, Event, Machine, Step, Timer};
use crate::core::outbox::Outbox;
use crate::core::retry::{Decision, Outcome, RetryPolicy};
use crate::core::storage::Slot;

/// The request in flight: the response's id and the body sent (a newer state of the same
/// response may replace the entry meanwhile, see [`Outbox::settle_sent`]).
pub struct InFlight {
    id: String,
    body: String,
}

/// A fraction in `[0, 1)` from the input's random bytes, for the retry jitter.
fn fraction(random: &[u8; 16]) -> f64 {
    let bits = u32::from_le_bytes([random[0], random[1], random[2], random[3]]);
    f64::from(bits) / 4_294_967_296.0
}

impl Machine {
    /// Re-reads the outbox from the store (another tab may have changed it).
    pub(super) fn reload_outbox(&mut self, step: &Step<'_>) {
        if let Some(json) = self.load(step, Slot::Outbox) {
            self.outbox = Outbox::from_value_or_default(&json);
        }
    }

    /// Persists the outbox (before any send, so a reload never loses a response).
    pub(super) fn save_outbox(&self, step: &Step<'_>) {
        self.save(step, Slot::Outbox, &self.outbox.to_json());
    }

    /// Sends the oldest due entry, or arms the timer for the next one.
    pub(super) fn flush(&mut self, step: &mut Step<'_>) {
        if self.in_flight.is_some() {
            return;
        }
        step.push(Effect::ClearTimer(Timer::Retry));
        self.reload_outbox(step);
        let now = step.now.epoch_ms;
        let Some(entry) = self.outbox.first_due(now) else {
            if let Some(wait) = self.outbox.next_wakeup_ms(now) {
                step.push(Effect::SetTimer(Timer::Retry, wait));
            }
            return;
        };
        self.in_flight = Some(InFlight {
            id: entry.id.clone(),
            body: entry.body.clone(),
        });
        step.push(Effect::Post(entry.body.clone()));
    }

    /// The connection is back: every waiting entry is due now, whatever its backoff said.
    pub(super) fn retry_now(&mut self, step: &mut Step<'_>) {
        self.reload_outbox(step);
        self.outbox.wake_all(step.now.epoch_ms);
        self.save_outbox(step);
        self.flush(step);
    }

    /// The request in flight settled with `outcome`; its receipt reports `points` earned.
    pub(super) fn settle(&mut self, step: &mut Step<'_>, outcome: Outcome, points: u32) {
        let Some(InFlight { id, body }) = self.in_flight.take() else {
            return;
        };
        self.reload_outbox(step);
        let settled = self.outbox.settle_sent(
            &id,
            &body,
            outcome,
            &RetryPolicy::default(),
            step.now.epoch_ms,
            fraction(&step.now.random),
        );
        self.save_outbox(step);
        match settled {
            Some(Decision::Delivered) => {
                self.thank_for_points(step, &id, points);
                step.push(Effect::Emit(Event::Delivered { id }));
            }
            Some(Decision::Drop(reason)) => step.warn(&["response ", &id, " dropped: ", &reason]),
            // `None`: delivered by another tab, or superseded by a newer state of the
            // response while in flight (that state is sent next).
            Some(Decision::RetryAt(_)) | None => {}
        }
        self.flush(step);
    }
}
