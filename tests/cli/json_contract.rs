//! The JSON field names promised in docs/json.md, checked by deserializing real output into
//! structs that carry exactly those names.

use crate::support;

use serde::Deserialize;
use support::run;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    certscope: String,
    items: Vec<Item>,
    errors: Vec<ErrorEntry>,
}

#[derive(Deserialize)]
struct ErrorEntry {
    source: String,
    message: String,
}

#[derive(Deserialize)]
struct Source {
    path: String,
    index: usize,
    line: Option<usize>,
    container: Option<String>,
}

#[derive(Deserialize)]
struct PublicKey {
    algorithm: String,
    bits: Option<u32>,
    curve: Option<String>,
}

#[derive(Deserialize)]
struct Fingerprints {
    sha1: String,
    sha256: String,
}

#[derive(Deserialize)]
struct Item {
    kind: String,
    source: Source,
    pem_label: Option<String>,
    fingerprints: Option<Fingerprints>,
    spki_sha256: Option<String>,
    pem: Option<String>,
    error: Option<String>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

fn doc(args: &[&str]) -> Doc {
    let o = run(args);
    serde_json::from_slice(&o.stdout).expect("valid JSON document")
}

#[test]
fn certificate_fields() {
    let d = doc(&["inspect", "--format", "json", "fixtures/certs/leaf.pem"]);
    assert_eq!(d.certscope, env!("CARGO_PKG_VERSION"));
    assert!(d.errors.is_empty());
    let it = &d.items[0];
    assert_eq!(it.kind, "certificate");
    assert_eq!(it.source.path, "fixtures/certs/leaf.pem");
    assert_eq!(it.source.index, 0);
    assert_eq!(it.source.line, Some(1));
    assert_eq!(it.source.container, None);
    assert_eq!(it.pem_label.as_deref(), Some("CERTIFICATE"));
    let fp = it.fingerprints.as_ref().unwrap();
    assert_eq!(fp.sha1.len(), 40);
    assert_eq!(fp.sha256.len(), 64);
    assert_eq!(it.spki_sha256.as_ref().unwrap().len(), 64);
    assert!(it
        .pem
        .as_ref()
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(it.error.is_none());
    for field in [
        "version",
        "serial",
        "serial_decimal",
        "subject_key_id",
        "authority_key_id",
        "subject",
        "issuer",
        "not_before",
        "not_after",
        "signature_algorithm",
        "public_key",
        "extensions",
        "self_signed",
    ] {
        assert!(it.rest.contains_key(field), "missing {field}");
    }
    assert_eq!(it.rest["serial"], "1000");
    assert_eq!(it.rest["serial_decimal"], "4096");
    assert_eq!(it.rest["not_before"], "2020-01-01T00:00:00Z");
    let pk: PublicKey = serde_json::from_value(it.rest["public_key"].clone()).unwrap();
    assert_eq!(
        (pk.algorithm.as_str(), pk.bits, pk.curve.as_deref()),
        ("ec", Some(256), Some("P-256"))
    );
    let ext = &it.rest["extensions"][0];
    for f in ["oid", "name", "critical", "value"] {
        assert!(ext.get(f).is_some(), "extension lacks {f}");
    }
}

#[test]
fn private_keys_have_no_thumbprint_or_pem() {
    let d = doc(&["inspect", "--format", "json", "fixtures/keys/p256.pem"]);
    let it = &d.items[0];
    assert_eq!(it.kind, "private_key");
    assert!(it.fingerprints.is_none());
    assert!(it.pem.is_none());
    assert_eq!(it.rest["format"], "pkcs8");
    assert_eq!(it.rest["encrypted"], false);
    // The key's pin equals its certificate's.
    let c = doc(&["inspect", "--format", "json", "fixtures/certs/leaf.pem"]);
    assert_eq!(it.spki_sha256, c.items[0].spki_sha256);
}

#[test]
fn crl_and_csr_fields() {
    let d = doc(&[
        "inspect",
        "--format",
        "json",
        "fixtures/crl/intermediate.crl",
    ]);
    let it = &d.items[0];
    assert_eq!(it.kind, "crl");
    for f in [
        "issuer",
        "this_update",
        "next_update",
        "crl_number",
        "revoked_count",
        "revoked",
    ] {
        assert!(it.rest.contains_key(f), "missing {f}");
    }
    let r = &it.rest["revoked"][0];
    for f in ["serial", "revocation_date", "reason"] {
        assert!(r.get(f).is_some(), "revoked entry lacks {f}");
    }
    let d = doc(&["inspect", "--format", "json", "fixtures/csr/leaf.csr"]);
    let it = &d.items[0];
    assert_eq!(it.kind, "csr");
    for f in [
        "subject",
        "public_key",
        "signature_algorithm",
        "extensions",
        "attributes",
    ] {
        assert!(it.rest.contains_key(f), "missing {f}");
    }
}

#[test]
fn containers_are_named() {
    let d = doc(&["inspect", "--format", "json", "fixtures/pkcs7/chain.p7b"]);
    assert!(d
        .items
        .iter()
        .all(|i| i.source.container.as_deref() == Some("pkcs7")));
    let d = doc(&[
        "inspect",
        "--format",
        "json",
        "--password",
        "pass:test",
        "fixtures/pkcs12/leaf-aes.p12",
    ]);
    assert!(d
        .items
        .iter()
        .all(|i| i.source.container.as_deref() == Some("pkcs12")));
    assert!(d.items.iter().any(|i| i.kind == "private_key"));
}

#[test]
fn errors_are_listed() {
    let d = doc(&[
        "inspect",
        "--format",
        "json",
        "fixtures/damaged/truncated-then-good.pem",
    ]);
    assert_eq!(d.items.len(), 2);
    assert!(d.items[0].error.is_some());
    assert!(d.items[1].error.is_none());
    assert_eq!(d.errors.len(), 1);
    assert!(d.errors[0].source.contains("truncated-then-good.pem"));
    assert!(d.errors[0].message.contains("BEGIN without END"));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationEntry {
    kind: String,
    item: usize,
    signature: Option<String>,
}

/// `number` and `relations` (docs/relations.md): items numbered across the run, relations
/// naming the other item by that number.
#[test]
fn numbers_and_relations() {
    let d = doc(&[
        "inspect",
        "--format",
        "json",
        "fixtures/bundles/mixed.pem",
        "fixtures/certs/intermediate-ca.pem",
    ]);
    for (n, it) in d.items.iter().enumerate() {
        assert_eq!(it.rest["number"], n);
    }
    let rels = |n: usize| -> Vec<RelationEntry> {
        serde_json::from_value(d.items[n].rest["relations"].clone()).unwrap()
    };
    let leaf = rels(0);
    assert_eq!(leaf.len(), 1);
    assert_eq!((leaf[0].kind.as_str(), leaf[0].item), ("issued_by", 7));
    assert_eq!(leaf[0].signature.as_deref(), Some("verified"));
    let key: Vec<(String, usize)> = rels(1).into_iter().map(|r| (r.kind, r.item)).collect();
    assert_eq!(
        key,
        vec![("key_of".to_string(), 0), ("key_of".to_string(), 3)]
    );
    assert_eq!(rels(3)[0].kind, "csr_of");
    assert_eq!(
        rels(4)[0].kind,
        "issued_by",
        "the CRL is issued by the intermediate"
    );
    assert!(rels(7).is_empty());
    let o = run(&[
        "inspect",
        "--no-relations",
        "--format",
        "json",
        "fixtures/bundles/mixed.pem",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["items"][0].get("relations").is_none());
    assert_eq!(v["items"][6]["number"], 6);
}
