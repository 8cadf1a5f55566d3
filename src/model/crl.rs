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
}

/// A decoded CRL.
#[derive(Debug, Clone, Serialize)]
pub struct Crl {
    /// 1 or 2.
    pub version: u32,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate, when present.
    pub next_update: Option<Timestamp>,
    /// The CRL number extension, in decimal.
    pub crl_number: Option<String>,
    /// Authority key identifier, lower hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority_key_id: Option<String>,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// CRL extensions.
    pub extensions: Vec<Extension>,
    /// Number of revoked entries.
    pub revoked_count: usize,
    /// Every revoked entry, in CRL order.
    pub revoked: Vec<Revoked>,
}
