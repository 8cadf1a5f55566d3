//! The light decode of a certificate (issue 18): the fields a JSON record of names, dates
//! and serials shows, read by walking the DER with [`tlv`], without x509-parser's model.
//!
//! The strings come from the functions the full decode uses ([`dn::format_name`],
//! [`x509::parse_time`], the serial forms, [`x509::signature_name`]), so they are the same
//! bytes. What the walk does not read exactly is left to the full decode ([`decode`] returns
//! `None`): anything but plain DER (minimal definite lengths, low tag numbers), an element
//! out of place, a version other than 1-3, unique identifiers, a time not in its strict
//! form, a malformed name (also inside the extensions that carry names), unreadable
//! signature parameters and differing signature algorithms (both an item error or warning
//! in the full decode). Whatever it accepts, x509-parser accepts too, so the full decode
//! would have given no error: the item's `error` and `warnings` are the same either way.

use crate::asn1::{dn, oids, tlv};
use crate::model::{Certificate, PublicKeyInfo, Timestamp};

use super::cert::Decoded;
use super::x509;

/// The record fields ([`crate::render::json::RECORD_FIELDS`]) a light decode gives exactly as
/// the full one: the item's own fields set outside the certificate decode, the `--inventory`
/// fields, and the certificate fields read here. A record asking for anything else (the
/// public key, extensions, key identifiers, `self_signed`, RDNs, relations, warnings) needs
/// the full decode.
pub const FIELDS: &[&str] = &[
    // The item's, filled from the DER and the source whatever the decode.
    "bag",
    "error",
    "fingerprints",
    "kind",
    "label",
    "number",
    "pem",
    "pem_label",
    "protection",
    "source",
    "spki_sha256",
    "token",
    // Set after the decode, from a `TRUSTED CERTIFICATE`'s aux data.
    "trust",
    // `--inventory`'s (days_until_expiry reads not_after).
    "days_until_expiry",
    "file_gid",
    "file_mode",
    "file_mtime",
    "file_uid",
    "host",
    "scanned_at",
    // The certificate's, read here.
    "issuer",
    "not_after",
    "not_before",
    "serial",
    "serial_decimal",
    "serial_der_hex",
    "signature_algorithm",
    "signature_pss",
    "subject",
    "version",
];

/// The certificate in `der` (exactly one certificate), with the [`FIELDS`] filled and the
/// rest left empty; `None` when the full decode must read it.
pub fn decode(der: &[u8]) -> Option<Decoded> {
    let (top, rest) = tlv::read(der).ok()?;
    if !rest.is_empty() || !plain(&top, tlv::SEQUENCE) {
        return None;
    }
    let mut parts = top.children();
    let tbs = next(&mut parts, tlv::SEQUENCE)?;
    let outer_alg = next(&mut parts, tlv::SEQUENCE)?;
    let signature = next(&mut parts, tlv::BIT_STRING)?;
    if parts.next().is_some() || !algorithm(&outer_alg) || !bit_string(&signature) {
        return None;
    }
    let mut fields = tbs.children().peekable();
    let version = match fields.peek() {
        Some(Ok(t)) if t.tag == 0xa0 => {
            let t = next(&mut fields, 0xa0)?;
            match t.raw {
                [_, 3, tlv::INTEGER, 1, v @ 0..=2] => u32::from(*v) + 1,
                _ => return None,
            }
        }
        _ => 1,
    };
    let serial = next(&mut fields, tlv::INTEGER)?;
    let inner_alg = next(&mut fields, tlv::SEQUENCE)?;
    let issuer = next(&mut fields, tlv::SEQUENCE)?;
    let validity = next(&mut fields, tlv::SEQUENCE)?;
    let subject = next(&mut fields, tlv::SEQUENCE)?;
    let spki = next(&mut fields, tlv::SEQUENCE)?;
    if serial.value.is_empty() || !name(&subject) || !public_key(&spki) {
        return None;
    }
    // The issuer (and its checks), the validity and the signature algorithm: read once
    // per thread for a run of certificates that share their bytes.
    let issuer = RECENT.with_borrow_mut(|r| r.issuer.get(issuer.raw, || name_text(&issuer)))?;
    if let Some(exts) = fields.next() {
        let exts = exts.ok()?;
        if !plain(&exts, 0xa3) || !extensions(&exts) {
            return None;
        }
    }
    if fields.next().is_some() {
        return None;
    }
    let (not_before, not_after) =
        RECENT.with_borrow_mut(|r| r.validity.get(validity.raw, || validity_times(&validity)))?;
    // What the full decode turns into an item error or warning (unreadable RSA-PSS
    // parameters, differing signature algorithms) is its to report.
    if inner_alg.raw != outer_alg.raw {
        return None;
    }
    let sig_oid = outer_alg.children().next()?.ok()?;
    let (signature_algorithm, pss) = if sig_oid.value == RSASSA_PSS {
        let sig = x509::signature_info(der);
        if sig.problem.is_some() || sig.inner.is_some() {
            return None;
        }
        (signature_name(&outer_alg)?, sig.pss)
    } else {
        let name = RECENT.with_borrow_mut(|r| {
            r.algorithm
                .get(outer_alg.raw, || signature_name(&outer_alg))
        })?;
        (name, None)
    };
    // A name the formatter cannot write is the full decode's to report, never an empty
    // field here.
    let subject = dn::format_name_tlv(&subject)?;
    Some(Decoded {
        cert: Certificate {
            version,
            serial: x509::serial_hex(serial.value),
            serial_der_hex: hex::encode(serial.value),
            serial_decimal: x509::serial_decimal(serial.value),
            subject,
            issuer,
            subject_rdns: Vec::new(),
            issuer_rdns: Vec::new(),
            subject_key_id: None,
            authority_key_id: None,
            not_before,
            not_after,
            signature_algorithm,
            signature_pss: pss,
            inner_signature_algorithm: None,
            public_key: PublicKeyInfo {
                algorithm: String::new(),
                bits: None,
                curve: None,
                pss: None,
            },
            extensions: Vec::new(),
            self_signed: false,
            trust: None,
        },
        spki: spki.raw.to_vec(),
        field_errors: Vec::new(),
    })
}

/// The issuer, validity and signature algorithm a decoding thread read last, by their DER:
/// the certificates of a bundle mostly share them (one CA, one profile), and reading them
/// (the walk, the checks, the formatting) was a fifth of the light decode.
struct Recent {
    issuer: Last<String>,
    validity: Last<(Timestamp, Timestamp)>,
    algorithm: Last<String>,
}

thread_local! {
    static RECENT: std::cell::RefCell<Recent> = const {
        std::cell::RefCell::new(Recent {
            issuer: Last::new(),
            validity: Last::new(),
            algorithm: Last::new(),
        })
    };
}

/// The value read from the DER seen last, and those bytes: a pure function of them, so
/// the same bytes give the same answer (`None` included) without reading them again.
struct Last<T> {
    der: Vec<u8>,
    value: Option<T>,
}

impl<T: Clone> Last<T> {
    const fn new() -> Last<T> {
        Last {
            der: Vec::new(),
            value: None,
        }
    }

    /// `read()`'s answer for `der`, from the last call when it had the same bytes.
    fn get(&mut self, der: &[u8], read: impl FnOnce() -> Option<T>) -> Option<T> {
        // An empty `der` is never a remembered element (every element has a header).
        if der.is_empty() || self.der != der {
            self.value = read();
            self.der.clear();
            // Large elements are not kept: the cache is for the usual few hundred bytes.
            if der.len() <= 1024 {
                self.der.extend_from_slice(der);
            }
        }
        self.value.clone()
    }
}

/// An issuer or subject Name checked ([`name`]) and formatted.
fn name_text(t: &tlv::Tlv<'_>) -> Option<String> {
    if !name(t) {
        return None;
    }
    dn::format_name_tlv(t)
}

/// `Validity ::= SEQUENCE { notBefore Time, notAfter Time }`, both in their strict form.
fn validity_times(validity: &tlv::Tlv<'_>) -> Option<(Timestamp, Timestamp)> {
    let mut times = validity.children();
    let not_before = time(times.next()?.ok()?)?;
    let not_after = time(times.next()?.ok()?)?;
    if times.next().is_some() {
        return None;
    }
    Some((not_before, not_after))
}

/// A signature AlgorithmIdentifier checked ([`algorithm`]) and named as the full decode
/// names it.
fn signature_name(alg: &tlv::Tlv<'_>) -> Option<String> {
    if !algorithm(alg) {
        return None;
    }
    let oid = alg.children().next()?.ok()?;
    Some(x509::signature_name(&oids::display(oid.value)))
}

/// The next element, when it is readable, plain DER and tagged `tag`.
fn next<'a>(
    it: &mut impl Iterator<Item = Result<tlv::Tlv<'a>, tlv::TlvError>>,
    tag: u8,
) -> Option<tlv::Tlv<'a>> {
    it.next()?.ok().filter(|t| plain(t, tag))
}

/// Whether `t` is tagged `tag` with a low tag number and a definite length in its shortest
/// form: DER as every parser reads it the same way.
fn plain(t: &tlv::Tlv<'_>, tag: u8) -> bool {
    let len = t.value.len();
    let header = if len < 0x80 {
        2
    } else {
        2 + (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    };
    t.tag == tag && tag & 0x1f != 0x1f && !t.indefinite && t.raw.len() == header + len
}

/// An OBJECT IDENTIFIER's content in its one valid encoding: non-empty, no subidentifier
/// padded with a leading 0x80, the last octet ending a subidentifier.
fn oid(t: &tlv::Tlv<'_>) -> bool {
    let v = t.value;
    plain(t, tlv::OID)
        && v.last().is_some_and(|b| b & 0x80 == 0)
        && v.first() != Some(&0x80)
        && !v
            .windows(2)
            .any(|w| matches!(w, [a, 0x80] if a & 0x80 == 0))
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
fn algorithm(t: &tlv::Tlv<'_>) -> bool {
    let mut kids = t.children();
    let Some(Ok(o)) = kids.next() else {
        return false;
    };
    let params_ok = match kids.next() {
        None => true,
        Some(Ok(p)) => plain(&p, p.tag),
        Some(Err(_)) => false,
    };
    oid(&o) && params_ok && kids.next().is_none()
}

/// A BIT STRING with no unused bits (keys and signatures are whole octets).
fn bit_string(t: &tlv::Tlv<'_>) -> bool {
    t.value.first() == Some(&0)
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey
/// BIT STRING }`.
fn public_key(t: &tlv::Tlv<'_>) -> bool {
    let mut kids = t.children();
    let alg = next(&mut kids, tlv::SEQUENCE);
    let key = next(&mut kids, tlv::BIT_STRING);
    alg.is_some_and(|a| algorithm(&a))
        && key.is_some_and(|k| bit_string(&k))
        && kids.next().is_none()
}

/// A Name of plain DER whose every RDN is a non-empty SET of `SEQUENCE { type OID, value }`
/// with a valid OID and a primitive value: stricter than what the full decode's
/// [`dn::name_problem`] asks (checked without its messages, which cost an allocation per
/// attribute), so the full decode would find no malformed name.
fn name(t: &tlv::Tlv<'_>) -> bool {
    t.children().all(|rdn| {
        rdn.is_ok_and(|rdn| {
            plain(&rdn, tlv::SET)
                && !rdn.value.is_empty()
                && rdn.children().all(|atv| {
                    atv.is_ok_and(|atv| {
                        let mut kids = atv.children();
                        plain(&atv, tlv::SEQUENCE)
                            && kids.next().is_some_and(|o| o.is_ok_and(|o| oid(&o)))
                            && kids.next().is_some_and(|v| {
                                v.is_ok_and(|v| plain(&v, v.tag) && !v.constructed())
                            })
                            && kids.next().is_none()
                    })
                })
        })
    })
}

/// `[3] EXPLICIT SEQUENCE OF Extension`, each `SEQUENCE { extnID OID, critical BOOLEAN
/// OPTIONAL, extnValue OCTET STRING }`, with no malformed directory name in the extensions
/// that carry names.
fn extensions(t: &tlv::Tlv<'_>) -> bool {
    let mut outer = t.children();
    let Some(list) = next(&mut outer, tlv::SEQUENCE) else {
        return false;
    };
    if outer.next().is_some() {
        return false;
    }
    list.children().all(|ext| {
        let Some(ext) = ext.ok().filter(|e| plain(e, tlv::SEQUENCE)) else {
            return false;
        };
        let mut kids = ext.children();
        let (Some(Ok(o)), Some(Ok(mut value))) = (kids.next(), kids.next()) else {
            return false;
        };
        if value.tag == 0x01 {
            // critical BOOLEAN, then the value.
            if !plain(&value, 0x01) || value.value.len() != 1 {
                return false;
            }
            match kids.next() {
                Some(Ok(v)) => value = v,
                _ => return false,
            }
        }
        kids.next().is_none()
            && oid(&o)
            && plain(&value, tlv::OCTET_STRING)
            && !name_problem(o.value, value.value)
    })
}

/// The extensions that carry directory names (SAN, IAN, certificate issuer, AKI, CRL
/// distribution points, freshest CRL, issuing distribution point, name constraints; AIA and
/// SIA), whose names the full decode checks: their OIDs' DER and dotted forms.
const NAME_CARRIERS: &[(&[u8], &str)] = &[
    (&[0x55, 0x1d, 17], "2.5.29.17"),
    (&[0x55, 0x1d, 18], "2.5.29.18"),
    (&[0x55, 0x1d, 29], "2.5.29.29"),
    (&[0x55, 0x1d, 35], "2.5.29.35"),
    (&[0x55, 0x1d, 31], "2.5.29.31"),
    (&[0x55, 0x1d, 46], "2.5.29.46"),
    (&[0x55, 0x1d, 28], "2.5.29.28"),
    (&[0x55, 0x1d, 30], "2.5.29.30"),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01],
        "1.3.6.1.5.5.7.1.1",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b],
        "1.3.6.1.5.5.7.1.11",
    ),
];

/// Whether `oid` is one of [`NAME_CARRIERS`], by its octets: asked of every extension, so
/// a match rather than a comparison with each entry.
fn carries_names(oid: &[u8]) -> bool {
    match oid {
        [0x55, 0x1d, n] => matches!(n, 17 | 18 | 28 | 29 | 30 | 31 | 35 | 46),
        [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, n] => matches!(n, 0x01 | 0x0b),
        _ => false,
    }
}

/// 1.2.840.113549.1.1.10 (id-RSASSA-PSS) content octets.
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];

fn name_problem(oid: &[u8], value: &[u8]) -> bool {
    // The full decode finds a problem only in an element tagged [4] (directoryName) or
    // [1] (a distribution point's relative name): a value without either octet has none,
    // and most (URIs, DNS names, key identifiers) are read no further.
    if !carries_names(oid) || memchr::memchr2(0xa4, 0xa1, value).is_none() {
        return false;
    }
    NAME_CARRIERS
        .iter()
        .find(|(der, _)| *der == oid)
        .is_some_and(|(_, dotted)| x509::has_name_problem(dotted, value))
}

/// A validity time in its strict form, read as the full decode's fallback reads it.
fn time(t: tlv::Tlv<'_>) -> Option<Timestamp> {
    let len = match t.tag {
        tlv::UTC_TIME => 13,
        tlv::GENERALIZED_TIME => 15,
        _ => return None,
    };
    if !plain(&t, t.tag) || t.value.len() != len {
        return None;
    }
    x509::parse_time(t.tag, t.value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_der_only() {
        // A short length written in the long form is BER.
        let (t, _) = tlv::read(&[0x30, 0x81, 0x01, 0x05]).unwrap();
        assert!(!plain(&t, tlv::SEQUENCE));
        let (t, _) = tlv::read(&[0x30, 0x01, 0x05]).unwrap();
        assert!(plain(&t, tlv::SEQUENCE));
        let long = [&[0x04, 0x81, 0x80][..], &[0; 0x80]].concat();
        let (t, _) = tlv::read(&long).unwrap();
        assert!(plain(&t, tlv::OCTET_STRING));
        let (t, _) = tlv::read(&[0x06, 0x02, 0x80, 0x01]).unwrap();
        assert!(!oid(&t));
        let (t, _) = tlv::read(&[0x06, 0x02, 0x2a, 0x86]).unwrap();
        assert!(!oid(&t));
        assert!(decode(&[0x30, 0x00]).is_none());
    }

    #[test]
    fn name_carriers_are_named_as_the_full_decode_names_them() {
        for (der, dotted) in NAME_CARRIERS {
            assert_eq!(oids::display(der), *dotted);
        }
        assert_eq!(oids::display(RSASSA_PSS), "1.2.840.113549.1.1.10");
        for n in 0..=0xff {
            for oid in [
                vec![0x55, 0x1d, n],
                vec![0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, n],
            ] {
                let listed = NAME_CARRIERS.iter().any(|(der, _)| *der == oid);
                assert_eq!(carries_names(&oid), listed, "{oid:02x?}");
            }
        }
    }
}
