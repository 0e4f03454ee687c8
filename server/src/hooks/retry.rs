//! When a failed webhook delivery is tried again: doubling delays from 30 s, capped at two
//! hours, for [`MAX_ATTEMPTS`] attempts — the last one about a day (24 h 8 min) after the
//! first — then the delivery is given up and the log says so.

/// Delay before the first retry, ms.
pub const FIRST_RETRY_MILLIS: i64 = 30_000;
/// Longest delay between attempts, ms.
pub const MAX_RETRY_MILLIS: i64 = 2 * 3_600_000;
/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 20;

/// The delay before the next attempt after `failed` failed attempts; `None` once
/// [`MAX_ATTEMPTS`] have failed.
pub fn after(failed: u32) -> Option<i64> {
    if failed >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = failed.saturating_sub(1).min(30);
    Some(
        FIRST_RETRY_MILLIS
            .saturating_mul(1i64 << doublings)
            .min(MAX_RETRY_MILLIS),
    )
}

/// Total time from the first attempt to the last one, ms.
pub fn span() -> i64 {
    (1..MAX_ATTEMPTS).filter_map(after).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_caps_and_gives_up_after_about_a_day() {
        assert_eq!(after(1), Some(30_000));
        assert_eq!(after(2), Some(60_000));
        assert_eq!(after(10), Some(MAX_RETRY_MILLIS));
        assert_eq!(after(MAX_ATTEMPTS), None);
        let day = 24 * 3_600_000;
        assert!(span() >= day && span() <= day + 3_600_000, "{}", span());
        let mut last = 0;
        for n in 1..MAX_ATTEMPTS {
            let d = after(n).unwrap_or(0);
            assert!(d >= last);
            last = d;
        }
    }
}
