//! `check -r` streams (issue 18): peak RSS over 10,000 one-certificate files is within
//! 16 MiB of that over 1,000. It held every decoded item, about 10 KB each, before.
//!
//! One test in its own binary, so that the peak RSS of waited-for children
//! (`RUSAGE_CHILDREN`) is exactly that of the runs below (as in tests/memory.rs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use std::path::Path;

use support::children_peak_kib;

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

fn check(dir: &Path) {
    let o = support::certscope()
        .args(["check", "-r", "--expires-within", "30d"])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    // Findings at error severity: exit 1, not 2 (everything was read).
    assert_eq!(o.code(), Some(1));
}

#[test]
fn check_memory_does_not_grow_with_the_number_of_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (small, large) = (tmp.path().join("small"), tmp.path().join("large"));
    tree(&small, 1_000);
    tree(&large, 10_000);
    check(&small);
    let small_peak = children_peak_kib();
    check(&large);
    let large_peak = children_peak_kib();
    assert!(
        large_peak < small_peak + 16 * 1024,
        "check -r: peak RSS {small_peak} KiB on 1,000 files, {large_peak} KiB on 10,000"
    );
}
