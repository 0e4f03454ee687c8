//! The persisted queue of responses not yet delivered
//! (`localStorage["rapport:{site}:outbox"]`). Each entry keeps its response id, so a retry —
//! even after a reload — is recognised by the collector as the same response.
//!
//! Entries wait out any number of retryable failures (a visitor offline for hours loses
//! nothing); one is given up only when an attempt fails once it is older than
//! [`RetryPolicy::MAX_AGE_MS`] (7 days) by its creation time, or when it is rejected for
//! good (see [`crate::core::retry`]).

use crate::prelude::*;

use crate::core::json::{Json, ObjectWriter};
use crate::core::retry::{Decision, Outcome, RetryPolicy};

/// One undelivered response.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    /// Response id (the idempotency key).
    pub id: String,
    /// The JSON body to POST.
    pub body: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Earliest time of the next attempt, epoch ms.
    pub next_attempt_ms: f64,
    /// When it was queued, epoch ms: how old it is decides when to give up.
    pub created_ms: f64,
}

/// The entry stored as `v`; `None` when a field is missing or of the wrong kind (a stored
/// record needs no error paths, only whether it is readable). Records stored before
/// `createdMs` existed read their next attempt's time as their creation time: later than
/// the truth, so they are kept longer, never shorter.
fn entry(v: &Json) -> Option<OutboxEntry> {
    let attempts = v.get("attempts")?.as_f64()?;
    // An integer from 0 to `u32::MAX` (the round trip fails for any other).
    if attempts as u32 as f64 != attempts {
        return None;
    }
    let next_attempt_ms = v.get("nextAttemptMs")?.as_f64()?;
    Some(OutboxEntry {
        id: String::from(v.get("id")?.as_str()?),
        body: String::from(v.get("body")?.as_str()?),
        attempts: attempts as u32,
        next_attempt_ms,
        created_ms: v
            .get("createdMs")
            .and_then(Json::as_f64)
            .unwrap_or(next_attempt_ms),
    })
}

/// The entries stored as `v` (an array); `None` when any is unreadable.
fn entries(v: &Json) -> Option<Vec<OutboxEntry>> {
    let mut entries = Vec::new();
    for item in v.as_array()? {
        entries.push(entry(item)?);
    }
    Some(entries)
}

/// The queue, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
}

impl Outbox {
    /// Most entries kept; the oldest goes when a new one would exceed it. Bounds what a
    /// visitor who is offline for a long time accumulates in localStorage.
    pub const MAX_ENTRIES: usize = 20;

    /// Reads the persisted record (parsed by the store); anything of another shape gives an
    /// empty outbox.
    pub fn from_value_or_default(v: &Json) -> Outbox {
        Outbox {
            entries: entries(v).unwrap_or_default(),
        }
    }

    /// The JSON to persist: `[{"id","body","attempts","nextAttemptMs","createdMs"}]`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("[");
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut w = ObjectWriter::new(&mut out);
            w.str("id", &e.id);
            w.str("body", &e.body);
            w.num("attempts", f64::from(e.attempts));
            w.num("nextAttemptMs", e.next_attempt_ms);
            w.num("createdMs", e.created_ms);
            w.end();
        }
        out.push(']');
        out
    }

    /// Makes every waiting entry due at `now_ms` at the latest, whatever its backoff said
    /// (the connection is back: the browser fired `online`). Attempt counts are kept.
    pub fn wake_all(&mut self, now_ms: f64) {
        for e in &mut self.entries {
            e.next_attempt_ms = e.next_attempt_ms.min(now_ms);
        }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Queues a response for immediate sending. A second push of the same id is ignored.
    /// Returns the entry evicted to make room, if any.
    pub fn push(&mut self, id: &str, body: String, now_ms: f64) -> Option<OutboxEntry> {
        if self.entries.iter().any(|e| e.id == id) {
            return None;
        }
        let evicted = if self.entries.len() >= Self::MAX_ENTRIES {
            self.take(0)
        } else {
            None
        };
        self.entries.push(OutboxEntry {
            id: id.to_owned(),
            body,
            attempts: 0,
            next_attempt_ms: now_ms,
            created_ms: now_ms,
        });
        evicted
    }

    /// Queues the latest state of response `id`: a new entry, or — when one with that id is
    /// waiting (a partial response the shopper has since added to or completed) — its body
    /// replaced, due now, its failures forgotten (the new body has not failed yet); its
    /// creation time and place in the queue are kept. At most one entry per id, so the
    /// collector is sent the latest state once rather than every state. Returns the entry
    /// evicted to make room, if any.
    pub fn put(&mut self, id: &str, body: String, now_ms: f64) -> Option<OutboxEntry> {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(entry) => {
                if entry.body != body {
                    entry.body = body;
                    entry.attempts = 0;
                    entry.next_attempt_ms = now_ms;
                }
                None
            }
            None => self.push(id, body, now_ms),
        }
    }

    /// [`Outbox::settle`] for the attempt that sent `sent` as entry `id`. When the entry's
    /// body is no longer `sent` (a newer state was [`Outbox::put`] while the request was in
    /// flight), the outcome concerns a superseded state: the entry is left as it is, due to
    /// be sent, and `None` is returned.
    pub fn settle_sent(
        &mut self,
        id: &str,
        sent: &str,
        outcome: Outcome,
        policy: &RetryPolicy,
        now_ms: f64,
        random: f64,
    ) -> Option<Decision> {
        let current = self.entries.iter().find(|e| e.id == id)?;
        if current.body != sent {
            return None;
        }
        self.settle(id, outcome, policy, now_ms, random)
    }

    /// Entries whose time has come, oldest first.
    pub fn due(&self, now_ms: f64) -> Vec<&OutboxEntry> {
        let mut out = Vec::new();
        for e in &self.entries {
            if e.next_attempt_ms <= now_ms {
                out.push(e);
            }
        }
        out
    }

    /// The oldest entry whose time has come (what the shell sends next).
    pub fn first_due(&self, now_ms: f64) -> Option<&OutboxEntry> {
        self.entries.iter().find(|e| e.next_attempt_ms <= now_ms)
    }

    /// Milliseconds until the next entry is due (0 if one is due now), `None` when empty.
    pub fn next_wakeup_ms(&self, now_ms: f64) -> Option<f64> {
        let mut next: Option<f64> = None;
        for e in &self.entries {
            let wait = (e.next_attempt_ms - now_ms).max(0.0);
            next = Some(next.map_or(wait, |n| n.min(wait)));
        }
        next
    }

    /// Applies the outcome of an attempt to entry `id`; `random` is a fraction in `[0, 1)`
    /// for the jitter. Returns the policy's decision, carried out: delivered and dropped
    /// entries are removed, a retried one waits until its time. `None` when there is no
    /// entry with that id (another tab may have delivered it).
    pub fn settle(
        &mut self,
        id: &str,
        outcome: Outcome,
        policy: &RetryPolicy,
        now_ms: f64,
        random: f64,
    ) -> Option<Decision> {
        let pos = self.entries.iter().position(|e| e.id == id)?;
        let entry = self.entries.get_mut(pos)?;
        let failures = entry.attempts.saturating_add(1);
        let decision = policy.classify(outcome, failures, entry.created_ms, now_ms, random);
        match decision {
            Decision::RetryAt(at) => {
                entry.attempts = failures;
                entry.next_attempt_ms = at;
            }
            _ => {
                self.take(pos);
            }
        }
        Some(decision)
    }

    /// Takes out entry `pos`, keeping the order of the others: it is swapped along to the end
    /// and popped. (Not `Vec::remove`: its out-of-range panic formats the index, pulling
    /// integer formatting into the wasm.)
    fn take(&mut self, pos: usize) -> Option<OutboxEntry> {
        let mut rest = self.entries.get_mut(pos..).filter(|r| !r.is_empty())?;
        while let [a, tail @ ..] = rest {
            if let [b, ..] = tail {
                ::core::mem::swap(a, b);
            }
            rest = tail;
        }
        self.entries.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::retry::Jitter;

    /// The outbox read back from its persisted text, as the machine does through the store
    /// (text that is no JSON is no record: an empty outbox).
    fn reload(json: &str) -> Outbox {
        crate::core::json::testing::parse(json)
            .map(|v| Outbox::from_value_or_default(&v))
            .unwrap_or_default()
    }

    /// A fake clock driving the outbox like the shell's timer would.
    struct Clock(f64);

    impl Clock {
        fn advance_to_next(&mut self, outbox: &Outbox) {
            if let Some(wait) = outbox.next_wakeup_ms(self.0) {
                self.0 += wait;
            }
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            jitter: Jitter::None,
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn offline_then_online_delivers_once_with_the_same_id() {
        let mut clock = Clock(1_000.0);
        let mut outbox = Outbox::default();
        outbox.push("r-1", "{\"id\":\"r-1\"}".into(), clock.0);
        outbox.push("r-1", "duplicate".into(), clock.0);
        assert_eq!(outbox.entries().len(), 1);

        let mut sent_at = Vec::new();
        for _ in 0..3 {
            let due: Vec<String> = outbox.due(clock.0).iter().map(|e| e.id.clone()).collect();
            assert_eq!(due, ["r-1"]);
            sent_at.push(clock.0);
            outbox.settle("r-1", Outcome::NetworkError, &policy(), clock.0, 0.0);
            assert!(outbox.due(clock.0).is_empty());
            clock.advance_to_next(&outbox);
        }
        assert_eq!(sent_at, [1_000.0, 2_000.0, 4_000.0]);
        assert_eq!(outbox.entries()[0].attempts, 3);

        // Persist across a "reload".
        let mut outbox = reload(&outbox.to_json());
        assert_eq!(outbox.due(clock.0)[0].body, "{\"id\":\"r-1\"}");
        let ok = Outcome::Http {
            status: 200,
            retry_after: None,
        };
        assert_eq!(
            outbox.settle("r-1", ok, &policy(), clock.0, 0.0),
            Some(Decision::Delivered)
        );
        assert!(outbox.is_empty());
        assert_eq!(outbox.next_wakeup_ms(clock.0), None);
        assert_eq!(outbox.settle("r-1", ok, &policy(), clock.0, 0.0), None);
    }

    #[test]
    fn rejected_responses_are_dropped_with_a_reason() {
        let mut outbox = Outbox::default();
        outbox.push("bad", "{}".into(), 0.0);
        let s = outbox.settle(
            "bad",
            Outcome::Http {
                status: 400,
                retry_after: None,
            },
            &policy(),
            0.0,
            0.0,
        );
        assert!(
            matches!(s, Some(Decision::Drop(ref r)) if r.starts_with("HTTP 400")),
            "{s:?}"
        );
        assert!(outbox.is_empty());
    }

    #[test]
    fn retry_after_from_a_rate_limit_is_followed() {
        let mut outbox = Outbox::default();
        outbox.push("r", "{}".into(), 0.0);
        let rl = Outcome::Http {
            status: 429,
            retry_after: Some(60_000.0),
        };
        assert_eq!(
            outbox.settle("r", rl, &policy(), 0.0, 0.0),
            Some(Decision::RetryAt(60_000.0))
        );
        assert_eq!(outbox.next_wakeup_ms(10_000.0), Some(50_000.0));
    }

    #[test]
    fn capacity_evicts_the_oldest_and_garbage_reads_as_empty() {
        let mut outbox = Outbox::default();
        for i in 0..Outbox::MAX_ENTRIES {
            assert_eq!(outbox.push(&format!("r{i}"), String::new(), 0.0), None);
        }
        let evicted = outbox.push("new", String::new(), 0.0).map(|e| e.id);
        assert_eq!(evicted.as_deref(), Some("r0"));
        assert_eq!(outbox.entries().len(), Outbox::MAX_ENTRIES);
        assert!(reload("[{\"id\":1}]").is_empty());
        assert!(reload("{\"id\":\"r\"}").is_empty());
    }

    #[test]
    fn wake_all_makes_every_entry_due_and_round_trips() {
        let mut outbox = Outbox::default();
        outbox.push("a", "{\"x\":\"\u{0}\u{202e}\"}".into(), 100.0);
        outbox.push("b", "{}".into(), 100.0);
        outbox.settle("a", Outcome::NetworkError, &policy(), 100.0, 0.0);
        outbox.settle("b", Outcome::NetworkError, &policy(), 100.0, 0.0);
        assert!(outbox.due(200.0).is_empty());
        outbox.wake_all(200.0);
        assert_eq!(outbox.due(200.0).len(), 2);
        assert_eq!(outbox.entries()[0].attempts, 1, "attempts are kept");
        assert_eq!(reload(&outbox.to_json()), outbox);
    }

    #[test]
    fn offline_for_days_keeps_the_response_until_it_is_a_week_old() {
        const DAY: f64 = 86_400_000.0;
        let start = 1_800_000_000_000.0;
        let mut clock = Clock(start);
        let mut outbox = Outbox::default();
        outbox.push("r", "{}".into(), clock.0);
        // Offline: every attempt is a network error, as the shell's timer drives them.
        let mut failures = 0;
        while clock.0 < start + 7.0 * DAY {
            assert_eq!(outbox.first_due(clock.0).map(|e| e.id.as_str()), Some("r"));
            let settled = outbox.settle("r", Outcome::NetworkError, &policy(), clock.0, 0.0);
            assert!(matches!(settled, Some(Decision::RetryAt(_))), "{settled:?}");
            failures += 1;
            if clock.0 < start + 3_600_000.0 {
                assert!(failures < 40, "an hour offline takes few attempts");
            }
            // Persisted and read back between attempts, like the shell does.
            outbox = reload(&outbox.to_json());
            clock.advance_to_next(&outbox);
        }
        // Far more attempts than the old limit of 25, and nothing lost.
        assert!(failures > 2_000, "{failures}");
        assert_eq!(outbox.entries()[0].attempts, failures);
        assert_eq!(outbox.entries()[0].created_ms, start);
        // The first failure after the 7th day gives it up, with a reason for the console.
        assert_eq!(
            outbox.settle("r", Outcome::NetworkError, &policy(), clock.0, 0.0),
            Some(Decision::Drop(
                "not delivered within 7 days; giving up".into()
            ))
        );
        assert!(outbox.is_empty());
    }

    #[test]
    fn the_network_coming_back_after_days_offline_delivers() {
        const DAY: f64 = 86_400_000.0;
        let mut outbox = Outbox::default();
        outbox.push("r", "{}".into(), 0.0);
        let mut now = 0.0;
        while now < 6.0 * DAY {
            outbox.settle("r", Outcome::NetworkError, &policy(), now, 0.5);
            now += 300_000.0;
        }
        outbox.wake_all(now);
        let ok = Outcome::Http {
            status: 201,
            retry_after: None,
        };
        assert_eq!(outbox.due(now).len(), 1);
        assert_eq!(
            outbox.settle("r", ok, &policy(), now, 0.5),
            Some(Decision::Delivered)
        );
    }

    #[test]
    fn put_keeps_one_entry_per_id_with_the_latest_body() {
        let mut outbox = Outbox::default();
        outbox.push("older", "{}".into(), 0.0);
        assert_eq!(outbox.put("r", "partial".into(), 10.0), None);
        outbox.settle("r", Outcome::NetworkError, &policy(), 10.0, 0.0);
        assert_eq!(outbox.entries()[1].attempts, 1);
        // The same body again changes nothing (its backoff stands).
        outbox.put("r", "partial".into(), 11.0);
        assert_eq!(outbox.entries()[1].attempts, 1);
        // A newer state replaces the body in place, due now, failures forgotten.
        outbox.put("r", "final".into(), 20.0);
        let ids: Vec<&str> = outbox.entries().iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["older", "r"]);
        let entry = &outbox.entries()[1];
        assert_eq!(
            (entry.body.as_str(), entry.attempts, entry.next_attempt_ms),
            ("final", 0, 20.0)
        );
        assert_eq!(
            entry.created_ms, 10.0,
            "its age counts from the first state"
        );
    }

    #[test]
    fn an_outcome_for_a_superseded_state_leaves_the_newer_one_to_send() {
        let ok = Outcome::Http {
            status: 201,
            retry_after: None,
        };
        let mut outbox = Outbox::default();
        outbox.put("r", "partial".into(), 0.0);
        // "partial" is in flight when the shopper completes the survey.
        outbox.put("r", "final".into(), 1.0);
        assert_eq!(
            outbox.settle_sent("r", "partial", ok, &policy(), 2.0, 0.0),
            None
        );
        assert_eq!(
            outbox.first_due(2.0).map(|e| e.body.as_str()),
            Some("final")
        );
        assert_eq!(
            outbox.settle_sent("r", "final", ok, &policy(), 3.0, 0.0),
            Some(Decision::Delivered)
        );
        assert!(outbox.is_empty());
    }

    #[test]
    fn records_without_a_creation_time_still_load() {
        // The format before `createdMs`: the next attempt's time stands in for it.
        let old = r#"[{"id":"r-1","body":"{}","attempts":30,"nextAttemptMs":5000}]"#;
        let outbox = reload(old);
        assert_eq!(
            outbox.entries(),
            [OutboxEntry {
                id: "r-1".into(),
                body: "{}".into(),
                attempts: 30,
                next_attempt_ms: 5_000.0,
                created_ms: 5_000.0,
            }]
        );
        // An unreadable creation time is no reason to lose the response either.
        let odd = r#"[{"id":"r","body":"{}","attempts":0,"nextAttemptMs":7,"createdMs":"x"}]"#;
        assert_eq!(reload(odd).entries()[0].created_ms, 7.0);
        // And the new format round-trips the field.
        let mut outbox = Outbox::default();
        outbox.push("n", "{}".into(), 42.0);
        outbox.settle("n", Outcome::NetworkError, &policy(), 1_000.0, 0.0);
        let json = outbox.to_json();
        assert!(json.contains("\"createdMs\":42"), "{json}");
        assert_eq!(reload(&json), outbox);
    }
}
