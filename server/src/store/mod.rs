//! Response storage: the [`ResponseStore`] trait the handlers talk to, its record, query
//! and cursor types, and two implementations: SQLite (embedded, one machine) and
//! PostgreSQL (several collector instances on one database). [`DbTarget`] picks one from
//! the `--db` argument; handlers only see `Arc<dyn ResponseStore>`.
//!
//! Both backends keep the same contract, checked by one test suite run against each
//! (`server/tests/store.rs`): `insert` is idempotent on `(site, id)` even under concurrent
//! inserts of the same key from several processes, a `Stored` answer means the row is
//! committed, and pages come in export order `(received_at, id)`.
//!
//! A response id holds the latest state of its response: a partial response (the answers
//! a shopper gave before closing the survey or leaving the page) is replaced by a newer
//! partial state or by the complete response under the same id; a complete response is
//! never replaced (see [`ResponseStore::insert`]).

pub mod console;
mod cursor;
pub mod dashboard;
pub mod followup;
pub mod hooks;
pub mod impressions;
pub mod inbox;
pub mod loyalty;
pub mod postgres;
pub mod score_jobs;
pub mod scores;
pub mod sqlite;
mod target;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;

pub use console::ConsoleStore;
pub use cursor::Cursor;
pub use dashboard::DashboardStore;
pub use followup::FollowupStore;
pub use hooks::HooksStore;
pub use impressions::ImpressionStore;
pub use inbox::InboxStore;
pub use loyalty::{
    Adjustment, AnswerCredit, AnswerOutcome, ApplyOutcome, CustomerSnapshot, Delivery,
    ImportCounts, IssuedCode, LoyaltyStore, OutboxItem, OutboxState, RedeemOutcome, ReferralState,
    RewardOutcome, RewardRedemption,
};
pub use postgres::PostgresStore;
pub use score_jobs::ScoreJobStore;
pub use scores::{CustomerScore, ScoreRun, ScoreStore};
pub use sqlite::SqliteStore;
pub use target::{DbTarget, PostgresTarget};

/// One stored response. Text is kept verbatim: `answers` and `traits` are the JSON text
/// exactly as the client delivered it (escapes included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    /// Client-made response id (the idempotency key, unique within its site).
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
    /// Server timestamp, RFC 3339 UTC with milliseconds (`2026-11-22T10:00:00.123Z`), of
    /// the state stored (a partial response replaced by a newer state takes its time).
    pub received_at: String,
    /// The answers a shopper gave before closing the survey or leaving the page; replaced
    /// when the complete response (or a newer partial state) arrives under the same id.
    pub partial: bool,
    /// The customer a verified customer token named (never a client-stated id).
    pub customer: Option<String>,
}

impl StoredResponse {
    /// This row's position in export order, for resuming after it.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            received_at: self.received_at.clone(),
            id: self.id.clone(),
        }
    }
}

/// Result of an idempotent insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// A new row was written and committed.
    Stored,
    /// A row with this site and id already existed; nothing changed (the same state again,
    /// or any state of a response stored complete already).
    Duplicate,
    /// A partial response with this site and id was replaced by the newer state delivered
    /// (the complete response, or a partial one with other answers).
    Updated,
}

/// Whether a delivered state replaces the stored one of the same id: only a partial
/// response is ever replaced, by the complete response or by a partial one whose answers
/// differ. Both backends state this rule in SQL; this is its statement for readers and
/// tests.
pub fn replaces(stored: &StoredResponse, delivered: &StoredResponse) -> bool {
    stored.partial && (!delivered.partial || stored.answers_json != delivered.answers_json)
}

/// Which responses an export returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only this site.
    pub site: String,
    /// Only this survey, if given.
    pub survey: Option<String>,
    /// Only responses received at or after this instant (`2026-11-22T10:00:00.000Z` form).
    pub since: Option<String>,
    /// Only responses received before this instant (same form).
    pub until: Option<String>,
}

/// One page of an export: at most `limit` rows matching `filter`, strictly after `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Which rows.
    pub filter: ExportFilter,
    /// Resume after this row (exclusive); from the start when `None`.
    pub after: Option<Cursor>,
    /// Most rows returned.
    pub limit: usize,
}

/// Storage failures. Messages name the database, migration or query at fault.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite file could not be opened.
    #[error("db {path}: cannot open: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// PostgreSQL could not be reached or refused the connection.
    #[error("db {url}: cannot connect: {message}")]
    Connect {
        /// The URL, password removed.
        url: String,
        /// Why.
        message: String,
    },
    /// The `--db` argument is not a usable path or URL.
    #[error("db {0}")]
    Target(String),
    /// A schema migration failed.
    #[error("db schema migration to version {version}: {message}")]
    Migration {
        /// Target version.
        version: usize,
        /// Why.
        message: String,
    },
    /// The database was migrated by a newer server.
    #[error("db schema version {found} is newer than this server understands ({known})")]
    TooNew {
        /// Version in the database.
        found: i64,
        /// Newest version this build knows.
        known: usize,
    },
    /// A SQLite query failed.
    #[error("db query: {0}")]
    Query(#[from] rusqlite::Error),
    /// A PostgreSQL query failed.
    #[error("db query: {}", postgres::describe(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// No pooled PostgreSQL connection could be had.
    #[error("db pool: {0}")]
    Pool(String),
    /// A stored value could not be read back (e.g. bytes that are not UTF-8).
    #[error("db row {id:?}: column {column}: {message}")]
    Corrupt {
        /// The row's response id.
        id: String,
        /// The column.
        column: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The writer is gone (shut down or crashed).
    #[error("db writer stopped")]
    WriterGone,
    /// A blocking task failed to run.
    #[error("db task: {0}")]
    Task(String),
}

/// A boxed future returned by [`ResponseStore`] methods (keeps the trait object-safe).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Where responses live.
///
/// Contract (both backends): `insert` is idempotent on `(site, id)` — also under concurrent
/// inserts of one key from several tasks or processes — and answers `Stored` only once the
/// row is committed; `page` returns rows in ascending `(received_at, id)` order (ids
/// compared byte-wise), so a cursor taken from the last row of a page resumes exactly after
/// it.
pub trait ResponseStore: Send + Sync + 'static {
    /// Stores `response` unless a response with the same site and id exists; when one
    /// does, replaces it if it is partial and [`replaces`] says so (`Updated`), else
    /// changes nothing (`Duplicate`).
    fn insert(&self, response: StoredResponse) -> StoreFuture<'_, InsertOutcome> {
        self.insert_with_events(response, Vec::new())
    }
    /// As [`ResponseStore::insert`], and when the write makes the response complete (stored
    /// complete, or its partial state replaced by the complete one: once per response),
    /// queues `events` in the `outbox` table in the same transaction.
    fn insert_with_events(
        &self,
        response: StoredResponse,
        events: Vec<crate::hooks::event::NewEvent>,
    ) -> StoreFuture<'_, InsertOutcome>;
    /// One page of an export.
    fn page(&self, query: PageQuery) -> StoreFuture<'_, Vec<StoredResponse>>;
    /// The export position of response `id` of `site`, if there is one.
    fn cursor_of(&self, site: String, id: String) -> StoreFuture<'_, Option<Cursor>>;
    /// Total number of stored responses (tests and load-test verification; a full count,
    /// so not for health checks on large tables).
    fn count(&self) -> StoreFuture<'_, u64>;
    /// One cheap round trip through the store's read path (health checks).
    fn ping(&self) -> StoreFuture<'_, ()>;
    /// Returns once every write queued before the call is committed (graceful shutdown:
    /// inserts whose requests were cut off still commit).
    fn flush(&self) -> StoreFuture<'_, ()>;
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;
    /// Customers, orders and the points ledger, in the same database.
    fn loyalty(&self) -> &dyn LoyaltyStore;
    /// The merchant console's users, sessions and audit log, in the same database.
    fn console(&self) -> &dyn ConsoleStore;
    /// Outbound webhook endpoints, their deliveries and alert settings.
    fn hooks(&self) -> &dyn HooksStore;
    /// The dashboard's reads (orders, the ledger by day, referrals), same database.
    fn dashboard(&self) -> &dyn DashboardStore;
    /// Customer scores from the metrics engine, in the same database.
    fn scores(&self) -> &dyn ScoreStore;
    /// Follow-ups and the holdout experiment, in the same database.
    fn followups(&self) -> &dyn FollowupStore;
    /// The merchant's inbox (triage state, derived scores, risk), in the same database.
    fn inbox(&self) -> &dyn InboxStore;
    /// What the scores job and segment targeting read and write beside the scores.
    fn score_jobs(&self) -> &dyn ScoreJobStore;
    /// How often each survey was shown, per UTC day, in the same database.
    fn impressions(&self) -> &dyn ImpressionStore;
}

/// Opens the store `target` names, migrating its schema first.
pub async fn open(target: &DbTarget) -> Result<Arc<dyn ResponseStore>, StoreError> {
    Ok(match target {
        DbTarget::Sqlite(path) => Arc::new(SqliteStore::open(path)?),
        DbTarget::Postgres(config) => Arc::new(PostgresStore::connect(config).await?),
    })
}

/// Every row matching `filter`, read page by page (tests and small tools; the export
/// streams instead).
pub async fn list_all(
    store: &dyn ResponseStore,
    filter: ExportFilter,
) -> Result<Vec<StoredResponse>, StoreError> {
    let mut out: Vec<StoredResponse> = Vec::new();
    loop {
        let page = store
            .page(PageQuery {
                filter: filter.clone(),
                after: out.last().map(StoredResponse::cursor),
                limit: 1000,
            })
            .await?;
        if page.is_empty() {
            return Ok(out);
        }
        out.extend(page);
    }
}
