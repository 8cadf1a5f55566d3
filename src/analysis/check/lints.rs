//! The lint table: one typed constant per lint (id, severity, explanation, the clause it
//! comes from), so a check names its lint by constant and a typo does not compile.

use serde::Serialize;

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
    /// The option that turns it on, for an on-request lint.
    #[serde(skip)]
    pub requested_by: Option<Request>,
}

/// The option an on-request lint needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// `--not-yet-valid`.
    NotYetValid,
    /// `--expires-within`.
    ExpiresWithin,
    /// `--hostname`.
    Hostname,
    /// `--ip`.
    Ip,
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
        requested_by: None,
    }
}

const fn requested(
    id: &'static str,
    by: Request,
    severity: Severity,
    summary: &'static str,
    reference: &'static str,
) -> Lint {
    Lint {
        on_request: true,
        requested_by: Some(by),
        ..lint(id, severity, summary, reference)
    }
}

use Severity::{Error, Warn};

/// `expired`.
pub const EXPIRED: Lint = lint(
    "expired",
    Error,
    "the certificate's notAfter has passed",
    "RFC 5280 §4.1.2.5",
);

/// `not-yet-valid`, only with its option.
pub const NOT_YET_VALID: Lint = requested(
    "not-yet-valid",
    Request::NotYetValid,
    Error,
    "the certificate's notBefore is still in the future (with --not-yet-valid)",
    "RFC 5280 §4.1.2.5",
);

/// `expires-soon`, only with its option.
pub const EXPIRES_SOON: Lint = requested(
    "expires-soon",
    Request::ExpiresWithin,
    Error,
    "the certificate expires within the --expires-within duration",
    "operational check (certscope)",
);

/// `crl-next-update-passed`.
pub const CRL_NEXT_UPDATE_PASSED: Lint = lint(
    "crl-next-update-passed",
    Error,
    "the CRL's nextUpdate has passed: relying parties treat it as stale",
    "RFC 5280 §5.1.2.5",
);

/// `hostname-mismatch`, only with its option.
pub const HOSTNAME_MISMATCH: Lint = requested(
    "hostname-mismatch",
    Request::Hostname,
    Error,
    "no subjectAltName dNSName of the end-entity certificate matches --hostname",
    "RFC 9525 §6.3 (RFC 6125 §6.4)",
);

/// `ip-mismatch`, only with its option.
pub const IP_MISMATCH: Lint = requested(
    "ip-mismatch",
    Request::Ip,
    Error,
    "no subjectAltName iPAddress of the end-entity certificate is --ip",
    "RFC 9525 §6.3, RFC 5280 §4.2.1.6",
);

/// `md5-signature`.
pub const MD5_SIGNATURE: Lint = lint(
    "md5-signature",
    Error,
    "signed with MD5, which is broken for signatures",
    "RFC 6151 §2; CA/B Forum BR §7.1.3.2",
);

/// `sha1-signature`.
pub const SHA1_SIGNATURE: Lint = lint(
    "sha1-signature",
    Error,
    "signed with SHA-1, which is no longer collision resistant",
    "CA/B Forum BR §7.1.3.2",
);

/// `rsa-key-too-small`.
pub const RSA_KEY_TOO_SMALL: Lint = lint(
    "rsa-key-too-small",
    Error,
    "RSA key under 2048 bits",
    "CA/B Forum BR §6.1.5; NIST SP 800-131A",
);

/// `ec-key-too-small`.
pub const EC_KEY_TOO_SMALL: Lint = lint(
    "ec-key-too-small",
    Error,
    "elliptic-curve key under 256 bits",
    "CA/B Forum BR §6.1.5; NIST SP 800-131A",
);

/// `ca-without-keycertsign`.
pub const CA_WITHOUT_KEYCERTSIGN: Lint = lint(
    "ca-without-keycertsign",
    Error,
    "CA:TRUE, but keyUsage is absent or lacks keyCertSign",
    "RFC 5280 §4.2.1.3, §4.2.1.9",
);

/// `leaf-is-ca`.
pub const LEAF_IS_CA: Lint = lint(
    "leaf-is-ca",
    Warn,
    "an end-entity certificate (server/client names or purposes, issued nothing) has CA:TRUE",
    "RFC 5280 §4.2.1.9; CA/B Forum BR §7.1.2.7.8",
);

/// `path-length-violated`.
pub const PATH_LENGTH_VIOLATED: Lint = lint(
    "path-length-violated",
    Error,
    "more CA certificates follow a CA in a chain than its pathLenConstraint allows",
    "RFC 5280 §4.2.1.9, §6.1.4 (l)",
);

/// `san-missing`.
pub const SAN_MISSING: Lint = lint(
    "san-missing",
    Error,
    "TLS server certificate without a subjectAltName dNSName or iPAddress",
    "CA/B Forum BR §7.1.2.7.12; RFC 9525 §6.3",
);

/// `cn-not-in-san`.
pub const CN_NOT_IN_SAN: Lint = lint(
    "cn-not-in-san",
    Warn,
    "TLS server certificate whose commonName is not one of its subjectAltName entries",
    "CA/B Forum BR §7.1.4.3",
);

/// `aki-missing`.
pub const AKI_MISSING: Lint = lint(
    "aki-missing",
    Warn,
    "certificate (not self-signed) without an authorityKeyIdentifier",
    "RFC 5280 §4.2.1.1",
);

/// `ski-missing`.
pub const SKI_MISSING: Lint = lint(
    "ski-missing",
    Warn,
    "certificate without a subjectKeyIdentifier (MUST for CAs, SHOULD otherwise)",
    "RFC 5280 §4.2.1.2",
);

/// `duplicate-extension`.
pub const DUPLICATE_EXTENSION: Lint = lint(
    "duplicate-extension",
    Error,
    "the same extension appears more than once",
    "RFC 5280 §4.2",
);

/// `unknown-critical-extension`.
pub const UNKNOWN_CRITICAL_EXTENSION: Lint = lint(
    "unknown-critical-extension",
    Error,
    "a critical extension certscope does not recognise: relying parties must reject it",
    "RFC 5280 §4.2",
);

/// `serial-negative`.
pub const SERIAL_NEGATIVE: Lint = lint(
    "serial-negative",
    Error,
    "negative serial number",
    "RFC 5280 §4.1.2.2",
);

/// `serial-zero`.
pub const SERIAL_ZERO: Lint = lint(
    "serial-zero",
    Error,
    "serial number zero",
    "RFC 5280 §4.1.2.2",
);

/// `serial-too-long`.
pub const SERIAL_TOO_LONG: Lint = lint(
    "serial-too-long",
    Error,
    "serial number longer than 20 octets",
    "RFC 5280 §4.1.2.2",
);

/// `utctime-after-2049`.
pub const UTCTIME_AFTER_2049: Lint = lint(
    "utctime-after-2049",
    Error,
    "a validity date meant after 2049 encoded as UTCTime (reads as 19xx)",
    "RFC 5280 §4.1.2.5, §4.1.2.5.1",
);

/// `validity-too-long`.
pub const VALIDITY_TOO_LONG: Lint = lint(
    "validity-too-long",
    Warn,
    "end-entity certificate valid longer than --max-validity days (default 398)",
    "CA/B Forum BR §6.3.2",
);

/// Every lint, in the order findings are listed per item.
pub const LINTS: &[Lint] = &[
    EXPIRED,
    NOT_YET_VALID,
    EXPIRES_SOON,
    CRL_NEXT_UPDATE_PASSED,
    HOSTNAME_MISMATCH,
    IP_MISMATCH,
    MD5_SIGNATURE,
    SHA1_SIGNATURE,
    RSA_KEY_TOO_SMALL,
    EC_KEY_TOO_SMALL,
    CA_WITHOUT_KEYCERTSIGN,
    LEAF_IS_CA,
    PATH_LENGTH_VIOLATED,
    SAN_MISSING,
    CN_NOT_IN_SAN,
    AKI_MISSING,
    SKI_MISSING,
    DUPLICATE_EXTENSION,
    UNKNOWN_CRITICAL_EXTENSION,
    SERIAL_NEGATIVE,
    SERIAL_ZERO,
    SERIAL_TOO_LONG,
    UTCTIME_AFTER_2049,
    VALIDITY_TOO_LONG,
];

/// The lint with this id.
pub fn find_lint(id: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.id == id)
}
