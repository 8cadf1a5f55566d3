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
