//! Directory walks and input lists (issue 18): symlinks, files reached twice, files holding
//! nothing, name filters, order, `--files-from`, per-file passwords, the progress line.

use crate::support;

use std::path::Path;
use std::process::Output;

use support::{certscope, root, run_stdin, stderr, stdout};

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("fixtures/certs").join(name)
}

/// util-linux `script`, which gives a command a pseudo-terminal.
fn have_script() -> bool {
    let found = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("skipped: no script(1)");
    }
    found
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    certscope().current_dir(dir).args(args).output().unwrap()
}

/// `/etc/ssl/certs` in small: a bundle, a `*.pem` link to a certificate elsewhere, a hash
/// link to that link, a hard link, plus a JKS keystore, an `openssl.cnf` and an empty file.
fn etc_ssl(tmp: &Path) {
    let share = tmp.join("share");
    let certs = tmp.join("certs");
    std::fs::create_dir_all(&share).unwrap();
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(fixture("root-ca.pem"), share.join("root.crt")).unwrap();
    std::fs::copy(fixture("leaf.pem"), certs.join("bundle.crt")).unwrap();
    std::os::unix::fs::symlink(share.join("root.crt"), certs.join("root.pem")).unwrap();
    std::os::unix::fs::symlink("root.pem", certs.join("a1b2c3d4.0")).unwrap();
    std::fs::hard_link(certs.join("bundle.crt"), certs.join("bundle-again.crt")).unwrap();
    std::fs::write(
        certs.join("openssl.cnf"),
        "[req]\ndistinguished_name = dn\n",
    )
    .unwrap();
    std::fs::write(
        certs.join("keystore.jks"),
        b"\xfe\xed\xfe\xed\0\0\0\x02\0\0\0\0",
    )
    .unwrap();
    std::fs::write(certs.join("empty.pem"), b"").unwrap();
}

#[test]
fn links_are_not_followed_and_a_file_is_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    etc_ssl(tmp.path());
    let r = run_in(tmp.path(), &["fingerprint", "-r", "certs"]);
    let out = stdout(&r);
    assert_eq!(r.status.code(), Some(0), "{out}{}", stderr(&r));
    // The bundle once (its hard link is the same file), the links not at all.
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("certs/bundle-again.crt"), "{out}");
    assert_eq!(stderr(&r), "", "skips are quiet");

    // -L follows the links: the root once more, still each file once.
    let r = run_in(tmp.path(), &["fingerprint", "-r", "-L", "certs"]);
    let out = stdout(&r);
    assert_eq!(r.status.code(), Some(0), "{out}{}", stderr(&r));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("CN=Certscope Test Root CA"), "{out}");
    assert!(out.contains("certs/a1b2c3d4.0"), "{out}");

    // -v lists what was left out, and why.
    let r = run_in(tmp.path(), &["fingerprint", "-r", "-v", "certs"]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(0), "{err}");
    for line in [
        "certscope: certs/root.pem: note: left out: symbolic link, not followed",
        "certscope: certs/bundle.crt: note: left out: already read under another name",
        "certscope: certs/keystore.jks: note: skipped: nothing recognised",
        "certscope: certs/openssl.cnf: note: skipped: nothing recognised",
        "certscope: certs/empty.pem: note: skipped: empty input",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
}

/// The names `fingerprint` printed a line for, in order.
fn printed(r: &Output) -> Vec<String> {
    stdout(r)
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn overlapping_operands_read_each_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::copy(fixture("root-ca.pem"), d.join("a.pem")).unwrap();
    std::fs::copy(fixture("leaf.pem"), d.join("sub/b.pem")).unwrap();
    for (args, want) in [
        (&["-r", "d", "d/a.pem"][..], &["d/a.pem", "d/sub/b.pem"][..]),
        (&["-r", "d/a.pem", "d"], &["d/a.pem", "d/sub/b.pem"]),
        (&["-r", "d/sub", "d"], &["d/sub/b.pem", "d/a.pem"]),
        (&["-r", "d", "./d"], &["d/a.pem", "d/sub/b.pem"]),
        (&["d/a.pem", "./d/a.pem"], &["d/a.pem"]),
    ] {
        let mut all = vec!["fingerprint"];
        all.extend(args);
        let r = run_in(tmp.path(), &all);
        assert_eq!(r.status.code(), Some(0), "{args:?}: {}", stderr(&r));
        assert_eq!(printed(&r), want, "{args:?}");
    }
}

#[test]
fn links_into_the_walk_are_read_under_the_real_name() {
    // With -L, a link to a file (or a directory) the walk also reaches by its real path is
    // left out wherever it sorts; a link leading out of the walk is read once.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(d.join("real")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(fixture("root-ca.pem"), d.join("m.pem")).unwrap();
    std::fs::copy(fixture("leaf.pem"), d.join("real/c.pem")).unwrap();
    std::fs::copy(fixture("intermediate-ca.pem"), outside.join("o.pem")).unwrap();
    std::os::unix::fs::symlink("m.pem", d.join("0.pem")).unwrap();
    std::os::unix::fs::symlink("m.pem", d.join("z.pem")).unwrap();
    std::os::unix::fs::symlink("real", d.join("a-dir")).unwrap();
    std::os::unix::fs::symlink("../outside/o.pem", d.join("1.pem")).unwrap();
    std::os::unix::fs::symlink("../outside/o.pem", d.join("2.pem")).unwrap();
    let r = run_in(tmp.path(), &["fingerprint", "-r", "-L", "-v", "d"]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert_eq!(printed(&r), ["d/1.pem", "d/m.pem", "d/real/c.pem"]);
    let err = stderr(&r);
    for left_out in ["d/0.pem", "d/2.pem", "d/a-dir/c.pem", "d/z.pem"] {
        let line =
            format!("certscope: {left_out}: note: left out: already read under another name");
        assert!(err.contains(&line), "{line}\n{err}");
    }
}

#[test]
fn a_file_named_that_holds_nothing_is_still_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    etc_ssl(tmp.path());
    let r = run_in(tmp.path(), &["inspect", "certs/openssl.cnf"]);
    assert_ne!(r.status.code(), Some(0));
    assert!(
        stderr(&r).contains("certscope: certs/openssl.cnf: nothing recognised"),
        "{}",
        stderr(&r)
    );
    // The same for a name in --files-from: it was named, not found.
    std::fs::write(tmp.path().join("list"), "certs/keystore.jks\n").unwrap();
    let r = run_in(tmp.path(), &["inspect", "--files-from", "list"]);
    assert_ne!(r.status.code(), Some(0));
    assert!(stderr(&r).contains("certs/keystore.jks"), "{}", stderr(&r));
}

#[test]
fn glob_exclude_and_ext_choose_the_walked_files() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    std::fs::create_dir_all(t.join("old")).unwrap();
    std::fs::copy(fixture("leaf.pem"), t.join("leaf.pem")).unwrap();
    std::fs::copy(fixture("leaf.der"), t.join("leaf.DER")).unwrap();
    std::fs::copy(fixture("root-ca.pem"), t.join("old/root.pem")).unwrap();
    std::fs::copy(fixture("root-ca.pem"), t.join("root.crt")).unwrap();
    let names = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["fingerprint", "-r"];
        a.extend_from_slice(args);
        a.push("t");
        let r = run_in(tmp.path(), &a);
        assert_eq!(r.status.code(), Some(0), "{args:?}: {}", stderr(&r));
        stdout(&r)
            .lines()
            .map(|l| l.split("  ").nth(1).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&["--glob", "*.pem"]),
        ["t/leaf.pem", "t/old/root.pem"]
    );
    assert_eq!(names(&["--ext", "der,crt"]), ["t/leaf.DER", "t/root.crt"]);
    assert_eq!(names(&["--ext", "pem", "--exclude", "old"]), ["t/leaf.pem"]);
    assert_eq!(names(&["--glob", "old/*"]), ["t/old/root.pem"]);
    // A file named on the command line is read whatever the filters say.
    let r = run_in(tmp.path(), &["fingerprint", "--ext", "der", "t/root.crt"]);
    assert_eq!(stdout(&r).lines().count(), 1, "{}", stderr(&r));
    // A pattern that is not one is a usage problem, named.
    let r = run_in(tmp.path(), &["fingerprint", "-r", "--glob", "[x", "t"]);
    assert_ne!(r.status.code(), Some(0));
    assert!(
        stderr(&r).starts_with("certscope: --glob: "),
        "{}",
        stderr(&r)
    );
}

/// Many files are decoded on several threads; the output is still in path order, the same
/// on every run, and `--sort none` prints the same lines.
#[test]
fn parallel_walk_keeps_path_order() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t");
    let certs = [
        "leaf.pem",
        "root-ca.pem",
        "intermediate-ca.pem",
        "expired.pem",
    ];
    for d in 0..5 {
        std::fs::create_dir_all(t.join(format!("d{d}"))).unwrap();
        for f in 0..40 {
            let src = fixture(certs[(d + f) % certs.len()]);
            std::fs::copy(src, t.join(format!("d{d}/{f:03}.pem"))).unwrap();
        }
    }
    // One large file among them, which the printing thread streams itself.
    let big: String = (0..600)
        .map(|_| std::fs::read_to_string(fixture("leaf.pem")).unwrap())
        .collect();
    std::fs::write(t.join("d2/020.pem"), big).unwrap();
    let r = run_in(tmp.path(), &["fingerprint", "-r", "t"]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let out = stdout(&r);
    let paths: Vec<&str> = out.lines().map(|l| l.split("  ").nth(1).unwrap()).collect();
    assert_eq!(paths.len(), 199 + 600, "{out}");
    let mut sorted = paths.clone();
    sorted.sort_by_key(|p| p.split('#').next().unwrap().to_string());
    assert_eq!(paths, sorted);
    let again = run_in(tmp.path(), &["fingerprint", "-r", "t"]);
    assert_eq!(stdout(&again), out);
    let none = run_in(tmp.path(), &["fingerprint", "-r", "--sort", "none", "t"]);
    let mut a: Vec<&str> = out.lines().collect();
    let none_out = stdout(&none);
    let mut b: Vec<&str> = none_out.lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
}

#[test]
fn files_from_reads_lists_by_line_by_nul_and_from_stdin() {
    let root_pem = "fixtures/certs/root-ca.pem";
    let leaf_pem = "fixtures/certs/leaf.pem";
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("list");
    std::fs::write(&list, format!("{root_pem}\n\n{leaf_pem}\n")).unwrap();
    let o = certscope()
        .args(["fingerprint", "--files-from"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().next().unwrap().contains(root_pem), "{out}");

    let o = run_stdin(
        &["fingerprint", "--files-from", "-", "-0"],
        format!("{leaf_pem}\0{root_pem}\0").as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().next().unwrap().contains(leaf_pem), "{out}");

    // A directory in the list is walked with -r; operands come first.
    let o = run_stdin(
        &["fingerprint", "-r", "--files-from", "-", leaf_pem],
        b"fixtures/certs\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).lines().count() > 5);

    let o = support::run(&["fingerprint", "--files-from", "/no/such/list"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).starts_with("certscope: --files-from: "),
        "{}",
        stderr(&o)
    );
    let o = support::run(&["fingerprint", "-0", leaf_pem]);
    assert_eq!(o.status.code(), Some(2), "-0 needs --files-from");
}

#[test]
fn passwords_by_glob_first_match_wins() {
    let p12 = "fixtures/pkcs12/leaf-aes.p12";
    let key = "fixtures/keys/p256-pkcs8-aes.pem";
    // Each file gets its own rule; a wrong one for another pattern is never tried on it.
    let o = support::run(&[
        "inspect",
        "--password",
        "*.p12=pass:test",
        "--password",
        "*.pem=pass:wrong",
        "--password",
        "pass:test",
        p12,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = support::run(&[
        "inspect",
        "--password",
        "*.p12=pass:test",
        "--password",
        "fixtures/keys/*=pass:wrong",
        p12,
        key,
    ]);
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains(p12), "{err}");
    assert!(err.contains(key), "{err}");
    // A plain SPEC after the rules covers the rest.
    let o = support::run(&[
        "inspect",
        "--password",
        "*.p12=pass:test",
        "--password",
        "pass:test",
        p12,
        key,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The progress line: drawn on a terminal's stderr once a run takes a second, never into a
/// pipe and never with --quiet. `script` gives the run a pseudo-terminal; the slow stdin
/// keeps it going past the second.
#[test]
fn progress_line_only_at_a_terminal() {
    if !have_script() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_certscope");
    let leaf = fixture("leaf.pem");
    let at_tty = |extra: &str| {
        let cmd = format!(
            "(sleep 2; cat '{}') | '{bin}' fingerprint {extra} - >/dev/null",
            leaf.display()
        );
        let o = std::process::Command::new("script")
            .args(["-qfec", &cmd, "/dev/null"])
            .env("TERM", "xterm")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = at_tty("");
    assert!(shown.contains("inputs"), "{shown:?}");
    let quiet = at_tty("--quiet");
    assert!(!quiet.contains("inputs"), "{quiet:?}");
    // Into a pipe: nothing but the certificate's line, however long the run.
    let o = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "(sleep 2; cat '{}') | '{bin}' fingerprint -",
                leaf.display()
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
}

/// At a terminal an encrypted PKCS#8 or legacy PEM key without --password is asked for, as a PKCS#12
/// file is, and read with the answer; a pipe is never asked.
#[test]
fn encrypted_keys_prompt_at_a_terminal() {
    if !have_script() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_certscope");
    for file in [
        "fixtures/keys/p256-pkcs8-aes.pem",
        "fixtures/keys/rsa-legacy-aes.pem",
        "fixtures/pkcs12/leaf-aes.p12",
    ] {
        let mut child = std::process::Command::new("script")
            .args([
                "-qfec",
                &format!("'{bin}' inspect --color never {file}"),
                "/dev/null",
            ])
            .current_dir(root())
            .env("CERTSCOPE_NOW", support::NOW)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"test\n").unwrap();
        let o = child.wait_with_output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(&format!("Password for {file}: ")), "{out}");
        assert!(
            out.contains("decrypted with the given password") || out.contains("CN=www.example.com"),
            "{out}"
        );
        assert!(!out.contains("certscope: "), "{out}");
    }
    let o = run_stdin(&["inspect", "fixtures/keys/p256-pkcs8-aes.pem"], b"test\n");
    assert!(!stdout(&o).contains("decrypted with"), "{}", stdout(&o));
    assert!(!stderr(&o).contains("Password for"), "{}", stderr(&o));
}
