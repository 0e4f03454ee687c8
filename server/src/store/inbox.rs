//! Storage of the merchant's inbox: per response its triage state (status, tags, assignee,
//! internal notes) and what is derived from it once — score, band, whether it has text,
//! the open text to search, and its revenue at risk from the customer's scores. The
//! [`InboxStore`] trait is implemented by both backends; the SQL they share is in [`sql`].
//!
//! **Derived at write time.** A response's row is written when the response is stored
//! ([`crate::inbox::on_response_stored`]) and, for responses stored before the inbox
//! existed or whose row could not be written, by the start-up backfill
//! ([`crate::inbox::backfill`]). Revenue at risk is materialised per row from
//! `customer_scores` (`risk`, `risk_low`, `risk_high`) when the row is written and again,
//! for a whole site, by [`InboxStore::refresh_risk`] after each scores run — never per
//! request. `risk_key` is the risk, or −1 for rows without one (anonymous or unscored), so
//! that one index walks "highest risk first, unscored last, newest first".

use serde::Serialize;

use super::{StoreFuture, StoredResponse};

/// Largest number of tags on one response.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 4_000;
/// `risk_key` of a row without risk (sorts after every risk, which is ≥ 0).
pub const NO_RISK: f64 = -1.0;

/// Where a response stands in the merchant's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not looked at yet.
    New,
    /// Looked at and sorted.
    Triaged,
    /// Someone is acting on it.
    Acting,
    /// Done.
    Resolved,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 4] = [
        Status::New,
        Status::Triaged,
        Status::Acting,
        Status::Resolved,
    ];

    /// The wire and stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Triaged => "triaged",
            Status::Acting => "acting",
            Status::Resolved => "resolved",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What is derived from one stored response (see [`crate::inbox::derive`]).
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEntry {
    /// Site.
    pub site: String,
    /// Response id.
    pub id: String,
    /// Survey.
    pub survey: String,
    /// The response's `received_at` (`2026-11-22T10:00:00.123Z`).
    pub received_at: String,
    /// A partial response.
    pub partial: bool,
    /// The verified customer, if any.
    pub customer: Option<String>,
    /// Page URL (U+0000 removed: PostgreSQL text cannot hold it).
    pub url: Option<String>,
    /// `"nps"`, `"csat"`, `"ces"` or `"rating"`.
    pub score_kind: Option<String>,
    /// The score's value.
    pub score_value: Option<f64>,
    /// `"detractor"`, `"passive"`, `"promoter"`, `"unhappy"` or none.
    pub band: Option<String>,
    /// [`crate::feedback_band::is_unhappy`].
    pub unhappy: bool,
    /// Whether any open text was written.
    pub has_text: bool,
    /// In `[0, 1]`, from the score; `None` without one.
    pub unhappiness: Option<f64>,
    /// The open text, lower-cased, for search and themes.
    pub body: String,
}

/// Page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Newest first.
    Newest,
    /// Highest revenue at risk first; rows without risk last; then newest first.
    Risk,
}

impl Sort {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Risk => "risk",
        }
    }
}

/// The `band` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandFilter {
    /// NPS 0–6.
    Detractor,
    /// NPS 7–8.
    Passive,
    /// NPS 9–10.
    Promoter,
    /// [`crate::feedback_band::is_unhappy`] on any scale.
    Unhappy,
}

impl BandFilter {
    /// The filter named `s`.
    pub fn parse(s: &str) -> Option<BandFilter> {
        match s {
            "detractor" => Some(BandFilter::Detractor),
            "passive" => Some(BandFilter::Passive),
            "promoter" => Some(BandFilter::Promoter),
            "unhappy" => Some(BandFilter::Unhappy),
            _ => None,
        }
    }

    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            BandFilter::Detractor => "detractor",
            BandFilter::Passive => "passive",
            BandFilter::Promoter => "promoter",
            BandFilter::Unhappy => "unhappy",
        }
    }
}

/// The `assignee` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Assigned to this console user id.
    User(String),
    /// Assigned to nobody.
    Nobody,
}

/// A row's place in page order; the next page starts strictly after it.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxCursor {
    /// The row's `risk_key` (ignored by [`Sort::Newest`]).
    pub risk_key: f64,
    /// The row's `received_at`.
    pub received_at: String,
    /// The row's id.
    pub id: String,
}

/// Which rows, in which order.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxQuery {
    /// Site (required).
    pub site: String,
    /// Order.
    pub sort: Sort,
    /// Only this survey.
    pub survey: Option<String>,
    /// Only this band.
    pub band: Option<BandFilter>,
    /// Received at or after (stored form).
    pub from: Option<String>,
    /// Received before (stored form).
    pub to: Option<String>,
    /// Page URL contains this.
    pub url: Option<String>,
    /// With (or without) open text.
    pub has_text: Option<bool>,
    /// The customer's tier (from `customer_scores.tier`).
    pub tier: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
    /// Carrying this tag.
    pub tag: Option<String>,
    /// Assigned to.
    pub assignee: Option<AssigneeFilter>,
    /// Every one of these words in the open text (lower-case tokens).
    pub words: Vec<String>,
    /// Resume after this row.
    pub after: Option<InboxCursor>,
    /// Rows wanted.
    pub limit: usize,
}

impl InboxQuery {
    /// All rows of `site`, newest first, `limit` at a time.
    pub fn new(site: impl Into<String>, limit: usize) -> Self {
        InboxQuery {
            site: site.into(),
            sort: Sort::Newest,
            survey: None,
            band: None,
            from: None,
            to: None,
            url: None,
            has_text: None,
            tier: None,
            status: None,
            tag: None,
            assignee: None,
            words: Vec::new(),
            after: None,
            limit,
        }
    }
}

/// A low/value/high triple as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Triple {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The customer's scores as a row shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct RowScores {
    /// Paid orders.
    pub orders: i64,
    /// Spend, minor units.
    pub spend: i64,
    /// Currency.
    pub currency: String,
    /// Tier.
    pub tier: Option<String>,
    /// P(alive).
    pub p_alive: Triple,
    /// Next year's value, minor units.
    pub annual_value: Triple,
}

/// One inbox row with what the API shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    /// The stored response.
    pub response: StoredResponse,
    /// Score kind.
    pub score_kind: Option<String>,
    /// Score value.
    pub score_value: Option<f64>,
    /// Band.
    pub band: Option<String>,
    /// Revenue at risk.
    pub risk: Option<Triple>,
    /// Sort key (risk or [`NO_RISK`]).
    pub risk_key: f64,
    /// Status.
    pub status: Status,
    /// Tags, in the order added.
    pub tags: Vec<String>,
    /// Assignee's user id and e-mail.
    pub assignee: Option<(String, String)>,
    /// Notes written.
    pub notes: i64,
    /// The customer's e-mail (loyalty `customers`).
    pub customer_email: Option<String>,
    /// The customer's scores, when the scores job has run for them.
    pub scores: Option<RowScores>,
}

impl InboxRow {
    /// This row's place in page order.
    pub fn cursor(&self) -> InboxCursor {
        InboxCursor {
            risk_key: self.risk_key,
            received_at: self.response.received_at.clone(),
            id: self.response.id.clone(),
        }
    }
}

/// A change to apply to some rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    /// New status.
    pub status: Option<Status>,
    /// Replace the tags with these (normalised).
    pub set_tags: Option<Vec<String>>,
    /// Add these tags (normalised; kept once).
    pub add_tags: Vec<String>,
    /// Remove these tags.
    pub remove_tags: Vec<String>,
    /// New assignee: `Some(None)` unassigns.
    pub assignee: Option<Option<String>>,
}

impl Change {
    /// The tags after this change, from `current`.
    pub fn tags_from(&self, current: &[String]) -> Vec<String> {
        let mut tags: Vec<String> = match &self.set_tags {
            Some(set) => set.clone(),
            None => current.to_vec(),
        };
        for t in &self.add_tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags.retain(|t| !self.remove_tags.contains(t));
        tags
    }
}

/// What one changed row was and became (for the audit log).
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// Site.
    pub site: String,
    /// Id.
    pub id: String,
    /// Status after.
    pub status: Status,
    /// Tags after.
    pub tags: Vec<String>,
    /// Assignee after.
    pub assignee: Option<String>,
}

/// What [`InboxStore::apply`] did; nothing changed unless `Applied`.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyOutcome {
    /// Every row changed.
    Applied(Vec<Changed>),
    /// This row does not exist (nothing changed).
    Missing {
        /// Site.
        site: String,
        /// Id.
        id: String,
    },
    /// This row would carry more than [`MAX_TAGS`] tags (nothing changed).
    TooManyTags {
        /// Site.
        site: String,
        /// Id.
        id: String,
    },
}

/// An internal note on a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    /// Sequence number.
    pub id: i64,
    /// Author's user id.
    pub author_id: String,
    /// Author's e-mail (empty if the user is gone).
    pub author_email: String,
    /// The text as written.
    pub text: String,
    /// When, ms since the epoch.
    pub at: i64,
}

/// A note to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNote {
    /// Site.
    pub site: String,
    /// Response id.
    pub id: String,
    /// Author's user id.
    pub author: String,
    /// Text.
    pub text: String,
    /// Now, ms.
    pub at: i64,
}

/// Which answers the themes are computed over.
#[derive(Debug, Clone, PartialEq)]
pub struct TextQuery {
    /// Site.
    pub site: String,
    /// Band filter.
    pub band: Option<BandFilter>,
    /// Received at or after.
    pub from: Option<String>,
    /// Received before.
    pub to: Option<String>,
    /// The newest this many texts.
    pub limit: usize,
}

/// One open text for the themes, with the row's band.
#[derive(Debug, Clone, PartialEq)]
pub struct BandText {
    /// The row's band (`None`: no score).
    pub band: Option<String>,
    /// Lower-cased open text.
    pub body: String,
}

/// Reads and writes the inbox.
pub trait InboxStore: Send + Sync {
    /// Writes the derived columns of `entries` (inserting rows as `new`, keeping the
    /// triage state of existing ones) and their risk from the current customer scores.
    fn index(&self, entries: Vec<InboxEntry>) -> StoreFuture<'_, ()>;
    /// Up to `limit` stored responses without an inbox row, in `(site, id)` order after
    /// `after` (the start-up backfill).
    fn unindexed(
        &self,
        after: Option<(String, String)>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<StoredResponse>>;
    /// Recomputes the revenue at risk of every row of `site` from `customer_scores`, in
    /// batches; returns the rows whose risk changed.
    fn refresh_risk(&self, site: String) -> StoreFuture<'_, u64>;
    /// One page of rows.
    fn list(&self, query: InboxQuery) -> StoreFuture<'_, Vec<InboxRow>>;
    /// One row.
    fn get(&self, site: String, id: String) -> StoreFuture<'_, Option<InboxRow>>;
    /// Applies `change` to every row of `keys` in one transaction, or to none.
    fn apply(&self, keys: Vec<(String, String)>, change: Change) -> StoreFuture<'_, ApplyOutcome>;
    /// Adds a note; `None` when the response has no inbox row.
    fn add_note(&self, note: NewNote) -> StoreFuture<'_, Option<Note>>;
    /// A response's notes, oldest first.
    fn notes(&self, site: String, id: String) -> StoreFuture<'_, Vec<Note>>;
    /// The newest open texts matching `query`.
    fn texts(&self, query: TextQuery) -> StoreFuture<'_, Vec<BandText>>;
}

/// SQL both backends share, written for a [`Dialect`].
pub mod sql {
    use super::{AssigneeFilter, BandFilter, InboxQuery, Sort};

    /// The two SQL dialects.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Dialect {
        /// `?n` parameters, text timestamps, FTS5.
        Sqlite,
        /// `$n` parameters, `timestamptz`, `tsvector`.
        Postgres,
    }

    /// A bound parameter.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Param {
        /// Text.
        Text(String),
        /// Integer.
        Int(i64),
        /// Float.
        Real(f64),
    }

    /// Columns of a detailed row, in [`super::InboxRow`] reading order; `{recv}` is the
    /// dialect's formatted `received_at`.
    pub fn row_columns(d: Dialect) -> String {
        let recv = match d {
            Dialect::Sqlite => "i.received_at".to_owned(),
            Dialect::Postgres => {
                r#"to_char(i.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
                    .to_owned()
            }
        };
        format!(
            "i.site, i.id, i.survey, {recv}, i.partial, r.answers, r.locale, r.url, i.customer, \
             i.score_kind, i.score_value, i.band, i.risk, i.risk_low, i.risk_high, i.risk_key, \
             i.status, i.tags, i.assignee, u.email, i.notes, c.email, s.orders, s.spend, \
             s.currency, s.tier, s.p_alive, s.p_alive_low, s.p_alive_high, s.annual_value, \
             s.annual_value_low, s.annual_value_high, r.user_id, r.traits, r.created_at"
        )
    }

    /// The joins of a detailed row.
    pub const ROW_FROM: &str = "FROM inbox_items i \
        JOIN responses r ON r.site = i.site AND r.id = i.id \
        LEFT JOIN customer_scores s ON s.site = i.site AND s.customer = i.customer \
        LEFT JOIN customers c ON c.site = i.site AND c.id = i.customer \
        LEFT JOIN console_users u ON u.id = i.assignee";

    fn time(d: Dialect, p: &str) -> String {
        match d {
            Dialect::Sqlite => p.to_owned(),
            Dialect::Postgres => format!("{p}::text::timestamptz"),
        }
    }

    /// The page's keys: `SELECT … id` with every filter, in page order, limited. Each
    /// filter shape is its own statement; the planner walks `inbox_newest` or `inbox_risk`
    /// from the cursor. With a tag, the page walks that tag's rows instead
    /// (`inbox_tags_newest` / `inbox_tags_risk`: a tag row carries its item's page keys)
    /// and checks the other filters on each item, so a page costs the tag rows read up to
    /// it, never a sort of every tagged row nor a walk of untagged ones. The join order is
    /// fixed (SQLite `CROSS JOIN`, PostgreSQL a `LATERAL … LIMIT 1` it cannot flatten):
    /// estimates cannot see that tags, statuses and surveys go together.
    pub fn page(q: &InboxQuery, d: Dialect) -> (String, Vec<Param>) {
        page_with(q, d, Matches::Many)
    }

    /// How many rows SQLite's full-text index matches, as far as the page plan cares.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Matches {
        /// Fewer than [`FEW_MATCHES`]: the page is read from the matches (each looked up,
        /// then sorted), cheaper than walking the page order past rows that do not match.
        Few,
        /// At least [`FEW_MATCHES`] (or not counted): the page walks the page order and
        /// checks each row against the matches' rowids (read once into a list), stopping
        /// after a page, instead of looking up and sorting every match.
        Many,
    }

    /// Where SQLite's full-text search switches from reading the matches to walking the
    /// page order ([`Matches`]).
    pub const FEW_MATCHES: usize = 2_000;

    /// The full-text query of `words`: each word quoted, a phrase of one token in both
    /// query languages, so that words like `or`, `not` or `near` are never operators.
    pub fn match_query(words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// SQLite: how many rows (of every site) match `words`, counted up to [`FEW_MATCHES`]
    /// only (the count stops there, so it costs at most that many index entries).
    pub fn sqlite_match_count(words: &[String]) -> (String, Vec<Param>) {
        (
            "SELECT count(*) FROM (SELECT 1 FROM inbox_fts WHERE inbox_fts MATCH ?1 LIMIT ?2)"
                .to_owned(),
            vec![
                Param::Text(match_query(words)),
                Param::Int(i64::try_from(FEW_MATCHES).unwrap_or(i64::MAX)),
            ],
        )
    }

    /// [`page`] with SQLite's full-text plan chosen from how many rows match (ignored
    /// by PostgreSQL, whose planner checks the stored `tsvector` while walking the page
    /// order).
    pub fn page_with(q: &InboxQuery, d: Dialect, matches: Matches) -> (String, Vec<Param>) {
        let mut args = vec![Param::Text(q.site.clone())];
        let bind = |args: &mut Vec<Param>, p: Param| {
            args.push(p);
            match d {
                Dialect::Sqlite => format!("?{}", args.len()),
                Dialect::Postgres => format!("${}", args.len()),
            }
        };
        let first = match d {
            Dialect::Sqlite => "?1",
            Dialect::Postgres => "$1",
        };
        // The table whose keys give the page order: the tag's rows, or the items.
        let k = if q.tag.is_some() { "t" } else { "i" };
        // Filters on the item `i`, and on the ordering table's keys (the received range,
        // the cursor), each starting with ` AND`.
        let mut conds = String::new();
        let mut keys = String::new();
        if let Some(survey) = &q.survey {
            let p = bind(&mut args, Param::Text(survey.clone()));
            conds.push_str(&format!(" AND i.survey = {p}"));
        }
        match q.band {
            None => {}
            Some(BandFilter::Unhappy) => conds.push_str(" AND i.unhappy = TRUE"),
            Some(band) => {
                let p = bind(&mut args, Param::Text(band.as_str().to_owned()));
                conds.push_str(&format!(" AND i.band = {p}"));
            }
        }
        if let Some(from) = &q.from {
            let p = bind(&mut args, Param::Text(from.clone()));
            keys.push_str(&format!(" AND {k}.received_at >= {}", time(d, &p)));
        }
        if let Some(to) = &q.to {
            let p = bind(&mut args, Param::Text(to.clone()));
            keys.push_str(&format!(" AND {k}.received_at < {}", time(d, &p)));
        }
        if let Some(url) = &q.url {
            let p = bind(&mut args, Param::Text(url.clone()));
            conds.push_str(&match d {
                Dialect::Sqlite => format!(" AND instr(i.url, {p}) > 0"),
                Dialect::Postgres => format!(" AND strpos(i.url, {p}) > 0"),
            });
        }
        if let Some(has_text) = q.has_text {
            conds.push_str(match has_text {
                true => " AND i.has_text = TRUE",
                false => " AND i.has_text = FALSE",
            });
        }
        if let Some(tier) = &q.tier {
            let p = bind(&mut args, Param::Text(tier.clone()));
            // SQLite: `+` keeps the planner off `inbox_customer` (reading every row of a
            // tier's customers and sorting them), so it walks the page order instead.
            let column = match d {
                Dialect::Sqlite => "+i.customer",
                Dialect::Postgres => "i.customer",
            };
            conds.push_str(&format!(
                " AND {column} IN (SELECT customer FROM customer_scores \
                 WHERE site = {first} AND tier = {p})"
            ));
        }
        if let Some(status) = q.status {
            let p = bind(&mut args, Param::Text(status.as_str().to_owned()));
            conds.push_str(&format!(" AND i.status = {p}"));
        }
        match &q.assignee {
            None => {}
            Some(AssigneeFilter::Nobody) => conds.push_str(" AND i.assignee IS NULL"),
            Some(AssigneeFilter::User(user)) => {
                let p = bind(&mut args, Param::Text(user.clone()));
                conds.push_str(&format!(" AND i.assignee = {p}"));
            }
        }
        if !q.words.is_empty() {
            let p = bind(&mut args, Param::Text(match_query(&q.words)));
            conds.push_str(&match d {
                Dialect::Sqlite => {
                    // `+` keeps the planner from looking up every match by rowid (and
                    // sorting them): it walks the page order (or the tag's rows) and
                    // checks each row against the list of matching rowids.
                    let seq = match (matches, &q.tag) {
                        (Matches::Few, None) => "i.seq",
                        _ => "+i.seq",
                    };
                    format!(" AND {seq} IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH {p})")
                }
                Dialect::Postgres => {
                    format!(" AND i.body_tsv @@ websearch_to_tsquery('simple', {p})")
                }
            });
        }
        if let Some(c) = &q.after {
            let t = bind(&mut args, Param::Text(c.received_at.clone()));
            let id = bind(&mut args, Param::Text(c.id.clone()));
            let t = time(d, &t);
            keys.push_str(&match (q.sort, d) {
                (Sort::Newest, Dialect::Sqlite) => format!(
                    " AND {k}.received_at <= {t} AND ({k}.received_at < {t} OR {k}.id < {id})"
                ),
                (Sort::Newest, Dialect::Postgres) => {
                    format!(" AND ({k}.received_at, {k}.id) < ({t}, {id})")
                }
                (Sort::Risk, _) => {
                    let r = bind(&mut args, Param::Real(c.risk_key));
                    match d {
                        Dialect::Sqlite => format!(
                            " AND {k}.risk_key <= {r} AND ({k}.risk_key < {r} \
                             OR {k}.received_at < {t} OR ({k}.received_at = {t} AND {k}.id < {id}))"
                        ),
                        Dialect::Postgres => format!(
                            " AND ({k}.risk_key, {k}.received_at, {k}.id) < ({r}, {t}, {id})"
                        ),
                    }
                }
            });
        }
        let order = match q.sort {
            Sort::Newest => format!(" ORDER BY {k}.received_at DESC, {k}.id DESC"),
            Sort::Risk => format!(" ORDER BY {k}.risk_key DESC, {k}.received_at DESC, {k}.id DESC"),
        };
        let limit = bind(
            &mut args,
            Param::Int(i64::try_from(q.limit).unwrap_or(i64::MAX)),
        );
        let sql = match &q.tag {
            None => format!(
                "SELECT i.id FROM inbox_items i WHERE i.site = {first}{conds}{keys}{order} \
                 LIMIT {limit}"
            ),
            Some(tag) => {
                let p = bind(&mut args, Param::Text(tag.clone()));
                match d {
                    Dialect::Sqlite => format!(
                        "SELECT t.id FROM inbox_tags t CROSS JOIN inbox_items i \
                         ON i.site = t.site AND i.id = t.id \
                         WHERE t.site = {first} AND t.tag = {p}{conds}{keys}{order} LIMIT {limit}"
                    ),
                    Dialect::Postgres => format!(
                        "SELECT t.id FROM inbox_tags t CROSS JOIN LATERAL (SELECT 1 \
                         FROM inbox_items i WHERE i.site = t.site AND i.id = t.id{conds} \
                         LIMIT 1) m WHERE t.site = {first} AND t.tag = {p}{keys}{order} \
                         LIMIT {limit}"
                    ),
                }
            }
        };
        (sql, args)
    }

    /// The newest open texts of a [`super::TextQuery`].
    pub fn texts(q: &super::TextQuery, d: Dialect) -> (String, Vec<Param>) {
        let mut args = vec![Param::Text(q.site.clone())];
        let mut n = 1;
        let mut next = |args: &mut Vec<Param>, p: Param| {
            args.push(p);
            n += 1;
            match d {
                Dialect::Sqlite => format!("?{n}"),
                Dialect::Postgres => format!("${n}"),
            }
        };
        let first = match d {
            Dialect::Sqlite => "?1",
            Dialect::Postgres => "$1",
        };
        let mut sql = format!(
            "SELECT i.band, i.body FROM inbox_items i WHERE i.site = {first} AND i.has_text = TRUE"
        );
        match q.band {
            None => {}
            Some(BandFilter::Unhappy) => sql.push_str(" AND i.unhappy = TRUE"),
            Some(band) => {
                let p = next(&mut args, Param::Text(band.as_str().to_owned()));
                sql.push_str(&format!(" AND i.band = {p}"));
            }
        }
        if let Some(from) = &q.from {
            let p = next(&mut args, Param::Text(from.clone()));
            sql.push_str(&format!(" AND i.received_at >= {}", time(d, &p)));
        }
        if let Some(to) = &q.to {
            let p = next(&mut args, Param::Text(to.clone()));
            sql.push_str(&format!(" AND i.received_at < {}", time(d, &p)));
        }
        let p = next(
            &mut args,
            Param::Int(i64::try_from(q.limit).unwrap_or(i64::MAX)),
        );
        sql.push_str(&format!(
            " ORDER BY i.received_at DESC, i.id DESC LIMIT {p}"
        ));
        (sql, args)
    }
}

/// Revenue at risk of a row whose answer has `unhappiness` (an answer without a score
/// counts as 0: the customer's baseline risk of leaving) and whose customer has these
/// scores — [`rapport_metrics::risk::revenue_at_risk`], the dashboard's own function.
pub fn risk_of(
    unhappiness: Option<f64>,
    p_alive: rapport_metrics::risk::Estimate,
    annual_value: rapport_metrics::risk::Estimate,
) -> Option<Triple> {
    let r =
        rapport_metrics::risk::revenue_at_risk(unhappiness.unwrap_or(0.0), annual_value, p_alive);
    let finite = r.value.is_finite() && r.low.is_finite() && r.high.is_finite();
    finite.then_some(Triple {
        value: r.value,
        low: r.low,
        high: r.high,
    })
}

/// Largest `risk_key` (minor units; far above any customer's yearly spend).
pub const MAX_RISK_KEY: f64 = 1e15;

/// `risk_key` of `risk`: the value rounded to a millionth of a minor unit and at most
/// [`MAX_RISK_KEY`] (so that a cursor writes it in plain decimals), or [`NO_RISK`].
pub fn risk_key(risk: Option<Triple>) -> f64 {
    risk.map_or(NO_RISK, |r| {
        (r.value.clamp(0.0, MAX_RISK_KEY) * 1e6).round() / 1e6
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_change_in_order_and_once() {
        let change = Change {
            add_tags: vec!["b".into(), "a".into(), "c".into()],
            remove_tags: vec!["c".into()],
            ..Change::default()
        };
        assert_eq!(change.tags_from(&["a".into()]), vec!["a", "b"]);
        let set = Change {
            set_tags: Some(vec!["x".into()]),
            ..Change::default()
        };
        assert_eq!(set.tags_from(&["a".into()]), vec!["x"]);
    }

    #[test]
    fn statuses_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("open"), None);
    }

    #[test]
    fn every_filter_adds_a_bound_parameter_or_a_literal() {
        let mut q = InboxQuery::new("demo", 10);
        q.survey = Some("s".into());
        q.band = Some(BandFilter::Detractor);
        q.tag = Some("t".into());
        q.words = vec!["or".into(), "slow".into()];
        q.sort = Sort::Risk;
        q.after = Some(InboxCursor {
            risk_key: 3.5,
            received_at: "2026-01-01T00:00:00.000Z".into(),
            id: "r".into(),
        });
        for d in [sql::Dialect::Sqlite, sql::Dialect::Postgres] {
            let (text, args) = sql::page(&q, d);
            // site, survey, band, tag, q, t, id, k, limit
            assert_eq!(args.len(), 9, "{text}");
            assert!(args.contains(&sql::Param::Text("\"or\" \"slow\"".into())));
            // With a tag the page walks the tag's rows, cursor included.
            assert!(text.contains("ORDER BY t.risk_key DESC"), "{text}");
            assert!(text.contains("t.risk_key <") || text.contains("(t.risk_key,"));
            let mark = if d == sql::Dialect::Sqlite { '?' } else { '$' };
            for n in 1..=args.len() {
                assert!(
                    text.contains(&format!("{mark}{n}")),
                    "{mark}{n} unused: {text}"
                );
            }
            q.tag = None;
            let (text, args) = sql::page(&q, d);
            assert_eq!(args.len(), 8, "{text}");
            assert!(text.contains("ORDER BY i.risk_key DESC"), "{text}");
            assert!(!text.contains("inbox_tags"), "{text}");
            q.tag = Some("t".into());
        }
    }

    #[test]
    fn sqlite_full_text_plans_differ_only_in_the_rowid_lookup() {
        let mut q = InboxQuery::new("demo", 10);
        q.words = vec!["slow".into()];
        let (few, _) = sql::page_with(&q, sql::Dialect::Sqlite, sql::Matches::Few);
        let (many, _) = sql::page_with(&q, sql::Dialect::Sqlite, sql::Matches::Many);
        assert!(
            few.contains(" i.seq IN (SELECT rowid FROM inbox_fts"),
            "{few}"
        );
        assert!(
            many.contains(" +i.seq IN (SELECT rowid FROM inbox_fts"),
            "{many}"
        );
        assert_eq!(
            few.replace("+i.seq", "i.seq"),
            many.replace("+i.seq", "i.seq")
        );
        // The tag's rows drive the join: never a lookup by match.
        q.tag = Some("t".into());
        let (tagged, _) = sql::page_with(&q, sql::Dialect::Sqlite, sql::Matches::Few);
        assert!(tagged.contains("+i.seq IN"), "{tagged}");
        let (count, args) = sql::sqlite_match_count(&q.words);
        assert!(count.contains("LIMIT ?2"), "{count}");
        assert_eq!(args[1], sql::Param::Int(sql::FEW_MATCHES as i64));
    }
}
