//! The score of a response and its band: which answer counts as the response's score (the
//! first NPS, CSAT, CES or rating answer), whether it makes the respondent a detractor,
//! passive or promoter (NPS), and whether the answer is *unhappy*. The inbox's `band`
//! filter and its stored columns, and the `response.detractor` webhook event, all read
//! these functions, so "detractor" means the same everywhere.
//!
//! The rule, in one place ([`is_unhappy`]): NPS ≤ 6, CSAT ≤ 2 (of 5), CES ≥ 5 (of 7), or a
//! rating (the five faces) ≤ 2 of 5.

use rapport::core::response::{AnswerValue, Response};
use rapport::core::survey::{QuestionKind, QuestionType, Survey};
use rapport_metrics::risk::{self, Scale};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The scale a score was given on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreKind {
    /// 0–10.
    Nps,
    /// 1–5, 5 best.
    Csat,
    /// 1–7, 7 hardest.
    Ces,
    /// 1–5 faces or stars, 5 best.
    Rating,
}

impl ScoreKind {
    /// The wire and stored form (`"nps"`, `"csat"`, `"ces"`, `"rating"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreKind::Nps => "nps",
            ScoreKind::Csat => "csat",
            ScoreKind::Ces => "ces",
            ScoreKind::Rating => "rating",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<ScoreKind> {
        [
            ScoreKind::Nps,
            ScoreKind::Csat,
            ScoreKind::Ces,
            ScoreKind::Rating,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The metrics engine's scale.
    pub fn scale(self) -> Scale {
        match self {
            ScoreKind::Nps => Scale::Nps,
            ScoreKind::Csat => Scale::Csat,
            ScoreKind::Ces => Scale::Ces,
            ScoreKind::Rating => Scale::Rating { max: 5 },
        }
    }
}

/// A response's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Its scale.
    pub kind: ScoreKind,
    /// The value answered.
    pub value: f64,
}

/// The band of a score (on NPS; [`band`] also places CSAT and CES answers). Ordered worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    /// 0–6.
    Detractor,
    /// 7–8.
    Passive,
    /// 9–10.
    Promoter,
}

impl Band {
    /// The wire and stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Detractor => "detractor",
            Band::Passive => "passive",
            Band::Promoter => "promoter",
        }
    }
}

/// The NPS band of `score`; `None` for the other scales.
pub fn nps_band(score: Score) -> Option<Band> {
    match score.kind {
        ScoreKind::Nps if score.value <= 6.0 => Some(Band::Detractor),
        ScoreKind::Nps if score.value <= 8.0 => Some(Band::Passive),
        ScoreKind::Nps => Some(Band::Promoter),
        _ => None,
    }
}

/// Whether `score` is an unhappy answer: NPS ≤ 6, CSAT ≤ 2, CES ≥ 5 or rating ≤ 2. This is
/// the "detractor" of alerts and of the `response.detractor` event (an NPS detractor, or
/// the same displeasure on another scale).
pub fn is_unhappy(score: Score) -> bool {
    match score.kind {
        ScoreKind::Nps => score.value <= 6.0,
        ScoreKind::Csat => score.value <= 2.0,
        ScoreKind::Ces => score.value >= 5.0,
        ScoreKind::Rating => score.value <= 2.0,
    }
}

/// How unhappy the answer is, in `[0, 1]` ([`rapport_metrics::risk::unhappiness`]).
pub fn unhappiness(score: Score) -> f64 {
    risk::unhappiness(score.kind.scale(), score.value)
}

/// The band shown for a response: the NPS band, else `"unhappy"` for an unhappy answer on
/// another scale, else none.
pub fn display_band(score: Score) -> Option<&'static str> {
    match nps_band(score) {
        Some(band) => Some(band.as_str()),
        None if is_unhappy(score) => Some("unhappy"),
        None => None,
    }
}

#[derive(Deserialize)]
struct RawAnswer<'a> {
    question: String,
    #[serde(borrow)]
    value: &'a RawValue,
}

/// The score of a response: its first answer (in answer order) to an NPS, CSAT, CES or
/// emoji-rating question of `survey`; `None` without one, or when `answers_json` is not
/// an array of `{question, value}`.
pub fn score_of(survey: Option<&Survey>, answers_json: &str) -> Option<Score> {
    let survey = survey?;
    let answers: Vec<RawAnswer<'_>> = serde_json::from_str(answers_json).ok()?;
    answers.iter().find_map(|a| {
        let kind = match survey.question(&a.question)?.kind {
            QuestionKind::Nps(_) => ScoreKind::Nps,
            QuestionKind::Csat(_) => ScoreKind::Csat,
            QuestionKind::Ces(_) => ScoreKind::Ces,
            QuestionKind::Emoji(_) => ScoreKind::Rating,
            _ => return None,
        };
        let value: f64 = serde_json::from_str(a.value.get()).ok()?;
        value.is_finite().then_some(Score { kind, value })
    })
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
    use rapport::core::survey::SiteConfig;

    fn s(kind: ScoreKind, value: f64) -> Score {
        Score { kind, value }
    }

    #[test]
    fn the_unhappy_rule_at_every_boundary() {
        use ScoreKind::*;
        assert!(is_unhappy(s(Nps, 6.0)) && !is_unhappy(s(Nps, 7.0)));
        assert!(is_unhappy(s(Csat, 2.0)) && !is_unhappy(s(Csat, 3.0)));
        assert!(is_unhappy(s(Ces, 5.0)) && !is_unhappy(s(Ces, 4.0)));
        assert!(is_unhappy(s(Rating, 2.0)) && !is_unhappy(s(Rating, 3.0)));
    }

    #[test]
    fn nps_bands_and_display() {
        use ScoreKind::*;
        assert_eq!(nps_band(s(Nps, 0.0)), Some(Band::Detractor));
        assert_eq!(nps_band(s(Nps, 6.0)), Some(Band::Detractor));
        assert_eq!(nps_band(s(Nps, 7.0)), Some(Band::Passive));
        assert_eq!(nps_band(s(Nps, 8.0)), Some(Band::Passive));
        assert_eq!(nps_band(s(Nps, 9.0)), Some(Band::Promoter));
        assert_eq!(nps_band(s(Csat, 1.0)), None);
        assert_eq!(display_band(s(Csat, 1.0)), Some("unhappy"));
        assert_eq!(display_band(s(Csat, 4.0)), None);
        assert_eq!(display_band(s(Nps, 10.0)), Some("promoter"));
        assert!(unhappiness(s(Nps, 0.0)) > unhappiness(s(Nps, 6.0)));
    }

    #[test]
    fn the_first_scored_answer_is_the_score() {
        let site = SiteConfig::from_json(
            r#"{"site":"demo","surveys":[{"id":"s","questions":[
            {"id":"t","type":"openText","text":"Why?"},
            {"id":"c","type":"csat","text":"Happy?"},
            {"id":"n","type":"nps","text":"Recommend?"}]}]}"#,
        )
        .expect("valid site");
        let survey = site.survey("s");
        let score = score_of(
            survey,
            r#"[{"question":"t","value":"slow"},{"question":"c","value":2},{"question":"n","value":9}]"#,
        );
        assert_eq!(score, Some(s(ScoreKind::Csat, 2.0)));
        assert_eq!(score_of(survey, r#"[{"question":"t","value":"x"}]"#), None);
        assert_eq!(score_of(survey, "not json"), None);
        assert_eq!(score_of(None, r#"[{"question":"n","value":9}]"#), None);
    }
}

#[cfg(test)]
mod band_tests {
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
