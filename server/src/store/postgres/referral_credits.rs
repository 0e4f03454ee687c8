//! PostgreSQL side of [`crate::loyalty::referral_reversal`]: inside an order's transaction,
//! finds the credits of the referral the order converted and adds their reversals to the
//! entries to append, when this event voided the order.

use tokio_postgres::Transaction;

use crate::loyalty::ledger::SourceKind;
use crate::loyalty::plan::{Applied, OrderRecord};
use crate::loyalty::referral_reversal::{self, Credit};
use crate::store::StoreError;

/// Adds to `applied` the reversals of the referral of order `{platform}:{order_id}` when
/// the event took the order from `before` to a void state; `true` when it added any.
pub(super) async fn reverse_if_voided(
    tx: &Transaction<'_>,
    site: &str,
    platform: &str,
    order_id: &str,
    before: Option<&OrderRecord>,
    applied: &mut Applied,
) -> Result<bool, StoreError> {
    if !referral_reversal::voided(before, &applied.record) {
        return Ok(false);
    }
    let referral_id = format!("{platform}:{order_id}");
    let mut credits = referral_reversal::pending_credits(&applied.entries);
    let rows = tx
        .query(
            "SELECT customer, source_id, points, available_at FROM ledger
             WHERE site = $1 AND kind = $2 AND source_id IN ($3, $4)",
            &[
                &site,
                &SourceKind::Referral.as_str(),
                &format!("{referral_id}:referrer"),
                &format!("{referral_id}:referee"),
            ],
        )
        .await?;
    for r in rows {
        credits.push(Credit {
            customer: r.try_get(0)?,
            source_id: r.try_get(1)?,
            points: r.try_get(2)?,
            available_at: r.try_get(3)?,
        });
    }
    let reversals = referral_reversal::reversals(&referral_id, &credits);
    let any = !reversals.is_empty();
    applied.entries.extend(reversals);
    Ok(any)
}
