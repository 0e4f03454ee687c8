//! Line chart: one or more series over a shared x axis, with a legend, grid
//! lines, optional point markers and an optional labelled vertical marker
//! (e.g. where calibration ends).

use super::axis::{x_axis, y_axis, TICK};
use super::Area;
use crate::plot::colour::{INK, MUTED};
use crate::plot::scale::{nice_ticks, tick_label, Linear};
use crate::plot::svg::{text_width, Svg, TextStyle};

/// One line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// (x, y) points in data units, in drawing order; non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
    /// Stroke colour.
    pub colour: &'static str,
    /// Dashed instead of solid.
    pub dashed: bool,
    /// A dot on every point (with its value on hover).
    pub markers: bool,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart<'a> {
    /// Title above the plot.
    pub title: &'a str,
    /// Title of the x axis.
    pub x_title: &'a str,
    /// Title of the y axis.
    pub y_title: &'a str,
    /// The lines.
    pub series: Vec<Series>,
    /// Labelled x ticks at given positions; None: round numbers.
    pub x_ticks: Option<Vec<(f64, String)>>,
    /// The x range shown; None: the data's.
    pub x_range: Option<(f64, f64)>,
    /// A dashed vertical line at x with a label.
    pub marker: Option<(f64, String)>,
}

impl LineChart<'_> {
    fn extent(&self, axis: impl Fn(&(f64, f64)) -> f64) -> (f64, f64) {
        self.series
            .iter()
            .flat_map(|s| s.points.iter())
            .map(axis)
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    }

    /// Draws the chart into `area`.
    pub fn draw(&self, svg: &mut Svg, area: Area) {
        let head = super::title_row(svg, area, self.title, 24.0);
        let (ylo, yhi) = self.extent(|p| p.1);
        // Counts and rates: the y axis starts at zero unless data go below.
        let ((y0, y1), yt) = nice_ticks(ylo.min(0.0), yhi, 5);
        let y_step = yt.get(1).map_or(1.0, |t| t - yt[0]);
        let y_ticks: Vec<(f64, String)> = yt.iter().map(|&v| (v, tick_label(v, y_step))).collect();
        let widest = y_ticks
            .iter()
            .map(|(_, l)| text_width(l, TICK))
            .fold(0.0, f64::max);
        let plot = Area::new(
            area.x + widest + 30.0,
            area.y + head + 22.0,
            (area.w - widest - 30.0 - 12.0).max(10.0),
            (area.h - head - 22.0 - 44.0).max(10.0),
        );
        let (x0, x1) = self.x_range.unwrap_or_else(|| self.extent(|p| p.0));
        let (x0, x1) = if x0.is_finite() && x1 > x0 {
            (x0, x1)
        } else {
            (0.0, 1.0)
        };
        let xs = Linear::new((x0, x1), (plot.x, plot.right()));
        let ys = Linear::new((y0, y1), (plot.bottom(), plot.y));
        let x_ticks = self.x_ticks.clone().unwrap_or_else(|| {
            let (_, t) = nice_ticks(x0, x1, 8);
            let step = t.get(1).map_or(1.0, |v| v - t[0]);
            t.into_iter()
                .filter(|v| (x0..=x1).contains(v))
                .map(|v| (v, tick_label(v, step)))
                .collect()
        });
        y_axis(svg, plot, &ys, &y_ticks, self.y_title);
        x_axis(svg, plot, &xs, &x_ticks, self.x_title, false);
        if let Some((at, label)) = &self.marker {
            let x = xs.map(*at);
            svg.line((x, plot.y), (x, plot.bottom()), MUTED, 1.0, true);
            svg.text(
                x + 4.0,
                plot.y + 12.0,
                label,
                TextStyle::new(TICK).fill(MUTED),
            );
        }
        for s in &self.series {
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|&(x, y)| (xs.map(x), ys.map(y)))
                .collect();
            svg.polyline(&pts, s.colour, 2.0, s.dashed);
            if s.markers {
                for (&(px, py), &(x, y)) in pts.iter().zip(&s.points) {
                    if x.is_finite() && y.is_finite() {
                        let hover = format!("{}: {}", s.name, tick_label(y, 0.01));
                        svg.circle(px, py, 3.5, s.colour, Some(&hover));
                    }
                }
            }
        }
        self.legend(svg, Area::new(plot.x, area.y + head, plot.w, 16.0));
    }

    /// Swatches and names in one row.
    fn legend(&self, svg: &mut Svg, row: Area) {
        let mut x = row.x;
        let y = row.y + 8.0;
        for s in &self.series {
            svg.line((x, y), (x + 22.0, y), s.colour, 2.5, s.dashed);
            if s.markers {
                svg.circle(x + 11.0, y, 3.5, s.colour, None);
            }
            svg.text(x + 28.0, y + 4.0, &s.name, TextStyle::new(TICK).fill(INK));
            x += 28.0 + text_width(&s.name, TICK) + 18.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_legend_and_marker_are_drawn() {
        let chart = LineChart {
            title: "Repeat purchases",
            x_title: "Week",
            y_title: "Purchases",
            series: vec![
                Series {
                    name: "Actual".into(),
                    points: vec![(1.0, 10.0), (2.0, 25.0), (3.0, 31.0)],
                    colour: "#0072B2",
                    dashed: false,
                    markers: true,
                },
                Series {
                    name: "Model <BG/NBD>".into(),
                    points: vec![(1.0, 11.0), (2.0, 22.0), (3.0, f64::NAN)],
                    colour: "#E69F00",
                    dashed: true,
                    markers: false,
                },
            ],
            x_ticks: None,
            x_range: None,
            marker: Some((2.0, "calibration end".into())),
        };
        let mut svg = Svg::new(600.0, 300.0, "t");
        chart.draw(&mut svg, Area::new(0.0, 0.0, 600.0, 300.0));
        let doc = svg.finish();
        assert_eq!(doc.matches("<polyline").count(), 2);
        assert_eq!(
            doc.matches("<title>Actual: ").count(),
            3,
            "one hover per marker"
        );
        assert!(doc.contains("Model &lt;BG/NBD&gt;"));
        assert!(doc.contains(">calibration end</text>"));
        assert!(doc.contains(">Purchases</text>") && doc.contains(">Week</text>"));
        assert!(
            doc.contains(">35</text>"),
            "the y axis reaches a round number above 31"
        );
    }
}
