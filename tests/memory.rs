//! Memory is bounded by the largest item, not the input: peak RSS of certscope over a bundle
//! of 200 certificates and over one of 15,000 (about 45 MB) must be nearly the same.
//!
//! This test binary holds this one test only, so the peak RSS of waited-for children
//! (`RUSAGE_CHILDREN`) is exactly that of the runs below. The same check over a 1 GB bundle
//! is `#[ignore]`d (run it with `cargo test --release --test memory -- --ignored`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use std::io::Write;

use support::children_peak_kib;

fn bundle(dir: &std::path::Path, name: &str, certs: usize) -> String {
    let unit = std::fs::read(support::root().join("fixtures/bundles/chain.pem")).unwrap();
    let path = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for _ in 0..certs.div_ceil(3) {
        f.write_all(&unit).unwrap();
    }
    f.flush().unwrap();
    path.to_string_lossy().into_owned()
}

fn peak_of_runs(small: &str, large: &str) -> (i64, i64) {
    // Relations hold up to --relations-limit items by design (docs/design.md); with them
    // off every format streams.
    let runs: [&[&str]; 3] = [
        &["fingerprint"],
        &["inspect", "--no-relations"],
        &["inspect", "--no-relations", "--format", "json"],
    ];
    let mut small_peak = 0;
    for args in runs {
        let o = support::certscope().args(args).arg(small).output().unwrap();
        assert!(o.status.success());
        small_peak = children_peak_kib();
    }
    for args in runs {
        let mut child = support::certscope()
            .args(args)
            .arg(large)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(child.wait().unwrap().success());
    }
    (small_peak, children_peak_kib())
}

#[test]
fn peak_memory_does_not_grow_with_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let small = bundle(dir.path(), "small.pem", 200);
    let large = bundle(dir.path(), "large.pem", 15_000);
    let (small_peak, large_peak) = peak_of_runs(&small, &large);
    // The large input is ~45 MB; holding it (or its items) would add far more than 24 MiB.
    assert!(
        large_peak < small_peak + 24 * 1024,
        "peak RSS {small_peak} KiB on 200 certificates, {large_peak} KiB on 15,000"
    );
}

#[test]
#[ignore = "writes a 1 GB file; run by hand or from scripts/bench.sh"]
fn peak_memory_on_a_one_gigabyte_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let small = bundle(dir.path(), "small.pem", 200);
    let large = bundle(dir.path(), "huge.pem", 340_000);
    let (small_peak, large_peak) = peak_of_runs(&small, &large);
    assert!(
        large_peak < small_peak + 32 * 1024,
        "peak RSS {small_peak} KiB on 200 certificates, {large_peak} KiB on 1 GB"
    );
}
