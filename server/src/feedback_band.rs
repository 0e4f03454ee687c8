//! The score band of an answer — detractor, passive or promoter — decided from the
//! question's type and the value given, in one place for every part of the collector that
//! needs it (webhook events and alerts, the inbox's filters, the digest).
//!
//! The rule: NPS (0–10) 0–6 detractor, 7–8 passive, 9–10 promoter; CSAT (1–5) 1–2
//! detractor, 3 passive, 4–5 promoter; CES (1–7, higher is harder) 5–7 detractor, 4
//! passive, 1–3 promoter. Other question types have no band.

use rapport::core::response::{AnswerValue, Response};
use rapport::core::survey::{QuestionType, Survey};

/// How an answer places its customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    /// Unhappy: NPS ≤ 6, CSAT ≤ 2, CES ≥ 5.
    Detractor,
    /// Neither.
    Passive,
    /// Happy: NPS ≥ 9, CSAT ≥ 4, CES ≤ 3.
    Promoter,
}

impl Band {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Detractor => "detractor",
            Band::Passive => "passive",
            Band::Promoter => "promoter",
        }
    }
}

/// The band of `value` given to a question of type `kind`; `None` for types without one.
pub fn band(kind: QuestionType, value: i64) -> Option<Band> {
    let (detractor, promoter) = match kind {
        QuestionType::Nps => (value <= 6, value >= 9),
        QuestionType::Csat => (value <= 2, value >= 4),
        QuestionType::Ces => (value >= 5, value <= 3),
        _ => return None,
    };
    Some(match (detractor, promoter) {
        (true, _) => Band::Detractor,
        (_, true) => Band::Promoter,
        _ => Band::Passive,
    })
}

/// The worst band among the scored answers of `response` to `survey` (a detractor answer to
/// any scored question makes the response a detractor's); `None` when nothing is scored.
pub fn response_band(survey: &Survey, response: &Response) -> Option<Band> {
    response
        .answers
        .iter()
        .filter_map(|a| {
            let q = survey.question(&a.question)?;
            match a.value {
                AnswerValue::Number(n) => band(q.kind.question_type(), n),
                _ => None,
            }
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn edges_of_each_scale() {
        use Band::*;
        let nps: Vec<_> = (0..=10).map(|v| band(QuestionType::Nps, v)).collect();
        assert_eq!(nps[6], Some(Detractor));
        assert_eq!(nps[7], Some(Passive));
        assert_eq!(nps[8], Some(Passive));
        assert_eq!(nps[9], Some(Promoter));
        assert_eq!(band(QuestionType::Csat, 2), Some(Detractor));
        assert_eq!(band(QuestionType::Csat, 3), Some(Passive));
        assert_eq!(band(QuestionType::Csat, 4), Some(Promoter));
        assert_eq!(band(QuestionType::Ces, 5), Some(Detractor));
        assert_eq!(band(QuestionType::Ces, 4), Some(Passive));
        assert_eq!(band(QuestionType::Ces, 3), Some(Promoter));
        assert_eq!(band(QuestionType::Thumbs, 0), None);
        assert_eq!(band(QuestionType::OpenText, 1), None);
    }

    #[test]
    fn a_response_takes_its_worst_answer() {
        let value = serde_json::json!({"site": "s", "surveys": [{"id": "v", "questions": [
            {"id": "n", "type": "nps", "text": "?"}, {"id": "c", "type": "csat", "text": "?"},
            {"id": "t", "type": "openText", "text": "?"}]}]});
        let config =
            rapport::core::survey::SiteConfig::from_value(&rapport::core::json::Json::from(&value))
                .expect("valid site");
        let survey = config.survey("v").expect("survey");
        let response = |answers: serde_json::Value| {
            let v = serde_json::json!({"id": "r", "site": "s", "survey": "v", "answers": answers});
            Response::from_value(&rapport::core::json::Json::from(&v)).expect("valid response")
        };
        let r = response(
            serde_json::json!([{"question": "n", "value": 10}, {"question": "c", "value": 1}]),
        );
        assert_eq!(response_band(survey, &r), Some(Band::Detractor));
        let r = response(serde_json::json!([{"question": "n", "value": 9}]));
        assert_eq!(response_band(survey, &r), Some(Band::Promoter));
        let r = response(serde_json::json!([{"question": "t", "value": "hi"}]));
        assert_eq!(response_band(survey, &r), None);
    }

    proptest! {
        #[test]
        fn nps_band_is_monotone(a in 0i64..=10, b in 0i64..=10) {
            let (ba, bb) = (band(QuestionType::Nps, a), band(QuestionType::Nps, b));
            if a <= b { prop_assert!(ba <= bb); }
        }
    }
}
