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
];

/// Newest schema version this build knows.
pub fn latest() -> usize {
    MIGRATIONS.len()
}

/// Brings the database to the latest schema version; returns it.
pub async fn migrate(client: &mut Client) -> Result<usize, StoreError> {
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
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index + 1;
        tx.batch_execute(sql).await.map_err(failed(version))?;
        tx.execute(
            "INSERT INTO rapport_schema (version) VALUES ($1)",
            &[&(version as i32)],
        )
        .await
        .map_err(failed(version))?;
    }
    tx.commit().await.map_err(failed(latest()))?;
    Ok(latest())
}
