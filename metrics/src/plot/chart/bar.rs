//! Horizontal bar chart: one labelled bar per category, top to bottom, with a
//! note after each bar (e.g. a count and its share) and a value axis below.

use super::axis::{x_axis, TICK};
use super::Area;
use crate::plot::colour::{MUTED, SERIES};
use crate::plot::scale::{nice_ticks, tick_label, Linear};
use crate::plot::svg::{text_width, Anchor, Svg, TextStyle};

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Category label, left of the bar.
    pub label: String,
    /// Length, in data units (≥ 0).
    pub value: f64,
    /// Text after the bar.
    pub note: String,
    /// Drawn in the accent colour.
    pub highlight: bool,
}

/// A horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart<'a> {
    /// Title above the bars.
    pub title: &'a str,
    /// Title of the value axis.
    pub x_title: &'a str,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
    /// What a highlighted bar means (shown under the title when one is).
    pub highlight_note: &'a str,
}

impl BarChart<'_> {
    /// Draws the chart into `area`.
    pub fn draw(&self, svg: &mut Svg, area: Area) {
        let head = super::title_row(svg, area, self.title, 30.0);
        let any_highlight = self.bars.iter().any(|b| b.highlight);
        if any_highlight {
            let y = area.y + head + 2.0;
            svg.rect(area.x, y - 9.0, 10.0, 10.0, SERIES[4], None);
            svg.text(
                area.x + 15.0,
                y,
                self.highlight_note,
                TextStyle::new(TICK).fill(MUTED),
            );
        }
        let label_w = self
            .bars
            .iter()
            .map(|b| text_width(&b.label, 12.0))
            .fold(0.0, f64::max)
            .min(area.w * 0.35);
        let note_w = self
            .bars
            .iter()
            .map(|b| text_width(&b.note, TICK))
            .fold(0.0, f64::max);
        let top = area.y + head + if any_highlight { 14.0 } else { 0.0 };
        let plot = Area::new(
            area.x + label_w + 10.0,
            top,
            (area.w - label_w - 10.0 - note_w - 16.0).max(20.0),
            (area.bottom() - 44.0 - top).max(10.0),
        );
        let max = self
            .bars
            .iter()
            .map(|b| b.value)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let ((x0, x1), ticks) = nice_ticks(0.0, max.max(1.0), 5);
        let step = ticks.get(1).map_or(1.0, |t| t - ticks[0]);
        let xs = Linear::new((x0, x1), (plot.x, plot.right()));
        let labelled: Vec<(f64, String)> =
            ticks.iter().map(|&v| (v, tick_label(v, step))).collect();
        x_axis(svg, plot, &xs, &labelled, self.x_title, true);
        let n = self.bars.len().max(1) as f64;
        let slot = plot.h / n;
        let thickness = (slot * 0.7).min(40.0);
        for (i, b) in self.bars.iter().enumerate() {
            let y = plot.y + i as f64 * slot + (slot - thickness) / 2.0;
            let v = if b.value.is_finite() {
                b.value.max(0.0)
            } else {
                0.0
            };
            let w = xs.map(v) - plot.x;
            let colour = if b.highlight { SERIES[4] } else { SERIES[0] };
            let hover = format!("{}: {}", b.label, b.note);
            svg.rect(plot.x, y, w, thickness, colour, Some(&hover));
            svg.text(
                plot.x - 8.0,
                y + thickness / 2.0 + 4.0,
                &b.label,
                TextStyle::new(12.0).anchor(Anchor::End),
            );
            svg.text(
                plot.x + w + 6.0,
                y + thickness / 2.0 + 4.0,
                &b.note,
                TextStyle::new(TICK).fill(MUTED),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_labels_and_notes_are_drawn() {
        let chart = BarChart {
            title: "Funnel",
            x_title: "Users",
            bars: vec![
                Bar {
                    label: "view".into(),
                    value: 1000.0,
                    note: "1,000 (100%)".into(),
                    highlight: false,
                },
                Bar {
                    label: "cart".into(),
                    value: 120.0,
                    note: "120 (12%)".into(),
                    highlight: true,
                },
            ],
            highlight_note: "largest drop",
        };
        let mut svg = Svg::new(600.0, 240.0, "t");
        chart.draw(&mut svg, Area::new(0.0, 0.0, 600.0, 240.0));
        let doc = svg.finish();
        assert!(doc.contains("<title>cart: 120 (12%)</title>"));
        assert!(doc.contains(">largest drop</text>"));
        assert_eq!(
            doc.matches(&format!("fill=\"{}\"", SERIES[4])).count(),
            2,
            "swatch + bar"
        );
        assert!(doc.contains(">1,000</text>"), "axis tick");
    }
}
