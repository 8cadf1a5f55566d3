//! Names for object identifiers, the way openssl and RFCs spell them.
//!
//! Tables are small on purpose: an OID that is not here is shown dotted, which is always
//! correct, never a guess.

use std::fmt::Write as _;

/// The longest subidentifier [`decode`] converts to decimal, in content octets (1792 bits;
/// UUID arcs take 19). Past it an OID is shown as invalid with its hex, so that a hostile
/// OID cannot make the quadratic base conversion expensive.
pub const MAX_ARC_OCTETS: usize = 256;

/// Why the content octets of an OBJECT IDENTIFIER are not a valid encoding (X.690 §8.19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OidError {
    /// No content octets at all.
    #[error("empty")]
    Empty,
    /// A subidentifier starting with a 0x80 octet, which DER and BER both forbid.
    #[error("subidentifier at octet {0} padded with 0x80 (not minimal)")]
    NotMinimal(usize),
    /// The last octet has its continuation bit set.
    #[error("last subidentifier cut short")]
    Truncated,
    /// A subidentifier longer than [`MAX_ARC_OCTETS`].
    #[error("subidentifier at octet {0} longer than {MAX_ARC_OCTETS} octets")]
    ArcTooLong(usize),
}

/// Dotted form of the content octets of an OBJECT IDENTIFIER, exact for arcs of any size
/// (up to [`MAX_ARC_OCTETS`] each): `2.25.<uuid>`, `2.999.7`, arcs of 2^64 and more.
pub fn decode(content: &[u8]) -> Result<String, OidError> {
    if content.is_empty() {
        return Err(OidError::Empty);
    }
    match decode_short(content) {
        Some(out) => Ok(out),
        None => decode_long(content),
    }
}

/// [`decode`] arc by arc, for any OID: exact errors, arcs past `u64`.
fn decode_long(content: &[u8]) -> Result<String, OidError> {
    let mut out = String::with_capacity(content.len() * 4);
    let mut start = 0;
    let mut first = true;
    while start < content.len() {
        let rest = content.get(start..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|b| b & 0x80 == 0)
            .ok_or(OidError::Truncated)?
            + 1;
        let arc = rest.get(..len).unwrap_or_default();
        if arc.first() == Some(&0x80) {
            return Err(OidError::NotMinimal(start));
        }
        if len > MAX_ARC_OCTETS {
            return Err(OidError::ArcTooLong(start));
        }
        if !first {
            out.push('.');
        }
        push_arc(&mut out, arc, first);
        first = false;
        start += len;
    }
    Ok(out)
}

/// The longest content [`decode_short`] writes on the stack: every OID of a certificate
/// but UUID arcs (a one-octet arc takes at most four characters with its dot).
const SHORT_OCTETS: usize = 32;

/// The dotted form of a well-formed OID of at most [`SHORT_OCTETS`] octets whose arcs fit
/// in a `u64`, written in one pass into a stack buffer and copied into a `String` of its
/// exact length; `None` for anything else (malformed, long or huge arcs), which the
/// general loop of [`decode`] handles with its exact errors. Most OIDs of most items
/// (algorithms, curves, extensions) pass here: no per-digit pushes, no reallocation.
fn decode_short(content: &[u8]) -> Option<String> {
    const MAX_ARC: u64 = u64::MAX >> 7;
    if content.len() > SHORT_OCTETS {
        return None;
    }
    // Four characters per octet at most (a 7-bit arc and its dot), plus the split first arc.
    let mut buf = [0u8; SHORT_OCTETS * 4 + 4];
    let mut len = 0;
    let mut v: u64 = 0;
    let mut arc_start = true;
    let mut first = true;
    for &b in content {
        if arc_start && b == 0x80 {
            return None;
        }
        if v > MAX_ARC {
            return None;
        }
        v = (v << 7) | u64::from(b & 0x7f);
        arc_start = b & 0x80 == 0;
        if !arc_start {
            continue;
        }
        if first {
            let (x, y) = match v {
                0..40 => (0, v),
                40..80 => (1, v - 40),
                _ => (2, v - 80),
            };
            len = write_u64(&mut buf, len, x)?;
            *buf.get_mut(len)? = b'.';
            len = write_u64(&mut buf, len + 1, y)?;
            first = false;
        } else {
            *buf.get_mut(len)? = b'.';
            len = write_u64(&mut buf, len + 1, v)?;
        }
        v = 0;
    }
    if !arc_start {
        return None; // cut short: the general loop names it
    }
    std::str::from_utf8(buf.get(..len)?).ok().map(String::from)
}

/// Writes `v` in decimal at `buf[at..]`; returns the end, or `None` if it does not fit.
fn write_u64(buf: &mut [u8], at: usize, v: u64) -> Option<usize> {
    let mut scratch = [0u8; 20];
    let digits = decimal(v, &mut scratch);
    buf.get_mut(at..at + digits.len())?.copy_from_slice(digits);
    Some(at + digits.len())
}

/// Appends one subidentifier in decimal; the first one is split into the first two arcs
/// (X.690 §8.19.4: 40 * X + Y, where only X = 2 lets Y reach 40 and beyond).
fn push_arc(out: &mut String, arc: &[u8], first: bool) {
    // The common case: the value fits in a u64 (9 octets or fewer always do).
    let small = arc.iter().try_fold(0u64, |acc, b| {
        acc.checked_mul(128).map(|v| v | u64::from(b & 0x7f))
    });
    match small {
        Some(v) if first => {
            let (x, y) = match v {
                0..40 => (0, v),
                40..80 => (1, v - 40),
                _ => (2, v - 80),
            };
            push_u64(out, x);
            out.push('.');
            push_u64(out, y);
        }
        Some(v) => push_u64(out, v),
        None => {
            let mut big = BigArc::from_base128(arc);
            if first {
                // Over 2^64, so the first arc is 2.
                big.sub_small(80);
                out.push_str("2.");
            }
            big.push_decimal(out);
        }
    }
}

/// Appends `v` in decimal. Every OID in every certificate goes through here, and
/// `write!` costs several times this (a formatter per arc).
fn push_u64(out: &mut String, v: u64) {
    let mut scratch = [0u8; 20];
    out.extend(decimal(v, &mut scratch).iter().map(|&d| char::from(d)));
}

/// `v` in decimal, at the end of `scratch` (20 digits hold `u64::MAX`): the digits.
fn decimal(mut v: u64, scratch: &mut [u8; 20]) -> &[u8] {
    let mut at = scratch.len();
    loop {
        at -= 1;
        if let Some(d) = scratch.get_mut(at) {
            *d = b'0' + (v % 10) as u8; // a digit: under 10
        }
        v /= 10;
        if v == 0 || at == 0 {
            break;
        }
    }
    scratch.get(at..).unwrap_or_default()
}

/// An unsigned integer of any size, as little-endian u32 limbs: just what converting a
/// base-128 subidentifier to decimal needs.
struct BigArc(Vec<u32>);

impl BigArc {
    fn from_base128(octets: &[u8]) -> Self {
        let mut limbs: Vec<u32> = Vec::with_capacity(octets.len() * 7 / 32 + 1);
        for b in octets {
            let mut carry = u64::from(b & 0x7f);
            for limb in &mut limbs {
                let v = (u64::from(*limb) << 7) | carry;
                *limb = v as u32; // low 32 bits; the rest carries
                carry = v >> 32;
            }
            if carry != 0 {
                limbs.push(carry as u32); // under 2^7
            }
        }
        BigArc(limbs)
    }

    /// Subtracts `n`; the caller knows the value is larger.
    fn sub_small(&mut self, n: u32) {
        let mut borrow = u64::from(n);
        for limb in &mut self.0 {
            let (v, under) = u64::from(*limb).overflowing_sub(borrow);
            *limb = v as u32;
            borrow = u64::from(under);
            if borrow == 0 {
                break;
            }
        }
    }

    /// Writes the value in decimal, nine digits per division.
    fn push_decimal(mut self, out: &mut String) {
        const CHUNK: u64 = 1_000_000_000;
        let mut chunks: Vec<u32> = Vec::with_capacity(self.0.len() * 32 / 29 + 1);
        loop {
            while self.0.last() == Some(&0) {
                self.0.pop();
            }
            if self.0.is_empty() {
                break;
            }
            let mut rem = 0u64;
            for limb in self.0.iter_mut().rev() {
                let cur = (rem << 32) | u64::from(*limb);
                *limb = (cur / CHUNK) as u32; // under 2^32 since rem < CHUNK
                rem = cur % CHUNK;
            }
            chunks.push(rem as u32);
        }
        let mut chunks = chunks.iter().rev();
        match chunks.next() {
            Some(top) => {
                let _ = write!(out, "{top}");
            }
            None => out.push('0'),
        }
        for c in chunks {
            let _ = write!(out, "{c:09}");
        }
    }
}

/// Dotted form of the content octets of an OBJECT IDENTIFIER, or `None` if malformed.
pub fn dotted(content: &[u8]) -> Option<String> {
    decode(content).ok()
}

/// The text certscope shows for an OID: its dotted form, or for a malformed encoding an
/// explicit placeholder with the hex and the reason, which no tool could read as an OID:
/// `<invalid OID 2a86: last subidentifier cut short>`. Every OID that becomes text goes
/// through here (or [`dotted`] where a malformed one is an error of its own).
pub fn display(content: &[u8]) -> String {
    match decode(content) {
        Ok(dotted) => dotted,
        Err(e) => invalid(content, e),
    }
}

/// The placeholder [`display`] shows for a malformed OID.
pub fn invalid(content: &[u8], why: OidError) -> String {
    if content.is_empty() {
        format!("<invalid OID: {why}>")
    } else {
        format!("<invalid OID {}: {why}>", hex::encode(content))
    }
}

/// `name` of an OID from `table` (one of the lookups here) when known, else [`display`].
pub fn display_name(content: &[u8], table: fn(&str) -> Option<&'static str>) -> String {
    match decode(content) {
        Ok(dotted) => name_or_oid(table(&dotted), &dotted),
        Err(e) => invalid(content, e),
    }
}

/// The DER content octets of a dotted OID (`2.25.<uuid>`, `2.999.7`: arcs of any size),
/// or `None` unless it is at least two arcs, the first 0, 1 or 2, the second under 40
/// when the first is 0 or 1, and every arc plain decimal digits.
pub fn encode(dotted: &str) -> Option<Vec<u8>> {
    let mut arcs = dotted.split('.');
    let x: u8 = match arcs.next()? {
        "0" => 0,
        "1" => 1,
        "2" => 2,
        _ => return None,
    };
    let mut second = decimal_digits(arcs.next()?)?;
    if x < 2 && (second.len() > 2 || second.iter().fold(0u32, |a, d| a * 10 + u32::from(*d)) >= 40)
    {
        return None;
    }
    // 40 * X + Y, added in decimal to the second arc's digits.
    add_decimal(&mut second, 40 * u32::from(x));
    let mut out = Vec::with_capacity(dotted.len());
    push_base128(&mut out, &second);
    for arc in arcs {
        push_base128(&mut out, &decimal_digits(arc)?);
    }
    Some(out)
}

/// The digits of a decimal arc, most significant first; no sign, no leading zero.
fn decimal_digits(arc: &str) -> Option<Vec<u8>> {
    let ok = !arc.is_empty()
        && arc.bytes().all(|b| b.is_ascii_digit())
        && (arc == "0" || !arc.starts_with('0'));
    ok.then(|| arc.bytes().map(|b| b - b'0').collect())
}

/// Adds `n` to a decimal digit string in place.
fn add_decimal(digits: &mut Vec<u8>, mut n: u32) {
    for d in digits.iter_mut().rev() {
        if n == 0 {
            return;
        }
        let v = u32::from(*d) + n % 10;
        n /= 10;
        *d = (v % 10) as u8;
        n += v / 10;
    }
    while n > 0 {
        digits.insert(0, (n % 10) as u8);
        n /= 10;
    }
}

/// Appends a decimal number as one base-128 subidentifier, by repeated division by 128.
fn push_base128(out: &mut Vec<u8>, digits: &[u8]) {
    let mut num: Vec<u8> = digits.to_vec();
    let mut groups = Vec::new();
    loop {
        let mut rem = 0u32;
        let mut next = Vec::with_capacity(num.len());
        for d in &num {
            let cur = rem * 10 + u32::from(*d);
            let q = (cur / 128) as u8; // cur < 1280
            rem = cur % 128;
            if !(next.is_empty() && q == 0) {
                next.push(q);
            }
        }
        groups.push(rem as u8);
        if next.is_empty() {
            break;
        }
        num = next;
    }
    let last = groups.len().saturating_sub(1);
    for (i, g) in groups.iter().rev().enumerate() {
        out.push(if i == last { *g } else { g | 0x80 });
    }
}

fn lookup(table: &[(&str, &'static str)], oid: &str) -> Option<&'static str> {
    table.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// RFC 4514 §3 keywords, plus the registered LDAP descriptors openssl also prints.
const ATTRIBUTE_TYPES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.6", "C"),
    ("2.5.4.9", "STREET"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.4", "SN"),
    ("2.5.4.42", "GN"),
    ("2.5.4.12", "title"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.97", "organizationIdentifier"),
    ("2.5.4.13", "description"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
    ("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
    ("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
    // Russian name attributes (GOST/FNS profiles; OpenSSL's short names).
    ("1.2.643.3.131.1.1", "INN"),
    ("1.2.643.100.1", "OGRN"),
    ("1.2.643.100.3", "SNILS"),
    ("1.2.643.100.4", "INNLE"),
    ("1.2.643.100.5", "OGRNIP"),
];

/// Short name of a DN attribute type (`CN`, `O`, ...).
pub fn attribute_type(oid: &str) -> Option<&'static str> {
    attribute_type_entry(oid).map(|(_, keyword)| keyword)
}

/// [`attribute_type`] with the table's own copy of the dotted OID: both `'static`, so that
/// the RDNs an item keeps need no allocation for the OID and type of a known attribute.
pub fn attribute_type_entry(oid: &str) -> Option<(&'static str, &'static str)> {
    ATTRIBUTE_TYPES.iter().find(|(o, _)| *o == oid).copied()
}

/// [`attribute_type`] for the DER content of an X.520 attribute OID (2.5.4.n, one content
/// byte per arc), without formatting it: the attributes of nearly every name, looked up on
/// the hot path of `fingerprint`. `None` for any other OID (use [`attribute_type`]).
pub fn x520_attribute_type(content: &[u8]) -> Option<&'static str> {
    x520_attribute_type_entry(content).map(|(_, keyword)| keyword)
}

/// [`attribute_type_entry`] for the DER content of an X.520 attribute OID, without
/// formatting it (as [`x520_attribute_type`]): the dotted OID and the keyword, both
/// `'static`.
pub fn x520_attribute_type_entry(content: &[u8]) -> Option<(&'static str, &'static str)> {
    let [0x55, 0x04, n] = content else {
        return None;
    };
    // The 2.5.4.n rows of `ATTRIBUTE_TYPES` by arc (a test checks they agree): a match,
    // not a parse of every row on each lookup.
    Some(match n {
        3 => ("2.5.4.3", "CN"),
        4 => ("2.5.4.4", "SN"),
        5 => ("2.5.4.5", "serialNumber"),
        6 => ("2.5.4.6", "C"),
        7 => ("2.5.4.7", "L"),
        8 => ("2.5.4.8", "ST"),
        9 => ("2.5.4.9", "STREET"),
        10 => ("2.5.4.10", "O"),
        11 => ("2.5.4.11", "OU"),
        12 => ("2.5.4.12", "title"),
        13 => ("2.5.4.13", "description"),
        15 => ("2.5.4.15", "businessCategory"),
        17 => ("2.5.4.17", "postalCode"),
        42 => ("2.5.4.42", "GN"),
        43 => ("2.5.4.43", "initials"),
        44 => ("2.5.4.44", "generationQualifier"),
        46 => ("2.5.4.46", "dnQualifier"),
        65 => ("2.5.4.65", "pseudonym"),
        97 => ("2.5.4.97", "organizationIdentifier"),
        _ => return None,
    })
}

/// The OID of a DN attribute keyword, case-insensitively (for parsing RFC 4514 strings).
pub fn attribute_type_oid(keyword: &str) -> Option<&'static str> {
    ATTRIBUTE_TYPES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(keyword))
        .map(|(o, _)| *o)
        // Lazily: the table usually answers, and this lower-cased copy is an allocation.
        .or_else(|| match keyword.to_ascii_lowercase().as_str() {
            "commonname" => Some("2.5.4.3"),
            "organizationname" => Some("2.5.4.10"),
            "organizationalunitname" => Some("2.5.4.11"),
            "countryname" => Some("2.5.4.6"),
            "localityname" => Some("2.5.4.7"),
            "stateorprovincename" => Some("2.5.4.8"),
            "e" | "email" => Some("1.2.840.113549.1.9.1"),
            "s" => Some("2.5.4.8"),
            "streetaddress" => Some("2.5.4.9"),
            "domaincomponent" => Some("0.9.2342.19200300.100.1.25"),
            "userid" => Some("0.9.2342.19200300.100.1.1"),
            "surname" => Some("2.5.4.4"),
            "givenname" => Some("2.5.4.42"),
            _ => None,
        })
}

const SIGNATURE_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption"),
    ("1.2.840.113549.1.1.3", "md4WithRSAEncryption"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
    ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
    ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", "rsassaPss"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
    ("1.2.840.10040.4.3", "dsa-with-SHA1"),
    ("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
    ("1.2.156.10197.1.501", "SM2-with-SM3"),
    // GOST (RFC 4491, RFC 9215), as OpenSSL's gost engine names them.
    ("1.2.643.2.2.3", "GOST R 34.11-94 with GOST R 34.10-2001"),
    (
        "1.2.643.7.1.1.3.2",
        "GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)",
    ),
    (
        "1.2.643.7.1.1.3.3",
        "GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)",
    ),
    // FIPS 204 and FIPS 205 (NIST CSOR arcs; RFC 9881 / draft-ietf-lamps-x509-slhdsa).
    ("2.16.840.1.101.3.4.3.17", "ML-DSA-44"),
    ("2.16.840.1.101.3.4.3.18", "ML-DSA-65"),
    ("2.16.840.1.101.3.4.3.19", "ML-DSA-87"),
    ("2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s"),
    ("2.16.840.1.101.3.4.3.21", "SLH-DSA-SHA2-128f"),
    ("2.16.840.1.101.3.4.3.22", "SLH-DSA-SHA2-192s"),
    ("2.16.840.1.101.3.4.3.23", "SLH-DSA-SHA2-192f"),
    ("2.16.840.1.101.3.4.3.24", "SLH-DSA-SHA2-256s"),
    ("2.16.840.1.101.3.4.3.25", "SLH-DSA-SHA2-256f"),
    ("2.16.840.1.101.3.4.3.26", "SLH-DSA-SHAKE-128s"),
    ("2.16.840.1.101.3.4.3.27", "SLH-DSA-SHAKE-128f"),
    ("2.16.840.1.101.3.4.3.28", "SLH-DSA-SHAKE-192s"),
    ("2.16.840.1.101.3.4.3.29", "SLH-DSA-SHAKE-192f"),
    ("2.16.840.1.101.3.4.3.30", "SLH-DSA-SHAKE-256s"),
    ("2.16.840.1.101.3.4.3.31", "SLH-DSA-SHAKE-256f"),
];

/// Name of a signature algorithm, as openssl prints it.
pub fn signature_algorithm(oid: &str) -> Option<&'static str> {
    lookup(SIGNATURE_ALGORITHMS, oid)
}

const KEY_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.1", "rsa"),
    ("1.2.840.113549.1.1.10", "rsa-pss"),
    ("1.2.840.10045.2.1", "ec"),
    ("1.2.840.10040.4.1", "dsa"),
    ("1.2.840.113549.1.3.1", "dh"),
    ("1.2.840.10046.2.1", "dh"),
    ("1.3.101.110", "x25519"),
    ("1.3.101.111", "x448"),
    ("1.3.101.112", "ed25519"),
    ("1.3.101.113", "ed448"),
    ("1.2.643.2.2.19", "gost2001"),
    ("1.2.643.7.1.1.1.1", "gost2012_256"),
    ("1.2.643.7.1.1.1.2", "gost2012_512"),
    ("2.16.840.1.101.3.4.3.17", "ml-dsa-44"),
    ("2.16.840.1.101.3.4.3.18", "ml-dsa-65"),
    ("2.16.840.1.101.3.4.3.19", "ml-dsa-87"),
    ("2.16.840.1.101.3.4.4.1", "ml-kem-512"),
    ("2.16.840.1.101.3.4.4.2", "ml-kem-768"),
    ("2.16.840.1.101.3.4.4.3", "ml-kem-1024"),
    ("2.16.840.1.101.3.4.3.20", "slh-dsa-sha2-128s"),
    ("2.16.840.1.101.3.4.3.21", "slh-dsa-sha2-128f"),
    ("2.16.840.1.101.3.4.3.22", "slh-dsa-sha2-192s"),
    ("2.16.840.1.101.3.4.3.23", "slh-dsa-sha2-192f"),
    ("2.16.840.1.101.3.4.3.24", "slh-dsa-sha2-256s"),
    ("2.16.840.1.101.3.4.3.25", "slh-dsa-sha2-256f"),
    ("2.16.840.1.101.3.4.3.26", "slh-dsa-shake-128s"),
    ("2.16.840.1.101.3.4.3.27", "slh-dsa-shake-128f"),
    ("2.16.840.1.101.3.4.3.28", "slh-dsa-shake-192s"),
    ("2.16.840.1.101.3.4.3.29", "slh-dsa-shake-192f"),
    ("2.16.840.1.101.3.4.3.30", "slh-dsa-shake-256s"),
    ("2.16.840.1.101.3.4.3.31", "slh-dsa-shake-256f"),
];

/// The contract name of a public key algorithm (`rsa`, `ec`, ...).
pub fn key_algorithm(oid: &str) -> Option<&'static str> {
    lookup(KEY_ALGORITHMS, oid)
}

const CURVES: &[(&str, &str, u32)] = &[
    ("1.2.840.10045.3.1.7", "P-256", 256),
    ("1.3.132.0.34", "P-384", 384),
    ("1.3.132.0.35", "P-521", 521),
    ("1.3.132.0.33", "P-224", 224),
    ("1.2.840.10045.3.1.1", "P-192", 192),
    ("1.3.132.0.10", "secp256k1", 256),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512),
    ("1.2.156.10197.1.301", "SM2", 256),
];

/// Name and field size of a named curve.
pub fn curve(oid: &str) -> Option<(&'static str, u32)> {
    CURVES
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, n, b)| (*n, *b))
}

const EXTENSIONS: &[(&str, &str)] = &[
    ("2.5.29.14", "subjectKeyIdentifier"),
    ("2.5.29.15", "keyUsage"),
    ("2.5.29.9", "subjectDirectoryAttributes"),
    ("2.5.29.16", "privateKeyUsagePeriod"),
    ("2.5.29.17", "subjectAltName"),
    ("2.5.29.18", "issuerAltName"),
    ("2.5.29.19", "basicConstraints"),
    ("2.5.29.20", "cRLNumber"),
    ("2.5.29.21", "cRLReason"),
    ("2.5.29.24", "invalidityDate"),
    ("2.5.29.27", "deltaCRLIndicator"),
    ("2.5.29.28", "issuingDistributionPoint"),
    ("2.5.29.29", "certificateIssuer"),
    ("2.5.29.30", "nameConstraints"),
    ("2.5.29.31", "cRLDistributionPoints"),
    ("2.5.29.32", "certificatePolicies"),
    ("2.5.29.33", "policyMappings"),
    ("2.5.29.35", "authorityKeyIdentifier"),
    ("2.5.29.36", "policyConstraints"),
    ("2.5.29.37", "extendedKeyUsage"),
    ("2.5.29.46", "freshestCRL"),
    ("2.5.29.54", "inhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "subjectInfoAccess"),
    ("1.3.6.1.5.5.7.1.24", "tlsFeature"),
    ("1.3.6.1.5.5.7.1.3", "qcStatements"),
    ("1.3.6.1.4.1.11129.2.4.2", "ctPrecertificateSCTs"),
    ("1.3.6.1.4.1.11129.2.4.3", "ctPrecertificatePoison"),
    ("2.16.840.1.113730.1.1", "nsCertType"),
    ("2.16.840.1.113730.1.13", "nsComment"),
    ("1.3.6.1.4.1.311.20.2", "msCertificateTemplateName"),
    ("1.3.6.1.4.1.311.21.7", "msCertificateTemplate"),
    ("1.3.6.1.4.1.311.21.10", "msApplicationPolicies"),
    ("1.3.6.1.4.1.311.21.1", "msCaVersion"),
    ("1.3.6.1.5.5.7.48.1.5", "ocspNoCheck"),
];

/// Name of an extension (`subjectAltName`, ...).
pub fn extension(oid: &str) -> Option<&'static str> {
    lookup(EXTENSIONS, oid)
}

/// [`extension`] with the table's own copy of the dotted OID: both `'static`, so that a
/// known extension's model holds no text of its own.
pub fn extension_entry(oid: &str) -> Option<(&'static str, &'static str)> {
    EXTENSIONS.iter().find(|(o, _)| *o == oid).copied()
}

const EXTENDED_KEY_USAGES: &[(&str, &str)] = &[
    ("2.5.29.37.0", "anyExtendedKeyUsage"),
    ("1.3.6.1.5.5.7.3.1", "serverAuth"),
    ("1.3.6.1.5.5.7.3.2", "clientAuth"),
    ("1.3.6.1.5.5.7.3.3", "codeSigning"),
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.5", "ipsecEndSystem"),
    ("1.3.6.1.5.5.7.3.6", "ipsecTunnel"),
    ("1.3.6.1.5.5.7.3.7", "ipsecUser"),
    ("1.3.6.1.5.5.7.3.8", "timeStamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
    ("1.3.6.1.5.5.7.3.17", "ipsecIKE"),
    ("1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin"),
    ("1.3.6.1.4.1.311.10.3.4", "msEFS"),
    ("1.3.6.1.4.1.311.10.3.12", "msDocumentSigning"),
    ("1.3.6.1.5.2.3.5", "pkInitKDC"),
    ("1.3.6.1.5.2.3.4", "pkInitClientAuth"),
    // Microsoft and Netscape purposes, with OpenSSL's short names where it has one.
    ("1.3.6.1.4.1.311.2.1.21", "msCodeInd"),
    ("1.3.6.1.4.1.311.2.1.22", "msCodeCom"),
    ("1.3.6.1.4.1.311.10.3.1", "msCTLSign"),
    ("1.3.6.1.4.1.311.10.3.3", "msSGC"),
    ("1.3.6.1.4.1.311.10.3.5", "msWHQLCrypto"),
    ("1.3.6.1.4.1.311.10.3.13", "msLifetimeSigning"),
    ("1.3.6.1.4.1.311.20.2.1", "msEnrollmentAgent"),
    ("1.3.6.1.4.1.311.21.5", "msCAExchange"),
    ("1.3.6.1.4.1.311.21.6", "msKeyRecoveryAgent"),
    ("1.3.6.1.4.1.311.10.3.4.1", "msEFSRecovery"),
    ("1.3.6.1.4.1.311.61.1.1", "msKernelModeCodeSigning"),
    ("2.16.840.1.113730.4.1", "nsSGC"),
    ("1.3.6.1.5.5.7.3.10", "DVCS"),
    ("1.3.6.1.5.5.7.3.13", "eapOverPPP"),
    ("1.3.6.1.5.5.7.3.14", "eapOverLAN"),
    ("1.3.6.1.5.5.7.3.19", "cmcCA"),
    ("1.3.6.1.5.5.7.3.20", "cmcRA"),
    ("1.3.6.1.5.5.7.3.21", "secureShellClient"),
    ("1.3.6.1.5.5.7.3.22", "secureShellServer"),
    ("1.3.6.1.5.5.7.3.23", "sendRouter"),
    ("1.3.6.1.5.5.7.3.27", "cmcArchive"),
    ("1.3.6.1.5.5.7.3.28", "bgpsecRouter"),
    ("1.3.6.1.5.5.7.3.36", "documentSigning"),
];

/// Name of an extended key usage purpose.
pub fn extended_key_usage(oid: &str) -> Option<&'static str> {
    lookup(EXTENDED_KEY_USAGES, oid)
}

const ACCESS_METHODS: &[(&str, &str)] = &[
    ("1.3.6.1.5.5.7.48.1", "OCSP"),
    ("1.3.6.1.5.5.7.48.2", "caIssuers"),
    ("1.3.6.1.5.5.7.48.3", "timeStamping"),
    ("1.3.6.1.5.5.7.48.5", "caRepository"),
];

/// Name of an AIA/SIA access method.
pub fn access_method(oid: &str) -> Option<&'static str> {
    lookup(ACCESS_METHODS, oid)
}

const POLICIES: &[(&str, &str)] = &[
    ("2.5.29.32.0", "anyPolicy"),
    ("2.23.140.1.2.1", "domain-validated"),
    ("2.23.140.1.2.2", "organization-validated"),
    ("2.23.140.1.2.3", "individual-validated"),
    ("2.23.140.1.1", "extended-validation"),
    ("1.3.6.1.5.5.7.2.1", "CPS"),
    ("1.3.6.1.5.5.7.2.2", "User Notice"),
];

/// Name of a certificate policy or policy qualifier.
pub fn policy(oid: &str) -> Option<&'static str> {
    lookup(POLICIES, oid)
}

const DIRECTORY_ATTRIBUTES: &[(&str, &str)] = &[
    ("1.3.6.1.5.5.7.9.1", "dateOfBirth"),
    ("1.3.6.1.5.5.7.9.2", "placeOfBirth"),
    ("1.3.6.1.5.5.7.9.3", "gender"),
    ("1.3.6.1.5.5.7.9.4", "countryOfCitizenship"),
    ("1.3.6.1.5.5.7.9.5", "countryOfResidence"),
];

/// Name of a subjectDirectoryAttributes attribute (RFC 3739 §3.2.2), or of a name
/// attribute type.
pub fn directory_attribute(oid: &str) -> Option<&'static str> {
    lookup(DIRECTORY_ATTRIBUTES, oid).or_else(|| attribute_type(oid))
}

const ATTRIBUTES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.9.7", "challengePassword"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
    ("1.2.840.113549.1.9.14", "extensionRequest"),
    ("1.2.840.113549.1.9.20", "friendlyName"),
    ("1.2.840.113549.1.9.21", "localKeyID"),
    ("1.3.6.1.4.1.311.13.2.3", "msOsVersion"),
    ("1.3.6.1.4.1.311.21.20", "msRequestClientInfo"),
    ("1.3.6.1.4.1.311.13.2.2", "msEnrollmentCspProvider"),
];

/// Name of a CSR or PKCS#9 attribute.
pub fn attribute(oid: &str) -> Option<&'static str> {
    lookup(ATTRIBUTES, oid)
}

const PBE: &[(&str, &str)] = &[
    ("1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4"),
    ("1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4"),
    ("1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC"),
    ("1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC"),
    ("1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC"),
    ("1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC"),
    ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
    ("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"),
    ("1.2.840.113549.1.5.13", "PBES2"),
];

/// Name of a password-based encryption scheme.
pub fn pbe(oid: &str) -> Option<&'static str> {
    lookup(PBE, oid)
}

/// `name` if known, else the OID itself.
pub fn name_or_oid(name: Option<&'static str>, oid: &str) -> String {
    name.map(str::to_string).unwrap_or_else(|| oid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_and_attributes_issue_14_names() {
        assert_eq!(
            signature_algorithm("1.2.840.113549.1.1.2"),
            Some("md2WithRSAEncryption")
        );
        assert_eq!(
            signature_algorithm("1.2.840.113549.1.1.3"),
            Some("md4WithRSAEncryption")
        );
        assert_eq!(
            signature_algorithm("2.16.840.1.101.3.4.3.18"),
            Some("ML-DSA-65")
        );
        assert_eq!(key_algorithm("2.16.840.1.101.3.4.4.2"), Some("ml-kem-768"));
        assert_eq!(key_algorithm("1.2.643.7.1.1.1.1"), Some("gost2012_256"));
        assert_eq!(attribute_type("1.2.643.100.3"), Some("SNILS"));
        assert_eq!(
            extended_key_usage("1.3.6.1.4.1.311.2.1.21"),
            Some("msCodeInd")
        );
        // Every table is one OID per row: a second row for an OID would never be reached.
        for table in [
            ATTRIBUTE_TYPES,
            SIGNATURE_ALGORITHMS,
            KEY_ALGORITHMS,
            EXTENDED_KEY_USAGES,
        ] {
            let mut oids: Vec<&str> = table.iter().map(|(o, _)| *o).collect();
            oids.sort_unstable();
            let n = oids.len();
            oids.dedup();
            assert_eq!(oids.len(), n);
        }
    }

    /// The 2.5.4.n and 2.5.29.n shortcut writes what the arc loop writes, and leaves
    /// longer or multi-octet forms to it.
    #[test]
    fn x520_and_extension_shortcut() {
        for n in 0u8..0x80 {
            assert_eq!(decode(&[0x55, 0x04, n]).unwrap(), format!("2.5.4.{n}"));
            assert_eq!(decode(&[0x55, 0x1d, n]).unwrap(), format!("2.5.29.{n}"));
        }
        assert_eq!(decode(&[0x55, 0x1d, 0x81, 0x00]).unwrap(), "2.5.29.128");
        assert_eq!(decode(&[0x55, 0x1d, 0x80]), Err(OidError::Truncated));
        assert_eq!(decode(&[0x55, 0x04, 0x03, 0x01]).unwrap(), "2.5.4.3.1");
    }

    #[test]
    fn dotted_oid() {
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).as_deref(),
            Some("1.2.840.113549.1.1.11")
        );
        assert_eq!(dotted(&[0x80]), None);
    }

    /// Issue 14 item 1: arcs of any size, the first subidentifier split right for any size.
    #[test]
    fn dotted_arcs_of_any_size() {
        let cases: &[(&str, &str)] = &[
            ("00", "0.0"),
            ("27", "0.39"),
            ("28", "1.0"),
            ("4f", "1.39"),
            ("50", "2.0"),
            ("77", "2.39"),
            ("78", "2.40"),
            ("7f", "2.47"),
            ("8100", "2.48"),
            ("883707", "2.999.7"),
            ("8837", "2.999"),
            ("8133", "2.99"),
            ("2a002728", "1.2.0.39.40"),
            ("2a81ffffffffffffffff7f", "1.2.18446744073709551615"),
            ("2a82808080808080808000", "1.2.18446744073709551616"),
            (
                "2a84808080808080808080808080808080808000",
                "1.2.340282366920938463463374607431768211456",
            ),
            // The first subidentifier is 2^64 - 1, then 2^64, then 2^128 + 80.
            ("81ffffffffffffffff7f", "2.18446744073709551535"),
            ("82808080808080808000", "2.18446744073709551536"),
            (
                "84808080808080808080808080808080808050",
                "2.340282366920938463463374607431768211456",
            ),
            (
                "6983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776",
                "2.25.329800735698586629295641978511506172918",
            ),
            ("2b060104010f", "1.3.6.1.4.1.15"),
        ];
        for (hex, want) in cases {
            let der = hex::decode(hex).unwrap();
            assert_eq!(dotted(&der).as_deref(), Some(*want), "{hex}");
        }
    }

    /// Malformed contents are never a plausible OID.
    #[test]
    fn dotted_rejects_malformed() {
        for hex in [
            "",             // empty
            "2a8001",       // 0x80 padding: not minimal
            "8001",         // the same in the first subidentifier
            "2a86",         // last arc cut short
            "86",           // only octet cut short
            "2b06010401ff", // cut short after a long arc
        ] {
            let der = hex::decode(hex).unwrap();
            assert_eq!(dotted(&der), None, "{hex}");
        }
    }

    #[test]
    fn malformed_oids_are_shown_as_such_with_their_hex() {
        assert_eq!(display(&[]), "<invalid OID: empty>");
        assert_eq!(
            display(&[0x2a, 0x80, 0x01]),
            "<invalid OID 2a8001: subidentifier at octet 1 padded with 0x80 (not minimal)>"
        );
        assert_eq!(
            display(&[0x2a, 0x86]),
            "<invalid OID 2a86: last subidentifier cut short>"
        );
        let mut long = vec![0x2a];
        long.extend(std::iter::repeat_n(0xff, MAX_ARC_OCTETS));
        long.push(0x7f);
        assert_eq!(decode(&long), Err(OidError::ArcTooLong(1)));
        // One octet less is converted, all 1792 bits of it.
        long.remove(1);
        let text = display(&long);
        assert!(text.starts_with("1.2.") && text.len() > 500, "{text}");
        assert_eq!(display(&[0x88, 0x37, 0x07]), "2.999.7");
        assert_eq!(
            display_name(
                &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
                extended_key_usage
            ),
            "serverAuth"
        );
    }

    #[test]
    fn the_short_path_agrees_with_the_arc_loop() {
        // Random contents (a fixed LCG), biased to small octets so that most are valid:
        // wherever the one-pass writer answers, the general loop gives the same text.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut answered = 0;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 59) as usize + 1;
            let content: Vec<u8> = (0..len)
                .map(|i| {
                    let r = (seed >> (i % 7 * 8)) as u8;
                    if r.is_multiple_of(5) {
                        r | 0x80
                    } else {
                        r & 0x7f
                    }
                })
                .collect();
            if let Some(short) = decode_short(&content) {
                answered += 1;
                assert_eq!(decode_long(&content), Ok(short), "{content:02x?}");
            } else if let Ok(long) = decode_long(&content) {
                // Declined only for arcs past u64 (which these contents never have).
                panic!("declined a plain OID {long} ({content:02x?})");
            }
        }
        assert!(answered > 5_000, "{answered}");
        for content in [&[0x80, 0x01][..], &[0x2a, 0x86], &[0x2a, 0x80, 0x01]] {
            assert_eq!(decode_short(content), None);
        }
        let big = [0x81; 12];
        assert_eq!(decode_short(&[&big[..], &[0x01]].concat()), None);
    }

    #[test]
    fn encode_is_the_inverse_of_decode() {
        for dotted in [
            "0.0",
            "0.39",
            "1.0",
            "1.39",
            "2.0",
            "2.39",
            "2.40",
            "2.999.7",
            "2.51.1",
            "1.2.840.113549.1.1.11",
            "1.2.18446744073709551615",
            "1.2.18446744073709551616",
            "1.2.340282366920938463463374607431768211456",
            "2.18446744073709551535",
            "2.18446744073709551536",
            "2.340282366920938463463374607431768211456",
            "2.25.329800735698586629295641978511506172918",
            "1.3.6.1.4.1.18446744073709551615",
        ] {
            let der = encode(dotted).unwrap_or_else(|| panic!("{dotted}"));
            assert_eq!(decode(&der).as_deref(), Ok(dotted));
        }
        assert_eq!(encode("2.999.7"), Some(vec![0x88, 0x37, 0x07]));
        for bad in [
            "", "1", "3.1", "0.40", "1.40", "1.100", "1.2.", "1..2", "1.02", "1.2.-3", "1.2.x",
            "+1.2",
        ] {
            assert_eq!(encode(bad), None, "{bad}");
        }
    }

    #[test]
    fn x520_fast_path_agrees_with_the_table() {
        for n in 0u8..=0xff {
            let content = [0x55, 0x04, n];
            let slow = dotted(&content).and_then(|d| attribute_type(&d));
            assert_eq!(x520_attribute_type(&content), slow, "2.5.4.{n}");
            let slow = dotted(&content).and_then(|d| attribute_type_entry(&d));
            assert_eq!(x520_attribute_type_entry(&content), slow, "2.5.4.{n}");
        }
        assert_eq!(x520_attribute_type(&[0x55, 0x04, 0x03]), Some("CN"));
        assert_eq!(x520_attribute_type(&[0x55, 0x1d, 0x0e]), None);
    }

    #[test]
    fn tables() {
        assert_eq!(
            signature_algorithm("1.2.840.10045.4.3.2"),
            Some("ecdsa-with-SHA256")
        );
        assert_eq!(curve("1.3.132.0.34"), Some(("P-384", 384)));
        assert_eq!(attribute_type_oid("cn"), Some("2.5.4.3"));
        assert_eq!(attribute_type_oid("commonName"), Some("2.5.4.3"));
    }
}
