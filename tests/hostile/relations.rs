//! Hostile inputs: relations (see main.rs). Many items that share one key or one name must
//! cost work, memory and output linear in the input (`inspect`'s relations, `check`, `chain`),
//! and a run that examined nothing must not pass.
//!
//! The inputs are made at test time: openssl makes one key and one template certificate,
//! then the test writes thousands of distinct copies by changing the template's serial and
//! signing the new TBSCertificate with `ring` (one `openssl` process per certificate would
//! take minutes).

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};

use super::support;

/// Runs openssl in `dir`; fails the test when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The serial every template is made with; copies replace its low bytes.
const SERIAL: &str = "0x5A5A5A5A5A5A5A5A";
const SERIAL_BYTES: [u8; 8] = [0x5a; 8];

/// A P-256 key (PKCS#8 PEM at `name`) and its DER for ring.
fn ec_key(dir: &Path, name: &str) -> EcdsaKeyPair {
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            name,
        ],
    );
    let der_name = format!("{name}.der");
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", name, "-outform", "DER", "-out", &der_name,
        ],
    );
    let der = std::fs::read(dir.join(der_name)).unwrap();
    EcdsaKeyPair::from_pkcs8(
        &ECDSA_P256_SHA256_ASN1_SIGNING,
        &der,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap()
}

/// DER header length and content length of the element at the start of `der`.
fn header(der: &[u8]) -> (usize, usize) {
    let first = der[1];
    if first < 0x80 {
        return (2, first as usize);
    }
    let n = (first & 0x7f) as usize;
    let len = der[2..2 + n]
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | *b as usize);
    (2 + n, len)
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The template certificate (PEM file) as DER.
fn pem_file_der(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

/// A copy of `template` (made with serial [`SERIAL`]) with serial number `n` and signed by
/// `key` (ECDSA with SHA-256, as the template must be).
fn copy(template: &[u8], n: u32, key: &EcdsaKeyPair) -> Vec<u8> {
    copy_with_key(template, n, key, None)
}

/// [`copy`], also replacing the public key `from` (an EC point in the TBSCertificate) with
/// `to`, for certificates that differ in their key but not their name or key identifier.
fn copy_with_key(
    template: &[u8],
    n: u32,
    key: &EcdsaKeyPair,
    swap: Option<(&[u8], &[u8])>,
) -> Vec<u8> {
    let (h, _) = header(template);
    let body = &template[h..];
    let (th, tl) = header(body);
    let mut tbs = body[..th + tl].to_vec();
    let rest = &body[th + tl..];
    let (ah, al) = header(rest);
    let alg = &rest[..ah + al];
    let at = tbs
        .windows(SERIAL_BYTES.len())
        .position(|w| w == SERIAL_BYTES)
        .expect("template serial");
    tbs[at + 4..at + 8].copy_from_slice(&n.to_be_bytes());
    if let Some((from, to)) = swap {
        let at = tbs
            .windows(from.len())
            .position(|w| w == from)
            .expect("template key");
        tbs[at..at + to.len()].copy_from_slice(to);
    }
    let sig = key.sign(&ring::rand::SystemRandom::new(), &tbs).unwrap();
    let mut bits = vec![0u8];
    bits.extend_from_slice(sig.as_ref());
    let mut content = tbs;
    content.extend_from_slice(alg);
    content.extend(tlv(0x03, &bits));
    tlv(0x30, &content)
}

fn capped(args: &[&OsStr], dir: &Path) -> support::Capped {
    support::run_capped(args, None, Some(dir), Duration::from_secs(60))
}

/// Fails with a summary (never the whole flood) unless the run ended on its own.
fn finished(r: &support::Capped, what: &str) {
    eprintln!(
        "{what}: {:?}, {} bytes of output",
        r.elapsed,
        r.output.stdout.len()
    );
    assert!(
        !r.timed_out,
        "{what}: killed at the timeout after {:?} ({} bytes of output so far)",
        r.elapsed,
        r.output.stdout.len()
    );
    assert!(
        r.output.status.code().is_some(),
        "{what}: killed by a signal ({:?}); stderr: {}",
        r.output.status,
        tail(&r.output.stderr)
    );
}

fn tail(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let start = s.len().saturating_sub(2000);
    s.get(start..).unwrap_or_default().to_string()
}

fn linear(r: &support::Capped, input: usize, what: &str) {
    let out = r.output.stdout.len() + r.output.stderr.len();
    assert!(
        out < 10 * input,
        "{what}: {out} bytes of output for {input} bytes of input"
    );
}

/// Peak RSS in KiB of one capped certscope run, measured by GNU time (the test binary's own
/// `RUSAGE_CHILDREN` would mix in the children of tests running in parallel).
fn peak_rss_kib(args: &[&str], dir: &Path) -> Option<u64> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let out = Command::new("/usr/bin/time")
        .args(["-f", "certscope-maxrss-kib=%M", "timeout", "60"])
        .arg(env!("CARGO_BIN_EXE_certscope"))
        .args(args)
        .current_dir(dir)
        .env("CERTSCOPE_NOW", support::NOW)
        .output()
        .expect("run /usr/bin/time");
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .rev()
        .find_map(|l| l.strip_prefix("certscope-maxrss-kib="))
        .and_then(|v| v.trim().parse().ok())
}

/// 5,000 copies of one private key: relations are one group per key, not 25 million pairs.
#[test]
fn five_thousand_copies_of_one_key() {
    let dir = tempfile::tempdir().unwrap();
    openssl(
        dir.path(),
        &["genpkey", "-algorithm", "ed25519", "-out", "k.pem"],
    );
    let one = std::fs::read(dir.path().join("k.pem")).unwrap();
    let all = one.repeat(5000);
    std::fs::write(dir.path().join("keys.pem"), &all).unwrap();
    let r = capped(&["inspect".as_ref(), "keys.pem".as_ref()], dir.path());
    finished(&r, "inspect");
    assert_eq!(
        r.output.status.code(),
        Some(0),
        "{}",
        tail(&r.output.stderr)
    );
    linear(&r, all.len(), "inspect");
    let text = support::stdout(&r.output);
    assert!(
        text.contains("4,999 other items of this run have the same key"),
        "{}",
        &text[..text.len().min(3000)]
    );
    let r = capped(
        &[
            "inspect".as_ref(),
            "-f".as_ref(),
            "json".as_ref(),
            "keys.pem".as_ref(),
        ],
        dir.path(),
    );
    finished(&r, "inspect -f json");
    linear(&r, all.len(), "inspect -f json");
    if let Some(kib) = peak_rss_kib(&["inspect", "keys.pem"], dir.path()) {
        assert!(kib <= 64 * 1024, "peak RSS {kib} KiB over 64 MiB");
    }
}

/// 5,000 distinct certificates with one subject and one key, each naming that subject as
/// its issuer but signed by another key: issuer candidates are capped for real (one
/// verification and one note per item, not 4,999), and the cap is reported once.
#[test]
fn five_thousand_same_name_certificates_signed_by_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ec_key(d, "a.key");
    let b = ec_key(d, "b.key");
    openssl(
        d,
        &[
            "req", "-x509", "-new", "-key", "b.key", "-subj", "/CN=Same", "-days", "3650", "-out",
            "b.pem",
        ],
    );
    openssl(
        d,
        &[
            "req", "-new", "-key", "a.key", "-subj", "/CN=Same", "-out", "a.csr",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "a.csr",
            "-CA",
            "b.pem",
            "-CAkey",
            "b.key",
            "-set_serial",
            SERIAL,
            "-days",
            "3650",
            "-out",
            "a.pem",
        ],
    );
    let template = pem_file_der(&d.join("a.pem"));
    let all: String = (0..5000).map(|n| pem(&copy(&template, n, &b))).collect();
    std::fs::write(d.join("certs.pem"), &all).unwrap();
    for format in ["text", "json"] {
        let r = capped(
            &[
                "inspect".as_ref(),
                "-f".as_ref(),
                format.as_ref(),
                "certs.pem".as_ref(),
            ],
            d,
        );
        finished(&r, format);
        assert_eq!(
            r.output.status.code(),
            Some(0),
            "{}",
            tail(&r.output.stderr)
        );
        linear(&r, all.len(), format);
        let err = support::stderr(&r.output);
        assert_eq!(
            err.matches("certificates with their issuer's name").count(),
            1,
            "the cap is reported once: {}",
            tail(&r.output.stderr)
        );
    }
    let r = capped(&["check".as_ref(), "certs.pem".as_ref()], d);
    finished(&r, "check");
    linear(&r, all.len(), "check");
}

/// `chain` over 1,000 CA certificates with one name and key and 1,000 leaves they all
/// issued: alternatives are summarised and the signature checks are capped, with a note.
#[test]
fn chain_over_a_thousand_same_name_cas() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = ec_key(d, "ca.key");
    ec_key(d, "leaf.key");
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=Same CA",
            "-days",
            "3650",
            "-set_serial",
            SERIAL,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=leaf.example",
            "-out",
            "leaf.csr",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            SERIAL,
            "-days",
            "365",
            "-out",
            "leaf.pem",
        ],
    );
    let ca_t = pem_file_der(&d.join("ca.pem"));
    let leaf_t = pem_file_der(&d.join("leaf.pem"));
    let mut all = String::new();
    for n in 0..1000 {
        all.push_str(&pem(&copy(&leaf_t, n, &ca)));
    }
    for n in 0..1000 {
        all.push_str(&pem(&copy(&ca_t, n, &ca)));
    }
    std::fs::write(d.join("bundle.pem"), &all).unwrap();
    for format in ["text", "json"] {
        let r = capped(
            &[
                "chain".as_ref(),
                "-f".as_ref(),
                format.as_ref(),
                "bundle.pem".as_ref(),
            ],
            d,
        );
        finished(&r, format);
        linear(&r, all.len(), format);
        let out = support::stdout(&r.output);
        let summary = if format == "text" {
            "995 more alternative issuers not listed"
        } else {
            "\"alternatives_not_listed\":995"
        };
        assert!(out.contains(summary), "{}", tail(&r.output.stdout));
    }

    // The same with a key of its own for each CA but the first (same name and key
    // identifier): every alternative costs a signature check, and the run's budget stops
    // them, with a note.
    let rng = ring::rand::SystemRandom::new();
    let ca_point = ca.public_key().as_ref().to_vec();
    let mut all = String::new();
    for n in 0..1000 {
        all.push_str(&pem(&copy(&leaf_t, n, &ca)));
    }
    all.push_str(&pem(&copy(&ca_t, 0, &ca)));
    for n in 1..1000 {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let own = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let point = own.public_key().as_ref().to_vec();
        all.push_str(&pem(&copy_with_key(
            &ca_t,
            n,
            &own,
            Some((&ca_point, &point)),
        )));
    }
    std::fs::write(d.join("keys.pem"), &all).unwrap();
    for format in ["text", "json"] {
        let r = capped(
            &[
                "chain".as_ref(),
                "-f".as_ref(),
                format.as_ref(),
                "keys.pem".as_ref(),
            ],
            d,
        );
        finished(&r, format);
        linear(&r, all.len(), format);
        let out = support::stdout(&r.output);
        assert!(
            out.contains("budget of 10,000 signature checks was spent"),
            "the work cap is reported: {}",
            tail(&r.output.stdout)
        );
    }
}

/// `check` on one certificate with 10,000 commonNames and 10,000 subjectAltNames: each
/// finding names the item once, output linear in the input.
#[test]
fn check_one_certificate_with_ten_thousand_names() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ec_key(d, "k.key");
    // The subject goes in the config file: as one argument it would exceed the kernel's
    // limit on an argument's length.
    let subj: String = (0..10_000)
        .map(|n| format!("{n}.CN = cn{n:05}.example\n"))
        .collect();
    let sans: Vec<String> = (0..10_000)
        .map(|n| format!("DNS:san{n:05}.example"))
        .collect();
    std::fs::write(
        d.join("req.cnf"),
        format!(
            "[req]\nprompt = no\ndistinguished_name = dn\nx509_extensions = v3\n[dn]\n{subj}\
             [v3]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n\
             subjectAltName = {}\n",
            sans.join(",")
        ),
    )
    .unwrap();
    openssl(
        d,
        &[
            "req", "-x509", "-new", "-key", "k.key", "-days", "365", "-config", "req.cnf", "-out",
            "many.pem",
        ],
    );
    let size = std::fs::metadata(d.join("many.pem")).unwrap().len() as usize;
    for format in ["text", "json"] {
        let r = capped(
            &[
                "check".as_ref(),
                "-f".as_ref(),
                format.as_ref(),
                "many.pem".as_ref(),
            ],
            d,
        );
        finished(&r, format);
        // cn-not-in-san is a warning: the run passes at the default --fail-on error.
        assert_eq!(
            r.output.status.code(),
            Some(0),
            "{}",
            tail(&r.output.stderr)
        );
        linear(&r, size, format);
    }
}

/// `check -r` over a directory that holds only a dangling symlink examined nothing: it
/// must not pass.
#[test]
fn check_of_nothing_does_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("certs")).unwrap();
    std::os::unix::fs::symlink(d.join("missing.pem"), d.join("certs/dangling.pem")).unwrap();
    let r = capped(&["check".as_ref(), "-r".as_ref(), "certs".as_ref()], d);
    finished(&r, "check -r");
    assert_eq!(
        r.output.status.code(),
        Some(2),
        "{}",
        support::stdout(&r.output)
    );
    let out = support::stdout(&r.output);
    assert!(!out.contains("pass"), "{out}");
    assert!(
        support::stderr(&r.output).contains("certscope: certs: "),
        "{}",
        support::stderr(&r.output)
    );
}
