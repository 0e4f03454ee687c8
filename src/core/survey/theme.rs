//! Visual theme of the widget: brand colour (and its dark-mode variant), radius, font,
//! position and colour mode.

use crate::prelude::*;

/// Where the widget sits on the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Position {
    /// Bottom right corner (the default).
    #[default]
    BottomRight,
    /// Bottom left corner.
    BottomLeft,
    /// Top right corner.
    TopRight,
    /// Top left corner.
    TopLeft,
    /// Centred modal.
    Center,
}

/// Light, dark, or following `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorMode {
    /// Always light.
    Light,
    /// Always dark.
    Dark,
    /// Follow the visitor's system preference (the default).
    #[default]
    System,
}

/// The theme. Every field is optional so that an inline `config` command can override one
/// field at a time (see [`Theme::merge`]); the accessors supply the defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Theme {
    /// CSS colour for buttons and highlights (`--rapport-brand`).
    pub brand: Option<String>,
    /// CSS colour for buttons and highlights in dark mode (`--rapport-brand-dark`): used when
    /// the widget is dark (`mode: "dark"`, or `"system"` under `prefers-color-scheme: dark`).
    /// The brand colour when unset; with neither set, [`Theme::DEFAULT_BRAND_DARK`].
    pub brand_dark: Option<String>,
    /// CSS length for corner radius (`--rapport-radius`).
    pub radius: Option<String>,
    /// CSS font-family list (`--rapport-font`).
    pub font: Option<String>,
    /// Placement on the page.
    pub position: Option<Position>,
    /// Colour mode.
    pub mode: Option<ColorMode>,
}

impl Theme {
    /// Default brand colour.
    pub const DEFAULT_BRAND: &'static str = "#4f46e5";
    /// Default brand colour in dark mode when no brand colour is set: the default's lighter
    /// tint, which keeps a selected star or face at 3:1 or more against the dark background
    /// (the default itself reaches about 2.4:1 there).
    pub const DEFAULT_BRAND_DARK: &'static str = "#818cf8";
    /// Default corner radius.
    pub const DEFAULT_RADIUS: &'static str = "12px";
    /// Default font stack.
    pub const DEFAULT_FONT: &'static str = "system-ui, sans-serif";

    /// Brand colour, or the default.
    pub fn brand(&self) -> &str {
        self.brand.as_deref().unwrap_or(Self::DEFAULT_BRAND)
    }

    /// Dark-mode brand colour, or the brand colour, or (neither set) the default's dark one.
    pub fn brand_dark(&self) -> &str {
        match (&self.brand_dark, &self.brand) {
            (Some(color), _) | (None, Some(color)) => color,
            (None, None) => Self::DEFAULT_BRAND_DARK,
        }
    }

    /// Corner radius, or the default.
    pub fn radius(&self) -> &str {
        self.radius.as_deref().unwrap_or(Self::DEFAULT_RADIUS)
    }

    /// Font stack, or the default.
    pub fn font(&self) -> &str {
        self.font.as_deref().unwrap_or(Self::DEFAULT_FONT)
    }

    /// Position, or the default.
    pub fn position(&self) -> Position {
        self.position.unwrap_or_default()
    }

    /// Colour mode, or the default.
    pub fn mode(&self) -> ColorMode {
        self.mode.unwrap_or_default()
    }

    /// Fields set in `over` replace ours; unset ones keep ours.
    pub fn merge(&mut self, over: Theme) {
        set(&mut self.brand, over.brand);
        set(&mut self.brand_dark, over.brand_dark);
        set(&mut self.radius, over.radius);
        set(&mut self.font, over.font);
        if over.position.is_some() {
            self.position = over.position;
        }
        if over.mode.is_some() {
            self.mode = over.mode;
        }
    }
}

/// `value` into `slot` when set (one call per text field of [`Theme::merge`]).
fn set(slot: &mut Option<String>, value: Option<String>) {
    if value.is_some() {
        *slot = value;
    }
}

/// Whether `value` is safe to hand to `style.setProperty`: short, and without the characters
/// that could end a declaration or open a resource fetch. The shell sets custom properties
/// through the CSSOM, so this is defence in depth, not the only barrier.
pub fn is_safe_css_value(value: &str) -> bool {
    use crate::core::scan::{char_count, find};
    !value.is_empty()
        && char_count(value) <= 200
        && !value
            .chars()
            .any(|c| matches!(c, ';' | '{' | '}' | '<' | '>' | '\\' | '@') || c.is_control())
        && ["url(", "expression(", "/*"]
            .iter()
            .all(|bad| find(value, bad, true).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_merge_field_by_field() {
        let config = crate::core::survey::SiteConfig::from_json(
            r##"{"site":"s","theme":{"brand":"#000","position":"top-left"}}"##,
        )
        .unwrap();
        let mut t = config.theme;
        assert_eq!(t.radius(), "12px");
        assert_eq!(t.position(), Position::TopLeft);
        t.merge(Theme {
            radius: Some("0".into()),
            ..Theme::default()
        });
        assert_eq!(t.brand(), "#000");
        assert_eq!(t.radius(), "0");
        assert_eq!(t.mode(), ColorMode::System);
    }

    #[test]
    fn dark_brand_defaults_to_the_brand_and_merges_on_its_own() {
        let config = crate::core::survey::SiteConfig::from_json(
            r##"{"site":"s","theme":{"brand":"#0f766e","brandDark":"#5eead4"}}"##,
        )
        .unwrap();
        let mut t = config.theme;
        assert_eq!(t.brand(), "#0f766e");
        assert_eq!(t.brand_dark(), "#5eead4");
        // An inline theme that sets only the brand keeps the dark variant.
        t.merge(Theme {
            brand: Some("#000".into()),
            ..Theme::default()
        });
        assert_eq!(t.brand_dark(), "#5eead4");
        // Unset: the brand colour, else the default's dark one.
        let plain = Theme {
            brand: Some("#123456".into()),
            ..Theme::default()
        };
        assert_eq!(plain.brand_dark(), "#123456");
        assert_eq!(Theme::default().brand_dark(), Theme::DEFAULT_BRAND_DARK);
    }

    #[test]
    fn an_unsafe_dark_brand_is_refused_naming_the_field() {
        let err = crate::core::survey::SiteConfig::from_json(
            r##"{"site":"s","theme":{"brandDark":"red;background:url(x)"}}"##,
        )
        .unwrap_err();
        assert!(
            err.text().starts_with("theme.brandDark: "),
            "{}",
            err.text()
        );
        let err =
            crate::core::survey::SiteConfig::from_json(r##"{"site":"s","theme":{"brandDark":7}}"##)
                .unwrap_err();
        assert!(err.text().starts_with("theme.brandDark"), "{}", err.text());
        // Unknown theme keys are still refused (the key list names the new one).
        assert!(crate::core::survey::SiteConfig::from_json(
            r##"{"site":"s","theme":{"brand_dark":"#fff"}}"##
        )
        .is_err());
    }

    #[test]
    fn css_safety() {
        assert!(is_safe_css_value("#4f46e5"));
        assert!(is_safe_css_value("\"Inter\", system-ui, sans-serif"));
        assert!(!is_safe_css_value("red; background: url(x)"));
        assert!(!is_safe_css_value("url(https://evil)"));
        assert!(!is_safe_css_value("red}"));
        assert!(!is_safe_css_value(""));
    }
}
