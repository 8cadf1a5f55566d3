//! RFC 7512 `pkcs11:` URIs as INPUTs of `inspect` and `fingerprint`, the p11-kit trust
//! module checked against the system CA bundle, and a listing cross-checked with OpenSC's
//! pkcs11-tool. Real modules only (see support/softhsm.rs).

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use support::softhsm::{
    self as harness, populate, token_test, ChildContext, Contents, PRIVATE_CERT_LABEL, USER_PIN,
};
use support::{json, ok, slot_labelled, stderr, stdout};

/// A label with a space and a '#', so that URIs need percent-encoding.
const TOKEN: &str = "cert scope#1";
const TOKEN_ENCODED: &str = "cert%20scope%231";

/// The first digest of each `certscope fingerprint` line.
fn digests(o: &Output) -> Vec<String> {
    stdout(o)
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect()
}

fn uri(ctx: &ChildContext, path: &str) -> String {
    format!("pkcs11:{path}?module-path={}", ctx.module_str())
}

#[test]
fn inspect_and_fingerprint_read_uris_like_files() {
    token_test(
        "inspect_and_fingerprint_read_uris_like_files",
        &[TOKEN],
        |ctx| {
            let fixtures = populate(&ctx.softhsm, TOKEN, Contents::CERTS);
            let leaf_uri = uri(ctx, &format!("token={TOKEN_ENCODED};object=leaf;type=cert"));
            let file = support::run(&["fingerprint", "fixtures/certs/leaf.pem"]);
            ok(&file);
            let o = ctx.run(&["fingerprint", "--allow-uri-module", &leaf_uri]);
            ok(&o);
            assert_eq!(digests(&o), digests(&file));
            // The line names the object by its own URI, then the subject.
            let line = stdout(&o);
            assert!(
                line.contains(&format!("token={TOKEN_ENCODED};id=%")),
                "{line}"
            );
            assert!(line.trim_end().ends_with("C=US"), "{line}");

            // inspect --format json: the same item as from the file, with a token source.
            let o = ctx.run(&[
                "inspect",
                "--allow-uri-module",
                "--format",
                "json",
                &leaf_uri,
            ]);
            ok(&o);
            let v = json(&o);
            let item = &v["items"][0];
            let f = json(&support::run(&[
                "inspect",
                "-f",
                "json",
                "fixtures/certs/leaf.pem",
            ]));
            let from_file = &f["items"][0];
            for key in [
                "kind",
                "subject",
                "issuer",
                "serial",
                "fingerprints",
                "spki_sha256",
                "pem",
                "extensions",
            ] {
                assert_eq!(item[key], from_file[key], "{key}");
            }
            let source = &item["source"];
            assert_eq!(source["token"], TOKEN);
            assert_eq!(source["label"], "leaf");
            assert_eq!(source["private"], false);
            let leaf = fixtures.iter().find(|c| c.label == "leaf").unwrap();
            assert_eq!(source["id"], hex::encode(&leaf.id));
            assert_eq!(item["token"]["category"], "token_user");
            assert_eq!(item["token"]["trusted"], false);
            assert!(item["pem_label"].is_null());

            // The URI an item shows finds that item again.
            let printed = source["uri"].as_str().unwrap();
            let o = ctx.run(&["fingerprint", "--allow-uri-module", printed]);
            ok(&o);
            assert_eq!(digests(&o), digests(&file));

            // By id (percent-encoded bytes), by serial and slot-id of the token.
            let id = leaf
                .id
                .iter()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>();
            let o = ctx.run(&[
                "fingerprint",
                "--allow-uri-module",
                &uri(ctx, &format!("token={TOKEN_ENCODED};id={id}")),
            ]);
            ok(&o);
            assert_eq!(digests(&o), digests(&file));
            let slots = json(&ctx.token("slots", &["-f", "json"]));
            let ours = slot_labelled(&slots, TOKEN);
            let serial = ours["token"]["serial"].as_str().unwrap();
            let slot = ours["id"].as_u64().unwrap();
            for path in [
                format!("serial={serial};object=leaf"),
                format!("slot-id={slot};object=leaf"),
            ] {
                let o = ctx.run(&["fingerprint", "--allow-uri-module", &uri(ctx, &path)]);
                ok(&o);
                assert_eq!(digests(&o), digests(&file), "{path}");
            }

            // A URI for the whole token: every public object, one line each.
            let o = ctx.run(&[
                "fingerprint",
                "--allow-uri-module",
                &uri(ctx, &format!("token={TOKEN_ENCODED}")),
            ]);
            ok(&o);
            assert_eq!(
                o.stdout.iter().filter(|b| **b == b'\n').count(),
                fixtures.len()
            );

            // Files and URIs mix in one command, in order.
            let o = ctx.run(&[
                "fingerprint",
                "--allow-uri-module",
                "fixtures/certs/root-ca.pem",
                &leaf_uri,
                "fixtures/certs/leaf.pem",
            ]);
            ok(&o);
            let d = digests(&o);
            assert_eq!(d.len(), 3);
            assert_eq!(d[1], d[2]);

            // --format pem re-emits the certificate.
            let o = ctx.run(&[
                "inspect",
                "--allow-uri-module",
                "--format",
                "pem",
                &leaf_uri,
            ]);
            ok(&o);
            assert_eq!(harness::pem_decode(&stdout(&o)).unwrap(), leaf.der);
        },
    );
}

#[test]
fn uri_pins_and_errors() {
    token_test("uri_pins_and_errors", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let private = format!("token={TOKEN_ENCODED};object={PRIVATE_CERT_LABEL}");
        // No PIN in the URI: no login, the private certificate is not there.
        let o = ctx.run(&["fingerprint", "--allow-uri-module", &uri(ctx, &private)]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("no object matches this URI"),
            "{}",
            stderr(&o)
        );
        // pin-value.
        let with_pin = format!("{}&pin-value={USER_PIN}", uri(ctx, &private));
        let o = ctx.run(&["fingerprint", "--allow-uri-module", &with_pin]);
        ok(&o);
        assert_eq!(digests(&o).len(), 1);
        // pin-source: a file, as file: URI or path.
        let pin_file = ctx.dir.join("pin.txt");
        std::fs::write(&pin_file, format!("{USER_PIN}\n")).unwrap();
        for source in [
            format!("file:{}", pin_file.display()),
            format!("file://{}", pin_file.display()),
            pin_file.display().to_string(),
        ] {
            let u = format!("{}&pin-source={source}", uri(ctx, &private));
            let o = ctx.run(&["fingerprint", "--allow-uri-module", &u]);
            ok(&o);
        }
        // A command as pin-source is refused, not run.
        let u = format!("{}&pin-source=%7C/bin/echo%201111", uri(ctx, &private));
        let o = ctx.run(&["fingerprint", "--allow-uri-module", &u]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("not run"), "{}", stderr(&o));
        // Wrong pin-value: the CKR sentence, located at the token, the PIN never shown.
        let u = format!("{}&pin-value=98765", uri(ctx, &private));
        let o = ctx.run(&["inspect", "--allow-uri-module", &u]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains("CKR_PIN_INCORRECT"), "{err}");
        assert!(!err.contains("98765"), "{err}");
        // Malformed and unknown attributes.
        for (bad, want) in [
            (
                "pkcs11:tokn=x",
                "unknown PKCS#11 URI path attribute \"tokn\"",
            ),
            ("pkcs11:token=%zz", "bad percent-encoding"),
            ("pkcs11:type=certificate", "not one of cert"),
        ] {
            let o = ctx.run(&["inspect", bad]);
            assert_eq!(o.status.code(), Some(2), "{bad}");
            assert!(stderr(&o).contains(want), "{bad}: {}", stderr(&o));
        }
        // A URI's pin-value never reaches an error message.
        let o = ctx.run(&["inspect", "pkcs11:tokn=x?pin-value=secret-pin"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(!stderr(&o).contains("secret-pin"), "{}", stderr(&o));
        // A token that is not there.
        let o = ctx.run(&["inspect", "--allow-uri-module", &uri(ctx, "token=nope")]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("no token matches token \"nope\""),
            "{}",
            stderr(&o)
        );
        // JSON: the failure is in the document's errors.
        let o = ctx.run(&[
            "inspect",
            "--allow-uri-module",
            "-f",
            "json",
            &uri(ctx, "token=nope"),
        ]);
        assert_eq!(o.status.code(), Some(2));
        let v = json(&o);
        assert_eq!(v["items"], Value::Array(vec![]));
        assert!(v["errors"][0]["source"]
            .as_str()
            .unwrap()
            .starts_with("pkcs11:token=nope"));
    });
}

#[test]
fn uri_module_name_and_environment() {
    token_test("uri_module_name_and_environment", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let path = format!("pkcs11:token={TOKEN_ENCODED};object=leaf");
        // module-name: the module p11-kit registers as softhsm2 (Debian's softhsm2 package).
        if Path::new("/usr/share/p11-kit/modules/softhsm2.module").is_file() {
            let o = ctx.run(&["fingerprint", &format!("{path}?module-name=softhsm2")]);
            ok(&o);
        }
        let o = ctx.run(&["fingerprint", &format!("{path}?module-name=no-such-module")]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("no PKCS#11 module named \"no-such-module\""),
            "{}",
            stderr(&o)
        );
        // CERTSCOPE_PKCS11_MODULE when the URI names none.
        let o = ctx
            .certscope()
            .env("CERTSCOPE_PKCS11_MODULE", &ctx.module)
            .args(["fingerprint", &path])
            .output()
            .unwrap();
        ok(&o);
    });
}

#[test]
fn p11_kit_trust_matches_the_system_bundle() {
    let module = harness::P11KIT_TRUST;
    let bundle = "/etc/ssl/certs/ca-certificates.crt";
    let missing: Vec<String> = [module, bundle]
        .iter()
        .filter(|p| !Path::new(p).is_file())
        .map(|p| p.to_string())
        .collect();
    if !harness::check_tools("p11_kit_trust_matches_the_system_bundle", &missing) {
        return;
    }
    // No SoftHSM here: the trust module reads the system store, no environment needed.
    let o = support::run(&["token", "slots", "--module", module, "-f", "json"]);
    ok(&o);
    let v = json(&o);
    let system = slot_labelled(&v, "System Trust");
    let flags = system["token"]["flags"].as_array().unwrap();
    assert!(
        !flags.contains(&"login_required".into()),
        "listable without a PIN"
    );
    assert!(flags.contains(&"write_protected".into()));

    let list = |rest: &[&str]| {
        let token = [
            "token",
            "list",
            "--module",
            module,
            "--token",
            "System Trust",
        ];
        let o = support::run(&[&token[..], rest, &["-f", "json"]].concat());
        ok(&o);
        json(&o)
    };
    let v = list(&["--type", "cert"]);
    let items = v["items"].as_array().unwrap();
    assert!(
        !items.is_empty(),
        "no CA certificates (ca-certificates not installed?)"
    );
    let ours: BTreeSet<String> = items
        .iter()
        .map(|i| i["fingerprints"]["sha256"].as_str().unwrap().to_string())
        .collect();
    assert!(items.iter().all(|i| i["source"]["private"] == false));
    assert!(items.iter().all(|i| i["token"]["category"] == "authority"));
    assert!(items.iter().any(|i| i["token"]["trusted"] == true));
    // certscope's own fingerprints of the bundle the token is built from.
    let o = support::run(&["fingerprint", "--encoding", "hex", bundle]);
    ok(&o);
    let bundle_digests: BTreeSet<String> = digests(&o).into_iter().collect();
    assert_eq!(ours.len(), items.len(), "duplicate certificates");
    assert_eq!(ours, bundle_digests);

    // Everything, vendor classes (NSS trust objects) included, without failing.
    let all = list(&[])["items"].as_array().unwrap().clone();
    assert!(all.len() > items.len());
    assert!(all.iter().any(|i| i["class"] == "other"));
    // And a trust-module certificate by URI.
    let first = items[0]["source"]["uri"].as_str().unwrap();
    let o = support::run(&[
        "fingerprint",
        "--allow-uri-module",
        "--encoding",
        "hex",
        first,
    ]);
    ok(&o);
    assert_eq!(
        digests(&o)[0],
        items[0]["fingerprints"]["sha256"].as_str().unwrap()
    );
}

#[test]
fn listing_matches_pkcs11_tool() {
    let mut missing = Vec::new();
    harness::tool("pkcs11-tool", &mut missing);
    if !harness::check_tools("listing_matches_pkcs11_tool", &missing) {
        return;
    }
    token_test("listing_matches_pkcs11_tool", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        for login in [false, true] {
            let mut args = vec!["--type", "cert", "-f", "json"];
            let pin = format!("pass:{USER_PIN}");
            if login {
                args.extend(["--pin", pin.as_str()]);
            }
            let o = ctx.token("list", &args);
            ok(&o);
            let ours: BTreeSet<(String, String)> = json(&o)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["source"]["label"].as_str().unwrap().to_string(),
                        i["source"]["id"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            // SOFTHSM2_CONF is in this child's environment, so pkcs11-tool inherits it.
            let mut cmd = Command::new("pkcs11-tool");
            cmd.arg("--module").arg(&ctx.softhsm).args([
                "--token-label",
                TOKEN,
                "--list-objects",
                "--type",
                "cert",
            ]);
            if login {
                cmd.args(["--login", "--pin", USER_PIN]);
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let theirs = harness::pkcs11_tool_certs(&String::from_utf8_lossy(&out.stdout));
            assert_eq!(ours, theirs, "login: {login}");
            assert_eq!(
                ours.len(),
                harness::fixture_certs().len() + usize::from(login)
            );
        }
    });
}
