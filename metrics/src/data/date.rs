//! Timestamp parsing for every date format the ingestion accepts.
//!
//! Timestamps are `i64` seconds since 1970-01-01T00:00:00Z. Date-only values
//! mean midnight. Offsets (`Z`, `+02:00`, `+0000`) are applied when
//! [`OffsetPolicy::Utc`] is chosen (the default) or dropped with
//! [`OffsetPolicy::Local`], which keeps the wall-clock time as written — useful
//! when "same day" should mean the merchant's calendar day.

use rapport_civil::days_in_month;
use serde::{Deserialize, Serialize};

/// Seconds in one day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Which textual date format a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateFormat {
    /// Detect: ISO 8601 (`2024-01-05`, `2024-01-05T10:00:00Z`,
    /// `2024-01-05 10:00:00 +0000`), `YYYYMMDD` (8 digits), epoch seconds (9
    /// or 10 digits, 1973–2286) or milliseconds (13 digits); any other run of
    /// digits is rejected. Slash dates (`DD/MM/YYYY` or `MM/DD/YYYY`, optional
    /// `HH:MM[:SS]`) are decided for the whole column by the readers: a value
    /// whose first number is above 12 makes the column day-first, one whose
    /// second is makes it month-first, and a column whose every value could be
    /// either (`03/04/2024`) is an error asking for the format. On a single
    /// value ([`parse_timestamp`]) an ambiguous slash date is an error.
    #[default]
    Auto,
    /// ISO 8601 / RFC 3339 and the Shopify variant `YYYY-MM-DD HH:MM:SS +0000`.
    Iso8601,
    /// `YYYYMMDD` (the CDNOW data).
    Compact,
    /// `MM/DD/YYYY[ HH:MM[:SS]]`.
    MonthFirst,
    /// `DD/MM/YYYY[ HH:MM[:SS]]`.
    DayFirst,
    /// Integer seconds since the Unix epoch.
    EpochSeconds,
}

/// What to do with an explicit UTC offset in a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OffsetPolicy {
    /// Convert to UTC (`10:00 -0500` becomes `15:00`).
    #[default]
    Utc,
    /// Keep the local wall-clock time and ignore the offset.
    Local,
}

/// Why a timestamp could not be read; the caller adds the row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text matches none of the accepted layouts.
    #[error("not a recognised date/time")]
    Unrecognised,
    /// The layout was right but a component is out of range (month 13, Feb 30, 25:00).
    #[error("date/time component out of range")]
    OutOfRange,
    /// A run of digits that is no known format (e.g. `1997011`: not `YYYYMMDD`,
    /// too short for epoch seconds).
    #[error("digits that are no known date format (YYYYMMDD, epoch seconds with 9–10 digits, milliseconds with 13)")]
    UnknownDigits,
    /// A slash date that reads as two different days (`03/04/2024`).
    #[error("ambiguous: could be day-first or month-first")]
    Ambiguous,
}

/// A `DD/MM/YYYY` or `MM/DD/YYYY` value read before knowing which: its two
/// leading numbers, the year and the time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlashDate {
    first: u32,
    second: u32,
    year: i64,
    seconds: i64,
}

impl SlashDate {
    /// `Some(true)` if only the day-first reading can be a date (first number
    /// above 12), `Some(false)` if only month-first can, `None` if both can.
    pub(crate) fn evidence(&self) -> Option<bool> {
        match (self.first > 12, self.second > 12) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }

    /// The instant, read day-first or month-first.
    pub(crate) fn resolve(&self, day_first: bool) -> Result<i64, DateError> {
        let (m, d) = if day_first {
            (self.second, self.first)
        } else {
            (self.first, self.second)
        };
        Ok(checked_days(self.year, m, d)? * SECONDS_PER_DAY + self.seconds)
    }
}

/// What [`DateFormat::Auto`] makes of one value: an instant, or a slash date
/// whose order the column decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AutoDate {
    /// Unambiguous.
    At(i64),
    /// Day-first or month-first: see [`SlashDate::evidence`].
    Slash(SlashDate),
}

/// Parses one value in the `Auto` format, leaving slash dates undecided.
pub(crate) fn parse_auto(text: &[u8], offsets: OffsetPolicy) -> Result<AutoDate, DateError> {
    let s = text.trim_ascii();
    if !s.is_empty() && s.iter().all(u8::is_ascii_digit) {
        return match s.len() {
            8 => parse_compact(s).map(AutoDate::At),
            9 | 10 => parse_epoch(s).map(AutoDate::At),
            13 => {
                let ms = s
                    .iter()
                    .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
                Ok(AutoDate::At(ms.div_euclid(1000)))
            }
            _ => Err(DateError::UnknownDigits),
        };
    }
    if s.len() >= 10 && s[4] == b'-' {
        parse_iso(s, offsets).map(AutoDate::At)
    } else if s.contains(&b'/') {
        split_slash(s).map(AutoDate::Slash)
    } else {
        Err(DateError::Unrecognised)
    }
}

/// Day numbers of civil dates and back (Howard Hinnant's algorithms): the calendar
/// arithmetic the whole workspace shares, in `rapport_civil`.
pub use rapport_civil::{civil_from_days, days_from_civil};

/// Day number (days since 1970-01-01) of a timestamp, flooring negatives.
pub fn day_of(timestamp: i64) -> i64 {
    timestamp.div_euclid(SECONDS_PER_DAY)
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn checked_days(year: i64, month: u32, day: u32) -> Result<i64, DateError> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(DateError::OutOfRange);
    }
    Ok(days_from_civil(year, month, day))
}

/// Exactly `YYYY-MM-DD`, the usual date of order exports, as seconds:
/// the same value as [`parse_timestamp`] gives it in the `Auto` and
/// `Iso8601` formats. `None` for any other text, valid date or not.
///
/// Branch-light and in `u32` arithmetic (four-digit years are never
/// negative), since it runs once per order.
#[inline]
pub(crate) fn parse_iso_day(s: &[u8]) -> Option<i64> {
    let s: &[u8; 10] = s.try_into().ok()?;
    // SWAR: bytes 4 and 7 must be '-', the others digits.
    const DASHES: u64 = 0xFF << 32 | 0xFF << 56;
    let w = u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
    let tail = u64::from_le_bytes([s[8], s[9], b'0', b'0', b'0', b'0', b'0', b'0']);
    let head = (w & !DASHES) | (0x30 << 32 | 0x30 << 56);
    if (w & DASHES) != (0x2D << 32 | 0x2D << 56) || !all_digits(head) || !all_digits(tail) {
        return None;
    }
    let d = |x: u64, i: u32| ((x >> (8 * i)) & 0x0F) as u32;
    let y = d(head, 0) * 1000 + d(head, 1) * 100 + d(head, 2) * 10 + d(head, 3);
    let m = d(head, 5) * 10 + d(head, 6);
    let day = d(tail, 0) * 10 + d(tail, 1);
    let leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0));
    // Months of 31 days have their bit set in 0x15AA.
    let month_len = match m {
        2 => 28 + u32::from(leap),
        _ => 30 + ((0x15AA >> m) & 1),
    };
    if (m.wrapping_sub(1) > 11) | (day == 0) | (day > month_len) {
        return None;
    }
    // days_from_civil with March-based years shifted by 400 so all is unsigned.
    let yy = y + 400 - u32::from(m <= 2);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let days = 365 * yy + yy / 4 - yy / 100 + yy / 400 + (153 * mp + 2) / 5 + day - 1;
    // 865_565 is that count on 1970-01-01.
    Some((i64::from(days) - 865_565) * SECONDS_PER_DAY)
}

/// Whether all eight bytes of `x` are ASCII digits: high nibble 3, and
/// adding 6 does not carry out of the low nibble (no carry crosses bytes).
#[inline(always)]
fn all_digits(x: u64) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    (x & HIGH) == THREES && (x.wrapping_add(0x0606_0606_0606_0606) & HIGH) == THREES
}

/// Parses a run of exactly `n` ASCII digits at the start of `s`.
fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() < n {
        return None;
    }
    let mut v = 0u32;
    for &b in &s[..n] {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

/// Parses a timestamp in `format` (see [`DateFormat`]); surrounding spaces are ignored.
///
/// ```
/// use rapport_metrics::data::date::{parse_timestamp, DateFormat, OffsetPolicy};
/// let t = parse_timestamp(b"2024-01-05 10:00:00 -0500", DateFormat::Auto, OffsetPolicy::Utc).unwrap();
/// assert_eq!(t, parse_timestamp(b"2024-01-05T15:00:00Z", DateFormat::Auto, OffsetPolicy::Utc).unwrap());
/// ```
pub fn parse_timestamp(
    text: &[u8],
    format: DateFormat,
    offsets: OffsetPolicy,
) -> Result<i64, DateError> {
    let s = text.trim_ascii();
    match format {
        DateFormat::Auto => match parse_auto(s, offsets)? {
            AutoDate::At(t) => Ok(t),
            AutoDate::Slash(d) => match d.evidence() {
                Some(day_first) => d.resolve(day_first),
                None => Err(DateError::Ambiguous),
            },
        },
        DateFormat::Iso8601 => parse_iso(s, offsets),
        DateFormat::Compact => parse_compact(s),
        DateFormat::MonthFirst => parse_slash(s, false),
        DateFormat::DayFirst => parse_slash(s, true),
        DateFormat::EpochSeconds => parse_epoch(s),
    }
}

fn parse_compact(s: &[u8]) -> Result<i64, DateError> {
    if s.len() != 8 {
        return Err(DateError::Unrecognised);
    }
    let y = digits(s, 4).ok_or(DateError::Unrecognised)?;
    let m = digits(&s[4..], 2).ok_or(DateError::Unrecognised)?;
    let d = digits(&s[6..], 2).ok_or(DateError::Unrecognised)?;
    Ok(checked_days(i64::from(y), m, d)? * SECONDS_PER_DAY)
}

fn parse_epoch(s: &[u8]) -> Result<i64, DateError> {
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    // 12 digits covers ±31,000 years; more is not a date.
    if body.is_empty() || body.len() > 12 || !body.iter().all(u8::is_ascii_digit) {
        return Err(DateError::Unrecognised);
    }
    let v = body
        .iter()
        .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
    Ok(if neg { -v } else { v })
}

/// `HH:MM[:SS[.fraction]]`; returns seconds of day and the bytes consumed.
fn parse_clock(s: &[u8]) -> Result<(i64, usize), DateError> {
    let h = digits(s, 2).ok_or(DateError::Unrecognised)?;
    if s.get(2) != Some(&b':') {
        return Err(DateError::Unrecognised);
    }
    let mi = digits(&s[3..], 2).ok_or(DateError::Unrecognised)?;
    let mut used = 5;
    let mut sec = 0;
    if s.get(5) == Some(&b':') {
        sec = digits(&s[6..], 2).ok_or(DateError::Unrecognised)?;
        used = 8;
        if matches!(s.get(8), Some(b'.') | Some(b',')) {
            used = 9;
            while s.get(used).is_some_and(u8::is_ascii_digit) {
                used += 1;
            }
            if used == 9 {
                return Err(DateError::Unrecognised);
            }
        }
    }
    // 60 is a leap second; it is folded into the next minute.
    if h > 23 || mi > 59 || sec > 60 {
        return Err(DateError::OutOfRange);
    }
    Ok((i64::from(h * 3600 + mi * 60 + sec), used))
}

/// `Z`, `+HH:MM`, `+HHMM`, `+HH` (also `-`), possibly after one space.
fn parse_offset(s: &[u8]) -> Result<i64, DateError> {
    let s = s.trim_ascii_start();
    match s {
        b"Z" | b"z" => return Ok(0),
        [] => return Ok(0),
        _ => {}
    }
    let sign = match s[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return Err(DateError::Unrecognised),
    };
    let rest = &s[1..];
    let (h, m) = match rest.len() {
        2 => (digits(rest, 2), Some(0)),
        4 => (digits(rest, 2), digits(&rest[2..], 2)),
        5 if rest[2] == b':' => (digits(rest, 2), digits(&rest[3..], 2)),
        _ => (None, None),
    };
    let (h, m) = h.zip(m).ok_or(DateError::Unrecognised)?;
    if h > 23 || m > 59 {
        return Err(DateError::OutOfRange);
    }
    Ok(sign * i64::from(h * 3600 + m * 60))
}

fn parse_iso(s: &[u8], offsets: OffsetPolicy) -> Result<i64, DateError> {
    let y = digits(s, 4).ok_or(DateError::Unrecognised)?;
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return Err(DateError::Unrecognised);
    }
    let m = digits(&s[5..], 2).ok_or(DateError::Unrecognised)?;
    let d = digits(&s[8..], 2).ok_or(DateError::Unrecognised)?;
    let days = checked_days(i64::from(y), m, d)?;
    let mut t = days * SECONDS_PER_DAY;
    let rest = &s[10..];
    if rest.is_empty() {
        return Ok(t);
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return Err(DateError::Unrecognised);
    }
    let (clock, used) = parse_clock(&rest[1..])?;
    t += clock;
    let offset = parse_offset(&rest[1 + used..])?;
    if offsets == OffsetPolicy::Utc {
        t -= offset;
    }
    Ok(t)
}

fn parse_slash(s: &[u8], day_first: bool) -> Result<i64, DateError> {
    split_slash(s)?.resolve(day_first)
}

/// `A/B/YYYY[ HH:MM[:SS]]` into its parts, the order of A and B left open.
fn split_slash(s: &[u8]) -> Result<SlashDate, DateError> {
    let (date, time) = match s.iter().position(|&b| b == b' ' || b == b'T') {
        Some(i) => (&s[..i], Some(s[i + 1..].trim_ascii())),
        None => (s, None),
    };
    let mut parts = date.split(|&b| b == b'/');
    let mut num = |max_len: usize| -> Result<u32, DateError> {
        let p = parts.next().ok_or(DateError::Unrecognised)?;
        if p.is_empty() || p.len() > max_len {
            return Err(DateError::Unrecognised);
        }
        digits(p, p.len()).ok_or(DateError::Unrecognised)
    };
    let a = num(2)?;
    let b = num(2)?;
    let y = num(4)?;
    if parts.next().is_some() || y < 1000 {
        return Err(DateError::Unrecognised);
    }
    if a == 0 || b == 0 || (a > 12 && b > 12) || a > 31 || b > 31 {
        return Err(DateError::OutOfRange);
    }
    let mut seconds = 0;
    if let Some(time) = time {
        // Allow a one-digit hour (`9:05`), as spreadsheets write it.
        let padded;
        let time = if time.get(1) == Some(&b':') {
            padded = [b"0", time].concat();
            &padded[..]
        } else {
            time
        };
        let (clock, used) = parse_clock(time)?;
        if used != time.len() {
            return Err(DateError::Unrecognised);
        }
        seconds = clock;
    }
    Ok(SlashDate {
        first: a,
        second: b,
        year: i64::from(y),
        seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(s: &str) -> Result<i64, DateError> {
        parse_timestamp(s.as_bytes(), DateFormat::Auto, OffsetPolicy::Utc)
    }

    #[test]
    fn civil_round_trip_over_four_centuries() {
        for days in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn all_layouts_agree_on_one_instant() {
        let midnight = days_from_civil(1997, 3, 25) * SECONDS_PER_DAY;
        assert_eq!(auto("19970325"), Ok(midnight));
        assert_eq!(auto("1997-03-25"), Ok(midnight));
        assert_eq!(auto("03/25/1997"), Ok(midnight));
        assert_eq!(
            parse_timestamp(b"25/03/1997", DateFormat::DayFirst, OffsetPolicy::Utc),
            Ok(midnight)
        );
        assert_eq!(auto(&midnight.to_string()), Ok(midnight));
        let ten = midnight + 10 * 3600;
        assert_eq!(auto("1997-03-25T10:00:00Z"), Ok(ten));
        assert_eq!(auto("1997-03-25T12:00:00+02:00"), Ok(ten));
        assert_eq!(auto("1997-03-25 05:00:00 -0500"), Ok(ten));
        assert_eq!(auto("1997-03-25T10:00:00.123Z"), Ok(ten));
        assert_eq!(auto("1997-03-25 10:00"), Ok(ten));
        assert_eq!(auto("3/25/1997 10:00"), Ok(ten));
        assert_eq!(
            parse_timestamp(
                b"1997-03-25 05:00:00 -0500",
                DateFormat::Auto,
                OffsetPolicy::Local
            ),
            Ok(midnight + 5 * 3600)
        );
    }

    #[test]
    fn exact_iso_day_agrees_with_the_general_parser() {
        for s in [
            "2024-02-29",
            "2023-02-29",
            "1997-03-25",
            "0000-01-01",
            "9999-12-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-04-31",
            "2024-12-31",
            "1900-02-29",
            "2000-02-29",
            "2024-1-010",
            "2024-01-0a",
            "2024/01/01",
            "20240101",
            " 2024-01-01",
        ] {
            if let Some(t) = parse_iso_day(s.as_bytes()) {
                assert_eq!(auto(s), Ok(t), "{s}");
            } else {
                assert!(
                    auto(s).is_err() || s.len() != 10 || s.starts_with(' '),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn exact_iso_day_matches_days_from_civil_everywhere() {
        for y in (0..10_000).step_by(3).chain(1995..2035) {
            for m in 1..=12 {
                for d in [1, 15, 28, 29, 30, 31] {
                    let s = format!("{y:04}-{m:02}-{d:02}");
                    let want = checked_days(y, m, d).ok().map(|x| x * SECONDS_PER_DAY);
                    assert_eq!(parse_iso_day(s.as_bytes()), want, "{s}");
                }
            }
        }
    }

    #[test]
    fn rejects_nonsense_without_panicking() {
        for bad in [
            "",
            "2024-13-01",
            "2024-02-30",
            "20240230",
            "2024-01-01T25:00",
            "yesterday",
            "12/31",
            "2024-01-01X",
            "2024-01-01T10:00+5",
            "1/2/3",
            "99999999999999",
            "2024-01-01T",
            "1997011",
            "12345",
            "-86400",
            "03/04/2024",
            "13/13/2024",
            "00/12/2024",
        ] {
            assert!(auto(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(auto("1997011"), Err(DateError::UnknownDigits));
        assert_eq!(auto("03/04/2024"), Err(DateError::Ambiguous));
        // The explicit formats read what Auto cannot decide.
        let april = days_from_civil(2024, 4, 3) * SECONDS_PER_DAY;
        assert_eq!(
            parse_timestamp(b"03/04/2024", DateFormat::DayFirst, OffsetPolicy::Utc),
            Ok(april)
        );
        assert_eq!(auto("1704067200123"), Ok(1_704_067_200));
        assert_eq!(
            parse_timestamp(b"86400", DateFormat::EpochSeconds, OffsetPolicy::Utc),
            Ok(86_400)
        );
        assert_eq!(auto("2023-02-29"), Err(DateError::OutOfRange));
        assert!(auto("2024-02-29").is_ok());
    }
}
