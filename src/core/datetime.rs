//! RFC 3339 timestamps (`createdAt`) without a date library: read (the collector checks
//! them) and written (the widget stamps a response). Times are milliseconds since the Unix
//! epoch, UTC. The calendar arithmetic itself is `rapport_civil`'s, shared with the
//! metrics engine.

use crate::prelude::*;

use crate::core::scan::fits as layout;
use rapport_civil::{civil_from_days, days_from_civil, days_in_month};

const MS_PER_DAY: i64 = 86_400_000;

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
        // RFC 9110's example date; 784111777 is its Unix time.
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
            "2026-02-30T00:00:00Z",
            "2026-11-22 10:00",
            "2026-11-22T10:00:00",
            "2026-11-22T10:00:00+1:00",
            "2026-11-22T10:00:00.Z",
            "2026-11-22T24:00:00Z",
            "",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    proptest! {
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
            let _ = parse_rfc3339(&s);
        }
    }
}
