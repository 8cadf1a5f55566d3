//! Digests of DER encodings (thumbprints) and the encodings people paste them in.

use base64::Engine as _;
use serde::ser::{Serialize, SerializeMap, Serializer};
use sha1::Digest as _;

/// A digest algorithm offered for thumbprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlg {
    /// MD5: only for matching very old inventories.
    Md5,
    /// SHA-1: what Windows and most inventories call "the thumbprint".
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Every algorithm, in display order.
    pub const ALL: [HashAlg; 5] = [
        HashAlg::Sha1,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
        HashAlg::Md5,
    ];

    /// Lower-case name, used as the JSON key and the label of `fingerprint` lines.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "md5",
            HashAlg::Sha1 => "sha1",
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }

    /// The name as people write it: `SHA-256`.
    pub fn display(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    /// Parses `sha256`, `SHA-256`, `sha-256`.
    pub fn from_name(s: &str) -> Option<HashAlg> {
        let norm: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        HashAlg::ALL.into_iter().find(|a| a.name() == norm)
    }

    /// Length of the digest in bytes; lets bare hex pick its algorithm.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Digest `data`, held inline.
    pub fn digest_value(self, data: &[u8]) -> DigestValue {
        match self {
            HashAlg::Md5 => DigestValue::new(&md5::Md5::digest(data)),
            HashAlg::Sha1 => DigestValue::new(&sha1::Sha1::digest(data)),
            HashAlg::Sha256 => DigestValue::new(&sha2::Sha256::digest(data)),
            HashAlg::Sha384 => DigestValue::new(&sha2::Sha384::digest(data)),
            HashAlg::Sha512 => DigestValue::new(&sha2::Sha512::digest(data)),
        }
    }

    /// Digest `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Md5 => md5::Md5::digest(data).to_vec(),
            HashAlg::Sha1 => sha1::Sha1::digest(data).to_vec(),
            HashAlg::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => sha2::Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// How a digest is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestEncoding {
    /// `AB:CD:...`, exactly as `openssl x509 -noout -fingerprint` prints the value.
    Colon,
    /// Lower-case hex.
    Hex,
    /// Upper-case hex, as Windows shows a thumbprint.
    HexUpper,
    /// Standard base64 (the `pin-sha256` form when applied to the SPKI).
    Base64,
    /// URL-safe base64 without padding.
    Base64Url,
}

impl DigestEncoding {
    /// The name `--encoding` and the JSON `encoding` field use.
    pub fn name(self) -> &'static str {
        match self {
            DigestEncoding::Colon => "colon",
            DigestEncoding::Hex => "hex",
            DigestEncoding::HexUpper => "hex-upper",
            DigestEncoding::Base64 => "base64",
            DigestEncoding::Base64Url => "base64url",
        }
    }

    /// Encode `bytes`.
    pub fn encode(self, bytes: &[u8]) -> String {
        let mut out = String::new();
        self.encode_into(bytes, &mut out);
        out
    }

    /// Encode `bytes`, appending to `out` (a printer reuses one buffer for every line).
    pub fn encode_into(self, bytes: &[u8], out: &mut String) {
        match self {
            DigestEncoding::Colon => colon_hex_into(bytes, out),
            DigestEncoding::Hex => out.push_str(&hex::encode(bytes)),
            DigestEncoding::HexUpper => out.push_str(&hex::encode_upper(bytes)),
            DigestEncoding::Base64 => {
                base64::engine::general_purpose::STANDARD.encode_string(bytes, out)
            }
            DigestEncoding::Base64Url => {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_string(bytes, out)
            }
        }
    }
}

/// `AB:CD:EF` for `[0xab, 0xcd, 0xef]`.
pub fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    colon_hex_into(bytes, &mut out);
    out
}

fn colon_hex_into(bytes: &[u8], out: &mut String) {
    fn nibble(n: u8) -> u8 {
        if n < 10 {
            b'0' + n
        } else {
            b'A' + n - 10
        }
    }
    // Built as bytes a chunk at a time: pushing chars one by one cost more than the digest
    // in a thumbprint listing.
    let mut chunk = [0u8; 3 * 64];
    for (n, part) in bytes.chunks(64).enumerate() {
        let mut len = 0;
        for (&b, slot) in part.iter().zip(chunk.chunks_exact_mut(3)) {
            if let [colon, high, low] = slot {
                *colon = b':';
                *high = nibble(b >> 4);
                *low = nibble(b & 0x0f);
                len += 3;
            }
        }
        // The first digit pair of the whole value has no colon before it.
        let from = usize::from(n == 0);
        if let Ok(text) = std::str::from_utf8(chunk.get(from..len).unwrap_or(&[])) {
            out.push_str(text);
        }
    }
}

/// The bytes of one digest, held inline (the longest, SHA-512, has 64), so that the
/// thumbprints of a 100,000-item input cost no allocation per digest.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DigestValue {
    bytes: [u8; 64],
    len: u8,
}

impl DigestValue {
    /// Holds `digest` (at most 64 bytes; the rest of a longer one is cut, which no offered
    /// algorithm produces).
    fn new(digest: &[u8]) -> DigestValue {
        let mut bytes = [0u8; 64];
        let len = digest.len().min(64);
        for (slot, b) in bytes.iter_mut().zip(digest) {
            *slot = *b;
        }
        DigestValue {
            bytes,
            len: len as u8,
        }
    }
}

impl std::ops::Deref for DigestValue {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes
            .get(..usize::from(self.len))
            .unwrap_or(&self.bytes)
    }
}

impl std::fmt::Debug for DigestValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(&**self))
    }
}

/// The digests of one DER encoding, in a fixed order; serialized as `{"sha1": hex, ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Digests(pub Vec<(HashAlg, DigestValue)>);

impl Digests {
    /// Digest `der` with every algorithm in `algs` (duplicates ignored, order kept).
    pub fn compute(der: &[u8], algs: &[HashAlg]) -> Digests {
        let mut out: Vec<(HashAlg, DigestValue)> = Vec::with_capacity(algs.len());
        for &alg in algs {
            if !out.iter().any(|(a, _)| *a == alg) {
                out.push((alg, alg.digest_value(der)));
            }
        }
        Digests(out)
    }

    /// The digest for `alg`, if computed.
    pub fn get(&self, alg: HashAlg) -> Option<&[u8]> {
        self.0.iter().find(|(a, _)| *a == alg).map(|(_, d)| &**d)
    }
}

impl Serialize for Digests {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (alg, d) in &self.0 {
            map.serialize_entry(alg.name(), &hex::encode(&**d))?;
        }
        map.end()
    }
}

/// A thumbprint given by a person: `sha256:AB:CD..`, `AB CD ..`, bare hex whose length picks
/// the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbprint {
    /// The algorithm, explicit or implied by the length.
    pub alg: HashAlg,
    /// The digest bytes.
    pub bytes: Vec<u8>,
}

impl std::str::FromStr for Thumbprint {
    type Err = String;

    fn from_str(s: &str) -> Result<Thumbprint, String> {
        let (alg, rest) = match s.split_once(':') {
            Some((prefix, rest)) if HashAlg::from_name(prefix).is_some() => {
                (HashAlg::from_name(prefix), rest)
            }
            _ => (None, s),
        };
        let bytes = parse_hex_lenient(rest)?;
        let alg = match alg {
            Some(a) => a,
            None => match bytes.len() {
                20 => HashAlg::Sha1,
                32 => HashAlg::Sha256,
                48 => HashAlg::Sha384,
                64 => HashAlg::Sha512,
                16 => HashAlg::Md5,
                n => {
                    return Err(format!(
                        "a thumbprint of {n} bytes matches no hash (SHA-1 has 20, SHA-256 32)"
                    ))
                }
            },
        };
        if bytes.len() != alg.digest_len() {
            return Err(format!(
                "{} thumbprints have {} bytes, this one has {}",
                alg.display(),
                alg.digest_len(),
                bytes.len()
            ));
        }
        Ok(Thumbprint { alg, bytes })
    }
}

/// Hex with any mix of case, colons, spaces and dashes.
pub fn parse_hex_lenient(s: &str) -> Result<Vec<u8>, String> {
    let clean: String = s
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-' | '\t'))
        .collect();
    hex::decode(&clean).map_err(|e| format!("not hex: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colon_matches_openssl_style() {
        assert_eq!(colon_hex(&[0xab, 0x01, 0xff]), "AB:01:FF");
        assert_eq!(colon_hex(&[]), "");
        // Past one 64-byte chunk the colons continue across the chunk edge.
        let long: Vec<u8> = (0..=200u8).collect();
        let expected: Vec<String> = long.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(colon_hex(&long), expected.join(":"));
    }

    #[test]
    fn encodings() {
        let d = [0xfbu8, 0xff];
        assert_eq!(DigestEncoding::Hex.encode(&d), "fbff");
        assert_eq!(DigestEncoding::HexUpper.encode(&d), "FBFF");
        assert_eq!(DigestEncoding::Base64.encode(&d), "+/8=");
        assert_eq!(DigestEncoding::Base64Url.encode(&d), "-_8");
    }

    #[test]
    fn known_sha256() {
        assert_eq!(
            hex::encode(HashAlg::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn thumbprint_parse() {
        let t: Thumbprint = "sha1:A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D"
            .parse()
            .unwrap();
        assert_eq!(t.alg, HashAlg::Sha1);
        let t: Thumbprint = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            .parse()
            .unwrap();
        assert_eq!(t.alg, HashAlg::Sha256);
        assert!("abcd".parse::<Thumbprint>().is_err());
        assert!("sha1:abcd".parse::<Thumbprint>().is_err());
        assert!("zz".parse::<Thumbprint>().is_err());
    }
}
