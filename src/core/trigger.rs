//! Which surveys are due on this page right now, and when to look again.
//!
//! The shell collects [`PageSignals`] (time since navigation, scroll depth, exit intent,
//! tracked events, `show` requests), asks [`due`] on every change, and keeps a single timer
//! set to [`next_wakeup_ms`] for pending delays, cancelled on navigation.

use crate::prelude::*;

use crate::core::survey::{SiteConfig, Survey, Trigger};
use crate::core::targeting::RegexMatcher;

/// What the page has done since the last navigation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageSignals {
    /// Current page URL.
    pub url: String,
    /// Milliseconds since the last navigation (page load or SPA route change).
    pub ms_since_navigation: f64,
    /// Deepest scroll reached, percent of the scrollable height (100 when nothing scrolls).
    pub scroll_percent: f64,
    /// Whether the pointer has left through the top of the viewport.
    pub exit_intent: bool,
    /// Events tracked with `rapport("track", name)` since the navigation.
    pub events: Vec<String>,
    /// Survey requested with `rapport("show", id)`.
    pub manual: Option<String>,
}

/// Whether `survey`'s own trigger has fired (targeting not considered).
pub fn trigger_fired(survey: &Survey, s: &PageSignals) -> bool {
    match &survey.trigger {
        Trigger::PageLoad => true,
        Trigger::Delay { seconds } => s.ms_since_navigation >= seconds * 1000.0,
        Trigger::Scroll { percent } => s.scroll_percent >= *percent,
        Trigger::ExitIntent { .. } => s.exit_intent,
        Trigger::Event { event } => s.events.contains(event),
        Trigger::Manual => false,
    }
}

fn targeted(survey: &Survey, url: &str, regex: &dyn RegexMatcher) -> bool {
    // A rule that cannot be evaluated (bad regex) keeps the survey off the page; the shell
    // reports the error once through `targeting::targets` if it wants to.
    match &survey.targeting.url {
        Some(rule) => crate::core::targeting::rule_matches(rule, url, regex).unwrap_or(false),
        None => true,
    }
}

/// Ids of the surveys due now, in configuration order: those whose targeting matches the URL
/// and whose trigger has fired. A `show` request (`signals.manual`) makes that survey due
/// whatever its trigger and targeting: the page asked for it explicitly. Throttling is
/// checked separately ([`crate::core::throttle`]).
///
/// ```
/// use rapport::core::survey::SiteConfig;
/// use rapport::core::targeting::NoRegex;
/// use rapport::core::trigger::{due, PageSignals};
/// let config = SiteConfig::from_json(r#"{"site": "s", "surveys": [{"id": "later",
///   "trigger": {"type": "delay", "seconds": 5},
///   "questions": [{"id": "q", "type": "thumbs", "text": "Helpful?"}]}]}"#).unwrap();
/// let mut signals = PageSignals { url: "/".into(), ms_since_navigation: 4_000.0, ..Default::default() };
/// assert!(due(&config, &signals, &NoRegex).is_empty());
/// signals.ms_since_navigation = 5_000.0;
/// assert_eq!(due(&config, &signals, &NoRegex), ["later"]);
/// ```
pub fn due<'a>(
    config: &'a SiteConfig,
    signals: &PageSignals,
    regex: &dyn RegexMatcher,
) -> Vec<&'a str> {
    // A plain loop: `filter().map().collect()` costs an iterator-collecting copy per type.
    let mut out = Vec::new();
    for s in &config.surveys {
        if matches!(&signals.manual, Some(id) if *id == s.id)
            || (trigger_fired(s, signals) && targeted(s, &signals.url, regex))
        {
            out.push(s.id.as_str());
        }
    }
    out
}

/// Milliseconds from now until the next delay trigger of a survey targeted at this page
/// fires, or `None` when no delay is pending. `skip` lists surveys not worth waiting for
/// (already shown on this page, or throttled).
pub fn next_wakeup_ms(
    config: &SiteConfig,
    signals: &PageSignals,
    regex: &dyn RegexMatcher,
    skip: &[&str],
) -> Option<f64> {
    let mut next: Option<f64> = None;
    for s in &config.surveys {
        let Trigger::Delay { seconds } = s.trigger else {
            continue;
        };
        let wait = seconds * 1000.0 - signals.ms_since_navigation;
        if wait > 0.0 && !skip.contains(&s.id.as_str()) && targeted(s, &signals.url, regex) {
            next = Some(next.map_or(wait, |n| n.min(wait)));
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::targeting::tests::Lite;

    fn config() -> SiteConfig {
        SiteConfig::from_json(include_str!("fixtures/demo_config.json")).unwrap()
    }

    fn signals(url: &str) -> PageSignals {
        PageSignals {
            url: url.to_owned(),
            ..PageSignals::default()
        }
    }

    #[test]
    fn each_trigger_fires_only_on_its_signal_and_page() {
        let c = config();
        assert_eq!(
            due(&c, &signals("https://shop.example/"), &Lite),
            ["welcome"]
        );
        assert!(due(&c, &signals("/about"), &Lite).is_empty());

        let mut s = signals("/order/42");
        assert!(due(&c, &s, &Lite).is_empty());
        s.events.push("Order Completed".into());
        assert_eq!(due(&c, &s, &Lite), ["post-purchase"]);
        s.url = "/products/1".into();
        assert!(
            due(&c, &s, &Lite).is_empty(),
            "event matches but targeting does not"
        );

        let mut s = signals("/products/shoe");
        s.ms_since_navigation = 4999.0;
        assert!(due(&c, &s, &Lite).is_empty());
        s.ms_since_navigation = 5000.0;
        assert_eq!(due(&c, &s, &Lite), ["product-fit"]);

        let mut s = signals("https://shop.example/cart");
        s.exit_intent = true;
        s.scroll_percent = 60.0;
        assert_eq!(due(&c, &s, &Lite), ["exit-check", "scroll-pulse"]);
    }

    #[test]
    fn show_overrides_trigger_and_targeting() {
        let c = config();
        let mut s = signals("/nowhere");
        s.manual = Some("feedback-button".into());
        assert_eq!(due(&c, &s, &Lite), ["feedback-button"]);
        s.manual = Some("post-purchase".into());
        assert_eq!(due(&c, &s, &Lite), ["post-purchase"]);
        s.manual = Some("ghost".into());
        assert!(due(&c, &s, &Lite).is_empty());
    }

    #[test]
    fn wakeup_is_the_nearest_pending_delay_on_this_page() {
        let c = config();
        let mut s = signals("/products/hat");
        s.ms_since_navigation = 1200.0;
        assert_eq!(next_wakeup_ms(&c, &s, &Lite, &[]), Some(3800.0));
        assert_eq!(next_wakeup_ms(&c, &s, &Lite, &["product-fit"]), None);
        s.ms_since_navigation = 6000.0;
        assert_eq!(next_wakeup_ms(&c, &s, &Lite, &[]), None, "already fired");
        assert_eq!(
            next_wakeup_ms(&c, &signals("/cart"), &Lite, &[]),
            None,
            "not targeted"
        );
    }
}
