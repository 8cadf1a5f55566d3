//! PKCS#12 (RFC 7292), read bag by bag: one bag that cannot be decrypted or read (an RC4
//! key bag, a damaged certificate) is a bag with an error, and the others are still listed.
//!
//! The structure is parsed with RustCrypto `pkcs12`/`cms` types, element by element; the
//! primitives come from maintained crates: the PKCS#12 KDF (`pkcs12::kdf`), HMAC, PBES2
//! (`pkcs5` through `pkcs8`), and 3DES/RC2 in CBC mode for the PKCS#12 PBE schemes. Every
//! derivation is charged to the input's KDF budget before it runs (`super::kdf`).

use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use der::asn1::{BmpString, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use pkcs12::kdf::{derive_key, Pkcs12KeyType};
use pkcs12::{MacData, Pfx, SafeBag};
use zeroize::Zeroizing;

use super::cbc::cbc_decrypt;

use super::kdf::{self, Cost};
use crate::asn1::oids;
use crate::asn1::tlv;
use crate::input::secret::Secret;

/// What a bag holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BagKind {
    /// An X.509 certificate (certBag).
    Certificate,
    /// A private key (keyBag or pkcs8ShroudedKeyBag).
    Key,
    /// Anything else (CRL or secret bags, an encrypted SafeContents that could not be
    /// opened, a bag of unknown type): what it is, in words.
    Other(String),
}

/// One bag.
#[derive(Debug)]
pub struct Bag {
    /// What it holds.
    pub kind: BagKind,
    /// Certificate DER or PKCS#8 key DER; empty when `error` is set or for `Other`.
    pub der: Zeroizing<Vec<u8>>,
    /// Size of the bag's encoding (what an `Other` bag is described by).
    pub size: usize,
    /// Why the bag could not be read; the other bags are unaffected.
    pub error: Option<String>,
    /// friendlyName.
    pub friendly_name: Option<String>,
    /// localKeyId.
    pub local_key_id: Option<Vec<u8>>,
    /// How the bag was encrypted (its own shroud, or its SafeContents'); `None` in the clear.
    pub encryption: Option<BagEncryption>,
}

/// The password-based encryption a bag was stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagEncryption {
    /// The scheme in words: `PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)`,
    /// `pbeWithSHAAnd40BitRC2-CBC (2048 iterations)`, or the OID.
    pub scheme: String,
    /// The key derivation's iteration count, when it has one.
    pub iterations: Option<u64>,
    /// Whether the bag itself is a pkcs8ShroudedKeyBag (else the SafeContents is encrypted).
    pub shrouded: bool,
}

/// An opened PFX: its bags and its MAC.
#[derive(Debug)]
pub struct Opened {
    /// Every bag, in file order.
    pub bags: Vec<Bag>,
    /// The MAC, described; `None` when the file has none.
    pub mac: Option<crate::model::Pkcs12Mac>,
}

/// Why a PKCS#12 file could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum Pkcs12Error {
    /// The MAC did not verify with the password given.
    #[error("wrong password for PKCS#12 file (the MAC does not verify)")]
    WrongPassword,
    /// No password was given and the MAC verifies with neither the empty nor the NULL
    /// password: the file has one.
    #[error(
        "PKCS#12 file protected by a password (its MAC does not verify with the empty or the \
         NULL password); give one with --password (pass:, env:, file:)"
    )]
    NeedPassword,
    /// A key derivation over the input's KDF budget (the MAC's, checked before deriving).
    #[error("PKCS#12: {0}")]
    Limit(String),
    /// Anything else.
    #[error("PKCS#12: {0}")]
    Other(String),
}

/// SafeContents nested in safeContentsBags deeper than this are not read.
const MAX_NESTING: usize = 8;

/// A password as the two encodings need it: PKCS#12 KDF (BMPString, big-endian UTF-16)
/// and PBES2 (UTF-8 octets).
struct Password {
    bmp: Zeroizing<Vec<u8>>,
    utf8: Zeroizing<Vec<u8>>,
}

impl Password {
    /// A password given as text: BMPString with the two-byte NUL terminator (RFC 7292 B.1).
    fn text(s: &str) -> Password {
        let mut bmp: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        bmp.extend_from_slice(&[0, 0]);
        Password {
            bmp: Zeroizing::new(bmp),
            utf8: Zeroizing::new(s.as_bytes().to_vec()),
        }
    }

    /// The NULL password: zero bytes, without the terminator, which some writers use for
    /// "no password" (openssl's and pyca's readers try it after the empty one).
    fn null() -> Password {
        Password {
            bmp: Zeroizing::new(Vec::new()),
            utf8: Zeroizing::new(Vec::new()),
        }
    }
}

/// The passwords to try, and whether one was given: the given one; or, when none or the
/// empty one was given, the empty and the NULL password, as openssl does.
fn candidates(password: Option<&Secret>) -> Vec<Password> {
    match password.map(Secret::expose) {
        Some(p) if !p.is_empty() => vec![Password::text(p)],
        _ => vec![Password::text(""), Password::null()],
    }
}

/// The bags of a PFX: [`open`] without the MAC description.
pub fn decode(
    der: &[u8],
    password: Option<&Secret>,
    budget: &kdf::Budget,
) -> Result<Vec<Bag>, Pkcs12Error> {
    open(der, password, budget).map(|o| o.bags)
}

/// Opens a PFX. A MAC is verified first (its derivation charged to `budget`); then every
/// SafeContents and every bag is read on its own, so a bag that cannot be read costs only
/// itself. Without a password, the empty and the NULL password are tried.
pub fn open(
    der: &[u8],
    password: Option<&Secret>,
    budget: &kdf::Budget,
) -> Result<Opened, Pkcs12Error> {
    // Some writers (old Windows, Java) use BER; the structure types read DER only.
    let normalised;
    let data = match tlv::read(der) {
        Ok((t, _)) if t.indefinite => {
            normalised = tlv::ber_to_der(der).map_err(|e| Pkcs12Error::Other(e.to_string()))?;
            normalised.as_slice()
        }
        _ => der,
    };
    let pfx = Pfx::from_der(data).map_err(|e| Pkcs12Error::Other(e.to_string()))?;
    if pfx.auth_safe.content_type != DATA {
        return Err(Pkcs12Error::Other(format!(
            "authSafe of type {} (public-key integrity mode) is not supported",
            pfx.auth_safe.content_type
        )));
    }
    let content = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(|e| Pkcs12Error::Other(e.to_string()))?;
    let content = content.as_bytes();
    let given = password.is_some_and(|p| !p.expose().is_empty());
    let mut passwords = candidates(password);
    if let Some(mac) = &pfx.mac_data {
        let index = verify_mac(mac, &passwords, content, budget)?;
        match index {
            Some(i) if i < passwords.len() => {
                passwords.swap(0, i);
                passwords.truncate(1);
            }
            _ if given => return Err(Pkcs12Error::WrongPassword),
            _ => return Err(Pkcs12Error::NeedPassword),
        }
    }
    let mut reader = Reader {
        passwords,
        given,
        budget,
        bags: Vec::new(),
        safe_encryption: None,
    };
    reader.authenticated_safe(content);
    Ok(Opened {
        bags: reader.bags,
        mac: pfx.mac_data.as_ref().map(describe_mac),
    })
}

/// The MAC as `openssl pkcs12 -info` reports it: digest, iterations, salt length.
fn describe_mac(mac: &MacData) -> crate::model::Pkcs12Mac {
    let oid = mac.mac.algorithm.oid.to_string();
    let algorithm = match oid.as_str() {
        "1.3.14.3.2.26" => "sha1",
        "2.16.840.1.101.3.4.2.4" => "sha224",
        "2.16.840.1.101.3.4.2.1" => "sha256",
        "2.16.840.1.101.3.4.2.2" => "sha384",
        "2.16.840.1.101.3.4.2.3" => "sha512",
        "2.16.840.1.101.3.4.2.5" => "sha512-224",
        "2.16.840.1.101.3.4.2.6" => "sha512-256",
        _ => oid.as_str(),
    };
    crate::model::Pkcs12Mac {
        algorithm: algorithm.to_string(),
        iterations: u64::try_from(mac.iterations).unwrap_or(0),
        salt_length: mac.mac_salt.as_bytes().len(),
    }
}

/// An AlgorithmIdentifier of a password-based scheme in words, with its iteration count:
/// PBES2 as the PKCS#8 keys describe it, a PKCS#12 PBE scheme (decryptable or not, RC4
/// included) by name and iterations, anything else by name or OID.
fn describe_scheme(alg: &[u8]) -> (String, Option<u64>) {
    let Some(oid) = tlv::read(alg)
        .ok()
        .and_then(|(seq, _)| seq.children().next()?.ok())
        .filter(|t| t.tag == tlv::OID)
        .and_then(|t| oids::dotted(t.value))
    else {
        return ("malformed encryption algorithm".to_string(), None);
    };
    if oid == PBES2.to_string() {
        return match pkcs8::pkcs5::EncryptionScheme::try_from(alg) {
            Ok(s) => super::key::describe_scheme(&s),
            Err(_) => ("PBES2 (malformed parameters)".to_string(), None),
        };
    }
    let name = oids::name_or_oid(oids::pbe(&oid), &oid);
    let params = tlv::read(alg)
        .ok()
        .and_then(|(seq, _)| seq.children().nth(1)?.ok())
        .and_then(|t| pkcs12::pbe_params::Pkcs12PbeParams::from_der(t.raw).ok());
    match params.and_then(|p| u64::try_from(p.iterations).ok()) {
        Some(n) if oid.starts_with("1.2.840.113549.1.12.1.") => {
            (format!("{name} ({n} iterations)"), Some(n))
        }
        _ => (name, None),
    }
}

const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const CRL_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.4");
const SECRET_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.5");
const SAFE_CONTENTS_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.6");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// Which candidate password verifies the MAC (each try charged to `budget`), if any.
fn verify_mac(
    mac: &MacData,
    passwords: &[Password],
    data: &[u8],
    budget: &kdf::Budget,
) -> Result<Option<usize>, Pkcs12Error> {
    let iterations = u64::try_from(mac.iterations)
        .map_err(|_| Pkcs12Error::Other("negative MAC iteration count".to_string()))?;
    let cost = Cost::rounds(iterations);
    for (i, password) in passwords.iter().enumerate() {
        budget.charge("the MAC", cost).map_err(Pkcs12Error::Limit)?;
        if mac_matches(mac, &password.bmp, data)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// HMAC under a PKCS#12-KDF key (RFC 7292 B.4), for each digest a MAC may use.
macro_rules! hmac_matches {
    ($digest:ty, $mac:expr, $password:expr, $data:expr) => {{
        use hmac::{KeyInit, Mac};
        let key = Zeroizing::new(derive_key::<$digest>(
            $password,
            $mac.mac_salt.as_bytes(),
            Pkcs12KeyType::Mac,
            $mac.iterations,
            <$digest as hmac::digest::OutputSizeUser>::output_size(),
        ));
        let mut hmac = hmac::Hmac::<$digest>::new_from_slice(&key)
            .map_err(|e| Pkcs12Error::Other(e.to_string()))?;
        hmac.update($data);
        Ok(hmac.verify_slice($mac.mac.digest.as_bytes()).is_ok())
    }};
}

fn mac_matches(mac: &MacData, password: &[u8], data: &[u8]) -> Result<bool, Pkcs12Error> {
    let oid = mac.mac.algorithm.oid.to_string();
    match oid.as_str() {
        "1.3.14.3.2.26" => hmac_matches!(sha1::Sha1, mac, password, data),
        "2.16.840.1.101.3.4.2.4" => hmac_matches!(sha2::Sha224, mac, password, data),
        "2.16.840.1.101.3.4.2.1" => hmac_matches!(sha2::Sha256, mac, password, data),
        "2.16.840.1.101.3.4.2.2" => hmac_matches!(sha2::Sha384, mac, password, data),
        "2.16.840.1.101.3.4.2.3" => hmac_matches!(sha2::Sha512, mac, password, data),
        "2.16.840.1.101.3.4.2.5" => hmac_matches!(sha2::Sha512_224, mac, password, data),
        "2.16.840.1.101.3.4.2.6" => hmac_matches!(sha2::Sha512_256, mac, password, data),
        _ => Err(Pkcs12Error::Other(format!(
            "MAC digest {oid} is not supported"
        ))),
    }
}

/// Walks the authenticated safe and its bags, collecting them.
struct Reader<'b> {
    /// Passwords still possible: one once the MAC or a decryption has told which.
    passwords: Vec<Password>,
    /// Whether the user gave a (non-empty) password.
    given: bool,
    budget: &'b kdf::Budget,
    bags: Vec<Bag>,
    /// The encryption of the SafeContents being read, if it is encrypted.
    safe_encryption: Option<BagEncryption>,
}

impl Reader<'_> {
    fn other(&mut self, what: impl Into<String>, size: usize, error: Option<String>) {
        self.bags.push(Bag {
            kind: BagKind::Other(what.into()),
            der: Zeroizing::default(),
            size,
            error,
            friendly_name: None,
            local_key_id: None,
            encryption: self.safe_encryption.clone(),
        });
    }

    /// `AuthenticatedSafe ::= SEQUENCE OF ContentInfo`, one ContentInfo at a time.
    fn authenticated_safe(&mut self, content: &[u8]) {
        let safe = match tlv::read(content) {
            Ok((t, _)) if t.tag == tlv::SEQUENCE => t,
            Ok(_) => {
                return self.other(
                    "authenticated safe",
                    content.len(),
                    Some("not a SEQUENCE".into()),
                )
            }
            Err(e) => return self.other("authenticated safe", content.len(), Some(e.to_string())),
        };
        for element in safe.children() {
            let element = match element {
                Ok(e) => e,
                Err(e) => {
                    // Past a broken length nothing more can be found.
                    let error = format!("{e}; the rest of the file is not read");
                    return self.other("SafeContents", 0, Some(error));
                }
            };
            self.content_info(element.raw);
        }
    }

    fn content_info(&mut self, raw: &[u8]) {
        let ci = match ContentInfo::from_der(raw) {
            Ok(ci) => ci,
            Err(e) => return self.other("SafeContents", raw.len(), Some(e.to_string())),
        };
        self.safe_encryption = None;
        if ci.content_type == DATA {
            match ci.content.decode_as::<OctetString>() {
                Ok(os) => self.safe_contents(os.as_bytes(), 0),
                Err(e) => self.other("SafeContents", raw.len(), Some(e.to_string())),
            }
        } else if ci.content_type == ENCRYPTED_DATA {
            let encrypted = ci
                .content
                .to_der()
                .map_err(|e| e.to_string())
                .and_then(|d| EncryptedData::from_der(&d).map_err(|e| e.to_string()));
            let encrypted = match encrypted {
                Ok(e) => e,
                Err(e) => return self.other("encrypted SafeContents", raw.len(), Some(e)),
            };
            let eci = &encrypted.enc_content_info;
            let Some(ciphertext) = eci.encrypted_content.as_ref() else {
                return;
            };
            let alg = eci.content_enc_alg.to_der().map_err(|e| e.to_string());
            if let Ok(alg) = &alg {
                let (scheme, iterations) = describe_scheme(alg);
                self.safe_encryption = Some(BagEncryption {
                    scheme,
                    iterations,
                    shrouded: false,
                });
            }
            let plain = alg.and_then(|alg| self.decrypt(&alg, ciphertext.as_bytes(), "it"));
            match plain {
                Ok(p) => self.safe_contents(&p, 0),
                Err(e) => self.other("encrypted SafeContents", raw.len(), Some(e)),
            }
            self.safe_encryption = None;
        } else {
            let error = format!(
                "content type {} (public-key privacy mode) is not supported",
                ci.content_type
            );
            self.other("SafeContents", raw.len(), Some(error));
        }
    }

    /// `SafeContents ::= SEQUENCE OF SafeBag`, one bag at a time.
    fn safe_contents(&mut self, data: &[u8], depth: usize) {
        let seq = match tlv::read(data) {
            Ok((t, _)) if t.tag == tlv::SEQUENCE => t,
            Ok(_) => return self.other("SafeContents", data.len(), Some("not a SEQUENCE".into())),
            Err(e) => return self.other("SafeContents", data.len(), Some(e.to_string())),
        };
        for element in seq.children() {
            match element {
                Ok(e) => self.bag(e.raw, depth),
                Err(e) => {
                    let error = format!("{e}; the rest of this SafeContents is not read");
                    return self.other("bag", 0, Some(error));
                }
            }
        }
    }

    fn bag(&mut self, raw: &[u8], depth: usize) {
        let bag = match SafeBag::from_der(raw) {
            Ok(b) => b,
            Err(e) => return self.other("bag", raw.len(), Some(e.to_string())),
        };
        let friendly_name = attribute(&bag, &FRIENDLY_NAME)
            .and_then(|v| BmpString::from_der(&v).ok())
            .map(|s| s.to_string());
        let local_key_id = attribute(&bag, &LOCAL_KEY_ID)
            .and_then(|v| OctetString::from_der(&v).ok())
            .map(|s| s.into_bytes().into_vec());
        // bagValue [0] EXPLICIT: the value is the one element inside.
        let value = tlv::read(&bag.bag_value)
            .ok()
            .filter(|(t, _)| t.tag == 0xa0)
            .map(|(t, _)| t.value)
            .unwrap_or(&[]);
        let mut encryption = self.safe_encryption.clone();
        let (kind, content) = if bag.bag_id == CERT_BAG {
            (BagKind::Certificate, certificate(value))
        } else if bag.bag_id == KEY_BAG {
            (BagKind::Key, Ok(Zeroizing::new(value.to_vec())))
        } else if bag.bag_id == SHROUDED_KEY_BAG {
            encryption = Some(shroud(value));
            (BagKind::Key, self.shrouded_key(value))
        } else if bag.bag_id == SAFE_CONTENTS_BAG && depth < MAX_NESTING {
            return self.safe_contents(value, depth + 1);
        } else {
            let what = if bag.bag_id == CRL_BAG {
                "CRL bag".to_string()
            } else if bag.bag_id == SECRET_BAG {
                "secret bag".to_string()
            } else if bag.bag_id == SAFE_CONTENTS_BAG {
                "safeContentsBag nested too deep".to_string()
            } else {
                format!("bag of type {}", bag.bag_id)
            };
            let error = format!("{what}: not read by certscope");
            (BagKind::Other(what), Err(error))
        };
        let (der, error) = match content {
            Ok(d) => (d, None),
            Err(e) => (Zeroizing::default(), Some(e)),
        };
        self.bags.push(Bag {
            kind,
            der,
            size: raw.len(),
            error,
            friendly_name,
            local_key_id,
            encryption,
        });
    }

    /// `EncryptedPrivateKeyInfo` of a pkcs8ShroudedKeyBag, decrypted.
    fn shrouded_key(&mut self, value: &[u8]) -> Result<Zeroizing<Vec<u8>>, String> {
        let (seq, _) = tlv::read(value).map_err(|e| e.to_string())?;
        let mut parts = seq.children();
        let alg = parts
            .next()
            .and_then(Result::ok)
            .filter(|t| t.tag == tlv::SEQUENCE)
            .ok_or("shrouded key bag without an encryption algorithm")?;
        let data = parts
            .next()
            .and_then(Result::ok)
            .filter(|t| t.tag == tlv::OCTET_STRING)
            .ok_or("shrouded key bag without encrypted data")?;
        self.decrypt(alg.raw, data.value, "the key")
    }

    /// Decrypts `data` under the AlgorithmIdentifier `alg` with the candidate passwords,
    /// charging each derivation to the budget first. A result must be one DER element,
    /// so that a wrong password is not taken for a right one.
    fn decrypt(
        &mut self,
        alg: &[u8],
        data: &[u8],
        what: &str,
    ) -> Result<Zeroizing<Vec<u8>>, String> {
        let scheme = Scheme::of(alg)?;
        let cost = scheme.cost()?;
        let mut found = None;
        let mut tried_utf8: Vec<&[u8]> = Vec::new();
        for (i, password) in self.passwords.iter().enumerate() {
            // PBES2 sees the empty and the NULL password alike.
            if matches!(scheme, Scheme::Pbes2(_)) && tried_utf8.contains(&&password.utf8[..]) {
                continue;
            }
            tried_utf8.push(&password.utf8);
            self.budget.charge(what, cost)?;
            let plain = kdf::derive(cost, || scheme.decrypt(password, data));
            if let Some(plain) = plain.filter(|p| one_element(p)) {
                found = Some((i, plain));
                break;
            }
        }
        if let Some((i, plain)) = found {
            // The file's password is known now: no more guessing for the other bags.
            self.passwords.swap(0, i);
            self.passwords.truncate(1);
            return Ok(plain);
        }
        Err(if self.given {
            "wrong password, or the bag is damaged".to_string()
        } else {
            "cannot be decrypted with the empty or the NULL password; give the password with \
             --password"
                .to_string()
        })
    }
}

/// The scheme of a pkcs8ShroudedKeyBag's `EncryptedPrivateKeyInfo`.
fn shroud(value: &[u8]) -> BagEncryption {
    let alg = tlv::read(value)
        .ok()
        .and_then(|(seq, _)| seq.children().next()?.ok())
        .map_or(&[][..], |t| t.raw);
    let (scheme, iterations) = describe_scheme(alg);
    BagEncryption {
        scheme,
        iterations,
        shrouded: true,
    }
}

/// `CertBag { certId, certValue [0] EXPLICIT OCTET STRING }`: the certificate DER.
fn certificate(value: &[u8]) -> Result<Zeroizing<Vec<u8>>, String> {
    let bag = pkcs12::CertBag::from_der(value).map_err(|e| e.to_string())?;
    if bag.cert_id != X509_CERTIFICATE {
        return Err(format!(
            "certificate of type {} (not X.509) is not read by certscope",
            bag.cert_id
        ));
    }
    Ok(Zeroizing::new(bag.cert_value.into_bytes().into_vec()))
}

/// The first value of a bag attribute, DER.
fn attribute(bag: &SafeBag, oid: &ObjectIdentifier) -> Option<Vec<u8>> {
    bag.bag_attributes
        .as_ref()?
        .iter()
        .find(|a| a.oid == *oid)?
        .values
        .iter()
        .next()?
        .to_der()
        .ok()
}

fn one_element(data: &[u8]) -> bool {
    tlv::read(data).is_ok_and(|(t, rest)| t.tag == tlv::SEQUENCE && rest.is_empty())
}

/// A password-based encryption scheme of a bag or SafeContents.
enum Scheme {
    /// PBES2 (PBKDF2 or scrypt), through `pkcs5`.
    Pbes2(pkcs8::pkcs5::EncryptionScheme),
    /// A PKCS#12 PBE scheme (RFC 7292 Appendix C) with a block cipher in CBC mode.
    Pkcs12 {
        cipher: Pkcs12Cipher,
        salt: Vec<u8>,
        iterations: i32,
    },
}

/// The block ciphers of the PKCS#12 PBE schemes that certscope decrypts.
#[derive(Clone, Copy)]
enum Pkcs12Cipher {
    TripleDes3Key,
    TripleDes2Key,
    Rc2_128,
    Rc2_40,
}

impl Scheme {
    fn of(alg: &[u8]) -> Result<Scheme, String> {
        let oid = tlv::read(alg)
            .ok()
            .and_then(|(seq, _)| seq.children().next()?.ok())
            .filter(|t| t.tag == tlv::OID)
            .and_then(|t| oids::dotted(t.value))
            .ok_or("malformed encryption algorithm")?;
        let cipher = match oid.as_str() {
            "1.2.840.113549.1.12.1.3" => Pkcs12Cipher::TripleDes3Key,
            "1.2.840.113549.1.12.1.4" => Pkcs12Cipher::TripleDes2Key,
            "1.2.840.113549.1.12.1.5" => Pkcs12Cipher::Rc2_128,
            "1.2.840.113549.1.12.1.6" => Pkcs12Cipher::Rc2_40,
            o if o == PBES2.to_string() => {
                let scheme = pkcs8::pkcs5::EncryptionScheme::try_from(alg)
                    .map_err(|e| format!("PBES2 parameters: {e}"))?;
                return Ok(Scheme::Pbes2(scheme));
            }
            o => {
                return Err(format!(
                    "encrypted with {}, which certscope does not decrypt",
                    oids::name_or_oid(oids::pbe(o), o)
                ))
            }
        };
        let params = pkcs12::pbe_params::Pkcs12PbeParams::from_der(
            tlv::read(alg)
                .ok()
                .and_then(|(seq, _)| seq.children().nth(1)?.ok())
                .map(|t| t.raw)
                .unwrap_or(&[]),
        )
        .map_err(|e| format!("PKCS#12 PBE parameters: {e}"))?;
        if params.iterations < 1 {
            return Err(format!("iteration count {}", params.iterations));
        }
        Ok(Scheme::Pkcs12 {
            cipher,
            salt: params.salt.into_bytes().into_vec(),
            iterations: params.iterations,
        })
    }

    fn cost(&self) -> Result<Cost, String> {
        match self {
            Scheme::Pbes2(s) => kdf::pkcs5_cost(s),
            // Two derivations: the key and the IV.
            Scheme::Pkcs12 { iterations, .. } => Ok(Cost::rounds(
                u64::try_from(*iterations).unwrap_or(0).saturating_mul(2),
            )),
        }
    }

    /// The plaintext, or None when the password does not fit (bad padding).
    fn decrypt(&self, password: &Password, data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            Scheme::Pbes2(s) => s.decrypt(&password.utf8[..], data).ok().map(Zeroizing::new),
            Scheme::Pkcs12 {
                cipher,
                salt,
                iterations,
            } => {
                let key_len = match cipher {
                    Pkcs12Cipher::TripleDes3Key => 24,
                    Pkcs12Cipher::TripleDes2Key | Pkcs12Cipher::Rc2_128 => 16,
                    Pkcs12Cipher::Rc2_40 => 5,
                };
                let key = Zeroizing::new(derive_key::<sha1::Sha1>(
                    &password.bmp,
                    salt,
                    Pkcs12KeyType::EncryptionKey,
                    *iterations,
                    key_len,
                ));
                let iv = derive_key::<sha1::Sha1>(
                    &password.bmp,
                    salt,
                    Pkcs12KeyType::Iv,
                    *iterations,
                    8,
                );
                match cipher {
                    Pkcs12Cipher::TripleDes3Key => cbc_decrypt::<des::TdesEde3>(&key, &iv, data),
                    Pkcs12Cipher::TripleDes2Key => cbc_decrypt::<des::TdesEde2>(&key, &iv, data),
                    Pkcs12Cipher::Rc2_128 | Pkcs12Cipher::Rc2_40 => {
                        cbc_decrypt::<rc2::Rc2>(&key, &iv, data)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAF_AES: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-aes.p12");
    const LEAF_LEGACY: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-legacy.p12");
    const LEAF_3DES: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-3des.p12");
    const LEAF_RC4_KEY: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-rc4-key.p12");
    const LEAF_NULL: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-null-password.p12");
    const LEAF_NOPASS: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-nopass.p12");

    fn budget(work: u64) -> kdf::Budget {
        kdf::Budget::new(work, 256 << 20)
    }

    fn kinds(bags: &[Bag]) -> Vec<(BagKind, bool)> {
        bags.iter()
            .map(|b| (b.kind.clone(), b.error.is_none()))
            .collect()
    }

    fn test() -> Secret {
        Secret::new("test".into())
    }

    #[test]
    fn every_fixture_scheme_opens() {
        for data in [LEAF_AES, LEAF_LEGACY, LEAF_3DES] {
            let bags = decode(data, Some(&test()), &budget(10_000_000)).unwrap();
            assert_eq!(
                kinds(&bags),
                [
                    (BagKind::Certificate, true),
                    (BagKind::Certificate, true),
                    (BagKind::Certificate, true),
                    (BagKind::Key, true)
                ]
            );
            assert_eq!(bags[0].friendly_name.as_deref(), Some("leaf"));
            assert_eq!(bags[3].local_key_id, bags[0].local_key_id);
        }
        let bags = decode(LEAF_NOPASS, None, &budget(10_000_000)).unwrap();
        assert_eq!(bags.len(), 4);
    }

    #[test]
    fn rc4_key_bag_is_a_bag_with_an_error() {
        let bags = decode(LEAF_RC4_KEY, Some(&test()), &budget(10_000_000)).unwrap();
        assert_eq!(bags.len(), 4);
        assert!(bags[..3].iter().all(|b| b.error.is_none()));
        let err = bags[3].error.as_deref().unwrap();
        assert!(err.contains("pbeWithSHAAnd128BitRC4"), "{err}");
        assert_eq!(bags[3].kind, BagKind::Key);
    }

    #[test]
    fn null_and_empty_passwords_are_tried() {
        for pw in [None, Some(Secret::new(String::new()))] {
            let bags = decode(LEAF_NULL, pw.as_ref(), &budget(10_000_000)).unwrap();
            assert_eq!(bags.len(), 4);
            assert!(bags.iter().all(|b| b.error.is_none()));
        }
    }

    #[test]
    fn no_password_is_never_a_wrong_one() {
        let err = decode(LEAF_AES, None, &budget(10_000_000)).unwrap_err();
        assert!(matches!(err, Pkcs12Error::NeedPassword), "{err}");
        assert!(!err.to_string().contains("wrong"));
        let err = decode(
            LEAF_AES,
            Some(&Secret::new("nope".into())),
            &budget(10_000_000),
        )
        .unwrap_err();
        assert!(matches!(err, Pkcs12Error::WrongPassword), "{err}");
    }

    #[test]
    fn mac_over_the_budget_is_refused_before_deriving() {
        let err = decode(LEAF_AES, Some(&test()), &budget(100))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("asks for 2048 KDF iterations, over the limit of 100"),
            "{err}"
        );
        assert!(err.contains("--max-kdf-iterations"), "{err}");
    }

    #[test]
    fn bags_share_the_budget() {
        // MAC 2048 and the certificates' safe 2048 fit in 5000; the key's 2048 does not.
        let bags = decode(LEAF_AES, Some(&test()), &budget(5000)).unwrap();
        assert_eq!(bags.len(), 4);
        assert!(bags[..3].iter().all(|b| b.error.is_none()));
        let err = bags[3].error.as_deref().unwrap();
        assert!(err.contains("KDF budget"), "{err}");
    }

    #[test]
    fn text_passwords_are_bmp_with_a_terminator() {
        assert_eq!(&Password::text("ab").bmp[..], [0, b'a', 0, b'b', 0, 0]);
        assert_eq!(&Password::text("").bmp[..], [0, 0]);
        assert!(Password::null().bmp.is_empty());
        // Outside the BMP: a surrogate pair, as openssl encodes it.
        assert_eq!(Password::text("\u{1F600}").bmp.len(), 6);
    }

    fn der(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        tlv::write_header(&mut out, tag, body.len());
        out.extend_from_slice(body);
        out
    }

    /// leaf-nopass.p12's certificates, in one SafeContents encrypted under
    /// pbeWithSHAAnd3-KeyTripleDES-CBC with the NULL password (no MAC): what old writers
    /// make for "no password".
    fn null_password_3des() -> Vec<u8> {
        use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
        let pfx = Pfx::from_der(LEAF_NOPASS).unwrap();
        let content = pfx.auth_safe.content.decode_as::<OctetString>().unwrap();
        let (auth, _) = tlv::read(content.as_bytes()).unwrap();
        let first = auth.children().next().unwrap().unwrap();
        let ci = ContentInfo::from_der(first.raw).unwrap();
        let plain = ci.content.decode_as::<OctetString>().unwrap();
        let salt = [7u8; 8];
        let key = derive_key::<sha1::Sha1>(&[], &salt, Pkcs12KeyType::EncryptionKey, 2048, 24);
        let iv = derive_key::<sha1::Sha1>(&[], &salt, Pkcs12KeyType::Iv, 2048, 8);
        let ciphertext = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
            .unwrap()
            .encrypt_padded_vec::<Pkcs7>(plain.as_bytes());
        let oid = |o: &str| ObjectIdentifier::new_unwrap(o).to_der().unwrap();
        let params = der(
            0x30,
            &[der(0x04, &salt), vec![0x02, 0x02, 0x08, 0x00]].concat(),
        );
        let alg = der(0x30, &[oid("1.2.840.113549.1.12.1.3"), params].concat());
        let eci = der(
            0x30,
            &[DATA.to_der().unwrap(), alg, der(0x80, &ciphertext)].concat(),
        );
        let ed = der(0x30, &[vec![0x02, 0x01, 0x00], eci].concat());
        let ci = der(
            0x30,
            &[ENCRYPTED_DATA.to_der().unwrap(), der(0xa0, &ed)].concat(),
        );
        let auth_safe = der(0x30, &ci);
        let outer = der(
            0x30,
            &[DATA.to_der().unwrap(), der(0xa0, &der(0x04, &auth_safe))].concat(),
        );
        der(0x30, &[vec![0x02, 0x01, 0x03], outer].concat())
    }

    #[test]
    fn null_password_opens_pkcs12_pbe_bags() {
        let data = null_password_3des();
        for pw in [None, Some(Secret::new(String::new()))] {
            let bags = decode(&data, pw.as_ref(), &budget(10_000_000)).unwrap();
            assert_eq!(
                kinds(&bags),
                [
                    (BagKind::Certificate, true),
                    (BagKind::Certificate, true),
                    (BagKind::Certificate, true)
                ]
            );
        }
        // Another password fails the bag, not the file, and says so.
        let bags = decode(&data, Some(&test()), &budget(10_000_000)).unwrap();
        assert_eq!(bags.len(), 1);
        let err = bags[0].error.as_deref().unwrap();
        assert!(err.contains("wrong password"), "{err}");
    }

    #[test]
    fn truncated_files_never_panic() {
        for cut in 0..LEAF_LEGACY.len() {
            let _ = decode(&LEAF_LEGACY[..cut], Some(&test()), &budget(10_000_000));
        }
    }
}
