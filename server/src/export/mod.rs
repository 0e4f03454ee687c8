//! The admin export of `GET /v1/responses`: what a request asks for ([`ExportRequest`]),
//! and its body streamed page by page ([`stream`]) in JSON, NDJSON or CSV.
//!
//! Memory stays flat whatever the export's size: the body is produced one page of
//! [`PAGE`] rows at a time, and the next page is only read from the store once the client
//! has taken the previous one (the body is a pull stream). Between pages no database
//! connection is held, so other requests are served as usual. Rows come in
//! `(received_at, id)` order; a client resumes after any row with `?after=<its id>` (an id
//! the site does not have is a 404),
//! or asks for pages of at most [`MAX_LIMIT`] rows with `?limit=` and follows the
//! `Link: <…>; rel="next"` header. Rows committed while an export runs appear in it only if
//! they sort after the rows already sent.
//!
//! Once the `200` is sent, a failure part-way (the database went away) ends the body
//! abruptly rather than cleanly: a JSON array is then left unclosed, and an NDJSON or CSV
//! body lacks its last line end.

pub mod answers;
pub mod cell;
pub mod csv;
pub mod json;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};

use crate::clock;
use crate::error::ApiError;
use crate::store::{Cursor, ExportFilter, PageQuery, ResponseStore, StoredResponse};

/// Rows read per page of a streamed export.
pub const PAGE: usize = 1000;
/// Largest `limit` a client may ask for.
pub const MAX_LIMIT: usize = 10_000;

/// Writes an export's bytes: a head, each row, a tail.
pub trait Encoder: Send + 'static {
    /// Before the first row (CSV header, `[`).
    fn head(&mut self, out: &mut Vec<u8>);
    /// One response.
    fn row(&mut self, response: &StoredResponse, out: &mut Vec<u8>);
    /// After the last row (`]`).
    fn tail(&mut self, out: &mut Vec<u8>);
}

/// The body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array (the default).
    Json,
    /// One JSON object per line.
    Ndjson,
    /// CSV, one row per answer.
    CsvAnswers,
    /// CSV, one row per response with a column per question.
    CsvResponses,
}

/// A parsed export request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// The body format.
    pub format: Format,
    /// Which rows.
    pub filter: ExportFilter,
    /// Resume after the response with this id.
    pub after: Option<String>,
    /// At most this many rows (and a `Link` to the next page); everything when `None`.
    pub limit: Option<usize>,
}

impl ExportRequest {
    /// Reads the query parameters other than `site` (already checked against the token).
    pub fn parse(site: &str, params: &HashMap<String, String>) -> Result<Self, ApiError> {
        let get = |k: &str| params.get(k).map(String::as_str);
        let rows = get("rows").unwrap_or("answer");
        let format = match (get("format").unwrap_or("json"), rows) {
            (_, r) if r != "answer" && r != "response" => {
                return Err(ApiError::field(
                    "rows",
                    "must be \"answer\" or \"response\"",
                ))
            }
            ("json", _) => Format::Json,
            ("ndjson", _) => Format::Ndjson,
            ("csv", "answer") => Format::CsvAnswers,
            ("csv", _) => Format::CsvResponses,
            _ => {
                return Err(ApiError::field(
                    "format",
                    "must be \"json\", \"ndjson\" or \"csv\"",
                ))
            }
        };
        let after = get("after").map(str::to_owned);
        let limit = get("limit")
            .map(|v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        ApiError::field(
                            "limit",
                            format!("must be an integer from 1 to {MAX_LIMIT}"),
                        )
                    })
            })
            .transpose()?;
        Ok(ExportRequest {
            format,
            filter: ExportFilter {
                site: site.to_owned(),
                survey: get("survey").filter(|s| !s.is_empty()).map(str::to_owned),
                since: get("since").map(|v| instant("since", v)).transpose()?,
                until: get("until").map(|v| instant("until", v)).transpose()?,
            },
            after,
            limit,
        })
    }
}

/// An RFC 3339 timestamp or a `YYYY-MM-DD` date (midnight UTC), in the stored form.
fn instant(field: &str, value: &str) -> Result<String, ApiError> {
    let parse = rapport::core::datetime::parse_rfc3339;
    let ms = parse(value)
        .or_else(|| {
            (value.len() == 10)
                .then(|| parse(&format!("{value}T00:00:00Z")))
                .flatten()
        })
        .ok_or_else(|| {
            ApiError::field(
                field,
                format!("{value:?} is not an RFC 3339 timestamp or a YYYY-MM-DD date"),
            )
        })?;
    Ok(clock::format_unix_millis(ms))
}

/// An export ready to send: the body, and the cursor of the next page when `limit` cut it.
pub struct Streamed {
    /// The response body.
    pub body: Body,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

struct State {
    store: Arc<dyn ResponseStore>,
    filter: ExportFilter,
    encoder: Box<dyn Encoder>,
    first: Option<Vec<StoredResponse>>,
    after: Option<Cursor>,
    done: bool,
}

/// Reads the first page (so that a database failure is still an error status), then
/// returns the body that streams the rest.
pub async fn stream(
    store: Arc<dyn ResponseStore>,
    request: &ExportRequest,
    encoder: Box<dyn Encoder>,
) -> Result<Streamed, ApiError> {
    let size = request.limit.map_or(PAGE, |n| n + 1);
    let after = match &request.after {
        Some(id) => Some(
            store
                .cursor_of(request.filter.site.clone(), id.clone())
                .await?
                .ok_or_else(|| ApiError::UnknownCursor(id.clone()))?,
        ),
        None => None,
    };
    let mut first = store
        .page(PageQuery {
            filter: request.filter.clone(),
            after,
            limit: size,
        })
        .await?;
    let mut next = None;
    let mut done = first.len() < size;
    if let Some(limit) = request.limit {
        if first.len() > limit {
            first.truncate(limit);
            next = first.last().map(StoredResponse::cursor);
        }
        done = true;
    }
    let state = State {
        store,
        filter: request.filter.clone(),
        encoder,
        after: first.last().map(StoredResponse::cursor),
        first: Some(first),
        done,
    };
    let chunks = futures_util::stream::unfold(Some(state), |state| async move {
        let mut state = state?;
        let mut out = Vec::new();
        if let Some(rows) = state.first.take() {
            state.encoder.head(&mut out);
            for r in &rows {
                state.encoder.row(r, &mut out);
            }
        } else {
            let page = state
                .store
                .page(PageQuery {
                    filter: state.filter.clone(),
                    after: state.after.clone(),
                    limit: PAGE,
                })
                .await;
            let rows = match page {
                Ok(rows) => rows,
                Err(err) => {
                    eprintln!(
                        "rapport-server: export of site {:?} cut short: {err}",
                        state.filter.site
                    );
                    return Some((Err(std::io::Error::other(err.to_string())), None));
                }
            };
            state.done = rows.len() < PAGE;
            state.after = rows.last().map(StoredResponse::cursor).or(state.after);
            for r in &rows {
                state.encoder.row(r, &mut out);
            }
        }
        if state.done {
            state.encoder.tail(&mut out);
            return Some((Ok(Bytes::from(out)), None));
        }
        Some((Ok(Bytes::from(out)), Some(state)))
    });
    Ok(Streamed {
        body: Body::from_stream(chunks),
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_formats_filters_and_paging() -> Result<(), ApiError> {
        let r = ExportRequest::parse("demo", &params(&[]))?;
        assert_eq!((r.format, r.limit, r.after), (Format::Json, None, None));
        let r = ExportRequest::parse(
            "demo",
            &params(&[
                ("format", "csv"),
                ("rows", "response"),
                ("survey", "s"),
                ("since", "2026-01-01"),
                ("until", "2026-01-31T12:00:00+01:00"),
                ("after", "r9"),
                ("limit", "500"),
            ]),
        )?;
        assert_eq!(r.format, Format::CsvResponses);
        assert_eq!(r.filter.survey.as_deref(), Some("s"));
        assert_eq!(r.filter.since.as_deref(), Some("2026-01-01T00:00:00.000Z"));
        assert_eq!(r.filter.until.as_deref(), Some("2026-01-31T11:00:00.000Z"));
        assert_eq!(r.after.as_deref(), Some("r9"));
        assert_eq!(r.limit, Some(500));
        assert_eq!(
            ExportRequest::parse("demo", &params(&[("format", "ndjson")]))?.format,
            Format::Ndjson
        );
        Ok(())
    }

    #[test]
    fn errors_name_the_parameter() {
        for (pairs, field) in [
            (vec![("format", "xml")], "format"),
            (vec![("rows", "cell")], "rows"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "10001")], "limit"),
            (vec![("limit", "ten")], "limit"),
            (vec![("since", "yesterday")], "since"),
            (vec![("until", "2026-13-01")], "until"),
        ] {
            let err = ExportRequest::parse("demo", &params(&pairs)).err();
            assert_eq!(
                err.as_ref().map(ApiError::field_name),
                Some(field),
                "{pairs:?}"
            );
        }
    }
}
