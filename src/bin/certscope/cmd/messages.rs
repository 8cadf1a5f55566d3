//! Everything the binary writes to stderr, and the exit statuses. One line format, the
//! contract of docs/exit-codes.md: `certscope: LOCATOR: message`, sanitised so that a path or
//! a value read from an input cannot drive the terminal.

use std::io::{self, IsTerminal, Write};

use certscope::render::sanitize::{sanitize, sanitize_escaped};

/// Exit status: everything read and decoded (and, for `find`/`check`/`chain`, the answer is
/// yes).
pub const EXIT_OK: u8 = 0;
/// Exit status: some input or item failed (the rest was still printed), or the answer is no.
pub const EXIT_FAILED: u8 = 1;
/// Exit status of a usage error: clap's, for an unknown option or a malformed value; also
/// a PIN refused before use (empty, or a length the token does not accept).
pub const EXIT_USAGE: u8 = 2;

/// `certscope: LOCATOR: message`: a failure (or a note, when `message` says `note: …`) that
/// belongs to one input, item, token or module.
pub fn problem(locator: &str, message: &str) {
    // A failed write to stderr has nowhere to be reported.
    let _ = writeln!(
        io::stderr().lock(),
        "certscope: {}: {}",
        sanitize_escaped(locator),
        sanitize(message)
    );
}

/// `certscope: message`: a failure or note that belongs to the whole run.
pub fn general(message: &str) {
    let _ = writeln!(io::stderr().lock(), "certscope: {}", sanitize(message));
}

/// Run without inputs, certscope reads stdin; at a terminal that looks like a hang, so say
/// so (only when both stdin and stderr are terminals: never in pipes or scripts).
pub fn reading_stdin_hint() {
    if io::stdin().is_terminal() && io::stderr().is_terminal() {
        general("reading from stdin… (end with Ctrl-D; give files or `--help`)");
    }
}
