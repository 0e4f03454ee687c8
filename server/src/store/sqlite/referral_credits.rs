//! SQLite side of [`crate::loyalty::plan::reversal`]: inside an order's transaction, reads
//! the credits of the referral the order converted, for the plan to reverse.

use rusqlite::{params, Connection};

use crate::loyalty::ledger::SourceKind;
use crate::loyalty::plan::reversal::ReversalAsk;
use crate::loyalty::referral_reversal::Credit;

/// The referral credits already in the ledger that `ask` names.
pub(super) fn read(
    tx: &Connection,
    site: &str,
    ask: &ReversalAsk,
) -> rusqlite::Result<Vec<Credit>> {
    let [referrer, referee] = ask.credit_source_ids();
    let mut stmt = tx.prepare_cached(
        "SELECT customer, source_id, points, available_at FROM ledger
         WHERE site = ?1 AND kind = ?2 AND source_id IN (?3, ?4)",
    )?;
    let rows = stmt.query_map(
        params![site, SourceKind::Referral.as_str(), referrer, referee],
        |r| {
            Ok(Credit {
                customer: r.get(0)?,
                source_id: r.get(1)?,
                points: r.get(2)?,
                available_at: r.get(3)?,
            })
        },
    )?;
    rows.collect()
}
