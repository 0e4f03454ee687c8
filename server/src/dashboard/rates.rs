//! The response rate's counts per survey (pure): how often each survey was shown (the
//! impression counters, see [`crate::store::impressions`]) and how many responses arrived
//! over the same days — from the first day a survey's impressions were counted to now, so
//! that responses from before the collector counted impressions do not inflate the rate.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::config::SiteEntry;
use crate::store::impressions::{day_of, SurveyShown};
use crate::store::{ExportFilter, ResponseStore, StoreError, StoredResponse};

/// `per_survey` (the `surveys` rows of [`super::columns::responses`]) with `shown` (times
/// shown, `null` when none were recorded), `shownSince` (the first day counted,
/// `YYYY-MM-DD`, or `null`) and `responsesSince` (responses received from that day on, or
/// `null`); a survey shown but never answered gets a row with 0 responses. By survey id.
pub fn with_impressions(
    per_survey: &[Value],
    shown: &[SurveyShown],
    rows: &[StoredResponse],
) -> Vec<Value> {
    let mut out: BTreeMap<String, Value> = per_survey
        .iter()
        .filter_map(|s| Some((s["id"].as_str()?.to_owned(), s.clone())))
        .collect();
    for s in shown {
        out.entry(s.survey.clone())
            .or_insert_with(|| json!({"id": s.survey, "responses": 0, "scored": 0, "shown": null}));
    }
    let by_survey: BTreeMap<&str, &SurveyShown> =
        shown.iter().map(|s| (s.survey.as_str(), s)).collect();
    let mut since: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows {
        let Some(s) = by_survey.get(r.survey.as_str()) else {
            continue;
        };
        let at = rapport::core::datetime::parse_rfc3339(&r.received_at).unwrap_or(0);
        if day_of(at) >= s.first_day {
            *since.entry(r.survey.as_str()).or_default() += 1;
        }
    }
    out.into_values()
        .map(|mut row| {
            let id = row["id"].as_str().unwrap_or("").to_owned();
            match by_survey.get(id.as_str()).filter(|s| s.shown > 0) {
                Some(s) => {
                    row["shown"] = json!(s.shown);
                    row["shownSince"] = json!(day_text(s.first_day));
                    row["responsesSince"] = json!(since.get(id.as_str()).copied().unwrap_or(0));
                }
                None => {
                    row["shown"] = Value::Null;
                    row["shownSince"] = Value::Null;
                    row["responsesSince"] = Value::Null;
                }
            }
            row
        })
        .collect()
}

/// One targeted survey's response rate counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// Times shown (more than 0).
    pub shown: i64,
    /// The first day counted, `YYYY-MM-DD`.
    pub since: String,
    /// Responses received from that day on.
    pub responses: u64,
}

/// The response rate counts of each survey `site` targets at segments that has impressions
/// recorded up to `now` (ms), by survey id.
pub async fn targeted(
    store: &dyn ResponseStore,
    site: &SiteEntry,
    now: i64,
) -> Result<BTreeMap<String, Counted>, StoreError> {
    let shown = store
        .impressions()
        .shown(site.id.clone(), 0, day_of(now))
        .await?;
    let mut out = BTreeMap::new();
    for s in shown.into_iter().filter(|s| s.shown > 0) {
        if !site.targeted.iter().any(|t| t.id == s.survey) {
            continue;
        }
        let since = day_text(s.first_day);
        let rows = crate::store::list_all(
            store,
            ExportFilter {
                site: site.id.clone(),
                survey: Some(s.survey.clone()),
                since: Some(format!("{since}T00:00:00.000Z")),
                until: None,
            },
        )
        .await?;
        out.insert(
            s.survey,
            Counted {
                shown: s.shown,
                since,
                responses: rows.len() as u64,
            },
        );
    }
    Ok(out)
}

/// `YYYY-MM-DD` of a day number.
fn day_text(day: i64) -> String {
    let text = rapport::core::datetime::format_rfc3339(day.saturating_mul(86_400_000));
    text.get(..10).unwrap_or("").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(survey: &str, received_at: &str) -> StoredResponse {
        StoredResponse {
            id: format!("{survey}-{received_at}"),
            site: "demo".into(),
            survey: survey.into(),
            answers_json: "[]".into(),
            locale: None,
            url: None,
            user_id: None,
            traits_json: None,
            created_at: Some(received_at.into()),
            received_at: received_at.into(),
            partial: false,
            customer: None,
        }
    }

    #[test]
    fn counts_responses_from_the_first_day_shown_and_lists_unanswered_surveys() {
        // 2026-12-06 is day 20_793.
        let per_survey = vec![
            json!({"id": "a", "responses": 3, "scored": 1, "shown": null}),
            json!({"id": "old", "responses": 1, "scored": 0, "shown": null}),
        ];
        let shown = vec![
            SurveyShown {
                survey: "a".into(),
                shown: 10,
                first_day: 20_793,
            },
            SurveyShown {
                survey: "b".into(),
                shown: 4,
                first_day: 20_794,
            },
        ];
        let rows = vec![
            response("a", "2026-12-05T23:59:59Z"),
            response("a", "2026-12-06T00:00:00Z"),
            response("a", "2026-12-07T10:00:00Z"),
            response("old", "2026-12-07T10:00:00Z"),
        ];
        let out = with_impressions(&per_survey, &shown, &rows);
        assert_eq!(
            out,
            vec![
                json!({"id": "a", "responses": 3, "scored": 1, "shown": 10,
                       "shownSince": "2026-12-06", "responsesSince": 2}),
                json!({"id": "b", "responses": 0, "scored": 0, "shown": 4,
                       "shownSince": "2026-12-07", "responsesSince": 0}),
                json!({"id": "old", "responses": 1, "scored": 0, "shown": null,
                       "shownSince": null, "responsesSince": null}),
            ]
        );
    }
}
