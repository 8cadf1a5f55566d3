//! OCSP requests and responses (RFC 6960 §4.1, §4.2), walked with the bounded TLV reader.
//!
//! The response's signature is checked here against the certificate the response carries
//! for its responderID, if any; whether that responder may speak for a certificate (it is
//! the issuer, or a delegated responder the issuer certified) needs the issuer's
//! certificate and is decided by `chain` ([`crate::analysis::chain`]) with [`parse_response`].

use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;

use crate::asn1::dn;
use crate::asn1::oids;
use crate::asn1::tlv::{self, Tlv};
use crate::fingerprint::HashAlg;
use crate::model::{CertId, OcspRequest, OcspResponse, Responder, SingleResponse, Timestamp};
use crate::verify::{self, Verdict};

use super::{cert, x509};

/// id-pkix-ocsp-nonce.
const NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
/// id-pkix-ocsp-basic.
const BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
/// id-pkix-ocsp-nocheck.
const NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
/// id-kp-OCSPSigning.
const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
/// ENUMERATED.
const ENUMERATED: u8 = 0x0a;
/// At most this many SingleResponses or requests are decoded (real ones have a handful).
pub const MAX_ENTRIES: usize = 10_000;

fn err<T>(what: &str) -> Result<T, String> {
    Err(format!("malformed {what}"))
}

fn kids<'a>(t: &Tlv<'a>, what: &str) -> Result<Vec<Tlv<'a>>, String> {
    t.child_vec().map_err(|e| format!("{what}: {e}"))
}

fn time(t: &Tlv<'_>) -> Result<Timestamp, String> {
    let (_, parsed) = ASN1Time::from_der(t.raw).map_err(|e| format!("time: {e}"))?;
    Ok(x509::time(parsed))
}

/// The inner TLV of an EXPLICIT tag.
fn explicit<'a>(t: &Tlv<'a>) -> Result<Tlv<'a>, String> {
    tlv::read(t.value)
        .map(|(inner, _)| inner)
        .map_err(|e| e.to_string())
}

fn hash_name(oid: &str) -> String {
    match oid {
        "1.3.14.3.2.26" => "sha1".to_string(),
        "2.16.840.1.101.3.4.2.1" => "sha256".to_string(),
        "2.16.840.1.101.3.4.2.2" => "sha384".to_string(),
        "2.16.840.1.101.3.4.2.3" => "sha512".to_string(),
        other => other.to_string(),
    }
}

/// The hash algorithm of a CertID, when certscope can compute it.
pub fn hash_alg(name: &str) -> Option<HashAlg> {
    match name {
        "sha1" => Some(HashAlg::Sha1),
        "sha256" => Some(HashAlg::Sha256),
        "sha384" => Some(HashAlg::Sha384),
        "sha512" => Some(HashAlg::Sha512),
        _ => None,
    }
}

fn algorithm_oid(alg: &Tlv<'_>) -> Option<String> {
    alg.children()
        .next()
        .and_then(Result::ok)
        .filter(|t| t.tag == tlv::OID)
        .and_then(|t| oids::dotted(t.value))
}

fn cert_id(t: &Tlv<'_>) -> Result<CertId, String> {
    match kids(t, "CertID")?.as_slice() {
        [alg, name, key, serial, ..]
            if alg.tag == tlv::SEQUENCE
                && name.tag == tlv::OCTET_STRING
                && key.tag == tlv::OCTET_STRING
                && serial.tag == tlv::INTEGER =>
        {
            Ok(CertId {
                // A hash algorithm that cannot be read fails the CertID, never an empty name.
                hash_algorithm: hash_name(
                    &algorithm_oid(alg).ok_or("malformed CertID hashAlgorithm (no OID)")?,
                ),
                issuer_name_hash: hex::encode(name.value),
                issuer_key_hash: hex::encode(key.value),
                serial: cert::serial_hex(serial.value),
            })
        }
        _ => err("CertID"),
    }
}

/// Extension names and the nonce, from an Extensions SEQUENCE.
fn extensions(seq: &Tlv<'_>) -> Result<(Vec<String>, Option<String>), String> {
    let mut names = Vec::new();
    let mut nonce = None;
    for ext in seq.children() {
        let ext = ext.map_err(|e| format!("extensions: {e}"))?;
        let parts = kids(&ext, "extension")?;
        let Some(oid) = parts
            .first()
            .filter(|t| t.tag == tlv::OID)
            .and_then(|t| oids::dotted(t.value))
        else {
            return err("extension");
        };
        if oid == NONCE {
            if let Some(v) = parts.iter().rev().find(|t| t.tag == tlv::OCTET_STRING) {
                // RFC 8954: the nonce is an OCTET STRING inside extnValue; older responders
                // put the bytes there directly.
                let inner = match tlv::read(v.value) {
                    Ok((t, rest)) if t.tag == tlv::OCTET_STRING && rest.is_empty() => t.value,
                    _ => v.value,
                };
                nonce = Some(hex::encode(inner));
            }
        }
        let name = if oid == NONCE {
            "nonce".to_string()
        } else {
            oids::name_or_oid(oids::extension(&oid), &oid)
        };
        names.push(name);
    }
    Ok((names, nonce))
}

/// A GeneralName (requestorName) as `TYPE:value`.
fn general_name_text(t: &Tlv<'_>) -> String {
    match x509_parser::extensions::GeneralName::from_der(t.raw) {
        Ok((_, n)) => {
            let g = x509::general_name(&n, t.raw);
            format!("{}:{}", g.label(), g.value)
        }
        Err(_) => format!("(undecodable, {} bytes)", t.raw.len()),
    }
}

/// Decodes a DER OCSPRequest.
pub fn decode_request(der: &[u8]) -> Result<OcspRequest, String> {
    let (top, rest) = tlv::read(der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the OCSP request", rest.len()));
    }
    let parts = kids(&top, "OCSPRequest")?;
    let Some(tbs) = parts.first().filter(|t| t.tag == tlv::SEQUENCE) else {
        return err("tbsRequest");
    };
    let mut req = OcspRequest {
        version: 1,
        requestor_name: None,
        requests: Vec::new(),
        nonce: None,
        extensions: Vec::new(),
        signed: parts.get(1).is_some_and(|t| t.tag == 0xa0),
        signature: None,
        signer: None,
    };
    for field in kids(tbs, "tbsRequest")? {
        match field.tag {
            0xa0 => {
                let v = explicit(&field)?;
                req.version = u32::from(v.value.first().copied().unwrap_or(0)) + 1;
            }
            0xa1 => req.requestor_name = Some(general_name_text(&explicit(&field)?)),
            tlv::SEQUENCE => {
                for r in field.children().take(MAX_ENTRIES) {
                    let r = r.map_err(|e| format!("requestList: {e}"))?;
                    let Some(id) = kids(&r, "Request")?.into_iter().next() else {
                        return err("Request");
                    };
                    req.requests.push(cert_id(&id)?);
                }
            }
            0xa2 => {
                let (names, nonce) = extensions(&explicit(&field)?)?;
                req.extensions = names;
                req.nonce = nonce;
            }
            other => return Err(format!("unexpected field (tag {other:#04x}) in tbsRequest")),
        }
    }
    if let Some(sig) = parts.get(1).filter(|t| t.tag == 0xa0) {
        let (verdict, signer) = request_signature(tbs, &explicit(sig)?, &req.requestor_name);
        req.signature = Some(verdict);
        req.signer = signer;
    }
    Ok(req)
}

/// The optionalSignature of a request (RFC 6960 §4.1.2: signatureAlgorithm, signature,
/// certs) checked over the tbsRequest with the key of the certificate it carries for the
/// requestorName (by subject), or of its first certificate when none is named: the verdict
/// in words and the signer's subject.
fn request_signature(
    tbs: &Tlv<'_>,
    sig: &Tlv<'_>,
    requestor: &Option<String>,
) -> (String, Option<String>) {
    let Ok(fields) = kids(sig, "Signature") else {
        return (
            "not checked: the signature does not parse".to_string(),
            None,
        );
    };
    let (Some(alg), Some(bits)) = (fields.first(), fields.get(1)) else {
        return (
            "not checked: the signature does not parse".to_string(),
            None,
        );
    };
    // BIT STRING: the first octet counts unused bits (0 for every signature scheme).
    let Some(signature) = bits.value.get(1..).filter(|_| bits.tag == tlv::BIT_STRING) else {
        return (
            "not checked: the signature is not a BIT STRING".to_string(),
            None,
        );
    };
    let certs: Vec<cert::Decoded> = fields
        .get(2)
        .filter(|t| t.tag == 0xa0)
        .and_then(|t| explicit(t).ok())
        .map(|seq| {
            seq.children()
                .take(MAX_ENTRIES)
                .filter_map(|c| c.ok().and_then(|c| cert::decode(c.raw).ok()))
                .collect()
        })
        .unwrap_or_default();
    // requestorName is `TYPE:value`; a directory name compares as §7.1 says.
    let wanted = requestor
        .as_deref()
        .and_then(|r| r.split_once(':'))
        .map(|(_, dn_text)| dn::name_key(dn_text));
    let signer = certs
        .iter()
        .find(|c| {
            wanted
                .as_ref()
                .is_none_or(|w| dn::name_key(&c.cert.subject) == *w)
        })
        .or(certs.first());
    let Some(signer) = signer else {
        return (
            "not checked: the request carries no certificate".to_string(),
            None,
        );
    };
    let verdict = verify::verify_message(tbs.raw, signature, alg.raw, "", &signer.spki);
    (verdict.describe(), Some(signer.cert.subject.clone()))
}

/// The parts of a BasicOCSPResponse that checking it needs.
pub struct Parsed<'a> {
    /// The decoded response.
    pub response: OcspResponse,
    /// The BasicOCSPResponse DER (a signed structure: tbs, algorithm, signature).
    pub basic: Option<&'a [u8]>,
    /// responderID byName, the name's DER.
    pub responder_name: Option<&'a [u8]>,
    /// responderID byKey, the SHA-1 of the responder's key.
    pub responder_key_hash: Option<&'a [u8]>,
    /// The certificates it carries, DER.
    pub certs: Vec<&'a [u8]>,
    /// Index in `certs` of the one the responderID names.
    pub responder: Option<usize>,
}

/// The subject name DER and the public key bits of a certificate: what a CertID hashes and
/// what a responderID byName/byKey names (RFC 6960 §4.1.1, §4.2.1).
pub fn name_and_key(cert_der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (c, _) = tlv::read(cert_der).ok()?;
    let tbs = c.children().next()?.ok()?;
    let mut fields: Vec<Tlv<'_>> = tbs.children().take(8).filter_map(Result::ok).collect();
    if fields.first().is_some_and(|f| f.tag == 0xa0) {
        fields.remove(0);
    }
    // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    let subject = fields.get(4)?;
    let spki = fields.get(5)?;
    let bits = spki.children().nth(1)?.ok()?;
    // The BIT STRING's value without its unused-bits octet.
    Some((subject.raw, bits.value.get(1..)?))
}

/// The issuer name DER of a certificate.
pub fn issuer_name(cert_der: &[u8]) -> Option<&[u8]> {
    let (t, _) = tlv::read(cert_der).ok()?;
    let tbs = t.children().next()?.ok()?;
    let mut f: Vec<Tlv<'_>> = tbs.children().take(8).filter_map(Result::ok).collect();
    if f.first().is_some_and(|x| x.tag == 0xa0) {
        f.remove(0);
    }
    // serialNumber, signature, issuer
    f.get(2).map(|n| n.raw)
}

/// Whether `id` is about the certificate `cert_der` (serial, and the hash of its issuer's
/// name; the key hash needs the issuer's certificate and is checked by `chain`).
pub fn is_about(id: &CertId, serial: &str, cert_der: &[u8]) -> bool {
    id.serial == serial
        && hash_alg(&id.hash_algorithm).is_some_and(|h| {
            issuer_name(cert_der).is_some_and(|n| hex::encode(h.digest(n)) == id.issuer_name_hash)
        })
}

/// Whether a certificate (DER) is the one a responderID names.
pub fn names_responder(p: &Parsed<'_>, cert_der: &[u8]) -> bool {
    let Some((name, key)) = name_and_key(cert_der) else {
        return false;
    };
    match (p.responder_name, p.responder_key_hash) {
        (Some(n), _) => dn::format_name(n).is_some_and(|a| {
            dn::format_name(name).is_some_and(|b| dn::name_key(&a) == dn::name_key(&b))
        }),
        (_, Some(h)) => HashAlg::Sha1.digest(key) == h,
        _ => false,
    }
}

fn single(t: &Tlv<'_>) -> Result<SingleResponse, String> {
    let parts = kids(t, "SingleResponse")?;
    let (Some(id), Some(status), Some(this)) = (parts.first(), parts.get(1), parts.get(2)) else {
        return err("SingleResponse");
    };
    let mut s = SingleResponse {
        cert_id: cert_id(id)?,
        cert_status: String::new(),
        revocation_time: None,
        revocation_reason: None,
        this_update: time(this)?,
        next_update: None,
    };
    s.cert_status = match status.tag {
        0x80 => "good".to_string(),
        0xa1 => {
            let info = kids(status, "RevokedInfo")?;
            let Some(when) = info.first() else {
                return err("RevokedInfo");
            };
            s.revocation_time = Some(time(when)?);
            if let Some(r) = info.get(1).filter(|r| r.tag == 0xa0) {
                let e = explicit(r)?;
                if e.tag == ENUMERATED {
                    s.revocation_reason =
                        Some(x509::reason_name(e.value.first().copied().unwrap_or(0)));
                }
            }
            "revoked".to_string()
        }
        0x82 => "unknown".to_string(),
        other => return Err(format!("unexpected certStatus (tag {other:#04x})")),
    };
    for extra in parts.get(3..).unwrap_or(&[]) {
        if extra.tag == 0xa0 {
            s.next_update = Some(time(&explicit(extra)?)?);
        }
    }
    Ok(s)
}

/// Decodes a DER OCSPResponse.
pub fn decode_response(der: &[u8]) -> Result<OcspResponse, String> {
    parse_response(der).map(|p| p.response)
}

/// Decodes a DER OCSPResponse and keeps the parts a signature check needs.
pub fn parse_response(der: &[u8]) -> Result<Parsed<'_>, String> {
    let (top, rest) = tlv::read(der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the OCSP response", rest.len()));
    }
    let parts = kids(&top, "OCSPResponse")?;
    let Some(status) = parts.first().filter(|t| t.tag == ENUMERATED) else {
        return err("responseStatus");
    };
    let status_name = match status.value {
        [0] => "successful",
        [1] => "malformedRequest",
        [2] => "internalError",
        [3] => "tryLater",
        [5] => "sigRequired",
        [6] => "unauthorized",
        _ => "(unknown status)",
    };
    let mut p = Parsed {
        response: OcspResponse {
            response_status: status_name.to_string(),
            response_type: None,
            responder_id: None,
            produced_at: None,
            responses: Vec::new(),
            nonce: None,
            extensions: Vec::new(),
            signature_algorithm: None,
            certificates: Vec::new(),
            responder: None,
            signature: "not checked: no response".to_string(),
        },
        basic: None,
        responder_name: None,
        responder_key_hash: None,
        certs: Vec::new(),
        responder: None,
    };
    let Some(bytes) = parts.get(1).filter(|t| t.tag == 0xa0) else {
        return Ok(p);
    };
    let rb = explicit(bytes)?;
    let rb = kids(&rb, "ResponseBytes")?;
    let (Some(kind), Some(octets)) = (rb.first(), rb.get(1)) else {
        return err("ResponseBytes");
    };
    if kind.tag != tlv::OID {
        return err("ResponseBytes responseType (not an OID)");
    }
    // A malformed OID is shown as such, never as an empty type.
    let kind = oids::display(kind.value);
    p.response.response_type = Some(if kind == BASIC {
        "basic".to_string()
    } else {
        kind.clone()
    });
    if kind != BASIC {
        p.response.signature = "not checked: not a basic response".to_string();
        return Ok(p);
    }
    let basic = octets.value;
    p.basic = Some(basic);
    let (b, _) = tlv::read(basic).map_err(|e| format!("BasicOCSPResponse: {e}"))?;
    let bparts = kids(&b, "BasicOCSPResponse")?;
    let (Some(tbs), Some(alg)) = (bparts.first(), bparts.get(1)) else {
        return err("BasicOCSPResponse");
    };
    p.response.signature_algorithm = algorithm_oid(alg).map(|o| x509::signature_name(&o));
    if let Some(certs) = bparts.get(3).filter(|t| t.tag == 0xa0) {
        for c in explicit(certs)?.children().take(MAX_ENTRIES) {
            let c = c.map_err(|e| format!("certs: {e}"))?;
            p.certs.push(c.raw);
        }
    }
    let mut seen_responses = false;
    for field in kids(tbs, "ResponseData")? {
        match field.tag {
            0xa0 => {}
            // [1] before the responses is the responderID byName, after them the
            // responseExtensions.
            0xa1 if seen_responses => {
                let (names, nonce) = extensions(&explicit(&field)?)?;
                p.response.extensions = names;
                p.response.nonce = nonce;
            }
            0xa1 => {
                let name = explicit(&field)?;
                p.responder_name = Some(name.raw);
                p.response.responder_id = Some(format!(
                    "name: {}",
                    // A malformed name says so, never as bare hex a key hash could be.
                    dn::format_name_or_malformed(name.raw)
                ));
            }
            0xa2 => {
                let key = explicit(&field)?;
                p.responder_key_hash = Some(key.value);
                p.response.responder_id = Some(format!("key: {}", hex::encode(key.value)));
            }
            tlv::GENERALIZED_TIME => p.response.produced_at = Some(time(&field)?),
            tlv::SEQUENCE => {
                seen_responses = true;
                for s in field.children().take(MAX_ENTRIES) {
                    let s = s.map_err(|e| format!("responses: {e}"))?;
                    p.response.responses.push(single(&s)?);
                }
            }
            other => {
                return Err(format!(
                    "unexpected field (tag {other:#04x}) in ResponseData"
                ))
            }
        }
    }
    for c in &p.certs {
        if let Ok(decoded) = cert::decode(c) {
            p.response.certificates.push(decoded.cert.subject.clone());
        }
    }
    p.responder =
        (0..p.certs.len()).find(|&i| p.certs.get(i).is_some_and(|c| names_responder(&p, c)));
    match p.responder.and_then(|i| p.certs.get(i).copied()) {
        None => {
            p.response.signature =
                "not checked: the responder's certificate is not included".to_string();
        }
        Some(c) => {
            p.response.responder = responder(c, &p.response.responses);
            p.response.signature = match cert::decode(c) {
                Ok(decoded) => verify::verify(basic, &decoded.spki).describe(),
                Err(e) => format!("not checked: responder certificate: {e}"),
            };
        }
    }
    Ok(p)
}

/// What the responder certificate says about its role.
fn responder(der: &[u8], responses: &[SingleResponse]) -> Option<Responder> {
    let c = cert::decode(der).ok()?.cert;
    let ocsp_signing = c.extension("2.5.29.37").is_some_and(|e| match &*e.value {
        crate::model::ExtValue::Flags(f) => {
            f.iter().any(|p| p == "OCSPSigning" || p == OCSP_SIGNING)
        }
        _ => false,
    });
    let nocheck = c.extension(NOCHECK).is_some();
    let (own_name, own_key) = name_and_key(der)?;
    let issuer_name = issuer_name(der)?;
    let matches = |id: &CertId, name: &[u8], key: Option<&[u8]>| {
        hash_alg(&id.hash_algorithm).is_some_and(|h| {
            hex::encode(h.digest(name)) == id.issuer_name_hash
                && key.is_none_or(|k| hex::encode(h.digest(k)) == id.issuer_key_hash)
        })
    };
    let role = if responses
        .iter()
        .all(|r| matches(&r.cert_id, own_name, Some(own_key)))
    {
        "ca"
    } else if responses
        .iter()
        .all(|r| matches(&r.cert_id, issuer_name, None))
    {
        "delegated"
    } else {
        "unrelated"
    };
    Some(Responder {
        subject: c.subject.clone(),
        issuer: c.issuer.clone(),
        serial: c.serial.clone(),
        ocsp_signing,
        nocheck,
        role: role.to_string(),
    })
}

/// Whether `v` is a good signature (for callers that only need yes or no).
pub fn verified(v: &Verdict) -> bool {
    *v == Verdict::Verified
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response() {
        let req =
            decode_request(include_bytes!("../../fixtures/revocation/ocsp-request.der")).unwrap();
        assert_eq!(req.requests.len(), 2);
        assert!(req.nonce.is_some());
        let p = parse_response(include_bytes!(
            "../../fixtures/revocation/ocsp-response.der"
        ))
        .unwrap();
        assert_eq!(p.response.nonce, req.nonce);
        assert_eq!(p.response.responses.len(), 2);
        assert_eq!(p.response.signature, "verified");
        assert_eq!(p.responder, Some(0));
        let r = p.response.responder.as_ref().unwrap();
        assert_eq!(r.role, "delegated");
        assert!(r.ocsp_signing && r.nocheck);
    }

    #[test]
    fn try_later_has_no_body() {
        let r = decode_response(&[0x30, 0x03, 0x0a, 0x01, 0x03]).unwrap();
        assert_eq!(r.response_status, "tryLater");
        assert!(r.responses.is_empty() && r.responder_id.is_none());
    }

    /// `der` with the first occurrence of `from` replaced by `to` (same length).
    fn patched(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        assert_eq!(from.len(), to.len());
        let at = der.windows(from.len()).position(|w| w == from).unwrap();
        let mut out = der.to_vec();
        out[at..at + to.len()].copy_from_slice(to);
        out
    }

    /// A CertID hashAlgorithm of SHA-1 (`SEQUENCE { OID 1.3.14.3.2.26, NULL }`), and the same
    /// with the OID's tag made an OCTET STRING's.
    const SHA1_ALG: &[u8] = &[0x30, 9, 0x06, 5, 0x2b, 0x0e, 3, 2, 0x1a, 5, 0];
    const NO_OID_ALG: &[u8] = &[0x30, 9, 0x04, 5, 0x2b, 0x0e, 3, 2, 0x1a, 5, 0];

    #[test]
    fn a_cert_id_hash_algorithm_without_an_oid_fails_the_cert_id() {
        // Never a CertID with an empty hash algorithm name.
        let req = include_bytes!("../../fixtures/revocation/ocsp-request.der");
        let e = decode_request(&patched(req, SHA1_ALG, NO_OID_ALG)).unwrap_err();
        assert!(e.contains("malformed CertID hashAlgorithm (no OID)"), "{e}");
        let resp = include_bytes!("../../fixtures/revocation/ocsp-response.der");
        let e = decode_response(&patched(resp, SHA1_ALG, NO_OID_ALG)).unwrap_err();
        assert!(e.contains("malformed CertID hashAlgorithm (no OID)"), "{e}");
    }

    /// responseType id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1).
    const BASIC_TYPE: &[u8] = &[0x06, 9, 0x2b, 6, 1, 5, 5, 7, 0x30, 1, 1];

    #[test]
    fn a_malformed_response_type_is_shown_as_a_malformed_oid() {
        let resp = include_bytes!("../../fixtures/revocation/ocsp-response.der");
        // The last arc left unfinished (its continuation bit set): not a valid OID.
        let bad = [0x06, 9, 0x2b, 6, 1, 5, 5, 7, 0x30, 1, 0x81];
        let r = decode_response(&patched(resp, BASIC_TYPE, &bad)).unwrap();
        let kind = r.response_type.unwrap_or_default();
        assert!(
            kind.starts_with("<invalid OID 2b0601050507300181"),
            "{kind}"
        );
        assert_eq!(r.response_status, "successful");
        assert_eq!(r.signature, "not checked: not a basic response");
        // A responseType that is not an OID at all fails the response, in words.
        let not_oid = [0x04, 9, 0x2b, 6, 1, 5, 5, 7, 0x30, 1, 1];
        let e = decode_response(&patched(resp, BASIC_TYPE, &not_oid)).unwrap_err();
        assert!(e.contains("responseType (not an OID)"), "{e}");
    }

    #[test]
    fn a_malformed_responder_name_is_shown_as_such() {
        let resp = include_bytes!("../../fixtures/revocation/ocsp-response.der");
        let name = crate::asn1::dn::rfc4514_to_der(
            "CN=Certscope Revocation OCSP Responder,O=Certscope Revocation",
        )
        .unwrap();
        // The responderID byName's first RDN: its SET made a SEQUENCE.
        let at = resp.windows(name.len()).position(|w| w == name).unwrap();
        let mut der = resp.to_vec();
        assert_eq!(der[at + 2], tlv::SET);
        der[at + 2] = tlv::SEQUENCE;
        let r = decode_response(&der).unwrap();
        let id = r.responder_id.unwrap_or_default();
        assert!(id.starts_with("name: <malformed name 30"), "{id}");
    }

    #[test]
    fn truncated_inputs_are_errors_not_panics() {
        let der = include_bytes!("../../fixtures/revocation/ocsp-response.der");
        for n in 0..der.len() {
            let _ = parse_response(der.get(..n).unwrap());
        }
        let der = include_bytes!("../../fixtures/revocation/ocsp-request.der");
        for n in 0..der.len() {
            let _ = decode_request(der.get(..n).unwrap());
        }
    }
}
