//! The inbox's page cursor: an opaque string (URL-safe base64 of
//! `sort|risk_key|received_at|id`) naming the last row of a page. A cursor is checked
//! before use — its sort must be the request's, its key a risk or −1, its time a stored
//! instant and its id a plausible id — and refused as a 400 naming `cursor` otherwise.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::clock;
use crate::store::inbox::{InboxCursor, Sort, NO_RISK};

/// Longest id a cursor may carry (response ids are far shorter).
const MAX_ID: usize = 256;

fn tag(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest => "n",
        Sort::Risk => "r",
    }
}

/// The cursor string of `c` for pages in `sort` order.
pub fn encode(sort: Sort, c: &InboxCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}|{:?}|{}|{}",
        tag(sort),
        c.risk_key,
        c.received_at,
        c.id
    ))
}

/// The cursor `s` for pages in `sort` order; `Err` says what is wrong.
pub fn decode(sort: Sort, s: &str) -> Result<InboxCursor, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "is not a cursor this collector issued".to_owned())?;
    let text = String::from_utf8(bytes).map_err(|_| "is not a cursor".to_owned())?;
    let mut parts = text.splitn(4, '|');
    let (Some(t), Some(k), Some(at), Some(id)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("is not a cursor".to_owned());
    };
    if t != tag(sort) {
        return Err(format!(
            "was issued for another sort than {:?}",
            sort.as_str()
        ));
    }
    let risk_key: f64 = k.parse().map_err(|_| "has a bad risk key".to_owned())?;
    if !(risk_key == NO_RISK || (risk_key.is_finite() && risk_key >= 0.0)) {
        return Err("has a bad risk key".to_owned());
    }
    let ms = rapport::core::datetime::parse_rfc3339(at).ok_or("has a bad time")?;
    if clock::format_unix_millis(ms) != at {
        return Err("has a bad time".to_owned());
    }
    if id.is_empty() || id.len() > MAX_ID || id.chars().any(char::is_control) {
        return Err("has a bad id".to_owned());
    }
    Ok(InboxCursor {
        risk_key,
        received_at: at.to_owned(),
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_what_it_did_not_issue() {
        let c = InboxCursor {
            risk_key: 12.5,
            received_at: "2026-01-01T00:00:00.000Z".into(),
            id: "r|1".into(),
        };
        let s = encode(Sort::Risk, &c);
        assert_eq!(decode(Sort::Risk, &s), Ok(c));
        assert!(decode(Sort::Newest, &s).is_err());
        for bad in [
            "",
            "!!",
            "bnxub3Q",
            &URL_SAFE_NO_PAD.encode("r|nan|2026-01-01T00:00:00.000Z|x"),
            &URL_SAFE_NO_PAD.encode("r|-3|2026-01-01T00:00:00.000Z|x"),
            &URL_SAFE_NO_PAD.encode("r|1|2026-01-01|x"),
            &URL_SAFE_NO_PAD.encode("r|1|2026-01-01T00:00:00.000Z|"),
        ] {
            assert!(decode(Sort::Risk, bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(key in prop_oneof![Just(-1.0f64), 0.0f64..1e9], ms in 0i64..4_000_000_000_000, id in "[a-zA-Z0-9|_-]{1,40}") {
            let c = InboxCursor { risk_key: key, received_at: clock::format_unix_millis(ms), id };
            prop_assert_eq!(decode(Sort::Risk, &encode(Sort::Risk, &c)), Ok(c));
        }
    }
}
