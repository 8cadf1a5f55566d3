//! Which objects a command wants: [`Filter`], turned into one `C_FindObjectsInit` template
//! for what the token can match itself, plus the checks only certscope can make.
//!
//! - Label, ID, subject, issuer, serial, class and certificate type go into the template,
//!   so a token with thousands of objects is searched on the token side.
//! - Subject and issuer are RFC 4514 strings encoded to DER the way OpenSSL writes them
//!   ([`crate::dn::rfc4514_to_der`]). A token compares bytes, so a certificate issued with
//!   other string types (a PrintableString where OpenSSL writes UTF8String, say) is not
//!   found by the template. When the template finds nothing, the search is repeated
//!   without subject, issuer and serial, and those are compared with the certificate's own
//!   fields from `CKA_VALUE`: names with [`crate::dn::names_equivalent`] (case, spacing and
//!   string type ignored), the serial by value. This costs one more search, only when the
//!   first found nothing.
//! - Thumbprints and SPKI pins are computed on `CKA_VALUE`, which every certificate read
//!   fetches anyway.

use cryptoki::object::{Attribute, CertificateType, ObjectClass};

use crate::dn;
use crate::fingerprint::{parse_hex_lenient, HashAlg, Thumbprint};
use crate::tlv;
use crate::token::rv::TokenError;
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
    /// Subject `Name` DER (from [`Filter::subject_from_rfc4514`]).
    pub subject: Option<Vec<u8>>,
    /// Issuer `Name` DER.
    pub issuer: Option<Vec<u8>>,
    /// The serial number as a complete DER INTEGER, as `CKA_SERIAL_NUMBER` holds it.
    pub serial: Option<Vec<u8>>,
    /// A thumbprint of the certificate DER.
    pub thumbprint: Option<Thumbprint>,
    /// SHA-256 of the certificate's SubjectPublicKeyInfo.
    pub spki_sha256: Option<Vec<u8>>,
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

    /// Sets the subject from an RFC 4514 string.
    pub fn subject_from_rfc4514(&mut self, dn_text: &str) -> Result<(), TokenError> {
        self.subject = Some(
            dn::rfc4514_to_der(dn_text)
                .map_err(|e| TokenError::Filter(format!("--subject: {e}")))?,
        );
        Ok(())
    }

    /// Sets the issuer from an RFC 4514 string.
    pub fn issuer_from_rfc4514(&mut self, dn_text: &str) -> Result<(), TokenError> {
        self.issuer = Some(
            dn::rfc4514_to_der(dn_text)
                .map_err(|e| TokenError::Filter(format!("--issuer: {e}")))?,
        );
        Ok(())
    }

    /// Sets the serial from hex as certscope and openssl print it (colons, spaces and case
    /// ignored; a leading `00` may be there or not).
    pub fn serial_from_hex(&mut self, hex_text: &str) -> Result<(), TokenError> {
        self.serial = Some(serial_integer(hex_text)?);
        Ok(())
    }

    /// Sets the thumbprint from `[sha1:|sha256:]HEX`.
    pub fn thumbprint_from_text(&mut self, text: &str) -> Result<(), TokenError> {
        self.thumbprint = Some(
            text.parse::<Thumbprint>()
                .map_err(|e| TokenError::Filter(format!("--thumbprint: {e}")))?,
        );
        Ok(())
    }

    /// Sets the SPKI pin from hex (64 digits).
    pub fn spki_from_hex(&mut self, text: &str) -> Result<(), TokenError> {
        let bytes = parse_hex_lenient(text)
            .map_err(|e| TokenError::Filter(format!("--spki-sha256: {e}")))?;
        if bytes.len() != 32 {
            return Err(TokenError::Filter(format!(
                "--spki-sha256: a SHA-256 pin has 32 bytes (64 hex digits), this one has {}",
                bytes.len()
            )));
        }
        self.spki_sha256 = Some(bytes);
        Ok(())
    }

    /// Do the filters only make sense for certificates? (Issuer, serial, thumbprint and
    /// SPKI pin are certificate fields; a subject filter is read as "certificates with
    /// this subject", which is what the fallback can check.)
    pub fn certificates_only(&self) -> bool {
        self.class == Some(ObjectType::Cert)
            || self.subject.is_some()
            || self.issuer.is_some()
            || self.serial.is_some()
            || self.thumbprint.is_some()
            || self.spki_sha256.is_some()
    }

    /// A filter that selects certificates but another class too is a contradiction.
    fn check(&self) -> Result<(), TokenError> {
        if self.certificates_only() && self.class.is_some_and(|c| c != ObjectType::Cert) {
            return Err(TokenError::Filter(format!(
                "--subject, --issuer, --serial, --thumbprint and --spki-sha256 select \
                 certificates, but the object type asked for is {}",
                self.class.map_or("", |c| c.as_str())
            )));
        }
        Ok(())
    }

    /// The `C_FindObjectsInit` template: everything the token can match itself.
    pub fn template(&self) -> Vec<Attribute> {
        let mut t = self.loose_template();
        if let Some(s) = &self.subject {
            t.push(Attribute::Subject(s.clone()));
        }
        if let Some(s) = &self.issuer {
            t.push(Attribute::Issuer(s.clone()));
        }
        if let Some(s) = &self.serial {
            t.push(Attribute::SerialNumber(s.clone()));
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
        self.subject.is_some() || self.issuer.is_some() || self.serial.is_some()
    }

    /// The checks computed on `CKA_VALUE`.
    fn accepts(&self, info: &ObjectInfo) -> bool {
        if self.thumbprint.is_none() && self.spki_sha256.is_none() {
            return true;
        }
        let Some(der) = info.value.as_deref() else {
            return false;
        };
        if let Some(t) = &self.thumbprint {
            if t.alg.digest(der) != t.bytes {
                return false;
            }
        }
        if let Some(pin) = &self.spki_sha256 {
            let spki = crate::decode::cert::brief(der).map(|(_, spki)| spki);
            if spki.is_none_or(|s| HashAlg::Sha256.digest(s) != *pin) {
                return false;
            }
        }
        true
    }

    /// Subject, issuer and serial compared with the certificate's own fields: names as
    /// equivalent names, the serial by value. Used when the template found nothing.
    fn accepts_loosely(&self, info: &ObjectInfo) -> bool {
        let Some(parts) = info.value.as_deref().and_then(cert_fields) else {
            return false;
        };
        let name_ok = |want: &Option<Vec<u8>>, have: &[u8]| {
            want.as_deref()
                .is_none_or(|w| dn::names_equivalent(w, have))
        };
        name_ok(&self.subject, parts.subject)
            && name_ok(&self.issuer, parts.issuer)
            && self
                .serial
                .as_deref()
                .is_none_or(|w| integer_value(w) == integer_value(parts.serial))
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

/// The objects of `session` matching `filter`, sorted by class, label and ID. See the
/// module documentation for the one fallback search.
pub fn search(session: &TokenSession<'_>, filter: &Filter) -> Result<Vec<ObjectInfo>, TokenError> {
    filter.check()?;
    let mut found = session.find_objects(&filter.template())?;
    if found.is_empty() && filter.has_encoded_fields() {
        found = session
            .find_objects(&filter.loose_template())?
            .into_iter()
            .filter(|o| o.class == ObjectKind::Certificate && filter.accepts_loosely(o))
            .collect();
    }
    found.retain(|o| filter.accepts(o));
    // Modules return objects in whatever order they store them (SoftHSM's is not even
    // stable between runs); a listing a person can compare, diff or snapshot is sorted by
    // class, then label, then ID.
    found.sort_by(|a, b| {
        (class_rank(a.class), &a.label, &a.id).cmp(&(class_rank(b.class), &b.label, &b.id))
    });
    Ok(found)
}

fn class_rank(k: ObjectKind) -> u8 {
    match k {
        ObjectKind::Certificate => 0,
        ObjectKind::PublicKey => 1,
        ObjectKind::PrivateKey => 2,
        ObjectKind::SecretKey => 3,
        ObjectKind::Data => 4,
        ObjectKind::Other => 5,
    }
}

/// Hex serial → complete DER INTEGER (minimal, positive): `1001` → `02 02 10 01`,
/// `8001` and `008001` → `02 03 00 80 01`. Serial numbers are positive (RFC 5280 §4.1.2.2),
/// so a high first bit means the `00` was left out, as openssl's colon form often does.
pub fn serial_integer(hex_text: &str) -> Result<Vec<u8>, TokenError> {
    let mut bytes =
        parse_hex_lenient(hex_text).map_err(|e| TokenError::Filter(format!("--serial: {e}")))?;
    if bytes.is_empty() {
        return Err(TokenError::Filter("--serial: empty".to_string()));
    }
    let zeros = bytes
        .iter()
        .take(bytes.len().saturating_sub(1))
        .take_while(|b| **b == 0)
        .count();
    bytes.drain(..zeros);
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    let mut der = Vec::with_capacity(bytes.len() + 4);
    tlv::write_header(&mut der, tlv::INTEGER, bytes.len());
    der.extend_from_slice(&bytes);
    Ok(der)
}

/// The value octets of an INTEGER given as a whole element or as bare content, without
/// redundant leading zeros: what "the same serial" means.
fn integer_value(bytes: &[u8]) -> &[u8] {
    let content = match tlv::read(bytes) {
        Ok((t, [])) if t.tag == tlv::INTEGER => t.value,
        _ => bytes,
    };
    let zeros = content
        .iter()
        .take(content.len().saturating_sub(1))
        .take_while(|b| **b == 0)
        .count();
    content.get(zeros..).unwrap_or(content)
}

/// The three certificate fields a token also stores as attributes.
struct CertFields<'a> {
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
}

/// Serial (whole INTEGER), issuer and subject (whole `Name`s) of a certificate's DER.
fn cert_fields(der: &[u8]) -> Option<CertFields<'_>> {
    let (cert, _) = tlv::read(der).ok()?;
    let tbs = cert.children().next()?.ok()?;
    let mut fields = tbs.children().filter_map(Result::ok).peekable();
    // version [0] EXPLICIT is optional (absent in v1 certificates).
    if fields.peek().is_some_and(|f| f.tag == 0xa0) {
        fields.next();
    }
    let serial = fields.next()?;
    let _signature = fields.next()?;
    let issuer = fields.next()?;
    let _validity = fields.next()?;
    let subject = fields.next()?;
    Some(CertFields {
        serial: serial.raw,
        issuer: issuer.raw,
        subject: subject.raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_become_der_integers() {
        let h = |s: &str| hex::encode(serial_integer(s).unwrap());
        assert_eq!(h("1001"), "02021001");
        assert_eq!(h("10:01"), "02021001");
        assert_eq!(h("8001"), "0203008001");
        assert_eq!(h("00:80:01"), "0203008001");
        assert_eq!(h("0000"), "020100");
        assert_eq!(h("02"), "020102");
        assert!(serial_integer("").is_err());
        assert!(serial_integer("xyz").is_err());
    }

    #[test]
    fn integer_values_compare_by_value() {
        assert_eq!(integer_value(&[2, 2, 0x10, 1]), &[0x10, 1]);
        assert_eq!(integer_value(&[0, 0x10, 1]), &[0x10, 1]);
        assert_eq!(integer_value(&[2, 3, 0, 0x80, 1]), &[0x80, 1]);
    }

    #[test]
    fn templates() {
        let mut f = Filter {
            label: Some("x".into()),
            ..Filter::default()
        };
        assert_eq!(f.template(), vec![Attribute::Label(b"x".to_vec())]);
        assert!(!f.certificates_only());
        f.serial_from_hex("1001").unwrap();
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
    fn filter_values_are_checked() {
        let mut f = Filter::default();
        assert!(f.spki_from_hex("abcd").is_err());
        assert!(f.thumbprint_from_text("sha1:abcd").is_err());
        assert!(f.subject_from_rfc4514("C=USA").is_err());
        assert!(f.subject_from_rfc4514("CN=x,C=US").is_ok());
    }
}
