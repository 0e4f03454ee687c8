//! The audit log's actions and how a handler records one: who (the acting user's e-mail,
//! or the e-mail a failed sign-in tried), what, when, on what, from where. Lines are
//! appended, never changed; owners read them newest first with `GET /admin/api/audit`.

use std::net::IpAddr;

use super::error::ConsoleError;
use crate::store::console::AuditEntry;
use crate::store::ResponseStore;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The first owner created through a setup link.
    Setup,
    /// A successful sign-in.
    SignIn,
    /// A refused sign-in (wrong password, unknown or disabled account).
    SignInFailed,
    /// A sign-out.
    SignOut,
    /// A user created by an owner.
    UserCreated,
    /// A user disabled by an owner.
    UserDisabled,
    /// A user enabled again by an owner.
    UserEnabled,
}

impl Action {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Setup => "setup",
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignOut => "sign_out",
            Action::UserCreated => "user_created",
            Action::UserDisabled => "user_disabled",
            Action::UserEnabled => "user_enabled",
        }
    }
}

/// Appends one line.
pub async fn record(
    store: &dyn ResponseStore,
    at: i64,
    actor: Option<&str>,
    action: Action,
    target: Option<&str>,
    client: IpAddr,
) -> Result<(), ConsoleError> {
    store
        .console()
        .append_audit(AuditEntry {
            seq: 0,
            at,
            actor: actor.map(str::to_owned),
            action: action.as_str().to_owned(),
            target: target.map(str::to_owned),
            client: client.to_string(),
        })
        .await?;
    Ok(())
}
