//! `certscope token ...`: clap definitions only (resolution happens in `cmd/token.rs`).

use clap::{Args, Subcommand, ValueEnum};

use crate::cli::{bytes, count, Format, InfoFormat, RecordArgs, ReportFormat, LIMITS};

/// `certscope token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// What to do with the token.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// `--type` of `token list` and `token find`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectTypeArg {
    /// Certificates.
    Cert,
    /// Public keys.
    Pubkey,
    /// Private keys (visible after login on most tokens).
    Privkey,
    /// Secret keys.
    Secret,
    /// Data objects.
    Data,
    /// Every object, vendor classes included.
    All,
}

/// `--module`.
#[derive(Debug, Args)]
pub struct ModuleArg {
    /// The PKCS#11 module to load: a shared library, or the name of a module registered
    /// with p11-kit (`softhsm2`) [default: $CERTSCOPE_PKCS11_MODULE, else p11-kit's proxy
    /// module].
    /// `token list`, `find` and `export` take several (`--module A --module B`), the
    /// other commands one.
    #[arg(long, value_name = "PATH", action = clap::ArgAction::Append)]
    pub module: Vec<String>,
    /// A string for the module's C_Initialize (pReserved), as p11-kit's x-init-reserved:
    /// NSS softoken needs "configdir='sql:DIR' ...".
    #[arg(long, value_name = "STRING", conflicts_with = "nss_db")]
    pub init_args: Option<String>,
    /// Read the NSS database in DIR (Firefox, Chrome, certutil -d sql:DIR): loads NSS's
    /// libsoftokn3 with configdir='sql:DIR' ... flags=readOnly.
    #[arg(long, value_name = "DIR", conflicts_with = "module")]
    pub nss_db: Option<std::path::PathBuf>,
    /// Seconds one call of the module may take; a call that does not return in time
    /// (a module blocked on a lock, a reader or the network) ends certscope with exit
    /// status 1, naming the call. 0 waits for ever.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "CERTSCOPE_PKCS11_MODULE_TIMEOUT",
        default_value_t = DEFAULT_MODULE_TIMEOUT,
        help_heading = LIMITS
    )]
    pub module_timeout: u64,
}

impl ModuleArg {
    /// The one `--module` of a command that reads one module; several end the process
    /// with clap's usage error (status 2), as a parse error would.
    pub fn single(&self) -> Option<&str> {
        match self.module.as_slice() {
            [] => None,
            [one] => Some(one),
            _ => clap::Error::raw(
                clap::error::ErrorKind::ArgumentConflict,
                "--module may be given once here; token list, find and export read several\n",
            )
            .exit(),
        }
    }
}

/// `--module-timeout` when not given, in seconds: far longer than any working module
/// takes for one call (a PIN pad waits for the user inside C_Login, hence not less).
pub const DEFAULT_MODULE_TIMEOUT: u64 = 30;

/// TOKEN: which tokens (default: every initialised token present).
#[derive(Debug, Args)]
pub struct TokenSelect {
    /// The token with this label.
    #[arg(long, value_name = "LABEL")]
    pub token: Option<String>,
    /// The token in this slot (decimal, or hex with 0x).
    #[arg(long, value_name = "ID", value_parser = parse_slot)]
    pub slot: Option<u64>,
    /// The token with this serial number.
    #[arg(long, value_name = "SERIAL")]
    pub token_serial: Option<String>,
}

/// Login: only when asked.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Log in to see private objects; asks for the PIN (without echo) on a terminal.
    #[arg(long)]
    pub login: bool,
    /// The user PIN: pass:TEXT, env:VAR or file:PATH (implies --login).
    #[arg(long, value_name = "SPEC")]
    pub pin: Option<String>,
}

/// Limits on what a module may hand over.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Largest attribute value accepted from the module, in bytes.
    #[arg(
        long,
        value_name = "BYTES",
        env = "CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE",
        default_value_t = certscope::token::session::DEFAULT_MAX_ATTRIBUTE_SIZE,
        hide_default_value = true,
        help_heading = LIMITS,
        help = format!(
            "Largest attribute value (certificate, label, ID...) accepted from the module, in \
             bytes; a longer one is not read and its object is listed with an error, so that a \
             module reporting an absurd length cannot exhaust memory. The environment variable \
             also applies to pkcs11: URIs given to inspect and fingerprint [default: {}]",
            bytes(certscope::token::session::DEFAULT_MAX_ATTRIBUTE_SIZE as u64)
        )
    )]
    pub max_attribute_size: usize,
    /// Most objects one search may return.
    #[arg(
        long,
        value_name = "N",
        env = "CERTSCOPE_PKCS11_MAX_OBJECTS",
        default_value_t = certscope::token::read::raw::DEFAULT_MAX_OBJECTS,
        hide_default_value = true,
        help_heading = LIMITS,
        help = format!(
            "Most objects one search may return; a module whose search goes on past this (one \
             that never ends, say) is stopped with an error, so that it cannot exhaust memory \
             [default: {}]",
            count(certscope::token::read::raw::DEFAULT_MAX_OBJECTS as u64)
        )
    )]
    pub max_objects: usize,
    /// Threads that read object attributes at once, each in a session of its own (0: one
    /// per core, at most 4, when the module's reads are slow, as over a network; else
    /// one). Only with a module that accepted OS locking (CKF_OS_LOCKING_OK) in
    /// C_Initialize, which PKCS#11 says makes it safe to call from several threads; 1
    /// always reads on one thread.
    #[arg(
        long,
        value_name = "N",
        env = "CERTSCOPE_PKCS11_THREADS",
        default_value_t = 0
    )]
    pub threads: usize,
}

/// What the object-reading commands (`list`, `find`, `export`) share: module, tokens,
/// login and limits.
#[derive(Debug, Args)]
pub struct ReadingArgs {
    /// Module.
    #[command(flatten)]
    pub module: ModuleArg,
    /// Token.
    #[command(flatten)]
    pub select: TokenSelect,
    /// Login.
    #[command(flatten)]
    pub login: LoginArgs,
    /// Limits.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Read every module registered with p11-kit that it would load in certscope (see
    /// `token modules`), each directly, instead of one module.
    #[arg(long, conflicts_with = "module")]
    pub all_modules: bool,
}

/// What `token list` and `token dump` share: where to read, which objects, what JSON
/// records hold (their `--format` sets differ: `dump` has no PEM).
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Module, tokens, login, limits.
    #[command(flatten)]
    pub reading: ReadingArgs,
    /// Which objects.
    #[arg(long = "type", value_enum, default_value_t = ObjectTypeArg::All)]
    pub object_type: ObjectTypeArg,
    /// What JSON/JSONL records hold.
    #[command(flatten)]
    pub record: RecordArgs,
}

/// FILTER: every one given must match. The certificate criteria are `find`'s own, parsed
/// by the same value parsers, so a value means the same in both commands.
#[derive(Debug, Args)]
pub struct ObjectFilterArgs {
    /// Objects with this label (CKA_LABEL).
    #[arg(long, value_name = "L")]
    pub label: Option<String>,
    /// Objects with this ID (CKA_ID), hex (`0x01`, `01`, `a1:b2`).
    #[arg(long, value_name = "HEX", value_parser = id_arg)]
    pub id: Option<String>,
    /// Certificates matching `find`'s criteria.
    #[command(flatten)]
    pub item: crate::cli::FilterArgs,
}

/// `--id`: hex as `parse_hex_lenient` reads it, with or without a `0x` prefix (as
/// pkcs11-tool users write it), normalised to plain lower hex.
fn id_arg(s: &str) -> Result<String, String> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    certscope::fingerprint::parse_hex_lenient(s)
        .map(hex::encode)
        .map_err(|e| e.to_string())
}

/// The `token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// List the PKCS#11 modules registered with p11-kit.
    #[command(
        after_help = "Examples:\n  certscope token modules\n  certscope token modules --format json"
    )]
    Modules {
        /// Output format (docs/formats.md).
        #[arg(long, short = 'f', value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
    /// Show every slot of a module and the token in it.
    #[command(
        after_help = "Example:\n  certscope token slots --module /usr/lib/softhsm/libsofthsm2.so"
    )]
    Slots {
        /// Module.
        #[command(flatten)]
        module: ModuleArg,
        /// Output format (docs/formats.md).
        #[arg(long, short = 'f', value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
    /// List the objects on tokens: certificates decoded as from a file, keys by their attributes.
    #[command(
        after_help = "Examples:\n  certscope token list --token mytoken --type cert\n  certscope token list --type all --login --pin env:PIN --format json"
    )]
    List {
        /// Module, tokens, login, limits, which objects.
        #[command(flatten)]
        listing: ListArgs,
        /// Output format (docs/formats.md).
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also show every attribute the module gives for each object, raw (hex) and
        /// named, any class; never a secret value (CKA_VALUE of keys is not asked for).
        #[arg(long)]
        attributes: bool,
    },
    /// `token list --attributes`: every attribute of every object, raw and named.
    #[command(
        after_help = "Examples:\n  certscope token dump --token mytoken\n  certscope token dump --type all --pin env:PIN --format json"
    )]
    Dump {
        /// Module, tokens, login, limits, which objects.
        #[command(flatten)]
        listing: ListArgs,
        /// Output format (docs/formats.md); no pem: PEM has no place for the attributes.
        #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Find objects by label, ID, subject, issuer, serial, thumbprint or key pin; exit 1 when nothing matches.
    #[command(
        after_help = "--subject matches the whole DN (RFC 4514; case and spacing do not matter), not a part.\n\nExamples:\n  certscope token find --subject 'CN=www.example.com,O=Example,C=US'\n  certscope token find --id 01 --format pem\n  certscope token find --label leaf >/dev/null && echo present"
    )]
    Find {
        /// Module, tokens, login, limits.
        #[command(flatten)]
        reading: ReadingArgs,
        /// Filters.
        #[command(flatten)]
        filter: ObjectFilterArgs,
        /// Which objects.
        #[arg(long = "type", value_enum, default_value_t = ObjectTypeArg::All)]
        object_type: ObjectTypeArg,
        /// Output format (docs/formats.md).
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
        format: Format,
        /// What JSON/JSONL records hold.
        #[command(flatten)]
        record: RecordArgs,
    },
    /// Write the matching certificates as PEM; exit 1 when none matches.
    #[command(
        after_help = "Example:\n  certscope token export --token mytoken --label leaf -o leaf.pem"
    )]
    Export {
        /// Module, tokens, login, limits.
        #[command(flatten)]
        reading: ReadingArgs,
        /// Filters.
        #[command(flatten)]
        filter: ObjectFilterArgs,
        /// Where to write, `-` for stdout.
        #[arg(short, long, value_name = "FILE", default_value = "-")]
        output: String,
    },
    /// Diagnose a module, read-only: what loading, C_Initialize, the slots, the tokens, a
    /// session and a search returned, and known problems explained; exit 1 when one is found.
    #[command(
        after_help = "Examples:\n  certscope token doctor\n  certscope token doctor --module opensc-pkcs11 --format json"
    )]
    Doctor {
        /// Module.
        #[command(flatten)]
        module: ModuleArg,
        /// Output format (docs/formats.md).
        #[arg(long, short = 'f', value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
    /// List the mechanisms of tokens, like `pkcs11-tool -M`.
    #[command(
        after_help = "Examples:\n  certscope token mechanisms --token mytoken\n  certscope token mechanisms --slot 0x1c --format json"
    )]
    Mechanisms {
        /// Module.
        #[command(flatten)]
        module: ModuleArg,
        /// Token.
        #[command(flatten)]
        select: TokenSelect,
        /// Output format (docs/formats.md).
        #[arg(long, short = 'f', value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
}

/// A slot ID: decimal, or hex with `0x` (how SoftHSM's slot descriptions print it).
fn parse_slot(s: &str) -> Result<u64, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse::<u64>(),
    };
    parsed.map_err(|_| format!("{s:?} is not a slot ID (decimal, or hex with 0x)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_ids() {
        assert_eq!(parse_slot("12"), Ok(12));
        assert_eq!(parse_slot("0x1c"), Ok(28));
        assert!(parse_slot("x").is_err());
    }
}
