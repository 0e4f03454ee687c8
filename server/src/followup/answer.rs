//! What a stored response said, as far as follow-ups care: whether it is a **detractor**
//! (an NPS answer of 0–6; on a survey without NPS, a CSAT answer of 1–2) and the **quote**
//! the shopper is shown back: their own open text when they wrote some, else their score.

use rapport::core::survey::{QuestionKind, Survey};
use serde::Serialize;
use serde_json::Value;

/// The score a response gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    /// `nps` or `csat`.
    pub kind: &'static str,
    /// The value given.
    pub value: i64,
    /// The scale's top (10 or 5).
    pub max: i64,
}

/// What the shopper said, quoted back to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Quote {
    /// Their open-text answer, verbatim.
    Text {
        /// The text.
        text: String,
    },
    /// Their score (the widget words it with the frame strings).
    Score {
        /// The score.
        #[serde(flatten)]
        score: Score,
    },
    /// Nothing quotable (no text, no score).
    None,
}

/// The answers of `answers_json` as (question id, value) pairs; an unreadable array is
/// treated as empty (it was validated when stored).
fn answers(answers_json: &str) -> Vec<(String, Value)> {
    let parsed: Value = serde_json::from_str(answers_json).unwrap_or(Value::Null);
    parsed
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|a| {
                    Some((
                        a.get("question")?.as_str()?.to_owned(),
                        a.get("value")?.clone(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The NPS score of the response if it has one, else its CSAT score.
pub fn score(survey: Option<&Survey>, answers_json: &str) -> Option<Score> {
    let survey = survey?;
    let given = answers(answers_json);
    let find = |nps: bool| {
        survey.questions.iter().find_map(|q| {
            let max = match (&q.kind, nps) {
                (QuestionKind::Nps(_), true) => 10,
                (QuestionKind::Csat(_), false) => 5,
                _ => return None,
            };
            let value = given.iter().find(|(id, _)| *id == q.id)?.1.as_i64()?;
            Some(Score {
                kind: if nps { "nps" } else { "csat" },
                value,
                max,
            })
        })
    };
    find(true).or_else(|| find(false))
}

/// Whether `score` is a detractor's: NPS 0–6, or CSAT 1–2.
pub fn is_detractor(score: Option<Score>) -> bool {
    match score {
        Some(Score {
            kind: "nps", value, ..
        }) => value <= 6,
        Some(Score {
            kind: "csat",
            value,
            ..
        }) => value <= 2,
        _ => false,
    }
}

/// The quote of a response: the first non-blank open-text answer (an open-text question's,
/// or a multiple-choice question's "Other" text), else the score.
pub fn quote(survey: Option<&Survey>, answers_json: &str) -> Quote {
    let given = answers(answers_json);
    if let Some(s) = survey {
        for q in &s.questions {
            if let QuestionKind::OpenText { .. } = q.kind {
                let text = given
                    .iter()
                    .find(|(id, _)| *id == q.id)
                    .and_then(|(_, v)| v.as_str());
                if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
                    return Quote::Text { text: t.to_owned() };
                }
            }
        }
    }
    match score(survey, answers_json) {
        Some(score) => Quote::Score { score },
        None => Quote::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport::core::json::Json;
    use rapport::core::survey::SiteConfig;

    fn site() -> SiteConfig {
        let v: Value = serde_json::json!({
            "site": "demo",
            "surveys": [
                { "id": "s", "trigger": { "type": "manual" }, "questions": [
                    { "id": "nps", "type": "nps", "text": "Recommend?" },
                    { "id": "why", "type": "openText", "text": "Why?" }
                ]},
                { "id": "c", "trigger": { "type": "manual" }, "questions": [
                    { "id": "csat", "type": "csat", "text": "Satisfied?" }
                ]}
            ]
        });
        SiteConfig::from_value(&Json::from(&v)).expect("a valid site")
    }

    #[test]
    fn nps_and_csat_detractors() {
        let site = site();
        let s = site.survey("s");
        let c = site.survey("c");
        let nps = |v: i64| score(s, &format!(r#"[{{"question":"nps","value":{v}}}]"#));
        assert!(is_detractor(nps(0)));
        assert!(is_detractor(nps(6)));
        assert!(!is_detractor(nps(7)));
        assert!(!is_detractor(nps(10)));
        let csat = |v: i64| score(c, &format!(r#"[{{"question":"csat","value":{v}}}]"#));
        assert!(is_detractor(csat(2)));
        assert!(!is_detractor(csat(3)));
        assert!(!is_detractor(score(
            s,
            r#"[{"question":"why","value":"meh"}]"#
        )));
        assert!(!is_detractor(score(
            None,
            r#"[{"question":"nps","value":1}]"#
        )));
        assert!(!is_detractor(score(s, "not json")));
    }

    #[test]
    fn quote_prefers_text_then_score() {
        let site = site();
        let s = site.survey("s");
        let both =
            r#"[{"question":"nps","value":3},{"question":"why","value":"<b>late</b> again"}]"#;
        assert_eq!(
            quote(s, both),
            Quote::Text {
                text: "<b>late</b> again".into()
            }
        );
        let blank = r#"[{"question":"nps","value":3},{"question":"why","value":"  "}]"#;
        assert_eq!(
            quote(s, blank),
            Quote::Score {
                score: Score {
                    kind: "nps",
                    value: 3,
                    max: 10
                }
            }
        );
        assert_eq!(quote(s, "[]"), Quote::None);
    }
}
