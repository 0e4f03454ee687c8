//! The JSON exports: a streamed JSON array (`format=json`, the shape earlier versions
//! answered in one piece) or NDJSON (`format=ndjson`, one response per line). Each item:
//!
//! ```json
//! { "id": "…", "site": "demo", "survey": "post-purchase",
//!   "answers": [ { "question": "plan", "type": "singleChoice", "text": "Which plan?",
//!                  "value": "a", "labels": ["Annual"] } ],
//!   "locale": "en", "url": "…", "userId": "…", "traits": { … },
//!   "createdAt": "…", "receivedAt": "2026-11-22T10:00:00.123Z", "partial": false,
//!   "customer": null }
//! ```
//!
//! `partial` is `true` for the answers a shopper gave before closing the survey or leaving
//! the page; should the complete response arrive later, it replaces the partial one under
//! the same id. `customer` is the customer a verified customer token named when the
//! answer was delivered (see [`crate::routes::responses`]), `null` for an anonymous one.
//!
//! `value` and `traits` are the JSON text the client delivered, verbatim (lone surrogate
//! escapes included); `type` and `text` are `null` for a question the configuration no
//! longer has; `labels` is present for choice questions. An export resumes after any item
//! with `?after=<its id>`.

use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use super::answers::{self, Answer};
use super::Encoder;
use crate::config::ServerConfig;
use crate::store::StoredResponse;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    id: &'a str,
    site: &'a str,
    survey: &'a str,
    answers: Answers<'a>,
    locale: Option<&'a str>,
    url: Option<&'a str>,
    user_id: Option<&'a str>,
    traits: Option<Box<RawValue>>,
    created_at: Option<&'a str>,
    received_at: &'a str,
    partial: bool,
    customer: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Answers<'a> {
    Read(Vec<AnswerItem<'a>>),
    Verbatim(Box<RawValue>),
}

#[derive(Serialize)]
struct AnswerItem<'a> {
    question: &'a str,
    #[serde(rename = "type")]
    kind: Option<&'static str>,
    text: Option<&'a str>,
    value: &'a RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a [Option<String>]>,
}

impl<'a> From<&'a Answer<'a>> for AnswerItem<'a> {
    fn from(a: &'a Answer<'a>) -> Self {
        AnswerItem {
            question: &a.question,
            kind: a.kind,
            text: a.text.as_deref(),
            value: a.value,
            labels: a.labels.as_deref(),
        }
    }
}

/// Stored JSON text as raw JSON; should it ever not parse, as a JSON string instead.
fn raw_or_string(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned())
        .or_else(|_| serde_json::to_string(text).and_then(RawValue::from_string))
        .unwrap_or_else(|_| Box::<RawValue>::default())
}

/// JSON array or NDJSON items.
pub struct JsonItems {
    config: Arc<ServerConfig>,
    ndjson: bool,
    first: bool,
}

impl JsonItems {
    /// A streamed array (`ndjson == false`) or one item per line.
    pub fn new(config: Arc<ServerConfig>, ndjson: bool) -> Self {
        JsonItems {
            config,
            ndjson,
            first: true,
        }
    }
}

impl Encoder for JsonItems {
    fn head(&mut self, out: &mut Vec<u8>) {
        if !self.ndjson {
            out.push(b'[');
        }
    }

    fn row(&mut self, r: &StoredResponse, out: &mut Vec<u8>) {
        let site = self.config.site(&r.site).map(|s| s.rules.config());
        let read = answers::read(&r.answers_json, site, &r.survey, r.locale.as_deref());
        let answers = match &read {
            Some(list) => Answers::Read(list.iter().map(AnswerItem::from).collect()),
            None => Answers::Verbatim(raw_or_string(&r.answers_json)),
        };
        let item = Item {
            id: &r.id,
            site: &r.site,
            survey: &r.survey,
            answers,
            locale: r.locale.as_deref(),
            url: r.url.as_deref(),
            user_id: r.user_id.as_deref(),
            traits: r.traits_json.as_deref().map(raw_or_string),
            created_at: r.created_at.as_deref(),
            received_at: &r.received_at,
            partial: r.partial,
            customer: r.customer.as_deref(),
        };
        if !self.ndjson && !self.first {
            out.push(b',');
        }
        self.first = false;
        // Writing into a Vec cannot fail, and every field serializes.
        let _ = serde_json::to_writer(&mut *out, &item);
        if self.ndjson {
            out.push(b'\n');
        }
    }

    fn tail(&mut self, out: &mut Vec<u8>) {
        if !self.ndjson {
            out.push(b']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn config() -> Arc<ServerConfig> {
        let json = r#"{"sites":[{"site":"demo","origins":[],"adminToken":"secret-token","surveys":[
            {"id":"s","questions":[{"id":"plan","type":"singleChoice","text":"Plan?","options":[{"id":"a","label":"Annual"}]}]}]}]}"#;
        Arc::new(ServerConfig::from_json(json).expect("test config is valid"))
    }

    fn response(id: &str, answers: &str) -> StoredResponse {
        StoredResponse {
            id: id.into(),
            site: "demo".into(),
            survey: "s".into(),
            answers_json: answers.into(),
            locale: None,
            url: Some("u\u{0}".into()),
            user_id: None,
            traits_json: Some(r#"{"k":"\ud800"}"#.into()),
            created_at: None,
            received_at: "2026-01-01T00:00:00.000Z".into(),
            partial: id == "partial",
            customer: None,
        }
    }

    fn encode(ndjson: bool, rows: &[StoredResponse]) -> String {
        let mut enc = JsonItems::new(config(), ndjson);
        let mut out = Vec::new();
        enc.head(&mut out);
        for r in rows {
            enc.row(r, &mut out);
        }
        enc.tail(&mut out);
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    #[test]
    fn array_and_lines() -> Result<(), serde_json::Error> {
        let rows = [
            response("r1", r#"[{"question":"plan","value":"a"}]"#),
            response("r2", r#"[ {"question":"x","value":"\ud800"} ]"#),
        ];
        assert_eq!(encode(false, &[]), "[]");
        let array = encode(false, &rows);
        assert!(array.contains(r#""traits":{"k":"\ud800"}"#), "{array}");
        assert!(array.contains(r#""value":"\ud800""#), "{array}");
        let parsed: Vec<Value> = serde_json::from_str(&array.replace("\\ud800", "\\ufffd"))?;
        assert_eq!(parsed.len(), 2);
        assert_eq!(
            parsed[0]["answers"][0],
            serde_json::json!({"question":"plan","type":"singleChoice","text":"Plan?","value":"a","labels":["Annual"]})
        );
        assert_eq!(parsed[1]["answers"][0]["type"], Value::Null);
        assert_eq!(parsed[0]["url"], "u\u{0}");
        let lines = encode(true, &rows);
        assert_eq!(lines.lines().count(), 2);
        for (line, row) in lines.lines().zip(&parsed) {
            let item: Value = serde_json::from_str(&line.replace("\\ud800", "\\ufffd"))?;
            assert_eq!(&item, row);
        }
        Ok(())
    }

    #[test]
    fn the_partial_flag_is_exported() -> Result<(), serde_json::Error> {
        let rows = [response("partial", "[]"), response("r", "[]")];
        let text = encode(false, &rows).replace("\\ud800", "\\ufffd");
        let parsed: Vec<Value> = serde_json::from_str(&text)?;
        assert_eq!(parsed[0]["partial"], Value::Bool(true));
        assert_eq!(parsed[1]["partial"], Value::Bool(false));
        Ok(())
    }

    #[test]
    fn unreadable_answers_pass_verbatim() {
        let text = encode(true, &[response("r", r#"{"not":"a list"}"#)]);
        assert!(text.contains(r#""answers":{"not":"a list"}"#), "{text}");
    }
}
