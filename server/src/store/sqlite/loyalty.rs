//! SQLite implementation of [`LoyaltyStore`]: one read-write connection of its own (beside
//! the response writer's), used on the blocking pool, every operation one `BEGIN
//! IMMEDIATE` transaction. The immediate transaction takes SQLite's write lock before it
//! reads, so a redemption's balance check and its insert cannot interleave with another's,
//! in this process or another one on the same file.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::area::AreaConnection;
use crate::hooks::event::tier_change;
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

/// The loyalty tables of one SQLite file.
pub struct SqliteLoyalty {
    conn: AreaConnection,
}

impl SqliteLoyalty {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteLoyalty {
            conn: AreaConnection::open(path, "loyalty")?,
        })
    }
}

fn immediate(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}

fn balance_at(tx: &Connection, site: &str, customer: &str, now: i64) -> rusqlite::Result<Balance> {
    tx.query_row(
        &ledger::balance_sql("?1", "?2", "?3"),
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
    // A new credit is announced in the same transaction (`points.earned`).
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
             VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (event_id) DO NOTHING",
            params![e.site, e.event_id, e.payload, e.at],
        )?;
    }
    Ok(n == 1)
}

/// Appends planned entries written at `created_at` (`None`: each at its own instant, its
/// `available_at`, as expiries are dated); returns how many were new.
fn append_entries(
    tx: &Connection,
    site: &str,
    entries: &[NewEntry],
    created_at: Option<i64>,
) -> rusqlite::Result<usize> {
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
        )? {
            new += 1;
        }
    }
    Ok(new)
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

/// Records the customer of an imported order or one arriving by webhook with its e-mail
/// (where the inbox reads a customer's e-mail): a new customer is seen at the order's date; a known one keeps the
/// e-mail it has (a verified token's wins) and widens its first and last seen.
fn remember_customer(
    tx: &Connection,
    site: &str,
    customer: Option<&str>,
    email: Option<&str>,
    at: i64,
) -> rusqlite::Result<()> {
    let (Some(customer), Some(email)) = (customer, email) else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO customers (site, id, email, name, first_seen, last_seen)
         VALUES (?1, ?2, ?3, NULL, ?4, ?4)
         ON CONFLICT (site, id) DO UPDATE SET
            email = coalesce(customers.email, excluded.email),
            first_seen = min(customers.first_seen, excluded.first_seen),
            last_seen = max(customers.last_seen, excluded.last_seen)",
        params![site, customer, email, at],
    )?;
    Ok(())
}

fn contributions(
    conn: &Connection,
    site: &str,
    customer: &str,
) -> rusqlite::Result<Vec<Contribution>> {
    let mut stmt = conn.prepare_cached(&contributions_sql(
        "",
        "o.site = ?1 AND o.customer = ?2",
        "",
    ))?;
    let rows = stmt.query_map(params![site, customer], |r| {
        Ok(Contribution {
            at: r.get(0)?,
            points: r.get(1)?,
            spend: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Reads what the referral `ask` is decided on, records the decided row and returns the
/// referral's status and entries (see [`crate::loyalty::plan::referral`]).
fn referral_step(
    tx: &Connection,
    site: &str,
    platform: &str,
    order_id: &str,
    ask: &ReferralAsk,
    now: i64,
) -> rusqlite::Result<(String, Vec<NewEntry>)> {
    let mut owners = Vec::new();
    for code in &ask.codes {
        let owner: Option<String> = tx
            .query_row(
                "SELECT customer FROM referral_codes WHERE site = ?1 AND code = ?2",
                params![site, code],
                |r| r.get(0),
            )
            .optional()?;
        owners.extend(owner.map(|o| (code.clone(), o)));
    }
    let picked = ask.referrer(&owners);
    let mut referrer_emails: Vec<String> = Vec::new();
    if let Some(referrer) = &picked.1 {
        let own: Option<Option<String>> = tx
            .query_row(
                "SELECT email FROM customers WHERE site = ?1 AND id = ?2",
                params![site, referrer],
                |r| r.get(0),
            )
            .optional()?;
        referrer_emails.extend(own.flatten());
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
            params![site, platform, order_id, ask.referee, ask.referee_email],
            |r| r.get(0),
        )
        .optional()?;
    let already: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM referrals WHERE site = ?1 AND status IN ('credited', 'reversed')
             AND (referee = ?2 OR (?3 IS NOT NULL AND referee_email = ?3)) LIMIT 1",
            params![site, ask.referee, ask.referee_email],
            |r| r.get(0),
        )
        .optional()?;
    let row = ask.decide(picked, &referrer_emails, prior.is_some(), already.is_some());
    // Any unique key (the referral id, or a credited referee by id or e-mail) makes this a
    // no-op: a concurrent first order of the same shopper loses here.
    let inserted = tx.execute(
        "INSERT INTO referrals (site, id, code, referrer, referee, referee_email, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
        params![
            site,
            row.id,
            row.code,
            row.referrer,
            row.referee,
            row.referee_email,
            row.status,
            now
        ],
    )?;
    Ok(row.outcome(inserted == 1))
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
    let earner = plan::tier_lookup(rules, existing.as_ref(), event);
    let tier = match &earner {
        Some(customer) => Some(contributions(&tx, site, customer)?),
        None => None,
    };
    let rules = plan::earn_rules(rules, tier.as_deref(), now);
    let before = existing.clone();
    let mut applied = match plan::apply(p, existing, event, &rules, now) {
        Ok(a) => a,
        // Dropping the transaction rolls the delivery record back: the retry is processed.
        Err(PlanError::UnknownOrder(id)) => return Ok(ApplyOutcome::UnknownOrder(id)),
    };
    save_order(&tx, site, p, order_id, &applied.record, now)?;
    // The order's customer and e-mail, recorded as an import records them (the inbox reads
    // the e-mail there; one the customer already has, a verified token's first, is kept).
    if let OrderEvent::Order(o) = event {
        remember_customer(&tx, site, o.customer.as_deref(), o.email.as_deref(), now)?;
    }
    let ask = referral::ask(
        p,
        event,
        rules.referral.as_ref(),
        before.as_ref(),
        &applied.record,
    );
    let mut referral = match ask {
        Some(ask) => {
            let (status, extra) = referral_step(&tx, site, p, order_id, &ask, now)?;
            applied.entries.extend(extra);
            Some(status)
        }
        None => None,
    };
    if let Some(ask) = reversal::ask(p, order_id, before.as_ref(), &applied.record) {
        let credits = super::referral_credits::read(&tx, site, &ask)?;
        if let Some((status, extra)) = ask.decide(&credits, &applied.entries) {
            tx.execute(
                "UPDATE referrals SET status = ?3 WHERE site = ?1 AND id = ?2 AND status = 'credited'",
                params![site, ask.referral_id, status],
            )?;
            applied.entries.extend(extra);
            referral = Some(status);
        }
    }
    for refund in &applied.new_refunds {
        tx.execute(
            "INSERT INTO order_refunds (site, platform, refund_id, order_id, eligible, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![site, p, refund.refund_id, order_id, refund.eligible, now],
        )?;
    }
    let entries = append_entries(&tx, site, &applied.entries, Some(now))?;
    if let (Some(customer), Some(before), Some(tiers)) = (&earner, &tier, &rules.tiers) {
        let after = contributions(&tx, site, customer)?;
        let source = format!("{p}:{order_id}:{now}");
        if let Some(e) = tier_change(tiers, site, customer, before, &after, &source, now) {
            tx.execute(
                "INSERT INTO outbox (site, event_id, payload, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (event_id) DO NOTHING",
                params![e.site, e.event_id, e.payload, e.at],
            )?;
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
    // An expiry is dated at its own instant.
    let written = append_entries(&tx, site, &due, None)?;
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
    let step = redemption::redeem(customer, id, points, known.is_some(), before, now);
    let appended = match &step {
        Redeem::Spend { entry, .. } => {
            append_entries(tx, site, std::slice::from_ref(entry), Some(now))? == 1
        }
        Redeem::Done(_) => false,
    };
    Ok(step.settle(appended))
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
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
            let tx = immediate(conn)?;
            let issued: Option<(String, String)> = tx
                .query_row(
                    "SELECT code, reward FROM reward_codes WHERE site = ?1 AND redemption_id = ?2",
                    params![site, r.id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let redeemed = redeem_in(&tx, &site, &r.customer, &r.id, r.points, now)?;
            let balance = match redemption::reward(redeemed, issued) {
                Ok(balance) => balance,
                Err(outcome) => return Ok(outcome),
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
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT event_id, attempts, delivered_at, failed_at, last_error, payload
                 FROM outbox WHERE site = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![site], |r| {
                let payload: String = r.get(5)?;
                Ok((
                    for_config_target(&payload),
                    OutboxState {
                        event_id: r.get(0)?,
                        attempts: r.get(1)?,
                        delivered_at: r.get(2)?,
                        failed_at: r.get(3)?,
                        last_error: r.get(4)?,
                    },
                ))
            })?;
            let all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(all
                .into_iter()
                .filter(|(keep, _)| *keep)
                .map(|(_, s)| s)
                .collect())
        })
    }

    fn adjust(&self, site: String, a: Adjustment, now: i64) -> StoreFuture<'_, bool> {
        self.conn.run(move |conn| {
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
        self.conn
            .run(move |conn| Ok(load_entries(conn, &site, &customer)?))
    }

    fn expire(
        &self,
        site: String,
        customer: String,
        policy: ExpiryPolicy,
        now: i64,
    ) -> StoreFuture<'_, usize> {
        self.conn
            .run(move |conn| expire(conn, &site, &customer, policy, now))
    }

    fn expiry_candidates(
        &self,
        site: String,
        inactive_since: i64,
        after: String,
        limit: usize,
    ) -> StoreFuture<'_, Vec<String>> {
        self.conn.run(move |conn| {
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
        self.conn.run(move |conn| {
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
        self.conn
            .run(move |conn| Ok(contributions(conn, &site, &customer)?))
    }

    fn snapshots(&self, site: String) -> StoreFuture<'_, Vec<CustomerSnapshot>> {
        self.conn.run(move |conn| {
            let sql = format!(
                "SELECT customer, sum(points), max(CASE WHEN {ACTIVITY_SQL} THEN created_at END)
                 FROM ledger WHERE site = ?1 GROUP BY customer"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let totals = stmt
                .query_map(params![site], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = conn.prepare_cached(&contributions_sql(
                "o.customer, ",
                "o.site = ?1 AND o.customer IS NOT NULL",
                "o.customer, ",
            ))?;
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
        self.conn.run(move |conn| {
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
            let read = AnswerRead {
                stored_customer: stored,
                earlier_points: earlier,
                last_credit_for_survey: last,
            };
            let plan = answer_plan::credit(&c, &read, now);
            if let Some(e) = &plan.entry {
                // One credit row per response id: a no-op row appends nothing.
                let new = tx.execute(
                    "INSERT INTO answer_credits (site, response_id, customer, survey, points, credited_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                    params![c.site, c.response_id, c.customer, c.survey, e.points, now],
                )?;
                if new == 1 {
                    append_entries(&tx, &c.site, std::slice::from_ref(e), Some(now))?;
                }
            }
            tx.commit()?;
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
        self.conn.run(move |conn| {
            let tx = immediate(conn)?;
            let p = platform.as_str();
            let mut known = std::collections::BTreeSet::new();
            for o in &orders {
                let id = &o.facts.order_id;
                if load_order(&tx, &site, p, id)?.is_some() {
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
                save_order(&tx, &site, p, &o.order_id, &o.applied.record, o.at)?;
                counts.imported += 1;
                let new = append_entries(&tx, &site, &o.applied.entries, Some(o.at))?;
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
                )?;
            }
            tx.commit()?;
            Ok(counts)
        })
    }

    fn referrals_by(&self, site: String, referrer: String) -> StoreFuture<'_, Vec<ReferralState>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT status, created_at FROM referrals
                 WHERE site = ?1 AND referrer = ?2 AND status IN ('credited', 'reversed')
                 ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map(params![site, referrer], |r| {
                Ok(ReferralState {
                    status: r.get(0)?,
                    at: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn record_referral_code(
        &self,
        site: String,
        customer: String,
        code: String,
        now: i64,
    ) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            conn.execute(
                "INSERT INTO referral_codes (site, code, customer, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (site, code) DO NOTHING",
                params![site, code, customer, now],
            )?;
            Ok(())
        })
    }

    fn order_count(&self, site: String) -> StoreFuture<'_, u64> {
        self.conn.run(move |conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM orders WHERE site = ?1",
                params![site],
                |r| r.get(0),
            )?;
            Ok(n.max(0) as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::ledger::{balance, ALL_KINDS};
    use proptest::prelude::*;

    proptest! {
        /// The balance the database sums is the one [`ledger::balance`] derives.
        #[test]
        fn the_sql_balance_is_the_ledger_rule(
            rows in proptest::collection::vec((0usize..ALL_KINDS.len(), -500i64..500, 0i64..20), 0..30),
            now in 0i64..20,
        ) {
            let conn = Connection::open_in_memory().map_err(|e| TestCaseError::fail(e.to_string()))?;
            conn.execute_batch(
                "CREATE TABLE ledger (seq INTEGER PRIMARY KEY, site TEXT, customer TEXT, kind TEXT,
                    source_id TEXT, points INTEGER, created_at INTEGER, available_at INTEGER,
                    reason TEXT, actor TEXT, UNIQUE (site, kind, source_id));
                 CREATE TABLE outbox (seq INTEGER PRIMARY KEY, site TEXT, event_id TEXT UNIQUE,
                    payload TEXT, next_attempt_at INTEGER, created_at INTEGER)",
            ).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut entries = Vec::new();
            for (i, (kind, points, available_at)) in rows.into_iter().enumerate() {
                let kind = ALL_KINDS[kind];
                append(&conn, "s", "c", kind, &i.to_string(), points, 0, available_at, None, None)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                // Another customer's entries never count.
                append(&conn, "s", "other", kind, &format!("o{i}"), 1, 0, 0, None, None)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                entries.push(Entry {
                    customer: "c".into(),
                    kind,
                    source_id: i.to_string(),
                    points,
                    created_at: 0,
                    available_at,
                    reason: None,
                    actor: None,
                });
            }
            let summed = balance_at(&conn, "s", "c", now).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(summed, balance(&entries, now));
        }
    }
}
