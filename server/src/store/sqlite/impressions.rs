//! SQLite implementation of [`ImpressionStore`]: one connection of its own, used on the
//! blocking pool.

use std::path::Path;

use rusqlite::params;

use super::area::AreaConnection;
use crate::store::console::sql::sqlite;
use crate::store::impressions::{day_of, sql, ImpressionStore, SurveyShown};
use crate::store::{StoreError, StoreFuture};

/// The impression counters of one SQLite file.
pub struct SqliteImpressions {
    conn: AreaConnection,
}

impl SqliteImpressions {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteImpressions {
            conn: AreaConnection::open(path, "impressions")?,
        })
    }
}

impl ImpressionStore for SqliteImpressions {
    fn record(&self, site: String, survey: String, at_ms: i64) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.prepare_cached(&sqlite(sql::RECORD))?.execute(params![
                site,
                survey,
                day_of(at_ms)
            ])?;
            Ok(())
        })
    }

    fn shown(&self, site: String, from_day: i64, to_day: i64) -> StoreFuture<'_, Vec<SurveyShown>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(&sqlite(sql::SHOWN))?;
            let rows = stmt.query_map(params![site, from_day, to_day], |r| {
                Ok(SurveyShown {
                    survey: r.get(0)?,
                    shown: r.get(1)?,
                    first_day: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn set(&self, site: String, survey: String, day: i64, shown: i64) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.prepare_cached(&sqlite(sql::SET))?
                .execute(params![site, survey, day, shown])?;
            Ok(())
        })
    }
}
