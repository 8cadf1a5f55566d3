//! SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) to [`PublicKeyInfo`]: algorithm, size, curve.
//!
//! Read with the bounded TLV walker rather than x509-parser so that Ed25519/Ed448 and other
//! algorithms x509-parser reports as unknown still get their names, and so that token
//! objects and derived key halves use the same code.

use super::curves;
use crate::asn1::oids;
use crate::asn1::tlv::{self, Tlv};
use crate::model::PublicKeyInfo;

/// Summarises a DER SubjectPublicKeyInfo.
pub fn describe(spki: &[u8]) -> Result<PublicKeyInfo, String> {
    let (top, _) = tlv::read(spki).map_err(|e| e.to_string())?;
    let (Some(alg), Some(key)) = first_two(&top).map_err(|e| e.to_string())? else {
        return Err("SubjectPublicKeyInfo needs an algorithm and a key".to_string());
    };
    let (oid_tlv, params) = first_two(&alg).map_err(|e| e.to_string())?;
    let oid_tlv = oid_tlv
        .filter(|t| t.tag == tlv::OID)
        .ok_or("algorithm identifier without OID")?;
    let decoded;
    let oid = match common_oid(oid_tlv.value) {
        Some(oid) => oid,
        None => {
            decoded = oids::dotted(oid_tlv.value).ok_or("malformed algorithm OID")?;
            decoded.as_str()
        }
    };
    let params = params.as_ref();
    // BIT STRING: first octet is the unused-bits count.
    let key_bits = key.value.get(1..).unwrap_or(&[]);
    describe_parts(oid, params, key_bits)
}

/// The content octets of the OIDs nearly every SPKI names (RSA, EC and its three NIST
/// curves) with their dotted form, matched without decoding the OID into a `String`:
/// every certificate, key and request is described.
const COMMON_OIDS: &[(&[u8], &str)] = &[
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        "1.2.840.113549.1.1.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        "1.2.840.10045.2.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        "1.2.840.10045.3.1.7",
    ),
    (&[0x2b, 0x81, 0x04, 0x00, 0x22], "1.3.132.0.34"),
    (&[0x2b, 0x81, 0x04, 0x00, 0x23], "1.3.132.0.35"),
];

/// The dotted form of `content` when it is one of [`COMMON_OIDS`].
pub(super) fn common_oid(content: &[u8]) -> Option<&'static str> {
    COMMON_OIDS
        .iter()
        .find(|(octets, _)| *octets == content)
        .map(|(_, dotted)| *dotted)
}

/// The first two children of `t`, after checking every child as [`Tlv::child_vec`] does
/// (the same first error), without collecting them: every certificate, key and CSR is
/// described here.
fn first_two<'a>(t: &Tlv<'a>) -> Result<(Option<Tlv<'a>>, Option<Tlv<'a>>), tlv::TlvError> {
    let mut kids = t.children();
    let first = kids.next().transpose()?;
    let second = kids.next().transpose()?;
    for rest in kids {
        rest?;
    }
    Ok((first, second))
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
        pss: None,
    };
    if info.algorithm == "rsa-pss" {
        // Parameters present restrict the key (RFC 4055 §3.1); absent, it is unrestricted.
        if let Some(p) = params.filter(|p| p.tag == tlv::SEQUENCE) {
            info.pss = Some(Box::new(super::x509::pss_parameters(Some(p))?));
        }
    }
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
            match params {
                Some(p) if p.tag == tlv::OID => {
                    let curve_oid = match common_oid(p.value) {
                        Some(oid) => std::borrow::Cow::Borrowed(oid),
                        None => std::borrow::Cow::Owned(oids::display(p.value)),
                    };
                    match named_curve(&curve_oid) {
                        Some((name, bits)) => {
                            info.curve = Some(name.to_string());
                            info.bits = Some(bits);
                        }
                        None => info.curve = Some(curve_oid.into_owned()),
                    }
                }
                Some(p) if p.tag == tlv::SEQUENCE => {
                    let (curve, bits) = explicit_curve(p);
                    info.curve = Some(curve);
                    info.bits = bits;
                }
                _ => info.curve = Some("implicitly known curve (no parameters)".to_string()),
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

/// A named curve's display name and key size (the bit length of its order): the short
/// names certscope has always used (`P-256`), else OpenSSL's name from the generated table.
pub(crate) fn named_curve(oid: &str) -> Option<(&'static str, u32)> {
    oids::curve(oid).or_else(|| {
        curves::CURVES
            .iter()
            .find(|c| c.oid == oid)
            .map(|c| (c.name, c.bits))
    })
}

/// Explicit ECParameters (RFC 3279 §2.3.5): the named curve they equal when the group
/// (field, a, b, base point, order) matches one of the table, and the order's bit length,
/// which is the key size (P-521's field elements take 66 octets, so the point length would
/// say 528).
fn explicit_curve(params: &Tlv<'_>) -> (String, Option<u32>) {
    let unknown = || "explicit parameters (not a known named curve)".to_string();
    let Ok(kids) = params.child_vec() else {
        return (unknown(), None);
    };
    let (Some(field), Some(curve), Some(base), Some(order)) =
        (kids.get(1), kids.get(2), kids.get(3), kids.get(4))
    else {
        return (unknown(), None);
    };
    let bits = (order.tag == tlv::INTEGER).then(|| integer_bits(order.value));
    let coefficients = curve.child_vec().unwrap_or_default();
    let (Some(a), Some(b)) = (coefficients.first(), coefficients.get(1)) else {
        return (unknown(), bits);
    };
    match explicit_match(field, a, b, base, order) {
        Some(c) => {
            let name = oids::curve(c.oid).map_or(c.name, |(n, _)| n);
            (format!("{name}, explicit parameters"), bits)
        }
        None => (unknown(), bits),
    }
}

/// The named curve whose group explicit ECParameters describe, by its OID (for deriving a
/// public point on it); `None` when the parameters are unreadable or name no known curve.
pub(crate) fn explicit_curve_oid(params: &Tlv<'_>) -> Option<&'static str> {
    let kids = params.child_vec().ok()?;
    let (field, curve, base, order) = (kids.get(1)?, kids.get(2)?, kids.get(3)?, kids.get(4)?);
    let coefficients = curve.child_vec().ok()?;
    let (a, b) = (coefficients.first()?, coefficients.get(1)?);
    explicit_match(field, a, b, base, order).map(|c| c.oid)
}

fn explicit_match(
    field: &Tlv<'_>,
    a: &Tlv<'_>,
    b: &Tlv<'_>,
    base: &Tlv<'_>,
    order: &Tlv<'_>,
) -> Option<&'static curves::Curve> {
    use sha2::{Digest, Sha256};
    let skip = order.value.iter().take_while(|b| **b == 0).count();
    let mut h = Sha256::new();
    h.update(field.raw);
    h.update(a.value);
    h.update(b.value);
    h.update(base.value);
    h.update(order.value.get(skip..).unwrap_or(&[]));
    let digest: [u8; 32] = h.finalize().into();
    curves::CURVES.iter().find(|c| c.params_sha256 == digest)
}

/// The unused-bits count of an SPKI's key BIT STRING (DER requires 0 for every key
/// algorithm); `None` when the SPKI cannot be walked.
pub fn unused_bits(spki: &[u8]) -> Option<u8> {
    let (top, _) = tlv::read(spki).ok()?;
    let key = top.children().nth(1)?.ok()?;
    (key.tag == tlv::BIT_STRING).then(|| key.value.first().copied())?
}

pub use crate::asn1::tlv::integer_bits;

#[cfg(test)]
mod tests {
    use super::*;

    /// The table's dotted forms are what decoding its octets gives, and octets it does
    /// not hold (the same cut or lengthened) are left to the decoder.
    #[test]
    fn common_oids_are_their_decoded_form() {
        for (octets, dotted) in COMMON_OIDS {
            assert_eq!(oids::dotted(octets).as_deref(), Some(*dotted));
            assert_eq!(common_oid(octets), Some(*dotted));
            let cut = octets.get(..octets.len() - 1).unwrap();
            assert_eq!(common_oid(cut), None);
            assert_eq!(common_oid(&[*octets, &[0x01][..]].concat()), None);
        }
    }

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
