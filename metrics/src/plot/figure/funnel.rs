//! The funnel as horizontal bars: how many reached each step, their share of
//! the first step and of the previous one; the step after the largest drop in
//! the accent colour.

use crate::funnel::FunnelReport;
use crate::plot::chart::bar::{Bar, BarChart};
use crate::plot::chart::Area;
use crate::plot::scale::grouped;
use crate::plot::svg::Svg;

/// The funnel of `report` as an SVG document; `unit` names what is counted
/// ("users" or "sessions").
pub fn funnel_svg(report: &FunnelReport, unit: &str) -> String {
    let bars: Vec<Bar> = report
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| Bar {
            label: s.name.clone(),
            value: s.count as f64,
            note: if i == 0 {
                grouped(s.count as f64, 0)
            } else {
                format!(
                    "{} ({} of start, {} of previous)",
                    grouped(s.count as f64, 0),
                    super::percent(s.conversion_from_start),
                    super::percent(s.conversion_from_previous)
                )
            },
            highlight: report.largest_drop == Some(i),
        })
        .collect();
    let title = format!("Conversion funnel ({unit} reaching each step)");
    let x_title = unit.to_string();
    let chart = BarChart {
        title: &title,
        x_title: &x_title,
        bars,
        highlight_note: "step after the largest drop",
    };
    let h = 120.0 + 44.0 * report.steps.len().max(1) as f64;
    let mut svg = Svg::new(900.0, h, &title);
    chart.draw(&mut svg, Area::new(12.0, 10.0, 876.0, h - 20.0));
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funnel::FunnelStep;

    #[test]
    fn steps_shares_and_the_largest_drop() {
        let step = |name: &str, count, from_start, from_prev| FunnelStep {
            name: name.into(),
            count,
            conversion_from_start: from_start,
            conversion_from_previous: from_prev,
            drop_off: 0,
            median_seconds_from_previous: None,
        };
        let r = FunnelReport {
            steps: vec![
                step("view", 2000, 1.0, 1.0),
                step("cart", 300, 0.15, 0.15),
                step("buy", 150, 0.075, 0.5),
            ],
            largest_drop: Some(1),
            breakdown: Vec::new(),
        };
        let doc = funnel_svg(&r, "users");
        assert!(
            doc.contains("<title>cart: 300 (15% of start, 15% of previous)</title>"),
            "{doc}"
        );
        assert!(doc.contains("<title>buy: 150 (7.5% of start, 50% of previous)</title>"));
        assert!(doc.contains(">2,000</text>"));
        assert!(doc.contains(">step after the largest drop</text>"));
    }
}
