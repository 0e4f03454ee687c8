//! Export cursors: the position of one row in export order `(received_at, id)`, handed to
//! clients as an opaque URL-safe token (`?after=…`). The token is the base64url form of
//! `received_at`, a line feed and the id (ids never hold control characters).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A row's position in export order; a page resumes strictly after it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    /// The row's `received_at` (`2026-11-22T10:00:00.123Z`).
    pub received_at: String,
    /// The row's response id.
    pub id: String,
}

/// A token that is not a cursor this server made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "after: {0:?} is not a cursor from this export (use the `cursor` of a row or the Link header)"
)]
pub struct CursorError(pub String);

impl Cursor {
    /// The opaque token.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}\n{}", self.received_at, self.id))
    }

    /// Reads a token made by [`Cursor::encode`].
    pub fn decode(token: &str) -> Result<Cursor, CursorError> {
        let bad = || CursorError(token.chars().take(64).collect());
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (received_at, id) = text.split_once('\n').ok_or_else(bad)?;
        let well_formed = received_at.len() == 24
            && rapport::core::datetime::parse_rfc3339(received_at).is_some()
            && !id.is_empty()
            && !id.contains(char::is_control);
        if !well_formed {
            return Err(bad());
        }
        Ok(Cursor {
            received_at: received_at.to_owned(),
            id: id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_id() -> Result<(), CursorError> {
        for id in ["r1", "a,b&c=d/é 🙂", "x".repeat(128).as_str()] {
            let c = Cursor {
                received_at: "2026-11-22T10:00:00.123Z".into(),
                id: id.into(),
            };
            let token = c.encode();
            assert!(token
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
            assert_eq!(Cursor::decode(&token)?, c);
        }
        Ok(())
    }

    #[test]
    fn rejects_foreign_tokens() {
        let enc = |s: &str| URL_SAFE_NO_PAD.encode(s);
        for token in [
            "".to_owned(),
            "!!".to_owned(),
            enc("no separator"),
            enc("2026-11-22\nid"),
            enc("2026-11-22T10:00:00.123Z\n"),
            enc("2026-11-22T10:00:00.123Z\na\u{0}b"),
        ] {
            assert!(Cursor::decode(&token).is_err(), "{token}");
        }
    }

    #[test]
    fn orders_like_the_export() {
        let c = |t: &str, id: &str| Cursor {
            received_at: t.into(),
            id: id.into(),
        };
        assert!(c("2026-01-01T00:00:00.000Z", "b") < c("2026-01-01T00:00:00.001Z", "a"));
        assert!(c("2026-01-01T00:00:00.000Z", "a") < c("2026-01-01T00:00:00.000Z", "b"));
    }
}
