//! Walks that could hang or never end (issue 18): symbolic link loops under `-L`, FIFOs and
//! sockets in the tree, a link to the walked directory itself.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use crate::support;

fn walk(dir: &Path, args: &[&str]) -> support::Capped {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let r = support::run_capped(&args, None, Some(dir), Duration::from_secs(60));
    assert!(!r.timed_out, "{}", support::stderr(&r.output));
    r
}

fn leaf() -> std::path::PathBuf {
    support::root().join("fixtures/certs/leaf.pem")
}

/// `-L` over a tree whose links lead back up: each loop is reported once at the link, every
/// file is read once, and the walk ends.
#[test]
fn link_loops_under_follow_are_reported_and_end() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    std::fs::create_dir_all(top.join("a/b")).unwrap();
    std::fs::copy(leaf(), top.join("a/b/leaf.pem")).unwrap();
    std::os::unix::fs::symlink("..", top.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink(&top, top.join("a/self")).unwrap();
    let r = walk(tmp.path(), &["fingerprint", "-r", "-L", "top"]);
    let (out, err) = (support::stdout(&r.output), support::stderr(&r.output));
    assert_eq!(out.lines().count(), 1, "{out}{err}");
    assert_ne!(r.output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("certscope: top/a/b/up: symbolic link loop: leads back to top/a"),
        "{err}"
    );
    assert!(
        err.contains("certscope: top/a/self: symbolic link loop"),
        "{err}"
    );
    // Without -L the links are left out and nothing fails.
    let r = walk(tmp.path(), &["fingerprint", "-r", "top"]);
    assert_eq!(
        r.output.status.code(),
        Some(0),
        "{}",
        support::stderr(&r.output)
    );
    assert_eq!(support::stdout(&r.output).lines().count(), 1);
}

/// A FIFO (which would block a reader for good) and a socket in a walked tree are left out,
/// with or without -L, and -v says so; a link to a FIFO under -L likewise.
#[test]
fn fifos_and_sockets_in_a_walk_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    std::fs::create_dir(&top).unwrap();
    std::fs::copy(leaf(), top.join("leaf.pem")).unwrap();
    let fifo = top.join("pipe.pem");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("pipe.pem", top.join("to-pipe.pem")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(top.join("sock.pem")).unwrap();
    for args in [
        &["fingerprint", "-r", "-v", "top"][..],
        &["fingerprint", "-r", "-L", "-v", "top"][..],
    ] {
        let r = walk(tmp.path(), args);
        let err = support::stderr(&r.output);
        assert_eq!(r.output.status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(support::stdout(&r.output).lines().count(), 1, "{err}");
        assert!(
            err.contains("certscope: top/pipe.pem: note: left out: not a regular file"),
            "{err}"
        );
        assert!(
            err.contains("certscope: top/sock.pem: note: left out"),
            "{err}"
        );
        assert!(
            err.contains("certscope: top/to-pipe.pem: note: left out"),
            "{err}"
        );
    }
}
