//! PKCS#12 (RFC 7292) through `p12-keystore`: PBES2/AES, 3DES and RC2-40 bags, SHA-1 and
//! SHA-2 MACs, files without a MAC.

use p12_keystore::error::Error as P12Error;
use p12_keystore::Pkcs12Archive;

use crate::secret::Secret;
use crate::tlv;

/// One bag.
#[derive(Debug)]
pub struct Bag {
    /// Certificate DER or PKCS#8 key DER.
    pub der: zeroize::Zeroizing<Vec<u8>>,
    /// True for a key bag.
    pub is_key: bool,
    /// friendlyName.
    pub friendly_name: Option<String>,
    /// localKeyId.
    pub local_key_id: Option<Vec<u8>>,
}

/// Why a PKCS#12 file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum Pkcs12Error {
    /// The MAC did not verify with the password (or no password was given).
    #[error("wrong password for PKCS#12 file (the MAC does not verify){hint}")]
    WrongPassword {
        /// Added when no password was given.
        hint: &'static str,
    },
    /// Anything else.
    #[error("PKCS#12: {0}")]
    Other(String),
}

/// Opens a PFX. Without a password, the empty password is tried (files written with
/// `-passout pass:`), as openssl does.
pub fn decode(der: &[u8], password: Option<&Secret>) -> Result<Vec<Bag>, Pkcs12Error> {
    // Some writers (old Windows, Java) use BER; p12-keystore reads DER only.
    let normalised;
    let data = match tlv::read(der) {
        Ok((t, _)) if t.indefinite => {
            normalised = tlv::ber_to_der(der).map_err(|e| Pkcs12Error::Other(e.to_string()))?;
            normalised.as_slice()
        }
        _ => der,
    };
    let pass = password.map(|p| p.expose()).unwrap_or("");
    let archive = Pkcs12Archive::from_pkcs12(data, pass).map_err(|e| match e {
        P12Error::MacError(_) => Pkcs12Error::WrongPassword {
            hint: if password.is_none() {
                "; give one with --password (pass:, env:, file:)"
            } else {
                ""
            },
        },
        other => Pkcs12Error::Other(other.to_string()),
    })?;
    let mut out = Vec::new();
    for c in archive.certs {
        out.push(Bag {
            der: zeroize::Zeroizing::new(c.cert.as_der().to_vec()),
            is_key: false,
            friendly_name: c.friendly_name,
            local_key_id: c.local_key_id,
        });
    }
    for k in archive.keys {
        out.push(Bag {
            der: zeroize::Zeroizing::new(k.key.as_der().to_vec()),
            is_key: true,
            friendly_name: k.friendly_name,
            local_key_id: k.local_key_id.map(|l| l.0),
        });
    }
    Ok(out)
}
