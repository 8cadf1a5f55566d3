//! Keys, parameters, unknown blocks and non-certificate token objects.
//!
//! Only public facts are modelled: there is deliberately no field that could hold
//! private key material.

use serde::Serialize;

use super::PublicKeyInfo;

/// How a key was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyFormat {
    /// PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958).
    #[serde(rename = "pkcs8")]
    Pkcs8,
    /// PKCS#8 EncryptedPrivateKeyInfo.
    #[serde(rename = "pkcs8-encrypted")]
    Pkcs8Encrypted,
    /// PKCS#1 RSAPrivateKey or RSAPublicKey.
    #[serde(rename = "pkcs1")]
    Pkcs1,
    /// SEC1 ECPrivateKey (RFC 5915).
    #[serde(rename = "sec1")]
    Sec1,
    /// OpenSSL's traditional DSA private key.
    #[serde(rename = "dsa")]
    Dsa,
    /// Traditional PEM with Proc-Type/DEK-Info encryption.
    #[serde(rename = "legacy-encrypted")]
    LegacyEncrypted,
    /// SubjectPublicKeyInfo.
    #[serde(rename = "spki")]
    Spki,
}

impl KeyFormat {
    /// Text for people.
    pub fn describe(self) -> &'static str {
        match self {
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::Pkcs8Encrypted => "PKCS#8, encrypted",
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Sec1 => "SEC1",
            KeyFormat::Dsa => "OpenSSL DSA",
            KeyFormat::LegacyEncrypted => "traditional PEM, encrypted",
            KeyFormat::Spki => "SubjectPublicKeyInfo",
        }
    }
}

/// A private or public key.
#[derive(Debug, Clone, Serialize)]
pub struct Key {
    /// The encoding.
    pub format: KeyFormat,
    /// Whether the key is (still) encrypted.
    pub encrypted: bool,
    /// The encryption scheme, for encrypted keys: `PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations,
    /// AES-256-CBC)` or the DEK-Info cipher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// Whether the key was decrypted with the given password.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub decrypted: bool,
    /// The (public half of the) key, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKeyInfo>,
}

/// EC or DH domain parameters.
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    /// `ec` or `dh` (or `dsa`).
    pub algorithm: String,
    /// Named curve, for EC.
    pub curve: Option<String>,
    /// Size of the prime in bits, for DH/DSA.
    pub bits: Option<u32>,
}

/// A block that is none of the known kinds.
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    /// Its PEM label, if it had one.
    pub label: Option<String>,
    /// Size of its decoded bytes.
    pub size: usize,
}
