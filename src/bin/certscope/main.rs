//! The `certscope` binary: parse the command line, run, turn the outcome into an exit code.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::FromArgMatches;

/// Decoded items are allocated on the decoding threads and freed on the printing thread;
/// with glibc's malloc that pattern cost a quarter of `inspect`'s CPU time, with mimalloc little
/// (docs/design.md, "Allocator"). `no_thp` keeps its arenas off transparent huge pages,
/// which otherwise add 17 MiB of peak RSS.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cli::Cli::from_arg_matches(&cli::command().get_matches()) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    if stdout_closed() {
        // Rust's stdout drops writes to a closed descriptor without an error, and the first
        // file opened would take descriptor 1: refuse before anything is read.
        cmd::messages::general(
            "stdout is closed, so nothing could be written (redirect it, e.g. >/dev/null)",
        );
        return ExitCode::from(cmd::messages::EXIT_PROBLEM);
    }
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // `certscope inspect big.pem | head`: a closed pipe is the reader's choice, not
            // an error (ripgrep does the same).
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // Errors can quote a path or setting; `general` keeps the terminal safe from them.
            let message = error_text(&err);
            cmd::messages::general(&message);
            // Whatever stopped the run (a refused PIN, a module that does not load, a
            // failed write), the answer could not be had: 2, never the "no" of 1.
            ExitCode::from(cmd::messages::EXIT_PROBLEM)
        }
    }
}

/// Whether an error comes from writing to a pipe whose reader has gone, whether it reached
/// here as an I/O error or inside serde_json's error (JSON output).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(BrokenPipe)
    })
}

/// Whether descriptor 1 was closed when the process started (`>&-`). Rust's runtime opens
/// /dev/null on a closed descriptor 0–2 before `main`, so the check must run earlier: an
/// ELF initialiser (as the `ctor` crate makes), which runs before the runtime's set-up.
#[cfg(target_os = "linux")]
mod closed_stdout {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);

    // The one item outside the token FFI that the `unsafe_code` lint flags: placing a
    // function pointer in `.init_array` is how ELF runs code before `main`. The function
    // itself is safe code.
    #[allow(unsafe_code)]
    #[used]
    #[link_section = ".init_array"]
    static RECORD: extern "C" fn() = record;

    extern "C" fn record() {
        use std::os::fd::AsFd;
        // Duplicating a descriptor fails only when it is not open.
        let closed = std::io::stdout().as_fd().try_clone_to_owned().is_err();
        CLOSED.store(closed, Ordering::Relaxed);
    }

    pub fn get() -> bool {
        CLOSED.load(Ordering::Relaxed)
    }
}

#[cfg(target_os = "linux")]
fn stdout_closed() -> bool {
    closed_stdout::get()
}

#[cfg(not(target_os = "linux"))]
fn stdout_closed() -> bool {
    false
}

/// The error and its causes joined by ": ", each cause once: an error whose message already
/// ends with its cause's text (`cannot read X: No such file`) does not repeat it.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.ends_with(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}
