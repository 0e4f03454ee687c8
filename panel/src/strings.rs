//! The panel's words (English, built in) and the sentences it builds from the view model.
//!
//! One typed table, [`Strings`], so a missing word is a compile error; another locale is
//! one more table of the same type (delivered as a locale file like the widget's,
//! `widget/locales/<tag>.json`, when one is added). Only English exists today; the panel's
//! layout follows the page's direction (right to left for Arabic and Hebrew) regardless.

use rapport::core::json::num_to_string;
use rapport::core::msg::{cat, int, push_uint, push_uint_padded};

use crate::error::PanelError;
use crate::model::{Activity, Earn, NextTier, Reward, RewardKind, Tier};
use crate::prelude::*;

/// Every fixed text of the panel.
#[derive(Debug, PartialEq, Eq)]
pub struct Strings {
    /// The dialog's title.
    pub title: &'static str,
    /// The close button's label.
    pub close: &'static str,
    /// While `loyalty/me` loads.
    pub loading: &'static str,
    /// The balance heading.
    pub balance: &'static str,
    /// After the spendable points.
    pub points: &'static str,
    /// Pending points, `{}` = their number.
    pub pending: &'static str,
    /// Next expiry, `{1}` = points, `{2}` = date.
    pub expiring: &'static str,
    /// The tier heading.
    pub tier: &'static str,
    /// Progress, `{1}` = still needed, `{2}` = the next tier.
    pub to_next: &'static str,
    /// Progress by spend, `{1}` = amount still needed, `{2}` = the next tier.
    pub to_next_spend: &'static str,
    /// The top tier reached.
    pub top_tier: &'static str,
    /// The progress bar's label.
    pub progress: &'static str,
    /// The ways-to-earn heading.
    pub earn: &'static str,
    /// The rewards heading.
    pub rewards: &'static str,
    /// A reward's button.
    pub redeem: &'static str,
    /// Tier-only reward, `{}` = tier.
    pub tier_only: &'static str,
    /// Confirmation question, `{1}` = reward, `{2}` = points.
    pub confirm: &'static str,
    /// Confirm button.
    pub yes: &'static str,
    /// Cancel button.
    pub cancel: &'static str,
    /// While redeeming.
    pub redeeming: &'static str,
    /// Above the issued code.
    pub your_code: &'static str,
    /// Copy button.
    pub copy: &'static str,
    /// After a copy.
    pub copied: &'static str,
    /// Back to the rewards.
    pub back: &'static str,
    /// A redemption the balance does not cover (the collector's 409).
    pub short: &'static str,
    /// Any other refused or failed redemption.
    pub not_redeemed: &'static str,
    /// The referral heading.
    pub refer: &'static str,
    /// The referral explanation, `{1}` = your points, `{2}` = theirs.
    pub refer_text: &'static str,
    /// Share button.
    pub share: &'static str,
    /// The activity heading.
    pub activity: &'static str,
    /// No activity yet.
    pub no_activity: &'static str,
    /// Pending marker of an activity entry.
    pub pending_mark: &'static str,
    /// Anonymous shopper's heading.
    pub join_title: &'static str,
    /// Anonymous shopper's text.
    pub join_text: &'static str,
    /// Join link.
    pub join: &'static str,
    /// Sign-in link.
    pub sign_in: &'static str,
    /// Something failed.
    pub failed: &'static str,
    /// Retry button.
    pub retry: &'static str,
}

/// The English table.
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
    short: "You do not have enough points for this reward right now.",
    not_redeemed: "This reward could not be redeemed. Please try again later.",
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
};

/// `template` with `{}` or `{1}` replaced by `a` and `{2}` by `b`.
///
/// A byte loop with checked slicing (`{` and `}` are ASCII, so every offset it cuts at is a
/// character boundary): no panicking path, so no panic message formatting reaches the wasm
/// (`str::replace` brought `slice_error_fail` and its formatting code).
pub fn fill(template: &str, a: &str, b: &str) -> String {
    let mut out = String::with_capacity(template.len() + a.len() + b.len());
    let bytes = template.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(&c) = bytes.get(i) {
        let value = match (c, bytes.get(i + 1), bytes.get(i + 2)) {
            (b'{', Some(b'}'), _) => Some((a, 2)),
            (b'{', Some(b'1'), Some(b'}')) => Some((a, 3)),
            (b'{', Some(b'2'), Some(b'}')) => Some((b, 3)),
            _ => None,
        };
        match value {
            Some((value, len)) => {
                out.push_str(template.get(start..i).unwrap_or(""));
                out.push_str(value);
                i += len;
                start = i;
            }
            None => i += 1,
        }
    }
    out.push_str(template.get(start..).unwrap_or(""));
    out
}

/// The date part of an RFC 3339 timestamp (`2027-12-01T00:00:00Z` → `2027-12-01`).
pub fn date(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// A whole number of points with its sign when asked (`+80`, `-300`).
pub fn signed(points: i64) -> String {
    if points > 0 {
        cat(&["+", &int(points)])
    } else {
        int(points)
    }
}

/// Hundredths of the currency as a decimal amount (`1234` → `12.34`).
pub fn hundredths(v: i64) -> String {
    let mut out = String::from(if v < 0 { "-" } else { "" });
    let v = v.unsigned_abs();
    push_uint(&mut out, v / 100);
    out.push('.');
    push_uint_padded(&mut out, v % 100, 2);
    out
}

/// What a reward gives, in words.
pub fn reward_name(r: &Reward) -> String {
    match &r.kind {
        RewardKind::FixedAmount(amount) => cat(&[amount, " off"]),
        RewardKind::Percentage(p) => cat(&[&num_to_string(*p), "% off"]),
        RewardKind::FreeShipping => "Free shipping".into(),
        RewardKind::FreeProduct(product) => cat(&["Free product (", product, ")"]),
        RewardKind::Other => r.id.clone(),
    }
}

/// What the shopper reads beside a reward the collector did not redeem.
pub fn refusal<'s>(s: &'s Strings, error: &PanelError) -> &'s str {
    match error {
        PanelError::Collector { status: 409, .. } => s.short,
        _ => s.not_redeemed,
    }
}

/// One way to earn, in words.
pub fn earn_line(e: &Earn) -> String {
    match e {
        Earn::Order(rate) if *rate == 1.0 => "1 point per 1.00 spent".into(),
        Earn::Order(rate) => cat(&[&num_to_string(*rate), " points per 1.00 spent"]),
        Earn::SurveyAnswer(points, days) => cat(&[
            &int(*points),
            " points for answering a survey (once per survey every ",
            &int(*days),
            " days)",
        ]),
        Earn::Referral(referrer, _) => cat(&[&int(*referrer), " points for referring a friend"]),
    }
}

/// The tier progress sentence and the filled share of the bar (0–100).
pub fn progress(s: &Strings, tier: &Tier, next: Option<&NextTier>) -> (String, u8) {
    let Some(next) = next else {
        return (s.top_tier.into(), 100);
    };
    let needed = if tier.by_spend {
        fill(s.to_next_spend, &hundredths(next.remaining), &next.name)
    } else {
        fill(s.to_next, &int(next.remaining), &next.name)
    };
    let done = (next.threshold - next.remaining).max(0);
    let share = if next.threshold <= 0 {
        100
    } else {
        (done.saturating_mul(100) / next.threshold).clamp(0, 100)
    };
    (needed, share as u8)
}

/// An activity entry, in words (`Order`, `Reward redeemed`, ...).
pub fn activity_label(a: &Activity) -> &'static str {
    match a.kind.as_str() {
        "order" => "Order",
        "refund" => "Refund",
        "cancel" => "Order cancelled",
        "redemption" => "Reward redeemed",
        "adjustment" => "Adjustment",
        "expiry" => "Points expired",
        "answer" => "Survey answered",
        "referral" => "Referral",
        "referral_reversal" => "Referral reversed",
        _ => "Points",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::me;

    #[test]
    fn sentences() {
        let me = me();
        let names: Vec<String> = me.rewards.iter().map(reward_name).collect();
        assert_eq!(
            names,
            [
                "5.00 off",
                "10% off",
                "Free shipping",
                "Free product (sku-mug)"
            ]
        );
        assert_eq!(
            fill(EN.confirm, "5.00 off", "500"),
            "Redeem 5.00 off for 500 points?"
        );
        assert_eq!(fill(EN.pending, "80", ""), "80 pending");
        // Numbered places in any order (a translation may reorder them), text around them
        // kept byte for byte, and braces that are no placeholder left as they are.
        assert_eq!(fill("{2} — {1}", "a", "b"), "b — a");
        assert_eq!(fill("ä{1}ö{2}ü", "x", "y"), "äxöyü");
        assert_eq!(fill("{3} {", "x", "y"), "{3} {");
        assert_eq!(fill("{1}{1}", "x", ""), "xx");
        assert_eq!(date("2027-12-01T00:00:00Z"), "2027-12-01");
        assert_eq!(date("x"), "x");
        assert_eq!(
            (signed(80), signed(-300), signed(0)),
            ("+80".into(), "-300".into(), "0".into())
        );
        assert_eq!(hundredths(-1234), "-12.34");
        assert_eq!(earn_line(&me.earn[0]), "1 point per 1.00 spent");
        assert_eq!(earn_line(&Earn::Order(1.5)), "1.5 points per 1.00 spent");
        assert_eq!(activity_label(&me.activity[0]), "Reward redeemed");
    }

    #[test]
    fn progress_to_the_next_tier() {
        let me = me();
        let tier = me.tier.as_ref().expect("tier");
        // Gold at 1,500 with 800 still needed: 700 of 1,500 done.
        assert_eq!(
            progress(&EN, tier, me.next_tier.as_ref()),
            ("800 more points to reach Gold".into(), 46)
        );
        assert_eq!(progress(&EN, tier, None), (EN.top_tier.into(), 100));
        let spend = Tier {
            by_spend: true,
            ..tier.clone()
        };
        let next = NextTier {
            name: "Gold".into(),
            threshold: 50_000,
            remaining: 60_000,
        };
        // More remaining than the threshold (a reversal): the bar is empty, never negative.
        assert_eq!(
            progress(&EN, &spend, Some(&next)),
            ("Spend 600.00 more to reach Gold".into(), 0)
        );
    }
}
