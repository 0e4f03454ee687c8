//! `GET /v1/responses?site=…&format=json|csv[&survey=…]`: the admin export, guarded by
//! `Authorization: Bearer <adminToken>` of that site. Missing or malformed credentials give
//! 401; a token that is not the site's (or a site that does not exist) gives 403, so the
//! endpoint does not reveal which sites exist; a client that keeps sending wrong tokens
//! gets 429 (see [`crate::admin_auth`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::cors;
use crate::csv;
use crate::error::ApiError;
use crate::store::{ExportFilter, StoredResponse};

/// Exports a site's responses.
pub async fn export(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let origin = cors::request_origin(&headers);
    let result = run(&app, client, &headers, query).await;
    let allowed = origin.is_some_and(|o| cors::allowed_for_any(&app.config, o));
    let mut response = match result {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    cors::decorate(&mut response, origin, allowed);
    response
}

async fn run(
    app: &AppState,
    client: IpAddr,
    headers: &HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let token = bearer_token(headers).ok_or(ApiError::Unauthorized)?;
    let Query(params) = query.map_err(|e| ApiError::field("query", e.body_text()))?;
    let site_id = params
        .get("site")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::field("site", "query parameter is required"))?;
    let format = params.get("format").map(String::as_str).unwrap_or("json");
    if !matches!(format, "json" | "csv") {
        return Err(ApiError::field("format", "must be \"json\" or \"csv\""));
    }
    let site = app
        .admin
        .authorize(&app.config, client, site_id, token, Instant::now())?;
    let filter = ExportFilter {
        site: site.id.clone(),
        survey: params.get("survey").filter(|s| !s.is_empty()).cloned(),
    };
    let rows = app.store.list(filter).await?;
    let mut response = if format == "csv" {
        let mut r = csv::encode(&rows).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        let disposition = format!(
            "attachment; filename=\"rapport-{}.csv\"",
            safe_name(&site.id)
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        r
    } else {
        let items: Vec<ExportItem> = rows.iter().map(ExportItem::from).collect();
        Json(items).into_response()
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// One response in the JSON export; `answers` and `traits` are re-emitted verbatim.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportItem<'a> {
    id: &'a str,
    site: &'a str,
    survey: &'a str,
    answers: Box<RawValue>,
    locale: Option<&'a str>,
    url: Option<&'a str>,
    user_id: Option<&'a str>,
    traits: Option<Box<RawValue>>,
    created_at: Option<&'a str>,
    received_at: &'a str,
}

impl<'a> From<&'a StoredResponse> for ExportItem<'a> {
    fn from(r: &'a StoredResponse) -> Self {
        ExportItem {
            id: &r.id,
            site: &r.site,
            survey: &r.survey,
            answers: raw_or_string(&r.answers_json),
            locale: r.locale.as_deref(),
            url: r.url.as_deref(),
            user_id: r.user_id.as_deref(),
            traits: r.traits_json.as_deref().map(raw_or_string),
            created_at: r.created_at.as_deref(),
            received_at: &r.received_at,
        }
    }
}

/// Stored JSON text as raw JSON; should it ever not parse, as a JSON string instead.
fn raw_or_string(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned())
        .or_else(|_| serde_json::to_string(text).and_then(RawValue::from_string))
        .unwrap_or_else(|_| Box::<RawValue>::default())
}

fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_passthrough() {
        assert_eq!(raw_or_string(r#"["\ud800"]"#).get(), r#"["\ud800"]"#);
        assert_eq!(raw_or_string("not json").get(), "\"not json\"");
    }
}
