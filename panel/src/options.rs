//! What the loader passes to `open(options)`: the site, the collector, the customer token
//! from the last `identify({token})`, the sign-in and join links for anonymous shoppers,
//! and the site's theme and locale (from the collector's public configuration, which a
//! page's `rapport('loyalty', {...})` options may override).

use rapport::core::i18n::{Lang, Locale};
use rapport::core::json::{Decoded, Fields, Json, Path};
use rapport::core::survey::{is_safe_css_value, ColorMode, Theme};

use rapport::core::msg::cat;

use crate::error::PanelError;
use crate::prelude::*;

/// The panel's options.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// The site id.
    pub site: String,
    /// The collector's origin (no trailing slash).
    pub endpoint: String,
    /// The customer token (`None`: an anonymous shopper).
    pub token: Option<String>,
    /// Where an anonymous shopper signs in (`signIn`), an `http(s)` URL.
    pub sign_in: Option<String>,
    /// Where an anonymous shopper joins the programme (`join`), an `http(s)` URL.
    pub join: Option<String>,
    /// The nonce of a strict CSP's `style-src`, for the `<style>` fallback.
    pub nonce: Option<String>,
    /// The configured locale (`"auto"` or a BCP 47 tag).
    pub locale: String,
    /// The page's languages, best first (`<html lang>` then `navigator.languages`).
    pub languages: Vec<String>,
    /// Brand, radius, font and colour mode.
    pub theme: Theme,
}

impl Options {
    /// Decodes the options object (copied out of JavaScript as JSON).
    pub fn from_json(v: &Json) -> Result<Options, PanelError> {
        decode(v).map_err(|e| PanelError::shape("options", *e))
    }

    /// The locale whose words the page wants: the configured `locale` unless `"auto"`,
    /// then the page's languages (the core's negotiation, as the survey widget does it).
    pub fn wanted(&self) -> Locale {
        Lang::wanted(&self.locale, &self.languages)
    }

    /// The URL of `loyalty/me`.
    pub fn me_url(&self) -> String {
        cat(&[&self.endpoint, "/v1/sites/", &self.site, "/loyalty/me"])
    }

    /// The URL of `loyalty/reward-redemptions`.
    pub fn redeem_url(&self) -> String {
        cat(&[
            &self.endpoint,
            "/v1/sites/",
            &self.site,
            "/loyalty/reward-redemptions",
        ])
    }

    /// CSS custom properties for the host: brand, radius and font, each only when it is a
    /// safe CSS value (the theme comes from configuration, never trusted as CSS).
    pub fn host_vars(&self) -> Vec<(&'static str, &str)> {
        [
            ("--rapport-brand", self.theme.brand.as_deref()),
            ("--rapport-radius", self.theme.radius.as_deref()),
            ("--rapport-font", self.theme.font.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| is_safe_css_value(v)).map(|v| (k, v)))
        .collect()
    }

    /// The colour-mode class of the dialog: `dark`, `sys` (follow the system) or none.
    pub fn mode_class(&self) -> &'static str {
        match self.theme.mode() {
            ColorMode::Light => "",
            ColorMode::Dark => " dark",
            ColorMode::System => " sys",
        }
    }
}

fn link(path: &Path<'_>, v: &Json) -> Decoded<String> {
    let s = rapport::core::json::string(path, v)?;
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("https://")
        || lower.starts_with("http://")
        || s.starts_with('/') && !s.starts_with("//")
    {
        Ok(s)
    } else {
        rapport::core::json::shape_err(path, "must be an http(s) URL or a path on this site".into())
    }
}

fn theme(path: &Path<'_>, v: &Json) -> Decoded<Theme> {
    let f = Fields::at(*path, v, None)?;
    Ok(Theme {
        brand: f.str("brand", false)?,
        // The panel draws with `brand` in both colour modes; `brandDark` is the survey
        // widget's (not read here yet).
        brand_dark: None,
        radius: f.str("radius", false)?,
        font: f.str("font", false)?,
        position: None,
        mode: f.variant(
            "mode",
            false,
            &[
                ("light", ColorMode::Light),
                ("dark", ColorMode::Dark),
                ("system", ColorMode::System),
            ],
        )?,
    })
}

fn decode(v: &Json) -> Decoded<Options> {
    let f = Fields::new("", v, None)?;
    let endpoint = f.req_str("endpoint")?;
    Ok(Options {
        site: f.req_str("site")?,
        endpoint: endpoint.trim_end_matches('/').to_owned(),
        token: f.str("token", false)?.filter(|t| !t.is_empty()),
        sign_in: f.opt("signIn", link)?,
        join: f.opt("join", link)?,
        nonce: f.str("nonce", false)?,
        locale: f.str("locale", false)?.unwrap_or_else(|| "auto".into()),
        languages: f.list("languages", false, rapport::core::json::string)?,
        theme: f.opt("theme", theme)?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport::core::json::testing::parse;
    use std::format;
    use std::string::ToString;

    fn options(text: &str) -> Result<Options, PanelError> {
        Options::from_json(&parse(text).expect("json"))
    }

    #[test]
    fn reads_the_loaders_options() {
        let o = options(
            r##"{"site": "demo", "endpoint": "https://c.example/", "token": "t.k.n",
            "signIn": "/account/login", "join": "https://shop.example/join",
            "locale": "auto", "languages": ["ar", "en"],
            "theme": {"brand": "#0f766e", "radius": "14px", "font": "x;}", "mode": "dark", "position": "center"}}"##,
        )
        .expect("options");
        assert_eq!(o.me_url(), "https://c.example/v1/sites/demo/loyalty/me");
        assert_eq!(
            o.redeem_url(),
            "https://c.example/v1/sites/demo/loyalty/reward-redemptions"
        );
        assert_eq!(o.token.as_deref(), Some("t.k.n"));
        assert_eq!(o.sign_in.as_deref(), Some("/account/login"));
        assert_eq!(o.wanted(), Locale::Ar);
        assert!(o.wanted().is_rtl(), "Arabic runs right to left");
        // An unsafe font is left out; brand and radius are kept.
        assert_eq!(
            o.host_vars(),
            vec![("--rapport-brand", "#0f766e"), ("--rapport-radius", "14px")]
        );
        assert_eq!(o.mode_class(), " dark");
    }

    #[test]
    fn anonymous_and_defaults() {
        let o = options(r#"{"site": "demo", "endpoint": "https://c.example", "token": ""}"#)
            .expect("options");
        assert_eq!(o.token, None);
        assert_eq!(o.wanted(), Locale::En);
        assert_eq!(o.mode_class(), " sys");
        let o = options(r#"{"site": "demo", "endpoint": "e", "locale": "he"}"#).expect("options");
        assert_eq!(o.wanted(), Locale::He, "a configured Hebrew locale");
    }

    #[test]
    fn links_must_be_http_or_a_local_path() {
        for bad in [
            "javascript:alert(1)",
            "//evil.example/x",
            "data:text/html,x",
        ] {
            let text = format!(r#"{{"site": "demo", "endpoint": "e", "join": "{bad}"}}"#);
            assert_eq!(
                options(&text).expect_err(bad).to_string(),
                "options: join: must be an http(s) URL or a path on this site"
            );
        }
        assert_eq!(
            options(r#"{"endpoint": "e"}"#)
                .expect_err("no site")
                .to_string(),
            "options: site: missing field `site`"
        );
    }
}
