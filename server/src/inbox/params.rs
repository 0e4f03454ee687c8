//! The inbox API's inputs, checked: the list's query parameters, the themes' query, the
//! bodies of a change, a bulk change and a note, and the normal form of a tag. Every
//! refusal names the parameter or field at fault.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{cursor, tokens, InboxError};
use crate::clock;
use crate::config::ServerConfig;
use crate::store::inbox::{
    AssigneeFilter, BandFilter, Change, InboxQuery, Sort, Status, TextQuery, MAX_NOTE_CHARS,
    MAX_TAGS, MAX_TAG_CHARS,
};

/// Rows per page unless `limit` says otherwise, and at most.
pub const PAGE: usize = 50;
/// Largest `limit`.
pub const PAGE_MAX: usize = 200;
/// Longest free-text filter value, in characters.
pub const MAX_FILTER_CHARS: usize = 200;
/// Most responses one bulk change may name.
pub const MAX_BULK: usize = 500;
/// Themes returned per band unless `limit` says otherwise, and at most.
pub const THEMES: usize = 20;
/// Largest themes `limit`.
pub const THEMES_MAX: usize = 100;
/// Newest answers the themes read.
pub const THEME_TEXTS: usize = 5_000;

/// A filter string: non-empty, at most [`MAX_FILTER_CHARS`], no control characters.
pub fn text(field: &str, v: &str) -> Result<String, InboxError> {
    if v.is_empty() || v.chars().count() > MAX_FILTER_CHARS || v.chars().any(char::is_control) {
        return Err(InboxError::field(
            field,
            format!("must be 1-{MAX_FILTER_CHARS} characters without control characters"),
        ));
    }
    Ok(v.to_owned())
}

/// A configured site id.
pub fn site(config: &ServerConfig, field: &str, v: &str) -> Result<String, InboxError> {
    match config.site(v) {
        Some(site) => Ok(site.id.clone()),
        None => Err(InboxError::NoSuchSite {
            field: field.to_owned(),
            site: v.to_owned(),
        }),
    }
}

/// An RFC 3339 timestamp or a `YYYY-MM-DD` date, in the stored form. A date as `to` means
/// the end of that day (the next midnight, exclusive), so `from=to=2026-12-07` is that day.
pub fn instant(field: &str, v: &str, end_of_day: bool) -> Result<String, InboxError> {
    let parse = rapport::core::datetime::parse_rfc3339;
    let date = v.len() == 10;
    let ms = parse(v)
        .or_else(|| date.then(|| parse(&format!("{v}T00:00:00Z"))).flatten())
        .ok_or_else(|| {
            InboxError::field(
                field,
                format!("{v:?} is not an RFC 3339 timestamp or a YYYY-MM-DD date"),
            )
        })?;
    let ms = match (date && parse(v).is_none(), end_of_day) {
        (true, true) => ms.saturating_add(86_400_000),
        _ => ms,
    };
    Ok(clock::format_unix_millis(ms))
}

fn limit(
    params: &HashMap<String, String>,
    default: usize,
    max: usize,
) -> Result<usize, InboxError> {
    match params.get("limit") {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| InboxError::field("limit", format!("must be an integer 1-{max}"))),
    }
}

fn band(v: &str) -> Result<BandFilter, InboxError> {
    BandFilter::parse(v)
        .ok_or_else(|| InboxError::field("band", "must be detractor, passive, promoter or unhappy"))
}

/// The list's query parameters (`site` required).
pub fn list(
    config: &ServerConfig,
    params: &HashMap<String, String>,
) -> Result<InboxQuery, InboxError> {
    let site_id = params
        .get("site")
        .ok_or_else(|| InboxError::field("site", "query parameter is required"))?;
    let mut q = InboxQuery::new(
        site(config, "site", site_id)?,
        limit(params, PAGE, PAGE_MAX)?,
    );
    let get = |k: &str| params.get(k).map(String::as_str);
    q.sort = match get("sort") {
        None | Some("newest") => Sort::Newest,
        Some("risk") => Sort::Risk,
        Some(_) => return Err(InboxError::field("sort", "must be newest or risk")),
    };
    q.survey = get("survey").map(|v| text("survey", v)).transpose()?;
    q.band = get("band").map(band).transpose()?;
    q.from = get("from").map(|v| instant("from", v, false)).transpose()?;
    q.to = get("to").map(|v| instant("to", v, true)).transpose()?;
    q.url = get("url").map(|v| text("url", v)).transpose()?;
    q.has_text = match get("hasText") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(InboxError::field("hasText", "must be true or false")),
    };
    q.tier = get("tier").map(|v| text("tier", v)).transpose()?;
    q.status = get("status")
        .map(|v| {
            Status::parse(v).ok_or_else(|| {
                InboxError::field("status", "must be new, triaged, acting or resolved")
            })
        })
        .transpose()?;
    q.tag = get("tag").map(|v| tag("tag", v)).transpose()?;
    q.assignee = get("assignee")
        .map(|v| match v {
            "none" => Ok(AssigneeFilter::Nobody),
            v => text("assignee", v).map(AssigneeFilter::User),
        })
        .transpose()?;
    // A `q` without any word (only punctuation) matches nothing: `words` then holds the
    // empty word, which the handler answers with an empty page.
    if let Some(v) = get("q") {
        q.words = tokens::words(&text("q", v)?);
        if q.words.is_empty() {
            q.words.push(String::new());
        }
    }
    q.after = get("cursor")
        .map(|v| cursor::decode(v).map_err(|m| InboxError::field("cursor", m)))
        .transpose()?;
    Ok(q)
}

/// The themes' query parameters (`site` required).
pub fn themes(
    config: &ServerConfig,
    params: &HashMap<String, String>,
) -> Result<(TextQuery, usize), InboxError> {
    let site_id = params
        .get("site")
        .ok_or_else(|| InboxError::field("site", "query parameter is required"))?;
    let get = |k: &str| params.get(k).map(String::as_str);
    Ok((
        TextQuery {
            site: site(config, "site", site_id)?,
            band: get("band").map(band).transpose()?,
            from: get("from").map(|v| instant("from", v, false)).transpose()?,
            to: get("to").map(|v| instant("to", v, true)).transpose()?,
            limit: THEME_TEXTS,
        },
        limit(params, THEMES, THEMES_MAX)?,
    ))
}

/// The normal form of a tag: surrounding white space trimmed, inner runs of white space
/// made one space, lower-cased; 1-[`MAX_TAG_CHARS`] characters, no control characters.
pub fn tag(field: &str, raw: &str) -> Result<String, InboxError> {
    let t = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if t.is_empty() || t.chars().count() > MAX_TAG_CHARS || t.chars().any(char::is_control) {
        return Err(InboxError::field(
            field,
            format!("a tag is 1-{MAX_TAG_CHARS} characters without control characters"),
        ));
    }
    Ok(t)
}

fn tags(field: &str, raw: &[String]) -> Result<Vec<String>, InboxError> {
    if raw.len() > MAX_TAGS {
        return Err(InboxError::field(field, format!("at most {MAX_TAGS} tags")));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let t = tag(&format!("{field}[{i}]"), t)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, InboxError> {
    serde_json::from_slice(bytes).map_err(|e| InboxError::field("body", e.to_string()))
}

/// `assignee` of a body: absent (no change), `null` (unassign) or a user id.
fn assignee(v: Option<Value>) -> Result<Option<Option<String>>, InboxError> {
    match v {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(text("assignee", &s)?))),
        Some(_) => Err(InboxError::field("assignee", "must be a user id or null")),
    }
}

fn status(v: Option<String>) -> Result<Option<Status>, InboxError> {
    v.map(|s| {
        Status::parse(&s)
            .ok_or_else(|| InboxError::field("status", "must be new, triaged, acting or resolved"))
    })
    .transpose()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    #[serde(default, deserialize_with = "not_null")]
    status: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    assignee: Option<Value>,
}

/// Keeps an explicit `null` apart from an absent member.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// An optional member that may be absent but not `null`.
fn not_null<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// `PATCH /admin/api/inbox/{site}/{id}`'s body.
pub fn patch(bytes: &[u8]) -> Result<Change, InboxError> {
    let b: PatchBody = body(bytes)?;
    Ok(Change {
        status: status(b.status)?,
        set_tags: b.tags.map(|t| tags("tags", &t)).transpose()?,
        add_tags: Vec::new(),
        remove_tags: Vec::new(),
        assignee: assignee(b.assignee)?,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Key {
    site: String,
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BulkBody {
    items: Vec<Key>,
    #[serde(default, deserialize_with = "not_null")]
    status: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    add_tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "not_null")]
    remove_tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    assignee: Option<Value>,
}

/// `POST /admin/api/inbox/bulk`'s body: the responses (distinct, at most [`MAX_BULK`]) and
/// the change.
pub fn bulk(
    config: &ServerConfig,
    bytes: &[u8],
) -> Result<(Vec<(String, String)>, Change), InboxError> {
    let b: BulkBody = body(bytes)?;
    if b.items.is_empty() || b.items.len() > MAX_BULK {
        return Err(InboxError::field(
            "items",
            format!("must name 1-{MAX_BULK} responses"),
        ));
    }
    let mut keys: Vec<(String, String)> = Vec::with_capacity(b.items.len());
    for (i, k) in b.items.into_iter().enumerate() {
        let key = (
            site(config, &format!("items[{i}].site"), &k.site)?,
            text(&format!("items[{i}].id"), &k.id)?,
        );
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let change = Change {
        status: status(b.status)?,
        set_tags: None,
        add_tags: tags("addTags", &b.add_tags.unwrap_or_default())?,
        remove_tags: tags("removeTags", &b.remove_tags.unwrap_or_default())?,
        assignee: assignee(b.assignee)?,
    };
    Ok((keys, change))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
}

/// A note's text: 1-[`MAX_NOTE_CHARS`] characters after trimming, no control characters
/// but tab and line breaks; kept as written.
pub fn note(bytes: &[u8]) -> Result<String, InboxError> {
    let b: NoteBody = body(bytes)?;
    let ok = !b.text.trim().is_empty()
        && b.text.chars().count() <= MAX_NOTE_CHARS
        && !b
            .text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    match ok {
        true => Ok(b.text),
        false => Err(InboxError::field(
            "text",
            format!("must be 1-{MAX_NOTE_CHARS} characters without control characters"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised() {
        assert_eq!(
            tag("tag", "  Late   Delivery ").ok().as_deref(),
            Some("late delivery")
        );
        assert!(tag("tag", "   ").is_err());
        assert!(tag("tag", &"x".repeat(41)).is_err());
        assert!(tag("tag", "a\u{0}b").is_err());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(tags("tags", &many).is_err());
        assert_eq!(
            tags("tags", &["A".into(), "a".into()]).ok(),
            Some(vec!["a".to_owned()])
        );
    }

    #[test]
    fn dates_and_instants() {
        assert_eq!(
            instant("from", "2026-12-07", false).ok().as_deref(),
            Some("2026-12-07T00:00:00.000Z")
        );
        assert_eq!(
            instant("to", "2026-12-07", true).ok().as_deref(),
            Some("2026-12-08T00:00:00.000Z")
        );
        assert_eq!(
            instant("to", "2026-12-07T10:00:00Z", true).ok().as_deref(),
            Some("2026-12-07T10:00:00.000Z")
        );
        assert!(instant("from", "yesterday", false).is_err());
    }

    #[test]
    fn patch_bodies() {
        let c = patch(br#"{"assignee":null}"#).ok();
        assert_eq!(c.map(|c| c.assignee), Some(Some(None)));
        let c = patch(br#"{"status":"acting"}"#).ok();
        assert_eq!(
            c.map(|c| (c.status, c.assignee)),
            Some((Some(Status::Acting), None))
        );
        assert!(patch(br#"{"status":"done"}"#).is_err());
        assert!(patch(br#"{"colour":"red"}"#).is_err());
        assert!(patch(br#"{"tags":null}"#).is_err());
        assert!(patch(br#"{"status":null}"#).is_err());
        assert!(patch(br#"{}"#).is_ok());
        assert!(note(br#"{"text":"  "}"#).is_err());
        assert_eq!(
            note(br#"{"text":"line\nnext"}"#).ok().as_deref(),
            Some("line\nnext")
        );
    }
}
