//! Offline checks over every certificate, CRL and CSR of a run: validity windows, host
//! names, and a lint set for internal PKIs and the WebPKI.
//!
//! Each lint is a constant in [`lints`] (id, severity, one-line explanation, the RFC or
//! CA/Browser Forum Baseline Requirements clause it comes from), a row of [`LINTS`], and a
//! few lines in `cert.rs` (per certificate), `path_len.rs` or [`check`]. Findings
//! are data; the binary renders them and turns them into an exit status.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::analysis::relate::{self, Related};
use crate::model::{Body, Item, RelationKind};

mod cert;
mod der_index;
mod forms;
pub mod lints;
mod path_len;
mod profile;
mod stream;

use self::cert::{certificate, extension_lints, key_size, pss_sha1, weak_signature};
pub use self::lints::{find_lint, Lint, Request, Severity, LINTS};
use self::path_len::path_length_findings;
pub use self::stream::{checks, prepare, Checker, Prepared, KEEP_BYTES, KEEP_PER_ISSUER};

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
    #[error("{0:?} is not a duration: use a number and s, m, h, d, w or y (30d, 12h, 2w, 1y)")]
    BadDuration(String),
}

/// Parses `30d`, `12h`, `2w`, `90m`, `45s`, `1y` (365 days).
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
        // A year of 365 days, as certificate lifetimes are counted.
        "y" => 31_536_000,
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
    /// `--max-validity` in days; `None`: the CA/B limit for each certificate's notBefore
    /// ([`max_validity_for`]).
    pub max_validity_days: Option<i64>,
    /// `--lint`: only these (empty: every lint).
    pub only: Vec<String>,
    /// `--skip-lint`.
    pub skip: Vec<String>,
}

/// The CA/B Forum limit, in days, on the validity of a TLS server certificate issued at
/// `not_before` (BR §6.3.2 as amended by Ballot SC-081): 398 until 2026-03-14, 200 from
/// 2026-03-15, 100 from 2027-03-15, 47 from 2029-03-15.
pub fn max_validity_for(not_before: OffsetDateTime) -> i64 {
    let d = not_before.date();
    let from = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::March, 15).unwrap_or(time::Date::MAX)
    };
    if d >= from(2029) {
        47
    } else if d >= from(2027) {
        100
    } else if d >= from(2026) {
        200
    } else {
        398
    }
}

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
        let requested = match lint.requested_by {
            None => true,
            Some(Request::NotYetValid) => self.not_yet_valid,
            Some(Request::ExpiresWithin) => self.expires_within.is_some(),
            Some(Request::Hostname) => self.hostname.is_some(),
            Some(Request::Ip) => self.ip.is_some(),
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

/// At most this many elements of one list (extensions, names, subtrees) are looked at by
/// the lints that read a certificate's or CRL's DER: each finding is one line.
const MAX_ELEMENTS: usize = 10_000;

/// At most this many findings of one lint are listed per item; one more finding says how
/// many others there are (they are still counted in [`Counts`]).
pub const MAX_FINDINGS_PER_LINT: usize = 8;

/// Runs every enabled lint over `items` (numbered by position); findings in item order,
/// then [`LINTS`] order.
pub fn check(items: &[Item], opts: &Options) -> (Vec<Finding>, Counts) {
    check_first(items, items.len(), opts)
}

/// Like [`check`], but only the first `checked` items are checked: the rest (`--roots`) are
/// context, issuers that the relations and `path-length-violated` see. A context CA's
/// path-length violation is reported on its checked children.
pub fn check_first(items: &[Item], checked: usize, opts: &Options) -> (Vec<Finding>, Counts) {
    let mut findings = Vec::new();
    let mut counts = Counts::default();
    let (issuers, path_len) = run_level(items, checked);
    for (n, item) in items.iter().enumerate().take(checked) {
        let mut found: Vec<(&'static Lint, String)> = Vec::new();
        if !own_findings(item, opts, issuers.contains(&n), &mut found, &mut counts) {
            continue;
        }
        if matches!(item.body, Body::Certificate(_)) {
            found.extend(path_len.get(&n).cloned().unwrap_or_default());
        }
        emit(n, found, is_anchor(item), opts, &mut findings, &mut counts);
    }
    (findings, counts)
}

/// The run-level facts of `items` (the first `checked` checked, the rest context): which
/// items issued something, and the `path-length-violated` findings per item (a context
/// CA's reported on its checked children).
type RunLevel = (HashSet<usize>, HashMap<usize, Vec<(&'static Lint, String)>>);

fn run_level(items: &[Item], checked: usize) -> RunLevel {
    let related = relate::relate(items);
    let issuers = issued_anything(&related);
    let mut path_len = path_length_findings(items, &related);
    let context_violations: Vec<(usize, Vec<(&'static Lint, String)>)> = path_len
        .iter()
        .filter(|(i, _)| **i >= checked)
        .map(|(i, f)| (*i, f.clone()))
        .collect();
    for (ca, found) in context_violations {
        let name = match items.get(ca).map(|i| &i.body) {
            Some(Body::Certificate(c)) => c.subject.clone(),
            _ => continue,
        };
        for (child, r) in related.iter().enumerate().take(checked) {
            if r.relations
                .iter()
                .any(|rel| rel.kind == RelationKind::IssuedBy && rel.item == ca)
            {
                for (lint, message) in &found {
                    path_len
                        .entry(child)
                        .or_default()
                        .push((lint, format!("issuer {name}: {message}")));
                }
            }
        }
    }
    (issuers, path_len)
}

/// The findings of one item that need nothing but the item (and, for a CA certificate,
/// whether it issued something in the run), appended to `found`; counts the item by kind.
/// False for an item that is not checked (keys, CMS, ...).
fn own_findings(
    item: &Item,
    opts: &Options,
    issued_something: bool,
    found: &mut Vec<(&'static Lint, String)>,
    counts: &mut Counts,
) -> bool {
    match &item.body {
        Body::Certificate(c) => {
            counts.certificates += 1;
            certificate(item, c, opts, issued_something, found);
        }
        Body::Crl(c) => {
            counts.crls += 1;
            if let Some(next) = c.next_update {
                if next.0 < opts.now {
                    found.push((
                        &lints::CRL_NEXT_UPDATE_PASSED,
                        format!(
                            "nextUpdate {next} has passed ({} ago)",
                            ago(opts.now - next.0)
                        ),
                    ));
                }
            }
            weak_signature(&c.signature_algorithm, false, found);
            pss_sha1(c.signature_pss.as_deref(), found);
            if let Some(inner) = &c.inner_signature_algorithm {
                found.push((
                    &lints::SIGNATURE_ALGORITHM_MISMATCH,
                    format!("outer {}, inner {inner}", c.signature_algorithm),
                ));
            }
            if !(1..=2).contains(&c.version) {
                found.push((
                    &lints::VERSION_INVALID,
                    format!("CRL version {}", c.version),
                ));
            }
            extension_lints(&c.extensions, found);
            profile::crl(c, found);
            if let Some(der) = item.der.as_deref() {
                forms::crl(c, der, found);
            }
            for entry in c.revoked.iter() {
                for e in entry.extensions.iter().filter(|e| e.critical) {
                    if matches!(*e.value, crate::model::ExtValue::Raw(_)) {
                        found.push((
                            &lints::CRL_ENTRY_UNKNOWN_CRITICAL_EXTENSION,
                            format!(
                                "entry for serial {}: critical extension {} is not recognised",
                                entry.serial, e.oid
                            ),
                        ));
                    }
                }
            }
        }
        Body::Csr(c) => {
            counts.csrs += 1;
            weak_signature(&c.signature_algorithm, false, found);
            pss_sha1(c.signature_pss.as_deref(), found);
            key_size(&c.public_key, found);
            extension_lints(&c.extensions, found);
            if c.self_signature == "invalid" {
                found.push((
                    &lints::CSR_BAD_SIGNATURE,
                    "the self-signature does not verify with the requested key".to_string(),
                ));
            }
        }
        _ => return false,
    }
    counts.checked += 1;
    true
}

/// A trust anchor: profile rules it is exempt from report as info.
fn is_anchor(item: &Item) -> bool {
    matches!(&item.body, Body::Certificate(c) if c.self_signed && c.is_ca())
}

/// Turns item `n`'s raw findings into [`Finding`]s in [`LINTS`] order, counted by
/// severity, at most [`MAX_FINDINGS_PER_LINT`] listed per lint. The messages are moved,
/// not copied: this runs for every finding of a run on its one printing thread.
fn emit(
    n: usize,
    mut found: Vec<(&'static Lint, String)>,
    anchor: bool,
    opts: &Options,
    findings: &mut Vec<Finding>,
    counts: &mut Counts,
) {
    // In LINTS order, each lint's findings in the order they were found (a stable sort,
    // in place: an item has a few findings). A lint missing from LINTS is not reported.
    if found.len() > 1 {
        found.sort_by_key(|(l, _)| lint_index(l.id));
    }
    let mut found = found.into_iter().peekable();
    while let Some((lint, message)) = found.next() {
        let mut listed = 1;
        let enabled = lint_index(lint.id).is_some() && opts.enabled(lint);
        let severity = lint.severity_on(anchor);
        let mut count = |listed: usize, message: String, findings: &mut Vec<Finding>| {
            if !enabled {
                return;
            }
            // Counted, all of them; listed up to the cap (each listed finding names the
            // item, so a certificate of 10,000 names stays linear in output).
            match severity {
                Severity::Error => counts.error += 1,
                Severity::Warn => counts.warn += 1,
                Severity::Info => counts.info += 1,
            }
            if listed <= MAX_FINDINGS_PER_LINT {
                findings.push(Finding {
                    item: n,
                    lint: lint.id,
                    severity,
                    message,
                });
            }
        };
        count(listed, message, findings);
        while let Some((_, message)) = found.next_if(|(l, _)| l.id == lint.id) {
            listed += 1;
            count(listed, message, findings);
        }
        if enabled && listed > MAX_FINDINGS_PER_LINT {
            findings.push(Finding {
                item: n,
                lint: lint.id,
                severity,
                message: format!(
                    "{} more {} findings on this item, not listed",
                    relate::thousands(listed - MAX_FINDINGS_PER_LINT),
                    lint.id
                ),
            });
        }
    }
}

/// A hasher for the lint ids of [`lint_index`] (FNV-1a): they are few, fixed and not chosen
/// by input, and SipHash cost more than the rest of writing a finding.
struct IdHasher(u64);

impl Default for IdHasher {
    fn default() -> Self {
        IdHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The position of lint `id` in [`LINTS`].
fn lint_index(id: &str) -> Option<usize> {
    type Index = HashMap<&'static str, usize, std::hash::BuildHasherDefault<IdHasher>>;
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| LINTS.iter().enumerate().map(|(n, l)| (l.id, n)).collect())
        .get(id)
        .copied()
}

pub(super) fn ago(d: Duration) -> String {
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
            max_validity_days: None,
            only: Vec::new(),
            skip: Vec::new(),
        }
    }

    fn lints_of(data: &[u8], o: &Options) -> Vec<&'static str> {
        let it = items(&[data]);
        check(&it, o).0.iter().map(|f| f.lint).collect()
    }

    /// Every lint is found at its position, and nothing else is.
    #[test]
    fn lint_index_is_the_position() {
        for (n, l) in LINTS.iter().enumerate() {
            assert_eq!(lint_index(l.id), Some(n), "{}", l.id);
        }
        assert_eq!(lint_index("no-such-lint"), None);
        assert_eq!(lint_index(""), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d").unwrap(), Duration::days(30));
        assert_eq!(parse_duration("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_duration("2w").unwrap(), Duration::weeks(2));
        assert_eq!(parse_duration("1y").unwrap(), Duration::days(365));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn cab_validity_schedule() {
        let at = |s: &str| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
        };
        for (nb, days) in [
            ("2026-03-14T23:59:59Z", 398),
            ("2026-03-15T00:00:00Z", 200),
            ("2027-03-14T23:59:59Z", 200),
            ("2027-03-15T00:00:00Z", 100),
            ("2029-03-14T23:59:59Z", 100),
            ("2029-03-15T00:00:00Z", 47),
        ] {
            assert_eq!(max_validity_for(at(nb)), days, "{nb}");
        }
    }

    #[test]
    fn anchor_exempt_lints_are_info_on_anchors() {
        assert_eq!(lints::SERIAL_ZERO.severity_on(true), Severity::Info);
        assert_eq!(lints::SERIAL_ZERO.severity_on(false), Severity::Error);
        assert_eq!(lints::EXPIRED.severity_on(true), Severity::Error);
        assert_eq!(lints::EXPIRES_SOON.severity, Severity::Warn);
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
        // Also over the 200-day CA/B limit of its notBefore (2027).
        assert_eq!(lints_of(nyv, &o), vec!["validity-too-long"]);
        o.not_yet_valid = true;
        assert_eq!(
            lints_of(nyv, &o),
            vec!["not-yet-valid", "validity-too-long"]
        );
        o.not_yet_valid = false;
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
