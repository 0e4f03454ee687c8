//! A site's `launcher`: the always-available buttons the loader draws on every page of a
//! site that enables them (issue 11's feedback button, issue 13's Rewards button). The
//! collector checks the setting when it reads its configuration file and publishes it
//! in the site configuration (`GET /v1/sites/{site}/config`); the loader imports its
//! `launcher.js` chunk only when that configuration has one, and the widget ignores the key.
//!
//! ```json
//! "launcher": {
//!   "survey": "feedback",
//!   "label": {"en": "Feedback", "fr": "Votre avis"},
//!   "icon": "chat",
//!   "position": "bottom-right",
//!   "rewards": {"label": "Rewards", "join": "/join", "signIn": "/account/login"}
//! }
//! ```
//!
//! * `survey`: a survey of the site, opened modal (`show(survey, {shopper: true})`) on click;
//!   its throttle still applies. Without it, no feedback button.
//! * `label`: a string, or a map from locale tag to string with an `en` entry (the label on
//!   a page in another language); default "Feedback". `icon`: one of [`ICONS`] (default
//!   `chat`).
//! * `position`: one of [`POSITIONS`], for both buttons (default `bottom-right`).
//! * `rewards`: `true` or `{label, icon, join, signIn}` (default label "Rewards", icon `gift`):
//!   a Rewards button that opens the loyalty panel (`rapport('loyalty', {join, signIn})`);
//!   only on a site whose `loyalty` programme is enabled.
//!
//! At least one of `survey` and `rewards` is required.

use serde_json::{Map, Value};

/// Members of `launcher`.
pub const KEYS: &[&str] = &["survey", "label", "icon", "position", "rewards"];
/// Members of `launcher.rewards`.
pub const REWARDS_KEYS: &[&str] = &["label", "icon", "join", "signIn"];
/// The icons a button may carry (`none`: text only).
pub const ICONS: &[&str] = &["chat", "gift", "none"];
/// Where the buttons sit.
pub const POSITIONS: &[&str] = &["bottom-right", "bottom-left"];
/// Longest label, in characters: a button, not a sentence.
pub const MAX_LABEL_CHARS: usize = 40;

/// A member of `launcher` that is missing or wrong: its path (`launcher.rewards.join`) and
/// what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct LauncherError {
    /// Path from the site, e.g. `launcher.label.fr`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> LauncherError {
    LauncherError {
        field: field.into(),
        message: message.into(),
    }
}

/// What the setting is checked against: the site's survey ids and whether its loyalty
/// programme is enabled.
#[derive(Debug, Clone, Copy)]
pub struct SiteFacts<'a> {
    /// Ids of the site's surveys.
    pub surveys: &'a [&'a str],
    /// Whether the site has a `loyalty` member.
    pub loyalty: bool,
}

/// Checks a site's `launcher` member; `Ok` means the loader can draw it as it is.
pub fn check(v: &Value, site: SiteFacts<'_>) -> Result<(), LauncherError> {
    let at = "launcher";
    let obj = v.as_object().ok_or_else(|| {
        err(
            at,
            "must be an object {survey, label, icon, position, rewards}",
        )
    })?;
    only_known(at, obj, KEYS)?;
    match obj.get("survey") {
        None => {}
        Some(Value::String(id)) if site.surveys.contains(&id.as_str()) => {}
        Some(Value::String(id)) => {
            return Err(err(
                "launcher.survey",
                format!("names no survey of this site: {id:?}"),
            ))
        }
        Some(_) => return Err(err("launcher.survey", "must be a survey id (a string)")),
    }
    if let Some(label) = obj.get("label") {
        check_label("launcher.label", label)?;
    }
    if let Some(icon) = obj.get("icon") {
        one_of("launcher.icon", icon, ICONS)?;
    }
    if let Some(position) = obj.get("position") {
        one_of("launcher.position", position, POSITIONS)?;
    }
    match obj.get("rewards") {
        None | Some(Value::Bool(false)) => {
            if !obj.contains_key("survey") {
                return Err(err(
                    at,
                    "needs `survey` (a feedback button), `rewards` (a Rewards button) or both",
                ));
            }
        }
        Some(rewards) => {
            if !site.loyalty {
                return Err(err(
                    "launcher.rewards",
                    "needs the site's loyalty programme (`loyalty`)",
                ));
            }
            check_rewards(rewards)?;
        }
    }
    Ok(())
}

fn check_rewards(v: &Value) -> Result<(), LauncherError> {
    let at = "launcher.rewards";
    let obj = match v {
        Value::Bool(true) => return Ok(()),
        Value::Object(obj) => obj,
        _ => {
            return Err(err(
                at,
                "must be true or an object {label, icon, join, signIn}",
            ))
        }
    };
    only_known(at, obj, REWARDS_KEYS)?;
    if let Some(label) = obj.get("label") {
        check_label("launcher.rewards.label", label)?;
    }
    if let Some(icon) = obj.get("icon") {
        one_of("launcher.rewards.icon", icon, ICONS)?;
    }
    for key in ["join", "signIn"] {
        if let Some(link) = obj.get(key) {
            check_link(&format!("{at}.{key}"), link)?;
        }
    }
    Ok(())
}

/// A label: a string, or a non-empty map from locale tag to string.
fn check_label(at: &str, v: &Value) -> Result<(), LauncherError> {
    match v {
        Value::String(s) => check_text(at, s),
        Value::Object(map) if !map.contains_key("en") => Err(err(
            at,
            "needs an \"en\" entry: the label on a page in a language the map does not have",
        )),
        Value::Object(map) => {
            for (tag, text) in map {
                let field = format!("{at}.{tag}");
                if !is_tag(tag) {
                    return Err(err(field, "is not a locale tag like \"es\" or \"pt-BR\""));
                }
                match text {
                    Value::String(s) => check_text(&field, s)?,
                    _ => return Err(err(field, "must be a string")),
                }
            }
            Ok(())
        }
        _ => Err(err(
            at,
            "must be a string or a map from locale tag to string ({\"en\": \"Feedback\"})",
        )),
    }
}

fn check_text(at: &str, s: &str) -> Result<(), LauncherError> {
    if s.trim().is_empty() || s.chars().count() > MAX_LABEL_CHARS {
        return Err(err(
            at,
            format!("must be a text of 1 to {MAX_LABEL_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A BCP 47-like tag: letters, then `-`-separated letters or digits (`en`, `pt-BR`).
fn is_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A link: an `http(s)` URL or a path on the site (as the loyalty panel takes them).
fn check_link(at: &str, v: &Value) -> Result<(), LauncherError> {
    let ok = v.as_str().is_some_and(|s| {
        let lower = s.to_ascii_lowercase();
        lower.starts_with("https://")
            || lower.starts_with("http://")
            || (s.starts_with('/') && !s.starts_with("//"))
    });
    match ok {
        true => Ok(()),
        false => Err(err(at, "must be an http(s) URL or a path on this site")),
    }
}

fn one_of(at: &str, v: &Value, allowed: &[&str]) -> Result<(), LauncherError> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(()),
        _ => Err(err(at, format!("must be one of {}", allowed.join(", ")))),
    }
}

fn only_known(at: &str, obj: &Map<String, Value>, known: &[&str]) -> Result<(), LauncherError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(err(
            format!("{at}.{key}"),
            format!("unknown key; expected one of {}", known.join(", ")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SITE: SiteFacts<'static> = SiteFacts {
        surveys: &["feedback", "nps"],
        loyalty: true,
    };

    fn field(v: Value, site: SiteFacts<'_>) -> Option<String> {
        check(&v, site).err().map(|e| e.field)
    }

    #[test]
    fn accepts_each_documented_form() {
        for v in [
            json!({"survey": "feedback"}),
            json!({"survey": "feedback", "label": "Tell us", "icon": "none", "position": "bottom-left"}),
            json!({"survey": "nps", "label": {"en": "Feedback", "pt-BR": "Opinião", "ar": "ملاحظات"}}),
            json!({"survey": "nps", "icon": "gift"}),
            json!({"rewards": true}),
            json!({"survey": "feedback", "rewards": {"label": {"en": "Rewards"}, "icon": "chat",
                   "join": "/join", "signIn": "https://shop.example/login"}}),
            json!({"survey": "feedback", "rewards": false}),
        ] {
            assert_eq!(check(&v, SITE), Ok(()), "{v}");
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        let cases = [
            (json!("feedback"), "launcher"),
            (json!({}), "launcher"),
            (json!({"rewards": false}), "launcher"),
            (json!({"survey": "nope"}), "launcher.survey"),
            (json!({"survey": 3}), "launcher.survey"),
            (json!({"survey": "nps", "colour": "red"}), "launcher.colour"),
            (json!({"survey": "nps", "label": ""}), "launcher.label"),
            (json!({"survey": "nps", "label": "   "}), "launcher.label"),
            (
                json!({"survey": "nps", "label": "x".repeat(41)}),
                "launcher.label",
            ),
            (json!({"survey": "nps", "label": {}}), "launcher.label"),
            (
                json!({"survey": "nps", "label": {"fr": "Avis"}}),
                "launcher.label",
            ),
            (
                json!({"survey": "nps", "label": {"en": "Hi", "english": "Hi"}}),
                "launcher.label.english",
            ),
            (
                json!({"survey": "nps", "label": {"en": "Hi", "fr": 1}}),
                "launcher.label.fr",
            ),
            (json!({"survey": "nps", "icon": "rocket"}), "launcher.icon"),
            (
                json!({"survey": "nps", "position": "top-left"}),
                "launcher.position",
            ),
            (json!({"rewards": "yes"}), "launcher.rewards"),
            (json!({"rewards": {"url": "/x"}}), "launcher.rewards.url"),
            (
                json!({"rewards": {"join": "javascript:alert(1)"}}),
                "launcher.rewards.join",
            ),
            (
                json!({"rewards": {"signIn": "//evil.example"}}),
                "launcher.rewards.signIn",
            ),
            (json!({"rewards": {"label": 5}}), "launcher.rewards.label"),
            (
                json!({"rewards": {"icon": "star"}}),
                "launcher.rewards.icon",
            ),
        ];
        for (v, at) in cases {
            assert_eq!(field(v.clone(), SITE).as_deref(), Some(at), "{v}");
        }
    }

    /// The README's `"launcher": {…}` example (Configuration) is a setting the collector
    /// accepts on a site with a `feedback` survey and a loyalty programme.
    #[test]
    fn the_readme_example_is_accepted() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("```json\n\"launcher\":")
            .expect("README has a \"launcher\" json block");
        let block = &readme[start + "```json\n".len()..];
        let block = &block[..block.find("```").expect("the block ends")];
        let example: Value = serde_json::from_str(&format!("{{{block}}}")).expect("JSON");
        let launcher = &example["launcher"];
        let site = SiteFacts {
            surveys: &["feedback"],
            loyalty: true,
        };
        assert_eq!(check(launcher, site), Ok(()));
        // Every documented key is there.
        let keys: Vec<&str> = launcher
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for key in KEYS {
            assert!(keys.contains(key), "the README's example lacks {key}");
        }
    }

    #[test]
    fn rewards_need_the_loyalty_programme() {
        let no_loyalty = SiteFacts {
            loyalty: false,
            ..SITE
        };
        assert_eq!(
            field(json!({"survey": "nps", "rewards": true}), no_loyalty).as_deref(),
            Some("launcher.rewards")
        );
        assert_eq!(check(&json!({"survey": "nps"}), no_loyalty), Ok(()));
    }

    #[test]
    fn messages_say_what_is_expected() {
        let e = check(&json!({"survey": "nps", "icon": "rocket"}), SITE).unwrap_err();
        assert_eq!(
            e.to_string(),
            "launcher.icon: must be one of chat, gift, none"
        );
        let e = check(&json!({"survey": "gone"}), SITE).unwrap_err();
        assert_eq!(
            e.to_string(),
            "launcher.survey: names no survey of this site: \"gone\""
        );
    }
}
