//! X.509 extensions (RFC 5280 §4.2), decoded into owned values.
//!
//! Like x509-parser's `ParsedExtension`, anything not understood is kept as
//! [`ExtValue::Raw`] (OID + hex) and anything that fails to decode is [`ExtValue::Error`], so
//! one odd extension never hides the rest of the certificate.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

/// One GeneralName (RFC 5280 §4.2.1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneralName {
    /// `dns`, `ip`, `email`, `uri`, `dirname`, `othername`, `rid`, `x400`, `edipartyname`.
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    /// The value as text: a name, an address, an RFC 4514 DN, `OID:value` for otherName.
    pub value: String,
}

impl GeneralName {
    /// Convenience constructor (the kinds are fixed words: no copy of one is made).
    pub fn new(kind: &'static str, value: impl Into<String>) -> GeneralName {
        GeneralName {
            kind: Cow::Borrowed(kind),
            value: value.into(),
        }
    }

    /// The label people know from openssl: `DNS`, `IP Address`, `email`, `URI`, ...
    pub fn label(&self) -> &str {
        match &*self.kind {
            "dns" => "DNS",
            "ip" => "IP",
            "email" => "email",
            "uri" => "URI",
            "dirname" => "DirName",
            "othername" => "othername",
            "rid" => "Registered ID",
            "x400" => "X400Name",
            "edipartyname" => "EdiPartyName",
            other => other,
        }
    }
}

/// Basic constraints (§4.2.1.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicConstraints {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u32>,
}

/// Authority key identifier (§4.2.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorityKeyId {
    /// keyIdentifier, lower hex.
    pub key_id: Option<String>,
    /// authorityCertIssuer.
    pub issuer: Vec<GeneralName>,
    /// authorityCertSerialNumber, lower hex.
    pub serial: Option<String>,
}

/// One CRL distribution point (§4.2.1.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistributionPoint {
    /// fullName (or the relative name as a dirname).
    pub names: Vec<GeneralName>,
    /// Reason flags, when limited.
    pub reasons: Vec<String>,
    /// cRLIssuer.
    pub crl_issuer: Vec<GeneralName>,
}

/// One access description of AIA/SIA (§4.2.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessDescription {
    /// `caIssuers`, `OCSP`, ... or the OID.
    pub method: String,
    /// Where.
    pub location: GeneralName,
}

/// One certificate policy (§4.2.1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Policy OID, dotted or the invalid-OID placeholder ([`crate::asn1::oids::display`]).
    pub oid: String,
    /// Well-known name (`anyPolicy`, `domain-validated`, ...), when known.
    pub name: Option<String>,
    /// Qualifiers as text: `CPS: <uri>`, `User Notice: <text>`.
    pub qualifiers: Vec<String>,
}

/// Name constraints (§4.2.1.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameConstraints {
    /// permittedSubtrees.
    pub permitted: Vec<GeneralName>,
    /// excludedSubtrees.
    pub excluded: Vec<GeneralName>,
}

/// One signed certificate timestamp (RFC 6962 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sct {
    /// SCT version (0 = v1).
    pub version: u8,
    /// The log's id, lower hex.
    pub log_id: String,
    /// The log's description from the bundled CT log list (`Google 'Argon2024' log`),
    /// when the id is in it ([`crate::asn1::ctlogs`]).
    pub log: Option<String>,
    /// When the log saw the certificate.
    pub timestamp: String,
    /// Signature algorithm (`ecdsa-with-SHA256`, ...).
    pub signature_algorithm: String,
}

/// Issuing distribution point of a CRL (§5.2.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuingDistributionPoint {
    /// distributionPoint: fullName, or the nameRelativeToCRLIssuer as a `relativename`.
    pub names: Vec<GeneralName>,
    /// onlyContainsUserCerts.
    pub only_contains_user_certs: bool,
    /// onlyContainsCACerts.
    pub only_contains_ca_certs: bool,
    /// onlyContainsAttributeCerts.
    pub only_contains_attribute_certs: bool,
    /// onlySomeReasons (empty: every reason).
    pub only_some_reasons: Vec<String>,
    /// indirectCRL.
    pub indirect_crl: bool,
}

/// Private key usage period (RFC 3280 §4.2.1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrivateKeyUsagePeriod {
    /// notBefore, RFC 3339.
    pub not_before: Option<String>,
    /// notAfter, RFC 3339.
    pub not_after: Option<String>,
}

/// One attribute of subjectDirectoryAttributes (§4.2.1.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryAttribute {
    /// Attribute type, dotted ([`crate::asn1::oids::display`]).
    pub oid: String,
    /// Its name (`dateOfBirth`, ...) or the OID again.
    pub name: String,
    /// Values: strings as text, times as RFC 3339, anything else as DER hex.
    pub values: Vec<String>,
}

/// Microsoft certificate template (1.3.6.1.4.1.311.21.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateTemplate {
    /// templateID, dotted.
    pub template: String,
    /// templateMajorVersion.
    pub major_version: Option<u64>,
    /// templateMinorVersion.
    pub minor_version: Option<u64>,
}

/// A decoded extension value. Serialized untagged: the shape follows the extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ExtValue {
    /// SAN, IAN: a list of names.
    Names(Vec<GeneralName>),
    /// Key usage, EKU, TLS features: a list of flag or purpose names.
    Flags(Vec<String>),
    /// Basic constraints.
    BasicConstraints(BasicConstraints),
    /// SKI or any other plain key id: lower hex.
    KeyId(KeyIdValue),
    /// Authority key identifier.
    AuthorityKeyId(AuthorityKeyId),
    /// CRL distribution points, freshest CRL.
    DistributionPoints(Vec<DistributionPoint>),
    /// AIA, SIA.
    Access(Vec<AccessDescription>),
    /// Certificate policies, Microsoft application policies.
    Policies(Vec<Policy>),
    /// Name constraints.
    NameConstraints(NameConstraints),
    /// Embedded SCTs.
    Scts(Vec<Sct>),
    /// Issuing distribution point.
    IssuingDistributionPoint(IssuingDistributionPoint),
    /// Private key usage period.
    PrivateKeyUsagePeriod(PrivateKeyUsagePeriod),
    /// Subject directory attributes.
    Attributes(Vec<DirectoryAttribute>),
    /// Microsoft certificate template.
    CertificateTemplate(CertificateTemplate),
    /// A single textual value (CRL number, CRL reason, a comment, a policy mapping...).
    Text(TextValue),
    /// Not understood: the extnValue contents, lower hex.
    Raw(RawValue),
    /// Understood OID, but the value did not decode.
    Error(ErrorValue),
}

/// `{"key_id": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyIdValue {
    /// Lower hex.
    pub key_id: String,
}

/// `{"text": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextValue {
    /// The value as text.
    pub text: String,
}

/// `{"hex": "...", "text": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawValue {
    /// The extnValue OCTET STRING contents, lower hex.
    pub hex: String,
    /// The value as text, when it is a single ASN.1 string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// `{"error": "...", "hex": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorValue {
    /// Why it did not decode.
    pub error: String,
    /// The raw contents, lower hex.
    pub hex: String,
}

/// One extension. Its parts are cheap to copy: the decode's per-thread cache hands the
/// same extension to every certificate of a CA (issue 18, alloc18), so a known OID and its
/// name are the tables' static text and the value is shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    /// Dotted OID, or the invalid-OID placeholder ([`crate::asn1::oids::display`]).
    pub oid: Cow<'static, str>,
    /// Name (`subjectAltName`, ...) or the OID again.
    pub name: Cow<'static, str>,
    /// Critical flag.
    pub critical: bool,
    /// Decoded value (serialized as the value itself).
    pub value: Arc<ExtValue>,
}
