//! The `certscope` binary: parse the command line, run, turn the outcome into an exit code.

mod app;
mod cli;
mod token_cli;
mod token_cmd;

use std::process::ExitCode;

use clap::Parser;

/// Decoded items are allocated on the decoding threads and freed on the printing thread;
/// with glibc's malloc that pattern cost a quarter of `inspect`'s CPU time, with mimalloc little
/// (docs/design.md, "Allocator"). `no_thp` keeps its arenas off transparent huge pages,
/// which otherwise add 17 MiB of peak RSS.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // `certscope inspect big.pem | head`: a closed pipe is the reader's choice, not
            // an error (ripgrep does the same).
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Errors can quote a path or setting; keep the terminal safe from them too.
            let message = error_text(&err);
            eprintln!(
                "certscope: {}",
                certscope::render::sanitize::sanitize(&message)
            );
            ExitCode::from(1)
        }
    }
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
