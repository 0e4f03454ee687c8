//! One chart of the dashboard: its SVG and the same numbers as a table (the page's table
//! view and CSV download), plus the SVG helpers the dashboard's line and bar charts share.

use serde::Serialize;
use serde_json::Value;

use crate::plot::chart::bar::{Bar, BarChart};
use crate::plot::chart::line::{LineChart, Series};
use crate::plot::chart::Area;
use crate::plot::svg::Svg;

/// A chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Stable id (`nps-over-time`, …).
    pub id: &'static str,
    /// Title.
    pub title: String,
    /// One sentence with the headline number.
    pub summary: String,
    /// The SVG document.
    pub svg: String,
    /// The numbers.
    pub table: Table,
}

/// A table: column names and rows of numbers, text or null.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, one cell per column.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// A table with these columns and no rows.
    pub fn new(columns: &[&str]) -> Table {
        Table {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<Value>) {
        self.rows.push(cells);
    }
}

/// A number cell (non-finite numbers become null).
pub fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// An optional number cell.
pub fn opt(v: Option<f64>) -> Value {
    v.map_or(Value::Null, num)
}

/// A line chart document. The page shows the chart's title and summary above it (in the
/// page's type, readable at any width), so the drawing carries its title only as its
/// accessible name (`<title>`), not drawn a second time.
pub fn line_svg(
    title: &str,
    x_title: &str,
    y_title: &str,
    series: Vec<Series>,
    x_ticks: Option<Vec<(f64, String)>>,
) -> String {
    let (w, h) = (900.0, 334.0);
    let mut svg = Svg::new(w, h, title);
    let chart = LineChart {
        title: "",
        x_title,
        y_title,
        series,
        x_ticks,
        x_range: None,
        marker: None,
    };
    chart.draw(&mut svg, Area::new(12.0, 10.0, w - 24.0, h - 20.0));
    svg.finish()
}

/// A horizontal bar chart document; `bars` are `(label, value, note)`. Its title is the
/// accessible name only, as in [`line_svg`].
pub fn bar_svg(title: &str, x_title: &str, bars: Vec<(String, f64, String)>) -> String {
    let n = bars.len().max(1) as f64;
    let h = 100.0 + 36.0 * n;
    let mut svg = Svg::new(900.0, h, title);
    let chart = BarChart {
        title: "",
        x_title,
        bars: bars
            .into_iter()
            .map(|(label, value, note)| Bar {
                label,
                value,
                note,
                highlight: false,
            })
            .collect(),
        highlight_note: "",
    };
    chart.draw(&mut svg, Area::new(12.0, 10.0, 876.0, h - 20.0));
    svg.finish()
}

/// Month index ticks: `(i, "YYYY-MM")`.
pub fn month_ticks(months: &[String]) -> Vec<(f64, String)> {
    let every = (months.len() / 12).max(1);
    months
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, m)| (i as f64, m.clone()))
        .collect()
}

/// A series of `(i, value)` points.
pub fn series(name: &str, colour: usize, points: Vec<(f64, f64)>, dashed: bool) -> Series {
    Series {
        name: name.to_owned(),
        points,
        colour: crate::plot::colour::SERIES[colour % crate::plot::colour::SERIES.len()],
        dashed,
        markers: !dashed,
    }
}
