//! Amounts of money as platforms send them (`"199.00"`, `"-10.50"`, or a JSON number) read
//! into hundredths of the currency unit, exactly (no floating point). Digits past the
//! second decimal are dropped toward zero.

use serde_json::Value;

/// An amount that is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {value:?} is not a decimal amount")]
pub struct AmountError {
    /// JSON path of the field.
    pub field: String,
    /// The text found.
    pub value: String,
}

/// Parses `text` (`-12.345` → -1234).
pub fn parse_hundredths(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut cents = 0i64;
    for (i, b) in frac.bytes().take(2).enumerate() {
        cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
    }
    let value = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -value } else { value })
}

/// The amount at `field` of `obj`: a string or a number; absent or null reads as 0.
pub fn amount(obj: &Value, key: &str, field: &str) -> Result<i64, AmountError> {
    let err = |v: &Value| AmountError {
        field: field.to_owned(),
        value: v.to_string(),
    };
    match obj.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(s)) if s.is_empty() => Ok(0),
        Some(v @ Value::String(s)) => parse_hundredths(s).ok_or_else(|| err(v)),
        Some(v @ Value::Number(n)) => parse_hundredths(&n.to_string()).ok_or_else(|| err(v)),
        Some(v) => Err(err(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(parse_hundredths("199.00"), Some(19_900));
        assert_eq!(parse_hundredths("0.5"), Some(50));
        assert_eq!(parse_hundredths("-10.50"), Some(-1_050));
        assert_eq!(parse_hundredths("12.349"), Some(1_234));
        assert_eq!(parse_hundredths("7"), Some(700));
        assert_eq!(parse_hundredths(".25"), Some(25));
        assert_eq!(parse_hundredths(""), None);
        assert_eq!(parse_hundredths("1e3"), None);
        assert_eq!(parse_hundredths("1.2.3"), None);
        assert_eq!(parse_hundredths("99999999999999999999"), None);
        let obj = serde_json::json!({"a": "1.10", "b": 2.5, "c": null, "d": [1]});
        assert_eq!(amount(&obj, "a", "a"), Ok(110));
        assert_eq!(amount(&obj, "b", "b"), Ok(250));
        assert_eq!(amount(&obj, "c", "c"), Ok(0));
        assert_eq!(amount(&obj, "zz", "zz"), Ok(0));
        assert!(amount(&obj, "d", "x.d").is_err_and(|e| e.field == "x.d"));
    }

    proptest! {
        #[test]
        fn formatted_cents_read_back(c in -1_000_000_000i64..1_000_000_000) {
            let text = format!("{}{}.{:02}", if c < 0 { "-" } else { "" }, c.abs() / 100, c.abs() % 100);
            prop_assert_eq!(parse_hundredths(&text), Some(c));
        }
    }
}
