//! Every single-certificate fixture's SHA-1/SHA-256 equals what `openssl x509 -fingerprint`
//! printed when the fixtures were generated (fixtures/openssl-fingerprints.txt).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use support::{run, stdout};

#[test]
fn matches_openssl() {
    let table = std::fs::read_to_string(support::root().join("fixtures/openssl-fingerprints.txt"))
        .expect("fixtures/openssl-fingerprints.txt must exist");
    let mut checked = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "bad line {line:?}");
        let path = format!("fixtures/{}", cols[0]);
        for (hash, want) in [("sha1", cols[1]), ("sha256", cols[2])] {
            let o = run(&["fingerprint", "--hash", hash, &path]);
            assert!(o.status.success(), "{path}: {o:?}");
            let out = stdout(&o);
            let first = out.lines().next().unwrap_or_default();
            let mut fields = first.split_whitespace();
            assert_eq!(fields.next(), Some(hash), "{path}: {first}");
            assert_eq!(fields.next(), Some(want), "{path} {hash}");
            checked += 1;
        }
    }
    assert!(checked >= 16, "only {checked} fingerprints checked");
}
