//! Chart kinds. Each is a plain struct describing the chart, drawn into a
//! rectangle of an [`Svg`](super::svg::Svg) by its `draw` method, so a figure
//! can place several side by side.

mod axis;
pub mod bar;
pub mod heatmap;
pub mod line;

/// A rectangle of the page, in px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Area {
    /// A rectangle.
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self { x, y, w, h }
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// Draws `title` at the top of `area` in a row `height` px tall and returns the row's
/// height; an empty title (the page shows it above the drawing) takes no row, so what
/// follows moves up into it.
pub(crate) fn title_row(svg: &mut super::svg::Svg, area: Area, title: &str, height: f64) -> f64 {
    if title.is_empty() {
        return 0.0;
    }
    svg.text(
        area.x,
        area.y + 15.0,
        title,
        super::svg::TextStyle::new(14.0).bold(),
    );
    height
}
