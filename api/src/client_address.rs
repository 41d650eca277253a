//! The client address that rate limits count by: the TCP peer, unless the peer is one of the
//! `TRUSTED_PROXIES`, in which case the address that proxy reports in `X-Forwarded-For`.
//!
//! Headers are believed only from trusted peers (by default none), since anyone can send them.
//! Proxies append the address they received from, so the chain reads
//! `client, proxy1, proxy2` with the peer as the last hop. Walking it from the right and taking
//! the first address that is not a trusted proxy gives the client as the outermost trusted proxy
//! saw it; an address a client put at the left itself is never reached while an untrusted hop
//! stands to its right. With a single trusted proxy in front this is the first entry.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address range of trusted proxies: an address with a prefix length, e.g. `10.0.0.0/8`
/// or `::1/128` (a plain address is a range of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyRange {
    network: IpAddr,
    prefix: u8,
}

impl ProxyRange {
    /// Whether `address` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for ProxyRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = canonical(
            address
                .parse::<IpAddr>()
                .map_err(|_| format!("{text:?} is not an address or address/prefix"))?,
        );
        let longest = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => longest,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= longest)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0-{longest}"))?,
        };
        Ok(Self { network, prefix })
    }
}

/// IPv4-mapped IPv6 addresses as IPv4, everything else as is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The client address of a request from `peer` with `headers`, believing `X-Forwarded-For`
/// only as far as it was written by `trusted` proxies (see the module documentation).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[ProxyRange]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|range| range.contains(address));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(address) = parse_hop(hop) else {
            break;
        };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`[::1]:80`, `1.2.3.4:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn ranges(texts: &[&str]) -> Vec<ProxyRange> {
        texts.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn headers_are_ignored_when_no_proxy_is_trusted() {
        let sent = headers(&["203.0.113.9"]);
        assert_eq!(client_address(ip("10.0.0.2"), &sent, &[]), ip("10.0.0.2"));
    }

    #[test]
    fn headers_are_ignored_from_an_untrusted_peer() {
        let sent = headers(&["203.0.113.9"]);
        let trusted = ranges(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &sent, &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_trusted_proxy_reports_the_first_entry() {
        let sent = headers(&["203.0.113.9"]);
        let trusted = ranges(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.1.2.3"), &sent, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_address_forged_by_the_client_is_not_believed() {
        // The client sent "1.1.1.1" itself; the trusted proxy appended the real peer.
        let sent = headers(&["1.1.1.1, 203.0.113.9"]);
        let trusted = ranges(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.1.2.3"), &sent, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_and_headers_joined() {
        let sent = headers(&["203.0.113.9, 10.0.0.7", "[::ffff:10.0.0.8]:443"]);
        let trusted = ranges(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.1.2.3"), &sent, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn garbage_stops_at_the_last_trusted_hop() {
        let sent = headers(&["203.0.113.9, unknown"]);
        let trusted = ranges(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.1.2.3"), &sent, &trusted),
            ip("10.1.2.3")
        );
        assert_eq!(
            client_address(ip("10.1.2.3"), &HeaderMap::new(), &trusted),
            ip("10.1.2.3")
        );
    }

    #[test]
    fn ranges_parse_and_match() {
        let range: ProxyRange = "192.168.0.0/16".parse().unwrap();
        assert!(range.contains(ip("192.168.44.1")));
        assert!(range.contains(ip("::ffff:192.168.44.1")));
        assert!(!range.contains(ip("192.169.0.1")));
        let single: ProxyRange = "::1".parse().unwrap();
        assert!(single.contains(ip("::1")) && !single.contains(ip("::2")));
        let everything: ProxyRange = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<ProxyRange>().is_err());
        assert!("proxy.local".parse::<ProxyRange>().is_err());
    }
}
