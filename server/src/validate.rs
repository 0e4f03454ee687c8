//! The one place where the server asks the pure core (`rapport::core`) whether a site
//! configuration or a response is valid. The survey model and every response rule (ids,
//! value ranges, option ids, text lengths, required questions on the path taken, limits)
//! live in the core; this adapter only maps its errors onto [`ApiError`].

use rapport::core::response::{validate_envelope, validate_response, Response, ResponseError};
use rapport::core::survey::{ConfigError as SiteConfigError, SiteConfig};
use serde_json::Value;

use crate::error::ApiError;

pub use rapport::core::response::Limits;

/// A site configuration is unusable; `path` is relative to the site object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SiteRulesError {
    /// JSON path inside the site object, e.g. `surveys[0].questions[1].type`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// What response validation needs to know about one site: its parsed configuration.
#[derive(Debug, Clone)]
pub struct SiteRules {
    config: SiteConfig,
}

impl SiteRules {
    /// Parses and checks a site object (without the server-only `origins`/`adminToken`).
    pub fn from_site_json(site: &Value) -> Result<Self, SiteRulesError> {
        // The core reads its own JSON value; the text form is the bridge from serde_json.
        SiteConfig::from_json(&site.to_string())
            .map(|config| SiteRules { config })
            .map_err(|err: SiteConfigError| {
                let path = err.path().to_owned();
                let full = err.to_string();
                let prefix = format!("{path}: ");
                let message = full
                    .strip_prefix(&prefix)
                    .map(str::to_owned)
                    .unwrap_or(full);
                SiteRulesError { path, message }
            })
    }

    /// The site id.
    pub fn site_id(&self) -> &str {
        &self.config.site
    }

    /// The parsed configuration.
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }
}

/// Parses a response body (JSON text in which lone surrogates were already replaced, see
/// [`crate::surrogates`]). Errors name the field at fault.
pub fn parse_response(text: &str) -> Result<Response, ApiError> {
    Response::from_json(text).map_err(to_api_error)
}

/// Checks the rules that hold for every site (400), before the site is looked up.
pub fn validate_shape(response: &Response) -> Result<(), ApiError> {
    validate_envelope(response).map_err(to_api_error)
}

/// Checks `response` against the response limits ([`ApiError::InvalidField`], 400) and
/// then against the site's surveys ([`ApiError::SurveyMismatch`], 409).
pub fn validate(rules: &SiteRules, response: &Response) -> Result<(), ApiError> {
    validate_response(&rules.config, response).map_err(to_api_error)
}

fn to_api_error(err: ResponseError) -> ApiError {
    match err {
        ResponseError::TooLarge { limit, .. } => ApiError::PayloadTooLarge { limit },
        ResponseError::Invalid { field, message } => ApiError::InvalidField { field, message },
        ResponseError::Mismatch { field, message } => ApiError::SurveyMismatch { field, message },
        ResponseError::Malformed { field, message } => {
            // serde reports a missing or unknown key at the enclosing object; name the key.
            let key = quoted_key(&message, "missing field `")
                .or_else(|| quoted_key(&message, "unknown field `"))
                .map(str::to_owned);
            match (field.is_empty(), key) {
                (true, Some(key)) => ApiError::field(key, message),
                (false, Some(key)) if field != key && !field.ends_with(&format!(".{key}")) => {
                    ApiError::field(format!("{field}.{key}"), message)
                }
                (true, None) => ApiError::MalformedJson(message),
                (false, _) => ApiError::InvalidField { field, message },
            }
        }
    }
}

fn quoted_key<'a>(message: &'a str, lead: &str) -> Option<&'a str> {
    let start = message.find(lead)? + lead.len();
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_unknown_keys_are_named() {
        let e = parse_response(r#"{"id":"x","site":"d","survey":"s"}"#).err();
        assert_eq!(e.as_ref().map(ApiError::field_name), Some("answers"));
        let e =
            parse_response(r#"{"id":"x","site":"d","survey":"s","answers":[],"bogus":1}"#).err();
        assert_eq!(e.as_ref().map(ApiError::field_name), Some("bogus"));
        let e =
            parse_response(r#"{"id":"x","site":"d","survey":"s","answers":[{"value":1}]}"#).err();
        assert_eq!(
            e.as_ref().map(ApiError::field_name),
            Some("answers[0].question")
        );
        let e = parse_response(r#"{"id":5,"site":"d","survey":"s","answers":[]}"#).err();
        assert_eq!(e.as_ref().map(ApiError::field_name), Some("id"));
        let e = parse_response("{").err();
        assert_eq!(e.as_ref().map(ApiError::code), Some("malformed_json"));
    }
}
