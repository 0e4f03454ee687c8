//! CSV export encoding: one row per answer, RFC 4180 quoting, CRLF line ends, and a guard
//! against spreadsheet formula injection: a cell whose text starts with `=`, `+`, `-`, `@`,
//! tab or carriage return gets a leading `'`, so Excel, LibreOffice and Google Sheets show
//! it as text instead of evaluating it. (A value that really started with one of those
//! characters therefore reads with a `'` in front in the CSV.)

use serde_json::Value;

use crate::store::StoredResponse;
use crate::surrogates::replace_lone_surrogates;

/// The header row's columns, in order.
pub const COLUMNS: [&str; 10] = [
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
];

/// Encodes `responses` as CSV text (header row first). A response without answers still
/// gets one row, with empty `question` and `value`.
pub fn encode(responses: &[StoredResponse]) -> String {
    let mut out = String::new();
    push_row(&mut out, COLUMNS.iter().map(|c| c.to_string()));
    for r in responses {
        let answers = parse_answers(&r.answers_json);
        let pairs: Vec<(String, String)> = if answers.is_empty() {
            vec![(String::new(), String::new())]
        } else {
            answers
        };
        for (question, value) in pairs {
            push_row(
                &mut out,
                [
                    r.id.clone(),
                    r.site.clone(),
                    r.survey.clone(),
                    question,
                    value,
                    r.locale.clone().unwrap_or_default(),
                    r.url.clone().unwrap_or_default(),
                    r.user_id.clone().unwrap_or_default(),
                    r.created_at.clone().unwrap_or_default(),
                    r.received_at.clone(),
                ]
                .into_iter(),
            );
        }
    }
    out
}

/// `(question, value)` pairs; strings as they are, anything else as compact JSON.
fn parse_answers(answers_json: &str) -> Vec<(String, String)> {
    let text = replace_lone_surrogates(answers_json);
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|a| {
            let question = a
                .get("question")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let value = match a.get("value") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (question.to_owned(), value)
        })
        .collect()
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, &cell);
    }
    out.push_str("\r\n");
}

/// Appends one cell: formula-guarded, then quoted if it holds `,` `"` CR or LF.
pub fn push_cell(out: &mut String, cell: &str) {
    let guarded = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = cell.contains([',', '"', '\r', '\n']);
    if needs_quotes {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    if needs_quotes {
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> String {
        let mut out = String::new();
        push_cell(&mut out, s);
        out
    }

    #[test]
    fn quoting() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn formula_guard() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn one_row_per_answer() {
        let r = StoredResponse {
            id: "r1".into(),
            site: "demo".into(),
            survey: "s".into(),
            answers_json: r#"[{"question":"nps","value":9},{"question":"why","value":{"choices":["a","b"]}},{"question":"t","value":"=1+1, \ud800"}]"#.into(),
            locale: Some("en".into()),
            url: None,
            user_id: None,
            traits_json: None,
            created_at: None,
            received_at: "2026-01-01T00:00:00.000Z".into(),
        };
        let text = encode(&[r]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(lines[1], "r1,demo,s,nps,9,en,,,,2026-01-01T00:00:00.000Z");
        assert_eq!(
            lines[2],
            "r1,demo,s,why,\"{\"\"choices\"\":[\"\"a\"\",\"\"b\"\"]}\",en,,,,2026-01-01T00:00:00.000Z"
        );
        assert_eq!(
            lines[3],
            "r1,demo,s,t,\"'=1+1, \u{fffd}\",en,,,,2026-01-01T00:00:00.000Z"
        );
        assert_eq!(lines.len(), 5); // header + 3 rows + trailing empty
    }
}
