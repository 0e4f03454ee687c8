//! SQLite implementation of [`LoyaltyStore`]: one read-write connection of its own (beside
//! the response writer's), used on the blocking pool, every operation one `BEGIN
//! IMMEDIATE` transaction. The immediate transaction takes SQLite's write lock before it
//! reads, so a redemption's balance check and its insert cannot interleave with another's,
//! in this process or another one on the same file.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

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

/// The loyalty tables of one SQLite file.
pub struct SqliteLoyalty {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteLoyalty {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        super::configure(&conn).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(SqliteLoyalty {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn run<T, F>(&self, f: F) -> StoreFuture<'_, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut guard = conn
                    .lock()
                    .map_err(|_| StoreError::Task("loyalty connection poisoned".into()))?;
                f(&mut guard)
            })
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
        })
    }
}

fn immediate(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}

fn balance_at(tx: &Connection, site: &str, customer: &str, now: i64) -> rusqlite::Result<Balance> {
    tx.query_row(
        "SELECT coalesce(sum(CASE WHEN available_at <= ?3 OR kind IN ('redemption', 'adjustment')
                                  THEN points ELSE 0 END), 0),
                coalesce(sum(CASE WHEN available_at > ?3 AND kind NOT IN ('redemption', 'adjustment')
                                  THEN points ELSE 0 END), 0)
         FROM ledger WHERE site = ?1 AND customer = ?2",
        params![site, customer, now],
        |r| {
            Ok(Balance {
                spendable: r.get(0)?,
                pending: r.get(1)?,
            })
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn append(
    tx: &Connection,
    site: &str,
    customer: &str,
    kind: SourceKind,
    source_id: &str,
    points: i64,
    now: i64,
    available_at: i64,
    reason: Option<&str>,
    actor: Option<&str>,
) -> rusqlite::Result<bool> {
    let n = tx.execute(
        "INSERT INTO ledger (site, customer, kind, source_id, points, created_at, available_at, reason, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (site, kind, source_id) DO NOTHING",
        params![site, customer, kind.as_str(), source_id, points, now, available_at, reason, actor],
    )?;
    Ok(n == 1)
}

fn load_order(
    tx: &Connection,
    site: &str,
    platform: &str,
    order_id: &str,
) -> rusqlite::Result<Option<OrderRecord>> {
    let record = tx
        .query_row(
            "SELECT customer, email, currency, total, eligible, paid, cancelled, earned,
                    earned_points, reversed_points, refunded, available_at
             FROM orders WHERE site = ?1 AND platform = ?2 AND order_id = ?3",
            params![site, platform, order_id],
            |r| {
                Ok(OrderRecord {
                    customer: r.get(0)?,
                    email: r.get(1)?,
                    currency: r.get(2)?,
                    total: r.get(3)?,
                    eligible: r.get(4)?,
                    paid: r.get(5)?,
                    cancelled: r.get(6)?,
                    earned: r.get(7)?,
                    earned_points: r.get(8)?,
                    reversed_points: r.get(9)?,
                    refunded: r.get(10)?,
                    available_at: r.get(11)?,
                    refund_ids: Default::default(),
                })
            },
        )
        .optional()?;
    let Some(mut record) = record else {
        return Ok(None);
    };
    let mut stmt = tx.prepare_cached(
        "SELECT refund_id FROM order_refunds WHERE site = ?1 AND platform = ?2 AND order_id = ?3",
    )?;
    record.refund_ids = stmt
        .query_map(params![site, platform, order_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(record))
}

fn save_order(
    tx: &Connection,
    site: &str,
    platform: &str,
    order_id: &str,
    r: &OrderRecord,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO orders (site, platform, order_id, customer, email, currency, total, eligible,
            paid, cancelled, earned, earned_points, reversed_points, refunded, available_at,
            created_at, updated_at, email_norm)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17)
         ON CONFLICT (site, platform, order_id) DO UPDATE SET
            customer = excluded.customer, email = excluded.email, currency = excluded.currency,
            email_norm = excluded.email_norm,
            total = excluded.total, eligible = excluded.eligible, paid = excluded.paid,
            cancelled = excluded.cancelled, earned = excluded.earned,
            earned_points = excluded.earned_points, reversed_points = excluded.reversed_points,
            refunded = excluded.refunded, available_at = excluded.available_at,
            updated_at = excluded.updated_at",
        params![
            site,
            platform,
            order_id,
            r.customer,
            r.email,
            r.currency,
            r.total,
            r.eligible,
            r.paid,
            r.cancelled,
            r.earned,
            r.earned_points,
            r.reversed_points,
            r.refunded,
            r.available_at,
            now,
            r.email.as_deref().and_then(normalize_email)
        ],
    )?;
    Ok(())
}

fn contributions(
    conn: &Connection,
    site: &str,
    customer: &str,
) -> rusqlite::Result<Vec<Contribution>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(l.created_at, o.created_at), o.earned_points - o.reversed_points,
        CASE WHEN o.cancelled THEN 0 ELSE o.eligible - o.refunded END
 FROM orders o LEFT JOIN ledger l
   ON l.site = o.site AND l.kind = 'order' AND l.source_id = o.platform || ':' || o.order_id
 WHERE o.site = ?1 AND o.customer = ?2 AND o.earned
 ORDER BY coalesce(l.created_at, o.created_at)",
    )?;
    let rows = stmt.query_map(params![site, customer], |r| {
        Ok(Contribution {
            at: r.get(0)?,
            points: r.get(1)?,
            spend: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Decides the referral of an order that earned just now (see [`crate::loyalty::referral`])
/// and records it; returns its status and the entries to append.
#[allow(clippy::too_many_arguments)]
fn referral_step(
    tx: &Connection,
    site: &str,
    platform: &str,
    order_id: &str,
    record: &OrderRecord,
    codes: &[String],
    rule: &ReferralRule,
    now: i64,
) -> rusqlite::Result<Option<(String, Vec<NewEntry>)>> {
    let (Some(referee), Some(first), Some(available_at)) = (
        record.customer.as_deref(),
        codes.first(),
        record.available_at,
    ) else {
        return Ok(None);
    };
    let mut found: Option<(String, String)> = None;
    for code in codes {
        let owner: Option<String> = tx
            .query_row(
                "SELECT customer FROM referral_codes WHERE site = ?1 AND code = ?2",
                params![site, code],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(owner) = owner {
            found = Some((code.clone(), owner));
            break;
        }
    }
    let code = found.as_ref().map_or(first.as_str(), |f| f.0.as_str());
    let referrer = found.as_ref().map(|f| f.1.as_str());
    let referee_email = record.email.as_deref().and_then(normalize_email);
    let mut referrer_emails: Vec<String> = Vec::new();
    if let Some(referrer) = referrer {
        let own: Option<Option<String>> = tx
            .query_row(
                "SELECT email FROM customers WHERE site = ?1 AND id = ?2",
                params![site, referrer],
                |r| r.get(0),
            )
            .optional()?;
        referrer_emails.extend(own.flatten().as_deref().and_then(normalize_email));
        let mut stmt = tx.prepare_cached(
            "SELECT DISTINCT email_norm FROM orders
             WHERE site = ?1 AND customer = ?2 AND email_norm IS NOT NULL",
        )?;
        for e in stmt.query_map(params![site, referrer], |r| r.get::<_, String>(0))? {
            referrer_emails.push(e?);
        }
    }
    let prior: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM orders WHERE site = ?1 AND paid AND NOT (platform = ?2 AND order_id = ?3)
             AND (customer = ?4 OR (?5 IS NOT NULL AND email_norm = ?5)) LIMIT 1",
            params![site, platform, order_id, referee, referee_email],
            |r| r.get(0),
        )
        .optional()?;
    let already: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM referrals WHERE site = ?1 AND status = 'credited'
             AND (referee = ?2 OR (?3 IS NOT NULL AND referee_email = ?3)) LIMIT 1",
            params![site, referee, referee_email],
            |r| r.get(0),
        )
        .optional()?;
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
    // no-op: a concurrent first order of the same shopper loses here.
    let inserted = tx.execute(
        "INSERT INTO referrals (site, id, code, referrer, referee, referee_email, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
        params![site, referral_id, code, referrer, referee, referee_email, status, now],
    )?;
    Ok(Some(match decision {
        Ok(credit) if inserted == 1 => (
            status,
            plan::referral_entries(&credit, referee, &referral_id, available_at),
        ),
        Ok(_) => ("repeat_referral".to_owned(), Vec::new()),
        Err(_) => (status, Vec::new()),
    }))
}

fn apply_order(
    conn: &mut Connection,
    site: &str,
    platform: Platform,
    delivery: Option<&Delivery>,
    event: &OrderEvent,
    rules: &LoyaltyRules,
    now: i64,
) -> Result<ApplyOutcome, StoreError> {
    let tx = immediate(conn)?;
    if let Some(d) = delivery {
        let new = tx.execute(
            "INSERT INTO webhook_deliveries (site, source, id, received_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site, source, id) DO NOTHING",
            params![site, d.source, d.id, now],
        )?;
        if new == 0 {
            return Ok(ApplyOutcome::Replay);
        }
    }
    let p = platform.as_str();
    let order_id = event.order_id();
    let existing = load_order(&tx, site, p, order_id)?;
    let rules = match (&rules.tiers, plan::earner(existing.as_ref(), event)) {
        (Some(tiers), Some(customer)) => {
            rules.with_multiplier(tiers.multiplier(&contributions(&tx, site, &customer)?, now))
        }
        _ => rules.clone(),
    };
    let before = existing.clone();
    let mut applied = match plan::apply(p, existing, event, &rules, now) {
        Ok(a) => a,
        // Dropping the transaction rolls the delivery record back: the retry is processed.
        Err(PlanError::UnknownOrder(id)) => return Ok(ApplyOutcome::UnknownOrder(id)),
    };
    save_order(&tx, site, p, order_id, &applied.record, now)?;
    let mut referral = None;
    if let (OrderEvent::Order(facts), Some(rule), true) = (
        event,
        &rules.referral,
        plan::newly_earned(before.as_ref(), &applied.record),
    ) {
        if let Some((status, extra)) = referral_step(
            &tx,
            site,
            p,
            order_id,
            &applied.record,
            &facts.referral,
            rule,
            now,
        )? {
            referral = Some(status);
            applied.entries.extend(extra);
        }
    }
    if super::referral_credits::reverse_if_voided(
        &tx,
        site,
        p,
        order_id,
        before.as_ref(),
        &mut applied,
    )? {
        referral = Some("reversed".to_owned());
    }
    for refund in &applied.new_refunds {
        tx.execute(
            "INSERT INTO order_refunds (site, platform, refund_id, order_id, eligible, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![site, p, refund.refund_id, order_id, refund.eligible, now],
        )?;
    }
    let mut entries = 0;
    for e in &applied.entries {
        if append(
            &tx,
            site,
            &e.customer,
            e.kind,
            &e.source_id,
            e.points,
            now,
            e.available_at,
            None,
            None,
        )? {
            entries += 1;
        }
    }
    tx.commit()?;
    Ok(ApplyOutcome::Applied { entries, referral })
}

fn load_entries(conn: &Connection, site: &str, customer: &str) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT customer, kind, source_id, points, created_at, available_at, reason, actor
         FROM ledger WHERE site = ?1 AND customer = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![site, customer], row_to_entry)?;
    rows.collect()
}

fn expire(
    conn: &mut Connection,
    site: &str,
    customer: &str,
    policy: ExpiryPolicy,
    now: i64,
) -> Result<usize, StoreError> {
    // Most calls find nothing due: decide on a plain read first, lock only to write.
    if expiry::due(customer, &load_entries(conn, site, customer)?, policy, now).is_empty() {
        return Ok(0);
    }
    let tx = immediate(conn)?;
    let due = expiry::due(customer, &load_entries(&tx, site, customer)?, policy, now);
    let mut written = 0;
    for e in &due {
        if append(
            &tx,
            site,
            customer,
            e.kind,
            &e.source_id,
            e.points,
            e.available_at,
            e.available_at,
            None,
            None,
        )? {
            written += 1;
        }
    }
    tx.commit()?;
    Ok(written)
}

/// The redemption step shared by points and reward redemptions, inside the caller's
/// immediate transaction (which holds SQLite's write lock): nothing is committed here.
fn redeem_in(
    tx: &Connection,
    site: &str,
    customer: &str,
    id: &str,
    points: i64,
    now: i64,
) -> rusqlite::Result<RedeemOutcome> {
    let known: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM ledger WHERE site = ?1 AND kind = 'redemption' AND source_id = ?2",
            params![site, id],
            |r| r.get(0),
        )
        .optional()?;
    let before = balance_at(tx, site, customer, now)?;
    if known.is_some() {
        return Ok(RedeemOutcome::Duplicate(before));
    }
    if before.spendable < points {
        return Ok(RedeemOutcome::Insufficient(before));
    }
    append(
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
    )?;
    Ok(RedeemOutcome::Redeemed(balance_at(
        tx, site, customer, now,
    )?))
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let kind: String = r.get(1)?;
    Ok(Entry {
        customer: r.get(0)?,
        kind: SourceKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("unknown ledger kind {kind:?}").into(),
            )
        })?,
        source_id: r.get(2)?,
        points: r.get(3)?,
        created_at: r.get(4)?,
        available_at: r.get(5)?,
        reason: r.get(6)?,
        actor: r.get(7)?,
    })
}

impl LoyaltyStore for SqliteLoyalty {
    fn apply_order(
        &self,
        site: String,
        platform: Platform,
        delivery: Option<Delivery>,
        event: OrderEvent,
        rules: LoyaltyRules,
        now: i64,
    ) -> StoreFuture<'_, ApplyOutcome> {
        self.run(move |conn| {
            apply_order(
                conn,
                &site,
                platform,
                delivery.as_ref(),
                &event,
                &rules,
                now,
            )
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
        self.run(move |conn| {
            let tx = immediate(conn)?;
            let outcome = redeem_in(&tx, &site, &customer, &id, points, now)?;
            if matches!(outcome, RedeemOutcome::Redeemed(_)) {
                tx.commit()?;
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
        self.run(move |conn| {
            let tx = immediate(conn)?;
            let issued: Option<(String, String)> = tx
                .query_row(
                    "SELECT code, reward FROM reward_codes WHERE site = ?1 AND redemption_id = ?2",
                    params![site, r.id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let balance = match redeem_in(&tx, &site, &r.customer, &r.id, r.points, now)? {
                RedeemOutcome::Redeemed(b) => b,
                RedeemOutcome::Duplicate(balance) => {
                    return Ok(RewardOutcome::Duplicate { balance, issued })
                }
                RedeemOutcome::Insufficient(b) => return Ok(RewardOutcome::Insufficient(b)),
            };
            let new = tx.execute(
                "INSERT INTO reward_codes (site, code, redemption_id, customer, reward, points, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (site, code) DO NOTHING",
                params![site, r.code, r.id, r.customer, r.reward, r.points, now],
            )?;
            if new == 0 {
                // Dropping the transaction takes the redemption back too.
                return Ok(RewardOutcome::CodeTaken);
            }
            tx.execute(
                "INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![site, r.event_id, r.payload, now],
            )?;
            tx.commit()?;
            Ok(RewardOutcome::Redeemed(balance))
        })
    }

    fn reward_codes(&self, site: String, customer: String) -> StoreFuture<'_, Vec<IssuedCode>> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT redemption_id, reward, code FROM reward_codes
                 WHERE site = ?1 AND customer = ?2 ORDER BY created_at, code",
            )?;
            let rows = stmt.query_map(params![site, customer], |r| {
                Ok(IssuedCode {
                    redemption: r.get(0)?,
                    reward: r.get(1)?,
                    code: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn outbox_claim(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<OutboxItem>> {
        self.run(move |conn| {
            // Most polls find nothing: look before taking the write lock.
            let due: Option<i64> = conn
                .query_row(
                    "SELECT seq FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL
                        AND next_attempt_at <= ?1 LIMIT 1",
                    params![now],
                    |r| r.get(0),
                )
                .optional()?;
            if due.is_none() {
                return Ok(Vec::new());
            }
            let tx = immediate(conn)?;
            let items = {
                let mut stmt = tx.prepare_cached(
                    "SELECT seq, site, event_id, payload, attempts FROM outbox
                     WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, seq LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![now, limit.min(1000) as i64], |r| {
                    Ok(OutboxItem {
                        seq: r.get(0)?,
                        site: r.get(1)?,
                        event_id: r.get(2)?,
                        payload: r.get(3)?,
                        attempts: r.get(4)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            for item in &items {
                tx.execute(
                    "UPDATE outbox SET next_attempt_at = ?2 WHERE seq = ?1",
                    params![item.seq, lease_until],
                )?;
            }
            tx.commit()?;
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
        self.run(move |conn| {
            match error {
                None => conn.execute(
                    "UPDATE outbox SET delivered_at = ?2 WHERE seq = ?1",
                    params![seq, now],
                )?,
                Some(e) => conn.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,
                        next_attempt_at = coalesce(?3, next_attempt_at),
                        failed_at = CASE WHEN ?3 IS NULL THEN ?4 END
                     WHERE seq = ?1",
                    params![seq, e, retry_at, now],
                )?,
            };
            Ok(())
        })
    }

    fn outbox_states(&self, site: String) -> StoreFuture<'_, Vec<OutboxState>> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT event_id, attempts, delivered_at, failed_at, last_error FROM outbox
                 WHERE site = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![site], |r| {
                Ok(OutboxState {
                    event_id: r.get(0)?,
                    attempts: r.get(1)?,
                    delivered_at: r.get(2)?,
                    failed_at: r.get(3)?,
                    last_error: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn adjust(&self, site: String, a: Adjustment, now: i64) -> StoreFuture<'_, bool> {
        self.run(move |conn| {
            let tx = immediate(conn)?;
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
            )?;
            tx.commit()?;
            Ok(new)
        })
    }

    fn entries(&self, site: String, customer: String) -> StoreFuture<'_, Vec<Entry>> {
        self.run(move |conn| Ok(load_entries(conn, &site, &customer)?))
    }

    fn expire(
        &self,
        site: String,
        customer: String,
        policy: ExpiryPolicy,
        now: i64,
    ) -> StoreFuture<'_, usize> {
        self.run(move |conn| expire(conn, &site, &customer, policy, now))
    }

    fn expiry_candidates(
        &self,
        site: String,
        inactive_since: i64,
        after: String,
        limit: usize,
    ) -> StoreFuture<'_, Vec<String>> {
        self.run(move |conn| {
            let sql = format!(
                "SELECT customer FROM ledger WHERE site = ?1 AND customer > ?4 GROUP BY customer
                 HAVING sum(points) > 0
                    AND max(CASE WHEN {ACTIVITY_SQL} THEN created_at END) <= ?2
                 ORDER BY customer LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    site,
                    inactive_since,
                    limit.min(i64::MAX as usize) as i64,
                    after
                ],
                |r| r.get(0),
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
        })
    }

    fn touch_customer(&self, c: CustomerClaims, now: i64) -> StoreFuture<'_, ()> {
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO customers (site, id, email, name, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (site, id) DO UPDATE SET
                    email = coalesce(excluded.email, customers.email),
                    name = coalesce(excluded.name, customers.name),
                    last_seen = excluded.last_seen",
                params![c.site, c.sub, c.email, c.name, now],
            )?;
            Ok(())
        })
    }

    fn tier_contributions(
        &self,
        site: String,
        customer: String,
    ) -> StoreFuture<'_, Vec<Contribution>> {
        self.run(move |conn| Ok(contributions(conn, &site, &customer)?))
    }

    fn snapshots(&self, site: String) -> StoreFuture<'_, Vec<CustomerSnapshot>> {
        self.run(move |conn| {
            let sql = format!(
                "SELECT customer, sum(points), max(CASE WHEN {ACTIVITY_SQL} THEN created_at END)
                 FROM ledger WHERE site = ?1 GROUP BY customer"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let totals = stmt
                .query_map(params![site], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = conn.prepare_cached(
                "SELECT o.customer, coalesce(l.created_at, o.created_at), o.earned_points - o.reversed_points,
        CASE WHEN o.cancelled THEN 0 ELSE o.eligible - o.refunded END
 FROM orders o LEFT JOIN ledger l
   ON l.site = o.site AND l.kind = 'order' AND l.source_id = o.platform || ':' || o.order_id
 WHERE o.site = ?1 AND o.earned AND o.customer IS NOT NULL
 ORDER BY o.customer, coalesce(l.created_at, o.created_at)",
            )?;
            let orders = stmt
                .query_map(params![site], |r| {
                    Ok((
                        r.get(0)?,
                        Contribution {
                            at: r.get(1)?,
                            points: r.get(2)?,
                            spend: r.get(3)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(crate::store::loyalty::snapshots(totals, orders))
        })
    }

    fn credit_answer(&self, c: AnswerCredit, now: i64) -> StoreFuture<'_, AnswerOutcome> {
        self.run(move |conn| {
            let tx = immediate(conn)?;
            let stored: Option<Option<String>> = tx
                .query_row(
                    "SELECT customer FROM responses WHERE site = ?1 AND id = ?2",
                    params![c.site, c.response_id],
                    |r| r.get(0),
                )
                .optional()?;
            let earlier: Option<i64> = tx
                .query_row(
                    "SELECT points FROM answer_credits WHERE site = ?1 AND response_id = ?2",
                    params![c.site, c.response_id],
                    |r| r.get(0),
                )
                .optional()?;
            let last: Option<i64> = tx.query_row(
                "SELECT max(credited_at) FROM answer_credits
                 WHERE site = ?1 AND customer = ?2 AND survey = ?3",
                params![c.site, c.customer, c.survey],
                |r| r.get(0),
            )?;
            let facts = AnswerFacts {
                partial: c.partial,
                stored_for_customer: stored.flatten().as_deref() == Some(c.customer.as_str()),
                already_credited: earlier.is_some(),
                last_credit_for_survey: last,
            };
            let decision = answer::decide(&c.rule, facts, now);
            let points = match decision {
                AnswerDecision::Credit(points) => {
                    tx.execute(
                        "INSERT INTO answer_credits (site, response_id, customer, survey, points, credited_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![c.site, c.response_id, c.customer, c.survey, points, now],
                    )?;
                    append(&tx, &c.site, &c.customer, SourceKind::Answer, &c.response_id, points, now, now, None, None)?;
                    points
                }
                _ => earlier.unwrap_or(0),
            };
            tx.commit()?;
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
        self.run(move |conn| {
            let tx = immediate(conn)?;
            let p = platform.as_str();
            let mut counts = ImportCounts::default();
            for o in &orders {
                let id = &o.facts.order_id;
                if load_order(&tx, &site, p, id)?.is_some() {
                    counts.duplicates += 1;
                    continue;
                }
                // Dated by the order's own date (see crate::loyalty::import_dates).
                let placed = import_dates::order_instant(o.placed_at, now);
                let applied = plan::import(p, &o.facts, &rules, placed, credit);
                save_order(&tx, &site, p, id, &applied.record, placed)?;
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
                    )? {
                        counts.entries += 1;
                    }
                }
            }
            tx.commit()?;
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
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO referral_codes (site, code, customer, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (site, code) DO NOTHING",
                params![site, code, customer, now],
            )?;
            Ok(())
        })
    }

    fn order_count(&self, site: String) -> StoreFuture<'_, u64> {
        self.run(move |conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM orders WHERE site = ?1",
                params![site],
                |r| r.get(0),
            )?;
            Ok(n.max(0) as u64)
        })
    }
}
