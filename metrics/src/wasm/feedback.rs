//! Survey scores in JavaScript: NPS from values and the feedback report from
//! the collector's export.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{options, to_js};
use super::error::WasmError;
use super::panic;
use crate::data::{
    parse_feedback_csv, parse_feedback_json, survey_types, QuestionType, ReadOptions,
};
use crate::feedback::{feedback_report as report, nps as score_nps, FeedbackOptions};

/// NPS of 0–10 answers with a normal-approximation interval at `confidence`
/// (default 0.95): `{responses, promoters, passives, detractors, score,
/// stdError, ciLow, ciHigh, confidence}`. Answers off the scale are ignored.
#[wasm_bindgen]
pub fn nps(values: &[f64], confidence: Option<f64>) -> Result<JsValue, JsValue> {
    panic::install();
    let n = score_nps(values, confidence.unwrap_or(0.95)).map_err(WasmError::from)?;
    Ok(to_js(&n)?)
}

/// Options of [`feedback_report`]: how to read the export and what to score.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsFeedbackOptions {
    read: ReadOptions,
    #[serde(flatten)]
    scores: FeedbackOptions,
    /// The site configuration (`{surveys: [...]}`): question types from it.
    config: Option<serde_json::Value>,
    /// Older spellings: the question id of each type.
    nps_question: Option<String>,
    csat_question: Option<String>,
    ces_question: Option<String>,
}

/// NPS, CSAT, CES per question type, per question and per week from the
/// collector's JSON or CSV export (JSON when the first non-blank byte is `[`
/// or `{`). `options`: `{read, config, questionTypes, question, survey,
/// confidence}` (`npsQuestion`, `csatQuestion`, `cesQuestion` still work:
/// they give those questions their type).
#[wasm_bindgen(js_name = feedbackReport)]
pub fn feedback_report(input: &[u8], options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let mut opts: JsFeedbackOptions = options("options of feedbackReport", options_value)?;
    if let Some(config) = &opts.config {
        for (k, t) in survey_types(config).map_err(WasmError::from)? {
            opts.scores.question_types.entry(k).or_insert(t);
        }
    }
    for (q, t) in [
        (&opts.nps_question, QuestionType::Nps),
        (&opts.csat_question, QuestionType::Csat),
        (&opts.ces_question, QuestionType::Ces),
    ] {
        if let Some(q) = q {
            opts.scores.question_types.insert(q.clone(), t);
        }
    }
    let json = matches!(
        input.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'[' | b'{')
    );
    let parsed = if json {
        parse_feedback_json(input, &opts.read)
    } else {
        parse_feedback_csv(input, &opts.read)
    }
    .map_err(WasmError::from)?;
    let r = report(&parsed.data, &opts.scores).map_err(WasmError::from)?;
    Ok(to_js(&r)?)
}
