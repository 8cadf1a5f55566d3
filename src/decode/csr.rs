//! PKCS#10 certification requests (RFC 2986).

use x509_parser::prelude::{FromDer, X509CertificationRequest};

use crate::dn;
use crate::model::{Attribute, Csr};
use crate::oids;
use crate::tlv;

use super::{spki, x509};

/// Decodes a DER CSR; returns the model and the SPKI DER.
pub fn decode(der: &[u8]) -> Result<(Csr, Vec<u8>), String> {
    let (rest, csr) = X509CertificationRequest::from_der(der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the request", rest.len()));
    }
    let info = &csr.certification_request_info;
    let spki_der = info.subject_pki.raw.to_vec();
    let public_key = spki::describe(&spki_der).map_err(|e| format!("public key: {e}"))?;
    let mut extensions = Vec::new();
    for attr in info.attributes() {
        if let x509_parser::cri_attributes::ParsedCriAttribute::ExtensionRequest(req) =
            attr.parsed_attribute()
        {
            extensions.extend(x509::extensions(&req.extensions));
        }
    }
    let attributes = other_attributes(info.raw);
    let sig_oid = x509::oid_text(&csr.signature_algorithm.algorithm);
    let self_signature = crate::verify::verify(der, &spki_der).describe();
    Ok((
        Csr {
            version: info.version.0 + 1,
            subject: dn::format_name(info.subject.as_raw()).unwrap_or_default(),
            public_key,
            signature_algorithm: x509::signature_name(&sig_oid),
            self_signature,
            extensions,
            attributes,
        },
        spki_der,
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
