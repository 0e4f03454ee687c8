//! Retention charts: the monthly acquisition cohorts' heat map
//! ([`crate::cohort::cohort_matrix`]), the repeat-purchase rate with the pooled retention
//! curve, and the conversion funnel of an uploaded events CSV ([`crate::funnel::funnel`]).

use serde_json::json;

use super::chart::{line_svg, num, series, Chart, Table};
use super::error::DashboardError;
use super::DashboardOptions;
use crate::cohort::{cohort_matrix, CohortOptions, CohortPeriod};
use crate::data::Orders;
use crate::funnel::{funnel, FunnelOptions};
use crate::plot::cohorts_svg;

/// The cohort and repeat-purchase charts.
pub fn charts(orders: &Orders, end_day: i64) -> Vec<Chart> {
    let r = cohort_matrix(
        orders,
        &CohortOptions {
            by: CohortPeriod::Month,
            end_day: Some(end_day),
        },
    );
    let offsets = r.active.iter().map(Vec::len).max().unwrap_or(0);
    let mut columns = vec!["cohort".to_owned(), "customers".to_owned()];
    columns.extend((0..offsets).map(|k| format!("month_{k}")));
    let mut heat = Table {
        columns,
        rows: Vec::new(),
    };
    for (c, start) in r.cohort_start.iter().enumerate() {
        let size = r.size.get(c).copied().unwrap_or(0);
        let mut row = vec![json!(start), json!(size)];
        for k in 0..offsets {
            row.push(match r.active.get(c).and_then(|a| a.get(k)) {
                Some(&n) if size > 0 => num(n as f64 / size as f64),
                _ => serde_json::Value::Null,
            });
        }
        heat.row(row);
    }
    let m1 = r.retention.get(1).copied();
    let heat_summary = format!(
        "{} monthly cohorts, {} customers; {} of a cohort buys again in its second month (pooled)",
        r.cohort_start.len(),
        r.customers,
        m1.map_or("none".into(), |v| format!("{:.1}%", 100.0 * v))
    );
    let mut repeat = Table::new(&["months_after_acquisition", "retention", "survival"]);
    let mut ret = Vec::new();
    for (k, &v) in r.retention.iter().enumerate() {
        repeat.row(vec![
            json!(k),
            num(v),
            num(r.survival.get(k).copied().unwrap_or(f64::NAN)),
        ]);
        ret.push((k as f64, 100.0 * v));
    }
    let repeat_summary = format!(
        "Repeat-purchase rate {:.1}% (customers who bought again on a later day); churn {:.1}% a month",
        100.0 * r.repeat_purchase_rate,
        100.0 * r.churn_rate
    );
    let repeat_title = "Repeat purchases: share of a cohort buying k months after acquisition";
    vec![
        Chart {
            id: "cohort-retention",
            title: "Retention by monthly acquisition cohort".into(),
            svg: cohorts_svg(&r),
            summary: heat_summary,
            table: heat,
        },
        Chart {
            id: "repeat-purchase",
            title: repeat_title.into(),
            svg: line_svg(
                repeat_title,
                "months after acquisition",
                "% of cohort buying",
                vec![series("retention", 0, ret, false)],
                None,
            ),
            summary: repeat_summary,
            table: repeat,
        },
    ]
}

/// The funnel of the uploaded events (none without events).
pub fn funnel_chart(options: &DashboardOptions) -> Result<Option<Chart>, DashboardError> {
    let Some(events) = &options.events else {
        return Ok(None);
    };
    let steps = match options.funnel_steps.is_empty() {
        false => options.funnel_steps.clone(),
        true => steps_by_users(events),
    };
    let report = funnel(
        events,
        &FunnelOptions {
            steps,
            ..FunnelOptions::default()
        },
    )?;
    let mut table = Table::new(&[
        "step",
        "users",
        "conversion_from_start",
        "conversion_from_previous",
        "drop_off",
    ]);
    for s in &report.steps {
        table.row(vec![
            json!(s.name),
            json!(s.count),
            num(s.conversion_from_start),
            num(s.conversion_from_previous),
            json!(s.drop_off),
        ]);
    }
    let summary = match report.largest_drop.and_then(|i| report.steps.get(i)) {
        Some(s) => format!(
            "The largest drop is before {:?}: {:.1}% of the previous step continue",
            s.name,
            100.0 * s.conversion_from_previous
        ),
        None => "No drop between steps".into(),
    };
    Ok(Some(Chart {
        id: "funnel",
        title: "Conversion funnel (uploaded events)".into(),
        svg: crate::plot::funnel_svg(&report, "users"),
        summary,
        table,
    }))
}

/// The events' names, most distinct users first (a funnel narrows), at most six.
pub fn steps_by_users(events: &crate::data::Events) -> Vec<String> {
    let mut users: Vec<Vec<u32>> = vec![Vec::new(); events.event_names.len()];
    for (&e, &u) in events.event.iter().zip(&events.user) {
        if let Some(v) = users.get_mut(e as usize) {
            v.push(u);
        }
    }
    let mut counts: Vec<(usize, usize)> = users
        .into_iter()
        .enumerate()
        .map(|(e, mut v)| {
            v.sort_unstable();
            v.dedup();
            (e, v.len())
        })
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
        .into_iter()
        .take(6)
        .filter_map(|(e, _)| events.event_names.get(e).map(|n| n.to_string()))
        .collect()
}
