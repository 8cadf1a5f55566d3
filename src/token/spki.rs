//! A key object's SubjectPublicKeyInfo, built from its public attributes so that a token
//! public key gets the thumbprints, SPKI pin and PEM a key file gets: `CKA_PUBLIC_KEY_INFO`
//! when the module has it (PKCS#11 2.40), else RSA `CKA_MODULUS` and `CKA_PUBLIC_EXPONENT`,
//! else `CKA_EC_PARAMS` and `CKA_EC_POINT` (EC, Edwards and Montgomery keys). Only public
//! values are ever used; the result is checked by the same SPKI decoder a file's key goes
//! through.

use cryptoki_sys::{CKK_EC, CKK_EC_EDWARDS, CKK_EC_MONTGOMERY, CKK_RSA, CK_ULONG};

use crate::asn1::tlv;
use crate::decode::key;

/// The public attributes of one key object, as read.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PublicParts<'a> {
    /// `CKA_KEY_TYPE`.
    pub(crate) key_type: Option<CK_ULONG>,
    /// `CKA_PUBLIC_KEY_INFO` (the DER SPKI itself).
    pub(crate) public_key_info: Option<&'a [u8]>,
    /// `CKA_MODULUS` (unsigned big-endian).
    pub(crate) modulus: Option<&'a [u8]>,
    /// `CKA_PUBLIC_EXPONENT` (unsigned big-endian).
    pub(crate) exponent: Option<&'a [u8]>,
    /// `CKA_EC_PARAMS`.
    pub(crate) ec_params: Option<&'a [u8]>,
    /// `CKA_EC_POINT` (a DER OCTET STRING, or the raw point some modules give).
    pub(crate) ec_point: Option<&'a [u8]>,
}

/// The DER SubjectPublicKeyInfo, `Ok(None)` when the attributes do not hold a public key
/// (an EC private key has no point), `Err` when they do but do not make a valid one.
pub(crate) fn build(parts: &PublicParts<'_>) -> Result<Option<Vec<u8>>, String> {
    let spki = match parts.public_key_info.filter(|i| !i.is_empty()) {
        Some(info) => info.to_vec(),
        None => match from_parts(parts)? {
            Some(spki) => spki,
            None => return Ok(None),
        },
    };
    key::spki_public(&spki)?;
    Ok(Some(spki))
}

fn from_parts(parts: &PublicParts<'_>) -> Result<Option<Vec<u8>>, String> {
    match parts.key_type {
        Some(CKK_RSA) => {
            let (Some(n), Some(e)) = (parts.modulus, parts.exponent) else {
                return Ok(None);
            };
            let mut body = unsigned_integer(n);
            body.extend(unsigned_integer(e));
            let mut rsa = Vec::with_capacity(body.len() + 4);
            tlv::write_header(&mut rsa, tlv::SEQUENCE, body.len());
            rsa.extend(body);
            Ok(Some(key::build_spki(key::RSA_ALG_ID, &rsa)))
        }
        Some(t @ (CKK_EC | CKK_EC_EDWARDS | CKK_EC_MONTGOMERY)) => {
            let (Some(params), Some(point)) = (parts.ec_params, parts.ec_point) else {
                return Ok(None);
            };
            let alg_id = if t == CKK_EC {
                key::ec_alg_id(params)
            } else {
                curve_alg_id(params)?
            };
            Ok(Some(key::build_spki(&alg_id, unwrap_point(point))))
        }
        _ => Ok(None),
    }
}

/// A DER INTEGER of an unsigned big-endian number (leading zeros dropped, a `00` added
/// before a high bit).
fn unsigned_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let digits = bytes.get(start..).unwrap_or_default();
    let mut value = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|b| b & 0x80 != 0) {
        value.push(0);
    }
    value.extend_from_slice(digits);
    let mut out = Vec::with_capacity(value.len() + 4);
    tlv::write_header(&mut out, tlv::INTEGER, value.len());
    out.extend(value);
    out
}

/// The point inside `CKA_EC_POINT`: PKCS#11 says a DER OCTET STRING, some modules give the
/// raw point. A whole-value OCTET STRING is unwrapped; anything else is taken as it is.
fn unwrap_point(point: &[u8]) -> &[u8] {
    match tlv::read(point) {
        Ok((t, [])) if t.tag == tlv::OCTET_STRING => t.value,
        _ => point,
    }
}

/// AlgorithmIdentifier { OID } of an Edwards or Montgomery key (RFC 8410: no parameters),
/// from `CKA_EC_PARAMS`: the curve's OID, or PKCS#11 3.0's PrintableString curve name.
fn curve_alg_id(params: &[u8]) -> Result<Vec<u8>, String> {
    let oid: Vec<u8> = match tlv::read(params) {
        Ok((t, [])) if t.tag == tlv::OID => params.to_vec(),
        Ok((t, [])) if t.tag == 0x13 => {
            let arc = match t.value {
                b"edwards25519" => 112,
                b"edwards448" => 113,
                b"curve25519" => 110,
                b"curve448" => 111,
                other => {
                    return Err(format!(
                        "unknown curve name {:?} in CKA_EC_PARAMS",
                        String::from_utf8_lossy(other)
                    ))
                }
            };
            vec![0x06, 0x03, 0x2b, 0x65, arc]
        }
        _ => return Err("CKA_EC_PARAMS is neither an OID nor a curve name".to_string()),
    };
    let mut out = Vec::with_capacity(oid.len() + 2);
    tlv::write_header(&mut out, tlv::SEQUENCE, oid.len());
    out.extend(oid);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_unsigned() {
        assert_eq!(unsigned_integer(&[0x01, 0x00, 0x01]), [2, 3, 1, 0, 1]);
        assert_eq!(unsigned_integer(&[0, 0, 0x80]), [2, 2, 0, 0x80]);
        assert_eq!(unsigned_integer(&[]), [2, 1, 0]);
    }

    #[test]
    fn points_are_unwrapped_once() {
        let raw = [4u8, 1, 2, 3];
        assert_eq!(unwrap_point(&[4, 4, 4, 1, 2, 3]), raw);
        // A raw uncompressed point whose length byte does not fit is taken as it is.
        assert_eq!(unwrap_point(&raw), raw);
    }

    #[test]
    fn ed25519_from_curve_name() {
        let params = b"\x13\x0cedwards25519";
        let mut point = vec![0x04, 32];
        point.extend([7u8; 32]);
        let parts = PublicParts {
            key_type: Some(CKK_EC_EDWARDS),
            ec_params: Some(params),
            ec_point: Some(&point),
            ..PublicParts::default()
        };
        let spki = build(&parts).unwrap().unwrap();
        // RFC 8410's Ed25519 SPKI prefix.
        assert_eq!(
            hex::encode(spki.get(..12).unwrap()),
            "302a300506032b6570032100"
        );
        let bad = PublicParts {
            ec_params: Some(b"\x13\x03xyz"),
            ..parts
        };
        assert!(build(&bad).is_err());
    }

    #[test]
    fn nothing_to_build() {
        let parts = PublicParts {
            key_type: Some(CKK_EC),
            ec_params: Some(&[0x06, 0x01, 0x00]),
            ..PublicParts::default()
        };
        assert_eq!(build(&parts), Ok(None));
    }
}
