//! SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) to [`PublicKeyInfo`]: algorithm, size, curve.
//!
//! Read with the bounded TLV walker rather than x509-parser so that Ed25519/Ed448 and other
//! algorithms x509-parser reports as unknown still get their names, and so that token
//! objects and derived key halves use the same code.

use crate::model::PublicKeyInfo;
use crate::oids;
use crate::tlv::{self, Tlv};

/// Summarises a DER SubjectPublicKeyInfo.
pub fn describe(spki: &[u8]) -> Result<PublicKeyInfo, String> {
    let (top, _) = tlv::read(spki).map_err(|e| e.to_string())?;
    let kids = top.child_vec().map_err(|e| e.to_string())?;
    let (Some(alg), Some(key)) = (kids.first(), kids.get(1)) else {
        return Err("SubjectPublicKeyInfo needs an algorithm and a key".to_string());
    };
    let alg_kids = alg.child_vec().map_err(|e| e.to_string())?;
    let oid_tlv = alg_kids
        .first()
        .filter(|t| t.tag == tlv::OID)
        .ok_or("algorithm identifier without OID")?;
    let oid = oids::dotted(oid_tlv.value).ok_or("malformed algorithm OID")?;
    let params = alg_kids.get(1);
    // BIT STRING: first octet is the unused-bits count.
    let key_bits = key.value.get(1..).unwrap_or(&[]);
    describe_parts(&oid, params, key_bits)
}

/// Summarises a key from its algorithm OID, parameters and public key bytes.
pub fn describe_parts(
    oid: &str,
    params: Option<&Tlv<'_>>,
    key: &[u8],
) -> Result<PublicKeyInfo, String> {
    let algorithm = oids::key_algorithm(oid)
        .map(str::to_string)
        .unwrap_or_else(|| oid.to_string());
    let mut info = PublicKeyInfo {
        algorithm,
        bits: None,
        curve: None,
    };
    match info.algorithm.as_str() {
        "rsa" | "rsa-pss" => {
            let (seq, _) = tlv::read(key).map_err(|e| format!("RSA key: {e}"))?;
            let modulus = seq
                .children()
                .next()
                .and_then(Result::ok)
                .ok_or("RSA key without modulus")?;
            info.bits = Some(integer_bits(modulus.value));
        }
        "ec" => {
            if let Some(p) = params.filter(|p| p.tag == tlv::OID) {
                let curve_oid = oids::display(p.value);
                match oids::curve(&curve_oid) {
                    Some((name, bits)) => {
                        info.curve = Some(name.to_string());
                        info.bits = Some(bits);
                    }
                    None => info.curve = Some(curve_oid),
                }
            } else {
                info.curve = Some("explicit parameters".to_string());
            }
            if info.bits.is_none() && key.len() > 1 {
                // Uncompressed point: 04 || X || Y.
                info.bits = u32::try_from((key.len() - 1) / 2 * 8).ok();
            }
        }
        "dsa" | "dh" => {
            if let Some(p) = params
                .and_then(|p| p.children().next())
                .and_then(Result::ok)
            {
                info.bits = Some(integer_bits(p.value));
            }
        }
        _ => {}
    }
    Ok(info)
}

/// Bit length of a non-negative DER INTEGER's content octets.
pub fn integer_bits(value: &[u8]) -> u32 {
    let skip = value.iter().take_while(|b| **b == 0).count();
    let rest = value.get(skip..).unwrap_or(&[]);
    match rest.first() {
        None => 0,
        Some(first) => {
            let len = u32::try_from(rest.len()).unwrap_or(u32::MAX / 8);
            (len - 1).saturating_mul(8) + (8 - first.leading_zeros())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits() {
        assert_eq!(integer_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(integer_bits(&[0x01]), 1);
        assert_eq!(integer_bits(&[]), 0);
    }

    #[test]
    fn ed25519() {
        // SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }
        let mut spki = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        spki.extend([7u8; 32]);
        let info = describe(&spki).unwrap();
        assert_eq!(info.algorithm, "ed25519");
        assert_eq!(info.summary(), "Ed25519");
    }
}
