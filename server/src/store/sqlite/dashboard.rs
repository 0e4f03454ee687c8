//! SQLite implementation of [`DashboardStore`]: one connection of its own, used on the
//! blocking pool (a dashboard read is long and rare; it does not take a response reader).

use std::path::Path;

use rusqlite::params;

use super::area::AreaConnection;
use crate::store::console::sql::sqlite;
use crate::store::dashboard::{sql, DashboardStore, LedgerDay, OrderRow, ReferralRow};
use crate::store::{StoreError, StoreFuture};

/// The dashboard's reads of one SQLite file.
pub struct SqliteDashboard {
    conn: AreaConnection,
}

impl SqliteDashboard {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteDashboard {
            conn: AreaConnection::open(path, "dashboard")?,
        })
    }
}

impl DashboardStore for SqliteDashboard {
    fn orders(&self, site: String) -> StoreFuture<'_, Vec<OrderRow>> {
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
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
