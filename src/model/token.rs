//! A PKCS#11 object that is not a certificate (certificates become certificate items).

use serde::Serialize;

/// A PKCS#11 object other than a certificate, described by its attributes only.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TokenObject {
    /// `CKO_*` class name without prefix, lower case (`private_key`, `public_key`, `secret_key`, `data`).
    pub class: String,
    /// `CKA_LABEL`.
    pub label: Option<String>,
    /// `CKA_ID`, lower hex.
    pub id: Option<String>,
    /// `CKK_*` key type, lower case (`rsa`, `ec`, `aes`, ...).
    pub key_type: Option<String>,
    /// Key size in bits (RSA modulus, EC field, secret value length).
    pub bits: Option<u32>,
    /// EC curve name.
    pub curve: Option<String>,
    /// Boolean attributes that are set (`sensitive`, `extractable`, `sign`, `decrypt`, ...).
    pub flags: Vec<String>,
    /// For data objects: `CKA_APPLICATION`.
    pub application: Option<String>,
}

/// One attribute of a PKCS#11 object as the module gave it (`token list --attributes`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct RawAttribute {
    /// The `CK_ATTRIBUTE_TYPE` number.
    #[serde(rename = "type")]
    pub attribute_type: u64,
    /// Its `CKA_` name (`CKA_VENDOR_DEFINED+0x...` for an unknown vendor's).
    pub name: String,
    /// The value in lower hex; `None` when it was not read (see `note`).
    pub hex: Option<String>,
    /// The value in words, where its type is known: class and key type names, booleans,
    /// names (RFC 4514), dates, mechanism names, NSS trust values.
    pub value: Option<String>,
    /// Why the value is missing (over the size limit, inconsistent lengths).
    pub note: Option<String>,
}

/// An NSS trust object's verdicts on one certificate (`CKO_NSS_TRUST`), as `certutil -L`
/// shows them.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct NssTrust {
    /// `certutil -L`'s trust flags, `SSL,S/MIME,JAR/XPI` (`CT,C,c`).
    pub certutil: String,
    /// `CKA_TRUST_SERVER_AUTH`: `trusted_delegator`, `valid_delegator`, `trusted`,
    /// `not_trusted`, `must_verify_trust`, `trust_unknown`.
    pub server_auth: Option<String>,
    /// `CKA_TRUST_CLIENT_AUTH`.
    pub client_auth: Option<String>,
    /// `CKA_TRUST_EMAIL_PROTECTION`.
    pub email_protection: Option<String>,
    /// `CKA_TRUST_CODE_SIGNING`.
    pub code_signing: Option<String>,
    /// `CKA_NSS_SERVER_DISTRUST_AFTER` of the certificate: `none` or an RFC 3339 time.
    pub server_distrust_after: Option<String>,
    /// `CKA_NSS_EMAIL_DISTRUST_AFTER` of the certificate.
    pub email_distrust_after: Option<String>,
}
