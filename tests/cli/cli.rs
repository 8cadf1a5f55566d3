//! Behaviour of the command line: exit codes, error lines, inputs, encodings, help.

use crate::support;

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{certscope, run, run_stdin, stderr, stdout};

#[test]
fn directory_needs_r() {
    let o = run(&["inspect", "fixtures/certs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("certscope: fixtures/certs: is a directory; add -r"));
    let o = run(&["fingerprint", "-r", "fixtures/certs"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).lines().count() >= 10);
}

#[test]
fn missing_file_is_exit_2_and_others_still_print() {
    let o = run(&["inspect", "no-such-file.pem", "fixtures/certs/root-ca.pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("certscope: no-such-file.pem: cannot read:"));
    assert!(stdout(&o).contains("Certscope Test Root CA"));
}

#[test]
fn usage_error_is_exit_2() {
    let o = run(&["inspect", "--format", "yaml", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "fingerprint",
        "--password",
        "hunter2",
        "fixtures/certs/leaf.pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !stderr(&o).contains("hunter2"),
        "a bad secret spec must not be echoed"
    );
}

/// A format that would drop what the command shows is refused before anything is read
/// (docs/formats.md): PEM has no place for token attributes. Both were accepted, and wrote
/// the objects' PEM without their attributes.
#[cfg(feature = "pkcs11")]
#[test]
fn formats_that_would_lose_the_output_are_usage_errors() {
    let o = run(&["token", "dump", "--format", "pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid value 'pem'"), "{}", stderr(&o));
    let o = run(&["token", "list", "--attributes", "--format", "pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--attributes cannot be written as PEM"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn stdin_is_the_default_input() {
    let pem = std::fs::read(support::root().join("fixtures/certs/leaf.pem")).unwrap();
    let o = run_stdin(&["fingerprint", "--encoding", "hex"], &pem);
    assert!(o.status.success());
    let line = stdout(&o);
    assert!(line.starts_with("sha256 9415731d"), "{line}");
    assert!(line.contains("  -  "), "{line}");
}

#[test]
fn fingerprint_encodings() {
    let leaf = "fixtures/certs/leaf.pem";
    let hex = stdout(&run(&["fingerprint", "--encoding", "hex", leaf]));
    let upper = stdout(&run(&["fingerprint", "--encoding", "hex-upper", leaf]));
    let colon = stdout(&run(&["fingerprint", leaf]));
    let h = hex.split_whitespace().nth(1).unwrap();
    assert_eq!(h.len(), 64);
    assert_eq!(upper.split_whitespace().nth(1).unwrap(), h.to_uppercase());
    assert_eq!(
        colon.split_whitespace().nth(1).unwrap().replace(':', ""),
        h.to_uppercase()
    );
    // --spki --encoding base64 is the pin-sha256 value; the key and the cert share it.
    let pin_cert = stdout(&run(&[
        "fingerprint",
        "--spki",
        "--encoding",
        "base64",
        leaf,
    ]));
    let pin_key = stdout(&run(&[
        "fingerprint",
        "--spki",
        "--encoding",
        "base64",
        "fixtures/keys/p256.pem",
    ]));
    assert!(pin_cert.starts_with("spki-sha256 23VezYANDKc1fpnpS9ljYyQUCvifLljMQlIITFZ0dEs="));
    assert_eq!(
        pin_cert.split_whitespace().nth(1),
        pin_key.split_whitespace().nth(1)
    );
    // Several hashes: one line each, labelled.
    let many = stdout(&run(&[
        "fingerprint",
        "--hash",
        "sha1",
        "--hash",
        "sha512",
        "--hash",
        "md5",
        leaf,
    ]));
    let labels: Vec<&str> = many.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(labels, ["sha1", "sha512", "md5"]);
}

#[test]
fn index_shown_only_for_multi_item_inputs() {
    let one = stdout(&run(&["fingerprint", "fixtures/certs/leaf.pem"]));
    assert!(one.contains("  fixtures/certs/leaf.pem  "), "{one}");
    let many = stdout(&run(&["fingerprint", "fixtures/bundles/chain.pem"]));
    let places: Vec<&str> = many
        .lines()
        .map(|l| l.split("  ").nth(1).unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "fixtures/bundles/chain.pem#0",
            "fixtures/bundles/chain.pem#1",
            "fixtures/bundles/chain.pem#2"
        ]
    );
}

#[test]
fn private_keys_are_never_printed() {
    for f in [
        "fixtures/keys/rsa-2048.pem",
        "fixtures/keys/p256-sec1.pem",
        "fixtures/keys/ed25519.pem",
    ] {
        let secret_b64: String = std::fs::read_to_string(support::root().join(f))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        for format in ["text", "json", "pem"] {
            let o = run(&["inspect", "--format", format, f]);
            let out = stdout(&o);
            assert!(
                !out.contains(&secret_b64[..40]),
                "{f} {format} leaks key material"
            );
        }
        let o = run(&["inspect", "--format", "pem", f]);
        assert!(
            stdout(&o).is_empty(),
            "PEM output of a private key must be empty"
        );
    }
}

#[test]
fn pem_output_extracts_pkcs12_certificates() {
    let o = run(&[
        "inspect",
        "--format",
        "pem",
        "--password",
        "pass:test",
        "fixtures/pkcs12/leaf-aes.p12",
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(out.matches("-----BEGIN CERTIFICATE-----").count(), 3);
    assert!(!out.contains("PRIVATE KEY"));
    // Round trip: the PEM output reads back as the same three certificates.
    let back = run_stdin(&["fingerprint", "-"], out.as_bytes());
    assert_eq!(stdout(&back).lines().count(), 3);
}

#[test]
fn wrong_password_is_a_clear_error() {
    let o = run(&[
        "inspect",
        "--password",
        "pass:nope",
        "fixtures/pkcs12/leaf-aes.p12",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("wrong password for PKCS#12 file"),
        "{}",
        stderr(&o)
    );
    let o = run(&["inspect", "fixtures/pkcs12/leaf-aes.p12"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give one with --password"));
    let o = run(&["inspect", "fixtures/pkcs12/leaf-nopass.p12"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn password_specs_env_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "test\nignored second line\n").unwrap();
    let spec = format!("file:{}", pw.display());
    let o = run(&[
        "inspect",
        "--password",
        &spec,
        "fixtures/pkcs12/leaf-3des.p12",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = certscope()
        .args([
            "inspect",
            "--password",
            "env:CS_TEST_PW",
            "fixtures/keys/p256-pkcs8-aes.pem",
        ])
        .env("CS_TEST_PW", "test")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(stdout(&o).contains("decrypted with the given password"));
}

#[test]
fn encrypted_key_without_password_is_reported_not_failed() {
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "fixtures/keys/p256-pkcs8-aes.pem",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["items"][0]["encrypted"], true);
    assert_eq!(v["items"][0]["format"], "pkcs8-encrypted");
    assert!(v["items"][0]["encryption"]
        .as_str()
        .unwrap()
        .contains("AES-256-CBC"));
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "fixtures/keys/rsa-legacy-aes.pem",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["items"][0]["format"], "legacy-encrypted");
    assert!(v["items"][0]["encryption"]
        .as_str()
        .unwrap()
        .starts_with("AES-128-CBC"));
}

#[test]
fn copy_paste_forms_decode_to_the_same_certificate() {
    let want = stdout(&run(&[
        "fingerprint",
        "--encoding",
        "hex",
        "fixtures/certs/leaf.pem",
    ]));
    let want = want.split_whitespace().nth(1).unwrap().to_string();
    for f in [
        "fixtures/bundles/indented.yaml",
        "fixtures/bundles/indented-tabs.txt",
        "fixtures/bundles/in-json.json",
        "fixtures/bundles/k8s-tls-crt.b64",
        "fixtures/bundles/chain-crlf.pem",
        "fixtures/certs/leaf.der",
        "fixtures/certs/x509-certificate-label.pem",
    ] {
        let o = run(&["fingerprint", "--encoding", "hex", f]);
        assert!(o.status.success(), "{f}: {}", stderr(&o));
        assert_eq!(
            stdout(&o).split_whitespace().nth(1),
            Some(want.as_str()),
            "{f}"
        );
    }
}

#[test]
fn ber_pkcs7_yields_its_certificates() {
    let o = run(&["fingerprint", "fixtures/pkcs7/signed-ber.p7s"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn broken_pipe_is_quiet_success() {
    let mut child = certscope()
        .args(["inspect", "-r", "fixtures/certs", "fixtures/bundles"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end at once: certscope's writes hit a closed pipe.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("Broken pipe"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_closed_stdout_stops_reading_an_endless_stdin() {
    // `producer | certscope inspect - | head`: once its output is gone, certscope must stop
    // reading and decoding, not run on to the end of the input. This input never ends, so
    // without that certscope would run until killed.
    let cert = std::fs::read(support::root().join("fixtures/certs/leaf.pem")).unwrap();
    let mut child = certscope()
        .args(["inspect", "--no-relations", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Writes until certscope closes its end of the pipe.
    let writer = std::thread::spawn(move || while stdin.write_all(&cert).is_ok() {});
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 4096];
    stdout.read_exact(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first).starts_with("-#0 (line 1): certificate"));
    drop(stdout);
    // Not a timing: a bound, so that a regression fails instead of hanging the suite.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("certscope still reads stdin two minutes after its stdout closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    writer.join().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn version_completions_and_man() {
    let o = run(&["--version"]);
    assert_eq!(
        stdout(&o).trim(),
        format!("certscope {}", env!("CARGO_PKG_VERSION"))
    );
    let o = run(&["completions", "bash"]);
    assert!(stdout(&o).contains("_certscope()"));
    // nushell (issue 19 item 3): every command and token command gets an `extern`.
    let nu = stdout(&run(&["completions", "nushell"]));
    for cmd in [
        "inspect",
        "fingerprint",
        "chain",
        "check",
        "find",
        "token list",
    ] {
        assert!(
            nu.contains(&format!("export extern \"certscope {cmd}\" [")),
            "no nushell extern for {cmd}"
        );
    }
    assert_eq!(stdout(&run(&["completions", "nu"])), nu);
    let o = run(&["man"]);
    assert!(stdout(&o).contains(".TH certscope"));
    for cmd in ["inspect", "fingerprint"] {
        let o = run(&[cmd, "--help"]);
        assert!(
            stdout(&o).contains("Examples:"),
            "{cmd} --help lacks examples"
        );
    }
}

/// `man --dir` writes one page per command, each with the sections clap does not make, and
/// each one groff reads without a warning.
#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let o = run(&["man", "--dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for want in [
        "certscope.1",
        "certscope-inspect.1",
        "certscope-fingerprint.1",
        "certscope-chain.1",
        "certscope-check.1",
        "certscope-find.1",
        "certscope-token.1",
        "certscope-token-list.1",
        "certscope-token-mechanisms.1",
        "certscope-man.1",
        "certscope-completions.1",
    ] {
        assert!(
            pages.iter().any(|p| p == want),
            "{want} missing from {pages:?}"
        );
    }
    assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    for page in &pages {
        let roff = std::fs::read_to_string(out.join(page)).unwrap();
        for section in [
            ".SH NAME",
            ".SH OPTIONS",
            ".SH \"EXIT STATUS\"",
            ".SH EXAMPLES",
        ] {
            assert!(roff.contains(section), "{page} lacks {section}");
        }
    }
    let inspect = std::fs::read_to_string(out.join("certscope-inspect.1")).unwrap();
    for var in [
        "CERTSCOPE_NOW",
        "CERTSCOPE_PKCS11_MODULE",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        assert!(inspect.contains(var), "certscope-inspect.1 lacks {var}");
    }
    assert!(!inspect.contains("SSL_CERT_FILE"));
    let chain = std::fs::read_to_string(out.join("certscope-chain.1")).unwrap();
    assert!(chain.contains("SSL_CERT_FILE"));
    // The examples are unfilled lines, as --help prints them.
    assert!(inspect.contains("\n.nf\ncertscope inspect server.pem\n"));
    // `--color` does nothing for man and completions: not on their pages.
    let man_page = std::fs::read_to_string(out.join("certscope-man.1")).unwrap();
    assert!(!man_page.contains("color"));
    assert!(inspect.contains("color"));
    // groff (scripts/test.sh installs groff-base) must read every page without a warning.
    for page in &pages {
        let o = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(out.join(page))
            .output()
            .expect("groff (scripts/test.sh installs groff-base)");
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{page}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // Without --dir, the top page on stdout.
    let top = stdout(&run(&["man"]));
    assert!(top.contains(".TH certscope 1"));
    assert!(top.contains("certscope\\-inspect(1)"));
}

/// Limits and --color under their own headings, sizes in human units, --color only where
/// it does something, and examples last.
#[test]
fn help_groups_global_options_and_limits() {
    let help = stdout(&run(&["inspect", "--help"]));
    let (options, rest) = help.split_once("\nLimits:\n").expect("a Limits heading");
    assert!(!options.contains("--max-"), "{options}");
    // Compared with the wrapping undone.
    let flat = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("[default: 4 GiB for a file, 256 MiB for stdin"));
    assert!(flat.contains("[default: 256 MiB]"));
    assert!(flat.contains("[default: 1 million]"));
    assert!(!help.contains("4294967296"));
    let (_, global) = rest
        .split_once("\nGlobal options:\n")
        .expect("a Global options heading");
    assert!(global.contains("--color"));
    assert!(help
        .trim_end()
        .rsplit("\n\n")
        .next()
        .unwrap()
        .starts_with("Examples:"));
    for cmd in ["man", "completions"] {
        let help = stdout(&run(&[cmd, "--help"]));
        assert!(!help.contains("--color"), "{cmd}: {help}");
    }
    // Hidden, still accepted (scripts may pass it everywhere).
    assert!(run(&["man", "--color", "never"]).status.success());
}

/// A Secret manifest (YAML or JSON, from a file or a pipe) and a kubeconfig are read field
/// by field, each item naming its key; fields that are not certificate material are passed
/// over, and a field that is not base64 is an error naming its key.
#[test]
fn kubernetes_secrets_and_kubeconfig_are_read_field_by_field() {
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "fixtures/k8s/tls-secret.yaml",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["ca.crt", "tls.crt", "tls.key"]);
    assert_eq!(
        v["items"][1]["source"]["path"],
        "fixtures/k8s/tls-secret.yaml"
    );
    assert_eq!(v["items"][2]["kind"], "private_key");

    let yaml = std::fs::read("fixtures/k8s/tls-secret.json").unwrap();
    let o = run_stdin(&["inspect", "--no-relations"], &yaml);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("-[ca.crt]#0 (line 1): certificate"), "{out}");
    assert!(out.contains("-[tls.crt]#1 (line 1): certificate"), "{out}");
    assert!(!out.contains("password"), "{out}");

    let o = run(&["fingerprint", "fixtures/k8s/kubeconfig.yaml"]);
    let out = stdout(&o);
    assert!(
        out.contains("[clusters/example/certificate-authority-data]"),
        "{out}"
    );
    assert!(
        out.contains("[users/admin/client-certificate-data]"),
        "{out}"
    );

    let o = run(&["inspect", "fixtures/k8s/opaque-secret.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("certscope: fixtures/k8s/opaque-secret.yaml[tls.crt]: not base64"));
    // Any other YAML is read as before: PEM text in it is found.
    let o = run(&["inspect", "fixtures/bundles/indented.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn colour_only_when_asked() {
    let plain = stdout(&run(&["inspect", "fixtures/certs/leaf.pem"]));
    assert!(!plain.contains('\x1b'));
    let coloured = stdout(&run(&[
        "inspect",
        "--color",
        "always",
        "fixtures/certs/leaf.pem",
    ]));
    assert!(coloured.contains("\x1b["));
}

#[test]
fn colour_auto_honours_no_color_clicolor_force_and_term() {
    let with_env = |vars: &[(&str, &str)]| {
        let mut cmd = certscope();
        cmd.args(["inspect", "fixtures/certs/leaf.pem"]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success());
        stdout(&o).contains('\x1b')
    };
    // stdout is a pipe here, so only CLICOLOR_FORCE can turn colour on.
    assert!(!with_env(&[]));
    assert!(with_env(&[("CLICOLOR_FORCE", "1")]));
    assert!(with_env(&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]));
    assert!(!with_env(&[("CLICOLOR_FORCE", "0")]));
    assert!(!with_env(&[("CLICOLOR_FORCE", "")]));
    assert!(!with_env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    // An explicit --color always / never beats the environment.
    let mut cmd = certscope();
    cmd.args(["inspect", "--color", "always", "fixtures/certs/leaf.pem"]);
    cmd.env("NO_COLOR", "1");
    assert!(stdout(&cmd.output().unwrap()).contains('\x1b'));
    let mut cmd = certscope();
    cmd.args(["inspect", "--color", "never", "fixtures/certs/leaf.pem"]);
    cmd.env("CLICOLOR_FORCE", "1");
    assert!(!stdout(&cmd.output().unwrap()).contains('\x1b'));
}

#[test]
fn hostile_names_are_escaped_in_text() {
    // A certificate whose CN holds an ANSI escape, built from the leaf by hand would need a
    // signature; instead feed an unknown PEM label carrying the escape.
    let o = run_stdin(
        &["inspect", "-"],
        b"-----BEGIN EVIL\x1b[2J LABEL-----\nAQID\n-----END EVIL\x1b[2J LABEL-----\n",
    );
    let out = stdout(&o);
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(out.contains("\\x1b[2J"));
}

#[test]
fn crl_preview_and_all() {
    let preview = stdout(&run(&["inspect", "fixtures/crl/big.crl"]));
    assert!(preview.contains("... 10 more (use --all to list every entry)"));
    let all = stdout(&run(&["inspect", "--all", "fixtures/crl/big.crl"]));
    assert!(!all.contains("more (use --all"));
    assert_eq!(
        all.matches("  3001").count() + all.matches("  301e").count(),
        2
    );
}

/// chain's header shows "now" to the second, not with nanoseconds.
#[test]
fn chain_header_time_is_to_the_second() {
    let mut cmd = certscope();
    cmd.args(["chain", "fixtures/chains/good.pem"]);
    cmd.env("CERTSCOPE_NOW", "2026-01-15T12:00:00.123456789Z");
    let out = stdout(&cmd.output().unwrap());
    assert!(
        out.starts_with("At 2026-01-15T12:00:00Z, anchors:"),
        "{out}"
    );
}

/// subjectAltName is capped like CRL entries: the first 20, then the count.
#[test]
fn san_preview_and_all() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CERTSCOPE_REQUIRE_OPENSSL").is_none(),
            "openssl missing"
        );
        eprintln!("skipped: no openssl");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sans: Vec<String> = (0..30).map(|i| format!("DNS:h{i}.example")).collect();
    let cert = dir.path().join("many.pem");
    let o = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-subj", "/CN=many", "-days", "1", "-keyout"])
        .arg(dir.path().join("key.pem"))
        .arg("-out")
        .arg(&cert)
        .arg("-addext")
        .arg(format!("subjectAltName={}", sans.join(",")))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cert = cert.to_str().unwrap();
    let preview = stdout(&run(&["inspect", cert]));
    assert!(preview.contains("DNS: h19.example"));
    assert!(!preview.contains("DNS: h20.example"));
    assert!(preview.contains("... 10 more, 30 in all (use --all to list every name)"));
    let all = stdout(&run(&["inspect", "--all", cert]));
    assert!(all.contains("DNS: h29.example"));
    assert!(!all.contains("more, 30 in all"));
}

#[test]
fn jsonl_is_one_item_per_line() {
    let o = run(&["inspect", "--format", "jsonl", "fixtures/bundles/chain.pem"]);
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Three items, then the summary line (docs/json.md, "JSON Lines").
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[2]["type"], "item");
    assert_eq!(lines[2]["kind"], "certificate");
    assert_eq!(lines[2]["source"]["index"], 2);
    assert_eq!(lines[3]["type"], "summary");
    assert_eq!(lines[3]["items"], 3);
    let o = run(&[
        "fingerprint",
        "--format",
        "jsonl",
        "--hash",
        "sha1",
        "fixtures/bundles/chain.pem",
    ]);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(first["hash"], "sha1");
    assert_eq!(first["encoding"], "colon");
}

#[test]
fn relations_stop_past_the_limit_and_output_streams() {
    let o = run(&[
        "inspect",
        "--format",
        "json",
        "--relations-limit",
        "2",
        "fixtures/bundles/chain.pem",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("more than 2 items; relations are not computed"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i.get("relations").is_none()));
    assert_eq!(items[2]["number"], 2);
    // Under the limit the same run is related.
    let o = run(&["inspect", "--format", "json", "fixtures/bundles/chain.pem"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["items"][0]["relations"][0]["kind"], "issued_by");
}

/// Issue 14 item 1: every OID is printed exactly, whatever the size of its arcs, in text and
/// JSON; a malformed one is shown as such, with its hex, never as a plausible OID.
#[test]
fn oids_of_any_size_are_printed_exactly() {
    let uuid = "2.25.329800735698586629295641978511506172918";
    let u64max = "1.3.6.1.4.1.18446744073709551615";
    let inspect = |f: &str| {
        let o = run(&["inspect", "--format", "json", f]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["items"][0].clone()
    };
    let subject = format!(
        "2.51.1=#0c03677331,2.999.7=#0c076578616d706c65,{u64max}=#0c0c7536346d61782076616c7565,\
         {uuid}=#0c0a757569642076616c7565,CN=big arcs"
    );
    let cert = inspect("fixtures/oids/big-arcs-subject.pem");
    assert_eq!(cert["subject"], subject.as_str());
    assert_eq!(cert["issuer"], subject.as_str());
    assert_eq!(
        inspect("fixtures/oids/big-arcs-subject.csr")["subject"],
        subject.as_str()
    );

    let cert = inspect("fixtures/oids/big-arcs-extensions.pem");
    let ext = |name: &str| {
        cert["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {cert}"))["value"]
            .clone()
    };
    assert_eq!(
        ext("extendedKeyUsage"),
        serde_json::json!([
            "serverAuth",
            "2.999.1",
            "1.2.3.18446744073709551616",
            u64max
        ])
    );
    let policies: Vec<_> = ext("certificatePolicies")
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["oid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(policies, [uuid, "2.999.7", "2.51.1"]);
    assert_eq!(
        ext("policyMappings"),
        serde_json::json!([format!("2.999.7 -> {uuid}")])
    );
    assert_eq!(
        ext("subjectAltName"),
        serde_json::json!([
            {"type": "rid", "value": "2.999.3"},
            {"type": "othername", "value": "2.999.4:other name"},
            {"type": "othername", "value": format!("{uuid}:uuid name")},
            {"type": "dns", "value": "oids.example"},
        ])
    );
    let methods = |name: &str| -> Vec<String> {
        ext(name)
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["method"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(methods("authorityInfoAccess"), ["2.999.5", "caIssuers"]);
    // nameRelativeToCRLIssuer: x509-parser drops it; its attribute types are OIDs too.
    assert_eq!(
        ext("cRLDistributionPoints")[0]["names"],
        serde_json::json!([{"type": "relativename", "value": "CN=dp+2.999.9=#0c0872656c6174697665"}])
    );
    assert_eq!(methods("subjectInfoAccess"), [uuid, "2.40.1"]);
    let ids: Vec<_> = cert["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["oid"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.iter().any(|o| o == "2.999.6"), "{ids:?}");
    assert!(ids.iter().any(|o| o == u64max), "{ids:?}");
    let o = run(&["inspect", "fixtures/oids/big-arcs-extensions.pem"]);
    let text = stdout(&o);
    for want in [
        "2.999.1, 1.2.3.18446744073709551616",
        uuid,
        "Registered ID: 2.999.3",
        "2.40.1 - URI",
        "2.999.6:",
    ] {
        assert!(text.contains(want), "{want} not in\n{text}");
    }
    assert!(!text.contains("3.16.55"), "{text}");

    let cert = inspect("fixtures/oids/malformed-oids.pem");
    let ext = |name: &str| {
        cert["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()["value"]
            .clone()
    };
    let eku = ext("extendedKeyUsage");
    let eku: Vec<&str> = eku
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(eku.len(), 4, "{eku:?}");
    assert_eq!(eku[0], "serverAuth");
    for (bad, hex) in eku[1..].iter().zip(["2a8001", "2a86", ""]) {
        assert!(bad.starts_with("<invalid OID"), "{bad}");
        assert!(bad.contains(hex), "{bad}");
    }
    let policies = ext("certificatePolicies");
    assert!(
        policies[0]["oid"]
            .as_str()
            .unwrap()
            .starts_with("<invalid OID 2a86"),
        "{policies}"
    );
    assert_eq!(policies[1]["oid"], "2.999.7");
}

/// A CSR's self-signature agrees with `openssl req -verify` on every CSR fixture (issue 14
/// item 13): the good ones verify, the one with a flipped signature byte does not.
#[test]
fn csr_self_signature_agrees_with_openssl() {
    let csrs: Vec<String> = support::fixtures()
        .into_iter()
        .filter(|f| f.ends_with(".csr") || f.contains("/csr-") || f.ends_with("-csr.der"))
        .collect();
    assert!(csrs.len() >= 5, "{csrs:?}");
    for f in &csrs {
        let form = if f.ends_with(".der") { "DER" } else { "PEM" };
        let openssl = std::process::Command::new("openssl")
            .args(["req", "-verify", "-noout", "-inform", form, "-in", f])
            .current_dir(support::root())
            .output()
            .expect("openssl");
        let doc = support::json(&run(&["inspect", "-f", "json", f]));
        let verdict = doc["items"][0]["self_signature"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        // OpenSSL 3.0's `req -verify` exits 0 either way; its words carry the verdict.
        let said = String::from_utf8_lossy(&openssl.stderr).into_owned();
        let expected = if said.contains("verify OK") {
            "verified"
        } else {
            assert!(said.contains("verify failure"), "{f}: {said}");
            "invalid"
        };
        assert_eq!(verdict, expected, "{f}");
    }
}

/// `fingerprint --format pem` (issue 19): each block comes with its thumbprint lines before it,
/// and the output is still a bundle that decodes to the same certificates.
#[test]
fn fingerprint_pem_puts_thumbprints_before_each_block() {
    let text = stdout(&run(&["fingerprint", "fixtures/bundles/chain.pem"]));
    let pem = stdout(&run(&[
        "fingerprint",
        "--format",
        "pem",
        "fixtures/bundles/chain.pem",
    ]));
    let digests: Vec<&str> = text
        .lines()
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(digests.len(), 3, "{text}");
    // Each digest line directly precedes a BEGIN line, in order.
    let lines: Vec<&str> = pem.lines().collect();
    let before_begin: Vec<&str> = lines
        .windows(2)
        .filter(|w| w[1] == "-----BEGIN CERTIFICATE-----")
        .map(|w| w[0].split("  ").next().unwrap())
        .collect();
    assert_eq!(before_begin, digests, "{pem}");
    // Read back, the bundle gives the same digests.
    let again = stdout(&run_stdin(&["fingerprint"], pem.as_bytes()));
    let again: Vec<&str> = again
        .lines()
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(again, digests);
}

/// A bare `certscope inspect` at a terminal says it reads stdin (issue 19 item 5); in a pipe
/// it says nothing of the kind. `script` gives the run a terminal (util-linux).
#[test]
fn bare_run_at_a_terminal_says_it_reads_stdin() {
    let bin = env!("CARGO_BIN_EXE_certscope");
    let o = std::process::Command::new("script")
        .args(["-qec", &format!("timeout 5 {bin} inspect"), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("certscope: reading from stdin"), "{shown}");
    let piped = run_stdin(&["inspect"], b"");
    assert!(!stderr(&piped).contains("reading from stdin"));
}
