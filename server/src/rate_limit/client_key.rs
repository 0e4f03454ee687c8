//! What a rate limit counts as one client: an IPv4 address, or an IPv6 /64 network (one
//! subscriber line usually gets a whole /64, so keying single IPv6 addresses would let one
//! client rotate through 2^64 keys). IPv4-mapped IPv6 addresses count as their IPv4 address.

use std::net::IpAddr;

/// The rate-limit key of a client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// A single IPv4 address.
    V4(u32),
    /// The upper 64 bits of an IPv6 address.
    V6Net(u64),
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => ClientKey::V4(u32::from(v4)),
            IpAddr::V6(v6) => ClientKey::V6Net((u128::from(v6) >> 64) as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Option<ClientKey> {
        s.parse::<IpAddr>().ok().map(ClientKey::from)
    }

    #[test]
    fn ipv6_is_keyed_by_its_64_network() {
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }

    #[test]
    fn ipv4_and_mapped_ipv4_are_one_client() {
        assert_eq!(key("192.0.2.7"), key("::ffff:192.0.2.7"));
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));
    }
}
