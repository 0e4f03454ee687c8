//! Feedback answers as exported by Rapport's collector.
//!
//! Two exports are read:
//!
//! * **JSON**: the `GET /v1/responses?format=json` body — an array of response
//!   objects as in `docs/ARCHITECTURE.md` (`id`, `site`, `survey`,
//!   `answers: [{question, value}]`, `createdAt`), or an object holding that
//!   array under `"responses"`.
//! * **CSV** (`format=csv`): one row per answer with the columns
//!   `id,site,survey,question,value,created_at` (header required, any order,
//!   extra columns such as `locale`, `url`, `received_at` ignored). `id` is the
//!   response id, repeated for each answer; `value` is the answer as text
//!   (numbers as digits; an answer to a question typed `openText`, `singleChoice` or
//!   `multipleChoice` is text even when it reads as a number); a row with an empty `question` (a response without
//!   answers) is ignored.
//!
//! The CSV is read as the collector writes it: a response id is kept verbatim (a
//! blank-only id is an id, as the collector accepts it), and the `'` the collector puts
//! before a cell a spreadsheet could read as a formula (`'-0`, `'=x`) is dropped. In the
//! JSON, a lone surrogate escape (`"\ud800"`, which browsers send) reads as U+FFFD in its
//! string only. An answer of `-0` is a zero in both.
//!
//! When the creation time is missing (`createdAt: null`, empty `created_at`)
//! the collector's `receivedAt` / `received_at` is used instead.
//!
//! A question's type, when the export carries it (a `type` on each JSON
//! answer, a `question_type` or `type` column in the CSV), is kept on the
//! answer so the report scores it by type; otherwise the report takes it from
//! the site's survey configuration ([`super::QuestionTypes`]).
//!
//! Only numeric answers matter to the metrics (NPS 0–10, CSAT 1–5, CES 1–7),
//! so text, choice and thumbs answers are dropped and counted as `ignored`.

use std::io::Read;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::csv::{for_each_record, Source};
use super::date::{parse_timestamp, DateFormat};
use super::date_column::Lookahead;
use super::error::{reject, DataError, Parsed, SkipReason, SkipReport};
use super::formula_guard::unguard;
use super::question_type::QuestionType;
use super::rows::{find_column, header_names, ReadOptions, RowChecker};
use super::sniff::check_text;
use super::surrogates::replace_lone_surrogates;

/// One numeric answer of one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackAnswer {
    /// Response id.
    pub response_id: String,
    /// Survey id.
    pub survey: String,
    /// Question id.
    pub question: String,
    /// The question's type, when the export says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_type: Option<QuestionType>,
    /// The numeric answer.
    pub value: f64,
    /// When the response was created (seconds since the epoch).
    pub created_at: i64,
}

/// Reads the collector's JSON export.
pub fn parse_feedback_json(
    input: &[u8],
    opts: &ReadOptions,
) -> Result<Parsed<Vec<FeedbackAnswer>>, DataError> {
    check_text(input)?;
    let input = replace_lone_surrogates(input);
    let doc: Value = serde_json::from_slice(&input).map_err(|e| DataError::Json(e.to_string()))?;
    let (items, prefix) = match &doc {
        Value::Array(a) => (a, ""),
        Value::Object(o) => match o.get("responses") {
            Some(Value::Array(a)) => (a, "responses"),
            _ => {
                return Err(DataError::Json(
                    "expected an array of responses or {\"responses\": [...]}".into(),
                ))
            }
        },
        _ => return Err(DataError::Json("expected an array of responses".into())),
    };
    let mut report = SkipReport::default();
    let mut out = Vec::new();
    for (i, r) in items.iter().enumerate() {
        report.rows_read += 1;
        let line = i as u64 + 1;
        let path = format!("{prefix}[{i}]");
        let text = |key: &str| -> Result<String, DataError> {
            match r.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                _ => Err(DataError::Json(format!("{path}.{key}: expected a string"))),
            }
        };
        // The collector writes `createdAt: null` when the client sent none;
        // its `receivedAt` is then the best time we have.
        let created = || text("createdAt").or_else(|_| text("receivedAt"));
        let fields = (|| Ok::<_, DataError>((text("id")?, text("survey")?, created()?)))();
        let (id, survey, created) = match fields {
            Ok(f) => f,
            Err(e) => {
                reject(
                    opts.bad_rows,
                    &mut report,
                    SkipReason::MissingValue,
                    line,
                    || e,
                )?;
                continue;
            }
        };
        let created_at =
            match parse_timestamp(created.as_bytes(), DateFormat::Iso8601, opts.offsets) {
                Ok(t) if opts.now.is_some_and(|now| t > now) => {
                    reject(
                        opts.bad_rows,
                        &mut report,
                        SkipReason::FutureDate,
                        line,
                        || {
                            DataError::Json(format!(
                                "{path}.createdAt: date is in the future: {created:?}"
                            ))
                        },
                    )?;
                    continue;
                }
                Ok(t) => t,
                Err(e) => {
                    reject(
                        opts.bad_rows,
                        &mut report,
                        SkipReason::BadDate,
                        line,
                        || DataError::Json(format!("{path}.createdAt: {e}: {created:?}")),
                    )?;
                    continue;
                }
            };
        let Some(Value::Array(answers)) = r.get("answers") else {
            reject(
                opts.bad_rows,
                &mut report,
                SkipReason::MissingValue,
                line,
                || DataError::Json(format!("{path}.answers: expected an array")),
            )?;
            continue;
        };
        for a in answers {
            let (Some(Value::String(q)), Some(v)) = (a.get("question"), a.get("value")) else {
                report.record(SkipReason::Ignored, line);
                continue;
            };
            let question_type = a
                .get("type")
                .and_then(Value::as_str)
                .and_then(QuestionType::parse);
            match v.as_f64() {
                // `+ 0.0`: an answer of `-0` is a zero.
                Some(value) => out.push(FeedbackAnswer {
                    response_id: id.clone(),
                    survey: survey.clone(),
                    question: q.clone(),
                    question_type,
                    value: value + 0.0,
                    created_at,
                }),
                None => report.record(SkipReason::Ignored, line),
            }
        }
    }
    Ok(Parsed { data: out, report })
}

/// Reads the collector's CSV export from memory.
pub fn parse_feedback_csv(
    input: &[u8],
    opts: &ReadOptions,
) -> Result<Parsed<Vec<FeedbackAnswer>>, DataError> {
    read_csv(Source::Slice(input), opts)
}

/// Reads the collector's CSV export from a stream.
pub fn read_feedback_csv(
    mut reader: impl Read,
    opts: &ReadOptions,
) -> Result<Parsed<Vec<FeedbackAnswer>>, DataError> {
    read_csv(Source::Reader(&mut reader), opts)
}

fn read_csv(
    source: Source<'_>,
    opts: &ReadOptions,
) -> Result<Parsed<Vec<FeedbackAnswer>>, DataError> {
    let mut state: Option<(RowChecker<'_>, [usize; 5])> = None;
    let mut received: Option<usize> = None;
    let mut type_column: Option<usize> = None;
    let mut out = Vec::new();
    let lookahead = Lookahead::of(&source, opts.delimiter);
    for_each_record(source, opts.delimiter, |line, rec| {
        let Some((ck, c)) = state.as_mut() else {
            let h = header_names(rec);
            let cols = [
                find_column(&h, "id")?,
                find_column(&h, "survey")?,
                find_column(&h, "question")?,
                find_column(&h, "value")?,
                find_column(&h, "created_at")?,
            ];
            received = find_column(&h, "received_at").ok();
            type_column = find_column(&h, "question_type")
                .or_else(|_| find_column(&h, "type"))
                .ok();
            state = Some((RowChecker::with_lookahead(opts, h, lookahead), cols));
            return Ok(());
        };
        if rec.is_blank() {
            return Ok(());
        }
        ck.report.rows_read += 1;
        if !ck.shape(line, rec)? {
            return Ok(());
        }
        let [ic, sc, qc, vc, tc] = *c;
        // The id as the collector took it: any non-empty text, blanks included.
        let id = match std::str::from_utf8(unguard(rec.get(ic))) {
            Ok(id) if !id.is_empty() => id,
            _ => match ck.text(line, ic, rec.get(ic))? {
                Some(id) => id,
                None => return Ok(()),
            },
        };
        let Some(survey) = ck.text(line, sc, unguard(rec.get(sc)))? else {
            return Ok(());
        };
        if rec.get(qc).trim_ascii().is_empty() {
            // A response without answers is exported as one row with no question.
            ck.report.record(SkipReason::Ignored, line);
            return Ok(());
        }
        let Some(question) = ck.text(line, qc, unguard(rec.get(qc)))? else {
            return Ok(());
        };
        let tc = match received {
            Some(rc) if rec.get(tc).trim_ascii().is_empty() => rc,
            _ => tc,
        };
        let Some(t) = ck.date(line, tc, rec.get(tc))? else {
            return Ok(());
        };
        let question_type = type_column
            .and_then(|c| std::str::from_utf8(rec.get(c)).ok())
            .and_then(QuestionType::parse);
        // Text and option ids are strings in the JSON: an open-text answer `9` is no score.
        let text_type = matches!(
            question_type,
            Some(
                QuestionType::OpenText | QuestionType::SingleChoice | QuestionType::MultipleChoice
            )
        );
        let value = std::str::from_utf8(unguard(rec.get(vc)).trim_ascii())
            .ok()
            .filter(|_| !text_type)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite());
        match value {
            Some(value) => out.push(FeedbackAnswer {
                response_id: id.to_string(),
                survey: survey.to_string(),
                question: question.to_string(),
                question_type,
                value: value + 0.0, // `-0` is a zero
                created_at: t,
            }),
            None => ck.report.record(SkipReason::Ignored, line),
        }
        Ok(())
    })?;
    let Some((ck, _)) = state else {
        return Err(DataError::Empty);
    };
    ck.finish()?;
    Ok(Parsed {
        data: out,
        report: ck.report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_exports_agree() -> Result<(), DataError> {
        let json = br#"[{"id":"r1","site":"demo","survey":"s","answers":[{"question":"nps","value":9},{"question":"why","value":"great"}],"createdAt":"2026-11-22T10:00:00Z"},
                       {"id":"r2","site":"demo","survey":"s","answers":[{"question":"nps","value":3}],"createdAt":"2026-11-23T10:00:00+01:00"}]"#;
        let csv = b"id,site,survey,question,value,created_at\nr1,demo,s,nps,9,2026-11-22T10:00:00Z\nr1,demo,s,why,great,2026-11-22T10:00:00Z\nr2,demo,s,nps,3,2026-11-23T10:00:00+01:00\n";
        let a = parse_feedback_json(json, &ReadOptions::default())?;
        let b = parse_feedback_csv(csv, &ReadOptions::default())?;
        assert_eq!(a.data, b.data);
        assert_eq!(a.data.len(), 2);
        assert_eq!(a.report.count(SkipReason::Ignored), 1);
        assert_eq!(b.report.count(SkipReason::Ignored), 1);
        Ok(())
    }

    #[test]
    fn collector_quirks_read_alike() -> Result<(), DataError> {
        // A lone surrogate in one answer, a blank-only id, an NPS of -0 (guarded in the CSV).
        let json = br#"[{"id":"   ","survey":"s","answers":[{"question":"why","value":"a\ud800"},{"question":"nps","value":-0}],"createdAt":"2026-11-22T10:00:00Z"},
                       {"id":"-b","survey":"s","answers":[{"question":"nps","value":9}],"createdAt":"2026-11-22T10:00:00Z"}]"#;
        let csv = b"id,site,survey,question,value,created_at\r\n   ,demo,s,why,a\xEF\xBF\xBD,2026-11-22T10:00:00Z\r\n   ,demo,s,nps,'-0.0,2026-11-22T10:00:00Z\r\n'-b,demo,s,nps,9,2026-11-22T10:00:00Z\r\n";
        let a = parse_feedback_json(json, &ReadOptions::default())?;
        let b = parse_feedback_csv(csv, &ReadOptions::default())?;
        assert_eq!(a.data, b.data);
        assert_eq!(a.data.len(), 2);
        assert_eq!(a.data[0].response_id, "   ");
        assert_eq!(a.data[1].response_id, "-b");
        for d in [&a.data[0], &b.data[0]] {
            assert_eq!(d.value.to_bits(), 0.0f64.to_bits(), "-0 is a zero");
        }
        assert_eq!(b.report.count(SkipReason::Ignored), 1);
        // An empty id is still a bad row, named.
        let empty = b"id,survey,question,value,created_at\n,s,nps,9,2026-11-22T10:00:00Z\n";
        let err = parse_feedback_csv(empty, &ReadOptions::default());
        assert!(
            matches!(err, Err(ref e) if e.to_string().contains("id")),
            "{err:?}"
        );
        Ok(())
    }

    #[test]
    fn json_errors_name_the_path() {
        let err = parse_feedback_json(
            br#"[{"id":"r1","survey":"s","answers":[],"createdAt":"soon"}]"#,
            &ReadOptions::default(),
        );
        assert!(
            matches!(err, Err(DataError::Json(ref m)) if m.starts_with("[0].createdAt")),
            "{err:?}"
        );
        assert!(parse_feedback_json(b"{", &ReadOptions::default()).is_err());
    }
}
