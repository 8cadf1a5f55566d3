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

/// `san-empty`.
pub const SAN_EMPTY: Lint = lint(
    "san-empty",
    Error,
    "a subjectAltName extension with no name",
    "RFC 5280 §4.2.1.6 (GeneralNames SIZE (1..MAX))",
)
.to("v3 certificates");

/// `san-dns-invalid`.
pub const SAN_DNS_INVALID: Lint = lint(
    "san-dns-invalid",
    Error,
    "a dNSName that is not in the preferred name syntax (empty label, label over 63 or name over 253 characters, a character other than letters, digits and hyphens, a hyphen at a label's edge, a trailing dot)",
    "RFC 5280 §4.2.1.6 (RFC 1034 §3.5, RFC 1123 §2.1); CA/B Forum BR §7.1.2.7.12",
)
.to("v3 certificates");

/// `san-dns-ulabel`.
pub const SAN_DNS_ULABEL: Lint = lint(
    "san-dns-ulabel",
    Error,
    "a dNSName with non-ASCII characters (a U-label: internationalized names go in as A-labels, xn--)",
    "RFC 5280 §4.2.1.6, §7.2 (as updated by RFC 9549)",
)
.to("v3 certificates");

/// `san-wildcard-invalid`.
pub const SAN_WILDCARD_INVALID: Lint = lint(
    "san-wildcard-invalid",
    Error,
    "a dNSName with a wildcard other than the whole left-most label of a name of three labels or more",
    "CA/B Forum BR §7.1.2.7.12; RFC 9525 §6.3",
)
.to("v3 certificates");

/// `san-ip-length`.
pub const SAN_IP_LENGTH: Lint = lint(
    "san-ip-length",
    Error,
    "an iPAddress that is neither 4 (IPv4) nor 16 (IPv6) octets",
    "RFC 5280 §4.2.1.6",
)
.to("v3 certificates");

/// `san-ip-reserved`.
pub const SAN_IP_RESERVED: Lint = lint(
    "san-ip-reserved",
    Warn,
    "a TLS server certificate naming a reserved IP address (private, loopback, link-local, documentation, unspecified, multicast)",
    "CA/B Forum BR §7.1.2.7.12",
)
.to("TLS server certificates");

/// `san-email-invalid`.
pub const SAN_EMAIL_INVALID: Lint = lint(
    "san-email-invalid",
    Error,
    "an rfc822Name that is not a plain ASCII mailbox (local-part@domain)",
    "RFC 5280 §4.2.1.6 (RFC 5321 §4.1.2); RFC 9598 §3",
)
.to("v3 certificates");

/// `san-uri-invalid`.
pub const SAN_URI_INVALID: Lint = lint(
    "san-uri-invalid",
    Error,
    "a uniformResourceIdentifier that is not an absolute URI (scheme:rest, no spaces or non-ASCII)",
    "RFC 5280 §4.2.1.6 (RFC 3986 §3, §4.3)",
)
.to("v3 certificates");

/// `san-critical-with-subject`.
pub const SAN_CRITICAL_WITH_SUBJECT: Lint = lint(
    "san-critical-with-subject",
    Warn,
    "subjectAltName marked critical although the subject is not empty",
    "RFC 5280 §4.2.1.6 (SHOULD be non-critical)",
)
.to("v3 certificates");

/// `san-not-critical-empty-subject`.
pub const SAN_NOT_CRITICAL_EMPTY_SUBJECT: Lint = lint(
    "san-not-critical-empty-subject",
    Error,
    "an empty subject with a non-critical subjectAltName",
    "RFC 5280 §4.2.1.6 (MUST be critical)",
)
.to("v3 certificates");

/// `subject-empty-without-san`.
pub const SUBJECT_EMPTY_WITHOUT_SAN: Lint = lint(
    "subject-empty-without-san",
    Error,
    "an empty subject and no subjectAltName: the certificate names no one",
    "RFC 5280 §4.1.2.6",
)
.to("certificates");

/// `issuer-empty`.
pub const ISSUER_EMPTY: Lint = lint(
    "issuer-empty",
    Error,
    "an empty issuer name",
    "RFC 5280 §4.1.2.4, §5.1.2.3",
)
.to("certificates, CRLs");

/// `authority-key-id-critical`.
pub const AUTHORITY_KEY_ID_CRITICAL: Lint = lint(
    "authority-key-id-critical",
    Error,
    "authorityKeyIdentifier marked critical",
    "RFC 5280 §4.2.1.1, §5.2.1 (MUST be non-critical)",
)
.to("v3 certificates, CRLs");

/// `aki-key-id-missing`.
pub const AKI_KEY_ID_MISSING: Lint = lint(
    "aki-key-id-missing",
    Warn,
    "an authorityKeyIdentifier without its keyIdentifier field",
    "RFC 5280 §4.2.1.1",
)
.to("v3 certificates, not self-signed");

/// `subject-key-id-critical`.
pub const SUBJECT_KEY_ID_CRITICAL: Lint = lint(
    "subject-key-id-critical",
    Error,
    "subjectKeyIdentifier marked critical",
    "RFC 5280 §4.2.1.2 (MUST be non-critical)",
)
.to("v3 certificates");

/// `key-usage-not-critical`.
pub const KEY_USAGE_NOT_CRITICAL: Lint = lint(
    "key-usage-not-critical",
    Warn,
    "keyUsage not marked critical",
    "RFC 5280 §4.2.1.3 (SHOULD be critical)",
)
.to("v3 certificates")
.exempt_anchor();

/// `key-usage-empty`.
pub const KEY_USAGE_EMPTY: Lint = lint(
    "key-usage-empty",
    Error,
    "a keyUsage extension with no bit set",
    "RFC 5280 §4.2.1.3 (at least one bit MUST be set)",
)
.to("v3 certificates");

/// `keycertsign-without-ca`.
pub const KEYCERTSIGN_WITHOUT_CA: Lint = lint(
    "keycertsign-without-ca",
    Error,
    "keyUsage keyCertSign on a certificate without cA:TRUE",
    "RFC 5280 §4.2.1.3, §4.2.1.9",
)
.to("v3 certificates");

/// `ec-key-usage-encipherment`.
pub const EC_KEY_USAGE_ENCIPHERMENT: Lint = lint(
    "ec-key-usage-encipherment",
    Error,
    "keyEncipherment or dataEncipherment on an elliptic-curve key",
    "RFC 5480 §3",
)
.to("v3 certificates with EC keys");

/// `eddsa-key-usage-invalid`.
pub const EDDSA_KEY_USAGE_INVALID: Lint = lint(
    "eddsa-key-usage-invalid",
    Error,
    "an Ed25519/Ed448 key with a keyUsage other than digitalSignature, nonRepudiation, keyCertSign, cRLSign",
    "RFC 8410 §5",
)
.to("v3 certificates with EdDSA keys");

/// `name-constraints-on-non-ca`.
pub const NAME_CONSTRAINTS_ON_NON_CA: Lint = lint(
    "name-constraints-on-non-ca",
    Error,
    "nameConstraints on a certificate that is not a CA",
    "RFC 5280 §4.2.1.10",
)
.to("v3 certificates");

/// `name-constraints-not-critical`.
pub const NAME_CONSTRAINTS_NOT_CRITICAL: Lint = lint(
    "name-constraints-not-critical",
    Error,
    "nameConstraints not marked critical",
    "RFC 5280 §4.2.1.10 (MUST be critical)",
)
.to("CA certificates")
.exempt_anchor();

/// `policy-constraints-not-critical`.
pub const POLICY_CONSTRAINTS_NOT_CRITICAL: Lint = lint(
    "policy-constraints-not-critical",
    Error,
    "policyConstraints not marked critical",
    "RFC 5280 §4.2.1.11 (MUST be critical)",
)
.to("CA certificates")
.exempt_anchor();

/// `policy-mappings-not-critical`.
pub const POLICY_MAPPINGS_NOT_CRITICAL: Lint = lint(
    "policy-mappings-not-critical",
    Warn,
    "policyMappings not marked critical",
    "RFC 5280 §4.2.1.5 (SHOULD be critical)",
)
.to("CA certificates")
.exempt_anchor();

/// `inhibit-any-policy-not-critical`.
pub const INHIBIT_ANY_POLICY_NOT_CRITICAL: Lint = lint(
    "inhibit-any-policy-not-critical",
    Error,
    "inhibitAnyPolicy not marked critical",
    "RFC 5280 §4.2.1.14 (MUST be critical)",
)
.to("CA certificates")
.exempt_anchor();

/// `eku-any-critical`.
pub const EKU_ANY_CRITICAL: Lint = lint(
    "eku-any-critical",
    Warn,
    "a critical extendedKeyUsage that lists anyExtendedKeyUsage",
    "RFC 5280 §4.2.1.12 (SHOULD NOT be critical)",
)
.to("v3 certificates");

/// `crl-distribution-points-critical`.
pub const CRL_DISTRIBUTION_POINTS_CRITICAL: Lint = lint(
    "crl-distribution-points-critical",
    Warn,
    "cRLDistributionPoints marked critical",
    "RFC 5280 §4.2.1.13 (SHOULD be non-critical)",
)
.to("v3 certificates");

/// `freshest-crl-critical`.
pub const FRESHEST_CRL_CRITICAL: Lint = lint(
    "freshest-crl-critical",
    Error,
    "freshestCRL marked critical",
    "RFC 5280 §4.2.1.15, §5.2.6 (MUST be non-critical)",
)
.to("v3 certificates, CRLs");

/// `aia-critical`.
pub const AIA_CRITICAL: Lint = lint(
    "aia-critical",
    Error,
    "authorityInfoAccess marked critical",
    "RFC 5280 §4.2.2.1, §5.2.7 (MUST be non-critical)",
)
.to("v3 certificates, CRLs");

/// `sia-critical`.
pub const SIA_CRITICAL: Lint = lint(
    "sia-critical",
    Error,
    "subjectInfoAccess marked critical",
    "RFC 5280 §4.2.2.2 (MUST be non-critical)",
)
.to("v3 certificates");

/// `issuer-alt-name-critical`.
pub const ISSUER_ALT_NAME_CRITICAL: Lint = lint(
    "issuer-alt-name-critical",
    Warn,
    "issuerAltName marked critical",
    "RFC 5280 §4.2.1.7, §5.2.2 (SHOULD be non-critical)",
)
.to("v3 certificates, CRLs");

/// `subject-directory-attributes-critical`.
pub const SUBJECT_DIRECTORY_ATTRIBUTES_CRITICAL: Lint = lint(
    "subject-directory-attributes-critical",
    Error,
    "subjectDirectoryAttributes marked critical",
    "RFC 5280 §4.2.1.8 (MUST be non-critical)",
)
.to("v3 certificates");

/// `certificate-policies-duplicate`.
pub const CERTIFICATE_POLICIES_DUPLICATE: Lint = lint(
    "certificate-policies-duplicate",
    Error,
    "the same policy OID listed twice in certificatePolicies",
    "RFC 5280 §4.2.1.4",
)
.to("v3 certificates");

/// `subject-country-invalid`.
pub const SUBJECT_COUNTRY_INVALID: Lint = lint(
    "subject-country-invalid",
    Error,
    "a countryName that is not two upper-case letters (ISO 3166-1 alpha-2)",
    "RFC 5280 Appendix A (ub-country-name-alpha-length); CA/B Forum BR §7.1.4.2",
)
.to("certificates")
.exempt_anchor();

/// `subject-attribute-too-long`.
pub const SUBJECT_ATTRIBUTE_TOO_LONG: Lint = lint(
    "subject-attribute-too-long",
    Error,
    "a subject attribute longer than its upper bound (commonName, organizationName, organizationalUnitName, serialNumber 64; localityName, stateOrProvinceName 128; emailAddress 255)",
    "RFC 5280 Appendix A (ub-* bounds)",
)
.to("certificates").exempt_anchor();

/// `validity-not-positive`.
pub const VALIDITY_NOT_POSITIVE: Lint = lint(
    "validity-not-positive",
    Error,
    "notAfter is before notBefore: the certificate is never valid",
    "RFC 5280 §4.1.2.5",
)
.to("certificates");

/// `generalizedtime-before-2050`.
pub const GENERALIZEDTIME_BEFORE_2050: Lint = lint(
    "generalizedtime-before-2050",
    Error,
    "a validity date before 2050 encoded as GeneralizedTime (it MUST be UTCTime)",
    "RFC 5280 §4.1.2.5",
)
.to("certificates")
.exempt_anchor();

/// `ec-curve-not-allowed`.
pub const EC_CURVE_NOT_ALLOWED: Lint = lint(
    "ec-curve-not-allowed",
    Warn,
    "an elliptic-curve key on a curve other than P-256, P-384 and P-521",
    "CA/B Forum BR §6.1.5",
)
.to("TLS server certificates");

/// `rsa-modulus-not-multiple-of-8`.
pub const RSA_MODULUS_NOT_MULTIPLE_OF_8: Lint = lint(
    "rsa-modulus-not-multiple-of-8",
    Warn,
    "an RSA modulus whose size in bits is not divisible by 8",
    "CA/B Forum BR §6.1.5",
)
.to("certificates")
.exempt_anchor();

/// `signature-algorithm-parameters-invalid`.
pub const SIGNATURE_ALGORITHM_PARAMETERS_INVALID: Lint = lint(
    "signature-algorithm-parameters-invalid",
    Error,
    "signature AlgorithmIdentifier parameters wrong for the algorithm (RSA PKCS #1 v1.5 without NULL, ECDSA or EdDSA with parameters)",
    "RFC 4055 §5; RFC 5758 §3.2; RFC 8410 §3",
)
.to("certificates");

/// `spki-algorithm-parameters-invalid`.
pub const SPKI_ALGORITHM_PARAMETERS_INVALID: Lint = lint(
    "spki-algorithm-parameters-invalid",
    Error,
    "subjectPublicKeyInfo AlgorithmIdentifier parameters wrong for the key (rsaEncryption without NULL, EC without a named curve, EdDSA with parameters)",
    "RFC 3279 §2.3.1; RFC 5480 §2.1.1; RFC 8410 §3",
)
.to("certificates");

/// `crl-number-missing`.
pub const CRL_NUMBER_MISSING: Lint = lint(
    "crl-number-missing",
    Error,
    "a CRL without the cRLNumber extension",
    "RFC 5280 §5.2.3",
)
.to("CRLs");

/// `crl-number-critical`.
pub const CRL_NUMBER_CRITICAL: Lint = lint(
    "crl-number-critical",
    Error,
    "cRLNumber marked critical",
    "RFC 5280 §5.2.3 (non-critical)",
)
.to("CRLs");

/// `crl-aki-missing`.
pub const CRL_AKI_MISSING: Lint = lint(
    "crl-aki-missing",
    Error,
    "a CRL without an authorityKeyIdentifier",
    "RFC 5280 §5.2.1",
)
.to("CRLs");

/// `crl-idp-not-critical`.
pub const CRL_IDP_NOT_CRITICAL: Lint = lint(
    "crl-idp-not-critical",
    Error,
    "issuingDistributionPoint not marked critical",
    "RFC 5280 §5.2.5 (a critical extension)",
)
.to("CRLs");

/// `crl-delta-not-critical`.
pub const CRL_DELTA_NOT_CRITICAL: Lint = lint(
    "crl-delta-not-critical",
    Error,
    "deltaCRLIndicator not marked critical",
    "RFC 5280 §5.2.4 (a critical extension)",
)
.to("CRLs");

/// `crl-next-update-before-this-update`.
pub const CRL_NEXT_UPDATE_BEFORE_THIS_UPDATE: Lint = lint(
    "crl-next-update-before-this-update",
    Error,
    "the CRL's nextUpdate is before its thisUpdate",
    "RFC 5280 §5.1.2.4, §5.1.2.5",
)
.to("CRLs");

/// `crl-entry-reason-unspecified`.
pub const CRL_ENTRY_REASON_UNSPECIFIED: Lint = lint(
    "crl-entry-reason-unspecified",
    Warn,
    "a revoked entry with reasonCode unspecified (0): leave the reasonCode out instead",
    "RFC 5280 §5.3.1 (SHOULD NOT be used)",
)
.to("CRL entries");

/// `aia-ocsp-not-http`.
pub const AIA_OCSP_NOT_HTTP: Lint = lint(
    "aia-ocsp-not-http",
    Error,
    "an authorityInfoAccess OCSP location that is not an http:// URL",
    "CA/B Forum BR §7.1.2.7.7 (HTTP URL); RFC 6960 Appendix A.1",
)
.to("TLS server certificates");

/// `aia-ca-issuers-not-http`.
pub const AIA_CA_ISSUERS_NOT_HTTP: Lint = lint(
    "aia-ca-issuers-not-http",
    Error,
    "an authorityInfoAccess caIssuers location that is not an http:// URL",
    "CA/B Forum BR §7.1.2.7.7 (HTTP URL)",
)
.to("TLS server certificates");

/// `crl-distribution-point-not-http`.
pub const CRL_DISTRIBUTION_POINT_NOT_HTTP: Lint = lint(
    "crl-distribution-point-not-http",
    Error,
    "a cRLDistributionPoints fullName that is not an http:// URL",
    "CA/B Forum BR §7.1.2.11.2 (HTTP URL)",
)
.to("TLS server certificates");

/// `crl-distribution-point-reasons-only`.
pub const CRL_DISTRIBUTION_POINT_REASONS_ONLY: Lint = lint(
    "crl-distribution-point-reasons-only",
    Error,
    "a DistributionPoint with neither a distributionPoint nor a cRLIssuer",
    "RFC 5280 §4.2.1.13",
)
.to("v3 certificates");

/// `policy-cps-uri-not-http`.
pub const POLICY_CPS_URI_NOT_HTTP: Lint = lint(
    "policy-cps-uri-not-http",
    Error,
    "a certificatePolicies CPS pointer that is not an http:// or https:// URL",
    "CA/B Forum BR §7.1.2.7.9 (cPSuri: an HTTP or HTTPS URL)",
)
.to("TLS server certificates");

/// `policy-explicit-text-ia5`.
pub const POLICY_EXPLICIT_TEXT_IA5: Lint = lint(
    "policy-explicit-text-ia5",
    Error,
    "a userNotice explicitText encoded as IA5String",
    "RFC 6818 §3 (updates RFC 5280 §4.2.1.4: MUST NOT use IA5String)",
)
.to("v3 certificates");

/// `policy-explicit-text-not-utf8`.
pub const POLICY_EXPLICIT_TEXT_NOT_UTF8: Lint = lint(
    "policy-explicit-text-not-utf8",
    Warn,
    "a userNotice explicitText that is not a UTF8String (VisibleString or BMPString)",
    "RFC 6818 §3 (SHOULD use UTF8String)",
)
.to("v3 certificates")
.exempt_anchor();

/// `policy-explicit-text-too-long`.
pub const POLICY_EXPLICIT_TEXT_TOO_LONG: Lint = lint(
    "policy-explicit-text-too-long",
    Error,
    "a userNotice explicitText longer than 200 characters (or empty)",
    "RFC 5280 §4.2.1.4 (DisplayText SIZE (1..200))",
)
.to("v3 certificates");

/// `policy-mapping-any-policy`.
pub const POLICY_MAPPING_ANY_POLICY: Lint = lint(
    "policy-mapping-any-policy",
    Error,
    "policyMappings maps to or from anyPolicy",
    "RFC 5280 §4.2.1.5",
)
.to("CA certificates");

/// `policy-constraints-empty`.
pub const POLICY_CONSTRAINTS_EMPTY: Lint = lint(
    "policy-constraints-empty",
    Error,
    "policyConstraints with neither requireExplicitPolicy nor inhibitPolicyMapping",
    "RFC 5280 §4.2.1.11",
)
.to("CA certificates");

/// `name-constraints-empty`.
pub const NAME_CONSTRAINTS_EMPTY: Lint = lint(
    "name-constraints-empty",
    Error,
    "nameConstraints with neither permittedSubtrees nor excludedSubtrees",
    "RFC 5280 §4.2.1.10",
)
.to("CA certificates");

/// `name-constraints-minimum-maximum`.
pub const NAME_CONSTRAINTS_MINIMUM_MAXIMUM: Lint = lint(
    "name-constraints-minimum-maximum",
    Error,
    "a name-constraint subtree with a minimum other than 0 or with a maximum",
    "RFC 5280 §4.2.1.10",
)
.to("CA certificates");

/// `extension-value-empty`.
pub const EXTENSION_VALUE_EMPTY: Lint = lint(
    "extension-value-empty",
    Error,
    "an extension whose list must hold at least one element is empty (AIA, SIA, CRL distribution points, freshestCRL, certificatePolicies, issuerAltName, policyMappings, subjectDirectoryAttributes)",
    "RFC 5280 Appendix A.2 (SIZE (1..MAX))",
)
.to("v3 certificates");

/// `unique-identifier-present`.
pub const UNIQUE_IDENTIFIER_PRESENT: Lint = lint(
    "unique-identifier-present",
    Error,
    "issuerUniqueID or subjectUniqueID present",
    "RFC 5280 §4.1.2.8 (CAs MUST NOT generate them)",
)
.to("certificates")
.exempt_anchor();

/// `subject-attribute-wrong-string-type`.
pub const SUBJECT_ATTRIBUTE_WRONG_STRING_TYPE: Lint = lint(
    "subject-attribute-wrong-string-type",
    Error,
    "countryName, serialNumber or dnQualifier not a PrintableString; emailAddress or domainComponent not an IA5String",
    "RFC 5280 Appendix A; RFC 4519 §2.4",
)
.to("certificates");

/// `directory-string-legacy-type`.
pub const DIRECTORY_STRING_LEGACY_TYPE: Lint = lint(
    "directory-string-legacy-type",
    Warn,
    "a subject attribute as TeletexString, UniversalString or BMPString",
    "RFC 5280 §4.1.2.6 (MUST use PrintableString or UTF8String)",
)
.to("certificates")
.exempt_anchor();

/// `printable-string-invalid`.
pub const PRINTABLE_STRING_INVALID: Lint = lint(
    "printable-string-invalid",
    Error,
    "a PrintableString in the subject or issuer with a character outside its set",
    "X.680 §41.4; RFC 5280 §4.1.2.4",
)
.to("certificates");

/// `utctime-without-seconds`.
pub const UTCTIME_WITHOUT_SECONDS: Lint = lint(
    "utctime-without-seconds",
    Error,
    "a validity UTCTime without seconds",
    "RFC 5280 §4.1.2.5.1 (YYMMDDHHMMSSZ)",
)
.to("certificates");

/// `utctime-not-zulu`.
pub const UTCTIME_NOT_ZULU: Lint = lint(
    "utctime-not-zulu",
    Error,
    "a validity UTCTime with a time-zone offset instead of Z",
    "RFC 5280 §4.1.2.5.1 (Zulu)",
)
.to("certificates");

/// `generalizedtime-fraction`.
pub const GENERALIZEDTIME_FRACTION: Lint = lint(
    "generalizedtime-fraction",
    Error,
    "a validity GeneralizedTime with fractional seconds",
    "RFC 5280 §4.1.2.5.2 (MUST NOT include fractional seconds)",
)
.to("certificates");

/// `eku-any-in-subscriber`.
pub const EKU_ANY_IN_SUBSCRIBER: Lint = lint(
    "eku-any-in-subscriber",
    Error,
    "anyExtendedKeyUsage in a TLS subscriber certificate",
    "CA/B Forum BR §7.1.2.7.10",
)
.to("TLS server certificates");

/// `rsa-key-usage-invalid`.
pub const RSA_KEY_USAGE_INVALID: Lint = lint(
    "rsa-key-usage-invalid",
    Error,
    "an RSA key with keyAgreement, encipherOnly or decipherOnly",
    "RFC 3279 §2.3.1; RFC 4055 §1.2",
)
.to("v3 certificates");

/// `key-usage-encipher-only-without-agreement`.
pub const KEY_USAGE_ENCIPHER_ONLY_WITHOUT_AGREEMENT: Lint = lint(
    "key-usage-encipher-only-without-agreement",
    Warn,
    "encipherOnly or decipherOnly without keyAgreement (their meaning is undefined)",
    "RFC 5280 §4.2.1.3",
)
.to("v3 certificates");

/// `crl-number-too-long`.
pub const CRL_NUMBER_TOO_LONG: Lint = lint(
    "crl-number-too-long",
    Error,
    "a cRLNumber longer than 20 octets",
    "RFC 5280 §5.2.3",
)
.to("CRLs");

/// `crl-number-negative`.
pub const CRL_NUMBER_NEGATIVE: Lint = lint(
    "crl-number-negative",
    Error,
    "a negative cRLNumber",
    "RFC 5280 §5.2.3 (non-negative integer)",
)
.to("CRLs");

/// `crl-aki-key-id-missing`.
pub const CRL_AKI_KEY_ID_MISSING: Lint = lint(
    "crl-aki-key-id-missing",
    Warn,
    "a CRL's authorityKeyIdentifier without keyIdentifier",
    "RFC 5280 §5.2.1 (MUST use the key identifier method)",
)
.to("CRLs");

/// `crl-extensions-before-v2`.
pub const CRL_EXTENSIONS_BEFORE_V2: Lint = lint(
    "crl-extensions-before-v2",
    Error,
    "a v1 CRL with extensions (CRL or entry)",
    "RFC 5280 §5.1.2.1",
)
.to("CRLs");

/// `crl-entry-remove-from-crl-not-delta`.
pub const CRL_ENTRY_REMOVE_FROM_CRL_NOT_DELTA: Lint = lint(
    "crl-entry-remove-from-crl-not-delta",
    Error,
    "reasonCode removeFromCRL in a CRL that is not a delta CRL",
    "RFC 5280 §5.3.1",
)
.to("CRL entries");

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
    SAN_EMPTY,
    SAN_DNS_INVALID,
    SAN_DNS_ULABEL,
    SAN_WILDCARD_INVALID,
    SAN_IP_LENGTH,
    SAN_IP_RESERVED,
    SAN_EMAIL_INVALID,
    SAN_URI_INVALID,
    SAN_CRITICAL_WITH_SUBJECT,
    SAN_NOT_CRITICAL_EMPTY_SUBJECT,
    SUBJECT_EMPTY_WITHOUT_SAN,
    ISSUER_EMPTY,
    AUTHORITY_KEY_ID_CRITICAL,
    AKI_KEY_ID_MISSING,
    SUBJECT_KEY_ID_CRITICAL,
    KEY_USAGE_NOT_CRITICAL,
    KEY_USAGE_EMPTY,
    KEYCERTSIGN_WITHOUT_CA,
    EC_KEY_USAGE_ENCIPHERMENT,
    EDDSA_KEY_USAGE_INVALID,
    NAME_CONSTRAINTS_ON_NON_CA,
    NAME_CONSTRAINTS_NOT_CRITICAL,
    POLICY_CONSTRAINTS_NOT_CRITICAL,
    POLICY_MAPPINGS_NOT_CRITICAL,
    INHIBIT_ANY_POLICY_NOT_CRITICAL,
    EKU_ANY_CRITICAL,
    CRL_DISTRIBUTION_POINTS_CRITICAL,
    FRESHEST_CRL_CRITICAL,
    AIA_CRITICAL,
    SIA_CRITICAL,
    ISSUER_ALT_NAME_CRITICAL,
    SUBJECT_DIRECTORY_ATTRIBUTES_CRITICAL,
    CERTIFICATE_POLICIES_DUPLICATE,
    SUBJECT_COUNTRY_INVALID,
    SUBJECT_ATTRIBUTE_TOO_LONG,
    VALIDITY_NOT_POSITIVE,
    GENERALIZEDTIME_BEFORE_2050,
    EC_CURVE_NOT_ALLOWED,
    RSA_MODULUS_NOT_MULTIPLE_OF_8,
    SIGNATURE_ALGORITHM_PARAMETERS_INVALID,
    SPKI_ALGORITHM_PARAMETERS_INVALID,
    CRL_NUMBER_MISSING,
    CRL_NUMBER_CRITICAL,
    CRL_AKI_MISSING,
    CRL_IDP_NOT_CRITICAL,
    CRL_DELTA_NOT_CRITICAL,
    CRL_NEXT_UPDATE_BEFORE_THIS_UPDATE,
    CRL_ENTRY_REASON_UNSPECIFIED,
    AIA_OCSP_NOT_HTTP,
    AIA_CA_ISSUERS_NOT_HTTP,
    CRL_DISTRIBUTION_POINT_NOT_HTTP,
    CRL_DISTRIBUTION_POINT_REASONS_ONLY,
    POLICY_CPS_URI_NOT_HTTP,
    POLICY_EXPLICIT_TEXT_IA5,
    POLICY_EXPLICIT_TEXT_NOT_UTF8,
    POLICY_EXPLICIT_TEXT_TOO_LONG,
    POLICY_MAPPING_ANY_POLICY,
    POLICY_CONSTRAINTS_EMPTY,
    NAME_CONSTRAINTS_EMPTY,
    NAME_CONSTRAINTS_MINIMUM_MAXIMUM,
    EXTENSION_VALUE_EMPTY,
    UNIQUE_IDENTIFIER_PRESENT,
    SUBJECT_ATTRIBUTE_WRONG_STRING_TYPE,
    DIRECTORY_STRING_LEGACY_TYPE,
    PRINTABLE_STRING_INVALID,
    UTCTIME_WITHOUT_SECONDS,
    UTCTIME_NOT_ZULU,
    GENERALIZEDTIME_FRACTION,
    EKU_ANY_IN_SUBSCRIBER,
    RSA_KEY_USAGE_INVALID,
    KEY_USAGE_ENCIPHER_ONLY_WITHOUT_AGREEMENT,
    CRL_NUMBER_TOO_LONG,
    CRL_NUMBER_NEGATIVE,
    CRL_AKI_KEY_ID_MISSING,
    CRL_EXTENSIONS_BEFORE_V2,
    CRL_ENTRY_REMOVE_FROM_CRL_NOT_DELTA,
];

/// The lint with this id.
pub fn find_lint(id: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.id == id)
}
