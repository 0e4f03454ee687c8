//! PostgreSQL implementation of [`InboxStore`]: every operation on a pooled connection;
//! rows are written in batches of `unnest`ed arrays; each change is one transaction.
//! Full-text search is the stored `body_tsv` column (`to_tsvector('simple', body)`) under
//! a GIN index, queried with `websearch_to_tsquery('simple', …)`.

use std::collections::{BTreeMap, HashMap};

use deadpool_postgres::Pool;
use rapport_metrics::risk::Estimate;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::store::inbox::sql::{self, Dialect, Param};
use crate::store::inbox::{
    risk_key, risk_of, ApplyOutcome, BandText, Change, Changed, InboxEntry, InboxQuery, InboxRow,
    InboxStore, NewNote, Note, RowScores, Status, TextQuery, Triple, MAX_TAGS,
};
use crate::store::{StoreError, StoreFuture, StoredResponse};

/// Rows per statement of `index` and `refresh_risk`.
const BATCH: usize = 2_000;

/// The inbox tables of one PostgreSQL database.
pub struct PostgresInbox {
    pool: Pool,
}

impl PostgresInbox {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresInbox { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

fn to_sql(p: &Param) -> &(dyn ToSql + Sync) {
    match p {
        Param::Text(s) => s,
        Param::Int(n) => n,
        Param::Real(x) => x,
    }
}

fn estimate(row: &Row, i: usize) -> Result<Option<Estimate>, StoreError> {
    let value: Option<f64> = row.try_get(i)?;
    Ok(match value {
        Some(value) => Some(Estimate {
            value,
            low: row.try_get(i + 1)?,
            high: row.try_get(i + 2)?,
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

const ZERO: Triple = Triple {
    value: 0.0,
    low: 0.0,
    high: 0.0,
};

/// A detailed row ([`sql::row_columns`] order).
fn inbox_row(row: &Row) -> Result<InboxRow, StoreError> {
    let id: String = row.try_get(1)?;
    let utf8 = |column: &'static str, bytes: Option<Vec<u8>>| {
        bytes
            .map(String::from_utf8)
            .transpose()
            .map_err(|e| StoreError::Corrupt {
                id: id.clone(),
                column,
                message: e.to_string(),
            })
    };
    let locale = utf8("locale", row.try_get(6)?)?;
    let url = utf8("url", row.try_get(7)?)?;
    let status: String = row.try_get(16)?;
    let tags: String = row.try_get(17)?;
    let assignee: Option<String> = row.try_get(18)?;
    let assignee_email: Option<String> = row.try_get(19)?;
    let scores = match row.try_get::<_, Option<i64>>(22)? {
        Some(orders) => Some(RowScores {
            orders,
            spend: row.try_get(23)?,
            currency: row.try_get(24)?,
            tier: row.try_get(25)?,
            p_alive: estimate(row, 26)?.map(triple).unwrap_or(ZERO),
            annual_value: estimate(row, 29)?.map(triple).unwrap_or(ZERO),
        }),
        None => None,
    };
    Ok(InboxRow {
        response: StoredResponse {
            site: row.try_get(0)?,
            survey: row.try_get(2)?,
            received_at: row.try_get(3)?,
            partial: row.try_get(4)?,
            answers_json: row.try_get(5)?,
            locale,
            url,
            customer: row.try_get(8)?,
            user_id: row.try_get(32)?,
            traits_json: row.try_get(33)?,
            created_at: row.try_get(34)?,
            id: id.clone(),
        },
        score_kind: row.try_get(9)?,
        score_value: row.try_get(10)?,
        band: row.try_get(11)?,
        risk: estimate(row, 12)?.map(triple),
        risk_key: row.try_get(15)?,
        status: Status::parse(&status).unwrap_or(Status::New),
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        assignee: assignee.map(|id| (id, assignee_email.unwrap_or_default())),
        notes: row.try_get(20)?,
        customer_email: row.try_get(21)?,
        scores,
    })
}

const UPSERT: &str = "INSERT INTO inbox_items (site, id, survey, received_at, partial, customer, \
    url, score_kind, score_value, band, unhappy, has_text, unhappiness, body, risk, risk_low, \
    risk_high, risk_key) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]::timestamptz[], \
    $5::bool[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::text[], $11::bool[], \
    $12::bool[], $13::float8[], $14::text[], $15::float8[], $16::float8[], $17::float8[], \
    $18::float8[]) \
    ON CONFLICT (site, id) DO UPDATE SET survey = excluded.survey, \
    received_at = excluded.received_at, partial = excluded.partial, customer = excluded.customer, \
    url = excluded.url, score_kind = excluded.score_kind, score_value = excluded.score_value, \
    band = excluded.band, unhappy = excluded.unhappy, has_text = excluded.has_text, \
    unhappiness = excluded.unhappiness, body = excluded.body, risk = excluded.risk, \
    risk_low = excluded.risk_low, risk_high = excluded.risk_high, risk_key = excluded.risk_key";

/// Writes `entries` (any number, any sites) on `client`, with their risk from the current
/// scores (also used by the benchmark's bulk load).
pub async fn index_on(
    client: &mut tokio_postgres::Client,
    entries: &[InboxEntry],
) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    let upsert = tx.prepare(UPSERT).await?;
    for batch in entries.chunks(BATCH) {
        // The scores of the batch's customers, per site.
        let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for e in batch {
            if let Some(c) = &e.customer {
                wanted.entry(e.site.as_str()).or_default().push(c.as_str());
            }
        }
        let mut scores: HashMap<(String, String), (Estimate, Estimate)> = HashMap::new();
        for (site, customers) in wanted {
            let rows = tx
                .query(
                    "SELECT customer, p_alive, p_alive_low, p_alive_high, annual_value, \
                     annual_value_low, annual_value_high FROM customer_scores \
                     WHERE site = $1 AND customer = ANY($2)",
                    &[&site, &customers],
                )
                .await?;
            for r in rows {
                if let (Some(p), Some(a)) = (estimate(&r, 1)?, estimate(&r, 4)?) {
                    scores.insert((site.to_owned(), r.try_get(0)?), (p, a));
                }
            }
        }
        let risks: Vec<Option<Triple>> = batch
            .iter()
            .map(|e| {
                let key = (e.site.clone(), e.customer.clone()?);
                let (p, a) = scores.get(&key)?;
                risk_of(e.unhappiness, *p, *a)
            })
            .collect();
        let text = |f: fn(&InboxEntry) -> Option<&str>| -> Vec<Option<&str>> {
            batch.iter().map(f).collect()
        };
        let site = text(|e| Some(&e.site));
        let id = text(|e| Some(&e.id));
        let survey = text(|e| Some(&e.survey));
        let received = text(|e| Some(&e.received_at));
        let partial: Vec<bool> = batch.iter().map(|e| e.partial).collect();
        let customer = text(|e| e.customer.as_deref());
        let url = text(|e| e.url.as_deref());
        let kind = text(|e| e.score_kind.as_deref());
        let value: Vec<Option<f64>> = batch.iter().map(|e| e.score_value).collect();
        let band = text(|e| e.band.as_deref());
        let unhappy: Vec<bool> = batch.iter().map(|e| e.unhappy).collect();
        let has_text: Vec<bool> = batch.iter().map(|e| e.has_text).collect();
        let unhappiness: Vec<Option<f64>> = batch.iter().map(|e| e.unhappiness).collect();
        let body = text(|e| Some(&e.body));
        let risk: Vec<Option<f64>> = risks.iter().map(|r| r.map(|r| r.value)).collect();
        let low: Vec<Option<f64>> = risks.iter().map(|r| r.map(|r| r.low)).collect();
        let high: Vec<Option<f64>> = risks.iter().map(|r| r.map(|r| r.high)).collect();
        let key: Vec<f64> = risks.iter().map(|r| risk_key(*r)).collect();
        tx.execute(
            &upsert,
            &[
                &site,
                &id,
                &survey,
                &received,
                &partial,
                &customer,
                &url,
                &kind,
                &value,
                &band,
                &unhappy,
                &has_text,
                &unhappiness,
                &body,
                &risk,
                &low,
                &high,
                &key,
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

const NOTE_COLUMNS: &str = "n.seq, n.author, coalesce(u.email, ''), n.text, n.at";

fn note(r: &Row) -> Result<Note, StoreError> {
    Ok(Note {
        id: r.try_get(0)?,
        author_id: r.try_get(1)?,
        author_email: r.try_get(2)?,
        text: r.try_get(3)?,
        at: r.try_get(4)?,
    })
}

impl PostgresInbox {
    async fn detail(&self, site: &str, ids: &[String]) -> Result<Vec<InboxRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {} {} WHERE i.site = $1 AND i.id = ANY($2)",
                sql::row_columns(Dialect::Postgres),
                sql::ROW_FROM
            ))
            .await?;
        let rows = client.query(&stmt, &[&site, &ids]).await?;
        let mut by_id: HashMap<String, InboxRow> = HashMap::new();
        for row in &rows {
            let row = inbox_row(row)?;
            by_id.insert(row.response.id.clone(), row);
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }
}

impl InboxStore for PostgresInbox {
    fn index(&self, entries: Vec<InboxEntry>) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            index_on(&mut client, &entries).await
        })
    }

    fn unindexed(
        &self,
        after: Option<(String, String)>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<StoredResponse>> {
        Box::pin(async move {
            let (site, id) = after.unwrap_or_default();
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT r.id, r.site, r.survey, r.answers, r.locale, r.url, r.user_id, \
                         r.traits, r.created_at, {}, r.partial, r.customer FROM responses r \
                         WHERE (r.site, r.id) > ($1::text, $2::text) AND NOT EXISTS \
                         (SELECT 1 FROM inbox_items i WHERE i.site = r.site AND i.id = r.id) \
                         ORDER BY r.site, r.id LIMIT $3",
                        r#"to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
                    ),
                    &[&site, &id, &i64::try_from(limit).unwrap_or(i64::MAX)],
                )
                .await?;
            rows.iter().map(super::row_to_response).collect()
        })
    }

    fn refresh_risk(&self, site: String) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let rows = client
                .query(
                    "SELECT i.id, i.unhappiness, i.risk, i.risk_low, i.risk_high, \
                     s.p_alive, s.p_alive_low, s.p_alive_high, s.annual_value, \
                     s.annual_value_low, s.annual_value_high FROM inbox_items i \
                     LEFT JOIN customer_scores s ON s.site = i.site AND s.customer = i.customer \
                     WHERE i.site = $1 AND (i.customer IS NOT NULL OR i.risk IS NOT NULL)",
                    &[&site],
                )
                .await?;
            let mut changed: Vec<(String, Option<Triple>)> = Vec::new();
            for r in &rows {
                let old = estimate(r, 2)?.map(triple);
                let new = match (estimate(r, 5)?, estimate(r, 8)?) {
                    (Some(p), Some(a)) => risk_of(r.try_get(1)?, p, a),
                    _ => None,
                };
                if old != new {
                    changed.push((r.try_get(0)?, new));
                }
            }
            drop(rows);
            for batch in changed.chunks(BATCH) {
                let tx = client.transaction().await?;
                let ids: Vec<&str> = batch.iter().map(|(id, _)| id.as_str()).collect();
                let col = |f: fn(&Triple) -> f64| -> Vec<Option<f64>> {
                    batch.iter().map(|(_, r)| r.as_ref().map(f)).collect()
                };
                let keys: Vec<f64> = batch.iter().map(|(_, r)| risk_key(*r)).collect();
                tx.execute(
                    "UPDATE inbox_items i SET risk = u.risk, risk_low = u.low, \
                     risk_high = u.high, risk_key = u.key \
                     FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], \
                     $6::float8[]) AS u(id, risk, low, high, key) \
                     WHERE i.site = $1 AND i.id = u.id",
                    &[
                        &site,
                        &ids,
                        &col(|r| r.value),
                        &col(|r| r.low),
                        &col(|r| r.high),
                        &keys,
                    ],
                )
                .await?;
                tx.commit().await?;
            }
            Ok(changed.len() as u64)
        })
    }

    fn list(&self, query: InboxQuery) -> StoreFuture<'_, Vec<InboxRow>> {
        Box::pin(async move {
            let (text, args) = sql::page(&query, Dialect::Postgres);
            let ids: Vec<String> = {
                let client = self.client().await?;
                let stmt = client.prepare_cached(&text).await?;
                let params: Vec<_> = args.iter().map(to_sql).collect();
                let rows = client.query(&stmt, &params).await?;
                rows.iter()
                    .map(|r| r.try_get(0))
                    .collect::<Result<_, _>>()?
            };
            self.detail(&query.site, &ids).await
        })
    }

    fn get(&self, site: String, id: String) -> StoreFuture<'_, Option<InboxRow>> {
        Box::pin(async move { Ok(self.detail(&site, &[id]).await?.into_iter().next()) })
    }

    fn apply(&self, keys: Vec<(String, String)>, change: Change) -> StoreFuture<'_, ApplyOutcome> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let mut done = Vec::with_capacity(keys.len());
            for (site, id) in keys {
                let current = tx
                    .query_opt(
                        "SELECT status, tags, assignee FROM inbox_items \
                         WHERE site = $1 AND id = $2 FOR UPDATE",
                        &[&site, &id],
                    )
                    .await?;
                let Some(current) = current else {
                    return Ok(ApplyOutcome::Missing { site, id });
                };
                let status: String = current.try_get(0)?;
                let tags: String = current.try_get(1)?;
                let assignee: Option<String> = current.try_get(2)?;
                let tags: Vec<String> = serde_json::from_str(&tags).unwrap_or_default();
                let tags = change.tags_from(&tags);
                if tags.len() > MAX_TAGS {
                    return Ok(ApplyOutcome::TooManyTags { site, id });
                }
                let status = change
                    .status
                    .unwrap_or(Status::parse(&status).unwrap_or(Status::New));
                let assignee = change.assignee.clone().unwrap_or(assignee);
                let tags_json = serde_json::to_string(&tags)
                    .map_err(|e| StoreError::Task(format!("tags: {e}")))?;
                tx.execute(
                    "UPDATE inbox_items SET status = $3, tags = $4, assignee = $5 \
                     WHERE site = $1 AND id = $2",
                    &[&site, &id, &status.as_str(), &tags_json, &assignee],
                )
                .await?;
                tx.execute(
                    "DELETE FROM inbox_tags WHERE site = $1 AND id = $2",
                    &[&site, &id],
                )
                .await?;
                tx.execute(
                    "INSERT INTO inbox_tags (site, tag, id, received_at, risk_key) \
                     SELECT i.site, t, i.id, i.received_at, i.risk_key \
                     FROM inbox_items i, unnest($2::text[]) t WHERE i.site = $1 AND i.id = $3",
                    &[&site, &tags, &id],
                )
                .await?;
                done.push(Changed {
                    site,
                    id,
                    status,
                    tags,
                    assignee,
                });
            }
            tx.commit().await?;
            Ok(ApplyOutcome::Applied(done))
        })
    }

    fn add_note(&self, n: NewNote) -> StoreFuture<'_, Option<Note>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let bumped = tx
                .execute(
                    "UPDATE inbox_items SET notes = notes + 1 WHERE site = $1 AND id = $2",
                    &[&n.site, &n.id],
                )
                .await?;
            if bumped == 0 {
                return Ok(None);
            }
            let seq: i64 = tx
                .query_one(
                    "INSERT INTO inbox_notes (site, id, author, text, at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                    &[&n.site, &n.id, &n.author, &n.text, &n.at],
                )
                .await?
                .try_get(0)?;
            let row = tx
                .query_one(
                    &format!(
                        "SELECT {NOTE_COLUMNS} FROM inbox_notes n \
                         LEFT JOIN console_users u ON u.id = n.author WHERE n.seq = $1"
                    ),
                    &[&seq],
                )
                .await?;
            let stored = note(&row)?;
            tx.commit().await?;
            Ok(Some(stored))
        })
    }

    fn notes(&self, site: String, id: String) -> StoreFuture<'_, Vec<Note>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {NOTE_COLUMNS} FROM inbox_notes n \
                         LEFT JOIN console_users u ON u.id = n.author \
                         WHERE n.site = $1 AND n.id = $2 ORDER BY n.seq"
                    ),
                    &[&site, &id],
                )
                .await?;
            rows.iter().map(note).collect()
        })
    }

    fn texts(&self, query: TextQuery) -> StoreFuture<'_, Vec<BandText>> {
        Box::pin(async move {
            let (text, args) = sql::texts(&query, Dialect::Postgres);
            let client = self.client().await?;
            let stmt = client.prepare_cached(&text).await?;
            let params: Vec<_> = args.iter().map(to_sql).collect();
            let rows = client.query(&stmt, &params).await?;
            rows.iter()
                .map(|r| {
                    Ok(BandText {
                        band: r.try_get(0)?,
                        body: r.try_get(1)?,
                    })
                })
                .collect()
        })
    }
}
