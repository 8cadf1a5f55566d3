//! Issue 14 items 8, 10 and 12 through the CLI, over fixtures/keyfmt/ (made by
//! scripts/gen-key-fixtures.sh): public halves derived from private keys (compared with
//! `openssl pkey -pubout`), mislabelled PEM read by content, RSA-PSS parameters shown.

use crate::support;

use serde_json::Value;
use sha2::{Digest, Sha256};
use support::{json, run};

fn items(path: &str) -> Vec<Value> {
    let o = run(&["inspect", "--format", "json", path]);
    json(&o)["items"].as_array().unwrap().clone()
}

fn first(path: &str) -> Value {
    items(path).into_iter().next().unwrap()
}

fn warnings(item: &Value) -> Vec<String> {
    item["warnings"]
        .as_array()
        .map(|w| w.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Private keys whose public half certscope derives, each beside openssl's `-pub.pem`.
const DERIVED: &[&str] = &[
    "ed448",
    "x25519",
    "x448",
    "dsa-pkcs8",
    "p256-nopub-sec1",
    "p384-nopub-sec1",
    "p521-nopub-sec1",
    "p256-explicit-nopub",
    "rsa-pss-restricted",
];

/// PKCS#8 keys without the point, whose reference SPKI is the SEC1 twin's (same curve, a
/// different key, so compared with openssl live only).
const DERIVED_PKCS8_EC: &[&str] = &["p256-nopub-pkcs8", "p384-nopub-pkcs8", "p521-nopub-pkcs8"];

fn openssl_available() -> bool {
    std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// SHA-256 of `openssl pkey -pubout -outform DER` of a fixture, lower hex.
fn openssl_spki_sha256(path: &str) -> String {
    let o = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in", path])
        .current_dir(support::root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    hex::encode(Sha256::digest(&o.stdout))
}

#[test]
fn private_keys_get_the_public_half_openssl_derives() {
    for name in DERIVED {
        let key = first(&format!("fixtures/keyfmt/{name}.pem"));
        let public = first(&format!("fixtures/keyfmt/{name}-pub.pem"));
        assert_eq!(
            key["spki_sha256"],
            public["spki_sha256"],
            "{name}: derived SPKI differs from openssl's; warnings {:?}",
            warnings(&key)
        );
        assert!(
            key["spki_sha256"].is_string(),
            "{name}: no pin: {:?}",
            warnings(&key)
        );
        assert_eq!(key["public_key"], public["public_key"], "{name}");
    }
    if !openssl_available() {
        eprintln!("openssl not found: live comparison skipped");
        return;
    }
    for name in DERIVED.iter().chain(DERIVED_PKCS8_EC) {
        let path = format!("fixtures/keyfmt/{name}.pem");
        let key = first(&path);
        assert_eq!(
            key["spki_sha256"].as_str(),
            Some(openssl_spki_sha256(&path).as_str()),
            "{name}"
        );
    }
}

#[test]
fn a_derived_key_relates_to_its_certificate() {
    // The PSS-restricted key signed its own certificate: the pins match, so they relate.
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "fixtures/keyfmt/rsa-pss-restricted.pem",
        "fixtures/keyfmt/pss-restricted-self.pem",
    ]);
    let doc = json(&o);
    let rel = &doc["items"][0]["relations"];
    assert_eq!(rel[0]["kind"], "key_of", "{rel}");
}

#[test]
fn mislabelled_keys_are_read_by_content_with_a_warning() {
    for (name, label, content, kind) in [
        (
            "spki-as-rsa-public-key",
            "RSA PUBLIC KEY",
            "a SubjectPublicKeyInfo",
            "public_key",
        ),
        (
            "pkcs1-as-public-key",
            "PUBLIC KEY",
            "a PKCS#1 RSA public key",
            "public_key",
        ),
        (
            "pkcs8-as-rsa-private-key",
            "RSA PRIVATE KEY",
            "a PKCS#8 private key",
            "private_key",
        ),
        (
            "sec1-as-private-key",
            "PRIVATE KEY",
            "a SEC1 EC private key",
            "private_key",
        ),
    ] {
        let item = first(&format!("fixtures/keyfmt/{name}.pem"));
        assert_eq!(item["kind"], kind, "{name}: {item}");
        assert!(item.get("error").is_none(), "{name}: {item}");
        assert!(item["spki_sha256"].is_string(), "{name}: {item}");
        let want = format!("the PEM label says {label} but the content is {content}");
        assert!(
            warnings(&item).iter().any(|w| w.starts_with(&want)),
            "{name}: {:?}",
            warnings(&item)
        );
    }
}

#[test]
fn ec_key_with_unused_bits_is_read_with_a_warning() {
    let item = first("fixtures/keyfmt/ec-spki-unused-bits.pem");
    assert_eq!(item["public_key"]["curve"], "P-256");
    assert!(
        warnings(&item)
            .iter()
            .any(|w| w.contains("declares 3 unused bits")),
        "{item}"
    );
}

fn pss(hash: &str, mgf: &str, salt: u64) -> Value {
    serde_json::json!({
        "hash": hash,
        "mask_generation": mgf,
        "salt_length": salt,
        "trailer_field": 1,
    })
}

#[test]
fn rsa_pss_signature_parameters_are_shown() {
    for (name, want) in [
        ("pss-sha1", pss("SHA-1", "MGF1 with SHA-1", 20)),
        ("pss-sha256", pss("SHA-256", "MGF1 with SHA-256", 32)),
        ("pss-sha512-salt64", pss("SHA-512", "MGF1 with SHA-512", 64)),
    ] {
        let item = first(&format!("fixtures/keyfmt/{name}.pem"));
        assert_eq!(item["signature_algorithm"], "rsassaPss", "{name}");
        assert_eq!(item["signature_pss"], want, "{name}");
    }
    let o = run(&["inspect", "fixtures/keyfmt/pss-sha1.pem"]);
    let text = support::stdout(&o);
    assert!(
        text.contains("rsassaPss (SHA-1, MGF1 with SHA-1, salt 20, trailer 0xBC)"),
        "{text}"
    );
    // Not PSS: no field.
    let item = first("fixtures/keyfmt/sigalg-mismatch.pem");
    assert!(item.get("signature_pss").is_none(), "{item}");
}

#[test]
fn pss_restricted_keys_show_their_restrictions() {
    let want = pss("SHA-384", "MGF1 with SHA-384", 48);
    for path in [
        "fixtures/keyfmt/rsa-pss-restricted.pem",
        "fixtures/keyfmt/rsa-pss-restricted-pub.pem",
    ] {
        let item = first(path);
        assert_eq!(item["public_key"]["algorithm"], "rsa-pss", "{path}");
        assert_eq!(item["public_key"]["pss"], want, "{path}");
    }
    let item = first("fixtures/keyfmt/pss-restricted-self.pem");
    assert_eq!(item["public_key"]["pss"], want);
    let o = run(&["inspect", "fixtures/keyfmt/rsa-pss-restricted-pub.pem"]);
    assert!(
        support::stdout(&o).contains(
            "RSA-PSS (2048 bits), restricted to SHA-384, MGF1 with SHA-384, salt at least 48"
        ),
        "{}",
        support::stdout(&o)
    );
}

#[test]
fn inner_and_outer_signature_algorithms_that_differ_are_shown() {
    let item = first("fixtures/keyfmt/sigalg-mismatch.pem");
    assert_eq!(item["signature_algorithm"], "sha384WithRSAEncryption");
    assert_eq!(item["inner_signature_algorithm"], "sha256WithRSAEncryption");
    assert!(
        warnings(&item).iter().any(|w| w.contains(
            "the signature algorithm inside the signed part (sha256WithRSAEncryption) differs \
             from the outer one (sha384WithRSAEncryption)"
        )),
        "{item}"
    );
    let item = first("fixtures/keyfmt/pss-sha256.pem");
    assert!(item.get("inner_signature_algorithm").is_none());
}

/// Legacy encrypted PEM keys (fixtures/legacy-pem/, scripts/gen-legacy-pem.sh), decrypted
/// with `--password`: the key is openssl's (`openssl pkey -passin -pubout` is each
/// NAME-pub.pem) for AES-128/192/256-CBC and DES-EDE3-CBC.
#[test]
fn legacy_pem_keys_are_decrypted_with_the_password() {
    for name in ["rsa-aes128", "rsa-aes192", "rsa-des3", "p256-aes256"] {
        let path = format!("fixtures/legacy-pem/{name}.pem");
        let o = run(&[
            "inspect",
            "--format",
            "json",
            "--password",
            "pass:legacy-pass",
            &path,
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let key = json(&o)["items"][0].clone();
        assert_eq!(key["format"], "legacy-encrypted", "{name}: {key}");
        assert_eq!(key["encrypted"], true, "{name}");
        assert_eq!(key["decrypted"], true, "{name}: {key}");
        let public = first(&format!("fixtures/legacy-pem/{name}-pub.pem"));
        assert!(public["spki_sha256"].is_string(), "{name}");
        assert_eq!(key["spki_sha256"], public["spki_sha256"], "{name}");
    }
    // A GLOB=SPEC rule serves the files it matches.
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "--password",
        "*legacy-pem/*=pass:legacy-pass",
        "fixtures/legacy-pem/rsa-des3.pem",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["items"][0]["decrypted"], true);
}

/// A wrong password is the key's error (exit 2), not a silently undecrypted key.
#[test]
fn legacy_pem_key_with_a_wrong_password_is_an_error() {
    for name in ["rsa-aes128", "p256-aes256", "rsa-des3"] {
        let path = format!("fixtures/legacy-pem/{name}.pem");
        let o = run(&["inspect", "--password", "pass:nope", &path]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = support::stderr(&o);
        assert!(err.contains("wrong password"), "{name}: {err}");
    }
    // Without a password (and no terminal to ask at) it is described, still encrypted.
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "fixtures/legacy-pem/rsa-aes128.pem",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let key = json(&o)["items"][0].clone();
    assert_eq!(key["encrypted"], true);
    assert_ne!(key["decrypted"], true);
    assert_eq!(
        key["encryption"],
        "AES-128-CBC (OpenSSL EVP_BytesToKey, MD5)"
    );
}
