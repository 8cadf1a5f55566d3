//! The CLI tests: every test of the certscope binary and library that needs no PKCS#11
//! token of its own, one module per subject, linked once (issue 13). Token tests are
//! tests/token/, attacks tests/hostile/; the two memory tests stay binaries of their own
//! (tests/memory.rs, tests/memory_check.rs) because `RUSAGE_CHILDREN` is process-wide.
//! A module's snapshots are `snapshots/cli__<module>__<name>.snap`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../support/mod.rs"]
mod support;

mod chain;
mod check;
mod cli;
mod compare_openssl;
mod exit_codes;
mod find;
mod fingerprints;
mod fuzz_replay;
mod inventory;
mod json_contract;
mod jsonl;
mod keyfmt;
mod layout;
mod light_decode;
mod limits;
mod output_safety;
mod pkits;
mod properties;
mod readme;
mod report_snapshots;
mod revocation;
mod snapshots;
mod validation;
mod walk;
