//! Conversions from x509-parser's borrowed types to the owned model: names, times,
//! extensions. The only place (with cert/csr/crl) that names x509-parser types.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use x509_parser::extensions::{
    DistributionPointName, GeneralName as XName, ParsedExtension, X509Extension,
};
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;

use crate::asn1::dn;
use crate::asn1::oids;
use crate::asn1::tlv;
use crate::model::{
    AccessDescription, AuthorityKeyId, BasicConstraints, CertificateTemplate, DirectoryAttribute,
    DistributionPoint, ErrorValue, ExtValue, Extension, GeneralName, IssuingDistributionPoint,
    NameConstraints, Policy, PrivateKeyUsagePeriod, PssParameters, Sct, Timestamp,
};
use crate::model::{KeyIdValue, RawValue, TextValue};

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

/// The signature algorithms of a signed structure (certificate, CRL, CSR):
/// `SEQUENCE { tbs SEQUENCE, signatureAlgorithm, signature }`. Returns the outer
/// AlgorithmIdentifier and, for certificates and CRLs, the one inside the signed part (its
/// first SEQUENCE: after `[0] version` and the serial, or the CRL's optional version).
pub fn signature_algorithms(der: &[u8]) -> Option<(tlv::Tlv<'_>, Option<tlv::Tlv<'_>>)> {
    let (top, _) = tlv::read(der).ok()?;
    let mut kids = top.children();
    let tbs = kids.next()?.ok()?;
    let outer = kids.next()?.ok()?;
    if outer.tag != tlv::SEQUENCE {
        return None;
    }
    let inner = tbs
        .children()
        .take(3)
        .filter_map(Result::ok)
        .find(|t| t.tag == tlv::SEQUENCE)
        // A CSR's first SEQUENCE is its subject, not an algorithm.
        .filter(|t| {
            t.children()
                .next()
                .and_then(Result::ok)
                .is_some_and(|o| o.tag == tlv::OID)
        });
    Some((outer, inner))
}

/// What a signed structure says about its signature beyond the algorithm's name.
#[derive(Debug, Default, Clone)]
pub struct SignatureInfo {
    /// RSA-PSS parameters, for rsassaPss.
    pub pss: Option<Box<PssParameters>>,
    /// The inner algorithm's name when its encoding differs from the outer one.
    pub inner: Option<String>,
    /// Parameters that could not be read, in words.
    pub problem: Option<String>,
}

/// [`SignatureInfo`] of a DER certificate, CRL or CSR.
pub fn signature_info(der: &[u8]) -> SignatureInfo {
    let mut out = SignatureInfo::default();
    let Some((outer, inner)) = signature_algorithms(der) else {
        return out;
    };
    match signature_details(&outer).1 {
        Some(Ok(p)) => out.pss = Some(Box::new(p)),
        Some(Err(e)) => out.problem = Some(format!("signature algorithm: {e}")),
        None => {}
    }
    if let Some(inner) = inner.filter(|i| i.raw != outer.raw) {
        let name = signature_details(&inner).0;
        out.inner = Some(name.unwrap_or_else(|| "an unreadable algorithm".to_string()));
    }
    out
}

/// The warning for a certificate or CRL whose two signature algorithms differ.
pub fn mismatch_warning(inner: &str, outer: &str) -> String {
    let same = if inner == outer {
        " (same algorithm, different parameters or encoding)"
    } else {
        ""
    };
    format!(
        "the signature algorithm inside the signed part ({inner}) differs from the outer one \
         ({outer}){same}; RFC 5280 requires them to be identical"
    )
}

/// The name of an AlgorithmIdentifier's algorithm, and its RSA-PSS parameters when it is
/// rsassaPss (unreadable parameters are an error in words).
pub fn signature_details(
    alg: &tlv::Tlv<'_>,
) -> (Option<String>, Option<Result<PssParameters, String>>) {
    let mut kids = alg.children().filter_map(Result::ok);
    let Some(oid) = kids.next().filter(|o| o.tag == tlv::OID) else {
        return (None, None);
    };
    let name = signature_name(&oids::display(oid.value));
    let pss = (oid.value == RSASSA_PSS).then(|| pss_parameters(kids.next().as_ref()));
    (Some(name), pss)
}

/// 1.2.840.113549.1.1.10 (id-RSASSA-PSS) content octets.
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
/// 1.2.840.113549.1.1.8 (id-mgf1) content octets.
const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];

/// RSASSA-PSS-params (RFC 4055 §3.1): `SEQUENCE { [0] hashAlgorithm DEFAULT sha1,
/// [1] maskGenAlgorithm DEFAULT mgf1SHA1, [2] saltLength DEFAULT 20, [3] trailerField
/// DEFAULT 1 }`; absent parameters (or NULL, as some encoders write) mean every default.
pub fn pss_parameters(params: Option<&tlv::Tlv<'_>>) -> Result<PssParameters, String> {
    let mut p = PssParameters {
        hash: "SHA-1".to_string(),
        mask_generation: "MGF1 with SHA-1".to_string(),
        salt_length: 20,
        trailer_field: 1,
    };
    let Some(params) = params.filter(|t| t.tag != 0x05) else {
        return Ok(p);
    };
    if params.tag != tlv::SEQUENCE {
        return Err("RSA-PSS parameters are not a SEQUENCE".to_string());
    }
    let alg_oid = |t: &tlv::Tlv<'_>| -> Result<(String, Option<Vec<u8>>), String> {
        let mut kids = t.children().filter_map(Result::ok);
        let oid = kids
            .next()
            .filter(|o| o.tag == tlv::OID)
            .ok_or("RSA-PSS parameter without an algorithm OID")?;
        Ok((
            oids::display(oid.value),
            kids.next().map(|k| k.raw.to_vec()),
        ))
    };
    for field in params.children() {
        let field = field.map_err(|e| format!("RSA-PSS parameters: {e}"))?;
        let (inner, _) = tlv::read(field.value).map_err(|e| format!("RSA-PSS parameters: {e}"))?;
        match field.tag {
            0xa0 => p.hash = hash_name(&alg_oid(&inner)?.0),
            0xa1 => {
                let mgf = inner
                    .children()
                    .next()
                    .and_then(Result::ok)
                    .filter(|o| o.tag == tlv::OID)
                    .ok_or("RSA-PSS mask generation without an OID")?;
                let (_, mgf_params) = alg_oid(&inner)?;
                p.mask_generation = if mgf.value == MGF1 {
                    let hash = mgf_params
                        .as_deref()
                        .and_then(|d| tlv::read(d).ok())
                        .map(|(t, _)| alg_oid(&t))
                        .transpose()?
                        .map_or("SHA-1".to_string(), |(h, _)| hash_name(&h));
                    format!("MGF1 with {hash}")
                } else {
                    oids::display(mgf.value)
                };
            }
            0xa2 => p.salt_length = small_uint(&inner)?,
            0xa3 => p.trailer_field = small_uint(&inner)?,
            t => {
                return Err(format!(
                    "RSA-PSS parameters: unexpected field tag 0x{t:02x}"
                ))
            }
        }
    }
    Ok(p)
}

/// A digest OID as RFC and openssl texts name it.
fn hash_name(oid: &str) -> String {
    match oid {
        "1.3.14.3.2.26" => "SHA-1",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "2.16.840.1.101.3.4.2.1" => "SHA-256",
        "2.16.840.1.101.3.4.2.2" => "SHA-384",
        "2.16.840.1.101.3.4.2.3" => "SHA-512",
        "2.16.840.1.101.3.4.2.5" => "SHA-512/224",
        "2.16.840.1.101.3.4.2.6" => "SHA-512/256",
        "2.16.840.1.101.3.4.2.7" => "SHA3-224",
        "2.16.840.1.101.3.4.2.8" => "SHA3-256",
        "2.16.840.1.101.3.4.2.9" => "SHA3-384",
        "2.16.840.1.101.3.4.2.10" => "SHA3-512",
        other => return other.to_string(),
    }
    .to_string()
}

/// One GeneralName, parsed from `container` (the bytes a directory name is re-read from:
/// x509-parser's copy of one stops at the first RDN it cannot read).
pub fn general_name(n: &XName<'_>, container: &[u8]) -> GeneralName {
    match n {
        XName::DNSName(s) => GeneralName::new("dns", *s),
        XName::RFC822Name(s) => GeneralName::new("email", *s),
        XName::URI(s) => GeneralName::new("uri", *s),
        XName::IPAddress(b) => GeneralName::new("ip", ip(b)),
        XName::DirectoryName(name) => {
            GeneralName::new("dirname", directory_name(name.as_raw(), container))
        }
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

/// A directory name as RFC 4514, read whole from where x509-parser's (possibly cut-short)
/// copy `raw` starts in `container`; a malformed one shows as `<malformed name HEX>`, and
/// [`extension_name_errors`] reports it.
fn directory_name(raw: &[u8], container: &[u8]) -> String {
    let whole = within(container, raw)
        .and_then(|start| container.get(start..))
        .and_then(|rest| tlv::read(rest).ok())
        .map_or(raw, |(t, _)| t.raw);
    match (dn::name_problem(whole), dn::format_name(whole)) {
        (None, Some(text)) => text,
        _ => dn::malformed_name(whole),
    }
}

/// Where `part` starts inside `whole`, when it lies inside it.
fn within(whole: &[u8], part: &[u8]) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (start.checked_add(part.len())? <= whole.len()).then_some(start)
}

/// Every malformed directory name inside the extensions that carry names (SAN, IAN,
/// certificateIssuer, AKI authorityCertIssuer, CRL DP / freshestCRL fullName and
/// cRLIssuer, IDP fullName, name constraints subtrees, AIA/SIA locations), each as a field error naming the
/// extension and the byte offset inside `der`, the item the extensions were read from.
pub fn extension_name_errors(der: &[u8], exts: &[X509Extension<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    for ext in exts {
        let found = extension_name_problems(ext);
        if found.is_empty() {
            continue;
        }
        let oid = oid_text(&ext.oid);
        let name = oids::name_or_oid(oids::extension(&oid), &oid);
        let base = value_offset(der, ext.value);
        for (at, what) in found {
            out.push(name_error(&name, base + at, &what));
        }
    }
    out
}

/// The malformed directory names in one extension (what [`extension_name_errors`]
/// reports), each with its byte offset inside the extension's value: a function of the
/// extension's bytes alone, so the certificate decode's cache keeps it with the model.
pub(super) fn extension_name_problems(ext: &X509Extension<'_>) -> Vec<(usize, String)> {
    // Only these extensions hold names: the rest need no dotted OID made.
    let names = match ext.oid.as_bytes() {
        [0x55, 0x1d, n] => [17, 18, 28, 29, 30, 31, 35, 46].contains(n),
        [0x2b, 6, 1, 5, 5, 7, 1, n] => [1, 11].contains(n),
        _ => false,
    };
    let mut found = Vec::new();
    // Problems are reported only in directory names `[4]` and relative names `[1]`: a
    // value without either octet has none.
    if names && memchr::memchr2(0xa4, 0xa1, ext.value).is_some() {
        dirname_problems(&oid_text(&ext.oid), ext.value, &mut found);
    }
    found
}

/// The field error for a malformed directory name at byte `at` of the item, inside the
/// extension named `ext_name`.
pub(super) fn name_error(ext_name: &str, at: usize, what: &str) -> String {
    format!("{ext_name} directory name (at byte {at}): malformed name: {what}")
}

/// Where an extension's value (its content octets) starts inside `der` (0 when it is not inside it, as
/// [`extension_name_errors`] counts).
pub(super) fn value_offset(der: &[u8], value: &[u8]) -> usize {
    within(der, value).unwrap_or(0)
}

/// Whether an extension value holds a malformed directory name (what
/// [`extension_name_errors`] reports): the light certificate decode leaves such a
/// certificate to the full one.
pub(crate) fn has_name_problem(oid: &str, value: &[u8]) -> bool {
    let mut found = Vec::new();
    dirname_problems(oid, value, &mut found);
    !found.is_empty()
}

/// The malformed directory names in an extension value, with their offsets inside
/// `value`. Only the structure leading to names is walked: a value that does not decode
/// at all is the extension decoder's error, shown with the extension.
fn dirname_problems(oid: &str, value: &[u8], out: &mut Vec<(usize, String)>) {
    let Ok((top, _)) = tlv::read(value) else {
        return;
    };
    let fields = || top.children().filter_map(Result::ok);
    // The GeneralNames inside a `[0]` DistributionPointName's fullName `[0]`, or its
    // nameRelativeToCRLIssuer `[1]` RDN (checked as a one-RDN Name).
    let full_name = |dpn: &tlv::Tlv<'_>, out: &mut Vec<(usize, String)>| {
        for choice in dpn.children().filter_map(Result::ok) {
            match choice.tag {
                0xa0 => general_names(value, &choice, out),
                0xa1 => relative_name_problem(value, &choice, out),
                _ => {}
            }
        }
    };
    match oid {
        // GeneralNames
        "2.5.29.17" | "2.5.29.18" | "2.5.29.29" => general_names(value, &top, out),
        // AuthorityKeyIdentifier: authorityCertIssuer [1] GeneralNames
        "2.5.29.35" => fields()
            .filter(|f| f.tag == 0xa1)
            .for_each(|f| general_names(value, &f, out)),
        // DistributionPoint: distributionPoint [0], cRLIssuer [2] GeneralNames
        "2.5.29.31" | "2.5.29.46" => {
            for dp in fields() {
                for f in dp.children().filter_map(Result::ok) {
                    match f.tag {
                        0xa0 => full_name(&f, out),
                        0xa2 => general_names(value, &f, out),
                        _ => {}
                    }
                }
            }
        }
        // AIA / SIA: AccessDescription ::= SEQUENCE { accessMethod, accessLocation }
        "1.3.6.1.5.5.7.1.1" | "1.3.6.1.5.5.7.1.11" => {
            for desc in fields() {
                if let Some(Ok(location)) = desc.children().nth(1) {
                    directory_name_problem(value, &location, out);
                }
            }
        }
        // IssuingDistributionPoint: distributionPoint [0]
        "2.5.29.28" => fields()
            .filter(|f| f.tag == 0xa0)
            .for_each(|f| full_name(&f, out)),
        // NameConstraints: permitted [0] / excluded [1] GeneralSubtrees, each
        // GeneralSubtree a SEQUENCE whose first element is the GeneralName.
        "2.5.29.30" => {
            for subtrees in fields().filter(|f| f.tag == 0xa0 || f.tag == 0xa1) {
                for subtree in subtrees.children().filter_map(Result::ok) {
                    if let Some(Ok(base)) = subtree.children().next() {
                        directory_name_problem(value, &base, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The directory names among the GeneralName elements of `names`.
fn general_names(value: &[u8], names: &tlv::Tlv<'_>, out: &mut Vec<(usize, String)>) {
    for name in names.children().filter_map(Result::ok) {
        directory_name_problem(value, &name, out);
    }
}

/// When the `[1] IMPLICIT` RelativeDistinguishedName `rdn` is malformed, its problem (at
/// the RDN for a problem with the RDN itself, else at the attribute at fault).
fn relative_name_problem(value: &[u8], rdn: &tlv::Tlv<'_>, out: &mut Vec<(usize, String)>) {
    let name = rdn_as_name(rdn);
    let headers = name.len().saturating_sub(rdn.value.len());
    if let Some((at, what)) = dn::name_problem(&name) {
        let start = within(value, rdn.value).unwrap_or(0);
        let what = what.replacen("RDN 1", "relative name", 1);
        out.push((start + at.saturating_sub(headers), what));
    }
}

/// When `name` is a directoryName (`[4] EXPLICIT Name`) that is malformed, its problem.
fn directory_name_problem(value: &[u8], name: &tlv::Tlv<'_>, out: &mut Vec<(usize, String)>) {
    if name.tag != 0xa4 {
        return;
    }
    let start = within(value, name.value).unwrap_or(0);
    match tlv::read(name.value) {
        Ok((inner, [])) => {
            if let Some((at, what)) = dn::name_problem(inner.raw) {
                out.push((start + at, what));
            }
        }
        Ok(_) => out.push((start, "bytes after the name".to_string())),
        Err(e) => out.push((start, format!("not readable: {e}"))),
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

fn names(list: &[XName<'_>], container: &[u8]) -> Vec<GeneralName> {
    list.iter().map(|n| general_name(n, container)).collect()
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

/// RFC 5280 §4.2.1.13 ReasonFlags by bit, `unused` (bit 0) first.
pub(crate) const REASON_BITS: [&str; 9] = [
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

/// One extension's model: a function of its OID, criticality and value alone.
pub(super) fn extension(ext: &X509Extension<'_>) -> Extension {
    let oid = oid_text(&ext.oid);
    let raw = || RawValue {
        hex: hex::encode(ext.value),
        text: tlv::read(ext.value)
            .ok()
            .filter(|(_, rest)| rest.is_empty())
            .and_then(|(t, _)| dn::decode_string(&t)),
    };
    let value = match ext.parsed_extension() {
        _ if oid == "2.5.29.37" => eku(ext.value),
        _ if own_decoder(&oid) => decode_own(&oid, ext),
        ParsedExtension::SubjectAlternativeName(san) => {
            ExtValue::Names(names(&san.general_names, ext.value))
        }
        ParsedExtension::IssuerAlternativeName(ian) => {
            ExtValue::Names(names(&ian.general_names, ext.value))
        }
        ParsedExtension::KeyUsage(ku) => ExtValue::Flags(flag_names(ku.flags, &KEY_USAGE_BITS)),
        ParsedExtension::BasicConstraints(bc) => ExtValue::BasicConstraints(BasicConstraints {
            ca: bc.ca,
            path_len: bc.path_len_constraint,
        }),
        ParsedExtension::SubjectKeyIdentifier(kid) => ExtValue::KeyId(KeyIdValue {
            key_id: lower_hex(kid.0),
        }),
        ParsedExtension::AuthorityKeyIdentifier(aki) => ExtValue::AuthorityKeyId(AuthorityKeyId {
            key_id: aki.key_identifier.as_ref().map(|k| lower_hex(k.0)),
            issuer: aki
                .authority_cert_issuer
                .as_deref()
                .map(|n| names(n, ext.value))
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
                        names: match (relative.get(i).map(|r| &r.0), &p.distribution_point) {
                            (Some(Some(rdn)), _) => {
                                vec![GeneralName::new("relativename", rdn.as_str())]
                            }
                            (_, Some(DistributionPointName::FullName(n))) => names(n, ext.value),
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
                        crl_issuer: match (&p.crl_issuer, relative.get(i)) {
                            (Some(n), _) => names(n, ext.value),
                            // x509-parser loses the cRLIssuer after a
                            // nameRelativeToCRLIssuer (PKITS 4.14.29).
                            (None, Some((_, from_der))) => from_der.clone(),
                            (None, None) => Vec::new(),
                        },
                    })
                    .collect(),
            )
        }
        ParsedExtension::AuthorityInfoAccess(aia) => {
            ExtValue::Access(access(&aia.accessdescs, ext.value))
        }
        ParsedExtension::SubjectInfoAccess(sia) => {
            ExtValue::Access(access(&sia.accessdescs, ext.value))
        }
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
                .map(|s| general_name(&s.base, ext.value))
                .collect(),
            excluded: nc
                .excluded_subtrees
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|s| general_name(&s.base, ext.value))
                .collect(),
        }),
        ParsedExtension::SCT(scts) => ExtValue::Scts(
            scts.iter()
                .map(|s| Sct {
                    version: s.version.0,
                    log_id: hex::encode(s.id.key_id),
                    log: crate::asn1::ctlogs::name(s.id.key_id).map(str::to_string),
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
    let (oid, name) = extension_names(&oid);
    Extension {
        oid,
        name,
        critical: ext.critical,
        value: value.into(),
    }
}

/// An extension's OID and name as the model holds them: for a known OID the table's
/// static text (nothing allocated, nothing to copy when the cache hands the extension out
/// again), else the OID twice.
pub(super) fn extension_names(oid: &str) -> (Cow<'static, str>, Cow<'static, str>) {
    match oids::extension_entry(oid) {
        Some((dotted, name)) => (Cow::Borrowed(dotted), Cow::Borrowed(name)),
        None => (Cow::Owned(oid.to_string()), Cow::Owned(oid.to_string())),
    }
}

/// Extensions decoded here from their DER rather than by x509-parser, which does not know
/// them (or, for the IDP, drops a relative name).
fn own_decoder(oid: &str) -> bool {
    matches!(
        oid,
        "2.5.29.9"
            | "2.5.29.16"
            | "2.5.29.27"
            | "2.5.29.28"
            | "2.5.29.29"
            | "2.5.29.46"
            | "1.3.6.1.5.5.7.1.24"
            | "1.3.6.1.4.1.311.20.2"
            | "1.3.6.1.4.1.311.21.7"
            | "1.3.6.1.4.1.311.21.10"
    )
}

/// The value of an extension [`own_decoder`] names; a value that does not decode is an
/// [`ExtValue::Error`] with its hex.
fn decode_own(oid: &str, ext: &X509Extension<'_>) -> ExtValue {
    let der = ext.value;
    let decoded = match oid {
        "2.5.29.9" => directory_attributes(der),
        "2.5.29.16" => private_key_usage_period(der),
        "2.5.29.27" => integer_text(der),
        "2.5.29.28" => issuing_distribution_point(der),
        // certificateIssuer is GeneralNames (as SAN); freshestCRL is CRLDistributionPoints;
        // MS application policies are certificatePolicies whose ids are EKU purposes.
        "2.5.29.29" => as_other("2.5.29.17", ext),
        "2.5.29.46" => as_other("2.5.29.31", ext),
        "1.3.6.1.4.1.311.21.10" => as_other("2.5.29.32", ext).map(|v| match v {
            ExtValue::Policies(ps) => ExtValue::Policies(
                ps.into_iter()
                    .map(|p| Policy {
                        name: oids::extended_key_usage(&p.oid).map(str::to_string),
                        ..p
                    })
                    .collect(),
            ),
            other => other,
        }),
        "1.3.6.1.5.5.7.1.24" => tls_features(der),
        "1.3.6.1.4.1.311.20.2" => one(der)
            .and_then(|t| dn::decode_string(&t).ok_or_else(|| "not a string".to_string()))
            .map(|text| ExtValue::Text(TextValue { text })),
        "1.3.6.1.4.1.311.21.7" => certificate_template(der),
        _ => Err("no decoder".to_string()),
    };
    decoded.unwrap_or_else(|error| {
        ExtValue::Error(ErrorValue {
            error,
            hex: hex::encode(der),
        })
    })
}

/// Exactly one TLV, nothing after it.
fn one(der: &[u8]) -> Result<tlv::Tlv<'_>, String> {
    match tlv::read(der) {
        Ok((t, [])) => Ok(t),
        Ok(_) => Err("bytes after the value".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// The children of a SEQUENCE, each well formed.
fn sequence<'a>(t: &tlv::Tlv<'a>) -> Result<Vec<tlv::Tlv<'a>>, String> {
    if t.tag != tlv::SEQUENCE {
        return Err(format!("expected a SEQUENCE, found tag {:#04x}", t.tag));
    }
    t.child_vec().map_err(|e| e.to_string())
}

/// The value decoded as if it were the extension `as_oid` (same syntax, which x509-parser
/// knows by that OID only): the extension is re-encoded under that OID and parsed.
fn as_other(as_oid: &str, ext: &X509Extension<'_>) -> Result<ExtValue, String> {
    let oid = oids::encode(as_oid).ok_or("bad OID")?;
    let mut body = Vec::with_capacity(ext.value.len() + oid.len() + 16);
    tlv::write_header(&mut body, tlv::OID, oid.len());
    body.extend_from_slice(&oid);
    tlv::write_header(&mut body, tlv::OCTET_STRING, ext.value.len());
    body.extend_from_slice(ext.value);
    let mut der = Vec::with_capacity(body.len() + 6);
    tlv::write_header(&mut der, tlv::SEQUENCE, body.len());
    der.extend_from_slice(&body);
    let (_, parsed) = X509Extension::from_der(&der).map_err(|e| e.to_string())?;
    Ok(std::sync::Arc::unwrap_or_clone(extension(&parsed).value))
}

/// An INTEGER as decimal (deltaCRLIndicator's base CRL number).
fn integer_text(der: &[u8]) -> Result<ExtValue, String> {
    let t = one(der)?;
    if t.tag != tlv::INTEGER || t.value.is_empty() {
        return Err("not an INTEGER".to_string());
    }
    Ok(ExtValue::Text(TextValue {
        text: serial_decimal(t.value),
    }))
}

/// A non-negative INTEGER that fits 64 bits.
fn small_uint(t: &tlv::Tlv<'_>) -> Result<u64, String> {
    let too_big = || "INTEGER out of range".to_string();
    if t.tag != tlv::INTEGER || t.value.is_empty() {
        return Err("not an INTEGER".to_string());
    }
    if t.value.first().is_some_and(|b| b & 0x80 != 0) {
        return Err("negative INTEGER".to_string());
    }
    let digits = match t.value {
        [0, rest @ ..] => rest,
        all => all,
    };
    if digits.len() > 8 {
        return Err(too_big());
    }
    Ok(digits.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
}

/// issuingDistributionPoint (RFC 5280 §5.2.5): `SEQUENCE { distributionPoint [0]
/// DistributionPointName OPTIONAL, onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE,
/// onlyContainsCACerts [2], onlySomeReasons [3] ReasonFlags OPTIONAL, indirectCRL [4],
/// onlyContainsAttributeCerts [5] }`, every tag IMPLICIT.
fn issuing_distribution_point(der: &[u8]) -> Result<ExtValue, String> {
    let mut idp = IssuingDistributionPoint {
        names: Vec::new(),
        only_contains_user_certs: false,
        only_contains_ca_certs: false,
        only_contains_attribute_certs: false,
        only_some_reasons: Vec::new(),
        indirect_crl: false,
    };
    let flag = |t: &tlv::Tlv<'_>| match t.value {
        [b] => Ok(*b != 0),
        _ => Err(format!("[{}] is not a BOOLEAN", t.tag & 0x1f)),
    };
    for field in sequence(&one(der)?)? {
        match field.tag {
            0xa0 => idp.names = distribution_point_name(&field)?,
            0x81 => idp.only_contains_user_certs = flag(&field)?,
            0x82 => idp.only_contains_ca_certs = flag(&field)?,
            0x83 => idp.only_some_reasons = flag_names(bit_string_flags(&field)?, &REASON_BITS),
            0x84 => idp.indirect_crl = flag(&field)?,
            0x85 => idp.only_contains_attribute_certs = flag(&field)?,
            other => return Err(format!("unexpected field (tag {other:#04x})")),
        }
    }
    Ok(ExtValue::IssuingDistributionPoint(idp))
}

/// DistributionPointName inside its `[0]`: fullName `[0] GeneralNames` or
/// nameRelativeToCRLIssuer `[1] RelativeDistinguishedName` (as a `relativename`, RFC 4514).
fn distribution_point_name(explicit: &tlv::Tlv<'_>) -> Result<Vec<GeneralName>, String> {
    let choice = one(explicit.value)?;
    match choice.tag {
        0xa0 => choice
            .children()
            .map(|n| {
                let n = n.map_err(|e| e.to_string())?;
                let (_, name) = XName::from_der(n.raw).map_err(|e| e.to_string())?;
                Ok(general_name(&name, n.raw))
            })
            .collect(),
        0xa1 => Ok(vec![GeneralName::new("relativename", rdn_text(&choice))]),
        other => Err(format!(
            "unexpected DistributionPointName (tag {other:#04x})"
        )),
    }
}

/// A `[1] IMPLICIT` RelativeDistinguishedName as RFC 4514, formatted as a one-RDN Name.
fn rdn_text(rdn: &tlv::Tlv<'_>) -> String {
    dn::format_name(&rdn_as_name(rdn))
        .unwrap_or_else(|| format!("<malformed relative name {}>", hex::encode(rdn.raw)))
}

/// The DER of a one-RDN `Name` holding the content of the (IMPLICIT-tagged) RDN `rdn`.
fn rdn_as_name(rdn: &tlv::Tlv<'_>) -> Vec<u8> {
    let mut set = Vec::with_capacity(rdn.value.len() + 4);
    tlv::write_header(&mut set, tlv::SET, rdn.value.len());
    set.extend_from_slice(rdn.value);
    let mut name = Vec::with_capacity(set.len() + 4);
    tlv::write_header(&mut name, tlv::SEQUENCE, set.len());
    name.extend_from_slice(&set);
    name
}

/// The named bits of a (possibly IMPLICIT-tagged) BIT STRING, bit 0 first, as flags.
fn bit_string_flags(t: &tlv::Tlv<'_>) -> Result<u16, String> {
    let Some((_unused, bytes)) = t.value.split_first() else {
        return Err("empty BIT STRING".to_string());
    };
    let mut flags = 0u16;
    for (i, b) in bytes.iter().take(2).enumerate() {
        for bit in 0..8 {
            if b & (0x80 >> bit) != 0 {
                flags |= 1 << (i * 8 + bit);
            }
        }
    }
    Ok(flags)
}

/// privateKeyUsagePeriod: `SEQUENCE { notBefore [0] IMPLICIT GeneralizedTime OPTIONAL,
/// notAfter [1] IMPLICIT GeneralizedTime OPTIONAL }`.
fn private_key_usage_period(der: &[u8]) -> Result<ExtValue, String> {
    let mut period = PrivateKeyUsagePeriod {
        not_before: None,
        not_after: None,
    };
    for field in sequence(&one(der)?)? {
        let text = generalized_time(field.value)?;
        match field.tag {
            0x80 => period.not_before = Some(text),
            0x81 => period.not_after = Some(text),
            other => return Err(format!("unexpected field (tag {other:#04x})")),
        }
    }
    Ok(ExtValue::PrivateKeyUsagePeriod(period))
}

/// The content octets of a GeneralizedTime as RFC 3339.
fn generalized_time(content: &[u8]) -> Result<String, String> {
    let mut der = Vec::with_capacity(content.len() + 2);
    tlv::write_header(&mut der, tlv::GENERALIZED_TIME, content.len());
    der.extend_from_slice(content);
    let (_, t) = ASN1Time::from_der(&der).map_err(|e| format!("time: {e}"))?;
    Ok(time(t).to_string())
}

/// subjectDirectoryAttributes: `SEQUENCE OF Attribute { type OID, values SET OF ANY }`.
fn directory_attributes(der: &[u8]) -> Result<ExtValue, String> {
    sequence(&one(der)?)?
        .iter()
        .map(|attr| {
            let fields = sequence(attr)?;
            let (Some(oid), Some(set)) = (fields.first(), fields.get(1)) else {
                return Err("attribute without type and values".to_string());
            };
            if oid.tag != tlv::OID || set.tag != tlv::SET {
                return Err("attribute is not { OID, SET }".to_string());
            }
            let values = set
                .children()
                .map(|v| {
                    let v = v.map_err(|e| e.to_string())?;
                    Ok(match v.tag {
                        tlv::GENERALIZED_TIME => generalized_time(v.value)?,
                        _ => dn::decode_string(&v).unwrap_or_else(|| hex::encode(v.raw)),
                    })
                })
                .collect::<Result<Vec<String>, String>>()?;
            Ok(DirectoryAttribute {
                oid: oids::display(oid.value),
                name: oids::display_name(oid.value, oids::directory_attribute),
                values,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(ExtValue::Attributes)
}

/// TLS feature (RFC 7633): `SEQUENCE OF INTEGER`, TLS extension numbers.
fn tls_features(der: &[u8]) -> Result<ExtValue, String> {
    sequence(&one(der)?)?
        .iter()
        .map(|t| {
            Ok(match small_uint(t)? {
                5 => "status_request".to_string(),
                17 => "status_request_v2".to_string(),
                n => n.to_string(),
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(ExtValue::Flags)
}

/// Microsoft certificate template: `SEQUENCE { templateID OID, templateMajorVersion INTEGER
/// OPTIONAL, templateMinorVersion INTEGER OPTIONAL }`.
fn certificate_template(der: &[u8]) -> Result<ExtValue, String> {
    let fields = sequence(&one(der)?)?;
    let mut it = fields.iter();
    let id = it
        .next()
        .filter(|t| t.tag == tlv::OID)
        .ok_or("no templateID")?;
    let major = it.next().map(small_uint).transpose()?;
    let minor = it.next().map(small_uint).transpose()?;
    if it.next().is_some() {
        return Err("fields after templateMinorVersion".to_string());
    }
    Ok(ExtValue::CertificateTemplate(CertificateTemplate {
        template: oids::display(id.value),
        major_version: major,
        minor_version: minor,
    }))
}

/// The nameRelativeToCRLIssuer of each distribution point in a cRLDistributionPoints
/// value, as RFC 4514 (`CN=dp+2.999.9=#0c...`), read from the DER: x509-parser 0.18 reads
/// that `[1] IMPLICIT` SET as if it kept its SET tag and drops it. The RDN is formatted as
/// a one-RDN `Name` by [`dn::format_name`], so its attribute types are exact OIDs. With it,
/// the point's cRLIssuer, which that misreading loses too.
fn relative_names(der: &[u8]) -> Vec<(Option<String>, Vec<GeneralName>)> {
    let Ok((seq, _)) = tlv::read(der) else {
        return Vec::new();
    };
    seq.children()
        .map(|dp| {
            // DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName
            // OPTIONAL, reasons [1] OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL };
            // DistributionPointName ::= CHOICE { fullName [0], nameRelativeToCRLIssuer [1]
            // RelativeDistinguishedName }
            let Ok(dp) = dp else {
                return (None, Vec::new());
            };
            let fields: Vec<tlv::Tlv<'_>> = dp.children().filter_map(Result::ok).collect();
            let rdn = fields
                .iter()
                .find(|t| t.tag == 0xa0)
                .and_then(|name| name.children().next()?.ok())
                .filter(|t| t.tag == 0xa1)
                .map(|rdn| rdn_text(&rdn));
            let crl_issuer = fields
                .iter()
                .find(|t| t.tag == 0xa2)
                .map(|issuer| {
                    issuer
                        .children()
                        .filter_map(Result::ok)
                        .filter_map(|g| XName::from_der(g.raw).ok())
                        .map(|(_, g)| general_name(&g, der))
                        .collect()
                })
                .unwrap_or_default();
            (rdn, crl_issuer)
        })
        .collect()
}

fn opt_num(n: Option<u32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "-".to_string())
}

fn access(
    list: &[x509_parser::extensions::AccessDescription<'_>],
    container: &[u8],
) -> Vec<AccessDescription> {
    list.iter()
        .map(|a| {
            let oid = oid_text(&a.access_method);
            AccessDescription {
                method: oids::name_or_oid(oids::access_method(&oid), &oid),
                location: general_name(&a.access_location, container),
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
    match strict_time(tag, value) {
        Some(t) => Ok(t),
        None => time_by_fields(tag, value),
    }
}

/// [`parse_time`] field by field, each fault in words.
fn time_by_fields(tag: u8, value: &[u8]) -> Result<Timestamp, String> {
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

/// [`parse_time`] of a time in its strict form (`YYMMDDHHMMSSZ`, `YYYYMMDDHHMMSSZ`) that
/// is a valid date and time, from the digits at once: every certificate has two. `None`
/// for anything else, which [`parse_time`] reads field by field to say what is wrong.
fn strict_time(tag: u8, value: &[u8]) -> Option<Timestamp> {
    let (digits, z) = value.split_last_chunk::<1>()?;
    if z != b"Z" || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let pair = |at: usize| -> Option<u32> {
        let [a, b] = *digits.get(at..at + 2)? else {
            return None;
        };
        Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    };
    let (year, at) = match (tag, digits.len()) {
        (tlv::UTC_TIME, 12) => {
            let yy = pair(0)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
        }
        (tlv::GENERALIZED_TIME, 14) => (pair(0)? * 100 + pair(2)?, 4),
        _ => return None,
    };
    let month = time::Month::try_from(u8::try_from(pair(at)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(
        i32::try_from(year).ok()?,
        month,
        u8::try_from(pair(at + 2)?).ok()?,
    )
    .ok()?;
    let t = time::Time::from_hms(
        u8::try_from(pair(at + 4)?).ok()?,
        u8::try_from(pair(at + 6)?).ok()?,
        u8::try_from(pair(at + 8)?).ok()?,
    )
    .ok()?;
    Some(Timestamp(date.with_time(t).assume_utc()))
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

/// The serial's signed value as lower hex in whole octets, `-` and the magnitude if negative
/// (two's complement), leading zero octets dropped (`00` for zero). The content octets as
/// encoded are `serial_der_hex`: the two differ for a padded positive serial (`0080` is `80`)
/// and for every negative one.
pub fn serial_hex(raw: &[u8]) -> String {
    if raw.first().is_some_and(|b| b & 0x80 != 0) {
        let mag = twos_complement_magnitude(raw);
        return format!("-{}", strip_hex(&mag));
    }
    strip_hex(raw)
}

fn strip_hex(raw: &[u8]) -> String {
    let skip = raw.iter().take_while(|b| **b == 0).count();
    let s = lower_hex(raw.get(skip..).unwrap_or(&[]));
    if s.is_empty() {
        "00".to_string()
    } else {
        s
    }
}

/// `hex::encode`, written into one buffer: `hex::encode` pushes a char at a time, and every
/// certificate has a serial and key identifiers to write.
pub(super) fn lower_hex(bytes: &[u8]) -> String {
    // Two table look-ups an octet: `hex::encode_to_slice` checks and iterates per
    // character, several times the cost for a key identifier.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digit = |n: u8| DIGITS.get(usize::from(n & 0x0f)).copied().unwrap_or(b'0');
    let mut buf = vec![0; bytes.len().saturating_mul(2)];
    for (pair, &b) in buf.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = digit(b >> 4);
            *lo = digit(b);
        }
    }
    String::from_utf8(buf).unwrap_or_else(|_| hex::encode(bytes))
}

fn twos_complement_magnitude(raw: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = raw.iter().map(|b| !b).collect();
    for b in v.iter_mut().rev() {
        let (sum, carry) = b.overflowing_add(1);
        *b = sum;
        if !carry {
            break;
        }
    }
    v
}

/// Serial in decimal (arbitrary length), `-` prefixed if negative.
pub fn serial_decimal(raw: &[u8]) -> String {
    let negative = raw.first().is_some_and(|b| b & 0x80 != 0);
    let mag = if negative {
        twos_complement_magnitude(raw)
    } else {
        raw.to_vec()
    };
    // Serials of up to 16 significant octets (nearly all: CAs use 8 to 16) fit a u128,
    // which writes its digits without a division pass over the bytes per digit.
    let significant = mag.iter().skip_while(|b| **b == 0);
    if significant.clone().count() <= 16 {
        let v = significant.fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        return if negative {
            format!("-{v}")
        } else {
            v.to_string()
        };
    }
    // Repeated division by 10 of a big-endian byte string.
    let mut digits = Vec::new();
    let mut num: Vec<u8> = mag.into_iter().skip_while(|b| *b == 0).collect();
    while !num.is_empty() {
        let mut rem: u32 = 0;
        let mut next = Vec::with_capacity(num.len());
        for b in &num {
            let cur = (rem << 8) | u32::from(*b);
            let q = cur / 10;
            rem = cur % 10;
            if !(next.is_empty() && q == 0) {
                next.push(q as u8);
            }
        }
        digits.push(char::from(b'0' + rem as u8));
        num = next;
    }
    if digits.is_empty() {
        digits.push('0');
    }
    if negative {
        digits.push('-');
    }
    digits.iter().rev().collect()
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

    /// The strict form read at once ([`strict_time`]) against the field-by-field read:
    /// the same time whenever it answers, and it answers for every valid strict time.
    #[test]
    fn the_strict_time_read_agrees_with_the_field_read() {
        let mut cases: Vec<(u8, Vec<u8>)> = Vec::new();
        for (tag, base) in [
            (tlv::UTC_TIME, &b"250228235959Z"[..]),
            (tlv::UTC_TIME, b"491231000000Z"),
            (tlv::UTC_TIME, b"500101000000Z"),
            (tlv::GENERALIZED_TIME, b"20240229120000Z"),
            (tlv::GENERALIZED_TIME, b"99991231235959Z"),
            (tlv::GENERALIZED_TIME, b"00000101000000Z"),
        ] {
            cases.push((tag, base.to_vec()));
            let other = if tag == tlv::UTC_TIME {
                tlv::GENERALIZED_TIME
            } else {
                tlv::UTC_TIME
            };
            cases.push((other, base.to_vec()));
            cases.push((0x04, base.to_vec()));
            for at in 0..base.len() {
                for b in [
                    b'0', b'1', b'2', b'3', b'5', b'6', b'9', b'Z', b'x', b'/', b':', 0xff,
                ] {
                    let mut v = base.to_vec();
                    v[at] = b;
                    cases.push((tag, v));
                }
                cases.push((tag, base[..at].to_vec()));
                let mut longer = base.to_vec();
                longer.insert(at, b'0');
                cases.push((tag, longer));
            }
        }
        let mut strict = 0;
        for (tag, v) in &cases {
            let fields = time_by_fields(*tag, v).ok();
            match strict_time(*tag, v) {
                Some(t) => {
                    strict += 1;
                    assert_eq!(Some(t), fields, "{tag:02x} {v:?}");
                }
                None => {
                    let form = v.len() == if *tag == tlv::UTC_TIME { 13 } else { 15 };
                    assert!(fields.is_none() || !form, "{tag:02x} {v:?}");
                }
            }
        }
        assert!(strict > 100, "{strict}");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// The extension values of a one-certificate PEM fixture, by extension name.
    fn exts(pem: &str) -> std::collections::BTreeMap<String, Value> {
        use base64::Engine as _;
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let cert = super::super::cert::decode(&der).unwrap().cert;
        cert.extensions
            .iter()
            .map(|e| (e.name.to_string(), serde_json::to_value(&e.value).unwrap()))
            .collect()
    }

    #[test]
    fn a_malformed_relative_distribution_point_name_is_a_problem() {
        // cRLDistributionPoints: one point whose nameRelativeToCRLIssuer holds an
        // attribute with a type and no value.
        let value = [
            0x30, 0x0b, 0x30, 0x09, 0xa0, 0x07, 0xa1, 0x05, 0x30, 0x03, 0x06, 0x01, 0x2a,
        ];
        let mut out = Vec::new();
        super::dirname_problems("2.5.29.31", &value, &mut out);
        assert_eq!(
            out,
            [(
                8,
                "relative name, attribute 1: 1 element(s), not a type and a value".to_string()
            )]
        );
        // A good one is no problem.
        let good = [
            0x30, 0x0e, 0x30, 0x0c, 0xa0, 0x0a, 0xa1, 0x08, 0x30, 0x06, 0x06, 0x01, 0x2a, 0x0c,
            0x01, b'x',
        ];
        let mut out = Vec::new();
        super::dirname_problems("2.5.29.31", &good, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn misc_extensions_are_decoded() {
        let e = exts(include_str!("../../fixtures/extensions/misc.pem"));
        assert_eq!(
            e["freshestCRL"],
            json!([{"names": [{"type": "uri", "value": "http://crl.example/delta.crl"}],
                    "reasons": [], "crl_issuer": []}])
        );
        assert_eq!(
            e["privateKeyUsagePeriod"],
            json!({"not_before": "2020-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z"})
        );
        assert_eq!(
            e["subjectDirectoryAttributes"],
            json!([
                {"oid": "1.3.6.1.5.5.7.9.1", "name": "dateOfBirth",
                 "values": ["1970-01-01T12:00:00Z"]},
                {"oid": "1.3.6.1.5.5.7.9.4", "name": "countryOfCitizenship",
                 "values": ["DE", "FR"]},
                {"oid": "2.999.21", "name": "2.999.21", "values": ["02012a"]},
            ])
        );
        assert_eq!(e["msCertificateTemplateName"], json!({"text": "WebServer"}));
        assert_eq!(
            e["msCertificateTemplate"],
            json!({"template": "1.3.6.1.4.1.311.21.8.1.2.3", "major_version": 100,
                   "minor_version": 3})
        );
        assert_eq!(
            e["msApplicationPolicies"],
            json!([{"oid": "1.3.6.1.5.5.7.3.2", "name": "clientAuth", "qualifiers": []},
                   {"oid": "1.3.6.1.4.1.311.20.2.2", "name": "msSmartcardLogin",
                    "qualifiers": []}])
        );
    }

    #[test]
    fn ct_extensions_are_decoded() {
        let e = exts(include_str!("../../fixtures/extensions/ct.pem"));
        assert_eq!(e["tlsFeature"], json!(["status_request"]));
        let scts = &e["ctPrecertificateSCTs"];
        assert_eq!(scts[0]["log"], "Google 'Argon2024' log");
        assert_eq!(
            scts[0]["log_id"],
            "eecdd064d5db1acec55cb79db4cd13a23287467cbcecdec351485946711fb59b"
        );
        assert_eq!(scts[1]["log"], Value::Null);
        let e = exts(include_str!("../../fixtures/extensions/precert.pem"));
        assert_eq!(e["ctPrecertificatePoison"], json!({"text": "present"}));
    }

    #[test]
    fn policy_controls_are_decoded() {
        let e = exts(include_str!("../../fixtures/extensions/policies.pem"));
        assert_eq!(
            e["policyMappings"],
            json!([
                "1.3.6.1.4.1.55555.2.1 -> 2.23.140.1.2.1",
                "1.3.6.1.4.1.55555.2.2 -> 2.23.140.1.2.2"
            ])
        );
        assert_eq!(
            e["policyConstraints"],
            json!({"text": "require explicit policy: 0, inhibit policy mapping: 1"})
        );
        assert_eq!(e["inhibitAnyPolicy"], json!({"text": "skip certs: 2"}));
        assert_eq!(
            e["subjectInfoAccess"],
            json!([{"method": "caRepository",
                    "location": {"type": "uri", "value": "http://repo.example/"}},
                   {"method": "timeStamping",
                    "location": {"type": "uri", "value": "http://tsa.example/"}}])
        );
    }
}
