//! PostgreSQL implementation of [`ImpressionStore`]: each statement on a pooled connection.

use deadpool_postgres::Pool;
use tokio_postgres::types::ToSql;

use crate::store::impressions::{day_of, sql, ImpressionStore, SurveyShown};
use crate::store::{StoreError, StoreFuture};

/// The impression counters of one PostgreSQL database.
pub struct PostgresImpressions {
    pool: Pool,
}

impl PostgresImpressions {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresImpressions { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }

    async fn execute(
        &self,
        statement: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(statement).await?;
        client.execute(&stmt, params).await?;
        Ok(())
    }
}

impl ImpressionStore for PostgresImpressions {
    fn record(&self, site: String, survey: String, at_ms: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.execute(sql::RECORD, &[&site, &survey, &day_of(at_ms)])
                .await
        })
    }

    fn shown(&self, site: String, from_day: i64, to_day: i64) -> StoreFuture<'_, Vec<SurveyShown>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client.prepare_cached(sql::SHOWN).await?;
            let rows = client.query(&stmt, &[&site, &from_day, &to_day]).await?;
            rows.iter()
                .map(|r| {
                    Ok(SurveyShown {
                        survey: r.try_get(0)?,
                        shown: r.try_get(1)?,
                        first_day: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    fn set(&self, site: String, survey: String, day: i64, shown: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.execute(sql::SET, &[&site, &survey, &day, &shown])
                .await
        })
    }
}
