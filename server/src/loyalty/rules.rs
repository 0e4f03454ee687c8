//! A site's loyalty rules (`loyalty` in the site configuration) and the arithmetic of
//! earning and reversing points. Pure: no clock, no storage.
//!
//! - An order earns `floor(eligible × pointsPerUnit)` points, where the eligible amount is
//!   what the customer paid for the goods: after discounts, without shipping and tax.
//! - Refunds reverse in proportion to the eligible amount refunded so far, computed on the
//!   running total so that partial refunds adding up to the whole reverse exactly what was
//!   earned, never more.

use super::tiers::Tiers;

/// Default return window, days.
pub const DEFAULT_RETURN_WINDOW_DAYS: u32 = 14;
/// Milliseconds in a day.
pub const DAY_MILLIS: i64 = 86_400_000;

/// Earning rules of one site.
#[derive(Debug, Clone, PartialEq)]
pub struct LoyaltyRules {
    /// Points per whole currency unit of eligible spend.
    pub points_per_unit: f64,
    /// Days an order's points stay pending (refunds in that window cancel them).
    pub return_window_days: u32,
    /// Tiers and their earn multipliers (`tiers`), if any.
    pub tiers: Option<Tiers>,
    /// Points for answering a survey (`surveyAnswer`), when enabled.
    pub answer: Option<super::answer::AnswerRule>,
    /// Referral credits (`referral`), when enabled.
    pub referral: Option<super::referral::ReferralRule>,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        LoyaltyRules {
            points_per_unit: 1.0,
            return_window_days: DEFAULT_RETURN_WINDOW_DAYS,
            tiers: None,
            answer: None,
            referral: None,
        }
    }
}

impl LoyaltyRules {
    /// Points earned by `eligible` hundredths of spend (never negative).
    pub fn points_for(&self, eligible_hundredths: i64) -> i64 {
        if eligible_hundredths <= 0 {
            return 0;
        }
        // Integer rate per hundredth when the rate is a whole number keeps large orders exact.
        let points = (eligible_hundredths as f64) * self.points_per_unit / 100.0;
        points.floor().max(0.0) as i64
    }

    /// These rules with the earning rate multiplied by a tier's `multiplier`.
    pub fn with_multiplier(&self, multiplier: f64) -> LoyaltyRules {
        LoyaltyRules {
            points_per_unit: self.points_per_unit * multiplier,
            ..self.clone()
        }
    }

    /// The return window in milliseconds.
    pub fn window_millis(&self) -> i64 {
        i64::from(self.return_window_days) * DAY_MILLIS
    }
}

/// Points that should stand reversed once `refunded` of `eligible` hundredths have been
/// refunded on an order that earned `earned` points: proportional, rounded down, and at
/// most `earned`. A refund of an order with no eligible amount reverses everything.
pub fn reversed_after(earned: i64, eligible: i64, refunded: i64) -> i64 {
    if earned <= 0 || refunded <= 0 {
        return 0;
    }
    if eligible <= 0 || refunded >= eligible {
        return earned;
    }
    let r = i128::from(earned) * i128::from(refunded) / i128::from(eligible);
    (r as i64).clamp(0, earned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn earning() {
        let rules = LoyaltyRules::default();
        assert_eq!(rules.points_for(19_999), 199);
        assert_eq!(rules.points_for(-500), 0);
        let double = LoyaltyRules {
            points_per_unit: 2.5,
            ..rules.clone()
        };
        assert_eq!(double.with_multiplier(1.5).points_for(10_000), 375);
        assert_eq!(double.points_for(10_000), 250);
        assert_eq!(rules.window_millis(), 14 * DAY_MILLIS);
    }

    #[test]
    fn reversal() {
        assert_eq!(reversed_after(100, 10_000, 0), 0);
        assert_eq!(reversed_after(100, 10_000, 2_500), 25);
        assert_eq!(reversed_after(100, 10_000, 10_000), 100);
        assert_eq!(reversed_after(100, 10_000, 99_999), 100);
        assert_eq!(reversed_after(100, 0, 1), 100);
    }

    proptest! {
        /// However a refund is split, the reversals sum to the reversal of the whole, never
        /// exceed what was earned, and never go backwards.
        #[test]
        fn partial_refunds_add_up(eligible in 1i64..10_000_000, parts in proptest::collection::vec(0i64..2_000_000, 1..8), rate in 0.1f64..10.0) {
            let rules = LoyaltyRules { points_per_unit: rate, return_window_days: 14, ..LoyaltyRules::default() };
            let earned = rules.points_for(eligible);
            let mut refunded = 0;
            let mut reversed = 0;
            for p in &parts {
                refunded += p;
                let target = reversed_after(earned, eligible, refunded);
                prop_assert!(target >= reversed);
                prop_assert!(target <= earned);
                reversed = target;
            }
            prop_assert_eq!(reversed, reversed_after(earned, eligible, parts.iter().sum()));
            prop_assert_eq!(reversed_after(earned, eligible, eligible), earned);
        }
    }
}
