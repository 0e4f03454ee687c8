//! Whether a visitor may see a survey now: sampling, frequency, recontact period and the
//! site-wide cooldown, decided from a small persisted history ([`ThrottleState`],
//! `localStorage["rapport:{site}:throttle"]`). Also derives the loader's mute map.
//!
//! Times are epoch milliseconds (`Date.now()`), so they survive reloads.

use crate::prelude::*;

use crate::core::json::{Json, ObjectWriter};
use crate::core::survey::{Frequency, SiteConfig, Survey};

/// Milliseconds per day.
pub const MS_PER_DAY: f64 = 86_400_000.0;
/// "Muted for ever" in the mute map: JSON has no infinity, and 8.64e15 ms is the largest
/// time a JavaScript `Date` can hold.
pub const FOREVER_MS: f64 = 8.64e15;
/// Key of the site-wide cooldown in the mute map.
pub const ALL_SURVEYS: &str = "*";

/// What one visitor has seen of one survey.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurveyHistory {
    /// How many times it was shown.
    pub shown_count: u32,
    /// Whether it was answered (submitted) at least once.
    pub answered: bool,
    /// When it was last shown.
    pub last_shown_ms: Option<f64>,
    /// When it was last answered.
    pub last_answered_ms: Option<f64>,
}

/// The persisted history of one visitor on one site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ThrottleState {
    /// Per survey id.
    pub surveys: Vec<(String, SurveyHistory)>,
    /// When any survey was last shown (for the site-wide cooldown).
    pub last_any_shown_ms: Option<f64>,
}

/// Why a survey may not be shown now.
#[derive(Clone, Debug, PartialEq)]
pub enum Ineligible {
    /// The visitor's bucket is outside the survey's sample.
    NotSampled {
        /// The survey's sample percentage.
        sample: f64,
    },
    /// Frequency `once` and it was shown.
    AlreadyShown,
    /// Frequency `untilAnswered` and it was answered.
    AlreadyAnswered,
    /// Frequency `maxTimes` and the limit is reached.
    MaxShowsReached {
        /// The limit.
        max: u32,
    },
    /// Shown too recently (`recontactDays`).
    Recontact {
        /// When it ends, epoch ms.
        until_ms: f64,
    },
    /// Some survey was shown too recently (site `cooldownDays`).
    Cooldown {
        /// When it ends, epoch ms.
        until_ms: f64,
    },
}

impl Ineligible {
    /// The reason in words (what `Display` prints), built without `core::fmt`.
    pub fn text(&self) -> String {
        use crate::core::json::num_to_string as num;
        // One template call for every reason (`shown_count` prints the same as a number).
        let (template, value) = match self {
            Ineligible::NotSampled { sample } => ("visitor is outside the {}% sample", *sample),
            Ineligible::AlreadyShown => ("already shown once", 0.0),
            Ineligible::AlreadyAnswered => ("already answered", 0.0),
            Ineligible::MaxShowsReached { max } => ("shown {} times already", f64::from(*max)),
            Ineligible::Recontact { until_ms } => ("recontact period runs until {}", *until_ms),
            Ineligible::Cooldown { until_ms } => ("site-wide cooldown runs until {}", *until_ms),
        };
        crate::core::msg::subst(template, &num(value), "")
    }

    /// Until when this reason holds, epoch ms ([`FOREVER_MS`] for permanent ones).
    pub fn until_ms(&self) -> f64 {
        match self {
            Ineligible::Recontact { until_ms } | Ineligible::Cooldown { until_ms } => *until_ms,
            _ => FOREVER_MS,
        }
    }
}

impl ::core::fmt::Display for Ineligible {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ::core::error::Error for Ineligible {}

/// 32-bit FNV-1a, continued from `h` over `bytes`.
fn fnv1a(h: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// The visitor's sampling bucket for a survey, 0–99: a deterministic hash of both ids, so
/// the same visitor stays in or out of a survey's sample across visits, independently per
/// survey.
pub fn visitor_bucket(visitor_id: &str, survey_id: &str) -> u32 {
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    let h = fnv1a(0x811c_9dc5, visitor_id.as_bytes());
    fnv1a(fnv1a(h, &[0]), survey_id.as_bytes()) % 100
}

/// Whether `survey` may be shown now. `cooldown_days` is the site's `cooldownDays`;
/// `bucket` is [`visitor_bucket`]. Permanent reasons are reported before waiting ones.
pub fn eligible(
    survey: &Survey,
    cooldown_days: f64,
    state: &ThrottleState,
    now_ms: f64,
    bucket: u32,
) -> Result<(), Ineligible> {
    survey_rules(survey, state, now_ms, bucket)?;
    if let Some(last) = state.last_any_shown_ms {
        let until_ms = last + cooldown_days * MS_PER_DAY;
        if cooldown_days > 0.0 && now_ms < until_ms {
            return Err(Ineligible::Cooldown { until_ms });
        }
    }
    Ok(())
}

fn survey_rules(
    survey: &Survey,
    state: &ThrottleState,
    now_ms: f64,
    bucket: u32,
) -> Result<(), Ineligible> {
    let policy = &survey.throttle;
    if f64::from(bucket) >= policy.sample {
        return Err(Ineligible::NotSampled {
            sample: policy.sample,
        });
    }
    let Some(h) = state.history(&survey.id) else {
        return Ok(());
    };
    match policy.frequency {
        Frequency::Once if h.shown_count > 0 => return Err(Ineligible::AlreadyShown),
        Frequency::UntilAnswered if h.answered => return Err(Ineligible::AlreadyAnswered),
        Frequency::MaxTimes if h.shown_count >= policy.max_shows => {
            return Err(Ineligible::MaxShowsReached {
                max: policy.max_shows,
            })
        }
        _ => {}
    }
    if let Some(last) = h.last_shown_ms {
        let until_ms = last + policy.recontact_days * MS_PER_DAY;
        if now_ms < until_ms {
            return Err(Ineligible::Recontact { until_ms });
        }
    }
    Ok(())
}

/// `v[key]` as a number: `Some(None)` when absent or null, `None` when of another kind.
fn number_at(v: &Json, key: &str) -> Option<Option<f64>> {
    match v.get(key) {
        None | Some(Json::Null) => Some(None),
        Some(Json::Num(n)) => Some(Some(*n)),
        Some(_) => None,
    }
}

impl ThrottleState {
    /// Reads the persisted record (parsed by the store); anything of another shape gives an
    /// empty history (a visitor who cleared or corrupted storage is a new visitor).
    pub fn from_value_or_default(v: &Json) -> ThrottleState {
        Self::decode(v).unwrap_or_default()
    }

    /// The state stored as `v`; `None` when a field is of the wrong kind. Read member by
    /// member rather than through [`crate::core::json::Fields`]: a stored record needs no
    /// error paths, only whether it is readable.
    fn decode(v: &Json) -> Option<ThrottleState> {
        let mut state = ThrottleState {
            last_any_shown_ms: number_at(v, "lastAnyShownMs")?,
            ..ThrottleState::default()
        };
        if let Some(Json::Obj(surveys)) = v.get("surveys") {
            for (id, h) in surveys {
                let Json::Obj(_) = h else { return None };
                // An integer from 0 to `u32::MAX` (the round trip fails for any other).
                let shown = number_at(h, "shownCount")?.unwrap_or(0.0);
                if shown as u32 as f64 != shown {
                    return None;
                }
                let answered = match h.get("answered") {
                    None | Some(Json::Null) => false,
                    Some(Json::Bool(answered)) => *answered,
                    Some(_) => return None,
                };
                let history = SurveyHistory {
                    shown_count: shown as u32,
                    answered,
                    last_shown_ms: number_at(h, "lastShownMs")?,
                    last_answered_ms: number_at(h, "lastAnsweredMs")?,
                };
                state.surveys.push((id.clone(), history));
            }
        }
        Some(state)
    }

    /// The JSON to persist (`{"surveys": {id: {shownCount, answered, lastShownMs,
    /// lastAnsweredMs}}, "lastAnyShownMs"}`).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut w = ObjectWriter::new(&mut out);
        let mut m = ObjectWriter::new(w.key("surveys"));
        for (id, h) in &self.surveys {
            let mut e = ObjectWriter::new(m.key(id));
            e.num("shownCount", f64::from(h.shown_count));
            e.str_raw("answered", if h.answered { "true" } else { "false" });
            e.opt_num("lastShownMs", h.last_shown_ms);
            e.opt_num("lastAnsweredMs", h.last_answered_ms);
            e.end();
        }
        m.end();
        w.opt_num("lastAnyShownMs", self.last_any_shown_ms);
        w.end();
        out
    }

    /// What this visitor has seen of `survey_id`, if anything.
    pub fn history(&self, survey_id: &str) -> Option<&SurveyHistory> {
        self.surveys
            .iter()
            .find(|(id, _)| id == survey_id)
            .map(|(_, h)| h)
    }

    /// The history of `survey_id`, added when missing (always `Some`: an `Option` rather
    /// than an index keeps the bounds-check panic, and its formatting, out of the wasm).
    fn history_mut(&mut self, survey_id: &str) -> Option<&mut SurveyHistory> {
        if self.history(survey_id).is_none() {
            self.surveys
                .push((survey_id.to_owned(), SurveyHistory::default()));
        }
        self.surveys
            .iter_mut()
            .find(|(id, _)| id == survey_id)
            .map(|(_, h)| h)
    }

    /// Records that `survey_id` was shown at `now_ms`.
    pub fn record_shown(&mut self, survey_id: &str, now_ms: f64) {
        if let Some(h) = self.history_mut(survey_id) {
            h.shown_count = h.shown_count.saturating_add(1);
            h.last_shown_ms = Some(now_ms);
        }
        self.last_any_shown_ms = Some(now_ms);
    }

    /// Records that `survey_id` was answered at `now_ms`.
    pub fn record_answered(&mut self, survey_id: &str, now_ms: f64) {
        if let Some(h) = self.history_mut(survey_id) {
            h.answered = true;
            h.last_answered_ms = Some(now_ms);
        }
    }
}

/// How long the loader trusts a mute at most. The map is rewritten only when the widget
/// runs, so a permanent mute ("outside the sample", "shown once") would outlive a change
/// of the survey's rules: after this, the next trigger loads the widget, which decides
/// with the rules of the day and writes the map again.
pub const MUTE_RECHECK_MS: f64 = 30.0 * MS_PER_DAY;

/// The loader's mute map (`localStorage["rapport:{site}:mute"]`), as the JSON the loader
/// reads: `{surveyId: untilEpochMs}`. For each survey this visitor may not see now, until
/// when; and under [`ALL_SURVEYS`] the end of the site-wide cooldown, if running; each at
/// most [`MUTE_RECHECK_MS`] from now. Surveys that may be shown are absent. Written as it is
/// worked out: the map is only ever stored.
pub fn mute_map(
    config: &SiteConfig,
    state: &ThrottleState,
    now_ms: f64,
    visitor_id: &str,
) -> String {
    let mut out = String::new();
    let mut w = ObjectWriter::new(&mut out);
    for survey in &config.surveys {
        let bucket = visitor_bucket(visitor_id, &survey.id);
        if let Err(reason) = survey_rules(survey, state, now_ms, bucket) {
            w.num(&survey.id, reason.until_ms().min(now_ms + MUTE_RECHECK_MS));
        }
    }
    if let Some(last) = state.last_any_shown_ms {
        let until = last + config.cooldown_days * MS_PER_DAY;
        if config.cooldown_days > 0.0 && now_ms < until {
            w.num(ALL_SURVEYS, until.min(now_ms + MUTE_RECHECK_MS));
        }
    }
    w.end();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::survey::ThrottlePolicy;
    use proptest::prelude::*;

    const DAY: f64 = MS_PER_DAY;
    const T0: f64 = 1_800_000_000_000.0;

    fn survey(policy: ThrottlePolicy) -> Survey {
        let mut s = SiteConfig::from_json(include_str!("fixtures/demo_config.json"))
            .unwrap()
            .surveys
            .remove(0);
        s.throttle = policy;
        s
    }

    fn policy(frequency: Frequency, max_shows: u32, recontact_days: f64) -> ThrottlePolicy {
        ThrottlePolicy {
            sample: 100.0,
            frequency,
            max_shows,
            recontact_days,
        }
    }

    #[test]
    fn once_means_once() {
        let s = survey(policy(Frequency::Once, 1, 0.0));
        let mut st = ThrottleState::default();
        assert_eq!(eligible(&s, 0.0, &st, T0, 5), Ok(()));
        st.record_shown(&s.id, T0);
        assert_eq!(
            eligible(&s, 0.0, &st, T0 + 1000.0 * DAY, 5),
            Err(Ineligible::AlreadyShown)
        );
    }

    #[test]
    fn until_answered_waits_for_recontact_then_stops_when_answered() {
        let s = survey(policy(Frequency::UntilAnswered, 1, 7.0));
        let mut st = ThrottleState::default();
        st.record_shown(&s.id, T0);
        assert_eq!(
            eligible(&s, 0.0, &st, T0 + DAY, 0),
            Err(Ineligible::Recontact {
                until_ms: T0 + 7.0 * DAY
            })
        );
        assert_eq!(eligible(&s, 0.0, &st, T0 + 7.0 * DAY, 0), Ok(()));
        st.record_answered(&s.id, T0 + 8.0 * DAY);
        assert_eq!(
            eligible(&s, 0.0, &st, T0 + 99.0 * DAY, 0),
            Err(Ineligible::AlreadyAnswered)
        );
    }

    #[test]
    fn max_times_and_always() {
        let s = survey(policy(Frequency::MaxTimes, 2, 0.0));
        let mut st = ThrottleState::default();
        st.record_shown(&s.id, T0);
        assert_eq!(eligible(&s, 0.0, &st, T0, 0), Ok(()));
        st.record_shown(&s.id, T0);
        assert_eq!(
            eligible(&s, 0.0, &st, T0, 0),
            Err(Ineligible::MaxShowsReached { max: 2 })
        );
        let a = survey(policy(Frequency::Always, 1, 0.0));
        for _ in 0..10 {
            st.record_shown(&a.id, T0);
        }
        assert_eq!(eligible(&a, 0.0, &st, T0, 0), Ok(()));
    }

    #[test]
    fn sampling_uses_the_bucket() {
        let mut p = policy(Frequency::Always, 1, 0.0);
        p.sample = 30.0;
        let s = survey(p);
        let st = ThrottleState::default();
        assert_eq!(eligible(&s, 0.0, &st, T0, 29), Ok(()));
        assert_eq!(
            eligible(&s, 0.0, &st, T0, 30),
            Err(Ineligible::NotSampled { sample: 30.0 })
        );
        // Roughly 30% of visitors fall in a 30% sample, and the same visitor always does.
        let inside = (0..10_000)
            .filter(|i| visitor_bucket(&format!("visitor-{i}"), "post-purchase") < 30)
            .count();
        assert!((2_700..3_300).contains(&inside), "{inside}");
        assert_eq!(visitor_bucket("v", "s"), visitor_bucket("v", "s"));
        assert_ne!(visitor_bucket("ab", "c"), visitor_bucket("a", "bc"));
    }

    #[test]
    fn global_cooldown_applies_across_surveys() {
        let s = survey(policy(Frequency::Always, 1, 0.0));
        let mut st = ThrottleState::default();
        st.record_shown("some-other-survey", T0);
        assert_eq!(
            eligible(&s, 2.0, &st, T0 + DAY, 0),
            Err(Ineligible::Cooldown {
                until_ms: T0 + 2.0 * DAY
            })
        );
        assert_eq!(eligible(&s, 2.0, &st, T0 + 2.0 * DAY, 0), Ok(()));
        assert_eq!(eligible(&s, 0.0, &st, T0, 0), Ok(()));
    }

    #[test]
    fn mute_map_for_the_loader() {
        let mut config = SiteConfig::from_json(include_str!("fixtures/demo_config.json")).unwrap();
        config.cooldown_days = 1.0;
        let mut st = ThrottleState::default();
        st.record_shown("post-purchase", T0);
        st.record_shown("exit-check", T0);
        let json = mute_map(&config, &st, T0 + 1000.0, "visitor-1");
        let map = crate::core::json::testing::parse(&json).unwrap();
        let until = |id: &str| map.get(id).and_then(Json::as_f64);
        // Shown once: muted for ever, which the loader rechecks after 30 days.
        assert_eq!(until("post-purchase"), Some(T0 + 1000.0 + 30.0 * DAY));
        assert_eq!(
            until("exit-check"),
            Some(T0 + DAY),
            "maxTimes 2, recontact 1 day"
        );
        assert_eq!(until(ALL_SURVEYS), Some(T0 + DAY));
        // A long cooldown is rechecked after 30 days too.
        config.cooldown_days = 365.0;
        let long =
            crate::core::json::testing::parse(&mute_map(&config, &st, T0 + 1000.0, "visitor-1"))
                .unwrap();
        assert_eq!(
            long.get(ALL_SURVEYS).and_then(Json::as_f64),
            Some(T0 + 1000.0 + 30.0 * DAY)
        );
        config.cooldown_days = 1.0;
        assert_eq!(until("welcome"), None);
        assert!(json.contains("\"post-purchase\":1802592001000"), "{json}");
        let later = mute_map(&config, &st, T0 + 2.0 * DAY, "visitor-1");
        let later = crate::core::json::testing::parse(&later).unwrap();
        assert_eq!(later.get(ALL_SURVEYS), None);
        assert_eq!(later.get("exit-check"), None);
        assert_eq!(
            mute_map(&config, &ThrottleState::default(), T0, "visitor-1"),
            "{}"
        );
    }

    #[test]
    fn state_round_trips_and_tolerates_garbage() {
        let mut st = ThrottleState::default();
        st.record_shown("a", T0);
        st.record_answered("a", T0 + 5.0);
        let json = st.to_json();
        let read = |text: &str| {
            ThrottleState::from_value_or_default(&crate::core::json::testing::parse(text).unwrap())
        };
        assert_eq!(read(&json), st);
        assert_eq!(read("\"oops\""), ThrottleState::default());
        assert_eq!(read("[1]"), ThrottleState::default());
    }

    proptest! {
        #[test]
        fn once_is_never_eligible_again_after_shown(
            shown_at in 0.0f64..4e12, later in 0.0f64..4e12, bucket in 0u32..100, days in 0.0f64..100.0,
        ) {
            let s = survey(policy(Frequency::Once, 1, days));
            let mut st = ThrottleState::default();
            st.record_shown(&s.id, shown_at);
            prop_assert!(eligible(&s, 0.0, &st, shown_at + later, bucket).is_err());
        }

        #[test]
        fn bucket_is_in_range(v in ".{0,20}", s in ".{0,20}") {
            prop_assert!(visitor_bucket(&v, &s) < 100);
        }
    }
}
