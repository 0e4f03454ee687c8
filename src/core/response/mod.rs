//! A survey response (the `POST /v1/responses` body): its model, limits and validation
//! against the survey it answers. Used by the widget to build responses and by the collector
//! to check them.

use crate::prelude::*;

mod answer;
mod error;
mod limits;
mod validate;

pub use answer::{Answer, AnswerValue, MultipleChoice};
pub use error::ResponseError;
pub use limits::Limits;
pub use validate::{check_answer, validate_envelope, validate_response, Completeness};

use crate::core::json::{shape_err, write_map, Decoded, Fields, Json, JsonMap, ObjectWriter};

/// One submitted response.
///
/// ```
/// use rapport::core::response::{validate_response, Response};
/// use rapport::core::survey::SiteConfig;
/// let config = SiteConfig::from_json(r#"{"site": "demo", "surveys": [{"id": "s",
///   "questions": [{"id": "nps", "type": "nps", "text": "Recommend us?", "required": true}]}]}"#).unwrap();
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
    pub traits: Option<JsonMap>,
    /// When it was submitted, RFC 3339.
    pub created_at: Option<String>,
    /// The answers given so far by a shopper who closed the survey or left the page before
    /// its end (`"partial": true`); the complete response, sent later under the same id,
    /// supersedes it. See [`Completeness`].
    pub partial: bool,
}

impl Response {
    /// Parses a request body (with serde_json): size limit first (413), then shape. Rules
    /// that need the survey are checked by [`Response::validate`]. With the `serde_json`
    /// feature.
    #[cfg(feature = "serde_json")]
    pub fn from_json(body: &str) -> Result<Response, ResponseError> {
        if body.len() > Limits::MAX_BODY_BYTES {
            return Err(ResponseError::TooLarge {
                size: body.len(),
                limit: Limits::MAX_BODY_BYTES,
            });
        }
        let value = crate::core::json::from_text(body).map_err(|e| ResponseError::Malformed {
            field: String::new(),
            message: e.to_string(),
        })?;
        Self::from_value(&value)
    }

    /// Reads a response from a parsed body (the collector parses it with serde_json). The
    /// error names the field at fault.
    pub fn from_value(value: &Json) -> Result<Response, ResponseError> {
        Self::decode(value).map_err(|e| ResponseError::Malformed {
            field: e.path,
            message: e.message,
        })
    }

    fn decode(v: &Json) -> Decoded<Response> {
        let f = Fields::new(
            "",
            v,
            Some(&[
                "id",
                "site",
                "survey",
                "answers",
                "locale",
                "url",
                "userId",
                "traits",
                "createdAt",
                "partial",
            ]),
        )?;
        Ok(Response {
            id: f.req_str("id")?,
            site: f.req_str("site")?,
            survey: f.req_str("survey")?,
            answers: f.list("answers", true, Answer::decode)?,
            locale: f.str("locale", false)?,
            url: f.str("url", false)?,
            user_id: f.str("userId", false)?,
            traits: match f.field("traits", false)? {
                Some(Json::Obj(members)) => Some(members.clone()),
                Some(other) => {
                    return shape_err(
                        &f.child("traits"),
                        crate::core::msg::cat(&["expected an object, got ", other.kind()]),
                    )
                }
                None => None,
            },
            created_at: f.str("createdAt", false)?,
            partial: f.bool("partial")?.unwrap_or(false),
        })
    }

    /// The JSON body (compact; absent optional fields left out).
    pub fn to_json(&self) -> String {
        self.to_envelope(None)
    }

    /// The body the widget posts: the response, plus the customer `token` it was given
    /// under when the shopper was identified with one (the collector takes the token out,
    /// verifies it and never stores it; see `rapport('identify', {token})`).
    pub fn to_envelope(&self, token: Option<&str>) -> String {
        let mut out = String::new();
        let mut w = ObjectWriter::new(&mut out);
        w.str("id", &self.id);
        w.str("site", &self.site);
        w.str("survey", &self.survey);
        let o = w.key("answers");
        o.push('[');
        for (i, a) in self.answers.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            a.write(o);
        }
        o.push(']');
        w.opt_str("locale", self.locale.as_deref());
        w.opt_str("url", self.url.as_deref());
        w.opt_str("userId", self.user_id.as_deref());
        if let Some(traits) = &self.traits {
            write_map(w.key("traits"), traits);
        }
        w.opt_str("createdAt", self.created_at.as_deref());
        if self.partial {
            w.str_raw("partial", "true");
        }
        w.opt_str("token", token);
        w.end();
        out
    }

    /// Checks the response against the survey it answers: ids, value ranges and option ids,
    /// text lengths, duplicates, required questions skipped on the path taken (complete
    /// responses only: see [`Completeness`]), and the [`Limits`]. Answers to questions off the path are allowed (the widget drops them with
    /// [`crate::core::branching::prune`], but a stale one is not worth losing a response).
    pub fn validate(&self, survey: &crate::core::survey::Survey) -> Result<(), ResponseError> {
        validate::response(self, survey)
    }
}

#[cfg(test)]
mod tests;
