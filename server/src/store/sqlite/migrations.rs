//! SQLite schema migrations, applied in order at start-up. The schema version lives in
//! `PRAGMA user_version`; migration `i` (0-based) moves the schema to version `i + 1`.
//! Append new migrations; never edit a released one.
//!
//! The version check and the steps run inside one `BEGIN IMMEDIATE` transaction, which
//! takes SQLite's write lock first: a second process opening the same file at the same
//! moment waits (busy timeout), then finds the schema current and applies nothing.

use rusqlite::{Connection, TransactionBehavior};

use crate::store::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: responses table. Text columns hold client data verbatim.
    "CREATE TABLE responses (
        id          TEXT PRIMARY KEY NOT NULL,
        site        TEXT NOT NULL,
        survey      TEXT NOT NULL,
        answers     TEXT NOT NULL,
        locale      TEXT,
        url         TEXT,
        user_id     TEXT,
        traits      TEXT,
        created_at  TEXT,
        received_at TEXT NOT NULL
    );
    CREATE INDEX responses_site_survey ON responses (site, survey, received_at);",
    // 2: response ids are unique per site, not across sites; indexes serve the export's
    // keyset pages in (received_at, id) order, with or without a survey filter.
    "CREATE TABLE responses_v2 (
        site        TEXT NOT NULL,
        id          TEXT NOT NULL,
        survey      TEXT NOT NULL,
        answers     TEXT NOT NULL,
        locale      TEXT,
        url         TEXT,
        user_id     TEXT,
        traits      TEXT,
        created_at  TEXT,
        received_at TEXT NOT NULL,
        PRIMARY KEY (site, id)
    );
    INSERT INTO responses_v2
        (site, id, survey, answers, locale, url, user_id, traits, created_at, received_at)
        SELECT site, id, survey, answers, locale, url, user_id, traits, created_at, received_at
        FROM responses;
    DROP TABLE responses;
    ALTER TABLE responses_v2 RENAME TO responses;
    CREATE INDEX responses_export ON responses (site, received_at, id);
    CREATE INDEX responses_survey ON responses (site, survey, received_at, id);",
    // 3: loyalty — customers, orders, their refunds, webhook deliveries seen, and the
    // append-only points ledger (unique on its source). Times are ms since the epoch.
    "CREATE TABLE customers (
        site       TEXT NOT NULL,
        id         TEXT NOT NULL,
        email      TEXT,
        name       TEXT,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL,
        PRIMARY KEY (site, id)
    );
    CREATE TABLE orders (
        site            TEXT NOT NULL,
        platform        TEXT NOT NULL,
        order_id        TEXT NOT NULL,
        customer        TEXT,
        email           TEXT,
        currency        TEXT NOT NULL,
        total           INTEGER NOT NULL,
        eligible        INTEGER NOT NULL,
        paid            INTEGER NOT NULL,
        cancelled       INTEGER NOT NULL,
        earned          INTEGER NOT NULL,
        earned_points   INTEGER NOT NULL,
        reversed_points INTEGER NOT NULL,
        refunded        INTEGER NOT NULL,
        available_at    INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        PRIMARY KEY (site, platform, order_id)
    );
    CREATE INDEX orders_customer ON orders (site, customer);
    CREATE TABLE order_refunds (
        site       TEXT NOT NULL,
        platform   TEXT NOT NULL,
        refund_id  TEXT NOT NULL,
        order_id   TEXT NOT NULL,
        eligible   INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (site, platform, refund_id)
    );
    CREATE INDEX order_refunds_order ON order_refunds (site, platform, order_id);
    CREATE TABLE webhook_deliveries (
        site        TEXT NOT NULL,
        source      TEXT NOT NULL,
        id          TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (site, source, id)
    );
    CREATE TABLE ledger (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        site         TEXT NOT NULL,
        customer     TEXT NOT NULL,
        kind         TEXT NOT NULL,
        source_id    TEXT NOT NULL,
        points       INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        available_at INTEGER NOT NULL,
        reason       TEXT,
        actor        TEXT,
        UNIQUE (site, kind, source_id)
    );
    CREATE INDEX ledger_customer ON ledger (site, customer, seq);",
    // 4: partial responses — the answers a shopper gave before leaving, replaced in place
    // by the complete response of the same id. Rows stored before are complete.
    "ALTER TABLE responses ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;",
    // 5: loyalty rewards — the single-use codes issued (unique per site, one per
    // redemption) and the durable outbox of events for the store's outbound webhook.
    "CREATE TABLE reward_codes (
        site          TEXT NOT NULL,
        code          TEXT NOT NULL,
        redemption_id TEXT NOT NULL,
        customer      TEXT NOT NULL,
        reward        TEXT NOT NULL,
        points        INTEGER NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (site, code),
        UNIQUE (site, redemption_id)
    );
    CREATE INDEX reward_codes_customer ON reward_codes (site, customer);
    CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        site            TEXT NOT NULL,
        event_id        TEXT NOT NULL UNIQUE,
        payload         TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        delivered_at    INTEGER,
        failed_at       INTEGER,
        last_error      TEXT,
        created_at      INTEGER NOT NULL
    );
    CREATE INDEX outbox_due ON outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL;",
    // 6: a response answered with a verified customer token is linked to the customer.
    "ALTER TABLE responses ADD COLUMN customer TEXT;
    CREATE INDEX responses_customer ON responses (site, customer) WHERE customer IS NOT NULL;",
    // 7: points for answers (one row per credited response), referral codes as shown to
    // their customers, referrals decided (credited or rejected, one per converting order),
    // and orders' e-mails normalised (a referee's earlier orders, self-referral by e-mail).
    "CREATE TABLE answer_credits (
        site        TEXT NOT NULL,
        response_id TEXT NOT NULL,
        customer    TEXT NOT NULL,
        survey      TEXT NOT NULL,
        points      INTEGER NOT NULL,
        credited_at INTEGER NOT NULL,
        PRIMARY KEY (site, response_id)
    );
    CREATE INDEX answer_credits_survey ON answer_credits (site, customer, survey, credited_at);
    CREATE TABLE referral_codes (
        site       TEXT NOT NULL,
        code       TEXT NOT NULL,
        customer   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (site, code)
    );
    CREATE INDEX referral_codes_customer ON referral_codes (site, customer);
    CREATE TABLE referrals (
        site          TEXT NOT NULL,
        id            TEXT NOT NULL,
        code          TEXT NOT NULL,
        referrer      TEXT,
        referee       TEXT NOT NULL,
        referee_email TEXT,
        status        TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (site, id)
    );
    CREATE UNIQUE INDEX referrals_referee ON referrals (site, referee) WHERE status = 'credited';
    CREATE UNIQUE INDEX referrals_referee_email ON referrals (site, referee_email)
        WHERE status = 'credited' AND referee_email IS NOT NULL;
    ALTER TABLE orders ADD COLUMN email_norm TEXT;
    CREATE INDEX orders_email ON orders (site, email_norm);",
    // 8: a referral whose converting order was voided (cancelled, or refunded in full) says
    // so: `reversed` (rows reversed before this version are found by their reversal
    // entries). A referee credited once stays unique, reversed or not.
    "UPDATE referrals SET status = 'reversed'
    WHERE status = 'credited' AND EXISTS (
        SELECT 1 FROM ledger
        WHERE ledger.site = referrals.site AND ledger.kind = 'referral_reversal'
          AND ledger.source_id IN (referrals.id || ':referrer', referrals.id || ':referee'));
    DROP INDEX referrals_referee;
    DROP INDEX referrals_referee_email;
    CREATE UNIQUE INDEX referrals_referee ON referrals (site, referee)
        WHERE status IN ('credited', 'reversed');
    CREATE UNIQUE INDEX referrals_referee_email ON referrals (site, referee_email)
        WHERE status IN ('credited', 'reversed') AND referee_email IS NOT NULL;",
    // 9: the merchant console — users (owner, agent; Argon2id PHC strings), one-time
    // setup tokens and sessions (both stored as SHA-256 digests, never as issued), and the
    // append-only audit log. Times are ms since the epoch.
    "CREATE TABLE console_users (
        id            TEXT PRIMARY KEY NOT NULL,
        email         TEXT NOT NULL UNIQUE,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        disabled_at   INTEGER
    );
    CREATE TABLE console_setup_tokens (
        token_hash TEXT PRIMARY KEY NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
    );
    CREATE TABLE console_sessions (
        id_hash      TEXT PRIMARY KEY NOT NULL,
        user_id      TEXT NOT NULL,
        csrf_token   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        client       TEXT NOT NULL
    );
    CREATE INDEX console_sessions_user ON console_sessions (user_id);
    CREATE TABLE console_audit (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        at     INTEGER NOT NULL,
        actor  TEXT,
        action TEXT NOT NULL,
        target TEXT,
        client TEXT NOT NULL
    );",
    // 10: customer scores — one row per customer from the scores job's last run over a
    // site's orders (P(alive), next year's value if they stay, segments), and the run.
    "CREATE TABLE customer_scores (
        site              TEXT NOT NULL,
        customer          TEXT NOT NULL,
        orders            INTEGER NOT NULL,
        spend             INTEGER NOT NULL,
        currency          TEXT NOT NULL,
        last_order_at     INTEGER,
        p_alive           REAL NOT NULL,
        p_alive_low       REAL NOT NULL,
        p_alive_high      REAL NOT NULL,
        annual_value      REAL NOT NULL,
        annual_value_low  REAL NOT NULL,
        annual_value_high REAL NOT NULL,
        rfm_segment       TEXT NOT NULL,
        clv_band          TEXT NOT NULL,
        at_risk           INTEGER NOT NULL,
        tier              TEXT,
        PRIMARY KEY (site, customer)
    );
    CREATE TABLE score_runs (
        site        TEXT PRIMARY KEY NOT NULL,
        computed_at INTEGER NOT NULL,
        customers   INTEGER NOT NULL,
        summary     TEXT NOT NULL
    );",
    // follow-ups: the merchant's replies to responses (shown to the identified shopper,
    // who may mark them seen and helpful), each site's holdout settings (with the seed of
    // its keyed-hash assignment), and the assignment of each detractor response of an
    // identified customer to the holdout or treatment group. Times are ms since the epoch.
    "CREATE TABLE followups (
        site        TEXT NOT NULL,
        id          TEXT NOT NULL,
        response_id TEXT NOT NULL,
        customer    TEXT NOT NULL,
        text        TEXT NOT NULL,
        author      TEXT NOT NULL,
        author_name TEXT NOT NULL,
        sent_at     INTEGER NOT NULL,
        seen_at     INTEGER,
        helpful     INTEGER,
        overridden  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (site, id)
    );
    CREATE INDEX followups_response ON followups (site, response_id);
    CREATE INDEX followups_customer ON followups (site, customer, sent_at);
    CREATE TABLE followup_holdout (
        site        TEXT PRIMARY KEY NOT NULL,
        enabled     INTEGER NOT NULL,
        share       REAL NOT NULL,
        window_days INTEGER NOT NULL,
        seed        TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE TABLE followup_assignments (
        site         TEXT NOT NULL,
        response_id  TEXT NOT NULL,
        customer     TEXT NOT NULL,
        grp          TEXT NOT NULL,
        share        REAL NOT NULL,
        assigned_at  INTEGER NOT NULL,
        p_alive      REAL,
        annual_value REAL,
        overridden   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (site, response_id)
    );",
    // Outbound webhooks of the console and alerts: endpoints (their `whsec_` secret kept
    // as issued: it signs), one delivery per (event, endpoint) with its attempts, each
    // site's alert settings and the last day its digest went out (claimed once across
    // instances). Times are ms since the epoch.
    "CREATE TABLE webhook_endpoints (
        id         TEXT PRIMARY KEY NOT NULL,
        site       TEXT NOT NULL,
        url        TEXT NOT NULL,
        events     TEXT NOT NULL,
        enabled    INTEGER NOT NULL,
        secret     TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site);
    CREATE TABLE outbound_deliveries (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        target          TEXT NOT NULL,
        site            TEXT NOT NULL,
        event_id        TEXT NOT NULL,
        event_type      TEXT NOT NULL,
        payload         TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        delivered_at    INTEGER,
        failed_at       INTEGER,
        last_status     INTEGER,
        last_error      TEXT,
        last_attempt_at INTEGER,
        created_at      INTEGER NOT NULL,
        UNIQUE (target, event_id)
    );
    CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL;
    CREATE INDEX outbound_deliveries_target ON outbound_deliveries (target, seq);
    CREATE TABLE site_alerts (
        site              TEXT PRIMARY KEY NOT NULL,
        slack_url         TEXT,
        instant_detractor INTEGER NOT NULL,
        digest_enabled    INTEGER NOT NULL,
        digest_hour       INTEGER NOT NULL,
        last_digest_day   TEXT,
        updated_at        INTEGER NOT NULL
    );",
    // inbox: per response its triage state (status, tags, assignee, notes) and what is
    // derived from it once (score, band, text to search, revenue at risk; `risk_key` is
    // the risk or -1 so one index walks "highest risk first, unscored last"), the tags for
    // filtering, the notes, and an FTS5 index of the open text kept in step by triggers.
    // Existing responses are indexed by the collector's start-up backfill.
    "CREATE TABLE inbox_items (
        seq         INTEGER PRIMARY KEY,
        site        TEXT NOT NULL,
        id          TEXT NOT NULL,
        survey      TEXT NOT NULL,
        received_at TEXT NOT NULL,
        partial     INTEGER NOT NULL,
        customer    TEXT,
        url         TEXT,
        score_kind  TEXT,
        score_value REAL,
        band        TEXT,
        unhappy     INTEGER NOT NULL,
        has_text    INTEGER NOT NULL,
        unhappiness REAL,
        body        TEXT NOT NULL,
        risk        REAL,
        risk_low    REAL,
        risk_high   REAL,
        risk_key    REAL NOT NULL,
        status      TEXT NOT NULL DEFAULT 'new',
        tags        TEXT NOT NULL DEFAULT '[]',
        assignee    TEXT,
        notes       INTEGER NOT NULL DEFAULT 0,
        UNIQUE (site, id)
    );
    CREATE INDEX inbox_newest ON inbox_items (site, received_at, id);
    CREATE INDEX inbox_risk ON inbox_items (site, risk_key, received_at, id);
    CREATE INDEX inbox_customer ON inbox_items (site, customer) WHERE customer IS NOT NULL;
    CREATE TABLE inbox_tags (
        site TEXT NOT NULL,
        tag  TEXT NOT NULL,
        id   TEXT NOT NULL,
        PRIMARY KEY (site, tag, id)
    );
    CREATE INDEX inbox_tags_item ON inbox_tags (site, id);
    CREATE TABLE inbox_notes (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        site   TEXT NOT NULL,
        id     TEXT NOT NULL,
        author TEXT NOT NULL,
        text   TEXT NOT NULL,
        at     INTEGER NOT NULL
    );
    CREATE INDEX inbox_notes_item ON inbox_notes (site, id, seq);
    CREATE VIRTUAL TABLE inbox_fts USING fts5(
        body, content='inbox_items', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER inbox_fts_insert AFTER INSERT ON inbox_items BEGIN
        INSERT INTO inbox_fts (rowid, body) VALUES (new.seq, new.body);
    END;
    CREATE TRIGGER inbox_fts_delete AFTER DELETE ON inbox_items BEGIN
        INSERT INTO inbox_fts (inbox_fts, rowid, body) VALUES ('delete', old.seq, old.body);
    END;
    CREATE TRIGGER inbox_fts_update AFTER UPDATE OF body ON inbox_items BEGIN
        INSERT INTO inbox_fts (inbox_fts, rowid, body) VALUES ('delete', old.seq, old.body);
        INSERT INTO inbox_fts (rowid, body) VALUES (new.seq, new.body);
    END;",
    // scores job: per site, the lease of the run in progress (one instance at a time) and
    // the orders' mark (count, latest update) the last run saw; orders by site and update
    // time make the mark cheap to read.
    "CREATE TABLE score_jobs (
        site        TEXT PRIMARY KEY NOT NULL,
        holder      TEXT,
        lease_until INTEGER NOT NULL,
        seen_count  INTEGER,
        seen_update INTEGER
    );
    CREATE INDEX orders_site_updated ON orders (site, updated_at);",
    // impressions: how often each survey was shown, per UTC day (counts only, nothing
    // about the visitor).
    "CREATE TABLE impressions (
        site   TEXT NOT NULL,
        survey TEXT NOT NULL,
        day    INTEGER NOT NULL,
        shown  INTEGER NOT NULL,
        PRIMARY KEY (site, survey, day)
    );",
    // inbox tag pages: each tag row carries its item's page keys (`received_at`,
    // `risk_key`, kept in step by a trigger), so that a tag filter walks the tag's rows in
    // page order and stops after a page, whatever share of the inbox carries the tag; the
    // customers of a tier by index, for the inbox's tier filter.
    "ALTER TABLE inbox_tags ADD COLUMN received_at TEXT NOT NULL DEFAULT '';
    ALTER TABLE inbox_tags ADD COLUMN risk_key REAL NOT NULL DEFAULT -1;
    UPDATE inbox_tags SET
        received_at = coalesce((SELECT i.received_at FROM inbox_items i
            WHERE i.site = inbox_tags.site AND i.id = inbox_tags.id), ''),
        risk_key = coalesce((SELECT i.risk_key FROM inbox_items i
            WHERE i.site = inbox_tags.site AND i.id = inbox_tags.id), -1);
    CREATE INDEX inbox_tags_newest ON inbox_tags (site, tag, received_at, id);
    CREATE INDEX inbox_tags_risk ON inbox_tags (site, tag, risk_key, received_at, id);
    CREATE TRIGGER inbox_tags_keys AFTER UPDATE OF received_at, risk_key ON inbox_items
    WHEN old.received_at IS NOT new.received_at OR old.risk_key IS NOT new.risk_key BEGIN
        UPDATE inbox_tags SET received_at = new.received_at, risk_key = new.risk_key
        WHERE site = new.site AND id = new.id;
    END;
    CREATE INDEX customer_scores_tier ON customer_scores (site, tier, customer);",
];

/// Newest schema version this build knows.
pub fn latest() -> usize {
    MIGRATIONS.len()
}

/// Brings `conn` to the latest schema version in one immediate transaction.
pub fn migrate(conn: &mut Connection) -> Result<usize, StoreError> {
    migrate_to(conn, latest())
}

fn migrate_to(conn: &mut Connection, target: usize) -> Result<usize, StoreError> {
    let failed = |version: usize| {
        move |e: rusqlite::Error| StoreError::Migration {
            version,
            message: e.to_string(),
        }
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed(0))?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current < 0 || current as usize > latest() {
        return Err(StoreError::TooNew {
            found: current,
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
        tx.execute_batch(sql).map_err(failed(version))?;
        tx.pragma_update(None, "user_version", version as i64)
            .map_err(failed(version))?;
    }
    tx.commit().map_err(failed(target))?;
    Ok(target.max(current as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_fresh_and_is_idempotent() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        assert_eq!(migrate(&mut conn)?, latest());
        assert_eq!(migrate(&mut conn)?, latest());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(version as usize, latest());
        let n: i64 = conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?;
        assert_eq!(n, 0);
        Ok(())
    }

    #[test]
    fn version_2_keeps_rows_and_scopes_ids_to_their_site() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        migrate_to(&mut conn, 1)?;
        conn.execute(
            "INSERT INTO responses (id, site, survey, answers, received_at)
             VALUES ('r1', 'a', 's', '[]', '2026-01-01T00:00:00.000Z')",
            [],
        )?;
        assert_eq!(migrate(&mut conn)?, latest());
        let kept: String =
            conn.query_row("SELECT site FROM responses WHERE id = 'r1'", [], |r| {
                r.get(0)
            })?;
        assert_eq!(kept, "a");
        // The same id on another site is a new row now.
        conn.execute(
            "INSERT INTO responses (id, site, survey, answers, received_at)
             VALUES ('r1', 'b', 's', '[]', '2026-01-01T00:00:00.000Z')",
            [],
        )?;
        let n: i64 = conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?;
        assert_eq!(n, 2);
        Ok(())
    }

    #[test]
    fn version_4_reads_earlier_rows_as_complete() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        migrate_to(&mut conn, 3)?;
        conn.execute(
            "INSERT INTO responses (id, site, survey, answers, received_at)
             VALUES ('r1', 'a', 's', '[]', '2026-01-01T00:00:00.000Z')",
            [],
        )?;
        assert_eq!(migrate(&mut conn)?, latest());
        let partial: bool =
            conn.query_row("SELECT partial FROM responses WHERE id = 'r1'", [], |r| {
                r.get(0)
            })?;
        assert!(!partial);
        Ok(())
    }

    #[test]
    fn version_8_marks_referrals_reversed_before_it_and_keeps_referees_unique(
    ) -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        migrate_to(&mut conn, 7)?;
        conn.execute_batch(
            "INSERT INTO referrals (site, id, code, referrer, referee, status, created_at) VALUES
                ('a', 'shopify:1', 'C', 'alice', 'bob', 'credited', 1),
                ('a', 'shopify:2', 'C', 'alice', 'carol', 'credited', 2),
                ('a', 'shopify:3', 'C', 'alice', 'dave', 'self_referral', 3);
             INSERT INTO ledger (site, customer, kind, source_id, points, created_at, available_at)
             VALUES ('a', 'alice', 'referral', 'shopify:1:referrer', 500, 1, 1),
                    ('a', 'alice', 'referral_reversal', 'shopify:1:referrer', -500, 5, 1),
                    ('a', 'alice', 'referral', 'shopify:2:referrer', 500, 2, 2);",
        )?;
        assert_eq!(migrate(&mut conn)?, latest());
        let status = |id: &str| -> rusqlite::Result<String> {
            conn.query_row(
                "SELECT status FROM referrals WHERE site = 'a' AND id = ?1",
                [id],
                |r| r.get(0),
            )
        };
        assert_eq!(status("shopify:1")?, "reversed");
        assert_eq!(status("shopify:2")?, "credited");
        assert_eq!(status("shopify:3")?, "self_referral");
        // Bob was credited once: reversed, he still cannot be credited again.
        let again = conn.execute(
            "INSERT INTO referrals (site, id, code, referrer, referee, status, created_at)
             VALUES ('a', 'shopify:9', 'D', 'erin', 'bob', 'credited', 9) ON CONFLICT DO NOTHING",
            [],
        )?;
        assert_eq!(again, 0);
        Ok(())
    }

    #[test]
    fn tag_rows_get_and_keep_their_items_page_keys() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        migrate_to(&mut conn, latest() - 1)?;
        conn.execute_batch(
            "INSERT INTO inbox_items (site, id, survey, received_at, partial, unhappy, has_text,
                body, risk_key) VALUES ('a', 'r1', 's', '2026-01-02T00:00:00.000Z', 0, 0, 0, '', 7.5);
             INSERT INTO inbox_tags (site, tag, id) VALUES ('a', 'late', 'r1');",
        )?;
        migrate(&mut conn)?;
        let keys = |conn: &Connection| -> rusqlite::Result<(String, f64)> {
            conn.query_row(
                "SELECT received_at, risk_key FROM inbox_tags WHERE site = 'a' AND id = 'r1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        };
        assert_eq!(keys(&conn)?, ("2026-01-02T00:00:00.000Z".to_owned(), 7.5));
        conn.execute(
            "UPDATE inbox_items SET risk_key = -1, received_at = '2026-01-03T00:00:00.000Z'",
            [],
        )?;
        assert_eq!(keys(&conn)?, ("2026-01-03T00:00:00.000Z".to_owned(), -1.0));
        Ok(())
    }

    #[test]
    fn refuses_newer_schema() -> Result<(), StoreError> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "user_version", 99)?;
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::TooNew { found: 99, .. })
        ));
        Ok(())
    }
}
