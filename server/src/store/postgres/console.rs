//! PostgreSQL implementation of [`ConsoleStore`]: every operation on a pooled connection;
//! the setup redemption and disabling a user are one transaction each.

use deadpool_postgres::Pool;
use tokio_postgres::Row;

use crate::store::console::{
    role_of, sql, AuditEntry, ConsoleStore, Credentials, NewSession, NewUser, SessionRow,
    SetupOutcome, User, UserInsert,
};
use crate::store::{StoreError, StoreFuture};

/// The console tables of one PostgreSQL database.
pub struct PostgresConsole {
    pool: Pool,
}

impl PostgresConsole {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresConsole { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

/// The user in columns 0..5 of `row` ([`sql::USER_COLUMNS`] order).
fn user(row: &Row) -> Result<User, StoreError> {
    let id: String = row.try_get(0)?;
    let role: String = row.try_get(2)?;
    let disabled_at: Option<i64> = row.try_get(4)?;
    Ok(User {
        role: role_of(&id, &role)?,
        email: row.try_get(1)?,
        created_at: row.try_get(3)?,
        disabled: disabled_at.is_some(),
        id,
    })
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

impl ConsoleStore for PostgresConsole {
    fn user_count(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let n: i64 = self
                .client()
                .await?
                .query_one(sql::USER_COUNT, &[])
                .await?
                .try_get(0)?;
            Ok(n.max(0) as u64)
        })
    }

    fn add_setup_token(
        &self,
        digest: String,
        created_at: i64,
        expires_at: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client()
                .await?
                .execute(sql::ADD_SETUP, &[&digest, &created_at, &expires_at])
                .await?;
            Ok(())
        })
    }

    fn setup_token_live(&self, digest: String, now: i64) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let n: i64 = self
                .client()
                .await?
                .query_one(sql::SETUP_LIVE, &[&digest, &now])
                .await?
                .try_get(0)?;
            Ok(n > 0)
        })
    }

    fn redeem_setup(
        &self,
        digest: String,
        now: i64,
        owner: NewUser,
    ) -> StoreFuture<'_, SetupOutcome> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            if tx.execute(sql::USE_SETUP, &[&digest, &now]).await? != 1 {
                return Ok(SetupOutcome::InvalidToken);
            }
            let n = tx
                .execute(
                    sql::INSERT_USER,
                    &[
                        &owner.id,
                        &owner.email,
                        &owner.role.as_str(),
                        &owner.password_hash,
                        &owner.created_at,
                    ],
                )
                .await?;
            if n != 1 {
                // Dropping the transaction rolls the token's use back.
                return Ok(SetupOutcome::EmailTaken);
            }
            tx.commit().await?;
            Ok(SetupOutcome::Created(created(&owner)))
        })
    }

    fn insert_user(&self, u: NewUser) -> StoreFuture<'_, UserInsert> {
        Box::pin(async move {
            let n = self
                .client()
                .await?
                .execute(
                    sql::INSERT_USER,
                    &[
                        &u.id,
                        &u.email,
                        &u.role.as_str(),
                        &u.password_hash,
                        &u.created_at,
                    ],
                )
                .await?;
            Ok(match n {
                1 => UserInsert::Created(created(&u)),
                _ => UserInsert::EmailTaken,
            })
        })
    }

    fn credentials(&self, email: String) -> StoreFuture<'_, Option<Credentials>> {
        Box::pin(async move {
            let row = self
                .client()
                .await?
                .query_opt(sql::CREDENTIALS, &[&email])
                .await?;
            match row {
                Some(row) => Ok(Some(Credentials {
                    user: user(&row)?,
                    password_hash: row.try_get(5)?,
                })),
                None => Ok(None),
            }
        })
    }

    fn set_disabled(&self, id: String, disabled: bool, now: i64) -> StoreFuture<'_, Option<User>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let at = disabled.then_some(now);
            tx.execute(sql::SET_DISABLED, &[&id, &at]).await?;
            if disabled {
                tx.execute(sql::END_SESSIONS_OF, &[&id]).await?;
            }
            let after = match tx.query_opt(sql::USER_BY_ID, &[&id]).await? {
                Some(row) => Some(user(&row)?),
                None => None,
            };
            tx.commit().await?;
            Ok(after)
        })
    }

    fn list_users(&self) -> StoreFuture<'_, Vec<User>> {
        Box::pin(async move {
            let rows = self.client().await?.query(sql::LIST_USERS, &[]).await?;
            rows.iter().map(user).collect()
        })
    }

    fn insert_session(&self, s: NewSession) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client()
                .await?
                .execute(
                    sql::INSERT_SESSION,
                    &[
                        &s.id_digest,
                        &s.user_id,
                        &s.csrf_token,
                        &s.created_at,
                        &s.expires_at,
                        &s.client,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn session(&self, digest: String) -> StoreFuture<'_, Option<SessionRow>> {
        Box::pin(async move {
            let Some(row) = self
                .client()
                .await?
                .query_opt(sql::SESSION, &[&digest])
                .await?
            else {
                return Ok(None);
            };
            Ok(Some(SessionRow {
                user: user(&row)?,
                id_digest: row.try_get(5)?,
                csrf_token: row.try_get(6)?,
                created_at: row.try_get(7)?,
                last_seen_at: row.try_get(8)?,
                expires_at: row.try_get(9)?,
            }))
        })
    }

    fn touch_session(&self, digest: String, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client()
                .await?
                .execute(sql::TOUCH_SESSION, &[&digest, &now])
                .await?;
            Ok(())
        })
    }

    fn delete_session(&self, digest: String) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client()
                .await?
                .execute(sql::DELETE_SESSION, &[&digest])
                .await?;
            Ok(())
        })
    }

    fn append_audit(&self, e: AuditEntry) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client()
                .await?
                .execute(
                    sql::APPEND_AUDIT,
                    &[&e.at, &e.actor, &e.action, &e.target, &e.client],
                )
                .await?;
            Ok(())
        })
    }

    fn audit_page(&self, before: Option<i64>, limit: i64) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = match before {
                Some(before) => client.query(sql::AUDIT_AFTER, &[&before, &limit]).await?,
                None => client.query(sql::AUDIT_FIRST, &[&limit]).await?,
            };
            rows.iter()
                .map(|row| {
                    Ok(AuditEntry {
                        seq: row.try_get(0)?,
                        at: row.try_get(1)?,
                        actor: row.try_get(2)?,
                        action: row.try_get(3)?,
                        target: row.try_get(4)?,
                        client: row.try_get(5)?,
                    })
                })
                .collect()
        })
    }
}
