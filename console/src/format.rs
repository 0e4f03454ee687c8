//! How the console prints money, intervals, percentages and instants. Pure: the same text
//! natively and in the browser (dates in UTC, named as such).

/// Decimal places of a currency's minor unit (ISO 4217; 2 unless listed).
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "HUF" | "TWD" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => return None,
    })
}

/// An amount in minor units as a number of whole units (`124_000, "USD"` → `1240.0`).
pub fn units(minor: f64, currency: &str) -> f64 {
    minor / 10f64.powi(minor_digits(currency) as i32)
}

/// `n` with thousands separators: `1240` → `1,240`, `-5000` → `-5,000`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    match n < 0 {
        true => format!("-{out}"),
        false => out,
    }
}

/// Whole units of `minor` (rounded half away from zero).
fn whole(minor: f64, currency: &str) -> i64 {
    let scale = 10f64.powi(minor_digits(currency) as i32);
    (minor / scale).round() as i64
}

/// An amount in minor units as whole units with the currency: `124_000, "USD"` → `$1,240`,
/// `5_000, "CHF"` → `CHF 50`.
pub fn money(minor: f64, currency: &str) -> String {
    let n = whole(minor, currency);
    match symbol(currency) {
        Some(s) if n < 0 => format!("-{s}{}", grouped(-n)),
        Some(s) => format!("{s}{}", grouped(n)),
        None => format!("{currency} {}", grouped(n)),
    }
}

/// An estimate with its interval: `$1,240 (880–1,610)`; just `$1,216` when the interval has
/// no width at the precision shown.
pub fn money_interval(value: f64, low: f64, high: f64, currency: &str) -> String {
    let (low, high) = (
        grouped(whole(low, currency)),
        grouped(whole(high, currency)),
    );
    // No width at the precision shown: no interval (the fallback rule gives none).
    if low == high {
        return money(value, currency);
    }
    format!("{} ({low}–{high})", money(value, currency))
}

/// A number as the console prints a score or an answer: at most two decimals, trailing
/// zeros dropped (`3`, `4.5`, `-0.25`); not finite → `–`. Written without `f64`'s `Display`
/// (float-to-text is ~14 KB of wasm) by rounding to hundredths.
pub fn number(value: f64) -> String {
    if !value.is_finite() || value.abs() >= 9.0e15 {
        return "–".to_owned();
    }
    let hundredths = (value * 100.0).round() as i64;
    let (whole, frac) = (hundredths / 100, (hundredths % 100).unsigned_abs());
    let sign = if hundredths < 0 && whole == 0 {
        "-"
    } else {
        ""
    };
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// A share in [0, 1] as a whole percentage: `0.426` → `43%`; not finite → `–`.
pub fn percent(share: f64) -> String {
    match share.is_finite() {
        true => format!("{}%", (share * 100.0).round() as i64),
        false => "–".to_owned(),
    }
}

/// Milliseconds since the Unix epoch as `2026-12-07 10:18 UTC`.
pub fn instant(millis: i64) -> String {
    let minutes = millis.div_euclid(60_000);
    let days = minutes.div_euclid(1_440);
    let of_day = minutes.rem_euclid(1_440);
    let (y, m, d) = rapport_civil::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        of_day / 60,
        of_day % 60
    )
}

/// The first `max` characters of `text` (whole characters), with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_like_the_brief() {
        assert_eq!(
            money_interval(124_000.0, 88_000.0, 161_049.0, "USD"),
            "$1,240 (880–1,610)"
        );
        assert_eq!(
            money_interval(121_600.0, 121_600.0, 121_600.0, "USD"),
            "$1,216"
        );
        assert_eq!(money(-500_000.0, "EUR"), "-€5,000");
        assert_eq!(money(5_000.0, "CHF"), "CHF 50");
        assert_eq!(money(1_500.0, "JPY"), "¥1,500");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }

    #[test]
    fn percent_and_instant() {
        assert_eq!(percent(0.426), "43%");
        assert_eq!(percent(f64::NAN), "–");
        assert_eq!(instant(0), "1970-01-01 00:00 UTC");
        assert_eq!(instant(1_796_638_680_000), "2026-12-07 10:18 UTC");
        assert_eq!(instant(-60_000), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn numbers_without_float_display() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(4.5), "4.5");
        assert_eq!(number(-0.25), "-0.25");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(10.004), "10");
        assert_eq!(number(f64::INFINITY), "–");
    }

    #[test]
    fn excerpt_cuts_on_characters() {
        assert_eq!(excerpt("héllo world", 5), "héllo…");
        assert_eq!(excerpt("short", 10), "short");
    }
}
