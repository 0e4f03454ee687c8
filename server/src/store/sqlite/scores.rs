//! SQLite implementation of [`ScoreStore`]: one read-write connection of its own, used on
//! the blocking pool; a run's replacement is one `BEGIN IMMEDIATE` transaction.

use std::path::Path;

use rapport_metrics::risk::Estimate;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::area::AreaConnection;
use crate::store::scores::{sql, CustomerScore, ScoreRun, ScoreStore};
use crate::store::{StoreError, StoreFuture};

/// Customers read per statement (SQLite's default limit of bound parameters is 32,766).
const READ_CHUNK: usize = 500;

/// The score tables of one SQLite file.
pub struct SqliteScores {
    conn: AreaConnection,
}

impl SqliteScores {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteScores {
            conn: AreaConnection::open(path, "scores")?,
        })
    }
}

/// The score in columns 0..15 of `row` ([`sql::COLUMNS`] order).
pub(super) fn score(row: &rusqlite::Row<'_>) -> rusqlite::Result<CustomerScore> {
    let estimate = |i: usize| -> rusqlite::Result<Estimate> {
        Ok(Estimate {
            value: row.get(i)?,
            low: row.get(i + 1)?,
            high: row.get(i + 2)?,
        })
    };
    Ok(CustomerScore {
        customer: row.get(0)?,
        orders: row.get(1)?,
        spend: row.get(2)?,
        currency: row.get(3)?,
        last_order_at: row.get(4)?,
        p_alive: estimate(5)?,
        annual_value: estimate(8)?,
        rfm_segment: row.get(11)?,
        clv_band: row.get(12)?,
        at_risk: row.get::<_, i64>(13)? != 0,
        tier: row.get(14)?,
    })
}

impl ScoreStore for SqliteScores {
    fn replace_scores(
        &self,
        site: String,
        run: ScoreRun,
        scores: Vec<CustomerScore>,
    ) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(&sql::sqlite(sql::DELETE_SITE), params![site])?;
            {
                let mut insert = tx.prepare_cached(&format!(
                    "INSERT INTO customer_scores (site, {}) VALUES \
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                    sql::COLUMNS
                ))?;
                for s in &scores {
                    insert.execute(params![
                        site,
                        s.customer,
                        s.orders,
                        s.spend,
                        s.currency,
                        s.last_order_at,
                        s.p_alive.value,
                        s.p_alive.low,
                        s.p_alive.high,
                        s.annual_value.value,
                        s.annual_value.low,
                        s.annual_value.high,
                        s.rfm_segment,
                        s.clv_band,
                        i64::from(s.at_risk),
                        s.tier,
                    ])?;
                }
            }
            tx.execute(
                &sql::sqlite(sql::UPSERT_RUN),
                params![site, run.computed_at, run.customers, run.summary_json],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn scores_of(
        &self,
        site: String,
        customers: Vec<String>,
    ) -> StoreFuture<'_, Vec<CustomerScore>> {
        self.conn.run(move |conn| {
            let mut out = Vec::with_capacity(customers.len());
            for chunk in customers.chunks(READ_CHUNK) {
                let marks = (0..chunk.len())
                    .map(|i| format!("?{}", i + 2))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut stmt = conn.prepare(&format!(
                    "SELECT {} FROM customer_scores WHERE site = ?1 AND customer IN ({marks})",
                    sql::COLUMNS
                ))?;
                let params = std::iter::once(&site as &dyn rusqlite::ToSql)
                    .chain(chunk.iter().map(|c| c as &dyn rusqlite::ToSql));
                let rows = stmt.query_map(rusqlite::params_from_iter(params), score)?;
                for row in rows {
                    out.push(row?);
                }
            }
            Ok(out)
        })
    }

    fn last_run(&self, site: String) -> StoreFuture<'_, Option<ScoreRun>> {
        self.conn.run(move |conn| {
            Ok(conn
                .query_row(&sql::sqlite(sql::LAST_RUN), params![site], |row| {
                    Ok(ScoreRun {
                        computed_at: row.get(0)?,
                        customers: row.get(1)?,
                        summary_json: row.get(2)?,
                    })
                })
                .optional()?)
        })
    }
}
