//! SQLite implementation of [`ConsoleStore`]: one read-write connection of its own, used on
//! the blocking pool; the setup redemption is one `BEGIN IMMEDIATE` transaction.

use std::path::Path;

use rusqlite::{params, Connection, TransactionBehavior};

use super::area::AreaConnection;
use crate::store::console::{
    role_of, sql, AuditEntry, ConsoleStore, Credentials, NewSession, NewUser, SessionRow,
    SetupOutcome, User, UserInsert,
};
use crate::store::{StoreError, StoreFuture};

/// The console tables of one SQLite file.
pub struct SqliteConsole {
    conn: AreaConnection,
}

impl SqliteConsole {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteConsole {
            conn: AreaConnection::open(path, "console")?,
        })
    }
}

/// The user in columns 0..5 of `row` ([`sql::USER_COLUMNS`] order).
fn user(row: &rusqlite::Row<'_>) -> Result<User, StoreError> {
    let id: String = row.get(0)?;
    let role: String = row.get(2)?;
    let disabled_at: Option<i64> = row.get(4)?;
    Ok(User {
        role: role_of(&id, &role)?,
        email: row.get(1)?,
        created_at: row.get(3)?,
        disabled: disabled_at.is_some(),
        id,
    })
}

fn user_by_id(conn: &Connection, id: &str) -> Result<Option<User>, StoreError> {
    let mut stmt = conn.prepare_cached(&sql::sqlite(sql::USER_BY_ID))?;
    let mut rows = stmt.query(params![id])?;
    match rows.next()? {
        Some(row) => Ok(Some(user(row)?)),
        None => Ok(None),
    }
}

fn insert(conn: &Connection, u: &NewUser) -> Result<bool, StoreError> {
    let n = conn.execute(
        &sql::sqlite(sql::INSERT_USER),
        params![
            u.id,
            u.email,
            u.role.as_str(),
            u.password_hash,
            u.created_at
        ],
    )?;
    Ok(n == 1)
}

fn created(u: &NewUser) -> User {
    User {
        id: u.id.clone(),
        email: u.email.clone(),
        role: u.role,
        created_at: u.created_at,
        disabled: false,
    }
}

impl ConsoleStore for SqliteConsole {
    fn user_count(&self) -> StoreFuture<'_, u64> {
        self.conn.run(|conn| {
            let n: i64 = conn.query_row(sql::USER_COUNT, [], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        })
    }

    fn add_setup_token(
        &self,
        digest: String,
        created_at: i64,
        expires_at: i64,
    ) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(
                &sql::sqlite(sql::ADD_SETUP),
                params![digest, created_at, expires_at],
            )?;
            Ok(())
        })
    }

    fn setup_token_live(&self, digest: String, now: i64) -> StoreFuture<'_, bool> {
        self.conn.run(move |conn| {
            let n: i64 =
                conn.query_row(&sql::sqlite(sql::SETUP_LIVE), params![digest, now], |r| {
                    r.get(0)
                })?;
            Ok(n > 0)
        })
    }

    fn redeem_setup(
        &self,
        digest: String,
        now: i64,
        owner: NewUser,
    ) -> StoreFuture<'_, SetupOutcome> {
        self.conn.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if tx.execute(&sql::sqlite(sql::USE_SETUP), params![digest, now])? != 1 {
                return Ok(SetupOutcome::InvalidToken);
            }
            if !insert(&tx, &owner)? {
                // Dropping the transaction rolls the token's use back.
                return Ok(SetupOutcome::EmailTaken);
            }
            tx.commit()?;
            Ok(SetupOutcome::Created(created(&owner)))
        })
    }

    fn insert_user(&self, u: NewUser) -> StoreFuture<'_, UserInsert> {
        self.conn.run(move |conn| {
            Ok(match insert(conn, &u)? {
                true => UserInsert::Created(created(&u)),
                false => UserInsert::EmailTaken,
            })
        })
    }

    fn credentials(&self, email: String) -> StoreFuture<'_, Option<Credentials>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(&sql::sqlite(sql::CREDENTIALS))?;
            let mut rows = stmt.query(params![email])?;
            match rows.next()? {
                Some(row) => Ok(Some(Credentials {
                    user: user(row)?,
                    password_hash: row.get(5)?,
                })),
                None => Ok(None),
            }
        })
    }

    fn set_disabled(&self, id: String, disabled: bool, now: i64) -> StoreFuture<'_, Option<User>> {
        self.conn.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = disabled.then_some(now);
            tx.execute(&sql::sqlite(sql::SET_DISABLED), params![id, at])?;
            if disabled {
                tx.execute(&sql::sqlite(sql::END_SESSIONS_OF), params![id])?;
            }
            let after = user_by_id(&tx, &id)?;
            tx.commit()?;
            Ok(after)
        })
    }

    fn list_users(&self) -> StoreFuture<'_, Vec<User>> {
        self.conn.run(|conn| {
            let mut stmt = conn.prepare_cached(sql::LIST_USERS)?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(user(row)?);
            }
            Ok(out)
        })
    }

    fn insert_session(&self, s: NewSession) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(
                &sql::sqlite(sql::INSERT_SESSION),
                params![
                    s.id_digest,
                    s.user_id,
                    s.csrf_token,
                    s.created_at,
                    s.expires_at,
                    s.client
                ],
            )?;
            Ok(())
        })
    }

    fn session(&self, digest: String) -> StoreFuture<'_, Option<SessionRow>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(&sql::sqlite(sql::SESSION))?;
            let mut rows = stmt.query(params![digest])?;
            let Some(row) = rows.next()? else {
                return Ok(None);
            };
            Ok(Some(SessionRow {
                user: user(row)?,
                id_digest: row.get(5)?,
                csrf_token: row.get(6)?,
                created_at: row.get(7)?,
                last_seen_at: row.get(8)?,
                expires_at: row.get(9)?,
            }))
        })
    }

    fn touch_session(&self, digest: String, now: i64) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(&sql::sqlite(sql::TOUCH_SESSION), params![digest, now])?;
            Ok(())
        })
    }

    fn delete_session(&self, digest: String) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(&sql::sqlite(sql::DELETE_SESSION), params![digest])?;
            Ok(())
        })
    }

    fn append_audit(&self, e: AuditEntry) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(
                &sql::sqlite(sql::APPEND_AUDIT),
                params![e.at, e.actor, e.action, e.target, e.client],
            )?;
            Ok(())
        })
    }

    fn audit_page(&self, before: Option<i64>, limit: i64) -> StoreFuture<'_, Vec<AuditEntry>> {
        self.conn.run(move |conn| {
            let mut stmt;
            let mut rows = match before {
                Some(before) => {
                    stmt = conn.prepare_cached(&sql::sqlite(sql::AUDIT_AFTER))?;
                    stmt.query(params![before, limit])?
                }
                None => {
                    stmt = conn.prepare_cached(&sql::sqlite(sql::AUDIT_FIRST))?;
                    stmt.query(params![limit])?
                }
            };
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(AuditEntry {
                    seq: row.get(0)?,
                    at: row.get(1)?,
                    actor: row.get(2)?,
                    action: row.get(3)?,
                    target: row.get(4)?,
                    client: row.get(5)?,
                });
            }
            Ok(out)
        })
    }
}
