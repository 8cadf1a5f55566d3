//! NSS databases through NSS's own softoken (`--nss-db DIR`, `--init-args`): a database made
//! by `certutil` in a temp dir, its certificates listed with the trust flags `certutil -L`
//! shows for them. Real module, real tool; skipped (or failed under
//! `CERTSCOPE_REQUIRE_SOFTHSM=1`) when libnss3-tools is missing.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use sha2::Digest;
use support::{json, ok, stderr, stdout};

fn certutil(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("certutil")
        .arg("-d")
        .arg(format!("sql:{}", dir.display()))
        .args(args)
        .output()
        .expect("run certutil");
    assert!(o.status.success(), "certutil {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// A database with three certificates and three kinds of trust, as `certutil -A -t` sets it.
fn make_db(dir: &Path) {
    certutil(dir, &["-N", "--empty-password"]);
    let fixtures = support::softhsm::fixtures_dir();
    for (name, file, trust) in [
        ("Test Root", "root-ca.pem", "CT,C,c"),
        ("inter", "intermediate-ca.pem", "c,p,"),
        ("leaf", "leaf.pem", "P,,"),
    ] {
        let path = fixtures.join(file);
        certutil(
            dir,
            &[
                "-A",
                "-n",
                name,
                "-t",
                trust,
                "-a",
                "-i",
                path.to_str().unwrap(),
            ],
        );
    }
}

/// `certutil -L`: nickname → trust flags.
fn certutil_trust(dir: &Path) -> BTreeMap<String, String> {
    certutil(dir, &["-L"])
        .lines()
        .skip(3)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, flags) = l.trim_end().rsplit_once(char::is_whitespace).unwrap();
            (name.trim().to_string(), flags.to_string())
        })
        .collect()
}

#[test]
fn nss_db_certificates_with_certutil_trust() {
    let mut missing = Vec::new();
    support::softhsm::tool("certutil", &mut missing);
    if !std::path::Path::new("/usr/lib/x86_64-linux-gnu/libsoftokn3.so").exists()
        && !std::path::Path::new("/usr/lib64/libsoftokn3.so").exists()
    {
        missing.push("libsoftokn3.so (libnss3)".to_string());
    }
    if !support::softhsm::check_tools("nss_db_certificates_with_certutil_trust", &missing) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_db(dir.path());
    let expected = certutil_trust(dir.path());
    assert_eq!(expected.len(), 3, "{expected:?}");

    let o = support::certscope()
        .args(["token", "list", "--type", "cert", "-f", "json", "--nss-db"])
        .arg(dir.path())
        .output()
        .unwrap();
    ok(&o);
    let v = json(&o);
    let got: BTreeMap<String, String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["source"]["label"].as_str().unwrap().to_string(),
                i["token"]["nss_trust"]["certutil"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no trust: {i}"))
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected, "{v}");
    let root = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source"]["label"] == "Test Root")
        .unwrap();
    assert_eq!(
        root["token"]["nss_trust"]["server_auth"],
        "trusted_delegator"
    );
    assert_eq!(
        root["token"]["nss_trust"]["code_signing"],
        "valid_delegator"
    );

    // Text: the flags beside the certificate.
    let o = support::certscope()
        .args(["token", "list", "--type", "cert", "--nss-db"])
        .arg(dir.path())
        .output()
        .unwrap();
    ok(&o);
    assert!(stdout(&o).contains("NSS trust:    CT,C,c (server_auth trusted_delegator"));

    // The same module and string by hand: --module and --init-args.
    let args = format!(
        "configdir='sql:{}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly",
        dir.path().display()
    );
    let module = [
        "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
        "/usr/lib64/libsoftokn3.so",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .unwrap();
    let o = support::certscope()
        .args([
            "token", "list", "--type", "cert", "-f", "json", "--module", module,
        ])
        .args(["--init-args", &args])
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(json(&o)["items"].as_array().unwrap().len(), 3);

    // A pkcs11: INPUT of inspect/fingerprint takes the same --module and --init-args.
    let o = support::certscope()
        .args(["fingerprint", "--module", module, "--init-args", &args])
        .arg("pkcs11:token=NSS%20Certificate%20DB;object=leaf;type=cert")
        .output()
        .unwrap();
    ok(&o);
    let leaf = std::fs::read_to_string(support::softhsm::fixtures_dir().join("leaf.pem")).unwrap();
    let der = support::softhsm::pem_decode(&leaf).unwrap();
    let want = hex::encode_upper(sha2::Sha256::digest(&der));
    assert!(
        stdout(&o).replace(':', "").contains(&want),
        "{}",
        stdout(&o)
    );

    // Trust objects are in the attribute dump by name.
    let o = support::certscope()
        .args(["token", "dump", "--nss-db"])
        .arg(dir.path())
        .output()
        .unwrap();
    ok(&o);
    assert!(
        stdout(&o).contains("CKA_CLASS (0x0): CKO_NSS_TRUST"),
        "{}",
        stdout(&o)
    );

    // Not a directory: a clear error.
    let o = support::certscope()
        .args(["token", "list", "--nss-db", "/no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a directory"), "{}", stderr(&o));
}
