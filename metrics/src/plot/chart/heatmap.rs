//! Heat map: a grid of cells coloured by value on the sequential scale, with
//! row and column labels, axis titles and a colour legend. Cells show their
//! value when there is room, and always on hover.

use super::axis::{LABEL, TICK};
use super::Area;
use crate::plot::colour::{self, EMPTY, MUTED};
use crate::plot::scale::{nice_step, Linear};
use crate::plot::svg::{text_width, Anchor, Svg, TextStyle};

/// Width of the legend's colour bar.
const LEGEND_BAR: f64 = 14.0;

/// A heat map.
#[derive(Debug, Clone)]
pub struct HeatMap<'a> {
    /// Title above the grid.
    pub title: &'a str,
    /// Title of the horizontal axis (the columns).
    pub x_title: &'a str,
    /// Title of the vertical axis (the rows).
    pub y_title: &'a str,
    /// Column labels, left to right.
    pub columns: Vec<String>,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// `values[row][column]`; None leaves the cell empty.
    pub values: Vec<Vec<Option<f64>>>,
    /// Values mapped to the lightest and darkest colours (clamped beyond);
    /// None: the smallest and largest value.
    pub range: Option<(f64, f64)>,
    /// How a value is written in cells and hover texts.
    pub format: fn(f64) -> String,
    /// How the legend's round tick values are written.
    pub legend_format: fn(f64) -> String,
    /// Title of the colour legend.
    pub legend_title: &'a str,
    /// What an empty cell means, shown under the legend (e.g. "not observed yet").
    pub empty_note: Option<&'a str>,
}

impl HeatMap<'_> {
    fn value_range(&self) -> (f64, f64) {
        if let Some(r) = self.range {
            return r;
        }
        let (lo, hi) = self
            .values
            .iter()
            .flatten()
            .flatten()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        if lo.is_finite() {
            (lo, hi)
        } else {
            (0.0, 1.0)
        }
    }

    /// Draws the heat map into `area`.
    pub fn draw(&self, svg: &mut Svg, area: Area) {
        let (lo, hi) = self.value_range();
        let share = |v: f64| {
            if hi > lo {
                (v - lo) / (hi - lo)
            } else {
                0.5
            }
        };
        svg.text(
            area.x,
            area.y + 15.0,
            self.title,
            TextStyle::new(14.0).bold(),
        );
        let row_label_w = self
            .rows
            .iter()
            .map(|r| text_width(r, TICK))
            .fold(0.0, f64::max);
        let legend_labels: Vec<String> = legend_ticks(lo, hi)
            .iter()
            .map(|&v| (self.legend_format)(v))
            .collect();
        let widest_tick = legend_labels
            .iter()
            .map(|l| text_width(l, TICK))
            .fold(0.0, f64::max);
        let note_w = self
            .empty_note
            .map_or(0.0, |n| LEGEND_BAR + 6.0 + text_width(n, TICK));
        let legend_w = (LEGEND_BAR + 8.0 + widest_tick)
            .max(text_width(self.legend_title, TICK))
            .max(note_w);
        let grid = Area::new(
            area.x + 22.0 + row_label_w + 6.0,
            area.y + 30.0,
            (area.w - 22.0 - row_label_w - 6.0 - 24.0 - legend_w).max(10.0),
            (area.h - 30.0 - 46.0).max(10.0),
        );
        let (nr, nc) = (self.rows.len().max(1), self.columns.len().max(1));
        let (cw, ch) = (grid.w / nc as f64, grid.h / nr as f64);
        let cell_text = TextStyle::new(10.0).anchor(Anchor::Middle);
        let widest_value = self
            .values
            .iter()
            .flatten()
            .flatten()
            .map(|&v| text_width(&(self.format)(v), 10.0))
            .fold(0.0, f64::max);
        let show_values = cw >= widest_value + 4.0 && ch >= 14.0;
        for (r, row) in self.values.iter().enumerate() {
            for (c, v) in row.iter().enumerate().take(nc) {
                let (x, y) = (grid.x + c as f64 * cw, grid.y + r as f64 * ch);
                let label = |v: &str| {
                    format!(
                        "{} {}, {} {}: {v}",
                        self.y_title,
                        self.rows.get(r).map_or("", String::as_str),
                        self.x_title,
                        self.columns.get(c).map_or("", String::as_str)
                    )
                };
                match v.filter(|v| v.is_finite()) {
                    Some(v) => {
                        let t = share(v);
                        let text = (self.format)(v);
                        svg.rect(
                            x,
                            y,
                            cw + 0.3,
                            ch + 0.3,
                            &colour::sequential(t),
                            Some(&label(&text)),
                        );
                        if show_values {
                            svg.text(
                                x + cw / 2.0,
                                y + ch / 2.0 + 3.5,
                                &text,
                                cell_text.fill(colour::text_on(t)),
                            );
                        }
                    }
                    None => svg.rect(x, y, cw + 0.3, ch + 0.3, EMPTY, None),
                }
            }
        }
        svg.frame(grid.x, grid.y, grid.w, grid.h, colour::AXIS);
        // Row labels, thinned to one per 13 px.
        let every = (13.0 / ch).ceil().max(1.0) as usize;
        for (r, label) in self.rows.iter().enumerate() {
            if r % every == 0 {
                svg.text(
                    grid.x - 6.0,
                    grid.y + (r as f64 + 0.5) * ch + 4.0,
                    label,
                    TextStyle::new(TICK).anchor(Anchor::End).fill(MUTED),
                );
            }
        }
        // Column labels, thinned so they do not overlap.
        let widest = self
            .columns
            .iter()
            .map(|c| text_width(c, TICK))
            .fold(0.0, f64::max);
        let every = ((widest + 6.0) / cw).ceil().max(1.0) as usize;
        for (c, label) in self.columns.iter().enumerate() {
            if c % every == 0 {
                svg.text(
                    grid.x + (c as f64 + 0.5) * cw,
                    grid.bottom() + 16.0,
                    label,
                    TextStyle::new(TICK).anchor(Anchor::Middle).fill(MUTED),
                );
            }
        }
        svg.text(
            grid.x + grid.w / 2.0,
            grid.bottom() + 36.0,
            self.x_title,
            TextStyle::new(LABEL).anchor(Anchor::Middle),
        );
        svg.text(
            area.x + 12.0,
            grid.y + grid.h / 2.0,
            self.y_title,
            TextStyle::new(LABEL).anchor(Anchor::Middle).vertical(),
        );
        self.legend(
            svg,
            Area::new(grid.right() + 24.0, grid.y, legend_w, grid.h),
            lo,
            hi,
        );
    }

    /// A vertical colour bar, dark (high) at the top, with ticks.
    fn legend(&self, svg: &mut Svg, area: Area, lo: f64, hi: f64) {
        let bar = Area::new(
            area.x,
            area.y + 16.0,
            LEGEND_BAR,
            (area.h - 16.0).clamp(40.0, 220.0),
        );
        svg.text(
            area.x,
            area.y + 8.0,
            self.legend_title,
            TextStyle::new(TICK),
        );
        let steps = 48;
        let h = bar.h / steps as f64;
        for i in 0..steps {
            let t = 1.0 - (i as f64 + 0.5) / steps as f64;
            svg.rect(
                bar.x,
                bar.y + i as f64 * h,
                bar.w,
                h + 0.3,
                &colour::sequential(t),
                None,
            );
        }
        svg.frame(bar.x, bar.y, bar.w, bar.h, colour::AXIS);
        let scale = Linear::new((lo, hi), (bar.bottom(), bar.y));
        for v in legend_ticks(lo, hi) {
            let y = scale.map(v);
            svg.line(
                (bar.right(), y),
                (bar.right() + 4.0, y),
                colour::AXIS,
                1.0,
                false,
            );
            svg.text(
                bar.right() + 7.0,
                y + 4.0,
                &(self.legend_format)(v),
                TextStyle::new(TICK).fill(MUTED),
            );
        }
        if let Some(note) = self.empty_note {
            let y = bar.bottom() + 14.0;
            svg.rect(bar.x, y, LEGEND_BAR, 10.0, EMPTY, None);
            svg.frame(bar.x, y, LEGEND_BAR, 10.0, colour::AXIS);
            svg.text(
                bar.right() + 6.0,
                y + 9.0,
                note,
                TextStyle::new(TICK).fill(MUTED),
            );
        }
    }
}

/// Round values within [lo, hi] for the legend (both ends when nothing rounder fits).
fn legend_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let step = nice_step(hi - lo, 4);
    let first = (lo / step).ceil() * step;
    let ticks: Vec<f64> = (0..)
        .map(|i| first + f64::from(i) * step)
        .take_while(|v| *v <= hi + step * 1e-9)
        .collect();
    if ticks.len() >= 2 {
        ticks
    } else {
        vec![lo, hi]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(v: f64) -> String {
        format!("{:.0}%", 100.0 * v)
    }

    #[test]
    fn cells_legend_and_labels_are_drawn() {
        let map = HeatMap {
            title: "Retention & <more>",
            x_title: "Month",
            y_title: "Cohort",
            columns: vec!["+0".into(), "+1".into()],
            rows: vec!["2024-01".into(), "2024-02".into()],
            values: vec![vec![Some(1.0), Some(0.25)], vec![Some(1.0), None]],
            range: Some((0.0, 1.0)),
            format: percent,
            legend_format: percent,
            legend_title: "active",
            empty_note: Some("not observed"),
        };
        let mut svg = Svg::new(500.0, 300.0, "t");
        map.draw(&mut svg, Area::new(0.0, 0.0, 500.0, 300.0));
        let doc = svg.finish();
        assert!(doc.contains("Retention &amp; &lt;more&gt;"));
        assert!(
            doc.contains("<title>Cohort 2024-01, Month +1: 25%</title>"),
            "{doc}"
        );
        assert!(doc.contains(">25%</text>"));
        assert!(
            doc.contains(&format!("fill=\"{EMPTY}\"")),
            "the missing cell is empty"
        );
        assert_eq!(doc.matches("<title>Cohort").count(), 3);
        assert!(
            doc.contains(">100%</text>") && doc.contains(">0%</text>"),
            "legend ends"
        );
        assert!(doc.contains(">not observed</text>"));
    }

    #[test]
    fn legend_ticks_stay_in_range() {
        let t = legend_ticks(0.0, 1.0);
        assert_eq!(t.len(), 6);
        assert!(t
            .iter()
            .zip([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
            .all(|(a, b)| (a - b).abs() < 1e-12));
        let t = legend_ticks(0.013, 0.37);
        assert!(
            t.iter().all(|v| (0.013..=0.37).contains(v)) && t.len() >= 2,
            "{t:?}"
        );
        assert_eq!(legend_ticks(2.0, 2.0), [2.0]);
    }
}
