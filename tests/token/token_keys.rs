//! Token key objects and raw inspection, against a real SoftHSM token made per test
//! (support/softhsm.rs): public keys get their SubjectPublicKeyInfo (thumbprints, SPKI pin,
//! PEM), `token find --spki-sha256` finds the key pair, `token list --attributes` dumps
//! every attribute the module gives without a secret value.

use crate::support;

use serde_json::Value;
use sha2::{Digest, Sha256};
use support::softhsm::{populate, token_test, Contents, EC_KEY, RSA_KEY, USER_PIN};
use support::{json, ok, stderr, stdout};

const TOKEN: &str = "certscope";

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().unwrap().clone()
}

/// The public key with CKA_ID `id` as pkcs11-tool reads it (its `--read-object --type
/// pubkey` writes the DER SubjectPublicKeyInfo): the independent reference.
fn pkcs11_tool_spki(ctx: &support::softhsm::ChildContext, id: &[u8]) -> Vec<u8> {
    let out = ctx.dir.join(format!("pub-{}.der", hex::encode(id)));
    let o = std::process::Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", ctx.conf())
        .arg("--module")
        .arg(&ctx.softhsm)
        .args(["--token-label", TOKEN, "--read-object", "--type", "pubkey"])
        .args(["--id", &hex::encode(id), "--output-file"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read(&out).unwrap()
}

const KEYS_ONLY: Contents = Contents {
    certs: false,
    only: &[],
    private_cert: false,
    rsa: true,
    ec: true,
};

#[test]
fn public_keys_have_spki_thumbprints_and_pem() {
    token_test(
        "public_keys_have_spki_thumbprints_and_pem",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, KEYS_ONLY);
            let o = ctx.token("list", &["--type", "pubkey", "-f", "json"]);
            ok(&o);
            let all = items(&json(&o));
            assert_eq!(all.len(), 2, "{all:?}");
            for (label, id) in [RSA_KEY, EC_KEY] {
                let spki = pkcs11_tool_spki(ctx, id);
                let pin = hex::encode(Sha256::digest(&spki));
                let key = all.iter().find(|i| i["label"] == label).unwrap();
                assert_eq!(key["spki_sha256"], pin.as_str(), "{key}");
                let sha256 = key["fingerprints"]["sha256"].as_str().unwrap_or_default();
                assert_eq!(sha256.replace(':', "").to_lowercase(), pin, "{key}");
            }
            // PEM: one PUBLIC KEY block per key, the bytes pkcs11-tool reads.
            let o = ctx.token("list", &["--type", "pubkey", "-f", "pem"]);
            ok(&o);
            let text = stdout(&o);
            assert_eq!(
                text.matches("-----BEGIN PUBLIC KEY-----").count(),
                2,
                "{text}"
            );
            let ec = pkcs11_tool_spki(ctx, EC_KEY.1);
            let ec_pem = support::softhsm::pem_decode(
                &text[text.rfind("-----BEGIN PUBLIC KEY-----").unwrap()..],
            );
            let rsa_pem = support::softhsm::pem_decode(&text);
            assert!(
                ec_pem.as_deref() == Some(&ec[..]) || rsa_pem.as_deref() == Some(&ec[..]),
                "{text}"
            );
            // fingerprint of a public key URI: the SPKI's SHA-256.
            let uri = format!("pkcs11:token={TOKEN};object={};type=public", EC_KEY.0);
            let o = ctx
                .certscope()
                .env("CERTSCOPE_PKCS11_MODULE", &ctx.module)
                .args(["fingerprint", &uri])
                .output()
                .unwrap();
            ok(&o);
            let want = hex::encode_upper(Sha256::digest(&ec));
            let got = stdout(&o).replace(':', "");
            assert!(got.contains(&want), "{}", stdout(&o));
        },
    );
}

#[test]
fn find_by_spki_finds_the_key_pair() {
    token_test("find_by_spki_finds_the_key_pair", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, KEYS_ONLY);
        for (label, id) in [RSA_KEY, EC_KEY] {
            let pin = hex::encode(Sha256::digest(pkcs11_tool_spki(ctx, id)));
            let o = ctx.token(
                "find",
                &[
                    "--spki-sha256",
                    &pin,
                    "-f",
                    "json",
                    "--pin",
                    &format!("pass:{USER_PIN}"),
                ],
            );
            ok(&o);
            let found = items(&json(&o));
            let mut kinds: Vec<&str> = found.iter().map(|i| i["kind"].as_str().unwrap()).collect();
            kinds.sort_unstable();
            assert_eq!(kinds, ["private_key", "public_key"], "{label}: {found:?}");
            assert!(found.iter().all(|i| i["label"] == label), "{found:?}");
            // Without a login only the public half.
            let o = ctx.token("find", &["--spki-sha256", &pin, "-f", "json"]);
            ok(&o);
            assert_eq!(items(&json(&o)).len(), 1);
        }
        let o = ctx.token("find", &["--spki-sha256", &"00".repeat(32)]);
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    });
}

/// The attributes of one item of a `token dump`/`token list --attributes` document, by name.
fn attributes(item: &Value) -> Vec<(String, Value)> {
    item["token"]["attributes"]
        .as_array()
        .unwrap_or_else(|| panic!("no attributes in {item}"))
        .iter()
        .map(|a| (a["name"].as_str().unwrap().to_string(), a.clone()))
        .collect()
}

/// `token dump` (and `token list --attributes`) shows every attribute SoftHSM gives, named
/// and raw, for every class; pkcs11-spy shows that no secret attribute was even asked for.
#[test]
fn dump_shows_every_attribute_and_no_secret() {
    support::softhsm::spy_test(
        "dump_shows_every_attribute_and_no_secret",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, Contents::ALL);
            let pin = format!("pass:{USER_PIN}");
            let o = ctx.token("dump", &["--pin", &pin, "-f", "json"]);
            ok(&o);
            let all = items(&json(&o));
            let private: Vec<&Value> = all.iter().filter(|i| i["kind"] == "private_key").collect();
            assert_eq!(private.len(), 2, "{all:?}");
            for key in &private {
                let attrs = attributes(key);
                let get = |n: &str| attrs.iter().find(|(name, _)| name == n).map(|(_, a)| a);
                for (name, value) in [
                    ("CKA_CLASS", "CKO_PRIVATE_KEY"),
                    ("CKA_LOCAL", "true"),
                    ("CKA_ALWAYS_SENSITIVE", "true"),
                    ("CKA_NEVER_EXTRACTABLE", "true"),
                    ("CKA_SENSITIVE", "true"),
                ] {
                    let a = get(name).unwrap_or_else(|| panic!("{name} missing: {key}"));
                    assert_eq!(a["value"], value, "{key}");
                    assert!(a["hex"].is_string(), "{a}");
                }
                assert_eq!(get("CKA_CLASS").unwrap()["type"], 0);
                for secret in [
                    "CKA_VALUE",
                    "CKA_PRIVATE_EXPONENT",
                    "CKA_PRIME_1",
                    "CKA_COEFFICIENT",
                ] {
                    assert!(get(secret).is_none(), "{secret} in {key}");
                }
            }
            // Certificates: the value and the names decoded.
            let leaf = all.iter().find(|i| i["source"]["label"] == "leaf").unwrap();
            let attrs = attributes(leaf);
            let subject = attrs.iter().find(|(n, _)| n == "CKA_SUBJECT").unwrap();
            assert_eq!(subject.1["value"], leaf["subject"], "{leaf}");
            assert!(attrs.iter().any(|(n, _)| n == "CKA_VALUE"));
            // Never asked for: the spy logs every template certscope sends.
            let log = std::fs::read_to_string(ctx.dir.join("spy.log")).unwrap();
            for secret in [
                "CKA_PRIVATE_EXPONENT",
                "CKA_PRIME_1",
                "CKA_PRIME_2",
                "CKA_COEFFICIENT",
            ] {
                assert!(!log.contains(secret), "{secret} asked for");
            }
            // The same through `token list --attributes`, in text.
            let o = ctx.token(
                "list",
                &["--attributes", "--pin", &pin, "--type", "privkey"],
            );
            ok(&o);
            let text = stdout(&o);
            assert!(
                text.contains("CKA_CLASS (0x0): CKO_PRIVATE_KEY [0300000000000000]"),
                "{text}"
            );
            assert!(text.contains("CKA_LOCAL (0x163): true [01]"), "{text}");
            // Without the flag, no attributes.
            let o = ctx.token("list", &["-f", "json"]);
            ok(&o);
            assert!(items(&json(&o))
                .iter()
                .all(|i| i["token"].get("attributes").is_none()));
        },
    );
}

/// `inspect` and `fingerprint` take `--module` and `--pin` for `pkcs11:` INPUTs (the
/// `--init-args` case is in token_nss.rs: SoftHSM takes no initialisation string).
#[test]
fn inspect_and_fingerprint_take_module_and_pin() {
    token_test(
        "inspect_and_fingerprint_take_module_and_pin",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, Contents::CERTS);
            let uri = format!(
                "pkcs11:token={TOKEN};object={}",
                support::softhsm::PRIVATE_CERT_LABEL
            );
            let run = |cmd: &str, pin: Option<&str>| {
                let mut c = ctx.certscope();
                c.args([cmd, "--module"]).arg(&ctx.module).arg(&uri);
                if let Some(p) = pin {
                    c.args(["--pin", p]);
                }
                c.output().unwrap()
            };
            let pin = format!("pass:{USER_PIN}");
            let o = run("fingerprint", Some(&pin));
            ok(&o);
            assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
            let o = run("inspect", Some(&pin));
            ok(&o);
            assert!(stdout(&o).contains("Private:      yes"), "{}", stdout(&o));
            // Without the PIN the private certificate is not seen.
            let o = run("fingerprint", None);
            assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
            // An empty PIN is refused before C_Login, as with the token commands.
            let o = run("inspect", Some("pass:"));
            assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
            // --help says where the options apply.
            for cmd in ["inspect", "fingerprint"] {
                let o = ctx.run(&[cmd, "--help"]);
                let help = stdout(&o);
                for needle in ["pkcs11: URI", "--module", "--pin", "--init-args"] {
                    assert!(help.contains(needle), "{cmd} --help lacks {needle}");
                }
            }
        },
    );
}
