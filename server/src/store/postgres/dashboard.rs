//! PostgreSQL implementation of [`DashboardStore`]: each read on a pooled connection.

use deadpool_postgres::Pool;

use crate::store::dashboard::{sql, DashboardStore, LedgerDay, OrderRow, ReferralRow};
use crate::store::{StoreError, StoreFuture};

/// The dashboard's reads of one PostgreSQL database.
pub struct PostgresDashboard {
    pool: Pool,
}

impl PostgresDashboard {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresDashboard { pool }
    }

    async fn query(
        &self,
        statement: &str,
        site: &str,
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        let client = self
            .pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let stmt = client.prepare_cached(statement).await?;
        Ok(client.query(&stmt, &[&site]).await?)
    }
}

impl DashboardStore for PostgresDashboard {
    fn orders(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>> {
        Box::pin(async move {
            let rows = self.query(sql::ORDERS, &site).await?;
            rows.iter()
                .map(|r| {
                    Ok(OrderRow {
                        customer: r.try_get(0)?,
                        at: r.try_get(1)?,
                        total: r.try_get(2)?,
                        currency: r.try_get(3)?,
                    })
                })
                .collect()
        })
    }

    fn ledger_days(&self, site: String) -> StoreFuture<'_, Vec<LedgerDay>> {
        Box::pin(async move {
            let rows = self.query(sql::LEDGER_DAYS, &site).await?;
            rows.iter()
                .map(|r| {
                    Ok(LedgerDay {
                        day: r.try_get(0)?,
                        kind: r.try_get(1)?,
                        points: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    fn referrals(&self, site: String) -> StoreFuture<'_, Vec<ReferralRow>> {
        Box::pin(async move {
            let rows = self.query(sql::REFERRALS, &site).await?;
            rows.iter()
                .map(|r| {
                    Ok(ReferralRow {
                        at: r.try_get(0)?,
                        status: r.try_get(1)?,
                    })
                })
                .collect()
        })
    }
}
