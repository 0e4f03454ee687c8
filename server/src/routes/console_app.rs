//! The merchant console's pages: `GET /admin` and every `/admin/*` path that is not the API
//! answer the console's HTML shell (`dist/console/index.html`: the app reads the path and
//! shows that view, so a deep link reloads to the same view); `/admin/assets/*` are the
//! app's files (glue, wasm, style sheet, entry module) from `dist/console/`, pre-compressed
//! when the build wrote the deploy tree.
//!
//! Every answer carries the console's strict Content-Security-Policy ([`CSP`]: files from
//! this origin only, no inline script or style, wasm compilation allowed, no framing, no
//! `<base>`, forms only to this origin), `X-Content-Type-Options: nosniff`,
//! `Referrer-Policy: no-referrer` and `Cache-Control: no-cache`.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::static_files::served_build_dir;

/// The console's Content-Security-Policy.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; connect-src 'self'; img-src 'self' data:; worker-src 'self'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The console's routes, serving from the build output `dist`.
pub fn router<S: Clone + Send + Sync + 'static>(dist: &Path) -> Router<S> {
    let (build, compressed) = served_build_dir(dist);
    let dir = build.join("console");
    let shell = || {
        let file = ServeFile::new(dir.join("index.html"));
        match compressed {
            true => file.precompressed_br().precompressed_gzip(),
            false => file,
        }
    };
    let assets = match compressed {
        true => ServeDir::new(&dir).precompressed_br().precompressed_gzip(),
        false => ServeDir::new(&dir),
    };
    Router::new()
        .nest_service("/admin/assets", assets)
        .route_service("/admin", shell())
        .route_service("/admin/", shell())
        .route_service("/admin/{*page}", shell())
        .layer(middleware::from_fn(headers))
}

async fn headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Pre-compressed copies: the body depends on `Accept-Encoding`.
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}
