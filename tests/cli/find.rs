//! `certscope find`: filters across files, exit 1 when nothing matches.

use crate::support;

use support::{run, stdout};

fn found(args: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut all = vec!["find", "--format", "json"];
    all.extend_from_slice(args);
    let o = run(&all);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}#{}",
                i["source"]["path"].as_str().unwrap(),
                i["source"]["index"]
            )
        })
        .collect();
    (o.status.code(), items)
}

#[test]
fn thumbprint_across_a_directory() {
    let table =
        std::fs::read_to_string(support::root().join("fixtures/openssl-fingerprints.txt")).unwrap();
    let line = table
        .lines()
        .find(|l| l.starts_with("certs/root-ca.pem\t"))
        .unwrap();
    let sha1 = line.split('\t').nth(1).unwrap();
    let (code, items) = found(&[
        "--thumbprint",
        &format!("sha1:{sha1}"),
        "-r",
        "fixtures/certs",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(
        items,
        vec![
            "fixtures/certs/root-ca.der#0",
            "fixtures/certs/root-ca.pem#0",
            "fixtures/certs/trusted-root.pem#0"
        ]
    );
}

#[test]
fn subject_issuer_serial_san_and_pin() {
    let (_, items) = found(&[
        "--subject",
        "C = US, O = Certscope Test, CN = Certscope Test Root CA",
        "-r",
        "fixtures/certs",
    ]);
    assert_eq!(items.len(), 3);
    let (_, items) = found(&[
        "--issuer",
        "/C=US/O=Certscope Test/CN=Certscope Test Intermediate CA",
        "fixtures/bundles/mixed.pem",
    ]);
    assert_eq!(
        items,
        vec![
            "fixtures/bundles/mixed.pem#0",
            "fixtures/bundles/mixed.pem#4"
        ],
        "the leaf and the CRL"
    );
    let (_, items) = found(&[
        "--serial",
        "0x1000",
        "--san",
        "foo.example.com",
        "fixtures/bundles/chain.pem",
    ]);
    assert_eq!(items, vec!["fixtures/bundles/chain.pem#0"]);
    let pin = run(&[
        "fingerprint",
        "--spki",
        "--encoding",
        "base64",
        "fixtures/certs/leaf.pem",
    ]);
    let pin = stdout(&pin).split_whitespace().nth(1).unwrap().to_string();
    let (_, items) = found(&[
        "--spki-sha256",
        &format!("sha256//{pin}"),
        "fixtures/bundles/mixed.pem",
    ]);
    assert_eq!(
        items,
        vec![
            "fixtures/bundles/mixed.pem#0",
            "fixtures/bundles/mixed.pem#1",
            "fixtures/bundles/mixed.pem#3"
        ],
        "certificate, private key and CSR share the key"
    );
}

#[test]
fn nothing_found_is_exit_1_and_silent_text() {
    let o = run(&["find", "--serial", "abcdef", "fixtures/certs/leaf.pem"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let (code, items) = found(&["--serial", "abcdef", "fixtures/certs/leaf.pem"]);
    assert_eq!(code, Some(1));
    assert!(items.is_empty());
}

#[test]
fn numbers_are_run_wide() {
    let o = run(&[
        "find",
        "-f",
        "json",
        "--subject",
        "CN=Certscope Test Root CA,O=Certscope Test,C=US",
        "fixtures/certs/leaf.pem",
        "fixtures/bundles/chain.pem",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["items"][0]["number"], 3);
}

#[test]
fn bad_filter_values_are_usage_errors() {
    for args in [
        &["find", "--thumbprint", "abcd", "x"][..],
        &["find", "--spki-sha256", "abcd", "x"],
        &["find", "--serial", "zz", "x"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}

/// Issue 14 item 1: a name with big-arc attribute types (2.25.<uuid>, an arc of 2^64 - 1,
/// 2.999.7, 2.51.1) is found by the name certscope prints, by openssl's RFC 2253 form
/// (unknown types as `#hex`, upper case) and with the string values written as text.
#[test]
fn subject_with_big_arc_attribute_types() {
    let uuid = "2.25.329800735698586629295641978511506172918";
    let u64max = "1.3.6.1.4.1.18446744073709551615";
    let want: Vec<String> = vec![
        "fixtures/oids/big-arcs-subject.csr#0".into(),
        "fixtures/oids/big-arcs-subject.pem#0".into(),
    ];
    let openssl = format!(
        "2.51.1=#0C03677331,2.999.7=#0C076578616D706C65,{u64max}=#0C0C7536346D61782076616C7565,\
         {uuid}=#0C0A757569642076616C7565,CN=big arcs"
    );
    let text =
        format!("2.51.1=gs1,2.999.7=example,{u64max}=u64max value,{uuid}=uuid value,CN=big arcs");
    let slashes =
        format!("/CN=big arcs/{uuid}=uuid value/{u64max}=u64max value/2.999.7=example/2.51.1=gs1");
    for query in [&openssl, &text, &slashes] {
        let (code, items) = found(&["--subject", query, "-r", "fixtures/oids"]);
        assert_eq!((code, &items), (Some(0), &want), "{query}");
    }
    let (code, items) = found(&["--issuer", &openssl, "-r", "fixtures/oids"]);
    assert_eq!((code, items), (Some(0), vec![want[1].clone()]));
    // A different arc is a different attribute: no match.
    let (code, _) = found(&[
        "--subject",
        &text.replace("2.999.7=", "2.999.8="),
        "-r",
        "fixtures/oids",
    ]);
    assert_eq!(code, Some(1));
}
