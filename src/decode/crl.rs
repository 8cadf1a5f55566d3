//! Certificate revocation lists (RFC 5280 §5).

use x509_parser::prelude::{CertificateRevocationList, FromDer};

use crate::dn;
use crate::model::{Crl, ExtValue, Revoked};
use crate::tlv;

use super::{cert, x509};

/// Decodes a DER CRL.
pub fn decode(der: &[u8]) -> Result<Crl, String> {
    let (rest, crl) = CertificateRevocationList::from_der(der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the CRL", rest.len()));
    }
    let tbs = &crl.tbs_cert_list;
    let extensions = x509::extensions(tbs.extensions());
    let crl_number = extensions.iter().find_map(|e| match &e.value {
        ExtValue::Text(t) if e.oid == "2.5.29.20" => Some(t.text.clone()),
        _ => None,
    });
    let authority_key_id = extensions.iter().find_map(|e| match &e.value {
        ExtValue::AuthorityKeyId(a) => a.key_id.clone(),
        _ => None,
    });
    let revoked: Vec<Revoked> = tbs
        .revoked_certificates
        .iter()
        .map(|r| Revoked {
            serial: cert::serial_hex(r.raw_serial()),
            revocation_date: x509::time(r.revocation_date),
            reason: r
                .extensions()
                .iter()
                .find(|e| e.oid.to_id_string() == "2.5.29.21")
                .and_then(|e| tlv::read(e.value).ok())
                .and_then(|(t, _)| t.value.first().copied())
                .map(x509::reason_name),
        })
        .collect();
    let sig_oid = crl.signature_algorithm.algorithm.to_id_string();
    Ok(Crl {
        version: tbs.version.map(|v| v.0 + 1).unwrap_or(1),
        issuer: dn::format_name(tbs.issuer.as_raw()).unwrap_or_default(),
        this_update: x509::time(tbs.this_update),
        next_update: tbs.next_update.map(x509::time),
        crl_number,
        authority_key_id,
        signature_algorithm: x509::signature_name(&sig_oid),
        extensions,
        revoked_count: revoked.len(),
        revoked,
    })
}
