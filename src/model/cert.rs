//! X.509 certificates (RFC 5280 §4.1) and the public key summary shared by every kind.

use serde::Serialize;

use super::{BasicConstraints, ExtValue, Extension, GeneralName, Timestamp};

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
    /// For an `rsa-pss` key with parameters (RFC 4055 §3.1), the restrictions it carries
    /// (the salt length is a minimum); absent for keys without restrictions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pss: Option<Box<PssParameters>>,
}

/// RSASSA-PSS-params (RFC 4055 §3.1), every DEFAULT filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PssParameters {
    /// The message digest (`SHA-256`), or its OID.
    pub hash: String,
    /// The mask generation function (`MGF1 with SHA-256`), or its OID.
    pub mask_generation: String,
    /// The salt length in octets.
    pub salt_length: u64,
    /// The trailer field (1 is the only one defined: the 0xBC octet).
    pub trailer_field: u64,
}

impl PssParameters {
    /// One line for people: `SHA-256, MGF1 with SHA-256, salt 32, trailer 0xBC`.
    pub fn summary(&self) -> String {
        let trailer = if self.trailer_field == 1 {
            "0xBC".to_string()
        } else {
            format!("{} (not 1: undefined)", self.trailer_field)
        };
        format!(
            "{}, {}, salt {}, trailer {trailer}",
            self.hash, self.mask_generation, self.salt_length
        )
    }
}

impl PublicKeyInfo {
    /// One line for people: `EC P-256 (256 bits)`, `RSA (2048 bits)`, `Ed25519`.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let name = match self.algorithm.as_str() {
            "rsa" => "RSA",
            "rsa-pss" => "RSA-PSS",
            "ec" => "EC",
            "dsa" => "DSA",
            "dh" => "DH",
            "ed25519" => "Ed25519",
            "ed448" => "Ed448",
            "x25519" => "X25519",
            "x448" => "X448",
            other => other,
        };
        // Built in one buffer: every certificate, key and CSR shown as text asks for it.
        let mut out = String::with_capacity(32);
        out.push_str(name);
        if let Some(curve) = &self.curve {
            out.push(' ');
            out.push_str(curve);
        }
        let bits_shown =
            self.curve.is_some() || !matches!(self.algorithm.as_str(), "ed25519" | "ed448");
        if let Some(bits) = self.bits.filter(|_| bits_shown) {
            let _ = write!(out, " ({bits} bits)");
        }
        if let Some(p) = &self.pss {
            let _ = write!(
                out,
                ", restricted to {}, {}, salt at least {}",
                p.hash, p.mask_generation, p.salt_length
            );
        }
        out
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

/// A certificate's RDNs, shared: a CA's certificates share the issuer's, which the decode
/// reads once per thread and hands out without a copy (issue 18, alloc18). Serialized as
/// the list itself; an empty one allocates nothing.
pub type Rdns = std::sync::Arc<[Vec<crate::asn1::dn::NameAttribute>]>;

/// A decoded certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// 1, 2 or 3.
    pub version: u32,
    /// Serial number, lower hex without separators, `-` prefix if negative.
    pub serial: String,
    /// The serial's content octets exactly as encoded, lower hex (`0080`, `ff`).
    pub serial_der_hex: String,
    /// Serial number in decimal.
    pub serial_decimal: String,
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// The subject's RDNs in DER order, each attribute typed (JSON `subject_rdns`).
    pub subject_rdns: Rdns,
    /// The issuer's RDNs in DER order (JSON `issuer_rdns`).
    pub issuer_rdns: Rdns,
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
    /// RSA-PSS parameters of the signature, when it is `rsassaPss`. Boxed, like the
    /// key's: rare, and inline they took 64 bytes of every certificate `inspect` holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_pss: Option<Box<PssParameters>>,
    /// The signature algorithm inside the signed part, only when it differs from the outer
    /// one (RFC 5280 §4.1.1.2 requires them equal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_signature_algorithm: Option<String>,
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

impl Certificate {
    /// The first extension with this dotted OID.
    pub fn extension(&self, oid: &str) -> Option<&Extension> {
        // The last digit first: most OIDs here are `2.5.29.NN`, of one length, and the
        // lints ask dozens of times per certificate; a whole comparison each was a memcmp.
        let last = oid.as_bytes().last();
        self.extensions
            .iter()
            .find(|e| e.oid.as_bytes().last() == last && e.oid == oid)
    }

    /// basicConstraints (2.5.29.19), when present and decoded.
    pub fn basic_constraints(&self) -> Option<&BasicConstraints> {
        match self.extension("2.5.29.19").map(|e| &*e.value) {
            Some(ExtValue::BasicConstraints(b)) => Some(b),
            _ => None,
        }
    }

    /// Whether basicConstraints says cA:TRUE.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints().is_some_and(|b| b.ca)
    }

    /// keyUsage (2.5.29.15) bit names, or `None` when the extension is absent.
    pub fn key_usage(&self) -> Option<&[String]> {
        match self.extension("2.5.29.15").map(|e| &*e.value) {
            Some(ExtValue::Flags(f)) => Some(f),
            _ => None,
        }
    }

    /// extendedKeyUsage (2.5.29.37) purpose names, or `None` when absent.
    pub fn extended_key_usage(&self) -> Option<&[String]> {
        match self.extension("2.5.29.37").map(|e| &*e.value) {
            Some(ExtValue::Flags(f)) => Some(f),
            _ => None,
        }
    }

    /// subjectAltName (2.5.29.17) entries; empty when absent.
    pub fn subject_alt_names(&self) -> &[GeneralName] {
        match self.extension("2.5.29.17").map(|e| &*e.value) {
            Some(ExtValue::Names(n)) => n,
            _ => &[],
        }
    }

    /// caIssuers URIs of the authorityInfoAccess extension (RFC 5280 §4.2.2.1).
    pub fn ca_issuers(&self) -> Vec<String> {
        match self.extension("1.3.6.1.5.5.7.1.1").map(|e| &*e.value) {
            Some(ExtValue::Access(list)) => list
                .iter()
                .filter(|a| a.method == "caIssuers" && a.location.kind == "uri")
                .map(|a| a.location.value.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Subject equals issuer (after normalisation): the certificate is self-issued, which
    /// matters for path length counting (RFC 5280 §6.1.4 (l)).
    pub fn self_issued(&self) -> bool {
        crate::asn1::dn::same_name(&self.subject, &self.issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_summary_forms() {
        let info = |algorithm: &str, bits, curve: Option<&str>| PublicKeyInfo {
            algorithm: algorithm.to_string(),
            bits,
            curve: curve.map(str::to_string),
            pss: None,
        };
        assert_eq!(
            info("ec", Some(256), Some("P-256")).summary(),
            "EC P-256 (256 bits)"
        );
        assert_eq!(info("ec", None, Some("1.2.3.4")).summary(), "EC 1.2.3.4");
        assert_eq!(info("rsa", Some(2048), None).summary(), "RSA (2048 bits)");
        assert_eq!(info("ed25519", Some(256), None).summary(), "Ed25519");
        assert_eq!(
            info("ed448", Some(456), Some("x")).summary(),
            "Ed448 x (456 bits)"
        );
        assert_eq!(info("1.2.3", None, None).summary(), "1.2.3");
        let mut pss = info("rsa-pss", Some(2048), None);
        pss.pss = Some(Box::new(PssParameters {
            hash: "SHA-256".into(),
            mask_generation: "MGF1 with SHA-256".into(),
            salt_length: 32,
            trailer_field: 1,
        }));
        assert_eq!(
            pss.summary(),
            "RSA-PSS (2048 bits), restricted to SHA-256, MGF1 with SHA-256, salt at least 32"
        );
    }
}
