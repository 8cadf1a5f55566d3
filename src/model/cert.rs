//! X.509 certificates (RFC 5280 §4.1) and the public key summary shared by every kind.

use serde::Serialize;

use super::{Extension, Timestamp};

/// A public key, summarised: what `openssl pkey -text_pub` shows in its first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKeyInfo {
    /// `rsa`, `ec`, `dsa`, `ed25519`, `ed448`, `x25519`, `x448`, `rsa-pss`, `dh`,
    /// or the dotted OID of anything else.
    pub algorithm: String,
    /// Key size in bits (RSA modulus, DSA p, EC field), when known.
    pub bits: Option<u32>,
    /// Named curve for EC keys (`P-256`, `secp256k1`, ...), or its OID.
    pub curve: Option<String>,
}

impl PublicKeyInfo {
    /// One line for people: `EC P-256 (256 bits)`, `RSA 2048 bits`, `Ed25519`.
    pub fn summary(&self) -> String {
        let name = match self.algorithm.as_str() {
            "rsa" => "RSA".to_string(),
            "rsa-pss" => "RSA-PSS".to_string(),
            "ec" => "EC".to_string(),
            "dsa" => "DSA".to_string(),
            "dh" => "DH".to_string(),
            "ed25519" => "Ed25519".to_string(),
            "ed448" => "Ed448".to_string(),
            "x25519" => "X25519".to_string(),
            "x448" => "X448".to_string(),
            other => other.to_string(),
        };
        match (&self.curve, self.bits) {
            (Some(curve), Some(bits)) => format!("{name} {curve} ({bits} bits)"),
            (Some(curve), None) => format!("{name} {curve}"),
            (None, Some(bits)) if !matches!(self.algorithm.as_str(), "ed25519" | "ed448") => {
                format!("{name} {bits} bits")
            }
            _ => name,
        }
    }
}

/// OpenSSL's trust settings appended to a `TRUSTED CERTIFICATE` (X509_CERT_AUX).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrustInfo {
    /// Purposes the certificate is trusted for (names or OIDs).
    pub trusted_for: Vec<String>,
    /// Purposes the certificate is explicitly rejected for.
    pub rejected_for: Vec<String>,
    /// The alias (friendly name).
    pub alias: Option<String>,
    /// The key id stored in the aux data, lower hex.
    pub key_id: Option<String>,
}

/// A decoded certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// 1, 2 or 3.
    pub version: u32,
    /// Serial number, lower hex without separators, `-` prefix if negative.
    pub serial: String,
    /// Serial number in decimal.
    pub serial_decimal: String,
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Subject key identifier, lower hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_key_id: Option<String>,
    /// Authority key identifier (keyIdentifier), lower hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority_key_id: Option<String>,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// Signature algorithm name (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, ...).
    pub signature_algorithm: String,
    /// The subject's public key.
    pub public_key: PublicKeyInfo,
    /// Every extension, in certificate order.
    pub extensions: Vec<Extension>,
    /// Subject equals issuer (and AKI, when present, equals SKI).
    pub self_signed: bool,
    /// OpenSSL trust settings, for `TRUSTED CERTIFICATE` blocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustInfo>,
}
