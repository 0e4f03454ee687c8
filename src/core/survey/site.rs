//! The site configuration: theme, locale, global cooldown and surveys; reading it (in full
//! and checked, as the collector does, or part by part, as the widget does) and the merge
//! of inline `config` commands (settings only: surveys are defined in the collector's
//! configuration).

use crate::prelude::*;

use super::decode::{self, Faults};
use super::{validate, ConfigError, Survey, Theme};
use crate::core::json::Json;

/// The configuration of one site, as served by `GET /v1/sites/{site}/config`.
///
/// Unknown top-level fields are ignored (the collector's config file adds `origins` and
/// `adminToken` next to these); everything below the top level rejects unknown fields.
///
/// ```
/// use rapport::core::survey::SiteConfig;
/// let config = SiteConfig::from_json(r#"{
///   "site": "demo",
///   "surveys": [{ "id": "s", "questions": [{ "id": "q", "type": "thumbs", "text": "Helpful?" }] }]
/// }"#).unwrap();
/// assert_eq!(config.surveys[0].questions.len(), 1);
///
/// let err = SiteConfig::from_json(r#"{"site": "demo", "surveys": [{"id": "s", "questions": [
///   {"id": "q", "type": "singleChoice", "text": "Pick", "options": []}]}]}"#).unwrap_err();
/// assert_eq!(err.to_string(), "surveys[0].questions[0].options: must not be empty");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SiteConfig {
    /// Site id (`data-site`), also part of the localStorage keys.
    pub site: String,
    /// `"auto"` (from `<html lang>` / the browser) or a locale tag such as `"es"`.
    pub locale: String,
    /// Visual theme.
    pub theme: Theme,
    /// No survey within this many days after any survey was shown.
    pub cooldown_days: f64,
    /// The surveys.
    pub surveys: Vec<Survey>,
}

/// The argument of the `config` command: the settings a page may give inline, merged over
/// the collector's with [`SiteConfig::merge`]. Unlike the top level of [`SiteConfig`],
/// unknown fields are rejected: a typo in a page's inline config should be reported, not
/// ignored.
///
/// Surveys are not among them: they are defined only in the collector's configuration,
/// which checks every answer against its own definition (an answer to a survey it does not
/// define is rejected), so a survey given inline could be shown and thanked for and its
/// answers dropped. An inline `surveys` member is refused by name (see
/// [`SURVEYS_NOT_INLINE`]).
///
/// ```
/// use rapport::core::survey::PartialSiteConfig;
/// let inline = PartialSiteConfig::from_json(r#"{"locale": "es", "cooldownDays": 7}"#).unwrap();
/// assert_eq!(inline.locale.as_deref(), Some("es"));
/// let err = PartialSiteConfig::from_json(r#"{"surveys": []}"#).unwrap_err();
/// assert!(err.to_string().starts_with("surveys: unknown field `surveys`"), "{err}");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartialSiteConfig {
    /// Accepted so that the site can be restated inline, but ignored: the site is the
    /// loader's `data-site`.
    pub site: Option<String>,
    /// Locale override.
    pub locale: Option<String>,
    /// Theme fields to override.
    pub theme: Option<Theme>,
    /// Cooldown override.
    pub cooldown_days: Option<f64>,
}

/// What a `surveys` member of an inline configuration is told (after its path, `surveys`):
/// the member is not applied, the rest of that configuration is.
pub const SURVEYS_NOT_INLINE: &str =
    "surveys are defined in the collector's configuration, not inline; this `surveys` is ignored";

fn auto() -> String {
    "auto".to_owned()
}

impl SiteConfig {
    /// An empty configuration for `site`, with no survey (what inline `config` commands
    /// merge into when the collector's configuration could not be read).
    pub fn new(site: impl Into<String>) -> Self {
        SiteConfig {
            site: site.into(),
            locale: auto(),
            theme: Theme::default(),
            cooldown_days: 0.0,
            surveys: Vec::new(),
        }
    }

    /// Parses (with serde_json) and validates a JSON document. With the `serde_json`
    /// feature.
    #[cfg(feature = "serde_json")]
    pub fn from_json(json: &str) -> Result<SiteConfig, ConfigError> {
        Self::from_value(&crate::core::json::from_text(json)?)
    }

    /// Decodes an already parsed JSON value and checks every rule (ids, ranges, branch
    /// targets, ...): what the collector does with its configuration file. The first fault
    /// refuses it all.
    pub fn from_value(value: &Json) -> Result<SiteConfig, ConfigError> {
        let config = decode::site_config(value)?;
        validate::site_config(&config)?;
        Ok(config)
    }

    /// Decodes a configuration the collector has checked, part by part, as the widget reads
    /// it: each site-level setting and each survey on its own. A setting whose shape is
    /// wrong keeps its default and a survey that cannot be read is skipped, each with an
    /// error naming the field in [`Faults`]; the rest is kept. No rule is checked (that is
    /// the collector's job, at load); only a value that is no object is refused whole.
    ///
    /// ```
    /// use rapport::core::json::from_text;
    /// use rapport::core::survey::SiteConfig;
    /// let (config, faults) = SiteConfig::read(&from_text(r#"{"site": "shop",
    ///   "theme": {"mode": "sepia"},
    ///   "surveys": [
    ///     {"id": "new", "questions": [{"id": "q", "type": "slider", "text": "?"}]},
    ///     {"id": "nps", "questions": [{"id": "q", "type": "nps", "text": "Recommend us?"}]}]}"#
    /// ).unwrap()).unwrap();
    /// assert_eq!(config.surveys.len(), 1);
    /// assert_eq!(config.surveys[0].id, "nps");
    /// assert!(faults.surveys[0].to_string().starts_with(
    ///     "surveys[0].questions[0].type: unknown variant `slider`"));
    /// assert!(faults.settings[0].to_string().starts_with("theme.mode: unknown variant `sepia`"));
    /// ```
    pub fn read(value: &Json) -> Result<(SiteConfig, Faults), ConfigError> {
        Ok(decode::site_config_parts(value)?)
    }

    /// The survey with this id.
    pub fn survey(&self, id: &str) -> Option<&Survey> {
        self.surveys.iter().find(|s| s.id == id)
    }

    /// Applies an inline `config` command: locale and cooldown replaced when given, theme
    /// merged field by field; the surveys stay the collector's. The result is validated
    /// before anything is changed; on error `self` is left unchanged.
    pub fn merge(&mut self, inline: PartialSiteConfig) -> Result<(), ConfigError> {
        validate::top_level(
            Some(&self.site),
            Some(inline.locale.as_deref().unwrap_or(&self.locale)),
            inline.theme.as_ref(),
            Some(&self.theme),
            Some(inline.cooldown_days.unwrap_or(self.cooldown_days)),
            &[],
        )?;
        self.apply(inline);
        Ok(())
    }

    /// The changes of [`SiteConfig::merge`], once checked.
    pub(super) fn apply(&mut self, inline: PartialSiteConfig) {
        if let Some(locale) = inline.locale {
            self.locale = locale;
        }
        if let Some(theme) = inline.theme {
            self.theme.merge(theme);
        }
        if let Some(days) = inline.cooldown_days {
            self.cooldown_days = days;
        }
    }
}

impl PartialSiteConfig {
    /// Decodes an inline configuration and checks its rules (the page's own, which nobody
    /// else has checked); paths in errors are relative to it.
    pub fn from_value(value: &Json) -> Result<PartialSiteConfig, ConfigError> {
        let inline = decode::partial(value)?;
        validate::partial(&inline)?;
        Ok(inline)
    }

    /// Parses (with serde_json) and validates an inline configuration from JSON text. With
    /// the `serde_json` feature.
    #[cfg(feature = "serde_json")]
    pub fn from_json(json: &str) -> Result<PartialSiteConfig, ConfigError> {
        Self::from_value(&crate::core::json::from_text(json)?)
    }
}
