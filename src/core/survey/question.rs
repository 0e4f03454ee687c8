//! A question of a survey: its id, prompt, kind (with kind-specific settings) and branching.

use crate::prelude::*;

use super::branch::Branch;
use crate::core::text::LocalizedText;
use ::core::ops::RangeInclusive;

/// Default `maxLength` of an open-text question.
pub const DEFAULT_MAX_LENGTH: u32 = 2000;
/// Hard limit on any `maxLength`.
pub const MAX_MAX_LENGTH: u32 = 10_000;

/// One selectable option of a choice question.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Option id, sent in responses.
    pub id: String,
    /// Visible label.
    pub label: LocalizedText,
}

/// Optional end labels of a scale ("Not likely" … "Very likely").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScaleLabels {
    /// Label under the lowest value.
    pub low: Option<LocalizedText>,
    /// Label under the highest value.
    pub high: Option<LocalizedText>,
}

/// The kind of a question and its kind-specific settings. The answer each kind takes is in
/// the table of ARCHITECTURE.md and enforced by [`crate::core::response`].
#[derive(Clone, Debug, PartialEq)]
pub enum QuestionKind {
    /// Net Promoter Score, 0–10.
    Nps(ScaleLabels),
    /// Customer satisfaction, 1–5 stars.
    Csat(ScaleLabels),
    /// Customer effort score, 1–7.
    Ces(ScaleLabels),
    /// Thumbs up / down.
    Thumbs,
    /// Five faces, 1 (very unhappy) – 5 (very happy).
    Emoji(ScaleLabels),
    /// Exactly one option.
    SingleChoice {
        /// The options, in display order.
        options: Vec<Choice>,
    },
    /// Any number of options, optionally with a free-text "Other".
    MultipleChoice {
        /// The options, in display order.
        options: Vec<Choice>,
        /// Whether an "Other" free-text field is offered.
        other: bool,
    },
    /// Free text.
    OpenText {
        /// Maximum length in characters (Unicode scalar values).
        max_length: u32,
        /// Placeholder of the text area.
        placeholder: Option<LocalizedText>,
    },
}

/// The `type` tag of a question, as written in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionType {
    /// `nps`
    Nps,
    /// `csat`
    Csat,
    /// `ces`
    Ces,
    /// `thumbs`
    Thumbs,
    /// `emoji`
    Emoji,
    /// `singleChoice`
    SingleChoice,
    /// `multipleChoice`
    MultipleChoice,
    /// `openText`
    OpenText,
}

impl QuestionType {
    /// Every type.
    pub const ALL: [QuestionType; 8] = [
        QuestionType::Nps,
        QuestionType::Csat,
        QuestionType::Ces,
        QuestionType::Thumbs,
        QuestionType::Emoji,
        QuestionType::SingleChoice,
        QuestionType::MultipleChoice,
        QuestionType::OpenText,
    ];

    /// The JSON spelling.
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

    /// Whether it is answered on a numeric scale with end labels (NPS, CSAT, CES, emoji).
    pub fn is_scale(self) -> bool {
        matches!(
            self,
            QuestionType::Nps | QuestionType::Csat | QuestionType::Ces | QuestionType::Emoji
        )
    }

    /// Whether it lists options (single and multiple choice).
    pub fn has_options(self) -> bool {
        matches!(
            self,
            QuestionType::SingleChoice | QuestionType::MultipleChoice
        )
    }
}

impl QuestionKind {
    /// The `type` tag.
    pub fn question_type(&self) -> QuestionType {
        match self {
            QuestionKind::Nps(_) => QuestionType::Nps,
            QuestionKind::Csat(_) => QuestionType::Csat,
            QuestionKind::Ces(_) => QuestionType::Ces,
            QuestionKind::Thumbs => QuestionType::Thumbs,
            QuestionKind::Emoji(_) => QuestionType::Emoji,
            QuestionKind::SingleChoice { .. } => QuestionType::SingleChoice,
            QuestionKind::MultipleChoice { .. } => QuestionType::MultipleChoice,
            QuestionKind::OpenText { .. } => QuestionType::OpenText,
        }
    }

    /// The accepted integer range of a scale question; `None` for other kinds.
    pub fn scale(&self) -> Option<RangeInclusive<i64>> {
        match self {
            QuestionKind::Nps(_) => Some(0..=10),
            QuestionKind::Csat(_) | QuestionKind::Emoji(_) => Some(1..=5),
            QuestionKind::Ces(_) => Some(1..=7),
            _ => None,
        }
    }

    /// The accepted range of a scale question as text (`0–10`), for messages; `""` for other
    /// kinds.
    pub(crate) fn scale_text(&self) -> &'static str {
        match self {
            QuestionKind::Nps(_) => "0–10",
            QuestionKind::Csat(_) | QuestionKind::Emoji(_) => "1–5",
            QuestionKind::Ces(_) => "1–7",
            _ => "",
        }
    }

    /// The scale end labels, if this is a scale question.
    pub fn labels(&self) -> Option<&ScaleLabels> {
        match self {
            QuestionKind::Nps(l)
            | QuestionKind::Csat(l)
            | QuestionKind::Ces(l)
            | QuestionKind::Emoji(l) => Some(l),
            _ => None,
        }
    }

    /// The options of a choice question (empty for other kinds).
    pub fn options(&self) -> &[Choice] {
        match self {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. } => options,
            _ => &[],
        }
    }
}

/// A question.
///
/// In JSON every setting sits flat on the question object next to `"type"`; fields that do
/// not belong to the type (e.g. `options` on an `nps`) are rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// Unique id within the survey (not `"end"`).
    pub id: String,
    /// What is asked and how it is answered.
    pub kind: QuestionKind,
    /// The prompt (required of every kind).
    pub text: LocalizedText,
    /// Whether the visitor must answer before moving on.
    pub required: bool,
    /// Branching rules, tried in order.
    pub branches: Vec<Branch>,
    /// Where to go when no branch matches: a later question id or `"end"`; `None` means the
    /// following question (or the end after the last one).
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Question, String> {
        super::super::decode::question(
            "q",
            &crate::core::json::testing::parse(json).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.message)
    }

    #[test]
    fn flat_json_maps_to_kind() {
        let q = read(
            r#"{"id":"why","type":"multipleChoice","text":"Why?","other":true,
                "options":[{"id":"a","label":"A"}]}"#,
        )
        .unwrap();
        assert!(
            matches!(&q.kind, QuestionKind::MultipleChoice { options, other: true } if options.len() == 1)
        );
        let o = read(r#"{"id":"t","type":"openText","text":"Say"}"#).unwrap();
        assert!(matches!(
            o.kind,
            QuestionKind::OpenText {
                max_length: 2000,
                ..
            }
        ));
        assert_eq!(o.kind.scale(), None);
        let n = read(r#"{"id":"n","type":"nps","text":"Recommend us?"}"#).unwrap();
        assert_eq!(n.kind.scale(), Some(0..=10));
    }

    #[test]
    fn type_spellings() {
        assert_eq!(QuestionType::Nps.as_str(), "nps");
        assert_eq!(QuestionType::Thumbs.as_str(), "thumbs");
        assert_eq!(QuestionType::MultipleChoice.as_str(), "multipleChoice");
        assert_eq!(QuestionType::OpenText.as_str(), "openText");
        let scales: Vec<_> = QuestionType::ALL
            .into_iter()
            .filter(|t| t.is_scale())
            .map(QuestionType::as_str)
            .collect();
        assert_eq!(scales, ["nps", "csat", "ces", "emoji"]);
    }

    #[test]
    fn fields_of_another_type_are_rejected() {
        let e = read(r#"{"id":"n","type":"nps","options":[]}"#).unwrap_err();
        assert!(
            e.to_string()
                .contains("`options` is not allowed for type `nps`"),
            "{e}"
        );
        let e = read(r#"{"id":"n","type":"nps","colour":1}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    }
}
