//! The full decode's per-thread cache (issue 18, cache18) keyed by an extension's bytes: an
//! attacker who sends certificates whose extensions look like a cached one (same OID, same
//! criticality, same length, same bytes but the last) gets each certificate's own answer.

use std::time::Duration;

use crate::support;

/// `leaf.der` with its authorityKeyIdentifier's last key id octet set to `last`.
fn with_aki_ending(der: &[u8], last: u8) -> Vec<u8> {
    // OID 2.5.29.35, OCTET STRING (24) { SEQUENCE (22) { [0] (20) keyIdentifier } }
    let head = [
        0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14,
    ];
    let at = der.windows(head.len()).position(|w| w == head).unwrap() + head.len();
    let mut out = der.to_vec();
    out[at + 19] = last;
    out
}

#[test]
fn a_near_copy_of_a_cached_extension_gets_its_own_answer() {
    let der = std::fs::read(support::root().join("fixtures/certs/leaf.der")).unwrap();
    let lasts = [0x00u8, 0x01, 0x00, 0x80, 0xff, 0x01];
    let mut input = String::new();
    for &last in &lasts {
        let b64 = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            with_aki_ending(&der, last),
        );
        input.push_str("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            input.push_str(std::str::from_utf8(chunk).unwrap());
            input.push('\n');
        }
        input.push_str("-----END CERTIFICATE-----\n");
    }
    let args = ["inspect", "-f", "jsonl", "--no-relations", "-"].map(std::ffi::OsStr::new);
    let r = support::run_capped(&args, Some(input.as_bytes()), None, Duration::from_secs(60));
    assert!(!r.timed_out && r.output.status.success(), "{:?}", r.output);
    let stdout = String::from_utf8(r.output.stdout).unwrap();
    let items: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "item")
        .collect();
    assert_eq!(items.len(), lasts.len());
    for (item, last) in items.iter().zip(lasts) {
        let aki = item["authority_key_id"].as_str().unwrap();
        assert!(
            aki.ends_with(&format!("{last:02x}")),
            "{aki} for {last:02x}"
        );
        let ext = item["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["oid"] == "2.5.29.35")
            .unwrap();
        assert_eq!(ext["value"]["key_id"], aki);
    }
}
