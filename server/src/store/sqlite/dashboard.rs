//! SQLite implementation of [`DashboardStore`]: one connection of its own, used on the
//! blocking pool (a dashboard read is long and rare; it does not take a response reader).

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection};

use crate::store::console::sql::sqlite;
use crate::store::dashboard::{sql, DashboardStore, LedgerDay, OrderRow, ReferralRow};
use crate::store::{StoreError, StoreFuture};

/// The dashboard's reads of one SQLite file.
pub struct SqliteDashboard {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteDashboard {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        super::configure(&conn).map_err(open_err)?;
        Ok(SqliteDashboard {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn run<T, F>(&self, f: F) -> StoreFuture<'_, T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let guard = conn
                    .lock()
                    .map_err(|_| StoreError::Task("dashboard connection poisoned".into()))?;
                f(&guard)
            })
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
        })
    }
}

impl DashboardStore for SqliteDashboard {
    fn orders(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&sqlite(sql::ORDERS))?;
            let rows = stmt.query_map(params![site], |r| {
                Ok(OrderRow {
                    customer: r.get(0)?,
                    at: r.get(1)?,
                    total: r.get(2)?,
                    currency: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn ledger_days(&self, site: String) -> StoreFuture<'_, Vec<LedgerDay>> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&sqlite(sql::LEDGER_DAYS))?;
            let rows = stmt.query_map(params![site], |r| {
                Ok(LedgerDay {
                    day: r.get(0)?,
                    kind: r.get(1)?,
                    points: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn referrals(&self, site: String) -> StoreFuture<'_, Vec<ReferralRow>> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&sqlite(sql::REFERRALS))?;
            let rows = stmt.query_map(params![site], |r| {
                Ok(ReferralRow {
                    at: r.get(0)?,
                    status: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
