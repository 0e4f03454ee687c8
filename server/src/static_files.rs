//! Static files: the loader (`/rapport.js`), its chunks (`/launcher.js`, `/touch.js`, `/followup.js`:
//! [`CHUNKS`]), the widget (`/widget/*`), the loyalty panel (`/loyalty/*`) and the metrics engine
//! (`/metrics/*`) from `--dist`, the test pages (`/test/*`) from `--test-pages`, and the demo
//! storefront (everything else, `/` → `index.html`) from `--www`.
//!
//! Content types come from the file extension (`application/wasm` for `.wasm`,
//! `text/javascript` for `.js`/`.mjs`). Build output is served from `DIST/precompressed/`
//! when the build wrote it (each file with its `file.br` / `file.gz` beside it, see
//! `cargo xtask build`), sent from a pre-compressed copy with the matching
//! `Content-Encoding` when the request's `Accept-Encoding` allows, otherwise as it is;
//! without that tree, from `DIST` itself, uncompressed. Caching: nothing here is content-hashed, so the
//! loader may be cached for 5 minutes and everything else revalidates (`no-cache`, cheap
//! thanks to `Last-Modified`); test pages are `no-store`. Files named by `hidden` (the
//! config file with its admin tokens, the database) and dot-files are never served (see
//! [`crate::served_paths`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::served_paths::{self, ExposedSecret, Mounts};

/// Where static files come from.
#[derive(Debug, Clone)]
pub struct StaticDirs {
    /// Build output: `rapport.js`, `launcher.js`, `touch.js`, `widget/`, `loyalty/`, `metrics/`.
    pub dist: PathBuf,
    /// Demo storefront.
    pub www: PathBuf,
    /// End-to-end test pages, served under `/test/` when given.
    pub test_pages: Option<PathBuf>,
    /// Secrets: the config file and the database. The server refuses to start when one
    /// lies inside a served directory ([`StaticDirs::ensure_secrets_unserved`]), and never
    /// serves one (or a database's `-wal`/`-shm`/`-journal` file) by any path.
    pub hidden: Vec<PathBuf>,
}

impl StaticDirs {
    /// Refuses a layout that would put a secret inside a served directory.
    pub fn ensure_secrets_unserved(&self) -> Result<(), ExposedSecret> {
        let mut served: Vec<(&'static str, &Path)> = vec![
            ("--dist", self.dist.as_path()),
            ("--www", self.www.as_path()),
        ];
        if let Some(pages) = &self.test_pages {
            served.push(("--test-pages", pages.as_path()));
        }
        served_paths::ensure_unserved(&self.hidden, &served)
    }
}

/// Cache-Control for the loader.
pub const LOADER_CACHE: &str = "public, max-age=300";

/// The loader's chunks, served beside it: the launcher (a feedback button) and exit
/// intent's stand-ins on touch screens.
pub const CHUNKS: [&str; 3] = ["launcher.js", "touch.js", "followup.js"];

/// The static-file router (merged under the API routes by [`crate::app`]).
pub fn router<S: Clone + Send + Sync + 'static>(dirs: &StaticDirs) -> Router<S> {
    let (build, compressed) = served_build_dir(&dirs.dist);
    let loader = ServeFile::new(build.join("rapport.js"));
    let loader = match compressed {
        true => loader.precompressed_br().precompressed_gzip(),
        false => loader,
    };
    let mut router = Router::new().route_service("/rapport.js", loader);
    // The loader's chunks, beside it.
    for chunk in CHUNKS {
        let file = ServeFile::new(build.join(chunk));
        let file = match compressed {
            true => file.precompressed_br().precompressed_gzip(),
            false => file,
        };
        router = router.route_service(&format!("/{chunk}"), file);
    }
    let mut router = router
        .nest_service("/widget", build_dir(build.join("widget"), compressed))
        .nest_service("/loyalty", build_dir(build.join("loyalty"), compressed))
        .nest_service("/metrics", build_dir(build.join("metrics"), compressed));
    let mut mounts = vec![
        ("/rapport.js".to_owned(), build.join("rapport.js")),
        ("/widget".to_owned(), build.join("widget")),
        ("/loyalty".to_owned(), build.join("loyalty")),
        ("/metrics".to_owned(), build.join("metrics")),
    ];
    mounts.extend(CHUNKS.map(|chunk| (format!("/{chunk}"), build.join(chunk))));
    if let Some(test_pages) = &dirs.test_pages {
        router = router.nest_service("/test", ServeDir::new(test_pages));
        mounts.push(("/test".to_owned(), test_pages.clone()));
    }
    mounts.push((String::new(), dirs.www.clone()));
    let mounts = Arc::new(Mounts {
        dirs: mounts,
        hidden: dirs
            .hidden
            .iter()
            .flat_map(|p| served_paths::with_side_files(p))
            .collect(),
    });
    router
        .fallback_service(ServeDir::new(&dirs.www))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let mounts = Arc::clone(&mounts);
            async move { guard_and_tag(&mounts, req, next).await }
        }))
}

/// Where build output is served from, and whether it has pre-compressed copies: the
/// build's deploy tree `dist/precompressed/` (each file with its `.br`/`.gz` beside it)
/// when there is one, else `dist/` itself, as it is. `dist/widget/` holds only what the
/// widget is (glue and wasm), so the copies live apart.
pub fn served_build_dir(dist: &Path) -> (PathBuf, bool) {
    let tree = dist.join("precompressed");
    match tree.is_dir() {
        true => (tree, true),
        false => (dist.to_path_buf(), false),
    }
}

/// A build-output directory; with `compressed`, each file is served from its
/// pre-compressed copy (`.br`, else `.gz`, as the request accepts) when there is one.
fn build_dir(dir: PathBuf, compressed: bool) -> ServeDir {
    match compressed {
        true => ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        false => ServeDir::new(dir),
    }
}

async fn guard_and_tag(mounts: &Mounts, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if mounts.forbids(&path) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if path.ends_with(".js") || path.ends_with(".mjs") {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
    }
    let chunk = CHUNKS
        .iter()
        .any(|chunk| path.strip_prefix('/') == Some(chunk));
    // The chunks are the loader's own parts: cached like it (the launcher's comes with
    // every page of a site that enables it).
    let cache = if path == "/rapport.js" || chunk {
        LOADER_CACHE
    } else if path.starts_with("/test/") {
        "no-store"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // Build output's body depends on `Accept-Encoding` (pre-compressed copies): caches
    // must not hand a brotli body to a client that did not ask for one.
    if path == "/rapport.js"
        || chunk
        || path.starts_with("/widget/")
        || path.starts_with("/loyalty/")
        || path.starts_with("/metrics/")
    {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
