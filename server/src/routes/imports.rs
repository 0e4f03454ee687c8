//! `POST /v1/sites/{site}/loyalty/imports?format=shopify|generic[&credit=true][&platform=…]`
//! (admin token): order history from a CSV body, streamed through
//! [`crate::history_import`] (the body is never held whole). `200` with the report (orders
//! read, imported, duplicates, entries, bad rows with row number and column, and whether
//! the file was read to its end: a header without a required column is row 1 of the
//! errors). Problems of the file are the report's business, never a 4xx: every good row
//! is imported, every other one listed.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::history_import::{self, ImportJob};
use crate::loyalty::import::ImportFormat;
use crate::loyalty::order::Platform;
use crate::routes::loyalty::loyalty_of;

/// Chunks of the body in flight between the request and the CSV reader.
const CHUNKS_IN_FLIGHT: usize = 8;

/// Reads the request body on a blocking thread, chunk by chunk as it arrives.
struct ChannelReader {
    chunks: mpsc::Receiver<Result<Bytes, std::io::Error>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Which platform's order ids an import holds: `platform` when given, else the format's
/// own (`shopify` for a Shopify export, `generic` for the generic CSV).
pub fn platform_of(format: ImportFormat, name: Option<&str>) -> Result<Platform, ApiError> {
    match name {
        None => Ok(match format {
            ImportFormat::Shopify => Platform::Shopify,
            ImportFormat::Generic => Platform::Generic,
        }),
        Some("shopify") => Ok(Platform::Shopify),
        Some("woocommerce") => Ok(Platform::WooCommerce),
        Some("generic") => Ok(Platform::Generic),
        Some(_) => Err(ApiError::field(
            "platform",
            "must be shopify, woocommerce or generic",
        )),
    }
}

/// Imports order history.
pub async fn import(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    Path(site): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let config = app.config();
    let token = bearer_token(&headers).ok_or(ApiError::Unauthorized)?;
    app.admin
        .authorize(&config, client, &site, token, Instant::now())?;
    let rules = loyalty_of(&config, &site)?.rules.clone();
    let Query(params) = query.map_err(|e| ApiError::field("query", e.body_text()))?;
    let format = params
        .get("format")
        .and_then(|f| ImportFormat::parse(f))
        .ok_or_else(|| ApiError::field("format", "must be shopify or generic"))?;
    let credit = match params.get("credit").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::field("credit", "must be true or false")),
    };
    let platform = platform_of(format, params.get("platform").map(String::as_str))?;
    let job = ImportJob {
        site: site.clone(),
        format,
        platform,
        credit,
        rules,
        now: app.clock.now_millis(),
    };
    let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let mut stream = body.into_data_stream();
    tokio::spawn(async move {
        while let Some(chunk) = stream.next().await {
            let item = chunk.map_err(std::io::Error::other);
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    let store = app.store.clone();
    let runtime = tokio::runtime::Handle::current();
    let reader = ChannelReader {
        chunks: rx,
        current: Bytes::new(),
    };
    let outcome =
        tokio::task::spawn_blocking(move || history_import::run(&store, &runtime, &job, reader))
            .await
            .map_err(|e| ApiError::Store(crate::store::StoreError::Task(e.to_string())))?;
    match outcome {
        Ok(report) => {
            eprintln!(
                "rapport-server: order import site={site:?} format={} credit={credit}: {} orders, {} imported, {} duplicates, {} bad rows",
                params.get("format").map_or("", String::as_str),
                report.orders,
                report.imported,
                report.duplicates,
                report.bad_rows
            );
            Ok(Json(report).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
