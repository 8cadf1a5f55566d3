//! Signature checks: does a certificate, CRL or CSR verify with a given public key?
//!
//! Owns the table of supported signature algorithms and nothing else; it never decides
//! whether a certificate is *trusted* (that is `chain`'s job). Everything is read with the
//! bounded [`crate::asn1::tlv`] walker, so no parser lifetime leaks out.
//!
//! Implementations: `ring` for RSA PKCS#1 v1.5, RSA-PSS, ECDSA on P-256/P-384 and Ed25519;
//! RustCrypto `rsa` for RSA-PSS with a salt length other than the digest's, `p521` for
//! ECDSA on P-521, `ed448-goldilocks` for Ed448 and `dsa` for DSA
//! (1024/160, 2048/224, 2048/256, 3072/256 with SHA-1 or SHA-2; docs/design.md says why
//! these crates). Anything else (MD5, SM2, ECDSA with a hash ring does not pair with the
//! curve, DSA keys that inherit their parameters unless [`with_dsa_parameters`] gave them
//! their issuer's, PSS with SHA-1 or another MGF hash) is
//! reported as [`Verdict::NotChecked`] with the reason, never as a bad signature. We call
//! `ring` directly rather than through x509-parser's `verify` feature because that wrapper
//! maps RSA keys under 2048 bits and PSS parameters it cannot honour to "verification
//! failed", which would make a weak-but-genuine issuer look like a forgery.

use ring::signature as rs;

use crate::asn1::oids;
use crate::asn1::tlv::{self, Tlv};

/// The outcome of checking one signature against one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature verifies with the key.
    Verified,
    /// The signature does not verify with the key (or the key cannot have made it).
    Invalid,
    /// Not checked; the text says what was not supported (`Ed448`, `RSA-PSS with SHA-1`).
    NotChecked(String),
}

impl Verdict {
    /// `verified`, `invalid`, `not checked: <what>`: the JSON and text wording.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Verified => "verified".to_string(),
            Verdict::Invalid => "invalid".to_string(),
            Verdict::NotChecked(what) => format!("not checked: {what}"),
        }
    }
}

/// The three parts of any signed X.509 structure (certificate, CRL, CSR).
struct Signed<'a> {
    tbs: &'a [u8],
    alg_oid: String,
    alg_params: Option<Tlv<'a>>,
    signature: &'a [u8],
}

fn split_signed(der: &[u8]) -> Option<Signed<'_>> {
    let (outer, _) = tlv::read(der).ok()?;
    let mut kids = outer.children();
    let tbs = kids.next()?.ok()?;
    let alg = kids.next()?.ok()?;
    let sig = kids.next()?.ok()?;
    if sig.tag != tlv::BIT_STRING {
        return None;
    }
    let (oid, params, signature) = algorithm_and_bits(&alg, &sig)?;
    Some(Signed {
        tbs: tbs.raw,
        alg_oid: oid,
        alg_params: params,
        signature,
    })
}

/// An AlgorithmIdentifier's OID and parameters.
fn algorithm<'a>(alg: &Tlv<'a>) -> Option<(String, Option<Tlv<'a>>)> {
    let mut kids = alg.children();
    let oid = kids.next()?.ok()?;
    if oid.tag != tlv::OID {
        return None;
    }
    let params = kids.next().and_then(Result::ok).filter(|p| p.tag != 0x05);
    Some((oids::dotted(oid.value)?, params))
}

/// The issuer's key: algorithm OID, parameters, and the BIT STRING contents.
struct Key<'a> {
    oid: String,
    params: Option<Tlv<'a>>,
    bits: &'a [u8],
}

fn split_spki(spki: &[u8]) -> Option<Key<'_>> {
    let (top, _) = tlv::read(spki).ok()?;
    let mut kids = top.children();
    let alg = kids.next()?.ok()?;
    let key = kids.next()?.ok()?;
    let (oid, params, bits) = algorithm_and_bits(&alg, &key)?;
    Some(Key { oid, params, bits })
}

/// An AlgorithmIdentifier's OID and parameters, and the octets of the BIT STRING it goes
/// with (a signature or a key).
fn algorithm_and_bits<'a>(
    alg: &Tlv<'a>,
    bits: &Tlv<'a>,
) -> Option<(String, Option<Tlv<'a>>, &'a [u8])> {
    let (oid, params) = algorithm(alg)?;
    // The first octet counts unused bits, which must be 0 for a signature or a key.
    let (unused, octets) = bits.value.split_first()?;
    if *unused != 0 {
        return None;
    }
    Some((oid, params, octets))
}

const RSA: &str = "1.2.840.113549.1.1.1";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
const EC: &str = "1.2.840.10045.2.1";
const ED25519: &str = "1.3.101.112";
const ED448: &str = "1.3.101.113";
const DSA: &str = "1.2.840.10040.4.1";
const SHA224: &str = "2.16.840.1.101.3.4.2.4";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";
const P521: &str = "1.3.132.0.35";
const SHA1: &str = "1.3.14.3.2.26";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA384: &str = "2.16.840.1.101.3.4.2.2";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";
const MGF1: &str = "1.2.840.113549.1.1.8";

/// Checks the signature of `signed_der` (a certificate, CRL or CSR) with the public key in
/// `issuer_spki` (DER SubjectPublicKeyInfo).
pub fn verify(signed_der: &[u8], issuer_spki: &[u8]) -> Verdict {
    let Some(signed) = split_signed(signed_der) else {
        return Verdict::NotChecked("the signed structure does not parse".to_string());
    };
    let Some(key) = split_spki(issuer_spki) else {
        return Verdict::NotChecked("the issuer's public key does not parse".to_string());
    };
    check(&signed, &key)
}

/// Whether `spki` is a DSA key without domain parameters: RFC 3279 §2.3.2 says they are
/// its issuer's (RFC 5280 §6.1.4 (f): working_public_key_parameters), which [`verify`]
/// does not see; [`with_dsa_parameters`] makes the key whole.
pub fn dsa_inherits(spki: &[u8]) -> bool {
    split_spki(spki)
        .is_some_and(|k| k.oid == DSA && k.params.as_ref().is_none_or(|p| p.tag != tlv::SEQUENCE))
}

/// `spki`, a DSA key without parameters, with the Dss-Parms of `issuer_spki`, a DSA key
/// with them, as one DER SubjectPublicKeyInfo; `None` when either is not so.
pub fn with_dsa_parameters(spki: &[u8], issuer_spki: &[u8]) -> Option<Vec<u8>> {
    let key = split_spki(spki).filter(|_| dsa_inherits(spki))?;
    let issuer = split_spki(issuer_spki).filter(|k| k.oid == DSA)?;
    let params = issuer.params.filter(|p| p.tag == tlv::SEQUENCE)?;
    let oid = oids::encode(DSA)?;
    let mut alg = Vec::new();
    tlv::write_header(&mut alg, tlv::OID, oid.len());
    alg.extend_from_slice(&oid);
    alg.extend_from_slice(params.raw);
    let mut body = Vec::new();
    tlv::write_header(&mut body, tlv::SEQUENCE, alg.len());
    body.extend_from_slice(&alg);
    tlv::write_header(&mut body, tlv::BIT_STRING, key.bits.len() + 1);
    body.push(0);
    body.extend_from_slice(key.bits);
    let mut out = Vec::new();
    tlv::write_header(&mut out, tlv::SEQUENCE, body.len());
    out.extend_from_slice(&body);
    Some(out)
}

/// Checks `signature` over `message` with the key in `spki` (DER SubjectPublicKeyInfo),
/// for signatures that are not part of an X.509 structure: a CMS SignerInfo's, over its
/// signed attributes (RFC 5652 §5.4). `signature_algorithm` is the DER AlgorithmIdentifier;
/// CMS may name only the key type there (`rsaEncryption`, `id-ecPublicKey`) and the hash in
/// `digest_oid`, which together are the usual signature algorithm.
pub fn verify_message(
    message: &[u8],
    signature: &[u8],
    signature_algorithm: &[u8],
    digest_oid: &str,
    spki: &[u8],
) -> Verdict {
    let Some((oid, alg_params)) = tlv::read(signature_algorithm)
        .ok()
        .and_then(|(alg, _)| algorithm(&alg))
    else {
        return Verdict::NotChecked("the signature algorithm does not parse".to_string());
    };
    let Some(key) = split_spki(spki) else {
        return Verdict::NotChecked("the signer's public key does not parse".to_string());
    };
    let alg_oid = match (oid.as_str(), digest_oid) {
        (RSA, SHA1) => "1.2.840.113549.1.1.5",
        (RSA, SHA256) => "1.2.840.113549.1.1.11",
        (RSA, SHA384) => "1.2.840.113549.1.1.12",
        (RSA, SHA512) => "1.2.840.113549.1.1.13",
        (EC, SHA256) => "1.2.840.10045.4.3.2",
        (EC, SHA384) => "1.2.840.10045.4.3.3",
        (EC, SHA512) => "1.2.840.10045.4.3.4",
        (other, _) => other,
    }
    .to_string();
    let signed = Signed {
        tbs: message,
        alg_oid,
        alg_params,
        signature,
    };
    check(&signed, &key)
}

/// The signature of `signed` checked with `key`, by signature algorithm.
fn check(signed: &Signed<'_>, key: &Key<'_>) -> Verdict {
    let sig_name = oids::name_or_oid(oids::signature_algorithm(&signed.alg_oid), &signed.alg_oid);
    match signed.alg_oid.as_str() {
        // sha1WithRSAEncryption (and the OIW alias), sha256/384/512WithRSAEncryption.
        "1.2.840.113549.1.1.5"
        | "1.3.14.3.2.29"
        | "1.2.840.113549.1.1.11"
        | "1.2.840.113549.1.1.12"
        | "1.2.840.113549.1.1.13" => rsa_pkcs1(signed, key, &sig_name),
        "1.2.840.113549.1.1.10" => rsa_pss(signed, key),
        "1.2.840.10045.4.3.2" => ecdsa(signed, key, SHA256, &sig_name),
        "1.2.840.10045.4.3.3" => ecdsa(signed, key, SHA384, &sig_name),
        "1.2.840.10045.4.3.4" => ecdsa(signed, key, SHA512, &sig_name),
        "1.3.101.112" => {
            if key.oid != ED25519 {
                return Verdict::Invalid;
            }
            ring_verify(&rs::ED25519, key, signed)
        }
        ED448 => ed448(signed, key),
        // dsa-with-sha1, dsa_with_SHA224, dsa_with_SHA256, dsa_with_SHA384, dsa_with_SHA512.
        "1.2.840.10040.4.3" => dsa(signed, key, SHA1, &sig_name),
        "2.16.840.1.101.3.4.3.1" => dsa(signed, key, SHA224, &sig_name),
        "2.16.840.1.101.3.4.3.2" => dsa(signed, key, SHA256, &sig_name),
        "2.16.840.1.101.3.4.3.3" => dsa(signed, key, SHA384, &sig_name),
        "2.16.840.1.101.3.4.3.4" => dsa(signed, key, SHA512, &sig_name),
        other => match (required_key(other), key.oid.as_str()) {
            // The algorithm is not implemented, but a key of the wrong type cannot have
            // made the signature: that much is certain without checking it.
            (Some(required), actual) if !required.contains(&actual) => Verdict::Invalid,
            _ => Verdict::NotChecked(sig_name),
        },
    }
}

/// The key algorithms a signature algorithm family needs, for families we do not verify.
fn required_key(sig_oid: &str) -> Option<&'static [&'static str]> {
    if sig_oid.starts_with("1.2.840.113549.1.1.") {
        Some(&[RSA, RSA_PSS])
    } else if sig_oid.starts_with("1.2.840.10045.4.") {
        Some(&[EC])
    } else if sig_oid == "1.2.840.10040.4.3" || sig_oid.starts_with("2.16.840.1.101.3.4.3.") {
        Some(&["1.2.840.10040.4.1"])
    } else if sig_oid == "1.3.101.113" {
        Some(&["1.3.101.113"])
    } else {
        None
    }
}

fn ring_verify(
    alg: &'static dyn rs::VerificationAlgorithm,
    key: &Key<'_>,
    s: &Signed<'_>,
) -> Verdict {
    match rs::UnparsedPublicKey::new(alg, key.bits).verify(s.tbs, s.signature) {
        Ok(()) => Verdict::Verified,
        Err(_) => Verdict::Invalid,
    }
}

/// Modulus size of an RSAPublicKey, for picking ring's size-bounded algorithms.
fn rsa_bits(key: &Key<'_>) -> Option<u32> {
    let (seq, _) = tlv::read(key.bits).ok()?;
    let modulus = seq.children().next()?.ok()?;
    Some(crate::asn1::tlv::integer_bits(modulus.value))
}

fn rsa_pkcs1(s: &Signed<'_>, key: &Key<'_>, sig_name: &str) -> Verdict {
    if key.oid != RSA && key.oid != RSA_PSS {
        return Verdict::Invalid;
    }
    let Some(bits) = rsa_bits(key) else {
        return Verdict::Invalid;
    };
    // ring refuses keys outside 1024..=8192 bits (and 2048 for SHA-384): that is a limit
    // of the implementation, not evidence of a forgery.
    let alg: &'static dyn rs::VerificationAlgorithm = match s.alg_oid.as_str() {
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => {
            &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        "1.2.840.113549.1.1.11" => &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        "1.2.840.113549.1.1.12" if bits >= 2048 => &rs::RSA_PKCS1_2048_8192_SHA384,
        "1.2.840.113549.1.1.13" => &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        _ => return Verdict::NotChecked(format!("{sig_name} with a {bits}-bit key")),
    };
    if !(1024..=8192).contains(&bits) {
        return Verdict::NotChecked(format!("{sig_name} with a {bits}-bit key"));
    }
    ring_verify(alg, key, s)
}

/// RSASSA-PSS-params (RFC 4055 §3.1): hash, MGF1 hash, salt length, trailer field.
struct PssParams {
    hash: String,
    mgf_hash: String,
    salt: u64,
    trailer: u64,
}

fn pss_params(params: Option<&Tlv<'_>>) -> Option<PssParams> {
    // Every field has a DEFAULT: SHA-1, MGF1 with SHA-1, 20, 1.
    let mut p = PssParams {
        hash: SHA1.to_string(),
        mgf_hash: SHA1.to_string(),
        salt: 20,
        trailer: 1,
    };
    let Some(params) = params else {
        return Some(p);
    };
    for field in params.children() {
        let field = field.ok()?;
        let (inner, _) = tlv::read(field.value).ok()?;
        match field.tag {
            0xa0 => p.hash = algorithm(&inner)?.0,
            0xa1 => {
                let (mgf, mgf_params) = algorithm(&inner)?;
                if mgf != MGF1 {
                    return None;
                }
                p.mgf_hash = algorithm(&mgf_params?)?.0;
            }
            0xa2 => p.salt = small_uint(&inner)?,
            0xa3 => p.trailer = small_uint(&inner)?,
            _ => return None,
        }
    }
    Some(p)
}

fn small_uint(t: &Tlv<'_>) -> Option<u64> {
    if t.tag != tlv::INTEGER || t.value.len() > 8 || t.value.first().is_some_and(|b| b & 0x80 != 0)
    {
        return None;
    }
    Some(
        t.value
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
    )
}

fn hash_name(oid: &str) -> String {
    match oid {
        SHA1 => "SHA-1".to_string(),
        SHA256 => "SHA-256".to_string(),
        SHA384 => "SHA-384".to_string(),
        SHA512 => "SHA-512".to_string(),
        other => other.to_string(),
    }
}

fn rsa_pss(s: &Signed<'_>, key: &Key<'_>) -> Verdict {
    if key.oid != RSA && key.oid != RSA_PSS {
        return Verdict::Invalid;
    }
    let Some(p) = pss_params(s.alg_params.as_ref()) else {
        return Verdict::NotChecked("RSA-PSS with unreadable parameters".to_string());
    };
    // ring implements PSS only with MGF1 over the same hash and a salt as long as the
    // digest (what RFC 8017 recommends and every CA uses); anything else is not checked.
    let (alg, len): (&'static dyn rs::VerificationAlgorithm, u64) = match p.hash.as_str() {
        SHA256 => (&rs::RSA_PSS_2048_8192_SHA256, 32),
        SHA384 => (&rs::RSA_PSS_2048_8192_SHA384, 48),
        SHA512 => (&rs::RSA_PSS_2048_8192_SHA512, 64),
        other => return Verdict::NotChecked(format!("RSA-PSS with {}", hash_name(other))),
    };
    // Another salt length (0, 20, ...): the RustCrypto `rsa` crate checks it exactly.
    if p.mgf_hash == p.hash && p.salt != len && p.trailer == 1 {
        return rsa_pss_salt(s, key, &p);
    }
    if p.mgf_hash != p.hash || p.salt != len || p.trailer != 1 {
        return Verdict::NotChecked(format!(
            "RSA-PSS with {}, MGF1 {}, salt length {}",
            hash_name(&p.hash),
            hash_name(&p.mgf_hash),
            p.salt
        ));
    }
    match rsa_bits(key) {
        Some(bits) if (2048..=8192).contains(&bits) => ring_verify(alg, key, s),
        Some(bits) => Verdict::NotChecked(format!("RSA-PSS with a {bits}-bit key")),
        None => Verdict::Invalid,
    }
}

/// RSA-PSS with MGF1 over the message hash and a salt length ring does not implement,
/// checked by the `rsa` crate with exactly that salt length (RFC 8017 §9.1.2).
fn rsa_pss_salt(s: &Signed<'_>, key: &Key<'_>, p: &PssParams) -> Verdict {
    use rsa::{BoxedUint, Pss, PublicKey};
    use sha2::Digest as _;
    let Some((n, e)) = rsa_public_numbers(key) else {
        return Verdict::Invalid;
    };
    let bits = crate::asn1::tlv::integer_bits(n);
    if !(1024..=8192).contains(&bits) {
        return Verdict::NotChecked(format!("RSA-PSS with a {bits}-bit key"));
    }
    let Ok(salt) = usize::try_from(p.salt) else {
        return Verdict::Invalid;
    };
    let n = BoxedUint::from_be_slice_vartime(n);
    let e = BoxedUint::from_be_slice_vartime(e);
    let Ok(public) = PublicKey::new_with_size_limits(n, e, 1024..=8192) else {
        return Verdict::Invalid;
    };
    let result = match p.hash.as_str() {
        SHA256 => public.verify(
            Pss::<sha2::Sha256>::new_with_salt(salt),
            &sha2::Sha256::digest(s.tbs),
            s.signature,
        ),
        SHA384 => public.verify(
            Pss::<sha2::Sha384>::new_with_salt(salt),
            &sha2::Sha384::digest(s.tbs),
            s.signature,
        ),
        SHA512 => public.verify(
            Pss::<sha2::Sha512>::new_with_salt(salt),
            &sha2::Sha512::digest(s.tbs),
            s.signature,
        ),
        other => return Verdict::NotChecked(format!("RSA-PSS with {}", hash_name(other))),
    };
    match result {
        Ok(()) => Verdict::Verified,
        Err(_) => Verdict::Invalid,
    }
}

/// The modulus and public exponent of an RSAPublicKey, without leading zero octets.
fn rsa_public_numbers<'a>(key: &Key<'a>) -> Option<(&'a [u8], &'a [u8])> {
    let (seq, _) = tlv::read(key.bits).ok()?;
    let mut fields = seq.children();
    let n = fields.next()?.ok()?;
    let e = fields.next()?.ok()?;
    if n.tag != tlv::INTEGER || e.tag != tlv::INTEGER {
        return None;
    }
    let strip = |v: &'a [u8]| {
        let zeros = v.iter().take_while(|b| **b == 0).count();
        v.get(zeros..).unwrap_or_default()
    };
    Some((strip(n.value), strip(e.value)))
}

fn ecdsa(s: &Signed<'_>, key: &Key<'_>, hash: &str, sig_name: &str) -> Verdict {
    if key.oid != EC {
        return Verdict::Invalid;
    }
    let curve = key
        .params
        .as_ref()
        .filter(|p| p.tag == tlv::OID)
        .and_then(|p| oids::dotted(p.value))
        .unwrap_or_default();
    let alg: &'static dyn rs::VerificationAlgorithm = match (curve.as_str(), hash) {
        (P256, SHA256) => &rs::ECDSA_P256_SHA256_ASN1,
        (P256, SHA384) => &rs::ECDSA_P256_SHA384_ASN1,
        (P384, SHA256) => &rs::ECDSA_P384_SHA256_ASN1,
        (P384, SHA384) => &rs::ECDSA_P384_SHA384_ASN1,
        (P521, _) => return p521_verify(s, key, hash),
        _ => {
            let curve_name = oids::curve(&curve)
                .map(|(n, _)| n.to_string())
                .unwrap_or_else(|| {
                    if curve.is_empty() {
                        "explicit curve".to_string()
                    } else {
                        curve.clone()
                    }
                });
            return Verdict::NotChecked(format!("{sig_name} on {curve_name}"));
        }
    };
    ring_verify(alg, key, s)
}

fn ed448(s: &Signed<'_>, key: &Key<'_>) -> Verdict {
    use ed448_goldilocks::signature::Verifier as _;

    if key.oid != ED448 {
        return Verdict::Invalid;
    }
    let Ok(bytes) = <[u8; 57]>::try_from(key.bits) else {
        return Verdict::Invalid;
    };
    let Ok(vk) = ed448_goldilocks::VerifyingKey::from_bytes(&bytes) else {
        return Verdict::Invalid;
    };
    let Ok(sig) = ed448_goldilocks::Signature::from_slice(s.signature) else {
        return Verdict::Invalid;
    };
    match vk.verify(s.tbs, &sig) {
        Ok(()) => Verdict::Verified,
        Err(_) => Verdict::Invalid,
    }
}

/// An unsigned INTEGER's magnitude (leading zero octets dropped), `None` when negative.
fn magnitude<'a>(t: &Tlv<'a>) -> Option<&'a [u8]> {
    if t.tag != tlv::INTEGER || t.value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let start = t
        .value
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(t.value.len());
    t.value.get(start..)
}

/// A `BoxedUint` of a magnitude, made as the `dsa` crate's own SPKI decoder makes it (its
/// precision is what the crate compares key sizes by).
fn boxed(m: &[u8]) -> Option<dsa::BoxedUint> {
    Some(dsa::BoxedUint::from_be_slice_vartime(m))
}

fn dsa(s: &Signed<'_>, key: &Key<'_>, hash: &str, sig_name: &str) -> Verdict {
    use dsa::signature::hazmat::PrehashVerifier;
    use sha2::Digest as _;

    if key.oid != DSA {
        return Verdict::Invalid;
    }
    // RFC 3279 §2.3.2: a key without Dss-Parms inherits them from its issuer's key,
    // which this function does not see.
    let Some(params) = key.params.as_ref().filter(|p| p.tag == tlv::SEQUENCE) else {
        return Verdict::NotChecked(format!("{sig_name} with inherited DSA parameters"));
    };
    let parts: Vec<&[u8]> = params
        .children()
        .take(4)
        .filter_map(|c| c.ok().as_ref().and_then(magnitude))
        .collect();
    let (Some(p), Some(q), Some(g), None) =
        (parts.first(), parts.get(1), parts.get(2), parts.get(3))
    else {
        return Verdict::Invalid;
    };
    // The sizes FIPS 186-4 allows (and the crate accepts); anything bigger is not
    // worked on, so a hostile key cannot ask for a huge modular exponentiation.
    if g.len() > p.len() {
        // g < p: this is no DSA key.
        return Verdict::Invalid;
    }
    if p.len() > 384 || q.len() > 32 {
        return Verdict::NotChecked(format!(
            "{sig_name} with a {}-bit key",
            p.len().saturating_mul(8)
        ));
    }
    // y < p: a longer y cannot belong to this key (and is not worked on).
    let y = tlv::read(key.bits)
        .ok()
        .filter(|(_, rest)| rest.is_empty())
        .and_then(|(t, _)| magnitude(&t).map(<[u8]>::to_vec))
        .filter(|y| y.len() <= p.len());
    let (Some(p), Some(q), Some(g), Some(y)) =
        (boxed(p), boxed(q), boxed(g), y.as_deref().and_then(boxed))
    else {
        return Verdict::Invalid;
    };
    let Ok(components) = dsa::Components::from_components(p, q, g) else {
        return Verdict::NotChecked(format!(
            "{sig_name} with DSA domain parameters of an unsupported size"
        ));
    };
    let Ok(vk) = dsa::VerifyingKey::from_components(components, y) else {
        return Verdict::Invalid;
    };
    // r and s must be below q; anything longer cannot be a signature by this key.
    let Ok(sig) = dsa::Signature::try_from(s.signature) else {
        return Verdict::Invalid;
    };
    let digest = match hash {
        SHA1 => sha1::Sha1::digest(s.tbs).to_vec(),
        SHA224 => sha2::Sha224::digest(s.tbs).to_vec(),
        SHA256 => sha2::Sha256::digest(s.tbs).to_vec(),
        SHA384 => sha2::Sha384::digest(s.tbs).to_vec(),
        _ => sha2::Sha512::digest(s.tbs).to_vec(),
    };
    match vk.verify_prehash(&digest, &sig) {
        Ok(()) => Verdict::Verified,
        Err(_) => Verdict::Invalid,
    }
}

fn p521_verify(s: &Signed<'_>, key: &Key<'_>, hash: &str) -> Verdict {
    use p521::ecdsa::signature::hazmat::PrehashVerifier;
    use sha2::Digest as _;

    let Ok(vk) = p521::ecdsa::VerifyingKey::from_sec1_bytes(key.bits) else {
        return Verdict::Invalid;
    };
    let Ok(sig) = p521::ecdsa::Signature::from_der(s.signature) else {
        return Verdict::Invalid;
    };
    let digest = match hash {
        SHA256 => sha2::Sha256::digest(s.tbs).to_vec(),
        SHA384 => sha2::Sha384::digest(s.tbs).to_vec(),
        _ => sha2::Sha512::digest(s.tbs).to_vec(),
    };
    match vk.verify_prehash(&digest, &sig) {
        Ok(()) => Verdict::Verified,
        Err(_) => Verdict::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert_and_spki(pem: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let block = crate::input::pem::Scanner::new(pem).next().unwrap();
        let d = crate::decode::cert::decode(&block.der).unwrap();
        (block.der.to_vec(), d.spki)
    }

    #[test]
    fn self_signed_fixtures_verify() {
        for pem in [
            &include_bytes!("../fixtures/certs/root-ca.pem")[..],
            &include_bytes!("../fixtures/certs/rsa-self.pem")[..],
            &include_bytes!("../fixtures/certs/ed25519-self.pem")[..],
        ] {
            let (der, spki) = cert_and_spki(pem);
            assert_eq!(verify(&der, &spki), Verdict::Verified);
        }
    }

    #[test]
    fn issued_certificates_verify_with_their_issuer_only() {
        let (root, root_spki) = cert_and_spki(include_bytes!("../fixtures/certs/root-ca.pem"));
        let (inter, inter_spki) =
            cert_and_spki(include_bytes!("../fixtures/certs/intermediate-ca.pem"));
        let (leaf, _) = cert_and_spki(include_bytes!("../fixtures/certs/leaf.pem"));
        assert_eq!(verify(&inter, &root_spki), Verdict::Verified);
        assert_eq!(verify(&leaf, &inter_spki), Verdict::Verified);
        assert_eq!(verify(&leaf, &root_spki), Verdict::Invalid);
        assert_eq!(verify(&root, &inter_spki), Verdict::Invalid);
    }

    #[test]
    fn a_changed_byte_is_invalid() {
        let (mut leaf, _) = cert_and_spki(include_bytes!("../fixtures/certs/leaf.pem"));
        let (_, inter_spki) =
            cert_and_spki(include_bytes!("../fixtures/certs/intermediate-ca.pem"));
        if let Some(b) = leaf.get_mut(40) {
            *b ^= 1;
        }
        assert_eq!(verify(&leaf, &inter_spki), Verdict::Invalid);
    }

    #[test]
    fn garbage_is_not_checked_not_a_panic() {
        assert!(matches!(
            verify(&[0x30, 0x00], &[0x30]),
            Verdict::NotChecked(_)
        ));
        assert!(matches!(verify(&[], &[]), Verdict::NotChecked(_)));
    }

    #[test]
    fn unchecked_algorithms_still_need_the_right_key_type() {
        let (md5, _) = cert_and_spki(include_bytes!("../fixtures/lint/md5-signature.pem"));
        let (_, ec_spki) = cert_and_spki(include_bytes!("../fixtures/lint/clean.pem"));
        let (_, rsa_spki) = cert_and_spki(include_bytes!("../fixtures/lint/md5-signature.pem"));
        assert_eq!(verify(&md5, &ec_spki), Verdict::Invalid);
        assert_eq!(
            verify(&md5, &rsa_spki),
            Verdict::NotChecked("md5WithRSAEncryption".to_string())
        );
        let (ed448, _) = cert_and_spki(include_bytes!("../fixtures/chains/ed448-root.pem"));
        assert_eq!(verify(&ed448, &ec_spki), Verdict::Invalid);
    }

    #[test]
    fn dsa_keys_without_parameters_are_not_checked() {
        // RFC 3279 §2.3.2 parameter inheritance: the key alone cannot be used.
        let (leaf, _) = cert_and_spki(include_bytes!("../fixtures/validation/dsa.pem"));
        let (_, spki) = cert_and_spki(include_bytes!("../fixtures/validation/dsa-root.pem"));
        let (top, _) = tlv::read(&spki).unwrap();
        let mut kids = top.children();
        let alg = kids.next().unwrap().unwrap();
        let key = kids.next().unwrap().unwrap();
        let oid = alg.children().next().unwrap().unwrap();
        let alg = [&[0x30, oid.raw.len() as u8][..], oid.raw].concat();
        let body = [alg.as_slice(), key.raw].concat();
        let mut bare = vec![0x30, 0x82];
        bare.extend_from_slice(&(body.len() as u16).to_be_bytes());
        bare.extend_from_slice(&body);
        assert!(matches!(verify(&leaf, &bare), Verdict::NotChecked(w) if w.contains("inherited")));
        // With the parameters of a DSA key that has them, it is the whole key again.
        assert!(dsa_inherits(&bare) && !dsa_inherits(&spki));
        assert_eq!(
            with_dsa_parameters(&bare, &spki).as_deref(),
            Some(&spki[..])
        );
        assert_eq!(with_dsa_parameters(&spki, &spki), None);
    }

    #[test]
    fn every_signature_family_of_the_chain_fixtures() {
        // One table for every family: leaf, intermediate and root verify, the wrong key
        // does not, and a changed TBS byte does not either.
        for (chain, root) in [
            (
                &include_bytes!("../fixtures/chains/rsa-pss.pem")[..],
                &include_bytes!("../fixtures/chains/rsa-pss-root.pem")[..],
            ),
            (
                include_bytes!("../fixtures/chains/p384.pem"),
                include_bytes!("../fixtures/chains/p384-root.pem"),
            ),
            (
                include_bytes!("../fixtures/chains/p521.pem"),
                include_bytes!("../fixtures/chains/p521-root.pem"),
            ),
            (
                include_bytes!("../fixtures/chains/ed25519.pem"),
                include_bytes!("../fixtures/chains/ed25519-root.pem"),
            ),
            (
                include_bytes!("../fixtures/validation/dsa.pem"),
                include_bytes!("../fixtures/validation/dsa-root.pem"),
            ),
            (
                include_bytes!("../fixtures/chains/ed448.pem"),
                include_bytes!("../fixtures/chains/ed448-root.pem"),
            ),
        ] {
            let blocks: Vec<Vec<u8>> = crate::input::pem::Scanner::new(chain)
                .map(|b| b.der.to_vec())
                .collect();
            let (root_der, root_spki) = cert_and_spki(root);
            let inter_spki = crate::decode::cert::decode(&blocks[1]).unwrap().spki;
            assert_eq!(verify(&blocks[0], &inter_spki), Verdict::Verified);
            assert_eq!(verify(&blocks[1], &root_spki), Verdict::Verified);
            assert_eq!(verify(&root_der, &root_spki), Verdict::Verified);
            assert_eq!(verify(&blocks[0], &root_spki), Verdict::Invalid);
            let mut changed = blocks[0].clone();
            changed[40] ^= 1;
            assert_eq!(verify(&changed, &inter_spki), Verdict::Invalid);
        }
    }

    #[test]
    fn pss_defaults() {
        let p = pss_params(None).unwrap();
        assert_eq!((p.hash.as_str(), p.salt, p.trailer), (SHA1, 20, 1));
    }
}
