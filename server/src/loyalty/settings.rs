//! The parts of a site's `loyalty` configuration beyond the earning rules: `expiry`,
//! `tiers`, `rewards` and `outboundWebhook`, read from JSON into the pure rule types, with
//! errors naming the member at fault (the collector's config module adds the path prefix).

use serde_json::{Map, Value};

use super::expiry::ExpiryPolicy;
use super::money::parse_hundredths;
use super::tiers::{Tier, TierBasis, Tiers};

/// A member that is missing or wrong: its path below `loyalty` and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingError {
    /// Path below `loyalty`, e.g. `tiers.levels[1].threshold`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// An error at `field`.
pub fn err(field: impl Into<String>, message: impl Into<String>) -> SettingError {
    SettingError {
        field: field.into(),
        message: message.into(),
    }
}

/// Refuses the first member of `obj` not in `known`, naming it.
pub fn only_known(at: &str, obj: &Map<String, Value>, known: &[&str]) -> Result<(), SettingError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(err(
            format!("{at}.{key}"),
            format!("unknown key; expected one of {}", known.join(", ")),
        )),
    }
}

/// `v` as an object, or an error naming `at`.
pub fn object<'a>(
    at: &str,
    v: &'a Value,
    shape: &str,
) -> Result<&'a Map<String, Value>, SettingError> {
    v.as_object()
        .ok_or_else(|| err(at, format!("must be an object {shape}")))
}

/// A whole number from `min` to `max` at `obj[key]`.
pub fn whole(
    at: &str,
    obj: &Map<String, Value>,
    key: &str,
    min: u64,
    max: u64,
) -> Result<Option<u64>, SettingError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| {
                err(
                    format!("{at}.{key}"),
                    format!("must be a whole number from {min} to {max}"),
                )
            }),
    }
}

/// Members of `expiry`.
const EXPIRY_KEYS: &[&str] = &["inactivityDays"];

/// `expiry`: `{"inactivityDays": n}`, longer than the return window (so every point is
/// spendable before it can expire).
pub fn expiry(v: &Value, return_window_days: u32) -> Result<ExpiryPolicy, SettingError> {
    let obj = object("expiry", v, "{inactivityDays}")?;
    only_known("expiry", obj, EXPIRY_KEYS)?;
    let min = u64::from(return_window_days) + 1;
    let days = whole("expiry", obj, "inactivityDays", min, 3650)?.ok_or_else(|| {
        err(
            "expiry.inactivityDays",
            format!("must be a whole number from {min} to 3650 (longer than returnWindowDays)"),
        )
    })?;
    Ok(ExpiryPolicy {
        inactivity_days: days as u32,
    })
}

/// Members of `tiers`.
const TIERS_KEYS: &[&str] = &["basis", "windowDays", "levels"];
/// Members of one level.
const LEVEL_KEYS: &[&str] = &["name", "threshold", "multiplier"];

/// `tiers`: `{"basis": "points" | "spend", "windowDays": n, "levels": [{name, threshold,
/// multiplier}]}`; levels by strictly ascending threshold, the first at 0; a spend
/// threshold is a decimal amount (`"250.00"`), a points threshold a whole number.
pub fn tiers(v: &Value) -> Result<Tiers, SettingError> {
    let obj = object("tiers", v, "{basis, windowDays, levels}")?;
    only_known("tiers", obj, TIERS_KEYS)?;
    let basis = match obj.get("basis") {
        None => TierBasis::Points,
        Some(Value::String(b)) if b == "points" => TierBasis::Points,
        Some(Value::String(b)) if b == "spend" => TierBasis::Spend,
        Some(_) => return Err(err("tiers.basis", "must be \"points\" or \"spend\"")),
    };
    let window_days = whole("tiers", obj, "windowDays", 1, 3650)?.unwrap_or(365) as u32;
    let list = obj
        .get("levels")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty() && l.len() <= 20)
        .ok_or_else(|| err("tiers.levels", "must be an array of 1 to 20 levels"))?;
    let mut levels: Vec<Tier> = Vec::with_capacity(list.len());
    for (i, level) in list.iter().enumerate() {
        let at = format!("tiers.levels[{i}]");
        let l = object(&at, level, "{name, threshold, multiplier}")?;
        only_known(&at, l, LEVEL_KEYS)?;
        let name = match l.get("name") {
            Some(Value::String(n)) if !n.trim().is_empty() && n.chars().count() <= 60 => n.clone(),
            _ => {
                return Err(err(
                    format!("{at}.name"),
                    "must be a non-empty string of at most 60 characters",
                ))
            }
        };
        if levels.iter().any(|t| t.name == name) {
            return Err(err(
                format!("{at}.name"),
                format!("duplicate level {name:?}"),
            ));
        }
        let threshold = threshold(&format!("{at}.threshold"), l.get("threshold"), basis)?;
        let first = levels.is_empty();
        if first && threshold != 0 {
            return Err(err(
                format!("{at}.threshold"),
                "the first level's threshold must be 0",
            ));
        }
        if levels.last().is_some_and(|t| t.threshold >= threshold) {
            return Err(err(
                format!("{at}.threshold"),
                "thresholds must increase from level to level",
            ));
        }
        let multiplier = match l.get("multiplier") {
            None => 1.0,
            Some(m) => m
                .as_f64()
                .filter(|m| m.is_finite() && (0.0..=100.0).contains(m))
                .ok_or_else(|| err(format!("{at}.multiplier"), "must be a number from 0 to 100"))?,
        };
        levels.push(Tier {
            name,
            threshold,
            multiplier,
        });
    }
    Ok(Tiers {
        basis,
        window_days,
        levels,
    })
}

fn threshold(at: &str, v: Option<&Value>, basis: TierBasis) -> Result<i64, SettingError> {
    const MAX: i64 = 1_000_000_000_000;
    let parsed = match (basis, v) {
        (TierBasis::Points, Some(Value::Number(n))) => n.as_i64(),
        (TierBasis::Spend, Some(Value::String(s))) => parse_hundredths(s),
        (TierBasis::Spend, Some(Value::Number(n))) => parse_hundredths(&n.to_string()),
        _ => None,
    };
    parsed.filter(|t| (0..=MAX).contains(t)).ok_or_else(|| {
        err(
            at,
            match basis {
                TierBasis::Points => "must be a whole number of points ≥ 0",
                TierBasis::Spend => "must be a decimal amount ≥ 0 such as \"250.00\"",
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tiers_are_checked() {
        let ok = tiers(&json!({"basis": "spend", "windowDays": 180, "levels": [
            {"name": "Bronze", "threshold": "0"},
            {"name": "Silver", "threshold": "250.00", "multiplier": 1.25}]}));
        let ok = ok.as_ref().map(|t| {
            (
                t.basis,
                t.window_days,
                t.levels[1].threshold,
                t.levels[1].multiplier,
                t.levels[0].multiplier,
            )
        });
        assert_eq!(ok, Ok((TierBasis::Spend, 180, 25_000, 1.25, 1.0)));
        let field = |v: Value| tiers(&v).err().map(|e| e.field);
        let lv = |levels: Value| json!({"levels": levels});
        assert_eq!(
            field(json!({"basis": "visits", "levels": []})).as_deref(),
            Some("tiers.basis")
        );
        assert_eq!(field(lv(json!([]))).as_deref(), Some("tiers.levels"));
        assert_eq!(
            field(lv(json!([{"name": "A", "threshold": 5}]))).as_deref(),
            Some("tiers.levels[0].threshold")
        );
        assert_eq!(
            field(lv(
                json!([{"name": "A", "threshold": 0}, {"name": "B", "threshold": 0}])
            ))
            .as_deref(),
            Some("tiers.levels[1].threshold")
        );
        assert_eq!(
            field(lv(
                json!([{"name": "A", "threshold": 0}, {"name": "A", "threshold": 9}])
            ))
            .as_deref(),
            Some("tiers.levels[1].name")
        );
        assert_eq!(
            field(lv(json!([{"name": "A", "threshold": 0, "multiplier": -1}]))).as_deref(),
            Some("tiers.levels[0].multiplier")
        );
        assert_eq!(
            field(lv(json!([{"name": "A", "threshold": 0, "perks": 1}]))).as_deref(),
            Some("tiers.levels[0].perks")
        );
        assert_eq!(
            field(json!({"levels": [{"name": "A", "threshold": 0}], "window": 3})).as_deref(),
            Some("tiers.window")
        );
        assert_eq!(
            field(json!({"levels": [{"name": "A", "threshold": 0}], "windowDays": 0})).as_deref(),
            Some("tiers.windowDays")
        );
    }

    #[test]
    fn expiry_is_checked() {
        assert_eq!(
            expiry(&json!({"inactivityDays": 365}), 14),
            Ok(ExpiryPolicy {
                inactivity_days: 365
            })
        );
        let field = |v: Value| expiry(&v, 14).err().map(|e| e.field);
        assert_eq!(
            field(json!({"inactivityDays": 14})).as_deref(),
            Some("expiry.inactivityDays")
        );
        assert_eq!(field(json!({})).as_deref(), Some("expiry.inactivityDays"));
        assert_eq!(field(json!({"days": 30})).as_deref(), Some("expiry.days"));
        assert_eq!(field(json!(30)).as_deref(), Some("expiry"));
    }
}
