//! What the inbox derives from a stored response, once, when it is stored: the score (see
//! [`crate::feedback_band`]), its band, whether open text was written, how unhappy the
//! answer is, and the search document of the open text. Pure: a response and the site's
//! configuration in, an [`InboxEntry`] out.
//!
//! Open text is the answers to `openText` questions and the "Other" text of
//! multiple-choice questions of the survey as configured; an answer to a question the
//! configuration no longer has counts as neither score nor text.

use rapport::core::survey::{QuestionKind, SiteConfig, Survey};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::tokens;
use crate::feedback_band::{self, display_band, is_unhappy};
use crate::store::inbox::InboxEntry;
use crate::store::StoredResponse;
use crate::surrogates::replace_lone_surrogates;

#[derive(Deserialize)]
struct RawAnswer<'a> {
    question: String,
    #[serde(borrow)]
    value: &'a RawValue,
}

/// The open texts of a response, in answer order (empty ones left out).
pub fn open_texts(survey: Option<&Survey>, answers_json: &str) -> Vec<String> {
    let Some(survey) = survey else {
        return Vec::new();
    };
    let Ok(answers) = serde_json::from_str::<Vec<RawAnswer<'_>>>(answers_json) else {
        return Vec::new();
    };
    answers
        .iter()
        .filter_map(|a| {
            let q = survey.question(&a.question)?;
            let value: Value =
                serde_json::from_str(&replace_lone_surrogates(a.value.get())).ok()?;
            let text = match (&q.kind, value) {
                (QuestionKind::OpenText { .. }, Value::String(s)) => s,
                (QuestionKind::MultipleChoice { .. }, Value::Object(o)) => {
                    o.get("other")?.as_str()?.to_owned()
                }
                _ => return None,
            };
            (!text.trim().is_empty()).then_some(text)
        })
        .collect()
}

/// The inbox columns of `r`, read with `site`'s configuration (`None`: the site is no
/// longer configured — no score, no text).
pub fn derive(site: Option<&SiteConfig>, r: &StoredResponse) -> InboxEntry {
    let survey = site.and_then(|s| s.survey(&r.survey));
    let score = feedback_band::score_of(survey, &r.answers_json);
    let texts = open_texts(survey, &r.answers_json);
    InboxEntry {
        site: r.site.clone(),
        id: r.id.clone(),
        survey: r.survey.clone(),
        received_at: r.received_at.clone(),
        partial: r.partial,
        customer: r.customer.clone(),
        url: r.url.as_ref().map(|u| u.replace('\0', "")),
        score_kind: score.map(|s| s.kind.as_str().to_owned()),
        score_value: score.map(|s| s.value),
        band: score.and_then(display_band).map(str::to_owned),
        unhappy: score.is_some_and(is_unhappy),
        has_text: !texts.is_empty(),
        unhappiness: score.map(feedback_band::unhappiness),
        body: tokens::document(texts.iter().map(String::as_str)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteConfig {
        SiteConfig::from_json(
            r#"{"site":"demo","surveys":[{"id":"s","questions":[
            {"id":"n","type":"nps","text":"Recommend?"},
            {"id":"t","type":"openText","text":"Why?"},
            {"id":"m","type":"multipleChoice","text":"What?","other":true,
             "options":[{"id":"a","label":"A"}]}]}]}"#,
        )
        .expect("valid site")
    }

    fn response(answers: &str) -> StoredResponse {
        StoredResponse {
            id: "r1".into(),
            site: "demo".into(),
            survey: "s".into(),
            answers_json: answers.into(),
            locale: None,
            url: Some("https://shop.example/a\u{0}b".into()),
            user_id: None,
            traits_json: None,
            created_at: None,
            received_at: "2026-01-01T00:00:00.000Z".into(),
            partial: false,
            customer: Some("c1".into()),
        }
    }

    #[test]
    fn a_detractor_with_text() {
        let site = site();
        let e = derive(
            Some(&site),
            &response(
                r#"[{"question":"n","value":3},{"question":"t","value":"Trop LENT \ud800!"},
                    {"question":"m","value":{"choices":["a"],"other":"Größe"}}]"#,
            ),
        );
        assert_eq!(e.score_kind.as_deref(), Some("nps"));
        assert_eq!(e.score_value, Some(3.0));
        assert_eq!(e.band.as_deref(), Some("detractor"));
        assert!(e.unhappy && e.has_text);
        assert!(e.unhappiness.is_some_and(|u| u > 0.6));
        assert_eq!(e.body, "trop lent größe");
        assert_eq!(e.url.as_deref(), Some("https://shop.example/ab"));
    }

    #[test]
    fn no_score_no_text_or_unknown_site() {
        let site = site();
        let e = derive(
            Some(&site),
            &response(r#"[{"question":"t","value":"   "}]"#),
        );
        assert_eq!((e.score_kind, e.band, e.has_text), (None, None, false));
        let e = derive(None, &response(r#"[{"question":"n","value":0}]"#));
        assert_eq!((e.score_value, e.unhappy), (None, false));
    }
}
