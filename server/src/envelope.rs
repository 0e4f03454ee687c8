//! Reading a `POST /v1/responses` body: UTF-8, lone-surrogate handling, the core's
//! [`Response`] parse, and the verbatim JSON text of `answers` and `traits` for storage.
//! Survey rules are checked afterwards by [`crate::validate::validate`].

use rapport::core::response::Response;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::ApiError;
use crate::surrogates::replace_lone_surrogates;
use crate::validate;

/// A parsed response body.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The response as the core reads it (lone surrogates read as U+FFFD).
    pub response: Response,
    /// `answers` as delivered (JSON text, verbatim).
    pub answers_json: String,
    /// `traits` as delivered (JSON text, verbatim), if present and not null.
    pub traits_json: Option<String>,
    /// The envelope's customer `token` (a string; verified by the handler, never stored).
    pub token: Option<String>,
}

/// Longest customer token accepted in an envelope.
pub const MAX_TOKEN_BYTES: usize = rapport::core::response::Limits::MAX_TOKEN_BYTES;

#[derive(Deserialize)]
struct RawParts<'a> {
    #[serde(borrow)]
    answers: Option<&'a RawValue>,
    #[serde(borrow)]
    traits: Option<&'a RawValue>,
}

/// Parses `body`. Errors name the field at fault (`body` for syntax errors).
pub fn parse(body: &[u8]) -> Result<Incoming, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::MalformedJson(format!("not UTF-8 ({e})")))?;
    let sanitized = replace_lone_surrogates(text);
    // One parse: a truncated body is malformed JSON, whichever field it stopped in.
    let mut value: serde_json::Value =
        serde_json::from_str(&sanitized).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    let Some(members) = value.as_object_mut() else {
        return Err(ApiError::field("body", "must be a JSON object"));
    };
    // The customer token is the collector's business, not the response's: taken out
    // before the core reads the response, and never stored.
    let token = match members.remove("token") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(t)) if !t.is_empty() && t.len() <= MAX_TOKEN_BYTES => {
            Some(t)
        }
        Some(_) => {
            return Err(ApiError::field(
                "token",
                format!("must be a customer token (a string of 1 to {MAX_TOKEN_BYTES} bytes)"),
            ))
        }
    };
    let response = validate::parse_response(&value, sanitized.len())?;
    // The raw pass reads the delivered text itself, so escapes survive untouched. It
    // cannot fail where the parse above succeeded except on a duplicated key.
    let raw: RawParts<'_> = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let field = if msg.contains("traits") {
            "traits"
        } else {
            "answers"
        };
        ApiError::field(field, msg)
    })?;
    let answers_json = raw
        .answers
        .map(|r| r.get().to_owned())
        .ok_or_else(|| ApiError::field("answers", "is required"))?;
    Ok(Incoming {
        response,
        answers_json,
        traits_json: raw.traits.map(|r| r.get().to_owned()),
        token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_answers_text_verbatim() -> Result<(), ApiError> {
        let body = br#"{"id":"r1","site":"demo","survey":"s","answers":[ {"question":"t","value":"a\ud800\u0000\u202e"} ],"traits":{"k":"\ud800"},"url":"u\ud800"}"#;
        let inc = parse(body)?;
        assert_eq!(
            inc.answers_json,
            r#"[ {"question":"t","value":"a\ud800\u0000\u202e"} ]"#
        );
        assert_eq!(inc.traits_json.as_deref(), Some(r#"{"k":"\ud800"}"#));
        assert_eq!(inc.response.url.as_deref(), Some("u\u{fffd}"));
        assert_eq!(
            inc.response.answers[0].value.as_text(),
            Some("a\u{fffd}\u{0}\u{202e}")
        );
        Ok(())
    }

    #[test]
    fn token_is_taken_out() -> Result<(), ApiError> {
        let inc = parse(br#"{"id":"r","site":"d","survey":"s","answers":[],"token":"a.b.c"}"#)?;
        assert_eq!(inc.token.as_deref(), Some("a.b.c"));
        assert!(!inc.response.partial);
        let none = parse(br#"{"id":"r","site":"d","survey":"s","answers":[],"token":null}"#)?;
        assert_eq!(none.token, None);
        let err = parse(br#"{"id":"r","site":"d","survey":"s","answers":[],"token":5}"#).err();
        assert_eq!(err.as_ref().map(ApiError::field_name), Some("token"));
        Ok(())
    }

    #[test]
    fn null_traits_are_absent() -> Result<(), ApiError> {
        let inc = parse(br#"{"id":"r","site":"d","survey":"s","answers":[],"traits":null}"#)?;
        assert_eq!(inc.traits_json, None);
        Ok(())
    }

    #[test]
    fn names_fields() {
        let cases: &[(&[u8], &str)] = &[
            (b"{", "body"),
            (b"[1]", "body"),
            (b"\xff", "body"),
            (br#"{"site":"d","survey":"s","answers":[]}"#, "id"),
            (br#"{"id":1,"site":"d","survey":"s","answers":[]}"#, "id"),
            (
                br#"{"id":"x","site":"d","survey":"s","answers":{}}"#,
                "answers",
            ),
            (
                br#"{"id":"x","site":"d","survey":"s","answers":[],"traits":[]}"#,
                "traits",
            ),
            (
                br#"{"id":"x","site":"d","survey":"s","answers":[],"url":5}"#,
                "url",
            ),
        ];
        for (body, field) in cases {
            let err = parse(body).err();
            assert_eq!(
                err.as_ref().map(ApiError::field_name),
                Some(*field),
                "{}: {err:?}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
