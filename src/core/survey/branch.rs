//! Branching rules of a question: `{"when": condition, "goto": "question-id" | "end"}`.

use crate::prelude::*;

use crate::core::response::AnswerValue;

/// The reserved target that jumps to the thank-you screen.
pub const END: &str = "end";

/// One branching rule. The first rule whose condition matches the answer wins; when none
/// matches, the question's `next` (or the following question) applies.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// When the rule applies.
    pub when: Condition,
    /// Id of a later question, or `"end"`.
    pub goto: String,
}

/// A scalar a condition compares with: an integer (scale value) or a string (thumbs,
/// option id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// A scale value.
    Integer(i64),
    /// An option id or `"up"`/`"down"`.
    Text(String),
}

/// A condition on an answer. Every field given must hold (they are combined with AND), and
/// at least one must be given (checked by validation).
///
/// For a multiple-choice answer, `equals`/`anyOf` hold when any chosen option matches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Condition {
    /// Scale value at least this.
    pub min: Option<i64>,
    /// Scale value at most this.
    pub max: Option<i64>,
    /// Answer equal to this.
    pub equals: Option<Scalar>,
    /// Answer equal to one of these.
    pub any_of: Option<Vec<Scalar>>,
}

impl Condition {
    /// Whether no test is given (an invalid condition).
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none() && self.equals.is_none() && self.any_of.is_none()
    }

    /// Whether `answer` satisfies every test given.
    pub fn matches(&self, answer: &AnswerValue) -> bool {
        if self.is_empty() {
            return false;
        }
        if let Some(min) = self.min {
            if !matches!(answer.as_number(), Some(n) if n >= min) {
                return false;
            }
        }
        if let Some(max) = self.max {
            if !matches!(answer.as_number(), Some(n) if n <= max) {
                return false;
            }
        }
        if let Some(eq) = &self.equals {
            if !scalar_matches(eq, answer) {
                return false;
            }
        }
        if let Some(any) = &self.any_of {
            if !any.iter().any(|s| scalar_matches(s, answer)) {
                return false;
            }
        }
        true
    }
}

fn scalar_matches(s: &Scalar, answer: &AnswerValue) -> bool {
    match (s, answer) {
        (Scalar::Integer(a), AnswerValue::Number(b)) => a == b,
        (Scalar::Text(a), AnswerValue::Text(b)) => a == b,
        (Scalar::Text(a), AnswerValue::Choices(mc)) => mc.choices.contains(a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::response::MultipleChoice;

    fn cond(json: &str) -> Condition {
        super::super::decode::condition("when", &crate::core::json::testing::parse(json).unwrap())
            .unwrap()
    }

    #[test]
    fn numeric_bounds_are_inclusive_and_combined() {
        let c = cond(r#"{"min": 7, "max": 8}"#);
        assert!(!c.matches(&AnswerValue::Number(6)));
        assert!(c.matches(&AnswerValue::Number(7)));
        assert!(c.matches(&AnswerValue::Number(8)));
        assert!(!c.matches(&AnswerValue::Number(9)));
        assert!(!c.matches(&AnswerValue::Text("7".into())));
    }

    #[test]
    fn equals_and_any_of() {
        assert!(cond(r#"{"equals": "down"}"#).matches(&AnswerValue::Text("down".into())));
        assert!(!cond(r#"{"equals": 3}"#).matches(&AnswerValue::Text("3".into())));
        let mc = AnswerValue::Choices(MultipleChoice {
            choices: vec!["a".into(), "c".into()],
            ..MultipleChoice::default()
        });
        assert!(cond(r#"{"anyOf": ["b", "c"]}"#).matches(&mc));
        assert!(!cond(r#"{"anyOf": ["b"]}"#).matches(&mc));
        assert!(!Condition::default().matches(&AnswerValue::Number(1)));
    }

    #[test]
    fn unknown_condition_keys_are_rejected() {
        let v = crate::core::json::testing::parse(r#"{"minimum": 3}"#).unwrap();
        assert!(super::super::decode::condition("when", &v).is_err());
    }
}
