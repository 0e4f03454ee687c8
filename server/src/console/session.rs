//! Console sessions: the lifetime policy (idle and absolute expiry, decided here and not
//! in SQL so that it is tested with a fake clock) and the session cookie.
//!
//! The cookie is `rapport_console=<id>; Path=/admin; HttpOnly; SameSite=Strict`, plus
//! `Secure` when the request came over https or the configured public URL is https. The
//! id is 256 random bits; the store keeps only its SHA-256. A new id is issued at every
//! sign-in (any session the browser carried is ended first), so an id planted before
//! sign-in never becomes a signed-in one.

use axum::http::{header, HeaderMap};

use crate::store::console::SessionRow;

/// Name of the session cookie.
pub const COOKIE: &str = "rapport_console";
/// A session unused this long ends (ms): 30 minutes.
pub const IDLE_MS: i64 = 30 * 60 * 1000;
/// A session ends this long after sign-in whatever its use (ms): 12 hours.
pub const ABSOLUTE_MS: i64 = 12 * 60 * 60 * 1000;
/// Activity is written back at most this often per session (ms): one write a minute, not
/// one per request.
pub const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// Whether `session` is still live at `now`.
pub fn is_live(session: &SessionRow, now: i64) -> bool {
    now < session.expires_at && now < session.last_seen_at.saturating_add(IDLE_MS)
}

/// Whether a request at `now` should record activity on `session`.
pub fn needs_touch(session: &SessionRow, now: i64) -> bool {
    now >= session.last_seen_at.saturating_add(TOUCH_EVERY_MS)
}

/// The session id the request's `Cookie` headers carry, if any.
pub fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| value)
}

/// `Set-Cookie` value that stores session `id`.
pub fn set_cookie(id: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={id}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={}{}",
        ABSOLUTE_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::console::{Role, User};
    use axum::http::HeaderValue;

    fn row(created_at: i64, last_seen_at: i64) -> SessionRow {
        SessionRow {
            id_digest: "d".into(),
            user: User {
                id: "u".into(),
                email: "a@b.c".into(),
                role: Role::Owner,
                created_at: 0,
                disabled: false,
            },
            csrf_token: "c".into(),
            created_at,
            last_seen_at,
            expires_at: created_at + ABSOLUTE_MS,
        }
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let s = row(0, 0);
        assert!(is_live(&s, IDLE_MS - 1));
        assert!(!is_live(&s, IDLE_MS));
        // Kept busy, it still ends at the absolute limit.
        let busy = row(0, ABSOLUTE_MS - 1000);
        assert!(is_live(&busy, ABSOLUTE_MS - 1));
        assert!(!is_live(&busy, ABSOLUTE_MS));
        assert!(!needs_touch(&s, TOUCH_EVERY_MS - 1));
        assert!(needs_touch(&s, TOUCH_EVERY_MS));
    }

    #[test]
    fn cookie_attributes_and_parsing() {
        let set = set_cookie("abc", false);
        assert_eq!(
            set,
            "rapport_console=abc; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=43200"
        );
        assert!(set_cookie("abc", true).ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
        let mut h = HeaderMap::new();
        assert_eq!(cookie_value(&h), None);
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; rapport_console=xyz; b=2"),
        );
        assert_eq!(cookie_value(&h), Some("xyz"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("rapport_console="));
        assert_eq!(cookie_value(&empty), None);
    }
}
