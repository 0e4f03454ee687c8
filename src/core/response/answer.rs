//! One answer of a response and the shape of its value.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// One answered question.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// Id of the question answered.
    pub question: String,
    /// The answer.
    pub value: AnswerValue,
}

impl Answer {
    /// Builds an answer.
    pub fn new(question: impl Into<String>, value: AnswerValue) -> Self {
        Answer {
            question: question.into(),
            value,
        }
    }
}

/// The value of an answer, as on the wire (see the table in ARCHITECTURE.md):
/// an integer for scales (nps, csat, ces, emoji), a string for thumbs (`"up"`/`"down"`),
/// single choice (option id) and open text, and `{choices, other}` for multiple choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerValue {
    /// A scale value.
    Number(i64),
    /// Thumbs, single-choice option id or open text.
    Text(String),
    /// Multiple choice.
    Choices(MultipleChoice),
}

/// The value of a multiple-choice answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultipleChoice {
    /// Ids of the chosen options.
    pub choices: Vec<String>,
    /// Free text typed into "Other", when the question allows it.
    pub other: Option<String>,
}

impl AnswerValue {
    /// The integer, if this is a scale value.
    pub fn as_number(&self) -> Option<i64> {
        match self {
            AnswerValue::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            AnswerValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    // Hand-written rather than `untagged` so that a wrong shape gets a message that says what
    // is accepted instead of serde's "data did not match any variant".
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(AnswerValue::Number(i)),
                None => Err(D::Error::custom(format!("{n} is not an integer"))),
            },
            Value::String(s) => Ok(AnswerValue::Text(s)),
            obj @ Value::Object(_) => serde_json::from_value::<MultipleChoice>(obj)
                .map(AnswerValue::Choices)
                .map_err(|e| D::Error::custom(format!("invalid multiple-choice value: {e}"))),
            other => Err(D::Error::custom(format!(
                "expected an integer, a string or {{\"choices\": [...]}}, got {}",
                kind_name(&other)
            ))),
        }
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shapes_round_trip() {
        for (json, value) in [
            ("9", AnswerValue::Number(9)),
            ("\"up\"", AnswerValue::Text("up".into())),
            (
                r#"{"choices":["a","b"],"other":"x"}"#,
                AnswerValue::Choices(MultipleChoice {
                    choices: vec!["a".into(), "b".into()],
                    other: Some("x".into()),
                }),
            ),
        ] {
            let parsed: AnswerValue = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, value);
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        }
    }

    #[test]
    fn wrong_shapes_say_what_is_accepted() {
        let e = serde_json::from_str::<AnswerValue>("9.5").unwrap_err();
        assert!(e.to_string().contains("9.5 is not an integer"), "{e}");
        let e = serde_json::from_str::<AnswerValue>("true").unwrap_err();
        assert!(e.to_string().contains("got a boolean"), "{e}");
        let e = serde_json::from_str::<AnswerValue>(r#"{"choice":[]}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
