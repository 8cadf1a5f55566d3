//! Name constraints (RFC 5280 §4.2.1.10, applied as §6.1.3 (b), (c) says): is a name
//! within a permitted or excluded subtree?
//!
//! Owns the matching rules for the five name forms certscope processes: dNSName,
//! iPAddress (IPv4 and IPv6, address and mask), rfc822Name, URI (its host) and
//! directoryName. Subtrees of other forms (otherName, x400Address, ...) are not processed;
//! docs/chain.md says so. Works on the decoded model ([`GeneralName`] text and
//! [`crate::asn1::dn::NameKey`]), never on DER, and never allocates more than the names given.

use std::net::IpAddr;

use crate::asn1::dn;
use crate::model::{GeneralName, NameConstraints};

/// The OID key of emailAddress in a [`dn::NameKey`] RDN.
const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";
/// The OID key of commonName in a [`dn::NameKey`] RDN.
const COMMON_NAME: &str = "2.5.4.3";

/// One name of a certificate that constraints apply to: a SAN entry, the subject DN, an
/// emailAddress of the subject (when there is no rfc822Name SAN) or, for the webpki
/// profile, a CN that looks like a host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `dns`, `ip`, `email`, `uri` or `dirname` (the [`GeneralName`] kinds).
    pub kind: &'static str,
    /// The name as text (an RFC 4514 string for `dirname`).
    pub value: String,
}

/// The names of a certificate that name constraints apply to. `cn_as_dns` adds each
/// commonName of the subject as a dNSName (what the webpki profile does).
pub fn subject_names(subject: &str, sans: &[GeneralName], cn_as_dns: bool) -> Vec<Subject> {
    let mut out = Vec::new();
    let key = dn::name_key(subject);
    if !key.is_empty() {
        out.push(Subject {
            kind: "dirname",
            value: subject.to_string(),
        });
    }
    for n in sans {
        let kind = match &*n.kind {
            "dns" => "dns",
            "ip" => "ip",
            "email" => "email",
            "uri" => "uri",
            "dirname" => "dirname",
            _ => continue,
        };
        out.push(Subject {
            kind,
            value: n.value.clone(),
        });
    }
    let has_email_san = sans.iter().any(|n| n.kind == "email");
    for ava in key.iter().flat_map(|rdn| rdn.split('+')) {
        if let Some(v) = ava.strip_prefix(&format!("{EMAIL_ADDRESS}=")) {
            // §4.2.1.10: without an rfc822Name SAN, the subject's emailAddress is checked.
            if !has_email_san {
                out.push(Subject {
                    kind: "email",
                    value: v.to_string(),
                });
            }
        } else if let Some(v) = ava.strip_prefix(&format!("{COMMON_NAME}=")) {
            if cn_as_dns && looks_like_host(v) {
                out.push(Subject {
                    kind: "dns",
                    value: v.to_string(),
                });
            }
        }
    }
    out
}

/// A CN that could be a host name: letters, digits, `-`, `.`, `*`, and at least one dot.
fn looks_like_host(v: &str) -> bool {
    v.contains('.')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '*'))
}

/// What a subtree check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The name is of a form the CA permits some subtrees of, and is in none of them.
    NotPermitted(Subject),
    /// The name is within an excluded subtree (the subtree is given).
    Excluded(Subject, GeneralName),
}

/// Checks `names` against one CA's constraints: every name of a form with permitted
/// subtrees must be within one of them, and no name may be within an excluded subtree.
pub fn check(nc: &NameConstraints, names: &[Subject]) -> Vec<Violation> {
    let mut out = Vec::new();
    for name in names {
        let permitted: Vec<&GeneralName> = nc
            .permitted
            .iter()
            .filter(|p| p.kind == name.kind)
            .collect();
        if !permitted.is_empty() && !permitted.iter().any(|p| within(name, p)) {
            out.push(Violation::NotPermitted(name.clone()));
            continue;
        }
        // Fail closed: an excluded subtree, or a name, that could not be read (decoded as
        // `<malformed name HEX>`) might cover anything, so it excludes.
        if let Some(ex) = nc.excluded.iter().find(|e| {
            e.kind == name.kind
                && (within(name, e)
                    || crate::asn1::dn::is_malformed_name(&e.value)
                    || crate::asn1::dn::is_malformed_name(&name.value))
        }) {
            out.push(Violation::Excluded(name.clone(), ex.clone()));
        }
    }
    out
}

/// Whether `name` lies within the subtree `base` (same form assumed).
pub fn within(name: &Subject, base: &GeneralName) -> bool {
    match name.kind {
        "dns" => dns_within(&name.value, &base.value),
        "email" => email_within(&name.value, &base.value),
        "uri" => uri_host(&name.value).is_some_and(|h| host_within(h, &base.value)),
        "ip" => ip_within(&name.value, &base.value),
        "dirname" => {
            !crate::asn1::dn::is_malformed_name(&base.value)
                && !crate::asn1::dn::is_malformed_name(&name.value)
                && dirname_within(&name.value, &base.value)
        }
        _ => false,
    }
}

/// dNSName: `example.com` covers itself and every name with more labels on the left; a
/// leading dot (`.example.com`, as OpenSSL accepts) covers only the names below it; an
/// empty constraint covers everything. Case-insensitive.
pub fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(rest) = base.strip_prefix('.') {
        return name.len() > rest.len() && name.ends_with(&base);
    }
    name == base
        || name
            .strip_suffix(&base)
            .is_some_and(|head| head.ends_with('.'))
}

/// A host compared with a URI or rfc822Name host constraint: `host.example` is that host
/// only, `.example` any host below it (§4.2.1.10).
fn host_within(host: &str, base: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if base.starts_with('.') {
        host.len() > base.len() && host.ends_with(&base)
    } else {
        host == base
    }
}

/// rfc822Name: a constraint with `@` is one mailbox; otherwise it is a host (or, with a
/// leading dot, a domain) that the mailbox's host must be or be under.
pub fn email_within(name: &str, base: &str) -> bool {
    let Some((local, host)) = name.rsplit_once('@') else {
        return false;
    };
    match base.rsplit_once('@') {
        Some((blocal, bhost)) => local == blocal && host.eq_ignore_ascii_case(bhost),
        None => host_within(host, base),
    }
}

/// The host of a URI (`scheme://[userinfo@]host[:port]/...`); `None` without an authority.
pub fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        hostport.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// iPAddress: the constraint is `address/mask` (IPv4, as certscope prints it) or
/// `address/prefix` (IPv6); the name is within when both are of one family and agree on
/// every bit of the mask.
pub fn ip_within(name: &str, base: &str) -> bool {
    let Ok(addr) = name.parse::<IpAddr>() else {
        return false;
    };
    let Some((net, mask)) = base.split_once('/') else {
        return false;
    };
    let Ok(net) = net.parse::<IpAddr>() else {
        return false;
    };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = match mask.parse::<std::net::Ipv4Addr>() {
                Ok(m) => u32::from(m),
                Err(_) => match mask.parse::<u32>() {
                    Ok(p) if p <= 32 => u32::MAX.checked_shl(32 - p).unwrap_or(0),
                    _ => return false,
                },
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let Ok(p) = mask.parse::<u32>() else {
                return false;
            };
            if p > 128 {
                return false;
            }
            let mask = u128::MAX.checked_shl(128 - p).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// directoryName: the constraint's RDNs are the first RDNs of the name (X.501 subtree),
/// compared as RFC 5280 §7.1 says ([`dn::name_key`]). RFC 4514 strings list the most
/// specific RDN first, so the constraint is a suffix of the name there.
pub fn dirname_within(name: &str, base: &str) -> bool {
    let name = dn::name_key(name);
    let base = dn::name_key(base);
    name.ends_with(&base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_within("allowed.example", "allowed.example"));
        assert!(dns_within("www.Allowed.example.", "allowed.example"));
        assert!(!dns_within("notallowed.example", "allowed.example"));
        assert!(!dns_within("allowed.example", ".allowed.example"));
        assert!(dns_within("a.allowed.example", ".allowed.example"));
        assert!(dns_within("anything", ""));
    }

    #[test]
    fn ip_subtrees_v4_and_v6() {
        assert!(ip_within("192.0.2.10", "192.0.2.0/255.255.255.0"));
        assert!(!ip_within("192.0.3.10", "192.0.2.0/255.255.255.0"));
        assert!(ip_within("192.0.2.200", "192.0.2.128/255.255.255.128"));
        assert!(!ip_within("192.0.2.10", "192.0.2.128/255.255.255.128"));
        assert!(ip_within("2001:db8::1", "2001:db8::/32"));
        assert!(!ip_within("2001:db9::1", "2001:db8::/32"));
        assert!(ip_within("2001:db8:ffff::1", "2001:db8::/32"));
        assert!(!ip_within("192.0.2.1", "2001:db8::/32"), "families differ");
        assert!(ip_within("2001:db8::1", "::/0"));
        assert!(!ip_within("192.0.2.1", "garbage"));
    }

    #[test]
    fn email_and_uri_subtrees() {
        assert!(email_within("user@allowed.example", "allowed.example"));
        assert!(!email_within("user@www.allowed.example", "allowed.example"));
        assert!(email_within("user@www.allowed.example", ".allowed.example"));
        assert!(email_within("bad@Allowed.example", "bad@allowed.example"));
        assert!(!email_within("good@allowed.example", "bad@allowed.example"));
        assert_eq!(
            uri_host("https://u@www.allowed.example:8443/x"),
            Some("www.allowed.example")
        );
        assert_eq!(uri_host("http://[2001:db8::1]:80/"), Some("2001:db8::1"));
        assert_eq!(uri_host("urn:isbn:1"), None);
        let n = Subject {
            kind: "uri",
            value: "https://www.allowed.example/x".to_string(),
        };
        assert!(within(&n, &GeneralName::new("uri", ".allowed.example")));
        assert!(!within(&n, &GeneralName::new("uri", "allowed.example")));
    }

    #[test]
    fn malformed_excluded_subtrees_exclude() {
        let name = Subject {
            kind: "dirname",
            value: "CN=x,O=Certscope Validation".to_string(),
        };
        let bad = GeneralName {
            kind: "dirname".into(),
            value: "<malformed name 3000>".to_string(),
        };
        let nc = NameConstraints {
            permitted: Vec::new(),
            excluded: vec![bad.clone()],
        };
        assert_eq!(
            check(&nc, std::slice::from_ref(&name)),
            vec![Violation::Excluded(name.clone(), bad.clone())]
        );
        // A permitted subtree that cannot be read permits nothing.
        let nc = NameConstraints {
            permitted: vec![bad],
            excluded: Vec::new(),
        };
        assert_eq!(
            check(&nc, std::slice::from_ref(&name)),
            vec![Violation::NotPermitted(name)]
        );
    }

    #[test]
    fn dirname_subtrees() {
        let base = "OU=Leaves,O=Certscope Validation";
        assert!(dirname_within(
            "CN=x,OU=leaves,O=certscope  validation",
            base
        ));
        assert!(!dirname_within("CN=x,O=Certscope Validation", base));
        assert!(!dirname_within("CN=x,OU=Leaves,O=Other", base));
    }

    #[test]
    fn check_permitted_and_excluded() {
        let nc = NameConstraints {
            permitted: vec![GeneralName::new("dns", "allowed.example")],
            excluded: vec![GeneralName::new("dns", "bad.allowed.example")],
        };
        let names = subject_names(
            "CN=www.allowed.example",
            &[
                GeneralName::new("dns", "www.allowed.example"),
                GeneralName::new("dns", "x.bad.allowed.example"),
                GeneralName::new("dns", "other.example"),
            ],
            false,
        );
        let v = check(&nc, &names);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(matches!(&v[0], Violation::Excluded(s, _) if s.value == "x.bad.allowed.example"));
        assert!(matches!(&v[1], Violation::NotPermitted(s) if s.value == "other.example"));
        // The CN counts only when asked (the webpki profile).
        let cn = subject_names("CN=other.example", &[], true);
        assert_eq!(check(&nc, &cn).len(), 1);
        assert!(check(&nc, &subject_names("CN=other.example", &[], false)).is_empty());
    }
}
