//! When a survey asks to be shown (the model; evaluation is in [`crate::core::trigger`]).


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
    ExitIntent,
    /// When the page calls `rapport("track", event)` with this name.
    Event {
        /// Event name, compared exactly.
        event: String,
    },
    /// Only via `rapport("show", surveyId)` (the default when no trigger is given).
    #[default]
    Manual,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_forms() {
        let t: Trigger = serde_json::from_str(r#"{"type":"delay","seconds":5}"#).unwrap();
        assert_eq!(t, Trigger::Delay { seconds: 5.0 });
        let t: Trigger = serde_json::from_str(r#"{"type":"exitIntent"}"#).unwrap();
        assert_eq!(t, Trigger::ExitIntent);
        assert!(serde_json::from_str::<Trigger>(r#"{"type":"delay"}"#).is_err());
        assert!(serde_json::from_str::<Trigger>(r#"{"type":"hover"}"#).is_err());
        // Unit variants (pageLoad, exitIntent, manual) ignore extra keys: a serde limitation.
        assert!(serde_json::from_str::<Trigger>(r#"{"type":"delay","seconds":1,"x":1}"#).is_err());
    }
}
