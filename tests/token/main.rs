//! The PKCS#11 token tests: SoftHSM, p11-kit, NSS and the fault-injecting module, through
//! the real binary and the library, one module per subject, linked once (issue 13). Each
//! token test runs its body in a child of this binary filtered to its full name
//! (tests/support/softhsm.rs). A module's snapshots are `snapshots/token__<module>__<name>.snap`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../support/mod.rs"]
mod support;

mod token_cli;
mod token_faults;
mod token_keys;
mod token_library;
mod token_nss;
mod token_p11kit;
mod token_snapshots;
mod token_threads;
mod token_uri;
