//! Private keys (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, OpenSSL DSA, legacy encrypted PEM),
//! public keys (SPKI, PKCS#1) and domain parameters.
//!
//! Private values are parsed only to derive the public half (for the SPKI pin that links a
//! key to its certificate) and are never copied into the model.

use der::{Decode, Encode};
use zeroize::Zeroizing;

use crate::model::{Key, KeyFormat, Parameters, PublicKeyInfo};
use crate::oids;
use crate::secret::Secret;
use crate::tlv;

use super::{kdf, spki};

/// What decoding a key produced: the model and, when known, the SPKI DER.
pub struct DecodedKey {
    /// The model.
    pub key: Key,
    /// The DER SubjectPublicKeyInfo of the key (derived for private keys).
    pub spki: Option<Vec<u8>>,
    /// A problem that still left a usable result (the key is reported, the pin is not).
    pub warning: Option<String>,
}

fn plain(format: KeyFormat, spki_der: Option<Vec<u8>>) -> DecodedKey {
    let public_key = spki_der.as_deref().and_then(|s| spki::describe(s).ok());
    DecodedKey {
        key: Key {
            format,
            encrypted: false,
            encryption: None,
            decrypted: false,
            public_key,
        },
        spki: spki_der,
        warning: None,
    }
}

const RSA_ALG_ID: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// SEQUENCE { algorithm, BIT STRING key }.
fn build_spki(alg_id_der: &[u8], key: &[u8]) -> Vec<u8> {
    let mut bits = Vec::with_capacity(key.len() + 1);
    bits.push(0);
    bits.extend_from_slice(key);
    let mut body = alg_id_der.to_vec();
    tlv::write_header(&mut body, tlv::BIT_STRING, bits.len());
    body.extend_from_slice(&bits);
    let mut out = Vec::with_capacity(body.len() + 6);
    tlv::write_header(&mut out, tlv::SEQUENCE, body.len());
    out.extend_from_slice(&body);
    out
}

/// AlgorithmIdentifier { id-ecPublicKey, PARAMS } with the parameters' DER as given
/// (a named-curve OID or explicit ECParameters).
fn ec_alg_id(params_der: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(params_der.len() + 9);
    body.extend_from_slice(&[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
    body.extend_from_slice(params_der);
    let mut out = Vec::new();
    tlv::write_header(&mut out, tlv::SEQUENCE, body.len());
    out.extend_from_slice(&body);
    out
}

fn rsa_public_spki(private_der: &[u8]) -> Result<Vec<u8>, String> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(private_der).map_err(|e| e.to_string())?;
    let public = key.public_key().to_der().map_err(|e| e.to_string())?;
    Ok(build_spki(RSA_ALG_ID, &public))
}

/// PKCS#1 RSAPrivateKey.
pub fn pkcs1_private(der: &[u8]) -> Result<DecodedKey, String> {
    Ok(plain(KeyFormat::Pkcs1, Some(rsa_public_spki(der)?)))
}

/// PKCS#1 RSAPublicKey.
pub fn pkcs1_public(der: &[u8]) -> Result<DecodedKey, String> {
    pkcs1::RsaPublicKeyRef::from_der(der).map_err(|e| e.to_string())?;
    Ok(plain(KeyFormat::Pkcs1, Some(build_spki(RSA_ALG_ID, der))))
}

/// SubjectPublicKeyInfo.
pub fn spki_public(der: &[u8]) -> Result<DecodedKey, String> {
    spki::describe(der)?;
    Ok(plain(KeyFormat::Spki, Some(der.to_vec())))
}

/// SEC1 ECPrivateKey (RFC 5915): SEQUENCE { version 1, privateKey OCTET STRING,
/// [0] parameters OPTIONAL, [1] publicKey BIT STRING OPTIONAL }, read with the bounded TLV
/// walker because the `sec1` crate accepts named curves only, and explicit parameters are
/// what some HSMs and older OpenSSL write. `outer_params` is the DER of the enclosing
/// PKCS#8 algorithm's parameters, for a key that omits its own. The SPKI carries the
/// parameters exactly as the key does (named or explicit), as openssl derives it.
fn sec1_spki(der: &[u8], outer_params: Option<&[u8]>) -> Result<Option<Vec<u8>>, String> {
    let (seq, _) = tlv::read(der).map_err(|e| format!("ECPrivateKey: {e}"))?;
    if seq.tag != tlv::SEQUENCE {
        return Err("ECPrivateKey: not a SEQUENCE".to_string());
    }
    let kids = seq.child_vec().map_err(|e| format!("ECPrivateKey: {e}"))?;
    match (kids.first(), kids.get(1)) {
        (Some(v), Some(k))
            if v.tag == tlv::INTEGER && v.value == [1] && k.tag == tlv::OCTET_STRING => {}
        _ => return Err("ECPrivateKey: expected version 1 and a private key OCTET STRING".into()),
    }
    let tagged = |tag: u8| kids.iter().skip(2).find(|t| t.tag == tag);
    let own_params = tagged(0xa0).map(|t| t.value);
    let point = match tagged(0xa1) {
        Some(t) => {
            let (bits, _) =
                tlv::read(t.value).map_err(|e| format!("ECPrivateKey publicKey: {e}"))?;
            if bits.tag != tlv::BIT_STRING {
                return Err("ECPrivateKey publicKey: not a BIT STRING".to_string());
            }
            bits.value.get(1..)
        }
        None => None,
    };
    match (point, own_params.or(outer_params)) {
        (Some(point), Some(params)) => Ok(Some(build_spki(&ec_alg_id(params), point))),
        _ => Ok(None),
    }
}

/// SEC1 ECPrivateKey on its own.
pub fn sec1_private(der: &[u8]) -> Result<DecodedKey, String> {
    let spki_der = sec1_spki(der, None)?;
    let mut out = plain(KeyFormat::Sec1, spki_der);
    if out.spki.is_none() {
        out.warning = Some("the key holds no public point or curve; no SPKI pin".to_string());
    }
    Ok(out)
}

/// OpenSSL's DSAPrivateKey: SEQUENCE { version, p, q, g, y, x } (y is the public key).
pub fn dsa_private(der: &[u8]) -> Result<DecodedKey, String> {
    let (seq, _) = tlv::read(der).map_err(|e| e.to_string())?;
    let ints = seq.child_vec().map_err(|e| e.to_string())?;
    let [_, p, q, g, y, _] = ints.as_slice() else {
        return Err("a DSA private key has six integers".to_string());
    };
    let mut params = Vec::new();
    for t in [p, q, g] {
        params.extend_from_slice(t.raw);
    }
    let mut params_seq = Vec::new();
    tlv::write_header(&mut params_seq, tlv::SEQUENCE, params.len());
    params_seq.extend_from_slice(&params);
    let mut alg = vec![0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    alg.extend_from_slice(&params_seq);
    let mut alg_id = Vec::new();
    tlv::write_header(&mut alg_id, tlv::SEQUENCE, alg.len());
    alg_id.extend_from_slice(&alg);
    Ok(plain(KeyFormat::Dsa, Some(build_spki(&alg_id, y.raw))))
}

/// PKCS#8 PrivateKeyInfo / OneAsymmetricKey.
pub fn pkcs8_private(der: &[u8]) -> Result<DecodedKey, String> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| e.to_string())?;
    let oid = oids::display(info.algorithm.oid.as_bytes());
    let alg_der = info.algorithm.to_der().map_err(|e| e.to_string())?;
    let private = info.private_key.as_bytes();
    let spki_der = if let Some(public) = &info.public_key {
        Some(build_spki(&alg_der, public.raw_bytes()))
    } else {
        match oids::key_algorithm(&oid) {
            Some("rsa") | Some("rsa-pss") => Some(rsa_public_spki(private)?),
            Some("ec") => {
                let params = alg_params(&alg_der);
                sec1_spki(private, params.as_ref().map(|(_, t)| t.raw))?
            }
            Some("ed25519") => Some(build_spki(&alg_der, &ed25519_public(private)?)),
            _ => None,
        }
    };
    let mut out = plain(KeyFormat::Pkcs8, spki_der);
    if out.key.public_key.is_none() {
        let params = alg_params(&alg_der);
        out.key.public_key = spki::describe_parts(&oid, params.as_ref().map(|(_, t)| t), &[])
            .ok()
            .map(|mut k| {
                // Without the public value RSA/DSA sizes are unknown here.
                if k.algorithm == "rsa" {
                    k.bits = None;
                }
                k
            });
        out.warning = Some(format!(
            "cannot derive the public key for {}; no SPKI pin",
            out.key
                .public_key
                .as_ref()
                .map(PublicKeyInfo::summary)
                .unwrap_or(oid)
        ));
    }
    Ok(out)
}

fn alg_params(alg_der: &[u8]) -> Option<((), tlv::Tlv<'_>)> {
    let (seq, _) = tlv::read(alg_der).ok()?;
    let p = seq.children().nth(1)?.ok()?;
    Some(((), p))
}

/// Ed25519 private keys are `OCTET STRING (32-byte seed)` inside the PKCS#8 privateKey.
fn ed25519_public(private: &[u8]) -> Result<Vec<u8>, String> {
    let (t, _) = tlv::read(private).map_err(|e| e.to_string())?;
    let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
        t.value
            .try_into()
            .map_err(|_| "an Ed25519 seed has 32 bytes".to_string())?,
    );
    // ring, already the signature verifier, derives the public key: no second Ed25519
    // implementation in the tree (issue 19).
    let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed.as_slice())
        .map_err(|e| format!("Ed25519 seed rejected: {e}"))?;
    Ok(ring::signature::KeyPair::public_key(&pair)
        .as_ref()
        .to_vec())
}

/// PKCS#8 EncryptedPrivateKeyInfo: described always, decrypted when a password is given and
/// the derivation fits the input's KDF `budget` (checked before deriving).
pub fn pkcs8_encrypted(
    der: &[u8],
    password: Option<&Secret>,
    budget: &kdf::Budget,
) -> Result<DecodedKey, String> {
    let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der);
    let scheme = match &info {
        Ok(i) => describe_scheme(&i.encryption_algorithm).0,
        Err(_) => describe_unparsed_scheme(der),
    };
    let encrypted = |warning: Option<String>| DecodedKey {
        key: Key {
            format: KeyFormat::Pkcs8Encrypted,
            encrypted: true,
            encryption: Some(scheme.clone()),
            decrypted: false,
            public_key: None,
        },
        spki: None,
        warning,
    };
    let Some(password) = password else {
        return Ok(encrypted(None));
    };
    let info = match info {
        Ok(i) => i,
        Err(e) => {
            return Ok(encrypted(Some(format!(
                "cannot decrypt: unsupported scheme ({e})"
            ))))
        }
    };
    let cost = kdf::pkcs5_cost(&info.encryption_algorithm).map_err(|e| format!("the key {e}"))?;
    budget.charge("the key", cost)?;
    let doc = kdf::derive(cost, || info.decrypt(password.expose().as_bytes()))
        .map_err(|_| "wrong password, or the key is damaged".to_string())?;
    let mut out = pkcs8_private(doc.as_bytes())?;
    out.key.format = KeyFormat::Pkcs8Encrypted;
    out.key.encrypted = true;
    out.key.decrypted = true;
    out.key.encryption = Some(scheme);
    Ok(out)
}

fn describe_scheme(s: &pkcs8::pkcs5::EncryptionScheme) -> (String, Option<u64>) {
    use pkcs8::pkcs5::pbes2::{EncryptionScheme as Enc, Kdf, Pbkdf2Prf};
    match s {
        pkcs8::pkcs5::EncryptionScheme::Pbes2(p) => {
            let cipher = match p.encryption {
                Enc::Aes128Cbc { .. } => "AES-128-CBC",
                Enc::Aes192Cbc { .. } => "AES-192-CBC",
                Enc::Aes256Cbc { .. } => "AES-256-CBC",
                Enc::Aes128Gcm { .. } => "AES-128-GCM",
                Enc::Aes256Gcm { .. } => "AES-256-GCM",
                Enc::DesEde3Cbc { .. } => "DES-EDE3-CBC",
                _ => "other cipher",
            };
            match &p.kdf {
                Kdf::Pbkdf2(k) => {
                    let prf = match k.prf {
                        Pbkdf2Prf::HmacWithSha1 => "HMAC-SHA1",
                        Pbkdf2Prf::HmacWithSha224 => "HMAC-SHA224",
                        Pbkdf2Prf::HmacWithSha256 => "HMAC-SHA256",
                        Pbkdf2Prf::HmacWithSha384 => "HMAC-SHA384",
                        Pbkdf2Prf::HmacWithSha512 => "HMAC-SHA512",
                        _ => "HMAC-other",
                    };
                    (
                        format!(
                            "PBES2 (PBKDF2-{prf}, {} iterations, {cipher})",
                            k.iteration_count
                        ),
                        Some(u64::from(k.iteration_count)),
                    )
                }
                Kdf::Scrypt(sc) => (
                    format!(
                        "PBES2 (scrypt N=2^{}, r={}, p={}, {cipher})",
                        sc.cost_parameter.trailing_zeros(),
                        sc.block_size,
                        sc.parallelization
                    ),
                    None,
                ),
                _ => (format!("PBES2 (other KDF, {cipher})"), None),
            }
        }
        pkcs8::pkcs5::EncryptionScheme::Pbes1(alg) => {
            (oids::display_name(alg.oid().as_bytes(), oids::pbe), None)
        }
        _ => ("unknown scheme".to_string(), None),
    }
}

/// For schemes pkcs5 does not parse (PKCS#12 PBE OIDs): name the OID.
fn describe_unparsed_scheme(der: &[u8]) -> String {
    let oid = tlv::read(der)
        .ok()
        .and_then(|(seq, _)| seq.children().next()?.ok())
        .and_then(|alg| alg.children().next()?.ok())
        .filter(|oid| oid.tag == tlv::OID)
        .map(|oid| oids::display_name(oid.value, oids::pbe));
    oid.unwrap_or_else(|| "unknown scheme".to_string())
}

/// A traditional PEM key with `Proc-Type: 4,ENCRYPTED` and `DEK-Info: CIPHER,IV`.
pub fn legacy_encrypted(label: &str, dek_info: Option<&str>) -> DecodedKey {
    let cipher = dek_info
        .and_then(|d| d.split(',').next())
        .map(|c| c.trim().to_string())
        .unwrap_or_else(|| "unknown cipher".to_string());
    let algorithm = match label {
        "RSA PRIVATE KEY" => Some("rsa"),
        "EC PRIVATE KEY" => Some("ec"),
        "DSA PRIVATE KEY" => Some("dsa"),
        _ => None,
    };
    DecodedKey {
        key: Key {
            format: KeyFormat::LegacyEncrypted,
            encrypted: true,
            encryption: Some(format!("{cipher} (OpenSSL EVP_BytesToKey, MD5)")),
            decrypted: false,
            public_key: algorithm.map(|a| PublicKeyInfo {
                algorithm: a.to_string(),
                bits: None,
                curve: None,
            }),
        },
        spki: None,
        warning: None,
    }
}

/// EC PARAMETERS (a named curve OID) or DH PARAMETERS (SEQUENCE { p, g [, q] }).
pub fn parameters(label: Option<&str>, der: &[u8]) -> Result<Parameters, String> {
    let (t, _) = tlv::read(der).map_err(|e| e.to_string())?;
    if t.tag == tlv::OID {
        let oid = oids::dotted(t.value).ok_or("malformed curve OID")?;
        let (curve, bits) = match oids::curve(&oid) {
            Some((n, b)) => (n.to_string(), Some(b)),
            None => (oid, None),
        };
        return Ok(Parameters {
            algorithm: "ec".to_string(),
            curve: Some(curve),
            bits,
        });
    }
    let p = t
        .children()
        .next()
        .and_then(Result::ok)
        .filter(|p| p.tag == tlv::INTEGER)
        .ok_or("parameters without a prime")?;
    let algorithm = match label {
        Some(l) if l.starts_with("DSA") => "dsa",
        Some(l) if l.starts_with("EC") => "ec",
        _ => "dh",
    };
    Ok(Parameters {
        algorithm: algorithm.to_string(),
        curve: None,
        bits: Some(spki::integer_bits(p.value)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An openssl scrypt key (N=16384, r=1, p=1) with r and p patched to 127: a hang (over
    /// a minute) before scrypt was capped. Found by review while fuzzing.
    const SCRYPT_R127_P127: &[u8] =
        include_bytes!("../../fixtures/fuzz/pkcs12/pkcs8-scrypt-r127-p127.der");

    fn with_r_p(r: u8, p: u8) -> Vec<u8> {
        let mut d = SCRYPT_R127_P127.to_vec();
        // INTEGER r at offset 47, INTEGER p at 50 (see `openssl asn1parse`).
        assert_eq!((d[47], d[48], d[50], d[51]), (2, 1, 2, 1));
        d[49] = r;
        d[52] = p;
        d
    }

    fn budget(work: u64) -> kdf::Budget {
        kdf::Budget::new(work, kdf::DEFAULT_MAX_KDF_MEMORY_MIB << 20)
    }

    #[test]
    fn scrypt_parallelism_is_capped_before_deriving() {
        let pw = Secret::new("test".into());
        let start = std::time::Instant::now();
        let err = pkcs8_encrypted(SCRYPT_R127_P127, Some(&pw), &budget(10_000_000))
            .err()
            .unwrap();
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert!(
            err.contains("parallelism p=127, over the fixed limit of 16"),
            "{err}"
        );
    }

    #[test]
    fn scrypt_work_counts_against_max_kdf_iterations() {
        let pw = Secret::new("test".into());
        let err = pkcs8_encrypted(&with_r_p(1, 1), Some(&pw), &budget(1000))
            .err()
            .unwrap();
        assert!(err.contains("asks for 16384 KDF iterations"), "{err}");
        assert!(err.contains("--max-kdf-iterations"), "{err}");
        // Within the limits the key decrypts.
        let key = pkcs8_encrypted(&with_r_p(1, 1), Some(&pw), &budget(10_000_000)).unwrap();
        assert!(key.key.decrypted && key.spki.is_some());
    }

    #[test]
    fn scrypt_memory_is_capped() {
        // N = 2^14 with r = 127 is 254 MiB: under the default 256 MiB; r = 128 is not.
        let pw = Secret::new("test".into());
        let err = pkcs8_encrypted(
            &with_r_p(0x7f, 1),
            Some(&pw),
            &kdf::Budget::new(u64::MAX, 200 << 20),
        )
        .err()
        .unwrap();
        assert!(
            err.contains("254 MiB of memory, over the limit of 200 MiB"),
            "{err}"
        );
        assert!(err.contains("--max-kdf-memory"), "{err}");
    }
}
