//! Every single-certificate fixture's SHA-1/SHA-256 equals what `openssl x509 -fingerprint`
//! printed when the fixtures were generated (fixtures/openssl-fingerprints.txt).

use crate::support;

use support::{run, stderr, stdout};

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

/// A private key is never hashed, but `fingerprint` says so instead of printing nothing
/// (issue 14 item 12), and `--spki` gives the pin its certificate shares.
#[test]
fn private_key_gets_a_note_not_silence() {
    let o = run(&["fingerprint", "fixtures/keys/p256.pem"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("fixtures/keys/p256.pem (line 1): note: a private key")
            && err.contains("--spki"),
        "{err}"
    );
    let key = stdout(&run(&["fingerprint", "--spki", "fixtures/keys/p256.pem"]));
    let cert = stdout(&run(&["fingerprint", "--spki", "fixtures/certs/leaf.pem"]));
    let digest = |s: &str| s.split_whitespace().nth(1).unwrap_or_default().to_string();
    assert!(!digest(&key).is_empty());
    assert_eq!(digest(&key), digest(&cert));
}
