//! The command line, as clap definitions only. Resolution into settings happens in `app`.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Tells exactly what is inside certificate material and security tokens.
#[derive(Debug, Parser)]
#[command(name = "certscope", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to use colour in text output (never when NO_COLOR is set, unless `always`).
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Text,
    /// One JSON document (see docs/json.md).
    Json,
    /// One JSON item per line, no wrapper document (for pipelines; failures go to stderr).
    Jsonl,
    /// Every certificate, CSR, CRL and public key as clean PEM.
    Pem,
}

/// Digest algorithms for `--hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Hash {
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// MD5 (legacy inventories only).
    Md5,
}

/// Digest encodings for `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DigestEncoding {
    /// Upper-case hex with colons, as `openssl x509 -fingerprint` prints it.
    Colon,
    /// Lower-case hex.
    Hex,
    /// Upper-case hex, as Windows shows a thumbprint.
    HexUpper,
    /// Standard base64 (with --spki: the HPKP/curl pin-sha256 value).
    Base64,
    /// URL-safe base64 without padding.
    Base64url,
}

/// Options shared by the commands that read inputs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files to read, `-` for stdin (the default), or directories with -r.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Read every file below directories given as INPUT.
    #[arg(short, long)]
    pub recursive: bool,
    /// Password for PKCS#12 files and encrypted keys: pass:TEXT, env:VAR or file:PATH.
    #[arg(long, value_name = "SPEC")]
    pub password: Option<String>,
    /// Largest input accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = certscope::input::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
    /// Highest PBKDF2 iteration count accepted from an encrypted key.
    #[arg(long, value_name = "N", default_value_t = certscope::decode::DEFAULT_MAX_KDF_ITERATIONS)]
    pub max_kdf_iterations: u64,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show everything inside certificates, keys, CSRs, CRLs, PKCS#7 and PKCS#12 files.
    #[command(
        after_help = "Examples:\n  certscope inspect server.pem\n  certscope inspect --format json bundle.p7b | jq '.items[].subject'\n  certscope inspect --password env:P12PASS identity.p12\n  kubectl get secret tls -o jsonpath='{.data.tls\\.crt}' | certscope inspect"
    )]
    Inspect {
        /// Inputs.
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Digests to show in text output (repeatable; default sha1 and sha256).
        #[arg(long, value_enum)]
        hash: Vec<Hash>,
        /// Show every CRL entry in text output, not only the first 20.
        #[arg(long)]
        all: bool,
        /// Do not relate items (keys, issuers, duplicates); print each item as soon as it
        /// is decoded, in flat memory.
        #[arg(long)]
        no_relations: bool,
    },
    /// Print one thumbprint line per item: digest, where it came from, subject.
    #[command(
        after_help = "Examples:\n  certscope fingerprint cert.pem\n  certscope fingerprint --hash sha1 --encoding hex-upper *.cer\n  certscope fingerprint --spki --encoding base64 cert.pem   # the pin-sha256 value"
    )]
    Fingerprint {
        /// Inputs.
        #[command(flatten)]
        input: InputArgs,
        /// Digest algorithm (repeatable; default sha256).
        #[arg(long, value_enum)]
        hash: Vec<Hash>,
        /// How to write the digest.
        #[arg(long, value_enum, default_value_t = DigestEncoding::Colon)]
        encoding: DigestEncoding,
        /// Digest the SubjectPublicKeyInfo instead of the whole DER (key pins).
        #[arg(long)]
        spki: bool,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Look inside smart cards and HSMs through their PKCS#11 module (see docs/pkcs11.md).
    #[command(
        after_help = "Examples:\n  certscope token slots --module /usr/lib/softhsm/libsofthsm2.so\n  certscope token list --token mytoken --login\n  certscope token find --subject 'CN=www.example.com' --format pem\n  certscope inspect 'pkcs11:token=mytoken;object=leaf;type=cert'"
    )]
    Token(Box<crate::token_cli::TokenArgs>),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  certscope completions bash > /etc/bash_completion.d/certscope"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  certscope man > certscope.1 && man ./certscope.1")]
    Man,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
