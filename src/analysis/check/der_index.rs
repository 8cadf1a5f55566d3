//! A certificate's DER walked once for the rules that read the encoding (`forms`,
//! `profile`, `cert`): each of them used to walk it again from its first byte, a dozen
//! times per certificate. Borrowed and on the stack: nothing is allocated.

use crate::asn1::tlv::{self, Tlv};

use super::MAX_ELEMENTS;

/// TBSCertificate fields kept (after the version: at most 9 in a well-formed certificate).
const FIELDS: usize = 16;

/// Extensions kept; a certificate with more is walked again when asked (see
/// [`CertDer::extensions`]).
const EXTENSIONS: usize = 24;

/// The pieces of one certificate's DER the lints read, found in one walk.
pub(super) struct CertDer<'a> {
    /// The certificate's DER (walked again only for a malformed TBSCertificate).
    der: &'a [u8],
    /// The fields `tlv::tbs_fields` gives (after the optional `[0]` version), the first
    /// [`FIELDS`] of them; `None` past the last. Empty when the certificate does not read.
    fields: [Option<Tlv<'a>>; FIELDS],
    /// Whether `tlv::tbs_fields` read the certificate at all.
    read: bool,
    /// More fields than [`FIELDS`] (a malformed TBSCertificate).
    more_fields: bool,
    /// The outer signatureAlgorithm.
    outer_signature: Option<Tlv<'a>>,
    /// (OID, extnValue contents) of each extension, as [`extensions_of`] gives them.
    extensions: [(&'a [u8], &'a [u8]); EXTENSIONS],
    /// How many of `extensions` are filled; `None` when there were more (walk again).
    extension_count: Option<usize>,
    /// The first `[3]` field (extensions) among the kept fields.
    extensions_field: Option<Tlv<'a>>,
}

impl<'a> CertDer<'a> {
    /// Walks `der` (a certificate's DER) once.
    pub(super) fn new(der: &'a [u8]) -> Self {
        let mut index = CertDer {
            der,
            fields: [None; FIELDS],
            read: false,
            more_fields: false,
            outer_signature: None,
            extensions: [(&[], &[]); EXTENSIONS],
            extension_count: Some(0),
            extensions_field: None,
        };
        let Ok((cert, _)) = tlv::read(der) else {
            return index;
        };
        let mut parts = cert.children();
        // As `tlv::tbs_fields` reads it: the first child, the TBSCertificate.
        let tbs = parts.next().and_then(Result::ok);
        index.outer_signature = parts.next().and_then(Result::ok);
        let Some(tbs) = tbs else {
            return index;
        };
        index.read = true;
        let mut fields = tbs.children().filter_map(Result::ok).peekable();
        if fields.peek().is_some_and(|f| f.tag == 0xa0) {
            fields.next();
        }
        for slot in index.fields.iter_mut() {
            *slot = fields.next();
        }
        index.more_fields = fields.next().is_some();
        let exts = index.fields().find(|f| f.tag == 0xa3);
        index.extensions_field = exts;
        let mut n = 0;
        for pair in extensions_of(index.extensions_field) {
            match index.extensions.get_mut(n) {
                Some(slot) => *slot = pair,
                None => {
                    index.extension_count = None;
                    break;
                }
            }
            n += 1;
        }
        if index.extension_count.is_some() {
            index.extension_count = Some(n);
        }
        index
    }

    /// Whether the certificate and its TBSCertificate read (`tlv::tbs_fields` is `Some`).
    pub(super) fn read(&self) -> bool {
        self.read
    }

    /// TBSCertificate field `n` after the version: 0 serialNumber, 1 signature, 2 issuer,
    /// 3 validity, 4 subject, 5 subjectPublicKeyInfo, then the optional ones.
    pub(super) fn field(&self, n: usize) -> Option<Tlv<'a>> {
        self.fields.get(n).copied().flatten()
    }

    /// The kept fields, the first [`FIELDS`] (the form rules look at no more).
    pub(super) fn fields(&self) -> impl Iterator<Item = Tlv<'a>> + '_ {
        self.fields.iter().map_while(|f| *f)
    }

    /// The outer signatureAlgorithm.
    pub(super) fn outer_signature(&self) -> Option<Tlv<'a>> {
        self.outer_signature
    }

    /// (OID, extnValue contents) of the extensions of the first `[3]` field among the
    /// kept fields (at most [`MAX_ELEMENTS`] looked at), as the form rules read them.
    pub(super) fn extensions(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + '_ {
        let (kept, walk) = match self.extension_count {
            Some(n) => (self.extensions.get(..n).unwrap_or_default(), None),
            None => (&[][..], Some(extensions_of(self.extensions_field))),
        };
        kept.iter().copied().chain(walk.into_iter().flatten())
    }

    /// The extnValue contents of the first extension with OID content octets `oid`, in
    /// the first `[3]` field of all (every extension looked at).
    pub(super) fn extension_value(&self, oid: &[u8]) -> Option<&'a [u8]> {
        match (self.extensions_field, self.extension_count) {
            (Some(_), Some(_)) => self.extensions().find(|(o, _)| *o == oid).map(|(_, v)| v),
            (Some(f), None) => walk_extension_value(Some(f), oid),
            // A `[3]` past the kept fields (malformed): walked for.
            (None, _) if self.more_fields => walk_extension_value(
                tlv::tbs_fields(self.der).and_then(|mut f| f.find(|f| f.tag == 0xa3)),
                oid,
            ),
            (None, _) => None,
        }
    }
}

/// (OID, extnValue contents) of each extension in `exts` (an `[n] EXPLICIT Extensions`),
/// the first [`MAX_ELEMENTS`] looked at; an extension without an OID first or without an
/// OCTET STRING is left out.
pub(super) fn extensions_of<'a>(
    exts: Option<Tlv<'a>>,
) -> impl Iterator<Item = (&'a [u8], &'a [u8])> {
    let list = exts.and_then(|e| e.children().next()?.ok());
    list.into_iter()
        .flat_map(|l| l.children().filter_map(Result::ok))
        .take(MAX_ELEMENTS)
        .filter_map(|ext| {
            let mut kids = ext.children().filter_map(Result::ok);
            let id = kids.next().filter(|k| k.tag == tlv::OID)?;
            let value = kids.find(|k| k.tag == tlv::OCTET_STRING)?;
            Some((id.value, value.value))
        })
}

/// The extnValue contents of the first extension in `exts` with OID `oid`, every
/// extension looked at.
fn walk_extension_value<'a>(exts: Option<Tlv<'a>>, oid: &[u8]) -> Option<&'a [u8]> {
    let list = exts?.children().next()?.ok()?;
    list.children().filter_map(Result::ok).find_map(|ext| {
        let mut kids = ext.children().filter_map(Result::ok);
        let id = kids.next()?;
        if id.tag != tlv::OID || id.value != oid {
            return None;
        }
        kids.find(|k| k.tag == tlv::OCTET_STRING).map(|k| k.value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old walks, each from the first byte, as the rules made them.
    fn old_field(der: &[u8], n: usize) -> Option<Tlv<'_>> {
        tlv::tbs_fields(der)?.nth(n)
    }

    fn old_outer(der: &[u8]) -> Option<Tlv<'_>> {
        tlv::read(der)
            .ok()
            .and_then(|(c, _)| c.children().nth(1)?.ok())
    }

    fn old_extension_value<'a>(der: &'a [u8], oid: &[u8]) -> Option<&'a [u8]> {
        walk_extension_value(tlv::tbs_fields(der)?.find(|f| f.tag == 0xa3), oid)
    }

    fn old_form_extensions(der: &[u8]) -> Vec<(&[u8], &[u8])> {
        let Some(fields) = tlv::tbs_fields(der) else {
            return Vec::new();
        };
        let fields: Vec<Tlv<'_>> = fields.take(FIELDS).collect();
        extensions_of(fields.iter().find(|f| f.tag == 0xa3).copied()).collect()
    }

    fn same(der: &[u8]) {
        let index = CertDer::new(der);
        assert_eq!(index.read(), tlv::tbs_fields(der).is_some(), "{der:02x?}");
        for n in 0..FIELDS {
            assert_eq!(index.field(n), old_field(der, n), "field {n} of {der:02x?}");
        }
        assert_eq!(index.outer_signature(), old_outer(der));
        assert_eq!(
            index.extensions().collect::<Vec<_>>(),
            old_form_extensions(der)
        );
        for oid in [
            &[0x55, 0x1d, 0x11][..],
            &[0x55, 0x1d, 0x13],
            &[0x55, 0x1d, 0x0f],
        ] {
            assert_eq!(index.extension_value(oid), old_extension_value(der, oid));
        }
    }

    /// A certificate-shaped SEQUENCE: `[0]` version, the fields, extensions.
    fn cert(fields: usize, exts: usize) -> Vec<u8> {
        let mut ext_list = Vec::new();
        for n in 0..exts {
            let mut ext = Vec::new();
            tlv::write_header(&mut ext, tlv::OID, 3);
            ext.extend_from_slice(&[0x55, 0x1d, 0x0f + (n % 8) as u8]);
            tlv::write_header(&mut ext, tlv::OCTET_STRING, 2);
            ext.extend_from_slice(&[0x05, 0x00]);
            tlv::write_header(&mut ext_list, tlv::SEQUENCE, ext.len());
            ext_list.extend_from_slice(&ext);
        }
        let mut tbs = vec![0xa0, 0x03, 0x02, 0x01, 0x02];
        for n in 0..fields {
            tbs.extend_from_slice(&[tlv::INTEGER, 0x01, n as u8]);
        }
        let mut seq = Vec::new();
        tlv::write_header(&mut seq, tlv::SEQUENCE, ext_list.len());
        seq.extend_from_slice(&ext_list);
        tlv::write_header(&mut tbs, 0xa3, seq.len());
        tbs.extend_from_slice(&seq);
        let mut body = Vec::new();
        tlv::write_header(&mut body, tlv::SEQUENCE, tbs.len());
        body.extend_from_slice(&tbs);
        body.extend_from_slice(&[0x30, 0x03, 0x06, 0x01, 0x2a]);
        let mut der = Vec::new();
        tlv::write_header(&mut der, tlv::SEQUENCE, body.len());
        der.extend_from_slice(&body);
        der
    }

    #[test]
    fn one_walk_finds_what_the_walks_found() {
        for (fields, exts) in [(6, 0), (6, 3), (6, 24), (6, 25), (6, 40), (20, 3), (15, 2)] {
            let der = cert(fields, exts);
            same(&der);
            // Truncated at every length, and with a byte garbled at every position.
            for cut in 0..der.len() {
                same(der.get(..cut).unwrap_or_default());
            }
            for at in 0..der.len() {
                for b in [0x00, 0x80, 0xff, 0x30, 0xa3] {
                    let mut bad = der.clone();
                    if let Some(x) = bad.get_mut(at) {
                        *x = b;
                    }
                    same(&bad);
                }
            }
        }
    }

    #[test]
    fn real_certificates() {
        for data in [
            &include_bytes!("../../../fixtures/lint/clean.pem")[..],
            include_bytes!("../../../fixtures/lint/no-aki-ski.pem"),
            include_bytes!("../../../fixtures/lint/duplicate-extension.pem"),
        ] {
            for item in crate::decode::items_of_all(&[data]) {
                let Some(der) = item.der.as_deref() else {
                    continue;
                };
                same(der);
                // Cut inside the extensions and the fields, and garbled headers.
                for cut in (0..der.len()).step_by(7) {
                    same(der.get(..cut).unwrap_or_default());
                }
                for at in 0..der.len().min(400) {
                    let mut bad = der.to_vec();
                    if let Some(x) = bad.get_mut(at) {
                        *x ^= 0xa5;
                    }
                    same(&bad);
                }
            }
        }
    }
}
