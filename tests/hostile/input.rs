//! Hostile inputs: input (issue 12, docs/robustness.md "Attacks (issue 12)" / "input").
//!
//! Every attack is made at test time in a temporary directory and run under the memory cap.
//! Time bounds are about ten times what a debug build took on a loaded two-core machine
//! (0.4 s for an 8 MB line of markers, 0.1 s for the header flood, 1.5 s for /dev/zero).

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::support;

#[test]
fn harness_runs_capped() {
    let r = support::run_capped(
        &["--version".as_ref()],
        None,
        None,
        std::time::Duration::from_secs(30),
    );
    assert!(!r.timed_out);
    assert_eq!(r.output.status.code(), Some(0));
}

/// Writes `unit` repeated until the file holds at least `len` bytes.
fn write_repeated(path: &Path, unit: &[u8], len: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0;
    while written < len {
        f.write_all(unit).unwrap();
        written += unit.len();
    }
    f.flush().unwrap();
}

/// What a measured run did: as [`support::Capped`], plus the peak RSS of certscope.
struct Measured {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    timed_out: bool,
    peak_kib: u64,
}

/// Runs certscope in `dir` under the same address-space cap as `support::run_capped`, inside
/// `/usr/bin/time` for its peak RSS and `timeout` for a bound on time. Output goes to files
/// (no pipe to drain).
fn run_measured(args: &[&OsStr], dir: &Path, timeout: Duration) -> Measured {
    run_measured_with_stdin(args, dir, timeout, std::process::Stdio::null())
}

/// As [`run_measured`], with certscope's standard input from `stdin`.
fn run_measured_with_stdin(
    args: &[&OsStr],
    dir: &Path,
    timeout: Duration,
    stdin: std::process::Stdio,
) -> Measured {
    let bin = support::certscope().get_program().to_owned();
    let peak = dir.join("peak.txt");
    let out = std::fs::File::create(dir.join("stdout.txt")).unwrap();
    let err = std::fs::File::create(dir.join("stderr.txt")).unwrap();
    let mut cmd = std::process::Command::new("timeout");
    cmd.arg("-s")
        .arg("KILL")
        .arg(timeout.as_secs().to_string())
        .arg("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&peak)
        .arg("prlimit")
        .arg(format!("--as={}", support::MEMORY_CAP))
        .arg("--")
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(out)
        .stderr(err);
    for (k, v) in support::certscope().get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let start = Instant::now();
    let status = cmd
        .status()
        .expect("run timeout /usr/bin/time prlimit certscope");
    let elapsed = start.elapsed();
    let report = std::fs::read_to_string(&peak).unwrap_or_default();
    // The last line is %M; a line before it says how the command ended, if not with 0.
    let peak_kib = report
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    Measured {
        code: status.code(),
        stderr: std::fs::read_to_string(dir.join("stderr.txt")).unwrap_or_default(),
        elapsed,
        timed_out: status.code() == Some(137),
        peak_kib,
    }
}

/// Peak RSS in KiB of certscope reading a small certificate: what every run costs anyway.
fn baseline_kib(dir: &Path) -> u64 {
    std::fs::copy(
        support::root().join("fixtures/certs/leaf.pem"),
        dir.join("leaf.pem"),
    )
    .unwrap();
    let r = run_measured(
        &["inspect".as_ref(), "leaf.pem".as_ref()],
        dir,
        Duration::from_secs(60),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.peak_kib > 0);
    r.peak_kib
}

/// Asserts that a capped run ended by itself, in time, with status 1 and `message` on stderr
/// (a `certscope: LOCATOR: …` line, not an abort).
fn assert_clean(r: &support::Capped, bound: Duration, message: &str, what: &str) {
    let err = support::stderr(&r.output);
    assert!(!r.timed_out, "{what}: killed after {:?}", r.elapsed);
    assert!(r.elapsed < bound, "{what}: took {:?}", r.elapsed);
    assert_eq!(r.output.status.code(), Some(2), "{what}: {err}");
    assert!(err.contains(message), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
}

/// `-----BEGIN ` and 140 `X`: the next marker's dashes come too late to close a label.
const UNCLOSED: [u8; 151] = {
    let mut unit = [b'X'; 151];
    let begin = b"-----BEGIN ";
    let mut i = 0;
    while i < begin.len() {
        unit[i] = begin[i];
        i += 1;
    }
    unit
};

#[test]
fn begin_markers_on_one_line_scan_in_linear_time() {
    // 8 MB lines of markers: bare `-----BEGIN ` (727k of them: 146 s, quadratic, before),
    // markers whose label never closes, and markers with a label on a line that never ends.
    // Read from a file (whole, then streamed in windows) and from stdin.
    let dir = tempfile::tempdir().unwrap();
    let shapes: [(&str, &[u8], &str); 3] = [
        ("bare", b"-----BEGIN ", "no PEM block found"),
        // Labels longer than the 128 bytes a label may have: never closed.
        ("unclosed", &UNCLOSED, "no PEM block found"),
        (
            "labelled",
            b"-----BEGIN CERTIFICATE-----",
            "BEGIN without END: the block is truncated",
        ),
    ];
    for (name, unit, message) in shapes {
        let path = dir.path().join(name);
        write_repeated(&path, unit, 8_000_000);
        let r = support::run_capped(
            &["inspect".as_ref(), path.as_os_str()],
            None,
            None,
            Duration::from_secs(60),
        );
        assert_clean(&r, Duration::from_secs(5), message, name);
        let data = std::fs::read(&path).unwrap();
        let r = support::run_capped(
            &["inspect".as_ref(), "-".as_ref()],
            Some(&data),
            None,
            Duration::from_secs(60),
        );
        assert_clean(&r, Duration::from_secs(5), message, name);
    }
}

#[test]
fn header_flood_is_bounded() {
    // 20 MB of RFC 1421 header lines in one block: 650 MB RSS (an abort under the cap)
    // before. Headers are now bounded in count and bytes, and the block in memory at most
    // twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("headers.pem");
    let block: u64 = 20 << 20;
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(b"-----BEGIN RSA PRIVATE KEY-----\n").unwrap();
        for _ in 0..block / 4 {
            f.write_all(b"a:b\n").unwrap();
        }
        f.write_all(b"\nAAAA\n-----END RSA PRIVATE KEY-----\n")
            .unwrap();
        f.flush().unwrap();
    }
    let r = run_measured(
        &["inspect".as_ref(), "headers.pem".as_ref()],
        dir.path(),
        Duration::from_secs(60),
    );
    assert!(!r.timed_out, "killed after {:?}", r.elapsed);
    assert!(r.elapsed < Duration::from_secs(5), "took {:?}", r.elapsed);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("certscope: headers.pem (line 1): more than 64 PEM header lines"),
        "{}",
        r.stderr
    );
    let base = baseline_kib(dir.path());
    assert!(
        r.peak_kib > 0 && r.peak_kib.saturating_sub(base) * 1024 <= 2 * block,
        "peak RSS {} KiB ({base} KiB for a small file) for a block of {} KiB",
        r.peak_kib,
        block / 1024
    );
}

#[test]
fn whole_input_reads_stay_near_their_size() {
    // Inputs read whole (not PEM): a sparse 100 MB file (348 MB RSS before) and 300 MB of
    // base64 text (1.19 GB, an abort under the cap, before). Peak RSS at most 1.5x the size.
    let dir = tempfile::tempdir().unwrap();
    let sparse_size: u64 = 100_000_000;
    std::fs::File::create(dir.path().join("sparse"))
        .unwrap()
        .set_len(sparse_size)
        .unwrap();
    // 57 pseudo-random bytes a line, as `base64` writes them (76 columns).
    let b64_size: usize = 300_000_000;
    {
        let mut f =
            std::io::BufWriter::new(std::fs::File::create(dir.path().join("b64.txt")).unwrap());
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x: u32 = 12345;
        let mut line = [0u8; 77];
        line[76] = b'\n';
        for _ in 0..b64_size / 77 {
            for c in line.iter_mut().take(76) {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *c = alphabet[(x >> 16) as usize % 64];
            }
            f.write_all(&line).unwrap();
        }
        f.flush().unwrap();
    }
    let base = baseline_kib(dir.path());
    for (name, size) in [("sparse", sparse_size), ("b64.txt", b64_size as u64)] {
        let r = run_measured(
            &["inspect".as_ref(), name.as_ref()],
            dir.path(),
            Duration::from_secs(120),
        );
        assert!(!r.timed_out, "{name}: killed after {:?}", r.elapsed);
        assert_eq!(r.code, Some(2), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "certscope: {name}: nothing recognised: not PEM, not DER, not base64 of either"
            )),
            "{name}: {}",
            r.stderr
        );
        assert!(
            r.peak_kib > 0 && r.peak_kib.saturating_sub(base) * 1024 * 2 <= size * 3,
            "{name}: peak RSS {} KiB ({base} KiB for a small file) for {} KiB",
            r.peak_kib,
            size / 1024
        );
    }
}

/// Runs certscope with `args` in `dir`, measured, its standard input a pipe from
/// `head -c SIZE /dev/zero` (no file on disk, no copy in the test process).
fn run_measured_on_zeros(args: &[&OsStr], dir: &Path, size: u64) -> Measured {
    let mut source = std::process::Command::new("head")
        .arg("-c")
        .arg(size.to_string())
        .arg("/dev/zero")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run head -c /dev/zero");
    let pipe = source.stdout.take().expect("head's stdout");
    let r = run_measured_with_stdin(args, dir, Duration::from_secs(120), pipe.into());
    let _ = source.wait();
    assert!(!r.timed_out, "killed after {:?}", r.elapsed);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

#[test]
fn streams_ending_under_the_limit_stay_near_their_size() {
    // A pipe of unknown size that ends under the stream limit: read in chunks joined at the
    // end, it peaked at 2.1x its size under mimalloc (the freed chunks stay with the
    // allocator during its purge delay while the joined copy fills). At most 1.25x now.
    let dir = tempfile::tempdir().unwrap();
    let base = baseline_kib(dir.path());
    let size: u64 = 200_000_000;
    let r = run_measured_on_zeros(&["inspect".as_ref(), "-".as_ref()], dir.path(), size);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("certscope: -: nothing recognised: not PEM, not DER, not base64 of either"),
        "{}",
        r.stderr
    );
    assert!(
        r.peak_kib > 0 && r.peak_kib.saturating_sub(base) * 1024 * 4 <= size * 5,
        "peak RSS {} KiB ({base} KiB for a small file) for a stream of {} KiB",
        r.peak_kib,
        size / 1024
    );
    // A limit raised past what the address space can reserve falls back to chunks; a join
    // that cannot be allocated under the cap is reported, not an abort.
    let args: [&OsStr; 4] = [
        "inspect".as_ref(),
        "--max-input-size".as_ref(),
        "3000000000".as_ref(),
        "-".as_ref(),
    ];
    let r = run_measured_on_zeros(&args, dir.path(), 600_000_000);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("certscope: -: cannot read: out of memory"),
        "{}",
        r.stderr
    );
}

#[test]
fn endless_devices_stop_at_the_stream_default() {
    // /dev/zero was read to the 4 GiB default (an abort under the cap); inputs that are
    // not regular files stop at 256 MiB unless --max-input-size is given.
    let r = support::run_capped(
        &["inspect".as_ref(), "/dev/zero".as_ref()],
        None,
        None,
        Duration::from_secs(120),
    );
    assert_clean(
        &r,
        Duration::from_secs(15),
        "certscope: /dev/zero: input is over the limit of 268435456 bytes (raise it with \
         --max-input-size)",
        "/dev/zero",
    );
    // The flag still decides when given.
    let r = support::run_capped(
        &[
            "inspect".as_ref(),
            "--max-input-size".as_ref(),
            "1000000".as_ref(),
            "/dev/zero".as_ref(),
        ],
        None,
        None,
        Duration::from_secs(60),
    );
    assert_clean(
        &r,
        Duration::from_secs(20),
        "certscope: /dev/zero: input is over the limit of 1000000 bytes",
        "/dev/zero with the flag",
    );
}

/// The base64 body of a fixture's first PEM block, one line per entry.
fn body_lines(fixture: &str) -> Vec<String> {
    let text = std::fs::read_to_string(support::root().join(fixture)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with("-----") && !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn private_key_bytes_under_public_labels_are_never_printed_back() {
    // A PKCS#8 private key (and a PKCS#1 one) pasted under a public label decode as no
    // certificate, CRL or CSR: neither `--format pem` nor the JSON `pem` field may carry
    // their bytes.
    let dir = tempfile::tempdir().unwrap();
    for key in ["fixtures/keys/p256.pem", "fixtures/keys/rsa-2048-pkcs1.pem"] {
        let lines = body_lines(key);
        for label in [
            "CERTIFICATE",
            "X509 CRL",
            "CERTIFICATE REQUEST",
            "TRUSTED CERTIFICATE",
        ] {
            let path = dir.path().join("disguised.pem");
            std::fs::write(
                &path,
                format!(
                    "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
                    lines.join("\n")
                ),
            )
            .unwrap();
            let path = path.to_str().unwrap();
            for format in ["pem", "json"] {
                let o = support::run(&["inspect", "--format", format, path]);
                let out = support::stdout(&o);
                for line in &lines {
                    // JSON escapes `/` as itself, so the line would appear verbatim.
                    assert!(
                        !out.contains(line.as_str()),
                        "{key} as {label}, --format {format}: key bytes printed:\n{out}"
                    );
                }
            }
        }
    }
}

/// A self-signed certificate made by openssl with `subject` and `san` (config syntax).
fn openssl_cert(dir: &Path, subject: &str, san: &str) -> std::path::PathBuf {
    let out = dir.join("cert.pem");
    let o = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .arg("ec_paramgen_curve:P-256")
        .args(["-nodes", "-days", "10", "-utf8", "-subj", subject])
        .arg("-addext")
        .arg(format!("subjectAltName={san}"))
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(&out)
        .output()
        .expect("openssl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn invisible_characters_and_backslashes_are_escaped() {
    // `CN=www.bank.com` + invisible characters read as `www.bank.com` on a terminal; a SAN
    // holding the text `\x1b[31m` read like an escape certscope had made.
    let dir = tempfile::tempdir().unwrap();
    let invisible = [
        '\u{200b}',
        '\u{2060}',
        '\u{00ad}',
        '\u{e0041}',
        '\u{206a}',
        '\u{fff9}',
        '\u{180e}',
    ];
    let tail: String = invisible.iter().collect();
    let cert = openssl_cert(
        dir.path(),
        &format!("/CN=www.bank.com{tail}"),
        &format!("DNS:www.bank.com{tail},DNS:evil\\\\x1b[31m.com"),
    );
    let o = support::run(&["inspect", "--color", "never", cert.to_str().unwrap()]);
    support::ok(&o);
    let out = support::stdout(&o);
    for c in invisible {
        assert!(
            !out.contains(c),
            "U+{:04X} reached the terminal:\n{out}",
            c as u32
        );
        let n = c as u32;
        let escaped = if n < 0x100 {
            format!("\\x{n:02x}")
        } else {
            format!("\\u{{{n:04x}}}")
        };
        assert!(
            out.contains(&escaped),
            "U+{n:04X} not shown escaped:\n{out}"
        );
    }
    assert!(out.contains("DNS: evil\\\\x1b[31m.com"), "{out}");
    assert!(!out.contains("DNS: evil\\x1b"), "{out}");
}
