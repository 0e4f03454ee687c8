//! How often a survey may be shown to one visitor (the model; decisions are in
//! [`crate::core::throttle`]).

/// How many times one visitor may see a survey.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Frequency {
    /// Shown at most once, answered or not (the default).
    #[default]
    Once,
    /// Shown again (after `recontactDays`) until answered once.
    UntilAnswered,
    /// Shown at most `maxShows` times.
    MaxTimes,
    /// No limit besides `recontactDays`.
    Always,
}

/// Sampling and frequency rules of a survey.
#[derive(Clone, Debug, PartialEq)]
pub struct ThrottlePolicy {
    /// Percent of visitors (0–100) in the sample; decided once per visitor and survey.
    pub sample: f64,
    /// How many times it may be shown.
    pub frequency: Frequency,
    /// Limit for [`Frequency::MaxTimes`].
    pub max_shows: u32,
    /// Days to wait after this survey was shown before showing it again.
    pub recontact_days: f64,
}

fn full_sample() -> f64 {
    100.0
}

fn one() -> u32 {
    1
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            sample: full_sample(),
            frequency: Frequency::default(),
            max_shows: one(),
            recontact_days: 0.0,
        }
    }
}
