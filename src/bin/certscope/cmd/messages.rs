//! Everything the binary writes to stderr, and the exit statuses. One line format, the
//! contract of docs/exit-codes.md: `certscope: LOCATOR: message`, sanitised so that a path or
//! a value read from an input cannot drive the terminal.

use std::io::{self, IsTerminal, Write};

use certscope::render::sanitize::{sanitize, sanitize_escaped};

/// Exit status: done, the answer is yes: everything read and decoded (and, for
/// `find`/`check`/`chain`/`token find`, something matched, nothing failed the check, every
/// chain is valid). docs/exit-codes.md is the contract.
pub const EXIT_OK: u8 = 0;
/// Exit status: done, the answer is no (no match, a finding at or above `--fail-on`, a chain
/// that is not valid). Never used for a failure to read something.
pub const EXIT_NO: u8 = 1;
/// Exit status: some input, item or token could not be read or decoded (the rest was still
/// printed), or the run could not be carried out (a failed write, a closed stdout).
pub const EXIT_PROBLEM: u8 = 2;
/// Exit status of a usage error: clap's, for an unknown option or a malformed value; also
/// a PIN refused before use (empty, or a length the token does not accept). The same number
/// as [`EXIT_PROBLEM`]: both mean "the answer could not be had".
pub const EXIT_USAGE: u8 = 2;

/// The status of a command that asks a question: a problem outranks the answer (a "no"
/// after an unreadable input may be wrong), else `answer_yes` decides.
pub fn verdict(read_status: u8, answer_yes: bool) -> u8 {
    if read_status != EXIT_OK {
        read_status.max(EXIT_PROBLEM)
    } else if answer_yes {
        EXIT_OK
    } else {
        EXIT_NO
    }
}

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
