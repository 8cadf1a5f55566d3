//! Certificates (RFC 5280 §4.1), including OpenSSL's `TRUSTED CERTIFICATE` aux data.

use x509_parser::certificate::X509CertificateParser;
use x509_parser::nom::Parser;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::asn1::dn;
use crate::asn1::oids;
use crate::asn1::tlv;
use crate::model::{Body, Certificate, ExtValue, Timestamp, TrustInfo};

use super::{cert_cache, cert_walk, spki, x509};

/// The decoded certificate and the DER of its public key.
pub struct Decoded {
    /// The model.
    pub cert: Certificate,
    /// The SubjectPublicKeyInfo DER.
    pub spki: Vec<u8>,
    /// Fields that could not be read, each in words with its byte offset; the model holds
    /// everything else (and stand-ins that say `invalid` for these).
    pub field_errors: Vec<String>,
}

/// Decodes one DER certificate; `der` must hold exactly the certificate.
pub fn decode(der: &[u8]) -> Result<Decoded, String> {
    // Nearly every certificate is plain DER the walk reads exactly: x509-parser's parse
    // (its copies of both names, its allocations) was most of the decode's time.
    // With the caches off (tests only) the decode is x509-parser's deep parse, as before
    // both.
    if walk_enabled() && cert_cache::enabled() {
        if let Some(d) = walk(der) {
            return Ok(d);
        }
    }
    match parser().parse(der) {
        // Parsed once: the parse is most of a certificate's decoding time.
        Ok((rest, cert)) => model(der, rest, &cert),
        // One bad field costs only itself: find it, read the rest around it.
        Err(e) => field_by_field(der).unwrap_or_else(|| Err(x509::parser_error(&e))),
    }
}

/// A certificate whose time values do not parse, read with each bad time replaced by a
/// stand-in; `None` when the failure is elsewhere.
fn field_by_field(der: &[u8]) -> Option<Result<Decoded, String>> {
    let (cert, _) = tlv::read(der).ok()?;
    let mut parts = cert.children();
    let tbs = parts.next()?.ok()?;
    let validity = tbs.children().filter_map(Result::ok).find(|t| {
        t.tag == tlv::SEQUENCE
            && t.children().next().is_some_and(|c| {
                c.is_ok_and(|c| c.tag == tlv::UTC_TIME || c.tag == tlv::GENERALIZED_TIME)
            })
    })?;
    let mut errors = Vec::new();
    let mut bad = [false; 2];
    let mut times = Vec::new();
    for (n, t) in validity.children().take(2).enumerate() {
        let t = t.ok()?;
        let name = if n == 0 { "notBefore" } else { "notAfter" };
        match x509::parse_time(t.tag, t.value) {
            Ok(_) => times.push(t.raw.to_vec()),
            Err(e) => {
                errors.push(format!(
                    "validity {name} (at byte {}): {e}",
                    x509::offset(der, t.raw)
                ));
                if let Some(b) = bad.get_mut(n) {
                    *b = true;
                }
                // A stand-in the parser accepts; the model gets the `invalid` marker.
                times.push(vec![
                    tlv::UTC_TIME,
                    13,
                    b'7',
                    b'0',
                    b'0',
                    b'1',
                    b'0',
                    b'1',
                    b'0',
                    b'0',
                    b'0',
                    b'0',
                    b'0',
                    b'0',
                    b'Z',
                ]);
            }
        }
    }
    if errors.is_empty() {
        return None;
    }
    // Rebuild validity, TBS and certificate with the stand-ins (signature left as it was:
    // the item's DER and thumbprints stay those of the input).
    let mut new_validity = Vec::new();
    tlv::write_header(
        &mut new_validity,
        tlv::SEQUENCE,
        times.iter().map(Vec::len).sum(),
    );
    new_validity.extend(times.concat());
    let mut tbs_body = Vec::new();
    for t in tbs.children() {
        let t = t.ok()?;
        if std::ptr::eq(t.raw.as_ptr(), validity.raw.as_ptr()) {
            tbs_body.extend_from_slice(&new_validity);
        } else {
            tbs_body.extend_from_slice(t.raw);
        }
    }
    let mut body = Vec::new();
    tlv::write_header(&mut body, tlv::SEQUENCE, tbs_body.len());
    body.extend(tbs_body);
    for rest in parts {
        body.extend_from_slice(rest.ok()?.raw);
    }
    let mut repaired = Vec::new();
    tlv::write_header(&mut repaired, tlv::SEQUENCE, body.len());
    repaired.extend(body);
    let mut d = match parse(&repaired) {
        Ok(d) => d,
        Err(_) => return None,
    };
    if bad[0] {
        d.cert.not_before = Timestamp::INVALID_START;
    }
    if bad[1] {
        d.cert.not_after = Timestamp::INVALID_END;
    }
    d.field_errors.extend(errors);
    Some(Ok(d))
}

/// Decodes a certificate x509-parser accepts.
fn parse(der: &[u8]) -> Result<Decoded, String> {
    let (rest, cert) = parser().parse(der).map_err(|e| x509::parser_error(&e))?;
    model(der, rest, &cert)
}

/// x509-parser's certificate parser. With the caches on it leaves each extension's value
/// unparsed (`ParsedExtension::Unparsed`) for [`cert_cache::extensions`], which parses
/// only the values this thread has not seen; the rest of the parse, and so whether it
/// fails and how, is the same either way (a value that does not parse is never an error
/// of the certificate's parse, only `ParsedExtension::ParseError`).
fn parser() -> X509CertificateParser {
    X509CertificateParser::new().with_deep_parse_extensions(!cert_cache::enabled())
}

/// The extensions' models and the field errors for malformed directory names in them.
fn extensions(
    der: &[u8],
    exts: &[x509_parser::extensions::X509Extension<'_>],
) -> Result<(Vec<crate::model::Extension>, Vec<String>), String> {
    if !cert_cache::enabled() {
        return Ok((
            x509::extensions(exts),
            x509::extension_name_errors(der, exts),
        ));
    }
    if let Some(found) = cert_cache::extensions(der, exts) {
        return Ok(found);
    }
    // An extension that did not parse again on its own (not expected): x509-parser's
    // deep parse of the whole certificate answers.
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| x509::parser_error(&e))?;
    let exts = cert.tbs_certificate.extensions();
    Ok((
        x509::extensions(exts),
        x509::extension_name_errors(der, exts),
    ))
}

/// The model of `cert`, parsed from `der` with `rest` left over.
fn model(der: &[u8], rest: &[u8], cert: &X509Certificate<'_>) -> Result<Decoded, String> {
    if !rest.is_empty() {
        return Err(format!("{} bytes after the certificate", rest.len()));
    }
    let tbs = &cert.tbs_certificate;
    let extensions = extensions(der, tbs.extensions())?;
    Ok(assemble(
        der,
        Fields {
            version: tbs.version.0 + 1,
            serial: tbs.raw_serial(),
            issuer: whole_name(der, tbs.issuer.as_raw()),
            subject: whole_name(der, tbs.subject.as_raw()),
            not_before: x509::time(tbs.validity.not_before),
            not_after: x509::time(tbs.validity.not_after),
            spki: tbs.subject_pki.raw,
            key_algorithm: tbs.subject_pki.algorithm.algorithm.as_bytes(),
            signature_algorithm: cert.signature_algorithm.algorithm.as_bytes(),
            algorithms: x509::signature_algorithms(der),
            extensions,
        },
    ))
}

/// The decode of a certificate the walk ([`cert_walk::parts`]) reads exactly, with no
/// x509-parser parse of the certificate: the same model, SPKI and field errors as
/// [`model`] (both are [`assemble`]d from the same fields), or `None` when anything is
/// not as the walk expects (then x509-parser reads it). Whatever the walk accepts,
/// x509-parser accepts too ([`cert_walk`]'s module doc), so this is never an answer where
/// the parse would have failed.
fn walk(der: &[u8]) -> Option<Decoded> {
    let p = cert_walk::parts(der)?;
    // Differing signature algorithms and a malformed issuer are the full decode's to
    // report.
    if p.inner_alg.raw != p.outer_alg.raw || !cert_walk::name(&p.issuer) {
        return None;
    }
    let (not_before, not_after) = cert_walk::validity_times(&p.validity)?;
    // Room for a usual certificate's extensions at once (it grew three times).
    let mut exts = Vec::with_capacity(16);
    if let Some(e) = &p.extensions {
        let all = cert_walk::each_extension(e, |oid, critical, value| {
            exts.push((oid, critical, value));
            true
        });
        if !all {
            return None;
        }
    }
    let extensions = cert_cache::walked_extensions(der, &exts)?;
    let key_algorithm = p.spki.children().next()?.ok()?.children().next()?.ok()?;
    let signature_algorithm = p.outer_alg.children().next()?.ok()?;
    let d = assemble(
        der,
        Fields {
            version: p.version,
            serial: p.serial.value,
            issuer: p.issuer.raw,
            subject: p.subject.raw,
            not_before,
            not_after,
            spki: p.spki.raw,
            key_algorithm: key_algorithm.value,
            signature_algorithm: signature_algorithm.value,
            // What `x509::signature_algorithms` finds in a walked certificate: the outer
            // algorithm and the first SEQUENCE of the signed part (a test checks it).
            algorithms: Some((p.outer_alg, Some(p.inner_alg))),
            extensions,
        },
    );
    // Unreadable signature parameters or names are rare: the full decode reports them.
    if !d.field_errors.is_empty() || d.cert.inner_signature_algorithm.is_some() {
        return None;
    }
    Some(d)
}

thread_local! {
    /// Off only in tests, which compare the walk's decode with x509-parser's.
    static WALK: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether [`decode`] tries [`walk`] first (always, outside tests).
fn walk_enabled() -> bool {
    WALK.with(std::cell::Cell::get)
}

/// Turns [`walk`] on or off on this thread.
#[cfg(test)]
pub(super) fn set_walk(on: bool) {
    WALK.with(|w| w.set(on));
}

/// A certificate's fields as either reading of it ([`model`], [`walk`]) finds them.
struct Fields<'a> {
    version: u32,
    /// The serial INTEGER's content octets.
    serial: &'a [u8],
    /// The whole issuer and subject Names (inside `der`).
    issuer: &'a [u8],
    subject: &'a [u8],
    not_before: Timestamp,
    not_after: Timestamp,
    /// The SubjectPublicKeyInfo DER.
    spki: &'a [u8],
    /// The content octets of the key's and the (outer) signature's algorithm OIDs.
    key_algorithm: &'a [u8],
    signature_algorithm: &'a [u8],
    /// [`x509::signature_algorithms`] of the certificate.
    algorithms: Option<(tlv::Tlv<'a>, Option<tlv::Tlv<'a>>)>,
    /// The extensions' models and field errors.
    extensions: (Vec<crate::model::Extension>, Vec<String>),
}

/// The decoded certificate `der` made of its fields.
fn assemble(der: &[u8], f: Fields<'_>) -> Decoded {
    let public_key = spki::describe(f.spki).unwrap_or_else(|_| crate::model::PublicKeyInfo {
        algorithm: oids::display(f.key_algorithm),
        bits: None,
        curve: None,
        pss: None,
    });
    let (extensions, extension_errors) = f.extensions;
    let ski = extensions.iter().find_map(|e| match &*e.value {
        ExtValue::KeyId(k) if e.oid == "2.5.29.14" => Some(k.key_id.clone()),
        _ => None,
    });
    let aki = extensions.iter().find_map(|e| match &*e.value {
        ExtValue::AuthorityKeyId(a) => a.key_id.clone(),
        _ => None,
    });
    let mut field_errors: Vec<String> = Vec::new();
    // A CA's certificates share the issuer: it is kept; the subject is only looked up.
    let (subject, subject_rdns) =
        name_field_with(der, "subject", f.subject, &mut field_errors, |n| {
            cert_cache::name(n, false)
        });
    let (issuer, issuer_rdns) = name_field_with(der, "issuer", f.issuer, &mut field_errors, |n| {
        cert_cache::name(n, true)
    });
    field_errors.extend(extension_errors);
    // Whole names: x509-parser's copies stop at the first bad RDN, so two different
    // malformed names could look equal.
    let names_match = f.subject == f.issuer;
    let self_signed = names_match
        && match (&ski, &aki) {
            (Some(s), Some(a)) => s == a,
            _ => true,
        };
    let (signature_algorithm, sig) = cert_cache::signature(der, f.algorithms, || {
        x509::signature_name(&oids::display(f.signature_algorithm))
    });
    let serial_der_hex = x509::lower_hex(f.serial);
    // A positive serial with no leading zero octet (nearly every one) reads the same both
    // ways: its hex is made once.
    let serial = match f.serial.first() {
        Some(1..=0x7f) => serial_der_hex.clone(),
        _ => serial_hex(f.serial),
    };
    Decoded {
        cert: Certificate {
            version: f.version,
            serial,
            serial_der_hex,
            serial_decimal: serial_decimal(f.serial),
            subject,
            issuer,
            subject_rdns,
            issuer_rdns,
            subject_key_id: ski,
            authority_key_id: aki,
            not_before: f.not_before,
            not_after: f.not_after,
            signature_algorithm,
            signature_pss: sig.pss,
            inner_signature_algorithm: sig.inner,
            public_key,
            extensions,
            self_signed,
            trust: None,
        },
        spki: f.spki.to_vec(),
        field_errors: sig.problem.into_iter().chain(field_errors).collect(),
    }
}

/// A certificate's or request's name field: its string and RDNs, and, when the Name is
/// malformed (x509-parser accepts some that are not), an error naming the field and the
/// byte offset inside `der`, so that it is never silently empty.
pub(super) fn name_field(
    der: &[u8],
    field: &str,
    name: &[u8],
    errors: &mut Vec<String>,
) -> (String, Vec<Vec<dn::NameAttribute>>) {
    name_field_with(der, field, name, errors, dn::read_name)
}

/// [`name_field`] with the whole Name read by `read`.
fn name_field_with<R>(
    der: &[u8],
    field: &str,
    name: &[u8],
    errors: &mut Vec<String>,
    read: impl FnOnce(&[u8]) -> (String, R, Option<(usize, String)>),
) -> (String, R) {
    let start = x509::offset(der, name);
    let whole = whole_name(der, name);
    let (text, rdns, problem) = read(whole);
    if let Some((at, what)) = problem {
        errors.push(format!(
            "{field} (at byte {}): malformed name: {what}",
            start + at
        ));
    }
    (text, rdns)
}

/// The whole Name element x509-parser's copy `name` starts (that copy stops before the
/// first RDN it could not read: it reads RDNs with `many0`), read from `der`.
fn whole_name<'a>(der: &'a [u8], name: &'a [u8]) -> &'a [u8] {
    der.get(x509::offset(der, name)..)
        .and_then(|d| tlv::read(d).ok())
        .map_or(name, |(t, _)| t.raw)
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

// The serial forms live with the other field decoders, which use them too.
pub use super::x509::{serial_decimal, serial_hex};

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
        // Both sides of the 16-octet shortcut.
        let mut max = vec![0x00];
        max.extend([0xff; 16]);
        assert_eq!(
            serial_decimal(&max),
            "340282366920938463463374607431768211455"
        );
        assert_eq!(
            serial_decimal(&[0x01; 17]),
            "341616807575530379006368233343265341697"
        );
        let mut min = vec![0x80];
        min.extend([0x00; 16]);
        assert_eq!(
            serial_decimal(&min),
            "-43556142965880123323311949751266331066368"
        );
        assert_eq!(serial_decimal(&[]), "0");
        assert_eq!(super::x509::lower_hex(&[0x00, 0xab, 0x0f]), "00ab0f");
    }
}

#[cfg(test)]
mod field_error_tests {
    use super::*;

    #[test]
    fn a_bad_time_costs_only_itself() {
        let d = decode(include_bytes!(
            "../../fixtures/field-errors/cert-notafter-month13.der"
        ))
        .unwrap();
        assert_eq!(d.cert.subject, "CN=CMS EC signer");
        assert_eq!(d.cert.serial, "2a");
        assert_eq!(d.cert.not_before.to_string(), "2025-01-01T00:00:00Z");
        assert!(d.cert.not_after.is_invalid());
        assert_eq!(d.cert.extensions.len(), 2);
        let e = d.field_errors.join("; ");
        assert!(
            e.contains("notAfter (at byte 70)") && e.contains("month 13"),
            "{e}"
        );
        let d = decode(include_bytes!(
            "../../fixtures/field-errors/cert-notbefore-garbage.der"
        ))
        .unwrap();
        assert!(d.cert.not_before.is_invalid());
        assert_eq!(d.cert.not_after.to_string(), "2035-01-01T00:00:00Z");
        assert!(d.field_errors[0].contains("GeneralizedTime `2025xx01000000Z`"));
    }

    /// Malformed names x509-parser accepts (it stops at the first bad RDN): each one is a
    /// field error naming the field, the offset and the fault, never a silent empty name.
    #[test]
    fn a_malformed_name_is_a_field_error() {
        let cases: [(&[u8], &str); 7] = [
            (
                include_bytes!("../../fixtures/name-errors/cert-subject-rdn-not-set.der"),
                "subject (at byte 106): malformed name: RDN 2: tag 0x30, not a SET",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-subject-empty-rdn.der"),
                "subject (at byte 106): malformed name: RDN 2: an empty SET",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-subject-atv-three-elements.der"),
                "subject (at byte 108): malformed name: RDN 2, attribute 1: 3 element(s)",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-subject-atv-type-only.der"),
                "subject (at byte 108): malformed name: RDN 2, attribute 1: 1 element(s)",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-subject-type-not-oid.der"),
                "subject (at byte 110): malformed name: RDN 2, attribute 1: type tag 0x02",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-subject-truncated-rdn.der"),
                "subject (at byte 93): malformed name: RDN 2: truncated",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-issuer-truncated-rdn.der"),
                "issuer (at byte 24): malformed name: RDN 2: truncated",
            ),
        ];
        for (der, expected) in cases {
            let d = decode(der).unwrap();
            let e = d.field_errors.join("; ");
            assert!(e.contains(expected), "{expected}: {e}");
            // The rest of the certificate is still read.
            assert_eq!(d.cert.serial, "2a");
        }
    }

    #[test]
    fn malformed_names_that_differ_after_the_bad_rdn_are_not_self_issued() {
        let d = decode(include_bytes!(
            "../../fixtures/name-errors/cert-names-differ-after-bad-rdn.der"
        ))
        .unwrap();
        let e = d.field_errors.join("; ");
        assert!(
            e.contains("subject (at byte ") && e.contains("issuer (at byte "),
            "{e}"
        );
        assert!(!d.cert.self_signed);
    }

    #[test]
    fn a_malformed_directory_name_in_an_extension_is_a_field_error() {
        // Each directory name is C=US then a SEQUENCE where an RDN belongs: x509-parser
        // reads `C=US` and drops the rest, which must never show as the name.
        let cases: [(&[u8], &str); 8] = [
            (
                include_bytes!("../../fixtures/name-errors/cert-san-dirname.der"),
                "subjectAltName",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-ian-dirname.der"),
                "issuerAltName",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-aki-issuer.der"),
                "authorityKeyIdentifier",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-crldp-fullname.der"),
                "cRLDistributionPoints",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-crldp-crlissuer.der"),
                "cRLDistributionPoints",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-freshestcrl-fullname.der"),
                "freshestCRL",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-nc-permitted-dirname.der"),
                "nameConstraints",
            ),
            (
                include_bytes!("../../fixtures/name-errors/cert-nc-excluded-dirname.der"),
                "nameConstraints",
            ),
        ];
        for (der, ext) in cases {
            let d = decode(der).unwrap();
            let e = d.field_errors.join("; ");
            let expected = "directory name (at byte ";
            assert!(e.starts_with(&format!("{ext} ")), "{ext}: {e}");
            assert!(e.contains(expected), "{ext}: {e}");
            assert!(
                e.contains("malformed name: RDN 2: tag 0x30, not a SET"),
                "{ext}: {e}"
            );
            // The rest of the certificate and the extension are still read, and the
            // shortened name is not shown as if it were the name.
            assert_eq!(d.cert.serial, "2a");
            assert_eq!(d.cert.extensions.len(), 1, "{ext}");
            let shown = serde_json::to_string(&d.cert.extensions).unwrap();
            assert!(!shown.contains("\"C=US\""), "{ext}: {shown}");
            assert!(shown.contains("<malformed name "), "{ext}: {shown}");
        }
    }

    #[test]
    fn an_unreadable_certificate_is_described_in_words() {
        let e = decode(&[0x30, 0x03, 0x02, 0x01]).err().unwrap();
        assert!(
            !e.contains("NomError") && !e.contains("Parsing Error"),
            "{e}"
        );
    }
}

/// The walk ([`walk`]) against x509-parser's reading: whenever the walk gives an answer,
/// x509-parser accepts the certificate and the old path gives the same model, SPKI, field
/// errors and rendering.
#[cfg(test)]
mod walk_tests {
    use super::*;
    use crate::decode::{self, cert_cache, Options};
    use crate::model::{Item, Kind, Source};

    /// The model, SPKI and field errors of `der` with the walk on or off, and its JSON
    /// line and text view.
    fn answer(der: &[u8], on: bool) -> (String, String, String) {
        set_walk(on);
        let model = match decode(der) {
            Ok(d) => format!("{:?} {:?} {:?}", d.cert, d.spki, d.field_errors),
            Err(e) => format!("error {e}"),
        };
        let item: Item = decode::certificate_item(
            der,
            Source::File(crate::model::FileSource {
                path: "t.der".into(),
                index: 0,
                line: None,
                container: None,
                key: None,
            }),
            &Options::default(),
        );
        set_walk(true);
        let mut json = Vec::new();
        crate::render::json::JsonlWriter::new(&mut json)
            .item(&item)
            .unwrap();
        let o = crate::render::text::TextOptions {
            now: time::OffsetDateTime::UNIX_EPOCH,
            color: false,
            hashes: Vec::new(),
            all: true,
            width: None,
            name_order: Default::default(),
        };
        let mut text = Vec::new();
        crate::render::text::item(&mut text, &item, true, &o).unwrap();
        (
            model,
            String::from_utf8(json).unwrap(),
            String::from_utf8(text).unwrap(),
        )
    }

    /// Whether the walk read `der`; when it did, that x509-parser accepts it and both
    /// paths agree.
    fn agrees(der: &[u8], what: &str) -> bool {
        if walk(der).is_none() {
            return false;
        }
        let p = cert_walk::parts(der).unwrap();
        assert_eq!(
            x509::signature_algorithms(der),
            Some((p.outer_alg, Some(p.inner_alg))),
            "{what}: the walk's signature algorithms"
        );
        let parsed = parser().parse(der);
        assert!(
            parsed.as_ref().is_ok_and(|(rest, _)| rest.is_empty()),
            "{what}: the walk read what x509-parser does not"
        );
        assert_eq!(answer(der, true), answer(der, false), "{what}");
        true
    }

    #[test]
    fn the_walk_agrees_on_every_fixture_certificate() {
        let certs = cert_cache::fixture_certificates();
        let mut read = 0;
        for c in &certs {
            let der = c.der.as_deref().unwrap_or_default();
            // The item's DER may carry a TRUSTED CERTIFICATE's aux data.
            let der = split_trusted(der).map_or(der, |(d, _)| d);
            read += usize::from(agrees(der, &c.source.locator(true)));
        }
        eprintln!("the walk read {read} of {} certificates", certs.len());
        assert!(read * 2 > certs.len(), "{read} of {}", certs.len());
    }

    /// The elements of `der`: each header's offset and the offset of its length octet.
    fn headers(der: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut stack = vec![der];
        while let Some(part) = stack.pop() {
            let mut rest = part;
            while let Ok((t, after)) = tlv::read(rest) {
                let at = x509::offset(der, t.raw);
                out.push((at, at + 1));
                if t.constructed() && out.len() < 4096 {
                    stack.push(t.value);
                }
                rest = after;
            }
        }
        out
    }

    /// Systematic damage to real certificates: every truncation, single-byte changes at a
    /// sample of positions, every length octet one more and one less, every tag changed.
    #[test]
    fn the_walk_agrees_on_damaged_certificates() {
        let fixtures: [&[u8]; 2] = [
            include_bytes!("../../fixtures/certs/leaf.der"),
            include_bytes!("../../fixtures/certs/root-ca.der"),
        ];
        let mut pem_fixtures = Vec::new();
        for text in [
            &include_bytes!("../../fixtures/certs/ed25519-self.pem")[..],
            include_bytes!("../../fixtures/extensions/misc.pem"),
            include_bytes!("../../fixtures/extensions/policies.pem"),
            include_bytes!("../../fixtures/extensions/ct.pem"),
        ] {
            decode::decode_input("fixture", text, &Options::default(), &mut |e| {
                if let decode::Event::Item(item) = e {
                    if let Some(der) = item.der.filter(|_| item.kind == Kind::Certificate) {
                        pem_fixtures.push(der.to_vec());
                    }
                }
            });
        }
        let mut all: Vec<&[u8]> = fixtures.to_vec();
        all.extend(pem_fixtures.iter().map(Vec::as_slice));
        let (mut tried, mut read) = (0, 0);
        for der in all {
            assert!(agrees(der, "the original"), "the walk reads the original");
            let mut variants: Vec<(String, Vec<u8>)> = Vec::new();
            for n in 0..der.len() {
                variants.push((format!("cut at {n}"), der[..n].to_vec()));
            }
            for at in (0..der.len()).step_by(3) {
                for v in [0x00, 0xff, 0x80, der[at] ^ 0x01, der[at].wrapping_add(1)] {
                    let mut d = der.to_vec();
                    d[at] = v;
                    variants.push((format!("byte {at} = {v:02x}"), d));
                }
            }
            for (tag_at, len_at) in headers(der) {
                for delta in [1u8, 0xff] {
                    let mut d = der.to_vec();
                    d[len_at] = d[len_at].wrapping_add(delta);
                    variants.push((format!("length at {len_at} + {delta}"), d));
                }
                for tag in [
                    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x30,
                    0x31, 0x80, 0x82, 0xa0, 0xa1, 0xa3, 0xa4,
                ] {
                    let mut d = der.to_vec();
                    d[tag_at] = tag;
                    variants.push((format!("tag at {tag_at} = {tag:02x}"), d));
                }
            }
            for (what, d) in variants {
                tried += 1;
                read += usize::from(agrees(&d, &what));
            }
        }
        eprintln!("the walk read {read} of {tried} damaged certificates");
        assert!(read > 100, "{read}");
    }
}
