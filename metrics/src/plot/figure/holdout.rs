//! The holdout validation figure: cumulative and weekly repeat purchases,
//! actual against the model, with the calibration end marked; and mean
//! holdout purchases by purchase count in calibration, actual against predicted.

use crate::holdout::HoldoutReport;
use crate::plot::chart::line::{LineChart, Series};
use crate::plot::chart::Area;
use crate::plot::colour::{MUTED, SERIES};
use crate::plot::scale::grouped;
use crate::plot::svg::{Svg, TextStyle};

/// Date ticks for the tracking panels: about eight week starts.
fn week_ticks(report: &HoldoutReport) -> Vec<(f64, String)> {
    let n = report.tracking.week_start.len();
    let every = n.div_ceil(8).max(1);
    report
        .tracking
        .week_start
        .iter()
        .enumerate()
        .filter(|(k, _)| k % every == 0)
        .map(|(k, d)| (k as f64, d.clone()))
        .collect()
}

fn pair(
    actual: Vec<(f64, f64)>,
    predicted: Vec<(f64, f64)>,
    model: &str,
    markers: bool,
) -> Vec<Series> {
    vec![
        Series {
            name: "actual".into(),
            points: actual,
            colour: SERIES[0],
            dashed: false,
            markers,
        },
        Series {
            name: format!("{model} prediction"),
            points: predicted,
            colour: SERIES[1],
            dashed: true,
            markers,
        },
    ]
}

/// The validation figure of `report` as an SVG document.
pub fn holdout_svg(report: &HoldoutReport) -> String {
    let t = &report.tracking;
    let model = report.fit.params().kind().label();
    let at = |values: &[f64]| -> Vec<(f64, f64)> {
        t.week_end
            .iter()
            .copied()
            .zip(values.iter().copied())
            .collect()
    };
    let x_range = Some((0.0, t.week_end.last().copied().unwrap_or(1.0)));
    let marker = Some((
        t.calibration_end,
        format!("calibration ends {}", report.calibration_end),
    ));
    let cumulative = LineChart {
        title: "Cumulative repeat purchases",
        x_title: "week (start date)",
        y_title: "repeat purchases",
        series: pair(
            at(&t.actual_cumulative),
            at(&t.predicted_cumulative),
            model,
            false,
        ),
        x_ticks: Some(week_ticks(report)),
        x_range,
        marker: marker.clone(),
    };
    let weekly = LineChart {
        title: "Repeat purchases per week",
        series: pair(at(&t.actual_weekly), at(&t.predicted_weekly), model, false),
        ..cumulative.clone()
    };
    let rows = &report.by_calibration_frequency;
    let by_frequency = LineChart {
        title: "Mean purchases in the holdout by repeat purchases in calibration",
        x_title: "repeat purchases in calibration",
        y_title: "mean purchases in holdout",
        series: pair(
            rows.iter()
                .enumerate()
                .map(|(i, r)| (i as f64, r.actual))
                .collect(),
            rows.iter()
                .enumerate()
                .map(|(i, r)| (i as f64, r.predicted))
                .collect(),
            model,
            true,
        ),
        x_ticks: Some(
            rows.iter()
                .enumerate()
                .map(|(i, r)| (i as f64, format!("{} (n={})", r.label, r.customers)))
                .collect(),
        ),
        x_range: Some((-0.3, rows.len().max(1) as f64 - 0.7)),
        marker: None,
    };
    let a = &report.accuracy;
    let title = format!(
        "{model} holdout validation: calibration {} to {}, holdout to {}",
        report.calibration_start, report.calibration_end, report.end
    );
    let summary = format!(
        "{} customers. Holdout repeat purchases: actual {}, predicted {}{}. Per customer: MAE {}, RMSE {}.",
        grouped(a.customers as f64, 0),
        grouped(a.actual_total, 0),
        grouped(a.predicted_total, 0),
        a.total_error
            .map(|e| format!(" ({}{:.1} %)", if e >= 0.0 { "+" } else { "−" }, 100.0 * e.abs()))
            .unwrap_or_default(),
        grouped(a.mae, 3),
        grouped(a.rmse, 3),
    );
    let (w, panel) = (960.0, 320.0);
    let h = 62.0 + 3.0 * panel + 10.0;
    let mut svg = Svg::new(w, h, &title);
    svg.text(12.0, 24.0, &title, TextStyle::new(16.0).bold());
    svg.text(12.0, 46.0, &summary, TextStyle::new(12.0).fill(MUTED));
    for (i, chart) in [cumulative, weekly, by_frequency].iter().enumerate() {
        chart.draw(
            &mut svg,
            Area::new(12.0, 62.0 + i as f64 * panel, w - 24.0, panel - 10.0),
        );
    }
    svg.finish()
}
