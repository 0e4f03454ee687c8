//! PostgreSQL schema migrations, applied in order at start-up. Applied versions are rows of
//! `rapport_schema`; migration `i` (0-based) is version `i + 1`. Append new migrations;
//! never edit a released one.
//!
//! Several collector instances may start at once against one database: the whole check and
//! every step run in one transaction that first takes a transaction-scoped advisory lock,
//! so the first instance migrates and the others wait, then find nothing left to do. DDL is
//! transactional in PostgreSQL, so a failed step leaves the schema as it was.

use tokio_postgres::Client;

use crate::store::StoreError;

/// `pg_advisory_xact_lock` key of the migration lock ("rapport\0" as a big-endian integer).
const LOCK_KEY: i64 = 0x7261_7070_6f72_7400;

const MIGRATIONS: &[&str] = &[
    // 1: responses. Ids, sites and surveys compare byte-wise (COLLATE "C"), as in SQLite,
    // so both backends page in the same order. `answers` and `traits` are the delivered
    // JSON text kept verbatim (jsonb would rewrite it and refuses \u0000 escapes). `locale`
    // and `url` are UTF-8 bytes: the API accepts U+0000 in them, which PostgreSQL text
    // cannot hold.
    r#"CREATE TABLE responses (
        site        text COLLATE "C" NOT NULL,
        id          text COLLATE "C" NOT NULL,
        survey      text COLLATE "C" NOT NULL,
        answers     text NOT NULL,
        locale      bytea,
        url         bytea,
        user_id     text,
        traits      text,
        created_at  text,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (site, id)
    );
    CREATE INDEX responses_export ON responses (site, received_at, id);
    CREATE INDEX responses_survey ON responses (site, survey, received_at, id);"#,
    // 2: loyalty — customers, orders, their refunds, webhook deliveries seen, and the
    // append-only points ledger (unique on its source). Times are ms since the epoch.
    r#"CREATE TABLE customers (
        site       text COLLATE "C" NOT NULL,
        id         text COLLATE "C" NOT NULL,
        email      text,
        name       text,
        first_seen bigint NOT NULL,
        last_seen  bigint NOT NULL,
        PRIMARY KEY (site, id)
    );
    CREATE TABLE orders (
        site            text COLLATE "C" NOT NULL,
        platform        text NOT NULL,
        order_id        text COLLATE "C" NOT NULL,
        customer        text COLLATE "C",
        email           text,
        currency        text NOT NULL,
        total           bigint NOT NULL,
        eligible        bigint NOT NULL,
        paid            boolean NOT NULL,
        cancelled       boolean NOT NULL,
        earned          boolean NOT NULL,
        earned_points   bigint NOT NULL,
        reversed_points bigint NOT NULL,
        refunded        bigint NOT NULL,
        available_at    bigint,
        created_at      bigint NOT NULL,
        updated_at      bigint NOT NULL,
        PRIMARY KEY (site, platform, order_id)
    );
    CREATE INDEX orders_customer ON orders (site, customer);
    CREATE TABLE order_refunds (
        site       text COLLATE "C" NOT NULL,
        platform   text NOT NULL,
        refund_id  text COLLATE "C" NOT NULL,
        order_id   text COLLATE "C" NOT NULL,
        eligible   bigint NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (site, platform, refund_id)
    );
    CREATE INDEX order_refunds_order ON order_refunds (site, platform, order_id);
    CREATE TABLE webhook_deliveries (
        site        text COLLATE "C" NOT NULL,
        source      text NOT NULL,
        id          text COLLATE "C" NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (site, source, id)
    );
    CREATE TABLE ledger (
        seq          bigserial PRIMARY KEY,
        site         text COLLATE "C" NOT NULL,
        customer     text COLLATE "C" NOT NULL,
        kind         text NOT NULL,
        source_id    text COLLATE "C" NOT NULL,
        points       bigint NOT NULL,
        created_at   bigint NOT NULL,
        available_at bigint NOT NULL,
        reason       text,
        actor        text,
        UNIQUE (site, kind, source_id)
    );
    CREATE INDEX ledger_customer ON ledger (site, customer, seq);"#,
    // 3: partial responses — the answers a shopper gave before leaving, replaced in place
    // by the complete response of the same id. Rows stored before are complete.
    r#"ALTER TABLE responses ADD COLUMN partial boolean NOT NULL DEFAULT false;"#,
    // 4: loyalty rewards — the single-use codes issued (unique per site, one per
    // redemption) and the durable outbox of events for the store's outbound webhook.
    r#"CREATE TABLE reward_codes (
        site          text COLLATE "C" NOT NULL,
        code          text COLLATE "C" NOT NULL,
        redemption_id text COLLATE "C" NOT NULL,
        customer      text COLLATE "C" NOT NULL,
        reward        text NOT NULL,
        points        bigint NOT NULL,
        created_at    bigint NOT NULL,
        PRIMARY KEY (site, code),
        UNIQUE (site, redemption_id)
    );
    CREATE INDEX reward_codes_customer ON reward_codes (site, customer);
    CREATE TABLE outbox (
        seq             bigserial PRIMARY KEY,
        site            text COLLATE "C" NOT NULL,
        event_id        text COLLATE "C" NOT NULL UNIQUE,
        payload         text NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        delivered_at    bigint,
        failed_at       bigint,
        last_error      text,
        created_at      bigint NOT NULL
    );
    CREATE INDEX outbox_due ON outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL;"#,
    // 5: a response answered with a verified customer token is linked to the customer.
    r#"ALTER TABLE responses ADD COLUMN customer text COLLATE "C";
    CREATE INDEX responses_customer ON responses (site, customer) WHERE customer IS NOT NULL;"#,
    // 6: points for answers (one row per credited response), referral codes as shown to
    // their customers, referrals decided (credited or rejected, one per converting order),
    // and orders' e-mails normalised (a referee's earlier orders, self-referral by e-mail).
    r#"CREATE TABLE answer_credits (
        site        text COLLATE "C" NOT NULL,
        response_id text COLLATE "C" NOT NULL,
        customer    text COLLATE "C" NOT NULL,
        survey      text COLLATE "C" NOT NULL,
        points      bigint NOT NULL,
        credited_at bigint NOT NULL,
        PRIMARY KEY (site, response_id)
    );
    CREATE INDEX answer_credits_survey ON answer_credits (site, customer, survey, credited_at);
    CREATE TABLE referral_codes (
        site       text COLLATE "C" NOT NULL,
        code       text COLLATE "C" NOT NULL,
        customer   text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (site, code)
    );
    CREATE INDEX referral_codes_customer ON referral_codes (site, customer);
    CREATE TABLE referrals (
        site          text COLLATE "C" NOT NULL,
        id            text COLLATE "C" NOT NULL,
        code          text COLLATE "C" NOT NULL,
        referrer      text COLLATE "C",
        referee       text COLLATE "C" NOT NULL,
        referee_email text,
        status        text NOT NULL,
        created_at    bigint NOT NULL,
        PRIMARY KEY (site, id)
    );
    CREATE UNIQUE INDEX referrals_referee ON referrals (site, referee) WHERE status = 'credited';
    CREATE UNIQUE INDEX referrals_referee_email ON referrals (site, referee_email)
        WHERE status = 'credited' AND referee_email IS NOT NULL;
    ALTER TABLE orders ADD COLUMN email_norm text;
    CREATE INDEX orders_email ON orders (site, email_norm);"#,
    // 7: a referral whose converting order was voided (cancelled, or refunded in full) says
    // so: `reversed` (rows reversed before this version are found by their reversal
    // entries). A referee credited once stays unique, reversed or not.
    r#"UPDATE referrals SET status = 'reversed'
    WHERE status = 'credited' AND EXISTS (
        SELECT 1 FROM ledger
        WHERE ledger.site = referrals.site AND ledger.kind = 'referral_reversal'
          AND ledger.source_id IN (referrals.id || ':referrer', referrals.id || ':referee'));
    DROP INDEX referrals_referee;
    DROP INDEX referrals_referee_email;
    CREATE UNIQUE INDEX referrals_referee ON referrals (site, referee)
        WHERE status IN ('credited', 'reversed');
    CREATE UNIQUE INDEX referrals_referee_email ON referrals (site, referee_email)
        WHERE status IN ('credited', 'reversed') AND referee_email IS NOT NULL;"#,
    // 8: the merchant console — users (owner, agent; Argon2id PHC strings), one-time
    // setup tokens and sessions (both stored as SHA-256 digests, never as issued), and the
    // append-only audit log. Times are ms since the epoch.
    r#"CREATE TABLE console_users (
        id            text COLLATE "C" PRIMARY KEY,
        email         text COLLATE "C" NOT NULL UNIQUE,
        role          text NOT NULL,
        password_hash text NOT NULL,
        created_at    bigint NOT NULL,
        disabled_at   bigint
    );
    CREATE TABLE console_setup_tokens (
        token_hash text COLLATE "C" PRIMARY KEY,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        used_at    bigint
    );
    CREATE TABLE console_sessions (
        id_hash      text COLLATE "C" PRIMARY KEY,
        user_id      text COLLATE "C" NOT NULL,
        csrf_token   text NOT NULL,
        created_at   bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        expires_at   bigint NOT NULL,
        client       text NOT NULL
    );
    CREATE INDEX console_sessions_user ON console_sessions (user_id);
    CREATE TABLE console_audit (
        seq    bigserial PRIMARY KEY,
        at     bigint NOT NULL,
        actor  text,
        action text NOT NULL,
        target text,
        client text NOT NULL
    );"#,
    // 9: customer scores — one row per customer from the scores job's last run over a
    // site's orders (P(alive), next year's value if they stay, segments), and the run.
    r#"CREATE TABLE customer_scores (
        site              text COLLATE "C" NOT NULL,
        customer          text COLLATE "C" NOT NULL,
        orders            bigint NOT NULL,
        spend             bigint NOT NULL,
        currency          text NOT NULL,
        last_order_at     bigint,
        p_alive           float8 NOT NULL,
        p_alive_low       float8 NOT NULL,
        p_alive_high      float8 NOT NULL,
        annual_value      float8 NOT NULL,
        annual_value_low  float8 NOT NULL,
        annual_value_high float8 NOT NULL,
        rfm_segment       text NOT NULL,
        clv_band          text NOT NULL,
        at_risk           boolean NOT NULL,
        tier              text,
        PRIMARY KEY (site, customer)
    );
    CREATE TABLE score_runs (
        site        text COLLATE "C" PRIMARY KEY,
        computed_at bigint NOT NULL,
        customers   bigint NOT NULL,
        summary     text NOT NULL
    );"#,
    // follow-ups: replies, holdout settings and assignments (see the SQLite migration).
    r#"CREATE TABLE followups (
        site        text COLLATE "C" NOT NULL,
        id          text COLLATE "C" NOT NULL,
        response_id text COLLATE "C" NOT NULL,
        customer    text COLLATE "C" NOT NULL,
        text        text NOT NULL,
        author      text NOT NULL,
        author_name text NOT NULL,
        sent_at     bigint NOT NULL,
        seen_at     bigint,
        helpful     boolean,
        overridden  boolean NOT NULL DEFAULT false,
        PRIMARY KEY (site, id)
    );
    CREATE INDEX followups_response ON followups (site, response_id);
    CREATE INDEX followups_customer ON followups (site, customer, sent_at);
    CREATE TABLE followup_holdout (
        site        text COLLATE "C" PRIMARY KEY,
        enabled     boolean NOT NULL,
        share       double precision NOT NULL,
        window_days bigint NOT NULL,
        seed        text NOT NULL,
        updated_at  bigint NOT NULL
    );
    CREATE TABLE followup_assignments (
        site         text COLLATE "C" NOT NULL,
        response_id  text COLLATE "C" NOT NULL,
        customer     text COLLATE "C" NOT NULL,
        grp          text NOT NULL,
        share        double precision NOT NULL,
        assigned_at  bigint NOT NULL,
        p_alive      double precision,
        annual_value double precision,
        overridden   boolean NOT NULL DEFAULT false,
        PRIMARY KEY (site, response_id)
    );"#,
    // Outbound webhooks of the console and alerts: endpoints (their `whsec_` secret kept
    // as issued: it signs), one delivery per (event, endpoint) with its attempts, each
    // site's alert settings and the last day its digest went out (claimed once across
    // instances). Times are ms since the epoch.
    r#"CREATE TABLE webhook_endpoints (
        id         text COLLATE "C" PRIMARY KEY,
        site       text COLLATE "C" NOT NULL,
        url        text NOT NULL,
        events     text NOT NULL,
        enabled    boolean NOT NULL,
        secret     text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
    );
    CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site);
    CREATE TABLE outbound_deliveries (
        seq             bigserial PRIMARY KEY,
        target          text COLLATE "C" NOT NULL,
        site            text COLLATE "C" NOT NULL,
        event_id        text COLLATE "C" NOT NULL,
        event_type      text NOT NULL,
        payload         text NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        delivered_at    bigint,
        failed_at       bigint,
        last_status     integer,
        last_error      text,
        last_attempt_at bigint,
        created_at      bigint NOT NULL,
        UNIQUE (target, event_id)
    );
    CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL;
    CREATE INDEX outbound_deliveries_target ON outbound_deliveries (target, seq);
    CREATE TABLE site_alerts (
        site              text COLLATE "C" PRIMARY KEY,
        slack_url         text,
        instant_detractor boolean NOT NULL,
        digest_enabled    boolean NOT NULL,
        digest_hour       integer NOT NULL,
        last_digest_day   text,
        updated_at        bigint NOT NULL
    );"#,
    // inbox: per response its triage state (status, tags, assignee, notes) and what is
    // derived from it once (score, band, text to search, revenue at risk; `risk_key` is
    // the risk or -1 so one index walks "highest risk first, unscored last"), the tags for
    // filtering and the notes. The open text (lower-cased by the collector) is searched
    // through a stored `tsvector` with the `simple` configuration (no stemming, no stop
    // words: answers come in nine languages, several without a PostgreSQL stemmer) and a
    // GIN index. Existing responses are indexed by the collector's start-up backfill.
    r#"CREATE TABLE inbox_items (
        site        text COLLATE "C" NOT NULL,
        id          text COLLATE "C" NOT NULL,
        survey      text COLLATE "C" NOT NULL,
        received_at timestamptz NOT NULL,
        partial     boolean NOT NULL,
        customer    text COLLATE "C",
        url         text,
        score_kind  text,
        score_value float8,
        band        text,
        unhappy     boolean NOT NULL,
        has_text    boolean NOT NULL,
        unhappiness float8,
        body        text NOT NULL,
        body_tsv    tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
        risk        float8,
        risk_low    float8,
        risk_high   float8,
        risk_key    float8 NOT NULL,
        status      text NOT NULL DEFAULT 'new',
        tags        text NOT NULL DEFAULT '[]',
        assignee    text COLLATE "C",
        notes       bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (site, id)
    );
    CREATE INDEX inbox_newest ON inbox_items (site, received_at, id);
    CREATE INDEX inbox_risk ON inbox_items (site, risk_key, received_at, id);
    CREATE INDEX inbox_customer ON inbox_items (site, customer) WHERE customer IS NOT NULL;
    CREATE INDEX inbox_fts ON inbox_items USING gin (body_tsv);
    CREATE TABLE inbox_tags (
        site text COLLATE "C" NOT NULL,
        tag  text COLLATE "C" NOT NULL,
        id   text COLLATE "C" NOT NULL,
        PRIMARY KEY (site, tag, id)
    );
    CREATE INDEX inbox_tags_item ON inbox_tags (site, id);
    CREATE TABLE inbox_notes (
        seq    bigserial PRIMARY KEY,
        site   text COLLATE "C" NOT NULL,
        id     text COLLATE "C" NOT NULL,
        author text NOT NULL,
        text   text NOT NULL,
        at     bigint NOT NULL
    );
    CREATE INDEX inbox_notes_item ON inbox_notes (site, id, seq);"#,
    // scores job: per site, the lease of the run in progress (one instance at a time) and
    // the orders' mark (count, latest update) the last run saw; orders by site and update
    // time make the mark cheap to read.
    r#"CREATE TABLE score_jobs (
        site        text COLLATE "C" PRIMARY KEY NOT NULL,
        holder      text,
        lease_until bigint NOT NULL,
        seen_count  bigint,
        seen_update bigint
    );
    CREATE INDEX orders_site_updated ON orders (site, updated_at);"#,
    // impressions: how often each survey was shown, per UTC day (counts only, nothing
    // about the visitor).
    r#"CREATE TABLE impressions (
        site   text COLLATE "C" NOT NULL,
        survey text COLLATE "C" NOT NULL,
        day    bigint NOT NULL,
        shown  bigint NOT NULL,
        PRIMARY KEY (site, survey, day)
    );"#,
    // inbox tag pages: each tag row carries its item's page keys (`received_at`,
    // `risk_key`, kept in step by a statement trigger over the updated rows), so that a tag
    // filter walks the tag's rows in page order and stops after a page, whatever share of
    // the inbox carries the tag; the customers of a tier by index, for the tier filter.
    r#"ALTER TABLE inbox_tags
        ADD COLUMN received_at timestamptz NOT NULL DEFAULT '1970-01-01T00:00:00Z',
        ADD COLUMN risk_key float8 NOT NULL DEFAULT -1;
    UPDATE inbox_tags t SET received_at = i.received_at, risk_key = i.risk_key
        FROM inbox_items i WHERE i.site = t.site AND i.id = t.id;
    CREATE INDEX inbox_tags_newest ON inbox_tags (site, tag, received_at, id);
    CREATE INDEX inbox_tags_risk ON inbox_tags (site, tag, risk_key, received_at, id);
    CREATE FUNCTION inbox_tags_keys() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE inbox_tags t SET received_at = n.received_at, risk_key = n.risk_key
            FROM changed n
            WHERE t.site = n.site AND t.id = n.id
            AND (t.received_at, t.risk_key) IS DISTINCT FROM (n.received_at, n.risk_key);
        RETURN NULL;
    END $$;
    CREATE TRIGGER inbox_tags_keys AFTER UPDATE ON inbox_items
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
        EXECUTE FUNCTION inbox_tags_keys();
    CREATE INDEX customer_scores_tier ON customer_scores (site, tier, customer);"#,
];

/// Newest schema version this build knows.
pub fn latest() -> usize {
    MIGRATIONS.len()
}

/// Brings the database to the latest schema version; returns it.
pub async fn migrate(client: &mut Client) -> Result<usize, StoreError> {
    migrate_to(client, latest()).await
}

/// Brings the database to schema version `target` (tests stop short of the latest to
/// check what a later version does to existing rows); returns the version it is at.
async fn migrate_to(client: &mut Client, target: usize) -> Result<usize, StoreError> {
    let failed = |version: usize| {
        move |e: tokio_postgres::Error| StoreError::Migration {
            version,
            message: super::describe(&e),
        }
    };
    let tx = client.transaction().await.map_err(failed(0))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(failed(0))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS rapport_schema (
            version    integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await
    .map_err(failed(0))?;
    let current: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM rapport_schema", &[])
        .await
        .map_err(failed(0))?
        .get(0);
    if current < 0 || current as usize > latest() {
        return Err(StoreError::TooNew {
            found: i64::from(current),
            known: latest(),
        });
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target)
        .skip(current as usize)
    {
        let version = index + 1;
        tx.batch_execute(sql).await.map_err(failed(version))?;
        tx.execute(
            "INSERT INTO rapport_schema (version) VALUES ($1)",
            &[&(version as i32)],
        )
        .await
        .map_err(failed(version))?;
    }
    tx.commit().await.map_err(failed(target))?;
    Ok(target.max(current as usize))
}

#[cfg(test)]
mod tests {
    //! Data-changing migrations checked on a real PostgreSQL server: run when
    //! `RAPPORT_TEST_POSTGRES_URL` is set (`cargo xtask test unit` starts one and sets it;
    //! under `CI=true` it must be set).
    use super::*;

    /// A client on a fresh schema of the test server, or `None` outside CI without one.
    async fn fresh_schema(name: &str) -> Option<Client> {
        let url = match std::env::var("RAPPORT_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("RAPPORT_TEST_POSTGRES_URL is not set under CI")
            }
            _ => return None,
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let schema = format!("t_{name}_{}_{nanos}", std::process::id());
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("the test PostgreSQL server answers");
        tokio::spawn(connection);
        client
            .batch_execute(&format!(
                "CREATE SCHEMA {schema}; SET search_path = {schema}"
            ))
            .await
            .expect("a test schema can be created");
        Some(client)
    }

    #[tokio::test]
    async fn tag_rows_get_and_keep_their_items_page_keys() -> Result<(), StoreError> {
        let Some(mut client) = fresh_schema("migtags").await else {
            return Ok(());
        };
        migrate_to(&mut client, latest() - 1).await?;
        client
            .batch_execute(
                "INSERT INTO inbox_items (site, id, survey, received_at, partial, unhappy, has_text,
                    body, risk_key) VALUES ('a', 'r1', 's', '2026-01-02T00:00:00Z', false, false,
                    false, '', 7.5);
                 INSERT INTO inbox_tags (site, tag, id) VALUES ('a', 'late', 'r1');",
            )
            .await?;
        migrate(&mut client).await?;
        let keys = "SELECT t.received_at = i.received_at, t.risk_key FROM inbox_tags t \
            JOIN inbox_items i USING (site, id) WHERE t.site = 'a' AND t.id = 'r1'";
        let row = client.query_one(keys, &[]).await?;
        assert_eq!((row.get::<_, bool>(0), row.get::<_, f64>(1)), (true, 7.5));
        client
            .batch_execute(
                "UPDATE inbox_items SET risk_key = -1, received_at = '2026-01-03T00:00:00Z'",
            )
            .await?;
        let row = client.query_one(keys, &[]).await?;
        assert_eq!((row.get::<_, bool>(0), row.get::<_, f64>(1)), (true, -1.0));
        Ok(())
    }

    #[tokio::test]
    async fn version_7_marks_referrals_reversed_before_it_and_keeps_referees_unique(
    ) -> Result<(), StoreError> {
        let Some(mut client) = fresh_schema("mig7").await else {
            return Ok(());
        };
        assert_eq!(migrate_to(&mut client, 6).await?, 6);
        client
            .batch_execute(
                "INSERT INTO referrals (site, id, code, referrer, referee, status, created_at) VALUES
                    ('a', 'shopify:1', 'C', 'alice', 'bob', 'credited', 1),
                    ('a', 'shopify:2', 'C', 'alice', 'carol', 'credited', 2),
                    ('a', 'shopify:3', 'C', 'alice', 'dave', 'self_referral', 3);
                 INSERT INTO ledger (site, customer, kind, source_id, points, created_at, available_at)
                 VALUES ('a', 'alice', 'referral', 'shopify:1:referrer', 500, 1, 1),
                        ('a', 'alice', 'referral_reversal', 'shopify:1:referrer', -500, 5, 1),
                        ('a', 'alice', 'referral', 'shopify:2:referrer', 500, 2, 2);",
            )
            .await?;
        assert_eq!(migrate(&mut client).await?, latest());
        let mut statuses = Vec::new();
        for id in ["shopify:1", "shopify:2", "shopify:3"] {
            let row = client
                .query_one(
                    "SELECT status FROM referrals WHERE site = 'a' AND id = $1",
                    &[&id],
                )
                .await?;
            statuses.push(row.get::<_, String>(0));
        }
        assert_eq!(statuses, ["reversed", "credited", "self_referral"]);
        // Bob was credited once: reversed, he still cannot be credited again.
        let again = client
            .execute(
                "INSERT INTO referrals (site, id, code, referrer, referee, status, created_at)
                 VALUES ('a', 'shopify:9', 'D', 'erin', 'bob', 'credited', 9) ON CONFLICT DO NOTHING",
                &[],
            )
            .await?;
        assert_eq!(again, 0);
        Ok(())
    }
}
