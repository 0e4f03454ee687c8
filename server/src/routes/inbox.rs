//! `/admin/api/inbox*`, `/admin/api/themes` and `/admin/api/sites`: the console's inbox.
//! Every handler starts from [`Caller::signed_in`] (cross-site refusal, session, CSRF on
//! state-changing requests); owners and agents alike may triage. Each change writes one
//! audit line per response changed. Every response is `Cache-Control: no-store`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::console::context::{Caller, RequestFacts};
use crate::inbox::params::{self, THEME_TEXTS};
use crate::inbox::{cursor, item, themes, InboxError};
use crate::store::console::AuditEntry;
use crate::store::inbox::{ApplyOutcome, Change, Changed, NewNote};

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn query(
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<HashMap<String, String>, InboxError> {
    q.map(|Query(q)| q)
        .map_err(|e| InboxError::field("query", e.body_text()))
}

fn key(
    app: &AppState,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), InboxError> {
    let Path((site, id)) = p.map_err(|e| InboxError::field("path", e.body_text()))?;
    let config = app.config();
    Ok((
        params::site(&config, "site", &site)?,
        params::text("id", &id)?,
    ))
}

async fn audit(
    app: &AppState,
    caller: &Caller,
    action: &str,
    target: String,
) -> Result<(), InboxError> {
    app.store
        .console()
        .append_audit(AuditEntry {
            seq: 0,
            at: app.clock.now_millis(),
            actor: Some(caller.user().email.clone()),
            action: action.to_owned(),
            target: Some(target),
            client: caller.facts.client.to_string(),
        })
        .await?;
    Ok(())
}

/// The audit target of a changed row: `site/id` and what it is now.
fn target(c: &Changed, change: &Change) -> String {
    let mut parts = vec![format!("{}/{}", c.site, c.id)];
    if change.status.is_some() {
        parts.push(format!("status={}", c.status.as_str()));
    }
    if change.set_tags.is_some() || !change.add_tags.is_empty() || !change.remove_tags.is_empty() {
        parts.push(format!("tags={}", c.tags.join(",")));
    }
    if change.assignee.is_some() {
        parts.push(format!(
            "assignee={}",
            c.assignee.as_deref().unwrap_or("none")
        ));
    }
    parts.join(" ")
}

/// An assignee must be an enabled console user (422 naming `assignee` otherwise).
async fn check_assignee(app: &AppState, change: &Change) -> Result<(), InboxError> {
    let Some(Some(id)) = &change.assignee else {
        return Ok(());
    };
    let users = app.store.console().list_users().await?;
    match users.iter().any(|u| &u.id == id && !u.disabled) {
        true => Ok(()),
        false => Err(InboxError::Unprocessable {
            field: "assignee".into(),
            message: format!("{id:?} is not an enabled console user"),
        }),
    }
}

/// Applies `change` to `keys` (all or none) and audits each row.
async fn apply(
    app: &AppState,
    caller: &Caller,
    keys: Vec<(String, String)>,
    change: &Change,
) -> Result<Vec<Changed>, InboxError> {
    check_assignee(app, change).await?;
    match app.store.inbox().apply(keys, change.clone()).await? {
        ApplyOutcome::Applied(done) => {
            for c in &done {
                audit(app, caller, "inbox_update", target(c, change)).await?;
            }
            Ok(done)
        }
        ApplyOutcome::Missing { site, id } => Err(InboxError::NoSuchResponse { site, id }),
        ApplyOutcome::TooManyTags { site, id } => Err(InboxError::Unprocessable {
            field: "tags".into(),
            message: format!(
                "response {id:?} of site {site:?} would carry more than {} tags",
                crate::store::inbox::MAX_TAGS
            ),
        }),
    }
}

/// `GET /admin/api/inbox?site=&…`: a page of items and the cursor of the next page.
pub async fn list(
    State(app): State<AppState>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    facts: RequestFacts,
) -> Result<Response, InboxError> {
    Caller::signed_in(&app, facts).await?;
    let config = app.config();
    let mut query = params::list(&config, &query(q)?)?;
    let limit = query.limit;
    query.limit = limit + 1;
    let mut rows = match query.words.iter().any(String::is_empty) {
        true => Vec::new(),
        false => app.store.inbox().list(query).await?,
    };
    let next = match rows.len() > limit {
        true => {
            rows.truncate(limit);
            rows.last().map(|r| cursor::encode(&r.cursor()))
        }
        false => None,
    };
    let items = item::items(&app, &config, &rows).await?;
    Ok(no_store(
        StatusCode::OK,
        json!({ "items": items, "next": next }),
    ))
}

async fn item_of(app: &AppState, site: &str, id: &str) -> Result<Value, InboxError> {
    let config = app.config();
    let row = app
        .store
        .inbox()
        .get(site.to_owned(), id.to_owned())
        .await?
        .ok_or_else(|| InboxError::NoSuchResponse {
            site: site.to_owned(),
            id: id.to_owned(),
        })?;
    Ok(item::items(app, &config, std::slice::from_ref(&row))
        .await?
        .pop()
        .unwrap_or(Value::Null))
}

/// `GET /admin/api/inbox/{site}/{id}`: the item with its notes.
pub async fn get_one(
    State(app): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    facts: RequestFacts,
) -> Result<Response, InboxError> {
    Caller::signed_in(&app, facts).await?;
    let (site, id) = key(&app, p)?;
    let mut out = item_of(&app, &site, &id).await?;
    let notes = app.store.inbox().notes(site, id).await?;
    out["notes"] = Value::Array(notes.iter().map(item::note).collect());
    Ok(no_store(StatusCode::OK, out))
}

/// `PATCH /admin/api/inbox/{site}/{id}` `{status?, tags?, assignee?}`: the changed item.
pub async fn patch_one(
    State(app): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, InboxError> {
    let caller = Caller::signed_in(&app, facts).await?;
    let (site, id) = key(&app, p)?;
    let change = params::patch(&bytes)?;
    apply(&app, &caller, vec![(site.clone(), id.clone())], &change).await?;
    Ok(no_store(StatusCode::OK, item_of(&app, &site, &id).await?))
}

/// `POST /admin/api/inbox/{site}/{id}/notes` `{text}`: 201 and the note.
pub async fn add_note(
    State(app): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, InboxError> {
    let caller = Caller::signed_in(&app, facts).await?;
    let (site, id) = key(&app, p)?;
    let text = params::note(&bytes)?;
    let note = app
        .store
        .inbox()
        .add_note(NewNote {
            site: site.clone(),
            id: id.clone(),
            author: caller.user().id.clone(),
            text,
            at: app.clock.now_millis(),
        })
        .await?
        .ok_or_else(|| InboxError::NoSuchResponse {
            site: site.clone(),
            id: id.clone(),
        })?;
    audit(
        &app,
        &caller,
        "inbox_note",
        format!("{site}/{id} note={}", note.id),
    )
    .await?;
    Ok(no_store(StatusCode::CREATED, item::note(&note)))
}

/// `POST /admin/api/inbox/bulk`: one change to up to 500 responses, all or none.
pub async fn bulk(
    State(app): State<AppState>,
    facts: RequestFacts,
    bytes: Bytes,
) -> Result<Response, InboxError> {
    let caller = Caller::signed_in(&app, facts).await?;
    let (keys, change) = params::bulk(&app.config(), &bytes)?;
    let done = apply(&app, &caller, keys, &change).await?;
    Ok(no_store(StatusCode::OK, json!({ "updated": done.len() })))
}

/// `GET /admin/api/themes?site=&band=&from=&to=&limit=`: the most frequent words and
/// phrases of the newest [`THEME_TEXTS`] open-text answers matching, per band.
pub async fn list_themes(
    State(app): State<AppState>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    facts: RequestFacts,
) -> Result<Response, InboxError> {
    Caller::signed_in(&app, facts).await?;
    let (query, limit) = params::themes(&app.config(), &query(q)?)?;
    let band_filter = query.band;
    let texts = app.store.inbox().texts(query).await?;
    // Per band: the filter's band when there is one, else each answer's own.
    let mut by_band: Vec<(Option<String>, Vec<&str>)> = Vec::new();
    for t in &texts {
        let band = match band_filter {
            Some(b) => Some(b.as_str().to_owned()),
            None => t.band.clone(),
        };
        match by_band.iter_mut().find(|(b, _)| *b == band) {
            Some((_, list)) => list.push(&t.body),
            None => by_band.push((band, vec![&t.body])),
        }
    }
    by_band.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (band, list) in by_band {
        for t in themes::themes(list, limit) {
            out.push(json!({ "phrase": t.phrase, "count": t.count, "band": band }));
        }
    }
    Ok(no_store(
        StatusCode::OK,
        json!({ "themes": out, "answersRead": texts.len(), "answersMax": THEME_TEXTS }),
    ))
}

/// `GET /admin/api/sites`: the configured sites' ids and names (the `name` member of a
/// site's configuration, else its id).
pub async fn sites(
    State(app): State<AppState>,
    facts: RequestFacts,
) -> Result<Response, InboxError> {
    Caller::signed_in(&app, facts).await?;
    let config = app.config();
    let sites: Vec<Value> = config
        .sites
        .iter()
        .map(|s| {
            let name = s
                .public
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&s.id);
            json!({ "id": s.id, "name": name })
        })
        .collect();
    Ok(no_store(StatusCode::OK, json!({ "sites": sites })))
}

/// The inbox's routes, merged into the application's router.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/api/inbox", get(list))
        .route("/admin/api/inbox/bulk", post(bulk))
        .route(
            "/admin/api/inbox/{site}/{id}",
            get(get_one).patch(patch_one),
        )
        .route("/admin/api/inbox/{site}/{id}/notes", post(add_note))
        .route("/admin/api/themes", get(list_themes))
        .route("/admin/api/sites", get(sites))
}
