//! The parts of a site's `loyalty` configuration beyond the earning rules: `expiry`,
//! `tiers`, `rewards` and `outboundWebhook`, read from JSON into the pure rule types, with
//! errors naming the member at fault (the collector's config module adds the path prefix).

use serde_json::{Map, Value};

use super::expiry::ExpiryPolicy;
use super::money::parse_hundredths;
use super::outbound::OutboundWebhook;
use super::rewards::{Reward, RewardKind};
use super::signature::standard_key;
use super::tiers::{Tier, TierBasis, Tiers};
use crate::scoring::audience;

/// A member that is missing or wrong: its path below `loyalty` and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingError {
    /// Path below `loyalty`, e.g. `tiers.levels[1].threshold`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// An error at `field`.
pub fn err(field: impl Into<String>, message: impl Into<String>) -> SettingError {
    SettingError {
        field: field.into(),
        message: message.into(),
    }
}

/// Refuses the first member of `obj` not in `known`, naming it.
pub fn only_known(at: &str, obj: &Map<String, Value>, known: &[&str]) -> Result<(), SettingError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(err(
            format!("{at}.{key}"),
            format!("unknown key; expected one of {}", known.join(", ")),
        )),
    }
}

/// `v` as an object, or an error naming `at`.
pub fn object<'a>(
    at: &str,
    v: &'a Value,
    shape: &str,
) -> Result<&'a Map<String, Value>, SettingError> {
    v.as_object()
        .ok_or_else(|| err(at, format!("must be an object {shape}")))
}

/// A whole number from `min` to `max` at `obj[key]`.
pub fn whole(
    at: &str,
    obj: &Map<String, Value>,
    key: &str,
    min: u64,
    max: u64,
) -> Result<Option<u64>, SettingError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| {
                err(
                    format!("{at}.{key}"),
                    format!("must be a whole number from {min} to {max}"),
                )
            }),
    }
}

/// Members of `expiry`.
const EXPIRY_KEYS: &[&str] = &["inactivityDays"];

/// `expiry`: `{"inactivityDays": n}`, longer than the return window (so every point is
/// spendable before it can expire).
pub fn expiry(v: &Value, return_window_days: u32) -> Result<ExpiryPolicy, SettingError> {
    let obj = object("expiry", v, "{inactivityDays}")?;
    only_known("expiry", obj, EXPIRY_KEYS)?;
    let min = u64::from(return_window_days) + 1;
    let days = whole("expiry", obj, "inactivityDays", min, 3650)?.ok_or_else(|| {
        err(
            "expiry.inactivityDays",
            format!("must be a whole number from {min} to 3650 (longer than returnWindowDays)"),
        )
    })?;
    Ok(ExpiryPolicy {
        inactivity_days: days as u32,
    })
}

/// Members of `tiers`.
const TIERS_KEYS: &[&str] = &["basis", "windowDays", "levels"];
/// Members of one level.
const LEVEL_KEYS: &[&str] = &["name", "threshold", "multiplier"];

/// `tiers`: `{"basis": "points" | "spend", "windowDays": n, "levels": [{name, threshold,
/// multiplier}]}`; levels by strictly ascending threshold, the first at 0; a spend
/// threshold is a decimal amount (`"250.00"`), a points threshold a whole number.
pub fn tiers(v: &Value) -> Result<Tiers, SettingError> {
    let obj = object("tiers", v, "{basis, windowDays, levels}")?;
    only_known("tiers", obj, TIERS_KEYS)?;
    let basis = match obj.get("basis") {
        None => TierBasis::Points,
        Some(Value::String(b)) if b == "points" => TierBasis::Points,
        Some(Value::String(b)) if b == "spend" => TierBasis::Spend,
        Some(_) => return Err(err("tiers.basis", "must be \"points\" or \"spend\"")),
    };
    let window_days = whole("tiers", obj, "windowDays", 1, 3650)?.unwrap_or(365) as u32;
    let list = obj
        .get("levels")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty() && l.len() <= 20)
        .ok_or_else(|| err("tiers.levels", "must be an array of 1 to 20 levels"))?;
    let mut levels: Vec<Tier> = Vec::with_capacity(list.len());
    for (i, level) in list.iter().enumerate() {
        let at = format!("tiers.levels[{i}]");
        let l = object(&at, level, "{name, threshold, multiplier}")?;
        only_known(&at, l, LEVEL_KEYS)?;
        let name = match l.get("name") {
            Some(Value::String(n)) if !n.trim().is_empty() && n.chars().count() <= 60 => n.clone(),
            _ => {
                return Err(err(
                    format!("{at}.name"),
                    "must be a non-empty string of at most 60 characters",
                ))
            }
        };
        if levels.iter().any(|t| t.name == name) {
            return Err(err(
                format!("{at}.name"),
                format!("duplicate level {name:?}"),
            ));
        }
        let threshold = threshold(&format!("{at}.threshold"), l.get("threshold"), basis)?;
        let first = levels.is_empty();
        if first && threshold != 0 {
            return Err(err(
                format!("{at}.threshold"),
                "the first level's threshold must be 0",
            ));
        }
        if levels.last().is_some_and(|t| t.threshold >= threshold) {
            return Err(err(
                format!("{at}.threshold"),
                "thresholds must increase from level to level",
            ));
        }
        let multiplier = match l.get("multiplier") {
            None => 1.0,
            Some(m) => m
                .as_f64()
                .filter(|m| m.is_finite() && (0.0..=100.0).contains(m))
                .ok_or_else(|| err(format!("{at}.multiplier"), "must be a number from 0 to 100"))?,
        };
        levels.push(Tier {
            name,
            threshold,
            multiplier,
        });
    }
    Ok(Tiers {
        basis,
        window_days,
        levels,
    })
}

fn threshold(at: &str, v: Option<&Value>, basis: TierBasis) -> Result<i64, SettingError> {
    const MAX: i64 = 1_000_000_000_000;
    let parsed = match (basis, v) {
        (TierBasis::Points, Some(Value::Number(n))) => n.as_i64(),
        (TierBasis::Spend, Some(Value::String(s))) => parse_hundredths(s),
        (TierBasis::Spend, Some(Value::Number(n))) => parse_hundredths(&n.to_string()),
        _ => None,
    };
    parsed.filter(|t| (0..=MAX).contains(t)).ok_or_else(|| {
        err(
            at,
            match basis {
                TierBasis::Points => "must be a whole number of points ≥ 0",
                TierBasis::Spend => "must be a decimal amount ≥ 0 such as \"250.00\"",
            },
        )
    })
}

/// Members of a reward.
const REWARD_KEYS: &[&str] = &[
    "id", "kind", "points", "amount", "percent", "product", "tier", "segments",
];
/// Members of `outboundWebhook`.
const OUTBOUND_KEYS: &[&str] = &["url", "secret", "rootCertificate"];
/// Longest `outboundWebhook.rootCertificate` accepted, bytes.
const MAX_ROOT_CERTIFICATE: usize = 64 * 1024;

/// `rewards`: `[{id, kind, points, amount | percent | product, tier}]` where `kind` is
/// `fixedAmount` (with `amount`, a decimal), `percentage` (with `percent`, 1–100),
/// `freeShipping` or `freeProduct` (with `product`); `tier` names the lowest level of
/// `tiers` that may redeem it; `segments` (optional) the segments it is offered to, any
/// of which admits a customer (the ids of a survey `audience`).
pub fn rewards(v: &Value, tiers: Option<&Tiers>) -> Result<Vec<Reward>, SettingError> {
    let list = v
        .as_array()
        .filter(|l| l.len() <= 100)
        .ok_or_else(|| err("rewards", "must be an array of at most 100 rewards"))?;
    let mut out: Vec<Reward> = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let at = format!("rewards[{i}]");
        let obj = object(&at, r, "{id, kind, points, …}")?;
        only_known(&at, obj, REWARD_KEYS)?;
        let id = match obj.get("id") {
            Some(Value::String(id))
                if (1..=60).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                id.clone()
            }
            _ => {
                return Err(err(
                    format!("{at}.id"),
                    "must be 1 to 60 letters, digits, - or _",
                ))
            }
        };
        if out.iter().any(|o| o.id == id) {
            return Err(err(format!("{at}.id"), format!("duplicate reward {id:?}")));
        }
        let points = whole(&at, obj, "points", 1, 1_000_000_000)?.ok_or_else(|| {
            err(
                format!("{at}.points"),
                "must be a whole number from 1 to 1000000000",
            )
        })? as i64;
        let kind = match obj.get("kind").and_then(Value::as_str) {
            Some("fixedAmount") => {
                let amount = match obj.get("amount") {
                    Some(Value::String(a)) => parse_hundredths(a),
                    Some(Value::Number(n)) => parse_hundredths(&n.to_string()),
                    _ => None,
                }
                .filter(|a| *a > 0)
                .ok_or_else(|| {
                    err(
                        format!("{at}.amount"),
                        "must be a decimal amount > 0 such as \"5.00\"",
                    )
                })?;
                RewardKind::FixedAmount { amount }
            }
            Some("percentage") => RewardKind::Percentage {
                percent: whole(&at, obj, "percent", 1, 100)?.ok_or_else(|| {
                    err(
                        format!("{at}.percent"),
                        "must be a whole number from 1 to 100",
                    )
                })? as u32,
            },
            Some("freeShipping") => RewardKind::FreeShipping,
            Some("freeProduct") => match obj.get("product") {
                Some(Value::String(p)) if !p.trim().is_empty() && p.len() <= 200 => {
                    RewardKind::FreeProduct { product: p.clone() }
                }
                _ => {
                    return Err(err(
                        format!("{at}.product"),
                        "must be the store's product id or SKU (1 to 200 bytes)",
                    ))
                }
            },
            _ => {
                return Err(err(
                    format!("{at}.kind"),
                    "must be fixedAmount, percentage, freeShipping or freeProduct",
                ))
            }
        };
        // A member of another kind is a mistake, not a detail to ignore.
        for (key, used) in [
            ("amount", matches!(kind, RewardKind::FixedAmount { .. })),
            ("percent", matches!(kind, RewardKind::Percentage { .. })),
            ("product", matches!(kind, RewardKind::FreeProduct { .. })),
        ] {
            if !used && obj.contains_key(key) {
                return Err(err(
                    format!("{at}.{key}"),
                    format!("does not apply to kind {}", kind.as_str()),
                ));
            }
        }
        let min_tier = match obj.get("tier") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) if tiers.is_some_and(|ts| ts.index_of(t).is_some()) => {
                Some(t.clone())
            }
            Some(_) => {
                return Err(err(
                    format!("{at}.tier"),
                    "must name a level of tiers.levels",
                ))
            }
        };
        let segments = match obj.get("segments") {
            None => Vec::new(),
            Some(v) => {
                let names: Vec<String> = tiers
                    .map(|t| t.levels.iter().map(|l| l.name.clone()).collect())
                    .unwrap_or_default();
                audience::parse_segments(&format!("{at}.segments"), v, &names)
                    .map_err(|e| err(e.field, e.message))?
            }
        };
        out.push(Reward {
            id,
            kind,
            points,
            min_tier,
            segments,
        });
    }
    Ok(out)
}

/// `outboundWebhook`: `{"url": "https://…", "secret": "whsec_…", "rootCertificate": "-----BEGIN
/// CERTIFICATE-----…"}`; `http://` URLs are accepted too, and `rootCertificate` (optional)
/// is PEM text of certificates to trust besides the public web's authorities.
pub fn outbound(v: &Value) -> Result<OutboundWebhook, SettingError> {
    let obj = object("outboundWebhook", v, "{url, secret, rootCertificate}")?;
    only_known("outboundWebhook", obj, OUTBOUND_KEYS)?;
    let url = match obj.get("url") {
        Some(Value::String(u))
            if u.len() <= 2000
                && ["https://", "http://"].iter().any(|scheme| {
                    u.strip_prefix(scheme).is_some_and(|rest| {
                        !rest.is_empty()
                            && !rest.starts_with('/')
                            && !rest.contains(char::is_whitespace)
                    })
                })
                && u.parse::<axum::http::Uri>().is_ok() =>
        {
            u.clone()
        }
        _ => {
            return Err(err(
                "outboundWebhook.url",
                "must be an https:// (or http://) URL with a host",
            ))
        }
    };
    let root_certificate = match obj.get("rootCertificate") {
        None | Some(Value::Null) => None,
        Some(Value::String(pem))
            if pem.len() <= MAX_ROOT_CERTIFICATE
                && pem.contains("-----BEGIN CERTIFICATE-----")
                && pem.contains("-----END CERTIFICATE-----") =>
        {
            Some(pem.clone())
        }
        Some(_) => {
            return Err(err(
                "outboundWebhook.rootCertificate",
                "must be PEM text of one or more certificates (-----BEGIN CERTIFICATE-----), at most 64 KiB",
            ))
        }
    };
    let key = obj
        .get("secret")
        .and_then(Value::as_str)
        .and_then(|s| standard_key(s).ok())
        .filter(|k| k.len() >= 24)
        .ok_or_else(|| {
            err(
                "outboundWebhook.secret",
                "must be whsec_ followed by the base64 of at least 24 bytes",
            )
        })?;
    Ok(OutboundWebhook {
        url,
        key,
        root_certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rewards_and_outbound_are_checked() {
        let t = tiers(&json!({"levels": [{"name": "Bronze", "threshold": 0}, {"name": "Gold", "threshold": 10}]})).ok();
        let ok = rewards(
            &json!([
            {"id": "5-off", "kind": "fixedAmount", "points": 500, "amount": "5.00"},
            {"id": "pct", "kind": "percentage", "points": 900, "percent": 10},
            {"id": "ship", "kind": "freeShipping", "points": 300},
            {"id": "mug", "kind": "freeProduct", "points": 1200, "product": "sku-mug", "tier": "Gold"}]),
            t.as_ref(),
        );
        let ok = ok.unwrap_or_default();
        assert_eq!(ok.len(), 4);
        assert_eq!(ok[0].kind, RewardKind::FixedAmount { amount: 500 });
        assert_eq!(ok[3].min_tier.as_deref(), Some("Gold"));
        let offer = rewards(
            &json!([{"id": "wb", "kind": "freeShipping", "points": 1,
                "segments": ["at-risk", "tier:Gold"]}]),
            t.as_ref(),
        )
        .unwrap_or_default();
        assert_eq!(offer[0].segments, ["at-risk", "tier:Gold"]);
        let e = rewards(
            &json!([{"id": "a", "kind": "freeShipping", "points": 1},
                {"id": "b", "kind": "freeShipping", "points": 1, "segments": ["at-risk", "vip"]}]),
            t.as_ref(),
        )
        .err();
        assert_eq!(
            e.as_ref().map(|e| e.field.as_str()),
            Some("rewards[1].segments[1]")
        );
        assert!(e.is_some_and(|e| e
            .message
            .starts_with("unknown segment \"vip\" (known: at-risk")),);
        let field = |v: Value| rewards(&v, t.as_ref()).err().map(|e| e.field);
        assert_eq!(
            field(json!([{"id": "a b", "kind": "freeShipping", "points": 1}])).as_deref(),
            Some("rewards[0].id")
        );
        assert_eq!(
            field(json!([{"id": "a", "kind": "freeShipping", "points": 0}])).as_deref(),
            Some("rewards[0].points")
        );
        assert_eq!(
            field(json!([{"id": "a", "kind": "gift", "points": 1}])).as_deref(),
            Some("rewards[0].kind")
        );
        assert_eq!(
            field(json!([{"id": "a", "kind": "fixedAmount", "points": 1, "amount": "-1"}]))
                .as_deref(),
            Some("rewards[0].amount")
        );
        assert_eq!(
            field(json!([{"id": "a", "kind": "percentage", "points": 1, "percent": 101}]))
                .as_deref(),
            Some("rewards[0].percent")
        );
        assert_eq!(
            field(json!([{"id": "a", "kind": "freeShipping", "points": 1, "percent": 5}]))
                .as_deref(),
            Some("rewards[0].percent")
        );
        assert_eq!(
            field(json!([{"id": "a", "kind": "freeShipping", "points": 1, "tier": "Platinum"}]))
                .as_deref(),
            Some("rewards[0].tier")
        );
        assert_eq!(field(json!([{"id": "a", "kind": "freeShipping", "points": 1}, {"id": "a", "kind": "freeShipping", "points": 2}])).as_deref(), Some("rewards[1].id"));
        assert_eq!(
            field(json!([{"id": "a", "kind": "freeShipping", "points": 1, "cost": 2}])).as_deref(),
            Some("rewards[0].cost")
        );
        let hook = outbound(
            &json!({"url": "http://127.0.0.1:9/hooks", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}),
        );
        assert_eq!(hook.map(|h| h.key.len()), Ok(24));
        let field = |v: Value| outbound(&v).err().map(|e| e.field);
        assert_eq!(
            field(json!({"url": "ftp://x", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}))
                .as_deref(),
            Some("outboundWebhook.url")
        );
        assert_eq!(
            field(json!({"url": "http://x/y", "secret": "nope"})).as_deref(),
            Some("outboundWebhook.secret")
        );
        assert_eq!(field(json!({"url": "http://x/y", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "retries": 3})).as_deref(), Some("outboundWebhook.retries"));
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let tls = outbound(
            &json!({"url": "https://hooks.shop.example/rapport", "secret": secret, "rootCertificate": pem}),
        );
        assert_eq!(
            tls.map(|h| (h.url, h.root_certificate)),
            Ok((
                "https://hooks.shop.example/rapport".to_owned(),
                Some(pem.to_owned())
            ))
        );
        assert_eq!(
            field(json!({"url": "https://", "secret": secret})).as_deref(),
            Some("outboundWebhook.url")
        );
        assert_eq!(
            field(json!({"url": "https:///path", "secret": secret})).as_deref(),
            Some("outboundWebhook.url")
        );
        assert_eq!(
            field(json!({"url": "https://x/y", "secret": secret, "rootCertificate": "not pem"}))
                .as_deref(),
            Some("outboundWebhook.rootCertificate")
        );
        assert_eq!(
            field(json!({"url": "https://x/y", "secret": secret, "rootCertificate": 3})).as_deref(),
            Some("outboundWebhook.rootCertificate")
        );
    }

    #[test]
    fn tiers_are_checked() {
        let ok = tiers(&json!({"basis": "spend", "windowDays": 180, "levels": [
            {"name": "Bronze", "threshold": "0"},
            {"name": "Silver", "threshold": "250.00", "multiplier": 1.25}]}));
        let ok = ok.as_ref().map(|t| {
            (
                t.basis,
                t.window_days,
                t.levels[1].threshold,
                t.levels[1].multiplier,
                t.levels[0].multiplier,
            )
        });
        assert_eq!(ok, Ok((TierBasis::Spend, 180, 25_000, 1.25, 1.0)));
        let field = |v: Value| tiers(&v).err().map(|e| e.field);
        let lv = |levels: Value| json!({"levels": levels});
        assert_eq!(
            field(json!({"basis": "visits", "levels": []})).as_deref(),
            Some("tiers.basis")
        );
        assert_eq!(field(lv(json!([]))).as_deref(), Some("tiers.levels"));
        assert_eq!(
            field(lv(json!([{"name": "A", "threshold": 5}]))).as_deref(),
            Some("tiers.levels[0].threshold")
        );
        assert_eq!(
            field(lv(
                json!([{"name": "A", "threshold": 0}, {"name": "B", "threshold": 0}])
            ))
            .as_deref(),
            Some("tiers.levels[1].threshold")
        );
        assert_eq!(
            field(lv(
                json!([{"name": "A", "threshold": 0}, {"name": "A", "threshold": 9}])
            ))
            .as_deref(),
            Some("tiers.levels[1].name")
        );
        assert_eq!(
            field(lv(json!([{"name": "A", "threshold": 0, "multiplier": -1}]))).as_deref(),
            Some("tiers.levels[0].multiplier")
        );
        assert_eq!(
            field(lv(json!([{"name": "A", "threshold": 0, "perks": 1}]))).as_deref(),
            Some("tiers.levels[0].perks")
        );
        assert_eq!(
            field(json!({"levels": [{"name": "A", "threshold": 0}], "window": 3})).as_deref(),
            Some("tiers.window")
        );
        assert_eq!(
            field(json!({"levels": [{"name": "A", "threshold": 0}], "windowDays": 0})).as_deref(),
            Some("tiers.windowDays")
        );
    }

    #[test]
    fn expiry_is_checked() {
        assert_eq!(
            expiry(&json!({"inactivityDays": 365}), 14),
            Ok(ExpiryPolicy {
                inactivity_days: 365
            })
        );
        let field = |v: Value| expiry(&v, 14).err().map(|e| e.field);
        assert_eq!(
            field(json!({"inactivityDays": 14})).as_deref(),
            Some("expiry.inactivityDays")
        );
        assert_eq!(field(json!({})).as_deref(), Some("expiry.inactivityDays"));
        assert_eq!(field(json!({"days": 30})).as_deref(), Some("expiry.days"));
        assert_eq!(field(json!(30)).as_deref(), Some("expiry"));
    }
}
