//! Item filters: the FILTER grammar of `certscope find` (`--thumbprint`, `--spki-sha256`,
//! `--subject`, `--issuer`, `--serial`, `--san`), as a value that any item source (files
//! today, PKCS#11 objects tomorrow) can apply with [`ItemFilter::matches`].
//!
//! Every criterion given must hold (AND); a criterion an item kind cannot have (a serial
//! on a key, a thumbprint on a private key) does not match. Names compare after RFC 4514
//! normalisation ([`crate::asn1::dn::query_matches`]), never as raw bytes.

use std::net::IpAddr;

use base64::Engine as _;

use crate::analysis::hostname;
use crate::asn1::dn;
use crate::decode;
use crate::fingerprint::{parse_hex_lenient, HashAlg, Thumbprint};
use crate::model::{Body, ExtValue, FileSource, GeneralName, Item, Source};

/// A filter value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// `--spki-sha256` is neither 32 bytes of hex nor base64.
    #[error("{0:?} is not a SHA-256 SPKI pin: give 64 hex digits or the base64 pin (sha256//...)")]
    BadPin(String),
    /// `--serial` is not hex.
    #[error("{0:?} is not a serial number in hex")]
    BadSerial(String),
}

/// Parses an SPKI SHA-256 pin: hex (any case, colons allowed) or base64, optionally with the
/// `sha256//` prefix curl and HPKP use.
pub fn parse_spki_pin(s: &str) -> Result<Vec<u8>, FilterError> {
    let t = s.trim();
    let t = t.strip_prefix("sha256//").unwrap_or(t);
    if let Ok(bytes) = parse_hex_lenient(t) {
        if bytes.len() == 32 {
            return Ok(bytes);
        }
    }
    match base64::engine::general_purpose::STANDARD.decode(t) {
        Ok(bytes) if bytes.len() == 32 => Ok(bytes),
        _ => Err(FilterError::BadPin(s.to_string())),
    }
}

/// Normalises a serial number for comparison: lower hex, no separators, no `0x`, no
/// leading zeros, `-` kept for negative serials.
pub fn parse_serial(s: &str) -> Result<String, FilterError> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(FilterError::BadSerial(s.to_string()));
    }
    let trimmed = digits.trim_start_matches('0').to_ascii_lowercase();
    let trimmed = if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed
    };
    Ok(if neg && trimmed != "0" {
        format!("-{trimmed}")
    } else {
        trimmed
    })
}

/// What to look for. Build it from parsed values; `Default` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// DER thumbprint (any algorithm [`Thumbprint`] knows).
    pub thumbprint: Option<Thumbprint>,
    /// SHA-256 of the SubjectPublicKeyInfo.
    pub spki_sha256: Option<Vec<u8>>,
    /// Subject DN, as a person writes it.
    pub subject: Option<String>,
    /// Issuer DN (certificates and CRLs).
    pub issuer: Option<String>,
    /// Serial number, normalised by [`parse_serial`].
    pub serial: Option<String>,
    /// A subjectAltName value (DNS names match wildcards per RFC 9525; IPs compare as
    /// addresses; others compare case-insensitively).
    pub san: Option<String>,
}

impl ItemFilter {
    /// Whether no criterion is set (then everything matches).
    pub fn is_empty(&self) -> bool {
        *self == ItemFilter::default()
    }

    /// Whether a certificate given as DER (a token's `CKA_VALUE`) meets every criterion:
    /// it is decoded as a file's certificate would be, so both sources match alike.
    pub fn matches_certificate(&self, der: &[u8]) -> bool {
        let source = Source::File(FileSource {
            path: String::new(),
            index: 0,
            line: None,
            container: None,
            key: None,
        });
        // Only what the criteria read: the body and the SPKI DER (thumbprints are computed
        // on demand), no PEM text.
        let opts = decode::Options {
            hashes: Vec::new(),
            with_pem: false,
            with_spki_pin: false,
            ..decode::Options::default()
        };
        self.matches(&decode::certificate_item(der, source, &opts))
    }

    /// Whether `item` meets every criterion that is set.
    pub fn matches(&self, item: &Item) -> bool {
        if let Some(t) = &self.thumbprint {
            let Some(der) = item.der.as_deref() else {
                return false;
            };
            let cached = item.fingerprints.as_ref().and_then(|f| f.get(t.alg));
            let ok = match cached {
                Some(d) => d == t.bytes.as_slice(),
                None => t.alg.digest(der) == t.bytes,
            };
            if !ok {
                return false;
            }
        }
        if let Some(pin) = &self.spki_sha256 {
            match item.spki_der.as_deref() {
                Some(spki) if HashAlg::Sha256.digest(spki) == *pin => {}
                _ => return false,
            }
        }
        if let Some(q) = &self.subject {
            let subject = match &item.body {
                Body::Certificate(c) => Some(c.subject.as_str()),
                Body::Csr(c) => Some(c.subject.as_str()),
                _ => None,
            };
            if !subject.is_some_and(|s| dn::query_matches(q, s)) {
                return false;
            }
        }
        if let Some(q) = &self.issuer {
            let issuer = match &item.body {
                Body::Certificate(c) => Some(c.issuer.as_str()),
                Body::Crl(c) => Some(c.issuer.as_str()),
                _ => None,
            };
            if !issuer.is_some_and(|s| dn::query_matches(q, s)) {
                return false;
            }
        }
        if let Some(want) = &self.serial {
            let ok = match &item.body {
                Body::Certificate(c) => parse_serial(&c.serial).is_ok_and(|s| s == *want),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        if let Some(name) = &self.san {
            if !san_of(item).iter().any(|n| san_matches(n, name)) {
                return false;
            }
        }
        true
    }
}

/// subjectAltName entries of a certificate, or those a CSR requests.
fn san_of(item: &Item) -> Vec<GeneralName> {
    match &item.body {
        Body::Certificate(c) => c.subject_alt_names().to_vec(),
        Body::Csr(c) => c
            .extensions
            .iter()
            .filter(|e| e.oid == "2.5.29.17")
            .flat_map(|e| match &*e.value {
                ExtValue::Names(n) => n.clone(),
                _ => Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn san_matches(n: &GeneralName, want: &str) -> bool {
    match &*n.kind {
        "dns" => hostname::dns_matches(&n.value, want) || n.value.eq_ignore_ascii_case(want),
        "ip" => match (n.value.parse::<IpAddr>(), want.parse::<IpAddr>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        "uri" => n.value == want,
        _ => n.value.eq_ignore_ascii_case(want),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::items_of as items;

    #[test]
    fn serials_normalise() {
        assert_eq!(parse_serial("0x00:10:00").unwrap(), "1000");
        assert_eq!(parse_serial("1000").unwrap(), "1000");
        assert_eq!(parse_serial("-01").unwrap(), "-1");
        assert_eq!(parse_serial("00").unwrap(), "0");
        assert!(parse_serial("xyz").is_err());
        assert!(parse_serial("").is_err());
    }

    #[test]
    fn pins_in_hex_or_base64() {
        let hex = "9415731d00000000000000000000000000000000000000000000000000000000";
        assert_eq!(parse_spki_pin(hex).unwrap().len(), 32);
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert_eq!(
            parse_spki_pin(&format!("sha256//{b64}")).unwrap(),
            vec![7u8; 32]
        );
        assert!(parse_spki_pin("abcd").is_err());
    }

    #[test]
    fn every_criterion_on_the_leaf() {
        let leaf = &items(include_bytes!("../../fixtures/certs/leaf.pem"))[0];
        let root = &items(include_bytes!("../../fixtures/certs/root-ca.pem"))[0];
        let key = &items(include_bytes!("../../fixtures/keys/p256.pem"))[0];
        let sha1 = hex::encode(
            leaf.fingerprints
                .as_ref()
                .unwrap()
                .get(HashAlg::Sha1)
                .unwrap(),
        );
        let cases: Vec<(ItemFilter, bool, bool, bool)> = vec![
            (ItemFilter::default(), true, true, true),
            (
                ItemFilter {
                    thumbprint: Some(format!("sha1:{sha1}").parse().unwrap()),
                    ..ItemFilter::default()
                },
                true,
                false,
                false,
            ),
            (
                ItemFilter {
                    spki_sha256: Some(hex::decode(leaf.spki_sha256.as_ref().unwrap()).unwrap()),
                    ..ItemFilter::default()
                },
                true,
                false,
                true,
            ),
            (
                ItemFilter {
                    subject: Some("cn=Certscope Test Root CA, o=certscope test, c=US".into()),
                    ..ItemFilter::default()
                },
                false,
                true,
                false,
            ),
            (
                ItemFilter {
                    issuer: Some("/C=US/O=Certscope Test/CN=Certscope Test Intermediate CA".into()),
                    ..ItemFilter::default()
                },
                true,
                false,
                false,
            ),
            (
                ItemFilter {
                    serial: Some(parse_serial("10:00").unwrap()),
                    ..ItemFilter::default()
                },
                true,
                false,
                false,
            ),
            (
                ItemFilter {
                    san: Some("anything.example.com".into()),
                    ..ItemFilter::default()
                },
                true,
                false,
                false,
            ),
            (
                ItemFilter {
                    san: Some("2001:db8:0:0::10".into()),
                    ..ItemFilter::default()
                },
                true,
                false,
                false,
            ),
        ];
        for (f, l, r, k) in cases {
            assert_eq!(
                (f.matches(leaf), f.matches(root), f.matches(key)),
                (l, r, k),
                "{f:?}"
            );
        }
    }
}
