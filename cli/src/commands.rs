//! One function per subcommand: load, analyse, render as JSON or a table.
//! Notes the user should see (rows skipped, order lines merged, a fit at a
//! boundary, unscored questions) go to stderr, so stdout stays the result.

use std::ops::ControlFlow;
use std::time::Instant;

use rapport_metrics::clv::{historical_clv, HistoricalClvOptions};
use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
use rapport_metrics::data::date::format_day;
use rapport_metrics::data::{parse_survey_types, Orders, SkipReason, SkipReport};
use rapport_metrics::feedback::{feedback_report, Ces, Csat, FeedbackOptions, Nps};
use rapport_metrics::funnel::{funnel, FunnelOptions, FunnelUnit};
use rapport_metrics::models::clv::{
    customer_lifetime_value, ClvOptions, Customer, TransactionModel,
};
use rapport_metrics::models::compare::transaction_models;
use rapport_metrics::models::{
    bgbb, bgnbd, gamma_gamma, mbgnbd, pareto_nbd, FitError, FitInput, FitOptions, FitStatus,
    InputError, Monitor,
};
use rapport_metrics::rfm::{rfm, RfmOptions};
use rapport_metrics::summary::{summary, Period, Summary, SummaryOptions};
use serde_json::{json, Value};

use crate::args::{Args, Command, Output, UsageError};
use crate::load::{self, Amounts, Failure};
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

/// What the reader did beyond reading rows, on stderr: rows skipped, order
/// lines merged, exact duplicate lines dropped.
fn read_notes(r: &SkipReport) {
    if r.merged_lines > 0 {
        eprintln!(
            "note: {} order lines were added into their orders (rows sharing an order id)",
            r.merged_lines
        );
    }
    let duplicates = r.count(SkipReason::DuplicateRow);
    if duplicates > 0 {
        eprintln!("note: {duplicates} exact duplicate rows were left out");
    }
    let bad = r.total() - duplicates;
    if bad > 0 {
        eprintln!("note: {bad} rows were skipped (see \"skipped\")");
    }
}

/// Orders read with the flags' reader, notes printed.
fn read_orders(
    a: &Args,
    bytes: &[u8],
    amounts: Amounts,
) -> Result<rapport_metrics::data::Parsed<Orders>, Failure> {
    let p = load::orders(a, bytes, amounts)?;
    read_notes(&p.report);
    Ok(p)
}

/// Fit options from the flags; `--max-seconds` is a monitor stopping the fit.
fn fit_options(a: &Args) -> FitOptions {
    let started = Instant::now();
    let budget = a.max_seconds;
    let d = FitOptions::default();
    FitOptions {
        max_iterations: a.max_iterations.unwrap_or(d.max_iterations),
        accept_unconverged: a.accept_unconverged,
        monitor: Monitor::new(move |_| {
            if started.elapsed().as_secs_f64() > budget {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }),
        ..d
    }
}

/// A fit's failure: not converging is exit 3, anything else a data error.
fn fit_err(e: FitError) -> Failure {
    match e {
        FitError::NotConverged { .. } => Failure::NotConverged(format!(
            "{e}\nhint: --accept-unconverged prints the fit anyway; --max-seconds N allows more time"
        )),
        other => Failure::Data(other.to_string()),
    }
}

/// A fit at a boundary: say so, and (for the transaction models) which model
/// fits the data better, on stderr and under `"comparison"` in `fitted`. The
/// comparison's fits get a time budget of their own.
fn explain_boundary(fitted: &mut Value, input: Option<&FitInput>, a: &Args) {
    let Some(message) = fitted.pointer("/boundary/message").and_then(Value::as_str) else {
        return;
    };
    eprintln!("note: {message}");
    let model = fitted["model"].as_str().unwrap_or_default().to_string();
    let (Some(input), true) = (
        input,
        matches!(model.as_str(), "bgnbd" | "mbgnbd" | "pareto_nbd"),
    ) else {
        return;
    };
    let ll = fitted["log_likelihood"].as_f64().unwrap_or(f64::NAN);
    let opts = FitOptions {
        accept_unconverged: true,
        ..fit_options(a)
    };
    let cmp = transaction_models(input, &opts, &[(&model, ll, FitStatus::Boundary)]);
    eprintln!("note: {}", cmp.message);
    if let (Value::Object(o), Ok(c)) = (fitted, serde_json::to_value(&cmp)) {
        o.insert("comparison".into(), c);
    }
}

/// A summary-row input error named by customer id.
fn input_err(e: InputError, s: &Summary, ids: &[Box<str>]) -> Failure {
    let customer = e
        .row()
        .and_then(|row| s.customer.get(row))
        .and_then(|&c| ids.get(c as usize));
    match customer {
        Some(id) => Failure::Data(format!("customer {:?}: {e}", &**id)),
        None => Failure::Data(e.to_string()),
    }
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
    let p = read_orders(a, bytes, Amounts::Optional)?;
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
    let p = read_orders(a, bytes, Amounts::Optional)?;
    let s = build_summary(a, &p.data);
    let input = s
        .fit_input()
        .map_err(|e| input_err(e, &s, p.data.customer_ids()))?;
    Ok((input, Some(s), Some(p.data)))
}

fn fit_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let opts = fit_options(a);
    let model = a.model.as_deref().unwrap_or("");
    // The data's largest frequency and age, for `--plot`.
    let mut extent = None;
    let mut input = None;
    let value = match model {
        "gamma-gamma" => {
            if a.input_format.as_deref() == Some("summary") {
                return Err(UsageError(
                    "gamma-gamma needs orders (monetary values), not --input-format summary".into(),
                )
                .into());
            }
            let p = read_orders(a, bytes, Amounts::Required)?;
            let spend = build_summary(a, &p.data).spend_input().map_err(data_err)?;
            serde_json::to_value(gamma_gamma::fit(&spend, &opts).map_err(fit_err)?)
        }
        "bgnbd" | "mbgnbd" | "pareto-nbd" | "bgbb" => {
            let (fit_data, _, _) = fit_input(a, bytes)?;
            extent = Some(crate::plot::extent(&fit_data));
            let value = match model {
                "bgnbd" => serde_json::to_value(bgnbd::fit(&fit_data, &opts).map_err(fit_err)?),
                "mbgnbd" => serde_json::to_value(mbgnbd::fit(&fit_data, &opts).map_err(fit_err)?),
                "pareto-nbd" => {
                    serde_json::to_value(pareto_nbd::fit(&fit_data, &opts).map_err(fit_err)?)
                }
                _ => serde_json::to_value(bgbb::fit(&fit_data, &opts).map_err(fit_err)?),
            };
            input = Some(fit_data);
            value
        }
        other => {
            return Err(UsageError(format!(
                "--model: unknown model {other:?} (bgnbd, mbgnbd, pareto-nbd, gamma-gamma, bgbb)"
            ))
            .into())
        }
    };
    let mut value = value.map_err(data_err)?;
    explain_boundary(&mut value, input.as_ref(), a);
    if value["status"] == "not_converged" {
        eprintln!(
            "warning: the fit did not converge ({}); printed because of --accept-unconverged",
            value["stop"].as_str().unwrap_or("?")
        );
    }
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
            let status = value["status"].as_str().unwrap_or("?");
            let mut text = format!(
                "model {}  log-likelihood {:.2}  {status}\n",
                value["model"].as_str().unwrap_or(model),
                ll
            ) + &render(&["param", "value", "std_error"], &rows);
            for key in ["/boundary/message", "/comparison/message"] {
                if let Some(m) = value.pointer(key).and_then(Value::as_str) {
                    text.push_str(&format!("\n{m}\n"));
                }
            }
            Ok(text)
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
    let opts = fit_options(a);
    let name = a.model.as_deref().unwrap_or("bgnbd");
    let (model, mut fitted): (Box<dyn TransactionModel>, Value) = match name {
        "bgnbd" => {
            let f = bgnbd::fit(&input, &opts).map_err(fit_err)?;
            (
                Box::new(f.params),
                serde_json::to_value(&f).map_err(data_err)?,
            )
        }
        "mbgnbd" => {
            let f = mbgnbd::fit(&input, &opts).map_err(fit_err)?;
            (
                Box::new(f.params),
                serde_json::to_value(&f).map_err(data_err)?,
            )
        }
        "pareto-nbd" => {
            let f = pareto_nbd::fit(&input, &opts).map_err(fit_err)?;
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
    explain_boundary(&mut fitted, Some(&input), a);
    // Spend model: optional, since a data set may have too few repeat buyers
    // (or no amounts at all).
    let spend = s
        .spend_input()
        .ok()
        .and_then(|si| gamma_gamma::fit(&si, &opts).ok());
    if spend.is_none() {
        eprintln!("note: no spend model (no amounts, or too few repeat buyers with a positive spend): CLV is left out");
    }
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
    let p = read_orders(a, bytes, Amounts::Required)?;
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
    let p = read_orders(a, bytes, Amounts::Required)?;
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
    let p = read_orders(a, bytes, Amounts::Required)?;
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

/// A score for a table: the number, or "no answers".
fn score_cell(v: Option<f64>, dp: usize) -> String {
    v.map(|v| num(v, dp)).unwrap_or_else(|| "no answers".into())
}

fn nps_cells(n: &Nps, c: &Csat, e: &Ces) -> Vec<String> {
    vec![
        n.responses.to_string(),
        score_cell(n.score, 1),
        match (n.ci_low, n.ci_high) {
            (Some(lo), Some(hi)) => format!("[{lo:.1}, {hi:.1}]"),
            _ => "-".into(),
        },
        c.responses.to_string(),
        score_cell(c.percent, 1),
        e.responses.to_string(),
        score_cell(e.mean, 2),
    ]
}

fn nps_cmd(a: &Args, bytes: &[u8]) -> Result<String, Failure> {
    let p = load::answers(a, bytes)?;
    let mut opts = FeedbackOptions {
        survey: a.survey.clone(),
        question: a.question.clone(),
        confidence: a.confidence,
        ..Default::default()
    };
    if let Some(path) = &a.config {
        let text = load::read_input(path)?;
        opts.question_types =
            parse_survey_types(&text).map_err(|e| Failure::Data(format!("{path}: {e}")))?;
    }
    for (id, t) in &a.question_types {
        opts.question_types.insert(id.clone(), *t);
    }
    let r = feedback_report(&p.data, &opts).map_err(|e| Failure::Data(e.to_string()))?;
    if let (Some(q), false) = (&a.question, r.unscored.is_empty()) {
        return Err(Failure::Data(format!(
            "question {q:?} has no known type, so it cannot be scored\nhint: --question-type {q}=nps (or csat, ces), or --config with the site's configuration"
        )));
    }
    for w in &r.warnings {
        eprintln!("warning: {w}\nhint: --question-type ID=nps|csat|ces, or --config with the site's configuration");
    }
    match a.output {
        Output::Json => to_json(&json!({"feedback": r, "skipped": p.report})),
        Output::Table => {
            let header = [
                "week", "nps_n", "nps", "nps_ci", "csat_n", "csat_%", "ces_n", "ces",
            ];
            let mut rows =
                vec![[vec!["all".to_string()], nps_cells(&r.nps, &r.csat, &r.ces)].concat()];
            for w in &r.weekly {
                rows.push(
                    [
                        vec![w.week_start.clone()],
                        nps_cells(&w.nps, &w.csat, &w.ces),
                    ]
                    .concat(),
                );
            }
            let questions: Vec<Vec<String>> = r
                .questions
                .iter()
                .map(|q| {
                    vec![
                        q.survey.clone(),
                        q.question.clone(),
                        q.question_type.as_str().to_string(),
                        q.responses.to_string(),
                        score_cell(q.score, 2),
                    ]
                })
                .chain(r.unscored.iter().map(|u| {
                    vec![
                        u.survey.clone(),
                        u.question.clone(),
                        "unknown".into(),
                        u.answers.to_string(),
                        "not scored".into(),
                    ]
                }))
                .collect();
            Ok(render(&header, &rows)
                + "\n"
                + &render(
                    &["survey", "question", "type", "answers", "score"],
                    &questions,
                ))
        }
    }
}
