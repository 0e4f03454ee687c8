//! Where the follow-up part meets the inbox: an inbox item shows how many follow-ups
//! (replies) a response got and whether it is in the holdout group; both live in the
//! follow-up tables ([`crate::store::FollowupStore`]), read in batches per page.

use std::collections::{HashMap, HashSet};

use crate::app::AppState;
use crate::followup::assign::Group;
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

/// The facts of each of `rows`, in order: two batched reads of the follow-up tables per
/// site on the page (counts, and holdout groups), never one per row.
pub async fn facts(app: &AppState, rows: &[InboxRow]) -> Result<Vec<FollowupFacts>, StoreError> {
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    let mut held: HashSet<(String, String)> = HashSet::new();
    let mut sites: Vec<&str> = rows.iter().map(|r| r.response.site.as_str()).collect();
    sites.sort_unstable();
    sites.dedup();
    for site in sites {
        let ids: Vec<String> = rows
            .iter()
            .filter(|r| r.response.site == site)
            .map(|r| r.response.id.clone())
            .collect();
        let store = app.store.followups();
        for (id, n) in store.followup_counts(site.to_owned(), ids.clone()).await? {
            counts.insert((site.to_owned(), id), n);
        }
        for (id, group, overridden) in store.holdout_of(site.to_owned(), ids).await? {
            // An overridden holdout response was followed up after all: no longer held out.
            if group == Group::Holdout && !overridden {
                held.insert((site.to_owned(), id));
            }
        }
    }
    Ok(rows
        .iter()
        .map(|r| {
            let key = (r.response.site.clone(), r.response.id.clone());
            FollowupFacts {
                followups: counts.get(&key).copied().unwrap_or(0),
                holdout: held.contains(&key),
            }
        })
        .collect())
}
