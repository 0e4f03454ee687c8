//! PostgreSQL implementation of [`LoyaltyStore`]. Every operation is one transaction on a
//! pooled connection. Serialisation uses transaction-scoped advisory locks, which hold
//! across every collector instance on the database: one per order for order events, one
//! per customer for redemptions (the balance check and the insert happen under it).

use deadpool_postgres::{Pool, Transaction};

use crate::loyalty::expiry::{self, ExpiryPolicy, ACTIVITY_SQL};
use crate::loyalty::import::ImportedOrder;
use crate::loyalty::import_dates::order_instant;
use crate::loyalty::ledger::{self, Balance, Entry, SourceKind};
use crate::loyalty::order::{OrderEvent, Platform};
use crate::loyalty::plan::answer::{self as answer_plan, AnswerRead};
use crate::loyalty::plan::history;
use crate::loyalty::plan::redemption::{self, Redeem};
use crate::loyalty::plan::referral::{self, ReferralAsk};
use crate::loyalty::plan::reversal;
use crate::loyalty::plan::{self, NewEntry, OrderRecord, PlanError};
use crate::loyalty::referral::normalize_email;
use crate::loyalty::rules::LoyaltyRules;
use crate::loyalty::tiers::{contributions_sql, Contribution};
use crate::loyalty::token::CustomerClaims;
use crate::store::loyalty::{
    for_config_target, Adjustment, AnswerCredit, AnswerOutcome, ApplyOutcome, CustomerSnapshot,
    Delivery, ImportCounts, IssuedCode, LoyaltyStore, OutboxItem, OutboxState, RedeemOutcome,
    ReferralState, RewardOutcome, RewardRedemption,
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
            &ledger::balance_sql("$1", "$2", "$3"),
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
    if n == 1 && points > 0 {
        let e = crate::hooks::event::points_earned(
            site,
            customer,
            kind.as_str(),
            source_id,
            points,
            now,
        );
        tx.execute(
            "INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (event_id) DO NOTHING",
            &[&e.site, &e.event_id, &e.payload, &e.at],
        )
        .await?;
    }
    Ok(n == 1)
}

/// Appends planned entries written at `created_at` (`None`: each at its own instant, its
/// `available_at`, as expiries are dated); returns how many were new.
async fn append_entries(
    tx: &Transaction<'_>,
    site: &str,
    entries: &[NewEntry],
    created_at: Option<i64>,
) -> Result<usize, StoreError> {
    let mut new = 0;
    for e in entries {
        if append(
            tx,
            site,
            &e.customer,
            e.kind,
            &e.source_id,
            e.points,
            created_at.unwrap_or(e.available_at),
            e.available_at,
            None,
            None,
        )
        .await?
        {
            new += 1;
        }
    }
    Ok(new)
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

/// Records the customer of an imported order or one arriving by webhook with its e-mail
/// (where the inbox reads a customer's e-mail): a new customer is seen at the order's date; a known one keeps the
/// e-mail it has (a verified token's wins) and widens its first and last seen.
async fn remember_customer(
    tx: &Transaction<'_>,
    site: &str,
    customer: Option<&str>,
    email: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    let (Some(customer), Some(email)) = (customer, email) else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO customers (site, id, email, name, first_seen, last_seen)
         VALUES ($1, $2, $3, NULL, $4, $4)
         ON CONFLICT (site, id) DO UPDATE SET
            email = coalesce(customers.email, excluded.email),
            first_seen = LEAST(customers.first_seen, excluded.first_seen),
            last_seen = GREATEST(customers.last_seen, excluded.last_seen)",
        &[&site, &customer, &email, &at],
    )
    .await?;
    Ok(())
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
            &contributions_sql("", "o.site = $1 AND o.customer = $2", ""),
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
    let step = redemption::redeem(customer, id, points, known.is_some(), before, now);
    let appended = match &step {
        Redeem::Spend { entry, .. } => {
            append_entries(tx, site, std::slice::from_ref(entry), Some(now)).await? == 1
        }
        Redeem::Done(_) => false,
    };
    Ok(step.settle(appended))
}

/// Reads what the referral `ask` is decided on, records the decided row and returns the
/// referral's status and entries (see [`crate::loyalty::plan::referral`]).
async fn referral_step(
    tx: &Transaction<'_>,
    site: &str,
    platform: &str,
    order_id: &str,
    ask: &ReferralAsk,
    now: i64,
) -> Result<(String, Vec<NewEntry>), StoreError> {
    let mut owners = Vec::new();
    for code in &ask.codes {
        if let Some(row) = tx
            .query_opt(
                "SELECT customer FROM referral_codes WHERE site = $1 AND code = $2",
                &[&site, code],
            )
            .await?
        {
            owners.push((code.clone(), row.try_get(0)?));
        }
    }
    let picked = ask.referrer(&owners);
    let mut referrer_emails: Vec<String> = Vec::new();
    if let Some(referrer) = &picked.1 {
        if let Some(row) = tx
            .query_opt(
                "SELECT email FROM customers WHERE site = $1 AND id = $2",
                &[&site, referrer],
            )
            .await?
        {
            referrer_emails.extend(row.try_get::<_, Option<String>>(0)?);
        }
        for row in tx
            .query(
                "SELECT DISTINCT email_norm FROM orders
                 WHERE site = $1 AND customer = $2 AND email_norm IS NOT NULL",
                &[&site, referrer],
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
            &[&site, &platform, &order_id, &ask.referee, &ask.referee_email],
        )
        .await?;
    let already = tx
        .query_opt(
            "SELECT 1 FROM referrals WHERE site = $1 AND status IN ('credited', 'reversed')
             AND (referee = $2 OR ($3::text IS NOT NULL AND referee_email = $3::text)) LIMIT 1",
            &[&site, &ask.referee, &ask.referee_email],
        )
        .await?;
    let row = ask.decide(picked, &referrer_emails, prior.is_some(), already.is_some());
    // Any unique key (the referral id, or a credited referee by id or e-mail) makes this a
    // no-op: a concurrent first order of the same shopper (under another order's lock)
    // waits for the first to commit and then loses here.
    let inserted = tx
        .execute(
            "INSERT INTO referrals (site, id, code, referrer, referee, referee_email, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            &[
                &site,
                &row.id,
                &row.code,
                &row.referrer,
                &row.referee,
                &row.referee_email,
                &row.status,
                &now,
            ],
        )
        .await?;
    Ok(row.outcome(inserted == 1))
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
            let earner = plan::tier_lookup(&rules, existing.as_ref(), &event);
            let tier = match &earner {
                Some(customer) => Some(contributions(&tx, &site, customer).await?),
                None => None,
            };
            let rules = plan::earn_rules(&rules, tier.as_deref(), now);
            let before = existing.clone();
            let mut applied = match plan::apply(p, existing, &event, &rules, now) {
                Ok(a) => a,
                // The transaction is dropped (rolled back): the retry is processed.
                Err(PlanError::UnknownOrder(id)) => return Ok(ApplyOutcome::UnknownOrder(id)),
            };
            save_order(&tx, &site, p, &order_id, &applied.record, now).await?;
            // As the SQLite store: the order's customer and e-mail, an e-mail already
            // recorded (a verified token's first) kept.
            if let OrderEvent::Order(o) = &event {
                let (customer, email) = (o.customer.as_deref(), o.email.as_deref());
                remember_customer(&tx, &site, customer, email, now).await?;
            }
            let ask = referral::ask(
                p,
                &event,
                rules.referral.as_ref(),
                before.as_ref(),
                &applied.record,
            );
            let mut referral = match ask {
                Some(ask) => {
                    let (status, extra) =
                        referral_step(&tx, &site, p, &order_id, &ask, now).await?;
                    applied.entries.extend(extra);
                    Some(status)
                }
                None => None,
            };
            if let Some(ask) = reversal::ask(p, &order_id, before.as_ref(), &applied.record) {
                let credits = super::referral_credits::read(&tx, &site, &ask).await?;
                if let Some((status, extra)) = ask.decide(&credits, &applied.entries) {
                    tx.execute(
                        "UPDATE referrals SET status = $3 WHERE site = $1 AND id = $2 AND status = 'credited'",
                        &[&site, &ask.referral_id, &status],
                    )
                    .await?;
                    applied.entries.extend(extra);
                    referral = Some(status);
                }
            }
            for refund in &applied.new_refunds {
                tx.execute(
                    "INSERT INTO order_refunds (site, platform, refund_id, order_id, eligible, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    &[&site, &p, &refund.refund_id, &order_id, &refund.eligible, &now],
                )
                .await?;
            }
            let entries = append_entries(&tx, &site, &applied.entries, Some(now)).await?;
            if let (Some(customer), Some(before), Some(tiers)) = (&earner, &tier, &rules.tiers) {
                let after = contributions(&tx, &site, customer).await?;
                let source = format!("{p}:{order_id}:{now}");
                if let Some(e) = crate::hooks::event::tier_change(
                    tiers, &site, customer, before, &after, &source, now,
                ) {
                    tx.execute(
                        "INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
                         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (event_id) DO NOTHING",
                        &[&e.site, &e.event_id, &e.payload, &e.at],
                    )
                    .await?;
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
            let issued = tx
                .query_opt(
                    "SELECT code, reward FROM reward_codes WHERE site = $1 AND redemption_id = $2",
                    &[&site, &r.id],
                )
                .await?
                .map(|row| Ok::<_, StoreError>((row.try_get(0)?, row.try_get(1)?)))
                .transpose()?;
            let redeemed = redeem_in(&tx, &site, &r.customer, &r.id, r.points, now).await?;
            let balance = match redemption::reward(redeemed, issued) {
                Ok(balance) => balance,
                Err(outcome) => return Ok(outcome),
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
                    "SELECT event_id, attempts, delivered_at, failed_at, last_error, payload
                     FROM outbox WHERE site = $1 ORDER BY seq",
                    &[&site],
                )
                .await?;
            rows.iter()
                .filter(|r| for_config_target(r.try_get::<_, &str>(5).unwrap_or_default()))
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
            let due = expiry::due(&customer, &entries, policy, now);
            // An expiry is dated at its own instant.
            let written = append_entries(&tx, &site, &due, None).await?;
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
                    &contributions_sql(
                        "o.customer, ",
                        "o.site = $1 AND o.customer IS NOT NULL",
                        "o.customer, ",
                    ),
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
            let read = AnswerRead {
                stored_customer: stored,
                earlier_points: earlier,
                last_credit_for_survey: last,
            };
            let plan = answer_plan::credit(&c, &read, now);
            if let Some(e) = &plan.entry {
                // A response id is credited to one customer only: a concurrent credit of
                // the same id (under another customer's lock) makes this one a no-op.
                let new = tx
                    .execute(
                        "INSERT INTO answer_credits (site, response_id, customer, survey, points, credited_at)
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                        &[&c.site, &c.response_id, &c.customer, &c.survey, &e.points, &now],
                    )
                    .await?;
                if new == 1 {
                    append_entries(&tx, &c.site, std::slice::from_ref(e), Some(now)).await?;
                }
            }
            tx.commit().await?;
            Ok(plan.outcome)
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
            let mut known = std::collections::BTreeSet::new();
            for o in &orders {
                let id = &o.facts.order_id;
                // The webhooks' per-order lock: an import racing a webhook of the same
                // order sees it stored, or stores first and the webhook then merges.
                lock(&tx, &["order", &site, p, id]).await?;
                if load_order(&tx, &site, p, id).await?.is_some() {
                    known.insert(id.clone());
                }
            }
            let plan = history::import_batch(p, &orders, &known, &rules, credit, now);
            let mut counts = ImportCounts {
                duplicates: plan.duplicates,
                ..ImportCounts::default()
            };
            for o in &plan.orders {
                // Dated by the order's own date (see crate::loyalty::import_dates).
                save_order(&tx, &site, p, &o.order_id, &o.applied.record, o.at).await?;
                counts.imported += 1;
                let new = append_entries(&tx, &site, &o.applied.entries, Some(o.at)).await?;
                counts.entries += new as u64;
            }
            // Every order read, new or already stored, so that importing a file again fills
            // the e-mails of customers imported before they were recorded.
            for o in &orders {
                let at = order_instant(o.placed_at, now);
                remember_customer(
                    &tx,
                    &site,
                    o.facts.customer.as_deref(),
                    o.facts.email.as_deref(),
                    at,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(counts)
        })
    }

    fn referrals_by(&self, site: String, referrer: String) -> StoreFuture<'_, Vec<ReferralState>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT status, created_at FROM referrals
                     WHERE site = $1 AND referrer = $2 AND status IN ('credited', 'reversed')
                     ORDER BY created_at, id",
                    &[&site, &referrer],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(ReferralState {
                        status: r.try_get(0)?,
                        at: r.try_get(1)?,
                    })
                })
                .collect()
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
