//! Golden output of `chain`, `check` and `find`, in text and JSON, with exit status and
//! stderr. Review changes with `cargo insta review`.

use crate::support;

use support::{run, stderr, stdout};

fn render(args: &[&str]) -> String {
    let o = run(args);
    format!(
        "args: {}\nstatus: {}\n--- stderr\n{}--- stdout\n{}",
        args.join(" "),
        o.status.code().unwrap_or(-1),
        stderr(&o),
        stdout(&o)
    )
}

fn both(name: &str, args: &[&str]) {
    let text = render(args);
    insta::assert_snapshot!(format!("{name}__text"), text);
    let mut json_args = args.to_vec();
    json_args.extend_from_slice(&["--format", "json"]);
    let json = render(&json_args);
    let doc = json.split("--- stdout\n").nth(1).unwrap();
    let _: serde_json::Value =
        serde_json::from_str(doc).unwrap_or_else(|e| panic!("{name}: invalid JSON: {e}\n{doc}"));
    insta::assert_snapshot!(format!("{name}__json"), json);
}

#[test]
fn chain_reports() {
    for (name, roots, input) in [
        ("good", Some("root.pem"), "good.pem"),
        ("misordered", Some("root.pem"), "misordered.pem"),
        (
            "missing-intermediate",
            Some("root.pem"),
            "missing-intermediate.pem",
        ),
        ("cross-signed", Some("root.pem"), "cross-signed.pem"),
        (
            "cross-signed-old-root",
            Some("old-root.pem"),
            "cross-signed.pem",
        ),
        (
            "expired-intermediate",
            Some("root.pem"),
            "expired-intermediate.pem",
        ),
        ("bad-signature", Some("root.pem"), "bad-signature.pem"),
        ("pathlen-exceeded", Some("root.pem"), "pathlen-exceeded.pem"),
        (
            "extra-and-duplicate",
            Some("root.pem"),
            "extra-and-duplicate.pem",
        ),
        ("rsa-pss", Some("rsa-pss-root.pem"), "rsa-pss.pem"),
        ("ed448", Some("ed448-root.pem"), "ed448.pem"),
        ("root-in-input", None, "good-with-root.pem"),
    ] {
        let input = format!("fixtures/chains/{input}");
        let roots = roots.map(|r| format!("fixtures/chains/{r}"));
        let mut args = vec!["chain"];
        if let Some(r) = &roots {
            args.extend_from_slice(&["--roots", r]);
        }
        args.push(&input);
        both(&format!("chain_{name}"), &args);
    }
}

#[test]
fn validation_reports() {
    for (name, options, input) in [
        ("two-intermediates", &[][..], "two-intermediates.pem"),
        ("unknown-critical", &[], "unknown-critical.pem"),
        ("nc-dns-excluded", &[], "nc-dns-excluded.pem"),
        ("nc-self-issued", &[], "nc-self-issued.pem"),
        ("pathlen0-exceeded", &[], "pathlen0-exceeded.pem"),
        (
            "purpose-client",
            &["--purpose", "client", "--hostname", "valid.example"],
            "eku-server.pem",
        ),
        (
            "webpki-no-san",
            &["--profile", "webpki"],
            "webpki-no-san.pem",
        ),
    ] {
        let input = format!("fixtures/validation/{input}");
        let mut args = vec!["chain", "--roots", "fixtures/validation/root.pem"];
        args.extend_from_slice(options);
        args.push(&input);
        both(&format!("validation_{name}"), &args);
    }
}

#[test]
fn check_reports() {
    both("check_lint_fixtures", &["check", "-r", "fixtures/lint"]);
    both(
        "check_hostname_and_expiry",
        &[
            "check",
            "--hostname",
            "www.example.com",
            "--expires-within",
            "2w",
            "--fail-on",
            "warn",
            "fixtures/bundles/chain.pem",
            "fixtures/chains/pathlen-exceeded.pem",
        ],
    );
}

#[test]
fn find_reports() {
    both(
        "find_san",
        &[
            "find",
            "--san",
            "chain-leaf.example",
            "fixtures/chains/good.pem",
            "fixtures/chains/misordered.pem",
            "fixtures/chains/p384.pem",
        ],
    );
    both(
        "find_nothing",
        &["find", "--issuer", "CN=nobody", "fixtures/certs/leaf.pem"],
    );
}
