//! The light decode of a certificate (issue 18): the fields a JSON record of names, dates
//! and serials shows, read by walking the DER ([`super::cert_walk`]), without x509-parser's
//! model.
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
use super::cert_walk::{algorithm, each_extension, name, parts, validity_times, Parts, RSASSA_PSS};
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
    let Parts {
        version,
        serial,
        inner_alg,
        issuer,
        validity,
        subject,
        spki,
        extensions: exts,
        outer_alg,
    } = parts(der)?;
    // The issuer (and its checks), the validity and the signature algorithm: read once
    // per thread for a run of certificates that share their bytes.
    let issuer = RECENT.with_borrow_mut(|r| r.issuer.get(issuer.raw, || name_text(&issuer)))?;
    if exts.is_some_and(|e| !each_extension(&e, |_, _, _| true)) {
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
            subject_rdns: Default::default(),
            issuer_rdns: Default::default(),
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

/// A signature AlgorithmIdentifier checked ([`algorithm`]) and named as the full decode
/// names it.
fn signature_name(alg: &tlv::Tlv<'_>) -> Option<String> {
    if !algorithm(alg) {
        return None;
    }
    let oid = alg.children().next()?.ok()?;
    Some(x509::signature_name(&oids::display(oid.value)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn not_a_certificate() {
        assert!(super::decode(&[0x30, 0x00]).is_none());
    }
}
