//! Relations between the items of one run: which key fits which certificate, who issued
//! what, what is a duplicate. Computed by [`crate::analysis::relate`], shown by the renderers.

use serde::Serialize;

/// What kind of link a relation is; serialized as the JSON `kind`.
///
/// Relations are directed from the item that "belongs to" another: a key to its
/// certificate, a CSR to the certificate issued for it, a certificate or CRL to its issuer,
/// a later copy to the first one. Only `same_key` is listed on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// This private or public key is the key of the certificate or CSR `item`.
    KeyOf,
    /// This certificate or CRL was issued (and signed) by certificate `item`.
    IssuedBy,
    /// This item has the same SubjectPublicKeyInfo as `item`, of the same class
    /// (certificate and certificate, CSR and CSR, key and key) without being a copy of it.
    SameKey,
    /// This CSR requested the key of certificate `item`.
    CsrOf,
    /// This item is byte for byte the same DER as the earlier item `item`.
    DuplicateOf,
    /// This certificate is listed by CRL `item` (same issuer, same serial; an indirect
    /// CRL's certificateIssuer counts).
    RevokedBy,
    /// This OCSP response gives the status of certificate `item` (a SingleResponse's
    /// CertID: its serial and issuer name hash).
    StatusOf,
    /// This OCSP request asks about certificate `item`.
    AsksAbout,
    /// This OCSP response answers OCSP request `item` (same nonce, or a CertID in common);
    /// `detail` says whether the nonces match (RFC 8954).
    AnswerTo,
}

impl RelationKind {
    /// The label used in text output.
    pub fn describe(self) -> &'static str {
        match self {
            RelationKind::KeyOf => "Key of",
            RelationKind::IssuedBy => "Issued by",
            RelationKind::SameKey => "Same key as",
            RelationKind::CsrOf => "CSR of",
            RelationKind::DuplicateOf => "Duplicate of",
            RelationKind::RevokedBy => "Revoked by",
            RelationKind::StatusOf => "Status of",
            RelationKind::AsksAbout => "Asks about",
            RelationKind::AnswerTo => "Answer to",
        }
    }
}

/// One relation of an item to another item of the same run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relation {
    /// The kind of link.
    pub kind: RelationKind,
    /// The run-wide `number` of the other item.
    pub item: usize,
    /// For `issued_by` only: `verified`, or `not checked: <algorithm>` when no maintained
    /// implementation of the signature algorithm is available.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// For `revoked_by`: the entry's revocation date and reason
    /// (`2025-12-15T00:00:00Z, keyCompromise`); for `status_of`: the certStatus (`good`,
    /// `revoked, 2025-12-15T00:00:00Z, keyCompromise`, `unknown`); for `answer_to`: whether
    /// the nonces match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The other item as text output names it (`PATH#INDEX (line N): certificate CN=...`);
    /// filled in by the binary, which knows how each item's locator is shown.
    #[serde(skip)]
    pub target: String,
}
