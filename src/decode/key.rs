//! Private keys (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, OpenSSL DSA, legacy encrypted PEM),
//! public keys (SPKI, PKCS#1) and domain parameters.
//!
//! Private values are parsed only to derive the public half (for the SPKI pin that links a
//! key to its certificate) and are never copied into the model.

use der::{Decode, Encode};
use zeroize::Zeroizing;

use crate::asn1::oids;
use crate::asn1::tlv;
use crate::input::secret::Secret;
use crate::model::{Key, KeyFormat, Parameters, PublicKeyInfo};

use super::{kdf, spki};

/// What decoding a key produced: the model and, when known, the SPKI DER.
pub struct DecodedKey {
    /// The model.
    pub key: Key,
    /// The DER SubjectPublicKeyInfo of the key (derived for private keys).
    pub spki: Option<Vec<u8>>,
    /// Problems that still left a usable result (a missing pin, a mislabelled block).
    pub warnings: Vec<String>,
}

fn plain(format: KeyFormat, spki_der: Option<Vec<u8>>) -> DecodedKey {
    let public_key = spki_der.as_deref().and_then(|s| spki::describe(s).ok());
    described(format, spki_der, public_key)
}

/// [`plain`] with the SPKI's description already made.
fn described(
    format: KeyFormat,
    spki_der: Option<Vec<u8>>,
    public_key: Option<PublicKeyInfo>,
) -> DecodedKey {
    DecodedKey {
        key: Key {
            format,
            encrypted: false,
            encryption: None,
            decrypted: false,
            public_key,
        },
        spki: spki_der,
        warnings: Vec::new(),
    }
}

/// AlgorithmIdentifier { rsaEncryption, NULL }.
pub const RSA_ALG_ID: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// SEQUENCE { algorithm, BIT STRING key }: a SubjectPublicKeyInfo from its parts (also
/// used for PKCS#11 public key objects, which hold the parts).
pub fn build_spki(alg_id_der: &[u8], key: &[u8]) -> Vec<u8> {
    // Written once into its final buffer (every private key's pin is built here).
    let mut bits_header = Vec::with_capacity(6);
    tlv::write_header(&mut bits_header, tlv::BIT_STRING, key.len() + 1);
    let body_len = alg_id_der.len() + bits_header.len() + 1 + key.len();
    let mut out = Vec::with_capacity(body_len + 6);
    tlv::write_header(&mut out, tlv::SEQUENCE, body_len);
    out.extend_from_slice(alg_id_der);
    out.extend_from_slice(&bits_header);
    out.push(0);
    out.extend_from_slice(key);
    out
}

/// AlgorithmIdentifier { id-ecPublicKey, PARAMS } with the parameters' DER as given
/// (a named-curve OID or explicit ECParameters).
pub fn ec_alg_id(params_der: &[u8]) -> Vec<u8> {
    // Written once into its final buffer (every EC private key's pin is built here).
    const EC_OID: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    let body_len = EC_OID.len() + params_der.len();
    let mut out = Vec::with_capacity(body_len + 6);
    tlv::write_header(&mut out, tlv::SEQUENCE, body_len);
    out.extend_from_slice(EC_OID);
    out.extend_from_slice(params_der);
    out
}

fn rsa_public_spki(private_der: &[u8]) -> Result<Vec<u8>, String> {
    rsa_public_spki_with(RSA_ALG_ID, private_der)
}

/// The SPKI of an RSA private key under `alg_id_der`: rsaEncryption, or a PKCS#8 key's own
/// rsassaPss identifier with its restrictions (as `openssl pkey -pubout` keeps them).
fn rsa_public_spki_with(alg_id_der: &[u8], private_der: &[u8]) -> Result<Vec<u8>, String> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(private_der).map_err(|e| e.to_string())?;
    let public = key.public_key().to_der().map_err(|e| e.to_string())?;
    Ok(build_spki(alg_id_der, &public))
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
    // Described once: the model's summary is this description.
    let public_key = spki::describe(der)?;
    let mut out = described(KeyFormat::Spki, Some(der.to_vec()), Some(public_key));
    // pyca reads such a key (issue 14 item 8); say that the encoding is off, and that the
    // pin is of these bytes, which a certificate's correctly encoded SPKI will not match.
    if let Some(n) = spki::unused_bits(der).filter(|n| *n != 0) {
        out.warnings.push(format!(
            "the public key BIT STRING declares {n} unused bits (DER keys have 0); read as if 0, \
             and the pin is of the bytes as they are"
        ));
    }
    Ok(out)
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
    let params = own_params.or(outer_params);
    match (point, params) {
        (Some(point), Some(params)) => Ok(Some(build_spki(&ec_alg_id(params), point))),
        (None, Some(params)) => {
            // No public point: derive it when the curve is one we have arithmetic for,
            // named or given explicitly (the SPKI keeps the parameters as the key has them).
            let private = kids.get(1).map(|k| k.value).unwrap_or_default();
            Ok(derive_ec_point(params, private)?.map(|p| build_spki(&ec_alg_id(params), &p)))
        }
        _ => Ok(None),
    }
}

const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";
const P521: &str = "1.3.132.0.35";

/// The uncompressed public point d·G of an EC private key, for P-256/P-384/P-521 (named, or
/// explicit parameters equal to them); `None` for other curves.
fn derive_ec_point(params_der: &[u8], private: &[u8]) -> Result<Option<Vec<u8>>, String> {
    use p256::elliptic_curve::sec1::ToSec1Point;
    let (params, _) = tlv::read(params_der).map_err(|e| format!("EC parameters: {e}"))?;
    let curve_oid = if params.tag == tlv::OID {
        oids::display(params.value)
    } else {
        match spki::explicit_curve_oid(&params) {
            Some(oid) => oid.to_string(),
            None => return Ok(None),
        }
    };
    let bad = |_| "the EC private value is not a valid scalar for its curve".to_string();
    // SEC1 keys store the scalar left-padded to the field size; from_slice takes it as is.
    let point = match curve_oid.as_str() {
        P256 => p256::SecretKey::from_slice(private)
            .map_err(bad)?
            .public_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
        P384 => p384::SecretKey::from_slice(private)
            .map_err(bad)?
            .public_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
        P521 => p521::SecretKey::from_slice(private)
            .map_err(bad)?
            .public_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
        _ => return Ok(None),
    };
    Ok(Some(point))
}

/// SEC1 ECPrivateKey on its own.
pub fn sec1_private(der: &[u8]) -> Result<DecodedKey, String> {
    let spki_der = sec1_spki(der, None)?;
    let mut out = plain(KeyFormat::Sec1, spki_der);
    if out.spki.is_none() {
        out.warnings.push(
            "the key holds no public point, and its curve is not one certscope can derive it \
             on (P-256, P-384, P-521); no SPKI pin"
                .to_string(),
        );
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
    let oid = spki::common_oid(info.algorithm.oid.as_bytes())
        .map(std::borrow::Cow::Borrowed)
        .unwrap_or_else(|| oids::display(info.algorithm.oid.as_bytes()).into());
    let alg_der = info.algorithm.to_der().map_err(|e| e.to_string())?;
    let private = info.private_key.as_bytes();
    let spki_der = if let Some(public) = &info.public_key {
        Some(build_spki(&alg_der, public.raw_bytes()))
    } else {
        match oids::key_algorithm(&oid) {
            Some("rsa") => Some(rsa_public_spki(private)?),
            Some("rsa-pss") => Some(rsa_public_spki_with(&alg_der, private)?),
            Some("ec") => {
                let params = alg_params(&alg_der);
                sec1_spki(private, params.as_ref().map(|(_, t)| t.raw))?
            }
            Some("ed25519") => Some(build_spki(&alg_der, &ed25519_public(private)?)),
            Some("ed448") => Some(build_spki(&alg_der, &ed448_public(private)?)),
            Some("x25519") => Some(build_spki(&alg_der, &x25519_public(private)?)),
            Some("x448") => Some(build_spki(&alg_der, &x448_public(private)?)),
            Some("dsa") => match alg_params(&alg_der) {
                Some((_, params)) => Some(build_spki(&alg_der, &dsa_public(&params, private)?)),
                // Parameters inherited from a CA certificate: y cannot be computed alone.
                None => None,
            },
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
        out.warnings.push(format!(
            "cannot derive the public key for {}; no SPKI pin",
            out.key
                .public_key
                .as_ref()
                .map(PublicKeyInfo::summary)
                .unwrap_or_else(|| oid.into_owned())
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

/// The content of a PKCS#8 privateKey that is `OCTET STRING (N raw bytes)` (RFC 8410 §7:
/// Ed25519, Ed448, X25519, X448), zeroized when dropped.
fn curve_private<const N: usize>(private: &[u8], what: &str) -> Result<Zeroizing<[u8; N]>, String> {
    let (t, _) = tlv::read(private).map_err(|e| format!("{what} private key: {e}"))?;
    if t.tag != tlv::OCTET_STRING {
        return Err(format!("{what} private key: not an OCTET STRING"));
    }
    let raw: [u8; N] = t
        .value
        .try_into()
        .map_err(|_| format!("an {what} private key has {N} bytes, not {}", t.value.len()))?;
    Ok(Zeroizing::new(raw))
}

/// Ed448 (RFC 8032 §5.2.5): the 57-byte secret to the 57-byte public key.
fn ed448_public(private: &[u8]) -> Result<Vec<u8>, String> {
    let secret = curve_private::<57>(private, "Ed448")?;
    let key = ed448_goldilocks::SigningKey::try_from(secret.as_slice())
        .map_err(|e| format!("Ed448 private key rejected: {e}"))?;
    Ok(key.verifying_key().to_bytes().to_vec())
}

/// X25519 (RFC 7748 §6.1): the public key is X25519(k, 9).
fn x25519_public(private: &[u8]) -> Result<Vec<u8>, String> {
    let secret = curve_private::<32>(private, "X25519")?;
    let secret = x25519_dalek::StaticSecret::from(*secret);
    Ok(x25519_dalek::PublicKey::from(&secret).as_bytes().to_vec())
}

/// X448 (RFC 7748 §6.2): the public key is X448(k, 5) with k clamped (two low bits cleared,
/// top bit set). The clamped k is below 2^448 and the base point has the prime order q, so
/// k mod q gives the same point. It is computed on the Edwards curve and mapped to its u
/// coordinate: the pinned goldilocks pre-release's Montgomery ladder is wrong (1·G is not
/// u = 5), its Edwards arithmetic is the one Ed448 signing uses; the RFC vector checks it.
fn x448_public(private: &[u8]) -> Result<Vec<u8>, String> {
    use ed448_goldilocks::{EdwardsPoint, EdwardsScalar, WideEdwardsScalarBytes};
    let secret = curve_private::<56>(private, "X448")?;
    let mut wide = Zeroizing::new(WideEdwardsScalarBytes::default());
    for (w, s) in wide.iter_mut().zip(secret.iter()) {
        *w = *s;
    }
    if let Some(first) = wide.first_mut() {
        *first &= 0xfc;
    }
    if let Some(last) = wide.get_mut(55) {
        *last |= 0x80;
    }
    let scalar = EdwardsScalar::from_bytes_mod_order_wide(&wide);
    Ok((EdwardsPoint::GENERATOR * scalar)
        .to_montgomery()
        .0
        .to_vec())
}

/// Largest DSA prime accepted for deriving y (FIPS 186-4 stops at 3072 bits; OpenSSL reads
/// up to 10000): bounds the exponentiation's cost on hostile input.
const DSA_MAX_P_BITS: usize = 10_000;

/// DSA (FIPS 186-4 §4.1): y = g^x mod p, as the DER INTEGER an SPKI carries. `params` is
/// Dss-Parms SEQUENCE { p, q, g }; `private` the PKCS#8 privateKey, `INTEGER x`.
fn dsa_public(params: &tlv::Tlv<'_>, private: &[u8]) -> Result<Vec<u8>, String> {
    use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
    use crypto_bigint::{BoxedUint, Odd};
    let ints = params
        .child_vec()
        .map_err(|e| format!("DSA parameters: {e}"))?;
    let (Some(p), Some(g)) = (ints.first(), ints.get(2)) else {
        return Err("DSA parameters need p, q and g".to_string());
    };
    let (x, _) = tlv::read(private).map_err(|e| format!("DSA private key: {e}"))?;
    if [p.tag, g.tag, x.tag].iter().any(|t| *t != tlv::INTEGER) {
        return Err("DSA parameters and private key are INTEGERs".to_string());
    }
    if p.value.len() * 8 > DSA_MAX_P_BITS + 8 || x.value.len() > p.value.len() {
        return Err(format!(
            "DSA prime or private value over {DSA_MAX_P_BITS} bits; public key not derived"
        ));
    }
    let p = BoxedUint::from_be_slice_vartime(p.value);
    let p = Option::<Odd<BoxedUint>>::from(Odd::new(p))
        .ok_or("DSA prime p is even: not a DSA group")?;
    let g = BoxedUint::from_be_slice(g.value, p.bits_precision())
        .map_err(|_| "DSA generator g is larger than p".to_string())?;
    if g >= *p.as_ref() {
        return Err("DSA generator g is not below p".to_string());
    }
    let x = Zeroizing::new(BoxedUint::from_be_slice_vartime(x.value));
    let params = BoxedMontyParams::new_vartime(p);
    let y = BoxedMontyForm::new(g, &params).pow(&x).retrieve();
    let y = y.to_be_bytes_trimmed_vartime();
    // DER INTEGER: positive, so a leading 0x00 when the top bit is set.
    let mut content = Vec::with_capacity(y.len() + 1);
    if y.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(&y);
    let mut out = Vec::with_capacity(content.len() + 4);
    tlv::write_header(&mut out, tlv::INTEGER, content.len());
    out.extend_from_slice(&content);
    Ok(out)
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
        warnings: warning.into_iter().collect(),
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

/// A PKCS#5 scheme in words, with its PBKDF2 iteration count (PKCS#12 bags use it too).
pub(super) fn describe_scheme(s: &pkcs8::pkcs5::EncryptionScheme) -> (String, Option<u64>) {
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

/// A traditional PEM key with `Proc-Type: 4,ENCRYPTED` and `DEK-Info: CIPHER,IV`
/// (`openssl genrsa -aes128`, `openssl ec -aes256`, `-des3`): described always, decrypted
/// when a password is given. The key is OpenSSL's `EVP_BytesToKey` with MD5, one
/// iteration, and the IV's first 8 bytes as salt, as openssl writes these files
/// (docs/design.md, "Legacy encrypted PEM keys"); the cipher is CBC with PKCS#7 padding.
pub fn legacy_encrypted(
    label: &str,
    dek_info: Option<&str>,
    der: &[u8],
    password: Option<&Secret>,
) -> Result<DecodedKey, String> {
    let mut fields = dek_info.unwrap_or_default().splitn(2, ',');
    let cipher = fields
        .next()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("unknown cipher")
        .to_string();
    let iv_hex = fields.next().map(str::trim).unwrap_or_default();
    let algorithm = match label {
        "RSA PRIVATE KEY" => Some("rsa"),
        "EC PRIVATE KEY" => Some("ec"),
        "DSA PRIVATE KEY" => Some("dsa"),
        _ => None,
    };
    let encryption = format!("{cipher} (OpenSSL EVP_BytesToKey, MD5)");
    let mut described = DecodedKey {
        key: Key {
            format: KeyFormat::LegacyEncrypted,
            encrypted: true,
            encryption: Some(encryption.clone()),
            decrypted: false,
            public_key: algorithm.map(|a| PublicKeyInfo {
                algorithm: a.to_string(),
                bits: None,
                curve: None,
                pss: None,
            }),
        },
        spki: None,
        warnings: Vec::new(),
    };
    let Some(password) = password else {
        return Ok(described);
    };
    // (key length, IV length) of the ciphers openssl offers for these files.
    let (key_len, iv_len) = match cipher.to_ascii_uppercase().as_str() {
        "AES-128-CBC" => (16, 16),
        "AES-192-CBC" => (24, 16),
        "AES-256-CBC" => (32, 16),
        "DES-EDE3-CBC" => (24, 8),
        "DES-CBC" => (8, 8),
        _ => {
            described
                .warnings
                .push(format!("cannot decrypt: unsupported cipher {cipher}"));
            return Ok(described);
        }
    };
    let iv = hex::decode(iv_hex)
        .ok()
        .filter(|iv| iv.len() == iv_len)
        .ok_or_else(|| format!("DEK-Info: the IV is not {iv_len} bytes of hex"))?;
    let salt = iv.get(..8).ok_or("DEK-Info: the IV is too short")?;
    let key = evp_bytes_to_key_md5(password.expose().as_bytes(), salt, key_len);
    let plain = match key_len {
        16 if iv_len == 16 => super::cbc::cbc_decrypt::<aes::Aes128>(&key, &iv, der),
        24 if iv_len == 16 => super::cbc::cbc_decrypt::<aes::Aes192>(&key, &iv, der),
        32 => super::cbc::cbc_decrypt::<aes::Aes256>(&key, &iv, der),
        24 => super::cbc::cbc_decrypt::<des::TdesEde3>(&key, &iv, der),
        _ => super::cbc::cbc_decrypt::<des::Des>(&key, &iv, der),
    };
    // A wrong password shows as bad padding, or (1 time in 256) as garbage that does not
    // parse as the key.
    let wrong = || "wrong password, or the key is damaged".to_string();
    let plain = plain.ok_or_else(wrong)?;
    let mut out = match label {
        "EC PRIVATE KEY" => sec1_private(&plain),
        "DSA PRIVATE KEY" => dsa_private(&plain),
        _ => pkcs1_private(&plain),
    }
    .map_err(|_| wrong())?;
    out.key.format = KeyFormat::LegacyEncrypted;
    out.key.encrypted = true;
    out.key.decrypted = true;
    out.key.encryption = Some(encryption);
    Ok(out)
}

/// OpenSSL's `EVP_BytesToKey(cipher, EVP_md5(), salt, password, 1)`: MD5 blocks
/// `D_i = MD5(D_{i-1} || password || salt)` joined until `len` bytes (the IV is not
/// derived: these files carry it in DEK-Info).
fn evp_bytes_to_key_md5(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    use md5::{Digest, Md5};
    let mut out = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Option<Zeroizing<[u8; 16]>> = None;
    while out.len() < len {
        let mut h = Md5::new();
        if let Some(p) = &prev {
            h.update(p.as_slice());
        }
        h.update(password);
        h.update(salt);
        let block: [u8; 16] = h.finalize().into();
        out.extend_from_slice(&block);
        prev = Some(Zeroizing::new(block));
    }
    out.truncate(len);
    out
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

    /// RFC 7748 §6.2 (Alice) and §6.1 (Alice), RFC 8032 §7.4 (blank): the private value as
    /// PKCS#8 carries it (`OCTET STRING`), the public key as the RFC gives it.
    #[test]
    fn rfc_vectors_derive_their_public_keys() {
        let wrap = |hex_key: &str| {
            let k = hex::decode(hex_key).unwrap();
            let mut der = vec![0x04, k.len() as u8];
            der.extend(k);
            der
        };
        type Derive = fn(&[u8]) -> Result<Vec<u8>, String>;
        let vectors: [(&str, Derive, &str, &str); 3] = [
            (
                "X448",
                x448_public,
                "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf5\
                 74a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
                "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bb\
                 c836647241d953d40c5b12da88120d53177f80e532c41fa0",
            ),
            (
                "X25519",
                x25519_public,
                "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
            ),
            (
                "Ed448",
                ed448_public,
                "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3\
                 528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
                "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778\
                 edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
            ),
        ];
        for (name, derive, private, public) in vectors {
            assert_eq!(
                hex::encode(derive(&wrap(private)).unwrap()),
                public,
                "{name}"
            );
        }
    }

    #[test]
    fn wrong_sizes_are_errors_not_panics() {
        assert!(x448_public(&[0x04, 1, 0]).is_err());
        assert!(x25519_public(&[0x04, 0]).is_err());
        assert!(ed448_public(&[0x02, 1, 1]).is_err());
    }

    /// y = g^x mod p on a toy group (p = 23, q = 11, g = 4): 4^3 mod 23 = 18.
    #[test]
    fn dsa_y_is_g_to_the_x() {
        let params = [0x30, 9, 0x02, 1, 23, 0x02, 1, 11, 0x02, 1, 4];
        let (params, _) = tlv::read(&params).unwrap();
        assert_eq!(dsa_public(&params, &[0x02, 1, 3]).unwrap(), [0x02, 1, 18]);
        // An even "prime" is refused, not a panic.
        let even = [0x30, 9, 0x02, 1, 22, 0x02, 1, 11, 0x02, 1, 4];
        let (even, _) = tlv::read(&even).unwrap();
        assert!(dsa_public(&even, &[0x02, 1, 3]).is_err());
    }

    /// The SPKI built in one buffer is the one built from its nested parts, at every
    /// length-of-length boundary.
    #[test]
    fn build_spki_writes_the_nested_encoding() {
        fn nested(alg: &[u8], key: &[u8]) -> Vec<u8> {
            let mut bits = vec![0];
            bits.extend_from_slice(key);
            let mut body = alg.to_vec();
            tlv::write_header(&mut body, tlv::BIT_STRING, bits.len());
            body.extend_from_slice(&bits);
            let mut out = Vec::new();
            tlv::write_header(&mut out, tlv::SEQUENCE, body.len());
            out.extend_from_slice(&body);
            out
        }
        for n in [
            0, 1, 100, 113, 114, 126, 127, 128, 200, 254, 255, 256, 65_534, 65_535, 70_000,
        ] {
            let key: Vec<u8> = (0..n).map(|i| i as u8).collect();
            for alg in [RSA_ALG_ID, &[]] {
                assert_eq!(build_spki(alg, &key), nested(alg, &key), "{n}");
            }
        }
    }

    /// The EC algorithm identifier built in one buffer is the nested encoding, across the
    /// length-of-length boundaries.
    #[test]
    fn ec_alg_id_writes_the_nested_encoding() {
        for n in [0, 10, 118, 119, 120, 200, 246, 247, 300] {
            let params: Vec<u8> = (0..n).map(|i| i as u8).collect();
            let mut body = vec![0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
            body.extend_from_slice(&params);
            let mut nested = Vec::new();
            tlv::write_header(&mut nested, tlv::SEQUENCE, body.len());
            nested.extend_from_slice(&body);
            assert_eq!(ec_alg_id(&params), nested, "{n}");
        }
    }
}
