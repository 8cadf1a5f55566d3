//! Hostile inputs: output integrity. A JSON document is always whole, a closed pipe is quiet
//! in every format, and a stdout that cannot be written is never a silent success.

use std::process::{Command, Stdio};

use super::support::{self, certscope, json, stderr};

/// A bad `--password` spec is reported inside a complete JSON document (`errors`), for every
/// command that reads inputs, instead of leaving `{"certscope":"0.1.0","items":[` behind.
#[test]
fn bad_password_spec_still_gives_a_whole_json_document() {
    for cmd in [
        &["inspect", "-f", "json"][..],
        &["fingerprint", "-f", "json"],
        &["find", "-f", "json", "--serial", "01"],
        &["check", "-f", "json"],
        &["chain", "-f", "json"],
    ] {
        for spec in [
            "env:CERTSCOPE_TEST_UNSET_VARIABLE",
            "file:/nonexistent/password",
        ] {
            let mut a: Vec<&str> = cmd.to_vec();
            a.extend(["--password", spec, "fixtures/certs/leaf.pem"]);
            let o = certscope()
                .env_remove("CERTSCOPE_TEST_UNSET_VARIABLE")
                .args(&a)
                .output()
                .unwrap();
            let doc = json(&o);
            let errors = doc["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{a:?}: {doc}"));
            assert!(
                errors
                    .iter()
                    .any(|e| e["source"] == "--password" && e["message"].is_string()),
                "{a:?}: {doc}"
            );
            assert_eq!(o.status.code(), Some(2), "{a:?}");
            assert!(stderr(&o).contains("certscope: --password: "), "{a:?}");
        }
    }
}

/// `chain --roots` naming nothing usable still prints the report, with the reason in `errors`.
#[test]
fn missing_roots_still_give_a_whole_json_document() {
    for roots in ["/nonexistent/roots.pem", "fixtures/damaged/empty.txt"] {
        let o = support::run(&[
            "chain",
            "-f",
            "json",
            "--roots",
            roots,
            "fixtures/certs/leaf.pem",
        ]);
        let doc = json(&o);
        let errors = doc["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("--roots"))),
            "{doc}"
        );
        assert_eq!(o.status.code(), Some(2));
        assert!(doc["chains"].is_array(), "{doc}");
    }
}

/// Many documents' worth of output into a reader that closes early: quiet, like text.
#[test]
fn closed_pipe_is_quiet_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("many.pem");
    let one = std::fs::read(support::root().join("fixtures/certs/leaf.pem")).unwrap();
    std::fs::write(&bundle, one.repeat(3000)).unwrap();
    for format in ["text", "json", "jsonl", "pem"] {
        for cmd in ["inspect", "fingerprint"] {
            if cmd == "fingerprint" && format == "pem" {
                continue;
            }
            let mut a = vec![cmd, "-f", format];
            if cmd == "inspect" {
                a.push("--no-relations");
            }
            let mut child = certscope()
                .args(&a)
                .arg(&bundle)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let out = child.stdout.take().unwrap();
            drop(out);
            let o = child.wait_with_output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "{cmd} -f {format}: {}",
                stderr(&o)
            );
            assert!(
                !stderr(&o).contains("Broken pipe"),
                "{cmd} -f {format}: {}",
                stderr(&o)
            );
        }
    }
}

/// `>&-`: stdout closed before start. Rust's std drops writes to a closed fd 1 silently;
/// certscope must say so and exit non-zero, for every command.
#[test]
fn closed_stdout_is_reported() {
    for cmd in [
        "inspect -f json fixtures/certs/leaf.pem",
        "inspect fixtures/certs/leaf.pem",
        "fingerprint fixtures/certs/leaf.pem",
        "check fixtures/certs/leaf.pem",
    ] {
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" {cmd} >&-"))
            .arg(env!("CARGO_BIN_EXE_certscope"))
            .current_dir(support::root())
            .env("CERTSCOPE_NOW", support::NOW)
            .output()
            .unwrap();
        assert_ne!(o.status.code(), Some(0), "{cmd}");
        assert!(stderr(&o).contains("stdout"), "{cmd}: {}", stderr(&o));
    }
}

/// A full disk is an error with its cause, once.
#[test]
fn unwritable_stdout_is_an_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = certscope()
        .args(["inspect", "-f", "json", "fixtures/certs/leaf.pem"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.matches("No space left on device").count(), 1, "{err}");
}
