//! Resource limits from the command line: each refusal names the limit and the flag that
//! raises it, the rest of the input (or the next input) is still handled, and the exit
//! status is 1.

use crate::support;

use support::{run, run_stdin, stderr, stdout};

#[test]
fn max_input_size_for_files_and_stdin() {
    let o = run(&[
        "inspect",
        "--max-input-size",
        "100",
        "fixtures/certs/leaf.pem",
        "fixtures/keys/ec-params.pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("fixtures/certs/leaf.pem: input is "), "{err}");
    let size = std::fs::metadata(support::root().join("fixtures/certs/leaf.pem"))
        .unwrap()
        .len();
    assert!(
        err.contains(&format!(
            "input is {size} bytes, over the limit of 100 (raise it with --max-input-size)"
        )),
        "{err}"
    );
    // The next input is still read.
    assert!(stdout(&o).contains("Curve:        P-256"), "{}", stdout(&o));

    let pem = std::fs::read(support::root().join("fixtures/certs/leaf.pem")).unwrap();
    let o = run_stdin(&["inspect", "--max-input-size", "100"], &pem);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("-: input is over the limit of 100 bytes (raise it with --max-input-size)"),
        "{err}"
    );
}

#[test]
fn max_items_stops_and_says_so() {
    let o = run(&[
        "fingerprint",
        "--max-items",
        "2",
        "fixtures/bundles/chain.pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("more than 2 items in this input; the rest is not read"),
        "{err}"
    );
    assert!(err.contains("--max-items"), "{err}");
    // Inside containers too (PKCS#7 with three certificates and a CRL).
    let o = run(&[
        "fingerprint",
        "--max-items",
        "1",
        "fixtures/pkcs7/chain-crl.p7b.der",
    ]);
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(stderr(&o).contains("--max-items"));
    // At the limit exactly: no complaint.
    let o = run(&[
        "fingerprint",
        "--max-items",
        "3",
        "fixtures/bundles/chain.pem",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn max_items_counts_blocks_that_yield_no_item() {
    // Blocks that fail without an item (a PKCS7 label over junk) still count.
    let junk = "-----BEGIN PKCS7-----\nAQID\n-----END PKCS7-----\n".repeat(50);
    let o = run_stdin(&["inspect", "--max-items", "5"], junk.as_bytes());
    let err = stderr(&o);
    assert!(err.contains("more than 5 items"), "{err}");
    assert_eq!(err.lines().count(), 6, "{err}");
}

#[test]
fn max_block_size_names_the_flag() {
    let o = run(&[
        "inspect",
        "--max-block-size",
        "100",
        "fixtures/certs/leaf.pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("fixtures/certs/leaf.pem (line 1): PEM block larger than the limit of 100"),
        "{err}"
    );
    assert!(err.contains("--max-block-size"), "{err}");
}

#[test]
fn max_block_size_on_a_stream_skips_the_block_and_reads_on() {
    // Over one 4 MiB window, so stdin is streamed: a 9 MiB block, then the leaf.
    let leaf = std::fs::read(support::root().join("fixtures/certs/leaf.pem")).unwrap();
    let mut data = b"-----BEGIN CERTIFICATE-----\n".to_vec();
    for _ in 0..150_000 {
        data.extend_from_slice(&[b'Q'; 64]);
        data.push(b'\n');
    }
    data.extend_from_slice(b"-----END CERTIFICATE-----\n");
    data.extend_from_slice(&leaf);
    let o = run_stdin(&["fingerprint", "--max-block-size", "1000000"], &data);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("-#0 (line 1): PEM block larger than the limit of 1000000 bytes"),
        "{err}"
    );
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("-#1"), "{out}");
}

#[test]
fn max_kdf_iterations_for_pkcs8_and_pkcs12() {
    for f in [
        "fixtures/keys/p256-pkcs8-aes.pem",
        "fixtures/pkcs12/leaf-aes.p12",
    ] {
        let o = run(&[
            "inspect",
            "--password",
            "pass:test",
            "--max-kdf-iterations",
            "100",
            f,
        ]);
        assert_eq!(o.status.code(), Some(2), "{f}");
        let err = stderr(&o);
        assert!(err.contains("2048"), "{f}: {err}");
        assert!(err.contains("over the limit of 100"), "{f}: {err}");
        assert!(err.contains("--max-kdf-iterations"), "{f}: {err}");
    }
}

#[test]
fn der_nesting_limit_is_named() {
    let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 1000)
        .flatten()
        .collect();
    let o = run_stdin(&["inspect"], &deep);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("nested deeper than 64 levels"), "{err}");
    assert!(err.contains("DER nesting limit"), "{err}");
}

#[test]
fn limits_are_in_the_help() {
    let help = stdout(&run(&["inspect", "--help"]));
    for flag in [
        "--max-input-size",
        "--max-items",
        "--max-block-size",
        "--max-kdf-iterations",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
