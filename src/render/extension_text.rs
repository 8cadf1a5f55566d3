//! An extension's value as the lines the text view shows: one arm per model value.

use crate::model::{ExtValue, GeneralName};

/// A general name as `TYPE: value`.
fn gn(n: &GeneralName) -> String {
    format!("{}: {}", n.label(), n.value)
}

/// The lines text shows for an extension value, before sanitising (the caller sanitises
/// each line as it writes it).
pub fn lines(v: &ExtValue) -> Vec<String> {
    match v {
        ExtValue::Names(names) => names.iter().map(gn).collect(),
        ExtValue::Flags(f) => vec![f.join(", ")],
        // pathlen is shown whenever present, as openssl does: on a non-CA it is a defect
        // (RFC 5280 §4.2.1.9) the reader should see, and JSON has it too.
        ExtValue::BasicConstraints(b) => {
            let ca = if b.ca { "CA:TRUE" } else { "CA:FALSE" };
            vec![match b.path_len {
                Some(n) => format!("{ca}, pathlen:{n}"),
                None => ca.to_string(),
            }]
        }
        ExtValue::KeyId(k) => vec![k.key_id.clone()],
        ExtValue::AuthorityKeyId(a) => {
            let mut l = Vec::new();
            if let Some(k) = &a.key_id {
                l.push(format!("keyid: {k}"));
            }
            l.extend(a.issuer.iter().map(|n| format!("issuer: {}", gn(n))));
            if let Some(s) = &a.serial {
                l.push(format!("serial: {s}"));
            }
            l
        }
        ExtValue::DistributionPoints(dps) => dps
            .iter()
            .flat_map(|d| {
                let mut l: Vec<String> = d.names.iter().map(gn).collect();
                if !d.reasons.is_empty() {
                    l.push(format!("reasons: {}", d.reasons.join(", ")));
                }
                l.extend(
                    d.crl_issuer
                        .iter()
                        .map(|n| format!("CRL issuer: {}", gn(n))),
                );
                l
            })
            .collect(),
        ExtValue::Access(list) => list
            .iter()
            .map(|a| format!("{} - {}", a.method, gn(&a.location)))
            .collect(),
        ExtValue::Policies(ps) => ps
            .iter()
            .flat_map(|p| {
                let head = match &p.name {
                    Some(n) => format!("{} ({n})", p.oid),
                    None => p.oid.clone(),
                };
                std::iter::once(head).chain(p.qualifiers.iter().map(|q| format!("  {q}")))
            })
            .collect(),
        ExtValue::NameConstraints(nc) => nc
            .permitted
            .iter()
            .map(|n| format!("permitted {}", gn(n)))
            .chain(nc.excluded.iter().map(|n| format!("excluded {}", gn(n))))
            .collect(),
        ExtValue::Scts(scts) => scts
            .iter()
            .flat_map(|s| {
                let mut l = vec![format!("log {}", s.log_id)];
                if let Some(name) = &s.log {
                    l.push(format!("  {name}"));
                }
                l.push(format!(
                    "  v{} at {}, {}",
                    u32::from(s.version) + 1,
                    s.timestamp,
                    s.signature_algorithm
                ));
                l
            })
            .collect(),
        ExtValue::IssuingDistributionPoint(idp) => {
            let mut l: Vec<String> = idp.names.iter().map(gn).collect();
            for (set, what) in [
                (idp.only_contains_user_certs, "only user certificates"),
                (idp.only_contains_ca_certs, "only CA certificates"),
                (
                    idp.only_contains_attribute_certs,
                    "only attribute certificates",
                ),
            ] {
                if set {
                    l.push(what.to_string());
                }
            }
            if !idp.only_some_reasons.is_empty() {
                l.push(format!(
                    "only some reasons: {}",
                    idp.only_some_reasons.join(", ")
                ));
            }
            if idp.indirect_crl {
                l.push("indirect CRL".to_string());
            }
            if l.is_empty() {
                l.push("(no fields: every certificate, every reason)".to_string());
            }
            l
        }
        ExtValue::PrivateKeyUsagePeriod(p) => vec![format!(
            "not before {}, not after {}",
            p.not_before.as_deref().unwrap_or("-"),
            p.not_after.as_deref().unwrap_or("-")
        )],
        ExtValue::Attributes(attrs) => attrs
            .iter()
            .map(|a| format!("{}: {}", a.name, a.values.join(", ")))
            .collect(),
        ExtValue::CertificateTemplate(t) => {
            let mut line = t.template.clone();
            match (t.major_version, t.minor_version) {
                (Some(major), Some(minor)) => {
                    line.push_str(&format!(" (major version {major}, minor version {minor})"))
                }
                (Some(major), None) => line.push_str(&format!(" (major version {major})")),
                (None, _) => {}
            }
            vec![line]
        }
        ExtValue::Text(t) => vec![t.text.clone()],
        ExtValue::Raw(r) => match &r.text {
            Some(t) => vec![format!("{t:?} (hex {})", r.hex)],
            None => hex_lines(&r.hex),
        },
        ExtValue::Error(e) => {
            let mut l = vec![format!("cannot decode: {}", e.error)];
            l.extend(hex_lines(&e.hex));
            l
        }
    }
}

/// Hex text in lines of 64 digits.
fn hex_lines(hex: &str) -> Vec<String> {
    let bytes = hex.as_bytes();
    bytes
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}
