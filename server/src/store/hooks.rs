//! Storage of outbound webhooks and alerts: the [`HooksStore`] trait, implemented by both
//! backends with the same SQL ([`sql`], `$n` parameters; SQLite reads them as `?n`).
//!
//! Events themselves are rows of the `outbox` table, queued in the transaction of the write
//! that caused them; the hooks job fans each one out into `outbound_deliveries` (one row per
//! subscribed endpoint, unique on `(target, event_id)` so a repeated fan-out adds nothing)
//! and sends those. A delivery's `target` is an endpoint id, or `slack:<site>` for the
//! site's Slack-compatible alert URL. Claiming moves a delivery's next attempt past a lease
//! (SQLite: under the write lock; PostgreSQL: `FOR UPDATE SKIP LOCKED`), so several
//! instances never send one delivery at once. A digest day is claimed with one conditional
//! `UPDATE`, so exactly one instance sends a site's digest each day.

use serde::Serialize;

use super::StoreFuture;

/// A webhook endpoint, secret included (the API shows the secret only when it is made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Random id.
    pub id: String,
    /// Site whose events it receives.
    pub site: String,
    /// Where events are POSTed.
    pub url: String,
    /// Subscribed event types.
    pub events: Vec<String>,
    /// Disabled endpoints receive nothing (deliveries already queued are still tried).
    pub enabled: bool,
    /// `whsec_…`.
    pub secret: String,
    /// Made, ms.
    pub created_at: i64,
    /// Last changed, ms.
    pub updated_at: i64,
}

/// A delivery claimed for an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryItem {
    /// Row id.
    pub seq: i64,
    /// Endpoint id or `slack:<site>`.
    pub target: String,
    /// Site.
    pub site: String,
    /// `webhook-id`.
    pub event_id: String,
    /// Body.
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// One line of an endpoint's delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryLog {
    /// Position (newest is highest).
    pub seq: i64,
    /// `webhook-id`.
    pub event_id: String,
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Attempts made (failed ones, plus the successful one if delivered).
    pub attempts: u32,
    /// HTTP status of the last answer, if there was one.
    pub status_code: Option<u16>,
    /// The last failure.
    pub error: Option<String>,
    /// Queued, ms.
    pub created_at: i64,
    /// Last attempt, ms.
    pub last_attempt_at: Option<i64>,
    /// Next attempt, ms (absent once delivered or given up).
    pub next_attempt_at: Option<i64>,
    /// Delivered, ms.
    pub delivered_at: Option<i64>,
    /// Whether it was given up after the last retry.
    pub gave_up: bool,
}

/// A site's alert settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSettings {
    /// Site.
    pub site: String,
    /// Slack-compatible incoming-webhook URL.
    pub slack_url: Option<String>,
    /// Send a message for each detractor response.
    pub instant_detractor: bool,
    /// Send the daily digest.
    pub digest_enabled: bool,
    /// The UTC hour (0–23) after which the day before's digest goes out.
    pub digest_hour: u8,
    /// The last day (`YYYY-MM-DD`) whose digest was sent.
    pub last_digest_day: Option<String>,
}

/// The outcome of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// HTTP status, if the endpoint answered.
    pub status: Option<u16>,
    /// Why it failed (`None`: delivered).
    pub error: Option<String>,
    /// Next attempt (`None` with an error: given up).
    pub retry_at: Option<i64>,
    /// When, ms.
    pub at: i64,
}

/// Webhook endpoints, deliveries and alert settings.
pub trait HooksStore: Send + Sync {
    /// Stores a new endpoint.
    fn insert_endpoint(&self, endpoint: Endpoint) -> StoreFuture<'_, ()>;
    /// Every endpoint of `site` (all sites when `None`), oldest first.
    fn endpoints(&self, site: Option<String>) -> StoreFuture<'_, Vec<Endpoint>>;
    /// Endpoint `id`.
    fn endpoint(&self, id: String) -> StoreFuture<'_, Option<Endpoint>>;
    /// Replaces the stored endpoint of the same id; `false` when there is none.
    fn update_endpoint(&self, endpoint: Endpoint) -> StoreFuture<'_, bool>;
    /// Deletes endpoint `id` and its undelivered deliveries; `false` when there is none.
    fn delete_endpoint(&self, id: String) -> StoreFuture<'_, bool>;
    /// Queues event `event_id` of `site` (type `event_type`, body `payload`) for every
    /// enabled endpoint of the site subscribed to the type; how many were new.
    fn fan_out(
        &self,
        site: String,
        event_id: String,
        event_type: String,
        payload: String,
        now: i64,
    ) -> StoreFuture<'_, u64>;
    /// Queues one delivery to `target` (`false`: it was queued before).
    fn enqueue(
        &self,
        target: String,
        site: String,
        event_id: String,
        event_type: String,
        payload: String,
        now: i64,
    ) -> StoreFuture<'_, bool>;
    /// Records a delivery attempted at once (the send test): delivered or failed, never
    /// retried.
    fn record_sent(
        &self,
        target: String,
        site: String,
        event_id: String,
        event_type: String,
        payload: String,
        attempt: Attempt,
    ) -> StoreFuture<'_, ()>;
    /// Claims up to `limit` deliveries due at `now`, moving their next attempt to
    /// `lease_until`.
    fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreFuture<'_, Vec<DeliveryItem>>;
    /// Records an attempt's outcome.
    fn delivery_attempted(&self, seq: i64, attempt: Attempt) -> StoreFuture<'_, ()>;
    /// The newest `limit` deliveries to `target`, newest first, before `before` if given.
    fn deliveries(
        &self,
        target: String,
        before: Option<i64>,
        limit: i64,
    ) -> StoreFuture<'_, Vec<DeliveryLog>>;
    /// A site's alert settings, if any were saved.
    fn alerts(&self, site: String) -> StoreFuture<'_, Option<AlertSettings>>;
    /// Every site's alert settings.
    fn all_alerts(&self) -> StoreFuture<'_, Vec<AlertSettings>>;
    /// Saves a site's settings (keeping its last digest day).
    fn save_alerts(&self, settings: AlertSettings, now: i64) -> StoreFuture<'_, ()>;
    /// Marks `day`'s digest of `site` as sent unless it (or a later one) was; `true` for
    /// the one caller that claimed it.
    fn claim_digest(&self, site: String, day: String) -> StoreFuture<'_, bool>;
}

/// The statements both backends run, with `$n` parameters.
pub mod sql {
    /// Columns of an endpoint.
    pub const ENDPOINT_COLUMNS: &str =
        "id, site, url, events, enabled, secret, created_at, updated_at";
    /// $1..$8 in [`ENDPOINT_COLUMNS`] order.
    pub const INSERT_ENDPOINT: &str = "INSERT INTO webhook_endpoints (id, site, url, events, enabled, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    /// Every endpoint.
    pub const ALL_ENDPOINTS: &str = "SELECT id, site, url, events, enabled, secret, created_at, updated_at FROM webhook_endpoints ORDER BY created_at, id";
    /// $1 site.
    pub const SITE_ENDPOINTS: &str = "SELECT id, site, url, events, enabled, secret, created_at, updated_at FROM webhook_endpoints WHERE site = $1 ORDER BY created_at, id";
    /// $1 id.
    pub const ENDPOINT: &str = "SELECT id, site, url, events, enabled, secret, created_at, updated_at FROM webhook_endpoints WHERE id = $1";
    /// $1 id, $2 url, $3 events, $4 enabled, $5 secret, $6 updated.
    pub const UPDATE_ENDPOINT: &str = "UPDATE webhook_endpoints SET url = $2, events = $3, enabled = $4, secret = $5, updated_at = $6 WHERE id = $1";
    /// $1 id.
    pub const DELETE_ENDPOINT: &str = "DELETE FROM webhook_endpoints WHERE id = $1";
    /// $1 target.
    pub const DELETE_PENDING: &str = "DELETE FROM outbound_deliveries WHERE target = $1 AND delivered_at IS NULL AND failed_at IS NULL";
    /// $1 site, $2 event id, $3 type, $4 payload, $5 now.
    pub const FAN_OUT: &str = "INSERT INTO outbound_deliveries (target, site, event_id, event_type, payload, next_attempt_at, created_at)
        SELECT id, site, CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BIGINT), CAST($5 AS BIGINT)
        FROM webhook_endpoints
        WHERE site = $1 AND enabled AND (',' || events || ',') LIKE ('%,' || CAST($3 AS TEXT) || ',%')
        ON CONFLICT (target, event_id) DO NOTHING";
    /// $1 target, $2 site, $3 event id, $4 type, $5 payload, $6 now.
    pub const ENQUEUE: &str = "INSERT INTO outbound_deliveries (target, site, event_id, event_type, payload, next_attempt_at, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (target, event_id) DO NOTHING";
    /// $1 target, $2 site, $3 event id, $4 type, $5 payload, $6 at, $7 status, $8 error,
    /// $9 delivered at, $10 failed at.
    pub const RECORD_SENT: &str = "INSERT INTO outbound_deliveries (target, site, event_id, event_type, payload, attempts, next_attempt_at, created_at, last_attempt_at, last_status, last_error, delivered_at, failed_at)
        VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $6, $7, $8, $9, $10) ON CONFLICT (target, event_id) DO NOTHING";
    /// $1 seq, $2 at, $3 status.
    pub const DELIVERED: &str = "UPDATE outbound_deliveries SET attempts = attempts + 1, delivered_at = $2, last_attempt_at = $2, last_status = $3, last_error = NULL WHERE seq = $1";
    /// $1 seq, $2 at, $3 status, $4 error, $5 retry at or NULL.
    pub const FAILED: &str = "UPDATE outbound_deliveries SET attempts = attempts + 1, last_attempt_at = $2, last_status = $3, last_error = $4,
        next_attempt_at = coalesce($5, next_attempt_at), failed_at = CASE WHEN CAST($5 AS BIGINT) IS NULL THEN CAST($2 AS BIGINT) END WHERE seq = $1";
    /// Columns of a log line.
    const LOG: &str = "SELECT seq, event_id, event_type, attempts, last_status, last_error, created_at, last_attempt_at, next_attempt_at, delivered_at, failed_at FROM outbound_deliveries";
    /// $1 target, $2 limit.
    pub fn log_first() -> String {
        format!("{LOG} WHERE target = $1 ORDER BY seq DESC LIMIT $2")
    }
    /// $1 target, $2 before, $3 limit.
    pub fn log_before() -> String {
        format!("{LOG} WHERE target = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3")
    }
    /// Columns of alert settings.
    pub const ALERT_COLUMNS: &str =
        "site, slack_url, instant_detractor, digest_enabled, digest_hour, last_digest_day";
    /// $1 site.
    pub const ALERTS: &str = "SELECT site, slack_url, instant_detractor, digest_enabled, digest_hour, last_digest_day FROM site_alerts WHERE site = $1";
    /// Every site.
    pub const ALL_ALERTS: &str = "SELECT site, slack_url, instant_detractor, digest_enabled, digest_hour, last_digest_day FROM site_alerts ORDER BY site";
    /// $1 site, $2 slack url, $3 instant, $4 digest, $5 hour, $6 now.
    pub const SAVE_ALERTS: &str = "INSERT INTO site_alerts (site, slack_url, instant_detractor, digest_enabled, digest_hour, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (site) DO UPDATE SET slack_url = excluded.slack_url, instant_detractor = excluded.instant_detractor,
        digest_enabled = excluded.digest_enabled, digest_hour = excluded.digest_hour, updated_at = excluded.updated_at";
    /// $1 site, $2 day.
    pub const CLAIM_DIGEST: &str = "UPDATE site_alerts SET last_digest_day = $2 WHERE site = $1 AND (last_digest_day IS NULL OR last_digest_day < $2)";

    /// `sql` with SQLite's `?n` parameters.
    pub fn sqlite(sql: &str) -> String {
        sql.replace('$', "?")
    }
}

/// The stored form of a subscription list.
pub fn join_events(events: &[String]) -> String {
    events.join(",")
}

/// A subscription list read back.
pub fn split_events(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The target of a site's Slack alerts.
pub fn slack_target(site: &str) -> String {
    format!("slack:{site}")
}

/// A log line from its stored columns.
#[allow(clippy::too_many_arguments)]
pub fn log_line(
    seq: i64,
    event_id: String,
    event_type: String,
    attempts: i64,
    status: Option<i64>,
    error: Option<String>,
    created_at: i64,
    last_attempt_at: Option<i64>,
    next_attempt_at: i64,
    delivered_at: Option<i64>,
    failed_at: Option<i64>,
) -> DeliveryLog {
    let done = delivered_at.is_some() || failed_at.is_some();
    DeliveryLog {
        seq,
        event_id,
        event_type,
        attempts: attempts.clamp(0, u32::MAX as i64) as u32,
        status_code: status.and_then(|s| u16::try_from(s).ok()),
        error,
        created_at,
        last_attempt_at,
        next_attempt_at: (!done).then_some(next_attempt_at),
        delivered_at,
        gave_up: failed_at.is_some(),
    }
}
