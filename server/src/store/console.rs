//! Storage of the merchant console's users, setup tokens, sessions and audit log: the
//! [`ConsoleStore`] trait, implemented by both backends with the same SQL ([`sql`], written
//! with `$n` parameters; SQLite reads them as `?n`). A backend decides nothing: whether a
//! session is still valid, a password right or a caller allowed is decided in
//! [`crate::console`]; the store reads and writes rows.
//!
//! Secrets are never stored as given: setup tokens and session ids are kept as their
//! SHA-256 ([`crate::console::secret::digest`]), passwords as Argon2id PHC strings.
//! Times are milliseconds since the epoch.

use serde::Serialize;

use super::StoreFuture;

/// What a console user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including managing users and reading the audit log.
    Owner,
    /// Works the inbox; cannot manage users or read the audit log.
    Agent,
}

impl Role {
    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Agent => "agent",
        }
    }

    /// The role named `s`, if any.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// A console user as the API shows it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Random id.
    pub id: String,
    /// Sign-in e-mail, lower-cased.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Created, ms since the epoch.
    pub created_at: i64,
    /// Disabled users cannot sign in and their sessions are gone.
    pub disabled: bool,
}

/// A user with the password hash, for sign-in only.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Random id.
    pub id: String,
    /// Lower-cased e-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Now, ms.
    pub created_at: i64,
}

/// What [`ConsoleStore::redeem_setup`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupOutcome {
    /// The token was valid and is now used; this owner was created.
    Created(User),
    /// No unused, unexpired token with that digest; nothing changed.
    InvalidToken,
    /// A user with that e-mail exists; nothing changed (the token stays usable).
    EmailTaken,
}

/// What [`ConsoleStore::insert_user`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserInsert {
    /// Created.
    Created(User),
    /// A user with that e-mail exists; nothing changed.
    EmailTaken,
}

/// A session to store.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the session id (the id itself only ever lives in the cookie).
    pub id_digest: String,
    /// Its user.
    pub user_id: String,
    /// The synchronizer CSRF token of this session.
    pub csrf_token: String,
    /// Signed in, ms.
    pub created_at: i64,
    /// Absolute expiry, ms.
    pub expires_at: i64,
    /// The client address it was made from.
    pub client: String,
}

/// A stored session with its (enabled) user.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// SHA-256 of the session id.
    pub id_digest: String,
    /// Its user.
    pub user: User,
    /// The CSRF token.
    pub csrf_token: String,
    /// Signed in, ms.
    pub created_at: i64,
    /// Last request, ms.
    pub last_seen_at: i64,
    /// Absolute expiry, ms.
    pub expires_at: i64,
}

/// One audit log line: who did what, when, to what, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Position (newest is highest); the cursor of the audit pages.
    pub seq: i64,
    /// When, ms since the epoch.
    pub at: i64,
    /// The acting user's e-mail (for a failed sign-in: the e-mail tried), if any.
    pub actor: Option<String>,
    /// `sign_in`, `sign_in_failed`, `sign_out`, `setup`, `user_created`, `user_disabled`,
    /// `user_enabled`.
    pub action: String,
    /// What it acted on (a user's e-mail), if anything.
    pub target: Option<String>,
    /// The client address.
    pub client: String,
}

/// The console's tables.
pub trait ConsoleStore: Send + Sync {
    /// How many users exist (disabled ones included).
    fn user_count(&self) -> StoreFuture<'_, u64>;
    /// Stores a setup token's digest, valid until `expires_at`.
    fn add_setup_token(
        &self,
        digest: String,
        created_at: i64,
        expires_at: i64,
    ) -> StoreFuture<'_, ()>;
    /// Whether an unused token with digest `digest` is valid at `now`.
    fn setup_token_live(&self, digest: String, now: i64) -> StoreFuture<'_, bool>;
    /// In one transaction: marks the unused, unexpired token `digest` used at `now` and
    /// creates `owner`; changes nothing unless both succeed.
    fn redeem_setup(
        &self,
        digest: String,
        now: i64,
        owner: NewUser,
    ) -> StoreFuture<'_, SetupOutcome>;
    /// Creates a user unless its e-mail is taken.
    fn insert_user(&self, user: NewUser) -> StoreFuture<'_, UserInsert>;
    /// The user signing in with `email`, with the password hash.
    fn credentials(&self, email: String) -> StoreFuture<'_, Option<Credentials>>;
    /// Disables (ending every session of the user) or enables user `id`; the user after.
    fn set_disabled(&self, id: String, disabled: bool, now: i64) -> StoreFuture<'_, Option<User>>;
    /// Every user, oldest first.
    fn list_users(&self) -> StoreFuture<'_, Vec<User>>;
    /// Stores a new session.
    fn insert_session(&self, session: NewSession) -> StoreFuture<'_, ()>;
    /// The session with id digest `digest`, if it exists and its user is enabled.
    fn session(&self, digest: String) -> StoreFuture<'_, Option<SessionRow>>;
    /// Records activity on a session.
    fn touch_session(&self, digest: String, now: i64) -> StoreFuture<'_, ()>;
    /// Ends a session (nothing if there is none).
    fn delete_session(&self, digest: String) -> StoreFuture<'_, ()>;
    /// Appends an audit line (`seq` is assigned by the store).
    fn append_audit(&self, entry: AuditEntry) -> StoreFuture<'_, ()>;
    /// At most `limit` audit lines, newest first, strictly before `before` when given.
    fn audit_page(&self, before: Option<i64>, limit: i64) -> StoreFuture<'_, Vec<AuditEntry>>;
}

/// The statements both backends run, with `$n` parameters.
pub mod sql {
    /// Users.
    pub const USER_COUNT: &str = "SELECT count(*) FROM console_users";
    /// $1 digest, $2 created, $3 expires.
    pub const ADD_SETUP: &str =
        "INSERT INTO console_setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)";
    /// $1 digest, $2 now.
    pub const SETUP_LIVE: &str = "SELECT count(*) FROM console_setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    /// $1 digest, $2 now.
    pub const USE_SETUP: &str = "UPDATE console_setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    /// $1 id, $2 email, $3 role, $4 hash, $5 created.
    pub const INSERT_USER: &str = "INSERT INTO console_users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING";
    /// Columns of a user, in [`super::User`] order.
    pub const USER_COLUMNS: &str = "u.id, u.email, u.role, u.created_at, u.disabled_at";
    /// $1 email.
    pub const CREDENTIALS: &str = "SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, u.password_hash FROM console_users u WHERE u.email = $1";
    /// $1 id, $2 disabled_at or NULL.
    pub const SET_DISABLED: &str = "UPDATE console_users SET disabled_at = $2 WHERE id = $1";
    /// $1 user id.
    pub const END_SESSIONS_OF: &str = "DELETE FROM console_sessions WHERE user_id = $1";
    /// $1 id.
    pub const USER_BY_ID: &str = "SELECT u.id, u.email, u.role, u.created_at, u.disabled_at FROM console_users u WHERE u.id = $1";
    /// Every user.
    pub const LIST_USERS: &str = "SELECT u.id, u.email, u.role, u.created_at, u.disabled_at FROM console_users u ORDER BY u.created_at, u.id";
    /// $1 digest, $2 user, $3 csrf, $4 created (also last seen), $5 expires, $6 client.
    pub const INSERT_SESSION: &str = "INSERT INTO console_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, client) VALUES ($1, $2, $3, $4, $4, $5, $6)";
    /// $1 digest.
    pub const SESSION: &str = "SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at FROM console_sessions s JOIN console_users u ON u.id = s.user_id WHERE s.id_hash = $1 AND u.disabled_at IS NULL";
    /// $1 digest, $2 now.
    pub const TOUCH_SESSION: &str =
        "UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1";
    /// $1 digest.
    pub const DELETE_SESSION: &str = "DELETE FROM console_sessions WHERE id_hash = $1";
    /// $1 at, $2 actor, $3 action, $4 target, $5 client.
    pub const APPEND_AUDIT: &str =
        "INSERT INTO console_audit (at, actor, action, target, client) VALUES ($1, $2, $3, $4, $5)";
    /// $1 limit.
    pub const AUDIT_FIRST: &str = "SELECT seq, at, actor, action, target, client FROM console_audit ORDER BY seq DESC LIMIT $1";
    /// $1 before, $2 limit.
    pub const AUDIT_AFTER: &str = "SELECT seq, at, actor, action, target, client FROM console_audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2";

    /// `sql` with SQLite's `?n` parameters.
    pub fn sqlite(sql: &str) -> String {
        sql.replace('$', "?")
    }
}

/// A stored role that is not one this build knows.
pub fn role_of(id: &str, stored: &str) -> Result<Role, super::StoreError> {
    Role::parse(stored).ok_or_else(|| super::StoreError::Corrupt {
        id: id.to_owned(),
        column: "role",
        message: format!("unknown role {stored:?}"),
    })
}
