//! A small, bounded BER/DER tag-length-value reader.
//!
//! It exists for three jobs the full parsers do not do: sniffing which structure a DER blob is
//! before choosing a decoder, walking PKCS#7 SignedData written in BER with indefinite lengths
//! (RustCrypto `cms` accepts DER only), and finding one field (a certificate's subject) without
//! a full X.509 parse. Every read is bounds-checked and nesting is capped at [`MAX_DEPTH`].

use thiserror::Error;

/// Deepest nesting accepted; real certificate material stays below 20. A fixed limit, not a
/// flag: it bounds the recursion of this reader, so it is what keeps a hostile file from
/// overflowing the stack.
pub const MAX_DEPTH: usize = 64;

/// Why a TLV could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlvError {
    /// The input ended inside a header or value.
    #[error("truncated ASN.1 at offset {offset}: needs {needed} more bytes")]
    Truncated {
        /// Where the element starts.
        offset: usize,
        /// How many bytes are missing.
        needed: usize,
    },
    /// A length field that cannot be right.
    #[error("invalid ASN.1 length at offset {offset}")]
    BadLength {
        /// Where the element starts.
        offset: usize,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    #[error(
        "ASN.1 nested deeper than {MAX_DEPTH} levels (the DER nesting limit; real certificate \
         material stays below 20, and the limit is fixed)"
    )]
    TooDeep,
    /// An indefinite length on a primitive element.
    #[error("indefinite length on a primitive element at offset {offset}")]
    IndefinitePrimitive {
        /// Where the element starts.
        offset: usize,
    },
}

/// Universal SEQUENCE, constructed.
pub const SEQUENCE: u8 = 0x30;
/// Universal SET, constructed.
pub const SET: u8 = 0x31;
/// Universal INTEGER.
pub const INTEGER: u8 = 0x02;
/// Universal BIT STRING.
pub const BIT_STRING: u8 = 0x03;
/// Universal OCTET STRING.
pub const OCTET_STRING: u8 = 0x04;
/// Universal OBJECT IDENTIFIER.
pub const OID: u8 = 0x06;
/// UTCTime.
pub const UTC_TIME: u8 = 0x17;
/// GeneralizedTime.
pub const GENERALIZED_TIME: u8 = 0x18;

/// One element. Tags above 30 (multi-byte) are kept as their first octet with number 31.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The first identifier octet (class, constructed bit, number ≤ 30 or 31).
    pub tag: u8,
    /// The value bytes (for indefinite lengths: without the end-of-contents octets).
    pub value: &'a [u8],
    /// The whole element, header and value (and end-of-contents, if indefinite).
    pub raw: &'a [u8],
    /// Whether the length was indefinite (BER).
    pub indefinite: bool,
}

impl<'a> Tlv<'a> {
    /// Constructed bit set.
    pub fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// The children of a constructed element.
    pub fn children(&self) -> Children<'a> {
        Children {
            rest: self.value,
            depth: 1,
            failed: false,
        }
    }

    /// Children collected, or the first error.
    pub fn child_vec(&self) -> Result<Vec<Tlv<'a>>, TlvError> {
        self.children().collect()
    }
}

/// Iterator over consecutive elements.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    rest: &'a [u8],
    depth: usize,
    failed: bool,
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match read_at_depth(self.rest, self.depth) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Reads one element from the start of `input`; returns it and the bytes after it.
#[inline]
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    read_at_depth(input, 0)
}

/// Iterates the elements of a byte string holding several in a row.
pub fn iter(input: &[u8]) -> Children<'_> {
    Children {
        rest: input,
        depth: 0,
        failed: false,
    }
}

/// [`read_slow`] with the usual header (a low tag number, a short definite length, the
/// whole value present) read inline: most elements of certificate material have it, and
/// the general reader's call and result cost more than the header itself. Any other input,
/// and any error, is the general reader's, so the answers are the same.
#[inline]
fn read_at_depth(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    if let [tag, first, ..] = *input {
        if tag & 0x1f != 0x1f && first < 0x80 && depth <= MAX_DEPTH {
            let end = 2 + usize::from(first);
            if let (Some(value), Some(raw), Some(after)) =
                (input.get(2..end), input.get(..end), input.get(end..))
            {
                let t = Tlv {
                    tag,
                    value,
                    raw,
                    indefinite: false,
                };
                return Ok((t, after));
            }
        }
    }
    read_slow(input, depth)
}

/// [`read_at_depth`] for any header: high tag numbers, long and indefinite lengths, errors.
#[inline(never)]
fn read_slow(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    if depth > MAX_DEPTH {
        return Err(TlvError::TooDeep);
    }
    let truncated = |needed| TlvError::Truncated { offset: 0, needed };
    let tag = *input.first().ok_or(truncated(1))?;
    let mut pos = 1usize;
    if tag & 0x1f == 0x1f {
        // High tag number: skip base-128 continuation octets (at most 4 keeps it in u32).
        loop {
            let b = *input.get(pos).ok_or(truncated(1))?;
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
            if pos > 5 {
                return Err(TlvError::BadLength { offset: 0 });
            }
        }
    }
    let first = *input.get(pos).ok_or(truncated(1))?;
    pos += 1;
    let constructed = tag & 0x20 != 0;
    if first == 0x80 {
        if !constructed {
            return Err(TlvError::IndefinitePrimitive { offset: 0 });
        }
        // Indefinite: children until an end-of-contents (00 00).
        let start = pos;
        let mut cursor = pos;
        loop {
            let rest = input.get(cursor..).ok_or(truncated(2))?;
            if rest.len() < 2 {
                return Err(truncated(2 - rest.len()));
            }
            if rest.first() == Some(&0) && rest.get(1) == Some(&0) {
                let value = input.get(start..cursor).ok_or(truncated(0))?;
                let raw = input.get(..cursor + 2).ok_or(truncated(2))?;
                let after = input.get(cursor + 2..).unwrap_or(&[]);
                return Ok((
                    Tlv {
                        tag,
                        value,
                        raw,
                        indefinite: true,
                    },
                    after,
                ));
            }
            let (child, _) = read_at_depth(rest, depth + 1)?;
            cursor += child.raw.len();
        }
    }
    let len = if first & 0x80 == 0 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n > 8 {
            return Err(TlvError::BadLength { offset: 0 });
        }
        let mut len: u64 = 0;
        for _ in 0..n {
            let b = *input.get(pos).ok_or(truncated(1))?;
            pos += 1;
            len = (len << 8) | u64::from(b);
        }
        usize::try_from(len).map_err(|_| TlvError::BadLength { offset: 0 })?
    };
    let end = pos
        .checked_add(len)
        .ok_or(TlvError::BadLength { offset: 0 })?;
    if end > input.len() {
        return Err(truncated(end - input.len()));
    }
    let value = input.get(pos..end).ok_or(truncated(0))?;
    let raw = input.get(..end).ok_or(truncated(0))?;
    let after = input.get(end..).unwrap_or(&[]);
    Ok((
        Tlv {
            tag,
            value,
            raw,
            indefinite: false,
        },
        after,
    ))
}

/// Appends a DER header for `tag` and `len` to `out`.
pub fn write_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    write_length(out, len);
}

/// The identifier octets at the start of `raw`: one, or more for tag numbers above 30.
/// [`Tlv::tag`] keeps only the first, so re-encoding needs the rest from here.
fn identifier(raw: &[u8]) -> &[u8] {
    let n = if raw.first().is_some_and(|t| t & 0x1f == 0x1f) {
        1 + raw
            .iter()
            .skip(1)
            .position(|b| b & 0x80 == 0)
            .map_or(0, |p| p + 1)
    } else {
        1
    };
    raw.get(..n).unwrap_or(raw)
}

/// Appends a DER length.
fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

/// Re-encodes BER as DER lengths: indefinite lengths become definite and constructed OCTET
/// STRINGs are joined into one primitive. Tags and values are kept, so certificates inside a
/// BER PKCS#7 come out byte-identical (they are DER already).
pub fn ber_to_der(input: &[u8]) -> Result<Vec<u8>, TlvError> {
    let (tlv, _) = read(input)?;
    let mut out = Vec::with_capacity(tlv.raw.len());
    normalise(&tlv, &mut out, 0)?;
    Ok(out)
}

fn normalise(tlv: &Tlv<'_>, out: &mut Vec<u8>, depth: usize) -> Result<(), TlvError> {
    if depth > MAX_DEPTH {
        return Err(TlvError::TooDeep);
    }
    if !tlv.constructed() {
        if tlv.indefinite {
            return Err(TlvError::IndefinitePrimitive { offset: 0 });
        }
        out.extend_from_slice(tlv.raw);
        return Ok(());
    }
    if !tlv.indefinite && !contains_indefinite(tlv.value, depth)? && tlv.tag != 0x24 {
        out.extend_from_slice(tlv.raw);
        return Ok(());
    }
    if tlv.tag == 0x24 {
        // Constructed OCTET STRING (BER chunking): DER wants one primitive string.
        let mut joined = Vec::new();
        collect_octets(tlv, &mut joined, depth)?;
        write_header(out, OCTET_STRING, joined.len());
        out.extend_from_slice(&joined);
        return Ok(());
    }
    let mut body = Vec::with_capacity(tlv.value.len());
    for child in tlv.children() {
        normalise(&child?, &mut body, depth + 1)?;
    }
    // All identifier octets: a multi-byte tag cut to its first octet corrupts the output.
    out.extend_from_slice(identifier(tlv.raw));
    write_length(out, body.len());
    out.extend_from_slice(&body);
    Ok(())
}

fn collect_octets(tlv: &Tlv<'_>, out: &mut Vec<u8>, depth: usize) -> Result<(), TlvError> {
    if depth > MAX_DEPTH {
        return Err(TlvError::TooDeep);
    }
    if tlv.constructed() {
        for child in tlv.children() {
            collect_octets(&child?, out, depth + 1)?;
        }
    } else {
        out.extend_from_slice(tlv.value);
    }
    Ok(())
}

fn contains_indefinite(value: &[u8], depth: usize) -> Result<bool, TlvError> {
    if depth > MAX_DEPTH {
        return Err(TlvError::TooDeep);
    }
    for child in iter(value) {
        let child = child?;
        if child.indefinite || child.tag == 0x24 {
            return Ok(true);
        }
        if child.constructed() && contains_indefinite(child.value, depth + 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The fields of a certificate's TBSCertificate, after the optional `[0]` version (absent
/// in v1 certificates): serialNumber, signature, issuer, validity, subject,
/// subjectPublicKeyInfo, then the optional ones. The one walker for code that needs a field
/// or two without decoding the certificate.
pub fn tbs_fields(cert_der: &[u8]) -> Option<impl Iterator<Item = Tlv<'_>>> {
    let (cert, _) = read(cert_der).ok()?;
    let tbs = cert.children().next()?.ok()?;
    let mut fields = tbs.children().filter_map(Result::ok).peekable();
    if fields.peek().is_some_and(|f| f.tag == 0xa0) {
        fields.next();
    }
    Some(fields)
}

/// Bit length of a non-negative DER INTEGER's content octets.
pub fn integer_bits(value: &[u8]) -> u32 {
    let skip = value.iter().take_while(|b| **b == 0).count();
    let rest = value.get(skip..).unwrap_or(&[]);
    match rest.first() {
        None => 0,
        Some(first) => {
            let len = u32::try_from(rest.len()).unwrap_or(u32::MAX / 8);
            (len - 1).saturating_mul(8) + (8 - first.leading_zeros())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_definite() {
        let (t, rest) = read(&[0x30, 0x03, 0x02, 0x01, 0x05, 0xff]).unwrap();
        assert_eq!(t.tag, SEQUENCE);
        assert_eq!(t.value, &[0x02, 0x01, 0x05]);
        assert_eq!(rest, &[0xff]);
        let kids = t.child_vec().unwrap();
        assert_eq!(kids.len(), 1);
        assert_eq!(kids[0].value, &[5]);
    }

    /// The inline header read ([`read_at_depth`]) against the general one on every
    /// two-octet header, each value cut short, complete and followed by more, at the
    /// depths either side of the limit.
    #[test]
    fn the_inline_header_read_agrees_with_the_general_one() {
        for tag in 0..=0xffu8 {
            for first in 0..=0xffu8 {
                for extra in [0usize, 1, 3, 0x7f, 0x80, 0x81] {
                    let mut v = vec![tag, first];
                    v.extend((0..extra).map(|n| n as u8));
                    for depth in [0, MAX_DEPTH, MAX_DEPTH + 1] {
                        assert_eq!(
                            read_at_depth(&v, depth),
                            read_slow(&v, depth),
                            "{tag:02x} {first:02x} +{extra} at {depth}"
                        );
                    }
                }
            }
        }
        for v in [&[][..], &[0x30]] {
            assert_eq!(read_at_depth(v, 0), read_slow(v, 0));
        }
    }

    #[test]
    fn reads_long_length() {
        let mut v = vec![0x04, 0x81, 0x80];
        v.extend(std::iter::repeat_n(7, 0x80));
        let (t, _) = read(&v).unwrap();
        assert_eq!(t.value.len(), 0x80);
    }

    #[test]
    fn truncated_and_huge_lengths_are_errors() {
        assert!(read(&[0x30, 0x05, 0x02]).is_err());
        assert!(read(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]).is_err());
        assert!(read(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(read(&[]).is_err());
    }

    #[test]
    fn indefinite_to_der() {
        // SEQUENCE (indef) { INTEGER 5, OCTET STRING constructed (indef) { "ab", "c" } }
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c',
            0x00, 0x00, 0x00, 0x00,
        ];
        let der = ber_to_der(&ber).unwrap();
        assert_eq!(
            der,
            [0x30, 0x08, 0x02, 0x01, 0x05, 0x04, 0x03, b'a', b'b', b'c']
        );
    }

    #[test]
    fn multi_byte_tags_survive_normalisation() {
        // SEQUENCE { [APPLICATION 0x80] constructed, indefinite, empty } — found by the
        // ber_to_der property test: the tag came out as its first octet only.
        let ber = [0x30, 0x06, 0xbf, 0x81, 0x00, 0x80, 0x00, 0x00];
        let der = ber_to_der(&ber).unwrap();
        assert_eq!(der, [0x30, 0x04, 0xbf, 0x81, 0x00, 0x00]);
        assert_eq!(ber_to_der(&der).unwrap(), der);
        assert_eq!(identifier(&[0x02, 0x01, 0x00]), &[0x02]);
        assert_eq!(
            identifier(&[0x1f, 0x81, 0x82, 0x03, 0x00]),
            &[0x1f, 0x81, 0x82, 0x03]
        );
        // Truncated (the reader refuses these first): no panic.
        assert_eq!(identifier(&[0x1f, 0x81]), &[0x1f]);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut v = Vec::new();
        for _ in 0..10_000 {
            v.extend_from_slice(&[0x30, 0x80]);
        }
        assert_eq!(read(&v), Err(TlvError::TooDeep));
        assert_eq!(ber_to_der(&v), Err(TlvError::TooDeep));
        let msg = TlvError::TooDeep.to_string();
        assert!(msg.contains("nested deeper than 64 levels"), "{msg}");
        assert!(msg.contains("DER nesting limit"), "{msg}");
    }

    #[test]
    fn nesting_up_to_the_limit_is_read() {
        // MAX_DEPTH indefinite levels inside the outermost element are accepted.
        let mut v = Vec::new();
        for _ in 0..=MAX_DEPTH {
            v.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..=MAX_DEPTH {
            v.extend_from_slice(&[0x00, 0x00]);
        }
        assert!(read(&v).is_ok());
        v.splice(0..0, [0x30, 0x80]);
        v.extend_from_slice(&[0x00, 0x00]);
        assert_eq!(read(&v), Err(TlvError::TooDeep));
    }

    #[test]
    fn header_writer() {
        let mut out = Vec::new();
        write_header(&mut out, 0x04, 300);
        assert_eq!(out, [0x04, 0x82, 0x01, 0x2c]);
    }
}
