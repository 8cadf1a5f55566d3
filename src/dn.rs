//! Distinguished names: X.501 `Name` DER to RFC 4514 strings, and back ([`rfc4514_to_der`]).
//!
//! Works on the raw DER with [`crate::tlv`], so the same code serves certificates, CRLs,
//! CSRs, PKCS#11 `CKA_SUBJECT` values and the fast fingerprint path.

mod parse;

pub use self::parse::{attribute_oid, names_equivalent, rfc4514_to_der, DnError};

use crate::oids;
use crate::tlv::{self, Tlv};

/// Formats a DER `Name` (SEQUENCE OF RDN) as RFC 4514: last RDN first, `,` between RDNs,
/// `+` inside a multi-valued RDN. Malformed input yields `None`.
pub fn format_name(der: &[u8]) -> Option<String> {
    let (name, _) = tlv::read(der).ok()?;
    format_name_tlv(&name)
}

/// As [`format_name`], for an already-read `Name` element.
pub fn format_name_tlv(name: &Tlv<'_>) -> Option<String> {
    if name.tag != tlv::SEQUENCE {
        return None;
    }
    // RFC 4514 lists the last RDN first: collect the RDNs, then write them in reverse.
    let mut rdns: Vec<Tlv<'_>> = Vec::with_capacity(8);
    for rdn in name.children() {
        let rdn = rdn.ok()?;
        if rdn.tag != tlv::SET {
            return None;
        }
        rdns.push(rdn);
    }
    let mut out = String::with_capacity(name.value.len());
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.children().enumerate() {
            if j > 0 {
                out.push('+');
            }
            format_atv(&atv.ok()?, &mut out)?;
        }
    }
    Some(out)
}

fn format_atv(atv: &Tlv<'_>, out: &mut String) -> Option<()> {
    let mut kids = atv.children();
    let oid = kids.next()?.ok()?;
    let value = kids.next()?.ok()?;
    if oid.tag != tlv::OID {
        return None;
    }
    let dotted = oids::dotted(oid.value)?;
    let key = oids::attribute_type(&dotted);
    match (key, decode_string(&value)) {
        (Some(key), Some(text)) => {
            out.push_str(key);
            out.push('=');
            push_escaped(out, &text);
        }
        // RFC 4514 §2.4: unknown types, or values that are not strings, as #hex of the DER.
        (key, _) => {
            out.push_str(key.unwrap_or(&dotted));
            out.push_str("=#");
            out.push_str(&hex::encode(value.raw));
        }
    }
    Some(())
}

/// Appends `s` escaped per RFC 4514 §2.4; the common case (nothing to escape) is one copy.
fn push_escaped(out: &mut String, s: &str) {
    let special = |c: char| matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '\0');
    if !s.contains(special) && !s.starts_with(['#', ' ']) && !s.ends_with(' ') {
        out.push_str(s);
    } else {
        out.push_str(&escape_value(s));
    }
}

/// Text of an ASN.1 string element (UTF8, Printable, IA5, Numeric, Visible, T61, BMP,
/// Universal), or `None` for other types.
pub fn decode_string(value: &Tlv<'_>) -> Option<String> {
    match value.tag {
        0x0c | 0x13 | 0x16 | 0x12 | 0x1a => Some(String::from_utf8_lossy(value.value).into_owned()),
        // T61String: in practice Latin-1.
        0x14 => Some(value.value.iter().map(|&b| char::from(b)).collect()),
        0x1e => {
            let units: Vec<u16> = value
                .value
                .chunks(2)
                .map(|c| u16::from_be_bytes([*c.first().unwrap_or(&0), *c.get(1).unwrap_or(&0)]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        0x1c => Some(
            value
                .value
                .chunks(4)
                .map(|c| {
                    let mut b = [0u8; 4];
                    for (dst, src) in b.iter_mut().zip(c) {
                        *dst = *src;
                    }
                    char::from_u32(u32::from_be_bytes(b)).unwrap_or('\u{fffd}')
                })
                .collect(),
        ),
        _ => None,
    }
}

/// RFC 4514 §2.4 escaping of an attribute value.
pub fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let last = s.chars().count().saturating_sub(1);
    for (i, c) in s.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // SEQUENCE { SET { SEQ { 2.5.4.6, PrintableString "US" } },
    //            SET { SEQ { 2.5.4.3, UTF8String "a,b" } } }
    const NAME: &[u8] = &[
        0x30, 0x1c, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'U', b'S',
        0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, b'a', b',', b'b', b' ',
    ];

    #[test]
    fn rfc4514_order_and_escaping() {
        assert_eq!(format_name(NAME).unwrap(), "CN=a\\,b\\ ,C=US");
    }

    #[test]
    fn empty_name() {
        assert_eq!(format_name(&[0x30, 0x00]).unwrap(), "");
    }

    #[test]
    fn malformed_name() {
        assert_eq!(format_name(&[0x30, 0x03, 0x31, 0x01]), None);
        assert_eq!(format_name(&[0x04, 0x00]), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_value("#x"), "\\#x");
        assert_eq!(escape_value(" a "), "\\ a\\ ");
    }
}
