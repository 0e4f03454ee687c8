//! What a site with too few repeat buyers to fit the models gets instead (flagged in the
//! run's summary as `fallback`): historical averages, no intervals.
//!
//! * `P(alive) = 0.5 ^ (days since the last order / HALF_LIFE_DAYS)` — a customer who
//!   has not ordered for half a year is as likely gone as not.
//! * `annual value` = the customer's spend per year of tenure so far, a tenure shorter than
//!   a year counting as one: `spend × 365 / max(days since the first order + 1, 365)`.

/// Fewest repeat buyers (customers with purchases on two days or more) the models are
/// fitted on; below, the fallback is used.
pub const MIN_REPEAT_BUYERS: usize = 20;
/// Days since the last order at which the fallback's P(alive) is one half.
pub const HALF_LIFE_DAYS: f64 = 180.0;

/// The fallback's P(alive) after `recency_days` without an order.
pub fn p_alive(recency_days: f64) -> f64 {
    0.5f64.powf(recency_days.max(0.0) / HALF_LIFE_DAYS)
}

/// The fallback's annual value of `spend` (any money unit; the result is in the same) over
/// `age_days` since the first order.
pub fn annual_value(spend: f64, age_days: f64) -> f64 {
    spend.max(0.0) * 365.0 / (age_days.max(0.0) + 1.0).max(365.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_alive_halves_every_half_life() {
        assert_eq!(p_alive(0.0), 1.0);
        assert!((p_alive(180.0) - 0.5).abs() < 1e-12);
        assert!((p_alive(360.0) - 0.25).abs() < 1e-12);
        assert!(p_alive(10.0) > p_alive(20.0));
    }

    #[test]
    fn annual_value_is_spend_per_year_of_tenure() {
        assert_eq!(annual_value(10_000.0, 30.0), 10_000.0);
        assert!((annual_value(20_000.0, 729.0) - 10_000.0).abs() < 1e-9);
    }
}
