//! What a console webhook endpoint may be: its URL (`https://`, or `http://` to a loopback
//! host only: a signed event must not travel in clear over a network, and the console may
//! not be used to reach other plain-HTTP services), the events it subscribes to, and its
//! signing secret (`whsec_` and the base64 of 32 random bytes, shown once when made or
//! rotated).

use std::net::IpAddr;

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

/// Whether `host` (as in a URL, IPv6 in brackets) names this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks an endpoint URL (see the module rule); the URL as given.
pub fn url(raw: &str) -> Result<String, EndpointError> {
    const RULE: &str = "must be an https:// URL with a host (http:// only to a loopback host), at most 2000 characters";
    let uri: axum::http::Uri = raw.parse().map_err(|_| err("url", RULE))?;
    let ok_chars =
        raw.len() <= MAX_URL && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    let host = uri.host().unwrap_or("");
    let scheme_ok = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => is_loopback(host),
        _ => false,
    };
    if !ok_chars
        || host.is_empty()
        || !scheme_ok
        || uri.authority().is_some_and(|a| a.as_str().contains('@'))
    {
        return Err(err("url", RULE));
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
