//! Instants as the collector's APIs write them: milliseconds since the Unix epoch, or an
//! RFC 3339 timestamp (`2026-12-07T11:55:57.080Z`, the inbox's `receivedAt`). Pure: parsed
//! to milliseconds, which [`crate::format::instant`] prints.

use serde::Deserializer;

/// Milliseconds since the epoch of an RFC 3339 timestamp (`YYYY-MM-DDTHH:MM:SS`, optional
/// fraction, then `Z` or `±HH:MM`); `None` when `text` is not one.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = text.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u32::try_from(day).ok()?;
    if day == 0 || day > rapport_civil::days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0i64;
    if sep(at, b".") {
        at += 1;
        let digits = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let first3 = &text[at..at + digits.min(3)];
        millis = format!("{first3:0<3}").parse().ok()?;
        at += digits;
    }
    let offset_minutes = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if at + 6 == b.len() && sep(at + 3, b":") => {
            let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let days = rapport_civil::days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Serde `deserialize_with` for an instant given either way (a number of milliseconds or
/// an RFC 3339 string).
pub fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("milliseconds since the epoch or an RFC 3339 timestamp")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom("instant out of range"))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
            // A JavaScript number read through serde-wasm-bindgen: whole milliseconds only.
            match v.fract() == 0.0 && v.abs() < 9.0e15 {
                true => Ok(v as i64),
                false => Err(E::custom(format!("not whole milliseconds: {v}"))),
            }
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
            parse_rfc3339(v).ok_or_else(|| E::custom(format!("not an RFC 3339 timestamp: {v:?}")))
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_collectors_form_and_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5Z"), Some(1_500));
        assert_eq!(
            parse_rfc3339("2026-12-07T11:55:57.080Z"),
            Some(1_796_644_557_080)
        );
        assert_eq!(
            parse_rfc3339("2026-12-07T12:55:57.080123+01:00"),
            Some(1_796_644_557_080)
        );
        assert_eq!(
            parse_rfc3339("2026-12-07T06:55:57.080-05:00"),
            Some(1_796_644_557_080)
        );
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for bad in [
            "",
            "2026-12-07",
            "2026-13-07T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-12-07T24:00:00Z",
            "2026-12-07T00:00:00",
            "2026-12-07T00:00:00.Z",
            "2026-12-07T00:00:00Zx",
            "2026-12-07T00:00:00+0100",
            "+026-12-07T00:00:00Z",
            "２026-12-07T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn deserialises_either_form() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(deserialize_with = "millis")]
            at: i64,
        }
        let n: T = serde_json::from_str(r#"{"at":5}"#).unwrap();
        let f: T = serde_json::from_str(r#"{"at":5.0}"#).unwrap();
        assert_eq!(f.at, 5);
        assert!(serde_json::from_str::<T>(r#"{"at":5.5}"#).is_err());
        let s: T = serde_json::from_str(r#"{"at":"1970-01-01T00:00:00.005Z"}"#).unwrap();
        assert_eq!((n.at, s.at), (5, 5));
        let bad = serde_json::from_str::<T>(r#"{"at":"yesterday"}"#).map(|t| t.at);
        assert!(bad.unwrap_err().to_string().contains("yesterday"));
    }

    proptest! {
        #[test]
        fn round_trips_what_format_prints(ms in 0i64..4_102_444_800_000) {
            let days = ms.div_euclid(86_400_000);
            let of_day = ms.rem_euclid(86_400_000);
            let (y, m, d) = rapport_civil::civil_from_days(days);
            let text = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
                of_day / 3_600_000,
                of_day / 60_000 % 60,
                of_day / 1_000 % 60,
                of_day % 1_000
            );
            prop_assert_eq!(parse_rfc3339(&text), Some(ms));
        }
    }
}
