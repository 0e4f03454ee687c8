//! Storage of follow-ups and of the holdout experiment: the [`FollowupStore`] trait,
//! implemented by both backends with the same SQL ([`sql`], `$n` parameters; SQLite reads
//! them as `?n`). The store decides nothing: who may follow up, which group a response
//! falls in and what counts as a detractor are decided in [`crate::followup`].
//!
//! Times are ms since the epoch; money is in the currency's minor units, as orders are
//! stored.

use serde::Serialize;

use super::StoreFuture;
use crate::followup::assign::Group;
use crate::followup::holdout::HoldoutSettings;

/// One follow-up as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Followup {
    /// Random id.
    pub id: String,
    /// The response it answers.
    pub response_id: String,
    /// The customer it is for.
    #[serde(skip)]
    pub customer: String,
    /// The reply, verbatim.
    pub text: String,
    /// The author's e-mail (console only; the shopper sees [`Followup::author_name`]).
    pub author: String,
    /// The author's display name.
    pub author_name: String,
    /// Sent, ms.
    pub sent_at: i64,
    /// First shown to the shopper, ms.
    pub seen_at: Option<i64>,
    /// The shopper's vote.
    pub helpful: Option<bool>,
    /// Sent to a holdout response by override.
    pub overridden: bool,
}

/// A follow-up to store, with the `followup.sent` event queued in the same transaction.
#[derive(Debug, Clone)]
pub struct NewFollowup {
    /// Site.
    pub site: String,
    /// The follow-up.
    pub followup: Followup,
    /// The outbox event's id (`msg_…`).
    pub event_id: String,
    /// The outbox event's body (JSON text).
    pub event_payload: String,
}

/// What a follow-up needs to know of a stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFacts {
    /// Response id.
    pub id: String,
    /// Survey id.
    pub survey: String,
    /// The answers, JSON text.
    pub answers_json: String,
    /// The verified customer, if any.
    pub customer: Option<String>,
    /// Received, ms.
    pub received_at: i64,
    /// Stored partial.
    pub partial: bool,
}

/// One response's holdout assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    /// The response.
    pub response_id: String,
    /// Its customer.
    pub customer: String,
    /// Its group.
    pub group: Group,
    /// The share in force when it was assigned.
    pub share: f64,
    /// Assigned (= the response's arrival), ms.
    pub assigned_at: i64,
    /// The customer's P(alive) at assignment, when scored.
    pub p_alive: Option<f64>,
    /// The customer's expected annual value at assignment, minor units, when scored.
    pub annual_value: Option<f64>,
    /// A holdout response followed up anyway (excluded from the comparison).
    pub overridden: bool,
}

/// An order of an assigned customer, for the experiment's outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeOrder {
    /// Customer.
    pub customer: String,
    /// Placed, ms.
    pub created_at: i64,
    /// Total minus refunds, minor units.
    pub net: i64,
}

/// Follow-ups and the holdout.
pub trait FollowupStore: Send + Sync {
    /// The stored response `id` of `site`.
    fn response_facts(&self, site: String, id: String) -> StoreFuture<'_, Option<ResponseFacts>>;
    /// The responses of `site` received in `[from, to)` (ms), oldest first.
    fn responses_between(
        &self,
        site: String,
        from: i64,
        to: i64,
    ) -> StoreFuture<'_, Vec<ResponseFacts>>;
    /// Stores a follow-up and queues its event, in one transaction; an overridden one also
    /// marks the response's assignment overridden.
    fn insert_followup(&self, new: NewFollowup) -> StoreFuture<'_, ()>;
    /// The follow-ups of response `response_id`, oldest first.
    fn followups_of(&self, site: String, response_id: String) -> StoreFuture<'_, Vec<Followup>>;
    /// Every follow-up of `site` (the closed-loop rate), oldest first.
    fn site_followups(&self, site: String) -> StoreFuture<'_, Vec<Followup>>;
    /// The customer's follow-ups not yet seen or sent at or after `since`, newest first, at
    /// most `limit`, each with its response.
    fn followups_for_customer(
        &self,
        site: String,
        customer: String,
        since: i64,
        limit: i64,
    ) -> StoreFuture<'_, Vec<(Followup, ResponseFacts)>>;
    /// Records that the customer saw follow-up `id` (the first time counts); the follow-up
    /// after, or None when it is not theirs.
    fn mark_seen(
        &self,
        site: String,
        id: String,
        customer: String,
        now: i64,
    ) -> StoreFuture<'_, Option<Followup>>;
    /// Records the customer's vote on follow-up `id` (also marks it seen); the follow-up
    /// after, or None when it is not theirs.
    fn mark_helpful(
        &self,
        site: String,
        id: String,
        customer: String,
        helpful: bool,
        now: i64,
    ) -> StoreFuture<'_, Option<Followup>>;
    /// The site's holdout settings and seed, if ever set.
    fn holdout(&self, site: String) -> StoreFuture<'_, Option<(HoldoutSettings, String)>>;
    /// Sets the site's holdout settings; `seed` is kept from the first time (later calls'
    /// seed is ignored). Returns the seed in force.
    fn put_holdout(
        &self,
        site: String,
        settings: HoldoutSettings,
        seed: String,
        now: i64,
    ) -> StoreFuture<'_, String>;
    /// Records an assignment unless the response has one; the one in force after.
    fn assign(&self, site: String, assignment: Assignment) -> StoreFuture<'_, Assignment>;
    /// The groups of those of `ids` that are assigned: (response id, group, overridden).
    fn holdout_of(
        &self,
        site: String,
        ids: Vec<String>,
    ) -> StoreFuture<'_, Vec<(String, Group, bool)>>;
    /// How many follow-ups each of those of `ids` that have any got: (response id, count).
    fn followup_counts(
        &self,
        site: String,
        ids: Vec<String>,
    ) -> StoreFuture<'_, Vec<(String, i64)>>;
    /// Every assignment of `site`, oldest first.
    fn assignments(&self, site: String) -> StoreFuture<'_, Vec<Assignment>>;
    /// The non-cancelled orders of `customers` of `site` placed in `[from, to)`.
    fn orders_of(
        &self,
        site: String,
        customers: Vec<String>,
        from: i64,
        to: i64,
    ) -> StoreFuture<'_, Vec<OutcomeOrder>>;
}

/// The statements both backends run, with `$n` parameters.
pub mod sql {
    /// Columns of a follow-up, in [`super::Followup`] order.
    pub const COLUMNS: &str = "f.id, f.response_id, f.customer, f.text, f.author, f.author_name, \
        f.sent_at, f.seen_at, f.helpful, f.overridden";
    /// $1 site, $2 id, $3 response, $4 customer, $5 text, $6 author, $7 name, $8 sent,
    /// $9 overridden.
    pub const INSERT: &str = "INSERT INTO followups (site, id, response_id, customer, text, \
        author, author_name, sent_at, overridden) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    /// $1 site, $2 event id, $3 payload, $4 now.
    pub const OUTBOX: &str = "INSERT INTO outbox (site, event_id, payload, next_attempt_at, \
        created_at) VALUES ($1, $2, $3, $4, $4)";
    /// $1 site, $2 response.
    pub const MARK_OVERRIDDEN: &str = "UPDATE followup_assignments SET overridden = TRUE \
        WHERE site = $1 AND response_id = $2";
    /// $1 site, $2 response.
    pub const OF_RESPONSE: &str = "SELECT f.id, f.response_id, f.customer, f.text, f.author, \
        f.author_name, f.sent_at, f.seen_at, f.helpful, f.overridden FROM followups f \
        WHERE f.site = $1 AND f.response_id = $2 ORDER BY f.sent_at, f.id";
    /// $1 site.
    pub const OF_SITE: &str = "SELECT f.id, f.response_id, f.customer, f.text, f.author, \
        f.author_name, f.sent_at, f.seen_at, f.helpful, f.overridden FROM followups f \
        WHERE f.site = $1 ORDER BY f.sent_at, f.id";
    /// $1 site, $2 customer, $3 since, $4 limit.
    pub const FOR_CUSTOMER: &str = "SELECT f.id, f.response_id, f.customer, f.text, f.author, \
        f.author_name, f.sent_at, f.seen_at, f.helpful, f.overridden, r.survey, r.answers \
        FROM followups f JOIN responses r ON r.site = f.site AND r.id = f.response_id \
        WHERE f.site = $1 AND f.customer = $2 AND (f.seen_at IS NULL OR f.sent_at >= $3) \
        ORDER BY f.sent_at DESC, f.id DESC LIMIT $4";
    /// $1 site, $2 id, $3 customer, $4 now.
    pub const SEEN: &str = "UPDATE followups SET seen_at = COALESCE(seen_at, $4) \
        WHERE site = $1 AND id = $2 AND customer = $3";
    /// $1 site, $2 id, $3 customer, $4 now, $5 helpful.
    pub const HELPFUL: &str = "UPDATE followups SET seen_at = COALESCE(seen_at, $4), \
        helpful = $5 WHERE site = $1 AND id = $2 AND customer = $3";
    /// $1 site, $2 id.
    pub const ONE: &str = "SELECT f.id, f.response_id, f.customer, f.text, f.author, \
        f.author_name, f.sent_at, f.seen_at, f.helpful, f.overridden FROM followups f \
        WHERE f.site = $1 AND f.id = $2";
    /// $1 site.
    pub const HOLDOUT: &str =
        "SELECT enabled, share, window_days, seed FROM followup_holdout WHERE site = $1";
    /// $1 site, $2 enabled, $3 share, $4 window, $5 seed, $6 now.
    pub const PUT_HOLDOUT: &str = "INSERT INTO followup_holdout (site, enabled, share, \
        window_days, seed, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (site) DO \
        UPDATE SET enabled = excluded.enabled, share = excluded.share, \
        window_days = excluded.window_days, updated_at = excluded.updated_at";

    /// $1 site, $2.. the assignment's columns.
    pub const ASSIGN: &str = "INSERT INTO followup_assignments (site, response_id, customer, \
        grp, share, assigned_at, p_alive, annual_value, overridden) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (site, response_id) DO NOTHING";
    /// $1 site, $2 response.
    pub const ASSIGNMENT_OF: &str = "SELECT response_id, customer, grp, share, assigned_at, \
        p_alive, annual_value, overridden FROM followup_assignments \
        WHERE site = $1 AND response_id = $2";
    /// $1 site.
    pub const ASSIGNMENTS: &str = "SELECT response_id, customer, grp, share, assigned_at, \
        p_alive, annual_value, overridden FROM followup_assignments WHERE site = $1 \
        ORDER BY assigned_at, response_id";
    /// $1 site, $2 customer, $3 from, $4 to.
    pub const ORDERS: &str = "SELECT customer, created_at, total - refunded FROM orders \
        WHERE site = $1 AND customer = $2 AND created_at >= $3 AND created_at < $4 \
        AND NOT cancelled";

    /// `sql` with SQLite's `?n` parameters.
    pub fn sqlite(sql: &str) -> String {
        sql.replace('$', "?")
    }
}
