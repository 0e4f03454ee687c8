//! The sentences the panel builds from the view model, in the words of a [`Strings`]
//! table (English built in, the other locales from their files: see [`crate::i18n`]).

use crate::error::PanelError;
use crate::format::Format;
use crate::model::{Activity, Earn, NextTier, Reward, RewardKind, Tier};
use crate::prelude::*;

pub use crate::i18n::{Strings, EN};

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

/// What a reward gives, in words.
pub fn reward_name(s: &Strings, f: &dyn Format, r: &Reward) -> String {
    match &r.kind {
        RewardKind::FixedAmount(amount) => fill(s.amount_off, amount, ""),
        RewardKind::Percentage(p) => fill(s.percent_off, &f.number(*p), ""),
        RewardKind::FreeShipping => s.free_shipping.into(),
        RewardKind::FreeProduct(product) => fill(s.free_product, product, ""),
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
pub fn earn_line(s: &Strings, f: &dyn Format, e: &Earn) -> String {
    match e {
        Earn::Order(rate) if *rate == 1.0 => s.per_spent_one.into(),
        Earn::Order(rate) => fill(s.per_spent, &f.number(*rate), ""),
        Earn::SurveyAnswer(points, days) => fill(s.for_survey, &f.int(*points), &f.int(*days)),
        Earn::Referral(referrer, _) => fill(s.for_referral, &f.int(*referrer), ""),
    }
}

/// The tier progress sentence and the filled share of the bar (0–100).
pub fn progress(s: &Strings, f: &dyn Format, tier: &Tier, next: Option<&NextTier>) -> (String, u8) {
    let Some(next) = next else {
        return (s.top_tier.into(), 100);
    };
    let needed = if tier.by_spend {
        fill(s.to_next_spend, &f.amount(next.remaining), &next.name)
    } else {
        fill(s.to_next, &f.int(next.remaining), &next.name)
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
pub fn activity_label(s: &Strings, a: &Activity) -> &'static str {
    match a.kind.as_str() {
        "order" => s.act_order,
        "refund" => s.act_refund,
        "cancel" => s.act_cancel,
        "redemption" => s.act_redemption,
        "adjustment" => s.act_adjustment,
        "expiry" => s.act_expiry,
        "answer" => s.act_answer,
        "referral" => s.act_referral,
        "referral_reversal" => s.act_referral_reversal,
        _ => s.act_points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Plain;
    use crate::model::tests::me;

    #[test]
    fn sentences() {
        let me = me();
        let names: Vec<String> = me
            .rewards
            .iter()
            .map(|r| reward_name(&EN, &Plain, r))
            .collect();
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
        assert_eq!(
            earn_line(&EN, &Plain, &me.earn[0]),
            "1 point per 1.00 spent"
        );
        assert_eq!(
            earn_line(&EN, &Plain, &Earn::Order(1.5)),
            "1.5 points per 1.00 spent"
        );
        assert_eq!(activity_label(&EN, &me.activity[0]), "Reward redeemed");
    }

    #[test]
    fn progress_to_the_next_tier() {
        let me = me();
        let tier = me.tier.as_ref().expect("tier");
        // Gold at 1,500 with 800 still needed: 700 of 1,500 done.
        assert_eq!(
            progress(&EN, &Plain, tier, me.next_tier.as_ref()),
            ("800 more points to reach Gold".into(), 46)
        );
        assert_eq!(progress(&EN, &Plain, tier, None), (EN.top_tier.into(), 100));
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
            progress(&EN, &Plain, &spend, Some(&next)),
            ("Spend 600.00 more to reach Gold".into(), 0)
        );
    }

    #[test]
    fn sentences_in_another_locale_use_its_words_and_numbers() {
        use rapport::core::i18n::Locale;
        /// A stand-in for the browser's `Intl` in German: `.` groups thousands, `,` marks
        /// decimals.
        struct German;
        impl Format for German {
            fn int(&self, n: i64) -> String {
                if n == 1500 {
                    "1.500".into()
                } else {
                    Plain.int(n)
                }
            }
            fn amount(&self, h: i64) -> String {
                Plain.amount(h).replace('.', ",")
            }
            fn number(&self, v: f64) -> String {
                Plain.number(v).replace('.', ",")
            }
            fn date(&self, at: &str) -> String {
                Plain.date(at)
            }
        }
        let de = crate::i18n::table(Locale::De);
        assert_eq!(
            earn_line(de, &German, &Earn::Order(1.5)),
            "1,5 Punkte pro ausgegebene 1,00"
        );
        assert_eq!(
            earn_line(de, &German, &Earn::Referral(1500, 100)),
            "1.500 Punkte für jede geworbene Person"
        );
        let me = me();
        let tier = me.tier.as_ref().expect("tier");
        let spend = Tier {
            by_spend: true,
            ..tier.clone()
        };
        let next = NextTier {
            name: "Gold".into(),
            threshold: 50_000,
            remaining: 12_345,
        };
        assert_eq!(
            progress(de, &German, &spend, Some(&next)).0,
            "Noch 123,45 ausgeben bis Gold"
        );
    }
}
