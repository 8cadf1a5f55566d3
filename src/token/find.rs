//! Which objects a command wants: [`Filter`], turned into one `C_FindObjectsInit` template
//! for what the token can match itself, plus the checks only certscope can make.
//!
//! - Label, ID, class and certificate type go into the template, and so do subject, issuer
//!   and serial when they can be encoded, so a token with thousands of objects is searched
//!   on the token side.
//! - The certificate criteria are `find`'s own ([`ItemFilter`], the one FILTER grammar):
//!   every certificate the template returns is decoded and must pass
//!   [`ItemFilter::matches`], exactly as a certificate read from a file.
//! - Subject and issuer are encoded the way OpenSSL writes them
//!   ([`crate::asn1::dn::rfc4514_to_der`]). A token compares bytes, so a certificate issued with
//!   other string types, or a name written in openssl order, is not found by the template.
//!   When the template finds nothing, the search is repeated without subject, issuer and
//!   serial and the item filter alone decides. This costs one more search, only when the
//!   first found nothing.

use cryptoki::object::{Attribute, CertificateType, ObjectClass};

use crate::analysis::filter::ItemFilter;
use crate::asn1::{dn, tlv};
use crate::fingerprint::HashAlg;
use crate::token::error::TokenError;
use crate::token::session::{ObjectInfo, ObjectKind, TokenSession};
use crate::token::uri::{ObjectType, Pkcs11Uri};

/// The objects a command asks for. Every field narrows the match; the default matches
/// every object the session can see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The object class (`None`: every class, vendor classes included).
    pub class: Option<ObjectType>,
    /// `CKA_LABEL`, exactly.
    pub label: Option<String>,
    /// `CKA_ID`, exactly.
    pub id: Option<Vec<u8>>,
    /// What a certificate must be, in `find`'s terms; any criterion set selects
    /// certificates only.
    pub item: ItemFilter,
}

impl Filter {
    /// The filter a URI's object attributes (`type`, `object`, `id`) describe.
    pub fn from_uri(uri: &Pkcs11Uri) -> Filter {
        Filter {
            class: uri.object_type,
            label: uri.object.clone(),
            id: uri.id.clone(),
            ..Filter::default()
        }
    }

    /// Do the filters only make sense for certificates? (Every [`ItemFilter`] criterion but
    /// the SPKI pin is a certificate field; a subject filter is read as "certificates with
    /// this subject". The SPKI pin alone also selects key objects: [`Filter::by_key`].)
    pub fn certificates_only(&self) -> bool {
        self.class == Some(ObjectType::Cert) || !(self.item.is_empty() || self.by_key())
    }

    /// Is the SPKI pin the only certificate criterion? Then public keys whose SPKI has the
    /// pin match too, and so do private keys whose public half has it, and key objects
    /// linked by `CKA_ID` to an object that matches: the key pair, not just its certificate.
    fn by_key(&self) -> bool {
        self.item.spki_sha256.is_some()
            && ItemFilter {
                spki_sha256: None,
                ..self.item.clone()
            }
            .is_empty()
    }

    /// A filter that selects certificates but another class too is a contradiction.
    fn check(&self) -> Result<(), TokenError> {
        let keys =
            self.by_key() && matches!(self.class, Some(ObjectType::Public | ObjectType::Private));
        if self.certificates_only() && !keys && self.class.is_some_and(|c| c != ObjectType::Cert) {
            return Err(TokenError::Filter(format!(
                "--subject, --issuer, --serial, --san and --thumbprint select certificates \
                 (--spki-sha256 certificates and keys), but the object type asked for is {}",
                self.class.map_or("", |c| c.as_str())
            )));
        }
        Ok(())
    }

    /// Subject DER for the template, when the query is an RFC 4514 name.
    fn subject_der(&self) -> Option<Vec<u8>> {
        self.item
            .subject
            .as_deref()
            .and_then(|q| dn::rfc4514_to_der(q).ok())
    }

    /// Issuer DER for the template, when the query is an RFC 4514 name.
    fn issuer_der(&self) -> Option<Vec<u8>> {
        self.item
            .issuer
            .as_deref()
            .and_then(|q| dn::rfc4514_to_der(q).ok())
    }

    /// The `C_FindObjectsInit` template: everything the token can match itself.
    pub fn template(&self) -> Vec<Attribute> {
        let mut t = self.loose_template();
        if let Some(s) = self.subject_der() {
            t.push(Attribute::Subject(s));
        }
        if let Some(s) = self.issuer_der() {
            t.push(Attribute::Issuer(s));
        }
        if let Some(s) = self.item.serial.as_deref().and_then(serial_integer) {
            t.push(Attribute::SerialNumber(s));
        }
        t
    }

    /// The template without the attributes whose encoding may differ on the token.
    fn loose_template(&self) -> Vec<Attribute> {
        let mut t = Vec::new();
        if self.certificates_only() {
            t.push(Attribute::Class(ObjectClass::CERTIFICATE));
            // Only X.509 certificates can be decoded (and thumbprinted) as certificates.
            t.push(Attribute::CertificateType(CertificateType::X_509));
        } else if let Some(class) = self.class {
            t.push(Attribute::Class(class_of(class)));
        }
        if let Some(l) = &self.label {
            t.push(Attribute::Label(l.as_bytes().to_vec()));
        }
        if let Some(id) = &self.id {
            t.push(Attribute::Id(id.clone()));
        }
        t
    }

    fn has_encoded_fields(&self) -> bool {
        self.item.subject.is_some() || self.item.issuer.is_some() || self.item.serial.is_some()
    }

    /// The certificate criteria, checked on the decoded `CKA_VALUE`.
    fn accepts(&self, info: &ObjectInfo) -> bool {
        if self.item.is_empty() {
            return true;
        }
        if let (true, Some(pin), Some(spki)) = (
            self.by_key() && info.class != ObjectKind::Certificate,
            &self.item.spki_sha256,
            info.spki.as_deref(),
        ) {
            return HashAlg::Sha256.digest(spki) == *pin;
        }
        info.value
            .as_deref()
            .is_some_and(|der| self.item.matches_certificate(der))
    }
}

fn class_of(t: ObjectType) -> ObjectClass {
    match t {
        ObjectType::Cert => ObjectClass::CERTIFICATE,
        ObjectType::Public => ObjectClass::PUBLIC_KEY,
        ObjectType::Private => ObjectClass::PRIVATE_KEY,
        ObjectType::SecretKey => ObjectClass::SECRET_KEY,
        ObjectType::Data => ObjectClass::DATA,
    }
}

/// [`search`], handing each object to `each` in the same order. Without certificate
/// criteria (a listing by class, label or ID) the objects are read one at a time as they
/// are handed over ([`TokenSession::for_each_sorted`]), so that a token's certificates are
/// never all in memory; with them, [`search`] decides on the whole set first (key objects
/// are matched through the certificates they belong to).
pub fn search_each(
    session: &TokenSession<'_>,
    filter: &Filter,
    each: &mut dyn FnMut(ObjectInfo) -> Result<(), TokenError>,
) -> Result<(), TokenError> {
    if filter.item.is_empty() {
        filter.check()?;
        return session.for_each_sorted(&filter.template(), each);
    }
    search(session, filter)?.into_iter().try_for_each(each)
}

/// The objects of `session` matching `filter`, sorted by class, label and ID. See the
/// module documentation for the one fallback search.
pub fn search(session: &TokenSession<'_>, filter: &Filter) -> Result<Vec<ObjectInfo>, TokenError> {
    filter.check()?;
    let mut found = session.find_objects(&filter.template())?;
    if found.is_empty() && filter.has_encoded_fields() {
        found = session
            .find_objects(&filter.loose_template())?
            .into_iter()
            .filter(|o| o.class == ObjectKind::Certificate)
            .collect();
    }
    let matched: Vec<bool> = found.iter().map(|o| filter.accepts(o)).collect();
    let linked: Vec<Vec<u8>> = if filter.by_key() {
        found
            .iter()
            .zip(&matched)
            .filter(|(o, m)| **m && !o.id.is_empty())
            .map(|(o, _)| o.id.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mut matched = matched.into_iter();
    found.retain(|o| {
        let is_key = matches!(o.class, ObjectKind::PublicKey | ObjectKind::PrivateKey);
        matched.next().unwrap_or(false) || (is_key && !o.id.is_empty() && linked.contains(&o.id))
    });
    // Modules return objects in whatever order they store them (SoftHSM's is not even
    // stable between runs); a listing a person can compare, diff or snapshot is sorted by
    // class, then label, then ID.
    found.sort_by(|a, b| (a.class.rank(), &a.label, &a.id).cmp(&(b.class.rank(), &b.label, &b.id)));
    Ok(found)
}

/// A serial as [`crate::analysis::filter::parse_serial`] normalises it (lower hex, no
/// leading zeros) → the complete DER INTEGER a token stores: `1001` → `02 02 10 01`, `8001`
/// → `02 03 00 80 01` (serial numbers are positive, RFC 5280 §4.1.2.2, so a high first bit
/// takes a `00`). A negative serial gets no template attribute: the item filter checks it.
fn serial_integer(normalised: &str) -> Option<Vec<u8>> {
    if normalised.starts_with('-') {
        return None;
    }
    let even = if normalised.len() % 2 == 1 {
        format!("0{normalised}")
    } else {
        normalised.to_string()
    };
    let mut bytes = hex::decode(even).ok()?;
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    let mut der = Vec::with_capacity(bytes.len() + 4);
    tlv::write_header(&mut der, tlv::INTEGER, bytes.len());
    der.extend_from_slice(&bytes);
    Some(der)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::filter::parse_serial;

    #[test]
    fn serials_become_der_integers() {
        let h = |s: &str| hex::encode(serial_integer(&parse_serial(s).unwrap()).unwrap());
        assert_eq!(h("1001"), "02021001");
        assert_eq!(h("10:01"), "02021001");
        assert_eq!(h("8001"), "0203008001");
        assert_eq!(h("00:80:01"), "0203008001");
        assert_eq!(h("0x10"), "020110");
        assert_eq!(h("801"), "02020801");
        assert_eq!(h("0000"), "020100");
        assert_eq!(h("02"), "020102");
        assert_eq!(serial_integer("-1"), None);
    }

    #[test]
    fn templates() {
        let mut f = Filter {
            label: Some("x".into()),
            ..Filter::default()
        };
        assert_eq!(f.template(), vec![Attribute::Label(b"x".to_vec())]);
        assert!(!f.certificates_only());
        f.item.serial = Some(parse_serial("1001").unwrap());
        assert_eq!(
            f.template(),
            vec![
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
                Attribute::Label(b"x".to_vec()),
                Attribute::SerialNumber(vec![2, 2, 0x10, 1]),
            ]
        );
        f.class = Some(ObjectType::Private);
        assert!(f.check().is_err());
    }

    #[test]
    fn names_the_template_cannot_hold_are_left_to_the_item_filter() {
        let mut f = Filter::default();
        f.item.subject = Some("/CN=x/O=Example".into());
        assert!(f.certificates_only());
        assert_eq!(f.subject_der(), None);
        f.item.subject = Some("CN=x,C=US".into());
        assert!(f.subject_der().is_some());
    }
}
