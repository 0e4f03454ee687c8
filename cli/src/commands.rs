//! One function per subcommand: load, analyse, render as JSON or a table.

use rapport_metrics::clv::{historical_clv, HistoricalClvOptions};
use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
use rapport_metrics::data::date::format_day;
use rapport_metrics::data::{Orders, SkipReport};
use rapport_metrics::feedback::{feedback_report, FeedbackOptions};
use rapport_metrics::funnel::{funnel, FunnelOptions, FunnelUnit};
use rapport_metrics::models::clv::{
    customer_lifetime_value, ClvOptions, Customer, TransactionModel,
};
use rapport_metrics::models::{bgbb, bgnbd, gamma_gamma, mbgnbd, pareto_nbd, FitInput, FitOptions};
use rapport_metrics::rfm::{rfm, RfmOptions};
use rapport_metrics::summary::{summary, Period, Summary, SummaryOptions};
use serde_json::{json, Value};

use crate::args::{Args, Command, Output, UsageError};
use crate::load::{self, Failure};
use crate::table::{num, render};

/// Runs the command and returns what to print.
pub fn run(a: &Args) -> Result<String, Failure> {
    let bytes = load::read_input(&a.input)?;
    match a.command {
        Command::Summary => summary_cmd(a, &bytes),
        Command::Fit => fit_cmd(a, &bytes),
        Command::Predict => predict_cmd(a, &bytes),
        Command::Cohorts => cohorts_cmd(a, &bytes),
        Command::Funnel => funnel_cmd(a, &bytes),
        Command::Rfm => rfm_cmd(a, &bytes),
        Command::Clv => clv_cmd(a, &bytes),
        Command::Nps => nps_cmd(a, &bytes),
        Command::Validate => crate::validate::run(a, &bytes),
    }
}

pub(crate) fn data_err(e: impl std::fmt::Display) -> Failure {
    Failure::Data(e.to_string())
}

pub(crate) fn to_json(v: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(data_err)
}

pub(crate) fn skipped_note(r: &SkipReport) -> String {
    if r.total() == 0 {
        return String::new();
    }
    let parts: Vec<String> = r
        .skipped
        .iter()
        .map(|(k, c)| {
            format!(
                "{}: {} (first lines {:?})",
                serde_json::to_value(k)
                    .unwrap_or(Value::Null)
                    .as_str()
                    .unwrap_or("?"),
                c.count,
                c.first_lines
            )
        })
        .collect();
    format!(
        "\nskipped {} of {} rows — {}\n",
        r.total(),
        r.rows_read,
        parts.join("; ")
    )
}

pub(crate) fn build_summary(a: &Args, orders: &Orders) -> Summary {
    summary(
        orders,
        &SummaryOptions {
            period: a.period,
            end_day: a.end_day,
            decimals: None,
        },
    )
}

fn summary_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::orders(a, bytes)?;
    let s = build_summary(a, &p.data);
    let ids = p.data.customer_ids();
    match a.output {
        Output::Json => {
            let customers: Vec<Value> = (0..s.len())
                .map(|i| {
                    json!({"id": &*ids[s.customer[i] as usize], "frequency": s.frequency[i], "recency": s.recency[i],
                           "T": s.t[i], "monetaryValue": s.monetary_value[i]})
                })
                .collect();
            to_json(
                &json!({"period": s.period, "end": format_day(s.end_day), "customers": customers, "skipped": p.report}),
            )
        }
        Output::Table => {
            let rows: Vec<Vec<String>> = (0..s.len())
                .map(|i| {
                    vec![
                        ids[s.customer[i] as usize].to_string(),
                        num(s.frequency[i], 0),
                        num(s.recency[i], 2),
                        num(s.t[i], 2),
                        num(s.monetary_value[i], 2),
                    ]
                })
                .collect();
            Ok(render(
                &["id", "frequency", "recency", "T", "monetary_value"],
                &rows,
            ) + &skipped_note(&p.report))
        }
    }
}

/// The (x, t_x, T) input: from orders via the summary, or a summary CSV.
pub(crate) fn fit_input(
    a: &Args,
    bytes: &[u8],
) -> Result<(FitInput, Option<Summary>, Option<Orders>), Failure> {
    if a.input_format.as_deref() == Some("summary") {
        return Ok((load::summary_csv(bytes)?, None, None));
    }
    let p = load::orders(a, bytes)?;
    let s = build_summary(a, &p.data);
    let input = s.fit_input().map_err(data_err)?;
    Ok((input, Some(s), Some(p.data)))
}

fn fit_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let opts = FitOptions::default();
    let model = a.model.as_deref().unwrap_or("");
    // The data's largest frequency and age, for `--plot`.
    let mut extent = None;
    let value = match model {
        "gamma-gamma" => {
            if a.input_format.as_deref() == Some("summary") {
                return Err(UsageError(
                    "gamma-gamma needs orders (monetary values), not --input-format summary".into(),
                )
                .into());
            }
            let p = load::orders(a, bytes)?;
            let spend = build_summary(a, &p.data).spend_input().map_err(data_err)?;
            serde_json::to_value(gamma_gamma::fit(&spend, &opts).map_err(data_err)?)
        }
        "bgnbd" | "mbgnbd" | "pareto-nbd" | "bgbb" => {
            let (input, _, _) = fit_input(a, bytes)?;
            extent = Some(crate::plot::extent(&input));
            match model {
                "bgnbd" => serde_json::to_value(bgnbd::fit(&input, &opts).map_err(data_err)?),
                "mbgnbd" => serde_json::to_value(mbgnbd::fit(&input, &opts).map_err(data_err)?),
                "pareto-nbd" => {
                    serde_json::to_value(pareto_nbd::fit(&input, &opts).map_err(data_err)?)
                }
                _ => serde_json::to_value(bgbb::fit(&input, &opts).map_err(data_err)?),
            }
        }
        other => {
            return Err(UsageError(format!(
                "--model: unknown model {other:?} (bgnbd, mbgnbd, pareto-nbd, gamma-gamma, bgbb)"
            ))
            .into())
        }
    }
    .map_err(data_err)?;
    if let (Some(path), Some(extent)) = (&a.plot, extent) {
        crate::plot::fit(a, path, &value, extent)?;
    }
    match a.output {
        Output::Json => to_json(&value),
        Output::Table => {
            let mut rows = Vec::new();
            if let Some(Value::Object(params)) = value.get("params") {
                for (k, v) in params {
                    let se = value
                        .pointer(&format!("/std_errors/{k}"))
                        .and_then(Value::as_f64);
                    rows.push(vec![
                        k.clone(),
                        num(v.as_f64().unwrap_or(f64::NAN), 4),
                        se.map(|s| num(s, 4)).unwrap_or_default(),
                    ]);
                }
            }
            let ll = value
                .get("log_likelihood")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            Ok(format!(
                "model {}  log-likelihood {:.2}\n",
                value["model"].as_str().unwrap_or(model),
                ll
            ) + &render(&["param", "value", "std_error"], &rows))
        }
    }
}

fn predict_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    if a.input_format.as_deref() == Some("summary") {
        return Err(UsageError("predict needs orders, not --input-format summary".into()).into());
    }
    let (input, s, orders) = fit_input(a, bytes)?;
    let (Some(s), Some(orders)) = (s, orders) else {
        return Err(Failure::Data("no customers".into()));
    };
    if let Some(level) = a.intervals {
        return crate::intervals::predict(a, level, &input, &s, &orders);
    }
    let opts = FitOptions::default();
    let name = a.model.as_deref().unwrap_or("bgnbd");
    let (model, fitted): (Box<dyn TransactionModel>, Value) = match name {
        "bgnbd" => {
            let f = bgnbd::fit(&input, &opts).map_err(data_err)?;
            (
                Box::new(f.params),
                serde_json::to_value(&f).map_err(data_err)?,
            )
        }
        "mbgnbd" => {
            let f = mbgnbd::fit(&input, &opts).map_err(data_err)?;
            (
                Box::new(f.params),
                serde_json::to_value(&f).map_err(data_err)?,
            )
        }
        "pareto-nbd" => {
            let f = pareto_nbd::fit(&input, &opts).map_err(data_err)?;
            (
                Box::new(f.params),
                serde_json::to_value(&f).map_err(data_err)?,
            )
        }
        other => {
            return Err(UsageError(format!(
                "--model: predict supports bgnbd, mbgnbd, pareto-nbd, not {other:?}"
            ))
            .into())
        }
    };
    // Spend model: optional, since a data set may have too few repeat buyers.
    let spend = s
        .spend_input()
        .ok()
        .and_then(|si| gamma_gamma::fit(&si, &opts).ok());
    let units_per_month = match a.period {
        Period::Week => 4.345,
        Period::Day => 30.4375,
    };
    let clv_opts = ClvOptions {
        months: 12,
        units_per_month,
        monthly_discount: a.discount,
    };
    let ids = orders.customer_ids();
    let mut rows = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        let (x, tx, t) = (s.frequency[i], s.recency[i], s.t[i]);
        let alive = model.p_alive(x, tx, t).map_err(data_err)?;
        let expected = model
            .conditional_expected_purchases(a.horizon, x, tx, t)
            .map_err(data_err)?;
        let clv = match &spend {
            Some(g) => Some(
                customer_lifetime_value(
                    model.as_ref(),
                    &g.params,
                    &Customer {
                        x,
                        t_x: tx,
                        t,
                        zbar: s.monetary_value[i],
                    },
                    &clv_opts,
                )
                .map_err(data_err)?
                    * a.margin,
            ),
            None => None,
        };
        rows.push((
            ids[s.customer[i] as usize].to_string(),
            alive,
            expected,
            clv,
        ));
    }
    match a.output {
        Output::Json => {
            let customers: Vec<Value> = rows
                .iter()
                .map(|(id, p, e, c)| json!({"id": id, "pAlive": p, "expectedPurchases": e, "clv12Months": c}))
                .collect();
            to_json(
                &json!({"model": fitted, "spendModel": spend, "horizon": a.horizon, "period": a.period, "customers": customers}),
            )
        }
        Output::Table => {
            let t: Vec<Vec<String>> = rows
                .iter()
                .map(|(id, p, e, c)| {
                    vec![
                        id.clone(),
                        num(*p, 4),
                        num(*e, 4),
                        c.map(|c| num(c, 2)).unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(render(
                &[
                    "id",
                    "p_alive",
                    &format!("expected_{}", a.horizon),
                    "clv_12_months",
                ],
                &t,
            ))
        }
    }
}

fn cohorts_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::orders(a, bytes)?;
    let r = cohort_matrix(
        &p.data,
        &CohortOptions {
            by: a.by,
            end_day: a.end_day,
        },
    );
    if let Some(path) = &a.plot {
        crate::plot::write(path, &rapport_metrics::plot::cohorts_svg(&r))?;
    }
    match a.output {
        Output::Json => to_json(&json!({"cohorts": r, "skipped": p.report})),
        Output::Table => {
            let width = r.size.len();
            let mut header = vec!["cohort".to_string(), "size".to_string()];
            header.extend((0..width).map(|k| format!("+{k}")));
            let rows: Vec<Vec<String>> = (0..width)
                .map(|c| {
                    let mut row = vec![r.cohort_start[c].clone(), r.size[c].to_string()];
                    row.extend(r.active[c].iter().map(|&x| {
                        if r.size[c] == 0 {
                            "-".to_string()
                        } else {
                            format!("{:.1}%", 100.0 * x as f64 / r.size[c] as f64)
                        }
                    }));
                    row
                })
                .collect();
            let h: Vec<&str> = header.iter().map(String::as_str).collect();
            Ok(render(&h, &rows)
                + &format!(
                    "\ncustomers {}  repeat-purchase rate {:.1}%  churn per period {:.1}%\n",
                    r.customers,
                    100.0 * r.repeat_purchase_rate,
                    100.0 * r.churn_rate
                )
                + &skipped_note(&p.report))
        }
    }
}

fn funnel_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::events(a, bytes)?;
    let opts = FunnelOptions {
        steps: a.steps.clone(),
        window_seconds: a.window_seconds,
        unit: if a.per_session {
            FunnelUnit::Session
        } else {
            FunnelUnit::User
        },
        breakdown: a.breakdown,
    };
    let r = funnel(&p.data, &opts).map_err(|e| Failure::Usage(UsageError(e.to_string())))?;
    if let Some(path) = &a.plot {
        let unit = if a.per_session { "sessions" } else { "users" };
        crate::plot::write(path, &rapport_metrics::plot::funnel_svg(&r, unit))?;
    }
    match a.output {
        Output::Json => to_json(&json!({"funnel": r, "skipped": p.report})),
        Output::Table => {
            let rows: Vec<Vec<String>> = r
                .steps
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.count.to_string(),
                        format!("{:.1}%", 100.0 * s.conversion_from_start),
                        format!("{:.1}%", 100.0 * s.conversion_from_previous),
                        s.drop_off.to_string(),
                        s.median_seconds_from_previous
                            .map(|m| num(m, 0))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            let drop = r
                .largest_drop
                .map(|i| format!("\nlargest drop: before {:?}\n", r.steps[i].name))
                .unwrap_or_default();
            Ok(render(
                &[
                    "step",
                    "count",
                    "from_start",
                    "from_previous",
                    "drop_off",
                    "median_s",
                ],
                &rows,
            ) + &drop
                + &skipped_note(&p.report))
        }
    }
}

fn rfm_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::orders(a, bytes)?;
    let r = rfm(&p.data, &RfmOptions { end_day: a.end_day });
    let ids = p.data.customer_ids();
    match a.output {
        Output::Json => {
            let customers: Vec<Value> = (0..r.customer.len())
                .map(|i| {
                    json!({"id": &*ids[r.customer[i] as usize], "recencyDays": r.recency_days[i], "frequency": r.frequency[i],
                           "monetary": r.monetary[i], "r": r.r[i], "f": r.f[i], "m": r.m[i], "segment": r.segment[i]})
                })
                .collect();
            let segments: serde_json::Map<String, Value> = r
                .segment_counts()
                .into_iter()
                .map(|(s, n)| {
                    (
                        serde_json::to_value(s)
                            .ok()
                            .and_then(|v| v.as_str().map(String::from))
                            .unwrap_or_default(),
                        json!(n),
                    )
                })
                .collect();
            to_json(&json!({"segments": segments, "customers": customers, "skipped": p.report}))
        }
        Output::Table => {
            let rows: Vec<Vec<String>> = r
                .segment_counts()
                .into_iter()
                .map(|(s, n)| vec![s.label().to_string(), n.to_string()])
                .collect();
            Ok(render(&["segment", "customers"], &rows) + &skipped_note(&p.report))
        }
    }
}

fn clv_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::orders(a, bytes)?;
    let opts = HistoricalClvOptions {
        margin: a.margin,
        churn_rate: a.churn,
        period_days: a.period_days,
        end_day: a.end_day,
    };
    let c =
        historical_clv(&p.data, &opts).map_err(|e| Failure::Usage(UsageError(e.to_string())))?;
    match a.output {
        Output::Json => to_json(&json!({
            "customers": c.customers, "orders": c.orders, "revenue": c.revenue,
            "averageOrderValue": c.average_order_value, "purchaseFrequency": c.purchase_frequency,
            "lifespanPeriods": c.lifespan_periods, "clv": c.clv, "periodDays": a.period_days, "skipped": p.report})),
        Output::Table => Ok(render(
            &[
                "customers",
                "orders",
                "revenue",
                "aov",
                "frequency",
                "lifespan",
                "clv",
            ],
            &[vec![
                c.customers.to_string(),
                c.orders.to_string(),
                num(c.revenue, 2),
                num(c.average_order_value, 2),
                num(c.purchase_frequency, 4),
                num(c.lifespan_periods, 2),
                num(c.clv, 2),
            ]],
        )),
    }
}

fn nps_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::answers(a, bytes)?;
    let mut opts = FeedbackOptions {
        survey: a.survey.clone(),
        confidence: a.confidence,
        ..Default::default()
    };
    if let Some(q) = &a.question {
        opts.nps_question = q.clone();
    }
    let r =
        feedback_report(&p.data, &opts).map_err(|e| Failure::Usage(UsageError(e.to_string())))?;
    match a.output {
        Output::Json => to_json(&json!({"feedback": r, "skipped": p.report})),
        Output::Table => {
            let n = &r.nps;
            let mut rows = vec![vec![
                "all".to_string(),
                n.responses.to_string(),
                num(n.score, 1),
                format!("[{:.1}, {:.1}]", n.ci_low, n.ci_high),
                num(r.csat.percent, 1),
                num(r.ces.mean, 2),
            ]];
            for w in &r.weekly {
                rows.push(vec![
                    w.week_start.clone(),
                    w.nps.responses.to_string(),
                    num(w.nps.score, 1),
                    format!("[{:.1}, {:.1}]", w.nps.ci_low, w.nps.ci_high),
                    num(w.csat.percent, 1),
                    num(w.ces.mean, 2),
                ]);
            }
            Ok(render(
                &["week", "nps_n", "nps", "ci", "csat_%", "ces"],
                &rows,
            ))
        }
    }
}
