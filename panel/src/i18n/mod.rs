//! The panel's own words in every supported locale: one typed table, [`Strings`], per
//! locale (a missing word is a compile error).
//!
//! English ([`EN`]) is compiled into the panel. The other eight tables ([`table`],
//! `tables.rs`) are compiled natively only: the build writes each one as a locale file,
//! `dist/loyalty/locales/<tag>.json` ([`file`]), and the panel fetches the one its page
//! wants when it opens (the machine waits for it, at most
//! [`crate::machine::LOCALE_FILE_WAIT_MS`]). Templates: `{}` or `{1}` is the first value,
//! `{2}` the second (see [`crate::strings::fill`]).

pub mod file;
#[cfg(not(target_arch = "wasm32"))]
mod tables;

#[cfg(not(target_arch = "wasm32"))]
use rapport::core::i18n::Locale;

/// Declares [`Strings`] and the list of its keys from one field list, so the locale file's
/// keys can never drift from the table.
macro_rules! strings {
    ($( $(#[doc = $doc:expr])* $field:ident, )*) => {
        /// Every fixed text of the panel.
        #[derive(Debug, PartialEq, Eq)]
        pub struct Strings {
            $( $(#[doc = $doc])* pub $field: &'static str, )*
        }

        /// The keys of a locale file: the field names, in field order.
        pub const KEYS: &[&str] = &[$(stringify!($field)),*];

        impl Strings {
            /// The texts in the order of [`KEYS`].
            pub fn values(&self) -> Vec<&'static str> {
                vec![$(self.$field),*]
            }

            /// The table of these texts, in the order of [`KEYS`] (`None`: not one per key).
            pub fn from_values(values: &[&'static str]) -> Option<Strings> {
                let [$($field),*] = values else {
                    return None;
                };
                Some(Strings { $($field: *$field,)* })
            }
        }
    };
}

use crate::prelude::*;

strings! {
    /// The dialog's title.
    title,
    /// The close button's label.
    close,
    /// While `loyalty/me` loads.
    loading,
    /// The balance heading.
    balance,
    /// After the spendable points.
    points,
    /// Pending points, `{}` = their number.
    pending,
    /// Next expiry, `{1}` = points, `{2}` = date.
    expiring,
    /// The tier heading.
    tier,
    /// Progress, `{1}` = still needed, `{2}` = the next tier.
    to_next,
    /// Progress by spend, `{1}` = amount still needed, `{2}` = the next tier.
    to_next_spend,
    /// The top tier reached.
    top_tier,
    /// The progress bar's label.
    progress,
    /// The ways-to-earn heading.
    earn,
    /// The rewards heading.
    rewards,
    /// A reward's button.
    redeem,
    /// Tier-only reward, `{}` = tier.
    tier_only,
    /// Confirmation question, `{1}` = reward, `{2}` = points.
    confirm,
    /// Confirm button.
    yes,
    /// Cancel button.
    cancel,
    /// While redeeming.
    redeeming,
    /// Above the issued code.
    your_code,
    /// Copy button.
    copy,
    /// After a copy.
    copied,
    /// Back to the rewards.
    back,
    /// The referral heading.
    refer,
    /// The referral explanation, `{1}` = your points, `{2}` = theirs.
    refer_text,
    /// Share button.
    share,
    /// The activity heading.
    activity,
    /// No activity yet.
    no_activity,
    /// Pending marker of an activity entry.
    pending_mark,
    /// Anonymous shopper's heading.
    join_title,
    /// Anonymous shopper's text.
    join_text,
    /// Join link.
    join,
    /// Sign-in link.
    sign_in,
    /// Something failed.
    failed,
    /// Retry button.
    retry,
    /// A fixed-amount reward, `{}` = the amount.
    amount_off,
    /// A percentage reward, `{}` = the percentage.
    percent_off,
    /// The free-shipping reward.
    free_shipping,
    /// A free-product reward, `{}` = the product.
    free_product,
    /// Earning by order, `{}` = points per 1.00 spent.
    per_spent,
    /// Earning by survey, `{1}` = points, `{2}` = days between two answers to one survey.
    for_survey,
    /// Earning by referral, `{}` = the referrer's points.
    for_referral,
    /// Activity: an order.
    act_order,
    /// Activity: a refund.
    act_refund,
    /// Activity: a cancelled order.
    act_cancel,
    /// Activity: a redeemed reward.
    act_redemption,
    /// Activity: a manual adjustment.
    act_adjustment,
    /// Activity: expired points.
    act_expiry,
    /// Activity: an answered survey.
    act_answer,
    /// Activity: a referral.
    act_referral,
    /// Activity: a reversed referral.
    act_referral_reversal,
    /// Activity of any other kind.
    act_points,
    /// A redemption the balance does not cover (the collector's 409).
    short,
    /// Any other refused or failed redemption.
    not_redeemed,
    /// Earning by order at exactly one point per 1.00 spent.
    per_spent_one,
}

/// The English table, built in.
pub const EN: Strings = Strings {
    title: "Rewards",
    close: "Close",
    loading: "Loading your rewards…",
    balance: "Your points",
    points: "points",
    pending: "{} pending",
    expiring: "{1} points expire on {2}",
    tier: "Your tier",
    to_next: "{1} more points to reach {2}",
    to_next_spend: "Spend {1} more to reach {2}",
    top_tier: "You have reached the top tier",
    progress: "Progress to the next tier",
    earn: "Ways to earn",
    rewards: "Rewards",
    redeem: "Redeem",
    tier_only: "{} tier and above",
    confirm: "Redeem {1} for {2} points?",
    yes: "Yes, redeem",
    cancel: "Cancel",
    redeeming: "Redeeming…",
    your_code: "Your code",
    copy: "Copy",
    copied: "Copied",
    back: "Back to rewards",
    refer: "Refer a friend",
    refer_text: "You get {1} points and your friend gets {2} when they place their first order.",
    share: "Share",
    activity: "Activity",
    no_activity: "No activity yet.",
    pending_mark: "pending",
    join_title: "Join our rewards programme",
    join_text: "Earn points on every order, then spend them on rewards.",
    join: "Join now",
    sign_in: "Sign in",
    failed: "Your rewards could not be loaded.",
    retry: "Try again",
    amount_off: "{} off",
    percent_off: "{}% off",
    free_shipping: "Free shipping",
    free_product: "Free product ({})",
    per_spent: "{} points per 1.00 spent",
    for_survey: "{1} points for answering a survey (once per survey every {2} days)",
    for_referral: "{} points for referring a friend",
    act_order: "Order",
    act_refund: "Refund",
    act_cancel: "Order cancelled",
    act_redemption: "Reward redeemed",
    act_adjustment: "Adjustment",
    act_expiry: "Points expired",
    act_answer: "Survey answered",
    act_referral: "Referral",
    act_referral_reversal: "Referral reversed",
    act_points: "Points",
    short: "You do not have enough points for this reward right now.",
    not_redeemed: "This reward could not be redeemed. Please try again later.",
    per_spent_one: "1 point per 1.00 spent",
};

/// The table of `locale` (native builds: what the build writes as locale files).
#[cfg(not(target_arch = "wasm32"))]
pub fn table(locale: Locale) -> &'static Strings {
    match locale {
        Locale::En => &EN,
        Locale::Es => &tables::ES,
        Locale::Fr => &tables::FR,
        Locale::De => &tables::DE,
        Locale::Nl => &tables::NL,
        Locale::Pt => &tables::PT,
        Locale::Ca => &tables::CA,
        Locale::Ar => &tables::AR,
        Locale::He => &tables::HE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `{…}` placeholder of a template, in order of appearance.
    fn placeholders(template: &str) -> Vec<&str> {
        template
            .match_indices('{')
            .filter_map(|(i, _)| template[i..].find('}').map(|end| &template[i..=i + end]))
            .collect()
    }

    #[test]
    fn every_locale_has_every_text_with_the_same_placeholders() {
        let english = EN.values();
        for locale in Locale::ALL {
            let values = table(locale).values();
            assert_eq!(values.len(), KEYS.len(), "{locale:?}");
            for ((key, text), en) in KEYS.iter().zip(&values).zip(&english) {
                assert!(!text.trim().is_empty(), "{locale:?}: {key} is empty");
                let mut theirs = placeholders(text);
                let mut ours = placeholders(en);
                theirs.sort_unstable();
                ours.sort_unstable();
                assert_eq!(theirs, ours, "{locale:?}: {key} = {text:?}");
            }
            if locale != Locale::En {
                // A real translation, not English copied over: most texts differ.
                let same = values.iter().zip(&english).filter(|(a, b)| a == b).count();
                assert!(
                    same * 5 < KEYS.len(),
                    "{locale:?}: {same} texts are English"
                );
            }
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut keys = KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), KEYS.len());
    }
}
