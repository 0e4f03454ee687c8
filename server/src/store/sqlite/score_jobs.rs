//! SQLite implementation of [`ScoreJobStore`]: one connection of its own, used on the
//! blocking pool (the job's reads are long; they never hold the response writer).

use std::path::Path;

use rusqlite::{params, OptionalExtension};

use super::area::AreaConnection;
use crate::loyalty::tiers::contributions_sql;
use crate::store::score_jobs::{
    sql, CustomerAnswer, JobState, OrderRow, OrdersMark, ScoreJobStore,
};
use crate::store::scores::{self, CustomerScore};
use crate::store::{StoreError, StoreFuture};

/// The scores job's tables of one SQLite file.
pub struct SqliteScoreJobs {
    conn: AreaConnection,
}

impl SqliteScoreJobs {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteScoreJobs {
            conn: AreaConnection::open(path, "score jobs")?,
        })
    }
}

impl ScoreJobStore for SqliteScoreJobs {
    fn order_rows(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(&contributions_sql(
                "o.customer, o.currency, ",
                "o.site = ?1 AND o.customer IS NOT NULL",
                "o.customer, ",
            ))?;
            let rows = stmt
                .query_map(params![site], |r| {
                    Ok(OrderRow {
                        customer: r.get(0)?,
                        currency: r.get(1)?,
                        at: r.get(2)?,
                        points: r.get(3)?,
                        spend: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn orders_mark(&self, site: String) -> StoreFuture<'_, OrdersMark> {
        self.conn.run(move |conn| {
            Ok(
                conn.query_row(&scores::sql::sqlite(sql::ORDERS_MARK), params![site], |r| {
                    Ok(OrdersMark {
                        count: r.get(0)?,
                        updated: r.get(1)?,
                    })
                })?,
            )
        })
    }

    fn claim(&self, site: String, holder: String, now: i64, until: i64) -> StoreFuture<'_, bool> {
        self.conn.run(move |conn| {
            let changed = conn.execute(
                &scores::sql::sqlite(sql::CLAIM),
                params![site, holder, now, until],
            )?;
            Ok(changed == 1)
        })
    }

    fn release(
        &self,
        site: String,
        holder: String,
        seen: Option<OrdersMark>,
    ) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            match seen {
                Some(m) => conn.execute(
                    &scores::sql::sqlite(sql::FINISH),
                    params![site, holder, m.count, m.updated],
                )?,
                None => conn.execute(&scores::sql::sqlite(sql::RELEASE), params![site, holder])?,
            };
            Ok(())
        })
    }

    fn job_state(&self, site: String) -> StoreFuture<'_, Option<JobState>> {
        self.conn.run(move |conn| {
            Ok(conn
                .query_row(&scores::sql::sqlite(sql::STATE), params![site], |r| {
                    let count: Option<i64> = r.get(2)?;
                    let updated: Option<i64> = r.get(3)?;
                    Ok(JobState {
                        holder: r.get(0)?,
                        lease_until: r.get(1)?,
                        seen: count
                            .zip(updated)
                            .map(|(count, updated)| OrdersMark { count, updated }),
                    })
                })
                .optional()?)
        })
    }

    fn all_scores(&self, site: String) -> StoreFuture<'_, Vec<CustomerScore>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {} FROM customer_scores WHERE site = ?1 ORDER BY customer",
                scores::sql::COLUMNS
            ))?;
            let rows = stmt
                .query_map(params![site], super::scores::score)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn answers_since(
        &self,
        site: String,
        since: i64,
        customer: Option<String>,
    ) -> StoreFuture<'_, Vec<CustomerAnswer>> {
        self.conn.run(move |conn| {
            let since = crate::clock::format_unix_millis(since);
            let mut stmt = conn.prepare_cached(
                "SELECT customer, survey, answers FROM responses
                 WHERE site = ?1 AND customer IS NOT NULL AND received_at >= ?2
                   AND (?3 IS NULL OR customer = ?3)",
            )?;
            let rows = stmt
                .query_map(params![site, since, customer], |r| {
                    Ok(CustomerAnswer {
                        customer: r.get(0)?,
                        survey: r.get(1)?,
                        answers_json: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn responders(&self, site: String, survey: String) -> StoreFuture<'_, (i64, Vec<String>)> {
        self.conn.run(move |conn| {
            let count: i64 = conn.query_row(
                &scores::sql::sqlite(sql::RESPONSES),
                params![site, survey],
                |r| r.get(0),
            )?;
            let mut stmt = conn.prepare_cached(&scores::sql::sqlite(sql::RESPONDERS))?;
            let customers = stmt
                .query_map(params![site, survey], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok((count, customers))
        })
    }
}
