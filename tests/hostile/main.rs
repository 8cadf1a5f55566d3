//! Inputs built to hurt (issue 12, docs/robustness.md "Attacks"): each test makes its attack at
//! test time, runs the real binary under a memory cap and a timeout (`support::run_capped`),
//! and asserts a bounded, explained outcome. Bounds are generous (10× the target) so a slow
//! machine does not fail them; exact figures are measured by `scripts/bench.sh`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../support/mod.rs"]
mod support;

mod cert_cache;
mod input;
mod kdf;
mod output;
mod relations;
mod token;
mod uri;
mod walk;
