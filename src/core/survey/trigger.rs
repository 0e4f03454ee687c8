//! When a survey asks to be shown (the model; evaluation is in [`crate::core::trigger`]).

use crate::prelude::*;

/// What makes a survey show up, once targeting and throttling allow it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Trigger {
    /// As soon as the page (or SPA route) is loaded.
    PageLoad,
    /// After the visitor has been on the page this long.
    Delay {
        /// Seconds since navigation.
        seconds: f64,
    },
    /// When the visitor has scrolled this far down.
    Scroll {
        /// Percent of the scrollable height, 0–100.
        percent: f64,
    },
    /// When the pointer leaves through the top of the viewport.
    ExitIntent {
        /// What stands in for it on a touch screen, where no pointer leaves the page
        /// (`mobile`; `None`: nothing, exit intent is desktop-only). The loader's touch
        /// chunk watches for it and fires the same exit-intent signal.
        mobile: Option<MobileExit>,
    },
    /// When the page calls `rapport("track", event)` with this name.
    Event {
        /// Event name, compared exactly.
        event: String,
    },
    /// Only via `rapport("show", surveyId)` (the default when no trigger is given).
    #[default]
    Manual,
}

/// Exit intent's stand-in on a touch screen (`exitIntent`'s `mobile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MobileExit {
    /// `scrollUp`: a fast scroll up (half the viewport within 500 ms).
    ScrollUp,
    /// `hidden`: a return to the page after it was hidden (another tab or app).
    Hidden,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Trigger, String> {
        let config = format!(
            r#"{{"site":"s","surveys":[{{"id":"x","trigger":{json},
            "questions":[{{"id":"q","type":"thumbs","text":"?"}}]}}]}}"#
        );
        crate::core::survey::SiteConfig::from_json(&config)
            .map(|mut c| c.surveys.remove(0).trigger)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn tagged_forms() {
        assert_eq!(
            read(r#"{"type":"delay","seconds":5}"#),
            Ok(Trigger::Delay { seconds: 5.0 })
        );
        assert_eq!(
            read(r#"{"type":"exitIntent"}"#),
            Ok(Trigger::ExitIntent { mobile: None })
        );
        assert!(read(r#"{"type":"delay"}"#).is_err());
        assert!(read(r#"{"type":"hover"}"#).is_err());
        assert!(read(r#"{"type":"delay","seconds":1,"x":1}"#).is_err());
        assert!(read(r#"{"type":"pageLoad","x":1}"#).is_err());
    }

    #[test]
    fn exit_intent_names_its_touch_stand_in() {
        assert_eq!(
            read(r#"{"type":"exitIntent","mobile":"scrollUp"}"#),
            Ok(Trigger::ExitIntent {
                mobile: Some(MobileExit::ScrollUp)
            })
        );
        assert_eq!(
            read(r#"{"type":"exitIntent","mobile":"hidden"}"#),
            Ok(Trigger::ExitIntent {
                mobile: Some(MobileExit::Hidden)
            })
        );
        let err = read(r#"{"type":"exitIntent","mobile":"shake"}"#).unwrap_err();
        assert!(
            err.contains("surveys[0].trigger.mobile") && err.contains("`scrollUp`, `hidden`"),
            "{err}"
        );
        // Only exit intent has a stand-in.
        assert!(read(r#"{"type":"pageLoad","mobile":"hidden"}"#).is_err());
    }
}
