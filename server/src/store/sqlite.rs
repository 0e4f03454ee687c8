//! SQLite implementation of [`ResponseStore`]: WAL journal, busy timeout, migrations at
//! open. All writes go through one connection owned by a dedicated writer thread fed by a
//! channel; the thread commits whatever inserts are queued in one transaction (group
//! commit), which is what makes sustained write throughput high on small machines.
//! Reads use a second connection on the blocking thread pool (WAL lets them run beside
//! the writer).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use tokio::sync::{mpsc, oneshot};

use super::{
    migrations, ExportFilter, InsertOutcome, ResponseStore, StoreError, StoreFuture, StoredResponse,
};

/// Most inserts committed in one transaction.
const MAX_BATCH: usize = 512;
/// Queue depth in front of the writer thread.
const QUEUE: usize = 4096;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const INSERT_SQL: &str = "INSERT INTO responses
    (id, site, survey, answers, locale, url, user_id, traits, created_at, received_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
    ON CONFLICT (id) DO NOTHING";

struct WriteJob {
    response: StoredResponse,
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
    reader: Arc<Mutex<Connection>>,
    path: PathBuf,
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

        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        configure(&reader).map_err(open_err)?;

        let (tx, rx) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("rapport-db-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Task(format!("cannot start writer thread: {e}")))?;
        Ok(SqliteStore {
            writer: tx,
            reader: Arc::new(Mutex::new(reader)),
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
        let reader = Arc::clone(&self.reader);
        tokio::task::spawn_blocking(move || {
            let conn = reader
                .lock()
                .map_err(|_| StoreError::Task("reader connection poisoned".into()))?;
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
        let mut stmt = tx.prepare_cached(INSERT_SQL)?;
        for job in batch {
            let r = &job.response;
            let changed = stmt.execute(params![
                r.id,
                r.site,
                r.survey,
                r.answers_json,
                r.locale,
                r.url,
                r.user_id,
                r.traits_json,
                r.created_at,
                r.received_at
            ])?;
            outcomes.push(if changed == 1 {
                InsertOutcome::Stored
            } else {
                InsertOutcome::Duplicate
            });
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
    })
}

impl ResponseStore for SqliteStore {
    fn insert(&self, response: StoredResponse) -> StoreFuture<'_, InsertOutcome> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.writer
                .send(Job::Insert(WriteJob { response, reply }))
                .await
                .map_err(|_| StoreError::WriterGone)?;
            answer.await.map_err(|_| StoreError::WriterGone)?
        })
    }

    fn list(&self, filter: ExportFilter) -> StoreFuture<'_, Vec<StoredResponse>> {
        Box::pin(self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, site, survey, answers, locale, url, user_id, traits, created_at,
                        received_at
                 FROM responses
                 WHERE site = ?1 AND (?2 IS NULL OR survey = ?2)
                 ORDER BY received_at, id",
            )?;
            let rows = stmt.query_map(params![filter.site, filter.survey], row_to_response)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
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

    fn count(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.read(|conn| {
            let n: Option<i64> = conn
                .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
                .optional()?;
            Ok(n.unwrap_or(0).max(0) as u64)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(name: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        std::env::temp_dir().join(format!(
            "rapport-store-{name}-{}-{nanos}.sqlite",
            std::process::id()
        ))
    }

    fn sample(id: &str, survey: &str) -> StoredResponse {
        StoredResponse {
            id: id.into(),
            site: "demo".into(),
            survey: survey.into(),
            answers_json: r#"[{"question":"nps","value":9}]"#.into(),
            locale: Some("en".into()),
            url: Some("https://shop.example/\u{0}\u{202e}".into()),
            user_id: None,
            traits_json: Some(r#"{"plan":"pro"}"#.into()),
            created_at: Some("2026-11-22T10:00:00Z".into()),
            received_at: "2026-11-22T10:00:01.000Z".into(),
        }
    }

    #[tokio::test]
    async fn insert_is_idempotent_and_lists_verbatim() -> Result<(), StoreError> {
        let path = temp_db("idem");
        let store = SqliteStore::open(&path)?;
        assert_eq!(
            store.insert(sample("a", "s1")).await?,
            InsertOutcome::Stored
        );
        assert_eq!(
            store.insert(sample("a", "s1")).await?,
            InsertOutcome::Duplicate
        );
        assert_eq!(
            store.insert(sample("b", "s2")).await?,
            InsertOutcome::Stored
        );
        assert_eq!(store.count().await?, 2);
        let all = store
            .list(ExportFilter {
                site: "demo".into(),
                survey: None,
            })
            .await?;
        assert_eq!(all, vec![sample("a", "s1"), sample("b", "s2")]);
        let s2 = store
            .list(ExportFilter {
                site: "demo".into(),
                survey: Some("s2".into()),
            })
            .await?;
        assert_eq!(s2.len(), 1);
        let other = store
            .list(ExportFilter {
                site: "other".into(),
                survey: None,
            })
            .await?;
        assert!(other.is_empty());
        drop(store);
        // Reopen: data survives, migrations are a no-op.
        let store = SqliteStore::open(&path)?;
        assert_eq!(store.count().await?, 2);
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn flush_waits_for_every_queued_write() -> Result<(), StoreError> {
        let path = temp_db("flush");
        let store = SqliteStore::open(&path)?;
        // Writes whose callers stopped waiting (as when a connection is cut at shutdown).
        for i in 0..300 {
            let (reply, answer) = oneshot::channel();
            drop(answer);
            let response = sample(&format!("f{i}"), "s");
            store
                .writer
                .send(Job::Insert(WriteJob { response, reply }))
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_duplicates_store_one_row() -> Result<(), StoreError> {
        let store = Arc::new(SqliteStore::open(&temp_db("dup"))?);
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                store.insert(sample("same", "s")).await
            }));
        }
        let mut stored = 0;
        for t in tasks {
            let outcome = t.await.map_err(|e| StoreError::Task(e.to_string()))??;
            stored += usize::from(outcome == InsertOutcome::Stored);
        }
        assert_eq!(stored, 1);
        assert_eq!(store.count().await?, 1);
        Ok(())
    }
}
