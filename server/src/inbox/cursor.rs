//! The inbox's page cursor: `RISK~MS~ID`, the last row's `risk_key` (−1 for a row
//! without risk), its `received_at` in ms since the epoch and its id. Clients treat it as
//! opaque and pass it back as `cursor`. Any position is a valid place to resume from (keyset
//! pagination compares, it does not look the row up), so a cursor is checked for form only
//! — the same form the OpenAPI document states as a pattern ([`PATTERN`]) — and refused as
//! a 400 naming `cursor` otherwise.

use crate::clock;
use crate::store::inbox::{InboxCursor, NO_RISK};

/// The form of a cursor, as stated in the OpenAPI document.
pub const PATTERN: &str = r"^(-1|(0|[1-9][0-9]{0,15})(\.[0-9]{1,17})?)~(0|[1-9][0-9]{0,13})~[^\u0000-\u001F\u007F-\u009F]{1,128}$";

/// Longest id, in characters (response ids are at most 128).
const MAX_ID: usize = 128;
/// Largest time, ms (14 digits).
const MAX_MS: i64 = 99_999_999_999_999;

/// The cursor string of `c`.
pub fn encode(c: &InboxCursor) -> String {
    let ms = rapport::core::datetime::parse_rfc3339(&c.received_at).unwrap_or(0);
    let key = match c.risk_key < 0.0 {
        true => "-1".to_owned(),
        false => format!("{}", c.risk_key),
    };
    format!("{key}~{ms}~{}", c.id)
}

fn risk_key(k: &str) -> Option<f64> {
    if k == "-1" {
        return Some(NO_RISK);
    }
    let (int, frac) = k.split_once('.').unwrap_or((k, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = !int.is_empty()
        && int.len() <= 16
        && digits(int)
        && (int == "0" || !int.starts_with('0'))
        && (!k.contains('.') || (!frac.is_empty() && frac.len() <= 17 && digits(frac)));
    ok.then(|| k.parse::<f64>().ok()).flatten()
}

/// The cursor `s`; `Err` says what is wrong.
pub fn decode(s: &str) -> Result<InboxCursor, String> {
    let mut parts = s.splitn(3, '~');
    let (Some(k), Some(ms), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("is not a cursor (RISK~MS~ID)".to_owned());
    };
    let risk_key = risk_key(k).ok_or("has a bad risk key")?;
    let ms_ok = !ms.is_empty()
        && ms.len() <= 14
        && ms.bytes().all(|b| b.is_ascii_digit())
        && (ms == "0" || !ms.starts_with('0'));
    let ms: i64 = ms
        .parse()
        .ok()
        .filter(|m| ms_ok && (0..=MAX_MS).contains(m))
        .ok_or("has a bad time")?;
    if id.is_empty() || id.chars().count() > MAX_ID || id.chars().any(char::is_control) {
        return Err("has a bad id".to_owned());
    }
    Ok(InboxCursor {
        risk_key,
        received_at: clock::format_unix_millis(ms),
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::inbox::{risk_key, Triple};
    use proptest::prelude::*;

    #[test]
    fn refuses_other_forms() {
        let c = InboxCursor {
            risk_key: 12.5,
            received_at: "2026-01-01T00:00:00.000Z".into(),
            id: "r~1".into(),
        };
        assert_eq!(decode(&encode(&c)), Ok(c));
        for bad in [
            "",
            "x",
            "1~2",
            "nan~1~x",
            "-3~1~x",
            "1~-1~x",
            "01~1~x",
            "1.~1~x",
            "1~1~",
            "1~1~a\u{0}",
            "1e5~1~x",
            "1~123456789012345~x",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(key in prop_oneof![Just(None), (0.0f64..2e15).prop_map(Some)],
            ms in 0i64..4_000_000_000_000, id in "[^\\p{Cc}]{1,40}") {
            let risk = key.map(|value| Triple { value, low: value, high: value });
            let c = InboxCursor { risk_key: risk_key(risk), received_at: clock::format_unix_millis(ms), id };
            prop_assert_eq!(decode(&encode(&c)), Ok(c));
        }

        #[test]
        fn every_cursor_of_the_documented_form_is_accepted(
            s in PATTERN.trim_start_matches('^').trim_end_matches('$')
        ) {
            prop_assert!(decode(&s).is_ok(), "{}", s);
        }
    }
}
