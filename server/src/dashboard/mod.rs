//! The dashboard's data (`GET /admin/api/dashboard/data?site=`): what the console's
//! Worker hands the metrics engine to draw every chart — orders, scored answers, responses
//! per survey, and the loyalty programme's points by month, liability forecast, tiers and
//! referral conversions — gathered from the store ([`gather`]) into compact columns
//! ([`columns`]).
//!
//! `scores`: the purchase histories the scores job computes from and the time of its latest
//! run (`asOf`; `null` before the first run, when the dashboard uses `now`), so that the
//! dashboard's customer charts compute the inbox's values ([`columns::score_histories`]).
//!
//! Response rate: `surveys[].shown` is how often the widget opened each survey (its
//! impressions, counted by `POST /v1/impressions`, `null` when none were recorded) and
//! `responsesSince` the responses received over the same days ([`rates`]).

pub mod columns;
pub mod rates;

use serde_json::{json, Value};

use crate::config::SiteEntry;
use crate::store::{ExportFilter, ResponseStore, StoreError};

/// Everything the dashboard needs of `site`, at `now` (ms).
pub async fn gather(
    store: &dyn ResponseStore,
    site: &SiteEntry,
    now: i64,
) -> Result<Value, StoreError> {
    let id = site.id.clone();
    let orders = columns::orders(&store.dashboard().orders(id.clone()).await?);
    // The customer charts' input: the scores job's histories as of its latest run.
    let as_of = store
        .scores()
        .last_run(id.clone())
        .await?
        .and_then(|r| serde_json::from_str::<Value>(&r.summary_json).ok())
        .and_then(|s| s["asOf"].as_i64());
    let histories =
        crate::scoring::history::group(&store.score_jobs().order_rows(id.clone()).await?);
    let scores = columns::score_histories(&histories, as_of);
    let rows = crate::store::list_all(
        store,
        ExportFilter {
            site: id.clone(),
            ..ExportFilter::default()
        },
    )
    .await?;
    let types = rapport_metrics::data::survey_types(&site.public).unwrap_or_default();
    let customers = orders["customers"].as_array().cloned().unwrap_or_default();
    let (responses, per_survey) = columns::responses(&rows, &types, &customers);
    let names: std::collections::BTreeMap<&str, &str> = site.public["surveys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["id"].as_str()?, s["name"].as_str().unwrap_or(""))))
        .collect();
    let shown = store
        .impressions()
        .shown(id.clone(), 0, crate::store::impressions::day_of(now))
        .await?;
    let per_survey = rates::with_impressions(
        per_survey.as_array().map_or(&[], Vec::as_slice),
        &shown,
        &rows,
    );
    let surveys: Vec<Value> = per_survey
        .iter()
        .map(|s| {
            let mut s = s.clone();
            let name = s["id"].as_str().and_then(|i| names.get(i)).copied();
            s["name"] = json!(name);
            s
        })
        .collect();
    let loyalty = match &site.loyalty {
        None => Value::Null,
        Some(programme) => {
            // The forecast writes due expiries first, so the ledger is read after it.
            let (liability, error) =
                match crate::liability::compute(store, &id, programme, now).await {
                    Ok(v) => (v["forecast"].clone(), Value::Null),
                    Err(crate::liability::LiabilityError::Store(e)) => return Err(e),
                    Err(e) => (Value::Null, json!(e.to_string())),
                };
            let ledger = store.dashboard().ledger_days(id.clone()).await?;
            let referrals = store.dashboard().referrals(id.clone()).await?;
            json!({
                "points": columns::ledger(&ledger),
                "valuePerPoint": crate::liability::value_per_point(programme),
                "liability": liability,
                "liabilityError": error,
                "tiers": programme.rules.tiers.as_ref().map(|t| t.levels.iter().map(|l| l.name.clone()).collect::<Vec<_>>()),
                "referrals": columns::referrals(&referrals),
            })
        }
    };
    Ok(json!({
        "site": id,
        "generatedAt": crate::clock::format_unix_millis(now),
        "now": now.div_euclid(1000),
        "orders": orders,
        "responses": responses,
        "surveys": surveys,
        "loyalty": loyalty,
        "scores": scores,
    }))
}
