//! Certificates (RFC 5280 §4.1), including OpenSSL's `TRUSTED CERTIFICATE` aux data.

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::dn;
use crate::model::{Body, Certificate, ExtValue, TrustInfo};
use crate::oids;
use crate::tlv;

use super::{spki, x509};

/// The decoded certificate and the DER of its public key.
pub struct Decoded {
    /// The model.
    pub cert: Certificate,
    /// The SubjectPublicKeyInfo DER.
    pub spki: Vec<u8>,
}

/// Decodes one DER certificate; `der` must hold exactly the certificate.
pub fn decode(der: &[u8]) -> Result<Decoded, String> {
    let (rest, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the certificate", rest.len()));
    }
    let tbs = &cert.tbs_certificate;
    let spki_der = tbs.subject_pki.raw.to_vec();
    let public_key = spki::describe(&spki_der).unwrap_or_else(|_| crate::model::PublicKeyInfo {
        algorithm: x509::oid_text(&tbs.subject_pki.algorithm.algorithm),
        bits: None,
        curve: None,
    });
    let extensions = x509::extensions(tbs.extensions());
    let ski = extensions.iter().find_map(|e| match &e.value {
        ExtValue::KeyId(k) if e.oid == "2.5.29.14" => Some(k.key_id.clone()),
        _ => None,
    });
    let aki = extensions.iter().find_map(|e| match &e.value {
        ExtValue::AuthorityKeyId(a) => a.key_id.clone(),
        _ => None,
    });
    let subject = dn::format_name(tbs.subject.as_raw()).unwrap_or_default();
    let issuer = dn::format_name(tbs.issuer.as_raw()).unwrap_or_default();
    let names_match = tbs.subject.as_raw() == tbs.issuer.as_raw();
    let self_signed = names_match
        && match (&ski, &aki) {
            (Some(s), Some(a)) => s == a,
            _ => true,
        };
    let raw_serial = tbs.raw_serial();
    let sig_oid = x509::oid_text(&cert.signature_algorithm.algorithm);
    Ok(Decoded {
        cert: Certificate {
            version: tbs.version.0 + 1,
            serial: serial_hex(raw_serial),
            serial_der_hex: hex::encode(raw_serial),
            serial_decimal: serial_decimal(raw_serial),
            subject,
            issuer,
            subject_key_id: ski,
            authority_key_id: aki,
            not_before: x509::time(tbs.validity.not_before),
            not_after: x509::time(tbs.validity.not_after),
            signature_algorithm: x509::signature_name(&sig_oid),
            public_key,
            extensions,
            self_signed,
            trust: None,
        },
        spki: spki_der,
    })
}

/// The subject (RFC 4514) and SubjectPublicKeyInfo DER of a certificate, found by walking
/// the DER to those two fields: no signature, extension or time is parsed. For thumbprints.
pub fn brief(der: &[u8]) -> Option<(String, &[u8])> {
    let mut fields = tlv::tbs_fields(der)?;
    // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    let subject = fields.nth(4)?;
    let spki = fields.next()?;
    if subject.tag != tlv::SEQUENCE || spki.tag != tlv::SEQUENCE {
        return None;
    }
    Some((dn::format_name_tlv(&subject)?, spki.raw))
}

/// Splits a `TRUSTED CERTIFICATE` payload into the certificate DER and its aux data.
pub fn split_trusted(der: &[u8]) -> Result<(&[u8], Option<TrustInfo>), String> {
    let (cert, rest) = tlv::read(der).map_err(|e| e.to_string())?;
    if rest.is_empty() {
        return Ok((cert.raw, None));
    }
    Ok((cert.raw, Some(trust_info(rest)?)))
}

/// X509_CERT_AUX ::= SEQUENCE { trust SEQUENCE OF OID OPTIONAL, reject [0] SEQUENCE OF OID
/// OPTIONAL, alias UTF8String OPTIONAL, keyid OCTET STRING OPTIONAL, other [1] ... }
fn trust_info(aux: &[u8]) -> Result<TrustInfo, String> {
    let (seq, _) = tlv::read(aux).map_err(|e| format!("trust data: {e}"))?;
    let mut info = TrustInfo::default();
    for child in seq.children() {
        let child = child.map_err(|e| format!("trust data: {e}"))?;
        match child.tag {
            tlv::SEQUENCE => info.trusted_for = purpose_list(&child),
            0xa0 => info.rejected_for = purpose_list(&child),
            0x0c => info.alias = dn::decode_string(&child),
            tlv::OCTET_STRING => info.key_id = Some(hex::encode(child.value)),
            _ => {}
        }
    }
    Ok(info)
}

fn purpose_list(t: &tlv::Tlv<'_>) -> Vec<String> {
    t.children()
        .filter_map(Result::ok)
        .map(|o| match o.tag {
            tlv::OID => oids::display_name(o.value, oids::extended_key_usage),
            _ => format!("<not an OID: {}>", hex::encode(o.raw)),
        })
        .collect()
}

/// The serial's signed value as lower hex in whole octets, `-` and the magnitude if negative
/// (two's complement), leading zero octets dropped (`00` for zero). The content octets as
/// encoded are `serial_der_hex`: the two differ for a padded positive serial (`0080` is `80`)
/// and for every negative one.
pub fn serial_hex(raw: &[u8]) -> String {
    if raw.first().is_some_and(|b| b & 0x80 != 0) {
        let mag = twos_complement_magnitude(raw);
        return format!("-{}", strip_hex(&mag));
    }
    strip_hex(raw)
}

fn strip_hex(raw: &[u8]) -> String {
    let skip = raw.iter().take_while(|b| **b == 0).count();
    let s = hex::encode(raw.get(skip..).unwrap_or(&[]));
    if s.is_empty() {
        "00".to_string()
    } else {
        s
    }
}

fn twos_complement_magnitude(raw: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = raw.iter().map(|b| !b).collect();
    for b in v.iter_mut().rev() {
        let (sum, carry) = b.overflowing_add(1);
        *b = sum;
        if !carry {
            break;
        }
    }
    v
}

/// Serial in decimal (arbitrary length), `-` prefixed if negative.
pub fn serial_decimal(raw: &[u8]) -> String {
    let negative = raw.first().is_some_and(|b| b & 0x80 != 0);
    let mag = if negative {
        twos_complement_magnitude(raw)
    } else {
        raw.to_vec()
    };
    // Repeated division by 10 of a big-endian byte string.
    let mut digits = Vec::new();
    let mut num: Vec<u8> = mag.into_iter().skip_while(|b| *b == 0).collect();
    while !num.is_empty() {
        let mut rem: u32 = 0;
        let mut next = Vec::with_capacity(num.len());
        for b in &num {
            let cur = (rem << 8) | u32::from(*b);
            let q = cur / 10;
            rem = cur % 10;
            if !(next.is_empty() && q == 0) {
                next.push(q as u8);
            }
        }
        digits.push(char::from(b'0' + rem as u8));
        num = next;
    }
    if digits.is_empty() {
        digits.push('0');
    }
    if negative {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

/// Body for a decoded certificate.
pub fn body(c: Certificate) -> Body {
    Body::Certificate(Box::new(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_matches_full_decode() {
        for der in [
            &include_bytes!("../../fixtures/certs/leaf.der")[..],
            &include_bytes!("../../fixtures/certs/root-ca.der")[..],
        ] {
            let full = decode(der).unwrap();
            let (subject, spki) = brief(der).unwrap();
            assert_eq!(subject, full.cert.subject);
            assert_eq!(spki, full.spki.as_slice());
        }
        assert!(brief(&[0x30, 0x00]).is_none());
    }

    #[test]
    fn serials() {
        assert_eq!(serial_hex(&[0x00, 0x80]), "80");
        assert_eq!(serial_decimal(&[0x00, 0x80]), "128");
        assert_eq!(serial_hex(&[0xff]), "-01");
        assert_eq!(serial_decimal(&[0xff]), "-1");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_decimal(&[0x00]), "0");
        assert_eq!(serial_decimal(&[0x10, 0x00]), "4096");
        assert_eq!(
            serial_decimal(&[0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
            "18446744073709551616"
        );
    }
}
