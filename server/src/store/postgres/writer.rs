//! The PostgreSQL batch writer: inserts queued by the handlers are committed together, in
//! one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING` per batch, and
//! each insert is answered only after its batch commits. A few writer tasks share the
//! queue, so one batch is filled while another commits.
//!
//! An insert whose key exists already (a retry, or the newer state of a partial response)
//! then goes through one conditional `UPDATE` of its own, in batch order: it replaces a
//! partial row (see [`crate::store::replaces`]) and leaves a complete one alone. The
//! condition is evaluated on the row's latest committed version under its row lock, so a
//! partial state racing a complete one from another instance never overwrites it.
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

/// The batch insert; in the same statement (so the same transaction), the events of the
/// complete rows it stored go to the outbox (see [`crate::store::hooks`]).
const INSERT_SQL: &str = r#"WITH ins AS (INSERT INTO responses
    (site, id, survey, answers, locale, url, user_id, traits, created_at, received_at,
     partial, customer)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[],
                         $6::bytea[], $7::text[], $8::text[], $9::text[],
                         $10::text[]::timestamptz[], $11::bool[], $12::text[])
    ON CONFLICT (site, id) DO NOTHING
    RETURNING site, id, partial),
  ev AS (INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
    SELECT e.site, e.event_id, e.payload, e.at, e.at
    FROM unnest($13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[])
         AS e(site, response, event_id, payload, at)
    JOIN ins ON ins.site = e.site AND ins.id = e.response AND NOT ins.partial
    ON CONFLICT (event_id) DO NOTHING)
  SELECT site, id FROM ins"#;

/// The newer state of a partial response replaces it; a complete row, or a partial one with
/// the same answers, is left alone. A customer link once verified stays when the newer
/// state comes without one (a token expired meanwhile).
/// When the newer state is the complete one, its events go to the outbox in the same
/// statement.
const REPLACE_PARTIAL_SQL: &str = r#"WITH up AS (UPDATE responses
    SET survey = $3, answers = $4, locale = $5, url = $6, user_id = $7, traits = $8,
        created_at = $9, received_at = $10::text::timestamptz, partial = $11,
        customer = coalesce($12, customer)
    WHERE site = $1 AND id = $2 AND partial
      AND (NOT $11 OR answers IS DISTINCT FROM $4)
    RETURNING partial),
  ev AS (INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
    SELECT e.site, e.event_id, e.payload, e.at, e.at
    FROM unnest($13::text[], $14::text[], $15::text[], $16::bigint[])
         AS e(site, event_id, payload, at)
    WHERE EXISTS (SELECT 1 FROM up WHERE NOT up.partial)
    ON CONFLICT (event_id) DO NOTHING)
  SELECT count(*) FROM up"#;

/// One queued insert.
pub struct WriteJob {
    /// The row.
    pub response: StoredResponse,
    /// Queued in the outbox when this write makes the response complete.
    pub events: Vec<crate::hooks::event::NewEvent>,
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
                    let key = (job.response.site.clone(), job.response.id.clone());
                    // The first job of a key inserted in this batch is the stored one;
                    // later copies of the same key may replace a partial state.
                    let outcome = if stored.remove(&key) {
                        Ok(InsertOutcome::Stored)
                    } else {
                        replace_partial(&pool, &job.response, &job.events).await
                    };
                    let _ = job.reply.send(outcome);
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

/// Replaces the stored partial state of `r`'s id by `r` when [`crate::store::replaces`]
/// says so: `Updated`, else `Duplicate`. One statement, autocommitted: it locks one row
/// and holds no other lock, so it cannot deadlock.
async fn replace_partial(
    pool: &Pool,
    r: &StoredResponse,
    events: &[crate::hooks::event::NewEvent],
) -> Result<InsertOutcome, StoreError> {
    let client = pool
        .get()
        .await
        .map_err(|e| StoreError::Pool(e.to_string()))?;
    let stmt = client.prepare_cached(REPLACE_PARTIAL_SQL).await?;
    let locale = r.locale.as_deref().map(str::as_bytes);
    let url = r.url.as_deref().map(str::as_bytes);
    let ev_site: Vec<&str> = events.iter().map(|e| e.site.as_str()).collect();
    let ev_id: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    let ev_payload: Vec<&str> = events.iter().map(|e| e.payload.as_str()).collect();
    let ev_at: Vec<i64> = events.iter().map(|e| e.at).collect();
    let changed: i64 = client
        .query_one(
            &stmt,
            &[
                &r.site,
                &r.id,
                &r.survey,
                &r.answers_json,
                &locale,
                &url,
                &r.user_id,
                &r.traits_json,
                &r.created_at,
                &r.received_at,
                &r.partial,
                &r.customer,
                &ev_site,
                &ev_id,
                &ev_payload,
                &ev_at,
            ],
        )
        .await?
        .try_get(0)?;
    Ok(if changed == 1 {
        InsertOutcome::Updated
    } else {
        InsertOutcome::Duplicate
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
    let partial: Vec<bool> = batch.iter().map(|j| j.response.partial).collect();
    let customer = col(|r| r.customer.as_deref());
    let events = batch
        .iter()
        .filter(|j| !j.response.partial)
        .flat_map(|j| j.events.iter().map(move |e| (&j.response.id, e)));
    let (mut ev_site, mut ev_response, mut ev_id, mut ev_payload, mut ev_at) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (response, e) in events {
        ev_site.push(e.site.as_str());
        ev_response.push(response.as_str());
        ev_id.push(e.event_id.as_str());
        ev_payload.push(e.payload.as_str());
        ev_at.push(e.at);
    }
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
                &partial,
                &customer,
                &ev_site,
                &ev_response,
                &ev_id,
                &ev_payload,
                &ev_at,
            ],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, String>(1)?)))
        .collect()
}
