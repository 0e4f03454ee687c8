//! The one place where the server asks the pure core (`rapport::core`) whether a site
//! configuration or a response is valid. The survey model and every response rule (ids,
//! value ranges, option ids, text lengths, required questions on the path taken, limits)
//! live in the core; this adapter hands it what serde_json parsed (no second parse of the
//! text; the core's `From<&serde_json::Value> for Json`) and maps its errors onto
//! [`ApiError`].

use rapport::core::json::Json;
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
        SiteConfig::from_value(&Json::from(site))
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

/// Reads a response body parsed by serde_json (lone surrogates already replaced, see
/// [`crate::surrogates`]) of `size` bytes. Errors name the field at fault.
pub fn parse_response(value: &Value, size: usize) -> Result<Response, ApiError> {
    if size > Limits::MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit: Limits::MAX_BODY_BYTES,
        });
    }
    Response::from_value(&Json::from(value)).map_err(to_api_error)
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
        // The core names the member at fault (a missing or unknown key included); only a
        // body that is no JSON at all has no field.
        ResponseError::Malformed { field, message } if field.is_empty() => {
            ApiError::MalformedJson(message)
        }
        ResponseError::Malformed { field, message } => ApiError::InvalidField { field, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Response, ApiError> {
        let value: Value = serde_json::from_str(text).expect("test bodies are JSON");
        parse_response(&value, text.len())
    }

    /// The core names the member at fault; the adapter keeps its path.
    #[test]
    fn missing_and_unknown_keys_are_named() {
        let e = parse(r#"{"id":"x","site":"d","survey":"s"}"#).err();
        assert_eq!(e.as_ref().map(ApiError::field_name), Some("answers"));
        let e = parse(r#"{"id":"x","site":"d","survey":"s","answers":[],"bogus":1}"#).err();
        assert_eq!(e.as_ref().map(ApiError::field_name), Some("bogus"));
        let e = parse(r#"{"id":"x","site":"d","survey":"s","answers":[{"value":1}]}"#).err();
        assert_eq!(
            e.as_ref().map(ApiError::field_name),
            Some("answers[0].question")
        );
        let e = parse(r#"{"id":5,"site":"d","survey":"s","answers":[]}"#).err();
        assert_eq!(e.as_ref().map(ApiError::field_name), Some("id"));
        let body = Value::Object(serde_json::Map::new());
        let e = parse_response(&body, Limits::MAX_BODY_BYTES + 1).err();
        assert_eq!(e.as_ref().map(ApiError::code), Some("payload_too_large"));
    }
}
