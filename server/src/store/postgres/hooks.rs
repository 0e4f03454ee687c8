//! PostgreSQL implementation of [`HooksStore`]: every operation on a pooled connection;
//! a claim is one `UPDATE … WHERE seq IN (SELECT … FOR UPDATE SKIP LOCKED)`, so instances
//! claiming at once take disjoint deliveries.

use deadpool_postgres::Pool;
use tokio_postgres::Row;

use crate::store::hooks::{
    join_events, log_line, split_events, sql, AlertSettings, Attempt, DeliveryItem, DeliveryLog,
    Endpoint, HooksStore,
};
use crate::store::{StoreError, StoreFuture};

/// The hooks tables of one PostgreSQL database.
pub struct PostgresHooks {
    pool: Pool,
}

impl PostgresHooks {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresHooks { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

fn endpoint(r: &Row) -> Result<Endpoint, StoreError> {
    let events: String = r.try_get(3)?;
    Ok(Endpoint {
        id: r.try_get(0)?,
        site: r.try_get(1)?,
        url: r.try_get(2)?,
        events: split_events(&events),
        enabled: r.try_get(4)?,
        secret: r.try_get(5)?,
        created_at: r.try_get(6)?,
        updated_at: r.try_get(7)?,
    })
}

fn alerts(r: &Row) -> Result<AlertSettings, StoreError> {
    let hour: i32 = r.try_get(4)?;
    Ok(AlertSettings {
        site: r.try_get(0)?,
        slack_url: r.try_get(1)?,
        instant_detractor: r.try_get(2)?,
        digest_enabled: r.try_get(3)?,
        digest_hour: hour.clamp(0, 23) as u8,
        last_digest_day: r.try_get(5)?,
    })
}

fn log(r: &Row) -> Result<DeliveryLog, StoreError> {
    let attempts: i32 = r.try_get(3)?;
    let status: Option<i32> = r.try_get(4)?;
    Ok(log_line(
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        attempts.into(),
        status.map(i64::from),
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
        r.try_get(9)?,
        r.try_get(10)?,
    ))
}

fn status(a: &Attempt) -> Option<i32> {
    a.status.map(i32::from)
}

impl HooksStore for PostgresHooks {
    fn insert_endpoint(&self, e: Endpoint) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let events = join_events(&e.events);
            self.client()
                .await?
                .execute(
                    sql::INSERT_ENDPOINT,
                    &[
                        &e.id,
                        &e.site,
                        &e.url,
                        &events,
                        &e.enabled,
                        &e.secret,
                        &e.created_at,
                        &e.updated_at,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn endpoints(&self, site: Option<String>) -> StoreFuture<'_, Vec<Endpoint>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = match site {
                Some(site) => client.query(sql::SITE_ENDPOINTS, &[&site]).await?,
                None => client.query(sql::ALL_ENDPOINTS, &[]).await?,
            };
            rows.iter().map(endpoint).collect()
        })
    }

    fn endpoint(&self, id: String) -> StoreFuture<'_, Option<Endpoint>> {
        Box::pin(async move {
            let row = self
                .client()
                .await?
                .query_opt(sql::ENDPOINT, &[&id])
                .await?;
            row.as_ref().map(endpoint).transpose()
        })
    }

    fn update_endpoint(&self, e: Endpoint) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let events = join_events(&e.events);
            let n = self
                .client()
                .await?
                .execute(
                    sql::UPDATE_ENDPOINT,
                    &[&e.id, &e.url, &events, &e.enabled, &e.secret, &e.updated_at],
                )
                .await?;
            Ok(n == 1)
        })
    }

    fn delete_endpoint(&self, id: String) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let n = tx.execute(sql::DELETE_ENDPOINT, &[&id]).await?;
            tx.execute(sql::DELETE_PENDING, &[&id]).await?;
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    fn fan_out(
        &self,
        site: String,
        event_id: String,
        event_type: String,
        payload: String,
        now: i64,
    ) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            Ok(self
                .client()
                .await?
                .execute(
                    sql::FAN_OUT,
                    &[&site, &event_id, &event_type, &payload, &now],
                )
                .await?)
        })
    }

    fn enqueue(
        &self,
        target: String,
        site: String,
        event_id: String,
        event_type: String,
        payload: String,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let n = self
                .client()
                .await?
                .execute(
                    sql::ENQUEUE,
                    &[&target, &site, &event_id, &event_type, &payload, &now],
                )
                .await?;
            Ok(n == 1)
        })
    }

    fn record_sent(
        &self,
        target: String,
        site: String,
        event_id: String,
        event_type: String,
        payload: String,
        a: Attempt,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let (delivered, failed) = match a.error {
                None => (Some(a.at), None),
                Some(_) => (None, Some(a.at)),
            };
            self.client()
                .await?
                .execute(
                    sql::RECORD_SENT,
                    &[
                        &target,
                        &site,
                        &event_id,
                        &event_type,
                        &payload,
                        &a.at,
                        &status(&a),
                        &a.error,
                        &delivered,
                        &failed,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<DeliveryItem>> {
        Box::pin(async move {
            let limit = limit.min(1000) as i64;
            let rows = self
                .client()
                .await?
                .query(
                    "UPDATE outbound_deliveries SET next_attempt_at = $2
                     WHERE seq IN (
                        SELECT seq FROM outbound_deliveries
                        WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                        ORDER BY next_attempt_at, seq LIMIT $3
                        FOR UPDATE SKIP LOCKED)
                     RETURNING seq, target, site, event_id, payload, attempts",
                    &[&now, &lease_until, &limit],
                )
                .await?;
            let mut items = rows
                .iter()
                .map(|r| {
                    let attempts: i32 = r.try_get(5)?;
                    Ok(DeliveryItem {
                        seq: r.try_get(0)?,
                        target: r.try_get(1)?,
                        site: r.try_get(2)?,
                        event_id: r.try_get(3)?,
                        payload: r.try_get(4)?,
                        attempts: attempts.max(0) as u32,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            items.sort_by_key(|i| i.seq);
            Ok(items)
        })
    }

    fn delivery_attempted(&self, seq: i64, a: Attempt) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            let code = status(&a);
            match &a.error {
                None => {
                    client
                        .execute(sql::DELIVERED, &[&seq, &a.at, &code])
                        .await?
                }
                Some(e) => {
                    client
                        .execute(sql::FAILED, &[&seq, &a.at, &code, e, &a.retry_at])
                        .await?
                }
            };
            Ok(())
        })
    }

    fn deliveries(
        &self,
        target: String,
        before: Option<i64>,
        limit: i64,
    ) -> StoreFuture<'_, Vec<DeliveryLog>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = match before {
                Some(before) => {
                    client
                        .query(&sql::log_before(), &[&target, &before, &limit])
                        .await?
                }
                None => client.query(&sql::log_first(), &[&target, &limit]).await?,
            };
            rows.iter().map(log).collect()
        })
    }

    fn alerts(&self, site: String) -> StoreFuture<'_, Option<AlertSettings>> {
        Box::pin(async move {
            let row = self
                .client()
                .await?
                .query_opt(sql::ALERTS, &[&site])
                .await?;
            row.as_ref().map(alerts).transpose()
        })
    }

    fn all_alerts(&self) -> StoreFuture<'_, Vec<AlertSettings>> {
        Box::pin(async move {
            let rows = self.client().await?.query(sql::ALL_ALERTS, &[]).await?;
            rows.iter().map(alerts).collect()
        })
    }

    fn save_alerts(&self, s: AlertSettings, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let hour = i32::from(s.digest_hour);
            self.client()
                .await?
                .execute(
                    sql::SAVE_ALERTS,
                    &[
                        &s.site,
                        &s.slack_url,
                        &s.instant_detractor,
                        &s.digest_enabled,
                        &hour,
                        &now,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn claim_digest(&self, site: String, day: String) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let n = self
                .client()
                .await?
                .execute(sql::CLAIM_DIGEST, &[&site, &day])
                .await?;
            Ok(n == 1)
        })
    }
}
