//! The holdout settings of a site: on or off, the share of detractor responses held out
//! (0.05–0.5) and the window of days after a response in which outcomes are counted
//! (7–365).

use serde::Serialize;
use serde_json::Value;

use super::FollowupError;

/// Smallest and largest holdout share.
pub const SHARE: (f64, f64) = (0.05, 0.5);
/// Shortest and longest outcome window, days.
pub const WINDOW_DAYS: (i64, i64) = (7, 365);

/// A site's holdout settings as the API shows them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutSettings {
    /// New detractor responses are assigned.
    pub enabled: bool,
    /// Share held out.
    pub share: f64,
    /// Outcome window, days.
    pub window_days: i64,
}

impl Default for HoldoutSettings {
    fn default() -> Self {
        HoldoutSettings {
            enabled: false,
            share: 0.2,
            window_days: 30,
        }
    }
}

/// Reads `{enabled, share, windowDays}` (all required, nothing else).
pub fn parse(body: &Value) -> Result<HoldoutSettings, FollowupError> {
    let obj = body
        .as_object()
        .ok_or_else(|| FollowupError::field("body", "must be a JSON object"))?;
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "enabled" | "share" | "windowDays"))
    {
        return Err(FollowupError::field(k.clone(), "is not a holdout setting"));
    }
    let enabled = obj
        .get("enabled")
        .and_then(Value::as_bool)
        .ok_or_else(|| FollowupError::field("enabled", "must be true or false"))?;
    let share = obj
        .get("share")
        .and_then(Value::as_f64)
        .filter(|s| (SHARE.0..=SHARE.1).contains(s))
        .ok_or_else(|| FollowupError::field("share", "must be a number from 0.05 to 0.5"))?;
    let window_days = obj
        .get("windowDays")
        .and_then(Value::as_f64)
        // `30.0` is an integer to JSON Schema too.
        .filter(|d| d.fract() == 0.0 && (WINDOW_DAYS.0 as f64..=WINDOW_DAYS.1 as f64).contains(d))
        .map(|d| d as i64)
        .ok_or_else(|| {
            FollowupError::field("windowDays", "must be a whole number from 7 to 365")
        })?;
    Ok(HoldoutSettings {
        enabled,
        share,
        window_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(v: Value) -> String {
        match parse(&v) {
            Err(FollowupError::Console(crate::console::ConsoleError::InvalidField {
                field,
                ..
            })) => field,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn bounds_and_fields() {
        let ok = parse(&json!({"enabled": true, "share": 0.2, "windowDays": 30}));
        assert_eq!(
            ok.ok(),
            Some(HoldoutSettings {
                enabled: true,
                share: 0.2,
                window_days: 30
            })
        );
        assert_eq!(
            field_of(json!({"enabled": true, "share": 0.51, "windowDays": 30})),
            "share"
        );
        assert_eq!(
            field_of(json!({"enabled": true, "share": 0.04, "windowDays": 30})),
            "share"
        );
        assert_eq!(
            field_of(json!({"enabled": true, "share": 0.5, "windowDays": 6})),
            "windowDays"
        );
        assert_eq!(
            field_of(json!({"enabled": true, "share": 0.5, "windowDays": 7.5})),
            "windowDays"
        );
        assert_eq!(
            field_of(json!({"enabled": 1, "share": 0.5, "windowDays": 7})),
            "enabled"
        );
        assert_eq!(
            field_of(json!({"enabled": true, "share": 0.5, "windowDays": 7, "x": 1})),
            "x"
        );
        assert_eq!(field_of(json!([])), "body");
    }
}
