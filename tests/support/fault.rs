//! The fault-injecting PKCS#11 module (`tests/fault-module/`): building it, running the
//! certscope binary through it with a fault and a timeout, and reading its call log.
//!
//! The module is a separate crate (certscope forbids `unsafe`, an FFI shim needs it), built
//! here with `cargo build --manifest-path tests/fault-module/Cargo.toml` into its own
//! target directory next to certscope's, once per test process, so that `cargo test` (and
//! `scripts/test.sh`) covers it with no extra step. Tests load it in place of SoftHSM; it
//! forwards to the SoftHSM module named by `CERTSCOPE_FAULT_TARGET`. See the crate's
//! documentation for the `CERTSCOPE_FAULT` rules and the log format.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::softhsm::{token_test_via, ChildContext, Proxy, CHILD_ENV};

/// The fault rules (see `tests/fault-module/src/lib.rs`).
pub const FAULT_ENV: &str = "CERTSCOPE_FAULT";
/// The real module the shim forwards to.
pub const TARGET_ENV: &str = "CERTSCOPE_FAULT_TARGET";
/// The call log the shim appends to.
pub const LOG_ENV: &str = "CERTSCOPE_FAULT_LOG";

/// Builds the shim (once per process) and returns the path of the `.so`.
pub fn module() -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(build)
        .clone()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn build() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Next to certscope's own build products, wherever CARGO_TARGET_DIR put them.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| root.join("target"), Path::to_path_buf)
        .join("fault-module");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--locked", "--manifest-path"])
        .arg(root.join("tests/fault-module/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        // certscope's RUSTFLAGS (if any) are for certscope; the shim builds with defaults.
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo to build the fault module: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building tests/fault-module failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let so = target.join("debug/libcertscope_fault_module.so");
    if so.is_file() {
        Ok(so)
    } else {
        Err(format!(
            "cargo built the fault module but {} is missing",
            so.display()
        ))
    }
}

fn fault_env(_dir: &Path, softhsm: &Path) -> Vec<(&'static str, OsString)> {
    vec![(TARGET_ENV, softhsm.as_os_str().to_os_string())]
}

/// [`super::softhsm::token_test`] with the code under test loading the fault shim in front
/// of SoftHSM (`ctx.module` is the shim, `ctx.softhsm` the real module for populating).
pub fn fault_test(test: &str, labels: &[&str], body: impl FnOnce(&ChildContext)) {
    // The child gets the shim's path from the parent; only the parent builds it.
    let module = if std::env::var_os(CHILD_ENV).is_some() {
        PathBuf::new()
    } else {
        module()
    };
    let proxy = Proxy {
        module,
        env: fault_env,
    };
    token_test_via(test, labels, Some(proxy), body);
}

/// One line of the shim's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `C_...`.
    pub function: String,
    /// Its call number in the process, from 1.
    pub n: u64,
    /// The `CKR_*` name returned to certscope.
    pub rv: String,
    /// Whether the shim made the result up (or altered it).
    pub injected: bool,
}

fn parse_log(text: &str) -> Vec<Call> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split(' ');
            Some(Call {
                function: w.next()?.to_string(),
                n: w.next()?.parse().ok()?,
                rv: w.next()?.to_string(),
                injected: w.next() == Some("injected"),
            })
        })
        .collect()
}

/// What one certscope run through the shim did.
#[derive(Debug, Clone)]
pub struct Run {
    /// Exit code, `None` when killed by a signal or the timeout.
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    /// Did it run past the timeout (and get killed)?
    pub timed_out: bool,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
    /// Every intercepted call, in order.
    pub calls: Vec<Call>,
}

impl Run {
    /// Calls of `function`.
    pub fn count(&self, function: &str) -> usize {
        self.calls.iter().filter(|c| c.function == function).count()
    }

    /// Calls of `function` that returned `CKR_OK`.
    pub fn count_ok(&self, function: &str) -> usize {
        self.calls
            .iter()
            .filter(|c| c.function == function && c.rv == "CKR_OK")
            .count()
    }

    /// Per function, how many times it was called, in first-call order.
    pub fn call_counts(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        for c in &self.calls {
            match out.iter_mut().find(|(f, _)| *f == c.function) {
                Some((_, n)) => *n = (*n).max(c.n),
                None => out.push((c.function.clone(), c.n)),
            }
        }
        out
    }

    /// A one-line account for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "code {:?} signal {:?} timed out {}\n--- stderr ---\n{}\n--- stdout (first 2000 bytes) ---\n{}",
            self.code,
            self.signal,
            self.timed_out,
            self.stderr,
            self.stdout.get(..2000).unwrap_or(&self.stdout)
        )
    }
}

/// Runs `cmd` (a certscope command from [`ChildContext::certscope`]) with `fault` (`None`:
/// forward everything), logging calls to `log`, killing it after `timeout`.
pub fn run(mut cmd: Command, fault: Option<&str>, log: &Path, timeout: Duration) -> Run {
    let _ = std::fs::remove_file(log);
    match fault {
        Some(f) => cmd.env(FAULT_ENV, f),
        None => cmd.env_remove(FAULT_ENV),
    };
    cmd.env(LOG_ENV, log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn certscope");
    // Read both pipes while waiting, so that a large output cannot block the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait for certscope") {
            break (status, false);
        }
        if Instant::now() > deadline {
            // Our own child, by its handle.
            let _ = child.kill();
            break (child.wait().expect("wait after kill"), true);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Run {
        code: status.code(),
        signal: status.signal(),
        timed_out,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        calls: parse_log(&std::fs::read_to_string(log).unwrap_or_default()),
    }
}
