//! PKCS#10 certification requests (RFC 2986).

use x509_parser::prelude::{FromDer, X509CertificationRequest};

use crate::asn1::dn;
use crate::asn1::oids;
use crate::asn1::tlv;
use crate::model::{Attribute, Csr};

use super::csr_walk::{self, Parts};
use super::{spki, x509};

/// A decoded request: the model, the SPKI DER, and the fields that could not be read.
pub type Decoded = (Csr, Vec<u8>, Vec<String>);

/// Decodes a DER CSR; returns the model, the SPKI DER, and the fields that could not be
/// read (each in words with its byte offset; the model holds everything else).
pub fn decode(der: &[u8]) -> Result<Decoded, String> {
    // Most requests are plain DER: their few fields are found by a walk (the same slices
    // x509-parser would give; see `csr_walk`).
    match csr_walk::walk(der) {
        Some((parts, requests)) => {
            let lists = requests.iter().map(|r| r.extensions.as_slice());
            build(der, der, &parts, lists)
        }
        None => decode_parsed(der),
    }
}

/// [`decode`] by x509-parser's parse of the whole request.
fn decode_parsed(der: &[u8]) -> Result<Decoded, String> {
    // Parsed once: the request handed to [`parse`] is the one just read (the parse is a
    // tenth of a request's decoding besides its signature check).
    match X509CertificationRequest::from_der(der) {
        Ok(parsed) => parse(der, der, parsed),
        // One bad attribute costs only itself: read the request without it.
        Err(e) => field_by_field(der).unwrap_or_else(|| Err(x509::parser_error(&e))),
    }
}

/// Real requests have a handful of attributes; see [`field_by_field`].
const MAX_TRIED_ATTRIBUTES: usize = 64;

/// A request whose attributes do not all parse, read without the bad ones (each named in
/// an error); `None` when the failure is elsewhere.
fn field_by_field(der: &[u8]) -> Option<Result<Decoded, String>> {
    let (outer, _) = tlv::read(der).ok()?;
    let mut parts = outer.children();
    let cri = parts.next()?.ok()?;
    let rest: Vec<&[u8]> = parts
        .map(|p| p.map(|p| p.raw))
        .collect::<Result<_, _>>()
        .ok()?;
    let fields: Vec<tlv::Tlv<'_>> = cri.children().collect::<Result<_, _>>().ok()?;
    let (head, attrs) = match fields.as_slice() {
        [v, s, k] => ([v.raw, s.raw, k.raw], None),
        [v, s, k, a] if a.tag == 0xa0 => ([v.raw, s.raw, k.raw], Some(a)),
        _ => return None,
    };
    let mut errors = Vec::new();
    let mut good: Vec<&[u8]> = Vec::new();
    match attrs {
        None => errors.push(format!(
            "attributes (at byte {}): the required [0] attributes field is missing",
            x509::offset(der, cri.raw) + cri.raw.len()
        )),
        // Each attribute is tried alone (a copy of the request per attribute): a request
        // with more than this many is not read attribute by attribute.
        Some(a) if a.children().count() > MAX_TRIED_ATTRIBUTES => return None,
        Some(a) => {
            for (n, attr) in a.children().enumerate() {
                let attr = attr.ok()?;
                let alone = rebuild(&head, &[attr.raw], &rest);
                match X509CertificationRequest::from_der(&alone) {
                    Ok(_) => good.push(attr.raw),
                    Err(e) => errors.push(format!(
                        "attribute {} (at byte {}): {}",
                        n + 1,
                        x509::offset(der, attr.raw),
                        attribute_problem(&attr).unwrap_or_else(|| x509::parser_error(&e))
                    )),
                }
            }
        }
    }
    if errors.is_empty() {
        return None;
    }
    let repaired = rebuild(&head, &good, &rest);
    let parsed = X509CertificationRequest::from_der(&repaired).ok()?;
    Some(
        parse(&repaired, der, parsed).map(|(mut c, spki, name_errors)| {
            // Every attribute as written, the bad ones included, values as far as they read.
            c.attributes = attrs.map(|a| other_attributes_of(a)).unwrap_or_default();
            errors.extend(name_errors);
            (c, spki, errors)
        }),
    )
}

/// A CertificationRequest with these CertificationRequestInfo fields and attributes.
fn rebuild(head: &[&[u8]; 3], attrs: &[&[u8]], rest: &[&[u8]]) -> Vec<u8> {
    let mut set = Vec::new();
    tlv::write_header(&mut set, 0xa0, attrs.iter().map(|a| a.len()).sum());
    set.extend(attrs.concat());
    let mut cri_body = head.concat();
    cri_body.extend(set);
    let mut body = Vec::new();
    tlv::write_header(&mut body, tlv::SEQUENCE, cri_body.len());
    body.extend(cri_body);
    body.extend(rest.concat());
    let mut out = Vec::new();
    tlv::write_header(&mut out, tlv::SEQUENCE, body.len());
    out.extend(body);
    out
}

/// What is wrong with an attribute, where it can be said better than the parser does.
fn attribute_problem(attr: &tlv::Tlv<'_>) -> Option<String> {
    let mut kids = attr.children().filter_map(Result::ok);
    let oid = oids::display(kids.next()?.value);
    let name = oids::name_or_oid(oids::attribute(&oid), &oid);
    let values = kids.next()?;
    if values.tag != tlv::SET {
        return Some(format!("{name}: the values are not a SET"));
    }
    let Some(first) = values.children().find_map(Result::ok) else {
        return Some(format!(
            "{name}: its value SET is empty (an attribute has at least one value)"
        ));
    };
    if oid == "1.2.840.113549.1.9.7" && dn::decode_string(&first).is_none() {
        return Some(format!(
            "{name}: the value (tag 0x{:02x}) is not a DirectoryString",
            first.tag
        ));
    }
    None
}

/// Decodes `der`, which x509-parser read as `parsed`; the self-signature is checked over
/// `original`, the request as it was given. The subject comes before the attributes, so
/// its offsets in `der` are those in `original`.
fn parse(
    der: &[u8],
    original: &[u8],
    parsed: (&[u8], X509CertificationRequest<'_>),
) -> Result<Decoded, String> {
    let (rest, csr) = parsed;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the request", rest.len()));
    }
    let info = &csr.certification_request_info;
    let parts = Parts {
        version: info.version.0 + 1,
        info: info.raw,
        subject: info.subject.as_raw(),
        spki: info.subject_pki.raw,
        signature_oid: csr.signature_algorithm.algorithm.as_bytes(),
    };
    let lists = info
        .attributes()
        .iter()
        .filter_map(|attr| match attr.parsed_attribute() {
            x509_parser::cri_attributes::ParsedCriAttribute::ExtensionRequest(req) => {
                Some(req.extensions.as_slice())
            }
            _ => None,
        });
    build(der, original, &parts, lists)
}

/// The request's model from its [`Parts`] (slices of `der`) and its requested extension
/// lists: the one place both the walk and x509-parser's parse end, so they say the same.
fn build<'a>(
    der: &[u8],
    original: &[u8],
    parts: &Parts<'_>,
    requests: impl Iterator<Item = &'a [x509_parser::extensions::X509Extension<'a>]>,
) -> Result<Decoded, String> {
    let spki_der = parts.spki.to_vec();
    let public_key = spki::describe(&spki_der).map_err(|e| format!("public key: {e}"))?;
    let mut extensions = Vec::new();
    let mut name_errors = Vec::new();
    for exts in requests {
        extensions.extend(x509::extensions(exts));
        name_errors.extend(x509::extension_name_errors(der, exts));
    }
    let attributes = other_attributes(parts.info);
    let sig_oid = oids::display(parts.signature_oid);
    let self_signature = crate::verify::verify(original, &spki_der).describe();
    let mut errors = Vec::new();
    let (subject, subject_rdns) =
        super::cert::name_field(der, "subject", parts.subject, &mut errors);
    errors.extend(name_errors);
    Ok((
        Csr {
            version: parts.version,
            subject,
            subject_rdns,
            public_key,
            signature_algorithm: x509::signature_name(&sig_oid),
            signature_pss: x509::signature_info(der).pss,
            self_signature,
            extensions,
            attributes,
        },
        spki_der,
        errors,
    ))
}

/// Every attribute but the extension request, read from the raw CertificationRequestInfo:
/// x509-parser keeps only the SET header of attributes it does not know.
fn other_attributes(cri: &[u8]) -> Vec<Attribute> {
    let Ok((seq, _)) = tlv::read(cri) else {
        return Vec::new();
    };
    let Some(Ok(attrs)) = seq.children().find(|c| matches!(c, Ok(t) if t.tag == 0xa0)) else {
        return Vec::new();
    };
    other_attributes_of(&attrs)
}

/// [`other_attributes`] of an attributes `[0]` element.
fn other_attributes_of(attrs: &tlv::Tlv<'_>) -> Vec<Attribute> {
    attrs
        .children()
        .filter_map(Result::ok)
        .filter_map(|attr| {
            let mut kids = attr.children();
            let oid = oids::display(kids.next()?.ok()?.value);
            let values = kids.next()?.ok()?;
            (oid != "1.2.840.113549.1.9.14").then(|| Attribute {
                name: oids::name_or_oid(oids::attribute(&oid), &oid),
                values: attribute_values(&oid, values.raw),
                oid,
            })
        })
        .collect()
}

/// Attribute values: text for strings, hex otherwise. A challengePassword is a secret
/// shared with the CA, so only its length is shown.
fn attribute_values(oid: &str, value: &[u8]) -> Vec<String> {
    let elements: Vec<tlv::Tlv<'_>> = match tlv::read(value) {
        Ok((set, _)) if set.tag == tlv::SET => set.children().filter_map(Result::ok).collect(),
        _ => tlv::iter(value).filter_map(Result::ok).collect(),
    };
    elements
        .iter()
        .map(|t| {
            let text = dn::decode_string(t);
            if oid == "1.2.840.113549.1.9.7" {
                let n = text
                    .as_ref()
                    .map(|s| s.chars().count())
                    .unwrap_or(t.value.len());
                format!("(redacted, {n} characters)")
            } else {
                text.unwrap_or_else(|| hex::encode(t.raw))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request's error text, and that it names no parser internals.
    fn field_errors(der: &[u8]) -> (Csr, String) {
        let (c, _, errors) = decode(der).unwrap();
        let text = errors.join("; ");
        assert!(
            !text.contains("NomError") && !text.contains("Invalid"),
            "{text}"
        );
        (c, text)
    }

    #[test]
    fn one_bad_attribute_costs_only_itself() {
        let (c, e) = field_errors(include_bytes!(
            "../../fixtures/field-errors/csr-empty-attribute-set.der"
        ));
        assert_eq!(c.subject, "CN=field errors,O=certscope,C=US");
        assert_eq!(c.public_key.curve.as_deref(), Some("P-256"));
        assert_eq!(c.attributes.len(), 1);
        assert!(
            e.contains("attribute 1 (at byte 161)") && e.contains("SET is empty"),
            "{e}"
        );
        let (_, e) = field_errors(include_bytes!(
            "../../fixtures/field-errors/csr-empty-extension-request.der"
        ));
        assert!(e.contains("extensionRequest"), "{e}");
        let (c, e) = field_errors(include_bytes!(
            "../../fixtures/field-errors/csr-challenge-invalid.der"
        ));
        assert_eq!(c.attributes[0].name, "challengePassword");
        assert!(e.contains("not a DirectoryString"), "{e}");
        let (c, e) = field_errors(include_bytes!(
            "../../fixtures/field-errors/csr-no-attributes.der"
        ));
        assert!(c.attributes.is_empty());
        assert!(e.contains("attributes field is missing"), "{e}");
    }

    /// A malformed subject x509-parser accepts is a field error, not an empty subject.
    #[test]
    fn a_malformed_subject_is_a_field_error() {
        let (c, e) = field_errors(include_bytes!(
            "../../fixtures/name-errors/request-subject-rdn-not-set.der"
        ));
        assert!(
            e.contains("subject (at byte 24): malformed name: RDN 2: tag 0x30, not a SET"),
            "{e}"
        );
        assert_eq!(c.public_key.curve.as_deref(), Some("P-256"));
        let (_, e) = field_errors(include_bytes!(
            "../../fixtures/name-errors/request-subject-type-not-oid.der"
        ));
        assert!(
            e.contains("subject (at byte 28): malformed name: RDN 2, attribute 1: type tag 0x02"),
            "{e}"
        );
    }

    /// A malformed directory name in a requested extension is a field error too.
    #[test]
    fn a_malformed_directory_name_in_a_requested_extension_is_a_field_error() {
        let (c, e) = field_errors(include_bytes!(
            "../../fixtures/name-errors/request-san-dirname.der"
        ));
        assert!(
            e.contains(
                "subjectAltName directory name (at byte 199): malformed name: RDN 2: tag 0x30"
            ),
            "{e}"
        );
        let shown = serde_json::to_string(&c.extensions).unwrap();
        assert!(
            shown.contains("good.example") && shown.contains("<malformed name "),
            "{shown}"
        );
        assert!(!shown.contains("\"C=US\""), "{shown}");
    }

    #[test]
    fn long_form_lengths_are_read_as_written() {
        let (c, _, errors) = decode(include_bytes!(
            "../../fixtures/field-errors/csr-long-form-lengths.der"
        ))
        .unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(c.attributes[0].values, ["long form"]);
    }

    #[test]
    fn an_unreadable_request_is_described_in_words() {
        let e = decode(&[0x30, 0x03, 0x02, 0x01]).unwrap_err();
        assert!(
            !e.contains("NomError") && !e.contains("Parsing Error"),
            "{e}"
        );
    }

    /// Every request under `fixtures/` (hostile and damaged ones included), as DER.
    fn fixture_requests() -> Vec<(String, Vec<u8>)> {
        crate::decode::fixture_items(crate::model::Kind::Csr)
            .into_iter()
            .filter_map(|item| Some((item.source.locator(true), item.der?.to_vec())))
            .collect()
    }

    /// The model (also as JSON, the renderers' input), SPKI and field errors, or the error.
    fn shown(r: &Result<Decoded, String>) -> String {
        match r {
            Ok((c, spki, errors)) => format!(
                "{c:?} {} {spki:02x?} {errors:?}",
                serde_json::to_string(c).unwrap()
            ),
            Err(e) => format!("error {e}"),
        }
    }

    /// Whenever the walk answers, x509-parser reads the same request without complaint and
    /// the model, field errors and JSON are those of x509-parser's path: every fixture
    /// request, each truncated at every length and with every octet changed three ways.
    #[test]
    fn the_walk_says_what_the_parse_says() {
        let requests = fixture_requests();
        assert!(requests.len() >= 15, "{} requests", requests.len());
        let (mut walked, mut tried) = (0, 0);
        let mut check = |name: &str, der: &[u8]| {
            tried += 1;
            let Some((parts, requests)) = csr_walk::walk(der) else {
                return;
            };
            walked += 1;
            let (rest, parsed) = X509CertificationRequest::from_der(der)
                .unwrap_or_else(|e| panic!("{name}: walked, x509-parser says {e:?}"));
            assert!(rest.is_empty(), "{name}");
            let lists = requests.iter().map(|r| r.extensions.as_slice());
            let by_walk = shown(&build(der, der, &parts, lists));
            let by_parse = shown(&parse(der, der, (rest, parsed)));
            assert_eq!(by_walk, by_parse, "{name}");
            assert_eq!(by_walk, shown(&decode(der)), "{name}");
        };
        for (name, der) in &requests {
            check(name, der);
            for n in 0..der.len() {
                check(&format!("{name} cut at {n}"), &der[..n]);
                for change in [0x01, 0x80, 0xff] {
                    let mut d = der.clone();
                    d[n] ^= change;
                    check(&format!("{name} octet {n} ^ {change:#x}"), &d);
                }
            }
        }
        eprintln!("{} requests; walked {walked} of {tried}", requests.len());
        assert!(walked > requests.len(), "{walked}");
    }
}
