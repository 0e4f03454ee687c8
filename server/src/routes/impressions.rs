//! `POST /v1/impressions` `{"site","survey"}`: the widget opened survey `survey` of `site`
//! once. The collector adds one to that survey's counter of the day (UTC) and stores
//! nothing else — no visitor, no customer, no address — so the console can show a response
//! rate per survey. Same rate limit, body limits, content types and origin check as
//! `POST /v1/responses`; `204` once counted. An unknown site is `404` (field `site`), a
//! survey the site does not define `409` (field `survey`), a malformed body `400` naming
//! the field.

use std::net::IpAddr;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::cors;
use crate::error::ApiError;
use crate::routes::responses::read_shopper_post;

/// Counts one impression.
pub async fn post_impression(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let config = app.config();
    let origin = cors::request_origin(&headers);
    let same_origin = origin.is_some_and(|o| cors::is_same_origin(&headers, o));
    // Until the site is known, any configured origin may read the error.
    let mut allowed = origin.is_some_and(|o| same_origin || cors::allowed_for_any(&config, o));
    let result = count(
        &app,
        client,
        &headers,
        body,
        origin,
        same_origin,
        &mut allowed,
    )
    .await;
    let mut response = match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    };
    cors::decorate(&mut response, origin, allowed);
    response
}

async fn count(
    app: &AppState,
    client: IpAddr,
    headers: &HeaderMap,
    body: Body,
    origin: Option<&str>,
    same_origin: bool,
    allowed: &mut bool,
) -> Result<(), ApiError> {
    let config = app.config();
    let body = read_shopper_post(app, &config, client, headers, body).await?;
    let (site_id, survey) = parse(&body)?;
    let site = config
        .site(&site_id)
        .ok_or_else(|| ApiError::SiteNotFound(site_id.clone()))?;
    if let Some(origin) = origin {
        if !same_origin && !cors::allowed_for_site(&config, &site.id, origin) {
            *allowed = false;
            return Err(ApiError::OriginNotAllowed(origin.to_owned()));
        }
    }
    if site.rules.config().survey(&survey).is_none() {
        return Err(ApiError::SurveyMismatch {
            field: "survey".into(),
            message: format!("unknown survey `{survey}`"),
        });
    }
    let now = app.clock.now_millis();
    app.store
        .impressions()
        .record(site.id.clone(), survey, now)
        .await?;
    Ok(())
}

/// `{"site": string, "survey": string}` and nothing else.
fn parse(body: &[u8]) -> Result<(String, String), ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    let Value::Object(members) = value else {
        return Err(ApiError::field("body", "must be an object"));
    };
    if let Some(key) = members.keys().find(|k| *k != "site" && *k != "survey") {
        return Err(ApiError::field(key.clone(), "unknown member"));
    }
    let text = |name: &str| match members.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(ApiError::field(name, "must not be empty")),
        Some(_) => Err(ApiError::field(name, "must be a string")),
        None => Err(ApiError::field(name, "required")),
    };
    Ok((text("site")?, text("survey")?))
}

/// Preflight for `POST /v1/impressions` (a JSON body).
pub async fn options_impressions(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let config = app.config();
    cors::preflight(
        &headers,
        |o| cors::allowed_for_any(&config, o),
        &[Method::POST],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_site_and_survey_only() {
        assert_eq!(
            parse(br#"{"site":"demo","survey":"s"}"#).unwrap(),
            ("demo".to_owned(), "s".to_owned())
        );
        let field = |body: &[u8]| parse(body).unwrap_err().field_name().to_owned();
        assert_eq!(field(br#"{"site":"demo"}"#), "survey");
        assert_eq!(field(br#"{"survey":"s"}"#), "site");
        assert_eq!(field(br#"{"site":1,"survey":"s"}"#), "site");
        assert_eq!(field(br#"{"site":"demo","survey":""}"#), "survey");
        assert_eq!(
            field(br#"{"site":"demo","survey":"s","visitor":"v"}"#),
            "visitor"
        );
        assert_eq!(field(br#"[]"#), "body");
        assert_eq!(field(b"{"), "body");
    }
}
