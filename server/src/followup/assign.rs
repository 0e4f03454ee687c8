//! The holdout's assignment of a detractor response to a group: a keyed hash, so that the
//! assignment is random to anyone without the site's seed, yet reproducible by anyone with
//! it (the same seed and response id always give the same group, on every instance).
//!
//! `u = first 8 bytes of HMAC-SHA256(seed, site ‖ 0x00 ‖ response id)` read as a big-endian
//! integer and divided by 2⁶⁴ is uniform on [0, 1); the response is held out when
//! `u < share`.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// The two arms of the experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Gets no follow-up (unless an agent overrides).
    Holdout,
    /// May be followed up.
    Treatment,
}

impl Group {
    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Holdout => "holdout",
            Group::Treatment => "treatment",
        }
    }

    /// The group named `s`, if any.
    pub fn parse(s: &str) -> Option<Group> {
        match s {
            "holdout" => Some(Group::Holdout),
            "treatment" => Some(Group::Treatment),
            _ => None,
        }
    }
}

/// The uniform draw in [0, 1) of response `id` of `site` under `seed`.
pub fn draw(seed: &[u8], site: &str, id: &str) -> f64 {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(seed) else {
        return 1.0;
    };
    mac.update(site.as_bytes());
    mac.update(&[0]);
    mac.update(id.as_bytes());
    let bytes = mac.finalize().into_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&bytes[..8]);
    (u64::from_be_bytes(first) >> 11) as f64 / (1u64 << 53) as f64
}

/// The group of response `id` of `site` under `seed` with a holdout `share`.
pub fn group(seed: &[u8], site: &str, id: &str, share: f64) -> Group {
    match draw(seed, site, id) < share {
        true => Group::Holdout,
        false => Group::Treatment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_group() {
        let seed = b"seed-0123456789";
        for i in 0..200 {
            let id = format!("r{i}");
            assert_eq!(group(seed, "demo", &id, 0.2), group(seed, "demo", &id, 0.2));
        }
        // Another seed or site gives another, independent assignment.
        let differs = (0..200)
            .filter(|i| {
                let id = format!("r{i}");
                draw(seed, "demo", &id) != draw(b"other-seed", "demo", &id)
                    && draw(seed, "demo", &id) != draw(seed, "other", &id)
            })
            .count();
        assert_eq!(differs, 200);
    }

    #[test]
    fn observed_share_is_within_binomial_bounds() {
        let seed = b"a per-site seed";
        for share in [0.05, 0.2, 0.5] {
            let n = 10_000;
            let held = (0..n)
                .filter(|i| group(seed, "demo", &format!("resp-{i}"), share) == Group::Holdout)
                .count() as f64;
            // ±4 standard deviations of Binomial(n, share).
            let sd = (n as f64 * share * (1.0 - share)).sqrt();
            let expected = n as f64 * share;
            assert!((held - expected).abs() < 4.0 * sd, "share {share}: {held}");
        }
    }

    #[test]
    fn groups_round_trip() {
        for g in [Group::Holdout, Group::Treatment] {
            assert_eq!(Group::parse(g.as_str()), Some(g));
        }
        assert_eq!(Group::parse("control"), None);
    }
}
