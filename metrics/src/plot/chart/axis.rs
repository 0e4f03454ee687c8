//! Axes shared by the line and bar charts: grid lines, ticks, tick labels and
//! axis titles around a plot rectangle.

use super::Area;
use crate::plot::colour::{AXIS, GRID, MUTED};
use crate::plot::scale::Linear;
use crate::plot::svg::{Anchor, Svg, TextStyle};

/// Tick labels' font size.
pub(crate) const TICK: f64 = 11.0;
/// Axis titles' font size.
pub(crate) const LABEL: f64 = 12.0;

/// A vertical value axis at the plot's left edge, with horizontal grid lines.
pub(crate) fn y_axis(
    svg: &mut Svg,
    plot: Area,
    scale: &Linear,
    ticks: &[(f64, String)],
    title: &str,
) {
    for (v, label) in ticks {
        let y = scale.map(*v);
        svg.line((plot.x, y), (plot.right(), y), GRID, 1.0, false);
        svg.text(
            plot.x - 6.0,
            y + 4.0,
            label,
            TextStyle::new(TICK).anchor(Anchor::End).fill(MUTED),
        );
    }
    svg.line((plot.x, plot.y), (plot.x, plot.bottom()), AXIS, 1.0, false);
    let widest = ticks
        .iter()
        .map(|(_, l)| crate::plot::svg::text_width(l, TICK))
        .fold(0.0, f64::max);
    svg.text(
        plot.x - widest - 14.0,
        plot.y + plot.h / 2.0,
        title,
        TextStyle::new(LABEL).anchor(Anchor::Middle).vertical(),
    );
}

/// A horizontal axis at the plot's bottom edge, with vertical grid lines
/// when `grid` is set.
pub(crate) fn x_axis(
    svg: &mut Svg,
    plot: Area,
    scale: &Linear,
    ticks: &[(f64, String)],
    title: &str,
    grid: bool,
) {
    for (v, label) in ticks {
        let x = scale.map(*v);
        if grid {
            svg.line((x, plot.y), (x, plot.bottom()), GRID, 1.0, false);
        }
        svg.line(
            (x, plot.bottom()),
            (x, plot.bottom() + 4.0),
            AXIS,
            1.0,
            false,
        );
        svg.text(
            x,
            plot.bottom() + 17.0,
            label,
            TextStyle::new(TICK).anchor(Anchor::Middle).fill(MUTED),
        );
    }
    svg.line(
        (plot.x, plot.bottom()),
        (plot.right(), plot.bottom()),
        AXIS,
        1.0,
        false,
    );
    svg.text(
        plot.x + plot.w / 2.0,
        plot.bottom() + 36.0,
        title,
        TextStyle::new(LABEL).anchor(Anchor::Middle),
    );
}
