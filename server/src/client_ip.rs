//! Who the client is, for rate limits and the admin throttle: the socket peer, unless the
//! peer is one of the configured `trustedProxies`; then the forwarding headers are read
//! from the right (the entry the nearest proxy appended) to the left, skipping trusted
//! proxies, and the first address that is not a trusted proxy is the client. `Forwarded`
//! (RFC 7239) is read when present, `X-Forwarded-For` otherwise. Headers from an
//! untrusted peer are ignored: anybody can write them.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, StatusCode};
use ipnet::IpNet;

use crate::app::AppState;

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
}

/// A `trustedProxies` entry that is neither an address nor a CIDR range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address or CIDR range (e.g. \"10.0.0.0/8\", \"127.0.0.1\", \"::1\")")]
pub struct BadProxy(pub String);

impl TrustedProxies {
    /// Parses addresses (`127.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, BadProxy> {
        let nets = entries
            .into_iter()
            .map(|entry| {
                let trimmed = entry.trim();
                trimmed
                    .parse::<IpNet>()
                    .or_else(|_| trimmed.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| BadProxy(entry.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedProxies { nets })
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client address of a request that came from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let forwarded = HeaderName::from_static("forwarded");
        let chain: Vec<Option<IpAddr>> = if headers.contains_key(&forwarded) {
            headers
                .get_all(&forwarded)
                .iter()
                .flat_map(|v| forwarded_for(v.to_str().unwrap_or("")))
                .collect()
        } else {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .flat_map(|v| {
                    v.to_str()
                        .unwrap_or("")
                        .split(',')
                        .map(|s| parse_node(s.trim()))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        // Each entry was appended by the hop to its right, which is trusted at that point.
        let mut client = peer;
        for entry in chain.iter().rev() {
            match entry {
                Some(ip) => {
                    client = ip.to_canonical();
                    if !self.contains(client) {
                        return client;
                    }
                }
                // A trusted hop that did not know (or hid) the address: stop at that hop.
                None => return client,
            }
        }
        client
    }
}

/// The `for=` nodes of one `Forwarded` header value, in order (`None` for `unknown`,
/// obfuscated identifiers and anything unparsable).
fn forwarded_for(value: &str) -> Vec<Option<IpAddr>> {
    split_outside_quotes(value, ',')
        .into_iter()
        .filter_map(|element| {
            split_outside_quotes(element, ';')
                .into_iter()
                .find_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| parse_node(value.trim()))
                })
        })
        .collect()
}

fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`, `2001:db8::1`,
/// optionally in double quotes.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(node);
    if let Some(rest) = node.strip_prefix('[') {
        let (inside, _port) = rest.split_once(']')?;
        return inside.parse().ok();
    }
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The client address of a request (see the module docs), as an extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .copied()
            .ok_or((
                StatusCode::INTERNAL_SERVER_ERROR,
                "no peer address on the connection",
            ))?;
        Ok(ClientIp(
            state
                .config()
                .trusted_proxies
                .client_ip(peer.ip(), &parts.headers),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse(["10.0.0.0/8", "127.0.0.1", "fd00::/8"]).unwrap_or_default()
    }

    #[test]
    fn parses_addresses_and_ranges() {
        let p = proxies();
        assert!(p.contains(ip("10.1.2.3")));
        assert!(p.contains(ip("127.0.0.1")));
        assert!(!p.contains(ip("127.0.0.2")));
        assert!(p.contains(ip("fd12::1")));
        assert!(p.contains(ip("::ffff:10.0.0.1")));
        assert_eq!(
            TrustedProxies::parse(["10.0.0.0/33"]),
            Err(BadProxy("10.0.0.0/33".into()))
        );
        assert_eq!(
            TrustedProxies::parse(["proxy.local"]),
            Err(BadProxy("proxy.local".into()))
        );
    }

    #[test]
    fn headers_from_untrusted_peers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        assert_eq!(
            proxies().client_ip(ip("198.51.100.1"), &h),
            ip("198.51.100.1")
        );
        assert_eq!(
            TrustedProxies::default().client_ip(ip("127.0.0.1"), &h),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn x_forwarded_for_is_read_from_the_right() {
        let p = proxies();
        // The client's own (spoofed) entries sit left of what the trusted proxy appended.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.5")]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        // Several header lines are one list.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(p.client_ip(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        // All trusted: the leftmost.
        let h = headers(&[("x-forwarded-for", "10.0.0.7, 10.0.0.5")]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("10.0.0.7"));
        // Garbage where the proxy wrote: stop at the proxy.
        let h = headers(&[("x-forwarded-for", "203.0.113.9, nonsense")]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        // No header: the peer.
        assert_eq!(
            p.client_ip(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn forwarded_wins_and_handles_ports_quotes_and_ipv6() {
        let p = proxies();
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.77"),
            (
                "forwarded",
                r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.1"#,
            ),
        ]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", r#"For="192.0.2.43:47011", for=10.0.0.9"#)]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("192.0.2.43"));
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let h = headers(&[("forwarded", r#"for="_hidden;x,y", for=192.0.2.1"#)]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("192.0.2.1"));
    }

    #[test]
    fn node_forms() {
        assert_eq!(parse_node("192.0.2.1"), Some(ip("192.0.2.1")));
        assert_eq!(parse_node("192.0.2.1:80"), Some(ip("192.0.2.1")));
        assert_eq!(parse_node("\"[::1]:80\""), Some(ip("::1")));
        assert_eq!(parse_node("[::1]"), Some(ip("::1")));
        assert_eq!(parse_node("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("unknown"), None);
        assert_eq!(parse_node(""), None);
    }
}
