//! Turns the core [`Theme`] into CSS custom properties on the host and classes on the
//! dialog.

use crate::prelude::*;

use crate::core::survey::{is_safe_css_value, ColorMode, Position, Theme};

/// Text colour on brand-coloured surfaces when white does not contrast enough.
const DARK_ON_BRAND: &str = "#111827";

/// `(property, value)` pairs for the host element: brand and on-brand text, the same two
/// for dark mode, radius, font. Unsafe or unparsable values are left out (an empty pair,
/// which the host skips), leaving the stylesheet defaults; a dark-mode brand colour that
/// cannot be read falls back to the brand colour. The stylesheet switches to the dark pair
/// where the dialog is dark. A fixed array: no vector code for six pairs.
pub fn host_vars(theme: &Theme) -> [(&'static str, &str); 6] {
    let mut vars = [("", ""); 6];
    let brand = theme.brand();
    // A parsed `#rgb` / `#rrggbb` is always a safe CSS value.
    if let Some(l) = luminance(brand) {
        vars[0] = ("--rapport-brand", brand);
        vars[1] = ("--rapport-on-brand", on_brand(l));
        vars[2] = ("--rapport-brand-dark", brand);
        vars[3] = ("--rapport-on-brand-dark", on_brand(l));
    }
    let dark = theme.brand_dark();
    if let Some(l) = luminance(dark) {
        vars[2] = ("--rapport-brand-dark", dark);
        vars[3] = ("--rapport-on-brand-dark", on_brand(l));
    }
    vars[4] = safe("--rapport-radius", theme.radius());
    vars[5] = safe("--rapport-font", theme.font());
    vars
}

/// `(name, value)`, or the empty pair the host skips when `value` is not safe CSS.
fn safe<'a>(name: &'static str, value: &'a str) -> (&'static str, &'a str) {
    if is_safe_css_value(value) {
        (name, value)
    } else {
        ("", "")
    }
}

/// Class list of the dialog: base, position and colour mode.
pub fn dialog_class(theme: &Theme) -> String {
    let mut class = String::from(match theme.position() {
        Position::BottomRight => "d br",
        Position::BottomLeft => "d bl",
        Position::TopRight => "d tr",
        Position::TopLeft => "d tl",
        Position::Center => "d c",
    });
    class.push_str(match theme.mode() {
        ColorMode::Light => "",
        ColorMode::Dark => " dark",
        ColorMode::System => " sys",
    });
    class
}

/// WCAG weights of the red, green and blue channels in the relative luminance.
const WEIGHTS: [f64; 3] = [0.2126, 0.7152, 0.0722];

/// WCAG relative luminance of a `#rgb` / `#rrggbb` colour; `None` for anything else.
fn luminance(color: &str) -> Option<f64> {
    // Bytes, not `strip_prefix('#')`: a `char` pattern pulls in UTF-8 encoding code.
    let [b'#', hex @ ..] = color.as_bytes() else {
        return None;
    };
    let digit = |i: usize| match *hex.get(i)? {
        b @ b'0'..=b'9' => Some(u32::from(b - b'0')),
        // ASCII letters in either case: `| 0x20` lowers them.
        b => match b | 0x20 {
            b @ b'a'..=b'f' => Some(u32::from(b - b'a' + 10)),
            _ => None,
        },
    };
    // Digits per channel: `#rgb` repeats each digit (`f` is `ff`).
    let width = match hex.len() {
        3 => 1,
        6 => 2,
        _ => return None,
    };
    let mut l = 0.0;
    for (i, weight) in WEIGHTS.iter().enumerate() {
        let first = width * i;
        let value = digit(first)? * 16 + digit(first + width - 1)?;
        // The sRGB transfer function of `c = value / 255`, with the division folded into
        // the constants: `c <= 0.04045` is `value <= 10` (0.04045 × 255 = 10.3), `c / 12.92`
        // is `value / 3294.6` and `(c + 0.055) / 1.055` is `(value + 14.025) / 269.025`.
        // (Checked against the unfolded form: the same text colour for all 16.7M colours.)
        let v = f64::from(value);
        let linear = if value <= 10 {
            v / 3294.6
        } else {
            // Math.pow from JS: Rust's powf would pull a software pow into the wasm.
            js_sys::Math::pow((v + 14.025) / 269.025, 2.4)
        };
        l += weight * linear;
    }
    Some(l)
}

/// White or near-black, whichever contrasts more with the brand colour.
/// `l` is its relative luminance.
fn on_brand(l: f64) -> &'static str {
    if l <= WHITE_MAX {
        "#fff"
    } else {
        DARK_ON_BRAND
    }
}

/// The brand luminance up to which white contrasts at least as much as [`DARK_ON_BRAND`]:
/// `1.05 / (l + 0.05) >= (l + 0.05) / (d + 0.05)` with `d = 0.009_189_219_295_824_108`, the
/// dark text's luminance, solved for `l`: `sqrt(1.05 × (d + 0.05)) − 0.05`. (Checked against
/// the two contrast ratios for all 16.7M colours: the same choice; the nearest colour is
/// 7e-9 away from the limit, far beyond rounding.)
const WHITE_MAX: f64 = 0.199_296_370_331_810_75;
