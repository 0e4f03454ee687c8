//! The segments page's view model: `GET /admin/api/segments?site=` as typed values, and how
//! each number is worded (a response rate with its counts, or the missing impressions; when
//! the scores were computed and whether the fallback rule was used).

use serde::Deserialize;

use crate::format;

/// `GET /admin/api/segments?site=`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentsView {
    /// Site id.
    pub site: String,
    /// Every segment of the site's catalogue, empty ones included.
    pub segments: Vec<Segment>,
    /// When the scores were last computed (ms since the epoch), `None` before the first run.
    #[serde(default)]
    pub computed_at: Option<i64>,
    /// Present when the last run could not fit the models.
    #[serde(default)]
    pub fallback: Option<Fallback>,
}

/// One segment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Segment {
    /// Segment id (`at-risk`, …).
    pub id: String,
    /// Label shown to the merchant.
    pub label: String,
    /// Customers in it now.
    pub size: u64,
    /// The surveys targeted at it.
    #[serde(default)]
    pub targeted: Vec<Targeted>,
}

/// One survey targeted at a segment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Targeted {
    /// Survey id.
    pub survey: String,
    /// All responses to the survey.
    pub responses: u64,
    /// Customers of the segment who answered it.
    pub respondents: u64,
    /// Times the widget showed the survey (`None`: no impressions recorded).
    #[serde(default)]
    pub shown: Option<u64>,
    /// The first day its impressions were counted (`YYYY-MM-DD`).
    #[serde(default)]
    pub shown_since: Option<String>,
    /// Responses received from that day on.
    #[serde(default)]
    pub responses_since: Option<u64>,
    /// `responses_since / shown`; `None` without impressions.
    #[serde(default)]
    pub rate: Option<f64>,
}

/// Why the last run used the fallback rule.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Fallback {
    /// Why the models could not be fitted.
    #[serde(default)]
    pub reason: String,
    /// The rule used instead.
    #[serde(default)]
    pub rule: String,
}

/// The response rate cell: `25% (3 responses of 12 shown since 2026-12-01)`, or says that
/// no impressions were recorded.
pub fn rate_text(t: &Targeted) -> String {
    match (t.rate, t.shown, &t.shown_since) {
        (Some(rate), Some(shown), Some(since)) => format!(
            "{} ({} of {} shown since {since})",
            format::percent(rate),
            responses(t.responses_since.unwrap_or(0)),
            format::grouped(shown as i64),
        ),
        _ => "– (no impressions recorded)".to_owned(),
    }
}

/// `1 response`, `3 responses`.
fn responses(n: u64) -> String {
    let word = if n == 1 { "response" } else { "responses" };
    format!("{} {word}", format::grouped(n as i64))
}

/// The impressions cell: a count when recorded, otherwise says so.
pub fn shown_text(t: &Targeted) -> String {
    match t.shown {
        Some(n) => format::grouped(n as i64),
        None => "impressions not recorded".to_owned(),
    }
}

/// When the scores were computed, and by which method.
pub fn computed_text(view: &SegmentsView) -> String {
    match (view.computed_at, &view.fallback) {
        (None, _) => "Scores have not been computed for this site yet: every segment that needs them is empty.".to_owned(),
        (Some(at), None) => format!("Scores computed {} with the fitted models (BG/NBD and Gamma-Gamma).", format::instant(at)),
        (Some(at), Some(f)) if f.reason.is_empty() => format!("Scores computed {} with the fallback rule: the models could not be fitted.", format::instant(at)),
        (Some(at), Some(f)) => format!("Scores computed {} with the fallback rule: {}", format::instant(at), f.reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(json: &str) -> SegmentsView {
        serde_json::from_str(json).expect("valid segments JSON")
    }

    const SAMPLE: &str = r#"{"site":"demo","computedAt":1796638680000,
        "segments":[{"id":"at-risk","label":"At risk","size":12,
          "targeted":[{"survey":"win-back","responses":5,"respondents":3,"shown":40,
            "shownSince":"2026-12-01","responsesSince":4,"rate":0.1}]},
          {"id":"new","label":"New","size":0,
          "targeted":[{"survey":"hello","responses":0,"respondents":0,"shown":null,
            "shownSince":null,"responsesSince":null,"rate":null}]}],
        "fallback":{"reason":"only 2 repeat buyers (at least 10 needed)","rule":"P(alive) = …"}}"#;

    #[test]
    fn reads_the_api_answer() {
        let v = view(SAMPLE);
        assert_eq!(v.site, "demo");
        assert_eq!(v.segments.len(), 2);
        let t = &v.segments[0].targeted[0];
        assert_eq!(
            (t.rate, t.shown, t.responses_since),
            (Some(0.1), Some(40), Some(4))
        );
        assert_eq!(t.shown_since.as_deref(), Some("2026-12-01"));
        assert_eq!(v.segments[1].targeted[0].rate, None);
        assert_eq!(v.computed_at, Some(1796638680000));
        assert!(v.fallback.is_some());
    }

    #[test]
    fn rate_names_its_counts_and_missing_impressions() {
        let v = view(SAMPLE);
        assert_eq!(
            rate_text(&v.segments[0].targeted[0]),
            format!(
                "{} (4 responses of 40 shown since 2026-12-01)",
                format::percent(0.1)
            )
        );
        assert_eq!(
            rate_text(&v.segments[1].targeted[0]),
            "– (no impressions recorded)"
        );
    }

    #[test]
    fn missing_impressions_are_said_not_zero() {
        let v = view(SAMPLE);
        assert_eq!(
            shown_text(&v.segments[1].targeted[0]),
            "impressions not recorded"
        );
        assert_eq!(shown_text(&v.segments[0].targeted[0]), format::grouped(40));
    }

    #[test]
    fn computed_says_when_and_how() {
        let mut v = view(SAMPLE);
        let text = computed_text(&v);
        assert!(text.contains(&format::instant(1796638680000)), "{text}");
        assert!(
            text.contains("fallback rule: only 2 repeat buyers"),
            "{text}"
        );
        v.fallback = None;
        assert!(computed_text(&v).contains("fitted models"));
        v.computed_at = None;
        assert!(computed_text(&v).contains("not been computed"));
    }

    #[test]
    fn no_computed_at_and_no_fallback_reads() {
        let v = view(r#"{"site":"s","segments":[],"computedAt":null}"#);
        assert_eq!(v.computed_at, None);
        assert_eq!(v.fallback, None);
    }
}
