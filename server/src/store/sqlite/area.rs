//! The read-write connection each SQLite area store (loyalty, console, scores, follow-ups,
//! webhooks, dashboard, score jobs) keeps beside the response writer's: opened on the
//! already migrated file, configured like every connection, and used on the blocking pool,
//! one operation at a time.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::store::{StoreError, StoreFuture};

/// One area's connection; `area` names it in errors.
pub struct AreaConnection {
    conn: Arc<Mutex<Connection>>,
    area: &'static str,
}

impl AreaConnection {
    /// Opens and configures a connection to the (already migrated) file at `path`.
    pub fn open(path: &Path, area: &'static str) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        super::configure(&conn).map_err(open_err)?;
        Ok(AreaConnection {
            conn: Arc::new(Mutex::new(conn)),
            area,
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    pub fn run<T, F>(&self, f: F) -> StoreFuture<'_, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (conn, area) = (Arc::clone(&self.conn), self.area);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut guard = conn
                    .lock()
                    .map_err(|_| StoreError::Task(format!("{area} connection poisoned")))?;
                f(&mut guard)
            })
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
        })
    }
}
