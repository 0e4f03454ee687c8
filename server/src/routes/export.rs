//! `GET /v1/responses?site=…`: the admin export, guarded by `Authorization: Bearer
//! <adminToken>` of that site. Missing or malformed credentials give 401; a token that is
//! not the site's (or a site that does not exist) gives 403, so the endpoint does not
//! reveal which sites exist; a client that keeps sending wrong tokens gets 429 (see
//! [`crate::admin_auth`]). The body streams ([`crate::export`]): `format=json` (a JSON
//! array, the default), `ndjson` or `csv` (`rows=answer` or `rows=response`); filters
//! `survey`, `since`, `until`; paging `after` and `limit` (with a `Link` to the next page).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::cors;
use crate::error::ApiError;
use crate::export::csv::{AnswerRows, ResponseRows};
use crate::export::json::JsonItems;
use crate::export::{self, Encoder, ExportRequest, Format};
use crate::store::Cursor;

/// Exports a site's responses.
pub async fn export(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let origin = cors::request_origin(&headers);
    let result = run(&app, client, &headers, query).await;
    let allowed = origin.is_some_and(|o| cors::allowed_for_any(&app.config(), o));
    let mut response = match result {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    cors::decorate(&mut response, origin, allowed);
    if allowed {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Link"),
        );
    }
    response
}

async fn run(
    app: &AppState,
    client: IpAddr,
    headers: &HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let config = app.config();
    let token = bearer_token(headers).ok_or(ApiError::Unauthorized)?;
    let Query(params) = query.map_err(|e| ApiError::field("query", e.body_text()))?;
    let site_id = params
        .get("site")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::field("site", "query parameter is required"))?;
    let request = ExportRequest::parse(site_id, &params)?;
    let site = app
        .admin
        .authorize(&config, client, site_id, token, Instant::now())?;
    let (encoder, content_type, file): (Box<dyn Encoder>, _, _) = match request.format {
        Format::Json => (
            Box::new(JsonItems::new(config.clone(), false)),
            "application/json",
            None,
        ),
        Format::Ndjson => (
            Box::new(JsonItems::new(config.clone(), true)),
            "application/x-ndjson",
            None,
        ),
        Format::CsvAnswers => (
            Box::new(AnswerRows::new(config.clone())),
            "text/csv; charset=utf-8",
            Some(format!("rapport-{}.csv", safe_name(&site.id))),
        ),
        Format::CsvResponses => (
            Box::new(ResponseRows::new(
                config.clone(),
                &site.id,
                request.filter.survey.as_deref(),
            )),
            "text/csv; charset=utf-8",
            Some(format!("rapport-{}-responses.csv", safe_name(&site.id))),
        ),
    };
    let streamed = export::stream(app.store.clone(), &request, encoder).await?;
    let mut response = streamed.body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(file) = file {
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    if let Some(next) = streamed.next {
        if let Ok(v) = HeaderValue::from_str(&next_link(&params, &next)) {
            h.insert(header::LINK, v);
        }
    }
    Ok(response)
}

/// `</v1/responses?…&after=…>; rel="next"`: this request's parameters with `after` moved.
fn next_link(params: &HashMap<String, String>, next: &Cursor) -> String {
    let mut keys: Vec<&String> = params.keys().filter(|k| *k != "after").collect();
    keys.sort();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for k in keys {
        query.append_pair(k, &params[k]);
    }
    query.append_pair("after", &next.id);
    format!("</v1/responses?{}>; rel=\"next\"", query.finish())
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
    fn next_link_keeps_the_query() {
        let params: HashMap<String, String> = [
            ("site", "demo"),
            ("survey", "a b&c"),
            ("after", "old"),
            ("limit", "2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let next = Cursor {
            received_at: "2026-01-01T00:00:00.000Z".into(),
            id: "r".into(),
        };
        assert_eq!(
            next_link(&params, &next),
            "</v1/responses?limit=2&site=demo&survey=a+b%26c&after=r>; rel=\"next\""
        );
    }
}
