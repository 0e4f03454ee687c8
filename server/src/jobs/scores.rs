//! The scores job: recomputes a site's customer scores ([`crate::scoring`]) off the request
//! path when its orders changed, and stores them ([`crate::store::ScoreStore`]).
//!
//! * **When.** Every [`Settings::poll`], per site with a loyalty programme, the job reads the
//!   site's orders mark (count and latest update of its orders — any webhook, import,
//!   refund or cancellation moves it; [`crate::store::score_jobs::OrdersMark`]). A site is
//!   due when the mark differs from the one its last run read and that run finished at
//!   least [`Settings::debounce_ms`] ago (30 s by default, so a burst of webhooks makes one
//!   run), or when it has orders and was never scored — which also covers a start with
//!   stale scores.
//! * **One at a time.** A run first claims the site's lease row (`score_jobs`, an
//!   `INSERT … ON CONFLICT DO UPDATE … WHERE lease expired`, like the outbox's claim), so
//!   of several instances only one computes a site at once; a crashed holder's lease
//!   expires after [`LEASE_MS`].
//! * **Never blocking a request.** The fit runs on the blocking pool; the scores replace
//!   the previous run's in one transaction.
//!
//! `rapport-server scores --site SITE` runs it once from the command line.

use std::time::Duration;

use serde_json::Value;

use crate::app::AppState;
use crate::loyalty::tiers::Contribution;
use crate::scoring::compute::{self, Options};
use crate::scoring::history::{self, History};
use crate::scoring::ScoringError;
use crate::store::score_jobs::OrderRow;
use crate::store::{ScoreRun, StoreError};

/// How long a claimed run is reserved for its instance, ms.
pub const LEASE_MS: i64 = 10 * 60_000;

/// When and how the job runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// How often sites are checked.
    pub poll: Duration,
    /// Least time between two runs of a site, ms.
    pub debounce_ms: i64,
    /// How the scores are computed.
    pub compute: Options,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll: Duration::from_secs(5),
            debounce_ms: 30_000,
            compute: Options::default(),
        }
    }
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum ScoresJobError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The computation failed.
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    /// The computation's task died.
    #[error("scores task: {0}")]
    Task(String),
    /// No such site with a loyalty programme.
    #[error("site {0:?}: no such site with a loyalty programme in the config")]
    NoSite(String),
}

/// What one run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Site scored.
    pub site: String,
    /// Customers scored.
    pub customers: usize,
    /// The run's summary.
    pub summary: Value,
}

/// A name for this instance in lease rows: process id and start time.
pub fn instance_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos:x}", std::process::id())
}

/// Called after each run wrote a site's scores: the inbox re-ranks the site's answers by
/// the new revenue at risk, in a task of its own (a large site's refresh takes a while and
/// must not hold the job's lease).
pub fn scores_written(app: &AppState, site: &str) {
    let (app, site) = (app.clone(), site.to_owned());
    tokio::spawn(async move {
        if let Err(e) = crate::inbox::on_scores_written(&app, &site).await {
            eprintln!("rapport-server: inbox risk refresh of site {site:?} failed: {e}");
        }
    });
}

/// Whether `site` is due at `now` (see the module documentation).
pub async fn due(
    app: &AppState,
    site: &str,
    now: i64,
    debounce_ms: i64,
) -> Result<bool, StoreError> {
    let jobs = app.store.score_jobs();
    let mark = jobs.orders_mark(site.to_owned()).await?;
    let state = jobs.job_state(site.to_owned()).await?;
    Ok(match state.and_then(|s| s.seen) {
        None => mark.count > 0,
        Some(seen) if seen == mark => false,
        Some(_) => {
            let last = app.store.scores().last_run(site.to_owned()).await?;
            last.is_none_or(|r| now.saturating_sub(r.computed_at) >= debounce_ms)
        }
    })
}

/// Runs `site` now if no other instance is (`Ok(None)` when one is). The caller re-ranks the
/// inbox after it: the job in the background ([`scores_written`]), the CLI before it exits.
pub async fn run_site(
    app: &AppState,
    site: &str,
    holder: &str,
    opts: Options,
) -> Result<Option<RunReport>, ScoresJobError> {
    let config = app.config();
    let loyalty = config
        .site(site)
        .and_then(|s| s.loyalty.clone())
        .ok_or_else(|| ScoresJobError::NoSite(site.to_owned()))?;
    let jobs = app.store.score_jobs();
    let now = app.clock.now_millis();
    if !jobs
        .claim(
            site.to_owned(),
            holder.to_owned(),
            now,
            now.saturating_add(LEASE_MS),
        )
        .await?
    {
        return Ok(None);
    }
    let result = async {
        // The mark is read before the orders: a write in between makes the next poll
        // run again rather than be missed.
        let mark = jobs.orders_mark(site.to_owned()).await?;
        let rows = jobs.order_rows(site.to_owned()).await?;
        let tiers = loyalty.rules.tiers.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut histories = history::group(&rows);
            if let Some(t) = &tiers {
                assign_tiers(&mut histories, &rows, |c| {
                    t.levels
                        .get(t.standing(c, now).tier)
                        .map(|l| l.name.clone())
                });
            }
            compute::compute(&histories, now, &opts)
        })
        .await
        .map_err(|e| ScoresJobError::Task(e.to_string()))??;
        let mut summary = outcome.summary;
        summary["ordersMark"] = serde_json::json!(mark);
        let customers = outcome.scores.len();
        let run = ScoreRun {
            computed_at: app.clock.now_millis(),
            customers: customers as i64,
            summary_json: summary.to_string(),
        };
        app.store
            .scores()
            .replace_scores(site.to_owned(), run, outcome.scores)
            .await?;
        Ok::<_, ScoresJobError>((
            mark,
            RunReport {
                site: site.to_owned(),
                customers,
                summary,
            },
        ))
    }
    .await;
    match result {
        Ok((mark, report)) => {
            jobs.release(site.to_owned(), holder.to_owned(), Some(mark))
                .await?;
            Ok(Some(report))
        }
        Err(e) => {
            let _ = jobs.release(site.to_owned(), holder.to_owned(), None).await;
            Err(e)
        }
    }
}

/// Sets each history's tier from its customer's contributions (`rows` by customer).
fn assign_tiers(
    histories: &mut [History],
    rows: &[OrderRow],
    tier_of: impl Fn(&[Contribution]) -> Option<String>,
) {
    let mut start = 0;
    let mut by_customer = std::collections::HashMap::new();
    while start < rows.len() {
        let customer = &rows[start].customer;
        let end = rows[start..]
            .iter()
            .position(|r| &r.customer != customer)
            .map_or(rows.len(), |p| start + p);
        let contributions: Vec<Contribution> = rows[start..end]
            .iter()
            .map(|r| Contribution {
                at: r.at,
                points: r.points,
                spend: r.spend,
            })
            .collect();
        by_customer.insert(customer.as_str(), tier_of(&contributions));
        start = end;
    }
    for h in histories {
        h.tier = by_customer.get(h.customer.as_str()).cloned().flatten();
    }
}

/// One pass: runs every due site; returns the runs made.
pub async fn run_once(
    app: &AppState,
    holder: &str,
    settings: &Settings,
) -> Result<Vec<RunReport>, ScoresJobError> {
    let config = app.config();
    let mut done = Vec::new();
    for site in config.sites.iter().filter(|s| s.loyalty.is_some()) {
        let now = app.clock.now_millis();
        if due(app, &site.id, now, settings.debounce_ms).await? {
            if let Some(r) = run_site(app, &site.id, holder, settings.compute).await? {
                scores_written(app, &site.id);
                done.push(r);
            }
        }
    }
    Ok(done)
}

/// Runs [`run_once`] every `settings.poll` forever, logging failures.
pub async fn run(app: AppState, settings: Settings) {
    let holder = instance_id();
    let mut every = tokio::time::interval(settings.poll);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&app, &holder, &settings).await {
            eprintln!("rapport-server: scores job: {e}");
        }
    }
}
