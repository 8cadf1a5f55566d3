//! Does a certificate name a host or an IP address? RFC 9525 §6.3 (which obsoletes RFC 6125):
//! DNS names match subjectAltName dNSName entries only (never the CN), case-insensitively,
//! with a wildcard only as the complete left-most label, standing for exactly one label;
//! IP addresses match iPAddress entries only.

use std::net::IpAddr;

use crate::model::GeneralName;

/// Whether the dNSName `pattern` from a certificate matches `host`.
pub fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        // "*.example.com" matches "www.example.com", not "example.com" nor "a.b.example.com";
        // a partial wildcard ("w*.example.com") matches nothing (RFC 9525 §6.3 item 2).
        Some(rest) if !rest.contains('*') && rest.contains('.') => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        Some(_) => false,
        None => !pattern.contains('*') && pattern == host,
    }
}

/// Whether any dNSName of `names` matches `host`; `host` given as an IP literal is
/// compared with the iPAddress entries instead.
pub fn names_match_host(names: &[GeneralName], host: &str) -> bool {
    if let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return names_match_ip(names, ip);
    }
    names
        .iter()
        .any(|n| n.kind == "dns" && dns_matches(&n.value, host))
}

/// Whether any iPAddress entry of `names` is `ip`.
pub fn names_match_ip(names: &[GeneralName], ip: IpAddr) -> bool {
    names
        .iter()
        .filter(|n| n.kind == "ip")
        .filter_map(|n| n.value.parse::<IpAddr>().ok())
        .any(|a| a == ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9525_wildcards() {
        assert!(dns_matches("www.example.com", "WWW.Example.com."));
        assert!(dns_matches("*.example.com", "a.example.com"));
        assert!(!dns_matches("*.example.com", "example.com"));
        assert!(!dns_matches("*.example.com", "a.b.example.com"));
        assert!(!dns_matches("w*.example.com", "www.example.com"));
        assert!(
            !dns_matches("*.com", "example.com"),
            "no wildcard over a public suffix-like label"
        );
        assert!(!dns_matches("*", "example"));
        assert!(!dns_matches("", ""));
    }

    #[test]
    fn ip_literals_use_ip_entries() {
        let names = vec![
            GeneralName::new("dns", "192.0.2.1"),
            GeneralName::new("ip", "2001:db8::10"),
        ];
        assert!(!names_match_host(&names, "192.0.2.1"));
        assert!(names_match_host(&names, "[2001:db8:0::10]"));
    }
}
