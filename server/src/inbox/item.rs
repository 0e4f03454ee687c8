//! An inbox row as the console API shows it (`Item`, JSON camelCase): the response with its
//! answers typed and labelled from the site's configuration in force, its score, band,
//! open text, customer and scores, revenue at risk, and triage state. Text is passed on
//! as stored — the console renders it as text, never as markup.

use rapport::core::survey::SiteConfig;
use serde_json::{json, Value};

use super::derive::open_texts;
use super::followup::{self, FollowupFacts};
use crate::config::ServerConfig;
use crate::export::answers;
use crate::store::inbox::{InboxRow, Note, Triple};
use crate::surrogates::replace_lone_surrogates;

fn triple(t: Triple) -> Value {
    json!({ "value": t.value, "low": t.low, "high": t.high })
}

/// The text of `question` of `survey` in `site`'s default language: the site's `locale`
/// (an `"auto"` site has none), else English, else the first; `None` when the site, survey
/// or question is not configured.
fn title(site: Option<&SiteConfig>, survey: &str, question: &str) -> Option<String> {
    let site = site?;
    let q = site.survey(survey)?.question(question)?;
    Some(q.text.resolve(&site.locale).to_owned())
}

/// The answers of `row`: `[{question, type, value, label?, title?}]` (`type` null for a
/// question the configuration no longer has; `label` for choice answers, labels joined by
/// ", "; `title` the question's text in the site's default language — its `locale`, else
/// English, else the first — absent when the question is no longer configured).
fn answers_of(config: &ServerConfig, row: &InboxRow) -> Value {
    let r = &row.response;
    let site = config.site(&r.site).map(|s| s.rules.config());
    let Some(list) = answers::read(&r.answers_json, site, &r.survey, r.locale.as_deref()) else {
        return json!([]);
    };
    Value::Array(
        list.into_iter()
            .map(|a| {
                let value: Value = serde_json::from_str(&replace_lone_surrogates(a.value.get()))
                    .unwrap_or(Value::Null);
                let mut out = json!({ "question": a.question, "type": a.kind, "value": value });
                if let Some(labels) = a.labels {
                    let labels: Vec<String> = labels.into_iter().flatten().collect();
                    if !labels.is_empty() {
                        out["label"] = json!(labels.join(", "));
                    }
                }
                if let Some(title) = title(site, &r.survey, &a.question) {
                    out["title"] = json!(title);
                }
                out
            })
            .collect(),
    )
}

/// The `Item` of `row`.
pub fn item(config: &ServerConfig, row: &InboxRow, facts: FollowupFacts) -> Value {
    let r = &row.response;
    let survey = config
        .site(&r.site)
        .and_then(|s| s.rules.config().survey(&r.survey));
    let texts = open_texts(survey, &r.answers_json);
    let score = match (&row.score_kind, row.score_value) {
        (Some(kind), Some(value)) => json!({ "kind": kind, "value": value }),
        _ => Value::Null,
    };
    let currency = row.scores.as_ref().map(|s| s.currency.clone());
    let customer = r.customer.as_ref().map(|id| {
        let mut c = json!({
            "id": id,
            "orders": row.scores.as_ref().map_or(0, |s| s.orders),
            "spend": row.scores.as_ref().map_or(0, |s| s.spend),
            "currency": currency,
            "pAlive": row.scores.as_ref().map(|s| triple(s.p_alive)),
            "annualValue": row.scores.as_ref().map(|s| triple(s.annual_value)),
        });
        if let Some(email) = &row.customer_email {
            c["email"] = json!(email);
        }
        if let Some(tier) = row.scores.as_ref().and_then(|s| s.tier.clone()) {
            c["tier"] = json!(tier);
        }
        c
    });
    json!({
        "site": r.site,
        "id": r.id,
        "survey": r.survey,
        "receivedAt": r.received_at,
        "partial": r.partial,
        "score": score,
        "band": row.band,
        "text": (!texts.is_empty()).then(|| texts.join("\n\n")),
        "answers": answers_of(config, row),
        "url": r.url,
        "customer": customer,
        "risk": row.risk.map(triple),
        "currency": currency,
        "status": row.status.as_str(),
        "tags": row.tags,
        "assignee": row.assignee.as_ref().map(|(id, email)| json!({ "id": id, "email": email })),
        "notes": row.notes,
        "followups": facts.followups,
        "holdout": facts.holdout,
    })
}

/// A note as the API shows it.
pub fn note(n: &Note) -> Value {
    json!({
        "id": n.id,
        "author": { "id": n.author_id, "email": n.author_email },
        "text": n.text,
        "at": n.at,
    })
}

/// The `Item`s of `rows`, with their follow-up facts.
pub async fn items(
    app: &crate::app::AppState,
    config: &ServerConfig,
    rows: &[InboxRow],
) -> Result<Vec<Value>, crate::store::StoreError> {
    let facts = followup::facts(app, rows).await?;
    Ok(rows
        .iter()
        .zip(facts)
        .map(|(row, f)| item(config, row, f))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(locale: &str) -> SiteConfig {
        let json = format!(
            r#"{{"site":"demo","locale":"{locale}","surveys":[{{"id":"s","questions":[
            {{"id":"n","type":"nps","text":{{"de":"Empfehlen?","fr":"Recommander ?","en":"Recommend?"}}}},
            {{"id":"t","type":"openText","text":{{"es":"¿Por qué?","nl":"Waarom?"}}}},
            {{"id":"p","type":"openText","text":"Plain"}}]}}]}}"#
        );
        SiteConfig::from_json(&json).expect("valid site")
    }

    #[test]
    fn titles_in_the_site_language_else_english_else_the_first() {
        let fr = site("fr");
        assert_eq!(title(Some(&fr), "s", "n").as_deref(), Some("Recommander ?"));
        assert_eq!(title(Some(&fr), "s", "t").as_deref(), Some("¿Por qué?"));
        assert_eq!(title(Some(&fr), "s", "p").as_deref(), Some("Plain"));
        let fr_ca = site("fr-CA");
        assert_eq!(
            title(Some(&fr_ca), "s", "n").as_deref(),
            Some("Recommander ?")
        );
        let auto = site("auto");
        assert_eq!(title(Some(&auto), "s", "n").as_deref(), Some("Recommend?"));
        let nl = site("nl");
        assert_eq!(title(Some(&nl), "s", "t").as_deref(), Some("Waarom?"));
    }

    #[test]
    fn no_title_for_what_is_no_longer_configured() {
        let fr = site("fr");
        assert_eq!(title(Some(&fr), "s", "gone"), None);
        assert_eq!(title(Some(&fr), "gone", "n"), None);
        assert_eq!(title(None, "s", "n"), None);
    }
}
