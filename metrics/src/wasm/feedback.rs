//! Survey scores in JavaScript: NPS from values and the feedback report from
//! the collector's export.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{options, to_js};
use super::error::WasmError;
use super::panic;
use crate::data::{parse_feedback_csv, parse_feedback_json, ReadOptions};
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
}

/// NPS, CSAT, CES and the weekly trend from the collector's JSON or CSV export
/// (JSON when the first non-blank byte is `[` or `{`). `options`: `{read,
/// npsQuestion, csatQuestion, cesQuestion, survey, confidence}`.
#[wasm_bindgen(js_name = feedbackReport)]
pub fn feedback_report(input: &[u8], options_value: JsValue) -> Result<JsValue, JsValue> {
    panic::install();
    let opts: JsFeedbackOptions = options("options of feedbackReport", options_value)?;
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
