//! PKCS#7 / CMS (RFC 5652): the certificates and CRLs SignedData carries, and the message
//! itself: SignedData signers (checked against the included certificates), EnvelopedData,
//! EncryptedData and AuthenticatedData recipients and algorithms.
//!
//! Apple, Outlook and EJBCA write BER with indefinite lengths, which RustCrypto `cms`
//! rejects, so the structure is normalised to DER lengths with [`tlv::ber_to_der`] and the
//! two sets are read with the bounded TLV walker. The certificates inside are DER already and
//! come out byte-identical, so their thumbprints are the real ones.

use std::cell::RefCell;
use std::collections::HashMap;

use sha2::Digest as _;

use crate::asn1::oids;
use crate::asn1::tlv::{self, Tlv};
use crate::model::{Cms, Recipient, Signer};
use crate::verify;

/// One thing found inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A certificate, DER.
    Certificate(Vec<u8>),
    /// A CRL, DER.
    Crl(Vec<u8>),
    /// Another CertificateChoices / RevocationInfoChoice alternative (attribute
    /// certificates, OCSP responses): described by what it is and its size.
    Other(&'static str, usize),
    /// An element whose encoding is broken: what is wrong. The elements after it in the
    /// same set cannot be found (its length is what would locate them).
    Malformed(String),
}

/// What a PKCS#7 file holds.
#[derive(Debug, Clone)]
pub struct SignedData {
    /// Certificates and CRLs, in file order.
    pub contents: Vec<Content>,
    /// Number of SignerInfos (0 for a "certs-only" degenerate bundle).
    pub signers: usize,
    /// The message described, unless it is a "certs-only" bundle (SignedData without
    /// signers or content), which is only its certificates and CRLs.
    pub message: Option<Cms>,
    /// Field-level problems of the message (a signer that does not parse, ...), in words.
    pub problems: Vec<String>,
}

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// Reads a ContentInfo: SignedData for its certificates, CRLs and signers; the other CMS
/// content types for a description. One malformed element costs only itself (and the
/// elements after it in its set, which its broken length hides).
pub fn decode(der: &[u8]) -> Result<SignedData, String> {
    // BER is normalised first; an element broken inside (a certificate whose inner lengths
    // overrun) stops that, and then the input is walked as it is: definite lengths still
    // frame each element, and the broken one fails alone when it is decoded.
    let normalised = tlv::ber_to_der(der);
    let data: &[u8] = match &normalised {
        Ok(n) => n,
        Err(_) => der,
    };
    let (ci, _) = tlv::read(data).map_err(|e| format!("PKCS#7: {e}"))?;
    let mut kids = ci.children();
    let oid = kids
        .next()
        .and_then(Result::ok)
        .filter(|t| t.tag == tlv::OID)
        .map(|t| oids::display(t.value))
        .ok_or("PKCS#7: ContentInfo without a content type")?;
    let explicit = kids
        .next()
        .and_then(Result::ok)
        .filter(|t| t.tag == 0xa0)
        .ok_or("PKCS#7: content missing")?;
    let (sd, _) = tlv::read(explicit.value).map_err(|e| format!("PKCS#7: {e}"))?;
    if oid != SIGNED_DATA {
        let mut problems = Vec::new();
        let message = describe_other(&oid, &sd, &mut problems);
        return Ok(SignedData {
            contents: Vec::new(),
            signers: 0,
            message: Some(message),
            problems,
        });
    }
    let mut contents = Vec::new();
    let mut signers = 0;
    let mut signer_infos = None;
    let mut message = Cms {
        content_type: content_type_name(&oid),
        ..Cms::default()
    };
    let mut encap: Option<Encapsulated<'_>> = None;
    for field in sd.children() {
        let field = match field {
            Ok(f) => f,
            Err(e) => {
                contents.push(Content::Malformed(format!("PKCS#7 SignedData: {e}")));
                break;
            }
        };
        match field.tag {
            // certificates [0] IMPLICIT CertificateSet
            0xa0 => {
                for c in field.children() {
                    let c = match c {
                        Ok(c) => c,
                        Err(e) => {
                            contents.push(Content::Malformed(format!("PKCS#7 certificates: {e}")));
                            break;
                        }
                    };
                    contents.push(match c.tag {
                        tlv::SEQUENCE => Content::Certificate(c.raw.to_vec()),
                        0xa1 | 0xa2 => Content::Other("attribute certificate", c.raw.len()),
                        _ => Content::Other("other certificate format", c.raw.len()),
                    });
                }
            }
            // crls [1] IMPLICIT RevocationInfoChoices
            0xa1 => {
                for c in field.children() {
                    let c = match c {
                        Ok(c) => c,
                        Err(e) => {
                            contents.push(Content::Malformed(format!("PKCS#7 CRLs: {e}")));
                            break;
                        }
                    };
                    contents.push(match c.tag {
                        tlv::SEQUENCE => Content::Crl(c.raw.to_vec()),
                        _ => Content::Other("other revocation information", c.raw.len()),
                    });
                }
            }
            tlv::INTEGER => message.version = small_uint(field.value),
            tlv::SET if encap.is_none() => {
                message.digest_algorithms = field
                    .children()
                    .filter_map(Result::ok)
                    .map(|a| algorithm_name(&a))
                    .collect();
            }
            tlv::SEQUENCE if encap.is_none() => encap = Some(encapsulated(&field)),
            tlv::SET => {
                signers = field.children().count();
                signer_infos = Some(field);
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    if let Some(e) = &encap {
        message.inner_content_type = Some(e.content_type.clone());
        message.content_size = e.content.as_ref().map(Vec::len);
    }
    if let Some(set) = signer_infos {
        let known = Known::new(
            contents
                .iter()
                .filter_map(|c| match c {
                    Content::Certificate(d) => Some(d.as_slice()),
                    _ => None,
                })
                .filter_map(cert_ids)
                .collect(),
        );
        for (n, si) in set.children().enumerate() {
            match si {
                Ok(si) => match signer(&si, &known, encap.as_ref()) {
                    Ok(s) => message.signers.push(s),
                    Err(e) => problems.push(format!("signer {}: {e}", n + 1)),
                },
                Err(e) => {
                    problems.push(format!("signer {}: {e}", n + 1));
                    break;
                }
            }
        }
    }
    // A "certs-only" bundle (no signers, no content) is only its certificates and CRLs.
    let certs_only = signers == 0 && encap.as_ref().is_none_or(|e| e.content.is_none());
    let message = (!certs_only).then_some(message);
    Ok(SignedData {
        contents,
        signers,
        message,
        problems,
    })
}

/// SignedData's EncapsulatedContentInfo: its type and content octets, if attached.
struct Encapsulated<'a> {
    content_type: String,
    oid: Option<Tlv<'a>>,
    content: Option<Vec<u8>>,
}

fn encapsulated<'a>(field: &Tlv<'a>) -> Encapsulated<'a> {
    let mut kids = field.children().filter_map(Result::ok);
    let oid = kids.next().filter(|t| t.tag == tlv::OID);
    let content = kids
        .next()
        .filter(|t| t.tag == 0xa0)
        .and_then(|t| tlv::read(t.value).ok())
        .map(|(octets, _)| octet_string(&octets));
    Encapsulated {
        content_type: oid
            .as_ref()
            .map(|o| content_type_name(&oids::display(o.value)))
            .unwrap_or_else(|| "(missing)".to_string()),
        oid,
        content,
    }
}

/// The octets of an OCTET STRING, joined from its segments when BER wrote it constructed.
fn octet_string(t: &Tlv<'_>) -> Vec<u8> {
    if t.constructed() {
        let mut out = Vec::new();
        for seg in t.children().filter_map(Result::ok) {
            out.extend_from_slice(&octet_string_flat(&seg));
        }
        out
    } else {
        t.value.to_vec()
    }
}

/// One segment of a constructed OCTET STRING: primitive in every real encoder; a nested
/// constructed one is read one level further only, which bounds the walk.
fn octet_string_flat(t: &Tlv<'_>) -> Vec<u8> {
    if t.constructed() {
        t.children()
            .filter_map(Result::ok)
            .flat_map(|s| s.value.to_vec())
            .collect()
    } else {
        t.value.to_vec()
    }
}

/// What identifies an included certificate to a SignerInfo.
struct CertIds<'a> {
    issuer: &'a [u8],
    serial: &'a [u8],
    subject: String,
    subject_key_id: Option<&'a [u8]>,
    spki: &'a [u8],
    der: &'a [u8],
}

/// Issuer, serial, subject, key identifier and SPKI of a certificate, by walking its DER
/// (the certificate itself is decoded, and its problems reported, as its own item).
fn cert_ids(der: &[u8]) -> Option<CertIds<'_>> {
    let (cert, _) = tlv::read(der).ok()?;
    let tbs = cert.children().next()?.ok()?;
    let mut kids = tbs.children().filter_map(Result::ok).peekable();
    if kids.peek().is_some_and(|t| t.tag == 0xa0) {
        kids.next();
    }
    let serial = kids.next()?;
    let _sig = kids.next()?;
    let issuer = kids.next()?;
    let _validity = kids.next()?;
    let subject = kids.next()?;
    let spki = kids.next()?;
    let mut subject_key_id = None;
    for t in kids {
        if t.tag != 0xa3 {
            continue;
        }
        let Some(Ok(exts)) = t.children().next() else {
            continue;
        };
        for ext in exts.children().filter_map(Result::ok) {
            let mut e = ext.children().filter_map(Result::ok);
            if e.next().is_some_and(|o| o.value == SKI_OID) {
                subject_key_id = e
                    .find(|v| v.tag == tlv::OCTET_STRING)
                    .and_then(|v| tlv::read(v.value).ok())
                    .map(|(inner, _)| inner.value);
            }
        }
    }
    Some(CertIds {
        issuer: issuer.raw,
        serial: serial.value,
        // The certificate's own item reports a malformed name; here it must not look empty.
        subject: crate::asn1::dn::format_name_tlv(&subject)
            .unwrap_or_else(|| "<malformed name>".to_string()),
        subject_key_id,
        spki: spki.raw,
        der,
    })
}

/// The included certificates indexed by what a signer identifier names, and the content's
/// digests computed so far: many signers cost a lookup and a digest each at most once, not
/// a scan of every certificate and a hash of the whole content per signer.
struct Known<'a> {
    certs: Vec<CertIds<'a>>,
    by_issuer_serial: HashMap<(&'a [u8], &'a [u8]), usize>,
    by_key_id: HashMap<&'a [u8], usize>,
    digests: RefCell<Vec<(String, Option<Vec<u8>>)>>,
}

impl<'a> Known<'a> {
    fn new(certs: Vec<CertIds<'a>>) -> Self {
        let mut by_issuer_serial = HashMap::new();
        let mut by_key_id = HashMap::new();
        for (i, c) in certs.iter().enumerate() {
            by_issuer_serial.entry((c.issuer, c.serial)).or_insert(i);
            if let Some(k) = c.subject_key_id {
                by_key_id.entry(k).or_insert(i);
            }
        }
        Known {
            certs,
            by_issuer_serial,
            by_key_id,
            digests: RefCell::new(Vec::new()),
        }
    }

    /// The digest of `content` with `oid`, computed once per algorithm.
    fn digest(&self, oid: &str, content: &[u8]) -> Option<Vec<u8>> {
        let mut cache = self.digests.borrow_mut();
        if let Some((_, d)) = cache.iter().find(|(o, _)| o == oid) {
            return d.clone();
        }
        let d = digest(Some(oid), content);
        cache.push((oid.to_string(), d.clone()));
        d
    }
}

/// 2.5.29.14, subjectKeyIdentifier.
const SKI_OID: &[u8] = &[0x55, 0x1d, 0x0e];
const ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const ATTR_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";

/// One SignerInfo (RFC 5652 §5.3), its certificate found among `certs`.
fn signer(
    si: &Tlv<'_>,
    known: &Known<'_>,
    encap: Option<&Encapsulated<'_>>,
) -> Result<Signer, String> {
    let mut kids = si.children();
    let mut next = |what: &str| -> Result<Tlv<'_>, String> {
        kids.next()
            .ok_or_else(|| format!("{what} missing"))?
            .map_err(|e| format!("{what}: {e}"))
    };
    let version = next("version")?;
    let mut out = Signer {
        version: small_uint(version.value),
        ..Signer::default()
    };
    let sid = next("signer identifier")?;
    let cert = match sid.tag {
        tlv::SEQUENCE => {
            let mut ias = sid.children().filter_map(Result::ok);
            let issuer = ias
                .next()
                .ok_or("issuerAndSerialNumber without an issuer")?;
            let serial = ias.next().ok_or("issuerAndSerialNumber without a serial")?;
            out.issuer = Some(name_text(&issuer));
            out.serial = Some(super::cert::serial_hex(serial.value));
            known
                .by_issuer_serial
                .get(&(issuer.raw, serial.value))
                .copied()
        }
        0x80 => {
            out.subject_key_id = Some(hex::encode(sid.value));
            known.by_key_id.get(sid.value).copied()
        }
        other => return Err(format!("signer identifier has tag 0x{other:02x}")),
    };
    let cert = cert.and_then(|i| known.certs.get(i));
    if let Some(c) = cert {
        out.certificate = Some(c.subject.clone());
        out.certificate_sha256 = Some(hex::encode(sha2::Sha256::digest(c.der)));
    }
    let digest_alg = next("digest algorithm")?;
    let digest_oid = algorithm_oid(&digest_alg);
    out.digest_algorithm = algorithm_name(&digest_alg);
    let mut field = next("signature algorithm")?;
    let mut signed_attrs = None;
    if field.tag == 0xa0 {
        signed_attrs = Some(field);
        field = next("signature algorithm")?;
    }
    let sig_alg = field;
    out.signature_algorithm = algorithm_name(&sig_alg);
    let signature = next("signature")?;
    for rest in kids.filter_map(Result::ok) {
        if rest.tag == 0xa1 {
            out.unsigned_attributes = attributes(&rest)
                .map(|(oid, _)| attribute_name(&oid))
                .collect();
        }
    }
    if let Some(attrs) = &signed_attrs {
        for (oid, values) in attributes(attrs) {
            let first = values.children().find_map(Result::ok);
            match oid.as_str() {
                ATTR_CONTENT_TYPE => {
                    out.content_type = first
                        .filter(|v| v.tag == tlv::OID)
                        .map(|v| content_type_name(&oids::display(v.value)));
                }
                ATTR_MESSAGE_DIGEST => {
                    out.message_digest = first
                        .filter(|v| v.tag == tlv::OCTET_STRING)
                        .map(|v| hex::encode(v.value));
                }
                ATTR_SIGNING_TIME => {
                    out.signing_time =
                        first.and_then(|v| super::x509::parse_time(v.tag, v.value).ok());
                }
                _ => out.other_signed_attributes.push(attribute_name(&oid)),
            }
        }
    }
    // messageDigest against the content's digest.
    let content = encap.and_then(|e| e.content.as_deref());
    out.message_digest_check = match (&out.message_digest, content) {
        (None, _) if signed_attrs.is_none() => "not checked: no signed attributes".to_string(),
        (None, _) => "not checked: no messageDigest attribute".to_string(),
        (Some(_), None) => "not checked: the content is detached (not in the file)".to_string(),
        (Some(md), Some(content)) => {
            match digest_oid.as_deref().and_then(|o| known.digest(o, content)) {
                Some(d) if hex::encode(&d) == *md => "matches".to_string(),
                Some(_) => "does not match".to_string(),
                None => format!("not checked: digest {}", out.digest_algorithm),
            }
        }
    };
    // The signature: over the signed attributes re-tagged as SET OF (§5.4), else over the
    // content itself.
    out.signature = match cert {
        None => "not checked: the signer's certificate is not in the file".to_string(),
        Some(c) => {
            let message = match &signed_attrs {
                Some(a) => {
                    let mut m = a.raw.to_vec();
                    if let Some(first) = m.first_mut() {
                        *first = tlv::SET;
                    }
                    Some(m)
                }
                None => content.map(<[u8]>::to_vec),
            };
            match (message, digest_oid) {
                (None, _) => "not checked: the content is detached (not in the file)".to_string(),
                (Some(_), None) => "not checked: the digest algorithm does not parse".to_string(),
                (Some(m), Some(d)) => {
                    verify::verify_message(&m, signature.value, sig_alg.raw, &d, c.spki).describe()
                }
            }
        }
    };
    // The content type attribute must name the encapsulated content's type (§11.1).
    if let (Some(ct), Some(e)) = (&out.content_type, encap) {
        if e.oid.is_some() && *ct != e.content_type {
            out.message_digest_check.push_str(&format!(
                "; the contentType attribute ({ct}) differs from the content's type ({})",
                e.content_type
            ));
        }
    }
    Ok(out)
}

/// The `(oid, values SET)` of each attribute of a SET OF Attribute (or its [0]/[1]).
fn attributes<'a>(set: &Tlv<'a>) -> impl Iterator<Item = (String, Tlv<'a>)> + 'a {
    set.children().filter_map(Result::ok).filter_map(|a| {
        let mut k = a.children().filter_map(Result::ok);
        let oid = k.next().filter(|o| o.tag == tlv::OID)?;
        let values = k.next()?;
        Some((oids::display(oid.value), values))
    })
}

/// The digest of `data` with the algorithm `oid`, for the ones certscope has.
fn digest(oid: Option<&str>, data: &[u8]) -> Option<Vec<u8>> {
    Some(match oid? {
        "1.3.14.3.2.26" => sha1::Sha1::digest(data).to_vec(),
        "2.16.840.1.101.3.4.2.4" => sha2::Sha224::digest(data).to_vec(),
        "2.16.840.1.101.3.4.2.1" => sha2::Sha256::digest(data).to_vec(),
        "2.16.840.1.101.3.4.2.2" => sha2::Sha384::digest(data).to_vec(),
        "2.16.840.1.101.3.4.2.3" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

/// EnvelopedData, EncryptedData, AuthenticatedData, AuthEnvelopedData and the rest, by
/// their fields (RFC 5652 §6-9, RFC 5083).
fn describe_other(oid: &str, body: &Tlv<'_>, problems: &mut Vec<String>) -> Cms {
    let mut m = Cms {
        content_type: content_type_name(oid),
        ..Cms::default()
    };
    for field in body.children() {
        let field = match field {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{}: {e}", m.content_type));
                break;
            }
        };
        match field.tag {
            tlv::INTEGER => m.version = small_uint(field.value),
            // EnvelopedData / AuthenticatedData / AuthEnvelopedData recipientInfos.
            tlv::SET => {
                for (n, ri) in field.children().enumerate() {
                    match ri {
                        Ok(ri) => recipients(&ri, &mut m.recipients),
                        Err(e) => {
                            problems.push(format!("recipient {}: {e}", n + 1));
                            break;
                        }
                    }
                }
            }
            // AuthenticatedData's macAlgorithm comes before its encapsulated content.
            tlv::SEQUENCE if m.content_type == "authenticatedData" && m.mac_algorithm.is_none() => {
                m.mac_algorithm = Some(algorithm_name(&field));
            }
            // (Encrypted|Encapsulated)ContentInfo: the content type, then the algorithm and
            // the encrypted content, or (AuthenticatedData) the content itself.
            tlv::SEQUENCE => {
                let mut k = field.children().filter_map(Result::ok);
                let Some(t) = k.next().filter(|t| t.tag == tlv::OID) else {
                    continue;
                };
                m.inner_content_type = Some(content_type_name(&oids::display(t.value)));
                match k.next() {
                    Some(alg) if alg.tag == tlv::SEQUENCE => {
                        m.content_encryption_algorithm = Some(algorithm_name(&alg));
                        m.content_size = k
                            .next()
                            .filter(|c| c.tag & 0x1f == 0)
                            .map(|c| octet_string(&c).len());
                    }
                    Some(c) if c.tag == 0xa0 => {
                        m.content_size =
                            tlv::read(c.value).ok().map(|(o, _)| octet_string(&o).len());
                    }
                    _ => {}
                }
            }
            // AuthenticatedData digestAlgorithm [1].
            0xa1 if m.content_type == "authenticatedData" => {
                m.digest_algorithms = vec![algorithm_name(&field)];
            }
            _ => {}
        }
    }
    m
}

/// The recipients of one RecipientInfo (§6.2): one, or one per encrypted key of a key
/// agreement.
fn recipients(ri: &Tlv<'_>, out: &mut Vec<Recipient>) {
    let kids: Vec<Tlv<'_>> = ri.children().filter_map(Result::ok).collect();
    match ri.tag {
        // KeyTransRecipientInfo: version, rid, keyEncryptionAlgorithm, encryptedKey.
        tlv::SEQUENCE => {
            let mut r = Recipient {
                kind: "key_transport".to_string(),
                ..Recipient::default()
            };
            if let Some(rid) = kids.get(1) {
                recipient_id(rid, &mut r);
            }
            r.key_encryption_algorithm = kids.get(2).map(algorithm_name);
            out.push(r);
        }
        // KeyAgreeRecipientInfo: version, originator [0], ukm [1]?, keyEncryptionAlgorithm,
        // recipientEncryptedKeys.
        0xa1 => {
            let alg = kids
                .iter()
                .find(|t| {
                    t.tag == tlv::SEQUENCE
                        && t.children()
                            .next()
                            .is_some_and(|o| o.is_ok_and(|o| o.tag == tlv::OID))
                })
                .map(algorithm_name);
            let keys = kids.iter().rev().find(|t| t.tag == tlv::SEQUENCE);
            for rek in keys
                .iter()
                .flat_map(|k| k.children().filter_map(Result::ok))
            {
                let mut r = Recipient {
                    kind: "key_agreement".to_string(),
                    key_encryption_algorithm: alg.clone(),
                    ..Recipient::default()
                };
                if let Some(Ok(rid)) = rek.children().next() {
                    // KeyAgreeRecipientIdentifier: issuerAndSerialNumber or rKeyId [0].
                    if rid.tag == 0xa0 {
                        if let Some(Ok(ski)) = rid.children().next() {
                            r.key_id = Some(hex::encode(ski.value));
                        }
                    } else {
                        recipient_id(&rid, &mut r);
                    }
                }
                out.push(r);
            }
        }
        // KEKRecipientInfo: version, kekid SEQUENCE { keyIdentifier, ... }, algorithm.
        0xa2 => {
            let key_id = kids
                .get(1)
                .and_then(|k| k.children().next())
                .and_then(Result::ok)
                .map(|k| hex::encode(k.value));
            out.push(Recipient {
                kind: "kek".to_string(),
                key_id,
                key_encryption_algorithm: kids.get(2).map(algorithm_name),
                ..Recipient::default()
            });
        }
        // PasswordRecipientInfo: version, keyDerivationAlgorithm [0]?, keyEncryptionAlgorithm.
        0xa3 => out.push(Recipient {
            kind: "password".to_string(),
            key_encryption_algorithm: kids
                .iter()
                .find(|t| t.tag == tlv::SEQUENCE)
                .map(algorithm_name),
            ..Recipient::default()
        }),
        _ => out.push(Recipient {
            kind: "other".to_string(),
            ..Recipient::default()
        }),
    }
}

/// RecipientIdentifier: issuerAndSerialNumber or subjectKeyIdentifier [0].
/// An issuerAndSerialNumber's issuer as RFC 4514; a malformed one is shown as such with
/// its DER, never as no issuer at all.
fn name_text(name: &Tlv<'_>) -> String {
    crate::asn1::dn::format_name_tlv(name)
        .unwrap_or_else(|| crate::asn1::dn::malformed_name(name.raw))
}

fn recipient_id(rid: &Tlv<'_>, r: &mut Recipient) {
    if rid.tag == 0x80 {
        r.key_id = Some(hex::encode(rid.value));
    } else if rid.tag == tlv::SEQUENCE {
        let mut k = rid.children().filter_map(Result::ok);
        if let Some(issuer) = k.next() {
            r.issuer = Some(name_text(&issuer));
        }
        if let Some(serial) = k.next() {
            r.serial = Some(super::cert::serial_hex(serial.value));
        }
    }
}

/// An AlgorithmIdentifier's OID, dotted.
fn algorithm_oid(alg: &Tlv<'_>) -> Option<String> {
    alg.children()
        .next()
        .and_then(Result::ok)
        .filter(|o| o.tag == tlv::OID)
        .and_then(|o| oids::dotted(o.value))
}

/// An AlgorithmIdentifier by name (openssl's short names), or its OID.
fn algorithm_name(alg: &Tlv<'_>) -> String {
    let Some(oid) = alg
        .children()
        .next()
        .and_then(Result::ok)
        .filter(|o| o.tag == tlv::OID)
        .map(|o| oids::display(o.value))
    else {
        return "(malformed AlgorithmIdentifier)".to_string();
    };
    let name = ALGORITHMS
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, n)| *n)
        .or_else(|| oids::signature_algorithm(&oid))
        .or_else(|| oids::pbe(&oid));
    oids::name_or_oid(name, &oid)
}

/// Digest, cipher and key-wrap algorithms CMS names (openssl's short names).
const ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.2.5", "md5"),
    ("1.3.14.3.2.26", "sha1"),
    ("2.16.840.1.101.3.4.2.4", "sha224"),
    ("2.16.840.1.101.3.4.2.1", "sha256"),
    ("2.16.840.1.101.3.4.2.2", "sha384"),
    ("2.16.840.1.101.3.4.2.3", "sha512"),
    ("1.2.840.113549.1.1.1", "rsaEncryption"),
    ("1.2.840.113549.1.1.7", "rsaesOaep"),
    ("1.2.840.10045.2.1", "id-ecPublicKey"),
    ("1.2.840.113549.3.7", "des-ede3-cbc"),
    ("1.2.840.113549.3.2", "rc2-cbc"),
    ("1.3.14.3.2.7", "des-cbc"),
    ("2.16.840.1.101.3.4.1.2", "aes-128-cbc"),
    ("2.16.840.1.101.3.4.1.22", "aes-192-cbc"),
    ("2.16.840.1.101.3.4.1.42", "aes-256-cbc"),
    ("2.16.840.1.101.3.4.1.6", "aes-128-gcm"),
    ("2.16.840.1.101.3.4.1.26", "aes-192-gcm"),
    ("2.16.840.1.101.3.4.1.46", "aes-256-gcm"),
    ("2.16.840.1.101.3.4.1.5", "id-aes128-wrap"),
    ("2.16.840.1.101.3.4.1.25", "id-aes192-wrap"),
    ("2.16.840.1.101.3.4.1.45", "id-aes256-wrap"),
    ("1.2.840.113549.1.9.16.3.6", "id-alg-CMS3DESwrap"),
    ("1.2.840.113549.1.9.16.3.9", "id-alg-PWRI-KEK"),
    ("1.3.133.16.840.63.0.2", "dhSinglePass-stdDH-sha1kdf-scheme"),
    ("1.3.132.1.11.0", "dhSinglePass-stdDH-sha224kdf-scheme"),
    ("1.3.132.1.11.1", "dhSinglePass-stdDH-sha256kdf-scheme"),
    ("1.3.132.1.11.2", "dhSinglePass-stdDH-sha384kdf-scheme"),
    ("1.3.132.1.11.3", "dhSinglePass-stdDH-sha512kdf-scheme"),
    ("1.2.840.113549.2.7", "hmacWithSHA1"),
    ("1.2.840.113549.2.9", "hmacWithSHA256"),
    ("1.2.840.113549.1.5.12", "PBKDF2"),
];

/// A CMS content type by its RFC 5652 name, or its OID.
fn content_type_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.7.1" => "data",
        "1.2.840.113549.1.7.2" => "signedData",
        "1.2.840.113549.1.7.3" => "envelopedData",
        "1.2.840.113549.1.7.5" => "digestedData",
        "1.2.840.113549.1.7.6" => "encryptedData",
        "1.2.840.113549.1.9.16.1.2" => "authenticatedData",
        "1.2.840.113549.1.9.16.1.23" => "authEnvelopedData",
        "1.2.840.113549.1.9.16.1.4" => "tSTInfo",
        "1.2.840.113549.1.9.16.1.9" => "compressedData",
        _ => return oid.to_string(),
    };
    name.to_string()
}

/// A signed or unsigned attribute by name, or its OID.
fn attribute_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.9.15" => Some("smimeCapabilities"),
        "1.2.840.113549.1.9.6" => Some("countersignature"),
        "1.2.840.113549.1.9.16.2.14" => Some("timeStampToken"),
        "1.2.840.113549.1.9.16.2.47" => Some("signingCertificateV2"),
        "1.2.840.113549.1.9.16.2.12" => Some("signingCertificate"),
        "1.2.840.113549.1.9.52" => Some("cmsAlgorithmProtection"),
        "1.2.840.113549.1.9.16.2.11" => Some("encryptionKeyPreference"),
        "1.3.6.1.4.1.311.16.4" => Some("msEncryptionKeyPreference"),
        _ => oids::attribute(oid),
    };
    oids::name_or_oid(name, oid)
}

/// A small INTEGER's value (versions), or `None` when it does not fit.
fn small_uint(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 4 || value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    Some(value.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN_CRL: &[u8] = include_bytes!("../../fixtures/pkcs7/chain-crl.p7b.der");

    /// Offsets of the certificates (SEQUENCE 30 82 directly holding a TBSCertificate).
    fn certificates(data: &[u8]) -> Vec<usize> {
        data.windows(13)
            .enumerate()
            .filter(|(_, w)| {
                w[0] == 0x30
                    && w[1] == 0x82
                    && w[4] == 0x30
                    && w[5] == 0x82
                    && w[8..] == [0xa0, 3, 2, 1, 2]
            })
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn an_element_overrunning_its_set_keeps_the_ones_before() {
        let whole = decode(CHAIN_CRL).unwrap();
        let at = certificates(CHAIN_CRL);
        assert!(at.len() >= 2, "{at:?}");
        // The second certificate's length now runs past the certificates set.
        let mut data = CHAIN_CRL.to_vec();
        data[at[1] + 2] = 0x7f;
        let sd = decode(&data).unwrap();
        assert_eq!(sd.contents.first(), whole.contents.first());
        assert!(
            matches!(sd.contents.get(1), Some(Content::Malformed(e)) if e.contains("certificates")),
            "{:?}",
            sd.contents.get(1)
        );
        // The CRLs set after it is still read.
        assert!(sd.contents.iter().any(|c| matches!(c, Content::Crl(_))));
    }
}

#[cfg(test)]
mod cms_tests {
    use super::*;

    fn message(data: &[u8]) -> Cms {
        decode(data).unwrap().message.expect("a message")
    }

    fn only_signer(data: &[u8]) -> Signer {
        let m = message(data);
        assert_eq!(m.signers.len(), 1, "{m:?}");
        m.signers.into_iter().next().unwrap()
    }

    #[test]
    fn signed_data_signer_is_resolved_and_verified() {
        let m = message(include_bytes!("../../fixtures/cms/signed-rsa-attached.der"));
        assert_eq!(m.content_type, "signedData");
        assert_eq!(m.inner_content_type.as_deref(), Some("data"));
        assert_eq!(m.content_size, Some(30));
        assert_eq!(m.digest_algorithms, ["sha256"]);
        let s = &m.signers[0];
        assert_eq!(s.issuer.as_deref(), Some("CN=CMS RSA signer"));
        assert_eq!(s.serial.as_deref(), Some("2a"));
        assert_eq!(s.certificate.as_deref(), Some("CN=CMS RSA signer"));
        assert_eq!(s.digest_algorithm, "sha256");
        assert_eq!(s.signature_algorithm, "rsaEncryption");
        assert_eq!(s.content_type.as_deref(), Some("data"));
        assert!(s.signing_time.is_some());
        assert_eq!(s.message_digest_check, "matches");
        assert_eq!(s.signature, "verified");
    }

    #[test]
    fn ec_key_id_and_sha1_signers_verify() {
        let s = only_signer(include_bytes!("../../fixtures/cms/signed-ec-keyid.der"));
        assert!(s.subject_key_id.is_some());
        assert_eq!(s.certificate.as_deref(), Some("CN=CMS EC signer"));
        assert_eq!(s.signature, "verified");
        let s = only_signer(include_bytes!("../../fixtures/cms/smime-signed-sha1.p7s"));
        assert_eq!(s.digest_algorithm, "sha1");
        assert_eq!(
            (s.message_digest_check.as_str(), s.signature.as_str()),
            ("matches", "verified")
        );
        let m = message(include_bytes!("../../fixtures/cms/signed-two-signers.der"));
        assert!(m.signers.iter().all(|s| s.signature == "verified"), "{m:?}");
    }

    #[test]
    fn detached_and_certificate_less_say_what_was_not_checked() {
        use base64::Engine as _;
        let pem = include_str!("../../fixtures/cms/signed-ec-detached.pem");
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let m = message(&der);
        assert_eq!(m.content_size, None);
        let s = &m.signers[0];
        assert!(s.message_digest_check.contains("detached"), "{s:?}");
        assert_eq!(s.signature, "verified");
        let s = only_signer(include_bytes!("../../fixtures/cms/signed-rsa-nocerts.der"));
        assert_eq!(s.certificate, None);
        assert!(s.signature.contains("not in the file"), "{s:?}");
        assert_eq!(s.message_digest_check, "matches");
    }

    #[test]
    fn tampering_is_seen() {
        let s = only_signer(include_bytes!(
            "../../fixtures/cms/signed-tampered-content.der"
        ));
        assert_eq!(s.message_digest_check, "does not match");
        assert_eq!(s.signature, "verified");
        let s = only_signer(include_bytes!(
            "../../fixtures/cms/signed-tampered-attributes.der"
        ));
        assert_eq!(s.message_digest_check, "matches");
        assert_eq!(s.signature, "invalid");
    }

    #[test]
    fn enveloped_and_encrypted_data_are_described() {
        let m = message(include_bytes!("../../fixtures/cms/enveloped-rsa-ec.der"));
        assert_eq!(m.content_type, "envelopedData");
        assert_eq!(
            m.content_encryption_algorithm.as_deref(),
            Some("aes-256-cbc")
        );
        let kinds: Vec<&str> = m.recipients.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(kinds, ["key_transport", "key_agreement"]);
        assert_eq!(m.recipients[0].issuer.as_deref(), Some("CN=CMS RSA signer"));
        assert_eq!(m.recipients[1].serial.as_deref(), Some("2a"));
        let m = message(include_bytes!("../../fixtures/cms/enveloped-kek.der"));
        assert_eq!(m.recipients[0].kind, "kek");
        assert_eq!(m.recipients[0].key_id.as_deref(), Some("6b656b2d6964"));
        let m = message(include_bytes!("../../fixtures/cms/encrypted-data.der"));
        assert_eq!(m.content_type, "encryptedData");
        assert_eq!(
            m.content_encryption_algorithm.as_deref(),
            Some("aes-128-cbc")
        );
        assert_eq!(m.content_size, Some(32));
    }

    #[test]
    fn a_signer_certificate_with_a_malformed_name_is_not_shown_empty() {
        let mut der = include_bytes!("../../fixtures/cms/signed-rsa-attached.der").to_vec();
        assert!(only_signer(&der).certificate.is_some());
        // The included certificate's subject: its first RDN's SET made a SEQUENCE. The
        // signer is still found (by issuer and serial), its name must not look empty.
        let (subject_at, rdn_tag) = {
            let (ci, _) = tlv::read(&der).unwrap();
            let (sd, _) = tlv::read(ci.children().nth(1).unwrap().unwrap().value).unwrap();
            let certs = sd.children().map(Result::unwrap).find(|t| t.tag == 0xa0);
            let cert = certs.unwrap().children().next().unwrap().unwrap();
            let subject = tlv::tbs_fields(cert.raw).unwrap().nth(4).unwrap();
            let at = subject.value.as_ptr() as usize - der.as_ptr() as usize;
            (at, subject.value[0])
        };
        assert_eq!(rdn_tag, tlv::SET);
        der[subject_at] = tlv::SEQUENCE;
        let s = only_signer(&der);
        assert_eq!(s.certificate.as_deref(), Some("<malformed name>"), "{s:?}");
    }

    #[test]
    fn a_signer_identifier_with_a_malformed_issuer_is_shown_as_such() {
        let mut der = include_bytes!("../../fixtures/cms/signed-rsa-attached.der").to_vec();
        let issuer = tlv::read(&crate::asn1::dn::rfc4514_to_der("CN=CMS RSA signer").unwrap())
            .unwrap()
            .0
            .raw
            .to_vec();
        // The signer infos come last: the last copy of the name is the signer's issuer.
        let at = der
            .windows(issuer.len())
            .rposition(|w| w == issuer)
            .unwrap();
        assert_eq!(der[at + 2], tlv::SET);
        der[at + 2] = tlv::SEQUENCE;
        let s = only_signer(&der);
        let shown = s.issuer.unwrap_or_default();
        assert!(shown.starts_with("<malformed name 30"), "{shown}");
        // The same for a recipient's issuerAndSerialNumber.
        let mut der = include_bytes!("../../fixtures/cms/enveloped-rsa-ec.der").to_vec();
        let at = der.windows(issuer.len()).position(|w| w == issuer).unwrap();
        der[at + 2] = tlv::SEQUENCE;
        let m = message(&der);
        let shown = m.recipients[0].issuer.clone().unwrap_or_default();
        assert!(shown.starts_with("<malformed name 30"), "{shown}");
    }

    #[test]
    fn a_certs_only_bundle_is_no_message() {
        let sd = decode(include_bytes!("../../fixtures/pkcs7/chain-crl.p7b.der")).unwrap();
        assert!(sd.message.is_none());
    }
}
