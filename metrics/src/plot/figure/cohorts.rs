//! The cohort retention heat map: one row per acquisition cohort, one column
//! per period since acquisition, each cell the share of the cohort that
//! bought in that period.

use crate::cohort::{CohortPeriod, CohortReport};
use crate::plot::chart::heatmap::HeatMap;
use crate::plot::chart::Area;
use crate::plot::colour::MUTED;
use crate::plot::svg::{Svg, TextStyle};

/// The retention heat map of `report` as an SVG document. Cohorts without
/// customers are left out. The colour scale spans the shares after the first
/// period (the first is 100 % by definition and is drawn at the darkest colour),
/// so later differences stay visible.
pub fn cohorts_svg(report: &CohortReport) -> String {
    let unit = match report.by {
        CohortPeriod::Month => "month",
        CohortPeriod::Week => "week",
    };
    let kept: Vec<usize> = (0..report.size.len())
        .filter(|&c| report.size[c] > 0)
        .collect();
    let width = kept
        .iter()
        .map(|&c| report.active[c].len())
        .max()
        .unwrap_or(0);
    let values: Vec<Vec<Option<f64>>> = kept
        .iter()
        .map(|&c| {
            (0..width)
                .map(|k| {
                    report.active[c]
                        .get(k)
                        .map(|&a| a as f64 / report.size[c] as f64)
                })
                .collect()
        })
        .collect();
    let later_max = values
        .iter()
        .flat_map(|row| row.iter().skip(1).flatten())
        .fold(0.0f64, |m, &v| m.max(v));
    let rows: Vec<String> = kept
        .iter()
        .map(|&c| {
            let start = &report.cohort_start[c];
            let name = if report.by == CohortPeriod::Month {
                start.get(..7).unwrap_or(start)
            } else {
                start.as_str()
            };
            format!("{name} (n={})", report.size[c])
        })
        .collect();
    let title = format!(
        "Retention by acquisition {unit}: share of each cohort buying n {unit}s after its first purchase"
    );
    let x_title = format!("{unit}s since first purchase");
    let map = HeatMap {
        title: &title,
        x_title: &x_title,
        y_title: "cohort",
        columns: (0..width).map(|k| format!("+{k}")).collect(),
        rows,
        values,
        range: Some((0.0, if later_max > 0.0 { later_max } else { 1.0 })),
        format: super::percent,
        legend_format: super::percent,
        legend_title: "bought",
        empty_note: Some("not observed yet"),
    };
    let cell_w = (920.0 / width.max(1) as f64).clamp(18.0, 56.0);
    let cell_h = if kept.len() <= 40 {
        22.0
    } else {
        (900.0 / kept.len() as f64).max(3.0)
    };
    let w = 240.0 + cell_w * width.max(1) as f64 + 120.0;
    let h = 30.0 + 46.0 + cell_h * kept.len().max(1) as f64 + 20.0;
    let (w, h) = (w.max(640.0), h.max(260.0));
    let h = h + 22.0;
    let mut svg = Svg::new(w, h, &title);
    let note = format!(
        "n: customers acquired. The colours span 0 to {}, the largest share after the first {unit} \
         (which is 100 % by definition and drawn darkest).",
        super::percent(later_max)
    );
    svg.text(10.0, h - 12.0, &note, TextStyle::new(11.0).fill(MUTED));
    map.draw(&mut svg, Area::new(10.0, 10.0, w - 20.0, h - 42.0));
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_non_empty_cohort_and_one_cell_per_observed_period() {
        let r = CohortReport {
            by: CohortPeriod::Month,
            cohort_start: vec![
                "2024-01-01".into(),
                "2024-02-01".into(),
                "2024-03-01".into(),
            ],
            size: vec![10, 0, 4],
            active: vec![vec![10, 3, 1], vec![0, 0], vec![4]],
            ..Default::default()
        };
        let doc = cohorts_svg(&r);
        assert!(
            doc.contains(
                "<title>cohort 2024-01 (n=10), months since first purchase +1: 30%</title>"
            ),
            "{doc}"
        );
        assert!(doc
            .contains("<title>cohort 2024-03 (n=4), months since first purchase +0: 100%</title>"));
        assert!(!doc.contains("2024-02"), "the empty cohort is left out");
        assert_eq!(doc.matches("<title>cohort").count(), 4);
    }
}
