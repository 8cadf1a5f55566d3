//! The fields of a PKCS#10 request found by walking its DER with [`tlv`] (issue 18), in
//! place of x509-parser's `X509CertificationRequest`, which builds the subject's RDN
//! vectors, the key's and algorithms' structures and the attribute list only for
//! [`super::csr`] to read a few slices of them.
//!
//! [`walk`] answers only for what it reads exactly, and returns `None` for everything else
//! (the caller then parses with x509-parser, as before): anything but plain DER (minimal
//! definite lengths, low tag numbers) in the request's frame, a version other than 0, an
//! OID not in its one valid encoding, algorithm parameters other than NULL, an OID or a
//! SEQUENCE, a BIT STRING with unused bits, a challengePassword (x509-parser checks its
//! string), an attribute or extensionRequest whose frame is not exact, bytes after the
//! request. Whatever it accepts, x509-parser accepts too and yields the same slices: the
//! subject and the key are the same elements, and a requested extension list is parsed by
//! x509-parser's own `ExtensionRequest` parser over the same bytes. The subject's content is
//! not checked here: x509-parser accepts any SEQUENCE there, and both paths read the Name
//! with [`super::cert::name_field`].

use x509_parser::cri_attributes::ExtensionRequest;
use x509_parser::prelude::FromDer;

use crate::asn1::tlv;

// The gate's checks are the certificate walk's: one definition of "plain DER".
use super::cert_walk::{bit_string, next, oid, plain};

/// What [`super::csr`] reads of a request: slices of the DER given to [`walk`].
pub struct Parts<'a> {
    /// The version as shown (the INTEGER plus one).
    pub version: u32,
    /// The CertificationRequestInfo element.
    pub info: &'a [u8],
    /// The subject Name element.
    pub subject: &'a [u8],
    /// The SubjectPublicKeyInfo element.
    pub spki: &'a [u8],
    /// The outer signatureAlgorithm's OID content octets.
    pub signature_oid: &'a [u8],
}

/// Every extensionRequest attribute's extensions, in order.
pub type Requests<'a> = Vec<ExtensionRequest<'a>>;

/// The NULL tag (algorithm parameters).
const NULL: u8 = 0x05;
/// pkcs-9-at-extensionRequest, 1.2.840.113549.1.9.14, content octets.
const EXTENSION_REQUEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e];
/// pkcs-9-at-challengePassword, 1.2.840.113549.1.9.7, content octets.
const CHALLENGE_PASSWORD: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07];

/// The request `der`'s [`Parts`] and requested extensions; `None` when x509-parser must
/// read it.
pub fn walk(der: &[u8]) -> Option<(Parts<'_>, Requests<'_>)> {
    let (top, rest) = tlv::read(der).ok()?;
    if !rest.is_empty() || !plain(&top, tlv::SEQUENCE) {
        return None;
    }
    let mut parts = top.children();
    let info = next(&mut parts, tlv::SEQUENCE)?;
    let alg = next(&mut parts, tlv::SEQUENCE)?;
    let signature = next(&mut parts, tlv::BIT_STRING)?;
    if parts.next().is_some() || !bit_string(&signature) {
        return None;
    }
    let signature_oid = algorithm(&alg)?;
    let mut fields = info.children();
    let version = next(&mut fields, tlv::INTEGER)?;
    let subject = next(&mut fields, tlv::SEQUENCE)?;
    let spki = next(&mut fields, tlv::SEQUENCE)?;
    let attributes = next(&mut fields, 0xa0)?;
    if version.value != [0] || fields.next().is_some() || !public_key(&spki) {
        return None;
    }
    let mut extension_requests = Vec::new();
    for attr in attributes.children() {
        let attr = attr.ok().filter(|a| plain(a, tlv::SEQUENCE))?;
        let mut kids = attr.children();
        let attr_type = next(&mut kids, tlv::OID).filter(oid)?;
        let values = next(&mut kids, tlv::SET)?;
        if kids.next().is_some() || attr_type.value == CHALLENGE_PASSWORD {
            return None;
        }
        if attr_type.value == EXTENSION_REQUEST {
            let mut one = values.children();
            next(&mut one, tlv::SEQUENCE)?;
            if one.next().is_some() {
                return None;
            }
            // x509-parser's own parser, over the bytes its attribute parser hands it.
            match ExtensionRequest::from_der(values.value) {
                Ok(([], req)) => {
                    extension_requests.push(req);
                }
                _ => return None,
            }
        }
    }
    Some((
        Parts {
            version: 1,
            info: info.raw,
            subject: subject.raw,
            spki: spki.raw,
            signature_oid,
        },
        extension_requests,
    ))
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }` with
/// parameters absent, NULL, an OID or a SEQUENCE: the OID's content octets.
fn algorithm<'a>(t: &tlv::Tlv<'a>) -> Option<&'a [u8]> {
    let mut kids = t.children();
    let algorithm = next(&mut kids, tlv::OID).filter(oid)?;
    let params_ok = match kids.next() {
        None => true,
        Some(Ok(p)) => match p.tag {
            NULL => plain(&p, NULL) && p.value.is_empty(),
            tlv::OID => oid(&p),
            tlv::SEQUENCE => plain(&p, tlv::SEQUENCE),
            _ => false,
        },
        Some(Err(_)) => false,
    };
    (params_ok && kids.next().is_none()).then_some(algorithm.value)
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey
/// BIT STRING }`.
fn public_key(t: &tlv::Tlv<'_>) -> bool {
    let mut kids = t.children();
    let alg = next(&mut kids, tlv::SEQUENCE);
    let key = next(&mut kids, tlv::BIT_STRING);
    alg.is_some_and(|a| algorithm(&a).is_some())
        && key.is_some_and(|k| bit_string(&k))
        && kids.next().is_none()
}
