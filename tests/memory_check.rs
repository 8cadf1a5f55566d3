//! `check -r` streams (issue 18): peak RSS over 10,000 one-certificate files is within
//! 16 MiB of that over 1,000. It held every decoded item, about 10 KB each, before. `chain`
//! keeps a compact entry per item instead of the item (`analysis::chain::Entry`).
//!
//! Each measured run is the only child of a fresh copy of this test binary (its
//! `peak_of_one_run` test), so the peak RSS of that copy's waited-for children
//! (`RUSAGE_CHILDREN`) is exactly that run's, whatever this binary's other test runs
//! meanwhile.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use support::children_peak_kib;

/// The arguments of the run [`peak_of_one_run`] makes, one per line.
const PEAK_ARGS: &str = "CERTSCOPE_TEST_PEAK_ARGS";

/// Runs `certscope ARGS` as described at the top; returns its peak RSS in KiB and its exit
/// code.
fn peak_kib(args: &[OsString]) -> (i64, Option<i32>) {
    let joined: Vec<String> = args
        .iter()
        .map(|a| a.to_str().unwrap().to_string())
        .collect();
    let o = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "peak_of_one_run",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PEAK_ARGS, joined.join("\n"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find_map(|l| l.split_once("peak-kib ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no peak from the helper run: {out}"));
    let (peak, code) = line.split_once(" exit ").unwrap();
    (peak.parse().unwrap(), code.parse().ok())
}

/// The helper run of [`peak_kib`]; without its variable (a normal test run) it does nothing.
#[test]
fn peak_of_one_run() {
    let Some(args) = std::env::var_os(PEAK_ARGS) else {
        return;
    };
    let args = args.into_string().unwrap();
    let status = support::certscope()
        .args(args.split('\n'))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let code = status.code().map_or("none".to_string(), |c| c.to_string());
    println!("peak-kib {} exit {code}", children_peak_kib());
}

/// `count` one-certificate files, 500 per directory, cycling through a few leaves (none a
/// CA, as in a fleet whose issuers are elsewhere).
fn tree(root: &Path, count: usize) {
    let leaves: Vec<Vec<u8>> = [
        "fixtures/certs/leaf.pem",
        "fixtures/lint/clean.pem",
        "fixtures/lint/no-san.pem",
        "fixtures/lint/expired.pem",
        "fixtures/lint/rsa-1024.pem",
    ]
    .iter()
    .map(|p| std::fs::read(support::root().join(p)).unwrap())
    .collect();
    for i in 0..count {
        let dir = root.join(format!("d{:03}", i / 500));
        if i % 500 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(dir.join(format!("{i:05}.pem")), &leaves[i % leaves.len()]).unwrap();
    }
}

fn check(dir: &Path) -> i64 {
    let (peak, code) = peak_kib(&[
        "check".into(),
        "-r".into(),
        "--expires-within".into(),
        "30d".into(),
        dir.into(),
    ]);
    // Findings at error severity: exit 1, not 2 (everything was read).
    assert_eq!(code, Some(1));
    peak
}

#[test]
fn check_memory_does_not_grow_with_the_number_of_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (small, large) = (tmp.path().join("small"), tmp.path().join("large"));
    tree(&small, 1_000);
    tree(&large, 10_000);
    let small_peak = check(&small);
    let large_peak = check(&large);
    assert!(
        large_peak < small_peak + 16 * 1024,
        "check -r: peak RSS {small_peak} KiB on 1,000 files, {large_peak} KiB on 10,000"
    );
}

/// A bundle of `certs` certificates: copies of a leaf, its intermediate and its root, each
/// with the text `openssl x509 -text` puts before it.
fn bundle(path: &Path, certs: usize) {
    let unit = std::fs::read(support::root().join("fixtures/bundles/chain.pem")).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..certs / 3 {
        f.write_all(&unit).unwrap();
    }
    f.flush().unwrap();
}

/// `chain` holds every certificate of the run until the report, but as a compact entry
/// (DER, key, the fields path building reads), not the whole item: the peak grows by less
/// than 7 KiB per certificate from 1,000 to 10,000 (about 5.0 KB in a debug build; the
/// whole items cost 10.5 KB).
#[test]
fn chain_keeps_a_compact_entry_per_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let (small, large) = (tmp.path().join("1k.pem"), tmp.path().join("10k.pem"));
    bundle(&small, 1_000);
    bundle(&large, 10_000);
    let chain = |path: &Path, format: &str| {
        let (peak, code) = peak_kib(&[
            "chain".into(),
            "--at".into(),
            "2026-01-15T12:00:00Z".into(),
            "--format".into(),
            format.into(),
            path.into(),
        ]);
        // The copies make the run's one chain complete and are listed as duplicates.
        assert_eq!(code, Some(0));
        peak
    };
    for format in ["text", "json"] {
        let (small_peak, large_peak) = (chain(&small, format), chain(&large, format));
        let per_cert = (large_peak - small_peak) * 1024 / 9_000;
        eprintln!("chain --format {format}: {small_peak} -> {large_peak} KiB, {per_cert} B/cert");
        assert!(
            per_cert < 7 * 1024,
            "chain --format {format}: peak RSS {small_peak} KiB on 1,000 certificates, \
             {large_peak} KiB on 10,000: {per_cert} bytes per certificate"
        );
    }
}
