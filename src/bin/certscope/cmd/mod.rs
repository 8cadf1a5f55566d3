//! Resolves the command line into settings and runs a command. The only place that reads
//! the environment (into [`Ambient`]), the terminal and the clock; everything below gets
//! them as parameters. (`--password env:VAR` and `--pin env:VAR` read the variable their
//! spec names, in `input::secret`.)

use std::ffi::OsString;
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
/// clock, whether to colour, and every environment variable certscope reads (their values
/// are checked where they are used, so that an error names the place).
pub(crate) struct Ambient {
    /// "Now" (`CERTSCOPE_NOW` pins it).
    pub now: OffsetDateTime,
    /// Colour the text output.
    pub color: bool,
    /// `CERTSCOPE_HOSTNAME`, then `HOSTNAME` (non-blank): `--inventory`'s host, around the
    /// kernel's name ([`Ambient::host_name`]).
    host_names: (Option<String>, Option<String>),
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR` (non-empty): `--roots system`.
    pub trust: TrustEnv,
    /// The PKCS#11 module settings.
    #[cfg(feature = "pkcs11")]
    pub token: cli::TokenEnv,
}

/// Where the environment says the system trust store is (OpenSSL's variables).
pub(crate) struct TrustEnv {
    /// `SSL_CERT_FILE`.
    pub cert_file: Option<OsString>,
    /// `SSL_CERT_DIR`.
    pub cert_dir: Option<OsString>,
}

impl Ambient {
    /// Reads the clock and the environment; `color` is `--color`.
    fn resolve(color: cli::Color) -> Result<Ambient> {
        let color = match color {
            cli::Color::Always => true,
            cli::Color::Never => false,
            cli::Color::Auto => auto_color(|k| std::env::var_os(k), io::stdout().is_terminal()),
        };
        let text = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let path = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Ok(Ambient {
            now: now()?,
            color,
            host_names: (text("CERTSCOPE_HOSTNAME"), text("HOSTNAME")),
            trust: TrustEnv {
                cert_file: path("SSL_CERT_FILE"),
                cert_dir: path("SSL_CERT_DIR"),
            },
            #[cfg(feature = "pkcs11")]
            token: cli::TokenEnv {
                module: std::env::var(pkcs11::MODULE_ENV).ok(),
                home: std::env::var_os("HOME").map(Into::into),
                no_user_config: std::env::var_os("P11_NO_USER_CONFIG").is_some(),
                max_attribute_size: std::env::var(pkcs11::MAX_ATTRIBUTE_SIZE_ENV).ok(),
                max_objects: std::env::var(pkcs11::MAX_OBJECTS_ENV).ok(),
                threads: std::env::var(pkcs11::THREADS_ENV).ok(),
                module_timeout: std::env::var(pkcs11::MODULE_TIMEOUT_ENV).ok(),
                pcscd_socket: std::env::var_os("PCSCLITE_CSOCK_NAME"),
            },
        })
    }

    /// The host's name for `--inventory`: `CERTSCOPE_HOSTNAME` when set (tests, containers
    /// that know a better name), else the kernel's (`/proc/sys/kernel/hostname`, then
    /// `/etc/hostname`), else `HOSTNAME`, else `localhost`.
    pub(crate) fn host_name(&self) -> String {
        let (set, fallback) = &self.host_names;
        set.clone()
            .or_else(|| {
                ["/proc/sys/kernel/hostname", "/etc/hostname"]
                    .iter()
                    .filter_map(|p| std::fs::read_to_string(p).ok())
                    .map(|s| s.trim().to_string())
                    .find(|s| !s.is_empty())
            })
            .or_else(|| fallback.clone())
            .unwrap_or_else(|| "localhost".to_string())
    }

    /// `args` with the environment's token settings, for its `pkcs11:` inputs.
    fn inputs<'a>(&self, args: &'a mut cli::InputArgs) -> &'a mut cli::InputArgs {
        #[cfg(feature = "pkcs11")]
        {
            args.pkcs11.env = self.token.clone();
        }
        args
    }
}

/// Runs the command; returns the exit status.
pub fn run(cli: Cli) -> Result<u8> {
    let ambient = Ambient::resolve(cli.color)?;
    match cli.command {
        Command::Inspect(mut args) => {
            ambient.inputs(&mut args.input);
            inspect::run(&args, &ambient)
        }
        Command::Fingerprint(mut args) => {
            ambient.inputs(&mut args.input);
            fingerprint::run(&args)
        }
        #[cfg(feature = "pkcs11")]
        Command::Token(args) => token::run(*args, &ambient),
        #[cfg(not(feature = "pkcs11"))]
        Command::Token { .. } => {
            messages::general(pkcs11::NOT_BUILT);
            Ok(messages::EXIT_PROBLEM)
        }
        Command::Chain(mut args) => {
            ambient.inputs(&mut args.input);
            chain::run(&args, &ambient)
        }
        Command::Check(mut args) => {
            ambient.inputs(&mut args.input);
            check::run(&args, &ambient)
        }
        Command::Find(mut args) => {
            ambient.inputs(&mut args.input);
            find::run(&args, &ambient)
        }
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

/// `CERTSCOPE_NOW` (RFC 3339) pins "now" for reproducible output in tests and docs. The
/// clock is cut to the second: certificate times have no finer unit, and every timestamp
/// certscope writes (chain's `at`, inventory scan times) is to the second.
fn now() -> Result<OffsetDateTime> {
    match std::env::var("CERTSCOPE_NOW") {
        Ok(s) => OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .with_context(|| format!("CERTSCOPE_NOW={s:?} is not an RFC 3339 time")),
        Err(_) => {
            let now = OffsetDateTime::now_utc();
            Ok(now.replace_nanosecond(0).unwrap_or(now))
        }
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
