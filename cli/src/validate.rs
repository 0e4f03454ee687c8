//! `validate`: holdout validation of a transaction model on orders.

use rapport_metrics::holdout::{validate, HoldoutReport, ValidateOptions};
use rapport_metrics::models::transaction::TransactionKind;
use rapport_metrics::plot::holdout_svg;
use serde_json::{json, Value};

use crate::args::{Args, Output, UsageError};
use crate::commands::{data_err, skipped_note, to_json};
use crate::load::{self, Failure};
use crate::table::{num, render};

/// Runs `validate` on the input bytes.
pub fn run(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    if a.input_format.as_deref() == Some("summary") {
        return Err(UsageError("validate needs orders, not --input-format summary".into()).into());
    }
    let model = a.model.as_deref().unwrap_or("bgnbd");
    let kind = TransactionKind::parse(model).ok_or_else(|| {
        UsageError(format!(
            "--model: validate supports bgnbd, mbgnbd, pareto-nbd, not {model:?}"
        ))
    })?;
    let calibration_end = a
        .calibration_end
        .ok_or_else(|| UsageError("validate needs --calibration-end YYYY-MM-DD".into()))?;
    let p = load::orders(a, bytes, load::Amounts::Optional)?;
    let mut opts = ValidateOptions::new(kind, calibration_end);
    opts.end_day = a.end_day;
    opts.period = a.period;
    let r = validate(&p.data, &opts).map_err(data_err)?;
    if let Some(path) = &a.plot {
        crate::plot::write(path, &holdout_svg(&r))?;
    }
    let ids = p.data.customer_ids();
    match a.output {
        Output::Json => {
            let mut v = serde_json::to_value(&r).map_err(data_err)?;
            // Customer ids instead of indices, one object per customer.
            let c = &r.customers;
            let customers: Vec<Value> = (0..c.customer.len())
                .map(|i| {
                    json!({"id": &*ids[c.customer[i] as usize], "x": c.x[i], "t_x": c.t_x[i], "T": c.t[i],
                           "actual": c.actual[i], "predicted": c.predicted[i]})
                })
                .collect();
            v["customers"] = Value::Array(customers);
            v["skipped"] = serde_json::to_value(&p.report).map_err(data_err)?;
            to_json(&v)
        }
        Output::Table => Ok(table(&r) + &skipped_note(&p.report)),
    }
}

fn table(r: &HoldoutReport) -> String {
    let a = &r.accuracy;
    let params = serde_json::to_value(r.fit.params()).unwrap_or(Value::Null);
    let params: Vec<String> = params["params"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k} {}", num(v.as_f64().unwrap_or(f64::NAN), 4)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = format!(
        "{} fitted on {} to {} ({}), holdout to {} ({} {}s)\n\
         customers {}  holdout purchases: actual {}  predicted {}  MAE {}  RMSE {}\n",
        r.fit.params().kind().label(),
        r.calibration_start,
        r.calibration_end,
        params.join(", "),
        r.end,
        num(r.holdout_length, 2),
        serde_json::to_value(r.period)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        a.customers,
        num(a.actual_total, 0),
        num(a.predicted_total, 1),
        num(a.mae, 4),
        num(a.rmse, 4),
    );
    if r.acquired_after_calibration > 0 {
        out += &format!(
            "{} customers first seen after the calibration end are left out\n",
            r.acquired_after_calibration
        );
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = r
        .by_calibration_frequency
        .iter()
        .map(|row| {
            vec![
                row.label.clone(),
                row.customers.to_string(),
                num(row.actual, 3),
                num(row.predicted, 3),
            ]
        })
        .collect();
    out += &render(
        &[
            "calibration_purchases",
            "customers",
            "holdout_actual",
            "holdout_predicted",
        ],
        &rows,
    );
    out.push('\n');
    let t = &r.tracking;
    let rows: Vec<Vec<String>> = (0..t.week_start.len())
        .map(|k| {
            let start = t.week_end[k]
                - if k == 0 {
                    t.week_end[0]
                } else {
                    t.week_end[k] - t.week_end[k - 1]
                };
            let part = if t.week_end[k] <= t.calibration_end {
                "calibration"
            } else if start >= t.calibration_end {
                "holdout"
            } else {
                "both"
            };
            vec![
                t.week_start[k].clone(),
                part.to_string(),
                num(t.actual_weekly[k], 0),
                num(t.predicted_weekly[k], 1),
                num(t.actual_cumulative[k], 0),
                num(t.predicted_cumulative[k], 1),
            ]
        })
        .collect();
    out + &render(
        &[
            "week",
            "period",
            "actual",
            "predicted",
            "actual_cumulative",
            "predicted_cumulative",
        ],
        &rows,
    )
}
