//! PostgreSQL implementation of [`LoyaltyStore`]. Every operation is one transaction on a
//! pooled connection. Serialisation uses transaction-scoped advisory locks, which hold
//! across every collector instance on the database: one per order for order events, one
//! per customer for redemptions (the balance check and the insert happen under it).

use deadpool_postgres::{Pool, Transaction};

use crate::loyalty::answer::{self, AnswerDecision, AnswerFacts};
use crate::loyalty::expiry::{self, ExpiryPolicy, ACTIVITY_SQL};
use crate::loyalty::import::ImportedOrder;
use crate::loyalty::import_dates;
use crate::loyalty::ledger::{Balance, Entry, SourceKind};
use crate::loyalty::order::{OrderEvent, Platform};
use crate::loyalty::plan::{self, NewEntry, OrderRecord, PlanError};
use crate::loyalty::referral::{self, normalize_email, ReferralFacts, ReferralRule};
use crate::loyalty::rules::LoyaltyRules;
use crate::loyalty::tiers::Contribution;
use crate::loyalty::token::CustomerClaims;
use crate::store::loyalty::{
    Adjustment, AnswerCredit, AnswerOutcome, ApplyOutcome, CustomerSnapshot, Delivery,
    ImportCounts, IssuedCode, LoyaltyStore, OutboxItem, OutboxState, RedeemOutcome, RewardOutcome,
    RewardRedemption,
};
use crate::store::{StoreError, StoreFuture};

/// The loyalty tables of one PostgreSQL database.
pub struct PostgresLoyalty {
    pool: Pool,
}

impl PostgresLoyalty {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresLoyalty { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

/// Takes the advisory lock named by `parts` until the transaction ends.
async fn lock(tx: &Transaction<'_>, parts: &[&str]) -> Result<(), StoreError> {
    let key = parts.join("\u{1f}");
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 13))",
        &[&key],
    )
    .await?;
    Ok(())
}

async fn balance_at(
    tx: &Transaction<'_>,
    site: &str,
    customer: &str,
    now: i64,
) -> Result<Balance, StoreError> {
    let row = tx
        .query_one(
            "SELECT coalesce(sum(CASE WHEN available_at <= $3 OR kind IN ('redemption', 'adjustment')
                                      THEN points ELSE 0 END), 0)::bigint,
                    coalesce(sum(CASE WHEN available_at > $3 AND kind NOT IN ('redemption', 'adjustment')
                                      THEN points ELSE 0 END), 0)::bigint
             FROM ledger WHERE site = $1 AND customer = $2",
            &[&site, &customer, &now],
        )
        .await?;
    Ok(Balance {
        spendable: row.try_get(0)?,
        pending: row.try_get(1)?,
    })
}

#[allow(clippy::too_many_arguments)]
async fn append(
    tx: &Transaction<'_>,
    site: &str,
    customer: &str,
    kind: SourceKind,
    source_id: &str,
    points: i64,
    now: i64,
    available_at: i64,
    reason: Option<&str>,
    actor: Option<&str>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "INSERT INTO ledger (site, customer, kind, source_id, points, created_at, available_at, reason, actor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (site, kind, source_id) DO NOTHING",
            &[&site, &customer, &kind.as_str(), &source_id, &points, &now, &available_at, &reason, &actor],
        )
        .await?;
    Ok(n == 1)
}

async fn load_order(
    tx: &Transaction<'_>,
    site: &str,
    platform: &str,
    order_id: &str,
) -> Result<Option<OrderRecord>, StoreError> {
    let Some(r) = tx
        .query_opt(
            "SELECT customer, email, currency, total, eligible, paid, cancelled, earned,
                    earned_points, reversed_points, refunded, available_at
             FROM orders WHERE site = $1 AND platform = $2 AND order_id = $3",
            &[&site, &platform, &order_id],
        )
        .await?
    else {
        return Ok(None);
    };
    let refunds = tx
        .query(
            "SELECT refund_id FROM order_refunds WHERE site = $1 AND platform = $2 AND order_id = $3",
            &[&site, &platform, &order_id],
        )
        .await?;
    Ok(Some(OrderRecord {
        customer: r.try_get(0)?,
        email: r.try_get(1)?,
        currency: r.try_get(2)?,
        total: r.try_get(3)?,
        eligible: r.try_get(4)?,
        paid: r.try_get(5)?,
        cancelled: r.try_get(6)?,
        earned: r.try_get(7)?,
        earned_points: r.try_get(8)?,
        reversed_points: r.try_get(9)?,
        refunded: r.try_get(10)?,
        available_at: r.try_get(11)?,
        refund_ids: refunds
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?,
    }))
}

async fn save_order(
    tx: &Transaction<'_>,
    site: &str,
    platform: &str,
    order_id: &str,
    r: &OrderRecord,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO orders (site, platform, order_id, customer, email, currency, total, eligible,
            paid, cancelled, earned, earned_points, reversed_points, refunded, available_at,
            created_at, updated_at, email_norm)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17)
         ON CONFLICT (site, platform, order_id) DO UPDATE SET
            customer = excluded.customer, email = excluded.email, currency = excluded.currency,
            email_norm = excluded.email_norm,
            total = excluded.total, eligible = excluded.eligible, paid = excluded.paid,
            cancelled = excluded.cancelled, earned = excluded.earned,
            earned_points = excluded.earned_points, reversed_points = excluded.reversed_points,
            refunded = excluded.refunded, available_at = excluded.available_at,
            updated_at = excluded.updated_at",
        &[
            &site,
            &platform,
            &order_id,
            &r.customer,
            &r.email,
            &r.currency,
            &r.total,
            &r.eligible,
            &r.paid,
            &r.cancelled,
            &r.earned,
            &r.earned_points,
            &r.reversed_points,
            &r.refunded,
            &r.available_at,
            &now,
            &r.email.as_deref().and_then(normalize_email),
        ],
    )
    .await?;
    Ok(())
}

async fn load_entries(
    client: &impl deadpool_postgres::GenericClient,
    site: &str,
    customer: &str,
) -> Result<Vec<Entry>, StoreError> {
    let rows = client
        .query(
            "SELECT customer, kind, source_id, points, created_at, available_at, reason, actor
             FROM ledger WHERE site = $1 AND customer = $2 ORDER BY seq",
            &[&site, &customer],
        )
        .await?;
    rows.iter().map(row_to_entry).collect()
}

async fn contributions(
    client: &impl deadpool_postgres::GenericClient,
    site: &str,
    customer: &str,
) -> Result<Vec<Contribution>, StoreError> {
    let rows = client
        .query(
            "SELECT coalesce(l.created_at, o.created_at), o.earned_points - o.reversed_points,
        CASE WHEN o.cancelled THEN 0 ELSE o.eligible - o.refunded END
 FROM orders o LEFT JOIN ledger l
   ON l.site = o.site AND l.kind = 'order' AND l.source_id = o.platform || ':' || o.order_id
 WHERE o.site = $1 AND o.customer = $2 AND o.earned
 ORDER BY coalesce(l.created_at, o.created_at)",
            &[&site, &customer],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Contribution {
                at: r.try_get(0)?,
                points: r.try_get(1)?,
                spend: r.try_get(2)?,
            })
        })
        .collect()
}

/// The redemption step shared by points and reward redemptions, inside the caller's
/// transaction: takes the customer's advisory lock, checks and appends; commits nothing.
async fn redeem_in(
    tx: &Transaction<'_>,
    site: &str,
    customer: &str,
    id: &str,
    points: i64,
    now: i64,
) -> Result<RedeemOutcome, StoreError> {
    lock(tx, &["customer", site, customer]).await?;
    let known = tx
        .query_opt(
            "SELECT 1 FROM ledger WHERE site = $1 AND kind = 'redemption' AND source_id = $2",
            &[&site, &id],
        )
        .await?;
    let before = balance_at(tx, site, customer, now).await?;
    if known.is_some() {
        return Ok(RedeemOutcome::Duplicate(before));
    }
    if before.spendable < points {
        return Ok(RedeemOutcome::Insufficient(before));
    }
    let new = append(
        tx,
        site,
        customer,
        SourceKind::Redemption,
        id,
        -points,
        now,
        now,
        None,
        None,
    )
    .await?;
    let after = balance_at(tx, site, customer, now).await?;
    // Another customer's redemption could have taken this id meanwhile.
    Ok(if new {
        RedeemOutcome::Redeemed(after)
    } else {
        RedeemOutcome::Duplicate(after)
    })
}

/// Decides the referral of an order that earned just now (see [`crate::loyalty::referral`])
/// and records it; returns its status and the entries to append.
#[allow(clippy::too_many_arguments)]
async fn referral_step(
    tx: &Transaction<'_>,
    site: &str,
    platform: &str,
    order_id: &str,
    record: &OrderRecord,
    codes: &[String],
    rule: &ReferralRule,
    now: i64,
) -> Result<Option<(String, Vec<NewEntry>)>, StoreError> {
    let (Some(referee), Some(first), Some(available_at)) = (
        record.customer.as_deref(),
        codes.first(),
        record.available_at,
    ) else {
        return Ok(None);
    };
    let mut found: Option<(String, String)> = None;
    for code in codes {
        if let Some(row) = tx
            .query_opt(
                "SELECT customer FROM referral_codes WHERE site = $1 AND code = $2",
                &[&site, code],
            )
            .await?
        {
            found = Some((code.clone(), row.try_get(0)?));
            break;
        }
    }
    let code = found.as_ref().map_or(first.as_str(), |f| f.0.as_str());
    let referrer = found.as_ref().map(|f| f.1.as_str());
    let referee_email = record.email.as_deref().and_then(normalize_email);
    let mut referrer_emails: Vec<String> = Vec::new();
    if let Some(referrer) = referrer {
        if let Some(row) = tx
            .query_opt(
                "SELECT email FROM customers WHERE site = $1 AND id = $2",
                &[&site, &referrer],
            )
            .await?
        {
            let own: Option<String> = row.try_get(0)?;
            referrer_emails.extend(own.as_deref().and_then(normalize_email));
        }
        for row in tx
            .query(
                "SELECT DISTINCT email_norm FROM orders
                 WHERE site = $1 AND customer = $2 AND email_norm IS NOT NULL",
                &[&site, &referrer],
            )
            .await?
        {
            referrer_emails.push(row.try_get(0)?);
        }
    }
    let prior = tx
        .query_opt(
            "SELECT 1 FROM orders WHERE site = $1 AND paid AND NOT (platform = $2 AND order_id = $3)
             AND (customer = $4 OR ($5::text IS NOT NULL AND email_norm = $5::text)) LIMIT 1",
            &[&site, &platform, &order_id, &referee, &referee_email],
        )
        .await?;
    let already = tx
        .query_opt(
            "SELECT 1 FROM referrals WHERE site = $1 AND status = 'credited'
             AND (referee = $2 OR ($3::text IS NOT NULL AND referee_email = $3::text)) LIMIT 1",
            &[&site, &referee, &referee_email],
        )
        .await?;
    let facts = ReferralFacts {
        referee,
        referee_email: referee_email.as_deref(),
        referrer,
        referrer_emails: &referrer_emails,
        referee_has_prior_orders: prior.is_some(),
        referee_already_referred: already.is_some(),
    };
    let decision = referral::decide(rule, &facts);
    let referral_id = format!("{platform}:{order_id}");
    let status = match &decision {
        Ok(_) => "credited".to_owned(),
        Err(e) => e.to_string(),
    };
    // Any unique key (the referral id, or a credited referee by id or e-mail) makes this a
    // no-op: a concurrent first order of the same shopper (under another order's lock)
    // waits for the first to commit and then loses here.
    let inserted = tx
        .execute(
            "INSERT INTO referrals (site, id, code, referrer, referee, referee_email, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            &[&site, &referral_id, &code, &referrer, &referee, &referee_email, &status, &now],
        )
        .await?;
    Ok(Some(match decision {
        Ok(credit) if inserted == 1 => (
            status,
            plan::referral_entries(&credit, referee, &referral_id, available_at),
        ),
        Ok(_) => ("repeat_referral".to_owned(), Vec::new()),
        Err(_) => (status, Vec::new()),
    }))
}

fn row_to_entry(r: &tokio_postgres::Row) -> Result<Entry, StoreError> {
    let kind: String = r.try_get(1)?;
    let source_id: String = r.try_get(2)?;
    Ok(Entry {
        customer: r.try_get(0)?,
        kind: SourceKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
            id: source_id.clone(),
            column: "kind",
            message: format!("unknown ledger kind {kind:?}"),
        })?,
        source_id,
        points: r.try_get(3)?,
        created_at: r.try_get(4)?,
        available_at: r.try_get(5)?,
        reason: r.try_get(6)?,
        actor: r.try_get(7)?,
    })
}

impl LoyaltyStore for PostgresLoyalty {
    fn apply_order(
        &self,
        site: String,
        platform: Platform,
        delivery: Option<Delivery>,
        event: OrderEvent,
        rules: LoyaltyRules,
        now: i64,
    ) -> StoreFuture<'_, ApplyOutcome> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let p = platform.as_str();
            let order_id = event.order_id().to_owned();
            lock(&tx, &["order", &site, p, &order_id]).await?;
            if let Some(d) = &delivery {
                let new = tx
                    .execute(
                        "INSERT INTO webhook_deliveries (site, source, id, received_at)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (site, source, id) DO NOTHING",
                        &[&site, &d.source, &d.id, &now],
                    )
                    .await?;
                if new == 0 {
                    return Ok(ApplyOutcome::Replay);
                }
            }
            let existing = load_order(&tx, &site, p, &order_id).await?;
            let rules = match (&rules.tiers, plan::earner(existing.as_ref(), &event)) {
                (Some(tiers), Some(customer)) => rules.with_multiplier(
                    tiers.multiplier(&contributions(&tx, &site, &customer).await?, now),
                ),
                _ => rules.clone(),
            };
            let before = existing.clone();
            let mut applied = match plan::apply(p, existing, &event, &rules, now) {
                Ok(a) => a,
                // The transaction is dropped (rolled back): the retry is processed.
                Err(PlanError::UnknownOrder(id)) => return Ok(ApplyOutcome::UnknownOrder(id)),
            };
            save_order(&tx, &site, p, &order_id, &applied.record, now).await?;
            let mut referral = None;
            if let (OrderEvent::Order(facts), Some(rule), true) = (
                &event,
                &rules.referral,
                plan::newly_earned(before.as_ref(), &applied.record),
            ) {
                if let Some((status, extra)) = referral_step(
                    &tx,
                    &site,
                    p,
                    &order_id,
                    &applied.record,
                    &facts.referral,
                    rule,
                    now,
                )
                .await?
                {
                    referral = Some(status);
                    applied.entries.extend(extra);
                }
            }
            if super::referral_credits::reverse_if_voided(
                &tx,
                &site,
                p,
                &order_id,
                before.as_ref(),
                &mut applied,
            )
            .await?
            {
                referral = Some("reversed".to_owned());
            }
            for refund in &applied.new_refunds {
                tx.execute(
                    "INSERT INTO order_refunds (site, platform, refund_id, order_id, eligible, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    &[&site, &p, &refund.refund_id, &order_id, &refund.eligible, &now],
                )
                .await?;
            }
            let mut entries = 0;
            for e in &applied.entries {
                if append(
                    &tx,
                    &site,
                    &e.customer,
                    e.kind,
                    &e.source_id,
                    e.points,
                    now,
                    e.available_at,
                    None,
                    None,
                )
                .await?
                {
                    entries += 1;
                }
            }
            tx.commit().await?;
            Ok(ApplyOutcome::Applied { entries, referral })
        })
    }

    fn redeem(
        &self,
        site: String,
        customer: String,
        id: String,
        points: i64,
        now: i64,
    ) -> StoreFuture<'_, RedeemOutcome> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let outcome = redeem_in(&tx, &site, &customer, &id, points, now).await?;
            if matches!(outcome, RedeemOutcome::Redeemed(_)) {
                tx.commit().await?;
            }
            Ok(outcome)
        })
    }

    fn redeem_reward(
        &self,
        site: String,
        r: RewardRedemption,
        now: i64,
    ) -> StoreFuture<'_, RewardOutcome> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let balance = match redeem_in(&tx, &site, &r.customer, &r.id, r.points, now).await? {
                RedeemOutcome::Redeemed(b) => b,
                RedeemOutcome::Duplicate(balance) => {
                    let issued = tx
                        .query_opt(
                            "SELECT code, reward FROM reward_codes WHERE site = $1 AND redemption_id = $2",
                            &[&site, &r.id],
                        )
                        .await?
                        .map(|row| Ok::<_, StoreError>((row.try_get(0)?, row.try_get(1)?)))
                        .transpose()?;
                    return Ok(RewardOutcome::Duplicate { balance, issued });
                }
                RedeemOutcome::Insufficient(b) => return Ok(RewardOutcome::Insufficient(b)),
            };
            let new = tx
                .execute(
                    "INSERT INTO reward_codes (site, code, redemption_id, customer, reward, points, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (site, code) DO NOTHING",
                    &[&site, &r.code, &r.id, &r.customer, &r.reward, &r.points, &now],
                )
                .await?;
            if new == 0 {
                // Dropping the transaction takes the redemption back too.
                return Ok(RewardOutcome::CodeTaken);
            }
            tx.execute(
                "INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $4)",
                &[&site, &r.event_id, &r.payload, &now],
            )
            .await?;
            tx.commit().await?;
            Ok(RewardOutcome::Redeemed(balance))
        })
    }

    fn reward_codes(&self, site: String, customer: String) -> StoreFuture<'_, Vec<IssuedCode>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT redemption_id, reward, code FROM reward_codes
                     WHERE site = $1 AND customer = $2 ORDER BY created_at, code",
                    &[&site, &customer],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(IssuedCode {
                        redemption: r.try_get(0)?,
                        reward: r.try_get(1)?,
                        code: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    fn outbox_claim(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<OutboxItem>> {
        Box::pin(async move {
            let client = self.client().await?;
            let limit = limit.min(1000) as i64;
            // SKIP LOCKED: instances claiming at once take disjoint events.
            let rows = client
                .query(
                    "UPDATE outbox SET next_attempt_at = $2
                     WHERE seq IN (
                        SELECT seq FROM outbox
                        WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                        ORDER BY next_attempt_at, seq LIMIT $3
                        FOR UPDATE SKIP LOCKED)
                     RETURNING seq, site, event_id, payload, attempts",
                    &[&now, &lease_until, &limit],
                )
                .await?;
            let mut items = rows
                .iter()
                .map(|r| {
                    let attempts: i32 = r.try_get(4)?;
                    Ok(OutboxItem {
                        seq: r.try_get(0)?,
                        site: r.try_get(1)?,
                        event_id: r.try_get(2)?,
                        payload: r.try_get(3)?,
                        attempts: attempts.max(0) as u32,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            items.sort_by_key(|i| i.seq);
            Ok(items)
        })
    }

    fn outbox_attempted(
        &self,
        seq: i64,
        error: Option<String>,
        retry_at: Option<i64>,
        now: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            match error {
                None => {
                    client
                        .execute(
                            "UPDATE outbox SET delivered_at = $2 WHERE seq = $1",
                            &[&seq, &now],
                        )
                        .await?
                }
                Some(e) => {
                    client
                        .execute(
                            "UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                                next_attempt_at = coalesce($3, next_attempt_at),
                                failed_at = CASE WHEN $3::bigint IS NULL THEN $4::bigint END
                             WHERE seq = $1",
                            &[&seq, &e, &retry_at, &now],
                        )
                        .await?
                }
            };
            Ok(())
        })
    }

    fn outbox_states(&self, site: String) -> StoreFuture<'_, Vec<OutboxState>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT event_id, attempts, delivered_at, failed_at, last_error FROM outbox
                     WHERE site = $1 ORDER BY seq",
                    &[&site],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    let attempts: i32 = r.try_get(1)?;
                    Ok(OutboxState {
                        event_id: r.try_get(0)?,
                        attempts: attempts.max(0) as u32,
                        delivered_at: r.try_get(2)?,
                        failed_at: r.try_get(3)?,
                        last_error: r.try_get(4)?,
                    })
                })
                .collect()
        })
    }

    fn adjust(&self, site: String, a: Adjustment, now: i64) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let new = append(
                &tx,
                &site,
                &a.customer,
                SourceKind::Adjustment,
                &a.id,
                a.points,
                now,
                now,
                Some(&a.reason),
                Some(&a.actor),
            )
            .await?;
            tx.commit().await?;
            Ok(new)
        })
    }

    fn entries(&self, site: String, customer: String) -> StoreFuture<'_, Vec<Entry>> {
        Box::pin(async move {
            let client = self.client().await?;
            load_entries(&client, &site, &customer).await
        })
    }

    fn expire(
        &self,
        site: String,
        customer: String,
        policy: ExpiryPolicy,
        now: i64,
    ) -> StoreFuture<'_, usize> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // Most calls find nothing due: decide on a plain read first, lock only to write.
            let entries = load_entries(&client, &site, &customer).await?;
            if expiry::due(&customer, &entries, policy, now).is_empty() {
                return Ok(0);
            }
            let tx = client.transaction().await?;
            lock(&tx, &["customer", &site, &customer]).await?;
            let entries = load_entries(&tx, &site, &customer).await?;
            let mut written = 0;
            for e in expiry::due(&customer, &entries, policy, now) {
                if append(
                    &tx,
                    &site,
                    &customer,
                    e.kind,
                    &e.source_id,
                    e.points,
                    e.available_at,
                    e.available_at,
                    None,
                    None,
                )
                .await?
                {
                    written += 1;
                }
            }
            tx.commit().await?;
            Ok(written)
        })
    }

    fn expiry_candidates(
        &self,
        site: String,
        inactive_since: i64,
        after: String,
        limit: usize,
    ) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let sql = format!(
                "SELECT customer FROM ledger WHERE site = $1 AND customer > $4 GROUP BY customer
                 HAVING sum(points) > 0
                    AND max(CASE WHEN {ACTIVITY_SQL} THEN created_at END) <= $2
                 ORDER BY customer LIMIT $3"
            );
            let limit = limit.min(i64::MAX as usize) as i64;
            let rows = client
                .query(&sql, &[&site, &inactive_since, &limit, &after])
                .await?;
            rows.iter()
                .map(|r| r.try_get(0).map_err(StoreError::from))
                .collect()
        })
    }

    fn touch_customer(&self, c: CustomerClaims, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO customers (site, id, email, name, first_seen, last_seen)
                     VALUES ($1, $2, $3, $4, $5, $5)
                     ON CONFLICT (site, id) DO UPDATE SET
                        email = coalesce(excluded.email, customers.email),
                        name = coalesce(excluded.name, customers.name),
                        last_seen = excluded.last_seen",
                    &[&c.site, &c.sub, &c.email, &c.name, &now],
                )
                .await?;
            Ok(())
        })
    }

    fn tier_contributions(
        &self,
        site: String,
        customer: String,
    ) -> StoreFuture<'_, Vec<Contribution>> {
        Box::pin(async move {
            let client = self.client().await?;
            contributions(&client, &site, &customer).await
        })
    }

    fn snapshots(&self, site: String) -> StoreFuture<'_, Vec<CustomerSnapshot>> {
        Box::pin(async move {
            let client = self.client().await?;
            let sql = format!(
                "SELECT customer, sum(points)::bigint, max(CASE WHEN {ACTIVITY_SQL} THEN created_at END)
                 FROM ledger WHERE site = $1 GROUP BY customer"
            );
            let totals = client
                .query(&sql, &[&site])
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get(0)?,
                        r.try_get::<_, Option<i64>>(1)?.unwrap_or(0),
                        r.try_get(2)?,
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let orders = client
                .query(
                    "SELECT o.customer, coalesce(l.created_at, o.created_at), o.earned_points - o.reversed_points,
        CASE WHEN o.cancelled THEN 0 ELSE o.eligible - o.refunded END
 FROM orders o LEFT JOIN ledger l
   ON l.site = o.site AND l.kind = 'order' AND l.source_id = o.platform || ':' || o.order_id
 WHERE o.site = $1 AND o.earned AND o.customer IS NOT NULL
 ORDER BY o.customer, coalesce(l.created_at, o.created_at)",
                    &[&site],
                )
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get(0)?,
                        Contribution {
                            at: r.try_get(1)?,
                            points: r.try_get(2)?,
                            spend: r.try_get(3)?,
                        },
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(crate::store::loyalty::snapshots(totals, orders))
        })
    }

    fn credit_answer(&self, c: AnswerCredit, now: i64) -> StoreFuture<'_, AnswerOutcome> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // The redemption lock: one customer's credits and spends are serialised.
            lock(&tx, &["customer", &c.site, &c.customer]).await?;
            let stored: Option<Option<String>> = tx
                .query_opt(
                    "SELECT customer FROM responses WHERE site = $1 AND id = $2",
                    &[&c.site, &c.response_id],
                )
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            let earlier: Option<i64> = tx
                .query_opt(
                    "SELECT points FROM answer_credits WHERE site = $1 AND response_id = $2",
                    &[&c.site, &c.response_id],
                )
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            let last: Option<i64> = tx
                .query_one(
                    "SELECT max(credited_at) FROM answer_credits
                     WHERE site = $1 AND customer = $2 AND survey = $3",
                    &[&c.site, &c.customer, &c.survey],
                )
                .await?
                .try_get(0)?;
            let facts = AnswerFacts {
                partial: c.partial,
                stored_for_customer: stored.flatten().as_deref() == Some(c.customer.as_str()),
                already_credited: earlier.is_some(),
                last_credit_for_survey: last,
            };
            let decision = answer::decide(&c.rule, facts, now);
            let points = match decision {
                AnswerDecision::Credit(points) => {
                    // A response id is credited to one customer only: a concurrent credit of
                    // the same id (under another customer's lock) makes this one a no-op.
                    let new = tx
                        .execute(
                            "INSERT INTO answer_credits (site, response_id, customer, survey, points, credited_at)
                             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                            &[&c.site, &c.response_id, &c.customer, &c.survey, &points, &now],
                        )
                        .await?;
                    if new == 1 {
                        append(
                            &tx,
                            &c.site,
                            &c.customer,
                            SourceKind::Answer,
                            &c.response_id,
                            points,
                            now,
                            now,
                            None,
                            None,
                        )
                        .await?;
                    }
                    points
                }
                _ => earlier.unwrap_or(0),
            };
            tx.commit().await?;
            Ok(AnswerOutcome { decision, points })
        })
    }

    fn import_orders(
        &self,
        site: String,
        platform: Platform,
        orders: Vec<ImportedOrder>,
        credit: bool,
        rules: LoyaltyRules,
        now: i64,
    ) -> StoreFuture<'_, ImportCounts> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let p = platform.as_str();
            let mut counts = ImportCounts::default();
            for o in &orders {
                let id = &o.facts.order_id;
                // The webhooks' per-order lock: an import racing a webhook of the same
                // order sees it stored, or stores first and the webhook then merges.
                lock(&tx, &["order", &site, p, id]).await?;
                if load_order(&tx, &site, p, id).await?.is_some() {
                    counts.duplicates += 1;
                    continue;
                }
                // Dated by the order's own date (see crate::loyalty::import_dates).
                let placed = import_dates::order_instant(o.placed_at, now);
                let applied = plan::import(p, &o.facts, &rules, placed, credit);
                save_order(&tx, &site, p, id, &applied.record, placed).await?;
                counts.imported += 1;
                for e in &applied.entries {
                    if append(
                        &tx,
                        &site,
                        &e.customer,
                        e.kind,
                        &e.source_id,
                        e.points,
                        placed,
                        e.available_at,
                        None,
                        None,
                    )
                    .await?
                    {
                        counts.entries += 1;
                    }
                }
            }
            tx.commit().await?;
            Ok(counts)
        })
    }

    fn record_referral_code(
        &self,
        site: String,
        customer: String,
        code: String,
        now: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO referral_codes (site, code, customer, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (site, code) DO NOTHING",
                    &[&site, &code, &customer, &now],
                )
                .await?;
            Ok(())
        })
    }

    fn order_count(&self, site: String) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let client = self.client().await?;
            let n: i64 = client
                .query_one("SELECT count(*) FROM orders WHERE site = $1", &[&site])
                .await?
                .try_get(0)?;
            Ok(n.max(0) as u64)
        })
    }
}
