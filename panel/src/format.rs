//! How numbers and dates read in the panel's language. The sentences in
//! [`crate::strings`] ask a [`Format`]; the shell's implementation uses the browser's `Intl`
//! (`toLocaleString` in the locale of the words on screen: `1,234` in English, `1.234` in
//! German, `١٬٢٣٤` in Arabic), and [`Plain`] is the locale-free form the native tests read.

use rapport::core::json::num_to_string;
use rapport::core::msg::{int, push_uint, push_uint_padded};

use crate::prelude::*;

/// Numbers and dates in one language.
pub trait Format {
    /// A whole number (points).
    fn int(&self, n: i64) -> String;
    /// Hundredths of the shop's currency as an amount with two decimals.
    fn amount(&self, hundredths: i64) -> String;
    /// A number as the collector gave it (an earning rate `1.5`, a percentage `10`).
    fn number(&self, v: f64) -> String;
    /// The date of an RFC 3339 timestamp (`2027-12-01T00:00:00Z`).
    fn date(&self, at: &str) -> String;
}

/// Digits without grouping, `.` as the decimal mark, dates as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Plain;

impl Format for Plain {
    fn int(&self, n: i64) -> String {
        int(n)
    }

    fn amount(&self, hundredths: i64) -> String {
        let mut out = String::from(if hundredths < 0 { "-" } else { "" });
        let v = hundredths.unsigned_abs();
        push_uint(&mut out, v / 100);
        out.push('.');
        push_uint_padded(&mut out, v % 100, 2);
        out
    }

    fn number(&self, v: f64) -> String {
        num_to_string(v)
    }

    fn date(&self, at: &str) -> String {
        at.get(..10).unwrap_or(at).into()
    }
}

/// A number of points with its sign when it adds (`+80`, `-300`, `0`).
pub fn signed(f: &dyn Format, points: i64) -> String {
    let n = f.int(points);
    if points > 0 {
        rapport::core::msg::cat(&["+", &n])
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_forms() {
        let f = Plain;
        assert_eq!(f.int(-1234), "-1234");
        assert_eq!(f.amount(-1234), "-12.34");
        assert_eq!(f.amount(5), "0.05");
        assert_eq!(f.number(1.5), "1.5");
        assert_eq!(f.number(10.0), "10");
        assert_eq!(f.date("2027-12-01T00:00:00Z"), "2027-12-01");
        assert_eq!(f.date("x"), "x");
        assert_eq!(
            (signed(&f, 80), signed(&f, -300), signed(&f, 0)),
            ("+80".into(), "-300".into(), "0".into())
        );
    }
}
