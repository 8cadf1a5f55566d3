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
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "TERM",
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

/// Every fixture file, relative to the repository root, sorted; without NIST PKITS
/// (`fixtures/pkits`, 578 files run by tests/cli/pkits.rs, not snapshotted one by one).
pub fn fixtures() -> Vec<String> {
    let mut out = Vec::new();
    walk(&root().join("fixtures"), &mut out);
    out.retain(|f| !f.starts_with("fixtures/pkits/"));
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

/// What a capped run did: its output, how long it took, and whether the timeout killed it.
pub struct Capped {
    /// Exit status and both streams (stdout/stderr as far as they were read).
    pub output: Output,
    /// Wall time until exit or kill.
    pub elapsed: std::time::Duration,
    /// True when the run was killed at the timeout.
    pub timed_out: bool,
}

/// Address-space cap for hostile-input runs (issue 12): out-of-memory must never be how a
/// limit is found, so every attack runs under `prlimit --as` and must end with a message.
pub const MEMORY_CAP: u64 = 1 << 30;

/// Runs certscope under `prlimit --as=MEMORY_CAP` with `timeout`, stdin from `input` (or
/// null), in `dir` (the repository root when None). Output is read on threads so a flood
/// cannot deadlock the pipe; it is kept whole (tests assert on its size).
pub fn run_capped(
    args: &[&std::ffi::OsStr],
    input: Option<&[u8]>,
    dir: Option<&Path>,
    timeout: std::time::Duration,
) -> Capped {
    use std::io::Read;
    let mut cmd = certscope();
    let program = cmd.get_program().to_owned();
    let mut capped = Command::new("prlimit");
    capped
        .arg(format!("--as={MEMORY_CAP}"))
        .arg("--")
        .arg(program)
        .args(args)
        .current_dir(dir.map_or_else(root, Path::to_path_buf));
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => capped.env(k, v),
            None => capped.env_remove(k),
        };
    }
    cmd = capped;
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let start = std::time::Instant::now();
    let mut child = cmd.spawn().expect("run prlimit certscope");
    let feeder = input.map(|bytes| {
        let mut stdin = child.stdin.take().expect("stdin");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })
    });
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let output = Output {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    };
    Capped {
        output,
        elapsed,
        timed_out,
    }
}

/// Asserts that the part of `doc` (a path below the repository) between `<!-- NAME:begin -->`
/// and `<!-- NAME:end -->` is `want`; with `CERTSCOPE_UPDATE_DOCS` set, writes `want` there
/// instead. `rerun` is the command that regenerates it, for the failure message.
pub fn generated_section(doc: &str, name: &str, want: &str, rerun: &str) {
    let path = root().join(doc);
    let text = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (
        format!("<!-- {name}:begin -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let start = text.find(&begin).expect("begin marker") + begin.len();
    let stop = text.find(&end).expect("end marker");
    if std::env::var_os("CERTSCOPE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{want}{}", &text[..start], &text[stop..])).unwrap();
        return;
    }
    assert_eq!(
        &text[start..stop],
        want,
        "{doc}'s {name} table is stale: run CERTSCOPE_UPDATE_DOCS=1 {rerun}"
    );
}

/// Peak RSS of all children waited for so far, in KiB (Linux reports ru_maxrss in KiB). A
/// memory test keeps its binary to itself, so this is exactly the peak of its own runs.
pub fn children_peak_kib() -> i64 {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .unwrap()
        .max_rss()
}
