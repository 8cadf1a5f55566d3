//! Form rules read from the DER, where the model keeps the meaning but not the encoding:
//! URL schemes (AIA, CRL distribution points, CPS pointers), userNotice explicitText,
//! subject string types, validity time forms, lists that must not be empty, unique
//! identifiers, name and policy constraint forms, and the CRL number's form.

use crate::asn1::tlv::{self, Tlv};
use crate::model::{Certificate, Crl};

use super::der_index::{extensions_of, CertDer};
use super::lints::{self, Lint};
use super::MAX_ELEMENTS;

type Found = Vec<(&'static Lint, String)>;

/// OID content octets.
const AIA: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
const SIA: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b];
const AD_OCSP: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
const AD_CA_ISSUERS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
const QT_CPS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01];
const QT_UNOTICE: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x02];
const CRL_DP: &[u8] = &[0x55, 0x1d, 0x1f];
const FRESHEST_CRL: &[u8] = &[0x55, 0x1d, 0x2e];
const POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
const IAN: &[u8] = &[0x55, 0x1d, 0x12];
const POLICY_MAPPINGS: &[u8] = &[0x55, 0x1d, 0x21];
const SDA: &[u8] = &[0x55, 0x1d, 0x09];
const POLICY_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x24];
const NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
const CRL_NUMBER: &[u8] = &[0x55, 0x1d, 0x14];
const AKI: &[u8] = &[0x55, 0x1d, 0x23];
const ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x20, 0x00];

/// Extensions whose value is a `SEQUENCE SIZE (1..MAX)`, with their names.
const NON_EMPTY: &[(&[u8], &str)] = &[
    (AIA, "authorityInfoAccess"),
    (SIA, "subjectInfoAccess"),
    (CRL_DP, "cRLDistributionPoints"),
    (FRESHEST_CRL, "freshestCRL"),
    (POLICIES, "certificatePolicies"),
    (IAN, "issuerAltName"),
    (POLICY_MAPPINGS, "policyMappings"),
    (SDA, "subjectDirectoryAttributes"),
];

const PRINTABLE: u8 = 0x13;
const TELETEX: u8 = 0x14;
const IA5: u8 = 0x16;
const VISIBLE: u8 = 0x1a;
const UNIVERSAL: u8 = 0x1c;
const BMP: u8 = 0x1e;
const UTF8: u8 = 0x0c;

/// The children of the single element in `value` (an extnValue's contents).
fn elements(value: &[u8]) -> impl Iterator<Item = Tlv<'_>> {
    tlv::read(value)
        .ok()
        .into_iter()
        .flat_map(|(seq, _)| seq.children().filter_map(Result::ok))
        .take(MAX_ELEMENTS)
}

fn text(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

fn is_http(b: &[u8]) -> bool {
    b.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"http://"))
}

/// What a GeneralName is, for a message: a URI's text or the kind of name.
fn name_shown(n: &Tlv<'_>) -> String {
    match n.tag {
        0x86 => format!("URI {}", text(n.value)),
        0x81 => format!("rfc822Name {}", text(n.value)),
        0x82 => format!("dNSName {}", text(n.value)),
        0xa4 => "a directoryName".to_string(),
        t => format!("a GeneralName with tag {t:#04x}"),
    }
}

/// The form lints of one certificate.
pub(super) fn certificate(
    c: &Certificate,
    der: &CertDer<'_>,
    ca: bool,
    tls: bool,
    found: &mut Found,
) {
    if !der.read() {
        return;
    }
    if let Some(v) = der.field(3) {
        validity_times(&v, found);
    }
    if let Some(subject) = der.field(4) {
        subject_strings(&subject, found);
    }
    if let Some(issuer) = der.field(2) {
        printable_strings(&issuer, "issuer", found);
    }
    for f in der.fields().skip(6) {
        match f.tag {
            0x81 => found.push((
                &lints::UNIQUE_IDENTIFIER_PRESENT,
                "issuerUniqueID present".to_string(),
            )),
            0x82 => found.push((
                &lints::UNIQUE_IDENTIFIER_PRESENT,
                "subjectUniqueID present".to_string(),
            )),
            _ => {}
        }
    }
    if c.version < 3 {
        return;
    }
    for (oid, value) in der.extensions() {
        if let Some((_, name)) = NON_EMPTY.iter().find(|(o, _)| *o == oid) {
            if elements(value).next().is_none() {
                found.push((&lints::EXTENSION_VALUE_EMPTY, format!("{name} is empty")));
                continue;
            }
        }
        match oid {
            AIA if tls => access_locations(value, found),
            CRL_DP => distribution_points(value, tls, found),
            POLICIES => policies(value, tls, found),
            POLICY_MAPPINGS if ca => policy_mappings(value, found),
            POLICY_CONSTRAINTS if ca && elements(value).next().is_none() => found.push((
                &lints::POLICY_CONSTRAINTS_EMPTY,
                "policyConstraints is an empty SEQUENCE".to_string(),
            )),
            NAME_CONSTRAINTS if ca => name_constraints(value, found),
            _ => {}
        }
    }
}

/// AIA OCSP and caIssuers locations of a TLS server certificate: HTTP URLs.
fn access_locations(value: &[u8], found: &mut Found) {
    for ad in elements(value) {
        let mut kids = ad.children().filter_map(Result::ok);
        let (Some(method), Some(location)) = (kids.next(), kids.next()) else {
            continue;
        };
        let lint = match method.value {
            AD_OCSP => &lints::AIA_OCSP_NOT_HTTP,
            AD_CA_ISSUERS => &lints::AIA_CA_ISSUERS_NOT_HTTP,
            _ => continue,
        };
        if !(location.tag == 0x86 && is_http(location.value)) {
            found.push((lint, name_shown(&location)));
        }
    }
}

/// CRL distribution points: each names a place or an issuer; for TLS, HTTP URLs.
fn distribution_points(value: &[u8], tls: bool, found: &mut Found) {
    for dp in elements(value) {
        // Walked twice rather than collected: a DistributionPoint has a child or two.
        let kids = || dp.children().filter_map(Result::ok).take(8);
        if !kids().any(|k| k.tag == 0xa0 || k.tag == 0xa2) {
            found.push((
                &lints::CRL_DISTRIBUTION_POINT_REASONS_ONLY,
                "a DistributionPoint with only reasons".to_string(),
            ));
            continue;
        }
        if !tls {
            continue;
        }
        // distributionPoint [0] { fullName [0] GeneralNames }.
        let full = kids()
            .find(|k| k.tag == 0xa0)
            .and_then(|d| d.children().next()?.ok())
            .filter(|n| n.tag == 0xa0);
        for name in full
            .into_iter()
            .flat_map(|f| f.children().filter_map(Result::ok))
            .take(MAX_ELEMENTS)
        {
            if !(name.tag == 0x86 && is_http(name.value)) {
                found.push((&lints::CRL_DISTRIBUTION_POINT_NOT_HTTP, name_shown(&name)));
            }
        }
    }
}

/// certificatePolicies qualifiers: CPS pointers (TLS: HTTP(S) URLs) and explicitText.
fn policies(value: &[u8], tls: bool, found: &mut Found) {
    for info in elements(value) {
        let qualifiers = info.children().filter_map(Result::ok).nth(1);
        for q in qualifiers
            .into_iter()
            .flat_map(|q| q.children().filter_map(Result::ok))
            .take(MAX_ELEMENTS)
        {
            let mut kids = q.children().filter_map(Result::ok);
            let (Some(id), Some(qualifier)) = (kids.next(), kids.next()) else {
                continue;
            };
            match id.value {
                QT_CPS if tls => {
                    let v = qualifier.value;
                    let ok = qualifier.tag == IA5
                        && (is_http(v)
                            || v.get(..8)
                                .is_some_and(|p| p.eq_ignore_ascii_case(b"https://")));
                    if !ok {
                        found.push((
                            &lints::POLICY_CPS_URI_NOT_HTTP,
                            format!("CPS pointer {}", text(v)),
                        ));
                    }
                }
                QT_UNOTICE => {
                    // UserNotice ::= SEQUENCE { noticeRef OPTIONAL, explicitText OPTIONAL }.
                    let explicit = qualifier
                        .children()
                        .filter_map(Result::ok)
                        .find(|k| k.tag != tlv::SEQUENCE);
                    if let Some(t) = explicit {
                        explicit_text(&t, found);
                    }
                }
                _ => {}
            }
        }
    }
}

fn explicit_text(t: &Tlv<'_>, found: &mut Found) {
    let chars = match t.tag {
        BMP => t.value.len() / 2,
        _ => String::from_utf8_lossy(t.value).chars().count(),
    };
    if !(1..=200).contains(&chars) {
        found.push((
            &lints::POLICY_EXPLICIT_TEXT_TOO_LONG,
            format!("explicitText of {chars} characters"),
        ));
    }
    match t.tag {
        IA5 => found.push((
            &lints::POLICY_EXPLICIT_TEXT_IA5,
            format!("explicitText {} is an IA5String", text(t.value)),
        )),
        UTF8 => {}
        VISIBLE | BMP => found.push((
            &lints::POLICY_EXPLICIT_TEXT_NOT_UTF8,
            format!(
                "explicitText is a {}",
                if t.tag == BMP {
                    "BMPString"
                } else {
                    "VisibleString"
                }
            ),
        )),
        _ => {}
    }
}

fn policy_mappings(value: &[u8], found: &mut Found) {
    for m in elements(value) {
        if m.children()
            .filter_map(Result::ok)
            .any(|p| p.tag == tlv::OID && p.value == ANY_POLICY)
        {
            found.push((
                &lints::POLICY_MAPPING_ANY_POLICY,
                "a mapping to or from anyPolicy (2.5.29.32.0)".to_string(),
            ));
        }
    }
}

fn name_constraints(value: &[u8], found: &mut Found) {
    let mut subtrees = elements(value).peekable();
    if subtrees.peek().is_none() {
        found.push((
            &lints::NAME_CONSTRAINTS_EMPTY,
            "nameConstraints is an empty SEQUENCE".to_string(),
        ));
        return;
    }
    for list in subtrees {
        let which = if list.tag == 0xa0 {
            "permitted"
        } else {
            "excluded"
        };
        for subtree in list.children().filter_map(Result::ok).take(MAX_ELEMENTS) {
            // GeneralSubtree ::= SEQUENCE { base, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }.
            for k in subtree.children().filter_map(Result::ok).skip(1) {
                let bad = match k.tag {
                    0x80 => k.value.iter().any(|b| *b != 0),
                    0x81 => true,
                    _ => false,
                };
                if bad {
                    found.push((
                        &lints::NAME_CONSTRAINTS_MINIMUM_MAXIMUM,
                        format!(
                            "a {which} subtree with {} {}",
                            if k.tag == 0x80 { "minimum" } else { "maximum" },
                            tlv_integer(k.value)
                        ),
                    ));
                }
            }
        }
    }
}

/// A small INTEGER's value for a message (its hex when longer than 8 octets).
fn tlv_integer(v: &[u8]) -> String {
    if v.len() > 8 || v.is_empty() {
        return format!("0x{}", hex::encode(v));
    }
    let neg = v.first().is_some_and(|b| b & 0x80 != 0);
    let init = if neg { -1i64 } else { 0 };
    v.iter()
        .fold(init, |acc, b| (acc << 8) | i64::from(*b))
        .to_string()
}

/// The validity's UTCTime/GeneralizedTime forms (DER: seconds present, `Z`, no fraction).
fn validity_times(v: &Tlv<'_>, found: &mut Found) {
    for (t, which) in v
        .children()
        .filter_map(Result::ok)
        .zip(["notBefore", "notAfter"])
    {
        // Read as bytes (a lossy decode keeps every ASCII byte), the text made only for a
        // finding.
        let s = t.value;
        match t.tag {
            tlv::UTC_TIME => {
                let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
                if s.last() != Some(&b'Z') {
                    found.push((
                        &lints::UTCTIME_NOT_ZULU,
                        format!("{which} UTCTime {}", text(s)),
                    ));
                }
                if digits == 10 {
                    found.push((
                        &lints::UTCTIME_WITHOUT_SECONDS,
                        format!("{which} UTCTime {}", text(s)),
                    ));
                }
            }
            tlv::GENERALIZED_TIME if s.iter().any(|b| matches!(b, b'.' | b',')) => found.push((
                &lints::GENERALIZEDTIME_FRACTION,
                format!("{which} GeneralizedTime {}", text(s)),
            )),
            _ => {}
        }
    }
}

/// The AttributeTypeAndValues of a Name: (OID, value element).
fn attributes<'a>(name: &Tlv<'a>) -> impl Iterator<Item = (&'a [u8], Tlv<'a>)> {
    name.children()
        .filter_map(Result::ok)
        .flat_map(|rdn| rdn.children().filter_map(Result::ok))
        .take(MAX_ELEMENTS)
        .filter_map(|atv| {
            let mut kids = atv.children().filter_map(Result::ok);
            let id = kids.next().filter(|k| k.tag == tlv::OID)?;
            Some((id.value, kids.next()?))
        })
}

fn string_type(tag: u8) -> &'static str {
    match tag {
        PRINTABLE => "PrintableString",
        TELETEX => "TeletexString",
        IA5 => "IA5String",
        UNIVERSAL => "UniversalString",
        BMP => "BMPString",
        UTF8 => "UTF8String",
        VISIBLE => "VisibleString",
        _ => "another type",
    }
}

/// Subject attributes' string types (fixed ones, DirectoryString choices) and
/// PrintableStrings, in one walk.
fn subject_strings(subject: &Tlv<'_>, found: &mut Found) {
    for (oid, v) in attributes(subject) {
        // Only the order within one lint matters (findings are listed by lint), so the
        // PrintableString rule runs in this walk rather than a second one.
        printable_string(&v, "subject", found);
        let (name, want) = match oid {
            [0x55, 0x04, 0x06] => ("countryName", PRINTABLE),
            [0x55, 0x04, 0x05] => ("serialNumber", PRINTABLE),
            [0x55, 0x04, 0x2e] => ("dnQualifier", PRINTABLE),
            [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => ("emailAddress", IA5),
            [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => {
                ("domainComponent", IA5)
            }
            _ => {
                if matches!(v.tag, TELETEX | UNIVERSAL | BMP) {
                    found.push((
                        &lints::DIRECTORY_STRING_LEGACY_TYPE,
                        format!(
                            "{} is a {}",
                            crate::asn1::oids::display_name(oid, crate::asn1::oids::attribute_type),
                            string_type(v.tag)
                        ),
                    ));
                }
                continue;
            }
        };
        if v.tag != want {
            found.push((
                &lints::SUBJECT_ATTRIBUTE_WRONG_STRING_TYPE,
                format!(
                    "{name} is a {}, not a {}",
                    string_type(v.tag),
                    string_type(want)
                ),
            ));
        }
    }
}

/// PrintableStrings holding a character outside A-Z a-z 0-9 space '()+,-./:=?.
/// The PrintableString character set (X.680 §41.4), as a `match` the compiler makes a bit
/// test of: every byte of every name of every certificate is looked at.
fn printable(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b' ' | b'\'' | b'(' | b')' | b'+' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
        )
}

fn printable_strings(name: &Tlv<'_>, which: &str, found: &mut Found) {
    for (_, v) in attributes(name) {
        printable_string(&v, which, found);
    }
}

fn printable_string(v: &Tlv<'_>, which: &str, found: &mut Found) {
    if v.tag == PRINTABLE && !v.value.iter().all(|c| printable(*c)) {
        found.push((
            &lints::PRINTABLE_STRING_INVALID,
            format!("{which} PrintableString {}", text(v.value)),
        ));
    }
}

/// The form lints of one CRL (`der`: the CRL's DER).
pub(super) fn crl(c: &Crl, der: &[u8], found: &mut Found) {
    let Some(fields) = tlv::read(der)
        .ok()
        .and_then(|(list, _)| list.children().next()?.ok())
    else {
        return;
    };
    let fields: Vec<Tlv<'_>> = fields.children().filter_map(Result::ok).take(8).collect();
    let exts = fields.iter().find(|f| f.tag == 0xa0).copied();
    let entry_exts = c.revoked.iter().any(|e| !e.extensions.is_empty());
    if c.version < 2 && (exts.is_some() || entry_exts) {
        found.push((
            &lints::CRL_EXTENSIONS_BEFORE_V2,
            "a v1 CRL with extensions".to_string(),
        ));
    }
    for (oid, value) in extensions_of(exts) {
        match oid {
            CRL_NUMBER => {
                let Ok((n, _)) = tlv::read(value) else {
                    continue;
                };
                if n.tag != tlv::INTEGER {
                    continue;
                }
                if n.value.first().is_some_and(|b| b & 0x80 != 0) {
                    found.push((
                        &lints::CRL_NUMBER_NEGATIVE,
                        format!("cRLNumber {}", tlv_integer(n.value)),
                    ));
                }
                if n.value.len() > 20 {
                    found.push((
                        &lints::CRL_NUMBER_TOO_LONG,
                        format!("cRLNumber of {} octets", n.value.len()),
                    ));
                }
            }
            AKI if !elements(value).any(|k| k.tag == 0x80) => found.push((
                &lints::CRL_AKI_KEY_ID_MISSING,
                "authorityKeyIdentifier without keyIdentifier".to_string(),
            )),
            _ => {}
        }
    }
    if c.base_crl_number.is_none() {
        for entry in c.revoked.iter() {
            if entry.reason.as_deref() == Some("removeFromCRL") {
                found.push((
                    &lints::CRL_ENTRY_REMOVE_FROM_CRL_NOT_DELTA,
                    format!(
                        "entry for serial {}: removeFromCRL in a full CRL",
                        entry.serial
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_is_the_printablestring_set() {
        for c in 0..=255u8 {
            let want = c.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&c);
            assert_eq!(printable(c), want, "{c:#04x}");
        }
    }

    fn lints_of(f: impl Fn(&mut Found)) -> Vec<&'static str> {
        let mut found = Vec::new();
        f(&mut found);
        found.iter().map(|(l, _)| l.id).collect()
    }

    #[test]
    fn integers_for_messages() {
        assert_eq!(tlv_integer(&[0x05]), "5");
        assert_eq!(tlv_integer(&[0xf9]), "-7");
        assert_eq!(tlv_integer(&[0x00, 0xff]), "255");
        assert_eq!(tlv_integer(&[1; 9]), "0x010101010101010101");
        assert_eq!(tlv_integer(&[]), "0x");
    }

    #[test]
    fn http_urls() {
        assert!(is_http(b"http://lint.example/"));
        assert!(is_http(b"HTTP://lint.example/"));
        assert!(!is_http(b"https://lint.example/"));
        assert!(!is_http(b"ldap://lint.example/"));
        assert!(!is_http(b"http:/"));
    }

    #[test]
    fn explicit_text_types_and_lengths() {
        let t = |tag: u8, value: &'static [u8]| {
            lints_of(move |f| {
                let raw = [&[tag, value.len() as u8][..], value].concat();
                let (tlv, _) = tlv::read(&raw).unwrap();
                explicit_text(&tlv, f)
            })
        };
        assert!(t(UTF8, b"notice").is_empty());
        assert_eq!(t(IA5, b"notice"), vec!["policy-explicit-text-ia5"]);
        assert_eq!(t(VISIBLE, b"notice"), vec!["policy-explicit-text-not-utf8"]);
        // Two BMP characters are four octets.
        assert_eq!(t(BMP, b"\0a\0b"), vec!["policy-explicit-text-not-utf8"]);
        assert_eq!(t(UTF8, b""), vec!["policy-explicit-text-too-long"]);
    }

    #[test]
    fn empty_and_truncated_input_finds_nothing() {
        for der in [&[][..], &[0x30], &[0x30, 0x80], &[0x30, 0x03, 0x30, 0x01]] {
            assert!(elements(der).next().is_none(), "{der:02x?}");
            let exts = tlv::read(der).ok().map(|(t, _)| t);
            assert!(extensions_of(exts).next().is_none(), "{der:02x?}");
        }
    }
}
