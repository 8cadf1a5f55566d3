//! The walk of a certificate's DER (issue 18) with [`tlv`]: the gate both certificate
//! decodes that skip x509-parser's parse go through, the light one ([`super::cert_light`],
//! for records of names, dates and serials) and the full one (`cert::walk`).
//!
//! It accepts only what it reads exactly (otherwise `None`/`false`, and x509-parser reads
//! the certificate): anything but plain DER (minimal definite lengths, low tag numbers), an
//! element out of place, a version other than 1-3, unique identifiers, a time not in its
//! strict form, a malformed name (also inside the extensions that carry names), a critical
//! flag other than DER's two values. Whatever it accepts, x509-parser accepts too.

use crate::asn1::tlv;
use crate::model::Timestamp;

use super::x509;

/// A certificate's elements as the walk found them: each plain DER and in its place, the
/// serial non-empty, the subject a well-formed Name ([`name`]), the public key and the
/// outer signature algorithm well-formed. What is left to check (the issuer, the
/// validity's times, the extensions, that the two signature algorithms are the same) each
/// caller checks as it reads them.
pub(super) struct Parts<'a> {
    /// The version (1-3).
    pub version: u32,
    /// The serial number INTEGER.
    pub serial: tlv::Tlv<'a>,
    /// The signature AlgorithmIdentifier inside the signed part.
    pub inner_alg: tlv::Tlv<'a>,
    /// The issuer Name (not yet checked).
    pub issuer: tlv::Tlv<'a>,
    /// The Validity SEQUENCE (not yet read).
    pub validity: tlv::Tlv<'a>,
    /// The subject Name.
    pub subject: tlv::Tlv<'a>,
    /// The SubjectPublicKeyInfo.
    pub spki: tlv::Tlv<'a>,
    /// The `[3]` extensions element, when present (not yet checked).
    pub extensions: Option<tlv::Tlv<'a>>,
    /// The outer signature AlgorithmIdentifier.
    pub outer_alg: tlv::Tlv<'a>,
}

/// The walk of `der` (exactly one certificate) to its [`Parts`]; `None` when anything is
/// out of place or not plain DER.
pub(super) fn parts(der: &[u8]) -> Option<Parts<'_>> {
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
    let extensions = match fields.next() {
        Some(exts) => Some(exts.ok().filter(|e| plain(e, 0xa3))?),
        None => None,
    };
    if fields.next().is_some() {
        return None;
    }
    Some(Parts {
        version,
        serial,
        inner_alg,
        issuer,
        validity,
        subject,
        spki,
        extensions,
        outer_alg,
    })
}

/// `Validity ::= SEQUENCE { notBefore Time, notAfter Time }`, both in their strict form.
pub(super) fn validity_times(validity: &tlv::Tlv<'_>) -> Option<(Timestamp, Timestamp)> {
    let mut times = validity.children();
    let not_before = time(times.next()?.ok()?)?;
    let not_after = time(times.next()?.ok()?)?;
    if times.next().is_some() {
        return None;
    }
    Some((not_before, not_after))
}

/// The next element, when it is readable, plain DER and tagged `tag`.
pub(super) fn next<'a>(
    it: &mut impl Iterator<Item = Result<tlv::Tlv<'a>, tlv::TlvError>>,
    tag: u8,
) -> Option<tlv::Tlv<'a>> {
    it.next()?.ok().filter(|t| plain(t, tag))
}

/// Whether `t` is tagged `tag` with a low tag number and a definite length in its shortest
/// form: DER as every parser reads it the same way.
pub(super) fn plain(t: &tlv::Tlv<'_>, tag: u8) -> bool {
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
pub(super) fn oid(t: &tlv::Tlv<'_>) -> bool {
    let v = t.value;
    plain(t, tlv::OID)
        && v.last().is_some_and(|b| b & 0x80 == 0)
        && v.first() != Some(&0x80)
        && !v
            .windows(2)
            .any(|w| matches!(w, [a, 0x80] if a & 0x80 == 0))
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
pub(super) fn algorithm(t: &tlv::Tlv<'_>) -> bool {
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
pub(super) fn bit_string(t: &tlv::Tlv<'_>) -> bool {
    t.value.first() == Some(&0)
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey
/// BIT STRING }`.
pub(super) fn public_key(t: &tlv::Tlv<'_>) -> bool {
    let mut kids = t.children();
    let alg = next(&mut kids, tlv::SEQUENCE);
    let key = next(&mut kids, tlv::BIT_STRING);
    alg.is_some_and(|a| algorithm(&a))
        && key.is_some_and(|k| bit_string(&k))
        && kids.next().is_none()
}

/// A Name of plain DER whose every RDN is a non-empty SET of `SEQUENCE { type OID, value }`
/// with a valid OID and a primitive value: stricter than what the full decode's
/// [`crate::asn1::dn::name_problem`] asks (checked without its messages, which cost an allocation per
/// attribute), so the full decode would find no malformed name.
pub(super) fn name(t: &tlv::Tlv<'_>) -> bool {
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
/// OPTIONAL, extnValue OCTET STRING }` (critical, when written, `0xff` or `0x00`), with no
/// malformed directory name in the extensions that carry names: whether all are, each
/// given to `seen` (OID content, critical, value content) until it answers `false`.
pub(super) fn each_extension<'a>(
    t: &tlv::Tlv<'a>,
    mut seen: impl FnMut(&'a [u8], bool, &'a [u8]) -> bool,
) -> bool {
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
        let mut critical = false;
        if value.tag == 0x01 {
            // critical BOOLEAN, then the value. Only the two DER values: x509-parser reads
            // any other octet as BER, which this walk does not try to match.
            match value.value {
                [0xff] => critical = true,
                [0x00] => {}
                _ => return false,
            }
            if !plain(&value, 0x01) {
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
            && seen(o.value, critical, value.value)
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
pub(super) fn carries_names(oid: &[u8]) -> bool {
    match oid {
        [0x55, 0x1d, n] => matches!(n, 17 | 18 | 28 | 29 | 30 | 31 | 35 | 46),
        [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, n] => matches!(n, 0x01 | 0x0b),
        _ => false,
    }
}

/// 1.2.840.113549.1.1.10 (id-RSASSA-PSS) content octets.
pub(super) const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];

pub(super) fn name_problem(oid: &[u8], value: &[u8]) -> bool {
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
pub(super) fn time(t: tlv::Tlv<'_>) -> Option<Timestamp> {
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
    use crate::asn1::oids;

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
        assert!(parts(&[0x30, 0x00]).is_none());
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
