//! Shared test harness: the real binary with a pinned, scrubbed environment.

// Each test binary uses a different part of the harness (here and in the submodules); test
// code panics with a message on a failed expectation (clippy's allow-*-in-tests covers
// #[test] functions only).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod fault;
pub mod softhsm;

/// "Now" for every test run, so expiry wording in snapshots never drifts.
pub const NOW: &str = "2026-01-15T12:00:00Z";

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command for the certscope binary, run from the repository root with an environment
/// that cannot leak into the output.
pub fn certscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certscope"));
    cmd.current_dir(root());
    for var in [
        "NO_COLOR",
        "CERTSCOPE_PKCS11_MODULE",
        "SOFTHSM2_CONF",
        "TZ",
        "COLUMNS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CERTSCOPE_NOW", NOW);
    cmd
}

/// Runs and returns the output.
pub fn run(args: &[&str]) -> Output {
    certscope().args(args).output().expect("run certscope")
}

/// Runs with `input` on stdin and returns the output.
pub fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = certscope()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run certscope");
    let mut stdin = child.stdin.take().expect("stdin");
    // Writing may fail with a broken pipe when certscope stops reading at a limit.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("wait for certscope")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// stdout parsed as JSON; fails the test with both streams when it is not.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(o), stderr(o)))
}

/// Fails the test with both streams unless the exit status is 0.
pub fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// The slot holding the token labelled `label` in a `certscope token slots -f json`
/// document.
pub fn slot_labelled<'a>(slots: &'a serde_json::Value, label: &str) -> &'a serde_json::Value {
    slots["slots"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["token"]["label"] == label))
        .unwrap_or_else(|| panic!("no token labelled {label:?} in {slots}"))
}

/// Every fixture file, relative to the repository root, sorted.
pub fn fixtures() -> Vec<String> {
    let mut out = Vec::new();
    walk(&root().join("fixtures"), &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("fixtures dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            let rel = path.strip_prefix(root()).expect("under root");
            let name = rel.to_string_lossy().into_owned();
            if !name.ends_with("README.md")
                && !name.ends_with(".gitattributes")
                && !name.ends_with("openssl-fingerprints.txt")
                && !name.ends_with("openssl-verdicts.txt")
            {
                out.push(name);
            }
        }
    }
}
