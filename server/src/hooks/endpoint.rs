//! What a console webhook endpoint may be: its URL (`https://`, or `http://` to a loopback
//! host only: a signed event must not travel in clear over a network, and the console may
//! not be used to reach other plain-HTTP services), the events it subscribes to, and its
//! signing secret (`whsec_` and the base64 of 32 random bytes, shown once when made or
//! rotated).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::event::SUBSCRIBABLE;

/// Longest endpoint URL, characters.
pub const MAX_URL: usize = 2000;
/// Most endpoints per site.
pub const MAX_PER_SITE: usize = 20;

/// A rejected endpoint setting: the field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EndpointError {
    /// `url`, `events` or `events[i]`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> EndpointError {
    EndpointError {
        field: field.into(),
        message: message.into(),
    }
}

/// The URL rule as the OpenAPI document states it (`pattern` of `url` and `slackUrl`):
/// [`url`] accepts exactly the strings this regular expression matches (at most
/// [`MAX_URL`] characters).
pub const URL_PATTERN: &str = r"^(https://[A-Za-z0-9.-]+|http://(127\.0\.0\.1|localhost|\[::1\]))(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?][A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?$";

/// Loopback hosts an `http://` URL may name.
const LOOPBACK: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._~!$&'()*+,;=:@/?-".contains(c)
}

fn is_port(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 5
        && !p.starts_with('0')
        && p.bytes().all(|b| b.is_ascii_digit())
        && p.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n))
}

/// Checks an endpoint URL against [`URL_PATTERN`]; the URL as given.
pub fn url(raw: &str) -> Result<String, EndpointError> {
    const RULE: &str = "must be an https:// URL with a host (http:// only to a loopback host), at most 2000 characters";
    let bad = || err("url", RULE);
    if raw.len() > MAX_URL {
        return Err(bad());
    }
    let (https, rest) = match (raw.strip_prefix("https://"), raw.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return Err(bad()),
    };
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    // `[::1]` holds colons: its port is what follows it.
    let (host, port) = match authority.strip_prefix("[::1]") {
        Some("") => ("[::1]", None),
        Some(after) => ("[::1]", Some(after.strip_prefix(':').ok_or_else(bad)?)),
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let host_ok = match https {
        true => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
        false => LOOPBACK.contains(&host),
    };
    if !host_ok || port.is_some_and(|p| !is_port(p)) || !path.chars().all(is_path_char) {
        return Err(bad());
    }
    Ok(raw.to_owned())
}

/// Checks a subscription list: known event types, no repeats, at least one.
pub fn events(list: &[String]) -> Result<Vec<String>, EndpointError> {
    if list.is_empty() {
        return Err(err("events", "must name at least one event"));
    }
    for (i, e) in list.iter().enumerate() {
        if !SUBSCRIBABLE.contains(&e.as_str()) {
            return Err(err(
                format!("events[{i}]"),
                format!("unknown event {e:?}; known: {}", SUBSCRIBABLE.join(", ")),
            ));
        }
        if list[..i].contains(e) {
            return Err(err(
                format!("events[{i}]"),
                format!("{e:?} is listed twice"),
            ));
        }
    }
    Ok(list.to_vec())
}

/// A signing secret from 32 random bytes: `whsec_` and their base64.
pub fn secret(random: &[u8; 32]) -> String {
    format!("whsec_{}", STANDARD.encode(random))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_rule() {
        for ok in [
            "https://hooks.example/x",
            "https://hooks.example:8443/a?b=c",
            "http://127.0.0.1:9000/hook",
            "http://localhost/x",
            "http://[::1]:80/x",
            "https://h.example?x=1",
            "https://h.example:65535",
        ] {
            assert_eq!(url(ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "http://hooks.example/x",
            "http://10.0.0.1/x",
            "ftp://hooks.example/",
            "https://",
            "https:///path",
            "hooks.example",
            "https://a b.example/",
            "https://user:pw@hooks.example/",
            "https://h.example:0/",
            "https://h.example:65536/",
            "https://h.example:/",
            "https://h.example/a b",
            "https://h.example/#frag",
            "http://[::1]x/",
            "",
        ] {
            assert_eq!(
                url(bad).map_err(|e| e.field),
                Err("url".to_owned()),
                "{bad}"
            );
        }
        assert!(url(&format!("https://h.example/{}", "a".repeat(MAX_URL))).is_err());
    }

    proptest::proptest! {
        /// Every string the documented pattern matches is accepted (the fuzzer of the `api`
        /// stage checks the other direction: schema-invalid URLs are refused).
        #[test]
        fn the_documented_pattern_is_accepted(s in URL_PATTERN.trim_start_matches('^').trim_end_matches('$')) {
            proptest::prop_assert_eq!(url(&s), Ok(s.clone()));
        }
    }

    #[test]
    fn events_are_known_and_unique() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(events(&s(&["response.created", "tier.changed"])).is_ok());
        assert_eq!(events(&[]).map_err(|e| e.field), Err("events".into()));
        assert_eq!(
            events(&s(&["response.created", "nope"])).map_err(|e| e.field),
            Err("events[1]".into())
        );
        assert_eq!(
            events(&s(&["points.earned", "points.earned"])).map_err(|e| e.field),
            Err("events[1]".into())
        );
    }

    #[test]
    fn secrets_decode_to_their_bytes() {
        let s = secret(&[7; 32]);
        assert!(s.starts_with("whsec_"));
        assert_eq!(
            crate::loyalty::signature::standard_key(&s).ok(),
            Some(vec![7u8; 32])
        );
    }
}
