//! `certscope token ...` against real modules: a SoftHSM 2 token made per test (each test
//! body runs in a child process with its own `SOFTHSM2_CONF`, see support/softhsm.rs), the
//! real certscope binary, OpenSC's pkcs11-spy to count calls. No mocks.
//!
//! Missing SoftHSM/OpenSC skips these tests with a message, or fails them under
//! `CERTSCOPE_REQUIRE_SOFTHSM=1` (set by scripts/test.sh and CI).

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::softhsm::{
    self as harness, populate, spy_test, token_test, Contents, EC_KEY, PRIVATE_CERT_LABEL, RSA_KEY,
    USER_PIN,
};
use support::{json, ok, stderr, stdout};

const TOKEN: &str = "certscope";

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().unwrap().clone()
}

fn labels(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|i| {
            i["source"]["label"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn fixture_labels() -> BTreeSet<String> {
    harness::fixture_certs()
        .into_iter()
        .map(|c| c.label)
        .collect()
}

#[test]
fn slots_text_and_json() {
    token_test("slots_text_and_json", &[TOKEN], |ctx| {
        let o = ctx.token("slots", &["--format", "json"]);
        ok(&o);
        let v = json(&o);
        assert_eq!(v["module"]["manufacturer"], "SoftHSM");
        assert_eq!(v["module"]["description"], "Implementation of PKCS11");
        let slots = v["slots"].as_array().unwrap();
        // The initialised token and the free slot SoftHSM always adds.
        assert_eq!(slots.len(), 2, "{v}");
        let ours = slots
            .iter()
            .find(|s| s["token"]["label"] == TOKEN)
            .expect("our token");
        for key in ["id", "description", "manufacturer", "flags", "token"] {
            assert!(ours.get(key).is_some(), "slot lacks {key}: {ours}");
        }
        let token = &ours["token"];
        for key in ["label", "manufacturer", "model", "serial", "flags"] {
            assert!(token.get(key).is_some(), "token lacks {key}: {token}");
        }
        assert_eq!(token["manufacturer"], "SoftHSM project");
        assert_eq!(token["model"], "SoftHSM v2");
        assert_eq!(token["serial"].as_str().unwrap().len(), 16);
        let flags: Vec<&str> = token["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        for f in [
            "login_required",
            "token_initialized",
            "user_pin_initialized",
        ] {
            assert!(flags.contains(&f), "{flags:?}");
        }
        assert!(ours["flags"]
            .as_array()
            .unwrap()
            .contains(&"token_present".into()));
        // SoftHSM reports no memory figures: null, not a made-up number.
        assert!(token["free_public_memory"].is_null());
        let free = slots.iter().find(|s| s["token"]["label"] == "").unwrap();
        assert!(!free["token"]["flags"]
            .as_array()
            .unwrap()
            .contains(&"token_initialized".into()));

        let o = ctx.token("slots", &[]);
        ok(&o);
        let text = stdout(&o);
        let id = ours["id"].as_u64().unwrap();
        assert!(
            text.contains(&format!("Slot {id}: SoftHSM slot ID 0x{id:x}")),
            "{text}"
        );
        assert!(text.contains(&format!("Token:          {TOKEN}")), "{text}");
        assert!(text.contains("(no label)"), "{text}");
    });
}

#[test]
fn list_sees_private_objects_only_after_login() {
    token_test(
        "list_sees_private_objects_only_after_login",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, Contents::ALL);
            // Without a login: every public object, no private key, no private certificate.
            let o = ctx.token("list", &["--format", "json"]);
            ok(&o);
            let all = items(&json(&o));
            let certs: Vec<Value> = all
                .iter()
                .filter(|i| i["kind"] == "certificate")
                .cloned()
                .collect();
            assert_eq!(labels(&certs), fixture_labels());
            assert!(all.iter().all(|i| i["kind"] != "private_key"), "{all:?}");
            assert!(all.iter().all(|i| i["source"]["private"] == false));
            let public: Vec<&Value> = all.iter().filter(|i| i["kind"] == "public_key").collect();
            assert_eq!(public.len(), 2);
            let rsa_pub = public
                .iter()
                .find(|i| i["label"] == RSA_KEY.0)
                .expect("RSA public key");
            assert_eq!(rsa_pub["class"], "public_key");
            assert_eq!(rsa_pub["key_type"], "rsa");
            assert_eq!(rsa_pub["bits"], 2048);
            assert_eq!(rsa_pub["id"], "30");
            let ec_pub = public.iter().find(|i| i["label"] == EC_KEY.0).unwrap();
            assert_eq!(ec_pub["curve"], "P-256");
            assert_eq!(ec_pub["bits"], 256);

            // --type narrows on the token side.
            let o = ctx.token("list", &["--type", "cert", "--format", "json"]);
            ok(&o);
            assert_eq!(labels(&items(&json(&o))), fixture_labels());
            let o = ctx.token("list", &["--type", "privkey", "--format", "json"]);
            ok(&o);
            assert!(items(&json(&o)).is_empty());

            // With the PIN: private keys and the private certificate appear.
            let o = ctx.token(
                "list",
                &["--format", "json", "--pin", &format!("pass:{USER_PIN}")],
            );
            ok(&o);
            let all = items(&json(&o));
            let private: Vec<&Value> = all.iter().filter(|i| i["kind"] == "private_key").collect();
            assert_eq!(private.len(), 2, "{all:?}");
            for key in &private {
                assert_eq!(key["source"]["private"], true);
                let flags: Vec<&str> = key["flags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap())
                    .collect();
                assert!(
                    flags.contains(&"sensitive") && flags.contains(&"sign"),
                    "{key}"
                );
                assert!(!flags.contains(&"extractable"), "{key}");
                // Never a secret value, nor a thumbprint of one.
                for absent in ["pem", "fingerprints", "value"] {
                    assert!(key.get(absent).is_none(), "{absent} in {key}");
                }
            }
            let rsa = private.iter().find(|i| i["label"] == RSA_KEY.0).unwrap();
            // From CKA_MODULUS: SoftHSM has no CKA_MODULUS_BITS on private keys.
            assert_eq!(rsa["bits"], 2048);
            let private_cert = all
                .iter()
                .find(|i| i["source"]["label"] == PRIVATE_CERT_LABEL)
                .expect("private certificate after login");
            assert_eq!(private_cert["source"]["private"], true);
            assert_eq!(private_cert["kind"], "certificate");
            // The PIN is never echoed.
            assert!(!stdout(&o).contains(&format!("pass:{USER_PIN}")));

            // The same from env: and file: specs.
            let pin_file = ctx.dir.join("pin");
            std::fs::write(&pin_file, format!("{USER_PIN}\n")).unwrap();
            let o = ctx.token(
                "list",
                &[
                    "--type",
                    "privkey",
                    "--format",
                    "json",
                    "--pin",
                    &format!("file:{}", pin_file.display()),
                ],
            );
            ok(&o);
            assert_eq!(items(&json(&o)).len(), 2);
            let o = ctx
                .certscope()
                .env("TOKEN_PIN", USER_PIN)
                .args([
                    "token", "list", "--type", "privkey", "-f", "json", "--module",
                ])
                .arg(&ctx.module)
                .args(["--pin", "env:TOKEN_PIN"])
                .output()
                .unwrap();
            ok(&o);
            assert_eq!(items(&json(&o)).len(), 2);

            // --login without a terminal and without a PIN: a clear error, no C_Login.
            let o = ctx.token("list", &["--login"]);
            assert_eq!(o.status.code(), Some(2));
            assert!(
                stderr(&o).contains(&format!("token \"{TOKEN}\" needs its user PIN")),
                "{}",
                stderr(&o)
            );

            // Text: keys by their attributes.
            let o = ctx.token("list", &["--type", "pubkey"]);
            ok(&o);
            let text = stdout(&o);
            assert!(text.contains(": public key"), "{text}");
            assert!(text.contains("Key:          RSA (2048 bits)"), "{text}");
            assert!(text.contains("Key:          EC P-256 (256 bits)"), "{text}");
        },
    );
}

#[test]
fn find_filters() {
    token_test("find_filters", &[TOKEN], |ctx| {
        let fixtures = populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let find = |args: &[&str]| -> (Option<i32>, BTreeSet<String>) {
            let mut all = vec!["--format", "json"];
            all.extend_from_slice(args);
            let o = ctx.token("find", &all);
            let v = json(&o);
            (o.status.code(), labels(&items(&v)))
        };
        let leaf = fixtures.iter().find(|c| c.label == "leaf").unwrap();

        assert_eq!(find(&["--label", "leaf"]), (Some(0), set(&["leaf"])));
        assert_eq!(
            find(&["--id", &hex::encode(&leaf.id)]),
            (Some(0), set(&["leaf"]))
        );
        // The subject as certscope prints it: byte-identical DER, found by the template.
        let leaf_dn = "emailAddress=admin@example.com,CN=www.example.com,OU=Engineering,\
                       O=Certscope Test,L=San Francisco,ST=California,C=US";
        assert_eq!(
            find(&["--subject", leaf_dn]),
            (Some(0), set(&["leaf", "x509-certificate-label"]))
        );
        // Another spelling (case, spaces): found by the names_equivalent fallback.
        assert_eq!(
            find(&[
                "--subject",
                "cn=certscope  test root ca, o=CERTSCOPE TEST, c=US"
            ]),
            (Some(0), set(&["root-ca", "trusted-root"]))
        );
        // leaf.pem's issuer is the intermediate CA.
        let issued_by_intermediate: BTreeSet<String> = fixtures
            .iter()
            .filter(|c| c.issuer == leaf.issuer)
            .map(|c| c.label.clone())
            .collect();
        assert!(issued_by_intermediate.len() >= 2);
        assert_eq!(
            find(&[
                "--issuer",
                "CN=Certscope Test Intermediate CA,O=Certscope Test,C=US"
            ]),
            (Some(0), issued_by_intermediate)
        );
        // Serial: CKA_SERIAL_NUMBER is the DER INTEGER; colons and a leading 00 are fine.
        let expired = fixtures.iter().find(|c| c.label == "expired").unwrap();
        assert_eq!(expired.serial, vec![0x02, 0x02, 0x10, 0x01]);
        assert_eq!(find(&["--serial", "1001"]), (Some(0), set(&["expired"])));
        assert_eq!(
            find(&["--serial", "00:10:01"]),
            (Some(0), set(&["expired"]))
        );
        // Thumbprints and pins, computed on CKA_VALUE.
        let sha1 = support::run(&[
            "fingerprint",
            "--hash",
            "sha1",
            "--encoding",
            "hex",
            "fixtures/certs/leaf.pem",
        ]);
        let sha1 = stdout(&sha1).split_whitespace().nth(1).unwrap().to_string();
        assert_eq!(
            find(&["--thumbprint", &format!("sha1:{sha1}")]),
            (Some(0), set(&["leaf", "x509-certificate-label"]))
        );
        let sha256 = support::run(&[
            "fingerprint",
            "--encoding",
            "colon",
            "fixtures/certs/leaf.pem",
        ]);
        let sha256 = stdout(&sha256)
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_lowercase();
        assert_eq!(
            find(&["--thumbprint", &sha256]).1,
            set(&["leaf", "x509-certificate-label"])
        );
        let spki = support::run(&[
            "fingerprint",
            "--spki",
            "--encoding",
            "hex",
            "fixtures/certs/leaf.pem",
        ]);
        let spki = stdout(&spki).split_whitespace().nth(1).unwrap().to_string();
        assert_eq!(
            find(&["--spki-sha256", &spki]).1,
            set(&["leaf", "x509-certificate-label"])
        );
        // Filters combine.
        assert_eq!(
            find(&["--label", "leaf", "--spki-sha256", &spki]).1,
            set(&["leaf"])
        );
        assert_eq!(
            find(&["--type", "cert", "--label", "rsa-self"]).1,
            set(&["rsa-self"])
        );

        // Nothing found: exit 1 like grep. JSON still prints the document.
        let o = ctx.token("find", &["--label", "no-such-object", "--format", "json"]);
        assert_eq!(o.status.code(), Some(1));
        let v = json(&o);
        assert_eq!(v["items"], Value::Array(vec![]));
        assert_eq!(v["errors"], Value::Array(vec![]));
        let o = ctx.token("find", &["--label", "no-such-object"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(stdout(&o), "");
        assert_eq!(stderr(&o), "");
        // Private objects are not found without a login, and are with one.
        let o = ctx.token("find", &["--label", PRIVATE_CERT_LABEL]);
        assert_eq!(o.status.code(), Some(1));
        let o = ctx.token(
            "find",
            &[
                "--label",
                PRIVATE_CERT_LABEL,
                "--pin",
                &format!("pass:{USER_PIN}"),
            ],
        );
        ok(&o);
        assert!(stdout(&o).contains("Private:      yes"), "{}", stdout(&o));

        // Bad filter values are usage errors (exit 2) with a reason, as in `find`
        // (tests/token/token_cli.rs `find_accepts_every_find_filter_form` compares the messages).
        for (args, want) in [
            (["--thumbprint", "abcd"], "--thumbprint"),
            (["--serial", "xyz"], "--serial"),
            (["--spki-sha256", "abcd"], "--spki-sha256"),
            (["--id", "xyz"], "--id"),
        ] {
            let o = ctx.token("find", &args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        }
        // A subject is a query, as in `find`: one no certificate has matches nothing.
        let o = ctx.token("find", &["--subject", "C=USA"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(stderr(&o), "");
        let o = ctx.token("find", &["--type", "privkey", "--serial", "1001"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("select certificates"), "{}", stderr(&o));
    });
}

/// The sha256 thumbprints of a find/token find JSON document's items.
fn thumbprints(v: &Value) -> BTreeSet<String> {
    items(v)
        .iter()
        .map(|i| i["fingerprints"]["sha256"].as_str().unwrap().to_string())
        .collect()
}

/// `token find` takes `find`'s FILTER grammar: every form `find` accepts selects the same
/// certificates on a token as in the fixture files the token was filled from, and a
/// malformed value is the same usage error (exit 2) in both.
#[test]
fn find_accepts_every_find_filter_form() {
    token_test("find_accepts_every_find_filter_form", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let files: Vec<String> = {
            let dir = support::root().join("fixtures/certs");
            let mut v: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "pem"))
                .map(|p| p.to_str().unwrap().to_string())
                .collect();
            v.sort();
            v
        };
        let on_token = |args: &[&str]| -> (Option<i32>, BTreeSet<String>) {
            let mut all = vec!["--format", "json"];
            all.extend_from_slice(args);
            let o = ctx.token("find", &all);
            (o.status.code(), thumbprints(&json(&o)))
        };
        let in_files = |args: &[&str]| -> (Option<i32>, BTreeSet<String>) {
            let mut all = vec!["find", "--format", "json"];
            all.extend_from_slice(args);
            all.extend(files.iter().map(String::as_str));
            let o = support::run(&all);
            (o.status.code(), thumbprints(&json(&o)))
        };
        let fp = |args: &[&str]| {
            let o = support::run(args);
            stdout(&o).split_whitespace().nth(1).unwrap().to_string()
        };
        let leaf = "fixtures/certs/leaf.pem";
        let sha256 = fp(&["fingerprint", "--encoding", "hex", leaf]);
        let sha256_colon = fp(&["fingerprint", "--encoding", "colon", leaf]);
        let sha1 = fp(&["fingerprint", "--hash", "sha1", "--encoding", "hex", leaf]);
        let pin_hex = fp(&["fingerprint", "--spki", "--encoding", "hex", leaf]);
        let pin_b64 = fp(&["fingerprint", "--spki", "--encoding", "base64", leaf]);
        let leaf_rfc = "emailAddress=admin@example.com,CN=www.example.com,OU=Engineering,\
                        O=Certscope Test,L=San Francisco,ST=California,C=US";
        let leaf_reversed = "C=US,ST=California,L=San Francisco,O=Certscope Test,\
                             OU=Engineering,CN=www.example.com,emailAddress=admin@example.com";
        let leaf_openssl = "/C=US/ST=California/L=San Francisco/O=Certscope Test\
                            /OU=Engineering/CN=www.example.com/emailAddress=admin@example.com";
        let forms: Vec<Vec<String>> = [
            vec!["--thumbprint", &sha256],
            vec!["--thumbprint", &format!("sha256:{sha256_colon}")],
            vec!["--thumbprint", &sha256.to_uppercase()],
            vec!["--thumbprint", &format!("sha1:{sha1}")],
            vec!["--thumbprint", &sha1],
            vec!["--spki-sha256", &pin_hex],
            vec!["--spki-sha256", &format!("sha256//{pin_b64}")],
            vec!["--spki-sha256", &pin_b64],
            vec!["--subject", leaf_rfc],
            vec!["--subject", leaf_reversed],
            vec!["--subject", leaf_openssl],
            vec![
                "--subject",
                "cn=certscope  test root ca, o=CERTSCOPE TEST, c=US",
            ],
            vec![
                "--subject",
                "/C=US/O=Certscope Test/CN=Certscope Test Root CA",
            ],
            vec![
                "--issuer",
                "CN=Certscope Test Intermediate CA,O=Certscope Test,C=US",
            ],
            vec![
                "--issuer",
                "C=US,O=Certscope Test,CN=Certscope Test Intermediate CA",
            ],
            vec![
                "--issuer",
                "/C=US/O=Certscope Test/CN=Certscope Test Intermediate CA",
            ],
            vec!["--serial", "1000"],
            vec!["--serial", "0x1001"],
            vec!["--serial", "0X10:01"],
            vec!["--serial", "01001"],
            vec!["--serial", "00:10:00"],
            vec!["--san", "www.example.com"],
            vec!["--san", "foo.example.com"],
            vec!["--san", "WWW.EXAMPLE.COM"],
            vec!["--san", "192.0.2.10"],
            vec!["--san", "2001:DB8:0:0::10"],
            vec!["--san", "admin@example.com"],
            vec!["--san", "https://www.example.com/"],
            vec!["--san", "nowhere.invalid"],
            vec!["--subject", "CN=nobody"],
            vec!["--san", "www.example.com", "--serial", "1000"],
            vec!["--san", "www.example.com", "--serial", "1001"],
            vec!["--issuer", leaf_openssl, "--spki-sha256", &pin_hex],
        ]
        .into_iter()
        .map(|v| v.into_iter().map(str::to_string).collect())
        .collect();
        let mut matched_some = 0;
        for form in &forms {
            let args: Vec<&str> = form.iter().map(String::as_str).collect();
            let want = in_files(&args);
            let got = on_token(&args);
            assert_eq!(got, want, "{args:?}");
            if !want.1.is_empty() {
                matched_some += 1;
            }
        }
        // The comparison means something only if most forms find certificates.
        assert!(matched_some >= forms.len() - 4, "{matched_some}");

        // Malformed values: the same usage error in both commands.
        for args in [
            ["--serial", "xyz"],
            ["--serial", "0x"],
            ["--thumbprint", "abcd"],
            ["--thumbprint", "md4:abcd"],
            ["--spki-sha256", "abcd"],
            ["--spki-sha256", "sha256//AAAA"],
        ] {
            let mut file_args = vec!["find"];
            file_args.extend_from_slice(&args);
            file_args.push(leaf);
            let f = support::run(&file_args);
            let t = ctx.token("find", &args);
            assert_eq!(f.status.code(), Some(2), "{args:?}");
            assert_eq!(t.status.code(), Some(2), "{args:?}");
            let first = |s: String| s.lines().next().unwrap_or_default().to_string();
            assert_eq!(first(stderr(&t)), first(stderr(&f)), "{args:?}");
        }
    });
}

#[test]
fn export_writes_pem() {
    token_test("export_writes_pem", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let o = ctx.token("export", &["--label", "root-ca"]);
        ok(&o);
        let want =
            std::fs::read_to_string(support::root().join("fixtures/certs/root-ca.pem")).unwrap();
        let got = stdout(&o);
        assert_eq!(
            harness::pem_decode(&got).unwrap(),
            harness::pem_decode(&want).unwrap()
        );
        assert_eq!(got.matches("BEGIN CERTIFICATE").count(), 1);

        let out = ctx.dir.join("ca.pem");
        let o = ctx.token(
            "export",
            &[
                "--subject",
                "CN=Certscope Test Root CA,O=Certscope Test,C=US",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        ok(&o);
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            text.matches("BEGIN CERTIFICATE").count(),
            2,
            "root-ca and trusted-root"
        );
        // What was exported reads back as the same certificates.
        let back = support::run(&["fingerprint", out.to_str().unwrap()]);
        ok(&back);
        assert_eq!(stdout(&back).lines().count(), 2);

        let o = ctx.token(
            "export",
            &[
                "--label",
                "nothing",
                "-o",
                ctx.dir.join("none.pem").to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("no certificate matches"),
            "{}",
            stderr(&o)
        );
        assert!(!ctx.dir.join("none.pem").exists());
    });
}

#[test]
fn mechanisms_like_pkcs11_tool() {
    token_test("mechanisms_like_pkcs11_tool", &[TOKEN], |ctx| {
        let o = ctx.token("mechanisms", &["--format", "json"]);
        ok(&o);
        let v = json(&o);
        let tokens = v["tokens"].as_array().unwrap();
        assert_eq!(tokens.len(), 1, "the free slot is not listed");
        assert_eq!(tokens[0]["token"], TOKEN);
        let mechs = tokens[0]["mechanisms"].as_array().unwrap();
        let rsa = mechs.iter().find(|m| m["name"] == "CKM_RSA_PKCS").unwrap();
        assert!(rsa["flags"].as_array().unwrap().contains(&"sign".into()));
        assert!(rsa["max_key_size"].as_u64().unwrap() >= 2048);
        assert!(v["note"]
            .as_str()
            .unwrap()
            .contains("CKM_VENDOR_DEFINED+0x"));
        // Mechanisms cryptoki 0.12 has no name for are listed too.
        for name in ["CKM_DES3_CBC", "CKM_DSA_SHA256", "CKM_SHA224", "CKM_MD5"] {
            assert!(mechs.iter().any(|m| m["name"] == name), "{name}: {mechs:?}");
        }

        let o = ctx.token("mechanisms", &["--token", TOKEN]);
        ok(&o);
        let text = stdout(&o);
        assert!(text.contains("  CKM_EC_KEY_PAIR_GEN"), "{text}");
        assert!(!text.contains("Note:"), "{text}");
        // The same list as pkcs11-tool's, mechanism by mechanism: key sizes and flags.
        if let Ok(out) = std::process::Command::new("pkcs11-tool")
            .arg("--module")
            .arg(&ctx.softhsm)
            .args(["--token-label", TOKEN, "-M"])
            .output()
        {
            let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.strip_prefix("  "))
                .map(pkcs11_tool_mechanism)
                .collect();
            let ours: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("  ")).collect();
            assert_eq!(theirs.len(), ours.len(), "{theirs:#?}\n{ours:#?}");
            for line in &theirs {
                // pkcs11-tool has no name for some (`mechtype-0x210A`); certscope has.
                if !line.starts_with("mechtype-") {
                    assert!(ours.contains(&line.as_str()), "{line}: {ours:#?}");
                }
            }
        }
    });
}

/// A `pkcs11-tool -M` line in certscope's words: `DSA-SHA1, keySize={512,1024}, sign` is
/// `CKM_DSA_SHA1, keySize={512,1024}, sign`; its EC flag phrases become flag names.
fn pkcs11_tool_mechanism(line: &str) -> String {
    let (name, rest) = line.split_at(line.find(',').unwrap_or(line.len()));
    if name.starts_with("mechtype-") {
        return line.to_string();
    }
    let name = match name {
        // The deprecated alias of the same value.
        "ECDSA-KEY-PAIR-GEN" => "EC-KEY-PAIR-GEN",
        name => name,
    };
    let mut rest = rest.to_string();
    for (theirs, ours) in [
        ("EC F_P", "ec_f_p"),
        ("EC F_2M", "ec_f_2m"),
        ("EC parameters", "ec_parameters"),
        ("EC OID", "ec_oid"),
        ("EC uncompressed", "ec_uncompress"),
        ("EC compressed", "ec_compress"),
        ("EC curve name", "ec_curvename"),
    ] {
        rest = rest.replace(theirs, ours);
    }
    format!("CKM_{}{rest}", name.replace('-', "_"))
}

#[test]
fn modules_are_listed_from_p11_kit_config() {
    let o = support::run(&["token", "modules", "--format", "json"]);
    ok(&o);
    let v = json(&o);
    let modules = v["modules"].as_array().unwrap();
    if harness::required() {
        // softhsm2, opensc and p11-kit-modules each register one (Debian).
        let names: BTreeSet<&str> = modules
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        assert!(names.contains("softhsm2"), "{names:?}");
        let trust = modules
            .iter()
            .find(|m| m["name"] == "p11-kit-trust")
            .unwrap();
        assert_eq!(trust["trust_policy"], true);
        assert_eq!(trust["disable_in"], "p11-kit-proxy");
        assert!(trust["path"]
            .as_str()
            .unwrap()
            .ends_with("p11-kit-trust.so"));
    }
    let o = support::run(&["token", "modules"]);
    ok(&o);
    for m in modules {
        let line = format!(
            "{}: {}",
            m["name"].as_str().unwrap(),
            m["path"].as_str().unwrap()
        );
        assert!(stdout(&o).contains(&line), "{}", stdout(&o));
    }
}

#[test]
fn several_tokens() {
    token_test("several_tokens", &["alpha", "beta", "gamma"], |ctx| {
        populate(&ctx.softhsm, "beta", Contents::CERTS);
        let o = ctx.token("slots", &["--format", "json"]);
        let slots = json(&o)["slots"].as_array().unwrap().clone();
        let beta = slots
            .iter()
            .find(|s| s["token"]["label"] == "beta")
            .unwrap();
        let beta_id = beta["id"].as_u64().unwrap();
        let beta_serial = beta["token"]["serial"].as_str().unwrap().to_string();

        // Default: every initialised token; only beta has objects.
        let o = ctx.token("list", &["--format", "json"]);
        ok(&o);
        let all = items(&json(&o));
        assert_eq!(labels(&all), fixture_labels());
        assert!(all.iter().all(|i| i["source"]["token"] == "beta"));
        assert!(all.iter().all(|i| i["source"]["slot"] == beta_id));

        for selection in [
            vec!["--token", "beta"],
            vec!["--token-serial", beta_serial.as_str()],
        ] {
            let mut args = selection.clone();
            args.extend(["--format", "json", "--label", "leaf"]);
            let o = ctx.token("find", &args);
            ok(&o);
            assert_eq!(labels(&items(&json(&o))), set(&["leaf"]), "{selection:?}");
        }
        let slot = beta_id.to_string();
        let hex_slot = format!("0x{beta_id:x}");
        for s in [slot.as_str(), hex_slot.as_str()] {
            let o = ctx.token("find", &["--slot", s, "--label", "leaf"]);
            ok(&o);
        }
        let o = ctx.token("find", &["--token", "alpha", "--label", "leaf"]);
        assert_eq!(o.status.code(), Some(1));

        // A selection that matches nothing says what is there.
        let o = ctx.token("list", &["--token", "delta"]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains("no token matches token \"delta\""), "{err}");
        for l in ["alpha", "beta", "gamma"] {
            assert!(err.contains(&format!("\"{l}\"")), "{err}");
        }
        // One PIN is never tried on several tokens.
        let o = ctx.token("list", &["--pin", &format!("pass:{USER_PIN}")]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("a login needs exactly one token"),
            "{}",
            stderr(&o)
        );
        let o = ctx.token(
            "list",
            &[
                "--token",
                "beta",
                "--pin",
                &format!("pass:{USER_PIN}"),
                "-f",
                "json",
            ],
        );
        ok(&o);
        assert!(labels(&items(&json(&o))).contains(PRIVATE_CERT_LABEL));
        // The free slot, named explicitly, is explained rather than listed.
        let free = slots.iter().find(|s| s["token"]["label"] == "").unwrap();
        let o = ctx.token("list", &["--slot", &free["id"].to_string()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("not initialised"), "{}", stderr(&o));
    });
}

#[test]
fn module_from_environment_and_p11_kit_proxy() {
    token_test(
        "module_from_environment_and_p11_kit_proxy",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, Contents::CERTS);
            let o = ctx
                .certscope()
                .env("CERTSCOPE_PKCS11_MODULE", &ctx.module)
                .args(["token", "find", "--label", "leaf", "-f", "json"])
                .output()
                .unwrap();
            ok(&o);
            let v = json(&o);
            let uri = items(&v)[0]["source"]["uri"].as_str().unwrap().to_string();
            assert!(
                uri.ends_with(&format!("?module-path={}", ctx.module.display())),
                "{uri}"
            );
            // No module named: p11-kit's proxy, which loads the registered SoftHSM module
            // (with this test's SOFTHSM2_CONF) and needs no module-path in the URIs.
            if modules_proxy_exists() {
                let o = ctx.run(&[
                    "token", "find", "--token", TOKEN, "--label", "leaf", "-f", "json",
                ]);
                ok(&o);
                let v = json(&o);
                let uri = items(&v)[0]["source"]["uri"].as_str().unwrap().to_string();
                assert!(!uri.contains("module-path"), "{uri}");
            }
        },
    );
}

/// Is p11-kit's proxy installed with SoftHSM registered in it (Debian's packages)?
fn modules_proxy_exists() -> bool {
    [
        "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
        "/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
    ]
    .iter()
    .any(|p| Path::new(p).is_file())
        && Path::new("/usr/share/p11-kit/modules/softhsm2.module").is_file()
}

#[test]
fn broken_modules_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.so");
    std::fs::write(&text, "this is a text file, not a shared library at all\n").unwrap();
    let libm = [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib/aarch64-linux-gnu/libm.so.6",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists());
    let mut cases = vec![
        (
            "/nonexistent/libpkcs11.so".to_string(),
            "the file does not exist",
        ),
        (
            text.display().to_string(),
            "the file is not a shared library",
        ),
        (
            dir.path().display().to_string(),
            "the file is not a shared library",
        ),
    ];
    if let Some(libm) = libm {
        cases.push((
            libm.to_string(),
            "not a PKCS#11 module (no C_GetFunctionList symbol)",
        ));
    }
    for (module, want) in cases {
        for sub in ["slots", "list", "mechanisms"] {
            let o = support::run(&["token", sub, "--module", &module]);
            assert_eq!(o.status.code(), Some(2), "{sub} {module}");
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!("certscope: cannot load PKCS#11 module {module}: ")),
                "{sub} {module}: {err}"
            );
            assert!(err.contains(want), "{sub} {module}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
        // The same module named by a URI input.
        let uri = format!("pkcs11:token=x?module-path={module}");
        let o = support::run(&[
            "inspect",
            "--allow-uri-module",
            &uri,
            "fixtures/certs/leaf.pem",
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
        // The file after it is still read.
        assert!(stdout(&o).contains("www.example.com"));
    }
}

#[test]
fn softhsm_without_configuration() {
    let Some(module) = harness::softhsm_module() else {
        harness::check_tools("softhsm_without_configuration", &harness::missing_softhsm());
        return;
    };
    let o = support::certscope()
        .env("SOFTHSM2_CONF", "/nonexistent/softhsm2.conf")
        .args(["token", "slots", "--module"])
        .arg(&module)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("C_Initialize"), "{err}");
    assert!(err.contains("CKR_GENERAL_ERROR"), "{err}");
    assert!(err.contains("SOFTHSM2_CONF"), "{err}");
}

#[test]
fn wrong_pin_is_tried_exactly_once() {
    spy_test("wrong_pin_is_tried_exactly_once", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let o = ctx.token("list", &["--pin", "pass:9999"]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(
            err.contains(
                "C_Login: wrong PIN (CKR_PIN_INCORRECT); certscope tried once and will not \
                     retry, so the card does not lock"
            ),
            "{err}"
        );
        assert!(err.starts_with("certscope: pkcs11:"), "{err}");
        assert!(!err.contains("9999"), "the PIN must not be echoed: {err}");
        assert_eq!(
            harness::spy_calls(&ctx.dir, "C_Login"),
            1,
            "C_Login count in the spy log"
        );
        // Every session closed, the module finalized, also on this error path.
        assert_eq!(
            harness::spy_calls(&ctx.dir, "C_OpenSession"),
            harness::spy_calls(&ctx.dir, "C_CloseSession")
        );
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Finalize"), 1);
        // JSON: the failure is in the document's errors too.
        let o = ctx.token("list", &["--pin", "pass:9999", "-f", "json"]);
        assert_eq!(o.status.code(), Some(2));
        let v = json(&o);
        assert!(v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("CKR_PIN_INCORRECT"));
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Login"), 2);
        // The token is not locked: the right PIN works.
        let o = ctx.token("list", &["--pin", &format!("pass:{USER_PIN}")]);
        ok(&o);
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Login"), 3);
        // Without a login, no C_Login at all.
        let o = ctx.token("list", &[]);
        ok(&o);
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Login"), 3);
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Finalize"), 4);
        // Every C_Initialize passes CKF_OS_LOCKING_OK (0x2), as p11-kit does: modules that
        // insist on locking (gnome-keyring's) neither refuse nor complain.
        let log = std::fs::read_to_string(ctx.dir.join("spy.log")).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        let init_flags: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.ends_with(": C_Initialize"))
            .filter_map(|(i, _)| {
                lines
                    .get(i + 1..i + 5)?
                    .iter()
                    .find(|l| l.trim_start().starts_with("flags:"))
                    .map(|l| l.trim())
            })
            .collect();
        assert_eq!(init_flags, vec!["flags: 2"; 4], "{log}");
    });
}

#[test]
fn empty_or_out_of_range_pin_is_never_sent() {
    spy_test("empty_or_out_of_range_pin_is_never_sent", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let empty_file = ctx.dir.join("empty-pin");
        std::fs::write(&empty_file, "").unwrap();
        let empty_line = ctx.dir.join("empty-line-pin");
        std::fs::write(&empty_line, format!("\n{USER_PIN}\n")).unwrap();
        let long = format!("pass:{}", "1".repeat(256));
        let specs = [
            ("pass:".to_string(), "the PIN is empty"),
            (
                "env:CERTSCOPE_TEST_EMPTY_PIN".to_string(),
                "the PIN is empty",
            ),
            (format!("file:{}", empty_file.display()), "the PIN is empty"),
            (format!("file:{}", empty_line.display()), "the PIN is empty"),
            // SoftHSM accepts 4 to 255 bytes.
            ("pass:123".to_string(), "ulMinPinLen"),
            (long, "ulMaxPinLen"),
        ];
        for (spec, reason) in &specs {
            for format in ["text", "json"] {
                let o = ctx
                    .certscope()
                    .env("CERTSCOPE_TEST_EMPTY_PIN", "")
                    .args(["token", "list", "--module"])
                    .arg(&ctx.module)
                    .args(["--pin", spec, "-f", format])
                    .output()
                    .unwrap();
                let err = stderr(&o);
                assert_eq!(o.status.code(), Some(2), "{spec} {format}: {err}");
                assert!(err.contains(reason), "{spec}: {err}");
                assert!(err.contains("did not send it to C_Login"), "{spec}: {err}");
                if format == "json" {
                    let v = json(&o);
                    let message = v["errors"][0]["message"].as_str().unwrap_or_default();
                    assert!(message.contains(reason), "{spec}: {v}");
                }
            }
        }
        // A URI's empty pin-value or empty pin-source file, and a too short pin-value.
        let base = format!(
            "pkcs11:token={TOKEN};object={PRIVATE_CERT_LABEL}?module-path={}",
            ctx.module_str()
        );
        for (query, reason) in [
            ("&pin-value=".to_string(), "pin-value: the PIN is empty"),
            (
                format!("&pin-source=file:{}", empty_file.display()),
                "pin-source: the PIN is empty",
            ),
            ("&pin-value=12".to_string(), "ulMinPinLen"),
        ] {
            let o = ctx.run(&["inspect", "--allow-uri-module", &format!("{base}{query}")]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{query}: {err}");
            assert!(err.contains(reason), "{query}: {err}");
        }
        assert_eq!(
            harness::spy_calls(&ctx.dir, "C_Login"),
            0,
            "no refused PIN reaches C_Login"
        );
        // The right PIN still logs in, once.
        let o = ctx.token("list", &["--pin", &format!("pass:{USER_PIN}")]);
        ok(&o);
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Login"), 1);
    });
}

/// Issue 17 (speed): every certificate is read in one `C_GetAttributeValue` call, every
/// value into a guessed buffer. With `--type cert` the search gives the class; without it
/// certscope searches for certificates first, then for everything, and reads the objects
/// the first search did not return (keys, data: classes whose `CKA_VALUE` is never asked
/// for) in two calls (one with the class and every length, one with the values). Each
/// search takes one `C_FindObjects` batch.
#[test]
fn listing_reads_certificates_in_one_call() {
    spy_test("listing_reads_certificates_in_one_call", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::ALL);
        let pin = format!("pass:{USER_PIN}");
        // (arguments, calls per certificate, per other object, searches)
        for (args, per_cert, per_other, searches) in [
            (vec!["-f", "json"], 1, 2, 2),
            (vec!["-f", "json", "--type", "cert"], 1, 0, 1),
            (vec!["-f", "json", "--type", "cert", "--pin", &pin], 1, 0, 1),
            (vec!["-f", "json", "--pin", &pin], 1, 2, 2),
        ] {
            let before = harness::spy_calls(&ctx.dir, "C_GetAttributeValue");
            let finds = harness::spy_calls(&ctx.dir, "C_FindObjects");
            let inits = harness::spy_calls(&ctx.dir, "C_FindObjectsInit");
            let o = ctx.token("list", &args);
            ok(&o);
            let v = json(&o);
            let n = items(&v).len();
            let certs = items(&v)
                .iter()
                .filter(|i| i["kind"] == "certificate")
                .count();
            assert!(
                n >= 8 && certs >= 3,
                "{args:?}: {n} objects, {certs} certificates"
            );
            let reads = harness::spy_calls(&ctx.dir, "C_GetAttributeValue") - before;
            assert_eq!(
                reads,
                per_cert * certs + per_other * (n - certs),
                "{args:?}: C_GetAttributeValue calls for {certs} certificates of {n} objects"
            );
            let finds = harness::spy_calls(&ctx.dir, "C_FindObjects") - finds;
            assert_eq!(finds, searches, "{args:?}: C_FindObjects calls");
            let inits = harness::spy_calls(&ctx.dir, "C_FindObjectsInit") - inits;
            assert_eq!(inits, searches, "{args:?}: C_FindObjectsInit calls");
        }
        // The certificates of a listing are those `--type cert` lists.
        let typed = ctx.token("list", &["-f", "json", "--type", "cert"]);
        let all = ctx.token("list", &["-f", "json"]);
        let certs: Vec<Value> = items(&json(&all))
            .iter()
            .filter(|i| i["kind"] == "certificate")
            .cloned()
            .collect();
        assert_eq!(items(&json(&typed)), certs);
    });
}

/// NSS's built-in roots (`libnssckbi.so`, Debian's libnss3): a read-only token without
/// CKF_TOKEN_INITIALIZED that holds objects is selected by default, and its
/// CK_UNAVAILABLE_INFORMATION PIN lengths are "not available" / null, never 2^64-1.
#[test]
fn nss_builtins_without_initialised_flag_are_read() {
    const NSSCKBI: &str = "/usr/lib/x86_64-linux-gnu/libnssckbi.so";
    let missing = if Path::new(NSSCKBI).is_file() {
        vec![]
    } else {
        vec![NSSCKBI.to_string()]
    };
    if !harness::check_tools("nss_builtins_without_initialised_flag_are_read", &missing) {
        return;
    }
    let o = support::run(&["token", "list", "--module", NSSCKBI, "-f", "json"]);
    ok(&o);
    let v = json(&o);
    assert!(items(&v).len() > 50, "{} items", items(&v).len());
    let o = support::run(&["token", "mechanisms", "--module", NSSCKBI]);
    ok(&o);
    let o = support::run(&["token", "slots", "--module", NSSCKBI]);
    ok(&o);
    let text = stdout(&o);
    assert!(text.contains("PIN length:     not available"), "{text}");
    assert!(!text.contains("18446744073709551615"), "{text}");
    let o = support::run(&["token", "slots", "--module", NSSCKBI, "-f", "json"]);
    ok(&o);
    let v = json(&o);
    let token = &v["slots"][0]["token"];
    assert!(token["min_pin_len"].is_null(), "{token}");
    assert!(token["max_pin_len"].is_null(), "{token}");
    assert!(!stdout(&o).contains("18446744073709551615"));
}

/// `--id` takes hex with a `0x` prefix too (pkcs11-tool's users write `--id 0x01`).
#[test]
fn id_accepts_0x_prefix() {
    token_test("id_accepts_0x_prefix", &[TOKEN], |ctx| {
        let fixtures = populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let leaf = fixtures.iter().find(|c| c.label == "leaf").unwrap();
        let id = hex::encode(&leaf.id);
        for arg in [
            format!("0x{id}"),
            format!("0X{}", id.to_uppercase()),
            id.clone(),
        ] {
            let o = ctx.token("find", &["--id", &arg, "-f", "json"]);
            ok(&o);
            let v = json(&o);
            assert!(labels(&items(&v)).contains("leaf"), "{arg}: {v}");
        }
        let o = ctx.token("find", &["--id", "0xzz"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    });
}

/// An object with neither CKA_LABEL nor CKA_ID (a data object written by pkcs11-tool
/// without `--label`/`--id`) gets a URI naming only token and type: a warning says so.
#[test]
fn object_without_label_and_id_is_flagged() {
    token_test("object_without_label_and_id_is_flagged", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let data = ctx.dir.join("data.bin");
        std::fs::write(&data, b"hello").unwrap();
        let o = std::process::Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", ctx.conf())
            .arg("--module")
            .arg(&ctx.softhsm)
            .args(["--token-label", TOKEN, "--login", "--pin", USER_PIN])
            .arg("--write-object")
            .arg(&data)
            .args(["--type", "data"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let o = ctx.token("list", &["--type", "all", "-f", "json"]);
        ok(&o);
        let v = json(&o);
        let all = items(&v);
        let flagged: Vec<&Value> = all
            .iter()
            .filter(|i| {
                i["warnings"].as_array().is_some_and(|w| {
                    w.iter()
                        .any(|w| w.as_str().unwrap().contains("neither CKA_LABEL nor CKA_ID"))
                })
            })
            .collect();
        assert_eq!(flagged.len(), 1, "{v}");
        assert!(
            flagged[0]["source"]["uri"]
                .as_str()
                .unwrap()
                .contains("type=data"),
            "{v}"
        );
    });
}
