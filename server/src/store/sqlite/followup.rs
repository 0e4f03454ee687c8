//! SQLite implementation of [`FollowupStore`]: one read-write connection of its own, used
//! on the blocking pool; a follow-up and its outbox event are one `BEGIN IMMEDIATE`
//! transaction.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::area::AreaConnection;
use crate::followup::assign::Group;
use crate::followup::holdout::HoldoutSettings;
use crate::store::followup::{
    sql, Assignment, Followup, FollowupStore, NewFollowup, OutcomeOrder, ResponseFacts,
};
use crate::store::{StoreError, StoreFuture};

/// The follow-up tables of one SQLite file.
pub struct SqliteFollowups {
    conn: AreaConnection,
}

impl SqliteFollowups {
    /// Opens its connection to the (already migrated) file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SqliteFollowups {
            conn: AreaConnection::open(path, "follow-up")?,
        })
    }
}

/// The follow-up in columns 0..10 of `row` ([`sql::COLUMNS`] order).
fn followup(row: &rusqlite::Row<'_>) -> Result<Followup, StoreError> {
    Ok(Followup {
        id: row.get(0)?,
        response_id: row.get(1)?,
        customer: row.get(2)?,
        text: row.get(3)?,
        author: row.get(4)?,
        author_name: row.get(5)?,
        sent_at: row.get(6)?,
        seen_at: row.get(7)?,
        helpful: row.get(8)?,
        overridden: row.get(9)?,
    })
}

fn received_ms(id: &str, text: &str) -> Result<i64, StoreError> {
    rapport::core::datetime::parse_rfc3339(text).ok_or_else(|| StoreError::Corrupt {
        id: id.to_owned(),
        column: "received_at",
        message: format!("not an RFC 3339 instant: {text:?}"),
    })
}

fn facts(row: &rusqlite::Row<'_>) -> Result<ResponseFacts, StoreError> {
    let id: String = row.get(0)?;
    let received: String = row.get(4)?;
    Ok(ResponseFacts {
        received_at: received_ms(&id, &received)?,
        survey: row.get(1)?,
        answers_json: row.get(2)?,
        customer: row.get(3)?,
        partial: row.get(5)?,
        id,
    })
}

fn assignment(row: &rusqlite::Row<'_>) -> Result<Assignment, StoreError> {
    let id: String = row.get(0)?;
    let grp: String = row.get(2)?;
    Ok(Assignment {
        group: Group::parse(&grp).ok_or_else(|| StoreError::Corrupt {
            id: id.clone(),
            column: "grp",
            message: format!("unknown group {grp:?}"),
        })?,
        customer: row.get(1)?,
        share: row.get(3)?,
        assigned_at: row.get(4)?,
        p_alive: row.get(5)?,
        annual_value: row.get(6)?,
        overridden: row.get(7)?,
        response_id: id,
    })
}

fn list<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

fn one(conn: &Connection, site: &str, id: &str) -> Result<Option<Followup>, StoreError> {
    let mut found = list(conn, &sql::sqlite(sql::ONE), params![site, id], followup)?;
    Ok(found.pop())
}

const FACTS: &str = "SELECT id, survey, answers, customer, received_at, partial FROM responses";

impl FollowupStore for SqliteFollowups {
    fn response_facts(&self, site: String, id: String) -> StoreFuture<'_, Option<ResponseFacts>> {
        self.conn.run(move |conn| {
            let sql = format!("{FACTS} WHERE site = ?1 AND id = ?2");
            Ok(list(conn, &sql, params![site, id], facts)?.pop())
        })
    }

    fn responses_between(
        &self,
        site: String,
        from: i64,
        to: i64,
    ) -> StoreFuture<'_, Vec<ResponseFacts>> {
        self.conn.run(move |conn| {
            let sql = format!(
                "{FACTS} WHERE site = ?1 AND received_at >= ?2 AND received_at < ?3 \
                 ORDER BY received_at, id"
            );
            let (from, to) = (
                crate::clock::format_unix_millis(from),
                crate::clock::format_unix_millis(to),
            );
            list(conn, &sql, params![site, from, to], facts)
        })
    }

    fn insert_followup(&self, new: NewFollowup) -> StoreFuture<'_, ()> {
        self.conn.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let f = &new.followup;
            tx.execute(
                &sql::sqlite(sql::INSERT),
                params![
                    new.site,
                    f.id,
                    f.response_id,
                    f.customer,
                    f.text,
                    f.author,
                    f.author_name,
                    f.sent_at,
                    f.overridden
                ],
            )?;
            tx.execute(
                &sql::sqlite(sql::OUTBOX),
                params![new.site, new.event_id, new.event_payload, f.sent_at],
            )?;
            if f.overridden {
                tx.execute(
                    &sql::sqlite(sql::MARK_OVERRIDDEN),
                    params![new.site, f.response_id],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn followups_of(&self, site: String, response_id: String) -> StoreFuture<'_, Vec<Followup>> {
        self.conn.run(move |conn| {
            list(
                conn,
                &sql::sqlite(sql::OF_RESPONSE),
                params![site, response_id],
                followup,
            )
        })
    }

    fn site_followups(&self, site: String) -> StoreFuture<'_, Vec<Followup>> {
        self.conn
            .run(move |conn| list(conn, &sql::sqlite(sql::OF_SITE), params![site], followup))
    }

    fn followups_for_customer(
        &self,
        site: String,
        customer: String,
        since: i64,
        limit: i64,
    ) -> StoreFuture<'_, Vec<(Followup, ResponseFacts)>> {
        self.conn.run(move |conn| {
            list(
                conn,
                &sql::sqlite(sql::FOR_CUSTOMER),
                params![site, customer, since, limit],
                |row| {
                    let f = followup(row)?;
                    let r = ResponseFacts {
                        id: f.response_id.clone(),
                        survey: row.get(10)?,
                        answers_json: row.get(11)?,
                        customer: Some(f.customer.clone()),
                        received_at: 0,
                        partial: false,
                    };
                    Ok((f, r))
                },
            )
        })
    }

    fn mark_seen(
        &self,
        site: String,
        id: String,
        customer: String,
        now: i64,
    ) -> StoreFuture<'_, Option<Followup>> {
        self.conn.run(move |conn| {
            let n = conn.execute(&sql::sqlite(sql::SEEN), params![site, id, customer, now])?;
            match n {
                0 => Ok(None),
                _ => one(conn, &site, &id),
            }
        })
    }

    fn mark_helpful(
        &self,
        site: String,
        id: String,
        customer: String,
        helpful: bool,
        now: i64,
    ) -> StoreFuture<'_, Option<Followup>> {
        self.conn.run(move |conn| {
            let n = conn.execute(
                &sql::sqlite(sql::HELPFUL),
                params![site, id, customer, now, helpful],
            )?;
            match n {
                0 => Ok(None),
                _ => one(conn, &site, &id),
            }
        })
    }

    fn holdout(&self, site: String) -> StoreFuture<'_, Option<(HoldoutSettings, String)>> {
        self.conn.run(move |conn| {
            Ok(conn
                .query_row(&sql::sqlite(sql::HOLDOUT), params![site], |r| {
                    Ok((
                        HoldoutSettings {
                            enabled: r.get(0)?,
                            share: r.get(1)?,
                            window_days: r.get(2)?,
                        },
                        r.get(3)?,
                    ))
                })
                .optional()?)
        })
    }

    fn put_holdout(
        &self,
        site: String,
        s: HoldoutSettings,
        seed: String,
        now: i64,
    ) -> StoreFuture<'_, String> {
        self.conn.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                &sql::sqlite(sql::PUT_HOLDOUT),
                params![site, s.enabled, s.share, s.window_days, seed, now],
            )?;
            let seed: String =
                tx.query_row(&sql::sqlite(sql::HOLDOUT), params![site], |r| r.get(3))?;
            tx.commit()?;
            Ok(seed)
        })
    }

    fn assign(&self, site: String, a: Assignment) -> StoreFuture<'_, Assignment> {
        self.conn.run(move |conn| {
            conn.execute(
                &sql::sqlite(sql::ASSIGN),
                params![
                    site,
                    a.response_id,
                    a.customer,
                    a.group.as_str(),
                    a.share,
                    a.assigned_at,
                    a.p_alive,
                    a.annual_value,
                    a.overridden
                ],
            )?;
            let mut found = list(
                conn,
                &sql::sqlite(sql::ASSIGNMENT_OF),
                params![site, a.response_id],
                assignment,
            )?;
            found.pop().ok_or_else(|| StoreError::Corrupt {
                id: a.response_id.clone(),
                column: "response_id",
                message: "assignment vanished after insert".into(),
            })
        })
    }

    fn holdout_of(
        &self,
        site: String,
        ids: Vec<String>,
    ) -> StoreFuture<'_, Vec<(String, Group, bool)>> {
        self.conn.run(move |conn| {
            let mut out = Vec::new();
            for id in ids {
                let found = list(
                    conn,
                    &sql::sqlite(sql::ASSIGNMENT_OF),
                    params![site, id],
                    assignment,
                )?;
                out.extend(
                    found
                        .into_iter()
                        .map(|a| (a.response_id, a.group, a.overridden)),
                );
            }
            Ok(out)
        })
    }

    fn followup_counts(
        &self,
        site: String,
        ids: Vec<String>,
    ) -> StoreFuture<'_, Vec<(String, i64)>> {
        self.conn.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT count(*) FROM followups WHERE site = ?1 AND response_id = ?2",
            )?;
            let mut out = Vec::new();
            for id in ids {
                let n: i64 = stmt.query_row(params![site, id], |r| r.get(0))?;
                if n > 0 {
                    out.push((id, n));
                }
            }
            Ok(out)
        })
    }

    fn assignments(&self, site: String) -> StoreFuture<'_, Vec<Assignment>> {
        self.conn.run(move |conn| {
            list(
                conn,
                &sql::sqlite(sql::ASSIGNMENTS),
                params![site],
                assignment,
            )
        })
    }

    fn orders_of(
        &self,
        site: String,
        customers: Vec<String>,
        from: i64,
        to: i64,
    ) -> StoreFuture<'_, Vec<OutcomeOrder>> {
        self.conn.run(move |conn| {
            let mut out = Vec::new();
            for c in customers {
                out.extend(list(
                    conn,
                    &sql::sqlite(sql::ORDERS),
                    params![site, c, from, to],
                    |r| {
                        Ok(OutcomeOrder {
                            customer: r.get(0)?,
                            created_at: r.get(1)?,
                            net: r.get(2)?,
                        })
                    },
                )?);
            }
            Ok(out)
        })
    }
}
