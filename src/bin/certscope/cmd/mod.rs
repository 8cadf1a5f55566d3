//! Resolves the command line into settings and runs a command. The only place that reads
//! the environment, the terminal and the clock; everything below gets them as parameters.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use time::OffsetDateTime;

use crate::cli::{self, Cli, Command};

mod chain;
mod check;
mod collect;
pub(crate) mod drive;
mod find;
mod fingerprint;
mod inspect;
mod man;
pub(crate) mod messages;
pub(crate) mod output;
#[cfg(feature = "pkcs11")]
mod pkcs11;
#[cfg(not(feature = "pkcs11"))]
#[path = "pkcs11_off.rs"]
mod pkcs11;
mod progress;
mod relations;
mod stats;
#[cfg(feature = "pkcs11")]
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
        cli::Color::Auto => auto_color(|k| std::env::var_os(k), io::stdout().is_terminal()),
    };
    let ambient = Ambient { now: now()?, color };
    match cli.command {
        Command::Inspect(args) => inspect::run(&args, &ambient),
        Command::Fingerprint(args) => fingerprint::run(&args),
        #[cfg(feature = "pkcs11")]
        Command::Token(args) => token::run(*args, &ambient),
        Command::Chain(args) => chain::run(&args, &ambient),
        Command::Check(args) => check::run(&args, &ambient),
        Command::Find(args) => find::run(&args, &ambient),
        Command::Completions { shell } => {
            let mut cmd = cli::command();
            shell.generate(&mut cmd, &mut io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man { dir } => man::run(dir.as_deref()),
    }
}

/// `--color auto`: the one place the colour conventions are applied, in this order:
/// `NO_COLOR` (non-empty) turns colour off (<https://no-color.org>); `CLICOLOR_FORCE`
/// (non-empty, not `0`) turns it on even in a pipe (<https://bixense.com/clicolors/>);
/// otherwise colour only at a terminal whose `TERM` is not `dumb`. The same order as
/// `anstream`, which clap uses for its own help.
fn auto_color(var: impl Fn(&str) -> Option<std::ffi::OsString>, stdout_is_tty: bool) -> bool {
    let set = |k: &str| var(k).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    stdout_is_tty && var("TERM").is_none_or(|t| t != "dumb")
}

/// The host's name for `--inventory`: `CERTSCOPE_HOSTNAME` when set (tests, containers
/// that know a better name), else the kernel's (`/proc/sys/kernel/hostname`, then
/// `/etc/hostname`), else `HOSTNAME`, else `localhost`.
pub(crate) fn host_name() -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    env("CERTSCOPE_HOSTNAME")
        .or_else(|| {
            ["/proc/sys/kernel/hostname", "/etc/hostname"]
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .map(|s| s.trim().to_string())
                .find(|s| !s.is_empty())
        })
        .or_else(|| env("HOSTNAME"))
        .unwrap_or_else(|| "localhost".to_string())
}

/// `CERTSCOPE_NOW` (RFC 3339) pins "now" for reproducible output in tests and docs.
fn now() -> Result<OffsetDateTime> {
    match std::env::var("CERTSCOPE_NOW") {
        Ok(s) => OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .with_context(|| format!("CERTSCOPE_NOW={s:?} is not an RFC 3339 time")),
        Err(_) => Ok(OffsetDateTime::now_utc()),
    }
}

#[cfg(test)]
mod tests {
    use super::auto_color;
    use std::ffi::OsString;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn auto_colour_follows_the_conventions() {
        // (environment, stdout is a terminal, colour)
        type Case<'a> = (&'a [(&'a str, &'a str)], bool, bool);
        let cases: &[Case] = &[
            (&[], true, true),
            (&[], false, false),
            (&[("NO_COLOR", "1")], true, false),
            (&[("NO_COLOR", "")], true, true),
            (&[("TERM", "dumb")], true, false),
            (&[("TERM", "xterm-256color")], true, true),
            (&[("CLICOLOR_FORCE", "1")], false, true),
            (&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], false, true),
            (&[("CLICOLOR_FORCE", "0")], false, false),
            (&[("CLICOLOR_FORCE", "")], false, false),
            (&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false, false),
        ];
        for (vars, tty, want) in cases {
            assert_eq!(auto_color(env(vars), *tty), *want, "{vars:?} tty={tty}");
        }
    }
}
