//! Survey question types, and where a feedback answer's type comes from: the
//! export itself, or the site's survey configuration.
//!
//! The collector's site configuration (`GET /v1/sites/{site}/config`, or the
//! collector's config file) lists each survey's questions with their `type`;
//! [`parse_survey_types`] reads it into a [`QuestionTypes`] map keyed
//! `survey/question`, which tells the feedback report how to score answers
//! whose export row does not say.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::DataError;

/// The widget's question types (the `type` of a survey question).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QuestionType {
    /// 0–10 "how likely to recommend": scored as NPS.
    Nps,
    /// 1–5 satisfaction: scored as CSAT.
    Csat,
    /// 1–7 effort: scored as CES.
    Ces,
    /// Thumbs up/down (not scored).
    Thumbs,
    /// Emoji faces (not scored).
    Emoji,
    /// One option (not scored).
    SingleChoice,
    /// Several options (not scored).
    MultipleChoice,
    /// Free text (not scored).
    OpenText,
}

impl QuestionType {
    /// Reads the `type` spelling (`"nps"`, `"singleChoice"`…), case-insensitively.
    pub fn parse(text: &str) -> Option<QuestionType> {
        let t = text.trim();
        [
            ("nps", QuestionType::Nps),
            ("csat", QuestionType::Csat),
            ("ces", QuestionType::Ces),
            ("thumbs", QuestionType::Thumbs),
            ("emoji", QuestionType::Emoji),
            ("singleChoice", QuestionType::SingleChoice),
            ("multipleChoice", QuestionType::MultipleChoice),
            ("openText", QuestionType::OpenText),
        ]
        .into_iter()
        .find(|(name, _)| t.eq_ignore_ascii_case(name))
        .map(|(_, q)| q)
    }

    /// The `type` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::Nps => "nps",
            QuestionType::Csat => "csat",
            QuestionType::Ces => "ces",
            QuestionType::Thumbs => "thumbs",
            QuestionType::Emoji => "emoji",
            QuestionType::SingleChoice => "singleChoice",
            QuestionType::MultipleChoice => "multipleChoice",
            QuestionType::OpenText => "openText",
        }
    }
}

/// Question types by `"survey/question"` (from a site configuration) or by
/// bare question id (given by hand; they apply to every survey).
pub type QuestionTypes = BTreeMap<String, QuestionType>;

/// Reads the question types of a site configuration: the public config
/// (`{"surveys": [...]}`), the collector's config file (`{"sites": [{"surveys":
/// [...]}]}`) or a bare array of surveys, each `{"id", "questions": [{"id",
/// "type"}]}`.
///
/// ```
/// use rapport_metrics::data::{parse_survey_types, QuestionType};
/// let t = parse_survey_types(br#"{"surveys": [{"id": "post-purchase",
///   "questions": [{"id": "recommend", "type": "nps"}, {"id": "why", "type": "openText"}]}]}"#).unwrap();
/// assert_eq!(t.get("post-purchase/recommend"), Some(&QuestionType::Nps));
/// ```
pub fn parse_survey_types(json: &[u8]) -> Result<QuestionTypes, DataError> {
    let doc: Value = serde_json::from_slice(json).map_err(|e| DataError::Json(e.to_string()))?;
    survey_types(&doc)
}

/// [`parse_survey_types`] of an already parsed document.
pub fn survey_types(doc: &Value) -> Result<QuestionTypes, DataError> {
    let mut out = QuestionTypes::new();
    let surveys: Vec<(&Value, String)> = match doc {
        Value::Array(a) => a.iter().map(|s| (s, String::new())).collect(),
        Value::Object(o) => match (o.get("surveys"), o.get("sites")) {
            (Some(Value::Array(a)), _) => a.iter().map(|s| (s, "surveys".into())).collect(),
            (_, Some(Value::Array(sites))) => sites
                .iter()
                .enumerate()
                .flat_map(|(i, site)| match site.get("surveys") {
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|s| (s, format!("sites[{i}].surveys")))
                        .collect::<Vec<_>>(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => return Err(DataError::Json(
                "expected a site config with \"surveys\" (or \"sites\"), or an array of surveys"
                    .into(),
            )),
        },
        _ => return Err(DataError::Json("expected a site config object".into())),
    };
    for (i, (survey, path)) in surveys.iter().enumerate() {
        let Some(Value::String(id)) = survey.get("id") else {
            return Err(DataError::Json(format!(
                "{path}[{i}].id: expected a string"
            )));
        };
        let Some(Value::Array(questions)) = survey.get("questions") else {
            continue;
        };
        for q in questions {
            if let (Some(Value::String(qid)), Some(Value::String(t))) = (q.get("id"), q.get("type"))
            {
                if let Some(t) = QuestionType::parse(t) {
                    out.insert(format!("{id}/{qid}"), t);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_public_config_collector_config_and_bare_arrays() {
        let public = br#"{"site":"demo","surveys":[{"id":"s","questions":[{"id":"q1","type":"csat"},{"id":"q2","type":"NPS"}]}]}"#;
        let t = parse_survey_types(public).expect("public config");
        assert_eq!(t.get("s/q1"), Some(&QuestionType::Csat));
        assert_eq!(t.get("s/q2"), Some(&QuestionType::Nps));
        let file = br#"{"sites":[{"site":"a","surveys":[{"id":"s","questions":[{"id":"e","type":"ces"}]}]}]}"#;
        assert_eq!(
            parse_survey_types(file).expect("config file").get("s/e"),
            Some(&QuestionType::Ces)
        );
        let bare = br#"[{"id":"t","questions":[{"id":"x","type":"singleChoice"}]}]"#;
        assert_eq!(
            parse_survey_types(bare).expect("array").get("t/x"),
            Some(&QuestionType::SingleChoice)
        );
        assert!(parse_survey_types(b"{\"x\":1}").is_err());
        assert!(parse_survey_types(br#"{"surveys":[{"questions":[]}]}"#).is_err());
    }
}
