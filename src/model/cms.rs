//! A CMS / PKCS#7 message itself (RFC 5652): what it is, who signed it or can open it.
//! The certificates and CRLs it carries are items of their own.

use serde::Serialize;

use super::Timestamp;

/// A CMS ContentInfo: SignedData, EnvelopedData, EncryptedData, AuthenticatedData or
/// another content type. Fields that do not apply to the content type are null or empty.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cms {
    /// `signedData`, `envelopedData`, `encryptedData`, `authenticatedData`,
    /// `authEnvelopedData`, `digestedData`, `data`, or the dotted OID.
    pub content_type: String,
    /// The structure's version field.
    pub version: Option<u32>,
    /// The type of the content inside (`data`, `tSTInfo`, ...): the encapsulated content of
    /// SignedData and AuthenticatedData, the encrypted content of the others.
    pub inner_content_type: Option<String>,
    /// Octets of the content (encrypted for EnvelopedData/EncryptedData); null when the
    /// content is detached (not in the file).
    pub content_size: Option<usize>,
    /// SignedData digest algorithms (AuthenticatedData: its digest algorithm).
    pub digest_algorithms: Vec<String>,
    /// SignedData signers, in file order.
    pub signers: Vec<Signer>,
    /// EnvelopedData / AuthenticatedData recipients, in file order.
    pub recipients: Vec<Recipient>,
    /// EnvelopedData / EncryptedData / AuthEnvelopedData content encryption algorithm.
    pub content_encryption_algorithm: Option<String>,
    /// AuthenticatedData MAC algorithm.
    pub mac_algorithm: Option<String>,
}

/// One SignerInfo.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Signer {
    /// SignerInfo version (1: named by issuer and serial, 3: by subject key identifier).
    pub version: Option<u32>,
    /// Issuer of the signer's certificate, RFC 4514, when named by issuer and serial.
    pub issuer: Option<String>,
    /// Serial of the signer's certificate (lower hex, as a certificate's `serial`).
    pub serial: Option<String>,
    /// Subject key identifier of the signer's certificate, lower hex, when named by it.
    pub subject_key_id: Option<String>,
    /// Subject of the included certificate the identifier names; null when none does.
    pub certificate: Option<String>,
    /// SHA-256 thumbprint of that certificate, lower hex.
    pub certificate_sha256: Option<String>,
    /// Digest algorithm.
    pub digest_algorithm: String,
    /// Signature algorithm, as named in the SignerInfo.
    pub signature_algorithm: String,
    /// Signed attribute contentType.
    pub content_type: Option<String>,
    /// Signed attribute signingTime.
    pub signing_time: Option<Timestamp>,
    /// Signed attribute messageDigest, lower hex.
    pub message_digest: Option<String>,
    /// messageDigest compared with the digest of the encapsulated content: `matches`,
    /// `does not match`, or `not checked: <why>` (detached content, unknown digest).
    pub message_digest_check: String,
    /// The signature checked with the signer's certificate: `verified`, `invalid`, or
    /// `not checked: <why>`.
    pub signature: String,
    /// Names (or OIDs) of the other signed attributes.
    pub other_signed_attributes: Vec<String>,
    /// Names (or OIDs) of the unsigned attributes (countersignatures, timestamps).
    pub unsigned_attributes: Vec<String>,
}

/// One recipient of EnvelopedData or AuthenticatedData (for key agreement: one per
/// recipient encrypted key).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recipient {
    /// `key_transport`, `key_agreement`, `kek`, `password` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Issuer of the recipient's certificate, RFC 4514, when named by issuer and serial.
    pub issuer: Option<String>,
    /// Serial of the recipient's certificate, lower hex.
    pub serial: Option<String>,
    /// Subject key identifier (key transport, key agreement) or KEK identifier (kek), hex.
    pub key_id: Option<String>,
    /// Key encryption (or key derivation) algorithm.
    pub key_encryption_algorithm: Option<String>,
}
