//! OCSP requests and responses (RFC 6960).

use serde::Serialize;

use super::Timestamp;

/// CertID (RFC 6960 §4.1.1): which certificate a request or response is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertId {
    /// Hash algorithm of the two hashes (`sha1`, `sha256`, ...).
    pub hash_algorithm: String,
    /// Hash of the issuer's DER-encoded subject name, lower hex.
    pub issuer_name_hash: String,
    /// Hash of the issuer's public key (the BIT STRING's value), lower hex.
    pub issuer_key_hash: String,
    /// Serial of the certificate, lower hex (as a certificate's `serial`).
    pub serial: String,
}

/// A decoded OCSPRequest.
#[derive(Debug, Clone, Serialize)]
pub struct OcspRequest {
    /// 1 (v1).
    pub version: u32,
    /// requestorName, as `TYPE:value` (RFC 4514 for a directory name).
    pub requestor_name: Option<String>,
    /// The certificates asked about, in order.
    pub requests: Vec<CertId>,
    /// The nonce extension's value, lower hex.
    pub nonce: Option<String>,
    /// Names (or OIDs) of the request extensions.
    pub extensions: Vec<String>,
    /// Whether the request carries an optionalSignature.
    pub signed: bool,
    /// For a signed request: its signature checked with the key of the certificate it
    /// carries for its requestorName (or its first one): `verified`, `invalid`,
    /// `not checked: <why>`. Absent for an unsigned request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// For a signed request: the subject of the certificate the signature was checked with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// One SingleResponse (RFC 6960 §4.2.1).
#[derive(Debug, Clone, Serialize)]
pub struct SingleResponse {
    /// The certificate it is about.
    pub cert_id: CertId,
    /// `good`, `revoked` or `unknown`.
    pub cert_status: String,
    /// revocationTime, for `revoked`.
    pub revocation_time: Option<Timestamp>,
    /// revocationReason, for `revoked`, when given.
    pub revocation_reason: Option<String>,
    /// thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate, when given.
    pub next_update: Option<Timestamp>,
}

/// The certificate that signed a response, as far as the response itself tells.
#[derive(Debug, Clone, Serialize)]
pub struct Responder {
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Serial, lower hex.
    pub serial: String,
    /// Its extendedKeyUsage has id-kp-OCSPSigning (required of a delegated responder,
    /// RFC 6960 §4.2.2.2).
    pub ocsp_signing: bool,
    /// It has id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1: its own revocation is not checked).
    pub nocheck: bool,
    /// `ca` when it is the issuer the CertIDs name (its subject and key hash match),
    /// `delegated` when the CA named by the CertIDs issued it (by issuer name hash; the
    /// signature on it is checked where the CA's certificate is at hand: `chain`),
    /// `unrelated` otherwise.
    pub role: String,
}

/// A decoded OCSPResponse.
#[derive(Debug, Clone, Serialize)]
pub struct OcspResponse {
    /// responseStatus: `successful`, `malformedRequest`, `internalError`, `tryLater`,
    /// `sigRequired`, `unauthorized`.
    pub response_status: String,
    /// responseType (`basic` for id-pkix-ocsp-basic), null without responseBytes.
    pub response_type: Option<String>,
    /// responderID: `name: <RFC 4514>` or `key: <SHA-1 of the key, lower hex>`.
    pub responder_id: Option<String>,
    /// producedAt.
    pub produced_at: Option<Timestamp>,
    /// Every SingleResponse, in order.
    pub responses: Vec<SingleResponse>,
    /// The nonce extension's value, lower hex.
    pub nonce: Option<String>,
    /// Names (or OIDs) of the response extensions.
    pub extensions: Vec<String>,
    /// Signature algorithm name.
    pub signature_algorithm: Option<String>,
    /// Subjects of the certificates the response carries.
    pub certificates: Vec<String>,
    /// The included certificate the responderID names, when there is one.
    pub responder: Option<Responder>,
    /// The signature checked with that certificate's key: `verified`, `invalid`,
    /// `not checked: <why>` (for instance when the responder's certificate is not included:
    /// `chain --ocsp-response` then checks it with the issuer's key).
    pub signature: String,
}
