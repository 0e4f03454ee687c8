//! PostgreSQL implementation of [`ScoreStore`]: every operation on a pooled connection; a
//! run's replacement is one transaction, its rows inserted in batches of `unnest`ed arrays.

use deadpool_postgres::Pool;
use rapport_metrics::risk::Estimate;
use tokio_postgres::Row;

use crate::store::scores::{sql, CustomerScore, ScoreRun, ScoreStore};
use crate::store::{StoreError, StoreFuture};

/// Rows per insert statement.
const INSERT_BATCH: usize = 2_000;

/// The score tables of one PostgreSQL database.
pub struct PostgresScores {
    pool: Pool,
}

impl PostgresScores {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresScores { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

/// The score in columns 0..15 of `row` ([`sql::COLUMNS`] order).
pub(super) fn score(row: &Row) -> Result<CustomerScore, StoreError> {
    let estimate = |i: usize| -> Result<Estimate, StoreError> {
        Ok(Estimate {
            value: row.try_get(i)?,
            low: row.try_get(i + 1)?,
            high: row.try_get(i + 2)?,
        })
    };
    Ok(CustomerScore {
        customer: row.try_get(0)?,
        orders: row.try_get(1)?,
        spend: row.try_get(2)?,
        currency: row.try_get(3)?,
        last_order_at: row.try_get(4)?,
        p_alive: estimate(5)?,
        annual_value: estimate(8)?,
        rfm_segment: row.try_get(11)?,
        clv_band: row.try_get(12)?,
        at_risk: row.try_get(13)?,
        tier: row.try_get(14)?,
    })
}

const INSERT: &str = "INSERT INTO customer_scores (site, customer, orders, spend, currency, \
    last_order_at, p_alive, p_alive_low, p_alive_high, annual_value, annual_value_low, \
    annual_value_high, rfm_segment, clv_band, at_risk, tier) \
    SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], \
    $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], \
    $13::text[], $14::text[], $15::bool[], $16::text[])";

impl ScoreStore for PostgresScores {
    fn replace_scores(
        &self,
        site: String,
        run: ScoreRun,
        scores: Vec<CustomerScore>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            tx.execute(sql::DELETE_SITE, &[&site]).await?;
            let insert = tx.prepare(INSERT).await?;
            for batch in scores.chunks(INSERT_BATCH) {
                let col = |f: fn(&CustomerScore) -> f64| batch.iter().map(f).collect::<Vec<f64>>();
                let customers: Vec<&str> = batch.iter().map(|s| s.customer.as_str()).collect();
                let orders: Vec<i64> = batch.iter().map(|s| s.orders).collect();
                let spend: Vec<i64> = batch.iter().map(|s| s.spend).collect();
                let currency: Vec<&str> = batch.iter().map(|s| s.currency.as_str()).collect();
                let last: Vec<Option<i64>> = batch.iter().map(|s| s.last_order_at).collect();
                let segment: Vec<&str> = batch.iter().map(|s| s.rfm_segment.as_str()).collect();
                let band: Vec<&str> = batch.iter().map(|s| s.clv_band.as_str()).collect();
                let at_risk: Vec<bool> = batch.iter().map(|s| s.at_risk).collect();
                let tier: Vec<Option<&str>> = batch.iter().map(|s| s.tier.as_deref()).collect();
                tx.execute(
                    &insert,
                    &[
                        &site,
                        &customers,
                        &orders,
                        &spend,
                        &currency,
                        &last,
                        &col(|s| s.p_alive.value),
                        &col(|s| s.p_alive.low),
                        &col(|s| s.p_alive.high),
                        &col(|s| s.annual_value.value),
                        &col(|s| s.annual_value.low),
                        &col(|s| s.annual_value.high),
                        &segment,
                        &band,
                        &at_risk,
                        &tier,
                    ],
                )
                .await?;
            }
            tx.execute(
                sql::UPSERT_RUN,
                &[&site, &run.computed_at, &run.customers, &run.summary_json],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn scores_of(
        &self,
        site: String,
        customers: Vec<String>,
    ) -> StoreFuture<'_, Vec<CustomerScore>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {} FROM customer_scores WHERE site = $1 AND customer = ANY($2)",
                        sql::COLUMNS
                    ),
                    &[&site, &customers],
                )
                .await?;
            rows.iter().map(score).collect()
        })
    }

    fn last_run(&self, site: String) -> StoreFuture<'_, Option<ScoreRun>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client.query_opt(sql::LAST_RUN, &[&site]).await?;
            row.map(|row| {
                Ok(ScoreRun {
                    computed_at: row.try_get(0)?,
                    customers: row.try_get(1)?,
                    summary_json: row.try_get(2)?,
                })
            })
            .transpose()
        })
    }
}
