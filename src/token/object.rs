//! The object vocabulary: classes ([`ObjectKind`]), certificate categories, the attributes
//! read for each class, and [`ObjectInfo`], filled from raw attribute values by [`apply`].

use std::ffi::c_ulong;

use cryptoki::object::{Attribute, AttributeType, CertificateType, KeyType, ObjectClass};
use cryptoki_sys::{
    CKA_ALWAYS_AUTHENTICATE, CKA_APPLICATION, CKA_CERTIFICATE_TYPE, CKA_DECRYPT, CKA_DERIVE,
    CKA_EC_PARAMS, CKA_ENCRYPT, CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL, CKA_MODIFIABLE,
    CKA_MODULUS, CKA_MODULUS_BITS, CKA_PRIVATE, CKA_SENSITIVE, CKA_SIGN, CKA_SUBJECT, CKA_TRUSTED,
    CKA_UNWRAP, CKA_VALUE, CKA_VALUE_LEN, CKA_VERIFY, CKA_WRAP, CK_ATTRIBUTE_TYPE, CK_ULONG,
};
use cryptoki_sys::{CKA_EC_POINT, CKA_PUBLIC_EXPONENT, CKA_PUBLIC_KEY_INFO};

use crate::asn1::oids;
use crate::token::error::TokenError;
use crate::token::read::raw::{attribute_name, RawValue};
use crate::token::spki;
use crate::token::uri::ObjectType;

/// `CKA_CERTIFICATE_CATEGORY` (PKCS#11 2.20+), which cryptoki 0.12 has no variant for.
pub const CKA_CERTIFICATE_CATEGORY: c_ulong = 0x87;
/// `CKA_CLASS`, for raw template attributes.
pub const CKA_CLASS: c_ulong = 0x0;

/// A template attribute with a raw type number and raw value bytes. cryptoki passes
/// `Attribute::VendorDefined` through to the module unchanged whatever the number, which
/// is the only safe way to put attributes it does not model into a template.
pub fn raw_attribute(attribute_type: c_ulong, value: Vec<u8>) -> Attribute {
    Attribute::VendorDefined((AttributeType::VendorDefined(attribute_type), value))
}

/// A raw `CK_ULONG`-valued template attribute (native byte order, as PKCS#11 wants).
pub fn raw_ulong_attribute(attribute_type: c_ulong, value: c_ulong) -> Attribute {
    raw_attribute(attribute_type, value.to_ne_bytes().to_vec())
}

/// The class of an object, as found by template search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// CKO_CERTIFICATE.
    Certificate,
    /// CKO_PUBLIC_KEY.
    PublicKey,
    /// CKO_PRIVATE_KEY.
    PrivateKey,
    /// CKO_SECRET_KEY.
    SecretKey,
    /// CKO_DATA.
    Data,
    /// Any other class (hardware features, domain parameters, vendor classes such as
    /// p11-kit's trust objects). cryptoki 0.12 cannot name these.
    Other,
}

/// The classes searched for, in this order.
pub(crate) const KNOWN_CLASSES: [(ObjectKind, ObjectClass); 5] = [
    (ObjectKind::Certificate, ObjectClass::CERTIFICATE),
    (ObjectKind::PublicKey, ObjectClass::PUBLIC_KEY),
    (ObjectKind::PrivateKey, ObjectClass::PRIVATE_KEY),
    (ObjectKind::SecretKey, ObjectClass::SECRET_KEY),
    (ObjectKind::Data, ObjectClass::DATA),
];

impl ObjectKind {
    /// Every kind, in listing order.
    pub(crate) const ALL: [ObjectKind; 6] = [
        ObjectKind::Certificate,
        ObjectKind::PublicKey,
        ObjectKind::PrivateKey,
        ObjectKind::SecretKey,
        ObjectKind::Data,
        ObjectKind::Other,
    ];

    /// The kind's place in a listing: certificates first, vendor classes last.
    pub(crate) fn rank(self) -> u8 {
        match self {
            ObjectKind::Certificate => 0,
            ObjectKind::PublicKey => 1,
            ObjectKind::PrivateKey => 2,
            ObjectKind::SecretKey => 3,
            ObjectKind::Data => 4,
            ObjectKind::Other => 5,
        }
    }

    /// Lower-case class name without `CKO_` (`certificate`, `private_key`, ... `other`).
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Certificate => "certificate",
            ObjectKind::PublicKey => "public_key",
            ObjectKind::PrivateKey => "private_key",
            ObjectKind::SecretKey => "secret_key",
            ObjectKind::Data => "data",
            ObjectKind::Other => "other",
        }
    }

    /// The RFC 7512 `type=` for this class, if there is one.
    pub fn uri_type(self) -> Option<ObjectType> {
        match self {
            ObjectKind::Certificate => Some(ObjectType::Cert),
            ObjectKind::PublicKey => Some(ObjectType::Public),
            ObjectKind::PrivateKey => Some(ObjectType::Private),
            ObjectKind::SecretKey => Some(ObjectType::SecretKey),
            ObjectKind::Data => Some(ObjectType::Data),
            ObjectKind::Other => None,
        }
    }

    pub(crate) fn from_class(class: ObjectClass) -> ObjectKind {
        KNOWN_CLASSES
            .iter()
            .find(|(_, c)| *c == class)
            .map_or(ObjectKind::Other, |(k, _)| *k)
    }

    /// The kind of a raw `CKA_CLASS` value; classes cryptoki cannot name are `Other`.
    pub(crate) fn from_raw(class: CK_ULONG) -> ObjectKind {
        ObjectClass::try_from(class).map_or(ObjectKind::Other, ObjectKind::from_class)
    }

    /// The attributes read for this class (one [`AttributeReader::read`]). Never a
    /// secret: `CKA_VALUE` only for certificates.
    pub fn attributes(self) -> &'static [CK_ATTRIBUTE_TYPE] {
        match self {
            ObjectKind::Certificate => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_VALUE,
                CKA_SUBJECT,
                CKA_PRIVATE,
                CKA_TRUSTED,
                CKA_CERTIFICATE_TYPE,
                CKA_CERTIFICATE_CATEGORY,
                CKA_MODIFIABLE,
            ],
            ObjectKind::PublicKey => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_PRIVATE,
                CKA_TRUSTED,
                CKA_KEY_TYPE,
                CKA_MODULUS_BITS,
                CKA_EC_PARAMS,
                // The public key itself, for its SPKI (token/spki.rs).
                CKA_PUBLIC_KEY_INFO,
                CKA_MODULUS,
                CKA_PUBLIC_EXPONENT,
                CKA_EC_POINT,
                CKA_ENCRYPT,
                CKA_VERIFY,
                CKA_WRAP,
                CKA_DERIVE,
                CKA_MODIFIABLE,
            ],
            // CKA_MODULUS is public (it is also in the public key and the certificate);
            // it gives the size when the token has no CKA_MODULUS_BITS on private keys.
            // With CKA_PUBLIC_EXPONENT, or CKA_PUBLIC_KEY_INFO, it gives the public half's
            // SPKI; all three are public values.
            ObjectKind::PrivateKey => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_PRIVATE,
                CKA_KEY_TYPE,
                CKA_MODULUS_BITS,
                CKA_MODULUS,
                CKA_PUBLIC_EXPONENT,
                CKA_PUBLIC_KEY_INFO,
                CKA_EC_PARAMS,
                CKA_SENSITIVE,
                CKA_EXTRACTABLE,
                CKA_SIGN,
                CKA_DECRYPT,
                CKA_UNWRAP,
                CKA_DERIVE,
                CKA_MODIFIABLE,
                CKA_ALWAYS_AUTHENTICATE,
            ],
            ObjectKind::SecretKey => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_PRIVATE,
                CKA_TRUSTED,
                CKA_KEY_TYPE,
                CKA_VALUE_LEN,
                CKA_SENSITIVE,
                CKA_EXTRACTABLE,
                CKA_ENCRYPT,
                CKA_DECRYPT,
                CKA_SIGN,
                CKA_VERIFY,
                CKA_WRAP,
                CKA_UNWRAP,
                CKA_DERIVE,
                CKA_MODIFIABLE,
            ],
            // CKA_VALUE of a data object may be anything (a password, say): not read.
            ObjectKind::Data => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_PRIVATE,
                CKA_APPLICATION,
                CKA_MODIFIABLE,
            ],
            ObjectKind::Other => &[CKA_LABEL, CKA_ID, CKA_PRIVATE, CKA_MODIFIABLE],
        }
    }
}

/// `CKA_CERTIFICATE_CATEGORY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateCategory {
    /// 0: unspecified.
    Unspecified,
    /// 1: the token user's own certificate.
    TokenUser,
    /// 2: a CA (trust anchor, in p11-kit-trust).
    Authority,
    /// 3: another entity's certificate.
    OtherEntity,
}

impl CertificateCategory {
    pub(crate) const ALL: [(c_ulong, CertificateCategory); 4] = [
        (0, CertificateCategory::Unspecified),
        (1, CertificateCategory::TokenUser),
        (2, CertificateCategory::Authority),
        (3, CertificateCategory::OtherEntity),
    ];

    /// Lower-case name (`unspecified`, `token_user`, `authority`, `other_entity`).
    pub fn name(self) -> &'static str {
        match self {
            CertificateCategory::Unspecified => "unspecified",
            CertificateCategory::TokenUser => "token_user",
            CertificateCategory::Authority => "authority",
            CertificateCategory::OtherEntity => "other_entity",
        }
    }

    /// The PKCS#11 value.
    pub fn value(self) -> c_ulong {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or(0, |(v, _)| *v)
    }

    /// The category of a raw value; `None` for values PKCS#11 does not define.
    pub fn from_value(value: c_ulong) -> Option<CertificateCategory> {
        Self::ALL.iter().find(|(v, _)| *v == value).map(|(_, c)| *c)
    }

    /// A template attribute matching this category (a raw attribute, see the module docs).
    pub fn template_attribute(self) -> Attribute {
        raw_ulong_attribute(CKA_CERTIFICATE_CATEGORY, self.value())
    }
}

/// What certscope shows about one object. Plain owned data; never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// `CK_OBJECT_HANDLE`; only meaningful inside the session that found it.
    pub handle: u64,
    /// The class.
    pub class: ObjectKind,
    /// `CKA_LABEL` (UTF-8 per the spec; invalid bytes replaced).
    pub label: Option<String>,
    /// `CKA_ID` (empty when absent, which is also PKCS#11's default).
    pub id: Vec<u8>,
    /// `CKA_VALUE` of a certificate (its DER). Always `None` for other classes.
    pub value: Option<Vec<u8>>,
    /// `CKA_SUBJECT` of a certificate, as the token stores it.
    pub subject: Option<Vec<u8>>,
    /// `CKA_PRIVATE`.
    pub private: Option<bool>,
    /// `CKA_TRUSTED`.
    pub trusted: Option<bool>,
    /// `CKA_CERTIFICATE_CATEGORY`, for certificates on tokens that have it.
    pub category: Option<CertificateCategory>,
    /// `CKA_CERTIFICATE_TYPE`: `x509`, `x509_attr`, `wtls`.
    pub certificate_type: Option<String>,
    /// `CKA_KEY_TYPE`, lower case without `CKK_` (`rsa`, `ec`, `ec_edwards`, `aes`...).
    pub key_type: Option<String>,
    /// Key size: RSA modulus bits, EC field size for known curves, secret length × 8.
    pub bits: Option<u32>,
    /// `CKA_EC_PARAMS` as stored (normally the DER of the curve OID).
    pub curve_oid_der: Option<Vec<u8>>,
    /// The DER SubjectPublicKeyInfo of a public key, or of a private key's public half
    /// when the token gives it (token/spki.rs).
    pub spki: Option<Vec<u8>>,
    /// The boolean attributes that are true, lower case: `sensitive`, `extractable`,
    /// `sign`, `verify`, `encrypt`, `decrypt`, `wrap`, `unwrap`, `derive`, `modifiable`,
    /// `always_authenticate`.
    pub flags: Vec<String>,
    /// `CKA_APPLICATION` of a data object.
    pub application: Option<String>,
    /// Why attributes are missing that the token has (one over the size limit): shown as
    /// the item's error, so that what is missing is said.
    pub problems: Vec<String>,
    /// Doubts about values that were read (a module contradicting its own size answer):
    /// shown as the item's warnings.
    pub warnings: Vec<String>,
}

impl ObjectInfo {
    pub(crate) fn new(handle: u64, class: ObjectKind) -> ObjectInfo {
        ObjectInfo {
            handle,
            class,
            label: None,
            id: Vec::new(),
            value: None,
            subject: None,
            private: None,
            trusted: None,
            category: None,
            certificate_type: None,
            key_type: None,
            bits: None,
            curve_oid_der: None,
            spki: None,
            flags: Vec::new(),
            application: None,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Is the named flag (as in [`ObjectInfo::flags`]) set?
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// The dotted curve OID from `CKA_EC_PARAMS`, when it holds an OID.
    pub fn curve_oid(&self) -> Option<String> {
        let der = self.curve_oid_der.as_deref()?;
        // Exact for arcs of any size, a malformed one shown as such (oids::display).
        match crate::asn1::tlv::read(der) {
            Ok((t, [])) if t.tag == crate::asn1::tlv::OID => Some(oids::display(t.value)),
            _ => None,
        }
    }

    /// A curve name: from the OID (`P-256`, `ed25519`...) or, for the PKCS#11 3.0 form
    /// where `CKA_EC_PARAMS` is a PrintableString, that string (`edwards25519`).
    pub fn curve_name(&self) -> Option<String> {
        if let Some(oid) = self.curve_oid() {
            return Some(curve_by_oid(&oid).map_or(oid, |(name, _)| name.to_string()));
        }
        match self.curve_oid_der.as_deref()? {
            [0x13, len, name @ ..] if usize::from(*len) == name.len() => {
                Some(String::from_utf8_lossy(name).into_owned())
            }
            _ => None,
        }
    }
}

/// A raw object handle as the number shown.
// CK_OBJECT_HANDLE is c_ulong: u32 on Windows, where this conversion is not a no-op.
#[allow(clippy::useless_conversion)]
pub(crate) fn raw_handle_number(handle: cryptoki_sys::CK_OBJECT_HANDLE) -> u64 {
    u64::from(handle)
}

/// Name and field size of a curve OID: the Weierstrass curves from [`crate::asn1::oids::curve`],
/// the Edwards and Montgomery ones (PKCS#11 3.0 `CKK_EC_EDWARDS`/`CKK_EC_MONTGOMERY` keys
/// carry their OID in `CKA_EC_PARAMS`) by their key algorithm name, without a field size
/// because their strength is not stated that way.
fn curve_by_oid(oid: &str) -> Option<(&'static str, Option<u32>)> {
    if let Some((name, bits)) = oids::curve(oid) {
        return Some((name, Some(bits)));
    }
    match oid {
        "1.3.101.110" | "1.3.101.111" | "1.3.101.112" | "1.3.101.113" => {
            oids::key_algorithm(oid).map(|name| (name, None))
        }
        _ => None,
    }
}

/// Lower-case key type name without `CKK_`, from the raw `CKA_KEY_TYPE`.
pub(crate) fn key_type_name(raw: CK_ULONG) -> String {
    // cryptoki prints vendor types as the literal "key_type"; show the number instead.
    if raw >= 0x8000_0000 {
        return format!("vendor_0x{raw:08x}");
    }
    match KeyType::try_from(raw) {
        Ok(kt) => {
            let text = kt.to_string();
            text.strip_prefix("CKK_")
                .unwrap_or(&text)
                .to_ascii_lowercase()
        }
        Err(_) => format!("unknown_0x{raw:x}"),
    }
}

/// `x509`, `x509_attr`, `wtls` from the raw `CKA_CERTIFICATE_TYPE`.
pub(crate) fn certificate_type_name(raw: CK_ULONG) -> String {
    match CertificateType::try_from(raw) {
        Ok(ct) if ct == CertificateType::X_509 => "x509".to_string(),
        Ok(ct) if ct == CertificateType::X_509_ATTR => "x509_attr".to_string(),
        Ok(ct) if ct == CertificateType::WTLS => "wtls".to_string(),
        Ok(ct) => ct.to_string().to_ascii_lowercase(),
        Err(_) => format!("unknown_0x{raw:x}"),
    }
}

/// The name of a boolean attribute shown in [`ObjectInfo::flags`].
fn flag_name(attribute: CK_ATTRIBUTE_TYPE) -> Option<&'static str> {
    Some(match attribute {
        CKA_SENSITIVE => "sensitive",
        CKA_EXTRACTABLE => "extractable",
        CKA_SIGN => "sign",
        CKA_VERIFY => "verify",
        CKA_ENCRYPT => "encrypt",
        CKA_DECRYPT => "decrypt",
        CKA_WRAP => "wrap",
        CKA_UNWRAP => "unwrap",
        CKA_DERIVE => "derive",
        CKA_MODIFIABLE => "modifiable",
        CKA_ALWAYS_AUTHENTICATE => "always_authenticate",
        _ => return None,
    })
}

/// Fills `info` from the values read, and says in `info.problems` / `info.warnings` which
/// the module would not give sensibly.
pub(crate) fn apply(
    info: &mut ObjectInfo,
    values: Vec<(CK_ATTRIBUTE_TYPE, RawValue)>,
    limit: usize,
) {
    let names = |wanted: &dyn Fn(&RawValue) -> Option<String>| -> Vec<String> {
        values
            .iter()
            .filter_map(|(t, v)| wanted(v).map(|detail| format!("{}{detail}", attribute_name(*t))))
            .collect()
    };
    let too_large: Vec<(String, usize)> = values
        .iter()
        .filter_map(|(t, v)| match v {
            RawValue::TooLarge(size) => Some((attribute_name(*t), *size)),
            _ => None,
        })
        .collect();
    if !too_large.is_empty() {
        let e = TokenError::AttributeTooLarge {
            sizes: too_large,
            limit,
        };
        info.problems.push(e.to_string());
    }
    let short = names(&|v| match v {
        RawValue::Bytes { bytes, announced } if bytes.len() < *announced => {
            Some(format!(" ({} of {announced})", bytes.len()))
        }
        _ => None,
    });
    if !short.is_empty() {
        info.warnings.push(format!(
            "the module gave fewer bytes than it said it has for {}; the values may be truncated",
            short.join(", ")
        ));
    }
    let changed = names(&|v| match v {
        RawValue::Inconsistent { announced } => Some(format!(" (announced {announced} bytes)")),
        _ => None,
    });
    if !changed.is_empty() {
        info.warnings.push(format!(
            "the module's values for {} did not fit the lengths it announced, so they were \
             not used",
            changed.join(", ")
        ));
    }

    let mut modulus_bits = None;
    let mut modulus: Option<Vec<u8>> = None;
    let mut exponent: Option<Vec<u8>> = None;
    let mut ec_point: Option<Vec<u8>> = None;
    let mut public_key_info: Option<Vec<u8>> = None;
    let mut key_type = None;
    let mut value_len = None;
    for (attribute, value) in values {
        let number = value.ulong();
        let flag = value.bool();
        let RawValue::Bytes { bytes, .. } = value else {
            continue;
        };
        match attribute {
            CKA_LABEL => info.label = Some(String::from_utf8_lossy(&bytes).into_owned()),
            CKA_ID => info.id = bytes,
            CKA_VALUE if info.class == ObjectKind::Certificate => info.value = Some(bytes),
            CKA_SUBJECT => info.subject = Some(bytes),
            CKA_PRIVATE => info.private = flag,
            CKA_TRUSTED => info.trusted = flag,
            CKA_CERTIFICATE_TYPE => info.certificate_type = number.map(certificate_type_name),
            CKA_CERTIFICATE_CATEGORY => {
                info.category = number.and_then(CertificateCategory::from_value)
            }
            CKA_KEY_TYPE => {
                key_type = number;
                info.key_type = number.map(key_type_name);
            }
            CKA_MODULUS_BITS => modulus_bits = number.and_then(|n| u32::try_from(n).ok()),
            CKA_MODULUS => modulus = Some(bytes),
            CKA_PUBLIC_EXPONENT => exponent = Some(bytes),
            CKA_EC_POINT => ec_point = Some(bytes),
            CKA_PUBLIC_KEY_INFO => public_key_info = Some(bytes),
            CKA_VALUE_LEN => {
                value_len = number
                    .and_then(|n| u32::try_from(n).ok())
                    .map(|n| n.saturating_mul(8))
            }
            CKA_EC_PARAMS => info.curve_oid_der = Some(bytes),
            CKA_APPLICATION => {
                info.application = Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            other => {
                if let (Some(name), Some(true)) = (flag_name(other), flag) {
                    info.flags.push(name.to_string());
                }
            }
        }
    }
    let curve_bits = info
        .curve_oid()
        .and_then(|oid| curve_by_oid(&oid))
        .and_then(|(_, bits)| bits);
    let modulus_len = modulus.as_deref().map(crate::asn1::tlv::integer_bits);
    info.bits = modulus_bits.or(modulus_len).or(curve_bits).or(value_len);
    if matches!(info.class, ObjectKind::PublicKey | ObjectKind::PrivateKey) {
        let parts = spki::PublicParts {
            key_type,
            public_key_info: public_key_info.as_deref(),
            modulus: modulus.as_deref(),
            exponent: exponent.as_deref(),
            ec_params: info.curve_oid_der.as_deref(),
            ec_point: ec_point.as_deref(),
        };
        match spki::build(&parts) {
            Ok(built) => info.spki = built,
            Err(e) => info.warnings.push(format!(
                "the public key attributes do not make a valid SubjectPublicKeyInfo ({e}), so \
                 the key has no thumbprint or SPKI pin"
            )),
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certificates_ask_for_value() {
        for kind in [
            ObjectKind::PublicKey,
            ObjectKind::PrivateKey,
            ObjectKind::SecretKey,
            ObjectKind::Data,
            ObjectKind::Other,
        ] {
            let attrs = kind.attributes();
            for secret in [
                CKA_VALUE,
                cryptoki_sys::CKA_PRIVATE_EXPONENT,
                cryptoki_sys::CKA_PRIME_1,
                cryptoki_sys::CKA_PRIME_2,
                cryptoki_sys::CKA_EXPONENT_1,
                cryptoki_sys::CKA_EXPONENT_2,
                cryptoki_sys::CKA_COEFFICIENT,
            ] {
                assert!(!attrs.contains(&secret), "{kind:?} asks for {secret:?}");
            }
        }
        assert!(ObjectKind::Certificate.attributes().contains(&CKA_VALUE));
        assert!(ObjectKind::Certificate
            .attributes()
            .contains(&CKA_CERTIFICATE_CATEGORY));
    }

    #[test]
    fn bits() {
        assert_eq!(crate::asn1::tlv::integer_bits(&[]), 0);
        assert_eq!(crate::asn1::tlv::integer_bits(&[0, 0]), 0);
        assert_eq!(crate::asn1::tlv::integer_bits(&[1]), 1);
        assert_eq!(crate::asn1::tlv::integer_bits(&[0, 0x80, 0]), 16);
        let mut modulus = vec![0xc5u8];
        modulus.extend([0u8; 255]);
        assert_eq!(crate::asn1::tlv::integer_bits(&modulus), 2048);
    }

    #[test]
    fn curves() {
        let mut o = ObjectInfo::new(1, ObjectKind::PublicKey);
        o.curve_oid_der = Some(hex::decode("06082a8648ce3d030107").unwrap());
        assert_eq!(o.curve_oid().as_deref(), Some("1.2.840.10045.3.1.7"));
        assert_eq!(o.curve_name().as_deref(), Some("P-256"));
        o.curve_oid_der = Some(b"\x13\x0cedwards25519".to_vec());
        assert_eq!(o.curve_oid(), None);
        assert_eq!(o.curve_name().as_deref(), Some("edwards25519"));
        o.curve_oid_der = Some(hex::decode("06032b6570").unwrap());
        assert_eq!(o.curve_name().as_deref(), Some("ed25519"));
        let params = hex::decode("06052b81040022").unwrap();
        let announced = params.len();
        apply(
            &mut o,
            vec![(
                CKA_EC_PARAMS,
                RawValue::Bytes {
                    bytes: params,
                    announced,
                },
            )],
            100,
        );
        assert_eq!(o.bits, Some(384));
        assert!(o.warnings.is_empty() && o.problems.is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(key_type_name(KeyType::RSA.into()), "rsa");
        assert_eq!(key_type_name(KeyType::EC.into()), "ec");
        assert_eq!(key_type_name(KeyType::EC_EDWARDS.into()), "ec_edwards");
        assert_eq!(key_type_name(KeyType::AES.into()), "aes");
        assert_eq!(key_type_name(0x8000_0001), "vendor_0x80000001");
        assert_eq!(certificate_type_name(CertificateType::X_509.into()), "x509");
        assert_eq!(certificate_type_name(2), "wtls");
        assert_eq!(
            CertificateCategory::from_value(2),
            Some(CertificateCategory::Authority)
        );
        assert_eq!(CertificateCategory::from_value(9), None);
        assert_eq!(CertificateCategory::Authority.value(), 2);
        assert_eq!(CertificateCategory::OtherEntity.name(), "other_entity");
        assert_eq!(ObjectKind::PrivateKey.name(), "private_key");
        assert_eq!(ObjectKind::Certificate.uri_type(), Some(ObjectType::Cert));
    }
}
