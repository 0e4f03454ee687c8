//! The configuration in force, and its reload when the `--config` file changes.
//!
//! Every collector instance reads its `--config` file at start-up and then re-reads it once
//! a second ([`watch`]); when the bytes change and the new text is a valid configuration,
//! it replaces the one in force for every later request (requests already running finish
//! with the one they started with). An invalid file is reported once and the previous
//! configuration stays. Instances that read one file (the same host, a shared volume, a
//! config map mounted into each container) therefore all follow one edit within a second
//! or so, without a restart. The rate limiter is rebuilt only when `rateLimit` changed, so
//! a reload does not refill every client's bucket. `timeouts` are read by the accept loop
//! at start-up only: a change to them takes effect at the next restart.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::config::ServerConfig;
use crate::rate_limit::RateLimiter;

/// How often [`watch`] re-reads the file.
pub const POLL: Duration = Duration::from_secs(1);

/// One consistent configuration and the limiter made from it.
#[derive(Clone)]
pub struct Snapshot {
    /// Sites and limits.
    pub config: Arc<ServerConfig>,
    /// The POST rate limiter for `config.rate_limit`.
    pub limiter: Arc<RateLimiter>,
}

/// The configuration in force, replaceable while requests read it.
pub struct LiveConfig {
    current: RwLock<Snapshot>,
}

impl LiveConfig {
    /// Starts with `config`.
    pub fn new(config: ServerConfig) -> Self {
        let limiter = Arc::new(RateLimiter::new(config.rate_limit));
        LiveConfig {
            current: RwLock::new(Snapshot {
                config: Arc::new(config),
                limiter,
            }),
        }
    }

    /// The configuration in force now.
    pub fn snapshot(&self) -> Snapshot {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts `config` in force; keeps the limiter's buckets when `rateLimit` is unchanged.
    pub fn replace(&self, config: ServerConfig) {
        let mut guard = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.config.rate_limit != config.rate_limit {
            guard.limiter = Arc::new(RateLimiter::new(config.rate_limit));
        }
        guard.config = Arc::new(config);
    }
}

/// Re-reads `path` every `every` and puts each new valid version in force. Stops when the
/// returned task is aborted.
pub fn watch(live: Arc<LiveConfig>, path: PathBuf, every: Duration) -> JoinHandle<()> {
    // The version in force is the one on disk now, before any later edit.
    let mut last = std::fs::read(&path).ok();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            // A file being replaced can be missing for a moment: try again next tick.
            let Ok(bytes) = tokio::fs::read(&path).await else {
                continue;
            };
            if last.as_deref() == Some(bytes.as_slice()) {
                continue;
            }
            let parsed = std::str::from_utf8(&bytes)
                .map_err(|e| format!("not UTF-8: {e}"))
                .and_then(|text| ServerConfig::from_json(text).map_err(|e| e.to_string()));
            match parsed {
                Ok(config) => {
                    live.replace(config);
                    eprintln!("rapport-server: config {}: reloaded", path.display());
                }
                Err(err) => eprintln!(
                    "rapport-server: config {}: not reloaded, the previous configuration stays: {err}",
                    path.display()
                ),
            }
            last = Some(bytes);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigError;

    const SITE: &str = r#"{"site":"demo","surveys":[],"origins":[],"adminToken":"secret-token"}"#;

    fn config(rate: &str) -> Result<ServerConfig, ConfigError> {
        ServerConfig::from_json(&format!(r#"{{"sites":[{SITE}]{rate}}}"#))
    }

    #[test]
    fn replace_keeps_the_limiter_unless_the_limit_changed() -> Result<(), ConfigError> {
        let live = LiveConfig::new(config("")?);
        let before = live.snapshot();
        live.replace(config("")?);
        let same = live.snapshot();
        assert!(Arc::ptr_eq(&before.limiter, &same.limiter));
        assert!(!Arc::ptr_eq(&before.config, &same.config));
        live.replace(config(r#","rateLimit":{"burst":1,"perSecond":1}"#)?);
        assert!(!Arc::ptr_eq(&before.limiter, &live.snapshot().limiter));
        Ok(())
    }

    #[tokio::test]
    async fn watch_follows_valid_edits_only() -> Result<(), Box<dyn std::error::Error>> {
        let path = std::env::temp_dir().join(format!(
            "rapport-live-config-{}-{:?}.json",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, format!(r#"{{"sites":[{SITE}]}}"#))?;
        let live = Arc::new(LiveConfig::new(ServerConfig::load(&path)?));
        let task = watch(Arc::clone(&live), path.clone(), Duration::from_millis(20));
        let other = SITE.replace("\"demo\"", "\"other\"");
        std::fs::write(&path, format!(r#"{{"sites":[{SITE},{other}]}}"#))?;
        let mut seen = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if live.snapshot().config.site("other").is_some() {
                seen = true;
                break;
            }
        }
        assert!(seen, "the edit was not picked up");
        std::fs::write(&path, "{ not json")?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            live.snapshot().config.site("other").is_some(),
            "bad edit kept out"
        );
        task.abort();
        let _ = std::fs::remove_file(&path);
        Ok(())
    }
}
