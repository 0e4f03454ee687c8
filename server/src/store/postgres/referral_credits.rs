//! PostgreSQL side of [`crate::loyalty::plan::reversal`]: inside an order's transaction,
//! reads the credits of the referral the order converted, for the plan to reverse.

use tokio_postgres::Transaction;

use crate::loyalty::ledger::SourceKind;
use crate::loyalty::plan::reversal::ReversalAsk;
use crate::loyalty::referral_reversal::Credit;
use crate::store::StoreError;

/// The referral credits already in the ledger that `ask` names.
pub(super) async fn read(
    tx: &Transaction<'_>,
    site: &str,
    ask: &ReversalAsk,
) -> Result<Vec<Credit>, StoreError> {
    let [referrer, referee] = ask.credit_source_ids();
    let rows = tx
        .query(
            "SELECT customer, source_id, points, available_at FROM ledger
             WHERE site = $1 AND kind = $2 AND source_id IN ($3, $4)",
            &[&site, &SourceKind::Referral.as_str(), &referrer, &referee],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Credit {
                customer: r.try_get(0)?,
                source_id: r.try_get(1)?,
                points: r.try_get(2)?,
                available_at: r.try_get(3)?,
            })
        })
        .collect()
}
