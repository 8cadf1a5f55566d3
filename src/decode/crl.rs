//! Certificate revocation lists (RFC 5280 §5).
//!
//! CRLs reach a million entries (43 MB of DER). x509-parser materialises every entry, which
//! costs hundreds of MB there, so the CRL is walked with the bounded TLV reader instead: the
//! header fields are decoded at once (extensions through x509-parser's extension parser), the
//! entries are validated and counted in one pass, and their bytes are kept so that renderers
//! can iterate them lazily ([`RevokedList`]) without ever holding them all decoded.

use x509_parser::extensions::X509Extension;
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;

use crate::asn1::oids;
use crate::asn1::tlv::{self, Tlv};
use crate::model::{Crl, ExtValue, Revoked, RevokedList};

use super::{cert, x509};

/// A decoded CRL and the fields of it that could not be read.
pub struct Decoded {
    /// The model.
    pub crl: Crl,
    /// Fields that could not be read (a malformed issuer name, a malformed directory name
    /// in an extension or an entry's certificateIssuer), each in words with its byte
    /// offset; the model holds everything else.
    pub field_errors: Vec<String>,
}

/// At most this many entries' malformed certificateIssuer names are listed one by one
/// (a hostile CRL can have a million); the rest are counted.
const ENTRY_ERRORS_LISTED: usize = 10;

/// Decodes a DER CRL (entries copied out of `der` for lazy decoding).
pub fn decode(der: &[u8]) -> Result<Decoded, String> {
    decode_shared(&std::sync::Arc::from(der))
}

/// Decodes a DER CRL whose bytes are shared with the item, so the entries are not copied.
pub fn decode_shared(shared: &std::sync::Arc<[u8]>) -> Result<Decoded, String> {
    let der: &[u8] = shared;
    let (list, rest) = tlv::read(der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the CRL", rest.len()));
    }
    let mut parts = list.children();
    let tbs = next(&mut parts, tlv::SEQUENCE, "tbsCertList")?;
    let sig_alg = next(&mut parts, tlv::SEQUENCE, "signatureAlgorithm")?;
    next(&mut parts, tlv::BIT_STRING, "signature")?;
    let sig_oid = algorithm_oid(&sig_alg)?;
    let sig = x509::signature_info(der);

    let mut fields = tbs.children().peekable();
    let mut version = 1;
    if let Some(Ok(v)) = fields.peek() {
        if v.tag == tlv::INTEGER {
            version = u32::from(v.value.first().copied().unwrap_or(0)) + 1;
            fields.next();
        }
    }
    next(&mut fields, tlv::SEQUENCE, "signature")?;
    let issuer = next(&mut fields, tlv::SEQUENCE, "issuer")?;
    let this_update = time(&next_any(&mut fields, "thisUpdate")?)?;
    let mut next_update = None;
    let mut revoked = RevokedList::default();
    let mut extensions = Vec::new();
    let mut field_errors = Vec::new();
    let (issuer, issuer_rdns) = cert::name_field(der, "issuer", issuer.raw, &mut field_errors);
    for field in fields {
        let field = field.map_err(|e| e.to_string())?;
        match field.tag {
            tlv::UTC_TIME | tlv::GENERALIZED_TIME if next_update.is_none() => {
                next_update = Some(time(&field)?)
            }
            tlv::SEQUENCE => revoked = entries(shared, &field, &mut field_errors)?,
            0xa0 => extensions = crl_extensions(der, &field, &mut field_errors)?,
            other => {
                return Err(format!(
                    "unexpected field (tag {other:#04x}) in tbsCertList"
                ))
            }
        }
    }
    let crl_number = extensions.iter().find_map(|e| match &*e.value {
        ExtValue::Text(t) if e.oid == "2.5.29.20" => Some(t.text.clone()),
        _ => None,
    });
    let base_crl_number = extensions.iter().find_map(|e| match &*e.value {
        ExtValue::Text(t) if e.oid == "2.5.29.27" => Some(t.text.clone()),
        _ => None,
    });
    let authority_key_id = extensions.iter().find_map(|e| match &*e.value {
        ExtValue::AuthorityKeyId(a) => a.key_id.clone(),
        _ => None,
    });
    let crl = Crl {
        version,
        issuer,
        issuer_rdns,
        this_update,
        next_update,
        crl_number,
        base_crl_number,
        authority_key_id,
        signature_algorithm: x509::signature_name(&sig_oid),
        signature_pss: sig.pss,
        inner_signature_algorithm: sig.inner,
        extensions,
        revoked_count: revoked.len(),
        revoked,
    };
    Ok(Decoded { crl, field_errors })
}

fn next<'a>(
    it: &mut impl Iterator<Item = Result<Tlv<'a>, tlv::TlvError>>,
    tag: u8,
    what: &str,
) -> Result<Tlv<'a>, String> {
    match it.next() {
        Some(Ok(t)) if t.tag == tag => Ok(t),
        Some(Ok(t)) => Err(format!("{what}: unexpected tag {:#04x}", t.tag)),
        Some(Err(e)) => Err(format!("{what}: {e}")),
        None => Err(format!("{what} missing")),
    }
}

fn next_any<'a>(
    it: &mut impl Iterator<Item = Result<Tlv<'a>, tlv::TlvError>>,
    what: &str,
) -> Result<Tlv<'a>, String> {
    match it.next() {
        Some(Ok(t)) => Ok(t),
        Some(Err(e)) => Err(format!("{what}: {e}")),
        None => Err(format!("{what} missing")),
    }
}

fn algorithm_oid(alg: &Tlv<'_>) -> Result<String, String> {
    alg.children()
        .next()
        .and_then(Result::ok)
        .filter(|t| t.tag == tlv::OID)
        .and_then(|t| oids::dotted(t.value))
        .ok_or_else(|| "malformed algorithm identifier".to_string())
}

fn time(t: &Tlv<'_>) -> Result<crate::model::Timestamp, String> {
    asn1_time(t).map(x509::time)
}

/// Reads a time without making the model's text of it (validation needs only the check).
fn asn1_time(t: &Tlv<'_>) -> Result<ASN1Time, String> {
    let (_, parsed) = ASN1Time::from_der(t.raw).map_err(|e| format!("time: {e}"))?;
    Ok(parsed)
}

/// A revocationDate: its one DER UTCTime form (`YYMMDDHHMMSSZ`) read here, every other
/// form (and any value that form cannot hold) as [`asn1_time`] reads it. Reading a
/// million of them through x509-parser was a tenth of a large CRL's cost.
fn entry_time(t: &Tlv<'_>) -> Result<crate::model::Timestamp, String> {
    match plain_utc_time(t) {
        Some(dt) => Ok(crate::model::Timestamp(dt)),
        None => time(t),
    }
}

/// `YYMMDDHHMMSSZ` as x509-parser reads it (YY below 50 is 20YY, else 19YY), when every
/// field is in range; `None` for anything else, left to x509-parser.
fn plain_utc_time(t: &Tlv<'_>) -> Option<time::OffsetDateTime> {
    const UTC_TIME: u8 = 0x17;
    let [y1, y2, mo1, mo2, d1, d2, h1, h2, mi1, mi2, s1, s2, b'Z'] = *t.value else {
        return None;
    };
    if t.tag != UTC_TIME {
        return None;
    }
    let two = |a: u8, b: u8| {
        (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
    };
    let yy = two(y1, y2)?;
    let month = time::Month::try_from(two(mo1, mo2)?).ok()?;
    let day = two(d1, d2)?;
    // asn1-rs checks the date with the two-digit year first, then with the full one.
    time::Date::from_calendar_date(i32::from(yy), month, day).ok()?;
    let year = i32::from(yy) + if yy >= 50 { 1900 } else { 2000 };
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let hms = time::Time::from_hms(two(h1, h2)?, two(mi1, mi2)?, two(s1, s2)?).ok()?;
    Some(time::PrimitiveDateTime::new(date, hms).assume_utc())
}

fn crl_extensions(
    der: &[u8],
    explicit: &Tlv<'_>,
    errors: &mut Vec<String>,
) -> Result<Vec<crate::model::Extension>, String> {
    let (seq, _) = tlv::read(explicit.value).map_err(|e| format!("crlExtensions: {e}"))?;
    let mut parsed = Vec::new();
    for ext in seq.children() {
        let ext = ext.map_err(|e| format!("crlExtensions: {e}"))?;
        let (_, e) = X509Extension::from_der(ext.raw).map_err(|e| format!("extension: {e}"))?;
        parsed.push(e);
    }
    errors.extend(x509::extension_name_errors(der, &parsed));
    Ok(x509::extensions(&parsed))
}

/// Validates every entry once (so iterating later cannot fail) and keeps where they are;
/// a malformed directory name in an entry's certificateIssuer is a field error.
fn entries(
    shared: &std::sync::Arc<[u8]>,
    seq: &Tlv<'_>,
    errors: &mut Vec<String>,
) -> Result<RevokedList, String> {
    let mut count = 0;
    let mut name_errors = 0usize;
    for entry in seq.children() {
        let entry = entry.map_err(|e| format!("revoked entry {count}: {e}"))?;
        // What can make `parse_entry` fail is checked; the entry is not decoded (that is
        // done again whenever the list is iterated).
        let parts = entry_parts(&entry).map_err(|e| format!("revoked entry {count}: {e}"))?;
        for e in entry_name_errors(shared, parts.extensions.as_ref()) {
            if name_errors < ENTRY_ERRORS_LISTED {
                errors.push(format!("revoked entry {count}: {e}"));
            }
            name_errors += 1;
        }
        count += 1;
    }
    if let Some(more) = name_errors
        .checked_sub(ENTRY_ERRORS_LISTED)
        .filter(|n| *n > 0)
    {
        errors.push(format!(
            "{more} more malformed certificateIssuer names in revoked entries"
        ));
    }
    // `seq.value` borrows from `shared`: its offset locates the entries in the shared bytes.
    let start = (seq.value.as_ptr() as usize).saturating_sub(shared.as_ptr() as usize);
    Ok(RevokedList::new(
        shared.clone(),
        start..start + seq.value.len(),
        count,
        |bytes| Box::new(iter_entries(bytes)),
    ))
}

/// The malformed directory names in an entry's certificateIssuer extension. Only that
/// extension is parsed, so that the common entries (a reason code, a date) cost nothing.
fn entry_name_errors(der: &[u8], exts: Option<&Tlv<'_>>) -> Vec<String> {
    const CERTIFICATE_ISSUER: [u8; 3] = [0x55, 0x1d, 0x1d];
    let Some(exts) = exts else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ext in exts.children().filter_map(Result::ok) {
        let is_issuer =
            matches!(ext.children().next(), Some(Ok(o)) if o.value == CERTIFICATE_ISSUER);
        if let (true, Ok((_, parsed))) = (is_issuer, X509Extension::from_der(ext.raw)) {
            out.extend(x509::extension_name_errors(
                der,
                std::slice::from_ref(&parsed),
            ));
        }
    }
    out
}

/// Decodes one entry: `SEQUENCE { userCertificate INTEGER, revocationDate Time,
/// crlEntryExtensions Extensions OPTIONAL }`. `certificate_issuer` is the entry's own
/// certificateIssuer only; [`iter_entries`] carries it to the entries that follow.
fn parse_entry(entry: &Tlv<'_>) -> Result<Revoked, String> {
    let parts = entry_parts(entry)?;
    let mut revoked = Revoked {
        serial: cert::serial_hex(parts.serial.value),
        revocation_date: parts.date,
        reason: None,
        certificate_issuer: None,
        invalidity_date: None,
        extensions: Vec::new(),
    };
    if let Some(exts) = parts.extensions {
        for ext in exts.children() {
            match ext {
                Ok(ext) => {
                    let decoded = entry_extension(&ext, &mut revoked);
                    revoked.extensions.push(decoded);
                }
                // The entry is kept; what cannot be walked is shown, not dropped.
                Err(e) => {
                    revoked.extensions.push(unreadable(
                        None,
                        format!("malformed crlEntryExtensions: {e}"),
                        exts.raw,
                    ));
                    break;
                }
            }
        }
    }
    Ok(revoked)
}

/// An entry's fields, read as far as an entry can fail: everything after them is shown,
/// never an error.
struct EntryParts<'a> {
    serial: Tlv<'a>,
    date: crate::model::Timestamp,
    extensions: Option<Tlv<'a>>,
}

fn entry_parts<'a>(entry: &Tlv<'a>) -> Result<EntryParts<'a>, String> {
    if entry.tag != tlv::SEQUENCE {
        return Err("not a SEQUENCE".to_string());
    }
    let mut kids = entry.children();
    let serial = next(&mut kids, tlv::INTEGER, "serial")?;
    let date = entry_time(&next_any(&mut kids, "revocationDate")?)?;
    let extensions = kids.next().transpose().map_err(|e| e.to_string())?;
    Ok(EntryParts {
        serial,
        date,
        extensions,
    })
}

/// An entry extension that could not be decoded, with the DER it came from.
fn unreadable(oid: Option<&[u8]>, error: String, der: &[u8]) -> crate::model::Extension {
    // No readable OID shows as the empty-OID placeholder, never as a plausible OID.
    let oid = oids::display(oid.unwrap_or(&[]));
    let (oid, name) = x509::extension_names(&oid);
    crate::model::Extension {
        oid,
        name,
        critical: false,
        value: ExtValue::Error(crate::model::ErrorValue {
            error,
            hex: hex::encode(der),
        })
        .into(),
    }
}

/// One entry extension as the model has it; reasonCode, invalidityDate and
/// certificateIssuer also fill their fields of `revoked`. An extension x509-parser cannot
/// read is kept as an error value with its DER, never dropped.
fn entry_extension(ext: &Tlv<'_>, revoked: &mut Revoked) -> crate::model::Extension {
    use x509_parser::extensions::ParsedExtension;
    if let Some(code) = plain_reason_code(ext.raw) {
        let reason = x509::reason_name(code);
        revoked.reason = Some(reason.clone());
        return crate::model::Extension {
            oid: "2.5.29.21".into(),
            name: "cRLReason".into(),
            critical: false,
            value: ExtValue::Text(crate::model::TextValue { text: reason }).into(),
        };
    }
    let parsed = match X509Extension::from_der(ext.raw) {
        Ok((_, parsed)) => parsed,
        Err(e) => {
            let oid = ext
                .children()
                .next()
                .and_then(Result::ok)
                .filter(|t| t.tag == tlv::OID);
            return unreadable(
                oid.map(|t| t.value),
                format!("malformed extension: {e}"),
                ext.raw,
            );
        }
    };
    match parsed.parsed_extension() {
        ParsedExtension::ReasonCode(code) => revoked.reason = Some(x509::reason_name(code.0)),
        ParsedExtension::InvalidityDate(t) => revoked.invalidity_date = Some(x509::time(*t)),
        _ => {}
    }
    let decoded = x509::extensions(std::slice::from_ref(&parsed))
        .pop()
        .unwrap_or_else(|| crate::model::Extension {
            oid: "".into(),
            name: "".into(),
            critical: parsed.critical,
            value: ExtValue::Error(crate::model::ErrorValue {
                error: "not decoded".to_string(),
                hex: hex::encode(parsed.value),
            })
            .into(),
        });
    if decoded.oid == "2.5.29.29" {
        if let ExtValue::Names(names) = &*decoded.value {
            revoked.certificate_issuer = Some(issuer_text(names));
        }
    }
    decoded
}

/// The reason of a reasonCode extension in its one DER form (not critical, an ENUMERATED
/// of one octet that x509-parser accepts: 0..=10), read without x509-parser: in large CRLs
/// most entries carry one, and parsing it generically was most of an entry's cost. Any
/// other form returns `None` and takes the general path, which decodes it the same way.
fn plain_reason_code(raw: &[u8]) -> Option<u8> {
    match *raw {
        [0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, code] if code <= 10 => {
            Some(code)
        }
        _ => None,
    }
}

/// certificateIssuer as one string: its directory name(s) in RFC 4514 (what it nearly
/// always is), any other name as `TYPE:value`.
fn issuer_text(names: &[crate::model::GeneralName]) -> String {
    names
        .iter()
        .map(|n| match &*n.kind {
            "dirname" => n.value.clone(),
            _ => format!("{}:{}", n.label(), n.value),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Iterates the entries of a validated list. Each entry without a certificateIssuer of its
/// own gets the one in force (RFC 5280 §5.3.3: the last one before it in the list).
pub fn iter_entries(bytes: &[u8]) -> impl Iterator<Item = Revoked> + '_ {
    let mut issuer: Option<String> = None;
    tlv::iter(bytes)
        .filter_map(Result::ok)
        .filter_map(|t| parse_entry(&t).ok())
        .map(move |mut r| {
            match &r.certificate_issuer {
                Some(own) => issuer = Some(own.clone()),
                None => r.certificate_issuer.clone_from(&issuer),
            }
            r
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asn1::dn;

    /// The reasonCode shortcut gives what x509-parser's path gives, for every code it takes.
    #[test]
    fn plain_reason_codes_decode_as_the_general_path_does() {
        for code in 0..=12u8 {
            let raw = [
                0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, code,
            ];
            let (_, parsed) = X509Extension::from_der(&raw).unwrap();
            let want = x509::extensions(std::slice::from_ref(&parsed))
                .pop()
                .unwrap();
            let (tlv, _) = tlv::read(&raw).unwrap();
            let mut revoked = Revoked {
                serial: "01".to_string(),
                revocation_date: crate::model::Timestamp::INVALID_END,
                reason: None,
                certificate_issuer: None,
                invalidity_date: None,
                extensions: Vec::new(),
            };
            let got = entry_extension(&tlv, &mut revoked);
            assert_eq!(plain_reason_code(&raw).is_some(), code <= 10);
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&want).unwrap()
            );
            let want_reason = match parsed.parsed_extension() {
                x509_parser::extensions::ParsedExtension::ReasonCode(c) => {
                    Some(x509::reason_name(c.0))
                }
                _ => None,
            };
            assert_eq!(revoked.reason, want_reason);
        }
    }

    /// The UTCTime shortcut reads what x509-parser reads, and leaves it what it might not.
    #[test]
    fn plain_utc_times_read_as_x509_parser_reads_them() {
        for text in [
            "240101000000Z",
            "491231235959Z",
            "500101000000Z",
            "000229120000Z",
            "960229120000Z",
            "970229120000Z",
            "240230000000Z",
            "241301000000Z",
            "240101240000Z",
            "240101235960Z",
            "2401010000Z",
            "240101000000+0100",
            "24010100000aZ",
        ] {
            let mut der = vec![0x17, text.len() as u8];
            der.extend_from_slice(text.as_bytes());
            let (tlv, _) = tlv::read(&der).unwrap();
            let general = time(&tlv).ok();
            match plain_utc_time(&tlv) {
                Some(dt) => assert_eq!(Some(crate::model::Timestamp(dt)), general, "{text}"),
                None => assert!(text.len() != 13 || general.is_none(), "{text}"),
            }
            assert_eq!(entry_time(&tlv).ok(), general, "{text}");
        }
    }

    #[test]
    fn matches_x509_parser() {
        let der = include_bytes!("../../fixtures/crl/intermediate.der");
        let ours = decode(der).unwrap().crl;
        let (_, theirs) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(der).unwrap();
        assert_eq!(
            ours.revoked_count,
            theirs.iter_revoked_certificates().count()
        );
        for (a, b) in ours.revoked.iter().zip(theirs.iter_revoked_certificates()) {
            assert_eq!(a.serial, cert::serial_hex(b.raw_serial()));
            assert_eq!(a.revocation_date.unix(), b.revocation_date.timestamp());
            assert_eq!(
                a.reason,
                b.reason_code().map(|(_, r)| x509::reason_name(r.0))
            );
        }
        assert_eq!(ours.crl_number.as_deref(), Some("16"));
        assert_eq!(
            ours.issuer,
            dn::format_name(theirs.issuer().as_raw()).unwrap()
        );
    }

    /// The DER of a one-block PEM fixture.
    fn pem_der(pem: &str) -> Vec<u8> {
        use base64::Engine as _;
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    }

    fn json(pem: &str) -> serde_json::Value {
        serde_json::to_value(decode(&pem_der(pem)).unwrap().crl).unwrap()
    }

    #[test]
    fn indirect_crl_entries_keep_their_extensions() {
        let v = json(include_str!("../../fixtures/extensions/indirect.crl"));
        let e = &v["revoked"];
        // 01: the CRL issuer's, with its reason and invalidity date.
        assert_eq!(e[0]["certificate_issuer"], serde_json::Value::Null);
        assert_eq!(e[0]["reason"], "keyCompromise");
        assert_eq!(e[0]["invalidity_date"], "2023-12-01T00:00:00Z");
        assert_eq!(e[0]["extensions"][0]["name"], "cRLReason");
        assert_eq!(e[0]["extensions"][1]["name"], "invalidityDate");
        // 02: certificateIssuer switches to Other CA (critical, kept as an extension too).
        assert_eq!(e[1]["certificate_issuer"], "CN=Other CA,O=Example");
        assert_eq!(e[1]["extensions"][0]["name"], "certificateIssuer");
        assert_eq!(e[1]["extensions"][0]["critical"], true);
        assert_eq!(
            e[1]["extensions"][0]["value"][0]["value"],
            "CN=Other CA,O=Example"
        );
        assert_eq!(e[1]["invalidity_date"], serde_json::Value::Null);
        // 03: no extension of its own, still Other CA's (RFC 5280 §5.3.3).
        assert_eq!(e[2]["certificate_issuer"], "CN=Other CA,O=Example");
        assert_eq!(e[2]["extensions"], serde_json::json!([]));
        // 04: back to the CRL issuer, with an unknown critical extension kept.
        assert_eq!(
            e[3]["certificate_issuer"],
            "CN=certscope extensions CA,O=certscope"
        );
        assert_eq!(e[3]["extensions"][1]["oid"], "2.999.20");
        assert_eq!(e[3]["extensions"][1]["critical"], true);
        assert_eq!(e[3]["extensions"][1]["value"]["text"], "entry extension");
    }

    #[test]
    fn issuing_distribution_point() {
        let v = json(include_str!("../../fixtures/extensions/indirect.crl"));
        assert_eq!(v["base_crl_number"], serde_json::Value::Null);
        assert_eq!(
            v["extensions"][1]["value"],
            serde_json::json!({
                "names": [{"type": "uri", "value": "http://crl.example/indirect.crl"}],
                "only_contains_user_certs": false,
                "only_contains_ca_certs": false,
                "only_contains_attribute_certs": false,
                "only_some_reasons": ["keyCompromise", "cACompromise"],
                "indirect_crl": true,
            })
        );
        let v = json(include_str!("../../fixtures/extensions/ca-only.crl"));
        assert_eq!(v["extensions"][1]["value"]["only_contains_ca_certs"], true);
        assert_eq!(v["extensions"][1]["value"]["names"], serde_json::json!([]));
        let v = json(include_str!("../../fixtures/extensions/attribute-only.crl"));
        assert_eq!(
            v["extensions"][1]["value"]["only_contains_attribute_certs"],
            true
        );
    }

    #[test]
    fn delta_crl_is_labelled() {
        let v = json(include_str!("../../fixtures/extensions/delta.crl"));
        assert_eq!(v["base_crl_number"], "7");
        assert_eq!(v["extensions"][1]["name"], "deltaCRLIndicator");
        assert_eq!(
            v["extensions"][1]["value"],
            serde_json::json!({"text": "7"})
        );
        assert_eq!(
            v["extensions"][2]["value"]["names"],
            serde_json::json!([{"type": "relativename", "value": "CN=dp1"}])
        );
        assert_eq!(
            v["extensions"][2]["value"]["only_contains_user_certs"],
            true
        );
        assert_eq!(v["revoked"][0]["reason"], "removeFromCRL");
    }

    /// A CRL (unsigned: decoding does not verify) with one entry whose
    /// crlEntryExtensions content is `exts`.
    fn crl_with_entry_extensions(exts: &[u8]) -> Vec<u8> {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = Vec::new();
            tlv::write_header(&mut out, tag, content.len());
            out.extend_from_slice(content);
            out
        }
        let alg = tlv(0x30, &[0x06, 0x03, 0x2b, 0x65, 0x70]);
        let name = tlv(
            0x30,
            &tlv(
                0x31,
                &tlv(0x30, &[0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'x']),
            ),
        );
        let date = tlv(0x17, b"240101000000Z");
        let entry = tlv(
            0x30,
            &[&[0x02, 0x01, 0x05][..], &date, &tlv(0x30, exts)].concat(),
        );
        let tbs = tlv(
            0x30,
            &[
                &[0x02, 0x01, 0x01][..],
                &alg,
                &name,
                &date,
                &tlv(0x30, &entry),
            ]
            .concat(),
        );
        tlv(0x30, &[&tbs[..], &alg, &[0x03, 0x01, 0x00]].concat())
    }

    #[test]
    fn a_bad_entry_extension_is_shown_not_fatal() {
        // An Extension without its extnValue: the OID is kept, the value is an error.
        let der = crl_with_entry_extensions(&[0x30, 0x05, 0x06, 0x03, 0x55, 0x1d, 0x15]);
        let crl = decode(&der).unwrap().crl;
        let e = crl.revoked.iter().next().unwrap();
        assert_eq!(e.serial, "05");
        assert_eq!(e.extensions.len(), 1);
        assert_eq!(e.extensions[0].oid, "2.5.29.21");
        assert!(matches!(*e.extensions[0].value, ExtValue::Error(_)));
        // crlEntryExtensions cut short inside: the entry stays, with an error extension.
        let der = crl_with_entry_extensions(&[0x30, 0x09, 0x06, 0x03]);
        let crl = decode(&der).unwrap().crl;
        let e = crl.revoked.iter().next().unwrap();
        assert_eq!(e.extensions[0].oid, "<invalid OID: empty>");
        assert!(matches!(*e.extensions[0].value, ExtValue::Error(_)));
    }

    /// The CRL and its field errors, joined.
    fn with_errors(der: &[u8]) -> (Crl, String) {
        let d = decode(der).unwrap();
        (d.crl, d.field_errors.join("; "))
    }

    #[test]
    fn a_malformed_issuer_name_is_a_field_error() {
        let der = include_bytes!("../../fixtures/name-errors/crl-issuer-rdn-not-set.der");
        let (crl, e) = with_errors(der);
        assert!(
            e.starts_with("issuer (at byte ") && e.contains("malformed name: RDN 2: tag 0x30"),
            "{e}"
        );
        // The rest of the CRL, entries included, is still read.
        assert_eq!(crl.issuer, "");
        assert_eq!(crl.revoked_count, 1);
        assert_eq!(crl.revoked.iter().next().unwrap().serial, "05");
        assert!(crl.next_update.is_some());
    }

    #[test]
    fn malformed_directory_names_in_crl_extensions_are_field_errors() {
        let der = include_bytes!("../../fixtures/name-errors/crl-idp-fullname.der");
        let (crl, e) = with_errors(der);
        assert!(
            e.starts_with("issuingDistributionPoint directory name (at byte "),
            "{e}"
        );
        assert!(
            e.contains("malformed name: RDN 2: tag 0x30, not a SET"),
            "{e}"
        );
        let shown = serde_json::to_string(&crl.extensions).unwrap();
        assert!(!shown.contains("\"C=US\""), "{shown}");

        let der = include_bytes!("../../fixtures/name-errors/crl-entry-certificate-issuer.der");
        let (crl, e) = with_errors(der);
        assert!(
            e.starts_with("revoked entry 0: certificateIssuer directory name (at byte "),
            "{e}"
        );
        assert!(
            e.contains("malformed name: RDN 2: tag 0x30, not a SET"),
            "{e}"
        );
        let entry = crl.revoked.iter().next().unwrap();
        assert_eq!(entry.serial, "05");
        let issuer = entry.certificate_issuer.unwrap_or_default();
        assert!(issuer.starts_with("<malformed name "), "{issuer}");
    }

    #[test]
    fn malformed_crls_are_errors() {
        assert!(decode(&[0x30, 0x00]).is_err());
        let der = include_bytes!("../../fixtures/crl/intermediate.der");
        for cut in [10, 100, der.len() - 1] {
            assert!(decode(&der[..cut]).is_err());
        }
    }
}
