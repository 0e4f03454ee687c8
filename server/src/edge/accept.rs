//! What the accept loop does when `accept()` fails: the decision, with no socket and no
//! clock inside. A failed accept of one connection (reset or aborted before it was taken)
//! is skipped at once. Anything else (above all EMFILE/ENFILE, out of file descriptors)
//! leaves the pending connection in the kernel's queue, so retrying at once would spin a
//! core: the loop pauses, doubling from [`FIRST_PAUSE`] to [`MAX_PAUSE`], and says so on
//! stderr, at most once per [`LOG_EVERY`] with the number of failures in between.

use std::io;
use std::time::{Duration, Instant};

/// First pause after a resource error.
pub const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// Longest pause between attempts.
pub const MAX_PAUSE: Duration = Duration::from_secs(1);
/// Shortest interval between two log lines.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// What to do after one failed accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// Wait this long before accepting again.
    pub pause: Duration,
    /// Print this line to stderr, if any.
    pub log: Option<String>,
}

/// Backoff and log throttling across consecutive accept failures.
#[derive(Debug, Default)]
pub struct AcceptBackoff {
    pause: Option<Duration>,
    last_log: Option<Instant>,
    unlogged: u64,
}

impl AcceptBackoff {
    /// A connection was accepted: the next failure starts from the shortest pause again.
    pub fn succeeded(&mut self) {
        self.pause = None;
    }

    /// Decides what to do about `err`, observed at `now`.
    pub fn failed(&mut self, err: &io::Error, now: Instant) -> Reaction {
        if is_per_connection(err) {
            return Reaction {
                pause: Duration::ZERO,
                log: None,
            };
        }
        let pause = self.pause.map_or(FIRST_PAUSE, |p| (p * 2).min(MAX_PAUSE));
        self.pause = Some(pause);
        let due = self
            .last_log
            .is_none_or(|last| now.saturating_duration_since(last) >= LOG_EVERY);
        let log = if due {
            let hint = if is_out_of_descriptors(err) {
                " (out of file descriptors: connections wait in the listen queue until some close; raise `ulimit -n` or lower the timeouts)"
            } else {
                ""
            };
            let repeats = match self.unlogged {
                0 => String::new(),
                n => format!("; {n} more failures since the last report"),
            };
            self.last_log = Some(now);
            self.unlogged = 0;
            Some(format!(
                "rapport-server: accept failed: {err}{hint}{repeats}; retrying in {} ms",
                pause.as_millis()
            ))
        } else {
            self.unlogged += 1;
            None
        };
        Reaction { pause, log }
    }
}

/// The error concerns one incoming connection only (the peer gave up before the accept).
fn is_per_connection(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// EMFILE (per process) or ENFILE (system-wide).
fn is_out_of_descriptors(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(23 | 24))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emfile() -> io::Error {
        io::Error::from_raw_os_error(24)
    }

    #[test]
    fn per_connection_errors_are_skipped_without_pause_or_log() {
        let mut b = AcceptBackoff::default();
        let r = b.failed(
            &io::Error::from(io::ErrorKind::ConnectionAborted),
            Instant::now(),
        );
        assert_eq!(r.pause, Duration::ZERO);
        assert_eq!(r.log, None);
    }

    #[test]
    fn resource_errors_back_off_doubling_up_to_the_cap() {
        let mut b = AcceptBackoff::default();
        let t0 = Instant::now();
        let pauses: Vec<Duration> = (0..10).map(|_| b.failed(&emfile(), t0).pause).collect();
        assert_eq!(pauses[0], FIRST_PAUSE);
        assert_eq!(pauses[1], FIRST_PAUSE * 2);
        assert!(pauses.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(pauses[9], MAX_PAUSE);
        b.succeeded();
        assert_eq!(b.failed(&emfile(), t0).pause, FIRST_PAUSE);
    }

    #[test]
    fn logs_once_per_interval_with_a_count() {
        let mut b = AcceptBackoff::default();
        let t0 = Instant::now();
        let first = b.failed(&emfile(), t0).log.unwrap_or_default();
        assert!(first.contains("out of file descriptors"), "{first}");
        for _ in 0..5 {
            assert_eq!(b.failed(&emfile(), t0 + Duration::from_secs(1)).log, None);
        }
        let later = b.failed(&emfile(), t0 + LOG_EVERY).log.unwrap_or_default();
        assert!(later.contains("5 more failures"), "{later}");
    }
}
