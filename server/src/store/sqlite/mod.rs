//! SQLite implementation of [`ResponseStore`]: WAL journal, busy timeout, migrations at
//! open. All writes go through one connection owned by a dedicated writer thread fed by a
//! channel; the thread commits whatever inserts are queued in one transaction (group
//! commit), which is what makes sustained write throughput high on small machines, and
//! answers each insert only after that commit. Reads (export pages, counts) use a few
//! read-only connections on the blocking thread pool: WAL lets them run beside the writer,
//! and several exports page at once without queueing behind each other.
//!
//! Durability: WAL with `synchronous=NORMAL` — a committed transaction survives the
//! collector being killed at any moment (it is in the WAL file); a power loss or kernel
//! crash may drop the last few commits.

mod area;
mod console;
mod dashboard;
mod followup;
mod hooks;
mod impressions;
pub mod inbox;
mod loyalty;
mod migrations;
mod referral_credits;
mod score_jobs;
mod scores;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use tokio::sync::{mpsc, oneshot};

use super::{
    Cursor, InsertOutcome, PageQuery, ResponseStore, StoreError, StoreFuture, StoredResponse,
};

/// Most inserts committed in one transaction.
const MAX_BATCH: usize = 512;
/// Queue depth in front of the writer thread.
const QUEUE: usize = 4096;
/// Read-only connections (concurrent export pages).
const READERS: usize = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const INSERT_SQL: &str = "INSERT INTO responses
    (site, id, survey, answers, locale, url, user_id, traits, created_at, received_at, partial,
     customer)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT (site, id) DO NOTHING";

/// An event caused by a write, queued with it (see [`crate::store::hooks`]).
const OUTBOX_SQL: &str = "INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
    VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (event_id) DO NOTHING";

/// The newer state of a partial response replaces it (see [`crate::store::replaces`]); a
/// complete row, or a partial one with the same answers, is left alone. A customer link
/// once verified stays when the newer state comes without one (a token expired meanwhile).
const REPLACE_PARTIAL_SQL: &str = "UPDATE responses
    SET survey = ?3, answers = ?4, locale = ?5, url = ?6, user_id = ?7, traits = ?8,
        created_at = ?9, received_at = ?10, partial = ?11, customer = coalesce(?12, customer)
    WHERE site = ?1 AND id = ?2 AND partial = 1 AND (?11 = 0 OR answers IS NOT ?4)";

struct WriteJob {
    response: StoredResponse,
    /// Queued in the outbox when this write makes the response complete.
    events: Vec<crate::hooks::event::NewEvent>,
    reply: oneshot::Sender<Result<InsertOutcome, StoreError>>,
}

/// What the writer thread is asked to do. The queue is FIFO, so a flush is answered only
/// after every insert queued before it has been committed.
// Inserts are the traffic and flushes a once-per-shutdown event: boxing the insert would
// cost an allocation per response to save channel slots nobody misses.
#[allow(clippy::large_enum_variant)]
enum Job {
    Insert(WriteJob),
    Flush(oneshot::Sender<()>),
}

/// SQLite-backed response store.
pub struct SqliteStore {
    writer: mpsc::Sender<Job>,
    readers: Arc<Vec<Mutex<Connection>>>,
    next_reader: AtomicUsize,
    path: PathBuf,
    loyalty: loyalty::SqliteLoyalty,
    console: console::SqliteConsole,
    hooks: hooks::SqliteHooks,
    dashboard: dashboard::SqliteDashboard,
    scores: scores::SqliteScores,
    followups: followup::SqliteFollowups,
    inbox: inbox::SqliteInbox,
    score_jobs: score_jobs::SqliteScoreJobs,
    impressions: impressions::SqliteImpressions,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, migrates it and starts the
    /// writer thread. The thread ends when the store is dropped.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        configure(&conn).map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        migrations::migrate(&mut conn)?;

        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(open_err)?;
            configure(&reader).map_err(open_err)?;
            readers.push(Mutex::new(reader));
        }

        let (tx, rx) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("rapport-db-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Task(format!("cannot start writer thread: {e}")))?;
        let loyalty = loyalty::SqliteLoyalty::open(path)?;
        let console = console::SqliteConsole::open(path)?;
        let hooks = hooks::SqliteHooks::open(path)?;
        let dashboard = dashboard::SqliteDashboard::open(path)?;
        let scores = scores::SqliteScores::open(path)?;
        let followups = followup::SqliteFollowups::open(path)?;
        let inbox = inbox::SqliteInbox::open(path)?;
        let score_jobs = score_jobs::SqliteScoreJobs::open(path)?;
        let impressions = impressions::SqliteImpressions::open(path)?;
        Ok(SqliteStore {
            inbox,
            loyalty,
            console,
            hooks,
            dashboard,
            scores,
            followups,
            score_jobs,
            impressions,
            writer: tx,
            readers: Arc::new(readers),
            next_reader: AtomicUsize::new(0),
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            // A free connection if there is one, else wait for this task's turn.
            let n = readers.len();
            let free = (0..n).find_map(|k| readers[(start + k) % n].try_lock().ok());
            let conn = match free {
                Some(conn) => conn,
                None => readers[start % n]
                    .lock()
                    .map_err(|_| StoreError::Task("reader connection poisoned".into()))?,
            };
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL + NORMAL: durable across process crashes; a power loss may drop the last
    // few commits. The trade buys group-commit throughput.
    conn.pragma_update(None, "synchronous", "NORMAL")
}

fn writer_loop(mut conn: Connection, mut rx: mpsc::Receiver<Job>) {
    let mut batch: Vec<WriteJob> = Vec::with_capacity(MAX_BATCH);
    let mut flushes: Vec<oneshot::Sender<()>> = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Insert(insert) => batch.push(insert),
                // Answered after this batch commits: everything before it is in the batch.
                Job::Flush(done) => {
                    flushes.push(done);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        commit_batch(&mut conn, &mut batch);
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

fn commit_batch(conn: &mut Connection, batch: &mut Vec<WriteJob>) {
    if batch.is_empty() {
        return;
    }
    match write_batch(conn, batch) {
        Ok(outcomes) => {
            for (job, outcome) in batch.drain(..).zip(outcomes) {
                // The client may have gone away; its answer is simply dropped.
                let _ = job.reply.send(Ok(outcome));
            }
        }
        Err(err) => {
            let message = err.to_string();
            for job in batch.drain(..) {
                let _ = job
                    .reply
                    .send(Err(StoreError::Task(format!("batch insert: {message}"))));
            }
        }
    }
}

fn write_batch(conn: &mut Connection, batch: &[WriteJob]) -> rusqlite::Result<Vec<InsertOutcome>> {
    let tx = conn.transaction()?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut insert = tx.prepare_cached(INSERT_SQL)?;
        let mut replace = tx.prepare_cached(REPLACE_PARTIAL_SQL)?;
        let mut outbox = tx.prepare_cached(OUTBOX_SQL)?;
        for job in batch {
            let r = &job.response;
            let row = params![
                r.site,
                r.id,
                r.survey,
                r.answers_json,
                r.locale,
                r.url,
                r.user_id,
                r.traits_json,
                r.created_at,
                r.received_at,
                r.partial,
                r.customer
            ];
            // One writer: nothing changes the row between the two statements.
            let outcome = if insert.execute(row)? == 1 {
                InsertOutcome::Stored
            } else if replace.execute(row)? == 1 {
                InsertOutcome::Updated
            } else {
                InsertOutcome::Duplicate
            };
            // A complete row is never replaced: this is the one write that completes it.
            if outcome != InsertOutcome::Duplicate && !r.partial {
                for e in &job.events {
                    outbox.execute(params![e.site, e.event_id, e.payload, e.at])?;
                }
            }
            outcomes.push(outcome);
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

fn row_to_response(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredResponse> {
    Ok(StoredResponse {
        id: row.get(0)?,
        site: row.get(1)?,
        survey: row.get(2)?,
        answers_json: row.get(3)?,
        locale: row.get(4)?,
        url: row.get(5)?,
        user_id: row.get(6)?,
        traits_json: row.get(7)?,
        created_at: row.get(8)?,
        received_at: row.get(9)?,
        partial: row.get(10)?,
        customer: row.get(11)?,
    })
}

/// The page query for the filters present, with its parameters. Each shape is its own
/// statement so the planner walks `responses_export` / `responses_survey` from the cursor
/// instead of scanning the site from its first row on every page.
fn page_sql(q: &PageQuery) -> (String, Vec<Box<dyn ToSql + Send>>) {
    let mut sql = String::from(
        "SELECT id, site, survey, answers, locale, url, user_id, traits, created_at, received_at,
                partial, customer
         FROM responses WHERE site = ?1",
    );
    let mut args: Vec<Box<dyn ToSql + Send>> = vec![Box::new(q.filter.site.clone())];
    let bind = |args: &mut Vec<Box<dyn ToSql + Send>>, value: Box<dyn ToSql + Send>| {
        args.push(value);
        format!("?{}", args.len())
    };
    if let Some(survey) = &q.filter.survey {
        let p = bind(&mut args, Box::new(survey.clone()));
        sql.push_str(&format!(" AND survey = {p}"));
    }
    if let Some(since) = &q.filter.since {
        let p = bind(&mut args, Box::new(since.clone()));
        sql.push_str(&format!(" AND received_at >= {p}"));
    }
    if let Some(until) = &q.filter.until {
        let p = bind(&mut args, Box::new(until.clone()));
        sql.push_str(&format!(" AND received_at < {p}"));
    }
    if let Some(after) = &q.after {
        // Row-value `>` spelled so that its first term is an index range bound.
        let t = bind(&mut args, Box::new(after.received_at.clone()));
        let id = bind(&mut args, Box::new(after.id.clone()));
        sql.push_str(&format!(
            " AND received_at >= {t} AND (received_at > {t} OR id > {id})"
        ));
    }
    let limit = bind(
        &mut args,
        Box::new(i64::try_from(q.limit).unwrap_or(i64::MAX)),
    );
    sql.push_str(&format!(" ORDER BY received_at, id LIMIT {limit}"));
    (sql, args)
}

impl ResponseStore for SqliteStore {
    fn insert_with_events(
        &self,
        response: StoredResponse,
        events: Vec<crate::hooks::event::NewEvent>,
    ) -> StoreFuture<'_, InsertOutcome> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.writer
                .send(Job::Insert(WriteJob {
                    response,
                    events,
                    reply,
                }))
                .await
                .map_err(|_| StoreError::WriterGone)?;
            answer.await.map_err(|_| StoreError::WriterGone)?
        })
    }

    fn page(&self, query: PageQuery) -> StoreFuture<'_, Vec<StoredResponse>> {
        Box::pin(self.read(move |conn| {
            let (sql, args) = page_sql(&query);
            let mut stmt = conn.prepare_cached(&sql)?;
            let refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref() as &dyn ToSql).collect();
            let rows = stmt.query_map(refs.as_slice(), row_to_response)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        }))
    }

    fn cursor_of(&self, site: String, id: String) -> StoreFuture<'_, Option<Cursor>> {
        Box::pin(self.read(move |conn| {
            let received_at: Option<String> = conn
                .prepare_cached("SELECT received_at FROM responses WHERE site = ?1 AND id = ?2")?
                .query_row(params![site, id], |r| r.get(0))
                .optional()?;
            Ok(received_at.map(|received_at| Cursor { received_at, id }))
        }))
    }

    fn count(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.read(|conn| {
            let n: i64 = conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        }))
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.read(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        }))
    }

    fn flush(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let (done, flushed) = oneshot::channel();
            self.writer
                .send(Job::Flush(done))
                .await
                .map_err(|_| StoreError::WriterGone)?;
            flushed.await.map_err(|_| StoreError::WriterGone)
        })
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn loyalty(&self) -> &dyn crate::store::LoyaltyStore {
        &self.loyalty
    }

    fn console(&self) -> &dyn crate::store::ConsoleStore {
        &self.console
    }

    fn hooks(&self) -> &dyn crate::store::HooksStore {
        &self.hooks
    }

    fn dashboard(&self) -> &dyn crate::store::DashboardStore {
        &self.dashboard
    }

    fn impressions(&self) -> &dyn crate::store::ImpressionStore {
        &self.impressions
    }

    fn scores(&self) -> &dyn crate::store::ScoreStore {
        &self.scores
    }

    fn followups(&self) -> &dyn crate::store::FollowupStore {
        &self.followups
    }

    fn inbox(&self) -> &dyn crate::store::InboxStore {
        &self.inbox
    }

    fn score_jobs(&self) -> &dyn crate::store::ScoreJobStore {
        &self.score_jobs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ExportFilter;

    #[test]
    fn page_statements_use_the_export_indexes() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        migrations::migrate(&mut conn)?;
        let after = Some(Cursor {
            received_at: "2026-01-01T00:00:00.000Z".into(),
            id: "r".into(),
        });
        let cases = [
            (None, None, "responses_export"),
            (Some("s".to_owned()), after.clone(), "responses_survey"),
            (None, after, "responses_export"),
        ];
        for (survey, after, index) in cases {
            let query = PageQuery {
                filter: ExportFilter {
                    site: "demo".into(),
                    survey,
                    since: Some("2025-01-01T00:00:00.000Z".into()),
                    until: None,
                },
                after,
                limit: 10,
            };
            let (sql, args) = page_sql(&query);
            let refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref() as &dyn ToSql).collect();
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let plan: Vec<String> = stmt
                .query_map(refs.as_slice(), |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<_>>()?;
            let plan = plan.join(" | ");
            assert!(plan.contains(index), "{sql}: {plan}");
            assert!(
                !plan.contains("TEMP B-TREE"),
                "sorts instead of walking: {plan}"
            );
        }
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn flush_waits_for_every_queued_write() -> Result<(), StoreError> {
        let path = std::env::temp_dir().join(format!(
            "rapport-store-flush-{}-{:?}.sqlite",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        let store = SqliteStore::open(&path)?;
        // Writes whose callers stopped waiting (as when a connection is cut at shutdown).
        for i in 0..300 {
            let (reply, answer) = oneshot::channel();
            drop(answer);
            let response = StoredResponse {
                id: format!("f{i}"),
                site: "demo".into(),
                survey: "s".into(),
                answers_json: "[]".into(),
                locale: None,
                url: None,
                user_id: None,
                traits_json: None,
                created_at: None,
                received_at: "2026-01-01T00:00:00.000Z".into(),
                partial: false,
                customer: None,
            };
            store
                .writer
                .send(Job::Insert(WriteJob {
                    response,
                    events: Vec::new(),
                    reply,
                }))
                .await
                .map_err(|_| StoreError::WriterGone)?;
        }
        store.flush().await?;
        // Committed: visible to a fresh connection.
        let committed =
            Connection::open(&path)?
                .query_row("SELECT count(*) FROM responses", [], |r| r.get::<_, i64>(0))?;
        assert_eq!(committed, 300);
        Ok(())
    }
}
