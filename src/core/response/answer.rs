//! One answer of a response and the shape of its value.

use crate::prelude::*;

use crate::core::json::{
    integer, shape_err, string, write_str, Decoded, Fields, Json, ObjectWriter, Path,
};

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
    /// Open text as the widget sends it: a JSON string literal written by the browser's
    /// `JSON.stringify`, quotes included, which keeps what a Rust string cannot hold (lone
    /// UTF-16 surrogates, escaped as `\udXXX`), so the text arrives exactly as typed.
    /// Written as it is; the collector reads it back as [`AnswerValue::Text`].
    Json(String),
}

/// The value of a multiple-choice answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultipleChoice {
    /// Ids of the chosen options.
    pub choices: Vec<String>,
    /// Free text typed into "Other", when the question allows it.
    pub other: Option<String>,
    /// Whether `other` is a JSON string literal written by the browser (as in
    /// [`AnswerValue::Json`]) rather than plain text.
    pub other_is_json: bool,
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

impl AnswerValue {
    /// Reads a value; a wrong shape gets a message that says what is accepted.
    pub fn decode(path: &Path<'_>, v: &Json) -> Decoded<AnswerValue> {
        match v {
            Json::Num(_) => integer(path, v, i64::MIN, i64::MAX).map(AnswerValue::Number),
            Json::Str(s) => Ok(AnswerValue::Text(s.clone())),
            Json::Obj(_) => {
                let f = Fields::at(*path, v, Some(&["choices", "other"]))?;
                Ok(AnswerValue::Choices(MultipleChoice {
                    choices: f.list("choices", false, string)?,
                    other: f.str("other", false)?,
                    other_is_json: false,
                }))
            }
            other => shape_err(
                path,
                crate::core::msg::cat(&[
                    "expected an integer, a string or {\"choices\": [...]}, got ",
                    other.kind(),
                ]),
            ),
        }
    }

    /// Appends the wire form.
    pub fn write(&self, out: &mut String) {
        match self {
            AnswerValue::Number(n) => crate::core::msg::push_int(out, *n),
            AnswerValue::Text(t) => write_str(out, t),
            AnswerValue::Choices(mc) => {
                let mut w = ObjectWriter::new(out);
                let o = w.key("choices");
                o.push('[');
                for (i, c) in mc.choices.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    write_str(o, c);
                }
                o.push(']');
                match (&mc.other, mc.other_is_json) {
                    (Some(json), true) => w.key("other").push_str(json),
                    (other, _) => w.opt_str("other", other.as_deref()),
                }
                w.end();
            }
            AnswerValue::Json(json) => out.push_str(json),
        }
    }
}

impl Answer {
    /// Reads `{"question": id, "value": ...}`.
    pub fn decode(path: &Path<'_>, v: &Json) -> Decoded<Answer> {
        let f = Fields::at(*path, v, Some(&["question", "value"]))?;
        let question = f.req_str("question")?;
        Ok(Answer {
            question,
            value: f.req("value", AnswerValue::decode)?,
        })
    }

    /// Appends the wire form.
    pub fn write(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        w.str("question", &self.question);
        self.value.write(w.key("value"));
        w.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<AnswerValue, String> {
        AnswerValue::decode(
            &Path::Root("v"),
            &crate::core::json::testing::parse(json).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.message)
    }

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
                    other_is_json: false,
                }),
            ),
        ] {
            let parsed = read(json).unwrap();
            assert_eq!(parsed, value);
            let mut out = String::new();
            parsed.write(&mut out);
            assert_eq!(out, json);
        }
    }

    #[test]
    fn browser_written_text_goes_out_as_it_is() {
        // What `JSON.stringify` makes of text with a lone surrogate and quotes.
        let literal = "\"lone \\ud800 \\\"quoted\\\"\"";
        let mut out = String::new();
        AnswerValue::Json(literal.into()).write(&mut out);
        assert_eq!(out, literal);
        let mut out = String::new();
        AnswerValue::Choices(MultipleChoice {
            choices: vec!["a".into()],
            other: Some(literal.into()),
            other_is_json: true,
        })
        .write(&mut out);
        assert_eq!(out, format!(r#"{{"choices":["a"],"other":{literal}}}"#));
        // The collector reads both back as ordinary values (it reads a lone surrogate escape
        // as U+FFFD before serde_json parses the body: server/src/surrogates.rs).
        let collector = |text: &str| read(&text.replace("\\ud800", "\\ufffd"));
        assert!(matches!(collector(literal), Ok(AnswerValue::Text(_))));
        assert!(matches!(collector(&out), Ok(AnswerValue::Choices(_))));
    }

    #[test]
    fn wrong_shapes_say_what_is_accepted() {
        let e = read("9.5").unwrap_err();
        assert!(e.to_string().contains("9.5 is not an integer"), "{e}");
        let e = read("true").unwrap_err();
        assert!(e.to_string().contains("got a boolean"), "{e}");
        let e = read(r#"{"choice":[]}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
