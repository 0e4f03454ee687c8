//! How often each survey was shown: the [`ImpressionStore`] trait, written once for both
//! backends with the same SQL ([`sql`]). One counter per (site, survey, UTC day), raised by
//! one for each `POST /v1/impressions`; nothing about the visitor is stored.

use super::StoreFuture;

/// Milliseconds in a day: the counters' bucket.
pub const DAY_MS: i64 = 86_400_000;

/// The UTC day (days since 1970-01-01) of `ms` since the epoch.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// Times one survey was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyShown {
    /// Survey id.
    pub survey: String,
    /// Times shown in the days asked for.
    pub shown: i64,
    /// The first of those days with a count (days since 1970-01-01, UTC).
    pub first_day: i64,
}

/// The impression counters.
pub trait ImpressionStore: Send + Sync + 'static {
    /// Adds one to the counter of (`site`, `survey`, the UTC day of `at_ms`).
    fn record(&self, site: String, survey: String, at_ms: i64) -> StoreFuture<'_, ()>;
    /// Times each survey of `site` was shown on the UTC days `from_day..=to_day`, by survey
    /// id; surveys never shown in them are left out.
    /// Each with the first day it was counted on.
    fn shown(&self, site: String, from_day: i64, to_day: i64) -> StoreFuture<'_, Vec<SurveyShown>>;
    /// Sets the counter of (`site`, `survey`, `day`) to `shown` (the demo seed).
    fn set(&self, site: String, survey: String, day: i64, shown: i64) -> StoreFuture<'_, ()>;
}

/// The statements, PostgreSQL placeholders (`sql::sqlite` of the console module turns them
/// into SQLite's).
pub mod sql {
    /// $1 site, $2 survey, $3 day.
    pub const RECORD: &str = "INSERT INTO impressions (site, survey, day, shown) VALUES ($1, $2, $3, 1) ON CONFLICT (site, survey, day) DO UPDATE SET shown = impressions.shown + 1";
    /// $1 site, $2 first day, $3 last day.
    pub const SHOWN: &str = "SELECT survey, CAST(sum(shown) AS bigint), min(day) FROM impressions WHERE site = $1 AND day BETWEEN $2 AND $3 GROUP BY survey ORDER BY survey";
    /// $1 site, $2 survey, $3 day, $4 count.
    pub const SET: &str = "INSERT INTO impressions (site, survey, day, shown) VALUES ($1, $2, $3, $4) ON CONFLICT (site, survey, day) DO UPDATE SET shown = excluded.shown";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_and_floor_before_1970() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(DAY_MS - 1), 0);
        assert_eq!(day_of(DAY_MS), 1);
        assert_eq!(day_of(-1), -1);
    }
}
