//! Segments read from the store: one identified shopper's ([`customer_segments`], for the
//! config endpoint's targeting and segment-targeted rewards, [`reward_segments`]) and every
//! scored customer's of a site ([`site_segments`], for the console's segment sizes). The
//! rules themselves are pure ([`crate::scoring::segments`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::config::SiteEntry;
use crate::loyalty::rules::DAY_MILLIS;
use crate::scoring::segments::{nps_values, segments_of, RECENT_DAYS};
use crate::store::score_jobs::CustomerAnswer;
use crate::store::{CustomerScore, ResponseStore, StoreError};

/// Ids of the NPS questions of `survey` on `site`.
fn nps_questions<'a>(site: &'a SiteEntry, survey: &str) -> Vec<&'a str> {
    site.rules
        .config()
        .surveys
        .iter()
        .filter(|s| s.id == survey)
        .flat_map(|s| s.questions.iter())
        .filter(|q| matches!(q.kind, rapport::core::survey::QuestionKind::Nps(_)))
        .map(|q| q.id.as_str())
        .collect()
}

/// NPS values of `answers`, by customer.
fn recent_nps(site: &SiteEntry, answers: &[CustomerAnswer]) -> BTreeMap<String, Vec<f64>> {
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for a in answers {
        let values = nps_values(&a.answers_json, &nps_questions(site, &a.survey));
        if !values.is_empty() {
            out.entry(a.customer.clone()).or_default().extend(values);
        }
    }
    out
}

/// The segments of `customer` of `site` at `now`.
pub async fn customer_segments(
    store: &dyn ResponseStore,
    site: &SiteEntry,
    customer: &str,
    now: i64,
) -> Result<BTreeSet<String>, StoreError> {
    let score = store
        .scores()
        .scores_of(site.id.clone(), vec![customer.to_owned()])
        .await?
        .into_iter()
        .next();
    let answers = store
        .score_jobs()
        .answers_since(
            site.id.clone(),
            now.saturating_sub(RECENT_DAYS * DAY_MILLIS),
            Some(customer.to_owned()),
        )
        .await?;
    let nps = recent_nps(site, &answers);
    Ok(segments_of(
        score.as_ref(),
        nps.get(customer).map_or(&[][..], Vec::as_slice),
    ))
}

/// The segments of `customer` of `site` at `now` when a reward of its catalogue is
/// targeted at segments; the empty set otherwise (no lookup: nothing depends on them).
pub async fn reward_segments(
    store: &dyn ResponseStore,
    site: &SiteEntry,
    customer: &str,
    now: i64,
) -> Result<BTreeSet<String>, StoreError> {
    let targeted = site
        .loyalty
        .as_ref()
        .is_some_and(|l| l.rewards.iter().any(|r| !r.segments.is_empty()));
    if targeted {
        customer_segments(store, site, customer, now).await
    } else {
        Ok(BTreeSet::new())
    }
}

/// Every customer of `site` with scores or recent answers, with their segments, at `now`.
pub async fn site_segments(
    store: &dyn ResponseStore,
    site: &SiteEntry,
    now: i64,
) -> Result<BTreeMap<String, BTreeSet<String>>, StoreError> {
    let scores: Vec<CustomerScore> = store.score_jobs().all_scores(site.id.clone()).await?;
    let answers = store
        .score_jobs()
        .answers_since(
            site.id.clone(),
            now.saturating_sub(RECENT_DAYS * DAY_MILLIS),
            None,
        )
        .await?;
    let nps = recent_nps(site, &answers);
    let mut out = BTreeMap::new();
    for s in &scores {
        let values = nps.get(&s.customer).map_or(&[][..], Vec::as_slice);
        out.insert(s.customer.clone(), segments_of(Some(s), values));
    }
    for (customer, values) in &nps {
        if !out.contains_key(customer) {
            out.insert(customer.clone(), segments_of(None, values));
        }
    }
    Ok(out)
}
