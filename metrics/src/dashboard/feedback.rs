//! Feedback charts: NPS by month with its confidence band, CSAT and CES by month, and the
//! response rate per survey. Each month's numbers are [`crate::feedback::nps`], [`csat`]
//! and [`ces`] of that month's answers.
//!
//! Response rate: responses received since a survey's impressions were first counted,
//! divided by its impressions (how often the widget opened it), with a Wilson interval
//! ([`crate::experiment::Rate`]). A survey with no impressions recorded gets no rate and
//! says so.

use std::collections::BTreeMap;

use serde_json::json;

use super::chart::{bar_svg, line_svg, month_ticks, opt, series, Chart, Table};
use super::error::DashboardError;
use super::input::{Answer, DashboardData, SurveyCount};
use crate::data::date::format_day;
use crate::experiment::Rate;
use crate::feedback::{ces, csat, nps};

/// Confidence of the NPS band.
pub const CONFIDENCE: f64 = 0.95;

/// `YYYY-MM` of a Unix time in seconds.
pub fn month_of(seconds: i64) -> String {
    let day = format_day(seconds.div_euclid(86_400));
    day.get(..7).unwrap_or("").to_owned()
}

/// Values of one kind by month, oldest first.
pub fn by_month(answers: &[Answer<'_>], kind: &str) -> BTreeMap<String, Vec<f64>> {
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for a in answers.iter().filter(|a| a.kind == kind) {
        out.entry(month_of(a.at)).or_default().push(a.value);
    }
    out
}

/// The feedback charts.
pub fn charts(data: &DashboardData) -> Result<Vec<Chart>, DashboardError> {
    let answers = data.answers();
    Ok(vec![
        nps_chart(&answers)?,
        csat_chart(&answers),
        ces_chart(&answers),
        surveys_chart(data),
    ])
}

fn nps_chart(answers: &[Answer<'_>]) -> Result<Chart, DashboardError> {
    let months = by_month(answers, "nps");
    let all: Vec<f64> = months.values().flatten().copied().collect();
    let overall = nps(&all, CONFIDENCE)?;
    let mut table = Table::new(&[
        "month",
        "responses",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "ci_low",
        "ci_high",
    ]);
    let (mut score, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (month, values)) in months.iter().enumerate() {
        let n = nps(values, CONFIDENCE)?;
        let x = i as f64;
        if let (Some(s), Some(l), Some(h)) = (n.score, n.ci_low, n.ci_high) {
            score.push((x, s));
            low.push((x, l));
            high.push((x, h));
        }
        table.row(vec![
            json!(month),
            json!(n.responses),
            json!(n.promoters),
            json!(n.passives),
            json!(n.detractors),
            opt(n.score),
            opt(n.ci_low),
            opt(n.ci_high),
        ]);
    }
    let summary = match (overall.score, overall.ci_low, overall.ci_high) {
        (Some(s), Some(l), Some(h)) => format!(
            "NPS {s:.1} over {} responses (95% interval {l:.1} to {h:.1}); dashed lines: each month's 95% interval",
            overall.responses
        ),
        _ => "No NPS answers yet".to_owned(),
    };
    let labels: Vec<String> = months.keys().cloned().collect();
    let title = "NPS by month";
    Ok(Chart {
        id: "nps-over-time",
        title: title.into(),
        svg: line_svg(
            title,
            "month",
            "NPS",
            vec![
                series("NPS", 0, score, false),
                series("95% low", 1, low, true),
                series("95% high", 1, high, true),
            ],
            Some(month_ticks(&labels)),
        ),
        summary,
        table,
    })
}

fn csat_chart(answers: &[Answer<'_>]) -> Chart {
    let months = by_month(answers, "csat");
    let all: Vec<f64> = months.values().flatten().copied().collect();
    let overall = csat(&all);
    let mut table = Table::new(&["month", "responses", "satisfied", "csat_percent"]);
    let mut points = Vec::new();
    for (i, (month, values)) in months.iter().enumerate() {
        let c = csat(values);
        if let Some(p) = c.percent {
            points.push((i as f64, p));
        }
        table.row(vec![
            json!(month),
            json!(c.responses),
            json!(c.satisfied),
            opt(c.percent),
        ]);
    }
    let summary = match overall.percent {
        Some(p) => format!(
            "CSAT {p:.1}% satisfied (4 or 5 of 5) over {} responses",
            overall.responses
        ),
        None => "No CSAT answers yet".to_owned(),
    };
    let labels: Vec<String> = months.keys().cloned().collect();
    let title = "CSAT by month (% satisfied)";
    Chart {
        id: "csat",
        title: title.into(),
        svg: line_svg(
            title,
            "month",
            "% satisfied",
            vec![series("CSAT", 2, points, false)],
            Some(month_ticks(&labels)),
        ),
        summary,
        table,
    }
}

fn ces_chart(answers: &[Answer<'_>]) -> Chart {
    let months = by_month(answers, "ces");
    let all: Vec<f64> = months.values().flatten().copied().collect();
    let overall = ces(&all);
    let mut table = Table::new(&["month", "responses", "mean", "std_dev"]);
    let mut points = Vec::new();
    for (i, (month, values)) in months.iter().enumerate() {
        let c = ces(values);
        if let Some(m) = c.mean {
            points.push((i as f64, m));
        }
        table.row(vec![
            json!(month),
            json!(c.responses),
            opt(c.mean),
            opt(c.std_dev),
        ]);
    }
    let summary = match overall.mean {
        Some(m) => format!(
            "CES {m:.2} on average (1 easy to 7 hard) over {} responses",
            overall.responses
        ),
        None => "No CES answers yet (no survey asks a CES question)".to_owned(),
    };
    let labels: Vec<String> = months.keys().cloned().collect();
    let title = "CES by month (mean effort)";
    Chart {
        id: "ces",
        title: title.into(),
        svg: line_svg(
            title,
            "month",
            "mean effort",
            vec![series("CES", 3, points, false)],
            Some(month_ticks(&labels)),
        ),
        summary,
        table,
    }
}

/// The response rate of one survey (`None`: no impressions recorded).
pub fn survey_rate(s: &SurveyCount) -> Option<Rate> {
    let shown = s.shown.filter(|&n| n > 0)?;
    Some(Rate::new(
        s.responses_since.unwrap_or(s.responses),
        shown,
        CONFIDENCE,
    ))
}

/// `12.5%`.
fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn surveys_chart(data: &DashboardData) -> Chart {
    let mut table = Table::new(&[
        "survey",
        "name",
        "responses",
        "scored",
        "shown",
        "shown_since",
        "responses_since",
        "response_rate",
        "ci_low",
        "ci_high",
    ]);
    let mut bars = Vec::new();
    let (mut answered, mut shown, mut missing) = (0u64, 0u64, 0usize);
    for s in &data.surveys {
        let rate = survey_rate(s);
        let interval = rate.and_then(|r| r.interval);
        table.row(vec![
            json!(s.id),
            json!(s.name),
            json!(s.responses),
            json!(s.scored),
            json!(s.shown),
            json!(s.shown_since),
            json!(rate.map(|r| r.successes)),
            opt(rate.and_then(|r| r.rate)),
            opt(interval.map(|i| i.0)),
            opt(interval.map(|i| i.1)),
        ]);
        let label = s.name.clone().unwrap_or_else(|| s.id.clone());
        match (rate.and_then(|r| r.rate), interval) {
            (Some(p), Some((l, h))) => {
                answered += rate.map_or(0, |r| r.successes);
                shown += rate.map_or(0, |r| r.n);
                bars.push((
                    label,
                    p * 100.0,
                    format!("{} (95% {} to {})", pct(p), pct(l), pct(h)),
                ));
            }
            _ => {
                missing += 1;
                bars.push((
                    label,
                    0.0,
                    format!("no impressions recorded ({} responses)", s.responses),
                ));
            }
        }
    }
    let mut summary = match crate::experiment::proportions::wilson(answered, shown, CONFIDENCE) {
        Some((l, h)) => format!(
            "Response rate {} ({answered} responses of {shown} shown; 95% interval {} to {})",
            pct(answered as f64 / shown as f64),
            pct(l),
            pct(h)
        ),
        None => "No impressions recorded yet: no response rate".to_owned(),
    };
    if missing > 0 && shown > 0 {
        summary.push_str(&format!(
            "; {missing} of {} surveys have no impressions recorded",
            data.surveys.len()
        ));
    }
    let title = "Response rate per survey";
    Chart {
        id: "response-rate-per-survey",
        title: title.into(),
        svg: bar_svg(title, "% of times shown answered", bars),
        summary,
        table,
    }
}
