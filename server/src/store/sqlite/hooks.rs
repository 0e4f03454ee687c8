//! SQLite implementation of [`HooksStore`]: one read-write connection of its own, used on
//! the blocking pool; a claim is one `BEGIN IMMEDIATE` transaction (the write lock keeps
//! other workers and processes out).

use std::path::Path;

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::area::AreaConnection;
use crate::store::hooks::{
    join_events, log_line, split_events, sql, AlertSettings, Attempt, DeliveryItem, DeliveryLog,
    Endpoint, HooksStore,
};
use crate::store::{StoreError, StoreFuture};

/// The hooks tables of one SQLite file.
pub struct SqliteHooks {
    conn: AreaConnection,
}

impl SqliteHooks {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteHooks {
            conn: AreaConnection::open(path, "hooks")?,
        })
    }
}

fn endpoint(r: &rusqlite::Row<'_>) -> rusqlite::Result<Endpoint> {
    let events: String = r.get(3)?;
    Ok(Endpoint {
        id: r.get(0)?,
        site: r.get(1)?,
        url: r.get(2)?,
        events: split_events(&events),
        enabled: r.get(4)?,
        secret: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

fn alerts(r: &rusqlite::Row<'_>) -> rusqlite::Result<AlertSettings> {
    let hour: i64 = r.get(4)?;
    Ok(AlertSettings {
        site: r.get(0)?,
        slack_url: r.get(1)?,
        instant_detractor: r.get(2)?,
        digest_enabled: r.get(3)?,
        digest_hour: hour.clamp(0, 23) as u8,
        last_digest_day: r.get(5)?,
    })
}

fn log(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeliveryLog> {
    Ok(log_line(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

impl HooksStore for SqliteHooks {
    fn insert_endpoint(&self, e: Endpoint) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(
                &sql::sqlite(sql::INSERT_ENDPOINT),
                params![
                    e.id,
                    e.site,
                    e.url,
                    join_events(&e.events),
                    e.enabled,
                    e.secret,
                    e.created_at,
                    e.updated_at
                ],
            )?;
            Ok(())
        })
    }

    fn endpoints(&self, site: Option<String>) -> StoreFuture<'_, Vec<Endpoint>> {
        self.conn.run(move |conn| {
            let rows = match site {
                Some(site) => {
                    let mut stmt = conn.prepare_cached(&sql::sqlite(sql::SITE_ENDPOINTS))?;
                    let rows = stmt.query_map(params![site], endpoint)?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()?
                }
                None => {
                    let mut stmt = conn.prepare_cached(sql::ALL_ENDPOINTS)?;
                    let rows = stmt.query_map([], endpoint)?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()?
                }
            };
            Ok(rows)
        })
    }

    fn endpoint(&self, id: String) -> StoreFuture<'_, Option<Endpoint>> {
        self.conn.run(move |conn| {
            Ok(conn
                .query_row(&sql::sqlite(sql::ENDPOINT), params![id], endpoint)
                .optional()?)
        })
    }

    fn update_endpoint(&self, e: Endpoint) -> StoreFuture<'_, bool> {
        self.conn.run(move |conn| {
            let n = conn.execute(
                &sql::sqlite(sql::UPDATE_ENDPOINT),
                params![
                    e.id,
                    e.url,
                    join_events(&e.events),
                    e.enabled,
                    e.secret,
                    e.updated_at
                ],
            )?;
            Ok(n == 1)
        })
    }

    fn delete_endpoint(&self, id: String) -> StoreFuture<'_, bool> {
        self.conn.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(&sql::sqlite(sql::DELETE_ENDPOINT), params![id])?;
            tx.execute(&sql::sqlite(sql::DELETE_PENDING), params![id])?;
            tx.commit()?;
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
        self.conn.run(move |conn| {
            let n = conn.execute(
                &sql::sqlite(sql::FAN_OUT),
                params![site, event_id, event_type, payload, now],
            )?;
            Ok(n as u64)
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
        self.conn.run(move |conn| {
            let n = conn.execute(
                &sql::sqlite(sql::ENQUEUE),
                params![target, site, event_id, event_type, payload, now],
            )?;
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
        self.conn.run(move |conn| {
            let (delivered, failed) = match a.error {
                None => (Some(a.at), None),
                Some(_) => (None, Some(a.at)),
            };
            conn.execute(
                &sql::sqlite(sql::RECORD_SENT),
                params![
                    target, site, event_id, event_type, payload, a.at, a.status, a.error,
                    delivered, failed
                ],
            )?;
            Ok(())
        })
    }

    fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<DeliveryItem>> {
        self.conn.run(move |conn| {
            // Most polls find nothing: look before taking the write lock.
            let due: Option<i64> = conn
                .query_row(
                    "SELECT seq FROM outbound_deliveries WHERE delivered_at IS NULL
                        AND failed_at IS NULL AND next_attempt_at <= ?1 LIMIT 1",
                    params![now],
                    |r| r.get(0),
                )
                .optional()?;
            if due.is_none() {
                return Ok(Vec::new());
            }
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let items = {
                let mut stmt = tx.prepare_cached(
                    "SELECT seq, target, site, event_id, payload, attempts FROM outbound_deliveries
                     WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, seq LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![now, limit.min(1000) as i64], |r| {
                    Ok(DeliveryItem {
                        seq: r.get(0)?,
                        target: r.get(1)?,
                        site: r.get(2)?,
                        event_id: r.get(3)?,
                        payload: r.get(4)?,
                        attempts: r.get(5)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            for item in &items {
                tx.execute(
                    "UPDATE outbound_deliveries SET next_attempt_at = ?2 WHERE seq = ?1",
                    params![item.seq, lease_until],
                )?;
            }
            tx.commit()?;
            Ok(items)
        })
    }

    fn delivery_attempted(&self, seq: i64, a: Attempt) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            match a.error {
                None => conn.execute(&sql::sqlite(sql::DELIVERED), params![seq, a.at, a.status])?,
                Some(e) => conn.execute(
                    &sql::sqlite(sql::FAILED),
                    params![seq, a.at, a.status, e, a.retry_at],
                )?,
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
        self.conn.run(move |conn| {
            let out = match before {
                Some(before) => {
                    let mut stmt = conn.prepare_cached(&sql::sqlite(&sql::log_before()))?;
                    let rows = stmt.query_map(params![target, before, limit], log)?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()?
                }
                None => {
                    let mut stmt = conn.prepare_cached(&sql::sqlite(&sql::log_first()))?;
                    let rows = stmt.query_map(params![target, limit], log)?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()?
                }
            };
            Ok(out)
        })
    }

    fn alerts(&self, site: String) -> StoreFuture<'_, Option<AlertSettings>> {
        self.conn.run(move |conn| {
            Ok(conn
                .query_row(&sql::sqlite(sql::ALERTS), params![site], alerts)
                .optional()?)
        })
    }

    fn all_alerts(&self) -> StoreFuture<'_, Vec<AlertSettings>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(sql::ALL_ALERTS)?;
            let rows = stmt.query_map([], alerts)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn save_alerts(&self, s: AlertSettings, now: i64) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(
                &sql::sqlite(sql::SAVE_ALERTS),
                params![
                    s.site,
                    s.slack_url,
                    s.instant_detractor,
                    s.digest_enabled,
                    s.digest_hour as i64,
                    now
                ],
            )?;
            Ok(())
        })
    }

    fn claim_digest(&self, site: String, day: String) -> StoreFuture<'_, bool> {
        self.conn.run(move |conn| {
            let n = conn.execute(&sql::sqlite(sql::CLAIM_DIGEST), params![site, day])?;
            Ok(n == 1)
        })
    }
}
