//! `token list --attributes` (`token dump`): every attribute the module gives for an object,
//! raw (hex) and named, with a readable value where the type is known. PKCS#11 has no call
//! that lists an object's attributes, so every attribute certscope can name is asked for
//! (the standard ones of cryptoki-sys's header, NSS's and p11-kit's vendor ones) in two
//! `C_GetAttributeValue` calls; those the object lacks are left out.
//!
//! Never a secret: `CKA_VALUE` is asked for only on certificates and public keys, and the
//! private key parts, seeds and ratchet state (which the module would refuse anyway, if it
//! marks them sensitive) are never asked for at all.

use cryptoki_sys::*;

use crate::asn1::dn;
use crate::model::RawAttribute;
use crate::token::attribute_names::ATTRIBUTE_NAMES;
use crate::token::error::TokenError;
use crate::token::object::{ObjectInfo, ObjectKind};
use crate::token::read::raw::{mechanism_name, RawValue};
use crate::token::session::TokenSession;

/// `CKA_NSS` / `CKO_NSS` / `CKT_NSS`: `CKA_VENDOR_DEFINED | NSSCK_VENDOR_NSS` (NSS's pkcs11n.h).
const NSS: CK_ULONG = 0xce53_4350;
/// `CKA_TRUST`: NSS trust object attributes (`CKA_NSS + 0x2000`).
const NSS_TRUST: CK_ULONG = NSS + 0x2000;
/// p11-kit's vendor base (`CKA_X_VENDOR`, pkcs11x.h).
const X_VENDOR: CK_ULONG = 0xd844_4700;

/// `CKO_NSS_TRUST`: an NSS trust object (trust flags for one certificate).
pub const CKO_NSS_TRUST: CK_ULONG = NSS + 3;
/// `CKA_TRUST_SERVER_AUTH`.
pub const CKA_TRUST_SERVER_AUTH: CK_ULONG = NSS_TRUST + 8;
/// `CKA_TRUST_CLIENT_AUTH`.
pub const CKA_TRUST_CLIENT_AUTH: CK_ULONG = NSS_TRUST + 9;
/// `CKA_TRUST_CODE_SIGNING`.
pub const CKA_TRUST_CODE_SIGNING: CK_ULONG = NSS_TRUST + 10;
/// `CKA_TRUST_EMAIL_PROTECTION`.
pub const CKA_TRUST_EMAIL_PROTECTION: CK_ULONG = NSS_TRUST + 11;
/// `CKA_CERT_SHA1_HASH`: the SHA-1 of the certificate a trust object is about.
pub const CKA_CERT_SHA1_HASH: CK_ULONG = NSS_TRUST + 100;
/// `CKA_NSS_SERVER_DISTRUST_AFTER`.
pub const CKA_NSS_SERVER_DISTRUST_AFTER: CK_ULONG = NSS + 35;
/// `CKA_NSS_EMAIL_DISTRUST_AFTER`.
pub const CKA_NSS_EMAIL_DISTRUST_AFTER: CK_ULONG = NSS + 36;

/// Vendor attributes certscope can name: NSS's (pkcs11n.h) and p11-kit's (pkcs11x.h).
const VENDOR_ATTRIBUTES: &[(CK_ULONG, &str)] = &[
    (NSS + 1, "CKA_NSS_URL"),
    (NSS + 2, "CKA_NSS_EMAIL"),
    (NSS + 3, "CKA_NSS_SMIME_INFO"),
    (NSS + 4, "CKA_NSS_SMIME_TIMESTAMP"),
    (NSS + 5, "CKA_NSS_PKCS8_SALT"),
    (NSS + 6, "CKA_NSS_PASSWORD_CHECK"),
    (NSS + 7, "CKA_NSS_EXPIRES"),
    (NSS + 8, "CKA_NSS_KRL"),
    (NSS + 20, "CKA_NSS_PQG_COUNTER"),
    (NSS + 21, "CKA_NSS_PQG_SEED"),
    (NSS + 22, "CKA_NSS_PQG_H"),
    (NSS + 23, "CKA_NSS_PQG_SEED_BITS"),
    (NSS + 24, "CKA_NSS_MODULE_SPEC"),
    (NSS + 25, "CKA_NSS_OVERRIDE_EXTENSIONS"),
    (NSS + 34, "CKA_NSS_MOZILLA_CA_POLICY"),
    (
        CKA_NSS_SERVER_DISTRUST_AFTER,
        "CKA_NSS_SERVER_DISTRUST_AFTER",
    ),
    (CKA_NSS_EMAIL_DISTRUST_AFTER, "CKA_NSS_EMAIL_DISTRUST_AFTER"),
    (NSS_TRUST + 1, "CKA_TRUST_DIGITAL_SIGNATURE"),
    (NSS_TRUST + 2, "CKA_TRUST_NON_REPUDIATION"),
    (NSS_TRUST + 3, "CKA_TRUST_KEY_ENCIPHERMENT"),
    (NSS_TRUST + 4, "CKA_TRUST_DATA_ENCIPHERMENT"),
    (NSS_TRUST + 5, "CKA_TRUST_KEY_AGREEMENT"),
    (NSS_TRUST + 6, "CKA_TRUST_KEY_CERT_SIGN"),
    (NSS_TRUST + 7, "CKA_TRUST_CRL_SIGN"),
    (CKA_TRUST_SERVER_AUTH, "CKA_NSS_TRUST_SERVER_AUTH"),
    (CKA_TRUST_CLIENT_AUTH, "CKA_NSS_TRUST_CLIENT_AUTH"),
    (CKA_TRUST_CODE_SIGNING, "CKA_NSS_TRUST_CODE_SIGNING"),
    (CKA_TRUST_EMAIL_PROTECTION, "CKA_NSS_TRUST_EMAIL_PROTECTION"),
    (NSS_TRUST + 12, "CKA_TRUST_IPSEC_END_SYSTEM"),
    (NSS_TRUST + 13, "CKA_TRUST_IPSEC_TUNNEL"),
    (NSS_TRUST + 14, "CKA_TRUST_IPSEC_USER"),
    (NSS_TRUST + 15, "CKA_TRUST_TIME_STAMPING"),
    (NSS_TRUST + 16, "CKA_TRUST_STEP_UP_APPROVED"),
    (CKA_CERT_SHA1_HASH, "CKA_CERT_SHA1_HASH"),
    (NSS_TRUST + 101, "CKA_CERT_MD5_HASH"),
    (X_VENDOR + 100, "CKA_X_DISTRUSTED"),
];

/// Never asked for, whatever the class: private key parts, seeds, ratchet state, J-PAKE
/// secrets. (`CKA_VALUE` is handled by class in [`wanted`].)
fn secret(attribute: CK_ULONG) -> bool {
    matches!(
        attribute,
        CKA_PRIVATE_EXPONENT
            | CKA_PRIME_1
            | CKA_PRIME_2
            | CKA_EXPONENT_1
            | CKA_EXPONENT_2
            | CKA_COEFFICIENT
            | CKA_SEED
    ) || (CKA_X2RATCHET_BAG..=CKA_X2RATCHET_RK).contains(&attribute)
        // CKA_NSS_JPAKE_*.
        || (NSS + 26..=NSS + 33).contains(&attribute)
}

/// Array-of-attribute values (`*_TEMPLATE`) hold pointers the module would write through:
/// not asked for.
fn template(name: &str) -> bool {
    name.ends_with("_TEMPLATE")
}

/// The attributes asked for on an object of `class`, each value once.
fn wanted(class: ObjectKind) -> Vec<CK_ATTRIBUTE_TYPE> {
    let value_ok = matches!(class, ObjectKind::Certificate | ObjectKind::PublicKey);
    let mut out: Vec<CK_ATTRIBUTE_TYPE> = Vec::new();
    let all = ATTRIBUTE_NAMES.iter().chain(VENDOR_ATTRIBUTES);
    for (t, name) in all {
        if secret(*t) || template(name) || (*t == CKA_VALUE && !value_ok) || out.contains(t) {
            continue;
        }
        out.push(*t);
    }
    out
}

/// The `CKA_` name of an attribute: standard, NSS or p11-kit, `CKA_VENDOR_DEFINED+0x...`
/// for another vendor's, or the number.
pub fn attribute_name(t: CK_ATTRIBUTE_TYPE) -> String {
    if let Some((_, n)) = ATTRIBUTE_NAMES
        .iter()
        .chain(VENDOR_ATTRIBUTES)
        .find(|(v, _)| *v == t)
    {
        return (*n).to_string();
    }
    match t.checked_sub(CKA_VENDOR_DEFINED) {
        Some(offset) => format!("CKA_VENDOR_DEFINED+0x{offset:x}"),
        None => format!("CKA_0x{t:08x}"),
    }
}

/// The `CKO_` name of a raw class: standard, NSS and p11-kit classes, the number for
/// others.
pub fn class_name(class: CK_OBJECT_CLASS) -> String {
    let name = match class {
        CKO_DATA => "CKO_DATA",
        CKO_CERTIFICATE => "CKO_CERTIFICATE",
        CKO_PUBLIC_KEY => "CKO_PUBLIC_KEY",
        CKO_PRIVATE_KEY => "CKO_PRIVATE_KEY",
        CKO_SECRET_KEY => "CKO_SECRET_KEY",
        CKO_HW_FEATURE => "CKO_HW_FEATURE",
        CKO_DOMAIN_PARAMETERS => "CKO_DOMAIN_PARAMETERS",
        CKO_MECHANISM => "CKO_MECHANISM",
        CKO_OTP_KEY => "CKO_OTP_KEY",
        CKO_PROFILE => "CKO_PROFILE",
        CKO_VALIDATION => "CKO_VALIDATION",
        CKO_TRUST => "CKO_TRUST",
        c if c == NSS + 1 => "CKO_NSS_CRL",
        c if c == NSS + 2 => "CKO_NSS_SMIME",
        c if c == CKO_NSS_TRUST => "CKO_NSS_TRUST",
        c if c == NSS + 4 => "CKO_NSS_BUILTIN_ROOT_LIST",
        c if c == NSS + 5 => "CKO_NSS_NEWSLOT",
        c if c == NSS + 6 => "CKO_NSS_DELSLOT",
        c if c == NSS + 7 => "CKO_NSS_VALIDATION",
        c if c == X_VENDOR + 200 => "CKO_X_CERTIFICATE_EXTENSION",
        c => {
            return match c.checked_sub(CKO_VENDOR_DEFINED) {
                Some(offset) => format!("CKO_VENDOR_DEFINED+0x{offset:x}"),
                None => format!("0x{c:08x}"),
            }
        }
    };
    name.to_string()
}

/// The `CKP_` name of a `CKA_PROFILE_ID`.
fn profile_name(id: CK_ULONG) -> String {
    match id {
        CKP_INVALID_ID => "CKP_INVALID_ID".to_string(),
        CKP_BASELINE_PROVIDER => "CKP_BASELINE_PROVIDER".to_string(),
        CKP_EXTENDED_PROVIDER => "CKP_EXTENDED_PROVIDER".to_string(),
        CKP_AUTHENTICATION_TOKEN => "CKP_AUTHENTICATION_TOKEN".to_string(),
        CKP_PUBLIC_CERTIFICATES_TOKEN => "CKP_PUBLIC_CERTIFICATES_TOKEN".to_string(),
        CKP_COMPLETE_PROVIDER => "CKP_COMPLETE_PROVIDER".to_string(),
        CKP_HKDF_TLS_TOKEN => "CKP_HKDF_TLS_TOKEN".to_string(),
        other => format!("0x{other:x}"),
    }
}

/// An NSS trust value (`CKT_NSS_*`) in `certutil`'s words.
pub fn nss_trust_name(value: CK_ULONG) -> String {
    match value.checked_sub(NSS) {
        Some(1) => "trusted".to_string(),
        Some(2) => "trusted_delegator".to_string(),
        Some(3) => "must_verify_trust".to_string(),
        Some(4) => "must_verify".to_string(),
        Some(5) => "trust_unknown".to_string(),
        Some(10) => "not_trusted".to_string(),
        Some(11) => "valid_delegator".to_string(),
        _ => format!("0x{value:x}"),
    }
}

/// The readable form of a value whose type certscope knows; `None` leaves the hex alone.
fn readable(t: CK_ATTRIBUTE_TYPE, v: &RawValue) -> Option<String> {
    let bytes = v.bytes()?;
    let text = || std::str::from_utf8(bytes).ok().map(str::to_string);
    let ulong = v.ulong();
    match t {
        CKA_CLASS => ulong.map(class_name),
        CKA_KEY_TYPE => ulong.map(crate::token::object::key_type_name),
        CKA_CERTIFICATE_TYPE => ulong.map(crate::token::object::certificate_type_name),
        CKA_CERTIFICATE_CATEGORY => ulong.map(|n| {
            crate::token::object::CertificateCategory::from_value(n)
                .map_or_else(|| n.to_string(), |c| c.name().to_string())
        }),
        CKA_KEY_GEN_MECHANISM | CKA_MECHANISM_TYPE | CKA_NAME_HASH_ALGORITHM => {
            ulong.map(mechanism_name)
        }
        CKA_PROFILE_ID => ulong.map(profile_name),
        CKA_LABEL | CKA_APPLICATION | CKA_UNIQUE_ID | CKA_URL => text(),
        CKA_SUBJECT | CKA_ISSUER => dn::format_name(bytes),
        CKA_START_DATE | CKA_END_DATE => match bytes {
            [] => Some("none".to_string()),
            [y @ .., m1, m2, d1, d2] if y.len() == 4 && bytes.iter().all(u8::is_ascii_digit) => {
                Some(format!(
                    "{}-{}{}-{}{}",
                    String::from_utf8_lossy(y),
                    char::from(*m1),
                    char::from(*m2),
                    char::from(*d1),
                    char::from(*d2)
                ))
            }
            _ => None,
        },
        CKA_ALLOWED_MECHANISMS => {
            let size = size_of::<CK_ULONG>();
            (bytes.len() % size == 0).then(|| {
                bytes
                    .chunks_exact(size)
                    .filter_map(|c| c.try_into().ok().map(CK_ULONG::from_ne_bytes))
                    .map(mechanism_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        }
        t if t == CKA_NSS_SERVER_DISTRUST_AFTER || t == CKA_NSS_EMAIL_DISTRUST_AFTER => {
            distrust_after(bytes)
        }
        t if (NSS_TRUST + 1..=NSS_TRUST + 15).contains(&t) => ulong.map(nss_trust_name),
        t if t == NSS + 1 || t == NSS + 2 => text(),
        t if boolean(t) => v.bool().map(|b| b.to_string()),
        t if numeric(t) => ulong.map(|n| n.to_string()),
        _ => None,
    }
}

/// `CK_BBOOL` attributes.
fn boolean(t: CK_ATTRIBUTE_TYPE) -> bool {
    matches!(
        t,
        CKA_TOKEN
            | CKA_PRIVATE
            | CKA_TRUSTED
            | CKA_SENSITIVE
            | CKA_ENCRYPT
            | CKA_DECRYPT
            | CKA_WRAP
            | CKA_UNWRAP
            | CKA_SIGN
            | CKA_SIGN_RECOVER
            | CKA_VERIFY
            | CKA_VERIFY_RECOVER
            | CKA_DERIVE
            | CKA_EXTRACTABLE
            | CKA_LOCAL
            | CKA_NEVER_EXTRACTABLE
            | CKA_ALWAYS_SENSITIVE
            | CKA_MODIFIABLE
            | CKA_COPYABLE
            | CKA_DESTROYABLE
            | CKA_ALWAYS_AUTHENTICATE
            | CKA_WRAP_WITH_TRUSTED
            | CKA_RESET_ON_INIT
            | CKA_HAS_RESET
            | CKA_OTP_USER_FRIENDLY_MODE
            | CKA_COLOR
            | CKA_ENCAPSULATE
            | CKA_DECAPSULATE
    ) || t == NSS_TRUST + 16
        || t == NSS + 34
        || t == X_VENDOR + 100
}

/// `CK_ULONG` attributes shown as numbers.
fn numeric(t: CK_ATTRIBUTE_TYPE) -> bool {
    matches!(
        t,
        CKA_MODULUS_BITS
            | CKA_VALUE_LEN
            | CKA_VALUE_BITS
            | CKA_PRIME_BITS
            | CKA_SUBPRIME_BITS
            | CKA_HW_FEATURE_TYPE
            | CKA_OTP_LENGTH
            | CKA_OTP_FORMAT
            | CKA_JAVA_MIDP_SECURITY_DOMAIN
            | CKA_PARAMETER_SET
    )
}

/// `CKA_NSS_*_DISTRUST_AFTER`: `CK_FALSE` (one zero byte) for none, else a UTCTime's
/// characters (`YYMMDDHHMMSSZ`).
pub fn distrust_after(bytes: &[u8]) -> Option<String> {
    match bytes {
        [0] => Some("none".to_string()),
        [y1, y2, mo1, mo2, d1, d2, h1, h2, mi1, mi2, s1, s2, b'Z']
            if bytes.iter().take(12).all(u8::is_ascii_digit) =>
        {
            let c = |b: &u8| char::from(*b);
            let yy = (y1 - b'0') * 10 + (y2 - b'0');
            let century = if yy >= 50 { "19" } else { "20" };
            Some(format!(
                "{century}{}{}-{}{}-{}{}T{}{}:{}{}:{}{}Z",
                c(y1),
                c(y2),
                c(mo1),
                c(mo2),
                c(d1),
                c(d2),
                c(h1),
                c(h2),
                c(mi1),
                c(mi2),
                c(s1),
                c(s2)
            ))
        }
        _ => None,
    }
}

/// Every attribute the module gives for `object`, in the order asked. `None` when the
/// module's instance cannot be read raw (p11-kit's proxy).
// CK_ULONG is u32 on Windows, where the conversion to u64 is not a no-op.
#[allow(clippy::useless_conversion)]
pub fn read(
    session: &TokenSession<'_>,
    object: &ObjectInfo,
) -> Result<Option<Vec<RawAttribute>>, TokenError> {
    let types = wanted(object.class);
    let Some(values) = session.read_attributes(object.handle, &types)? else {
        return Ok(None);
    };
    Ok(Some(
        values
            .into_iter()
            .filter_map(|(t, v)| {
                let (hex, note) = match &v {
                    RawValue::Missing => return None,
                    RawValue::TooLarge(n) => (None, Some(format!("{n} bytes, over the limit"))),
                    RawValue::Inconsistent { announced } => (
                        None,
                        Some(format!(
                            "the module's value did not fit the {announced} bytes it announced"
                        )),
                    ),
                    RawValue::Bytes { bytes, .. } => (Some(hex::encode(bytes)), None),
                };
                Some(RawAttribute {
                    attribute_type: u64::from(t),
                    name: attribute_name(t),
                    value: readable(t, &v).filter(|s| !s.is_empty()),
                    hex,
                    note,
                })
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_asked_for() {
        for class in [
            ObjectKind::PrivateKey,
            ObjectKind::SecretKey,
            ObjectKind::Data,
            ObjectKind::Other,
        ] {
            let w = wanted(class);
            for s in [
                CKA_VALUE,
                CKA_PRIVATE_EXPONENT,
                CKA_PRIME_1,
                CKA_COEFFICIENT,
                CKA_SEED,
                CKA_X2RATCHET_RK,
                CKA_WRAP_TEMPLATE,
            ] {
                assert!(!w.contains(&s), "{class:?} {}", attribute_name(s));
            }
            for s in [
                CKA_LOCAL,
                CKA_ALWAYS_SENSITIVE,
                CKA_NEVER_EXTRACTABLE,
                CKA_UNIQUE_ID,
            ] {
                assert!(w.contains(&s), "{class:?} {}", attribute_name(s));
            }
        }
        assert!(wanted(ObjectKind::Certificate).contains(&CKA_VALUE));
        assert!(wanted(ObjectKind::Other).contains(&CKA_TRUST_SERVER_AUTH));
    }

    #[test]
    fn names() {
        assert_eq!(class_name(CKO_PROFILE), "CKO_PROFILE");
        assert_eq!(class_name(CKO_NSS_TRUST), "CKO_NSS_TRUST");
        assert_eq!(class_name(0x8000_0001), "CKO_VENDOR_DEFINED+0x1");
        assert_eq!(class_name(0x77), "0x00000077");
        assert_eq!(attribute_name(CKA_LOCAL), "CKA_LOCAL");
        assert_eq!(attribute_name(0x8000_0010), "CKA_VENDOR_DEFINED+0x10");
        assert_eq!(nss_trust_name(NSS + 2), "trusted_delegator");
        assert_eq!(
            profile_name(CKP_PUBLIC_CERTIFICATES_TOKEN),
            "CKP_PUBLIC_CERTIFICATES_TOKEN"
        );
        assert_eq!(distrust_after(&[0]).as_deref(), Some("none"));
        assert_eq!(
            distrust_after(b"200901000000Z").as_deref(),
            Some("2020-09-01T00:00:00Z")
        );
        let v = |b: &[u8]| RawValue::Bytes {
            bytes: b.to_vec(),
            announced: b.len(),
        };
        assert_eq!(readable(CKA_LOCAL, &v(&[1])).as_deref(), Some("true"));
        assert_eq!(
            readable(CKA_START_DATE, &v(b"20240131")).as_deref(),
            Some("2024-01-31")
        );
        assert_eq!(
            readable(CKA_CLASS, &v(&CKO_MECHANISM.to_ne_bytes())).as_deref(),
            Some("CKO_MECHANISM")
        );
    }
}
