//! Certificate revocation lists (RFC 5280 §5).

use serde::Serialize;

use super::{Extension, Timestamp};

/// One revoked certificate entry.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    /// Serial number, lower hex.
    pub serial: String,
    /// When it was revoked.
    pub revocation_date: Timestamp,
    /// CRLReason (`keyCompromise`, ...), when given.
    pub reason: Option<String>,
    /// The issuer of the revoked certificate when it is not the CRL issuer (indirect CRLs,
    /// RFC 5280 §5.3.3): the name of the last certificateIssuer entry extension at or
    /// before this entry, RFC 4514; `None` while no entry has had one (the CRL issuer).
    pub certificate_issuer: Option<String>,
    /// invalidityDate entry extension.
    pub invalidity_date: Option<Timestamp>,
    /// Every entry extension, in entry order (reasonCode, invalidityDate and
    /// certificateIssuer included).
    pub extensions: Vec<Extension>,
}

/// A decoded CRL.
#[derive(Debug, Clone, Serialize)]
pub struct Crl {
    /// 1 or 2.
    pub version: u32,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// The issuer's RDNs in DER order, each attribute typed (JSON `issuer_rdns`).
    pub issuer_rdns: Vec<Vec<crate::asn1::dn::NameAttribute>>,
    /// thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate, when present.
    pub next_update: Option<Timestamp>,
    /// The CRL number extension, in decimal.
    pub crl_number: Option<String>,
    /// For a delta CRL, the number of its base CRL (deltaCRLIndicator, §5.2.4), decimal;
    /// `None` for a complete CRL.
    pub base_crl_number: Option<String>,
    /// Authority key identifier, lower hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority_key_id: Option<String>,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// RSA-PSS parameters of the signature, when it is `rsassaPss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_pss: Option<Box<super::PssParameters>>,
    /// The signature algorithm inside the signed part, only when it differs from the outer
    /// one (RFC 5280 §5.1.1.2 requires them equal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_signature_algorithm: Option<String>,
    /// CRL extensions.
    pub extensions: Vec<Extension>,
    /// Number of revoked entries.
    pub revoked_count: usize,
    /// Every revoked entry, in CRL order (decoded lazily).
    pub revoked: RevokedList,
}

/// Decodes the entries of a validated `revokedCertificates` content, one at a time: the
/// decoder's entry parser, handed to [`RevokedList::new`] so that the model holds no
/// parsing code and names no higher layer.
pub type EntryParser = for<'a> fn(&'a [u8]) -> Box<dyn Iterator<Item = Revoked> + 'a>;

/// The revoked entries of a CRL, kept as their validated DER and decoded one at a time when
/// iterated, so a CRL of a million entries never exists decoded all at once. Serializes as a
/// JSON array.
#[derive(Clone)]
pub struct RevokedList {
    bytes: std::sync::Arc<[u8]>,
    range: std::ops::Range<usize>,
    count: usize,
    parse: EntryParser,
}

impl Default for RevokedList {
    fn default() -> Self {
        RevokedList {
            bytes: std::sync::Arc::default(),
            range: 0..0,
            count: 0,
            parse: |_| Box::new(std::iter::empty()),
        }
    }
}

impl RevokedList {
    /// Wraps the content octets of a validated `revokedCertificates` SEQUENCE: `bytes[range]`
    /// (the CRL's DER, shared with its item, so entries are never copied), decoded by `parse`
    /// when iterated.
    pub fn new(
        bytes: std::sync::Arc<[u8]>,
        range: std::ops::Range<usize>,
        count: usize,
        parse: EntryParser,
    ) -> RevokedList {
        RevokedList {
            bytes,
            range,
            count,
            parse,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The entries, decoded one by one.
    pub fn iter(&self) -> impl Iterator<Item = Revoked> + '_ {
        (self.parse)(self.bytes.get(self.range.clone()).unwrap_or(&[]))
    }
}

impl std::fmt::Debug for RevokedList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RevokedList({} entries)", self.count)
    }
}

impl Serialize for RevokedList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}
