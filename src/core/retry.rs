//! When to retry a failed delivery: exponential backoff with jitter, `Retry-After`, which
//! outcomes are worth retrying at all, and when to give up.
//!
//! Retryable failures (network errors, 408, 429, 5xx except 501/505) never use up a count
//! of attempts: a page left open offline fails every attempt, and the response must
//! survive that. An entry is given up only once it is older than
//! [`RetryPolicy::MAX_AGE_MS`] (7 days) by its creation time; the failure count only
//! drives the backoff.

use crate::prelude::*;

/// How the random fraction spreads a backoff delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Anywhere in `[0, delay]`: spreads a crowd of clients best.
    Full,
    /// Anywhere in `[delay/2, delay]`: never retries too soon.
    Equal,
    /// Exactly `delay` (for tests and debugging).
    None,
}

/// Backoff settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Delay after the first failure, ms.
    pub base_ms: f64,
    /// Growth per further failure.
    pub factor: f64,
    /// Longest backoff delay, ms.
    pub cap_ms: f64,
    /// Longest wait honoured from a `Retry-After` header, ms.
    pub retry_after_cap_ms: f64,
    /// Jitter mode.
    pub jitter: Jitter,
}

impl Default for RetryPolicy {
    /// 1 s, doubling, capped at 5 min; `Retry-After` honoured up to 1 h; equal jitter (a
    /// retry never comes sooner than half the nominal delay); given up after 7 days.
    fn default() -> Self {
        RetryPolicy {
            base_ms: 1_000.0,
            factor: 2.0,
            cap_ms: 300_000.0,
            retry_after_cap_ms: 3_600_000.0,
            jitter: Jitter::Equal,
        }
    }
}

/// What happened to one delivery attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// No HTTP response (offline, DNS, CORS, aborted).
    NetworkError,
    /// An HTTP response.
    Http {
        /// Status code.
        status: u16,
        /// The wait its `Retry-After` header asks for, ms, if it has a readable one (what
        /// [`parse_retry_after_with`] makes of it).
        retry_after: Option<f64>,
    },
}

/// What to do with the entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Stored by the collector (2xx, including a duplicate): remove it.
    Delivered,
    /// Try again at this time, epoch ms.
    RetryAt(f64),
    /// Give up and remove it; the reason is for a `console.warn`.
    Drop(String),
}

/// The wait a `Retry-After` value asks for, ms: delta-seconds (`120`) or an HTTP date
/// relative to `now_ms`, read by `http_date` (epoch ms, `None` when unreadable). A date in
/// the past means 0; unparseable means `None`. The widget passes the browser's `Date.parse`,
/// which ECMAScript requires to read the IMF-fixdate form (`Date.prototype.toUTCString`'s),
/// so no date parser is in its download; it is more lenient with malformed dates, as
/// RFC 9110 allows a recipient to be.
pub fn parse_retry_after_with(
    value: &str,
    now_ms: f64,
    http_date: impl Fn(&str) -> Option<f64>,
) -> Option<f64> {
    let v = value.trim_ascii();
    let b = v.as_bytes();
    // Delta-seconds read by hand in a double (no `str::parse` machinery, one index loop):
    // exact up to 2^53 seconds; longer digit strings mean "a long time" and hit the cap
    // (`f64::MAX` at most).
    let mut secs = 0.0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            return http_date(v).map(|at| (at - now_ms).max(0.0));
        }
        secs = secs * 10.0 + f64::from(c - b'0');
        i += 1;
    }
    match i {
        0 => None,
        _ => Some((secs * 1000.0).min(f64::MAX)),
    }
}

impl RetryPolicy {
    /// An entry is given up once an attempt fails when it is older than this (7 days), ms
    /// since its creation: by age, not by attempts, which pile up quickly while offline.
    /// (A constant rather than a setting: the console message names it.)
    pub const MAX_AGE_MS: f64 = 7.0 * 86_400_000.0;

    /// The nominal delay after `failures` failed attempts (1 = first failure), before jitter:
    /// `base · factor^(failures-1)`, capped.
    pub fn nominal_ms(&self, failures: u32) -> f64 {
        // Multiplied out (no `powi` without std); stops early once a growing delay is capped.
        let mut delay = self.base_ms;
        for _ in 1..failures.min(1025) {
            if delay >= self.cap_ms && self.factor >= 1.0 {
                break;
            }
            delay *= self.factor;
        }
        delay.min(self.cap_ms)
    }

    /// The jittered delay; `random` is a fraction in `[0, 1)` from the host's RNG.
    pub fn backoff_ms(&self, failures: u32, random: f64) -> f64 {
        let d = self.nominal_ms(failures);
        let r = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.5
        };
        match self.jitter {
            Jitter::Full => d * r,
            Jitter::Equal => d / 2.0 + d / 2.0 * r,
            Jitter::None => d,
        }
    }

    /// Decides what to do after an attempt at an entry created at `created_ms`. `failures`
    /// counts failed attempts including this one if it failed; `random` is a fraction in
    /// `[0, 1)`.
    ///
    /// Retried: network errors, 408, 429 and 5xx except 501 and 505, however many times,
    /// until the entry is older than [`RetryPolicy::MAX_AGE_MS`]. Dropped: every other
    /// status (4xx mean the body will never be accepted). Delivered: 2xx.
    ///
    /// ```
    /// use rapport::core::retry::{Decision, Outcome, RetryPolicy, Jitter};
    /// let p = RetryPolicy { jitter: Jitter::None, ..RetryPolicy::default() };
    /// let (created, now) = (0.0, 1_000_000.0);
    /// assert_eq!(p.classify(Outcome::Http { status: 201, retry_after: None }, 1, created, now, 0.5), Decision::Delivered);
    /// assert_eq!(p.classify(Outcome::NetworkError, 3, created, now, 0.5), Decision::RetryAt(now + 4_000.0));
    /// assert_eq!(p.classify(Outcome::Http { status: 429, retry_after: Some(30_000.0) }, 1, created, now, 0.5),
    ///            Decision::RetryAt(now + 30_000.0));
    /// assert!(matches!(p.classify(Outcome::Http { status: 400, retry_after: None }, 1, created, now, 0.5), Decision::Drop(_)));
    /// let week_later = created + 7.0 * 86_400_000.0 + 1.0;
    /// assert!(matches!(p.classify(Outcome::NetworkError, 3, created, week_later, 0.5), Decision::Drop(_)));
    /// ```
    // Inlined (with `Outbox::settle`) where the shell passes the default policy: its
    // constants fold into the code (measured −67 B gzip in the widget).
    pub fn classify(
        &self,
        outcome: Outcome,
        failures: u32,
        created_ms: f64,
        now_ms: f64,
        random: f64,
    ) -> Decision {
        let retry_after = match outcome {
            Outcome::Http { status, .. } if (200..300).contains(&status) => {
                return Decision::Delivered
            }
            Outcome::NetworkError => None,
            Outcome::Http {
                status,
                retry_after,
            } => {
                let retryable = status == 408
                    || status == 429
                    || ((500..600).contains(&status) && status != 501 && status != 505);
                if !retryable {
                    return Decision::Drop(drop_reason(status));
                }
                retry_after
            }
        };
        if now_ms - created_ms > Self::MAX_AGE_MS {
            return Decision::Drop(String::from("not delivered within 7 days; giving up"));
        }
        let backoff = self.backoff_ms(failures, random);
        let wait = match retry_after {
            // The server's wish wins when it asks for longer; a short or zero Retry-After
            // does not let a client hammer it faster than the backoff.
            Some(ra) => ra.min(self.retry_after_cap_ms).max(backoff),
            None => backoff,
        };
        Decision::RetryAt(now_ms + wait)
    }
}

fn drop_reason(status: u16) -> String {
    use crate::core::msg::{subst, uint};
    let what = match status {
        400 => "the collector rejected the response as invalid",
        401 | 403 => "the collector refused this origin",
        404 => "unknown site or endpoint",
        409 => "the response does not fit the survey as the collector has it configured",
        413 => "the response is too large",
        _ if (300..400).contains(&status) => "unexpected redirect",
        _ => "the collector will not accept it",
    };
    subst("HTTP {}: {}; not retrying", &uint(u64::from(status)), what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: f64 = 1_800_000_000_000.0;

    /// The HTTP dates these tests send (`Sun, 22 Nov 2026 hh:mm:ss GMT`), read as the
    /// browser's `Date.parse` reads them; any other text is unreadable.
    fn http_date(date: &str) -> Option<f64> {
        let time = date
            .strip_prefix("Sun, 22 Nov 2026 ")?
            .strip_suffix(" GMT")?;
        let mut parts = time.split(':').map(|p| p.parse::<i64>().ok());
        let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
        let day = rapport_civil::days_from_civil(2026, 11, 22);
        Some((((day * 24 + h) * 60 + m) * 60 + s) as f64 * 1000.0)
    }

    /// `Retry-After` read as the widget reads it.
    fn parse_retry_after(value: &str, now: f64) -> Option<f64> {
        parse_retry_after_with(value, now, http_date)
    }

    fn fixed() -> RetryPolicy {
        RetryPolicy {
            jitter: Jitter::None,
            ..RetryPolicy::default()
        }
    }

    /// An HTTP outcome at [`NOW`], its `Retry-After` read as the shell reads it.
    fn http(status: u16, retry_after: Option<&str>) -> Outcome {
        http_at(status, retry_after, NOW)
    }

    /// An HTTP outcome received at `now`.
    fn http_at(status: u16, retry_after: Option<&str>, now: f64) -> Outcome {
        Outcome::Http {
            status,
            retry_after: retry_after.and_then(|v| parse_retry_after(v, now)),
        }
    }

    #[test]
    fn status_classes() {
        let p = fixed();
        for s in [200, 201, 204] {
            assert_eq!(
                p.classify(http(s, None), 1, NOW, NOW, 0.0),
                Decision::Delivered,
                "{s}"
            );
        }
        for s in [408, 429, 500, 502, 503, 504, 599] {
            assert!(
                matches!(
                    p.classify(http(s, None), 1, NOW, NOW, 0.0),
                    Decision::RetryAt(_)
                ),
                "{s}"
            );
        }
        for s in [301, 400, 401, 403, 404, 409, 413, 422, 501, 505] {
            assert!(
                matches!(
                    p.classify(http(s, None), 1, NOW, NOW, 0.0),
                    Decision::Drop(_)
                ),
                "{s}"
            );
        }
        let Decision::Drop(reason) = p.classify(http(413, None), 1, NOW, NOW, 0.0) else {
            panic!("413 must drop");
        };
        assert_eq!(reason, "HTTP 413: the response is too large; not retrying");
    }

    #[test]
    fn backoff_doubles_to_the_cap() {
        let p = fixed();
        let waits: Vec<f64> = (1..=11)
            .map(
                |n| match p.classify(Outcome::NetworkError, n, NOW, NOW, 0.3) {
                    Decision::RetryAt(at) => at - NOW,
                    d => panic!("{d:?}"),
                },
            )
            .collect();
        assert_eq!(
            waits,
            [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3, 256e3, 300e3, 300e3]
        );
    }

    #[test]
    fn retryable_failures_never_run_out_of_attempts_only_age_drops() {
        let p = fixed();
        let day = 86_400_000.0;
        // However many failures: still retried at the capped backoff while young.
        for failures in [25, 1_000, u32::MAX] {
            assert_eq!(
                p.classify(Outcome::NetworkError, failures, NOW, NOW + day, 0.3),
                Decision::RetryAt(NOW + day + 300e3),
                "{failures}"
            );
            assert_eq!(
                p.classify(http(503, None), failures, NOW, NOW + day, 0.3),
                Decision::RetryAt(NOW + day + 300e3),
                "{failures}"
            );
        }
        // Exactly 7 days old is still retried; a millisecond more is given up.
        assert!(matches!(
            p.classify(Outcome::NetworkError, 3, NOW, NOW + 7.0 * day, 0.3),
            Decision::RetryAt(_)
        ));
        let gave_up = Decision::Drop("not delivered within 7 days; giving up".into());
        for outcome in [Outcome::NetworkError, http(429, Some("1")), http(500, None)] {
            assert_eq!(
                p.classify(outcome, 1, NOW, NOW + 7.0 * day + 1.0, 0.3),
                gave_up,
                "{outcome:?}"
            );
        }
        // Age decides nothing for final outcomes.
        let old = NOW + 30.0 * day;
        assert_eq!(
            p.classify(http(200, None), 9, NOW, old, 0.3),
            Decision::Delivered
        );
        assert!(matches!(
            p.classify(http(400, None), 9, NOW, old, 0.3),
            Decision::Drop(ref r) if r.starts_with("HTTP 400")
        ));
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured_and_capped() {
        let p = fixed();
        let at = |ra: &str, failures| p.classify(http(503, Some(ra)), failures, NOW, NOW, 0.0);
        assert_eq!(at("120", 1), Decision::RetryAt(NOW + 120_000.0));
        assert_eq!(
            at("999999", 1),
            Decision::RetryAt(NOW + 3_600_000.0),
            "capped at 1 h"
        );
        assert_eq!(
            at("99999999999999999999999", 1),
            Decision::RetryAt(NOW + 3_600_000.0)
        );
        assert_eq!(
            at("0", 4),
            Decision::RetryAt(NOW + 8_000.0),
            "never below the backoff"
        );
        assert_eq!(
            at("soon", 1),
            Decision::RetryAt(NOW + 1_000.0),
            "garbage is ignored"
        );
        // A fake clock at a known HTTP date.
        let now = http_date("Sun, 22 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(
            p.classify(
                http_at(429, Some("Sun, 22 Nov 2026 10:02:30 GMT"), now),
                1,
                now,
                now,
                0.0
            ),
            Decision::RetryAt(now + 150_000.0)
        );
        assert_eq!(
            p.classify(
                http_at(429, Some("Sun, 22 Nov 2026 09:00:00 GMT"), now),
                1,
                now,
                now,
                0.0
            ),
            Decision::RetryAt(now + 1_000.0),
            "a past date means now, then the backoff applies"
        );
        assert_eq!(parse_retry_after(" 7 ", 0.0), Some(7_000.0));
        assert_eq!(parse_retry_after("-1", 0.0), None);
    }

    #[test]
    fn the_date_reader_is_the_callers() {
        use ::core::cell::RefCell;
        // The widget passes the browser's `Date.parse`; here a reader that records what it
        // is asked and knows one date.
        let asked = RefCell::new(Vec::new());
        let reader = |date: &str| {
            asked.borrow_mut().push(String::from(date));
            (date == "then").then_some(NOW + 5_000.0)
        };
        assert_eq!(
            parse_retry_after_with(" then ", NOW, reader),
            Some(5_000.0),
            "trimmed, relative to now"
        );
        assert_eq!(
            parse_retry_after_with("then", NOW + 9e3, reader),
            Some(0.0),
            "a past date means no wait"
        );
        assert_eq!(parse_retry_after_with("never", NOW, reader), None);
        assert_eq!(parse_retry_after_with("120", NOW, reader), Some(120_000.0));
        assert_eq!(parse_retry_after_with("", NOW, reader), None);
        // Delta-seconds never reach the date reader.
        assert_eq!(*asked.borrow(), ["then", "then", "never"]);
        // An IMF-fixdate is relative to now.
        let date = "Sun, 22 Nov 2026 10:02:30 GMT";
        let at = http_date(date).unwrap();
        assert_eq!(at, 1_795_341_750_000.0);
        assert_eq!(parse_retry_after(date, at - 150_000.0), Some(150_000.0));
    }

    #[test]
    fn jitter_modes() {
        let full = RetryPolicy {
            jitter: Jitter::Full,
            ..RetryPolicy::default()
        };
        let equal = RetryPolicy::default();
        assert_eq!(full.backoff_ms(3, 0.0), 0.0);
        assert_eq!(full.backoff_ms(3, 0.5), 2_000.0);
        assert_eq!(equal.backoff_ms(3, 0.0), 2_000.0);
        assert_eq!(equal.backoff_ms(3, 1.0), 4_000.0);
        assert_eq!(equal.backoff_ms(3, f64::NAN), 3_000.0);
    }

    proptest! {
        #[test]
        fn backoff_is_monotone_to_the_cap_and_within_jitter_bounds(
            failures in 1u32..2000, r in 0.0f64..1.0, full in any::<bool>(),
        ) {
            let p = RetryPolicy { jitter: if full { Jitter::Full } else { Jitter::Equal }, ..RetryPolicy::default() };
            let d = p.nominal_ms(failures);
            prop_assert!(d <= p.cap_ms);
            prop_assert!(p.nominal_ms(failures + 1) >= d);
            let b = p.backoff_ms(failures, r);
            let low = if full { 0.0 } else { d / 2.0 };
            prop_assert!(b >= low && b <= d, "{} not in [{}, {}]", b, low, d);
        }

        #[test]
        fn retryable_outcomes_are_kept_for_a_week_whatever_the_count(
            status in prop_oneof![Just(408u16), Just(429), 500u16..600, Just(0)],
            failures in any::<u32>(), age in 0.0f64..=604_800_000.0, r in 0.0f64..1.0,
        ) {
            prop_assume!(status != 501 && status != 505);
            let p = RetryPolicy::default();
            let outcome = if status == 0 { Outcome::NetworkError } else { http(status, None) };
            let d = p.classify(outcome, failures, NOW, NOW + age, r);
            prop_assert!(matches!(d, Decision::RetryAt(_)), "{:?}", d);
        }

        #[test]
        fn retry_never_earlier_than_now_nor_later_than_an_hour(
            status in 100u16..600, ra in proptest::option::of("[0-9]{0,12}|.{0,30}"),
            failures in 1u32..30, r in 0.0f64..1.0,
        ) {
            let p = RetryPolicy::default();
            if let Decision::RetryAt(at) = p.classify(http(status, ra.as_deref()), failures, NOW, NOW, r) {
                prop_assert!(at >= NOW && at <= NOW + p.retry_after_cap_ms.max(p.cap_ms));
            }
        }
    }
}
