//! PKCS#10 certification requests (RFC 2986).

use serde::Serialize;

use super::{Extension, PublicKeyInfo};

/// A CSR attribute other than the extension request.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    /// Dotted OID, or the invalid-OID placeholder ([`crate::asn1::oids::display`]).
    pub oid: String,
    /// Name (`challengePassword`, ...), or the OID again.
    pub name: String,
    /// The values, as text where they are strings, else lower hex of their DER.
    pub values: Vec<String>,
}

/// A decoded CSR.
#[derive(Debug, Clone, Serialize)]
pub struct Csr {
    /// Version (0 in every real CSR, shown as 1 by openssl).
    pub version: u32,
    /// Subject, RFC 4514.
    pub subject: String,
    /// The subject's RDNs in DER order, each attribute typed (JSON `subject_rdns`).
    pub subject_rdns: Vec<Vec<crate::asn1::dn::NameAttribute>>,
    /// The requested key.
    pub public_key: PublicKeyInfo,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// RSA-PSS parameters of the signature, when it is `rsassaPss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_pss: Option<Box<super::PssParameters>>,
    /// The request's signature checked with its own public key (proof of possession):
    /// `verified`, `invalid` or `not checked: <why>` (`openssl req -verify`).
    pub self_signature: String,
    /// Requested extensions (the extensionRequest attribute).
    pub extensions: Vec<Extension>,
    /// All other attributes.
    pub attributes: Vec<Attribute>,
}
