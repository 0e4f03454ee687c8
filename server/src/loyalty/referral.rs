//! Referrals (`loyalty.referral`): every customer has a referral code, and the first
//! order of a shopper who arrives with one credits both sides once. Pure: codes,
//! e-mail normalisation and the credit decision; the store gathers the facts inside the
//! order's transaction.
//!
//! **Codes** are `HMAC-SHA256(customerTokenSecret, "referral\x1f" site "\x1f" customer)`,
//! the first 80 bits in RFC 4648 base32 (16 characters, `A-Z2-7`): the same on every
//! collector instance without coordination, and unguessable without the site's secret.
//! They are upper case because Shopify and WooCommerce treat discount codes
//! case-insensitively; codes are compared after [`normalize_code`]. The store records each
//! code the first time it is shown (`GET loyalty/me`), so that an order can name it.
//!
//! **Rules.** A referral is the converting order (`{platform}:{order id}` is its id, so it
//! is credited at most once). It is rejected when the code is unknown, when the referee is
//! the referrer (same customer id, or same e-mail after [`normalize_email`]), when the
//! referee was referred before (by customer id or e-mail), or when the referee had ordered
//! before. Both credits are pending like the order's points and become spendable with them.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Length of a referral code.
pub const CODE_LEN: usize = 16;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The referral rule of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRule {
    /// Points for the customer whose code was used.
    pub referrer_points: i64,
    /// Points for the referred shopper.
    pub referee_points: i64,
    /// The link shown to customers: a URL with `{code}` where the code goes.
    pub link: Option<String>,
}

impl ReferralRule {
    /// The link for `code`, when the site configured one.
    pub fn link_for(&self, code: &str) -> Option<String> {
        self.link.as_ref().map(|l| l.replace("{code}", code))
    }
}

/// The referral code of `customer` on `site`.
pub fn code_for(secret: &[u8], site: &str, customer: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(b"referral\x1f");
    mac.update(site.as_bytes());
    mac.update(b"\x1f");
    mac.update(customer.as_bytes());
    let digest = mac.finalize().into_bytes();
    // 10 bytes = 80 bits = 16 base32 digits of 5 bits.
    let mut bits: u128 = 0;
    for b in &digest[..10] {
        bits = (bits << 8) | u128::from(*b);
    }
    (0..CODE_LEN)
        .rev()
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect()
}

/// A code as a shopper or a platform may send it (spaces, lower case) in its stored form;
/// `None` when it cannot be a referral code.
pub fn normalize_code(text: &str) -> Option<String> {
    let code: String = text.trim().to_ascii_uppercase();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// An e-mail address in the form used to recognise the same person: trimmed, lower case,
/// without a `+tag`, and for Gmail without dots in the local part. `None` when it is not
/// an address.
pub fn normalize_email(text: &str) -> Option<String> {
    let lower = text.trim().to_lowercase();
    let (local, domain) = lower.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or_default();
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let domain = match domain {
        "googlemail.com" => "gmail.com",
        d => d,
    };
    let local = if domain == "gmail.com" {
        local.replace('.', "")
    } else {
        local.to_owned()
    };
    Some(format!("{local}@{domain}"))
}

/// What the store knows about a referral when the referee's order earns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFacts<'a> {
    /// The referee (the order's customer).
    pub referee: &'a str,
    /// The referee's e-mail, normalised.
    pub referee_email: Option<&'a str>,
    /// The customer the code belongs to, if the code is known.
    pub referrer: Option<&'a str>,
    /// The referrer's known e-mails, normalised.
    pub referrer_emails: &'a [String],
    /// The referee (by customer id or e-mail) has another paid order on record.
    pub referee_has_prior_orders: bool,
    /// The referee (by customer id or e-mail) was referred before.
    pub referee_already_referred: bool,
}

/// Why a referral earns nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferralRejection {
    /// No customer has this code.
    #[error("unknown_code")]
    UnknownCode,
    /// The referee is the referrer (same customer id or e-mail).
    #[error("self_referral")]
    SelfReferral,
    /// This shopper was referred before.
    #[error("repeat_referral")]
    Repeat,
    /// This shopper had ordered before: the order is not a first order.
    #[error("not_first_order")]
    NotFirstOrder,
}

/// What a converting referral credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralCredit {
    /// The referrer.
    pub referrer: String,
    /// Points for the referrer.
    pub referrer_points: i64,
    /// Points for the referee.
    pub referee_points: i64,
}

/// Decides a referral under `rule`.
pub fn decide(
    rule: &ReferralRule,
    facts: &ReferralFacts<'_>,
) -> Result<ReferralCredit, ReferralRejection> {
    let referrer = facts.referrer.ok_or(ReferralRejection::UnknownCode)?;
    let same_email = facts
        .referee_email
        .is_some_and(|e| facts.referrer_emails.iter().any(|r| r == e));
    if referrer == facts.referee || same_email {
        return Err(ReferralRejection::SelfReferral);
    }
    if facts.referee_already_referred {
        return Err(ReferralRejection::Repeat);
    }
    if facts.referee_has_prior_orders {
        return Err(ReferralRejection::NotFirstOrder);
    }
    Ok(ReferralCredit {
        referrer: referrer.to_owned(),
        referrer_points: rule.referrer_points.max(0),
        referee_points: rule.referee_points.max(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULE: ReferralRule = ReferralRule {
        referrer_points: 500,
        referee_points: 250,
        link: None,
    };

    fn facts<'a>() -> ReferralFacts<'a> {
        ReferralFacts {
            referee: "new",
            referee_email: Some("new@shop.example"),
            referrer: Some("old"),
            referrer_emails: &[],
            referee_has_prior_orders: false,
            referee_already_referred: false,
        }
    }

    #[test]
    fn codes_are_stable_distinct_and_normalised() {
        let a = code_for(b"secret", "demo", "c1");
        assert_eq!(a, code_for(b"secret", "demo", "c1"));
        assert_eq!(a.len(), CODE_LEN);
        assert_ne!(a, code_for(b"secret", "demo", "c2"));
        assert_ne!(a, code_for(b"secret", "other", "c1"));
        assert_ne!(a, code_for(b"another", "demo", "c1"));
        assert_eq!(
            normalize_code(&format!(" {} ", a.to_lowercase())),
            Some(a.clone())
        );
        assert_eq!(normalize_code("SHORT"), None);
        assert_eq!(normalize_code("AAAAAAAAAAAAAAA1"), None);
        let rule = ReferralRule {
            link: Some("https://shop.example/?ref={code}".into()),
            ..RULE
        };
        assert_eq!(
            rule.link_for("ABC").as_deref(),
            Some("https://shop.example/?ref=ABC")
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email(" Jon.Doe+shop@GMail.com ").as_deref(),
            Some("jondoe@gmail.com")
        );
        assert_eq!(
            normalize_email("jon.doe@googlemail.com").as_deref(),
            Some("jondoe@gmail.com")
        );
        assert_eq!(
            normalize_email("Jon.Doe+x@Example.com").as_deref(),
            Some("jon.doe@example.com")
        );
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("+tag@example.com"), None);
    }

    #[test]
    fn credits_a_first_order() {
        assert_eq!(
            decide(&RULE, &facts()),
            Ok(ReferralCredit {
                referrer: "old".into(),
                referrer_points: 500,
                referee_points: 250
            })
        );
    }

    #[test]
    fn abuse_is_rejected() {
        let unknown = ReferralFacts {
            referrer: None,
            ..facts()
        };
        assert_eq!(decide(&RULE, &unknown), Err(ReferralRejection::UnknownCode));
        let same_id = ReferralFacts {
            referrer: Some("new"),
            ..facts()
        };
        assert_eq!(
            decide(&RULE, &same_id),
            Err(ReferralRejection::SelfReferral)
        );
        let emails = ["new@shop.example".to_owned()];
        let same_email = ReferralFacts {
            referrer_emails: &emails,
            ..facts()
        };
        assert_eq!(
            decide(&RULE, &same_email),
            Err(ReferralRejection::SelfReferral)
        );
        let repeat = ReferralFacts {
            referee_already_referred: true,
            ..facts()
        };
        assert_eq!(decide(&RULE, &repeat), Err(ReferralRejection::Repeat));
        let returning = ReferralFacts {
            referee_has_prior_orders: true,
            ..facts()
        };
        assert_eq!(
            decide(&RULE, &returning),
            Err(ReferralRejection::NotFirstOrder)
        );
    }

    proptest! {
        #[test]
        fn every_code_normalises_to_itself(site in "[a-z]{1,8}", customer in ".{1,40}") {
            let code = code_for(b"0123456789abcdef0123456789abcdef", &site, &customer);
            prop_assert_eq!(normalize_code(&code), Some(code.clone()));
        }
    }
}
