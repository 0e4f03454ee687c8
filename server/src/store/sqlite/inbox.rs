//! SQLite implementation of [`InboxStore`]: a read-write connection for the inbox's changes
//! (each one `BEGIN IMMEDIATE` transaction) and a read-only one for pages, both on the
//! blocking pool. Rows derived from new responses go through an indexer thread with its
//! own connection that commits whatever is queued in one transaction (group commit, as
//! the response writer does), so indexing keeps up with the collector's insert rate. Full-text search is the FTS5 table `inbox_fts` (external content,
//! kept in step by triggers; `unicode61` tokenizer with diacritics removed).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rapport_metrics::risk::Estimate;
use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use crate::store::inbox::sql::{self, Dialect, Param};
use crate::store::inbox::{
    risk_key, risk_of, ApplyOutcome, BandText, Change, Changed, InboxEntry, InboxQuery, InboxRow,
    InboxStore, NewNote, Note, RowScores, Status, TextQuery, Triple,
};
use crate::store::{StoreError, StoreFuture, StoredResponse};

/// Rows whose risk is rewritten per transaction by `refresh_risk`.
const RISK_BATCH: usize = 5_000;
/// Most rows the indexer commits in one transaction (more may come in one job).
const INDEX_BATCH: usize = 2_048;
/// Jobs queued in front of the indexer thread.
const INDEX_QUEUE: usize = 4_096;

struct IndexJob {
    entries: Vec<InboxEntry>,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

/// The inbox tables of one SQLite file.
pub struct SqliteInbox {
    write: Arc<Mutex<Connection>>,
    read: Arc<Mutex<Connection>>,
    indexer: mpsc::Sender<IndexJob>,
}

/// Commits queued index jobs together; ends when the store is dropped.
fn indexer_loop(mut conn: Connection, mut rx: mpsc::Receiver<IndexJob>) {
    while let Some(first) = rx.blocking_recv() {
        let mut entries = first.entries;
        let mut replies = vec![first.reply];
        while entries.len() < INDEX_BATCH {
            match rx.try_recv() {
                Ok(job) => {
                    entries.extend(job.entries);
                    replies.push(job.reply);
                }
                Err(_) => break,
            }
        }
        let outcome = index_on(&mut conn, &entries).map_err(|e| e.to_string());
        for reply in replies {
            let _ = reply.send(
                outcome
                    .clone()
                    .map_err(|m| StoreError::Task(format!("inbox index: {m}"))),
            );
        }
    }
}

impl SqliteInbox {
    /// Opens its connections to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let write = Connection::open(path).map_err(open_err)?;
        super::configure(&write).map_err(open_err)?;
        let read = Connection::open(path).map_err(open_err)?;
        super::configure(&read).map_err(open_err)?;
        let index = Connection::open(path).map_err(open_err)?;
        super::configure(&index).map_err(open_err)?;
        let (indexer, rx) = mpsc::channel(INDEX_QUEUE);
        std::thread::Builder::new()
            .name("rapport-inbox-indexer".into())
            .spawn(move || indexer_loop(index, rx))
            .map_err(|e| StoreError::Task(format!("cannot start inbox indexer: {e}")))?;
        Ok(SqliteInbox {
            write: Arc::new(Mutex::new(write)),
            read: Arc::new(Mutex::new(read)),
            indexer,
        })
    }

    fn on<T, F>(conn: &Arc<Mutex<Connection>>, f: F) -> StoreFuture<'static, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(conn);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut guard = conn
                    .lock()
                    .map_err(|_| StoreError::Task("inbox connection poisoned".into()))?;
                f(&mut guard)
            })
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
        })
    }
}

fn to_sql(p: &Param) -> &dyn ToSql {
    match p {
        Param::Text(s) => s,
        Param::Int(n) => n,
        Param::Real(x) => x,
    }
}

fn estimate(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Estimate>> {
    let value: Option<f64> = row.get(i)?;
    Ok(match value {
        Some(value) => Some(Estimate {
            value,
            low: row.get(i + 1)?,
            high: row.get(i + 2)?,
        }),
        None => None,
    })
}

fn triple(e: Estimate) -> Triple {
    Triple {
        value: e.value,
        low: e.low,
        high: e.high,
    }
}

/// A detailed row ([`sql::row_columns`] order).
fn inbox_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<InboxRow> {
    let status: String = row.get(16)?;
    let tags: String = row.get(17)?;
    let assignee: Option<String> = row.get(18)?;
    let assignee_email: Option<String> = row.get(19)?;
    let scores = match row.get::<_, Option<i64>>(22)? {
        Some(orders) => Some(RowScores {
            orders,
            spend: row.get(23)?,
            currency: row.get(24)?,
            tier: row.get(25)?,
            p_alive: estimate(row, 26)?.map(triple).unwrap_or(Triple {
                value: 0.0,
                low: 0.0,
                high: 0.0,
            }),
            annual_value: estimate(row, 29)?.map(triple).unwrap_or(Triple {
                value: 0.0,
                low: 0.0,
                high: 0.0,
            }),
        }),
        None => None,
    };
    let risk = estimate(row, 12)?.map(triple);
    Ok(InboxRow {
        response: StoredResponse {
            site: row.get(0)?,
            id: row.get(1)?,
            survey: row.get(2)?,
            received_at: row.get(3)?,
            partial: row.get(4)?,
            answers_json: row.get(5)?,
            locale: row.get(6)?,
            url: row.get(7)?,
            customer: row.get(8)?,
            user_id: row.get(32)?,
            traits_json: row.get(33)?,
            created_at: row.get(34)?,
        },
        score_kind: row.get(9)?,
        score_value: row.get(10)?,
        band: row.get(11)?,
        risk,
        risk_key: row.get(15)?,
        status: Status::parse(&status).unwrap_or(Status::New),
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        assignee: assignee.map(|id| (id, assignee_email.unwrap_or_default())),
        notes: row.get(20)?,
        customer_email: row.get(21)?,
        scores,
    })
}

/// The current scores' risk for `entry`.
fn entry_risk(conn: &Connection, e: &InboxEntry) -> rusqlite::Result<Option<Triple>> {
    let Some(customer) = &e.customer else {
        return Ok(None);
    };
    let scores = conn
        .prepare_cached(
            "SELECT p_alive, p_alive_low, p_alive_high, annual_value, annual_value_low, \
             annual_value_high FROM customer_scores WHERE site = ?1 AND customer = ?2",
        )?
        .query_row(params![e.site, customer], |r| {
            Ok((estimate(r, 0)?, estimate(r, 3)?))
        })
        .optional()?;
    Ok(match scores {
        Some((Some(p_alive), Some(annual))) => risk_of(e.unhappiness, p_alive, annual),
        _ => None,
    })
}

const UPSERT: &str = "INSERT INTO inbox_items (site, id, survey, received_at, partial, customer, \
    url, score_kind, score_value, band, unhappy, has_text, unhappiness, body, risk, risk_low, \
    risk_high, risk_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, \
    ?15, ?16, ?17, ?18) ON CONFLICT (site, id) DO UPDATE SET survey = excluded.survey, \
    received_at = excluded.received_at, partial = excluded.partial, customer = excluded.customer, \
    url = excluded.url, score_kind = excluded.score_kind, score_value = excluded.score_value, \
    band = excluded.band, unhappy = excluded.unhappy, has_text = excluded.has_text, \
    unhappiness = excluded.unhappiness, body = excluded.body, risk = excluded.risk, \
    risk_low = excluded.risk_low, risk_high = excluded.risk_high, risk_key = excluded.risk_key";

/// Writes `entries` in one transaction of `conn` (also used by the benchmark's bulk load).
pub fn index_on(conn: &mut Connection, entries: &[InboxEntry]) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut upsert = tx.prepare_cached(UPSERT)?;
        for e in entries {
            let risk = entry_risk(&tx, e)?;
            upsert.execute(params![
                e.site,
                e.id,
                e.survey,
                e.received_at,
                e.partial,
                e.customer,
                e.url,
                e.score_kind,
                e.score_value,
                e.band,
                e.unhappy,
                e.has_text,
                e.unhappiness,
                e.body,
                risk.map(|r| r.value),
                risk.map(|r| r.low),
                risk.map(|r| r.high),
                risk_key(risk),
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn detail(conn: &Connection, site: &str, ids: &[String]) -> Result<Vec<InboxRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (0..ids.len())
        .map(|i| format!("?{}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} {} WHERE i.site = ?1 AND i.id IN ({marks})",
        sql::row_columns(Dialect::Sqlite),
        sql::ROW_FROM
    ))?;
    let site = site.to_owned();
    let params = std::iter::once(&site as &dyn ToSql).chain(ids.iter().map(|c| c as &dyn ToSql));
    let rows = stmt.query_map(rusqlite::params_from_iter(params), inbox_row)?;
    let mut by_id: HashMap<String, InboxRow> = HashMap::new();
    for row in rows {
        let row = row?;
        by_id.insert(row.response.id.clone(), row);
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

fn note_of(conn: &Connection, seq: i64) -> rusqlite::Result<Note> {
    conn.query_row(
        "SELECT n.seq, n.author, coalesce(u.email, ''), n.text, n.at FROM inbox_notes n \
         LEFT JOIN console_users u ON u.id = n.author WHERE n.seq = ?1",
        params![seq],
        |r| {
            Ok(Note {
                id: r.get(0)?,
                author_id: r.get(1)?,
                author_email: r.get(2)?,
                text: r.get(3)?,
                at: r.get(4)?,
            })
        },
    )
}

impl InboxStore for SqliteInbox {
    fn index(&self, entries: Vec<InboxEntry>) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.indexer
                .send(IndexJob { entries, reply })
                .await
                .map_err(|_| StoreError::WriterGone)?;
            answer.await.map_err(|_| StoreError::WriterGone)?
        })
    }

    fn unindexed(
        &self,
        after: Option<(String, String)>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<StoredResponse>> {
        Self::on(&self.read, move |conn| {
            let (site, id) = after.unwrap_or_default();
            let mut stmt = conn.prepare_cached(
                "SELECT r.id, r.site, r.survey, r.answers, r.locale, r.url, r.user_id, r.traits, \
                 r.created_at, r.received_at, r.partial, r.customer FROM responses r \
                 WHERE (r.site, r.id) > (?1, ?2) AND NOT EXISTS (SELECT 1 FROM inbox_items i \
                 WHERE i.site = r.site AND i.id = r.id) ORDER BY r.site, r.id LIMIT ?3",
            )?;
            let rows = stmt.query_map(
                params![site, id, i64::try_from(limit).unwrap_or(i64::MAX)],
                super::row_to_response,
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn refresh_risk(&self, site: String) -> StoreFuture<'_, u64> {
        Self::on(&self.write, move |conn| {
            let mut changed: Vec<(i64, Option<Triple>)> = Vec::new();
            {
                let mut stmt = conn.prepare_cached(
                    "SELECT i.seq, i.unhappiness, i.risk, i.risk_low, i.risk_high, \
                     s.p_alive, s.p_alive_low, s.p_alive_high, s.annual_value, \
                     s.annual_value_low, s.annual_value_high FROM inbox_items i \
                     LEFT JOIN customer_scores s ON s.site = i.site AND s.customer = i.customer \
                     WHERE i.site = ?1 AND (i.customer IS NOT NULL OR i.risk IS NOT NULL)",
                )?;
                let mut rows = stmt.query(params![site])?;
                while let Some(r) = rows.next()? {
                    let old = estimate(r, 2)?.map(triple);
                    let new = match (estimate(r, 5)?, estimate(r, 8)?) {
                        (Some(p), Some(a)) => risk_of(r.get(1)?, p, a),
                        _ => None,
                    };
                    if old != new {
                        changed.push((r.get(0)?, new));
                    }
                }
            }
            for batch in changed.chunks(RISK_BATCH) {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                {
                    let mut update = tx.prepare_cached(
                        "UPDATE inbox_items SET risk = ?2, risk_low = ?3, risk_high = ?4, \
                         risk_key = ?5 WHERE seq = ?1",
                    )?;
                    for (seq, risk) in batch {
                        update.execute(params![
                            seq,
                            risk.map(|r| r.value),
                            risk.map(|r| r.low),
                            risk.map(|r| r.high),
                            risk_key(*risk),
                        ])?;
                    }
                }
                tx.commit()?;
            }
            Ok(changed.len() as u64)
        })
    }

    fn list(&self, query: InboxQuery) -> StoreFuture<'_, Vec<InboxRow>> {
        Self::on(&self.read, move |conn| {
            let matches = if query.words.is_empty() {
                sql::Matches::Many
            } else {
                let (text, args) = sql::sqlite_match_count(&query.words);
                let refs: Vec<&dyn ToSql> = args.iter().map(to_sql).collect();
                let n: i64 = conn
                    .prepare_cached(&text)?
                    .query_row(refs.as_slice(), |r| r.get(0))?;
                if usize::try_from(n).unwrap_or(usize::MAX) < sql::FEW_MATCHES {
                    sql::Matches::Few
                } else {
                    sql::Matches::Many
                }
            };
            let (text, args) = sql::page_with(&query, Dialect::Sqlite, matches);
            let ids: Vec<String> = {
                let mut stmt = conn.prepare_cached(&text)?;
                let refs: Vec<&dyn ToSql> = args.iter().map(to_sql).collect();
                let rows = stmt.query_map(refs.as_slice(), |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            detail(conn, &query.site, &ids)
        })
    }

    fn get(&self, site: String, id: String) -> StoreFuture<'_, Option<InboxRow>> {
        Self::on(&self.read, move |conn| {
            Ok(detail(conn, &site, &[id])?.into_iter().next())
        })
    }

    fn apply(&self, keys: Vec<(String, String)>, change: Change) -> StoreFuture<'_, ApplyOutcome> {
        Self::on(&self.write, move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut done = Vec::with_capacity(keys.len());
            for (site, id) in keys {
                let current: Option<(String, String, Option<String>)> = tx
                    .prepare_cached(
                        "SELECT status, tags, assignee FROM inbox_items WHERE site = ?1 AND id = ?2",
                    )?
                    .query_row(params![site, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                let Some((status, tags, assignee)) = current else {
                    return Ok(ApplyOutcome::Missing { site, id });
                };
                let tags: Vec<String> = serde_json::from_str(&tags).unwrap_or_default();
                let tags = change.tags_from(&tags);
                if tags.len() > crate::store::inbox::MAX_TAGS {
                    return Ok(ApplyOutcome::TooManyTags { site, id });
                }
                let status = change
                    .status
                    .unwrap_or(Status::parse(&status).unwrap_or(Status::New));
                let assignee = change.assignee.clone().unwrap_or(assignee);
                let tags_json = serde_json::to_string(&tags)
                    .map_err(|e| StoreError::Task(format!("tags: {e}")))?;
                tx.prepare_cached(
                    "UPDATE inbox_items SET status = ?3, tags = ?4, assignee = ?5 \
                     WHERE site = ?1 AND id = ?2",
                )?
                .execute(params![
                    site,
                    id,
                    status.as_str(),
                    tags_json,
                    assignee
                ])?;
                tx.prepare_cached("DELETE FROM inbox_tags WHERE site = ?1 AND id = ?2")?
                    .execute(params![site, id])?;
                for tag in &tags {
                    tx.prepare_cached(
                        "INSERT INTO inbox_tags (site, tag, id, received_at, risk_key) \
                         SELECT site, ?2, id, received_at, risk_key FROM inbox_items \
                         WHERE site = ?1 AND id = ?3",
                    )?
                    .execute(params![site, tag, id])?;
                }
                done.push(Changed {
                    site,
                    id,
                    status,
                    tags,
                    assignee,
                });
            }
            tx.commit()?;
            Ok(ApplyOutcome::Applied(done))
        })
    }

    fn add_note(&self, note: NewNote) -> StoreFuture<'_, Option<Note>> {
        Self::on(&self.write, move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let bumped = tx.execute(
                "UPDATE inbox_items SET notes = notes + 1 WHERE site = ?1 AND id = ?2",
                params![note.site, note.id],
            )?;
            if bumped == 0 {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO inbox_notes (site, id, author, text, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![note.site, note.id, note.author, note.text, note.at],
            )?;
            let seq = tx.last_insert_rowid();
            let stored = note_of(&tx, seq)?;
            tx.commit()?;
            Ok(Some(stored))
        })
    }

    fn notes(&self, site: String, id: String) -> StoreFuture<'_, Vec<Note>> {
        Self::on(&self.read, move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT n.seq, n.author, coalesce(u.email, ''), n.text, n.at FROM inbox_notes n \
                 LEFT JOIN console_users u ON u.id = n.author \
                 WHERE n.site = ?1 AND n.id = ?2 ORDER BY n.seq",
            )?;
            let rows = stmt.query_map(params![site, id], |r| {
                Ok(Note {
                    id: r.get(0)?,
                    author_id: r.get(1)?,
                    author_email: r.get(2)?,
                    text: r.get(3)?,
                    at: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn texts(&self, query: TextQuery) -> StoreFuture<'_, Vec<BandText>> {
        Self::on(&self.read, move |conn| {
            let (text, args) = sql::texts(&query, Dialect::Sqlite);
            let mut stmt = conn.prepare_cached(&text)?;
            let refs: Vec<&dyn ToSql> = args.iter().map(to_sql).collect();
            let rows = stmt.query_map(refs.as_slice(), |r| {
                Ok(BandText {
                    band: r.get(0)?,
                    body: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
