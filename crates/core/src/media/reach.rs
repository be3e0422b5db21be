//! Which addresses the media cache may connect to. Media addresses come from other people (a
//! message, an avatar, a redirect), so without a check they could make Parley fetch from the
//! user's own network: a router's page, a service on this computer, a cloud metadata address.
//! Real accounts fetch from public addresses only; the Demo, whose simulators run on this
//! computer, from loopback only.
//!
//! The check is made on the addresses the connection uses: names go through [`GuardedResolver`],
//! which hands the HTTP client only the resolved addresses the policy allows (so there is no
//! second lookup between the check and the connection that could answer differently), and
//! literal addresses, which the client connects to without resolving, are checked before the
//! first request and on every redirect ([`NetworkPolicy::allows_url`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Where media may be fetched from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkPolicy {
    /// Public (globally routable) addresses only: real accounts.
    AllowPublicOnly,
    /// This computer only (127.0.0.0/8, ::1): the Demo, whose media come from its simulators.
    LoopbackOnly,
}

impl NetworkPolicy {
    /// Whether a connection to `ip` is allowed.
    pub fn allows(self, ip: IpAddr) -> bool {
        match self {
            NetworkPolicy::AllowPublicOnly => is_public(ip),
            NetworkPolicy::LoopbackOnly => is_loopback(ip),
        }
    }

    /// Whether `url` may be asked for: `false` only when its host is a literal address the
    /// policy refuses (names are checked when they are resolved, by [`GuardedResolver`]).
    pub fn allows_url(self, url: &url::Url) -> bool {
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.allows(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.allows(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => true,
            None => false,
        }
    }

    /// What the user is told when an address was refused.
    pub(super) fn refusal(self) -> &'static str {
        match self {
            NetworkPolicy::AllowPublicOnly => {
                "Parley does not fetch media from addresses on the local network"
            }
            NetworkPolicy::LoopbackOnly => "the Demo fetches media only from this computer",
        }
    }
}

/// The IPv4 address an IPv6 address stands for, where it embeds one that the network would
/// reach: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated), NAT64
/// (`64:ff9b::/96`) and 6to4 (`2002:AABB:CCDD::/48`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        [0, 0, 0, 0, 0, 0, _, _] if !matches!(&s[6..], [0, 0] | [0, 1]) => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, a, b, ..] => Some(Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        )),
        _ => None,
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || embedded_v4(v6).is_some_and(|v4| v4.is_loopback()),
    }
}

/// Whether `ip` is a public address: not this computer, not a private, shared (CGNAT),
/// link-local, multicast, broadcast, unspecified, documentation, benchmarking or reserved one.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network", 0.0.0.0 included
        || a == 10 // private
        || a == 127 // loopback
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254) // link-local (cloud metadata services live here)
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation (TEST-NET-1)
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast (deprecated)
        || (a == 192 && b == 168) // private
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation (TEST-NET-2)
        || (a == 203 && b == 0 && c == 113) // documentation (TEST-NET-3)
        || a >= 224; // multicast (224/4), reserved (240/4) and broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // Only global unicast (2000::/3) is public at all; within it, the special ranges are not.
    let global_unicast = (s[0] & 0xe000) == 0x2000;
    let refused = match s[0] {
        // IETF protocol assignments (2001::/23: Teredo, benchmarking, ORCHID), documentation.
        0x2001 => s[1] < 0x0200 || s[1] == 0x0db8,
        // Documentation (3fff::/20).
        0x3fff => s[1] < 0x1000,
        // Segment routing (SRv6) identifiers.
        0x5f00 => true,
        _ => false,
    };
    global_unicast && !refused
}

/// Says that an address was refused by the policy; the cache recognises it in the HTTP
/// client's errors (resolver and redirect) to tell the user why.
#[derive(Debug)]
pub(super) struct AddressRefused;

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the address is not one media may be fetched from")
    }
}

impl std::error::Error for AddressRefused {}

/// Whether `error`, or anything it was caused by, is an [`AddressRefused`].
pub(super) fn was_refused(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<AddressRefused>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Resolves names with the system's resolver (or, in tests, another one) and passes on only
/// the addresses `policy` allows; a name with none is an [`AddressRefused`] error.
pub(super) struct GuardedResolver {
    pub(super) policy: NetworkPolicy,
    /// `None`: the system's resolver (`getaddrinfo`, as reqwest's own default uses).
    pub(super) inner: Option<Arc<dyn reqwest::dns::Resolve>>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let inner = self.inner.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = match inner {
                Some(inner) => inner.resolve(name).await?.collect(),
                None => tokio::net::lookup_host((name.as_str(), 0)).await?.collect(),
            };
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| policy.allows(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(AddressRefused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NetworkPolicy::{AllowPublicOnly, LoopbackOnly};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn local_and_special_addresses_are_not_public() {
        for refused in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.1.2.3",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:192.168.1.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "100::1",
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "5f00::1",
        ] {
            assert!(!AllowPublicOnly.allows(ip(refused)), "{refused}");
        }
    }

    #[test]
    fn public_addresses_are_allowed_for_real_accounts_only() {
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "192.169.0.1",
            "198.20.0.1",
            "223.255.255.254",
            "2606:4700::1111",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(AllowPublicOnly.allows(ip(public)), "{public}");
            assert!(!LoopbackOnly.allows(ip(public)), "{public}");
        }
    }

    #[test]
    fn the_demo_reaches_this_computer_only() {
        for local in ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"] {
            assert!(LoopbackOnly.allows(ip(local)), "{local}");
        }
        for other in [
            "10.0.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "::",
            "0.0.0.0",
        ] {
            assert!(!LoopbackOnly.allows(ip(other)), "{other}");
        }
    }

    #[test]
    fn literal_hosts_are_checked_and_names_left_to_the_resolver() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert!(!AllowPublicOnly.allows_url(&url("http://192.168.1.1/router")));
        assert!(!AllowPublicOnly.allows_url(&url("http://[::ffff:127.0.0.1]:8080/")));
        // The URL parser reads other spellings of an address as the address itself.
        assert!(!AllowPublicOnly.allows_url(&url("http://2130706433/")));
        assert!(!AllowPublicOnly.allows_url(&url("http://0x7f.1/")));
        assert!(AllowPublicOnly.allows_url(&url("https://93.184.216.34/a.png")));
        assert!(AllowPublicOnly.allows_url(&url("https://cdn.example.com/a.png")));
        assert!(LoopbackOnly.allows_url(&url("http://127.0.0.1:9000/a.png")));
        assert!(!LoopbackOnly.allows_url(&url("http://93.184.216.34/a.png")));
    }

    #[test]
    fn a_refusal_is_found_among_an_errors_causes() {
        #[derive(Debug)]
        struct Wrapper(AddressRefused);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("dns error")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        assert!(was_refused(&Wrapper(AddressRefused)));
        assert!(!was_refused(&std::io::Error::other("unreachable")));
    }
}
