//! Calendar arithmetic without a date library: HTTP dates (`Retry-After`), RFC 3339
//! timestamps (`createdAt`). Times are milliseconds since the Unix epoch, UTC.
//!
//! For the collector, native callers and the tests: the widget reads `Retry-After` dates
//! with the browser's `Date.parse` (see `core::retry::parse_retry_after_with`), so none of
//! this is in its download.

use crate::prelude::*;

use crate::core::scan::fits as layout;

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The decimal value of `b[at..at + len]`, whose bytes `layout` checked to be digits.
fn num(b: &[u8], at: usize, len: usize) -> u32 {
    let mut n = 0;
    let mut i = at;
    while let (true, Some(&c)) = (i < at + len, b.get(i)) {
        n = n * 10 + u32::from(c.wrapping_sub(b'0'));
        i += 1;
    }
    n
}

fn to_ms(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // 60 is allowed for leap seconds and folded into the next minute.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let secs = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
    Some(days_from_civil(year, month, day) * MS_PER_DAY + secs * 1000)
}

const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
const WEEKDAYS: &[u8; 21] = b"MonTueWedThuFriSatSun";

/// Position of the three bytes `name` in a table of three-letter names.
fn name_index(table: &[u8], name: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(n) = table.get(i..i + 3) {
        if n == name {
            return Some(i / 3);
        }
        i += 3;
    }
    None
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) to epoch ms.
/// The obsolete RFC 850 and asctime forms are not accepted; servers must not send them.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let b = s.trim_ascii().as_bytes();
    if !layout(b, b"___, dd ___ dddd dd:dd:dd GMT") {
        return None;
    }
    name_index(WEEKDAYS, b.get(0..3)?)?;
    let month = name_index(MONTHS, b.get(8..11)?)? as u32 + 1;
    to_ms(
        i64::from(num(b, 12, 4)),
        month,
        num(b, 5, 2),
        num(b, 17, 2),
        num(b, 20, 2),
        num(b, 23, 2),
    )
}

/// Parses an RFC 3339 timestamp (`2026-11-22T10:00:00Z`, `2026-11-22T11:00:00.5+01:00`) to
/// epoch ms.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (head, mut rest) = b.split_at_checked(19)?;
    if !layout(head, b"dddd-dd-dd_dd:dd:dd") || !matches!(head.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let mut frac_ms = 0;
    if let Some((b'.', f)) = rest.split_first() {
        let n = f.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        // The first three digits, padded with zeros: milliseconds.
        frac_ms = num(f, 0, n.min(3)) * [100, 10, 1][n.min(3) - 1];
        rest = f.get(n..)?;
    }
    let offset_min = match rest {
        b"Z" | b"z" => 0,
        _ if layout(rest, b"_dd:dd") => {
            let (oh, om) = (num(rest, 1, 2), num(rest, 4, 2));
            let sign = match rest.first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * i64::from(oh * 60 + om)
        }
        _ => return None,
    };
    let base = to_ms(
        i64::from(num(b, 0, 4)),
        num(b, 5, 2),
        num(b, 8, 2),
        num(b, 11, 2),
        num(b, 14, 2),
        num(b, 17, 2),
    )?;
    Some(base + i64::from(frac_ms) - offset_min * 60_000)
}

/// Formats epoch ms as `2026-11-22T10:00:00.000Z`.
pub fn format_rfc3339(ms: i64) -> String {
    use crate::core::msg::push_uint_padded as push;
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (y, mo, d) = civil_from_days(days);
    let secs = in_day / 1000;
    let mut out = String::new();
    // At least four characters, the sign of a negative year included (`-001`).
    if y < 0 {
        out.push('-');
        push(&mut out, y.unsigned_abs(), 3);
    } else {
        push(&mut out, y as u64, 4);
    }
    // The rest is never negative (`rem_euclid`).
    for (sep, n, width) in [
        ('-', u64::from(mo), 2),
        ('-', u64::from(d), 2),
        ('T', (secs / 3600) as u64, 2),
        (':', (secs / 60 % 60) as u64, 2),
        (':', (secs % 60) as u64, 2),
        ('.', (in_day % 1000) as u64, 3),
    ] {
        out.push(sep);
        push(&mut out, n, width);
    }
    out.push('Z');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // RFC 9110's example; 784111777 is its Unix time.
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(parse_rfc3339("1994-11-06T08:49:37Z"), Some(784_111_777_000));
        assert_eq!(
            parse_rfc3339("1994-11-06T09:49:37.250+01:00"),
            Some(784_111_777_250)
        );
        assert_eq!(format_rfc3339(784_111_777_250), "1994-11-06T08:49:37.250Z");
    }

    #[test]
    fn malformed_dates_are_rejected() {
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-11-22 10:00",
            "2026-11-22T10:00:00",
            "2026-11-22T10:00:00+1:00",
            "2026-11-22T10:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn civil_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn rfc3339_round_trip(ms in 0i64..4_102_444_800_000) {
            prop_assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }

        /// The hand-built text equals what `format!` printed (negative and 5-digit years too).
        #[test]
        fn rfc3339_text_matches_format(ms in -400_000_000_000_000i64..400_000_000_000_000) {
            let in_day = ms.rem_euclid(MS_PER_DAY);
            let (y, mo, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
            let secs = in_day / 1000;
            let expected = format!(
                "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                in_day % 1000
            );
            prop_assert_eq!(format_rfc3339(ms), expected);
        }

        #[test]
        fn parsers_never_panic(s in ".{0,40}") {
            let _ = parse_http_date(&s);
            let _ = parse_rfc3339(&s);
        }
    }
}
