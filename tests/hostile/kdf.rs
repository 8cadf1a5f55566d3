//! Hostile inputs: key derivation (issue 12, "Hangs and blowups" and "Nothing lost"; issue 14
//! item 5). Scrypt and PBKDF2 parameters are built here at test time (a few hundred bytes of
//! DER each); the ciphertexts are junk, since the cost of a derivation is paid before the
//! padding check that rejects them.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use super::support;

/// DER TLV with a definite length.
fn der(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(body);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    der(0x30, &parts.concat())
}

/// INTEGER of a non-negative value.
fn int(v: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = v
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    der(0x02, &bytes)
}

const PBES2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];
const PBKDF2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c,
];
const SCRYPT: &[u8] = &[
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b,
];
const HMAC_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
const AES256_CBC: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
];
const ID_DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];
const ID_ENCRYPTED_DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06,
];

/// PBES2 AlgorithmIdentifier with AES-256-CBC and the given KDF AlgorithmIdentifier.
fn pbes2(kdf: &[u8]) -> Vec<u8> {
    let aes = seq(&[AES256_CBC, &der(0x04, &[7; 16])]);
    seq(&[PBES2, &seq(&[kdf, &aes])])
}

fn scrypt_alg(n: u64, r: u64, p: u64) -> Vec<u8> {
    pbes2(&seq(&[
        SCRYPT,
        &seq(&[&der(0x04, &[1; 8]), &int(n), &int(r), &int(p)]),
    ]))
}

fn pbkdf2_alg(iterations: u64) -> Vec<u8> {
    pbes2(&seq(&[
        PBKDF2,
        &seq(&[
            &der(0x04, &[2; 8]),
            &int(iterations),
            &seq(&[HMAC_SHA256, &[0x05, 0x00]]),
        ]),
    ]))
}

/// An EncryptedPrivateKeyInfo with `alg` over junk ciphertext.
fn encrypted_key(alg: &[u8]) -> Vec<u8> {
    seq(&[alg, &der(0x04, &[9; 48])])
}

fn pem(label: &str, der: &[u8]) -> String {
    use std::fmt::Write;
    let b64 = base64_encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        let _ = writeln!(out, "{}", std::str::from_utf8(chunk).unwrap());
    }
    let _ = writeln!(out, "-----END {label}-----");
    out
}

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A PFX without a MAC whose one SafeContents is EncryptedData under `alg`.
fn pfx_encrypted_safe(alg: &[u8]) -> Vec<u8> {
    let eci = seq(&[ID_DATA, alg, &der(0x80, &[5; 16])]);
    let encrypted_data = seq(&[&int(0), &eci]);
    let safe = seq(&[ID_ENCRYPTED_DATA, &der(0xa0, &encrypted_data)]);
    let auth_safe = seq(&[&safe]);
    let outer = seq(&[ID_DATA, &der(0xa0, &der(0x04, &auth_safe))]);
    seq(&[&int(3), &outer])
}

fn run(args: &[&str], dir: &Path, timeout: Duration) -> support::Capped {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    support::run_capped(&args, None, Some(dir), timeout)
}

/// Fails unless the run ended by itself with exit 2 (not a signal, not the timeout).
fn ended_with_error(c: &support::Capped) -> String {
    let err = support::stderr(&c.output);
    assert!(
        !c.timed_out,
        "timed out after {:?}; stderr:\n{err}",
        c.elapsed
    );
    assert_eq!(
        c.output.status.code(),
        Some(2),
        "status {:?}; stderr:\n{err}",
        c.output.status
    );
    err
}

/// Issue 12: a 191-byte PKCS#12, no MAC, PBES2-scrypt N=2^20 r=8 p=16: 42 s and 1 GB with
/// no password (r and p were not counted). Now refused before any derivation, with the flag.
#[test]
fn pkcs12_scrypt_safe_is_refused_before_deriving() {
    let dir = tempfile::tempdir().unwrap();
    let p12 = pfx_encrypted_safe(&scrypt_alg(1 << 20, 8, 16));
    assert!(p12.len() < 200, "{}", p12.len());
    std::fs::write(dir.path().join("scrypt.p12"), &p12).unwrap();
    for password in [None, Some("--password=pass:x")] {
        let mut args = vec!["inspect", "scrypt.p12"];
        args.extend(password);
        let c = run(&args, dir.path(), Duration::from_secs(30));
        let err = ended_with_error(&c);
        assert!(c.elapsed < Duration::from_secs(10), "{:?}", c.elapsed);
        assert!(err.contains("certscope: scrypt.p12"), "{err}");
        assert!(err.contains("scrypt"), "{err}");
        assert!(err.contains("--max-kdf-"), "{err}");
    }
}

/// Issue 12: two scrypt keys of 1 GiB each (N=2^20, r=8) in one file, with a password: each
/// was within the old caps and derived (2.1 GB on two threads; an abort under the cap).
#[test]
fn scrypt_keys_over_the_memory_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = pem(
        "ENCRYPTED PRIVATE KEY",
        &encrypted_key(&scrypt_alg(1 << 20, 8, 1)),
    );
    std::fs::write(dir.path().join("keys.pem"), key.repeat(2)).unwrap();
    let c = run(
        &["inspect", "--password", "pass:x", "keys.pem"],
        dir.path(),
        Duration::from_secs(60),
    );
    let err = ended_with_error(&c);
    assert_eq!(err.matches("--max-kdf-memory").count(), 2, "{err}");
    assert!(err.contains("certscope: keys.pem#0 (line 1)"), "{err}");
}

/// Issue 12: scrypt memory summed over one input's keys (default: one maximal key). Three
/// 128 MiB keys: two fit the 256 MiB budget, the third is refused naming the flag.
#[test]
fn scrypt_memory_is_budgeted_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let key = pem(
        "ENCRYPTED PRIVATE KEY",
        &encrypted_key(&scrypt_alg(1 << 17, 8, 1)),
    );
    std::fs::write(dir.path().join("keys.pem"), key.repeat(3)).unwrap();
    let c = run(
        &["inspect", "--password", "pass:x", "keys.pem"],
        dir.path(),
        Duration::from_secs(120),
    );
    let err = ended_with_error(&c);
    assert_eq!(err.matches("wrong password").count(), 2, "{err}");
    assert_eq!(err.matches("KDF budget").count(), 1, "{err}");
    assert!(err.contains("--max-kdf-memory"), "{err}");
}

/// Issue 12: four PBKDF2 keys of 9,000,000 iterations each paid 4 full derivations; the
/// input's budget (default one maximal key, 10,000,000) pays for one.
#[test]
fn pbkdf2_work_is_budgeted_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let key = pem(
        "ENCRYPTED PRIVATE KEY",
        &encrypted_key(&pbkdf2_alg(9_000_000)),
    );
    std::fs::write(dir.path().join("keys.pem"), key.repeat(4)).unwrap();
    let c = run(
        &["inspect", "--password", "pass:x", "keys.pem"],
        dir.path(),
        Duration::from_secs(120),
    );
    let err = ended_with_error(&c);
    assert_eq!(err.matches("wrong password").count(), 1, "{err}");
    assert_eq!(err.matches("KDF budget").count(), 3, "{err}");
    assert_eq!(err.matches("--max-kdf-iterations").count(), 3, "{err}");
    // Raising the flag pays for all four.
    let c = run(
        &[
            "inspect",
            "--password",
            "pass:x",
            "--max-kdf-iterations",
            "40000000",
            "keys.pem",
        ],
        dir.path(),
        Duration::from_secs(300),
    );
    let err = ended_with_error(&c);
    assert_eq!(err.matches("wrong password").count(), 4, "{err}");
}

/// The budget is the input's, not a thread's: in an input large enough to be decoded on
/// several threads (over 64 KiB of PEM), keys in different batches still share it.
#[test]
fn kdf_budget_is_shared_by_decoding_threads() {
    let dir = tempfile::tempdir().unwrap();
    let key = pem(
        "ENCRYPTED PRIVATE KEY",
        &encrypted_key(&pbkdf2_alg(9_000_000)),
    );
    let cert = std::fs::read_to_string(support::root().join("fixtures/certs/leaf.pem")).unwrap();
    let mut text = String::new();
    for _ in 0..4 {
        // 40 certificates (about 80 KiB) between keys: each key in a later, larger batch.
        text.push_str(&cert.repeat(40));
        text.push_str(&key);
    }
    assert!(text.len() > 256 << 10);
    std::fs::write(dir.path().join("mixed.pem"), text).unwrap();
    let c = run(
        &["inspect", "--password", "pass:x", "mixed.pem"],
        dir.path(),
        Duration::from_secs(120),
    );
    let err = ended_with_error(&c);
    assert_eq!(err.matches("wrong password").count(), 1, "{err}");
    assert_eq!(err.matches("KDF budget").count(), 3, "{err}");
}

/// The same budget for PKCS#12: a PFX whose bags together ask for more than the limit opens
/// what fits and refuses the rest, bag by bag (earlier: the whole file was refused).
#[test]
fn pkcs12_bags_share_the_input_budget() {
    let root = support::root();
    let c = run(
        &[
            "inspect",
            "--password",
            "pass:test",
            "--max-kdf-iterations",
            "5000",
            "fixtures/pkcs12/leaf-aes.p12",
        ],
        &root,
        Duration::from_secs(60),
    );
    // MAC 2048 + certificate safe 2048 fit; the key bag's 2048 does not.
    let err = ended_with_error(&c);
    let out = support::stdout(&c.output);
    assert_eq!(out.matches("[in PKCS#12]: certificate").count(), 3, "{out}");
    assert!(err.contains("KDF budget"), "{err}");
    assert!(err.contains("--max-kdf-iterations"), "{err}");
}

/// Issue 12: one RC4 key bag (`-legacy -keypbe PBE-SHA1-RC4-128`) lost the whole file; openssl
/// lists the certificates. Now: three certificates and a key item with an error naming RC4.
#[test]
fn unsupported_bag_loses_only_itself() {
    let root = support::root();
    let c = run(
        &[
            "inspect",
            "-f",
            "json",
            "--password",
            "pass:test",
            "fixtures/pkcs12/leaf-rc4-key.p12",
        ],
        &root,
        Duration::from_secs(60),
    );
    let err = ended_with_error(&c);
    let doc = support::json(&c.output);
    let items = doc["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["certificate", "certificate", "certificate", "private_key"],
        "{err}"
    );
    assert!(items[..3].iter().all(|i| i.get("error").is_none()));
    let key_error = items[3]["error"].as_str().unwrap();
    assert!(key_error.contains("RC4"), "{key_error}");
    assert_eq!(items[3]["bag"]["friendly_name"], "leaf");
}

/// Issue 14 item 5: a PKCS#12 with the NULL password (zero bytes, no terminator) opened as
/// "wrong password" with or without `--password`; openssl and pyca open it.
#[test]
fn null_password_pkcs12_opens_without_a_password() {
    let root = support::root();
    for args in [
        &["inspect", "fixtures/pkcs12/leaf-null-password.p12"][..],
        &[
            "inspect",
            "--password",
            "pass:",
            "fixtures/pkcs12/leaf-null-password.p12",
        ],
    ] {
        let c = run(args, &root, Duration::from_secs(60));
        let out = support::stdout(&c.output);
        let err = support::stderr(&c.output);
        assert_eq!(c.output.status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(out.matches("[in PKCS#12]: certificate").count(), 3, "{out}");
        assert_eq!(out.matches("[in PKCS#12]: private key").count(), 1, "{out}");
    }
}

/// Issue 14 item 5: "wrong password" is never said when none was given.
#[test]
fn no_password_given_is_not_a_wrong_password() {
    let root = support::root();
    let c = run(
        &["inspect", "fixtures/pkcs12/leaf-aes.p12"],
        &root,
        Duration::from_secs(60),
    );
    let err = ended_with_error(&c);
    assert!(!err.contains("wrong password"), "{err}");
    assert!(err.contains("--password"), "{err}");
    assert!(
        err.starts_with("certscope: fixtures/pkcs12/leaf-aes.p12: "),
        "{err}"
    );
}

/// Issue 12: one malformed element of a PKCS#7 lost all of them. The first certificate's
/// TBSCertificate length is made to overrun the certificate: the other certificates and the
/// CRL are still listed, and the broken one is an item with an error.
#[test]
fn malformed_pkcs7_element_loses_only_itself() {
    let mut data = std::fs::read(support::root().join("fixtures/pkcs7/chain-crl.p7b.der")).unwrap();
    // Certificate SEQUENCE (30 82 LL LL) directly followed by its TBSCertificate (30 82 ..)
    // and version [0] (a0 03 02 01 02).
    let at = data
        .windows(13)
        .position(|w| {
            w[0] == 0x30
                && w[1] == 0x82
                && w[4] == 0x30
                && w[5] == 0x82
                && w[8..] == [0xa0, 3, 2, 1, 2]
        })
        .expect("a certificate");
    let tbs_len = usize::from(data[at + 6]) << 8 | usize::from(data[at + 7]);
    let new_len = tbs_len + 0x100;
    data[at + 6] = (new_len >> 8) as u8;
    data[at + 7] = new_len as u8;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.p7b"), &data).unwrap();
    let c = run(
        &["inspect", "-f", "json", "bad.p7b"],
        dir.path(),
        Duration::from_secs(30),
    );
    let err = ended_with_error(&c);
    let doc = support::json(&c.output);
    let items = doc["items"].as_array().unwrap();
    let good = std::fs::read(support::root().join("fixtures/pkcs7/chain-crl.p7b.der")).unwrap();
    std::fs::write(dir.path().join("good.p7b"), &good).unwrap();
    let all = run(
        &["inspect", "-f", "json", "good.p7b"],
        dir.path(),
        Duration::from_secs(30),
    );
    let want = support::json(&all.output)["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(want >= 3, "{want}");
    assert_eq!(items.len(), want, "{err}");
    let broken: Vec<_> = items.iter().filter(|i| i.get("error").is_some()).collect();
    assert_eq!(broken.len(), 1, "{err}");
    assert_eq!(broken[0]["kind"], "certificate");
}

/// Issue 12: memory-heavy derivations run one at a time in the process. Four small inputs
/// under `-r` (encrypted PKCS#8 keys and PKCS#12 safes, scrypt N=2^19 r=8: 512 MiB each, the
/// limit raised to allow one) are decoded on every core; two derivations at once need over
/// 1 GiB and abort under the cap (checked by removing the gate in `decode/kdf.rs`), one at a
/// time each ends as a wrong password.
#[test]
fn memory_heavy_derivations_run_one_at_a_time_across_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let alg = scrypt_alg(1 << 19, 8, 1);
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    for i in 0..2 {
        let key = pem("ENCRYPTED PRIVATE KEY", &encrypted_key(&alg));
        std::fs::write(inputs.join(format!("key{i}.pem")), key).unwrap();
        std::fs::write(
            inputs.join(format!("safe{i}.p12")),
            pfx_encrypted_safe(&alg),
        )
        .unwrap();
    }
    let c = run(
        &[
            "inspect",
            "-r",
            "--password",
            "pass:x",
            "--max-kdf-memory",
            "512",
            "inputs",
        ],
        dir.path(),
        Duration::from_secs(300),
    );
    let err = ended_with_error(&c);
    assert!(!err.contains("--max-kdf-memory"), "{err}");
    for i in 0..2 {
        for name in [format!("inputs/key{i}.pem"), format!("inputs/safe{i}.p12")] {
            assert!(err.contains(&format!("certscope: {name}")), "{name}: {err}");
        }
    }
}
