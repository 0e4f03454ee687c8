//! Response storage: the [`ResponseStore`] trait the handlers talk to, its record and
//! filter types, and the SQLite implementation. A PostgreSQL backend would be one more
//! implementation of the trait; handlers only see `Arc<dyn ResponseStore>`.

mod migrations;
pub mod sqlite;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use serde::Serialize;

pub use sqlite::SqliteStore;

/// One stored response. Text is kept verbatim: `answers` and `traits` are the JSON text
/// exactly as the client delivered it (escapes included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    /// Client-made response id (primary key; the idempotency key).
    pub id: String,
    /// Site id.
    pub site: String,
    /// Survey id.
    pub survey: String,
    /// The `answers` array as JSON text.
    pub answers_json: String,
    /// Locale the survey was shown in.
    pub locale: Option<String>,
    /// Page URL.
    pub url: Option<String>,
    /// `userId` from `identify`.
    pub user_id: Option<String>,
    /// The `traits` object as JSON text.
    pub traits_json: Option<String>,
    /// Client timestamp (`createdAt`), as sent.
    pub created_at: Option<String>,
    /// Server timestamp, RFC 3339 UTC.
    pub received_at: String,
}

/// Result of an idempotent insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// A new row was written.
    Stored,
    /// A row with this id already existed; nothing changed.
    Duplicate,
}

/// Which responses an export returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only this site.
    pub site: String,
    /// Only this survey, if given.
    pub survey: Option<String>,
}

/// Storage failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened.
    #[error("db {path}: cannot open: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// A schema migration failed.
    #[error("db schema migration to version {version}: {source}")]
    Migration {
        /// Target version.
        version: usize,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file was written by a newer server.
    #[error("db schema version {found} is newer than this server understands ({known})")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: usize,
    },
    /// A query failed.
    #[error("db query: {0}")]
    Query(#[from] rusqlite::Error),
    /// The writer thread is gone (shut down or crashed).
    #[error("db writer thread stopped")]
    WriterGone,
    /// A blocking task failed to run.
    #[error("db task: {0}")]
    Task(String),
}

/// A boxed future returned by [`ResponseStore`] methods (keeps the trait object-safe).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Where responses live. Implementations must make `insert` idempotent on `id`, including
/// under concurrent inserts of the same id.
pub trait ResponseStore: Send + Sync + 'static {
    /// Stores `response` unless a response with the same id exists.
    fn insert(&self, response: StoredResponse) -> StoreFuture<'_, InsertOutcome>;
    /// Responses matching `filter`, oldest first.
    fn list(&self, filter: ExportFilter) -> StoreFuture<'_, Vec<StoredResponse>>;
    /// Total number of stored responses (health and load-test verification).
    fn count(&self) -> StoreFuture<'_, u64>;
    /// Returns once every write queued before the call is committed (graceful shutdown).
    /// Stores that commit before `insert` returns have nothing to do.
    fn flush(&self) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
}
