//! The CSV exports, RFC 4180 with CRLF line ends and formula-guarded cells
//! ([`super::cell`]). Two layouts:
//!
//! * **one row per answer** (`rows=answer`, the default): the columns of [`ANSWER_COLUMNS`];
//!   a response without answers still gets one row, with empty answer cells;
//! * in both, `partial` is `true` for the answers a shopper gave before closing the survey
//!   or leaving the page (replaced by the complete response if it arrives), else `false`,
//!   and `customer` is the customer a verified customer token named (empty when anonymous);
//! * **one row per response** (`rows=response`): the response's own columns, then a column
//!   per question of the site's surveys in configuration order (`{survey}.{question}`),
//!   plus `{survey}.{question}.labels` for choice questions, then `other_answers` holding,
//!   as JSON, any answer to a question the configuration no longer has.
//!
//! Values: strings as they are, numbers as digits, multiple-choice values as compact JSON;
//! labels of several options are joined with `"; "`. Lone surrogates read as U+FFFD.

use std::collections::HashMap;
use std::sync::Arc;

use rapport::core::survey::{QuestionKind, SiteConfig};
use serde_json::value::RawValue;
use serde_json::Value;

use super::answers::{self, Answer};
use super::cell::push_row;
use super::Encoder;
use crate::config::ServerConfig;
use crate::store::StoredResponse;
use crate::surrogates::replace_lone_surrogates;

/// Columns of the one-row-per-answer layout, in order. The first ten are those of earlier
/// versions, in the same places; later additions are appended.
pub const ANSWER_COLUMNS: [&str; 16] = [
    "id",
    "site",
    "survey",
    "question",
    "value",
    "locale",
    "url",
    "user_id",
    "created_at",
    "received_at",
    "question_type",
    "question_text",
    "labels",
    "traits",
    "partial",
    "customer",
];

/// The response's own columns in the one-row-per-response layout (`customer`: the id a
/// verified customer token named, empty for anonymous answers).
pub const RESPONSE_COLUMNS: [&str; 11] = [
    "id",
    "site",
    "survey",
    "locale",
    "url",
    "user_id",
    "traits",
    "created_at",
    "received_at",
    "partial",
    "customer",
];

/// The `partial` cell.
fn partial_text(r: &StoredResponse) -> &'static str {
    if r.partial {
        "true"
    } else {
        "false"
    }
}

/// A stored value as a cell.
fn value_text(value: &RawValue) -> String {
    match serde_json::from_str::<Value>(&replace_lone_surrogates(value.get())) {
        Ok(Value::String(s)) => s,
        Ok(Value::Null) => String::new(),
        Ok(other) => other.to_string(),
        Err(_) => value.get().to_owned(),
    }
}

/// Stored traits JSON as a cell (compact JSON).
fn traits_text(traits: Option<&str>) -> String {
    let Some(text) = traits else {
        return String::new();
    };
    match serde_json::from_str::<Value>(&replace_lone_surrogates(text)) {
        Ok(v) => v.to_string(),
        Err(_) => text.to_owned(),
    }
}

fn labels_text(a: &Answer<'_>) -> String {
    a.labels
        .as_ref()
        .map(|ls| {
            ls.iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

fn site_config<'a>(config: &'a ServerConfig, site: &str) -> Option<&'a SiteConfig> {
    config.site(site).map(|s| s.rules.config())
}

/// One row per answer.
pub struct AnswerRows {
    config: Arc<ServerConfig>,
    line: String,
}

impl AnswerRows {
    /// An encoder reading question details from `config`.
    pub fn new(config: Arc<ServerConfig>) -> Self {
        AnswerRows {
            config,
            line: String::new(),
        }
    }
}

impl Encoder for AnswerRows {
    fn head(&mut self, out: &mut Vec<u8>) {
        self.line.clear();
        push_row(&mut self.line, ANSWER_COLUMNS);
        out.extend_from_slice(self.line.as_bytes());
    }

    fn row(&mut self, r: &StoredResponse, out: &mut Vec<u8>) {
        let site = site_config(&self.config, &r.site);
        let list = answers::read(&r.answers_json, site, &r.survey, r.locale.as_deref())
            .unwrap_or_default();
        let traits = traits_text(r.traits_json.as_deref());
        let customer = r.customer.as_deref().unwrap_or_default();
        fn fixed<'a>(r: &'a StoredResponse, question: &'a str, value: &'a str) -> [&'a str; 10] {
            [
                r.id.as_str(),
                r.site.as_str(),
                r.survey.as_str(),
                question,
                value,
                r.locale.as_deref().unwrap_or_default(),
                r.url.as_deref().unwrap_or_default(),
                r.user_id.as_deref().unwrap_or_default(),
                r.created_at.as_deref().unwrap_or_default(),
                r.received_at.as_str(),
            ]
        }
        self.line.clear();
        if list.is_empty() {
            let mut cells = fixed(r, "", "").to_vec();
            cells.extend(["", "", "", traits.as_str(), partial_text(r), customer]);
            push_row(&mut self.line, cells);
        }
        for a in &list {
            let value = value_text(a.value);
            let labels = labels_text(a);
            let mut cells = fixed(r, &a.question, &value).to_vec();
            cells.extend([
                a.kind.unwrap_or_default(),
                a.text.as_deref().unwrap_or_default(),
                labels.as_str(),
                traits.as_str(),
                partial_text(r),
                customer,
            ]);
            push_row(&mut self.line, cells);
        }
        out.extend_from_slice(self.line.as_bytes());
    }

    fn tail(&mut self, _out: &mut Vec<u8>) {}
}

/// One row per response, a column per question.
pub struct ResponseRows {
    config: Arc<ServerConfig>,
    header: Vec<String>,
    /// `(survey, question)` → (value column, labels column if a choice question).
    columns: HashMap<(String, String), (usize, Option<usize>)>,
    line: String,
}

impl ResponseRows {
    /// Columns for the questions of `site` (only `survey`'s when given) in `config`.
    pub fn new(config: Arc<ServerConfig>, site: &str, survey: Option<&str>) -> Self {
        let mut header: Vec<String> = RESPONSE_COLUMNS.iter().map(|c| c.to_string()).collect();
        let mut columns = HashMap::new();
        if let Some(site) = site_config(&config, site) {
            for s in site
                .surveys
                .iter()
                .filter(|s| survey.is_none_or(|only| s.id == only))
            {
                for q in &s.questions {
                    let value = header.len();
                    header.push(format!("{}.{}", s.id, q.id));
                    let labels = match q.kind {
                        QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. } => {
                            header.push(format!("{}.{}.labels", s.id, q.id));
                            Some(value + 1)
                        }
                        _ => None,
                    };
                    columns.insert((s.id.clone(), q.id.clone()), (value, labels));
                }
            }
        }
        header.push("other_answers".into());
        ResponseRows {
            config,
            header,
            columns,
            line: String::new(),
        }
    }
}

impl Encoder for ResponseRows {
    fn head(&mut self, out: &mut Vec<u8>) {
        self.line.clear();
        push_row(&mut self.line, self.header.iter().map(String::as_str));
        out.extend_from_slice(self.line.as_bytes());
    }

    fn row(&mut self, r: &StoredResponse, out: &mut Vec<u8>) {
        let mut cells: Vec<String> = vec![String::new(); self.header.len()];
        let fixed = [
            r.id.clone(),
            r.site.clone(),
            r.survey.clone(),
            r.locale.clone().unwrap_or_default(),
            r.url.clone().unwrap_or_default(),
            r.user_id.clone().unwrap_or_default(),
            traits_text(r.traits_json.as_deref()),
            r.created_at.clone().unwrap_or_default(),
            r.received_at.clone(),
            partial_text(r).to_owned(),
            r.customer.clone().unwrap_or_default(),
        ];
        for (slot, value) in cells.iter_mut().zip(fixed) {
            *slot = value;
        }
        let site = site_config(&self.config, &r.site);
        let list = answers::read(&r.answers_json, site, &r.survey, r.locale.as_deref());
        let mut other: Vec<Value> = Vec::new();
        match list {
            Some(list) => {
                for a in &list {
                    let key = (r.survey.clone(), a.question.clone());
                    match self.columns.get(&key) {
                        Some(&(value, labels)) => {
                            cells[value] = value_text(a.value);
                            if let Some(l) = labels {
                                cells[l] = labels_text(a);
                            }
                        }
                        None => other.push(serde_json::json!({
                            "question": a.question,
                            "value": serde_json::from_str::<Value>(
                                &replace_lone_surrogates(a.value.get())
                            ).unwrap_or(Value::Null),
                        })),
                    }
                }
            }
            None => other.push(Value::String(
                replace_lone_surrogates(&r.answers_json).into(),
            )),
        }
        if !other.is_empty() {
            if let Some(last) = cells.last_mut() {
                *last = Value::Array(other).to_string();
            }
        }
        self.line.clear();
        push_row(&mut self.line, cells.iter().map(String::as_str));
        out.extend_from_slice(self.line.as_bytes());
    }

    fn tail(&mut self, _out: &mut Vec<u8>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Arc<ServerConfig> {
        let json = r#"{"sites":[{"site":"demo","origins":[],"adminToken":"secret-token","surveys":[
            {"id":"s","questions":[{"id":"nps","type":"nps","text":"Recommend?"},
                                   {"id":"why","type":"multipleChoice","text":"Why?","other":true,
                                    "options":[{"id":"price","label":"Price"},{"id":"speed","label":"Speed"}]}]},
            {"id":"t","questions":[{"id":"ok","type":"thumbs","text":"OK?"}]}]}]}"#;
        Arc::new(ServerConfig::from_json(json).expect("test config is valid"))
    }

    fn response(answers: &str) -> StoredResponse {
        StoredResponse {
            id: "r1".into(),
            site: "demo".into(),
            survey: "s".into(),
            answers_json: answers.into(),
            locale: Some("en".into()),
            url: None,
            user_id: Some("=cmd".into()),
            traits_json: Some(r#"{"email":"a@b.c","n":"\ud800"}"#.into()),
            created_at: None,
            received_at: "2026-01-01T00:00:00.000Z".into(),
            partial: false,
            customer: Some("cust-1".into()),
        }
    }

    fn encode(enc: &mut dyn Encoder, rows: &[StoredResponse]) -> String {
        let mut out = Vec::new();
        enc.head(&mut out);
        for r in rows {
            enc.row(r, &mut out);
        }
        enc.tail(&mut out);
        String::from_utf8(out).expect("CSV is UTF-8")
    }

    #[test]
    fn one_row_per_answer() {
        let r = response(
            r#"[{"question":"nps","value":9},{"question":"why","value":{"choices":["price","speed"]}},{"question":"gone","value":"=1+1, \ud800"}]"#,
        );
        let text = encode(&mut AnswerRows::new(config()), &[r]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], ANSWER_COLUMNS.join(","));
        let traits = "\"{\"\"email\"\":\"\"a@b.c\"\",\"\"n\"\":\"\"\u{fffd}\"\"}\"";
        assert_eq!(
            lines[1],
            format!("r1,demo,s,nps,9,en,,'=cmd,,2026-01-01T00:00:00.000Z,nps,Recommend?,,{traits},false,cust-1")
        );
        assert_eq!(
            lines[2],
            format!("r1,demo,s,why,\"{{\"\"choices\"\":[\"\"price\"\",\"\"speed\"\"]}}\",en,,'=cmd,,2026-01-01T00:00:00.000Z,multipleChoice,Why?,Price; Speed,{traits},false,cust-1")
        );
        assert_eq!(
            lines[3],
            format!("r1,demo,s,gone,\"'=1+1, \u{fffd}\",en,,'=cmd,,2026-01-01T00:00:00.000Z,,,,{traits},false,cust-1")
        );
        assert_eq!(lines.len(), 5); // header + 3 rows + trailing empty
    }

    #[test]
    fn one_row_per_response() {
        let rows = [
            response(
                r#"[{"question":"why","value":{"choices":["speed"],"other":"x"}},{"question":"gone","value":1}]"#,
            ),
            StoredResponse {
                id: "r2".into(),
                survey: "t".into(),
                answers_json: r#"[{"question":"ok","value":"up"}]"#.into(),
                partial: true,
                ..response("[]")
            },
        ];
        let text = encode(&mut ResponseRows::new(config(), "demo", None), &rows);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,site,survey,locale,url,user_id,traits,created_at,received_at,partial,customer,s.nps,s.why,s.why.labels,t.ok,other_answers"
        );
        assert!(lines[1].starts_with("r1,demo,s,en,,'=cmd,"), "{}", lines[1]);
        assert!(
            lines[1].ends_with(",2026-01-01T00:00:00.000Z,false,cust-1,,\"{\"\"choices\"\":[\"\"speed\"\"],\"\"other\"\":\"\"x\"\"}\",Speed,,\"[{\"\"question\"\":\"\"gone\"\",\"\"value\"\":1}]\""),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].ends_with(",2026-01-01T00:00:00.000Z,true,cust-1,,,,up,"),
            "{}",
            lines[2]
        );
        let only_t = encode(&mut ResponseRows::new(config(), "demo", Some("t")), &[]);
        assert_eq!(
            only_t,
            "id,site,survey,locale,url,user_id,traits,created_at,received_at,partial,customer,t.ok,other_answers\r\n"
        );
    }
}
