//! Differential test (issue 14, "Must show"): every certificate, CRL and CSR certscope
//! decodes from the fixtures is given to `openssl x509/crl/req` as well, and serial, dates,
//! names, key size, signature algorithm (with RSA-PSS hash, MGF and salt) and extensions
//! are compared: the list of extensions
//! with their criticality, and the values of basicConstraints, keyUsage, extendedKeyUsage,
//! subjectAltName (DNS, IP, email, URI), subject and authority key identifiers and the CRL
//! number. Any difference fails unless it is in ALLOWED below, with its reason (the same
//! reasons are listed in docs/json.md, "Where certscope and openssl differ").
//!
//! Skipped, with a note, when `openssl` is not on PATH, unless CERTSCOPE_REQUIRE_OPENSSL is
//! set (scripts/test.sh sets it and installs openssl, so CI never skips).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Known, explained differences: (fixture path prefix, field, reason). A difference is
/// allowed when its fixture starts with the prefix and its field is the one named.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "fixtures/oids/big-arcs-subject.",
        "subject",
        "an attribute of unknown type is `OID=#hex`: certscope writes the hex in lower case, \
         openssl in upper case (RFC 4514 §2.4 allows either)",
    ),
    (
        "fixtures/oids/big-arcs-subject.pem",
        "issuer",
        "as above (self-signed: the issuer is the subject)",
    ),
    (
        "fixtures/oids/malformed-oids.pem",
        "extendedKeyUsage",
        "malformed OIDs in the EKU: openssl dumps the extension's raw bytes, certscope names \
         each purpose it can read and says what is wrong with each one it cannot",
    ),
    (
        "fixtures/lint2/eku-empty.pem",
        "extendedKeyUsage",
        "an empty extendedKeyUsage (`30 00`, invalid: SIZE (1..MAX)): openssl prints `0.`, \
         certscope an empty list (and `check` reports eku-empty)",
    ),
    (
        "fixtures/lint3/aki-key-id-missing.pem",
        "authorityKeyIdentifier keyid",
        "an authorityKeyIdentifier with issuer and serial but no keyIdentifier: certscope has \
         no key id (and `check` reports aki-key-id-missing), openssl's text has none either and \
         the comparison picks up its serial line",
    ),
    (
        "fixtures/lint3/key-usage-empty.pem",
        "keyUsage",
        "a keyUsage with no bit set (`03 01 00`, invalid): certscope an empty list (and `check` \
         reports key-usage-empty), openssl an empty line",
    ),
    (
        "fixtures/lint3/san-ip-length.pem",
        "subjectAltName",
        "an iPAddress of five octets (invalid): openssl `<invalid length=5>`, certscope \
         `invalid address` and the hex (and `check` reports san-ip-length)",
    ),
];

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn openssl(args: &[&str], pem: &str) -> Option<String> {
    let mut child = Command::new("openssl")
        .args(args)
        .env("OPENSSL_CONF", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pem.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// `key=value` lines of openssl's `-subject -issuer ...` output.
fn kv(out: &str, key: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        // Only the line end: a trailing escaped space (`\ `) is part of a name.
        .map(|v| v.trim_end_matches(['\n', '\r']).to_string())
}

/// `Jan  1 00:00:00 2025 GMT` to `2025-01-01T00:00:00Z`.
fn openssl_date(s: &str) -> String {
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = s.split_whitespace().collect();
    match parts.as_slice() {
        [mon, day, hms, year, "GMT"] => {
            let m = months.iter().position(|x| x == mon).map_or(0, |i| i + 1);
            format!(
                "{year}-{m:02}-{:02}T{hms}Z",
                day.parse::<u32>().unwrap_or(0)
            )
        }
        _ => s.to_string(),
    }
}

/// The extension blocks of openssl's `-text`: (name, critical, value lines joined by `\n`).
fn openssl_extensions(text: &str) -> Vec<(String, bool, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| {
        let t = l.trim();
        t == "X509v3 extensions:" || t == "Requested Extensions:" || t == "CRL extensions:"
    }) else {
        return Vec::new();
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = lines.get(start + 1) else {
        return Vec::new();
    };
    let head = indent(first);
    if head <= indent(lines[start]) {
        // `Requested Extensions:` with nothing under it.
        return Vec::new();
    }
    let mut out: Vec<(String, bool, String)> = Vec::new();
    for l in &lines[start + 1..] {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        // The next section; a line less indented than the headers is otherwise part of a
        // raw value dump (openssl prints undecoded extension bytes as they are, newlines
        // included).
        if [
            "Signature Algorithm:",
            "Revoked Certificates:",
            "No Revoked Certificates",
        ]
        .iter()
        .any(|p| t.starts_with(p))
            && indent(l) < head
        {
            break;
        }
        let i = indent(l);
        if i == head && (t.ends_with(':') || t.ends_with(": critical") || t.ends_with(": ")) {
            let t = l.trim();
            let (name, critical) = match t.strip_suffix(" critical") {
                Some(n) => (n, true),
                None => (t, false),
            };
            out.push((
                name.trim_end_matches(':').to_string(),
                critical,
                String::new(),
            ));
        } else if let Some(last) = out.last_mut() {
            if !last.2.is_empty() {
                last.2.push('\n');
            }
            last.2.push_str(l.trim());
        }
    }
    out
}

fn first_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .map(str::trim)
}

fn hex_of(colon_hex: &str) -> String {
    colon_hex
        .trim()
        .replace(':', "")
        .to_ascii_lowercase()
        .trim_start_matches("keyid")
        .to_string()
}

fn ku_name(openssl: &str) -> String {
    match openssl {
        "Digital Signature" => "digitalSignature",
        "Non Repudiation" => "nonRepudiation",
        "Key Encipherment" => "keyEncipherment",
        "Data Encipherment" => "dataEncipherment",
        "Key Agreement" => "keyAgreement",
        "Certificate Sign" => "keyCertSign",
        "CRL Sign" => "cRLSign",
        "Encipher Only" => "encipherOnly",
        "Decipher Only" => "decipherOnly",
        other => other,
    }
    .to_string()
}

fn eku_name(openssl: &str) -> String {
    match openssl {
        "TLS Web Server Authentication" => "serverAuth",
        "TLS Web Client Authentication" => "clientAuth",
        "Code Signing" => "codeSigning",
        "E-mail Protection" => "emailProtection",
        "Time Stamping" => "timeStamping",
        "OCSP Signing" => "OCSPSigning",
        "Any Extended Key Usage" => "anyExtendedKeyUsage",
        other => other,
    }
    .to_string()
}

fn normalise_ip(s: &str) -> String {
    s.parse::<std::net::IpAddr>()
        .map_or_else(|_| s.to_ascii_lowercase(), |ip| ip.to_string())
}

/// One difference: fixture, field, what each side says.
struct Diff {
    fixture: String,
    field: String,
    certscope: String,
    openssl: String,
}

struct Cmp<'a> {
    fixture: &'a str,
    diffs: Vec<Diff>,
}

impl Cmp<'_> {
    fn eq(&mut self, field: &str, certscope: impl Into<String>, openssl: impl Into<String>) {
        let (c, o) = (certscope.into(), openssl.into());
        if c != o {
            self.diffs.push(Diff {
                fixture: self.fixture.to_string(),
                field: field.to_string(),
                certscope: c,
                openssl: o,
            });
        }
    }
}

fn ext_value<'a>(item: &'a Value, oid: &str) -> Option<&'a Value> {
    item["extensions"]
        .as_array()?
        .iter()
        .find(|e| e["oid"] == oid)
        .map(|e| &e["value"])
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn compare_extensions(c: &mut Cmp<'_>, item: &Value, text: &str) {
    let ours: Vec<&Value> = item["extensions"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let theirs = openssl_extensions(text);
    c.eq(
        "extension count",
        ours.len().to_string(),
        theirs.len().to_string(),
    );
    let crit = |v: &[bool]| {
        v.iter()
            .map(|b| if *b { "c" } else { "-" })
            .collect::<String>()
    };
    c.eq(
        "extension criticality",
        crit(
            &ours
                .iter()
                .map(|e| e["critical"] == true)
                .collect::<Vec<_>>(),
        ),
        crit(&theirs.iter().map(|e| e.1).collect::<Vec<_>>()),
    );
    for (name, _, value) in &theirs {
        let joined = value.replace('\n', " ");
        match name.as_str() {
            "X509v3 Basic Constraints" => {
                let v = ext_value(item, "2.5.29.19");
                let mut s = match v.map(|v| v["ca"] == true) {
                    Some(true) => "CA:TRUE".to_string(),
                    Some(false) => "CA:FALSE".to_string(),
                    None => "?".to_string(),
                };
                if let Some(n) = v.and_then(|v| v["path_len"].as_u64()) {
                    s.push_str(&format!(", pathlen:{n}"));
                }
                c.eq("basicConstraints", s, joined);
            }
            "X509v3 Key Usage" => c.eq(
                "keyUsage",
                strings(ext_value(item, "2.5.29.15")).join(", "),
                joined
                    .split(", ")
                    .map(ku_name)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            "X509v3 Extended Key Usage" => c.eq(
                "extendedKeyUsage",
                strings(ext_value(item, "2.5.29.37")).join(", "),
                joined
                    .split(", ")
                    .map(eku_name)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            "X509v3 Subject Key Identifier" => c.eq(
                "subjectKeyIdentifier",
                ext_value(item, "2.5.29.14")
                    .and_then(|v| v["key_id"].as_str())
                    .unwrap_or("?"),
                hex_of(&joined),
            ),
            "X509v3 Authority Key Identifier" => {
                let keyid = value
                    .lines()
                    .find(|l| l.starts_with("keyid:") || l.contains(':') && !l.contains("DirName"))
                    .map(hex_of)
                    .unwrap_or_default();
                c.eq(
                    "authorityKeyIdentifier keyid",
                    ext_value(item, "2.5.29.35")
                        .and_then(|v| v["key_id"].as_str())
                        .unwrap_or(""),
                    keyid,
                );
            }
            "X509v3 Subject Alternative Name" => {
                let ours: Vec<String> = ext_value(item, "2.5.29.17")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| {
                                let v = n["value"].as_str()?;
                                match n["type"].as_str()? {
                                    "dns" => Some(format!("DNS:{v}")),
                                    "ip" => Some(format!("IP:{}", normalise_ip(v))),
                                    "email" => Some(format!("email:{v}")),
                                    "uri" => Some(format!("URI:{v}")),
                                    _ => None,
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let theirs: Vec<String> = joined
                    .split(", ")
                    .filter_map(|n| {
                        if let Some(ip) = n.strip_prefix("IP Address:") {
                            Some(format!("IP:{}", normalise_ip(ip)))
                        } else if ["DNS:", "email:", "URI:"].iter().any(|p| n.starts_with(p)) {
                            Some(n.to_string())
                        } else {
                            None
                        }
                    })
                    .collect();
                c.eq("subjectAltName", ours.join(", "), theirs.join(", "));
            }
            _ => {}
        }
    }
}

fn compare_certificate(c: &mut Cmp<'_>, item: &Value, pem: &str) {
    let Some(fields) = openssl(
        &[
            "x509",
            "-noout",
            "-serial",
            "-subject",
            "-issuer",
            "-startdate",
            "-enddate",
            "-nameopt",
            "RFC2253",
        ],
        pem,
    ) else {
        c.eq("openssl reads it", "yes", "no");
        return;
    };
    let text = openssl(&["x509", "-noout", "-text"], pem).unwrap_or_default();
    let serial = kv(&fields, "serial")
        .unwrap_or_default()
        .to_ascii_lowercase();
    c.eq(
        "serial",
        item["serial"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches('0'),
        serial.trim_start_matches('0'),
    );
    c.eq(
        "subject",
        item["subject"].as_str().unwrap_or(""),
        kv(&fields, "subject").unwrap_or_default(),
    );
    c.eq(
        "issuer",
        item["issuer"].as_str().unwrap_or(""),
        kv(&fields, "issuer").unwrap_or_default(),
    );
    c.eq(
        "not_before",
        item["not_before"].as_str().unwrap_or("null"),
        openssl_date(&kv(&fields, "notBefore").unwrap_or_default()),
    );
    c.eq(
        "not_after",
        item["not_after"].as_str().unwrap_or("null"),
        openssl_date(&kv(&fields, "notAfter").unwrap_or_default()),
    );
    common(c, item, &text);
}

/// Signature algorithm, key size and extensions: the same in the three `-text` outputs.
fn common(c: &mut Cmp<'_>, item: &Value, text: &str) {
    signature_algorithms(c, item, text);
    if let Some(bits) = first_after(text, "Public-Key: (")
        .or_else(|| first_after(text, "RSA Public-Key: ("))
        .and_then(|s| s.split(' ').next())
    {
        c.eq(
            "key bits",
            item["public_key"]["bits"]
                .as_u64()
                .map_or("null".into(), |b| b.to_string()),
            bits,
        );
    }
    compare_extensions(c, item, text);
}

/// openssl prints the algorithm inside the signed part first and the outer one last (a CSR
/// has only the outer one): the outer is `signature_algorithm`, the inner is
/// `inner_signature_algorithm` when certscope says they differ, else the same.
fn signature_algorithms(c: &mut Cmp<'_>, item: &Value, text: &str) {
    let all: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Signature Algorithm:"))
        .map(str::trim)
        .collect();
    let outer = item["signature_algorithm"].as_str().unwrap_or("");
    c.eq(
        "signature_algorithm",
        outer,
        all.last().copied().unwrap_or(""),
    );
    if all.len() > 1 {
        let inner = item["inner_signature_algorithm"].as_str().unwrap_or(outer);
        c.eq(
            "inner signature algorithm",
            inner,
            all.first().copied().unwrap_or(""),
        );
    }
    // RSA-PSS parameters: openssl prints the outer signature's last (a PSS-restricted key's
    // come earlier, more indented, as `Minimum Salt Length`).
    let last = |prefix: &str| {
        text.lines()
            .filter(|l| l.len() - l.trim_start().len() <= 9)
            .filter_map(|l| l.trim().strip_prefix(prefix))
            .next_back()
            .map(|v| v.trim().trim_end_matches(" (default)").to_string())
    };
    if let Some(pss) = item.get("signature_pss") {
        let hash = |s: &str| s.replace('-', "").to_ascii_lowercase();
        c.eq(
            "signature_pss hash",
            hash(pss["hash"].as_str().unwrap_or("")),
            last("Hash Algorithm:").unwrap_or_default(),
        );
        c.eq(
            "signature_pss mask_generation",
            hash(pss["mask_generation"].as_str().unwrap_or("")),
            last("Mask Algorithm:").unwrap_or_default(),
        );
        let salt = last("Salt Length:")
            .and_then(|v| u64::from_str_radix(v.trim_start_matches("0x"), 16).ok());
        c.eq(
            "signature_pss salt_length",
            pss["salt_length"].to_string(),
            salt.map_or("?".into(), |n| n.to_string()),
        );
    } else {
        let openssl = last("Salt Length:").map_or("absent", |_| "present");
        c.eq("signature_pss", "absent", openssl);
    }
}

fn compare_crl(c: &mut Cmp<'_>, item: &Value, pem: &str) {
    let Some(fields) = openssl(
        &[
            "crl",
            "-noout",
            "-issuer",
            "-lastupdate",
            "-nextupdate",
            "-nameopt",
            "RFC2253",
        ],
        pem,
    ) else {
        c.eq("openssl reads it", "yes", "no");
        return;
    };
    let text = openssl(&["crl", "-noout", "-text"], pem).unwrap_or_default();
    c.eq(
        "issuer",
        item["issuer"].as_str().unwrap_or(""),
        kv(&fields, "issuer").unwrap_or_default(),
    );
    c.eq(
        "this_update",
        item["this_update"].as_str().unwrap_or("null"),
        openssl_date(&kv(&fields, "lastUpdate").unwrap_or_default()),
    );
    let next = kv(&fields, "nextUpdate").unwrap_or_default();
    c.eq(
        "next_update",
        item["next_update"].as_str().unwrap_or("NONE"),
        if next == "NONE" {
            next
        } else {
            openssl_date(&next)
        },
    );
    signature_algorithms(c, item, &text);
    compare_extensions(c, item, &text);
    let revoked = text.matches("Serial Number:").count();
    c.eq(
        "revoked count",
        item["revoked_count"].to_string(),
        revoked.to_string(),
    );
}

fn compare_csr(c: &mut Cmp<'_>, item: &Value, pem: &str) {
    let Some(fields) = openssl(&["req", "-noout", "-subject", "-nameopt", "RFC2253"], pem) else {
        c.eq("openssl reads it", "yes", "no");
        return;
    };
    let text = openssl(&["req", "-noout", "-text"], pem).unwrap_or_default();
    c.eq(
        "subject",
        item["subject"].as_str().unwrap_or(""),
        kv(&fields, "subject").unwrap_or_default(),
    );
    common(c, item, &text);
}

#[test]
fn certscope_agrees_with_openssl_on_every_fixture() {
    if !openssl_available() {
        // scripts/test.sh sets this, so CI fails rather than skips.
        assert!(
            std::env::var_os("CERTSCOPE_REQUIRE_OPENSSL").is_none(),
            "CERTSCOPE_REQUIRE_OPENSSL is set but openssl is not on PATH"
        );
        eprintln!("openssl not found: differential test skipped");
        return;
    }
    let mut diffs = Vec::new();
    let mut compared = 0;
    for fixture in support::fixtures() {
        if fixture.starts_with("fixtures/fuzz/") || fixture.starts_with("fixtures/hostile/") {
            continue;
        }
        let o = support::run(&[
            "inspect",
            "--password",
            "pass:test",
            "--format",
            "json",
            &fixture,
        ]);
        let Ok(doc) = serde_json::from_slice::<Value>(&o.stdout) else {
            continue;
        };
        for item in doc["items"].as_array().into_iter().flatten() {
            let Some(pem) = item["pem"].as_str() else {
                continue;
            };
            if item.get("error").is_some() {
                continue;
            }
            let name = format!("{fixture}#{}", item["number"]);
            let mut c = Cmp {
                fixture: &name,
                diffs: Vec::new(),
            };
            match item["kind"].as_str() {
                Some("certificate") => compare_certificate(&mut c, item, pem),
                Some("crl") => compare_crl(&mut c, item, pem),
                Some("csr") => compare_csr(&mut c, item, pem),
                _ => continue,
            }
            compared += 1;
            diffs.extend(c.diffs);
        }
    }
    assert!(compared > 100, "only {compared} items compared");
    let mut used = BTreeSet::new();
    let unexplained: Vec<String> = diffs
        .iter()
        .filter(|d| {
            match ALLOWED
                .iter()
                .position(|(prefix, field, _)| d.fixture.starts_with(prefix) && d.field == *field)
            {
                Some(i) => {
                    used.insert(i);
                    false
                }
                None => true,
            }
        })
        .map(|d| {
            format!(
                "{} {}:\n    certscope: {}\n    openssl:   {}",
                d.fixture, d.field, d.certscope, d.openssl
            )
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences over {compared} items:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    // An allow-list entry that no longer matches anything is stale: remove it.
    let stale: Vec<&str> = ALLOWED
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, (prefix, _, _))| *prefix)
        .collect();
    assert!(stale.is_empty(), "stale allow-list entries: {stale:?}");
}
