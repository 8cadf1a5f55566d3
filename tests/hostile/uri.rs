//! Hostile inputs: uri. A file name must never load a library or read a device; a PIN never
//! reaches output; a directory walk loses nothing and says what it skipped; file names that
//! are not UTF-8 are opened as they are.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;

use super::support;

const TIMEOUT: Duration = Duration::from_secs(30);

/// The attack of issue 12: an empty file whose name is a `pkcs11:` URI naming a library in
/// the same directory.
const EVIL_NAME: &str = "pkcs11:object=x?module-path=.%2Fevil.so&x=.pem";

fn run_in(dir: &Path, args: &[&OsStr]) -> support::Capped {
    let r = support::run_capped(args, None, Some(dir), TIMEOUT);
    assert!(
        !r.timed_out,
        "timed out: {}",
        String::from_utf8_lossy(&r.output.stderr)
    );
    r
}

fn err_of(r: &support::Capped) -> String {
    support::stderr(&r.output)
}

fn out_of(r: &support::Capped) -> String {
    support::stdout(&r.output)
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn refs(args: &[OsString]) -> Vec<&OsStr> {
    args.iter().map(OsString::as_os_str).collect()
}

fn fixture(name: &str) -> PathBuf {
    support::root().join("fixtures/certs").join(name)
}

/// Builds `evil.so` in `dir`: its constructor writes `marker` (an absolute path), which is
/// how the test sees that the library was loaded.
fn build_evil(dir: &Path, marker: &Path) -> bool {
    let src = dir.join("evil.c");
    std::fs::write(
        &src,
        format!(
            "#include <stdio.h>\n\
             __attribute__((constructor)) static void pwn(void) {{\n\
               FILE *f = fopen(\"{}\", \"w\");\n\
               if (f) {{ fputs(\"pwned\", f); fclose(f); }}\n\
             }}\n",
            marker.display()
        ),
    )
    .unwrap();
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(dir.join("evil.so"))
        .arg(&src)
        .status();
    match status {
        Ok(s) if s.success() => true,
        _ => {
            assert!(
                std::env::var_os("CERTSCOPE_REQUIRE_SOFTHSM").is_none(),
                "cc is needed to build the test library"
            );
            eprintln!("skipping: no C compiler");
            false
        }
    }
}

/// A file named like a URI is a file: every file command reads it as one, and the library it
/// names is never loaded (the marker its constructor writes never appears).
#[test]
fn uri_file_name_never_loads_a_library() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let marker = dir.join("MARKER");
    if !build_evil(dir, &marker) {
        return;
    }
    std::fs::write(dir.join(EVIL_NAME), b"").unwrap();
    std::fs::copy(fixture("leaf.pem"), dir.join("a.pem")).unwrap();
    let commands: &[&[&str]] = &[
        &["inspect"],
        &["inspect", "-f", "json"],
        &["fingerprint"],
        &["find", "--subject", "CN=nothing"],
        &["check"],
        &["chain"],
    ];
    for cmd in commands {
        // What `certscope CMD -- *.pem` expands to.
        let mut args = os(cmd);
        args.extend(os(&["--", "a.pem", EVIL_NAME]));
        let r = run_in(dir, &refs(&args));
        let err = err_of(&r);
        assert!(
            !marker.exists(),
            "{cmd:?} loaded the library named in a file name: {err}"
        );
        // Read as a file: the empty file is reported as an empty input at its path.
        assert!(
            err.contains(&format!("certscope: {EVIL_NAME}: empty input")),
            "{cmd:?}: {err}"
        );
        assert!(!err.contains("PKCS#11"), "{cmd:?}: {err}");
    }
    // -r finds it too, as a file.
    let r = run_in(dir, &refs(&os(&["inspect", "-r", "."])));
    assert!(!marker.exists());
    assert!(err_of(&r).contains("empty input"), "{}", err_of(&r));

    // The same URI given when no such file exists: module-path is not used without
    // --allow-uri-module, and the error names the flag.
    let absolute = format!(
        "pkcs11:object=x?module-path={}",
        dir.join("evil.so").display()
    );
    let r = run_in(dir, &refs(&os(&["inspect", &absolute])));
    let err = err_of(&r);
    assert!(!marker.exists(), "module-path loaded without opt-in: {err}");
    assert_eq!(r.output.status.code(), Some(2), "{err}");
    assert!(err.contains("--allow-uri-module"), "{err}");
    assert!(err.starts_with("certscope: pkcs11:"), "{err}");

    // With the opt-in the library is loaded (which is what the marker detects): the test
    // above would have seen it.
    let r = run_in(
        dir,
        &refs(&os(&["inspect", "--allow-uri-module", &absolute])),
    );
    assert!(marker.exists(), "opt-in did not load: {}", err_of(&r));
}

/// `pin-source` naming a device or a FIFO: refused at once with a message, never read.
#[test]
fn pin_source_device_or_fifo_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let big = dir.join("big-pin");
    std::fs::write(&big, vec![b'1'; 100_000]).unwrap();
    let good = dir.join("pin");
    std::fs::write(&good, b"1234\n").unwrap();
    for (source, want) in [
        ("/dev/zero".to_string(), "not a regular file"),
        ("%2Fdev%2Fzero".to_string(), "not a regular file"),
        (format!("file:{}", fifo.display()), "not a regular file"),
        (fifo.display().to_string(), "not a regular file"),
        (big.display().to_string(), "4096"),
    ] {
        let uri = format!("pkcs11:object=x?pin-source={source}");
        let r = run_in(dir, &refs(&os(&["inspect", &uri])));
        let err = err_of(&r);
        assert_eq!(r.output.status.code(), Some(2), "{source}: {err}");
        assert!(err.starts_with("certscope: pkcs11:"), "{source}: {err}");
        assert!(err.contains("pin-source"), "{source}: {err}");
        assert!(err.contains(want), "{source}: {err}");
        assert!(r.elapsed < Duration::from_secs(10), "{source}: {err}");
    }
    // A small regular file is fine: no pin-source error (the module is the problem then).
    let uri = format!(
        "pkcs11:object=x?pin-source={}&module-path=/nonexistent.so",
        good.display()
    );
    let r = run_in(dir, &refs(&os(&["inspect", &uri])));
    let err = err_of(&r);
    assert!(
        !err.contains("regular file") && !err.contains("4096"),
        "{err}"
    );
    assert!(err.contains("--allow-uri-module"), "{err}");

    // The same names as files in a directory: files, read as files.
    std::fs::write(
        dir.join("pkcs11:object=x?pin-source=%2Fdev%2Fzero&x=.pem"),
        b"",
    )
    .unwrap();
    let name = format!(
        "pkcs11:object=x?pin-source={}&x=.pem",
        fifo.display().to_string().replace('/', "%2F")
    );
    std::fs::write(dir.join(&name), b"").unwrap();
    let r = run_in(
        dir,
        &refs(&os(&[
            "inspect",
            "--",
            "pkcs11:object=x?pin-source=%2Fdev%2Fzero&x=.pem",
            &name,
        ])),
    );
    let err = err_of(&r);
    assert_eq!(err.matches("empty input").count(), 2, "{err}");
}

/// A `pin-value` is never echoed, whether it is in the path part, in the query, or malformed.
#[test]
fn pin_value_never_reaches_output() {
    let uris = [
        "pkcs11:token=x;pin-value=S3CRET",
        "pkcs11:token=x?pin-value:S3CRET",
        "pkcs11:token=x?pin-value=S3CRET&broken",
        "pkcs11:token=x;object=y;pin-value=S3CRET;type=cert",
        "PKCS11:token=x;PIN-VALUE=S3CRET",
        "pkcs11:token=x?pin%2Dvalue:S3CRET",
        "pkcs11:token=%zz?pin-value=S3CRET",
    ];
    for uri in uris {
        for format in ["text", "json"] {
            let r = run_in(
                &support::root(),
                &refs(&os(&["inspect", "-f", format, uri])),
            );
            let err = err_of(&r);
            let out = out_of(&r);
            assert_eq!(r.output.status.code(), Some(2), "{uri}: {err}");
            assert!(!err.contains("S3CRET"), "{uri}: {err}");
            assert!(!out.contains("S3CRET"), "{uri}: {out}");
            assert!(err.starts_with("certscope: "), "{uri}: {err}");
            if format == "json" {
                let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
                let source = doc["errors"][0]["source"].as_str().unwrap();
                assert!(source.starts_with("pkcs11:") || source.starts_with("PKCS11:"));
                assert!(source.contains("<redacted>"), "{uri}: {source}");
            }
        }
    }
}

/// `-r` over a tree where one directory cannot be read: that directory is one error, every
/// other file is read. (Root reads a mode-000 directory, so the always-on case is a directory
/// whose path is longer than PATH_MAX, which `opendir` refuses for root too; the chmod case
/// runs only when not root.)
#[test]
fn unreadable_subdirectory_loses_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    std::fs::create_dir_all(top.join("a")).unwrap();
    std::fs::create_dir_all(top.join("c")).unwrap();
    std::fs::copy(fixture("leaf.pem"), top.join("a/leaf.pem")).unwrap();
    std::fs::copy(fixture("root-ca.pem"), top.join("c/root.pem")).unwrap();
    std::fs::copy(fixture("intermediate-ca.pem"), top.join("z.pem")).unwrap();
    // b/: 20 nested directories with 250-character names (> 4096 bytes of path), built by
    // wrapping from the inside out so that no call ever names the long path.
    let long = "d".repeat(250);
    let chain = tmp.path().join("chain");
    std::fs::create_dir(&chain).unwrap();
    std::fs::copy(fixture("expired.pem"), chain.join("deep.pem")).unwrap();
    for _ in 0..20 {
        let wrap = tmp.path().join("wrap");
        std::fs::create_dir(&wrap).unwrap();
        std::fs::rename(&chain, wrap.join(&long)).unwrap();
        std::fs::rename(&wrap, &chain).unwrap();
    }
    std::fs::rename(&chain, top.join("b")).unwrap();
    let r = run_in(tmp.path(), &refs(&os(&["fingerprint", "-r", "top"])));
    let err = err_of(&r);
    let out = out_of(&r);
    assert_eq!(r.output.status.code(), Some(2), "{err}");
    assert_eq!(
        out.lines().count(),
        3,
        "three readable certificates: {out}{err}"
    );
    assert!(out.contains("top/a/leaf.pem"), "{out}");
    assert!(out.contains("top/c/root.pem"), "{out}");
    assert!(out.contains("top/z.pem"), "{out}");
    // The error names the directory that failed, not the top one.
    assert!(err.contains(&format!("certscope: top/b/{long}")), "{err}");
    assert!(!err.contains("certscope: top: "), "{err}");

    let root = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        use std::os::unix::fs::PermissionsExt;
        std::fs::remove_dir_all(top.join("b")).unwrap();
        std::fs::create_dir(top.join("b")).unwrap();
        std::fs::set_permissions(top.join("b"), std::fs::Permissions::from_mode(0o000)).unwrap();
        let r = run_in(tmp.path(), &refs(&os(&["fingerprint", "-r", "top"])));
        std::fs::set_permissions(top.join("b"), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(out_of(&r).lines().count(), 3, "{}", err_of(&r));
        assert!(err_of(&r).contains("certscope: top/b: "), "{}", err_of(&r));
    }
}

/// A dangling symlink met by `-r` is an error of its own, not silence.
#[test]
fn dangling_symlink_in_walk_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    std::fs::create_dir(&top).unwrap();
    std::fs::copy(fixture("leaf.pem"), top.join("a.pem")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.pem", top.join("b.pem")).unwrap();
    let r = run_in(tmp.path(), &refs(&os(&["fingerprint", "-r", "top"])));
    let err = err_of(&r);
    assert_eq!(out_of(&r).lines().count(), 1, "{err}");
    assert_eq!(r.output.status.code(), Some(2), "{err}");
    assert!(err.contains("certscope: top/b.pem: "), "{err}");
}

/// Past 64 levels a walk stops, and says so for each directory it did not enter.
#[test]
fn too_deep_directory_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let mut deep = tmp.path().join("top");
    for _ in 0..70 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::copy(fixture("leaf.pem"), deep.join("deep.pem")).unwrap();
    std::fs::copy(fixture("root-ca.pem"), tmp.path().join("top/shallow.pem")).unwrap();
    let r = run_in(tmp.path(), &refs(&os(&["fingerprint", "-r", "top"])));
    let err = err_of(&r);
    assert_eq!(r.output.status.code(), Some(2), "{err}");
    assert_eq!(out_of(&r).lines().count(), 1, "{}", out_of(&r));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("certscope: top/d/d/"), "{err}");
    assert!(err.contains("64"), "{err}");
}

/// A file name that is not UTF-8 is opened under its own name, next to a decoy named with
/// its lossy conversion; both with -r and as a direct argument.
#[test]
fn non_utf8_file_names_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("names");
    std::fs::create_dir(&dir).unwrap();
    let real = OsString::from_vec(b"bad\xff.pem".to_vec());
    let decoy = "bad\u{fffd}.pem";
    std::fs::copy(fixture("leaf.pem"), dir.join(&real)).unwrap();
    std::fs::copy(fixture("root-ca.pem"), dir.join(decoy)).unwrap();

    let r = run_in(tmp.path(), &refs(&os(&["fingerprint", "-r", "names"])));
    let out = out_of(&r);
    assert_eq!(r.output.status.code(), Some(0), "{}{}", out, err_of(&r));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    // Each file read once, under its own name; the real one printed escaped, never raw.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("names/bad\\xff.pem") && l.contains("CN=www.example.com")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(decoy) && l.contains("CN=Certscope Test Root CA")),
        "{out}"
    );
    assert!(!r.output.stdout.contains(&0xff));

    let arg = Path::new("names").join(&real);
    let r = run_in(tmp.path(), &[OsStr::new("inspect"), arg.as_os_str()]);
    let out = out_of(&r);
    assert_eq!(r.output.status.code(), Some(0), "{out}{}", err_of(&r));
    assert!(out.contains("CN=www.example.com"), "{out}");
    assert!(!out.contains("Root CA"), "{out}");

    // JSON keeps the escaped name.
    let r = run_in(
        tmp.path(),
        &[
            OsStr::new("fingerprint"),
            OsStr::new("-f"),
            OsStr::new("json"),
            arg.as_os_str(),
        ],
    );
    let out = out_of(&r);
    assert!(out.contains("xff"), "{out}");
    // A missing non-UTF-8 name is an error that names it, escaped.
    let missing = Path::new("names").join(OsStr::from_bytes(b"gone\xfe.pem"));
    let r = run_in(tmp.path(), &[OsStr::new("inspect"), missing.as_os_str()]);
    let err = err_of(&r);
    assert_eq!(r.output.status.code(), Some(2), "{err}");
    assert!(err.contains("gone") && err.contains("xfe"), "{err}");
}

/// An error states its cause once.
#[test]
fn error_cause_is_not_repeated() {
    let r = run_in(
        &support::root(),
        &refs(&os(&[
            "inspect",
            "--password",
            "file:/nonexistent/pw",
            "fixtures/certs/leaf.pem",
        ])),
    );
    let err = err_of(&r);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    let r = run_in(
        &support::root(),
        &refs(&os(&["inspect", "/nonexistent/x.pem"])),
    );
    let err = err_of(&r);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}
