//! RFC 4514 strings to X.501 `Name` DER, and a loose comparison of two `Name`s: the
//! inverse of [`super::format_name`], for `certscope token find --subject/--issuer`.
//!
//! Used to look certificates up on a token by subject or issuer: the user types
//! `CN=www.example.com,O=Example\, Inc.,C=US`, [`rfc4514_to_der`] turns it into the bytes a
//! token most likely stores in `CKA_SUBJECT`, and that goes into a `C_FindObjects`
//! template. A token matches templates byte for byte, so the encoding has to be the one
//! the certificate was issued with. [`names_equivalent`] is the fallback for the tokens
//! (or certificates) that used another one.
//!
//! # Which ASN.1 string type each value gets
//!
//! The same choices as OpenSSL 3 with its default `string_mask = utf8only` (what
//! `openssl req`/`openssl ca`/`openssl x509` write, and so most certificates a user makes;
//! checked against `openssl req -new -x509 -subj ... -utf8` with an empty config):
//!
//! | attribute | type | why |
//! | --- | --- | --- |
//! | `C`, `jurisdictionC` | PrintableString, exactly 2 characters | OpenSSL's string table fixes it (`countryName` 2..2) |
//! | `serialNumber`, `dnQualifier` | PrintableString | fixed in OpenSSL's table |
//! | `emailAddress`, `DC` | IA5String (ASCII) | fixed in OpenSSL's table |
//! | everything else, dotted OIDs too | UTF8String | the `utf8only` mask |
//!
//! Values that the fixed type cannot hold (`C=USA`, `serialNumber=a_b`, a non-ASCII
//! e-mail) are errors, as they are in OpenSSL. A value written as `#` + hex (RFC 4514
//! §2.4) is taken as the complete BER/DER of the value, which is how to ask for any other
//! type (`CN=#13026869` is PrintableString "hi").
//!
//! # Syntax accepted
//!
//! RFC 4514 §3: `,` between RDNs, `+` inside a multi-valued RDN, `\` escapes of the
//! special characters and `\XX` hex escapes (which may form UTF-8 sequences), `#hex`
//! values, keywords case-insensitively and dotted OIDs (also with an `OID.` prefix, as
//! some tools print them). Leniency, because people type these by hand: spaces around
//! `,`, `+` and `=` are ignored (an escaped `\ ` is kept). The RDN order in the string is
//! the reverse of the DER order (RFC 4514 §2.1 lists the last RDN first), so the output
//! reverses it; inside a multi-valued RDN the values are sorted as DER requires for a SET OF.

use der::asn1::SetOfVec;
use der::{Any, Encode, Tag};
use thiserror::Error;

use crate::asn1::oids;
use crate::asn1::tlv::{self, Tlv};

/// Why an RFC 4514 string cannot be turned into a `Name`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DnError {
    /// An RDN without `=`, or an attribute type that is empty.
    #[error("expected TYPE=VALUE at character {0} of the distinguished name")]
    ExpectedAttribute(usize),
    /// A keyword that is not in the table and not a dotted OID.
    #[error(
        "unknown attribute type \"{0}\" in the distinguished name (use a dotted OID such as \
         2.5.4.3, or one of CN L ST O OU C STREET DC UID serialNumber emailAddress SN GN title)"
    )]
    UnknownAttributeType(String),
    /// A dotted OID that is not one (see [`crate::asn1::oids::encode`]).
    #[error("\"{0}\" is not a valid object identifier")]
    BadOid(String),
    /// A character RFC 4514 requires to be escaped appears raw.
    #[error("character '{0}' must be escaped with a backslash in a distinguished name value")]
    Unescaped(char),
    /// A backslash not followed by a special character or two hex digits, or at the end.
    #[error("bad backslash escape at character {0} of the distinguished name")]
    BadEscape(usize),
    /// `\XX` escapes that do not form UTF-8.
    #[error("the value of {0} is not valid UTF-8 after unescaping")]
    NotUtf8(String),
    /// A `#` value with an odd number of digits, a non-hex digit, or not one BER element.
    #[error("the #hex value of {0} is not the hex of one complete DER element")]
    BadHexValue(String),
    /// A value the attribute's fixed string type cannot hold.
    #[error(
        "{attr}={value:?} cannot be encoded: {reason} (write #hex to give the DER of another type)"
    )]
    BadValueForType {
        /// The attribute keyword or OID.
        attr: String,
        /// The value as written.
        value: String,
        /// What the fixed type requires.
        reason: &'static str,
    },
    /// Text left after a value (for example `CN=a"b`).
    #[error("unexpected character '{0}' after a value in the distinguished name")]
    Trailing(char),
    /// The DER encoder failed (a value too long for a DER length, in practice never).
    #[error("DER encoding failed: {0}")]
    Der(String),
}

impl From<der::Error> for DnError {
    fn from(e: der::Error) -> Self {
        DnError::Der(e.to_string())
    }
}

/// The dotted OID of an attribute keyword (case-insensitive), if known: the keywords
/// certscope's formatter prints plus the long names and aliases other tools print, so that
/// anything certscope shows can be pasted back. One table, in [`crate::asn1::oids`].
pub fn attribute_oid(keyword: &str) -> Option<&'static str> {
    oids::attribute_type_oid(keyword)
}

/// The string type OpenSSL (utf8only) uses for an attribute; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StringKind {
    Printable { exact_len: Option<usize> },
    Ia5,
    Utf8,
}

fn string_kind(oid: &str) -> StringKind {
    match oid {
        "2.5.4.6" | "1.3.6.1.4.1.311.60.2.1.3" => StringKind::Printable { exact_len: Some(2) },
        "2.5.4.5" | "2.5.4.46" => StringKind::Printable { exact_len: None },
        "1.2.840.113549.1.9.1" | "0.9.2342.19200300.100.1.25" => StringKind::Ia5,
        _ => StringKind::Utf8,
    }
}

/// X.680 PrintableString characters.
fn is_printable_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            ' ' | '\'' | '(' | ')' | '+' | ',' | '-' | '.' | '/' | ':' | '=' | '?'
        )
}

/// One parsed `TYPE=VALUE`.
struct Atv {
    /// The keyword or OID as written, for error messages.
    written: String,
    /// The dotted OID, for the string type it takes.
    oid: String,
    /// Its DER content octets: [`oids::encode`], exact for arcs of any size (const-oid's
    /// `ObjectIdentifier` stops at 32-bit arcs, so `2.25.<uuid>` names could not be typed).
    oid_der: Vec<u8>,
    value: Value,
}

enum Value {
    Text(String),
    /// Complete DER of the value, from `#hex`.
    Der(Vec<u8>),
}

/// Characters RFC 4514 §2.4 lets a backslash escape literally.
fn is_escapable(c: char) -> bool {
    matches!(
        c,
        '"' | '+' | ',' | ';' | '<' | '>' | '\\' | ' ' | '#' | '='
    )
}

struct Parser<'a> {
    chars: Vec<(usize, char)>,
    pos: usize,
    input: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn offset(&self) -> usize {
        self.chars
            .get(self.pos)
            .map_or(self.input.len(), |(i, _)| *i)
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.pos += 1;
        }
    }

    fn attribute_type(&mut self) -> Result<(String, String, Vec<u8>), DnError> {
        let start = self.offset();
        while let Some(c) = self.peek() {
            if c == '=' || c == ',' || c == '+' {
                break;
            }
            self.pos += 1;
        }
        let written = self
            .input
            .get(start..self.offset())
            .unwrap_or_default()
            .trim_end()
            .to_string();
        if self.peek() != Some('=') || written.is_empty() {
            return Err(DnError::ExpectedAttribute(start));
        }
        self.pos += 1;
        let dotted = written
            .strip_prefix("OID.")
            .or_else(|| written.strip_prefix("oid."))
            .unwrap_or(&written);
        let oid_text = if dotted.starts_with(|c: char| c.is_ascii_digit()) {
            dotted.to_string()
        } else {
            attribute_oid(dotted)
                .ok_or_else(|| DnError::UnknownAttributeType(written.clone()))?
                .to_string()
        };
        let Some(oid_der) = oids::encode(&oid_text) else {
            return Err(DnError::BadOid(oid_text));
        };
        Ok((written, oid_text, oid_der))
    }

    fn hex_value(&mut self, written: &str) -> Result<Vec<u8>, DnError> {
        let bad = || DnError::BadHexValue(written.to_string());
        self.pos += 1; // '#'
        let mut digits = String::new();
        while let Some(c) = self.peek() {
            if c == ',' || c == '+' || c == ' ' {
                break;
            }
            digits.push(c);
            self.pos += 1;
        }
        let der = hex::decode(&digits).map_err(|_| bad())?;
        // It must be exactly one element: a value with trailing bytes would make the
        // Name's encoding wrong in a way the token would never match.
        match read_tlv(&der) {
            Some((_, [])) => {}
            _ => return Err(bad()),
        }
        Ok(der)
    }

    fn string_value(&mut self, written: &str) -> Result<String, DnError> {
        let mut bytes: Vec<u8> = Vec::new();
        // Length without trailing unescaped spaces, which are dropped (escaped ones stay).
        let mut keep = 0;
        while let Some(c) = self.peek() {
            match c {
                ',' | '+' => break,
                '\\' => {
                    let at = self.offset();
                    self.pos += 1;
                    let next = self.peek().ok_or(DnError::BadEscape(at))?;
                    if is_escapable(next) {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(next.encode_utf8(&mut buf).as_bytes());
                        self.pos += 1;
                    } else {
                        let hi = next.to_digit(16).ok_or(DnError::BadEscape(at))?;
                        self.pos += 1;
                        let lo = self
                            .peek()
                            .and_then(|c| c.to_digit(16))
                            .ok_or(DnError::BadEscape(at))?;
                        self.pos += 1;
                        // Both digits are < 16, so this fits a byte.
                        bytes.push(u8::try_from(hi * 16 + lo).map_err(|_| DnError::BadEscape(at))?);
                    }
                    keep = bytes.len();
                }
                '"' | ';' | '<' | '>' | '\0' => return Err(DnError::Unescaped(c)),
                _ => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    if c != ' ' {
                        keep = bytes.len();
                    }
                    self.pos += 1;
                }
            }
        }
        bytes.truncate(keep);
        String::from_utf8(bytes).map_err(|_| DnError::NotUtf8(written.to_string()))
    }

    fn atv(&mut self) -> Result<Atv, DnError> {
        self.skip_spaces();
        let (written, oid, oid_der) = self.attribute_type()?;
        self.skip_spaces();
        let value = if self.peek() == Some('#') {
            Value::Der(self.hex_value(&written)?)
        } else {
            Value::Text(self.string_value(&written)?)
        };
        self.skip_spaces();
        Ok(Atv {
            written,
            oid,
            oid_der,
            value,
        })
    }
}

fn encode_value(atv: &Atv) -> Result<Vec<u8>, DnError> {
    let text = match &atv.value {
        Value::Der(der) => return Ok(der.clone()),
        Value::Text(text) => text,
    };
    let bad = |reason: &'static str| DnError::BadValueForType {
        attr: atv.written.clone(),
        value: text.clone(),
        reason,
    };
    let tag = match string_kind(&atv.oid) {
        StringKind::Printable { exact_len } => {
            if !text.chars().all(is_printable_char) {
                return Err(bad(
                    "it is a PrintableString (A-Z a-z 0-9 space ' ( ) + , - . / : = ?)",
                ));
            }
            if exact_len.is_some_and(|n| text.chars().count() != n) {
                return Err(bad("a country code is exactly 2 characters"));
            }
            Tag::PrintableString
        }
        StringKind::Ia5 => {
            if !text.is_ascii() {
                return Err(bad("it is an IA5String (ASCII only)"));
            }
            Tag::Ia5String
        }
        StringKind::Utf8 => Tag::Utf8String,
    };
    Ok(Any::new(tag, text.as_bytes())?.to_der()?)
}

/// Parses an RFC 4514 string into the DER of an X.501 `Name`. See the module docs for the
/// string types chosen and the syntax accepted. An empty (or all-space) string is the
/// empty `Name` (`30 00`).
pub fn rfc4514_to_der(input: &str) -> Result<Vec<u8>, DnError> {
    let mut p = Parser {
        chars: input.char_indices().collect(),
        pos: 0,
        input,
    };
    let mut rdns: Vec<Vec<Atv>> = Vec::new();
    p.skip_spaces();
    if p.peek().is_some() {
        let mut current = vec![p.atv()?];
        loop {
            match p.peek() {
                None => break,
                Some(',') => {
                    p.pos += 1;
                    rdns.push(std::mem::take(&mut current));
                    current.push(p.atv()?);
                }
                Some('+') => {
                    p.pos += 1;
                    current.push(p.atv()?);
                }
                Some(c) => return Err(DnError::Trailing(c)),
            }
        }
        rdns.push(current);
    }
    // RFC 4514 §2.1: the string starts with the last RDN of the sequence.
    rdns.reverse();
    let mut name: Vec<SetOfVec<Any>> = Vec::with_capacity(rdns.len());
    for rdn in &rdns {
        let mut set = SetOfVec::new();
        for atv in rdn {
            let mut body = Vec::with_capacity(atv.oid_der.len() + 2);
            tlv::write_header(&mut body, tlv::OID, atv.oid_der.len());
            body.extend_from_slice(&atv.oid_der);
            body.extend_from_slice(&encode_value(atv)?);
            // SetOfVec keeps DER order (sorted by encoding) as X.690 §11.6 requires.
            set.insert(Any::new(Tag::Sequence, body)?)?;
        }
        name.push(set);
    }
    Ok(name.to_der()?)
}

/// One element and the rest of the input, with [`crate::asn1::tlv`]'s bounded reader (which,
/// unlike `der`'s decoder, keeps string types it has no variant for, such as
/// UniversalString, that old certificates use).
fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    tlv::read(input).ok()
}

/// All elements of a constructed value, or `None` if any is malformed.
fn children(content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    tlv::iter(content).collect::<Result<Vec<_>, _>>().ok()
}

/// One attribute of a decoded `Name`: OID content bytes and the value element.
struct RawAtv<'a> {
    oid: &'a [u8],
    value: Tlv<'a>,
}

fn decode_name(der: &[u8]) -> Option<Vec<Vec<RawAtv<'_>>>> {
    let (name, rest) = read_tlv(der)?;
    if name.tag != tlv::SEQUENCE || !rest.is_empty() {
        return None;
    }
    let mut rdns = Vec::new();
    for rdn in children(name.value)? {
        if rdn.tag != tlv::SET {
            return None;
        }
        let mut atvs = Vec::new();
        for atv in children(rdn.value)? {
            if atv.tag != tlv::SEQUENCE {
                return None;
            }
            match children(atv.value)?.as_slice() {
                [oid, value] if oid.tag == tlv::OID => atvs.push(RawAtv {
                    oid: oid.value,
                    value: *value,
                }),
                _ => return None,
            }
        }
        rdns.push(atvs);
    }
    Some(rdns)
}

/// Text of a string value of any ASN.1 string type, or `None` for non-strings and
/// undecodable contents.
fn string_text(value: Tlv<'_>) -> Option<String> {
    let bytes = value.value;
    match value.tag {
        // UTF8String, NumericString, PrintableString, IA5String, VisibleString.
        0x0c | 0x12 | 0x13 | 0x16 | 0x1a => String::from_utf8(bytes.to_vec()).ok(),
        // TeletexString: Latin-1 in practice (what OpenSSL assumes too).
        0x14 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        // BMPString: UTF-16BE.
        0x1e => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| c.iter().fold(0u16, |acc, &b| acc << 8 | u16::from(b)))
                .collect();
            String::from_utf16(&units).ok()
        }
        // UniversalString: UTF-32BE.
        0x1c => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks_exact(4)
                .map(|c| char::from_u32(c.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b))))
                .collect()
        }
        _ => None,
    }
}

/// RFC 4518-style preparation, simplified: trim, collapse runs of whitespace to one space,
/// lower-case. (No NFKC and no RFC 4518 mapping tables: the crate has no Unicode tables,
/// and for the names people put on tokens case and spacing are what differ.)
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .flat_map(char::to_lowercase)
        .collect()
}

fn atv_equivalent(a: &RawAtv<'_>, b: &RawAtv<'_>) -> bool {
    if a.oid != b.oid {
        return false;
    }
    match (string_text(a.value), string_text(b.value)) {
        (Some(x), Some(y)) => normalize(&x) == normalize(&y),
        // Non-string values (or undecodable ones) only match exactly.
        _ => a.value.tag == b.value.tag && a.value.value == b.value.value,
    }
}

/// Are two DER `Name`s the same name in the sense of RFC 5280 §7.1? Same number of RDNs
/// in the same order; each RDN the same set of attributes in any order; string values
/// compared after trimming, collapsing internal whitespace and lower-casing, whatever
/// string type each side uses (a PrintableString "US" equals a UTF8String "us");
/// non-string values byte for byte. Not full RFC 4518 (no NFKC, no mapping tables).
/// Malformed DER is only equivalent to identical bytes.
///
/// Meant as a fallback: when a template with `CKA_SUBJECT` finds nothing because the token
/// (or the certificate) used other string types than [`rfc4514_to_der`] chose.
pub fn names_equivalent(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let (Some(a), Some(b)) = (decode_name(a), decode_name(b)) else {
        return false;
    };
    a.len() == b.len()
        && a.iter().zip(&b).all(|(ra, rb)| {
            if ra.len() != rb.len() {
                return false;
            }
            // Match each attribute of `ra` to a distinct one of `rb`; RDNs are tiny.
            let mut used = vec![false; rb.len()];
            ra.iter().all(|x| {
                let found = rb
                    .iter()
                    .zip(used.iter_mut())
                    .find(|(y, u)| !**u && atv_equivalent(x, y));
                match found {
                    Some((_, u)) => {
                        *u = true;
                        true
                    }
                    None => false,
                }
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(s: &str) -> String {
        hex::encode(rfc4514_to_der(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    // Expected bytes below come from `openssl req -new -x509 -utf8 -subj ...` (OpenSSL 3,
    // empty config), the subject field cut out of the certificate.

    #[test]
    fn brief_example_matches_openssl() {
        assert_eq!(
            der("CN=www.example.com,O=Example\\, Inc.,C=US"),
            "303f310b300906035504061302555331163014060355040a0c0d4578616d706c652c20496e632e\
             3118301606035504030c0f7777772e6578616d706c652e636f6d"
        );
    }

    #[test]
    fn every_keyword_matches_openssl() {
        // openssl -subj "/C=US/ST=California/L=SF/street=1 Main St/O=Org/OU=Unit/CN=name/
        //   serialNumber=1234/emailAddress=a@b.c/DC=example/UID=jdoe/SN=Doe/GN=John/title=Boss"
        assert_eq!(
            der(
                "title=Boss,GN=John,SN=Doe,UID=jdoe,DC=example,emailAddress=a@b.c,\
                 serialNumber=1234,CN=name,OU=Unit,O=Org,STREET=1 Main St,L=SF,\
                 ST=California,C=US"
            ),
            "3081ef310b30090603550406130255533113301106035504080c0a43616c69666f726e6961310b\
             300906035504070c0253463112301006035504090c0931204d61696e205374310c300a060355040a\
             0c034f7267310d300b060355040b0c04556e6974310d300b06035504030c046e616d65310d300b06\
             035504051304313233343114301206092a864886f70d01090116056140622e6331173015060a0992\
             268993f22c64011916076578616d706c6531143012060a0992268993f22c6401010c046a646f6531\
             0c300a06035504040c03446f65310d300b060355042a0c044a6f686e310d300b060355040c0c0442\
             6f7373"
        );
    }

    #[test]
    fn multi_valued_rdn_sorted_like_openssl() {
        // openssl -multivalue-rdn -subj "/C=US/CN=a+O=b"
        let expected = "3023310b30090603550406130255533114300806035504030c01613008060355040a0c0162";
        assert_eq!(der("CN=a+O=b,C=US"), expected);
        assert_eq!(der("O=b+CN=a,C=US"), expected);
        // openssl -multivalue-rdn -subj "/CN=b+CN=a+O=z"
        assert_eq!(
            der("O=z+CN=b+CN=a"),
            "3020311e300806035504030c0161300806035504030c01623008060355040a0c017a"
        );
    }

    #[test]
    fn utf8_and_serial_number_match_openssl() {
        // openssl -utf8 -subj "/CN=Jörg/serialNumber=AB-12"
        let expected = "3020310e300c06035504030c054ac3b67267310e300c0603550405130541422d3132";
        assert_eq!(der("serialNumber=AB-12,CN=J\u{f6}rg"), expected);
        assert_eq!(der("serialNumber=AB-12,CN=J\\C3\\B6rg"), expected);
    }

    #[test]
    fn other_openssl_fixed_types() {
        // openssl -subj /jurisdictionC=US and /dnQualifier=x: PrintableString.
        assert_eq!(
            der("jurisdictionC=US"),
            "301531133011060b2b0601040182373c02010313025553"
        );
        assert_eq!(der("dnQualifier=x"), "300c310a3008060355042e130178");
        // /postalCode=123: UTF8String.
        assert_eq!(der("postalCode=123"), "300e310c300a06035504110c03313233");
    }

    #[test]
    fn certscope_fixture_subject() {
        // fixtures/certs/leaf.pem's subject, as `openssl x509 -nameopt RFC2253` prints it.
        assert_eq!(
            der(
                "emailAddress=admin@example.com,CN=www.example.com,OU=Engineering,\
                 O=Certscope Test,L=San Francisco,ST=California,C=US"
            ),
            "3081a5310b3009060355040613025553311330110603550408\
             0c0a43616c69666f726e6961311630140603550407\
             0c0d53616e204672616e636973636f3117301506035504\
             0a0c0e4365727473636f7065205465737431143012060355040b\
             0c0b456e67696e656572696e67311830160603550403\
             0c0f7777772e6578616d706c652e636f6d3120301e06092a864886f70d010901\
             161161646d696e406578616d706c652e636f6d"
        );
    }

    /// DER of a one-RDN name `oid=value`, value given as tag and content bytes.
    fn single(oid_tlv: &str, tag: u8, value: &[u8]) -> String {
        let oid = hex::decode(oid_tlv).unwrap();
        let mut atv = oid;
        atv.push(tag);
        atv.push(u8::try_from(value.len()).unwrap());
        atv.extend_from_slice(value);
        let wrap = |t: u8, body: Vec<u8>| {
            let mut v = vec![t, u8::try_from(body.len()).unwrap()];
            v.extend(body);
            v
        };
        hex::encode(wrap(0x30, wrap(0x31, wrap(0x30, atv))))
    }

    const CN: &str = "0603550403";

    #[test]
    fn empty_and_spaces() {
        assert_eq!(der(""), "3000");
        assert_eq!(der("   "), "3000");
        // Spaces around separators are dropped, escaped ones kept.
        assert_eq!(der(" CN = a b , C = US "), der("CN=a b,C=US"));
        assert_eq!(der("CN=\\ a\\ "), single(CN, 0x0c, b" a "));
        assert_eq!(der("CN=a\\20\\20 "), single(CN, 0x0c, b"a  "));
        assert_eq!(der("CN="), single(CN, 0x0c, b""));
    }

    #[test]
    fn escapes() {
        assert_eq!(der("CN=\\#x"), single(CN, 0x0c, b"#x"));
        assert_eq!(
            der("CN=a\\,b\\+c\\;d\\<e\\>f\\\"g\\\\h\\=i"),
            single(CN, 0x0c, b"a,b+c;d<e>f\"g\\h=i")
        );
        assert_eq!(der("CN=\\41\\62"), single(CN, 0x0c, b"Ab"));
        // '=' and a non-leading '#' need no escape.
        assert_eq!(der("CN=a=b#"), single(CN, 0x0c, b"a=b#"));
    }

    #[test]
    fn hex_values() {
        // CN=#13026869 is PrintableString "hi", kept as written.
        assert_eq!(der("CN=#13026869"), single(CN, 0x13, b"hi"));
        assert_eq!(der("CN=#13026869 ,C=US"), der("CN=#13026869,C=US"));
        for bad in ["CN=#1302686", "CN=#130268", "CN=#1302686969", "CN=#"] {
            assert_eq!(
                rfc4514_to_der(bad),
                Err(DnError::BadHexValue("CN".into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn dotted_oids() {
        let by_oid = der("2.5.4.3=x");
        assert_eq!(by_oid, der("CN=x"));
        assert_eq!(der("OID.2.5.4.3=x"), by_oid);
        assert_eq!(der("cn=x"), by_oid);
        assert_eq!(der("commonName=x"), by_oid);
        // Unknown OIDs get UTF8String, as OpenSSL's default mask gives them.
        assert_eq!(der("1.2.3.4=v"), single("06032a0304", 0x0c, b"v"));
        assert_eq!(rfc4514_to_der("3.1=v"), Err(DnError::BadOid("3.1".into())));
        assert_eq!(
            rfc4514_to_der("1.40=v"),
            Err(DnError::BadOid("1.40".into()))
        );
        // Issue 14 item 1: arcs of any size, and 2.40 and beyond, round-trip.
        for dotted in [
            "2.25.329800735698586629295641978511506172918",
            "1.3.6.1.4.1.18446744073709551615",
            "2.999.7",
            "2.51.1",
        ] {
            let name = rfc4514_to_der(&format!("{dotted}=v")).unwrap();
            assert_eq!(
                crate::asn1::dn::format_name(&name).unwrap(),
                format!("{dotted}=#0c0176")
            );
        }
    }

    #[test]
    fn errors() {
        let e = |s: &str| rfc4514_to_der(s).unwrap_err();
        assert_eq!(e("CN"), DnError::ExpectedAttribute(0));
        assert_eq!(e("CN=a,"), DnError::ExpectedAttribute(5));
        assert_eq!(e("=a"), DnError::ExpectedAttribute(0));
        assert_eq!(e("XX=a"), DnError::UnknownAttributeType("XX".into()));
        assert_eq!(e("CN=a\"b"), DnError::Unescaped('"'));
        assert_eq!(e("CN=a;b"), DnError::Unescaped(';'));
        assert_eq!(e("CN=a\\"), DnError::BadEscape(4));
        assert_eq!(e("CN=a\\zz"), DnError::BadEscape(4));
        assert_eq!(e("CN=a\\4"), DnError::BadEscape(4));
        assert_eq!(e("CN=\\FF"), DnError::NotUtf8("CN".into()));
        assert_eq!(e("CN=#zz"), DnError::BadHexValue("CN".into()));
        assert!(matches!(e("C=USA"), DnError::BadValueForType { .. }));
        assert!(matches!(e("C=U_"), DnError::BadValueForType { .. }));
        assert!(matches!(
            e("serialNumber=a_b"),
            DnError::BadValueForType { .. }
        ));
        assert!(matches!(
            e("emailAddress=j\u{f6}@x"),
            DnError::BadValueForType { .. }
        ));
        assert!(matches!(e("DC=\u{e9}"), DnError::BadValueForType { .. }));
        assert!(e("C=USA").to_string().contains("#hex"));
        assert_eq!(e("CN=#13026869 x"), DnError::Trailing('x'));
        // A '#' that does not start the value is just a character.
        assert!(rfc4514_to_der("CN=a #13").is_ok());
    }

    fn n(s: &str) -> Vec<u8> {
        rfc4514_to_der(s).unwrap()
    }

    #[test]
    fn equivalent_names() {
        let a = n("CN=Certscope Test Root CA,O=Certscope Test,C=US");
        assert!(names_equivalent(&a, &a));
        assert!(names_equivalent(
            &a,
            &n("cn=certscope   test root ca , o=CERTSCOPE TEST,C=us")
        ));
        // The same name in other string types: BMPString, T61String, UniversalString.
        let bmp: String = "Root".encode_utf16().map(|u| format!("{u:04x}")).collect();
        let other_types = format!(
            "CN=#1e08{bmp},O=#1404{},C=#1c080000005500000053",
            hex::encode("test")
        );
        assert!(names_equivalent(
            &n(&other_types),
            &n("CN=ROOT,O=Test,C=US")
        ));
        // Order inside a multi-valued RDN does not matter, RDN order does.
        assert!(names_equivalent(&n("CN=a+O=b,C=US"), &n("O=B+CN=A,C=US")));
        assert!(!names_equivalent(&n("CN=a,O=b"), &n("O=b,CN=a")));
        assert!(!names_equivalent(
            &a,
            &n("CN=Certscope Test Root CA,O=Certscope Test")
        ));
        assert!(!names_equivalent(&n("CN=a+O=b"), &n("CN=a+CN=a")));
        assert!(!names_equivalent(&n("CN=a"), &n("O=a")));
        assert!(!names_equivalent(&n("CN=a b"), &n("CN=ab")));
        // Non-string values compare exactly.
        assert!(names_equivalent(&n("CN=#020101"), &n("CN=#020101")));
        assert!(!names_equivalent(&n("CN=#020101"), &n("CN=#020102")));
        assert!(!names_equivalent(&n("CN=#020101"), &n("CN=#0c0101")));
        // Malformed input is only equal to itself.
        assert!(!names_equivalent(&a, &[0x30, 0x03, 0x31, 0x01]));
        assert!(names_equivalent(&[0x05], &[0x05]));
        assert!(!names_equivalent(&[0x31, 0x00], &[0x30, 0x00]));
        // A BMPString with an odd length is not text: compared as bytes.
        assert!(!names_equivalent(&n("CN=#1e0100"), &n("CN=#0c0100")));
    }
}
