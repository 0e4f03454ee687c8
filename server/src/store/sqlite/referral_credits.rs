//! SQLite side of [`crate::loyalty::referral_reversal`]: inside an order's transaction,
//! finds the credits of the referral the order converted and adds their reversals to the
//! entries to append, when this event voided the order.

use rusqlite::{params, Connection};

use crate::loyalty::ledger::SourceKind;
use crate::loyalty::plan::{Applied, OrderRecord};
use crate::loyalty::referral_reversal::{self, Credit};

/// Adds to `applied` the reversals of the referral of order `{platform}:{order_id}` when
/// the event took the order from `before` to a void state; `true` when it added any.
pub(super) fn reverse_if_voided(
    tx: &Connection,
    site: &str,
    platform: &str,
    order_id: &str,
    before: Option<&OrderRecord>,
    applied: &mut Applied,
) -> rusqlite::Result<bool> {
    if !referral_reversal::voided(before, &applied.record) {
        return Ok(false);
    }
    let referral_id = format!("{platform}:{order_id}");
    let mut credits = referral_reversal::pending_credits(&applied.entries);
    let mut stmt = tx.prepare_cached(
        "SELECT customer, source_id, points, available_at FROM ledger
         WHERE site = ?1 AND kind = ?2 AND source_id IN (?3, ?4)",
    )?;
    let rows = stmt.query_map(
        params![
            site,
            SourceKind::Referral.as_str(),
            format!("{referral_id}:referrer"),
            format!("{referral_id}:referee")
        ],
        |r| {
            Ok(Credit {
                customer: r.get(0)?,
                source_id: r.get(1)?,
                points: r.get(2)?,
                available_at: r.get(3)?,
            })
        },
    )?;
    for row in rows {
        credits.push(row?);
    }
    let reversals = referral_reversal::reversals(&referral_id, &credits);
    let any = !reversals.is_empty();
    applied.entries.extend(reversals);
    Ok(any)
}
