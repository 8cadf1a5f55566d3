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
    /// Which items it applies to, for people (`certificates`, `CA certificates`, ...).
    pub applies_to: &'static str,
    /// A profile rule a trust anchor is exempt from (RFC 5280 §6.1 uses only an anchor's
    /// name and key): its findings on a self-signed CA certificate are `info`.
    pub anchor_exempt: bool,
}

impl Lint {
    /// The same lint, applying to `applies_to`.
    const fn to(self, applies_to: &'static str) -> Lint {
        Lint { applies_to, ..self }
    }

    /// The same lint, `info` on self-signed CA certificates.
    const fn exempt_anchor(self) -> Lint {
        Lint {
            anchor_exempt: true,
            ..self
        }
    }

    /// The severity of a finding of this lint on an item that is (or is not) a
    /// self-signed CA certificate.
    pub fn severity_on(&self, anchor: bool) -> Severity {
        if anchor && self.anchor_exempt {
            Severity::Info
        } else {
            self.severity
        }
    }
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
        applies_to: "certificates",
        anchor_exempt: false,
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
)
.to("certificates");

/// `not-yet-valid`, only with its option.
pub const NOT_YET_VALID: Lint = requested(
    "not-yet-valid",
    Request::NotYetValid,
    Error,
    "the certificate's notBefore is still in the future (with --not-yet-valid)",
    "RFC 5280 §4.1.2.5",
)
.to("certificates");

/// `expires-soon`, only with its option.
pub const EXPIRES_SOON: Lint = requested(
    "expires-soon",
    Request::ExpiresWithin,
    Warn,
    "the certificate expires within the --expires-within duration",
    "operational check (certscope)",
)
.to("certificates");

/// `crl-next-update-passed`.
pub const CRL_NEXT_UPDATE_PASSED: Lint = lint(
    "crl-next-update-passed",
    Error,
    "the CRL's nextUpdate has passed: relying parties treat it as stale",
    "RFC 5280 §5.1.2.5",
)
.to("CRLs");

/// `hostname-mismatch`, only with its option.
pub const HOSTNAME_MISMATCH: Lint = requested(
    "hostname-mismatch",
    Request::Hostname,
    Error,
    "no subjectAltName dNSName of the end-entity certificate matches --hostname",
    "RFC 9525 §6.3 (RFC 6125 §6.4)",
)
.to("end-entity certificates");

/// `ip-mismatch`, only with its option.
pub const IP_MISMATCH: Lint = requested(
    "ip-mismatch",
    Request::Ip,
    Error,
    "no subjectAltName iPAddress of the end-entity certificate is --ip",
    "RFC 9525 §6.3, RFC 5280 §4.2.1.6",
)
.to("end-entity certificates");

/// `md5-signature`.
pub const MD5_SIGNATURE: Lint = lint(
    "md5-signature",
    Error,
    "signed with MD5, which is broken for signatures",
    "RFC 6151 §2; CA/B Forum BR §7.1.3.2",
)
.to("certificates (not self-signed CAs), CRLs, CSRs");

/// `sha1-signature`.
pub const SHA1_SIGNATURE: Lint = lint(
    "sha1-signature",
    Error,
    "signed with SHA-1, which is no longer collision resistant",
    "CA/B Forum BR §7.1.3.2",
)
.to("certificates (not self-signed CAs), CRLs, CSRs");

/// `rsa-key-too-small`.
pub const RSA_KEY_TOO_SMALL: Lint = lint(
    "rsa-key-too-small",
    Error,
    "RSA key under 2048 bits",
    "CA/B Forum BR §6.1.5; NIST SP 800-131A",
)
.to("certificates, CSRs");

/// `ec-key-too-small`.
pub const EC_KEY_TOO_SMALL: Lint = lint(
    "ec-key-too-small",
    Error,
    "elliptic-curve key under 256 bits",
    "CA/B Forum BR §6.1.5; NIST SP 800-131A",
)
.to("certificates, CSRs");

/// `ca-without-keycertsign`.
pub const CA_WITHOUT_KEYCERTSIGN: Lint = lint(
    "ca-without-keycertsign",
    Error,
    "CA:TRUE, but keyUsage is absent or lacks keyCertSign",
    "RFC 5280 §4.2.1.3, §4.2.1.9",
)
.to("CA certificates")
.exempt_anchor();

/// `leaf-is-ca`.
pub const LEAF_IS_CA: Lint = lint(
    "leaf-is-ca",
    Warn,
    "an end-entity certificate (server/client names or purposes, issued nothing) has CA:TRUE",
    "RFC 5280 §4.2.1.9; CA/B Forum BR §7.1.2.7.8",
)
.to("CA certificates, not self-signed");

/// `path-length-violated`.
pub const PATH_LENGTH_VIOLATED: Lint = lint(
    "path-length-violated",
    Error,
    "more CA certificates follow a CA in a chain than its pathLenConstraint allows",
    "RFC 5280 §4.2.1.9, §6.1.4 (l)",
)
.to("CA certificates with pathLenConstraint");

/// `san-missing`.
pub const SAN_MISSING: Lint = lint(
    "san-missing",
    Error,
    "TLS server certificate without a subjectAltName dNSName or iPAddress",
    "CA/B Forum BR §7.1.2.7.12; RFC 9525 §6.3",
)
.to("TLS server certificates");

/// `cn-not-in-san`.
pub const CN_NOT_IN_SAN: Lint = lint(
    "cn-not-in-san",
    Warn,
    "TLS server certificate whose commonName is not one of its subjectAltName entries",
    "CA/B Forum BR §7.1.4.3",
)
.to("TLS server certificates");

/// `aki-missing`.
pub const AKI_MISSING: Lint = lint(
    "aki-missing",
    Warn,
    "certificate (not self-signed) without an authorityKeyIdentifier",
    "RFC 5280 §4.2.1.1",
)
.to("v3 certificates, not self-signed");

/// `ski-missing`.
pub const SKI_MISSING: Lint = lint(
    "ski-missing",
    Warn,
    "end-entity certificate without a subjectKeyIdentifier (a SHOULD)",
    "RFC 5280 §4.2.1.2",
)
.to("v3 end-entity certificates");

/// `duplicate-extension`.
pub const DUPLICATE_EXTENSION: Lint = lint(
    "duplicate-extension",
    Error,
    "the same extension appears more than once",
    "RFC 5280 §4.2",
)
.to("certificates, CRLs, CSRs");

/// `unknown-critical-extension`.
pub const UNKNOWN_CRITICAL_EXTENSION: Lint = lint(
    "unknown-critical-extension",
    Error,
    "a critical extension certscope does not recognise: relying parties must reject it",
    "RFC 5280 §4.2",
)
.to("certificates, CRLs, CSRs");

/// `serial-negative`.
pub const SERIAL_NEGATIVE: Lint = lint(
    "serial-negative",
    Error,
    "negative serial number",
    "RFC 5280 §4.1.2.2",
)
.to("certificates")
.exempt_anchor();

/// `serial-zero`.
pub const SERIAL_ZERO: Lint = lint(
    "serial-zero",
    Error,
    "serial number zero",
    "RFC 5280 §4.1.2.2",
)
.to("certificates")
.exempt_anchor();

/// `serial-too-long`.
pub const SERIAL_TOO_LONG: Lint = lint(
    "serial-too-long",
    Error,
    "serial number longer than 20 octets",
    "RFC 5280 §4.1.2.2",
)
.to("certificates")
.exempt_anchor();

/// `utctime-after-2049`.
pub const UTCTIME_AFTER_2049: Lint = lint(
    "utctime-after-2049",
    Error,
    "a validity date meant after 2049 encoded as UTCTime (reads as 19xx)",
    "RFC 5280 §4.1.2.5, §4.1.2.5.1",
)
.to("certificates");

/// `validity-too-long`.
pub const VALIDITY_TOO_LONG: Lint = lint(
    "validity-too-long",
    Warn,
    "TLS server certificate valid longer than the CA/B limit for its notBefore (398, 200, 100, 47 days) or --max-validity",
    "CA/B Forum BR §6.3.2 (Ballot SC-081)",
)
.to("TLS server certificates");

/// `md2-md4-signature`.
pub const MD2_MD4_SIGNATURE: Lint = lint(
    "md2-md4-signature",
    Error,
    "signed with MD2 or MD4, which are broken",
    "RFC 6149; RFC 6150; RFC 5280 §4.1.1.2",
)
.to("certificates (not self-signed CAs), CRLs, CSRs");

/// `rsa-pss-sha1`.
pub const RSA_PSS_SHA1: Lint = lint(
    "rsa-pss-sha1",
    Error,
    "an RSASSA-PSS signature whose hash or MGF1 hash is SHA-1",
    "CA/B Forum BR §7.1.3.2; RFC 4055 §3.1",
)
.to("certificates (not self-signed CAs), CRLs, CSRs");

/// `signature-algorithm-mismatch`.
pub const SIGNATURE_ALGORITHM_MISMATCH: Lint = lint(
    "signature-algorithm-mismatch",
    Error,
    "the signature algorithm inside the signed part differs from the outer one",
    "RFC 5280 §4.1.1.2, §5.1.1.2",
)
.to("certificates, CRLs");

/// `version-invalid`.
pub const VERSION_INVALID: Lint = lint(
    "version-invalid",
    Error,
    "a version that is not 1-3 (certificates) or 1-2 (CRLs)",
    "RFC 5280 §4.1.2.1, §5.1.2.1",
)
.to("certificates, CRLs");

/// `extensions-before-v3`.
pub const EXTENSIONS_BEFORE_V3: Lint = lint(
    "extensions-before-v3",
    Error,
    "a v1 or v2 certificate carries extensions",
    "RFC 5280 §4.1.2.9",
)
.to("v1/v2 certificates");

/// `eku-empty`.
pub const EKU_EMPTY: Lint = lint(
    "eku-empty",
    Error,
    "an extendedKeyUsage extension with no purpose",
    "RFC 5280 §4.2.1.12 (SIZE (1..MAX))",
)
.to("certificates");

/// `pathlen-without-ca`.
pub const PATHLEN_WITHOUT_CA: Lint = lint(
    "pathlen-without-ca",
    Error,
    "basicConstraints has a pathLenConstraint but not cA:TRUE",
    "RFC 5280 §4.2.1.9",
)
.to("certificates");

/// `crl-entry-unknown-critical-extension`.
pub const CRL_ENTRY_UNKNOWN_CRITICAL_EXTENSION: Lint = lint(
    "crl-entry-unknown-critical-extension",
    Error,
    "a revoked entry carries a critical extension certscope does not recognise",
    "RFC 5280 §5.3",
)
.to("CRL entries");

/// `csr-bad-signature`.
pub const CSR_BAD_SIGNATURE: Lint = lint(
    "csr-bad-signature",
    Error,
    "the CSR's self-signature does not verify with its own key",
    "RFC 2986 §3, §4.2",
)
.to("CSRs");

/// `ca-basic-constraints-not-critical`.
pub const CA_BASIC_CONSTRAINTS_NOT_CRITICAL: Lint = lint(
    "ca-basic-constraints-not-critical",
    Error,
    "a CA certificate whose basicConstraints is not critical",
    "RFC 5280 §4.2.1.9",
)
.to("CA certificates")
.exempt_anchor();

/// `ca-ski-missing`.
pub const CA_SKI_MISSING: Lint = lint(
    "ca-ski-missing",
    Error,
    "a CA certificate without a subjectKeyIdentifier",
    "RFC 5280 §4.2.1.2",
)
.to("v3 CA certificates")
.exempt_anchor();

/// `ca-subject-empty`.
pub const CA_SUBJECT_EMPTY: Lint = lint(
    "ca-subject-empty",
    Error,
    "a CA certificate with an empty subject",
    "RFC 5280 §4.1.2.6",
)
.to("CA certificates");

/// `rsa-exponent-invalid`.
pub const RSA_EXPONENT_INVALID: Lint = lint(
    "rsa-exponent-invalid",
    Error,
    "an RSA public exponent that is even or under 3",
    "CA/B Forum BR §6.1.6; NIST SP 800-89 §5.3.3",
)
.to("certificates");

/// `rsa-exponent-small`.
pub const RSA_EXPONENT_SMALL: Lint = lint(
    "rsa-exponent-small",
    Warn,
    "an RSA public exponent under 65537",
    "CA/B Forum BR §6.1.6",
)
.to("certificates");

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
    MD2_MD4_SIGNATURE,
    RSA_PSS_SHA1,
    SIGNATURE_ALGORITHM_MISMATCH,
    VERSION_INVALID,
    EXTENSIONS_BEFORE_V3,
    EKU_EMPTY,
    PATHLEN_WITHOUT_CA,
    CRL_ENTRY_UNKNOWN_CRITICAL_EXTENSION,
    CSR_BAD_SIGNATURE,
    CA_BASIC_CONSTRAINTS_NOT_CRITICAL,
    CA_SKI_MISSING,
    CA_SUBJECT_EMPTY,
    RSA_EXPONENT_INVALID,
    RSA_EXPONENT_SMALL,
];

/// The lint with this id.
pub fn find_lint(id: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.id == id)
}
