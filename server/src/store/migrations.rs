//! Schema migrations, applied in order at start-up. The schema version lives in SQLite's
//! `PRAGMA user_version`; migration `i` (0-based) moves the schema to version `i + 1`.
//! Append new migrations; never edit a released one.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: responses table. Text columns hold client data verbatim.
    "CREATE TABLE responses (
        id          TEXT PRIMARY KEY NOT NULL,
        site        TEXT NOT NULL,
        survey      TEXT NOT NULL,
        answers     TEXT NOT NULL,
        locale      TEXT,
        url         TEXT,
        user_id     TEXT,
        traits      TEXT,
        created_at  TEXT,
        received_at TEXT NOT NULL
    );
    CREATE INDEX responses_site_survey ON responses (site, survey, received_at);",
];

/// Newest schema version this build knows.
pub fn latest() -> usize {
    MIGRATIONS.len()
}

/// Brings `conn` to the latest schema version; each step runs in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<usize, StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current < 0 || current as usize > latest() {
        return Err(StoreError::TooNew {
            found: current,
            known: latest(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index + 1;
        let step = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version as i64)?;
            tx.commit()
        };
        step(conn).map_err(|source| StoreError::Migration { version, source })?;
    }
    Ok(latest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_fresh_and_is_idempotent() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        assert_eq!(migrate(&mut conn)?, latest());
        assert_eq!(migrate(&mut conn)?, latest());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(version as usize, latest());
        let n: i64 = conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?;
        assert_eq!(n, 0);
        Ok(())
    }

    #[test]
    fn refuses_newer_schema() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "user_version", 99)?;
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::TooNew { found: 99, .. })
        ));
        Ok(())
    }
}
