//! Colours: a sequential scale for heat maps (ColorBrewer "Blues", light for
//! low values, dark for high) and a categorical palette for series
//! (Okabe & Ito, distinguishable with the common colour-vision deficiencies).

/// Text and axis ink.
pub const INK: &str = "#222222";
/// Secondary text.
pub const MUTED: &str = "#666666";
/// Grid lines.
pub const GRID: &str = "#e6e6e6";
/// Axis lines.
pub const AXIS: &str = "#888888";
/// Cells without a value: a neutral grey, apart from the blues of the scale.
pub const EMPTY: &str = "#dcdcdc";

/// Series colours in the order they are used: blue, orange, green, purple, vermilion, sky.
pub const SERIES: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
];

/// ColorBrewer Blues, 9 classes, light to dark.
const BLUES: [(u8, u8, u8); 9] = [
    (0xf7, 0xfb, 0xff),
    (0xde, 0xeb, 0xf7),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x51, 0x9c),
    (0x08, 0x30, 0x6b),
];

/// The colour of `t` in [0, 1] (clamped; NaN counts as 0) on the sequential scale.
pub fn sequential(t: f64) -> String {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let pos = t * (BLUES.len() - 1) as f64;
    let i = (pos.floor() as usize).min(BLUES.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (BLUES[i], BLUES[i + 1]);
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// Text colour readable on [`sequential`]`(t)`.
pub fn text_on(t: f64) -> &'static str {
    if t > 0.55 {
        "#ffffff"
    } else {
        INK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_ends_and_clamps() {
        assert_eq!(sequential(0.0), "#f7fbff");
        assert_eq!(sequential(1.0), "#08306b");
        assert_eq!(sequential(7.0), "#08306b");
        assert_eq!(sequential(f64::NAN), "#f7fbff");
        assert_eq!(sequential(0.5), "#6baed6");
        assert_eq!(text_on(0.9), "#ffffff");
        assert_eq!(text_on(0.1), INK);
    }
}
