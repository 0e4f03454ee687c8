//! What an export says about each answer beyond its stored `{question, value}`: the
//! question's type and text (in the response's locale) and, for choice questions, the
//! labels of the chosen options beside their ids — read from the site's configuration in
//! force, so an export made after a survey was edited shows the current wording. An answer
//! to a question the configuration no longer has keeps its id and value, with no type,
//! text or labels.
//!
//! The stored answers text is read without decoding the values: each value is passed on
//! as the exact JSON text delivered (lone surrogate escapes included); only choice values
//! are decoded, to look up their labels.

use rapport::core::survey::{Question, QuestionKind, SiteConfig};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::surrogates::replace_lone_surrogates;

/// One stored answer with what the configuration says about its question.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    /// Question id.
    pub question: String,
    /// The value as delivered (JSON text).
    pub value: &'a RawValue,
    /// The question's type (`nps`, `singleChoice`, …), if the question is configured.
    pub kind: Option<&'static str>,
    /// The question's text in the response's locale, if the question is configured.
    pub text: Option<String>,
    /// Chosen options' labels in choice order (`None` for an id the question lacks);
    /// `None` for questions that are not choice questions.
    pub labels: Option<Vec<Option<String>>>,
}

#[derive(Deserialize)]
struct RawAnswer<'a> {
    question: String,
    #[serde(borrow)]
    value: &'a RawValue,
}

/// Reads a stored `answers` text; `None` when it is not an array of `{question, value}`
/// (never written by this collector, but then the caller passes the text on as it is).
pub fn read<'a>(
    answers_json: &'a str,
    site: Option<&SiteConfig>,
    survey: &str,
    locale: Option<&str>,
) -> Option<Vec<Answer<'a>>> {
    let raw: Vec<RawAnswer<'a>> = serde_json::from_str(answers_json).ok()?;
    let survey = site.and_then(|s| s.survey(survey));
    let locale = locale.unwrap_or("en");
    Some(
        raw.into_iter()
            .map(|a| {
                let question = survey.and_then(|s| s.question(&a.question));
                Answer {
                    kind: question.map(|q| q.kind.question_type().as_str()),
                    text: question.map(|q| q.text.resolve(locale).to_owned()),
                    labels: question.and_then(|q| labels(q, a.value, locale)),
                    question: a.question,
                    value: a.value,
                }
            })
            .collect(),
    )
}

/// Labels of the chosen options of a choice question.
fn labels(q: &Question, value: &RawValue, locale: &str) -> Option<Vec<Option<String>>> {
    let options = match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options
        }
        _ => return None,
    };
    let decoded: Value = serde_json::from_str(&replace_lone_surrogates(value.get())).ok()?;
    let ids: Vec<&str> = match &decoded {
        Value::String(id) => vec![id.as_str()],
        Value::Object(o) => o
            .get("choices")
            .and_then(Value::as_array)
            .map(|c| c.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default(),
        _ => return None,
    };
    Some(
        ids.into_iter()
            .map(|id| {
                options
                    .iter()
                    .find(|o| o.id == id)
                    .map(|o| o.label.resolve(locale).to_owned())
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteConfig {
        let json = r#"{"site":"demo","surveys":[{"id":"s","questions":[
            {"id":"nps","type":"nps","text":{"en":"Recommend us?","fr":"Nous recommander ?"}},
            {"id":"plan","type":"singleChoice","text":"Plan?","options":[{"id":"a","label":{"en":"Annual","fr":"Annuel"}},{"id":"m","label":"Monthly"}]},
            {"id":"why","type":"multipleChoice","text":"Why?","other":true,"options":[{"id":"price","label":"Price"},{"id":"speed","label":"Speed"}]}
        ]}]}"#;
        SiteConfig::from_json(json).expect("test site is valid")
    }

    #[test]
    fn types_texts_and_labels() {
        let site = site();
        let text = r#"[{"question":"nps","value":9},{"question":"plan","value":"a"},{"question":"why","value":{"choices":["speed","gone"],"other":"x\ud800"}},{"question":"old","value":"kept"}]"#;
        let answers = read(text, Some(&site), "s", Some("fr-CA")).expect("answers parse");
        assert_eq!(answers.len(), 4);
        assert_eq!(answers[0].kind, Some("nps"));
        assert_eq!(answers[0].text.as_deref(), Some("Nous recommander ?"));
        assert_eq!(answers[0].labels, None);
        assert_eq!(answers[0].value.get(), "9");
        assert_eq!(answers[1].labels, Some(vec![Some("Annuel".to_owned())]));
        assert_eq!(
            answers[2].labels,
            Some(vec![Some("Speed".to_owned()), None])
        );
        // The value is the delivered text, lone surrogate escape included.
        assert_eq!(
            answers[2].value.get(),
            r#"{"choices":["speed","gone"],"other":"x\ud800"}"#
        );
        assert_eq!((answers[3].kind, answers[3].text.as_deref()), (None, None));
    }

    #[test]
    fn unknown_survey_or_site_still_lists_answers() {
        let answers =
            read(r#"[{"question":"nps","value":3}]"#, None, "s", None).expect("answers parse");
        assert_eq!(answers[0].question, "nps");
        assert_eq!(answers[0].kind, None);
        assert!(read("{}", None, "s", None).is_none());
    }
}
