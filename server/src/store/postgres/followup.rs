//! PostgreSQL implementation of [`FollowupStore`]: every operation on a pooled connection;
//! a follow-up and its outbox event are one transaction.

use deadpool_postgres::Pool;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::followup::assign::Group;
use crate::followup::holdout::HoldoutSettings;
use crate::store::followup::{
    sql, Assignment, Followup, FollowupStore, NewFollowup, OutcomeOrder, ResponseFacts,
};
use crate::store::{StoreError, StoreFuture};

/// The follow-up tables of one PostgreSQL database.
pub struct PostgresFollowups {
    pool: Pool,
}

impl PostgresFollowups {
    /// Uses `pool` (the schema is migrated by the caller).
    pub fn new(pool: Pool) -> Self {
        PostgresFollowups { pool }
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }

    async fn list<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        map: impl Fn(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = self.client().await?.query(sql, params).await?;
        rows.iter().map(map).collect()
    }
}

/// The follow-up in columns 0..10 of `row` ([`sql::COLUMNS`] order).
fn followup(row: &Row) -> Result<Followup, StoreError> {
    Ok(Followup {
        id: row.try_get(0)?,
        response_id: row.try_get(1)?,
        customer: row.try_get(2)?,
        text: row.try_get(3)?,
        author: row.try_get(4)?,
        author_name: row.try_get(5)?,
        sent_at: row.try_get(6)?,
        seen_at: row.try_get(7)?,
        helpful: row.try_get(8)?,
        overridden: row.try_get(9)?,
    })
}

fn facts(row: &Row) -> Result<ResponseFacts, StoreError> {
    Ok(ResponseFacts {
        id: row.try_get(0)?,
        survey: row.try_get(1)?,
        answers_json: row.try_get(2)?,
        customer: row.try_get(3)?,
        received_at: row.try_get(4)?,
        partial: row.try_get(5)?,
    })
}

fn assignment(row: &Row) -> Result<Assignment, StoreError> {
    let id: String = row.try_get(0)?;
    let grp: String = row.try_get(2)?;
    Ok(Assignment {
        group: Group::parse(&grp).ok_or_else(|| StoreError::Corrupt {
            id: id.clone(),
            column: "grp",
            message: format!("unknown group {grp:?}"),
        })?,
        customer: row.try_get(1)?,
        share: row.try_get(3)?,
        assigned_at: row.try_get(4)?,
        p_alive: row.try_get(5)?,
        annual_value: row.try_get(6)?,
        overridden: row.try_get(7)?,
        response_id: id,
    })
}

const FACTS: &str = "SELECT id, survey, answers, customer, \
    (extract(epoch FROM received_at) * 1000)::bigint, partial FROM responses";

impl FollowupStore for PostgresFollowups {
    fn response_facts(&self, site: String, id: String) -> StoreFuture<'_, Option<ResponseFacts>> {
        Box::pin(async move {
            let sql = format!("{FACTS} WHERE site = $1 AND id = $2");
            Ok(self.list(&sql, &[&site, &id], facts).await?.pop())
        })
    }

    fn responses_between(
        &self,
        site: String,
        from: i64,
        to: i64,
    ) -> StoreFuture<'_, Vec<ResponseFacts>> {
        Box::pin(async move {
            let sql = format!(
                "{FACTS} WHERE site = $1 AND received_at >= to_timestamp($2::bigint / 1000.0) \
                 AND received_at < to_timestamp($3::bigint / 1000.0) ORDER BY received_at, id"
            );
            self.list(&sql, &[&site, &from, &to], facts).await
        })
    }

    fn insert_followup(&self, new: NewFollowup) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let f = &new.followup;
            tx.execute(
                sql::INSERT,
                &[
                    &new.site,
                    &f.id,
                    &f.response_id,
                    &f.customer,
                    &f.text,
                    &f.author,
                    &f.author_name,
                    &f.sent_at,
                    &f.overridden,
                ],
            )
            .await?;
            tx.execute(
                sql::OUTBOX,
                &[&new.site, &new.event_id, &new.event_payload, &f.sent_at],
            )
            .await?;
            if f.overridden {
                tx.execute(sql::MARK_OVERRIDDEN, &[&new.site, &f.response_id])
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn followups_of(&self, site: String, response_id: String) -> StoreFuture<'_, Vec<Followup>> {
        Box::pin(async move {
            self.list(sql::OF_RESPONSE, &[&site, &response_id], followup)
                .await
        })
    }

    fn site_followups(&self, site: String) -> StoreFuture<'_, Vec<Followup>> {
        Box::pin(async move { self.list(sql::OF_SITE, &[&site], followup).await })
    }

    fn followups_for_customer(
        &self,
        site: String,
        customer: String,
        since: i64,
        limit: i64,
    ) -> StoreFuture<'_, Vec<(Followup, ResponseFacts)>> {
        Box::pin(async move {
            self.list(
                sql::FOR_CUSTOMER,
                &[&site, &customer, &since, &limit],
                |row| {
                    let f = followup(row)?;
                    let r = ResponseFacts {
                        id: f.response_id.clone(),
                        survey: row.try_get(10)?,
                        answers_json: row.try_get(11)?,
                        customer: Some(f.customer.clone()),
                        received_at: 0,
                        partial: false,
                    };
                    Ok((f, r))
                },
            )
            .await
        })
    }

    fn mark_seen(
        &self,
        site: String,
        id: String,
        customer: String,
        now: i64,
    ) -> StoreFuture<'_, Option<Followup>> {
        Box::pin(async move {
            let n = self
                .client()
                .await?
                .execute(sql::SEEN, &[&site, &id, &customer, &now])
                .await?;
            if n == 0 {
                return Ok(None);
            }
            Ok(self.list(sql::ONE, &[&site, &id], followup).await?.pop())
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
        Box::pin(async move {
            let n = self
                .client()
                .await?
                .execute(sql::HELPFUL, &[&site, &id, &customer, &now, &helpful])
                .await?;
            if n == 0 {
                return Ok(None);
            }
            Ok(self.list(sql::ONE, &[&site, &id], followup).await?.pop())
        })
    }

    fn holdout(&self, site: String) -> StoreFuture<'_, Option<(HoldoutSettings, String)>> {
        Box::pin(async move {
            let found = self
                .list(sql::HOLDOUT, &[&site], |r| {
                    Ok((
                        HoldoutSettings {
                            enabled: r.try_get(0)?,
                            share: r.try_get(1)?,
                            window_days: r.try_get(2)?,
                        },
                        r.try_get::<_, String>(3)?,
                    ))
                })
                .await?;
            Ok(found.into_iter().next())
        })
    }

    fn put_holdout(
        &self,
        site: String,
        s: HoldoutSettings,
        seed: String,
        now: i64,
    ) -> StoreFuture<'_, String> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            tx.execute(
                sql::PUT_HOLDOUT,
                &[&site, &s.enabled, &s.share, &s.window_days, &seed, &now],
            )
            .await?;
            let seed: String = tx.query_one(sql::HOLDOUT, &[&site]).await?.try_get(3)?;
            tx.commit().await?;
            Ok(seed)
        })
    }

    fn assign(&self, site: String, a: Assignment) -> StoreFuture<'_, Assignment> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    sql::ASSIGN,
                    &[
                        &site,
                        &a.response_id,
                        &a.customer,
                        &a.group.as_str(),
                        &a.share,
                        &a.assigned_at,
                        &a.p_alive,
                        &a.annual_value,
                        &a.overridden,
                    ],
                )
                .await?;
            let row = client
                .query_one(sql::ASSIGNMENT_OF, &[&site, &a.response_id])
                .await?;
            assignment(&row)
        })
    }

    fn holdout_of(
        &self,
        site: String,
        ids: Vec<String>,
    ) -> StoreFuture<'_, Vec<(String, Group, bool)>> {
        Box::pin(async move {
            let sql = "SELECT response_id, customer, grp, share, assigned_at, p_alive, \
                annual_value, overridden FROM followup_assignments \
                WHERE site = $1 AND response_id = ANY($2)";
            let found = self.list(sql, &[&site, &ids], assignment).await?;
            Ok(found
                .into_iter()
                .map(|a| (a.response_id, a.group, a.overridden))
                .collect())
        })
    }

    fn followup_counts(
        &self,
        site: String,
        ids: Vec<String>,
    ) -> StoreFuture<'_, Vec<(String, i64)>> {
        Box::pin(async move {
            let client = self
                .pool
                .get()
                .await
                .map_err(|e| StoreError::Pool(e.to_string()))?;
            let rows = client
                .query(
                    "SELECT response_id, count(*) FROM followups \
                     WHERE site = $1 AND response_id = ANY($2) GROUP BY response_id",
                    &[&site, &ids],
                )
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        })
    }

    fn assignments(&self, site: String) -> StoreFuture<'_, Vec<Assignment>> {
        Box::pin(async move { self.list(sql::ASSIGNMENTS, &[&site], assignment).await })
    }

    fn orders_of(
        &self,
        site: String,
        customers: Vec<String>,
        from: i64,
        to: i64,
    ) -> StoreFuture<'_, Vec<OutcomeOrder>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for c in customers {
                out.extend(
                    self.list(sql::ORDERS, &[&site, &c, &from, &to], |r| {
                        Ok(OutcomeOrder {
                            customer: r.try_get(0)?,
                            created_at: r.try_get(1)?,
                            net: r.try_get(2)?,
                        })
                    })
                    .await?,
                );
            }
            Ok(out)
        })
    }
}
