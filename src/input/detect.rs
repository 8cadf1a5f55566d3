//! Finds the format of an input from its bytes, never its name.
//!
//! PEM (also indented, inside a JSON string, or base64 of a whole PEM file as in a Kubernetes
//! secret) or DER, and for DER which structure it is, by looking at the shape of the first
//! few elements with the bounded [`crate::asn1::tlv`] reader.

use std::borrow::Cow;

use base64::Engine as _;

use crate::asn1::tlv::{self, Tlv};
use crate::input::pem;

/// How an input is encoded, after undoing copy-paste wrappings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoding<'a> {
    /// PEM text; `via` names the wrapping that was undone, if any.
    Pem {
        /// The PEM text.
        text: Cow<'a, [u8]>,
        /// `"JSON string"` or `"base64 of a PEM file"` when unwrapped.
        via: Option<&'static str>,
    },
    /// A DER (or BER) structure.
    Der(Cow<'a, [u8]>),
    /// Nothing recognisable.
    Unrecognised,
}

/// Classifies `data`.
pub fn detect(data: &[u8]) -> Encoding<'_> {
    if pem::has_begin(data) {
        if let Some(unescaped) = unescape_json_pem(data) {
            return Encoding::Pem {
                text: Cow::Owned(unescaped),
                via: Some("JSON string"),
            };
        }
        return Encoding::Pem {
            text: Cow::Borrowed(data),
            via: None,
        };
    }
    if looks_like_der(data) {
        return Encoding::Der(Cow::Borrowed(data));
    }
    match decode_whole_base64(data) {
        Some(decoded) => classify_decoded(Cow::Owned(decoded)),
        None => Encoding::Unrecognised,
    }
}

/// As [`detect`], for an input the caller owns: base64 text is decoded in place instead of
/// into a copy, so that it costs its size once (300 MB of base64 text cost 1.19 GB). When
/// the result is [`Encoding::Unrecognised`], `data` may have been changed.
pub fn detect_in_place(data: &mut Vec<u8>) -> Encoding<'_> {
    if pem::has_begin(data) || looks_like_der(data) || !is_base64_text(data) {
        return detect(data);
    }
    data.retain(|b| !b.is_ascii_whitespace());
    if data.len() < 16 {
        return Encoding::Unrecognised;
    }
    // What `decode_whole_base64` accepts: padded when the length allows, else unpadded.
    let engine = if data.len().is_multiple_of(4) {
        base64_simd::STANDARD
    } else {
        base64_simd::STANDARD_NO_PAD
    };
    let len = match engine.decode_inplace(data) {
        Ok(decoded) => decoded.len(),
        Err(_) => return Encoding::Unrecognised,
    };
    data.truncate(len);
    classify_decoded(Cow::Borrowed(data))
}

/// What the base64 of a whole input decoded to: PEM text, DER, or nothing known.
fn classify_decoded(decoded: Cow<'_, [u8]>) -> Encoding<'_> {
    if pem::has_begin(&decoded) {
        return Encoding::Pem {
            text: decoded,
            via: Some("base64 of a PEM file"),
        };
    }
    if looks_like_der(&decoded) && tlv::read(&decoded).is_ok() {
        return Encoding::Der(decoded);
    }
    Encoding::Unrecognised
}

/// Which bytes [`is_base64_text`] accepts.
// Evaluated at compile time: an index out of bounds would fail the build, not a run.
#[allow(clippy::indexing_slicing)]
const fn base64_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] =
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') || b.is_ascii_whitespace();
        i += 1;
    }
    t
}

/// Whether `data` holds only base64 characters and whitespace: checked before anything is
/// copied, so that a sparse file of zeros is not copied whole to find it is not base64.
fn is_base64_text(data: &[u8]) -> bool {
    // A 256-entry table: a 300 MB input is checked at memory speed.
    static TABLE: [bool; 256] = base64_table();
    data.iter()
        .all(|&b| TABLE.get(usize::from(b)).copied().unwrap_or(false))
}

fn looks_like_der(data: &[u8]) -> bool {
    // SEQUENCE (almost everything) or OBJECT IDENTIFIER (EC named-curve parameters).
    matches!(data.first(), Some(0x30) | Some(0x06)) && data.len() >= 2
}

/// A PEM file stored in a JSON string has its BEGIN line followed by a literal `\n`.
fn unescape_json_pem(data: &[u8]) -> Option<Vec<u8>> {
    let begin = data.windows(11).position(|w| w == b"-----BEGIN ")?;
    let after = data.get(begin + 11..)?;
    let close = after.windows(5).position(|w| w == b"-----")?;
    let tail = after.get(close + 5..)?;
    if !(tail.starts_with(b"\\n") || tail.starts_with(b"\\r\\n")) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        if b == b'\\' {
            match data.get(i + 1) {
                Some(b'n') => out.push(b'\n'),
                Some(b'r') => {}
                Some(b't') => out.push(b'\t'),
                Some(b'/') => out.push(b'/'),
                Some(b'\\') => out.push(b'\\'),
                Some(b'"') => out.push(b'"'),
                Some(&other) => {
                    out.push(b'\\');
                    out.push(other);
                }
                None => out.push(b'\\'),
            }
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

fn decode_whole_base64(data: &[u8]) -> Option<Vec<u8>> {
    if !is_base64_text(data) {
        return None;
    }
    let clean: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if clean.len() < 16 {
        return None;
    }
    base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&clean))
        .ok()
}

/// Which structure a DER blob holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerKind {
    /// X.509 Certificate.
    Certificate,
    /// PKCS#10 CertificationRequest.
    Csr,
    /// X.509 CertificateList.
    Crl,
    /// PKCS#8 PrivateKeyInfo / OneAsymmetricKey.
    Pkcs8,
    /// PKCS#8 EncryptedPrivateKeyInfo.
    EncryptedPkcs8,
    /// SubjectPublicKeyInfo.
    Spki,
    /// PKCS#1 RSAPrivateKey.
    RsaPrivate,
    /// PKCS#1 RSAPublicKey.
    RsaPublic,
    /// SEC1 ECPrivateKey.
    EcPrivate,
    /// OpenSSL's DSA private key (six INTEGERs).
    DsaPrivate,
    /// CMS/PKCS#7 ContentInfo.
    Pkcs7,
    /// PKCS#12 PFX.
    Pkcs12,
    /// EC named-curve parameters (a bare OID).
    EcParameters,
    /// OCSPRequest (RFC 6960 §4.1.1).
    OcspRequest,
    /// OCSPResponse (RFC 6960 §4.2.1).
    OcspResponse,
    /// DH parameters (SEQUENCE of two or three INTEGERs, told apart by the PEM label only).
    Unknown,
}

/// Classifies a DER structure by shape; it does not validate it.
pub fn sniff_der(der: &[u8]) -> DerKind {
    let Ok((top, _)) = tlv::read(der) else {
        return DerKind::Unknown;
    };
    if top.tag == tlv::OID {
        return DerKind::EcParameters;
    }
    if top.tag != tlv::SEQUENCE {
        return DerKind::Unknown;
    }
    // The first ten children's tags, on the stack: every key block is sniffed.
    let mut first = None;
    let mut tag_buf = [0u8; 10];
    let mut n = 0;
    for (kid, slot) in top
        .children()
        .take(10)
        .filter_map(Result::ok)
        .zip(&mut tag_buf)
    {
        *slot = kid.tag;
        first = first.or(Some(kid));
        n += 1;
    }
    let kids = first.as_slice();
    let tags = tag_buf.get(..n).unwrap_or_default();
    match tags {
        [tlv::SEQUENCE, tlv::SEQUENCE, tlv::BIT_STRING] => {
            kids.first().map(sniff_tbs).unwrap_or(DerKind::Unknown)
        }
        [tlv::SEQUENCE, tlv::BIT_STRING] => DerKind::Spki,
        // responseStatus ENUMERATED, responseBytes [0].
        [0x0a] | [0x0a, 0xa0] => DerKind::OcspResponse,
        [tlv::SEQUENCE] | [tlv::SEQUENCE, 0xa0] if kids.first().is_some_and(is_tbs_request) => {
            DerKind::OcspRequest
        }
        [tlv::SEQUENCE, tlv::OCTET_STRING] => DerKind::EncryptedPkcs8,
        [tlv::OID, ..] if kids.first().is_some_and(|k| k.value.starts_with(PKCS7_ARC)) => {
            DerKind::Pkcs7
        }
        [tlv::INTEGER, tlv::SEQUENCE, tlv::OCTET_STRING, ..] => DerKind::Pkcs8,
        [tlv::INTEGER, tlv::SEQUENCE, ..] if int_is(kids.first(), 3) => DerKind::Pkcs12,
        [tlv::INTEGER, tlv::OCTET_STRING, ..] if int_is(kids.first(), 1) => DerKind::EcPrivate,
        [tlv::INTEGER, tlv::INTEGER] => DerKind::RsaPublic,
        t if t.len() >= 9 && t.iter().all(|&x| x == tlv::INTEGER) => DerKind::RsaPrivate,
        t if t.len() == 6 && t.iter().all(|&x| x == tlv::INTEGER) => DerKind::DsaPrivate,
        _ => DerKind::Unknown,
    }
}

/// 1.2.840.113549.1.7 (pkcs-7) content octets prefix.
const PKCS7_ARC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/// TBSRequest: optional [0] version and [1] requestorName, then a SEQUENCE of Requests
/// whose first CertID is { AlgorithmIdentifier, OCTET STRING, OCTET STRING, INTEGER }.
fn is_tbs_request(tbs: &Tlv<'_>) -> bool {
    let Some(list) = tbs
        .children()
        .take(3)
        .filter_map(Result::ok)
        .find(|t| t.tag == tlv::SEQUENCE)
    else {
        return false;
    };
    let cert_id = list
        .children()
        .next()
        .and_then(Result::ok)
        .and_then(|req| req.children().next().and_then(Result::ok));
    cert_id.is_some_and(|id| {
        let tags: Vec<u8> = id
            .children()
            .take(5)
            .filter_map(Result::ok)
            .map(|t| t.tag)
            .collect();
        tags == [
            tlv::SEQUENCE,
            tlv::OCTET_STRING,
            tlv::OCTET_STRING,
            tlv::INTEGER,
        ]
    })
}

fn int_is(t: Option<&Tlv<'_>>, v: u8) -> bool {
    t.is_some_and(|t| t.value == [v])
}

fn sniff_tbs(tbs: &Tlv<'_>) -> DerKind {
    let tags: Vec<u8> = tbs
        .children()
        .take(4)
        .filter_map(Result::ok)
        .map(|k| k.tag)
        .collect();
    match tags.as_slice() {
        [0xa0, ..] => DerKind::Certificate,
        [tlv::INTEGER, tlv::SEQUENCE, tlv::SEQUENCE, 0xa0] => DerKind::Csr,
        [tlv::INTEGER, tlv::SEQUENCE, tlv::SEQUENCE, tlv::SEQUENCE] => DerKind::Certificate,
        [tlv::INTEGER, tlv::SEQUENCE, tlv::SEQUENCE, tlv::UTC_TIME | tlv::GENERALIZED_TIME] => {
            DerKind::Crl
        }
        [tlv::SEQUENCE, tlv::SEQUENCE, tlv::UTC_TIME | tlv::GENERALIZED_TIME, ..] => DerKind::Crl,
        [tlv::INTEGER, tlv::SEQUENCE, tlv::SEQUENCE] => DerKind::Csr,
        _ => DerKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escaped_pem_is_unescaped() {
        let s = br#"{"c": "-----BEGIN X-----\nAQID\n-----END X-----\n"}"#;
        match detect(s) {
            Encoding::Pem { text, via } => {
                assert_eq!(via, Some("JSON string"));
                assert!(text.windows(6).any(|w| w == b"\nAQID\n"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn base64_of_pem() {
        let pem = b"-----BEGIN X-----\nAQID\n-----END X-----\n";
        let b64 = base64::engine::general_purpose::STANDARD.encode(pem);
        assert!(matches!(
            detect(b64.as_bytes()),
            Encoding::Pem {
                via: Some("base64 of a PEM file"),
                ..
            }
        ));
    }

    #[test]
    fn garbage_is_unrecognised() {
        assert_eq!(detect(b"hello world, nothing here"), Encoding::Unrecognised);
        assert_eq!(detect(b""), Encoding::Unrecognised);
    }

    #[test]
    fn sniff_shapes() {
        // SEQUENCE { INTEGER 1, INTEGER 2 }
        assert_eq!(
            sniff_der(&[0x30, 0x06, 2, 1, 1, 2, 1, 2]),
            DerKind::RsaPublic
        );
        assert_eq!(sniff_der(&[0x06, 0x01, 0x2a]), DerKind::EcParameters);
        assert_eq!(sniff_der(&[0x30, 0x00]), DerKind::Unknown);
    }

    #[test]
    fn sniff_ocsp() {
        assert_eq!(
            sniff_der(include_bytes!("../../fixtures/revocation/ocsp-request.der")),
            DerKind::OcspRequest
        );
        assert_eq!(
            sniff_der(include_bytes!(
                "../../fixtures/revocation/ocsp-response.der"
            )),
            DerKind::OcspResponse
        );
        // An unsuccessful response is only its status.
        assert_eq!(
            sniff_der(&[0x30, 0x03, 0x0a, 0x01, 0x03]),
            DerKind::OcspResponse
        );
        // SEQUENCE { SEQUENCE {} } is not a request.
        assert_eq!(sniff_der(&[0x30, 0x02, 0x30, 0x00]), DerKind::Unknown);
    }
}
