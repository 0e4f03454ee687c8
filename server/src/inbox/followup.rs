//! **The place where the follow-up part plugs in.** An inbox item shows how many
//! follow-ups (replies) a response got and whether it is in the holdout group; both live in
//! the follow-up tables, which are not part of the inbox. Until they exist this answers 0
//! and `false` for every row; the lead replaces the body of [`facts`] with one batched
//! read of those tables (one query per page, never one per row).

use crate::app::AppState;
use crate::store::inbox::InboxRow;
use crate::store::StoreError;

/// What the follow-up part knows of one response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowupFacts {
    /// Follow-ups sent.
    pub followups: i64,
    /// In the holdout group (no follow-up by default).
    pub holdout: bool,
}

/// The facts of each of `rows`, in order.
pub async fn facts(_app: &AppState, rows: &[InboxRow]) -> Result<Vec<FollowupFacts>, StoreError> {
    // FOLLOWUP-PLUG: read `followups` and `holdout` for these (site, id) keys here.
    Ok(vec![FollowupFacts::default(); rows.len()])
}
