//! What `chain` requires of a path beyond signatures and chaining: the options of a run
//! (profile, host name, IP, email, purpose, depth) and the checks that read one certificate
//! at a time (critical extensions, the leaf's names and EKU, the webpki profile's rules),
//! each failure a [`Problem`] with a stable code and the clause it comes from.
//!
//! Owns the problem vocabulary: every code `chain` can report is built here (see
//! [`CODES`]) so the table in docs/chain.md has one source. Never reads files, never prints.

use std::net::IpAddr;

use serde::Serialize;

use crate::analysis::hostname;
use crate::model::{Certificate, ExtValue};

/// One thing wrong with a link: a stable code, words, and the clause that requires it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable identifier (`expired`, `name-not-permitted`, ...); see [`CODES`].
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
    /// The rule broken: `RFC 5280 §6.1.4 (k)`, `BR §6.1.5`, ...
    pub clause: &'static str,
}

/// Every problem code with its clause and meaning (docs/chain.md has the same table).
pub const CODES: &[(&str, &str, &str)] = &[
    (
        "signature-invalid",
        "RFC 5280 §6.1.3 (a)(1)",
        "the signature does not verify with the issuer's key",
    ),
    (
        "signature-not-checked",
        "RFC 5280 §6.1.3 (a)(1)",
        "the signature algorithm (or its parameters) is not supported",
    ),
    (
        "expired",
        "RFC 5280 §6.1.3 (a)(2)",
        "--at is after notAfter",
    ),
    (
        "not-yet-valid",
        "RFC 5280 §6.1.3 (a)(2)",
        "--at is before notBefore",
    ),
    (
        "issuer-not-found",
        "RFC 5280 §6.1.3 (a)(4)",
        "no certificate's subject is the issuer name (compared as §7.1 says)",
    ),
    (
        "untrusted-root",
        "RFC 5280 §6.1.1 (d)",
        "the path ends at a self-signed certificate that is not a trust anchor",
    ),
    (
        "not-a-ca",
        "RFC 5280 §6.1.4 (k)",
        "an issuer without basicConstraints cA TRUE",
    ),
    (
        "no-key-cert-sign",
        "RFC 5280 §6.1.4 (n)",
        "an issuer whose keyUsage lacks keyCertSign",
    ),
    (
        "path-length-exceeded",
        "RFC 5280 §6.1.4 (l), (m)",
        "more non-self-issued CA certificates below a CA than its pathLenConstraint",
    ),
    (
        "max-depth-exceeded",
        "RFC 5280 §6.1.2 (k)",
        "more intermediates than --max-depth",
    ),
    (
        "unknown-critical-extension",
        "RFC 5280 §6.1.4 (o), §6.1.5 (f)",
        "a critical extension that is not processed (or does not decode)",
    ),
    (
        "name-not-permitted",
        "RFC 5280 §6.1.3 (b)",
        "a name outside every permitted subtree of its form",
    ),
    (
        "name-excluded",
        "RFC 5280 §6.1.3 (c)",
        "a name within an excluded subtree",
    ),
    (
        "no-valid-policy",
        "RFC 5280 §6.1.3 (f), §6.1.5 (g)",
        "an explicit policy is required and the valid policy tree is empty",
    ),
    (
        "any-policy-mapped",
        "RFC 5280 §6.1.4 (a)",
        "policyMappings maps to or from anyPolicy",
    ),
    (
        "policy-tree-too-large",
        "RFC 5280 §6.1.3 (d)",
        "the valid policy tree would exceed 1,000 nodes (certscope's cap)",
    ),
    (
        "revoked",
        "RFC 5280 §6.1.3 (a)(3)",
        "a current, verified CRL lists the certificate",
    ),
    (
        "revocation-unknown",
        "RFC 5280 §6.1.3 (a)(3)",
        "--revocation require: no current, verified CRL covers the certificate for every reason",
    ),
    (
        "hostname-mismatch",
        "RFC 9525 §6.3",
        "no dNSName (or iPAddress) of the leaf matches --hostname",
    ),
    (
        "ip-mismatch",
        "RFC 9525 §6.3",
        "no iPAddress of the leaf is --ip",
    ),
    (
        "email-mismatch",
        "RFC 5280 §4.2.1.6",
        "no rfc822Name of the leaf is --email",
    ),
    (
        "purpose-mismatch",
        "RFC 5280 §4.2.1.12",
        "the leaf's extendedKeyUsage does not allow --purpose",
    ),
    (
        "time-stamping-eku",
        "RFC 3161 §2.3",
        "a time-stamping leaf's extendedKeyUsage must be critical and timeStamping only",
    ),
    (
        "rsa-key-too-small",
        "BR §6.1.5",
        "webpki: an RSA modulus under 2048 bits",
    ),
    (
        "curve-not-allowed",
        "Mozilla Root Store Policy §5.1",
        "webpki: an EC key not on P-256 or P-384",
    ),
    (
        "san-missing",
        "BR §7.1.2.7.12",
        "webpki: a leaf without subjectAltName (no CN fallback)",
    ),
    (
        "leaf-is-ca",
        "BR §7.1.2.7.8",
        "webpki: a leaf with basicConstraints cA TRUE",
    ),
    (
        "serial-not-positive",
        "BR §7.1",
        "webpki: a serial number that is zero or negative",
    ),
    (
        "any-eku",
        "BR §7.1.2.7.10",
        "webpki: anyExtendedKeyUsage does not stand for --purpose",
    ),
    (
        "ca-key-usage-not-critical",
        "BR §7.1.2.10.7",
        "webpki: a CA certificate whose keyUsage is missing or not critical",
    ),
    (
        "aki-missing",
        "BR §7.1.2.11.1",
        "webpki: a certificate that is not self-issued without authorityKeyIdentifier keyIdentifier",
    ),
    (
        "ski-missing",
        "BR §7.1.2.11.4",
        "webpki: a CA certificate without subjectKeyIdentifier",
    ),
    (
        "ca-eku",
        "BR §7.1.2.10.6",
        "webpki: a CA whose extendedKeyUsage has anyExtendedKeyUsage or lacks --purpose",
    ),
];

/// The clause of a code of [`CODES`].
fn clause(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("", |(_, clause, _)| clause)
}

impl Problem {
    /// A problem with `code` (one of [`CODES`]) and its clause.
    pub fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
            clause: clause(code),
        }
    }
}

/// Which rules apply beyond RFC 5280.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// RFC 5280 §6.1 only.
    #[default]
    Rfc5280,
    /// Plus the CA/Browser Forum Baseline Requirements and root-program rules that a TLS
    /// client enforces.
    Webpki,
}

/// What the leaf is to be used for (`--purpose`), checked against its extendedKeyUsage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// id-kp-serverAuth.
    Server,
    /// id-kp-clientAuth.
    Client,
    /// id-kp-codeSigning.
    CodeSigning,
    /// id-kp-emailProtection.
    Email,
    /// id-kp-timeStamping (critical, alone: RFC 3161 §2.3).
    TimeStamping,
    /// id-kp-OCSPSigning.
    OcspSigning,
    /// Any purpose: extendedKeyUsage is not looked at.
    Any,
}

impl Purpose {
    /// The EKU purpose name certscope decodes for it, `None` for [`Purpose::Any`].
    pub fn eku_name(self) -> Option<&'static str> {
        match self {
            Purpose::Server => Some("serverAuth"),
            Purpose::Client => Some("clientAuth"),
            Purpose::CodeSigning => Some("codeSigning"),
            Purpose::Email => Some("emailProtection"),
            Purpose::TimeStamping => Some("timeStamping"),
            Purpose::OcspSigning => Some("OCSPSigning"),
            Purpose::Any => None,
        }
    }
}

/// What a run of `chain` asks of every path besides RFC 5280's basic checks.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Rules beyond RFC 5280.
    pub profile: Profile,
    /// `--hostname`: the leaf must match (RFC 9525, SAN only).
    pub hostname: Option<String>,
    /// `--ip`: the leaf must carry this iPAddress.
    pub ip: Option<IpAddr>,
    /// `--email`: the leaf must carry this rfc822Name.
    pub email: Option<String>,
    /// `--purpose`: the leaf's EKU must allow it.
    pub purpose: Option<Purpose>,
    /// `--max-depth`: intermediates allowed between the leaf and the anchor.
    pub max_depth: Option<usize>,
    /// `--policy`, `--require-explicit-policy`, `--inhibit-policy-mapping`,
    /// `--inhibit-any-policy`.
    pub policy: PolicyOptions,
    /// Revocation checking (`--revocation`, RFC 5280 §6.1.3 (a)(3)).
    pub revocation: RevocationMode,
}

/// How `chain` uses revocation evidence (`--revocation`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationMode {
    /// Check every link against the CRLs of the run when there are any; a revoked
    /// certificate fails, an unknown one does not.
    #[default]
    Check,
    /// As `Check`, and a certificate no CRL covers fails too (`revocation-unknown`).
    Require,
    /// Ignore revocation evidence.
    Off,
}

/// Extensions certscope processes (so they may be critical): keyUsage, subjectAltName,
/// basicConstraints, nameConstraints, certificatePolicies, policyMappings,
/// authorityKeyIdentifier, policyConstraints, extendedKeyUsage, inhibitAnyPolicy and
/// subjectKeyIdentifier (the policy extensions through [`crate::analysis::policy`]).
const PROCESSED: &[&str] = &[
    "2.5.29.14",
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.30",
    "2.5.29.32",
    "2.5.29.33",
    "2.5.29.35",
    "2.5.29.36",
    "2.5.29.37",
    "2.5.29.54",
];

/// Critical extensions of `cert` that are not processed, or processed but not decodable.
pub fn unknown_critical(cert: &Certificate, leaf: bool) -> Vec<Problem> {
    cert.extensions
        .iter()
        .filter(|e| e.critical)
        .filter_map(|e| {
            let known = PROCESSED.contains(&e.oid.as_ref());
            let what = if !known {
                "is not processed"
            } else if matches!(*e.value, ExtValue::Error(_)) {
                "does not decode"
            } else {
                return None;
            };
            let whose = if leaf { "the leaf" } else { "a CA" };
            Some(Problem::new(
                "unknown-critical-extension",
                if e.name == e.oid {
                    format!("critical extension {} {what} ({whose})", e.oid)
                } else {
                    format!("critical extension {} ({}) {what} ({whose})", e.name, e.oid)
                },
            ))
        })
        .collect()
}

/// The checks of the first certificate of a path: --hostname, --ip, --email, --purpose.
pub fn leaf(cert: &Certificate, opts: &Options) -> Vec<Problem> {
    let mut out = Vec::new();
    let sans = cert.subject_alt_names();
    if let Some(host) = &opts.hostname {
        if !hostname::names_match_host(sans, host) {
            out.push(Problem::new(
                "hostname-mismatch",
                format!("no subjectAltName matches host name {host} (the CN is not used)"),
            ));
        }
    }
    if let Some(ip) = opts.ip {
        if !hostname::names_match_ip(sans, ip) {
            out.push(Problem::new(
                "ip-mismatch",
                format!("no subjectAltName iPAddress is {ip}"),
            ));
        }
    }
    if let Some(email) = &opts.email {
        if !sans
            .iter()
            .any(|n| n.kind == "email" && email_matches(&n.value, email))
        {
            out.push(Problem::new(
                "email-mismatch",
                format!("no subjectAltName rfc822Name is {email}"),
            ));
        }
    }
    if let Some(purpose) = opts.purpose {
        out.extend(purpose_problems(cert, purpose, opts.profile));
    }
    out
}

/// Mailboxes are equal when the local parts are equal and the hosts equal ignoring case.
fn email_matches(have: &str, want: &str) -> bool {
    match (have.rsplit_once('@'), want.rsplit_once('@')) {
        (Some((hl, hh)), Some((wl, wh))) => hl == wl && hh.eq_ignore_ascii_case(wh),
        _ => false,
    }
}

fn purpose_problems(cert: &Certificate, purpose: Purpose, profile: Profile) -> Vec<Problem> {
    let Some(want) = purpose.eku_name() else {
        return Vec::new();
    };
    let ext = cert.extension("2.5.29.37");
    let Some(ekus) = cert.extended_key_usage() else {
        if ext.is_some() {
            return vec![Problem::new(
                "purpose-mismatch",
                "extendedKeyUsage does not decode",
            )];
        }
        if purpose == Purpose::TimeStamping {
            return vec![Problem::new(
                "time-stamping-eku",
                "a time-stamping certificate needs a critical extendedKeyUsage of timeStamping",
            )];
        }
        // No EKU: any purpose (§4.2.1.12).
        return Vec::new();
    };
    let has = |n: &str| ekus.iter().any(|e| e == n);
    if purpose == Purpose::TimeStamping {
        let critical = ext.is_some_and(|e| e.critical);
        if !critical || ekus.len() != 1 || !has(want) {
            return vec![Problem::new(
                "time-stamping-eku",
                format!(
                    "extendedKeyUsage is {}{}; a time-stamping certificate needs timeStamping \
                     alone, critical",
                    ekus.join(", "),
                    if critical { " (critical)" } else { "" }
                ),
            )];
        }
        return Vec::new();
    }
    if has(want) {
        return Vec::new();
    }
    if has("anyExtendedKeyUsage") {
        return match profile {
            Profile::Rfc5280 => Vec::new(),
            Profile::Webpki => vec![Problem::new(
                "any-eku",
                format!("extendedKeyUsage anyExtendedKeyUsage does not stand for {want}"),
            )],
        };
    }
    vec![Problem::new(
        "purpose-mismatch",
        format!(
            "extendedKeyUsage ({}) does not include {want}",
            ekus.join(", ")
        ),
    )]
}

/// The webpki profile's per-certificate rules: key size, curve and AKI for every certificate
/// that is not an anchor; SAN, cA FALSE and a positive serial for the leaf; a critical
/// keyUsage, an SKI and an extendedKeyUsage that serves `purpose` (and is not
/// anyExtendedKeyUsage) for every CA above it.
pub fn webpki(cert: &Certificate, leaf: bool, purpose: Option<Purpose>) -> Vec<Problem> {
    let mut out = Vec::new();
    let key = &cert.public_key;
    match (key.algorithm.as_str(), key.bits) {
        ("rsa" | "rsa-pss", Some(bits)) if bits < 2048 => {
            out.push(Problem::new(
                "rsa-key-too-small",
                format!("RSA key of {bits} bits (at least 2048)"),
            ));
        }
        ("ec", _) => {
            let curve = key.curve.as_deref().unwrap_or("unknown curve");
            if !matches!(curve, "P-256" | "P-384") {
                out.push(Problem::new(
                    "curve-not-allowed",
                    format!("EC key on {curve} (P-256 or P-384 only)"),
                ));
            }
        }
        _ => {}
    }
    if leaf {
        if cert.subject_alt_names().is_empty() {
            out.push(Problem::new(
                "san-missing",
                "no subjectAltName: the subject CN is not used for names",
            ));
        }
        if cert.is_ca() {
            out.push(Problem::new(
                "leaf-is-ca",
                "the leaf has basicConstraints cA TRUE",
            ));
        }
        if cert.serial.starts_with('-') || cert.serial.trim_start_matches('0').is_empty() {
            out.push(Problem::new(
                "serial-not-positive",
                format!("serial number {} is not positive", cert.serial_decimal),
            ));
        }
    } else {
        out.extend(webpki_ca(cert, purpose));
    }
    // A self-issued certificate (a root, a key rollover) may name no authority key.
    if !cert.self_issued() && cert.authority_key_id.is_none() {
        out.push(Problem::new(
            "aki-missing",
            "no authorityKeyIdentifier with a keyIdentifier",
        ));
    }
    out
}

/// The webpki rules for a CA certificate of the path (BR §7.1.2.10, §7.1.2.11.4).
fn webpki_ca(cert: &Certificate, purpose: Option<Purpose>) -> Vec<Problem> {
    let mut out = Vec::new();
    match cert.extension("2.5.29.15") {
        Some(ku) if ku.critical => {}
        Some(_) => out.push(Problem::new(
            "ca-key-usage-not-critical",
            "the CA's keyUsage is not marked critical",
        )),
        None => out.push(Problem::new(
            "ca-key-usage-not-critical",
            "the CA has no keyUsage extension",
        )),
    }
    if cert.subject_key_id.is_none() {
        out.push(Problem::new(
            "ski-missing",
            "the CA has no subjectKeyIdentifier",
        ));
    }
    // No EKU on a CA constrains nothing; one that is present chains to the leaf's purpose.
    if let Some(ekus) = cert.extended_key_usage() {
        let has = |n: &str| ekus.iter().any(|e| e == n);
        if has("anyExtendedKeyUsage") {
            out.push(Problem::new(
                "ca-eku",
                "the CA's extendedKeyUsage includes anyExtendedKeyUsage",
            ));
        } else if let Some(want) = purpose.and_then(Purpose::eku_name) {
            if !has(want) {
                out.push(Problem::new(
                    "ca-eku",
                    format!(
                        "the CA's extendedKeyUsage ({}) does not include {want}",
                        ekus.join(", ")
                    ),
                ));
            }
        }
    }
    out
}

/// The policy inputs of §6.1.1 (c), (e), (f), (g).
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// user-initial-policy-set (dotted OIDs); empty means {anyPolicy}.
    pub initial: Vec<String>,
    /// initial-explicit-policy.
    pub require_explicit: bool,
    /// initial-policy-mapping-inhibit.
    pub inhibit_mapping: bool,
    /// initial-any-policy-inhibit.
    pub inhibit_any: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_clause_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for (code, clause, meaning) in CODES {
            assert!(seen.insert(*code), "{code} twice");
            assert!(!clause.is_empty() && !meaning.is_empty());
        }
        assert_eq!(
            Problem::new("expired", "x").clause,
            "RFC 5280 §6.1.3 (a)(2)"
        );
    }

    #[test]
    fn mailboxes() {
        assert!(email_matches("user@Valid.example", "user@valid.example"));
        assert!(!email_matches("User@valid.example", "user@valid.example"));
        assert!(!email_matches("user", "user"));
    }
}
