//! The PostgreSQL batch writer: inserts queued by the handlers are committed together, in
//! one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING` per batch, and
//! each insert is answered only after its batch commits. A few writer tasks share the
//! queue, so one batch is filled while another commits.
//!
//! Rows of a batch are inserted in `(site, id)` order: two batches (of this instance or
//! another) that share keys then lock them in the same order and cannot deadlock; should
//! PostgreSQL still report a deadlock or serialization failure, the batch is retried.

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::store::{InsertOutcome, StoreError, StoredResponse};

/// Most inserts committed in one transaction.
pub const MAX_BATCH: usize = 512;
/// Queue depth in front of the writers.
pub const QUEUE: usize = 4096;
/// Writer tasks per instance.
pub const WRITERS: usize = 2;
/// Attempts of a batch that hit a deadlock or serialization failure.
const ATTEMPTS: usize = 3;

const INSERT_SQL: &str = r#"INSERT INTO responses
    (site, id, survey, answers, locale, url, user_id, traits, created_at, received_at,
     customer)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[],
                         $6::bytea[], $7::text[], $8::text[], $9::text[],
                         $10::text[]::timestamptz[], $11::text[])
    ON CONFLICT (site, id) DO NOTHING
    RETURNING site, id"#;

/// One queued insert.
pub struct WriteJob {
    /// The row.
    pub response: StoredResponse,
    /// Where its outcome goes.
    pub reply: oneshot::Sender<Result<InsertOutcome, StoreError>>,
}

/// The queue in front of the writer tasks, and the count of queued inserts not yet
/// answered (for [`Writer::flush`]).
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<WriteJob>,
    pending: Arc<AtomicI64>,
}

impl Writer {
    /// Queues an insert; its answer comes on the job's `reply` after its batch commits.
    pub async fn send(&self, job: WriteJob) -> Result<(), StoreError> {
        self.queue
            .send(job)
            .await
            .map_err(|_| StoreError::WriterGone)?;
        // Counted once queued (a writer may already have taken it: the count can dip
        // below zero for a moment, which `flush` reads as idle, correctly).
        self.pending.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Returns once every insert queued before the call has been answered (committed or
    /// failed). Shutdown only: it polls.
    pub async fn flush(&self) {
        while self.pending.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// Starts the writer tasks; they end when every sender is dropped.
pub fn spawn(pool: Pool) -> Writer {
    let (tx, rx) = mpsc::channel(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    let pending = Arc::new(AtomicI64::new(0));
    for _ in 0..WRITERS {
        tokio::spawn(writer_loop(
            pool.clone(),
            Arc::clone(&rx),
            Arc::clone(&pending),
        ));
    }
    Writer { queue: tx, pending }
}

async fn writer_loop(
    pool: Pool,
    rx: Arc<Mutex<mpsc::Receiver<WriteJob>>>,
    pending: Arc<AtomicI64>,
) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else {
                return;
            };
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        batch.sort_by(|a, b| {
            (&a.response.site, &a.response.id).cmp(&(&b.response.site, &b.response.id))
        });
        let mut result = write_batch(&pool, &batch).await;
        for _ in 1..ATTEMPTS {
            match &result {
                Err(StoreError::Postgres(e)) if is_retryable(e) => {
                    result = write_batch(&pool, &batch).await;
                }
                _ => break,
            }
        }
        let answered = batch.len() as i64;
        match result {
            Ok(mut stored) => {
                for job in batch {
                    let key = (job.response.site, job.response.id);
                    // The first job of a key inserted in this batch is the stored one;
                    // later copies of the same key are duplicates.
                    let outcome = if stored.remove(&key) {
                        InsertOutcome::Stored
                    } else {
                        InsertOutcome::Duplicate
                    };
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(err) => {
                let message = err.to_string();
                for job in batch {
                    let _ = job
                        .reply
                        .send(Err(StoreError::Task(format!("batch insert: {message}"))));
                }
            }
        }
        pending.fetch_sub(answered, Ordering::SeqCst);
    }
}

fn is_retryable(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

async fn write_batch(
    pool: &Pool,
    batch: &[WriteJob],
) -> Result<HashSet<(String, String)>, StoreError> {
    let client = pool
        .get()
        .await
        .map_err(|e| StoreError::Pool(e.to_string()))?;
    let stmt = client.prepare_cached(INSERT_SQL).await?;
    let col = |f: fn(&StoredResponse) -> Option<&str>| -> Vec<Option<&str>> {
        batch.iter().map(|j| f(&j.response)).collect()
    };
    let bytes = |f: fn(&StoredResponse) -> Option<&[u8]>| -> Vec<Option<&[u8]>> {
        batch.iter().map(|j| f(&j.response)).collect()
    };
    let site = col(|r| Some(&r.site));
    let id = col(|r| Some(&r.id));
    let survey = col(|r| Some(&r.survey));
    let answers = col(|r| Some(&r.answers_json));
    let locale = bytes(|r| r.locale.as_deref().map(str::as_bytes));
    let url = bytes(|r| r.url.as_deref().map(str::as_bytes));
    let user_id = col(|r| r.user_id.as_deref());
    let traits = col(|r| r.traits_json.as_deref());
    let created_at = col(|r| r.created_at.as_deref());
    let received_at = col(|r| Some(&r.received_at));
    let customer = col(|r| r.customer.as_deref());
    // One statement, autocommitted: the batch is one transaction.
    let rows = client
        .query(
            &stmt,
            &[
                &site,
                &id,
                &survey,
                &answers,
                &locale,
                &url,
                &user_id,
                &traits,
                &created_at,
                &received_at,
                &customer,
            ],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, String>(1)?)))
        .collect()
}
