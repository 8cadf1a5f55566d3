//! PKCS#12 (RFC 7292) through `p12-keystore`: PBES2/AES, 3DES and RC2-40 bags, SHA-1 and
//! SHA-2 MACs, files without a MAC.

use p12_keystore::error::Error as P12Error;
use p12_keystore::Pkcs12Archive;

use crate::secret::Secret;
use crate::tlv::{self, Tlv};

/// p12-keystore 0.4 refuses MAC and key-derivation iteration counts above this (its
/// `MAX_MAC_ITERATIONS` / `MAX_KDF_ITERATIONS`), whatever `--max-kdf-iterations` says.
pub const READER_MAX_ITERATIONS: u64 = 1_000_000;

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
    /// An iteration count (MAC or PBKDF2) over a limit, found before any key derivation.
    #[error("PKCS#12 asks for {asked} iterations, over the limit of {limit} ({how})")]
    TooManyIterations {
        /// The highest count found.
        asked: u64,
        /// The limit it breaks.
        limit: u64,
        /// How to raise it, or why it cannot be.
        how: &'static str,
    },
    /// Anything else.
    #[error("PKCS#12: {0}")]
    Other(String),
}

/// Opens a PFX. Without a password, the empty password is tried (files written with
/// `-passout pass:`), as openssl does. A MAC or PBKDF2 iteration count over
/// `max_iterations` is refused before any key derivation, so a file asking for 2^31
/// iterations cannot hang the caller.
pub fn decode(
    der: &[u8],
    password: Option<&Secret>,
    max_iterations: u64,
) -> Result<Vec<Bag>, Pkcs12Error> {
    // Some writers (old Windows, Java) use BER; p12-keystore reads DER only.
    let normalised;
    let data = match tlv::read(der) {
        Ok((t, _)) if t.indefinite => {
            normalised = tlv::ber_to_der(der).map_err(|e| Pkcs12Error::Other(e.to_string()))?;
            normalised.as_slice()
        }
        _ => der,
    };
    // Counts inside bags that are themselves encrypted are not visible here; p12-keystore's
    // own cap (READER_MAX_ITERATIONS) still bounds those.
    let counts = iteration_counts(data);
    let most = counts.iter().copied().max();
    if let Some(asked) = most.filter(|n| *n > max_iterations) {
        return Err(Pkcs12Error::TooManyIterations {
            asked,
            limit: max_iterations,
            how: "raise it with --max-kdf-iterations",
        });
    }
    // Each derivation is capped, but a file of many bags would add them up: the sum is held
    // to the same limit (real files stay far below: three derivations of 2048 to 100,000).
    let total = counts.iter().fold(0u64, |a, n| a.saturating_add(*n));
    if total > max_iterations {
        return Err(Pkcs12Error::TooManyIterations {
            asked: total,
            limit: max_iterations,
            how: "in total over its MAC and bags; raise it with --max-kdf-iterations",
        });
    }
    let pass = password.map(|p| p.expose()).unwrap_or("");
    let archive = Pkcs12Archive::from_pkcs12(data, pass).map_err(|e| match e {
        P12Error::MacError(_) => Pkcs12Error::WrongPassword {
            hint: if password.is_none() {
                "; give one with --password (pass:, env:, file:)"
            } else {
                ""
            },
        },
        P12Error::InvalidParameters => match most.filter(|n| *n > READER_MAX_ITERATIONS) {
            Some(asked) => Pkcs12Error::TooManyIterations {
                asked,
                limit: READER_MAX_ITERATIONS,
                how: "a limit of the PKCS#12 reader that --max-kdf-iterations cannot raise",
            },
            None => Pkcs12Error::Other(format!(
                "invalid parameters (the PKCS#12 reader also says this for an iteration count \
                 over {READER_MAX_ITERATIONS} inside an encrypted bag, a limit \
                 --max-kdf-iterations cannot raise)"
            )),
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

/// The highest iteration count in the parts of a PFX readable without the password: the
/// MAC (`MacData`) and every PBE parameter block (`PBKDF2-params`, `pkcs-12PbeParams`),
/// looking inside OCTET STRINGs that hold DER (the authenticated safe and its bags).
fn iteration_counts(der: &[u8]) -> Vec<u64> {
    let mut counts = Vec::new();
    walk_iterations(der, 0, &mut counts);
    counts
}

fn walk_iterations(data: &[u8], depth: usize, counts: &mut Vec<u64>) {
    if depth > tlv::MAX_DEPTH {
        return;
    }
    for element in tlv::iter(data) {
        let Ok(element) = element else {
            return;
        };
        if element.constructed() {
            if let Some(n) = iteration_count(&element) {
                counts.push(n);
            }
            walk_iterations(element.value, depth + 1, counts);
        } else if element.tag == tlv::OCTET_STRING
            && element.value.first() == Some(&tlv::SEQUENCE)
            && tlv::read(element.value).is_ok_and(|(_, rest)| rest.is_empty())
        {
            walk_iterations(element.value, depth + 1, counts);
        }
    }
}

/// The count of a `SEQUENCE { salt OCTET STRING, iterations INTEGER, ... }` (PBKDF2 and
/// PKCS#12 PBE parameters) or `MacData ::= SEQUENCE { DigestInfo, macSalt, iterations }`.
fn iteration_count(seq: &Tlv<'_>) -> Option<u64> {
    if seq.tag != tlv::SEQUENCE {
        return None;
    }
    let mut kids = seq.children().take(3).map_while(Result::ok);
    let first = kids.next()?;
    let second = kids.next()?;
    let count = match (first.tag, second.tag) {
        (tlv::OCTET_STRING, tlv::INTEGER) => second,
        (tlv::SEQUENCE, tlv::OCTET_STRING) => kids.next().filter(|t| t.tag == tlv::INTEGER)?,
        _ => return None,
    };
    unsigned(count.value)
}

/// A non-negative INTEGER's value, saturating at `u64::MAX`.
fn unsigned(value: &[u8]) -> Option<u64> {
    if value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let significant: Vec<u8> = value.iter().copied().skip_while(|b| *b == 0).collect();
    if significant.len() > 8 {
        return Some(u64::MAX);
    }
    Some(
        significant
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAF_AES: &[u8] = include_bytes!("../../fixtures/pkcs12/leaf-aes.p12");

    /// The fixture with every iteration count it shows replaced by `count` (4 bytes).
    fn with_iterations(count: u32) -> Vec<u8> {
        // The fixtures use openssl's default of 2048 = INTEGER 02 02 08 00; replace every
        // occurrence that follows a salt, fixing enclosing lengths by
        // re-encoding the tree.
        fn rewrite(t: &Tlv<'_>, count: u32, out: &mut Vec<u8>) {
            if t.constructed() {
                let mut body = Vec::new();
                let kids: Vec<Tlv<'_>> = t.children().map_while(Result::ok).collect();
                for (i, k) in kids.iter().enumerate() {
                    let after_salt = i > 0 && kids[i - 1].tag == tlv::OCTET_STRING;
                    if k.tag == tlv::INTEGER && after_salt && k.value == [0x08, 0x00] {
                        // Minimal INTEGER: p12-keystore reads strict DER.
                        let bytes = count.to_be_bytes();
                        let mut value: Vec<u8> =
                            bytes.iter().copied().skip_while(|b| *b == 0).collect();
                        if value.first().is_none_or(|b| b & 0x80 != 0) {
                            value.insert(0, 0);
                        }
                        tlv::write_header(&mut body, tlv::INTEGER, value.len());
                        body.extend_from_slice(&value);
                    } else {
                        rewrite(k, count, &mut body);
                    }
                }
                tlv::write_header(out, t.tag, body.len());
                out.extend_from_slice(&body);
            } else if t.tag == tlv::OCTET_STRING
                && t.value.first() == Some(&tlv::SEQUENCE)
                && tlv::read(t.value).is_ok_and(|(_, rest)| rest.is_empty())
            {
                let (inner, _) = tlv::read(t.value).unwrap();
                let mut body = Vec::new();
                rewrite(&inner, count, &mut body);
                tlv::write_header(out, t.tag, body.len());
                out.extend_from_slice(&body);
            } else {
                out.extend_from_slice(t.raw);
            }
        }
        let (top, _) = tlv::read(LEAF_AES).unwrap();
        let mut out = Vec::new();
        rewrite(&top, count, &mut out);
        out
    }

    #[test]
    fn fixture_iterations_are_found() {
        // MAC, certificate bag, key bag.
        assert_eq!(iteration_counts(LEAF_AES), [2048, 2048, 2048]);
        assert_eq!(iteration_counts(&with_iterations(5000)), [5000, 5000, 5000]);
    }

    #[test]
    fn iterations_over_the_flag_are_refused_before_any_derivation() {
        let pw = Secret::new("test".into());
        let huge = with_iterations(0x7fff_ffff);
        let start = std::time::Instant::now();
        let err = decode(&huge, Some(&pw), 10_000_000)
            .unwrap_err()
            .to_string();
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert!(err.contains("asks for 2147483647 iterations"), "{err}");
        assert!(err.contains("limit of 10000000"), "{err}");
        assert!(err.contains("--max-kdf-iterations"), "{err}");
        let err = decode(LEAF_AES, Some(&pw), 100).unwrap_err().to_string();
        assert!(err.contains("asks for 2048 iterations, over the limit of 100"));
    }

    #[test]
    fn iterations_are_summed_over_the_file() {
        let pw = Secret::new("test".into());
        // Three derivations of 900,000: each under the reader's cap, 2.7 million together.
        let err = decode(&with_iterations(900_000), Some(&pw), 2_000_000)
            .unwrap_err()
            .to_string();
        assert!(err.contains("asks for 2700000 iterations"), "{err}");
        assert!(err.contains("in total"), "{err}");
        assert!(decode(LEAF_AES, Some(&pw), 6144).is_ok());
    }

    #[test]
    fn iterations_over_the_reader_cap_say_the_flag_cannot_help() {
        let pw = Secret::new("test".into());
        let err = decode(&with_iterations(2_000_000), Some(&pw), 10_000_000)
            .unwrap_err()
            .to_string();
        assert!(err.contains("over the limit of 1000000"), "{err}");
        assert!(err.contains("cannot raise"), "{err}");
    }

    #[test]
    fn integers() {
        assert_eq!(unsigned(&[0x08, 0x00]), Some(2048));
        assert_eq!(unsigned(&[0x00, 0xff]), Some(255));
        assert_eq!(unsigned(&[0xff]), None);
        assert_eq!(unsigned(&[1; 9]), Some(u64::MAX));
        assert_eq!(unsigned(&[]), Some(0));
    }
}
