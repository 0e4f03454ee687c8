//! PostgreSQL implementation of [`ScoreJobStore`]: every operation on a pooled connection.

use deadpool_postgres::Pool;

use crate::loyalty::tiers::contributions_sql;
use crate::store::score_jobs::{
    sql, CustomerAnswer, JobState, OrderRow, OrdersMark, ScoreJobStore,
};
use crate::store::scores::{self, CustomerScore};
use crate::store::{StoreError, StoreFuture};

/// The scores job's tables of one PostgreSQL database.
pub struct PostgresScoreJobs {
    pool: Pool,
}

impl PostgresScoreJobs {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresScoreJobs { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

impl ScoreJobStore for PostgresScoreJobs {
    fn order_rows(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    &contributions_sql(
                        "o.customer, o.currency, ",
                        "o.site = $1 AND o.customer IS NOT NULL",
                        "o.customer, ",
                    ),
                    &[&site],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(OrderRow {
                        customer: r.try_get(0)?,
                        currency: r.try_get(1)?,
                        at: r.try_get(2)?,
                        points: r.try_get(3)?,
                        spend: r.try_get(4)?,
                    })
                })
                .collect()
        })
    }

    fn orders_mark(&self, site: String) -> StoreFuture<'_, OrdersMark> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client.query_one(sql::ORDERS_MARK, &[&site]).await?;
            Ok(OrdersMark {
                count: row.try_get(0)?,
                updated: row.try_get(1)?,
            })
        })
    }

    fn claim(&self, site: String, holder: String, now: i64, until: i64) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let changed = client
                .execute(sql::CLAIM, &[&site, &holder, &now, &until])
                .await?;
            Ok(changed == 1)
        })
    }

    fn release(
        &self,
        site: String,
        holder: String,
        seen: Option<OrdersMark>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            match seen {
                Some(m) => {
                    client
                        .execute(sql::FINISH, &[&site, &holder, &m.count, &m.updated])
                        .await?
                }
                None => client.execute(sql::RELEASE, &[&site, &holder]).await?,
            };
            Ok(())
        })
    }

    fn job_state(&self, site: String) -> StoreFuture<'_, Option<JobState>> {
        Box::pin(async move {
            let client = self.client().await?;
            let Some(r) = client.query_opt(sql::STATE, &[&site]).await? else {
                return Ok(None);
            };
            let count: Option<i64> = r.try_get(2)?;
            let updated: Option<i64> = r.try_get(3)?;
            Ok(Some(JobState {
                holder: r.try_get(0)?,
                lease_until: r.try_get(1)?,
                seen: count
                    .zip(updated)
                    .map(|(count, updated)| OrdersMark { count, updated }),
            }))
        })
    }

    fn all_scores(&self, site: String) -> StoreFuture<'_, Vec<CustomerScore>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {} FROM customer_scores WHERE site = $1 ORDER BY customer",
                        scores::sql::COLUMNS
                    ),
                    &[&site],
                )
                .await?;
            rows.iter().map(super::scores::score).collect()
        })
    }

    fn answers_since(
        &self,
        site: String,
        since: i64,
        customer: Option<String>,
    ) -> StoreFuture<'_, Vec<CustomerAnswer>> {
        Box::pin(async move {
            let client = self.client().await?;
            let since = since as f64 / 1000.0;
            let rows = client
                .query(
                    "SELECT customer, survey, answers FROM responses
                     WHERE site = $1 AND customer IS NOT NULL AND received_at >= to_timestamp($2)
                       AND ($3::text IS NULL OR customer = $3)",
                    &[&site, &since, &customer],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(CustomerAnswer {
                        customer: r.try_get(0)?,
                        survey: r.try_get(1)?,
                        answers_json: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    fn responders(&self, site: String, survey: String) -> StoreFuture<'_, (i64, Vec<String>)> {
        Box::pin(async move {
            let client = self.client().await?;
            let count: i64 = client
                .query_one(sql::RESPONSES, &[&site, &survey])
                .await?
                .try_get(0)?;
            let customers = client
                .query(sql::RESPONDERS, &[&site, &survey])
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<Vec<String>, _>>()?;
            Ok((count, customers))
        })
    }
}
