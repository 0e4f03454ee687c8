//! A survey's `audience`: who among identified shoppers it is meant for.
//!
//! ```json
//! "audience": { "segments": ["at-risk", "rfm:cant-lose"], "identified": true, "bonusPoints": 200 }
//! ```
//!
//! A shopper is in the audience when a valid customer token identifies them and they are
//! in **any** of `segments` ([`super::segments`]); an empty or absent `segments` means every
//! identified shopper. `identified` may only be `true` (the default): segments are resolved
//! from the verified customer, so an audience never reaches anonymous visitors. The
//! collector keeps audiences to itself: the widget is served only the surveys meant for the
//! shopper, without their `audience`.
//!
//! `bonusPoints` (optional, 1–100000): what a complete answer to this survey earns instead
//! of `loyalty.surveyAnswer.points` (at most once per `surveyAnswer.periodDays`, default
//! 30), and only when the customer is in the audience when they answer — a win-back
//! check-in with bonus points for at-risk customers.

use std::collections::BTreeSet;

use serde_json::Value;

use super::segments;

const KEYS: [&str; 3] = ["segments", "identified", "bonusPoints"];
/// Most bonus points one answer may earn.
pub const MAX_BONUS_POINTS: i64 = 100_000;

/// A parsed, checked audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// Segment ids, any of which admits a shopper (empty: every identified shopper).
    pub segments: Vec<String>,
    /// Points a complete answer earns (`bonusPoints`), if any.
    pub bonus_points: Option<i64>,
}

/// What is wrong with an audience: the field (relative to the survey) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct AudienceError {
    /// The member at fault, e.g. `audience.segments[1]`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> AudienceError {
    AudienceError {
        field: field.into(),
        message: message.into(),
    }
}

impl Audience {
    /// Parses the `audience` member `v` of a survey of a site with loyalty `tiers` (their
    /// names).
    pub fn parse(v: &Value, tiers: &[String]) -> Result<Audience, AudienceError> {
        let obj = v
            .as_object()
            .ok_or_else(|| err("audience", "must be an object {segments, identified}"))?;
        if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(err(
                format!("audience.{k}"),
                "unknown member (known: segments, identified, bonusPoints)",
            ));
        }
        match obj.get("identified") {
            None | Some(Value::Bool(true)) => {}
            Some(_) => {
                return Err(err(
                    "audience.identified",
                    "must be true: segments are resolved from a verified customer token",
                ))
            }
        }
        let segments = match obj.get("segments") {
            None => Vec::new(),
            Some(v) => parse_segments("audience.segments", v, tiers)?,
        };
        let bonus_points = match obj.get("bonusPoints") {
            None => None,
            Some(p) => Some(
                p.as_i64()
                    .filter(|p| (1..=MAX_BONUS_POINTS).contains(p))
                    .ok_or_else(|| {
                        err(
                            "audience.bonusPoints",
                            format!(
                                "must be a whole number of points from 1 to {MAX_BONUS_POINTS}"
                            ),
                        )
                    })?,
            ),
        };
        Ok(Audience {
            segments,
            bonus_points,
        })
    }

    /// Whether an identified shopper in `of` is in this audience.
    pub fn admits(&self, of: &BTreeSet<String>) -> bool {
        admits(&self.segments, of)
    }
}

/// Whether a shopper in `of` is in any of `segments` (empty: everyone). The one rule of
/// segment targeting, shared by survey audiences and segment-targeted rewards.
pub fn admits(segments: &[String], of: &BTreeSet<String>) -> bool {
    segments.is_empty() || segments.iter().any(|s| of.contains(s))
}

/// Parses a list of segment ids `v` found at `field` (e.g. `audience.segments`) on a site
/// with loyalty `tiers` (their names): each must be a known segment.
pub fn parse_segments(
    field: &str,
    v: &Value,
    tiers: &[String],
) -> Result<Vec<String>, AudienceError> {
    let list = v
        .as_array()
        .ok_or_else(|| err(field, "must be an array of segment ids"))?;
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            let field = format!("{field}[{i}]");
            let id = s.as_str().ok_or_else(|| err(&field, "must be a string"))?;
            if segments::is_known(id, tiers) {
                Ok(id.to_owned())
            } else {
                Err(err(
                    &field,
                    format!(
                        "unknown segment {id:?} (known: {})",
                        segments::catalogue(tiers)
                            .into_iter()
                            .map(|(id, _)| id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_matches_any_segment() -> Result<(), AudienceError> {
        let a = Audience::parse(
            &json!({"segments": ["at-risk", "clv:top"], "identified": true}),
            &[],
        )?;
        let of = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        assert!(a.admits(&of(&["clv:top"])));
        assert!(!a.admits(&of(&["clv:low", "rfm:new"])));
        let everyone = Audience::parse(&json!({}), &[])?;
        assert!(everyone.admits(&of(&[])));
        Ok(())
    }

    #[test]
    fn errors_name_the_field() {
        let field = |v: Value| Audience::parse(&v, &["Gold".into()]).err().map(|e| e.field);
        assert_eq!(
            field(json!({"segments": ["at-risk", "vip"]})).as_deref(),
            Some("audience.segments[1]")
        );
        assert_eq!(
            field(json!({"segments": "at-risk"})).as_deref(),
            Some("audience.segments")
        );
        assert_eq!(
            field(json!({"identified": false})).as_deref(),
            Some("audience.identified")
        );
        assert_eq!(
            field(json!({"segment": []})).as_deref(),
            Some("audience.segment")
        );
        assert_eq!(field(json!([])).as_deref(), Some("audience"));
        assert_eq!(
            field(json!({"bonusPoints": 0})).as_deref(),
            Some("audience.bonusPoints")
        );
        assert_eq!(
            field(json!({"bonusPoints": 1.5})).as_deref(),
            Some("audience.bonusPoints")
        );
        assert_eq!(field(json!({"bonusPoints": 250})), None);
        assert_eq!(field(json!({"segments": ["tier:Gold"]})), None);
        assert_eq!(
            field(json!({"segments": ["tier:Silver"]})).as_deref(),
            Some("audience.segments[0]")
        );
    }
}
