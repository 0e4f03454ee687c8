//! Sending the outbox: one request at a time, oldest due entry first, each outcome settled
//! by the core retry policy, one timer for the next due retry.
//!
//! The outbox is re-read from storage before each step because another tab of the same
//! site may have added or delivered entries (the collector deduplicates by id).

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::Response;

use crate::core::outbox::Outbox;
use crate::core::retry::{parse_retry_after_with, Decision, Outcome, RetryPolicy};
use crate::core::storage::Slot;

use super::super::timer::Timeout;
use super::super::{env, log, transport};
use super::{object, App, RETRY, SENT};

/// Delivery state: the entry in flight and the retry timer.
#[derive(Default)]
pub struct Delivery {
    in_flight: Option<String>,
    retry: Option<Timeout>,
}

impl App {
    /// Re-reads the outbox from storage (another tab may have changed it).
    pub(super) fn reload_outbox(&mut self) {
        if let Some(json) = self.load(Slot::Outbox) {
            self.outbox = Outbox::from_value_or_default(&json);
        }
    }

    /// Persists the outbox (before any send, so a reload never loses a response).
    pub(super) fn save_outbox(&self) {
        self.save(Slot::Outbox, &self.outbox.to_json());
    }

    /// Sends the oldest due entry, or arms the timer for the next one.
    pub(super) fn flush(&mut self) {
        if self.delivery.in_flight.is_some() {
            return;
        }
        self.delivery.retry = None;
        self.reload_outbox();
        let now = env::now_ms();
        let Some(entry) = self.outbox.first_due(now) else {
            if let Some(wait) = self.outbox.next_wakeup_ms(now) {
                self.delivery.retry = Some(self.timer(wait, RETRY));
            }
            return;
        };
        let mut url = self.options.endpoint.clone();
        url.push_str("/v1/responses");
        transport::post_json(&url, &entry.body, &self.handler, SENT);
        self.delivery.in_flight = Some(entry.id.clone());
    }

    /// The connection is back: every waiting entry is due now, whatever its backoff said.
    #[inline(never)]
    pub(super) fn retry_now(&mut self) {
        self.reload_outbox();
        self.outbox.wake_all(env::now_ms());
        self.save_outbox();
        self.flush();
    }

    /// The request in flight got `sent`: the `Response`, or why there was none.
    #[inline(never)]
    pub(super) fn settle(&mut self, sent: &JsValue) {
        let Some(id) = self.delivery.in_flight.take() else {
            return;
        };
        self.reload_outbox();
        let now = env::now_ms();
        // A `Response`, or the rejection reason of a request that got none.
        let outcome = match sent.dyn_ref::<Response>() {
            Some(response) => Outcome::Http {
                status: response.status(),
                // HTTP dates read by the browser's `Date.parse` (see `parse_retry_after_with`).
                retry_after: response
                    .headers()
                    .get("retry-after")
                    .ok()
                    .flatten()
                    .and_then(|value| parse_retry_after_with(&value, now, env::parse_date)),
            },
            None => Outcome::NetworkError,
        };
        let settled = self.outbox.settle(
            &id,
            outcome,
            &RetryPolicy::default(),
            now,
            js_sys::Math::random(),
        );
        self.save_outbox();
        match settled {
            Some(Decision::Delivered) => {
                self.emit("delivered", object(&[("id", id.as_str().into())]))
            }
            Some(Decision::Drop(reason)) => log::warn(&["response ", &id, " dropped: ", &reason]),
            Some(Decision::RetryAt(_)) | None => {}
        }
        self.flush();
    }
}
