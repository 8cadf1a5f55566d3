//! Hostile inputs: input.

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
