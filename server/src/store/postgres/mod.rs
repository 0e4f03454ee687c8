//! PostgreSQL implementation of [`ResponseStore`], for several collector instances on one
//! database. tokio-postgres with a deadpool connection pool per instance; migrations at
//! connect under an advisory lock ([`migrations`]); inserts go through a batch writer
//! ([`writer`]) that commits queued inserts together and answers each after its commit.
//!
//! Durability: a `Stored` answer comes after `COMMIT` returned, with the server's default
//! `synchronous_commit = on`, so the row is in the flushed WAL: it survives the collector
//! and the database server being killed.

mod console;
mod dashboard;
mod followup;
mod hooks;
mod impressions;
mod inbox;
mod loyalty;
mod migrations;
mod referral_credits;
mod score_jobs;
mod scores;
mod writer;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio::sync::oneshot;
use tokio_postgres::NoTls;

use super::{
    Cursor, InsertOutcome, PageQuery, PostgresTarget, ResponseStore, StoreError, StoreFuture,
    StoredResponse,
};

/// How long a request waits for a pooled connection, and a new connection for the server.
const POOL_TIMEOUT: Duration = Duration::from_secs(10);

/// `received_at` as the API writes it (`2026-11-22T10:00:00.123Z`).
const RECEIVED_AT: &str =
    r#"to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#;

/// PostgreSQL-backed response store.
pub struct PostgresStore {
    pool: Pool,
    writer: writer::Writer,
    loyalty: loyalty::PostgresLoyalty,
    console: console::PostgresConsole,
    hooks: hooks::PostgresHooks,
    dashboard: dashboard::PostgresDashboard,
    scores: scores::PostgresScores,
    followups: followup::PostgresFollowups,
    inbox: inbox::PostgresInbox,
    score_jobs: score_jobs::PostgresScoreJobs,
    impressions: impressions::PostgresImpressions,
}

/// A driver error with the server's own message and SQLSTATE when there is one (the
/// driver's `Display` says only "db error").
pub fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl PostgresStore {
    /// Connects, migrates the schema and starts the batch writer.
    pub async fn connect(target: &PostgresTarget) -> Result<Self, StoreError> {
        let manager = Manager::from_config(
            target.config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(target.pool_size)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let connect_err = |message: String| StoreError::Connect {
            url: target.display.clone(),
            message,
        };
        let mut client = pool.get().await.map_err(|e| {
            connect_err(match &e {
                deadpool_postgres::PoolError::Backend(pg) => describe(pg),
                other => other.to_string(),
            })
        })?;
        migrations::migrate(&mut client).await?;
        drop(client);
        let writer = writer::spawn(pool.clone());
        let loyalty = loyalty::PostgresLoyalty::new(pool.clone());
        let console = console::PostgresConsole::new(pool.clone());
        let hooks = hooks::PostgresHooks::new(pool.clone());
        let dashboard = dashboard::PostgresDashboard::new(pool.clone());
        let scores = scores::PostgresScores::new(pool.clone());
        let followups = followup::PostgresFollowups::new(pool.clone());
        let inbox = inbox::PostgresInbox::new(pool.clone());
        let score_jobs = score_jobs::PostgresScoreJobs::new(pool.clone());
        let impressions = impressions::PostgresImpressions::new(pool.clone());
        Ok(PostgresStore {
            inbox,
            pool,
            writer,
            loyalty,
            console,
            hooks,
            dashboard,
            scores,
            followups,
            score_jobs,
            impressions,
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

/// The page query for the filters present (each shape its own prepared statement, so the
/// planner walks `responses_export` / `responses_survey` from the cursor).
fn page_sql(q: &PageQuery) -> (String, Vec<Param>) {
    let mut sql = format!(
        "SELECT id, site, survey, answers, locale, url, user_id, traits, created_at,
                {RECEIVED_AT}, partial, customer
         FROM responses WHERE site = $1"
    );
    let mut args = vec![Param::Text(q.filter.site.clone())];
    let mut bind = |value: Param| {
        args.push(value);
        format!("${}", args.len())
    };
    if let Some(survey) = &q.filter.survey {
        let p = bind(Param::Text(survey.clone()));
        sql.push_str(&format!(" AND survey = {p}"));
    }
    if let Some(since) = &q.filter.since {
        let p = bind(Param::Text(since.clone()));
        sql.push_str(&format!(" AND received_at >= {p}::text::timestamptz"));
    }
    if let Some(until) = &q.filter.until {
        let p = bind(Param::Text(until.clone()));
        sql.push_str(&format!(" AND received_at < {p}::text::timestamptz"));
    }
    if let Some(after) = &q.after {
        let t = bind(Param::Text(after.received_at.clone()));
        let id = bind(Param::Text(after.id.clone()));
        sql.push_str(&format!(
            " AND (received_at, id) > ({t}::text::timestamptz, {id}::text)"
        ));
    }
    let limit = bind(Param::Int(i64::try_from(q.limit).unwrap_or(i64::MAX)));
    sql.push_str(&format!(" ORDER BY received_at, id LIMIT {limit}"));
    (sql, args)
}

/// A page query parameter.
#[derive(Debug)]
enum Param {
    Text(String),
    Int(i64),
}

impl Param {
    fn as_sql(&self) -> &(dyn tokio_postgres::types::ToSql + Sync) {
        match self {
            Param::Text(s) => s,
            Param::Int(n) => n,
        }
    }
}

fn row_to_response(row: &tokio_postgres::Row) -> Result<StoredResponse, StoreError> {
    let id: String = row.try_get(0)?;
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
    let locale = utf8("locale", row.try_get(4)?)?;
    let url = utf8("url", row.try_get(5)?)?;
    Ok(StoredResponse {
        site: row.try_get(1)?,
        survey: row.try_get(2)?,
        answers_json: row.try_get(3)?,
        locale,
        url,
        user_id: row.try_get(6)?,
        traits_json: row.try_get(7)?,
        created_at: row.try_get(8)?,
        received_at: row.try_get(9)?,
        partial: row.try_get(10)?,
        customer: row.try_get(11)?,
        id,
    })
}

impl ResponseStore for PostgresStore {
    fn insert_with_events(
        &self,
        response: StoredResponse,
        events: Vec<crate::hooks::event::NewEvent>,
    ) -> StoreFuture<'_, InsertOutcome> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.writer
                .send(writer::WriteJob {
                    response,
                    events,
                    reply,
                })
                .await?;
            answer.await.map_err(|_| StoreError::WriterGone)?
        })
    }

    fn page(&self, query: PageQuery) -> StoreFuture<'_, Vec<StoredResponse>> {
        Box::pin(async move {
            let (sql, args) = page_sql(&query);
            let client = self.client().await?;
            let stmt = client.prepare_cached(&sql).await?;
            let params: Vec<_> = args.iter().map(Param::as_sql).collect();
            let rows = client.query(&stmt, &params).await?;
            rows.iter().map(row_to_response).collect()
        })
    }

    fn cursor_of(&self, site: String, id: String) -> StoreFuture<'_, Option<Cursor>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client
                .prepare_cached(&format!(
                    "SELECT {RECEIVED_AT} FROM responses WHERE site = $1 AND id = $2"
                ))
                .await?;
            let row = client.query_opt(&stmt, &[&site, &id]).await?;
            Ok(match row {
                Some(row) => Some(Cursor {
                    received_at: row.try_get(0)?,
                    id,
                }),
                None => None,
            })
        })
    }

    fn count(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let client = self.client().await?;
            let n: i64 = client
                .query_one("SELECT count(*) FROM responses", &[])
                .await?
                .try_get(0)?;
            Ok(n.max(0) as u64)
        })
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client().await?.simple_query("SELECT 1").await?;
            Ok(())
        })
    }

    fn flush(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.writer.flush().await;
            Ok(())
        })
    }

    fn backend(&self) -> &'static str {
        "postgres"
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
