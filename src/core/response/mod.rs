//! A survey response (the `POST /v1/responses` body): its model, limits and validation
//! against the survey it answers. Used by the widget to build responses and by the collector
//! to check them.

mod answer;
mod error;
mod limits;
mod validate;

pub use answer::{Answer, AnswerValue, MultipleChoice};
pub use error::ResponseError;
pub use limits::Limits;
pub use validate::validate_response;

use serde_json::{Map, Value};

/// One submitted response.
///
/// ```
/// use rapport::core::response::{validate_response, Response};
/// use rapport::core::survey::SiteConfig;
/// let config = SiteConfig::from_json(r#"{"site": "demo", "surveys": [{"id": "s",
///   "questions": [{"id": "nps", "type": "nps", "required": true}]}]}"#).unwrap();
/// let response = Response::from_json(r#"{"id": "r1", "site": "demo", "survey": "s",
///   "answers": [{"question": "nps", "value": 11}]}"#).unwrap();
/// let err = validate_response(&config, &response).unwrap_err();
/// assert_eq!(err.to_string(), "answers[0].value: 11 is outside 0–10");
/// assert_eq!(err.field(), Some("answers[0].value"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// Idempotency key: a UUID v4 made once by the widget and reused across retries.
    pub id: String,
    /// Site id.
    pub site: String,
    /// Survey id.
    pub survey: String,
    /// Answers in the order given.
    pub answers: Vec<Answer>,
    /// Locale the survey was shown in.
    pub locale: Option<String>,
    /// Page URL.
    pub url: Option<String>,
    /// User id from `identify`.
    pub user_id: Option<String>,
    /// Traits from `identify`.
    pub traits: Option<Map<String, Value>>,
    /// When it was submitted, RFC 3339.
    pub created_at: Option<String>,
}

impl Response {
    /// Parses a request body: size limit first (so the collector can answer 413), then shape.
    /// Rules that need the survey are checked by [`Response::validate`].
    pub fn from_json(body: &str) -> Result<Response, ResponseError> {
        if body.len() > Limits::MAX_BODY_BYTES {
            return Err(ResponseError::TooLarge {
                size: body.len(),
                limit: Limits::MAX_BODY_BYTES,
            });
        }
        let mut de = serde_json::Deserializer::from_str(body);
        let response: Response =
            serde_path_to_error::deserialize(&mut de).map_err(|e| ResponseError::Malformed {
                field: crate::core::survey::json_path(e.path()),
                message: e.into_inner().to_string(),
            })?;
        de.end().map_err(|e| ResponseError::Malformed {
            field: String::new(),
            message: e.to_string(),
        })?;
        Ok(response)
    }

    /// Checks the response against the survey it answers: ids, value ranges and option ids,
    /// text lengths, duplicates, required questions skipped on the path taken, and the
    /// [`Limits`]. Answers to questions off the path are allowed (the widget drops them with
    /// [`crate::core::branching::prune`], but a stale one is not worth losing a response).
    pub fn validate(&self, survey: &crate::core::survey::Survey) -> Result<(), ResponseError> {
        validate::response(self, survey)
    }
}

#[cfg(test)]
mod tests;
