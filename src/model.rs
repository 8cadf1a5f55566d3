//! The typed model every input decodes to and every renderer reads.
//!
//! Owned, `'static` and serde-ready: no parser lifetime leaks in here, so a file, a PKCS#12
//! bag and a PKCS#11 object all become the same [`Item`]. Field names are the JSON contract
//! documented in `docs/json.md`; renaming one breaks scripts.

mod cert;
mod cms;
mod crl;
mod csr;
mod ext;
mod key;
mod ocsp;
mod pem_text;
mod relation;
mod source;
mod time;
mod token;

pub use self::cert::{Certificate, PssParameters, PublicKeyInfo, Rdns, TrustInfo};
pub use self::cms::{Cms, Recipient, Signer};
pub use self::crl::{Crl, EntryParser, Revoked, RevokedList};
pub use self::csr::{Attribute, Csr};
pub use self::ext::{
    AccessDescription, AuthorityKeyId, BasicConstraints, CertificateTemplate, DirectoryAttribute,
    DistributionPoint, ErrorValue, ExtValue, Extension, GeneralName, IssuingDistributionPoint,
    KeyIdValue, NameConstraints, Policy, PrivateKeyUsagePeriod, RawValue, Sct, TextValue,
};
pub use self::key::{Key, KeyFormat, Parameters, Unknown};
pub use self::ocsp::{CertId, OcspRequest, OcspResponse, Responder, SingleResponse};
pub use self::pem_text::PemText;
pub use self::relation::{Relation, RelationKind};
pub use self::source::{Container, FileSource, Source, TokenSource};
pub use self::time::Timestamp;

use serde::Serialize;

use crate::fingerprint::Digests;
use crate::input::labels;

/// What an item is; serialized as the JSON `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An X.509 certificate.
    Certificate,
    /// A PKCS#10 certificate signing request.
    Csr,
    /// An X.509 certificate revocation list.
    Crl,
    /// A private key, in any format, encrypted or not.
    PrivateKey,
    /// A public key (SubjectPublicKeyInfo or PKCS#1).
    PublicKey,
    /// Domain parameters (EC or DH).
    Parameters,
    /// A CMS / PKCS#7 message: signed, enveloped, encrypted or authenticated data.
    Cms,
    /// An OCSP request (RFC 6960 §4.1).
    OcspRequest,
    /// An OCSP response (RFC 6960 §4.2).
    OcspResponse,
    /// Anything else: an unknown PEM label, bytes that could not be classified, or a
    /// PKCS#11 secret key or data object.
    Unknown,
}

impl Kind {
    /// The human name used in text output and error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Certificate => "certificate",
            Kind::Csr => "certificate request",
            Kind::Crl => "CRL",
            Kind::PrivateKey => "private key",
            Kind::PublicKey => "public key",
            Kind::Parameters => "parameters",
            Kind::Cms => "CMS message",
            Kind::OcspRequest => "OCSP request",
            Kind::OcspResponse => "OCSP response",
            Kind::Unknown => "unknown",
        }
    }

    /// The PEM label used when the item is re-emitted as PEM, if it can be.
    pub fn pem_label(self) -> Option<&'static str> {
        match self {
            Kind::Certificate => Some(labels::CERTIFICATE),
            Kind::Csr => Some(labels::CERTIFICATE_REQUEST),
            Kind::Crl => Some(labels::X509_CRL),
            Kind::OcspRequest => Some(labels::OCSP_REQUEST),
            Kind::OcspResponse => Some(labels::OCSP_RESPONSE),
            Kind::PublicKey => Some(labels::PUBLIC_KEY),
            _ => None,
        }
    }
}

/// The decoded content of an item, by kind. Serialized flat into the item's JSON object.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// Certificate fields.
    Certificate(Box<Certificate>),
    /// CSR fields.
    Csr(Box<Csr>),
    /// CRL fields.
    Crl(Box<Crl>),
    /// Private or public key fields.
    Key(Box<Key>),
    /// EC or DH parameters.
    Parameters(Parameters),
    /// A CMS message.
    Cms(Box<Cms>),
    /// An OCSP request.
    OcspRequest(Box<OcspRequest>),
    /// An OCSP response.
    OcspResponse(Box<OcspResponse>),
    /// An unclassified block.
    Unknown(Unknown),
    /// Thumbprint mode: only the name, without a full parse.
    Brief(Brief),
    /// A PKCS#11 object's attributes.
    TokenObject(Box<TokenObject>),
    /// Nothing could be decoded (see `error`).
    Empty {},
}

pub use self::token::{NssTrust, RawAttribute, TokenObject};

/// What thumbprint mode keeps of a certificate besides its DER: the subject, read by walking
/// the DER to that one field.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// Subject, RFC 4514.
    pub subject: Option<String>,
}

/// PKCS#12 bag attributes kept with each item that came out of a PKCS#12 file.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct BagAttributes {
    /// The bag's friendlyName (PKCS#9), the "alias" Java and Windows show.
    pub friendly_name: Option<String>,
    /// The bag's localKeyId, lower hex: links a key to its certificate.
    pub local_key_id: Option<String>,
}

/// How a PKCS#12 file protects one of its items (`Item::protection`): the file's MAC and
/// the encryption of the item's bag, so that a weak or legacy scheme (RC2-40, which OpenSSL
/// 3 and Windows refuse) is visible.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Pkcs12Protection {
    /// The file's integrity MAC; `None` when the file has none.
    pub mac: Option<Pkcs12Mac>,
    /// The scheme the item's bag was encrypted with: its shrouded key bag's, or that of the
    /// encrypted SafeContents it came from (`PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations,
    /// AES-256-CBC)`, `pbeWithSHAAnd40BitRC2-CBC (2048 iterations)`); `None` when stored
    /// in the clear.
    pub bag_encryption: Option<String>,
    /// The iteration count of `bag_encryption`'s key derivation, when it has one.
    pub bag_encryption_iterations: Option<u64>,
}

/// A PKCS#12 file's MacData.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pkcs12Mac {
    /// The HMAC digest as openssl names it: `sha1`, `sha256`, ... or the OID.
    pub algorithm: String,
    /// The PKCS#12 KDF iteration count of the MAC key.
    pub iterations: u64,
    /// Length of the MAC salt, in bytes.
    pub salt_length: usize,
}

/// What a PKCS#11 token says about a certificate besides its DER (`Item::token`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct TokenAttributes {
    /// `CKA_TRUSTED`, when the token has it (p11-kit's trust module sets it on anchors;
    /// only a security officer can set it on SoftHSM).
    pub trusted: Option<bool>,
    /// `CKA_CERTIFICATE_CATEGORY`: `unspecified`, `token_user`, `authority` or
    /// `other_entity`, when the token has it.
    pub category: Option<String>,
    /// Every attribute the module gave, raw and named (`token list --attributes`; empty,
    /// and absent from JSON, otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<RawAttribute>,
    /// The NSS trust object (`CKO_NSS_TRUST`) for this certificate, when the token has one
    /// (NSS databases, NSS's built-in roots, p11-kit's trust module).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nss_trust: Option<NssTrust>,
}

/// One thing found in an input: a certificate, CSR, CRL, key, parameters or unknown block.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Run-wide 0-based number, in output order across every input of the run; what a
    /// relation's `item` refers to. Set by the binary, `None` where it is not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<usize>,
    /// What it is.
    pub kind: Kind,
    /// Where it came from.
    pub source: Source,
    /// The PEM label it had, or `None` for DER and token objects.
    pub pem_label: Option<std::borrow::Cow<'static, str>>,
    /// Digests of the DER encoding; absent for private keys (hashing a secret is no thumbprint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprints: Option<Digests>,
    /// SHA-256 of the DER SubjectPublicKeyInfo, lower hex: the pin that links keys,
    /// CSRs and certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spki_sha256: Option<String>,
    /// The item re-encoded as PEM (public material only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pem: Option<PemText>,
    /// Why this item could not be fully decoded, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Things worth knowing that do not make the item a failure (e.g. no SPKI pin could be
    /// derived for this key type).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// PKCS#12 bag attributes, for items from a PKCS#12 file. This and the next two are
    /// boxed: most items have none, and inline they took 330 of an item's 760 bytes, held
    /// for every item `inspect` keeps for relations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bag: Option<Box<BagAttributes>>,
    /// How the PKCS#12 file protects this item, for items from a PKCS#12 file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protection: Option<Box<Pkcs12Protection>>,
    /// Token attributes, for certificates read from a PKCS#11 token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Box<TokenAttributes>>,
    /// How this item relates to other items of the run; `None` when relations were not
    /// computed (`--no-relations`, `find`, `fingerprint`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<Relation>>,
    /// The kind-specific fields.
    #[serde(flatten)]
    pub body: Body,
    /// DER of the item for thumbprints and PEM output; never set for private keys.
    #[serde(skip)]
    pub der: Option<std::sync::Arc<[u8]>>,
    /// DER of the SubjectPublicKeyInfo, when there is a key.
    #[serde(skip)]
    pub spki_der: Option<Vec<u8>>,
}

impl Item {
    /// Fills [`Item::spki_sha256`] from [`Item::spki_der`] when it is missing: the one place
    /// the pin is computed, for the decoder and for `check`'s kept items.
    pub fn fill_spki_pin(&mut self) {
        if self.spki_sha256.is_none() {
            if let Some(spki) = self.spki_der.as_deref() {
                use crate::fingerprint::HashAlg;
                // A public key's DER is its SPKI: its SHA-256 thumbprint, when computed, is
                // the pin (not hashed a second time).
                let thumbprint = match (&self.der, &self.fingerprints) {
                    (Some(der), Some(d)) if **der == *spki => d.get(HashAlg::Sha256),
                    _ => None,
                };
                let computed;
                let digest: &[u8] = match thumbprint {
                    Some(d) => d,
                    None => {
                        computed = HashAlg::Sha256.digest_value(spki);
                        &computed
                    }
                };
                // Encoded on the stack and copied once: `hex::encode` collects a `char` at
                // a time, a cost every item paid.
                let mut buf = [0u8; 64];
                self.spki_sha256 = Some(match hex::encode_to_slice(digest, &mut buf) {
                    Ok(()) => String::from_utf8_lossy(&buf).into_owned(),
                    Err(_) => hex::encode(digest),
                });
            }
        }
    }

    /// The SHA-256 of the item's SubjectPublicKeyInfo as bytes, for renderers that show it
    /// in other encodings than the model's hex (colon hex, the `sha256//` key pin): the
    /// carried pin when there is one (not hashed a second time), else the digest of
    /// [`Item::spki_der`]; `None` for an item without a key.
    pub fn spki_pin_digest(&self) -> Option<[u8; 32]> {
        let spki = self.spki_der.as_deref()?;
        let mut out = [0u8; 32];
        match self.spki_sha256.as_deref() {
            Some(h) if hex::decode_to_slice(h, &mut out).is_ok() => {}
            _ => out.copy_from_slice(&crate::fingerprint::HashAlg::Sha256.digest_value(spki)),
        }
        Some(out)
    }

    /// An item with nothing decoded yet.
    pub fn new(kind: Kind, source: Source) -> Item {
        Item {
            number: None,
            kind,
            source,
            pem_label: None,
            fingerprints: None,
            spki_sha256: None,
            pem: None,
            error: None,
            warnings: Vec::new(),
            bag: None,
            protection: None,
            token: None,
            relations: None,
            body: Body::Empty {},
            der: None,
            spki_der: None,
        }
    }

    /// The subject of a certificate or CSR, the issuer of a CRL: the name a person
    /// recognises the item by.
    pub fn display_name(&self) -> Option<&str> {
        match &self.body {
            Body::Certificate(c) => Some(&c.subject),
            Body::Csr(c) => Some(&c.subject),
            Body::Crl(c) => Some(&c.issuer),
            Body::TokenObject(o) => o.label.as_deref(),
            Body::Brief(b) => b.subject.as_deref(),
            _ => None,
        }
    }

    /// Records a problem with this item; the first one is kept, later ones are appended.
    pub fn add_error(&mut self, message: impl Into<String>) {
        let message = message.into();
        self.error = Some(match self.error.take() {
            Some(old) => format!("{old}; {message}"),
            None => message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::HashAlg;

    /// The source of a test item: the input `t`.
    fn file_source() -> Source {
        Source::File(FileSource {
            path: "t".into(),
            index: 0,
            line: None,
            container: None,
            key: None,
        })
    }

    /// The pin's bytes are the carried hex when it reads, the SPKI's digest otherwise, and
    /// absent without a key.
    #[test]
    fn spki_pin_digest_reads_the_pin_or_hashes_the_key() {
        let mut item = Item::new(Kind::PublicKey, file_source());
        assert_eq!(item.spki_pin_digest(), None);
        let spki = b"not really an SPKI".to_vec();
        let digest = HashAlg::Sha256.digest(&spki);
        item.spki_der = Some(spki);
        assert_eq!(
            item.spki_pin_digest().map(|d| d.to_vec()),
            Some(digest.clone())
        );
        item.spki_sha256 = Some(hex::encode([7u8; 32]));
        assert_eq!(item.spki_pin_digest(), Some([7u8; 32]));
        item.spki_sha256 = Some("zz".into());
        assert_eq!(item.spki_pin_digest().map(|d| d.to_vec()), Some(digest));
        item.spki_sha256 = None;
        item.fill_spki_pin();
        assert_eq!(
            item.spki_sha256,
            Some(hex::encode(HashAlg::Sha256.digest(b"not really an SPKI")))
        );
    }

    /// A public key's pin is its SHA-256 thumbprint when that was computed over the same
    /// bytes (a stand-in digest shows it is taken, not hashed again); any other DER is
    /// hashed.
    #[test]
    fn the_pin_of_a_public_key_is_its_sha256_thumbprint() {
        use crate::fingerprint::Digests;
        let spki = b"an SPKI".to_vec();
        let stand_in = HashAlg::Sha256.digest_value(b"a stand-in");
        let pinned = |der: &[u8]| {
            let mut item = Item::new(Kind::PublicKey, file_source());
            item.der = Some(der.into());
            item.spki_der = Some(spki.clone());
            item.fingerprints = Some(Digests(vec![(HashAlg::Sha256, stand_in)]));
            item.fill_spki_pin();
            item.spki_sha256
        };
        assert_eq!(pinned(&spki), Some(hex::encode(&*stand_in)));
        assert_eq!(
            pinned(b"a certificate"),
            Some(hex::encode(HashAlg::Sha256.digest(&spki)))
        );
    }
}
