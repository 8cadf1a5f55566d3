//! Conversions from x509-parser's borrowed types to the owned model: names, times,
//! extensions. The only place (with cert/csr/crl) that names x509-parser types.

use std::net::{Ipv4Addr, Ipv6Addr};

use x509_parser::extensions::{
    DistributionPointName, GeneralName as XName, ParsedExtension, X509Extension,
};
use x509_parser::time::ASN1Time;

use crate::dn;
use crate::model::{
    AccessDescription, AuthorityKeyId, BasicConstraints, DistributionPoint, ErrorValue, ExtValue,
    Extension, GeneralName, NameConstraints, Policy, Sct, Timestamp,
};
use crate::model::{KeyIdValue, RawValue, TextValue};
use crate::oids;
use crate::tlv;

/// An ASN.1 time as a model timestamp.
pub fn time(t: ASN1Time) -> Timestamp {
    Timestamp(t.to_datetime())
}

/// An OID from x509-parser as certscope shows every OID ([`oids::display`]): exact for arcs
/// of any size, where asn1-rs's `to_id_string` gives hex for arcs of 2^64 and more and reads
/// `2.999` as `3.16.55`.
pub fn oid_text(o: &x509_parser::asn1_rs::Oid<'_>) -> String {
    oids::display(o.as_bytes())
}

/// A signature algorithm OID as openssl names it.
pub fn signature_name(oid: &str) -> String {
    oids::name_or_oid(oids::signature_algorithm(oid), oid)
}

/// One GeneralName.
pub fn general_name(n: &XName<'_>) -> GeneralName {
    match n {
        XName::DNSName(s) => GeneralName::new("dns", *s),
        XName::RFC822Name(s) => GeneralName::new("email", *s),
        XName::URI(s) => GeneralName::new("uri", *s),
        XName::IPAddress(b) => GeneralName::new("ip", ip(b)),
        XName::DirectoryName(name) => GeneralName::new(
            "dirname",
            dn::format_name(name.as_raw()).unwrap_or_else(|| hex::encode(name.as_raw())),
        ),
        XName::RegisteredID(o) => GeneralName::new("rid", oid_text(o)),
        XName::OtherName(type_id, value) => {
            let oid = oid_text(type_id);
            let label = match oid.as_str() {
                "1.3.6.1.4.1.311.20.2.3" => "UPN".to_string(),
                "1.3.6.1.5.2.2" => "KRB5PrincipalName".to_string(),
                "1.3.6.1.5.5.7.8.9" => "SmtpUTF8Mailbox".to_string(),
                _ => oid,
            };
            GeneralName::new("othername", format!("{label}:{}", other_name_value(value)))
        }
        XName::X400Address(any) => GeneralName::new("x400", hex::encode(any.data)),
        XName::EDIPartyName(any) => GeneralName::new("edipartyname", hex::encode(any.data)),
        XName::Invalid(tag, bytes) => GeneralName::new(
            "invalid",
            format!("tag {} value {}", tag.0, hex::encode(bytes)),
        ),
    }
}

/// otherName values are `[0] EXPLICIT ANY`; show strings as text, anything else as hex.
fn other_name_value(value: &[u8]) -> String {
    let inner = match tlv::read(value) {
        Ok((t, _)) if t.tag == 0xa0 => tlv::read(t.value).ok().map(|(i, _)| i),
        Ok((t, _)) => Some(t),
        Err(_) => None,
    };
    inner
        .and_then(|t| dn::decode_string(&t))
        .unwrap_or_else(|| hex::encode(value))
}

/// An IP address, or address/mask as name constraints carry it.
pub fn ip(b: &[u8]) -> String {
    match b.len() {
        4 => {
            let a: [u8; 4] = b.try_into().unwrap_or_default();
            Ipv4Addr::from(a).to_string()
        }
        16 => {
            let a: [u8; 16] = b.try_into().unwrap_or_default();
            Ipv6Addr::from(a).to_string()
        }
        8 => format!(
            "{}/{}",
            ip(b.get(..4).unwrap_or(&[])),
            ip(b.get(4..).unwrap_or(&[]))
        ),
        32 => {
            let mask = b.get(16..).unwrap_or(&[]);
            let prefix: u32 = mask.iter().map(|m| m.count_ones()).sum();
            format!("{}/{prefix}", ip(b.get(..16).unwrap_or(&[])))
        }
        _ => format!("invalid address {}", hex::encode(b)),
    }
}

fn names(list: &[XName<'_>]) -> Vec<GeneralName> {
    list.iter().map(general_name).collect()
}

const KEY_USAGE_BITS: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

const REASON_BITS: [&str; 9] = [
    "unused",
    "keyCompromise",
    "cACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "privilegeWithdrawn",
    "aACompromise",
];

/// CRLReason code names (RFC 5280 §5.3.1).
pub fn reason_name(code: u8) -> String {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => return format!("unknown ({code})"),
    }
    .to_string()
}

fn flag_names(flags: u16, table: &[&str]) -> Vec<String> {
    table
        .iter()
        .enumerate()
        .filter(|(i, _)| flags & (1 << i) != 0)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// Every extension of a certificate, CSR or CRL.
pub fn extensions(exts: &[X509Extension<'_>]) -> Vec<Extension> {
    exts.iter().map(extension).collect()
}

fn extension(ext: &X509Extension<'_>) -> Extension {
    let oid = oid_text(&ext.oid);
    let name = oids::name_or_oid(oids::extension(&oid), &oid);
    let raw = || RawValue {
        hex: hex::encode(ext.value),
        text: tlv::read(ext.value)
            .ok()
            .filter(|(_, rest)| rest.is_empty())
            .and_then(|(t, _)| dn::decode_string(&t)),
    };
    let value = match ext.parsed_extension() {
        _ if oid == "2.5.29.37" => eku(ext.value),
        ParsedExtension::SubjectAlternativeName(san) => ExtValue::Names(names(&san.general_names)),
        ParsedExtension::IssuerAlternativeName(ian) => ExtValue::Names(names(&ian.general_names)),
        ParsedExtension::KeyUsage(ku) => ExtValue::Flags(flag_names(ku.flags, &KEY_USAGE_BITS)),
        ParsedExtension::BasicConstraints(bc) => ExtValue::BasicConstraints(BasicConstraints {
            ca: bc.ca,
            path_len: bc.path_len_constraint,
        }),
        ParsedExtension::SubjectKeyIdentifier(kid) => ExtValue::KeyId(KeyIdValue {
            key_id: hex::encode(kid.0),
        }),
        ParsedExtension::AuthorityKeyIdentifier(aki) => ExtValue::AuthorityKeyId(AuthorityKeyId {
            key_id: aki.key_identifier.as_ref().map(|k| hex::encode(k.0)),
            issuer: aki
                .authority_cert_issuer
                .as_deref()
                .map(names)
                .unwrap_or_default(),
            serial: aki.authority_cert_serial.map(hex::encode),
        }),
        ParsedExtension::CRLDistributionPoints(dps) => {
            let relative = relative_names(ext.value);
            ExtValue::DistributionPoints(
                dps.points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| DistributionPoint {
                        names: match (relative.get(i), &p.distribution_point) {
                            (Some(Some(rdn)), _) => {
                                vec![GeneralName::new("relativename", rdn.as_str())]
                            }
                            (_, Some(DistributionPointName::FullName(n))) => names(n),
                            (_, Some(DistributionPointName::NameRelativeToCRLIssuer(_))) => {
                                vec![GeneralName::new("relativename", "<not decoded>")]
                            }
                            (_, None) => Vec::new(),
                        },
                        reasons: p
                            .reasons
                            .as_ref()
                            .map(|r| flag_names(r.flags, &REASON_BITS))
                            .unwrap_or_default(),
                        crl_issuer: p.crl_issuer.as_deref().map(names).unwrap_or_default(),
                    })
                    .collect(),
            )
        }
        ParsedExtension::AuthorityInfoAccess(aia) => ExtValue::Access(access(&aia.accessdescs)),
        ParsedExtension::SubjectInfoAccess(sia) => ExtValue::Access(access(&sia.accessdescs)),
        ParsedExtension::CertificatePolicies(policies) => ExtValue::Policies(
            policies
                .iter()
                .map(|p| {
                    let oid = oid_text(&p.policy_id);
                    Policy {
                        name: oids::policy(&oid).map(str::to_string),
                        qualifiers: p
                            .policy_qualifiers
                            .as_deref()
                            .unwrap_or_default()
                            .iter()
                            .map(|q| {
                                let qoid = oid_text(&q.policy_qualifier_id);
                                let qname = oids::name_or_oid(oids::policy(&qoid), &qoid);
                                format!("{qname}: {}", qualifier_text(q.qualifier))
                            })
                            .collect(),
                        oid,
                    }
                })
                .collect(),
        ),
        ParsedExtension::NameConstraints(nc) => ExtValue::NameConstraints(NameConstraints {
            permitted: nc
                .permitted_subtrees
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|s| general_name(&s.base))
                .collect(),
            excluded: nc
                .excluded_subtrees
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|s| general_name(&s.base))
                .collect(),
        }),
        ParsedExtension::SCT(scts) => ExtValue::Scts(
            scts.iter()
                .map(|s| Sct {
                    version: s.version.0,
                    log_id: hex::encode(s.id.key_id),
                    timestamp: sct_time(s.timestamp),
                    signature_algorithm: tls_signature_name(
                        s.signature.hash_alg_id,
                        s.signature.sign_alg_id,
                    ),
                })
                .collect(),
        ),
        ParsedExtension::CRLNumber(n) => ExtValue::Text(TextValue {
            text: n.to_string(),
        }),
        ParsedExtension::ReasonCode(code) => ExtValue::Text(TextValue {
            text: reason_name(code.0),
        }),
        ParsedExtension::InvalidityDate(t) => ExtValue::Text(TextValue {
            text: time(*t).to_string(),
        }),
        ParsedExtension::InhibitAnyPolicy(i) => ExtValue::Text(TextValue {
            text: format!("skip certs: {}", i.skip_certs),
        }),
        ParsedExtension::PolicyConstraints(pc) => ExtValue::Text(TextValue {
            text: format!(
                "require explicit policy: {}, inhibit policy mapping: {}",
                opt_num(pc.require_explicit_policy),
                opt_num(pc.inhibit_policy_mapping)
            ),
        }),
        ParsedExtension::PolicyMappings(pm) => ExtValue::Flags(
            pm.mappings
                .iter()
                .map(|m| {
                    format!(
                        "{} -> {}",
                        oid_text(&m.issuer_domain_policy),
                        oid_text(&m.subject_domain_policy)
                    )
                })
                .collect(),
        ),
        ParsedExtension::NsCertComment(c) => ExtValue::Text(TextValue {
            text: (*c).to_string(),
        }),
        ParsedExtension::ParseError { error } => ExtValue::Error(ErrorValue {
            error: error.to_string(),
            hex: hex::encode(ext.value),
        }),
        _ => match oid.as_str() {
            // CT poison and OCSP no-check carry NULL: their presence is the value.
            "1.3.6.1.4.1.11129.2.4.3" | "1.3.6.1.5.5.7.48.1.5" => ExtValue::Text(TextValue {
                text: "present".to_string(),
            }),
            _ => ExtValue::Raw(raw()),
        },
    };
    Extension {
        oid,
        name,
        critical: ext.critical,
        value,
    }
}

/// The nameRelativeToCRLIssuer of each distribution point in a cRLDistributionPoints
/// value, as RFC 4514 (`CN=dp+2.999.9=#0c...`), read from the DER: x509-parser 0.18 reads
/// that `[1] IMPLICIT` SET as if it kept its SET tag and drops it. The RDN is formatted as
/// a one-RDN `Name` by [`dn::format_name`], so its attribute types are exact OIDs.
fn relative_names(der: &[u8]) -> Vec<Option<String>> {
    let Ok((seq, _)) = tlv::read(der) else {
        return Vec::new();
    };
    seq.children()
        .map(|dp| {
            // DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName
            // OPTIONAL, ... }; DistributionPointName ::= CHOICE { fullName [0],
            // nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
            let dp = dp.ok()?;
            let name = dp.children().next()?.ok().filter(|t| t.tag == 0xa0)?;
            let rdn = name.children().next()?.ok().filter(|t| t.tag == 0xa1)?;
            let mut set = Vec::with_capacity(rdn.value.len() + 4);
            tlv::write_header(&mut set, tlv::SET, rdn.value.len());
            set.extend_from_slice(rdn.value);
            let mut name = Vec::with_capacity(set.len() + 4);
            tlv::write_header(&mut name, tlv::SEQUENCE, set.len());
            name.extend_from_slice(&set);
            Some(
                dn::format_name(&name).unwrap_or_else(|| {
                    format!("<malformed relative name {}>", hex::encode(rdn.raw))
                }),
            )
        })
        .collect()
}

fn opt_num(n: Option<u32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "-".to_string())
}

fn access(list: &[x509_parser::extensions::AccessDescription<'_>]) -> Vec<AccessDescription> {
    list.iter()
        .map(|a| {
            let oid = oid_text(&a.access_method);
            AccessDescription {
                method: oids::name_or_oid(oids::access_method(&oid), &oid),
                location: general_name(&a.access_location),
            }
        })
        .collect()
}

/// extendedKeyUsage, read from its DER here rather than by x509-parser, whose OIDs are not
/// exact: every element is shown, a malformed OID or an element that is not an OID as such
/// (with its hex), never dropped.
fn eku(der: &[u8]) -> ExtValue {
    let error = |error: String| {
        ExtValue::Error(ErrorValue {
            error,
            hex: hex::encode(der),
        })
    };
    let seq = match tlv::read(der) {
        Ok((seq, [])) if seq.tag == tlv::SEQUENCE => seq,
        Ok(_) => return error("not one SEQUENCE OF OBJECT IDENTIFIER".to_string()),
        Err(e) => return error(e.to_string()),
    };
    let mut purposes = Vec::new();
    for child in seq.children() {
        match child {
            Ok(t) if t.tag == tlv::OID => {
                purposes.push(oids::display_name(t.value, oids::extended_key_usage));
            }
            Ok(t) => purposes.push(format!("<not an OID: {}>", hex::encode(t.raw))),
            Err(e) => return error(e.to_string()),
        }
    }
    ExtValue::Flags(purposes)
}

/// CPS qualifiers are an IA5String URI; user notices a SEQUENCE holding explicitText.
fn qualifier_text(q: &[u8]) -> String {
    let Ok((t, _)) = tlv::read(q) else {
        return hex::encode(q);
    };
    if let Some(s) = dn::decode_string(&t) {
        return s;
    }
    let texts: Vec<String> = t
        .children()
        .filter_map(Result::ok)
        .filter_map(|c| dn::decode_string(&c))
        .collect();
    if texts.is_empty() {
        hex::encode(q)
    } else {
        texts.join(" ")
    }
}

fn sct_time(ms: u64) -> String {
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => Timestamp(t).to_string(),
        Err(_) => format!("{ms} ms"),
    }
}

fn tls_signature_name(hash: u8, sig: u8) -> String {
    let h = match hash {
        2 => "SHA1",
        4 => "SHA256",
        5 => "SHA384",
        6 => "SHA512",
        _ => "unknown-hash",
    };
    match sig {
        1 => format!("sha{}WithRSAEncryption", h.trim_start_matches("SHA")),
        3 => format!("ecdsa-with-{h}"),
        _ => format!("{h}/signature {sig}"),
    }
}

/// Byte offset of `part` inside `whole` (both from the same input), for error messages.
pub fn offset(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// x509-parser's error in words: never its internal names (`NomError(Eof)`,
/// `InvalidDate`), which say nothing to a person.
pub fn parser_error(e: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> String {
    use x509_parser::error::X509Error as E;
    let inner = match e {
        x509_parser::nom::Err::Incomplete(_) => return "the DER ends early".to_string(),
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e,
    };
    match inner {
        E::InvalidVersion => "the version is not valid",
        E::InvalidSerial => "the serial number is not a valid INTEGER",
        E::InvalidAlgorithmIdentifier => "an algorithm identifier does not parse",
        E::InvalidX509Name => "a name does not parse",
        E::InvalidDate => "a time value is not a valid date",
        E::InvalidSPKI => "the public key (SubjectPublicKeyInfo) does not parse",
        E::InvalidSubjectUID => "the subjectUniqueID does not parse",
        E::InvalidIssuerUID => "the issuerUniqueID does not parse",
        E::InvalidExtensions => "the extensions do not parse",
        E::InvalidAttributes => "the attributes do not parse",
        E::DuplicateExtensions => "an extension appears twice",
        E::DuplicateAttributes => "an attribute appears twice",
        E::InvalidSignatureValue => "the signature value does not parse",
        E::InvalidTbsCertificate => "the to-be-signed part does not parse",
        E::InvalidUserCertificate => "a revoked entry does not parse",
        E::InvalidCertificate => "the certificate structure does not parse",
        E::InvalidNumber => "a number does not parse",
        E::NomError(_) => "the DER structure is malformed (a length, tag or value does not fit)",
        _ => "the structure does not parse",
    }
    .to_string()
}

/// Reads a UTCTime (`YYMMDDHHMMSSZ`, RFC 5280 years 1950-2049) or GeneralizedTime
/// (`YYYYMMDDHHMMSSZ`) as DER requires them, saying in words what is wrong when it cannot:
/// the field-by-field fallbacks and CMS signing times use it where x509-parser would only
/// say `InvalidDate`.
pub fn parse_time(tag: u8, value: &[u8]) -> Result<Timestamp, String> {
    let text = std::str::from_utf8(value).map_err(|_| "not ASCII text".to_string())?;
    let kind = if tag == tlv::UTC_TIME {
        "UTCTime"
    } else {
        "GeneralizedTime"
    };
    let in_words = |e: String| format!("{kind} `{}`: {e}", text.escape_debug());
    let (year, rest) = match tag {
        tlv::UTC_TIME => {
            let yy = two_digits(text.get(0..2), "year").map_err(in_words)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, text.get(2..))
        }
        tlv::GENERALIZED_TIME => {
            let hi = two_digits(text.get(0..2), "year").map_err(in_words)?;
            let lo = two_digits(text.get(2..4), "year").map_err(in_words)?;
            (hi * 100 + lo, text.get(4..))
        }
        other => {
            return Err(format!(
                "tag 0x{other:02x} is not UTCTime or GeneralizedTime"
            ))
        }
    };
    let rest = rest.unwrap_or("");
    if rest.len() != 11 || !rest.ends_with('Z') {
        return Err(format!(
            "{kind} `{}` is not in the form {}",
            text.escape_debug(),
            if tag == tlv::UTC_TIME {
                "YYMMDDHHMMSSZ"
            } else {
                "YYYYMMDDHHMMSSZ"
            }
        ));
    }
    let fields = || -> Result<[u32; 5], String> {
        Ok([
            two_digits(rest.get(0..2), "month")?,
            two_digits(rest.get(2..4), "day")?,
            two_digits(rest.get(4..6), "hour")?,
            two_digits(rest.get(6..8), "minute")?,
            two_digits(rest.get(8..10), "second")?,
        ])
    };
    let [month, day, hour, minute, second] =
        fields().map_err(|e| format!("{kind} `{}`: {e}", text.escape_debug()))?;
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(|| format!("{kind} `{text}`: month {month} is out of range"))?;
    let date = time::Date::from_calendar_date(year as i32, month, day as u8)
        .map_err(|_| format!("{kind} `{text}`: day {day} is out of range"))?;
    let t = time::Time::from_hms(hour as u8, minute as u8, second as u8).map_err(|_| {
        format!("{kind} `{text}`: time of day {hour:02}:{minute:02}:{second:02} is out of range")
    })?;
    Ok(Timestamp(date.with_time(t).assume_utc()))
}

/// Two ASCII digits, or what they were meant to be in words.
fn two_digits(s: Option<&str>, what: &str) -> Result<u32, String> {
    let s = s.ok_or_else(|| format!("the {what} is missing"))?;
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse()
            .map_err(|_| format!("the {what} `{s}` is not a number"))
    } else {
        Err(format!("the {what} `{}` is not a number", s.escape_debug()))
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn times_parse_or_say_what_is_wrong() {
        assert_eq!(
            parse_time(tlv::UTC_TIME, b"250101000000Z")
                .unwrap()
                .to_string(),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            parse_time(tlv::UTC_TIME, b"491231235959Z")
                .unwrap()
                .to_string(),
            "2049-12-31T23:59:59Z"
        );
        assert_eq!(
            parse_time(tlv::GENERALIZED_TIME, b"19500101000000Z")
                .unwrap()
                .to_string(),
            "1950-01-01T00:00:00Z"
        );
        let e = parse_time(tlv::UTC_TIME, b"351301000000Z").unwrap_err();
        assert!(e.contains("month 13 is out of range"), "{e}");
        let e = parse_time(tlv::GENERALIZED_TIME, b"2025xx01000000Z").unwrap_err();
        assert!(e.contains("month `xx` is not a number"), "{e}");
        let e = parse_time(tlv::UTC_TIME, b"250230000000Z").unwrap_err();
        assert!(e.contains("day 30"), "{e}");
        assert!(parse_time(tlv::UTC_TIME, b"2501010000Z").is_err());
        assert!(parse_time(tlv::UTC_TIME, b"\xff\xfe").is_err());
    }
}
