//! `predict --intervals LEVEL`: per-customer predictions with intervals from
//! the fitted parameters' uncertainty (seeded parametric bootstrap).

use rapport_metrics::data::Orders;
use rapport_metrics::models::clv::{ClvOptions, Customer};
use rapport_metrics::models::transaction::{fit, TransactionKind};
use rapport_metrics::models::{gamma_gamma, FitInput, FitOptions};
use rapport_metrics::summary::{Period, Summary};
use rapport_metrics::uncertainty::{
    prediction_intervals, spend_covariance, transaction_covariance, IntervalOptions,
};
use serde_json::{json, Value};

use crate::args::{Args, Output, UsageError};
use crate::commands::{data_err, to_json};
use crate::load::Failure;
use crate::table::{num, render};

/// `[low, high]` as JSON (`null` where a bound could not be computed).
fn bounds(low: f64, high: f64, scale: f64) -> Value {
    let b = |v: f64| {
        if v.is_finite() {
            json!(v * scale)
        } else {
            Value::Null
        }
    };
    json!([b(low), b(high)])
}

/// Predictions with intervals for every customer of the summary `s`.
pub fn predict(
    a: &Args,
    level: f64,
    input: &FitInput,
    s: &Summary,
    orders: &Orders,
) -> Result<String, Failure> {
    let name = a.model.as_deref().unwrap_or("bgnbd");
    let kind = TransactionKind::parse(name).ok_or_else(|| {
        UsageError(format!(
            "--model: predict supports bgnbd, mbgnbd, pareto-nbd, not {name:?}"
        ))
    })?;
    let opts = FitOptions::default();
    let fitted = fit(kind, input, &opts).map_err(data_err)?;
    let model = fitted.params();
    let cov = transaction_covariance(&model, input).map_err(data_err)?;
    // Spend: optional, as in `predict` (too few repeat buyers, or a spend
    // model whose uncertainty cannot be computed, leave CLV out).
    let mut notes = Vec::new();
    let spend = match s.spend_input() {
        Ok(si) => match gamma_gamma::fit(&si, &opts) {
            Ok(g) => match spend_covariance(&g.params, &si) {
                Ok(c) => Some((g, c)),
                Err(e) => {
                    notes.push(format!("no CLV intervals: spend model: {e}"));
                    None
                }
            },
            Err(e) => {
                notes.push(format!("no CLV: spend model: {e}"));
                None
            }
        },
        Err(e) => {
            notes.push(format!("no CLV: spend model input: {e}"));
            None
        }
    };
    let customers: Vec<Customer> = (0..s.len())
        .map(|i| Customer {
            x: s.frequency[i],
            t_x: s.recency[i],
            t: s.t[i],
            zbar: s.monetary_value[i],
        })
        .collect();
    let iv_opts = IntervalOptions {
        level,
        draws: a.draws,
        seed: a.seed,
        horizon: a.horizon,
        clv: ClvOptions {
            months: 12,
            units_per_month: match a.period {
                Period::Week => 4.345,
                Period::Day => 30.4375,
            },
            monthly_discount: a.discount,
        },
    };
    let iv = prediction_intervals(
        &model,
        &cov,
        &customers,
        spend.as_ref().map(|(g, c)| (&g.params, c)),
        &iv_opts,
    )
    .map_err(data_err)?;
    let ids = orders.customer_ids();
    let id = |i: usize| &*ids[s.customer[i] as usize];
    let m = a.margin;
    match a.output {
        Output::Json => {
            let rows: Vec<Value> = (0..s.len())
                .map(|i| {
                    let (p, e) = (&iv.p_alive, &iv.expected);
                    let mut row = json!({
                        "id": id(i),
                        "pAlive": p.estimate[i], "pAliveInterval": bounds(p.low[i], p.high[i], 1.0),
                        "expectedPurchases": e.estimate[i], "expectedPurchasesInterval": bounds(e.low[i], e.high[i], 1.0),
                        "clv12Months": Value::Null, "clv12MonthsInterval": Value::Null,
                    });
                    if let Some(c) = &iv.clv {
                        row["clv12Months"] = json!(c.estimate[i] * m);
                        row["clv12MonthsInterval"] = bounds(c.low[i], c.high[i], m);
                    }
                    row
                })
                .collect();
            to_json(&json!({
                "model": fitted,
                "spendModel": spend.as_ref().map(|(g, _)| g),
                "horizon": a.horizon,
                "period": a.period,
                "intervals": {
                    "level": level, "draws": iv.draws, "seed": a.seed, "unusableDraws": iv.unusable_draws,
                    "method": "parametric bootstrap from the log-parameters' asymptotic covariance",
                    "covariance": cov,
                },
                "notes": notes,
                "customers": rows,
            }))
        }
        Output::Table => {
            let cell = |est: f64, lo: f64, hi: f64, dp: usize| {
                format!("{} [{}, {}]", num(est, dp), num(lo, dp), num(hi, dp))
            };
            let rows: Vec<Vec<String>> = (0..s.len())
                .map(|i| {
                    let (p, e) = (&iv.p_alive, &iv.expected);
                    vec![
                        id(i).to_string(),
                        cell(p.estimate[i], p.low[i], p.high[i], 4),
                        cell(e.estimate[i], e.low[i], e.high[i], 4),
                        iv.clv
                            .as_ref()
                            .map(|c| cell(c.estimate[i] * m, c.low[i] * m, c.high[i] * m, 2))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            let head = format!(
                "{} % intervals from {} parameter draws (seed {})\n",
                num(100.0 * level, 0),
                iv.draws,
                a.seed
            );
            let notes: String = notes.iter().map(|n| format!("{n}\n")).collect();
            Ok(head
                + &notes
                + &render(
                    &[
                        "id",
                        "p_alive",
                        &format!("expected_{}", a.horizon),
                        "clv_12_months",
                    ],
                    &rows,
                ))
        }
    }
}
