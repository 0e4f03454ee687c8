//! The first owner: a one-time setup link. When no console user exists the server prints
//! one at start-up; `rapport-server setup-link` prints a new one at any time (a lost owner
//! password is recovered the same way, by creating another owner). The token is 256 random
//! bits, stored only as its SHA-256, valid for [`LIFETIME_MS`] and used at most once: `POST
//! /admin/api/setup` marks it used and creates the owner in one transaction. The token sits
//! in the link's fragment (`/admin/setup#token=…`), which browsers never send to a server,
//! so it stays out of access logs and `Referer` headers.

use super::error::ConsoleError;
use super::secret;
use crate::store::ResponseStore;

/// How long a setup link stays valid (ms): 24 hours.
pub const LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// A setup link just issued.
#[derive(Debug, Clone)]
pub struct SetupLink {
    /// The token (shown once; only its digest is stored).
    pub token: String,
    /// Valid until, ms since the epoch.
    pub expires_at: i64,
}

impl SetupLink {
    /// The link under `base` (the public URL, or `http://` and the listen address).
    pub fn url(&self, base: &str) -> String {
        format!(
            "{}/admin/setup#token={}",
            base.trim_end_matches('/'),
            self.token
        )
    }
}

/// Issues and stores a new setup link, valid from `now` (ms).
pub async fn issue(store: &dyn ResponseStore, now: i64) -> Result<SetupLink, ConsoleError> {
    let token = secret::token()?;
    let expires_at = now.saturating_add(LIFETIME_MS);
    store
        .console()
        .add_setup_token(secret::digest(&token), now, expires_at)
        .await?;
    Ok(SetupLink { token, expires_at })
}

/// Issues a link when the console has no user yet (first start); `None` otherwise.
pub async fn issue_if_no_user(
    store: &dyn ResponseStore,
    now: i64,
) -> Result<Option<SetupLink>, ConsoleError> {
    if store.console().user_count().await? > 0 {
        return Ok(None);
    }
    issue(store, now).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_carries_the_token_in_the_fragment() {
        let link = SetupLink {
            token: "tok".into(),
            expires_at: 0,
        };
        assert_eq!(
            link.url("https://c.example/"),
            "https://c.example/admin/setup#token=tok"
        );
    }
}
