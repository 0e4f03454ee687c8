//! What the benchmark binaries (`rapport-loadgen`, `rapport-loyalty-bench`) share: their
//! `--flag value` command lines (read with `lexopt`), counts and durations given as flags,
//! latency percentiles, and keep-alive HTTP/1.1 connections to a collector.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Longest `--duration` accepted, seconds.
pub const MAX_SECONDS: f64 = 600.0;

/// A benchmark's command line: every flag takes a value (`--flag value` or `--flag=value`).
pub struct Flags {
    parser: lexopt::Parser,
    usage: &'static str,
}

impl Flags {
    /// The process's arguments; `usage` goes with every error.
    pub fn from_env(usage: &'static str) -> Flags {
        Flags {
            parser: lexopt::Parser::from_env(),
            usage,
        }
    }

    /// `args` (the program name left out), for tests.
    pub fn from_args(args: &[&str], usage: &'static str) -> Flags {
        Flags {
            parser: lexopt::Parser::from_args(args.iter().copied()),
            usage,
        }
    }

    /// The next flag and its value (`--clients`, `"32"`); `None` after the last. `-h` and
    /// `--help` are an error that is the usage alone; a flag without its value, a value
    /// without its flag, or a value that is no UTF-8 is an error naming it, then the usage.
    pub fn next_pair(&mut self) -> Result<Option<(String, String)>, String> {
        let usage = self.usage;
        let arg = self.parser.next().map_err(|e| format!("{e}\n{usage}"))?;
        let flag = match arg {
            None => return Ok(None),
            Some(lexopt::Arg::Short('h')) | Some(lexopt::Arg::Long("help")) => {
                return Err(usage.to_owned())
            }
            Some(lexopt::Arg::Long(name)) => format!("--{name}"),
            Some(other) => return Err(format!("{}\n{usage}", other.unexpected())),
        };
        let value = self
            .parser
            .value()
            .map_err(|_| format!("{flag} needs a value\n{usage}"))?
            .into_string()
            .map_err(|v| format!("{flag}: {v:?} is no UTF-8 text"))?;
        Ok(Some((flag, value)))
    }

    /// The error for a flag the benchmark does not know.
    pub fn unknown(&self, flag: &str) -> String {
        format!("unknown flag {flag}\n{}", self.usage)
    }
}

/// `value` of `flag` as a positive integer.
pub fn positive(flag: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{flag}: expected a positive integer, got {value:?}"))
}

/// `value` of `flag` as a duration in seconds, in (0, [`MAX_SECONDS`]].
pub fn seconds(flag: &str, value: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0 && *s <= MAX_SECONDS)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{flag}: expected seconds in (0, {MAX_SECONDS}], got {value:?}"))
}

/// The `p`th percentile (nearest rank) of `sorted` latencies in µs, in ms; `None` for no
/// latencies.
pub fn percentile_ms(sorted: &[u32], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = ((p / 100.0) * last as f64).round() as usize;
    Some(f64::from(sorted[rank.min(last)]) / 1000.0)
}

/// One keep-alive HTTP/1.1 connection to `addr` (Nagle off: small requests go at once);
/// the connection is driven on its own task.
pub async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USAGE: &str = "usage: bench [--clients N]";

    fn all(args: &[&str]) -> Result<Vec<(String, String)>, String> {
        let mut flags = Flags::from_args(args, USAGE);
        let mut out = Vec::new();
        while let Some(pair) = flags.next_pair()? {
            out.push(pair);
        }
        Ok(out)
    }

    #[test]
    fn flags_come_with_their_values_in_either_spelling() {
        let pairs = all(&["--clients", "8", "--url=http://a:1", "--url", "-x"]);
        let expected = [("--clients", "8"), ("--url", "http://a:1"), ("--url", "-x")]
            .map(|(f, v)| (f.to_owned(), v.to_owned()));
        assert_eq!(pairs, Ok(expected.to_vec()));
        assert_eq!(all(&[]), Ok(vec![]));
    }

    #[test]
    fn help_and_bad_lines_answer_with_the_usage() {
        assert_eq!(all(&["-h"]), Err(USAGE.to_owned()));
        assert_eq!(all(&["--clients", "2", "--help"]), Err(USAGE.to_owned()));
        assert_eq!(
            all(&["--clients"]),
            Err(format!("--clients needs a value\n{USAGE}"))
        );
        let lone = all(&["stray"]).unwrap_err();
        assert!(lone.contains("stray") && lone.ends_with(USAGE), "{lone}");
        let short = all(&["-c", "2"]).unwrap_err();
        assert!(short.contains("-c") && short.ends_with(USAGE), "{short}");
        let flags = Flags::from_args(&[], USAGE);
        assert_eq!(
            flags.unknown("--nope"),
            format!("unknown flag --nope\n{USAGE}")
        );
    }

    #[test]
    fn counts_and_durations_are_checked() {
        assert_eq!(positive("--seed", "12"), Ok(12));
        for bad in ["0", "-3", "x", ""] {
            let err = positive("--seed", bad).unwrap_err();
            assert!(
                err.starts_with("--seed: expected a positive integer"),
                "{err}"
            );
        }
        assert_eq!(
            seconds("--duration", "2.5"),
            Ok(Duration::from_millis(2500))
        );
        assert_eq!(seconds("--duration", "600"), Ok(Duration::from_secs(600)));
        for bad in ["0", "600.5", "-1", "NaN", "ten"] {
            let err = seconds("--duration", bad).unwrap_err();
            assert!(
                err.starts_with("--duration: expected seconds in (0, 600]"),
                "{err}"
            );
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let sorted: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        assert_eq!(percentile_ms(&sorted, 50.0), Some(51.0));
        assert_eq!(percentile_ms(&sorted, 99.0), Some(99.0));
        assert_eq!(percentile_ms(&sorted, 100.0), Some(100.0));
        assert_eq!(percentile_ms(&[1500], 99.0), Some(1.5));
        assert_eq!(percentile_ms(&[], 50.0), None);
    }
}
