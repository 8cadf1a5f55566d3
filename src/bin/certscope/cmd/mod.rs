//! Resolves the command line into settings and runs a command. The only place that reads
//! the environment, the terminal and the clock; everything below gets them as parameters.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use clap::CommandFactory;
use time::OffsetDateTime;

use crate::cli::{self, Cli, Command};

mod chain;
mod check;
mod collect;
pub(crate) mod drive;
mod find;
mod fingerprint;
mod inspect;
pub(crate) mod messages;
pub(crate) mod output;
mod pkcs11;
mod relations;
mod token;

use messages::EXIT_OK;

/// What every command may need from outside the command line, resolved once here: the
/// clock and whether to colour. (The token commands' environment variables are read in
/// `token.rs`, where their errors are reported.)
pub(crate) struct Ambient {
    /// "Now" (`CERTSCOPE_NOW` pins it).
    pub now: OffsetDateTime,
    /// Colour the text output.
    pub color: bool,
}

/// Runs the command; returns the exit status.
pub fn run(cli: Cli) -> Result<u8> {
    let color = match cli.color {
        cli::Color::Always => true,
        cli::Color::Never => false,
        cli::Color::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let ambient = Ambient { now: now()?, color };
    match cli.command {
        Command::Inspect(args) => inspect::run(&args, &ambient),
        Command::Fingerprint(args) => fingerprint::run(&args),
        Command::Token(args) => token::run(*args, &ambient),
        Command::Chain(args) => chain::run(&args, &ambient),
        Command::Check(args) => check::run(&args, &ambient),
        Command::Find(args) => find::run(&args, &ambient),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "certscope", &mut io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut io::stdout())?;
            Ok(EXIT_OK)
        }
    }
}

/// `CERTSCOPE_NOW` (RFC 3339) pins "now" for reproducible output in tests and docs.
fn now() -> Result<OffsetDateTime> {
    match std::env::var("CERTSCOPE_NOW") {
        Ok(s) => OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .with_context(|| format!("CERTSCOPE_NOW={s:?} is not an RFC 3339 time")),
        Err(_) => Ok(OffsetDateTime::now_utc()),
    }
}
