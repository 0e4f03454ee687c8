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
