//! RFC 5280 profile rules and CA/B Forum key rules beyond `cert.rs`: extension criticality,
//! subjectAltName syntax, keyUsage for the key type, name bounds, time and
//! AlgorithmIdentifier encodings, and the CRL profile. What the model does not keep (the
//! raw SAN, time tags, AlgorithmIdentifier parameters) is read from the item's DER.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::asn1::tlv::{self, Tlv};
use crate::model::{Certificate, Crl, ExtValue};

use super::der_index::CertDer;
use super::lints::{self, Lint};

type Found = Vec<(&'static Lint, String)>;

/// subjectAltName's OID content octets (2.5.29.17).
const SAN_OID: [u8; 3] = [0x55, 0x1d, 0x11];
/// At most this many names of one SAN are looked at (each finding is one line).
const MAX_NAMES: usize = 100_000;
/// Up to this many certificate policies are compared pairwise for duplicates.
const FEW_POLICIES: usize = 16;

/// An extension that must (or should) be critical, or must (or should) not be.
struct Criticality {
    oid: &'static str,
    critical: bool,
    lint: &'static Lint,
    ca_only: bool,
}

const CERT_CRITICALITY: &[Criticality] = &[
    rule("2.5.29.35", false, &lints::AUTHORITY_KEY_ID_CRITICAL, false),
    rule("2.5.29.14", false, &lints::SUBJECT_KEY_ID_CRITICAL, false),
    rule("2.5.29.15", true, &lints::KEY_USAGE_NOT_CRITICAL, false),
    rule(
        "2.5.29.30",
        true,
        &lints::NAME_CONSTRAINTS_NOT_CRITICAL,
        true,
    ),
    rule(
        "2.5.29.36",
        true,
        &lints::POLICY_CONSTRAINTS_NOT_CRITICAL,
        true,
    ),
    rule(
        "2.5.29.33",
        true,
        &lints::POLICY_MAPPINGS_NOT_CRITICAL,
        true,
    ),
    rule(
        "2.5.29.54",
        true,
        &lints::INHIBIT_ANY_POLICY_NOT_CRITICAL,
        true,
    ),
    rule(
        "2.5.29.31",
        false,
        &lints::CRL_DISTRIBUTION_POINTS_CRITICAL,
        false,
    ),
    rule("2.5.29.46", false, &lints::FRESHEST_CRL_CRITICAL, false),
    rule("1.3.6.1.5.5.7.1.1", false, &lints::AIA_CRITICAL, false),
    rule("1.3.6.1.5.5.7.1.11", false, &lints::SIA_CRITICAL, false),
    rule("2.5.29.18", false, &lints::ISSUER_ALT_NAME_CRITICAL, false),
    rule(
        "2.5.29.9",
        false,
        &lints::SUBJECT_DIRECTORY_ATTRIBUTES_CRITICAL,
        false,
    ),
];

const CRL_CRITICALITY: &[Criticality] = &[
    rule("2.5.29.35", false, &lints::AUTHORITY_KEY_ID_CRITICAL, false),
    rule("2.5.29.20", false, &lints::CRL_NUMBER_CRITICAL, false),
    rule("2.5.29.28", true, &lints::CRL_IDP_NOT_CRITICAL, false),
    rule("2.5.29.27", true, &lints::CRL_DELTA_NOT_CRITICAL, false),
    rule("2.5.29.46", false, &lints::FRESHEST_CRL_CRITICAL, false),
    rule("1.3.6.1.5.5.7.1.1", false, &lints::AIA_CRITICAL, false),
    rule("2.5.29.18", false, &lints::ISSUER_ALT_NAME_CRITICAL, false),
];

/// `CERT_CRITICALITY` and `CRL_CRITICALITY` by the last arc of their `2.5.29.N` OIDs.
const CERT_BY_ARC: [u8; 64] = by_arc(CERT_CRITICALITY);
const CRL_BY_ARC: [u8; 64] = by_arc(CRL_CRITICALITY);

/// The rule for each `2.5.29.N` OID (N < 64) of `rules`: its index + 1, 0 for none. Each
/// table names an OID once, so an extension has at most one rule.
// Indexes compile-time tables: a bad index is a compile error, never a panic on input.
#[allow(clippy::indexing_slicing)]
const fn by_arc(rules: &[Criticality]) -> [u8; 64] {
    let mut out = [0u8; 64];
    let mut i = 0;
    while i < rules.len() {
        if let Some(n) = ce_arc(rules[i].oid.as_bytes()) {
            out[n] = i as u8 + 1;
        }
        i += 1;
    }
    out
}

/// N of a `2.5.29.N` OID written as `oids` writes it (no leading zero), when N < 64.
const fn ce_arc(oid: &[u8]) -> Option<usize> {
    match oid {
        [b'2', b'.', b'5', b'.', b'2', b'9', b'.', d @ b'0'..=b'9'] => Some((*d - b'0') as usize),
        [b'2', b'.', b'5', b'.', b'2', b'9', b'.', h @ b'1'..=b'6', l @ b'0'..=b'9'] => {
            let n = (*h - b'0') as usize * 10 + (*l - b'0') as usize;
            if n < 64 {
                Some(n)
            } else {
                None
            }
        }
        _ => None,
    }
}

const fn rule(
    oid: &'static str,
    critical: bool,
    lint: &'static Lint,
    ca_only: bool,
) -> Criticality {
    Criticality {
        oid,
        critical,
        lint,
        ca_only,
    }
}

fn criticality(
    exts: &[crate::model::Extension],
    rules: &[Criticality],
    by_arc: &[u8; 64],
    ca: bool,
    found: &mut Found,
) {
    for e in exts {
        // A `2.5.29.N` extension's rule by a table lookup (nearly every extension); any
        // other by comparing OIDs. `ce_arc` reads one spelling per N, so the rule found
        // by N has the extension's OID (`criticality_tables_are_the_scans`).
        let rule = match ce_arc(e.oid.as_bytes()) {
            Some(n) => by_arc
                .get(n)
                .and_then(|&i| rules.get(usize::from(i).checked_sub(1)?)),
            None => rules.iter().find(|r| r.oid == e.oid),
        };
        let Some(r) = rule.filter(|r| ca || !r.ca_only) else {
            continue;
        };
        if e.critical != r.critical {
            found.push((
                r.lint,
                format!(
                    "{} is {}",
                    e.name,
                    if e.critical {
                        "critical"
                    } else {
                        "not critical"
                    }
                ),
            ));
        }
    }
}

/// The profile lints of one certificate (`der`: the certificate's DER, when kept; `ca`
/// and `eku`: its cA flag and extendedKeyUsage).
pub(super) fn certificate(
    c: &Certificate,
    der: Option<&CertDer<'_>>,
    ca: bool,
    eku: Option<&[String]>,
    tls: bool,
    found: &mut Found,
) {
    let v3 = c.version >= 3;
    if c.issuer_rdns.is_empty() {
        found.push((&lints::ISSUER_EMPTY, "the issuer name is empty".to_string()));
    }
    let san = c.extension("2.5.29.17");
    if c.subject_rdns.is_empty() && !ca {
        match san {
            None => found.push((
                &lints::SUBJECT_EMPTY_WITHOUT_SAN,
                "empty subject, no subjectAltName".to_string(),
            )),
            Some(e) if !e.critical => found.push((
                &lints::SAN_NOT_CRITICAL_EMPTY_SUBJECT,
                "empty subject, subjectAltName not critical".to_string(),
            )),
            Some(_) => {}
        }
    } else if san.is_some_and(|e| e.critical) && !c.subject_rdns.is_empty() {
        found.push((
            &lints::SAN_CRITICAL_WITH_SUBJECT,
            "subjectAltName is critical beside a non-empty subject".to_string(),
        ));
    }
    subject_attributes(c, found);
    validity(c, der, found);
    if let Some(der) = der {
        algorithm_parameters(der, found);
    }
    key_rules(c, ca, tls, found);
    if !v3 {
        return;
    }
    criticality(&c.extensions, CERT_CRITICALITY, &CERT_BY_ARC, ca, found);
    if let Some(e) = c.extension("2.5.29.35") {
        if c.authority_key_id.is_none() && !c.self_signed {
            found.push((
                &lints::AKI_KEY_ID_MISSING,
                format!("{} without keyIdentifier", e.name),
            ));
        }
    }
    if !ca && c.extension("2.5.29.30").is_some() {
        found.push((
            &lints::NAME_CONSTRAINTS_ON_NON_CA,
            "nameConstraints without cA:TRUE".to_string(),
        ));
    }
    if let Some(e) = c.extension("2.5.29.37") {
        if e.critical && eku.is_some_and(|p| p.iter().any(|p| p == "anyExtendedKeyUsage")) {
            found.push((
                &lints::EKU_ANY_CRITICAL,
                "critical extendedKeyUsage with anyExtendedKeyUsage".to_string(),
            ));
        }
    }
    if tls && eku.is_some_and(|p| p.iter().any(|p| p == "anyExtendedKeyUsage")) {
        found.push((
            &lints::EKU_ANY_IN_SUBSCRIBER,
            "extendedKeyUsage lists anyExtendedKeyUsage".to_string(),
        ));
    }
    if let Some(ExtValue::Policies(p)) = c.extension("2.5.29.32").map(|e| &*e.value) {
        // A few policies (nearly every certificate has one or two) are compared with the
        // ones before them: hashing them cost more. Many go through a set.
        let mut seen = (p.len() > FEW_POLICIES).then(HashSet::new);
        for (n, pol) in p.iter().enumerate() {
            let repeated = match &mut seen {
                Some(set) => !set.insert(pol.oid.as_str()),
                None => p
                    .get(..n)
                    .unwrap_or_default()
                    .iter()
                    .any(|q| q.oid == pol.oid),
            };
            if repeated {
                found.push((
                    &lints::CERTIFICATE_POLICIES_DUPLICATE,
                    format!("policy {} listed more than once", pol.oid),
                ));
            }
        }
    }
    if let Some(value) = der.and_then(|d| d.extension_value(&SAN_OID)) {
        san_names(value, tls, found);
    }
}

/// keyUsage for the certificate and its key; CA/B key rules.
fn key_rules(c: &Certificate, ca: bool, tls: bool, found: &mut Found) {
    let k = &c.public_key;
    if k.algorithm == "rsa" {
        if let Some(bits) = k.bits.filter(|b| b % 8 != 0) {
            found.push((
                &lints::RSA_MODULUS_NOT_MULTIPLE_OF_8,
                format!("RSA modulus of {bits} bits"),
            ));
        }
    }
    if tls && k.algorithm == "ec" {
        let curve = k.curve.as_deref().unwrap_or("an unnamed curve");
        if !matches!(curve, "P-256" | "P-384" | "P-521") {
            found.push((&lints::EC_CURVE_NOT_ALLOWED, format!("EC key on {curve}")));
        }
    }
    let Some(ku) = c.key_usage() else {
        return;
    };
    if ku.is_empty() {
        found.push((
            &lints::KEY_USAGE_EMPTY,
            "keyUsage has no bit set".to_string(),
        ));
    }
    let has = |b: &str| ku.iter().any(|k| k == b);
    if has("keyCertSign") && !ca {
        found.push((
            &lints::KEYCERTSIGN_WITHOUT_CA,
            "keyCertSign without cA:TRUE".to_string(),
        ));
    }
    let only: Vec<&str> = ["encipherOnly", "decipherOnly"]
        .into_iter()
        .filter(|b| has(b))
        .collect();
    if !only.is_empty() && !has("keyAgreement") {
        found.push((
            &lints::KEY_USAGE_ENCIPHER_ONLY_WITHOUT_AGREEMENT,
            format!("{} without keyAgreement", only.join(", ")),
        ));
    }
    if k.algorithm == "rsa" && (has("keyAgreement") || has("encipherOnly") || has("decipherOnly")) {
        found.push((
            &lints::RSA_KEY_USAGE_INVALID,
            format!("RSA key with keyUsage {}", ku.join(", ")),
        ));
    }
    if k.algorithm == "ec" && (has("keyEncipherment") || has("dataEncipherment")) {
        found.push((
            &lints::EC_KEY_USAGE_ENCIPHERMENT,
            format!("EC key with keyUsage {}", ku.join(", ")),
        ));
    }
    if matches!(k.algorithm.as_str(), "ed25519" | "ed448")
        && ku.iter().any(|b| {
            !matches!(
                b.as_str(),
                "digitalSignature" | "nonRepudiation" | "keyCertSign" | "cRLSign"
            )
        })
    {
        found.push((
            &lints::EDDSA_KEY_USAGE_INVALID,
            format!("{} key with keyUsage {}", k.algorithm, ku.join(", ")),
        ));
    }
}

/// countryName syntax and the ub-* length bounds of RFC 5280 Appendix A.
fn subject_attributes(c: &Certificate, found: &mut Found) {
    for a in c.subject_rdns.iter().flatten() {
        // `#hex`: not a string, nothing to measure.
        if a.value.starts_with('#') {
            continue;
        }
        let len = a.value.chars().count();
        if a.oid == "2.5.4.6" && !(len == 2 && a.value.chars().all(|ch| ch.is_ascii_uppercase())) {
            found.push((
                &lints::SUBJECT_COUNTRY_INVALID,
                format!("countryName {:?}", a.value),
            ));
        }
        let bound = match &*a.oid {
            "2.5.4.3" | "2.5.4.10" | "2.5.4.11" | "2.5.4.5" => 64,
            "2.5.4.7" | "2.5.4.8" => 128,
            "1.2.840.113549.1.9.1" => 255,
            _ => continue,
        };
        if len > bound {
            found.push((
                &lints::SUBJECT_ATTRIBUTE_TOO_LONG,
                format!("{} of {len} characters (at most {bound})", a.kind),
            ));
        }
    }
}

/// notAfter before notBefore; dates before 2050 as GeneralizedTime.
fn validity(c: &Certificate, der: Option<&CertDer<'_>>, found: &mut Found) {
    // A notAfter read as 19xx from a UTCTime meant as 20xx is `utctime-after-2049`'s.
    let utc_wrap = (1950..2000).contains(&c.not_after.0.year()) && c.not_before.0.year() >= 2000;
    if c.not_after.0 < c.not_before.0 && !utc_wrap {
        found.push((
            &lints::VALIDITY_NOT_POSITIVE,
            format!(
                "notAfter {} is before notBefore {}",
                c.not_after, c.not_before
            ),
        ));
    }
    let Some(v) = der.and_then(|d| d.field(3)) else {
        return;
    };
    for (t, which) in v
        .children()
        .filter_map(Result::ok)
        .zip(["notBefore", "notAfter"])
    {
        if t.tag != tlv::GENERALIZED_TIME {
            continue;
        }
        let year = std::str::from_utf8(t.value.get(..4).unwrap_or_default())
            .ok()
            .and_then(|y| y.parse::<u32>().ok());
        if year.is_some_and(|y| y < 2050) {
            found.push((
                &lints::GENERALIZEDTIME_BEFORE_2050,
                format!(
                    "{which} {} is GeneralizedTime",
                    String::from_utf8_lossy(t.value)
                ),
            ));
        }
    }
}

/// What the parameters of an AlgorithmIdentifier must be.
#[derive(PartialEq)]
enum Params {
    Null,
    Absent,
    NamedCurve,
}

fn signature_params(oid: &[u8]) -> Option<Params> {
    const PKCS1: [u8; 8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA: [u8; 6] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04];
    match oid {
        // md2/md4/md5/sha1/sha256/384/512/224, sha512-224/256 WithRSAEncryption.
        [p @ .., last] if p == PKCS1 && matches!(last, 2..=5 | 11..=16) => Some(Params::Null),
        [p @ .., 1] if p == ECDSA => Some(Params::Absent),
        [p @ .., 3, 1..=4] if p == ECDSA => Some(Params::Absent),
        [0x2b, 0x65, 0x70 | 0x71] => Some(Params::Absent),
        _ => None,
    }
}

fn key_params(oid: &[u8]) -> Option<Params> {
    match oid {
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01] => Some(Params::Null),
        [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01] => Some(Params::NamedCurve),
        [0x2b, 0x65, 0x6e..=0x71] => Some(Params::Absent),
        _ => None,
    }
}

/// Whether the AlgorithmIdentifier `alg` has the parameters `want` asks for.
fn params_ok(alg: &Tlv<'_>, want: &Params) -> bool {
    let mut kids = alg.children().filter_map(Result::ok).skip(1);
    let p = kids.next();
    match want {
        Params::Null => p.is_some_and(|p| p.tag == 0x05 && p.value.is_empty()),
        Params::Absent => p.is_none(),
        Params::NamedCurve => p.is_some_and(|p| p.tag == tlv::OID),
    }
}

fn oid_of<'a>(alg: &Tlv<'a>) -> Option<&'a [u8]> {
    let first = alg.children().next()?.ok()?;
    (first.tag == tlv::OID).then_some(first.value)
}

/// Signature (inner and outer) and subjectPublicKeyInfo parameters.
fn algorithm_parameters(der: &CertDer<'_>, found: &mut Found) {
    let outer = der.outer_signature();
    let inner = der.field(1);
    let spki = der.field(5);
    let mut bad_sig = false;
    for alg in [inner, outer].into_iter().flatten() {
        if let Some(want) = oid_of(&alg).and_then(signature_params) {
            bad_sig |= !params_ok(&alg, &want);
        }
    }
    if bad_sig {
        found.push((
            &lints::SIGNATURE_ALGORITHM_PARAMETERS_INVALID,
            "signature AlgorithmIdentifier parameters are not as the algorithm requires"
                .to_string(),
        ));
    }
    let key_alg = spki.and_then(|s| s.children().next()?.ok());
    if let Some(alg) = key_alg {
        if let Some(want) = oid_of(&alg).and_then(key_params) {
            if !params_ok(&alg, &want) {
                found.push((
                    &lints::SPKI_ALGORITHM_PARAMETERS_INVALID,
                    match want {
                        Params::Null => "rsaEncryption parameters are not NULL",
                        Params::NamedCurve => "EC key parameters are not a named curve",
                        Params::Absent => "EdDSA/ECDH key with parameters",
                    }
                    .to_string(),
                ));
            }
        }
    }
}

/// The subjectAltName lints, over its DER (`GeneralNames`).
fn san_names(value: &[u8], tls: bool, found: &mut Found) {
    let Ok((seq, _)) = tlv::read(value) else {
        return;
    };
    let mut count = 0;
    for name in seq.children().take(MAX_NAMES) {
        let Ok(name) = name else { break };
        count += 1;
        match name.tag {
            0x82 => dns_name(name.value, found),
            0x87 => ip_address(name.value, tls, found),
            0x81 => email(name.value, found),
            0x86 => uri(name.value, found),
            _ => {}
        }
    }
    if count == 0 {
        found.push((
            &lints::SAN_EMPTY,
            "subjectAltName lists no name".to_string(),
        ));
    }
}

fn shown(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

fn dns_name(b: &[u8], found: &mut Found) {
    if !b.is_ascii() {
        found.push((&lints::SAN_DNS_ULABEL, format!("dNSName {}", shown(b))));
        return;
    }
    // ASCII: read as bytes, the text made only for a finding (every SAN name passes here).
    if b.contains(&b'*') {
        let rest = b.strip_prefix(b"*.");
        // `*.a.b`: the whole left-most label, above at least two labels.
        let ok = rest.is_some_and(|r| !r.contains(&b'*') && r.contains(&b'.'));
        if !ok {
            found.push((
                &lints::SAN_WILDCARD_INVALID,
                format!("dNSName {}", shown(b)),
            ));
            return;
        }
        if let Some(why) = rest.and_then(dns_syntax) {
            found.push((
                &lints::SAN_DNS_INVALID,
                format!("dNSName {}: {why}", shown(b)),
            ));
        }
    } else if let Some(why) = dns_syntax(b) {
        found.push((
            &lints::SAN_DNS_INVALID,
            format!("dNSName {}: {why}", shown(b)),
        ));
    }
}

/// The characters of a host name label: letters, digits and the hyphen.
// Indexes a 256-entry table by a byte: in bounds, and evaluated at compile time.
#[allow(clippy::indexing_slicing)]
const LDH: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0u8;
    loop {
        table[b as usize] = b.is_ascii_alphanumeric() || b == b'-';
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

/// Why `s` is not a host name in the preferred name syntax, if it is not.
fn dns_syntax(s: &[u8]) -> Option<&'static str> {
    if s.is_empty() {
        return Some("empty");
    }
    if s.len() > 253 {
        return Some("longer than 253 characters");
    }
    // Split as bytes: `.` is ASCII, and every SAN name of every certificate passes here.
    for label in s.split(|b| *b == b'.') {
        if label.is_empty() {
            return Some("an empty label");
        }
        if label.len() > 63 {
            return Some("a label longer than 63 characters");
        }
        // One table lookup per character (every character of every SAN name).
        if !label
            .iter()
            .all(|c| LDH.get(usize::from(*c)) == Some(&true))
        {
            return Some("a character other than a letter, digit or hyphen");
        }
        if label.first() == Some(&b'-') || label.last() == Some(&b'-') {
            return Some("a label that starts or ends with a hyphen");
        }
    }
    None
}

fn ip_address(b: &[u8], tls: bool, found: &mut Found) {
    let reserved = match b.len() {
        4 => {
            let a: [u8; 4] = b.try_into().unwrap_or_default();
            let ip = Ipv4Addr::from(a);
            let [x, y, ..] = a;
            (ip.is_private()
                || ip.is_loopback()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.is_documentation()
                || ip.is_multicast()
                || x == 0
                || x >= 240
                // 100.64.0.0/10, shared address space (RFC 6598).
                || (x == 100 && (64..128).contains(&y)))
            .then(|| ip.to_string())
        }
        16 => {
            let a: [u8; 16] = b.try_into().unwrap_or_default();
            let ip = Ipv6Addr::from(a);
            let s = ip.segments();
            let first = s.first().copied().unwrap_or(0);
            (ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_multicast()
                // fc00::/7 unique local, fe80::/10 link-local, 2001:db8::/32 documentation.
                || first & 0xfe00 == 0xfc00
                || first & 0xffc0 == 0xfe80
                || (first == 0x2001 && s.get(1) == Some(&0x0db8)))
            .then(|| ip.to_string())
        }
        n => {
            found.push((
                &lints::SAN_IP_LENGTH,
                format!("iPAddress of {n} octets ({})", hex::encode(b)),
            ));
            return;
        }
    };
    if let (true, Some(ip)) = (tls, reserved) {
        found.push((
            &lints::SAN_IP_RESERVED,
            format!("iPAddress {ip} is reserved"),
        ));
    }
}

fn email(b: &[u8], found: &mut Found) {
    let s = String::from_utf8_lossy(b);
    let ok = b.is_ascii()
        && !b
            .iter()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
        && s.rsplit_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.contains('<') && dns_syntax(domain.as_bytes()).is_none()
        });
    if !ok {
        found.push((
            &lints::SAN_EMAIL_INVALID,
            format!("rfc822Name {}", shown(b)),
        ));
    }
}

fn uri(b: &[u8], found: &mut Found) {
    let s = String::from_utf8_lossy(b);
    let scheme_ok = s.split_once(':').is_some_and(|(scheme, rest)| {
        let mut cs = scheme.chars();
        cs.next().is_some_and(|c| c.is_ascii_alphabetic())
            && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && !rest.is_empty()
    });
    let ok = scheme_ok && b.iter().all(|c| c.is_ascii_graphic());
    if !ok {
        found.push((
            &lints::SAN_URI_INVALID,
            format!("uniformResourceIdentifier {}", shown(b)),
        ));
    }
}

/// The profile lints of one CRL.
pub(super) fn crl(c: &Crl, found: &mut Found) {
    if c.issuer_rdns.is_empty() {
        found.push((&lints::ISSUER_EMPTY, "the issuer name is empty".to_string()));
    }
    if !c.extensions.iter().any(|e| e.oid == "2.5.29.20") {
        found.push((&lints::CRL_NUMBER_MISSING, "no cRLNumber".to_string()));
    }
    if !c.extensions.iter().any(|e| e.oid == "2.5.29.35") {
        found.push((
            &lints::CRL_AKI_MISSING,
            "no authorityKeyIdentifier".to_string(),
        ));
    }
    criticality(&c.extensions, CRL_CRITICALITY, &CRL_BY_ARC, false, found);
    if let Some(next) = c.next_update {
        if next.0 < c.this_update.0 {
            found.push((
                &lints::CRL_NEXT_UPDATE_BEFORE_THIS_UPDATE,
                format!("nextUpdate {next} is before thisUpdate {}", c.this_update),
            ));
        }
    }
    for entry in c.revoked.iter() {
        if entry.reason.as_deref() == Some("unspecified") {
            found.push((
                &lints::CRL_ENTRY_REASON_UNSPECIFIED,
                format!("entry for serial {}: reasonCode unspecified", entry.serial),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arc tables give, for every OID, the rule a scan of the table finds.
    #[test]
    fn criticality_tables_are_the_scans() {
        for (rules, by_arc) in [
            (CERT_CRITICALITY, &CERT_BY_ARC),
            (CRL_CRITICALITY, &CRL_BY_ARC),
        ] {
            let mut oids: Vec<String> = (0..200).map(|n| format!("2.5.29.{n}")).collect();
            oids.extend(rules.iter().map(|r| r.oid.to_string()));
            oids.extend(
                ["2.5.29.015", "2.5.29", "2.5.29.", "1.3.6.1.5.5.7.1.12", ""].map(String::from),
            );
            for oid in oids {
                let scan = rules.iter().position(|r| r.oid == oid);
                let table = match ce_arc(oid.as_bytes()) {
                    Some(n) => by_arc.get(n).and_then(|&i| usize::from(i).checked_sub(1)),
                    None => rules.iter().position(|r| r.oid == oid),
                };
                assert_eq!(scan, table, "{oid}");
            }
        }
    }

    #[test]
    fn ldh_table_is_the_predicate() {
        for b in 0..=u8::MAX {
            let want = b.is_ascii_alphanumeric() || b == b'-';
            assert_eq!(LDH[usize::from(b)], want, "{b:#04x}");
        }
    }

    #[test]
    fn dns_syntax_rules() {
        for ok in [
            "lint.example",
            "a-b.example",
            "xn--bcher-kva.example",
            "localhost",
        ] {
            assert_eq!(dns_syntax(ok.as_bytes()), None, "{ok}");
        }
        for bad in [
            "",
            "a..b",
            "trailing.dot.",
            "-a.example",
            "a-.example",
            "under_score.example",
            "sp ace.example",
        ] {
            assert!(dns_syntax(bad.as_bytes()).is_some(), "{bad}");
        }
        assert!(dns_syntax("a".repeat(64).as_bytes()).is_some());
        assert!(dns_syntax(["a"; 130].join(".").as_bytes()).is_some());
    }

    #[test]
    fn wildcards() {
        let lints_of = |s: &str| {
            let mut f = Vec::new();
            dns_name(s.as_bytes(), &mut f);
            f.iter().map(|(l, _)| l.id).collect::<Vec<_>>()
        };
        assert!(lints_of("*.lint.example").is_empty());
        for bad in [
            "*.example",
            "a*.lint.example",
            "www.*.example",
            "*",
            "*.*.example",
        ] {
            assert_eq!(lints_of(bad), vec!["san-wildcard-invalid"], "{bad}");
        }
    }

    #[test]
    fn reserved_addresses() {
        let reserved = |b: &[u8]| {
            let mut f = Vec::new();
            ip_address(b, true, &mut f);
            !f.is_empty()
        };
        assert!(reserved(&[10, 0, 0, 1]));
        assert!(reserved(&[100, 64, 0, 1]));
        assert!(reserved(&[192, 0, 2, 1]));
        assert!(!reserved(&[8, 8, 8, 8]));
        let mut v6 = [0u8; 16];
        v6[0] = 0xfd;
        assert!(reserved(&v6));
        v6[0] = 0x26;
        assert!(!reserved(&v6));
    }

    #[test]
    fn emails_and_uris() {
        let lints_of = |f: fn(&[u8], &mut Found), s: &str| {
            let mut v = Vec::new();
            f(s.as_bytes(), &mut v);
            v.len()
        };
        assert_eq!(lints_of(email, "someone@lint.example"), 0);
        assert_eq!(lints_of(email, "no-at-sign.example"), 1);
        assert_eq!(lints_of(email, "Name <a@b.example>"), 1);
        assert_eq!(lints_of(uri, "https://lint.example/"), 0);
        assert_eq!(
            lints_of(uri, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
            0
        );
        assert_eq!(lints_of(uri, "relative/path"), 1);
        assert_eq!(lints_of(uri, "http://a b/"), 1);
    }
}
