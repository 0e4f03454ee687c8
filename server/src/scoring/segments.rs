//! The named segments of an identified customer, from their scores and recent answers:
//!
//! | id | who |
//! | --- | --- |
//! | `rfm:<segment>` | the RFM segment, e.g. `rfm:champions`, `rfm:cant-lose` ([`rfm_id`]) |
//! | `at-risk` | P(alive) < 0.5 and past spend at or above the site's median |
//! | `clv:<band>` | `clv:top`, `clv:high`, `clv:medium`, `clv:low` (quartiles of annual value) |
//! | `tier:<name>` | the loyalty tier held |
//! | `recent-detractor` | an NPS answer of 6 or less in the last [`RECENT_DAYS`] days |
//! | `recent-promoter` | an NPS answer of 9 or 10 in the last [`RECENT_DAYS`] days |
//!
//! A customer without scores (no counted order yet) can still be a recent detractor or
//! promoter.

use std::collections::BTreeSet;

use rapport_metrics::rfm::Segment;
use serde_json::Value;

use super::bands::BANDS;
use crate::store::scores::CustomerScore;

/// How far back an answer makes a recent detractor or promoter, days.
pub const RECENT_DAYS: i64 = 30;
/// Id of the at-risk segment.
pub const AT_RISK: &str = "at-risk";
/// Id of the recent-detractor segment.
pub const RECENT_DETRACTOR: &str = "recent-detractor";
/// Id of the recent-promoter segment.
pub const RECENT_PROMOTER: &str = "recent-promoter";

/// The segment id of an RFM label: `rfm:` and the label in lower case, spaces as `-`,
/// apostrophes dropped (`can't lose` → `rfm:cant-lose`).
pub fn rfm_id(label: &str) -> String {
    let slug: String = label
        .chars()
        .filter(|c| *c != '\'')
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    format!("rfm:{slug}")
}

/// Every segment id a site with `tiers` has, with a label for people, in display order.
pub fn catalogue(tiers: &[String]) -> Vec<(String, String)> {
    let mut out = vec![
        (AT_RISK.to_owned(), "At risk".to_owned()),
        (
            RECENT_DETRACTOR.to_owned(),
            format!("Detractors (last {RECENT_DAYS} days)"),
        ),
        (
            RECENT_PROMOTER.to_owned(),
            format!("Promoters (last {RECENT_DAYS} days)"),
        ),
    ];
    out.extend(
        BANDS
            .iter()
            .map(|b| (format!("clv:{b}"), format!("CLV band: {b}"))),
    );
    out.extend(
        Segment::ALL
            .iter()
            .map(|s| (rfm_id(s.label()), format!("RFM: {}", s.label()))),
    );
    out.extend(
        tiers
            .iter()
            .map(|t| (format!("tier:{t}"), format!("Tier: {t}"))),
    );
    out
}

/// Whether `id` names a segment of a site with `tiers`.
pub fn is_known(id: &str, tiers: &[String]) -> bool {
    catalogue(tiers).iter().any(|(known, _)| known == id)
}

/// The segments of a customer with `score` (if scored) whose NPS answers of the last
/// [`RECENT_DAYS`] days are `recent_nps`.
pub fn segments_of(score: Option<&CustomerScore>, recent_nps: &[f64]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(s) = score {
        out.insert(rfm_id(&s.rfm_segment));
        out.insert(format!("clv:{}", s.clv_band));
        if s.at_risk {
            out.insert(AT_RISK.to_owned());
        }
        if let Some(t) = &s.tier {
            out.insert(format!("tier:{t}"));
        }
    }
    if recent_nps.iter().any(|&v| v <= 6.0) {
        out.insert(RECENT_DETRACTOR.to_owned());
    }
    if recent_nps.iter().any(|&v| v >= 9.0) {
        out.insert(RECENT_PROMOTER.to_owned());
    }
    out
}

/// The NPS values in a response's `answers` JSON text, `nps_questions` being the ids of
/// the survey's NPS questions. Anything unreadable counts nothing.
pub fn nps_values(answers_json: &str, nps_questions: &[&str]) -> Vec<f64> {
    let Ok(Value::Array(answers)) = serde_json::from_str::<Value>(answers_json) else {
        return Vec::new();
    };
    answers
        .iter()
        .filter(|a| {
            a.get("question")
                .and_then(Value::as_str)
                .is_some_and(|q| nps_questions.contains(&q))
        })
        .filter_map(|a| a.get("value").and_then(Value::as_f64))
        .filter(|v| (0.0..=10.0).contains(v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_metrics::risk::Estimate;

    fn score(at_risk: bool, tier: Option<&str>) -> CustomerScore {
        CustomerScore {
            customer: "c".into(),
            orders: 3,
            spend: 10_000,
            currency: "EUR".into(),
            last_order_at: Some(0),
            p_alive: Estimate::exact(0.3),
            annual_value: Estimate::exact(5000.0),
            rfm_segment: "can't lose".into(),
            clv_band: "top".into(),
            at_risk,
            tier: tier.map(str::to_owned),
        }
    }

    #[test]
    fn segments_of_a_scored_customer() {
        let s = segments_of(Some(&score(true, Some("Gold"))), &[3.0]);
        let want: BTreeSet<String> = [
            "at-risk",
            "clv:top",
            "rfm:cant-lose",
            "tier:Gold",
            "recent-detractor",
        ]
        .map(str::to_owned)
        .into();
        assert_eq!(s, want);
        let s = segments_of(Some(&score(false, None)), &[10.0, 7.0]);
        assert!(!s.contains(AT_RISK));
        assert!(s.contains(RECENT_PROMOTER) && !s.contains(RECENT_DETRACTOR));
    }

    #[test]
    fn unscored_customer_has_only_answer_segments() {
        assert!(segments_of(None, &[]).is_empty());
        assert_eq!(segments_of(None, &[6.0]).len(), 1);
        assert!(segments_of(None, &[8.0, 7.0]).is_empty());
    }

    #[test]
    fn every_segment_a_score_can_produce_is_known() {
        let tiers = vec!["Gold".to_owned()];
        for label in Segment::ALL.map(|s| s.label()) {
            for band in BANDS {
                let mut s = score(true, Some("Gold"));
                s.rfm_segment = label.into();
                s.clv_band = band.into();
                for id in segments_of(Some(&s), &[0.0, 10.0]) {
                    assert!(is_known(&id, &tiers), "{id}");
                }
            }
        }
        assert!(!is_known("rfm:can't lose", &tiers));
        assert!(!is_known("tier:Silver", &tiers));
    }

    #[test]
    fn nps_values_read_only_nps_questions() {
        let answers = r#"[{"question":"nps","value":4},{"question":"csat","value":2},{"question":"nps2","value":"x"}]"#;
        assert_eq!(nps_values(answers, &["nps", "nps2"]), vec![4.0]);
        assert!(nps_values("not json", &["nps"]).is_empty());
    }
}
