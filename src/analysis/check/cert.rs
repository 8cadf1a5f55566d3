//! The lints of one certificate.

use std::collections::HashSet;

use crate::analysis::hostname;
use crate::asn1::tlv;
use crate::model::{Certificate, ExtValue, Extension, Item};

use super::der_index::CertDer;
use super::lints::{self, Lint};
use super::{ago, Options};

pub(super) fn weak_signature(
    alg: &str,
    self_signed_ca: bool,
    found: &mut Vec<(&'static Lint, String)>,
) {
    // A root's self-signature is never checked by relying parties, so a SHA-1 root is not
    // a weakness (CA/B Forum BR §7.1.3.2 exempts it as well).
    if self_signed_ca {
        return;
    }
    let lower = alg.to_ascii_lowercase();
    // md2WithRSAEncryption, md4WithRSAEncryption (named, or shown by OID).
    if lower.starts_with("md2")
        || lower.starts_with("md4")
        || lower == "1.2.840.113549.1.1.2"
        || lower == "1.2.840.113549.1.1.3"
    {
        found.push((
            &lints::MD2_MD4_SIGNATURE,
            format!("signature algorithm {alg}"),
        ));
    } else if lower.starts_with("md5") {
        found.push((&lints::MD5_SIGNATURE, format!("signature algorithm {alg}")));
    } else if lower.starts_with("sha1") || lower == "ecdsa-with-sha1" || lower == "dsa-with-sha1" {
        found.push((&lints::SHA1_SIGNATURE, format!("signature algorithm {alg}")));
    }
}

/// `rsa-pss-sha1`: RSASSA-PSS parameters naming SHA-1 (the DEFAULT, when absent).
pub(super) fn pss_sha1(
    pss: Option<&crate::model::PssParameters>,
    found: &mut Vec<(&'static Lint, String)>,
) {
    if let Some(p) = pss {
        let sha1 = |s: &str| {
            // `SHA-1`, `MGF1 with SHA-1`.
            s.to_ascii_lowercase().replace('-', "").ends_with("sha1")
        };
        if sha1(&p.hash) || sha1(&p.mask_generation) {
            found.push((
                &lints::RSA_PSS_SHA1,
                format!("RSASSA-PSS with {}", p.summary()),
            ));
        }
    }
}

/// Lints over any extension list: duplicates and unrecognised critical ones.
pub(super) fn extension_lints(exts: &[Extension], found: &mut Vec<(&'static Lint, String)>) {
    if repeats(exts) {
        duplicates(exts, found);
    }
    for e in exts.iter().filter(|e| e.critical) {
        if matches!(*e.value, ExtValue::Raw(_)) {
            found.push((
                &lints::UNKNOWN_CRITICAL_EXTENSION,
                format!("critical extension {} is not recognised", e.oid),
            ));
        }
    }
}

/// Up to this many extensions are compared pairwise for a repeated OID.
const FEW_EXTENSIONS: usize = 24;

/// Whether an OID appears twice among `exts` (true, to be counted, for many extensions).
fn repeats(exts: &[Extension]) -> bool {
    if exts.len() > FEW_EXTENSIONS {
        return true;
    }
    // Pairwise, the last digit first: no list, no sort for the usual ten or so.
    exts.iter().enumerate().any(|(n, e)| {
        let last = e.oid.as_bytes().last();
        exts.get(..n)
            .unwrap_or_default()
            .iter()
            .any(|d| d.oid.as_bytes().last() == last && d.oid == e.oid)
    })
}

/// `duplicate-extension`: each repeated OID, in OID order, with its count.
fn duplicates(exts: &[Extension], found: &mut Vec<(&'static Lint, String)>) {
    // Sorted OIDs, counted in runs: cheaper than a hash map for the usual ten or so.
    let mut oids: Vec<&str> = exts.iter().map(|e| e.oid.as_ref()).collect();
    oids.sort_unstable();
    let dups = oids
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() > 1)
        .filter_map(|run| run.first().map(|oid| (*oid, run.len())));
    for (oid, n) in dups {
        let name = exts
            .iter()
            .find(|e| e.oid == oid)
            .map(|e| e.name.as_ref())
            .unwrap_or(oid);
        found.push((
            &lints::DUPLICATE_EXTENSION,
            format!("{name} appears {n} times"),
        ));
    }
}

pub(super) fn key_size(k: &crate::model::PublicKeyInfo, found: &mut Vec<(&'static Lint, String)>) {
    match (k.algorithm.as_str(), k.bits) {
        ("rsa" | "rsa-pss", Some(bits)) if bits < 2048 => {
            found.push((&lints::RSA_KEY_TOO_SMALL, format!("RSA key of {bits} bits")))
        }
        ("ec", Some(bits)) if bits < 256 => found.push((
            &lints::EC_KEY_TOO_SMALL,
            format!(
                "EC key on {} ({bits} bits)",
                k.curve.as_deref().unwrap_or("an unnamed curve")
            ),
        )),
        _ => {}
    }
}

/// A TLS server certificate: v3, not a CA, not self-signed (a root, whatever its
/// constraints say), with serverAuth or anyExtendedKeyUsage in its EKU, or no EKU.
/// `ca` and `eku`: the certificate's cA flag and extendedKeyUsage, looked up once.
fn tls_server(c: &Certificate, ca: bool, eku: Option<&[String]>) -> bool {
    c.version >= 3
        && !ca
        && !c.self_signed
        && eku.is_none_or(|eku| {
            eku.iter().any(|p| {
                p == "serverAuth"
                    || p == "anyExtendedKeyUsage"
                    || p == "TLS Web Server Authentication"
            })
        })
}

/// Up to this many subjectAltNames are scanned for each commonName (`cn-not-in-san`).
const SAN_SCAN: usize = 16;

pub(super) fn certificate(
    item: &Item,
    c: &Certificate,
    opts: &Options,
    issued_something: bool,
    found: &mut Vec<(&'static Lint, String)>,
) {
    let now = opts.now;
    // The DER, walked once for every rule below that reads the encoding.
    let der = item.der.as_deref().map(CertDer::new);
    if now > c.not_after.0 {
        found.push((
            &lints::EXPIRED,
            format!(
                "expired on {} ({} ago)",
                c.not_after,
                ago(now - c.not_after.0)
            ),
        ));
    }
    if now < c.not_before.0 {
        found.push((
            &lints::NOT_YET_VALID,
            format!(
                "not valid before {} (in {})",
                c.not_before,
                ago(c.not_before.0 - now)
            ),
        ));
    }
    if let Some(within) = opts.expires_within {
        if now <= c.not_after.0 && c.not_after.0 <= now + within {
            found.push((
                &lints::EXPIRES_SOON,
                format!(
                    "expires on {} (in {})",
                    c.not_after,
                    ago(c.not_after.0 - now)
                ),
            ));
        }
    }
    // Asked by many rules below: each asking scans the extensions again, so asked once.
    let ca = c.is_ca();
    let eku = c.extended_key_usage();
    let sans = c.subject_alt_names();
    let ee = !ca;
    let tls = tls_server(c, ca, eku);
    if let (Some(host), true) = (&opts.hostname, ee) {
        if !hostname::names_match_host(sans, host) {
            found.push((
                &lints::HOSTNAME_MISMATCH,
                format!("no subjectAltName matches {host}"),
            ));
        }
    }
    if let (Some(ip), true) = (opts.ip, ee) {
        if !hostname::names_match_ip(sans, ip) {
            found.push((
                &lints::IP_MISMATCH,
                format!("no subjectAltName iPAddress is {ip}"),
            ));
        }
    }
    weak_signature(&c.signature_algorithm, c.self_signed && ca, found);
    if !(c.self_signed && ca) {
        pss_sha1(c.signature_pss.as_deref(), found);
    }
    if let Some(inner) = &c.inner_signature_algorithm {
        found.push((
            &lints::SIGNATURE_ALGORITHM_MISMATCH,
            format!("outer {}, inner {inner}", c.signature_algorithm),
        ));
    }
    if !(1..=3).contains(&c.version) {
        found.push((
            &lints::VERSION_INVALID,
            format!("certificate version {}", c.version),
        ));
    } else if c.version < 3 && !c.extensions.is_empty() {
        found.push((
            &lints::EXTENSIONS_BEFORE_V3,
            format!(
                "version {} with {} extension{}",
                c.version,
                c.extensions.len(),
                if c.extensions.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    key_size(&c.public_key, found);
    if let Some(der) = &der {
        rsa_exponent(c, der, found);
    }
    if eku.is_some_and(|e| e.is_empty()) {
        found.push((
            &lints::EKU_EMPTY,
            "extendedKeyUsage lists no purpose".to_string(),
        ));
    }
    if let Some(bc) = c.basic_constraints() {
        if let (false, Some(n)) = (bc.ca, bc.path_len) {
            found.push((
                &lints::PATHLEN_WITHOUT_CA,
                format!("pathLenConstraint {n} with cA:FALSE"),
            ));
        }
    }
    if ca {
        if c.extension("2.5.29.19").is_some_and(|e| !e.critical) {
            found.push((
                &lints::CA_BASIC_CONSTRAINTS_NOT_CRITICAL,
                "cA:TRUE in a non-critical basicConstraints".to_string(),
            ));
        }
        if c.subject.trim().is_empty() {
            found.push((
                &lints::CA_SUBJECT_EMPTY,
                "CA certificate with an empty subject".to_string(),
            ));
        }
    }
    if ca {
        match c.key_usage() {
            None => found.push((
                &lints::CA_WITHOUT_KEYCERTSIGN,
                "CA:TRUE without a keyUsage extension".to_string(),
            )),
            Some(ku) if !ku.iter().any(|k| k == "keyCertSign") => found.push((
                &lints::CA_WITHOUT_KEYCERTSIGN,
                format!("CA:TRUE, keyUsage is {}", ku.join(", ")),
            )),
            Some(_) => {}
        }
        let end_entity_purpose = eku.is_some_and(|eku| {
            eku.iter().any(|p| {
                matches!(
                    p.as_str(),
                    "serverAuth" | "clientAuth" | "emailProtection" | "codeSigning"
                )
            })
        });
        let host_names = sans
            .iter()
            .any(|n| matches!(&*n.kind, "dns" | "ip" | "email"));
        // A self-signed root issues in other runs; its names and purposes do not make it a
        // leaf.
        if !issued_something && !c.self_signed && (end_entity_purpose || host_names) {
            found.push((
                &lints::LEAF_IS_CA,
                format!(
                    "CA:TRUE on a certificate with {} that issued nothing in this run",
                    if end_entity_purpose {
                        "end-entity purposes (extendedKeyUsage)"
                    } else {
                        "host or email names"
                    }
                ),
            ));
        }
    }
    // `cn-not-in-san` turned off (`--lint`, `--skip-lint`) is not run: its findings would
    // be dropped.
    let cn_lint = opts.enabled(&lints::CN_NOT_IN_SAN);
    if tls {
        if !sans.iter().any(|n| n.kind == "dns" || n.kind == "ip") {
            found.push((
                &lints::SAN_MISSING,
                "serverAuth certificate without a dNSName or iPAddress subjectAltName".to_string(),
            ));
        } else if cn_lint && !plain_names_listed(c, sans) {
            let host = |n: &&crate::model::GeneralName| n.kind == "dns" || n.kind == "ip";
            // A set, not a scan per commonName, past a few names: 10,000 of each would be
            // 10^8 comparisons. A few (nearly every certificate) are scanned: hashing them
            // cost more. A commonName key has no ASCII upper case, so comparing without
            // ASCII case is comparing with the name's lower case.
            let listed: Option<HashSet<String>> = (sans.len() > SAN_SCAN).then(|| {
                sans.iter()
                    .filter(host)
                    .map(|n| n.value.to_ascii_lowercase())
                    .collect()
            });
            // The typed RDNs the decoder read, not a second parse of the subject's text.
            let cns = crate::asn1::dn::common_names_of(&c.subject_rdns);
            for cn in cns {
                let in_san = match &listed {
                    Some(set) => set.contains(cn.as_ref()),
                    None => sans
                        .iter()
                        .filter(host)
                        .any(|n| n.value.eq_ignore_ascii_case(&cn)),
                };
                if !in_san {
                    found.push((
                        &lints::CN_NOT_IN_SAN,
                        format!("commonName {cn:?} is not in subjectAltName"),
                    ));
                }
            }
        }
    }
    // v1 and v2 certificates cannot carry extensions: no extension lint applies.
    let v3 = c.version >= 3;
    // Present without its keyIdentifier is `aki-key-id-missing`'s.
    if v3 && c.extension("2.5.29.35").is_none() && !c.self_signed {
        found.push((&lints::AKI_MISSING, "no authorityKeyIdentifier".to_string()));
    }
    if v3 && c.subject_key_id.is_none() {
        if ca {
            found.push((
                &lints::CA_SKI_MISSING,
                "CA certificate without subjectKeyIdentifier".to_string(),
            ));
        } else {
            found.push((&lints::SKI_MISSING, "no subjectKeyIdentifier".to_string()));
        }
    }
    extension_lints(&c.extensions, found);
    super::profile::certificate(c, der.as_ref(), ca, eku, tls, found);
    if let Some(der) = &der {
        super::forms::certificate(c, der, ca, tls, found);
    }
    if let Some(serial) = der.as_ref().and_then(serial_octets) {
        if serial.len() > 20 {
            found.push((
                &lints::SERIAL_TOO_LONG,
                format!("serial is {} octets long", serial.len()),
            ));
        }
        if serial.first().is_some_and(|b| b & 0x80 != 0) {
            found.push((&lints::SERIAL_NEGATIVE, format!("serial is {}", c.serial)));
        } else if serial.iter().all(|b| *b == 0) {
            found.push((&lints::SERIAL_ZERO, "serial is 0".to_string()));
        }
    }
    // UTCTime holds years 1950-2049: a notAfter that decodes to the 1950s-1990s while
    // notBefore is in this century was meant as 20YY and should have been GeneralizedTime.
    let after_year = c.not_after.0.year();
    if (1950..2000).contains(&after_year) && c.not_before.0.year() >= 2000 {
        found.push((
            &lints::UTCTIME_AFTER_2049,
            format!(
                "notAfter reads as {} (UTCTime year {}), before notBefore {}",
                c.not_after,
                after_year % 100,
                c.not_before
            ),
        ));
    }
    if tls {
        let days = (c.not_after.0 - c.not_before.0).whole_days();
        let max = opts
            .max_validity_days
            .unwrap_or_else(|| super::max_validity_for(c.not_before.0));
        if days > max {
            // The text only for a finding.
            let message = match opts.max_validity_days {
                Some(_) => format!("valid for {days} days (maximum {max}, --max-validity)"),
                // Written into a buffer sized for it: nearly every TLS certificate outside
                // the WebPKI gets this finding.
                None => {
                    use std::fmt::Write as _;
                    let mut m = String::with_capacity(96);
                    let _ = write!(
                        m,
                        "valid for {days} days (maximum {max}, CA/B limit for notBefore {})",
                        c.not_before
                    );
                    m
                }
            };
            found.push((&lints::VALIDITY_TOO_LONG, message));
        }
    }
}

/// Whether every commonName of the subject is plain (ASCII, no whitespace: its key for
/// `cn-not-in-san` is its lower case) and a dNSName or iPAddress of `sans` (a few names):
/// then `cn-not-in-san` finds nothing, and no list of keys is made (nearly every TLS
/// certificate).
fn plain_names_listed(c: &Certificate, sans: &[crate::model::GeneralName]) -> bool {
    sans.len() <= SAN_SCAN
        && c.subject_rdns
            .iter()
            .flatten()
            .filter(|a| a.oid == "2.5.4.3")
            .all(|a| {
                let v = a.value.as_bytes();
                // `dn::common_names_of`'s borrowed key, less the lower-casing.
                v.is_ascii()
                    && !v.iter().any(|b| b.is_ascii_whitespace() || *b == 0x0b)
                    && sans.iter().any(|n| {
                        (n.kind == "dns" || n.kind == "ip")
                            && n.value.eq_ignore_ascii_case(&a.value)
                    })
            })
}

/// Content octets of a certificate's serialNumber INTEGER, read from the DER (the model keeps
/// the value, not its encoded length).
fn serial_octets<'a>(der: &CertDer<'a>) -> Option<&'a [u8]> {
    let first = der.field(0)?;
    (first.tag == tlv::INTEGER).then_some(first.value)
}

/// `rsa-exponent-invalid` / `rsa-exponent-small`: the public exponent of an RSA key, read
/// from the certificate's subjectPublicKeyInfo (the model keeps only the size).
fn rsa_exponent(c: &Certificate, der: &CertDer<'_>, found: &mut Vec<(&'static Lint, String)>) {
    if c.public_key.algorithm != "rsa" {
        return;
    }
    let Some(e) = rsa_exponent_octets(der) else {
        return;
    };
    let zeros = e.iter().take_while(|b| **b == 0).count();
    let significant = e.get(zeros..).unwrap_or_default();
    // Exponents wider than 8 octets are large, so fine for this lint.
    let value = (significant.len() <= 8).then(|| {
        significant
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
    });
    let even = significant.last().is_none_or(|b| b & 1 == 0);
    match value {
        Some(v) if v < 3 || even => found.push((
            &lints::RSA_EXPONENT_INVALID,
            format!("RSA public exponent {v}"),
        )),
        None if even => found.push((
            &lints::RSA_EXPONENT_INVALID,
            "even RSA public exponent".to_string(),
        )),
        Some(v) if v < 65_537 => found.push((
            &lints::RSA_EXPONENT_SMALL,
            format!("RSA public exponent {v}"),
        )),
        _ => {}
    }
}

/// The publicExponent INTEGER's content octets of an RSA subjectPublicKeyInfo.
fn rsa_exponent_octets<'a>(der: &CertDer<'a>) -> Option<&'a [u8]> {
    let spki = der.field(5)?;
    let bits = spki.children().nth(1)?.ok()?;
    let key = bits.value.get(1..)?;
    let (seq, _) = tlv::read(key).ok()?;
    let e = seq.children().nth(1)?.ok()?;
    (e.tag == tlv::INTEGER).then_some(e.value)
}
