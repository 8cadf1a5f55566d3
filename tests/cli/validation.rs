//! `certscope chain` as a path validator (issue 15): verdicts agree with
//! `openssl verify` on every validation fixture (fixtures/validation/openssl-verdicts.txt),
//! each failure carries its documented problem code, every input certificate gets a
//! verdict whatever the input order, and the options (--hostname, --ip, --email, --purpose,
//! --max-depth, --profile) do what docs/chain.md says.

use crate::support;

use std::collections::BTreeMap;

use support::{run, stderr, stdout, NOW};

/// Where certscope and openssl are expected to differ, and why:
/// (input, certscope options, reason).
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "fraction-valid.pem",
        "-",
        "OpenSSL rejects a GeneralizedTime with fractional seconds as a format error; RFC \
         5280 §4.1.2.5.2 forbids them in certificates it issues but a validator must read \
         them, and issue 15 asks that …120000.999Z be valid at …120000Z",
    ),
    (
        "nc-cn-outside.pem",
        "-",
        "OpenSSL applies dNSName constraints to a CN that looks like a host name when there is \
         no SAN; RFC 5280 §4.2.1.10 does not, and certscope does so only with --profile webpki",
    ),
    (
        "eku-any.pem",
        "--purpose server",
        "RFC 5280 §4.2.1.12: anyExtendedKeyUsage allows any purpose; OpenSSL's sslserver \
         purpose does not accept it (the webpki profile does not either)",
    ),
];

/// (input, options, code, link, valid counterpart, its options).
type Failure = (
    &'static str,
    &'static [&'static str],
    &'static str,
    usize,
    &'static str,
    &'static [&'static str],
);

/// One row of openssl-verdicts.txt.
struct Row {
    input: String,
    roots: String,
    options: Vec<String>,
    openssl_ok: bool,
    error: String,
}

fn rows(dir: &str) -> Vec<Row> {
    let table = std::fs::read_to_string(support::root().join(dir).join("openssl-verdicts.txt"))
        .expect("openssl-verdicts.txt must exist");
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            // fixtures/chains has no options column.
            let (input, roots, options, verdict, error) = match cols.as_slice() {
                [i, r, v, e] => (*i, *r, "-", *v, *e),
                [i, r, o, v, e] => (*i, *r, *o, *v, *e),
                _ => panic!("bad line {line:?}"),
            };
            Row {
                input: format!("{dir}/{input}"),
                roots: format!("{dir}/{roots}"),
                options: if options == "-" {
                    Vec::new()
                } else {
                    options.split(' ').map(str::to_string).collect()
                },
                openssl_ok: verdict == "OK",
                error: error.to_string(),
            }
        })
        .collect()
}

fn chain(roots: &str, options: &[String], input: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["chain", "--roots", roots, "--at", NOW];
    args.extend(options.iter().map(String::as_str));
    args.extend_from_slice(extra);
    args.push(input);
    run(&args)
}

#[test]
fn verdicts_agree_with_openssl() {
    let mut checked = 0;
    for row in rows("fixtures/validation") {
        let o = chain(&row.roots, &row.options, &row.input, &[]);
        let certscope_ok = o.status.code() == Some(0);
        let name = row.input.trim_start_matches("fixtures/validation/");
        let opts = if row.options.is_empty() {
            "-".to_string()
        } else {
            row.options.join(" ")
        };
        let known = KNOWN_DIFFERENCES
            .iter()
            .any(|(i, o, _)| *i == name && *o == opts);
        if known {
            assert_ne!(
                certscope_ok, row.openssl_ok,
                "{name} [{opts}]: a known difference no longer differs; update KNOWN_DIFFERENCES"
            );
        } else {
            assert_eq!(
                certscope_ok,
                row.openssl_ok,
                "{name} [{opts}]: openssl says {} ({}), certscope says\n{}{}",
                row.openssl_ok,
                row.error,
                stdout(&o),
                stderr(&o)
            );
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} verdicts checked");
}

/// Each failing fixture fails with its documented code on the link that is wrong (leaf
/// is link 0); each has a valid counterpart that passes (with the same options, or those
/// given).
const FAILURES: &[Failure] = &[
    (
        "policy-required.pem",
        &[],
        "no-valid-policy",
        0,
        "policy.pem",
        &[],
    ),
    (
        "policy.pem",
        &[
            "--policy",
            "1.3.6.1.4.1.55555.1.3",
            "--require-explicit-policy",
        ],
        "no-valid-policy",
        0,
        "policy.pem",
        &[
            "--policy",
            "1.3.6.1.4.1.55555.1.1",
            "--require-explicit-policy",
        ],
    ),
    (
        "policy-any-inhibit.pem",
        &["--policy", "anyPolicy", "--require-explicit-policy"],
        "no-valid-policy",
        1,
        "policy-any.pem",
        &["--policy", "anyPolicy", "--require-explicit-policy"],
    ),
    (
        "two-intermediates.pem",
        &[],
        "expired",
        0,
        "two-intermediates-ok.pem",
        &[],
    ),
    (
        "unknown-critical.pem",
        &[],
        "unknown-critical-extension",
        0,
        "unknown-noncritical.pem",
        &[],
    ),
    (
        "unknown-critical-ca.pem",
        &[],
        "unknown-critical-extension",
        1,
        "good.pem",
        &[],
    ),
    ("issuer-ca-false.pem", &[], "not-a-ca", 1, "good.pem", &[]),
    (
        "issuer-no-basic-constraints.pem",
        &[],
        "not-a-ca",
        1,
        "good.pem",
        &[],
    ),
    (
        "issuer-no-keycertsign.pem",
        &[],
        "no-key-cert-sign",
        1,
        "good.pem",
        &[],
    ),
    (
        "pathlen0-exceeded.pem",
        &[],
        "path-length-exceeded",
        2,
        "pathlen0-self-issued.pem",
        &[],
    ),
    (
        "pathlen1-ok.pem",
        &["--max-depth", "1"],
        "max-depth-exceeded",
        2,
        "good.pem",
        &["--max-depth", "1"],
    ),
    (
        "namechain-order.pem",
        &[],
        "issuer-not-found",
        0,
        "namechain-case.pem",
        &[],
    ),
    (
        "fraction-expired.pem",
        &[],
        "expired",
        0,
        "fraction-valid.pem",
        &[],
    ),
    (
        "nc-cn-outside.pem",
        &["--profile", "webpki"],
        "name-not-permitted",
        0,
        "nc-ok.pem",
        &["--profile", "webpki"],
    ),
    (
        "nc-dns-outside.pem",
        &[],
        "name-not-permitted",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-dns-excluded.pem",
        &[],
        "name-excluded",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-ip-outside.pem",
        &[],
        "name-not-permitted",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-ip-excluded.pem",
        &[],
        "name-excluded",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-ipv6-outside.pem",
        &[],
        "name-not-permitted",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-email-outside.pem",
        &[],
        "name-not-permitted",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-email-excluded.pem",
        &[],
        "name-excluded",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-uri-outside.pem",
        &[],
        "name-not-permitted",
        0,
        "nc-ok.pem",
        &[],
    ),
    (
        "nc-dirname-outside.pem",
        &[],
        "name-not-permitted",
        0,
        "nc-self-issued.pem",
        &[],
    ),
    (
        "good.pem",
        &["--hostname", "other.example"],
        "hostname-mismatch",
        0,
        "good.pem",
        &["--hostname", "valid.example"],
    ),
    (
        "good.pem",
        &["--ip", "2001:db8::1"],
        "ip-mismatch",
        0,
        "good.pem",
        &["--ip", "192.0.2.10"],
    ),
    (
        "good.pem",
        &["--email", "User@valid.example"],
        "email-mismatch",
        0,
        "good.pem",
        &["--email", "user@valid.example"],
    ),
    (
        "eku-server.pem",
        &["--purpose", "client"],
        "purpose-mismatch",
        0,
        "good.pem",
        &["--purpose", "client"],
    ),
    (
        "eku-server.pem",
        &["--purpose", "code-signing"],
        "purpose-mismatch",
        0,
        "eku-others.pem",
        &["--purpose", "code-signing"],
    ),
    (
        "eku-server.pem",
        &["--purpose", "email"],
        "purpose-mismatch",
        0,
        "eku-others.pem",
        &["--purpose", "email"],
    ),
    (
        "eku-others.pem",
        &["--purpose", "time-stamping"],
        "time-stamping-eku",
        0,
        "eku-time-stamping.pem",
        &["--purpose", "time-stamping"],
    ),
    (
        "eku-server.pem",
        &["--purpose", "ocsp-signing"],
        "purpose-mismatch",
        0,
        "eku-others.pem",
        &["--purpose", "ocsp-signing"],
    ),
    (
        "eku-any.pem",
        &["--purpose", "server", "--profile", "webpki"],
        "any-eku",
        0,
        "eku-server.pem",
        &["--purpose", "server", "--profile", "webpki"],
    ),
    (
        "webpki-rsa1024.pem",
        &["--profile", "webpki"],
        "rsa-key-too-small",
        0,
        "webpki-rsa2048.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-p521.pem",
        &["--profile", "webpki"],
        "curve-not-allowed",
        0,
        "good.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-no-san.pem",
        &["--profile", "webpki"],
        "san-missing",
        0,
        "good.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-leaf-ca.pem",
        &["--profile", "webpki"],
        "leaf-is-ca",
        0,
        "good.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-serial-zero.pem",
        &["--profile", "webpki"],
        "serial-not-positive",
        0,
        "good.pem",
        &["--profile", "webpki"],
    ),
];

fn json_run(input: &str, options: &[&str]) -> (Option<i32>, serde_json::Value) {
    json_run_in("fixtures/validation", "root.pem", input, options)
}

/// `chain -f json` over `dir/input` with `dir/roots` as anchors.
fn json_run_in(
    dir: &str,
    roots: &str,
    input: &str,
    options: &[&str],
) -> (Option<i32>, serde_json::Value) {
    let input = format!("{dir}/{input}");
    let roots = format!("{dir}/{roots}");
    let mut args = vec!["chain", "--roots", &roots, "--at", NOW, "-f", "json"];
    args.extend_from_slice(options);
    args.push(&input);
    let o = run(&args);
    (o.status.code(), serde_json::from_slice(&o.stdout).unwrap())
}

/// (input, roots, options, code, link, valid counterpart, its options).
type MoreFailure = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    usize,
    &'static str,
    &'static [&'static str],
);

/// fixtures/validation-more (scripts/gen-validation-more-fixtures.sh).
const MORE_FAILURES: &[MoreFailure] = &[
    (
        "pss-salt20-forged.pem",
        "pss-salt20-root.pem",
        &[],
        "signature-invalid",
        0,
        "pss-salt20.pem",
        &[],
    ),
    (
        "webpki-ca-ku-noncritical.pem",
        "root.pem",
        &["--profile", "webpki"],
        "ca-key-usage-not-critical",
        1,
        "webpki-ok.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-ca-no-ski.pem",
        "root.pem",
        &["--profile", "webpki"],
        "ski-missing",
        1,
        "webpki-ok.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-leaf-no-aki.pem",
        "root.pem",
        &["--profile", "webpki"],
        "aki-missing",
        0,
        "webpki-ok.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-ca-eku-any.pem",
        "root.pem",
        &["--profile", "webpki"],
        "ca-eku",
        1,
        "webpki-ca-eku-server.pem",
        &["--profile", "webpki"],
    ),
    (
        "webpki-ca-eku-client.pem",
        "root.pem",
        &["--profile", "webpki", "--purpose", "server"],
        "ca-eku",
        1,
        "webpki-ca-eku-server.pem",
        &["--profile", "webpki", "--purpose", "server"],
    ),
];

#[test]
fn more_verdicts_agree_with_openssl() {
    let rows = rows("fixtures/validation-more");
    for row in &rows {
        let o = chain(&row.roots, &row.options, &row.input, &[]);
        assert_eq!(
            o.status.code() == Some(0),
            row.openssl_ok,
            "{} {:?}: openssl says {} ({}), certscope says\n{}{}",
            row.input,
            row.options,
            row.openssl_ok,
            row.error,
            stdout(&o),
            stderr(&o)
        );
    }
    assert!(rows.len() >= 7, "only {} verdicts checked", rows.len());
}

#[test]
fn pss_salts_other_than_the_digest_length_are_verified() {
    for name in ["pss-salt0", "pss-salt20", "pss-salt48", "pss-sha384-salt20"] {
        let (status, v) = json_run_in(
            "fixtures/validation-more",
            &format!("{name}-root.pem"),
            &format!("{name}.pem"),
            &[],
        );
        assert_eq!(status, Some(0), "{name}: {v}");
        for link in v["chains"][0]["links"].as_array().unwrap() {
            if link["anchor"] == false {
                assert_eq!(link["signature"], "verified", "{name}: {link}");
            }
        }
    }
    // Without the webpki rules, the CA rules' fixtures are all valid.
    for (input, roots, ..) in MORE_FAILURES.iter().filter(|f| f.1 == "root.pem") {
        let (status, v) = json_run_in("fixtures/validation-more", roots, input, &[]);
        assert_eq!(status, Some(0), "{input} without --profile webpki: {v}");
    }
}

#[test]
fn every_failure_has_its_code_and_a_valid_counterpart() {
    for (input, roots, options, code, link, counterpart, counterpart_options) in MORE_FAILURES {
        let dir = "fixtures/validation-more";
        let (status, v) = json_run_in(dir, roots, input, options);
        assert_eq!(status, Some(1), "{input} {options:?} must fail: {v}");
        let chain = v["chains"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["valid"] == false)
            .unwrap_or_else(|| panic!("{input}: no invalid chain"));
        let problems = chain["links"][*link]["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["code"] == *code),
            "{input} {options:?}: link {link} lacks {code}: {problems:?}"
        );
        let (status, v) = json_run_in(dir, roots, counterpart, counterpart_options);
        assert_eq!(
            status,
            Some(0),
            "{counterpart} (counterpart of {input}): {v}"
        );
    }
    for (input, options, code, link, counterpart, counterpart_options) in FAILURES {
        let (status, v) = json_run(input, options);
        assert_eq!(status, Some(1), "{input} {options:?} must fail");
        assert_eq!(v["valid"], false);
        let chain = v["chains"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["valid"] == false)
            .unwrap_or_else(|| panic!("{input}: no invalid chain"));
        let problems = chain["links"][*link]["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["code"] == *code),
            "{input} {options:?}: link {link} lacks {code}: {problems:?}"
        );
        for p in problems {
            assert!(p["message"].as_str().is_some_and(|m| !m.is_empty()));
            assert!(p["clause"].as_str().is_some_and(|c| !c.is_empty()));
        }
        let (status, v) = json_run(counterpart, counterpart_options);
        assert_eq!(
            status,
            Some(0),
            "{counterpart} {counterpart_options:?} (counterpart of {input}) must pass: {v}"
        );
        assert_eq!(v["valid"], true);
        assert!(v["chains"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["valid"] == true));
    }
}

#[test]
fn every_code_is_documented_and_exercised() {
    let doc = std::fs::read_to_string(support::root().join("docs/chain.md")).unwrap();
    let exercised: Vec<&str> = FAILURES
        .iter()
        .map(|f| f.2)
        .chain(MORE_FAILURES.iter().map(|f| f.3))
        .collect();
    for (code, clause, _) in certscope::analysis::validation::CODES {
        assert!(
            doc.contains(&format!("| `{code}` | {clause} |")),
            "docs/chain.md lacks the row of {code}"
        );
        // Codes the chain fixtures (tests/cli/chain.rs, snapshots) exercise instead.
        let elsewhere = [
            // src/policy.rs unit tests (openssl cannot be asked for these certificates).
            "any-policy-mapped",
            "policy-tree-too-large",
            "signature-invalid",
            "signature-not-checked",
            "not-yet-valid",
            "untrusted-root",
            // tests/cli/revocation.rs (fixtures/revocation).
            "revoked",
            "revocation-unknown",
        ];
        assert!(
            exercised.contains(code) || elsewhere.contains(code),
            "{code} has no failing fixture here"
        );
    }
}

/// Every chain fixture whose rows (with the options of the row) end in a verdict: the
/// verdict of every certificate that starts a path, keyed by its subject and serial.
fn verdicts(roots: &str, options: &[String], input: &str) -> (Option<i32>, BTreeMap<String, bool>) {
    let o = chain(roots, options, input, &["-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{input}: {e}: {}", stdout(&o)));
    let mut out = BTreeMap::new();
    for c in v["chains"].as_array().unwrap() {
        let leaf = &c["links"][0];
        out.insert(
            format!("{} #{}", leaf["subject"], leaf["serial"]),
            c["valid"].as_bool().unwrap(),
        );
    }
    (o.status.code(), out)
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for at in 0..=p.len() {
            let mut q = p.clone();
            q.insert(at, n - 1);
            out.push(q);
        }
    }
    out
}

fn pem_blocks(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(support::root().join(path)).unwrap();
    text.split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|b| b.contains("-----BEGIN"))
        .map(str::to_string)
        .collect()
}

#[test]
fn verdicts_do_not_depend_on_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = 0;
    for row in rows("fixtures/chains")
        .into_iter()
        .chain(rows("fixtures/validation"))
    {
        let blocks = pem_blocks(&row.input);
        let (status, want) = verdicts(&row.roots, &row.options, &row.input);
        for order in permutations(blocks.len()) {
            let file = dir.path().join("permuted.pem");
            let text: String = order.iter().map(|&i| blocks[i].as_str()).collect();
            std::fs::write(&file, text).unwrap();
            let (got_status, got) = verdicts(&row.roots, &row.options, file.to_str().unwrap());
            assert_eq!(
                (got_status, &got),
                (status, &want),
                "{} [{}] in the order {order:?}",
                row.input,
                row.options.join(" ")
            );
            runs += 1;
        }
    }
    assert!(runs >= 150, "only {runs} permuted runs");
}

#[test]
fn two_intermediates_each_get_a_verdict() {
    // The example: two CA certificates and no leaf. Both start a path, the expired
    // one fails, in either order; neither is "unneeded".
    let (status, v) = json_run("two-intermediates.pem", &[]);
    assert_eq!(status, Some(1));
    let chains = v["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 2);
    assert_eq!(chains[0]["valid"], true);
    assert_eq!(chains[1]["valid"], false);
    assert_eq!(v["unneeded"], serde_json::json!([]));
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/validation/root.pem",
        "--at",
        NOW,
        "fixtures/validation/two-intermediates.pem",
    ]);
    let text = stdout(&o);
    assert!(text.contains("Chain 2 of 2: INCOMPLETE"), "{text}");
    assert!(
        text.contains("[expired; RFC 5280 §6.1.3 (a)(2)]"),
        "the text names the code and the clause: {text}"
    );
}

#[test]
fn options_for_the_leaf_pass_when_met() {
    for options in [
        &["--hostname", "VALID.example."][..],
        &["--hostname", "x.wild.valid.example"],
        &["--ip", "192.0.2.10"],
        &["--email", "user@VALID.example"],
        &["--purpose", "server"],
        &["--purpose", "client"],
        &["--purpose", "any"],
        &["--max-depth", "1"],
        &["--max-depth", "18446744073709551615"],
        &["--profile", "webpki", "--hostname", "valid.example"],
    ] {
        let (status, v) = json_run("good.pem", options);
        assert_eq!(status, Some(0), "{options:?}: {v}");
        assert_eq!(
            v["profile"],
            if options[0] == "--profile" {
                "webpki"
            } else {
                "rfc5280"
            }
        );
    }
    for (input, purpose) in [
        ("eku-others.pem", "code-signing"),
        ("eku-others.pem", "email"),
        ("eku-others.pem", "ocsp-signing"),
        ("eku-none.pem", "time-stamping"),
        ("eku-any.pem", "server"),
    ] {
        let (status, v) = json_run(input, &["--purpose", purpose]);
        let want = if purpose == "time-stamping" { 1 } else { 0 };
        assert_eq!(status, Some(want), "{input} --purpose {purpose}: {v}");
    }
}

#[test]
fn the_policy_set_is_shown() {
    let (status, v) = json_run(
        "policy-mapped.pem",
        &[
            "--policy",
            "1.3.6.1.4.1.55555.1.1",
            "--require-explicit-policy",
        ],
    );
    assert_eq!(status, Some(0), "{v}");
    assert_eq!(
        v["chains"][0]["policies"],
        serde_json::json!(["1.3.6.1.4.1.55555.1.9"])
    );
    // No policy extension and no policy option: nothing to say.
    let (_, v) = json_run("good.pem", &[]);
    assert!(v["chains"][0].get("policies").is_none());
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/validation/root.pem",
        "--policy",
        "1.3.6.1.4.1.55555.1.3",
        "fixtures/validation/policy.pem",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "not required: an empty set is not a failure"
    );
    assert!(stdout(&o).contains("Policies:     none (the valid policy tree is empty)"));
}

#[test]
fn bad_option_values_are_usage_errors() {
    for args in [
        &[
            "chain",
            "--purpose",
            "everything",
            "fixtures/validation/good.pem",
        ][..],
        &[
            "chain",
            "--profile",
            "strict",
            "fixtures/validation/good.pem",
        ],
        &["chain", "--ip", "not-an-ip", "fixtures/validation/good.pem"],
        &["chain", "--max-depth", "-1", "fixtures/validation/good.pem"],
        &["chain", "--policy", "1.2.x", "fixtures/validation/good.pem"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
