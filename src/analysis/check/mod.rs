//! Offline checks over every certificate, CRL and CSR of a run: validity windows, host
//! names, and a lint set for internal PKIs and the WebPKI.
//!
//! Each lint is a row of [`LINTS`] (id, severity, one-line explanation, the RFC or CA/Browser
//! Forum Baseline Requirements clause it comes from) and a few lines in [`check`]. Findings
//! are data; the binary renders them and turns them into an exit status.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::hostname;
use crate::model::{Body, Certificate, ExtValue, Item, RelationKind};
use crate::relate::{self, Related};
use crate::tlv;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Likely a problem.
    Warn,
    /// A violation or a failure that relying parties will hit.
    Error,
}

impl Severity {
    /// `error`, `warn`, `info`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// One lint: what it checks and where the rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lint {
    /// Stable id, for `--lint`/`--skip-lint` and the JSON `lint` field.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// One line: what it means.
    pub summary: &'static str,
    /// The clause it comes from.
    pub reference: &'static str,
    /// Only run when its option is given (`--expires-within`, `--not-yet-valid`,
    /// `--hostname`, `--ip`).
    pub on_request: bool,
}

const fn lint(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    reference: &'static str,
) -> Lint {
    Lint {
        id,
        severity,
        summary,
        reference,
        on_request: false,
    }
}

const fn requested(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    reference: &'static str,
) -> Lint {
    Lint {
        on_request: true,
        ..lint(id, severity, summary, reference)
    }
}

use Severity::{Error, Warn};

/// Every lint, in the order findings are listed per item.
pub const LINTS: &[Lint] = &[
    lint(
        "expired",
        Error,
        "the certificate's notAfter has passed",
        "RFC 5280 §4.1.2.5",
    ),
    requested(
        "not-yet-valid",
        Error,
        "the certificate's notBefore is still in the future (with --not-yet-valid)",
        "RFC 5280 §4.1.2.5",
    ),
    requested(
        "expires-soon",
        Error,
        "the certificate expires within the --expires-within duration",
        "operational check (certscope)",
    ),
    lint(
        "crl-next-update-passed",
        Error,
        "the CRL's nextUpdate has passed: relying parties treat it as stale",
        "RFC 5280 §5.1.2.5",
    ),
    requested(
        "hostname-mismatch",
        Error,
        "no subjectAltName dNSName of the end-entity certificate matches --hostname",
        "RFC 9525 §6.3 (RFC 6125 §6.4)",
    ),
    requested(
        "ip-mismatch",
        Error,
        "no subjectAltName iPAddress of the end-entity certificate is --ip",
        "RFC 9525 §6.3, RFC 5280 §4.2.1.6",
    ),
    lint(
        "md5-signature",
        Error,
        "signed with MD5, which is broken for signatures",
        "RFC 6151 §2; CA/B Forum BR §7.1.3.2",
    ),
    lint(
        "sha1-signature",
        Error,
        "signed with SHA-1, which is no longer collision resistant",
        "CA/B Forum BR §7.1.3.2",
    ),
    lint(
        "rsa-key-too-small",
        Error,
        "RSA key under 2048 bits",
        "CA/B Forum BR §6.1.5; NIST SP 800-131A",
    ),
    lint(
        "ec-key-too-small",
        Error,
        "elliptic-curve key under 256 bits",
        "CA/B Forum BR §6.1.5; NIST SP 800-131A",
    ),
    lint(
        "ca-without-keycertsign",
        Error,
        "CA:TRUE, but keyUsage is absent or lacks keyCertSign",
        "RFC 5280 §4.2.1.3, §4.2.1.9",
    ),
    lint(
        "leaf-is-ca",
        Warn,
        "an end-entity certificate (server/client names or purposes, issued nothing) has CA:TRUE",
        "RFC 5280 §4.2.1.9; CA/B Forum BR §7.1.2.7.8",
    ),
    lint(
        "path-length-violated",
        Error,
        "more CA certificates follow a CA in a chain than its pathLenConstraint allows",
        "RFC 5280 §4.2.1.9, §6.1.4 (l)",
    ),
    lint(
        "san-missing",
        Error,
        "TLS server certificate without a subjectAltName dNSName or iPAddress",
        "CA/B Forum BR §7.1.2.7.12; RFC 9525 §6.3",
    ),
    lint(
        "cn-not-in-san",
        Warn,
        "TLS server certificate whose commonName is not one of its subjectAltName entries",
        "CA/B Forum BR §7.1.4.3",
    ),
    lint(
        "aki-missing",
        Warn,
        "certificate (not self-signed) without an authorityKeyIdentifier",
        "RFC 5280 §4.2.1.1",
    ),
    lint(
        "ski-missing",
        Warn,
        "certificate without a subjectKeyIdentifier (MUST for CAs, SHOULD otherwise)",
        "RFC 5280 §4.2.1.2",
    ),
    lint(
        "duplicate-extension",
        Error,
        "the same extension appears more than once",
        "RFC 5280 §4.2",
    ),
    lint(
        "unknown-critical-extension",
        Error,
        "a critical extension certscope does not recognise: relying parties must reject it",
        "RFC 5280 §4.2",
    ),
    lint(
        "serial-negative",
        Error,
        "negative serial number",
        "RFC 5280 §4.1.2.2",
    ),
    lint(
        "serial-zero",
        Error,
        "serial number zero",
        "RFC 5280 §4.1.2.2",
    ),
    lint(
        "serial-too-long",
        Error,
        "serial number longer than 20 octets",
        "RFC 5280 §4.1.2.2",
    ),
    lint(
        "utctime-after-2049",
        Error,
        "a validity date meant after 2049 encoded as UTCTime (reads as 19xx)",
        "RFC 5280 §4.1.2.5, §4.1.2.5.1",
    ),
    lint(
        "validity-too-long",
        Warn,
        "end-entity certificate valid longer than --max-validity days (default 398)",
        "CA/B Forum BR §6.3.2",
    ),
];

/// The lint with this id.
pub fn find_lint(id: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.id == id)
}

/// Something wrong with the options of a check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// `--lint`/`--skip-lint` named no lint.
    #[error("unknown lint id {id:?} (known: {known})")]
    UnknownLint {
        /// The id given.
        id: String,
        /// Every id, comma separated.
        known: String,
    },
    /// A duration that is not `<number><s|m|h|d|w>`.
    #[error("{0:?} is not a duration: use a number and s, m, h, d or w (30d, 12h, 2w)")]
    BadDuration(String),
}

/// Parses `30d`, `12h`, `2w`, `90m`, `45s`.
pub fn parse_duration(s: &str) -> Result<Duration, CheckError> {
    let bad = || CheckError::BadDuration(s.to_string());
    let t = s.trim();
    let unit_at = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = t.split_at(unit_at);
    let n: i64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad()),
    };
    n.checked_mul(secs).map(Duration::seconds).ok_or_else(bad)
}

/// What to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// "Now".
    pub now: OffsetDateTime,
    /// `--expires-within`.
    pub expires_within: Option<Duration>,
    /// `--not-yet-valid`.
    pub not_yet_valid: bool,
    /// `--hostname`.
    pub hostname: Option<String>,
    /// `--ip`.
    pub ip: Option<IpAddr>,
    /// `--max-validity` in days.
    pub max_validity_days: i64,
    /// `--lint`: only these (empty: every lint).
    pub only: Vec<String>,
    /// `--skip-lint`.
    pub skip: Vec<String>,
}

/// Default for `--max-validity`: the WebPKI's limit for TLS server certificates.
pub const DEFAULT_MAX_VALIDITY_DAYS: i64 = 398;

impl Options {
    /// Fails on unknown lint ids.
    pub fn validate(&self) -> Result<(), CheckError> {
        for id in self.only.iter().chain(&self.skip) {
            if find_lint(id).is_none() {
                return Err(CheckError::UnknownLint {
                    id: id.clone(),
                    known: LINTS.iter().map(|l| l.id).collect::<Vec<_>>().join(", "),
                });
            }
        }
        Ok(())
    }

    fn enabled(&self, lint: &Lint) -> bool {
        let requested = match lint.id {
            "not-yet-valid" => self.not_yet_valid,
            "expires-soon" => self.expires_within.is_some(),
            "hostname-mismatch" => self.hostname.is_some(),
            "ip-mismatch" => self.ip.is_some(),
            _ => true,
        };
        requested
            && (self.only.is_empty() || self.only.iter().any(|i| i == lint.id))
            && !self.skip.iter().any(|i| i == lint.id)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Run-wide number of the item.
    pub item: usize,
    /// The lint id.
    pub lint: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What exactly is wrong with this item.
    pub message: String,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Items checked (certificates, CRLs, CSRs).
    pub checked: usize,
    /// Certificates among them.
    pub certificates: usize,
    /// CRLs among them.
    pub crls: usize,
    /// CSRs among them.
    pub csrs: usize,
    /// Findings of severity error.
    pub error: usize,
    /// Findings of severity warn.
    pub warn: usize,
    /// Findings of severity info.
    pub info: usize,
}

/// At most this many findings of one lint are listed per item; one more finding says how
/// many others there are (they are still counted in [`Counts`]).
pub const MAX_FINDINGS_PER_LINT: usize = 8;

/// Runs every enabled lint over `items` (numbered by position); findings in item order,
/// then [`LINTS`] order.
pub fn check(items: &[Item], opts: &Options) -> (Vec<Finding>, Counts) {
    let related = relate::relate(items);
    let mut findings = Vec::new();
    let mut counts = Counts::default();
    let issuers = issued_anything(&related);
    let path_len = path_length_findings(items, &related);
    for (n, item) in items.iter().enumerate() {
        let mut found: Vec<(&'static str, String)> = Vec::new();
        match &item.body {
            Body::Certificate(c) => {
                counts.certificates += 1;
                certificate(item, c, opts, issuers.contains(&n), &mut found);
                found.extend(path_len.get(&n).cloned().unwrap_or_default());
            }
            Body::Crl(c) => {
                counts.crls += 1;
                if let Some(next) = c.next_update {
                    if next.0 < opts.now {
                        found.push((
                            "crl-next-update-passed",
                            format!(
                                "nextUpdate {next} has passed ({} ago)",
                                ago(opts.now - next.0)
                            ),
                        ));
                    }
                }
                weak_signature(&c.signature_algorithm, false, &mut found);
            }
            Body::Csr(c) => {
                counts.csrs += 1;
                weak_signature(&c.signature_algorithm, false, &mut found);
                key_size(&c.public_key, &mut found);
            }
            _ => continue,
        }
        counts.checked += 1;
        for lint in LINTS.iter().filter(|l| opts.enabled(l)) {
            let mut listed = 0;
            for (_, message) in found.iter().filter(|(id, _)| *id == lint.id) {
                // Counted, all of them; listed up to the cap (each listed finding names
                // the item, so a certificate of 10,000 names stays linear in output).
                match lint.severity {
                    Severity::Error => counts.error += 1,
                    Severity::Warn => counts.warn += 1,
                    Severity::Info => counts.info += 1,
                }
                listed += 1;
                if listed <= MAX_FINDINGS_PER_LINT {
                    findings.push(Finding {
                        item: n,
                        lint: lint.id,
                        severity: lint.severity,
                        message: message.clone(),
                    });
                }
            }
            if listed > MAX_FINDINGS_PER_LINT {
                findings.push(Finding {
                    item: n,
                    lint: lint.id,
                    severity: lint.severity,
                    message: format!(
                        "{} more {} findings on this item, not listed",
                        relate::thousands(listed - MAX_FINDINGS_PER_LINT),
                        lint.id
                    ),
                });
            }
        }
    }
    (findings, counts)
}

fn ago(d: Duration) -> String {
    let days = d.whole_days();
    if days >= 1 {
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    } else {
        let hours = d.whole_hours();
        format!("{hours} hour{}", if hours == 1 { "" } else { "s" })
    }
}

/// Items that issued (with a verified or uncheckable signature) another item of the run.
fn issued_anything(related: &[Related]) -> HashSet<usize> {
    related
        .iter()
        .flat_map(|r| r.relations.iter())
        .filter(|r| r.kind == RelationKind::IssuedBy)
        .map(|r| r.item)
        .collect()
}

fn weak_signature(alg: &str, self_signed_ca: bool, found: &mut Vec<(&'static str, String)>) {
    // A root's self-signature is never checked by relying parties, so a SHA-1 root is not
    // a weakness (CA/B Forum BR §7.1.3.2 exempts it as well).
    if self_signed_ca {
        return;
    }
    let lower = alg.to_ascii_lowercase();
    if lower.starts_with("md5") || lower.starts_with("md2") {
        found.push(("md5-signature", format!("signature algorithm {alg}")));
    } else if lower.starts_with("sha1") || lower == "ecdsa-with-sha1" || lower == "dsa-with-sha1" {
        found.push(("sha1-signature", format!("signature algorithm {alg}")));
    }
}

fn key_size(k: &crate::model::PublicKeyInfo, found: &mut Vec<(&'static str, String)>) {
    match (k.algorithm.as_str(), k.bits) {
        ("rsa" | "rsa-pss", Some(bits)) if bits < 2048 => {
            found.push(("rsa-key-too-small", format!("RSA key of {bits} bits")))
        }
        ("ec", Some(bits)) if bits < 256 => found.push((
            "ec-key-too-small",
            format!(
                "EC key on {} ({bits} bits)",
                k.curve.as_deref().unwrap_or("an unnamed curve")
            ),
        )),
        _ => {}
    }
}

/// End-entity TLS server certificate: not a CA, and serverAuth (or anyExtendedKeyUsage) in
/// its EKU.
fn tls_server(c: &Certificate) -> bool {
    !c.is_ca()
        && c.extended_key_usage().is_some_and(|eku| {
            eku.iter().any(|p| {
                p == "serverAuth"
                    || p == "anyExtendedKeyUsage"
                    || p == "TLS Web Server Authentication"
            })
        })
}

fn common_names(subject: &str) -> Vec<String> {
    crate::dn::name_key(subject)
        .iter()
        .flat_map(|rdn| rdn.split('+').map(str::to_string).collect::<Vec<_>>())
        .filter_map(|ava| ava.strip_prefix("2.5.4.3=").map(str::to_string))
        .collect()
}

fn certificate(
    item: &Item,
    c: &Certificate,
    opts: &Options,
    issued_something: bool,
    found: &mut Vec<(&'static str, String)>,
) {
    let now = opts.now;
    if now > c.not_after.0 {
        found.push((
            "expired",
            format!(
                "expired on {} ({} ago)",
                c.not_after,
                ago(now - c.not_after.0)
            ),
        ));
    }
    if now < c.not_before.0 {
        found.push((
            "not-yet-valid",
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
                "expires-soon",
                format!(
                    "expires on {} (in {})",
                    c.not_after,
                    ago(c.not_after.0 - now)
                ),
            ));
        }
    }
    let ee = !c.is_ca();
    if let (Some(host), true) = (&opts.hostname, ee) {
        if !hostname::names_match_host(c.subject_alt_names(), host) {
            found.push((
                "hostname-mismatch",
                format!("no subjectAltName matches {host}"),
            ));
        }
    }
    if let (Some(ip), true) = (opts.ip, ee) {
        if !hostname::names_match_ip(c.subject_alt_names(), ip) {
            found.push((
                "ip-mismatch",
                format!("no subjectAltName iPAddress is {ip}"),
            ));
        }
    }
    weak_signature(&c.signature_algorithm, c.self_signed && c.is_ca(), found);
    key_size(&c.public_key, found);
    if c.is_ca() {
        match c.key_usage() {
            None => found.push((
                "ca-without-keycertsign",
                "CA:TRUE without a keyUsage extension".to_string(),
            )),
            Some(ku) if !ku.iter().any(|k| k == "keyCertSign") => found.push((
                "ca-without-keycertsign",
                format!("CA:TRUE, keyUsage is {}", ku.join(", ")),
            )),
            Some(_) => {}
        }
        let end_entity_purpose = c.extended_key_usage().is_some_and(|eku| {
            eku.iter().any(|p| {
                matches!(
                    p.as_str(),
                    "serverAuth" | "clientAuth" | "emailProtection" | "codeSigning"
                )
            })
        });
        let host_names = c
            .subject_alt_names()
            .iter()
            .any(|n| matches!(n.kind.as_str(), "dns" | "ip" | "email"));
        if !issued_something && (end_entity_purpose || host_names) {
            found.push((
                "leaf-is-ca",
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
    if tls_server(c) {
        let sans = c.subject_alt_names();
        if !sans.iter().any(|n| n.kind == "dns" || n.kind == "ip") {
            found.push((
                "san-missing",
                "serverAuth certificate without a dNSName or iPAddress subjectAltName".to_string(),
            ));
        } else {
            // A set, not a scan per commonName: 10,000 of each would be 10^8 comparisons.
            let listed: HashSet<String> = sans
                .iter()
                .filter(|n| n.kind == "dns" || n.kind == "ip")
                .map(|n| n.value.to_ascii_lowercase())
                .collect();
            for cn in common_names(&c.subject) {
                if !listed.contains(&cn) {
                    found.push((
                        "cn-not-in-san",
                        format!("commonName {cn:?} is not in subjectAltName"),
                    ));
                }
            }
        }
    }
    if c.authority_key_id.is_none() && !c.self_signed {
        found.push(("aki-missing", "no authorityKeyIdentifier".to_string()));
    }
    if c.subject_key_id.is_none() {
        found.push((
            "ski-missing",
            if c.is_ca() {
                "CA certificate without subjectKeyIdentifier".to_string()
            } else {
                "no subjectKeyIdentifier".to_string()
            },
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for e in &c.extensions {
        *seen.entry(e.oid.as_str()).or_insert(0) += 1;
    }
    let mut dups: Vec<(&str, usize)> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
    dups.sort();
    for (oid, n) in dups {
        let name = c
            .extensions
            .iter()
            .find(|e| e.oid == oid)
            .map(|e| e.name.as_str())
            .unwrap_or(oid);
        found.push(("duplicate-extension", format!("{name} appears {n} times")));
    }
    for e in c.extensions.iter().filter(|e| e.critical) {
        if matches!(e.value, ExtValue::Raw(_)) {
            found.push((
                "unknown-critical-extension",
                format!("critical extension {} is not recognised", e.oid),
            ));
        }
    }
    if let Some(serial) = item.der.as_deref().and_then(serial_octets) {
        if serial.len() > 20 {
            found.push((
                "serial-too-long",
                format!("serial is {} octets long", serial.len()),
            ));
        }
        if serial.first().is_some_and(|b| b & 0x80 != 0) {
            found.push(("serial-negative", format!("serial is {}", c.serial)));
        } else if serial.iter().all(|b| *b == 0) {
            found.push(("serial-zero", "serial is 0".to_string()));
        }
    }
    // UTCTime holds years 1950-2049: a notAfter that decodes to the 1950s-1990s while
    // notBefore is in this century was meant as 20YY and should have been GeneralizedTime.
    let after_year = c.not_after.0.year();
    if (1950..2000).contains(&after_year) && c.not_before.0.year() >= 2000 {
        found.push((
            "utctime-after-2049",
            format!(
                "notAfter reads as {} (UTCTime year {}), before notBefore {}",
                c.not_after,
                after_year % 100,
                c.not_before
            ),
        ));
    }
    if ee {
        let days = (c.not_after.0 - c.not_before.0).whole_days();
        if days > opts.max_validity_days {
            found.push((
                "validity-too-long",
                format!("valid for {days} days (maximum {})", opts.max_validity_days),
            ));
        }
    }
}

/// Content octets of a certificate's serialNumber INTEGER, read from the DER (the model keeps
/// the value, not its encoded length).
fn serial_octets(der: &[u8]) -> Option<Vec<u8>> {
    let (cert, _) = tlv::read(der).ok()?;
    let tbs = cert.children().next()?.ok()?;
    let mut fields = tbs.children();
    let mut first = fields.next()?.ok()?;
    if first.tag == 0xa0 {
        first = fields.next()?.ok()?;
    }
    (first.tag == tlv::INTEGER).then(|| first.value.to_vec())
}

/// RFC 5280 §6.1.4 (l)/(m) over the issued_by graph of the run: for each CA with a
/// pathLenConstraint, the longest run of non-self-issued CA certificates below it that
/// themselves issued something (the lowest certificate of a path is its target, not an
/// intermediate).
fn path_length_findings(
    items: &[Item],
    related: &[Related],
) -> HashMap<usize, Vec<(&'static str, String)>> {
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (child, r) in related.iter().enumerate() {
        for rel in r
            .relations
            .iter()
            .filter(|r| r.kind == RelationKind::IssuedBy)
        {
            if rel.item != child
                && matches!(
                    items.get(child).map(|i| &i.body),
                    Some(Body::Certificate(_))
                )
            {
                children.entry(rel.item).or_default().push(child);
            }
        }
    }
    let cert = |i: usize| match items.get(i).map(|i| &i.body) {
        Some(Body::Certificate(c)) => Some(c.as_ref()),
        _ => None,
    };
    // depth(x): intermediates at and below x, x counted when it issued something.
    fn depth<'c>(
        x: usize,
        children: &HashMap<usize, Vec<usize>>,
        cert: &dyn Fn(usize) -> Option<&'c Certificate>,
        on_path: &mut Vec<usize>,
        memo: &mut HashMap<usize, usize>,
    ) -> usize {
        if let Some(d) = memo.get(&x) {
            return *d;
        }
        let Some(kids) = children.get(&x) else {
            return 0;
        };
        if on_path.contains(&x) || on_path.len() > 32 {
            return 0;
        }
        on_path.push(x);
        let below = kids
            .iter()
            .map(|&k| depth(k, children, cert, on_path, memo))
            .max()
            .unwrap_or(0);
        on_path.pop();
        let me = usize::from(cert(x).is_some_and(|c| c.is_ca() && !c.self_issued()));
        memo.insert(x, below + me);
        below + me
    }
    let mut memo = HashMap::new();
    let mut out: HashMap<usize, Vec<(&'static str, String)>> = HashMap::new();
    for (i, _) in items.iter().enumerate() {
        let Some(max) = cert(i)
            .and_then(|c| c.basic_constraints())
            .and_then(|b| b.path_len)
        else {
            continue;
        };
        let below = children
            .get(&i)
            .map(|kids| {
                kids.iter()
                    .map(|&k| depth(k, &children, &cert, &mut vec![i], &mut memo))
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        if u32::try_from(below).unwrap_or(u32::MAX) > max {
            out.entry(i).or_default().push((
                "path-length-violated",
                format!(
                    "pathLenConstraint {max}, but {below} CA certificate{} follow{} it in a chain of this run",
                    if below == 1 { "" } else { "s" },
                    if below == 1 { "s" } else { "" }
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::items_of_all as items;

    fn opts() -> Options {
        Options {
            now: OffsetDateTime::parse(
                "2026-01-15T12:00:00Z",
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap(),
            expires_within: None,
            not_yet_valid: false,
            hostname: None,
            ip: None,
            max_validity_days: DEFAULT_MAX_VALIDITY_DAYS,
            only: Vec::new(),
            skip: Vec::new(),
        }
    }

    fn lints_of(data: &[u8], o: &Options) -> Vec<&'static str> {
        let it = items(&[data]);
        check(&it, o).0.iter().map(|f| f.lint).collect()
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d").unwrap(), Duration::days(30));
        assert_eq!(parse_duration("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_duration("2w").unwrap(), Duration::weeks(2));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn unknown_lint_ids_are_refused() {
        let mut o = opts();
        o.skip = vec!["no-such-lint".into()];
        assert!(o.validate().is_err());
        o.skip = LINTS.iter().map(|l| l.id.to_string()).collect();
        assert!(o.validate().is_ok());
    }

    #[test]
    fn each_lint_fixture_trips_its_lint() {
        let o = opts();
        assert_eq!(
            lints_of(include_bytes!("../../../fixtures/lint/clean.pem"), &o),
            Vec::<&str>::new()
        );
        for (data, want) in [
            (
                &include_bytes!("../../../fixtures/lint/expired.pem")[..],
                "expired",
            ),
            (
                include_bytes!("../../../fixtures/lint/sha1-signature.pem"),
                "sha1-signature",
            ),
            (
                include_bytes!("../../../fixtures/lint/md5-signature.pem"),
                "md5-signature",
            ),
            (
                include_bytes!("../../../fixtures/lint/rsa-1024.pem"),
                "rsa-key-too-small",
            ),
            (
                include_bytes!("../../../fixtures/lint/ec-p224.pem"),
                "ec-key-too-small",
            ),
            (
                include_bytes!("../../../fixtures/lint/ca-without-keycertsign.pem"),
                "ca-without-keycertsign",
            ),
            (
                include_bytes!("../../../fixtures/lint/leaf-ca-true.pem"),
                "leaf-is-ca",
            ),
            (
                include_bytes!("../../../fixtures/lint/no-san.pem"),
                "san-missing",
            ),
            (
                include_bytes!("../../../fixtures/lint/cn-not-in-san.pem"),
                "cn-not-in-san",
            ),
            (
                include_bytes!("../../../fixtures/lint/no-aki-ski.pem"),
                "aki-missing",
            ),
            (
                include_bytes!("../../../fixtures/lint/no-aki-ski.pem"),
                "ski-missing",
            ),
            (
                include_bytes!("../../../fixtures/lint/duplicate-extension.pem"),
                "duplicate-extension",
            ),
            (
                include_bytes!("../../../fixtures/lint/unknown-critical.pem"),
                "unknown-critical-extension",
            ),
            (
                include_bytes!("../../../fixtures/lint/serial-negative.pem"),
                "serial-negative",
            ),
            (
                include_bytes!("../../../fixtures/lint/serial-zero.pem"),
                "serial-zero",
            ),
            (
                include_bytes!("../../../fixtures/lint/serial-too-long.pem"),
                "serial-too-long",
            ),
            (
                include_bytes!("../../../fixtures/lint/utctime-after-2049.pem"),
                "utctime-after-2049",
            ),
            (
                include_bytes!("../../../fixtures/lint/long-validity.pem"),
                "validity-too-long",
            ),
            (
                include_bytes!("../../../fixtures/lint/crl-next-update-passed.crl"),
                "crl-next-update-passed",
            ),
        ] {
            let got = lints_of(data, &o);
            assert!(got.contains(&want), "{want}: got {got:?}");
        }
    }

    #[test]
    fn requested_checks() {
        let mut o = opts();
        let nyv = include_bytes!("../../../fixtures/lint/not-yet-valid.pem");
        assert!(lints_of(nyv, &o).is_empty());
        o.not_yet_valid = true;
        assert_eq!(lints_of(nyv, &o), vec!["not-yet-valid"]);
        let clean = include_bytes!("../../../fixtures/lint/clean.pem");
        o.expires_within = Some(Duration::days(30));
        assert!(lints_of(clean, &o).is_empty());
        o.expires_within = Some(Duration::days(200));
        assert_eq!(lints_of(clean, &o), vec!["expires-soon"]);
        o.expires_within = None;
        o.hostname = Some("lint.example".into());
        assert!(lints_of(clean, &o).is_empty());
        o.hostname = Some("other.example".into());
        assert_eq!(lints_of(clean, &o), vec!["hostname-mismatch"]);
        o.hostname = None;
        o.ip = Some("192.0.2.1".parse().unwrap());
        assert_eq!(lints_of(clean, &o), vec!["ip-mismatch"]);
    }

    #[test]
    fn path_length_over_the_run() {
        let it = items(&[
            include_bytes!("../../../fixtures/chains/pathlen-exceeded.pem"),
            include_bytes!("../../../fixtures/chains/root.pem"),
        ]);
        let (f, _) = check(&it, &opts());
        let pl: Vec<&Finding> = f
            .iter()
            .filter(|f| f.lint == "path-length-violated")
            .collect();
        assert_eq!(pl.len(), 1, "{f:?}");
        assert_eq!(pl[0].item, 2, "the pathlen:0 CA is the third certificate");
    }

    #[test]
    fn select_and_skip() {
        let mut o = opts();
        let data = include_bytes!("../../../fixtures/lint/no-aki-ski.pem");
        o.skip = vec!["aki-missing".into()];
        assert_eq!(lints_of(data, &o), vec!["ski-missing"]);
        o.skip.clear();
        o.only = vec!["aki-missing".into()];
        assert_eq!(lints_of(data, &o), vec!["aki-missing"]);
    }
}
