//! The daily digest, off the request path: for every site whose digest is on, once the UTC
//! hour reaches its `hourUtc`, the previous day's digest ([`crate::hooks::digest`]) is sent
//! to the site's Slack URL and as an `alert.digest` event to its subscribed endpoints. The
//! day is claimed in the database first ([`crate::store::HooksStore::claim_digest`]), so
//! with several instances exactly one sends it. A digest is sent through the deliveries
//! queue, so it is retried like any other delivery.

use std::time::Duration;

use serde_json::Value;

use crate::app::AppState;
use crate::feedback_band::{self, Band};
use crate::hooks::digest::{self, CustomerRisk, DayResponse, Digest};
use crate::hooks::event::{self, ALERT_DIGEST};
use crate::hooks::slack;
use crate::inbox::params::THEME_TEXTS;
use crate::store::hooks::{slack_target, AlertSettings};
use crate::store::inbox::TextQuery;
use crate::store::{list_all, ExportFilter, StoreError};
use rapport::core::survey::QuestionType;
use rapport_metrics::risk::{unhappiness, Scale};

/// How often the schedule is checked.
pub const POLL: Duration = Duration::from_secs(1);
const DAY: i64 = 86_400_000;

/// The day a digest is due for at `now` under `settings`, `YYYY-MM-DD`: the day before,
/// once the hour has come and unless it was sent.
pub fn due_day(settings: &AlertSettings, now: i64) -> Option<String> {
    if !settings.digest_enabled {
        return None;
    }
    let hour = now.rem_euclid(DAY) / 3_600_000;
    if hour < i64::from(settings.digest_hour) {
        return None;
    }
    let day = day_of(now - DAY);
    match &settings.last_digest_day {
        Some(last) if *last >= day => None,
        _ => Some(day),
    }
}

fn day_of(millis: i64) -> String {
    crate::clock::format_unix_millis(millis)[..10].to_owned()
}

fn start_of_day(millis: i64) -> i64 {
    millis - millis.rem_euclid(DAY)
}

/// Reads `answers_json` of a response to `survey` of `site` as the digest counts it.
fn day_response(app: &AppState, site: &str, r: &crate::store::StoredResponse) -> DayResponse {
    let (survey, answers_json) = (r.survey.as_str(), r.answers_json.as_str());
    let config = app.config();
    let survey = config
        .site(site)
        .and_then(|s| s.rules.config().survey(survey).cloned());
    let answers: Value = serde_json::from_str(answers_json).unwrap_or(Value::Null);
    let mut out = DayResponse {
        customer: r.customer.clone(),
        ..DayResponse::default()
    };
    let mut bands: Vec<Band> = Vec::new();
    for a in answers.as_array().into_iter().flatten() {
        let Some(q) = survey
            .as_ref()
            .and_then(|s| s.question(a["question"].as_str().unwrap_or("")))
        else {
            continue;
        };
        let kind = q.kind.question_type();
        let Some(v) = a["value"].as_i64() else {
            continue;
        };
        if kind == QuestionType::Nps {
            out.nps.push(v as f64);
        }
        bands.extend(feedback_band::band(kind, v));
        let scale = match kind {
            QuestionType::Nps => Some(Scale::Nps),
            QuestionType::Csat => Some(Scale::Csat),
            QuestionType::Ces => Some(Scale::Ces),
            _ => None,
        };
        if let Some(scale) = scale {
            let u = unhappiness(scale, v as f64);
            out.unhappiness = Some(out.unhappiness.map_or(u, |w: f64| w.max(u)));
        }
    }
    out.band = bands.into_iter().min();
    out
}

async fn responses(
    app: &AppState,
    site: &str,
    from: i64,
    until: i64,
) -> Result<Vec<DayResponse>, StoreError> {
    let rows = list_all(
        &*app.store,
        ExportFilter {
            site: site.to_owned(),
            survey: None,
            since: Some(crate::clock::format_unix_millis(from)),
            until: Some(crate::clock::format_unix_millis(until)),
        },
    )
    .await?;
    Ok(rows
        .iter()
        .filter(|r| !r.partial)
        .map(|r| day_response(app, site, r))
        .collect())
}

/// The open texts the inbox stored for `site`'s answers received in `[from, until)`, as
/// its themes read them (the newest [`THEME_TEXTS`]).
async fn texts(
    app: &AppState,
    site: &str,
    from: i64,
    until: i64,
) -> Result<Vec<String>, StoreError> {
    let query = TextQuery {
        site: site.to_owned(),
        band: None,
        from: Some(crate::clock::format_unix_millis(from)),
        to: Some(crate::clock::format_unix_millis(until)),
        limit: THEME_TEXTS,
    };
    let texts = app.store.inbox().texts(query).await?;
    Ok(texts.into_iter().map(|t| t.body).collect())
}

/// The digest of the day starting at `day_start` for `site`.
pub async fn compute(app: &AppState, site: &str, day_start: i64) -> Result<Digest, StoreError> {
    let today = responses(app, site, day_start, day_start + DAY).await?;
    let texts = texts(app, site, day_start, day_start + DAY).await?;
    let nps_of =
        |list: Vec<DayResponse>| -> Vec<f64> { list.into_iter().flat_map(|r| r.nps).collect() };
    let previous_day = nps_of(responses(app, site, day_start - DAY, day_start).await?);
    let previous_week =
        nps_of(responses(app, site, day_start - 7 * DAY, day_start - 6 * DAY).await?);
    let mut customers: Vec<String> = today.iter().filter_map(|r| r.customer.clone()).collect();
    customers.sort();
    customers.dedup();
    let scores: Vec<CustomerRisk> = match customers.is_empty() {
        true => Vec::new(),
        false => app
            .store
            .scores()
            .scores_of(site.to_owned(), customers)
            .await?
            .into_iter()
            .map(|s| CustomerRisk {
                customer: s.customer,
                annual_value: s.annual_value,
                p_alive: s.p_alive,
                currency: s.currency,
            })
            .collect(),
    };
    let risk = digest::revenue_at_risk(&today, &scores);
    Ok(digest::compute(
        &day_of(day_start),
        &today,
        &texts,
        &previous_day,
        &previous_week,
        risk,
    ))
}

/// One pass: sends every digest due; returns how many this instance sent.
pub async fn run_once(app: &AppState) -> Result<usize, StoreError> {
    let now = app.clock.now_millis();
    let hooks = app.store.hooks();
    let mut sent = 0;
    for settings in hooks.all_alerts().await? {
        let Some(day) = due_day(&settings, now) else {
            continue;
        };
        if !hooks
            .claim_digest(settings.site.clone(), day.clone())
            .await?
        {
            continue;
        }
        let d = compute(app, &settings.site, start_of_day(now) - DAY).await?;
        let id = event::derived_id(&[ALERT_DIGEST, &settings.site, &day]);
        let payload = event::body(ALERT_DIGEST, now, d.to_json(&settings.site)).to_string();
        hooks
            .fan_out(
                settings.site.clone(),
                id.clone(),
                ALERT_DIGEST.to_owned(),
                payload,
                now,
            )
            .await?;
        if settings.slack_url.is_some() {
            hooks
                .enqueue(
                    slack_target(&settings.site),
                    settings.site.clone(),
                    id,
                    ALERT_DIGEST.to_owned(),
                    slack::digest(&settings.site, &d).to_string(),
                    now,
                )
                .await?;
        }
        sent += 1;
    }
    Ok(sent)
}

/// Runs [`run_once`] every [`POLL`] forever, logging failures.
pub async fn run(app: AppState) {
    let mut every = tokio::time::interval(POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&app).await {
            eprintln!("rapport-server: digest: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(hour: u8, last: Option<&str>) -> AlertSettings {
        AlertSettings {
            site: "demo".into(),
            slack_url: None,
            instant_detractor: false,
            digest_enabled: true,
            digest_hour: hour,
            last_digest_day: last.map(str::to_owned),
        }
    }

    #[test]
    fn the_day_before_once_the_hour_comes() {
        // 2026-12-07T08:30:00Z.
        let now = 1_796_601_600_000 + 8 * 3_600_000 + 1_800_000;
        assert_eq!(
            due_day(&settings(8, None), now).as_deref(),
            Some("2026-12-06")
        );
        assert_eq!(due_day(&settings(9, None), now), None);
        assert_eq!(due_day(&settings(0, Some("2026-12-06")), now), None);
        assert_eq!(
            due_day(&settings(0, Some("2026-12-05")), now).as_deref(),
            Some("2026-12-06")
        );
        let off = AlertSettings {
            digest_enabled: false,
            ..settings(0, None)
        };
        assert_eq!(due_day(&off, now), None);
    }
}
