//! What `chain` keeps of each item of a run (issue 18): path building needs every
//! certificate of the run until the end, but not whole items. An [`Entry`] is made as each
//! item arrives and the item is dropped: a certificate keeps its DER (the shared `Arc`), its
//! SubjectPublicKeyInfo and the decoded fields the builder and the renderers read; CRLs and
//! OCSP responses are kept whole (revocation evidence, few per run); anything else keeps only
//! its locator. The thumbprints, typed RDNs, relations and the extensions no check reads
//! (embedded SCTs above all) are not kept. Peak RSS per certificate of a run went from 13.2
//! to 9.5 KB on the benchmark bundle (the rest is the report and the builder's index) and
//! from 10.5 to 5.0 KB on `tests/memory_check.rs`'s bundle.

use std::sync::Arc;

use crate::model::{Body, Certificate, Item, Kind, PemText, Source};

/// Extensions a certificate keeps, besides every critical one (whose name and criticality
/// the unknown-critical check reads): those [`crate::analysis::validation`],
/// [`crate::analysis::policy`], [`crate::analysis::name_constraints`] and
/// [`crate::analysis::revocation`] read, and AIA for a missing issuer's caIssuers. The key
/// identifiers are read from the certificate's own fields, not from their extensions.
const READ: &[&str] = &[
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.30",
    "2.5.29.31",
    "2.5.29.32",
    "2.5.29.33",
    "2.5.29.36",
    "2.5.29.37",
    "2.5.29.54",
    "1.3.6.1.5.5.7.1.1",
];

/// One item of a `chain` run, reduced to what building and reporting read.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Where it came from: the text report names items by its locator.
    pub source: Source,
    /// What it is (`chain` takes only the certificates of `--roots` files).
    pub kind: Kind,
    /// The certificate's PEM text, kept only when asked for (`chain --format pem`).
    pub pem: Option<PemText>,
    part: Part,
}

#[derive(Debug, Clone)]
enum Part {
    Certificate(Box<Cert>),
    /// A CRL or an OCSP response, whole.
    Evidence(Box<Item>),
    Other,
}

/// A decoded certificate as the builder reads it.
#[derive(Debug, Clone)]
pub(super) struct Cert {
    /// The decoded fields, slimmed by [`slim`].
    pub cert: Certificate,
    /// The certificate's DER.
    pub der: Arc<[u8]>,
    /// Its SubjectPublicKeyInfo, DER.
    pub spki: Box<[u8]>,
}

impl Entry {
    /// Reduces `item` to what `chain` reads; its PEM text stays only `with_pem` (and only
    /// for a certificate: the PEM output writes nothing else).
    pub fn new(item: Item, with_pem: bool) -> Entry {
        let Item {
            source,
            kind,
            pem,
            body,
            der,
            spki_der,
            ..
        } = item;
        let (part, pem) = match (body, der, spki_der) {
            (Body::Certificate(cert), Some(der), Some(spki)) => (
                Part::Certificate(Box::new(Cert {
                    cert: slim(*cert),
                    der,
                    spki: spki.into_boxed_slice(),
                })),
                pem.filter(|_| with_pem),
            ),
            (body @ (Body::Crl(_) | Body::OcspResponse(_)), der, spki_der) => {
                let mut whole = Item::new(kind, source.clone());
                whole.body = body;
                whole.der = der;
                whole.spki_der = spki_der;
                (Part::Evidence(Box::new(whole)), None)
            }
            _ => (Part::Other, None),
        };
        Entry {
            source,
            kind,
            pem,
            part,
        }
    }

    /// The decoded certificate, when this entry is one.
    pub(super) fn cert(&self) -> Option<&Cert> {
        match &self.part {
            Part::Certificate(c) => Some(c),
            _ => None,
        }
    }

    /// The CRL or OCSP response item, when this entry is one.
    pub(super) fn evidence(&self) -> Option<&Item> {
        match &self.part {
            Part::Evidence(i) => Some(i),
            _ => None,
        }
    }
}

/// The certificate without the fields no check and no chain renderer reads: typed RDNs,
/// the serial's other encodings but decimal, trust settings, signature parameters, and the
/// non-critical extensions outside [`READ`].
fn slim(mut c: Certificate) -> Certificate {
    c.subject_rdns = Default::default();
    c.issuer_rdns = Default::default();
    c.serial_der_hex = String::new();
    c.trust = None;
    c.signature_pss = None;
    c.inner_signature_algorithm = None;
    c.extensions
        .retain(|e| e.critical || READ.contains(&e.oid.as_ref()));
    c.extensions.shrink_to_fit();
    c
}
