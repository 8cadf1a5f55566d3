//! The command line, as clap definitions only. Resolution into settings happens in `cmd`.

pub mod formats;
#[cfg(feature = "pkcs11")]
pub mod token;

pub use formats::*;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";
/// The heading of the resource limits (docs/robustness.md).
pub(crate) const LIMITS: &str = "Limits";

/// Tells exactly what is inside certificate material and security tokens.
#[derive(Debug, Parser)]
#[command(
    name = "certscope",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = "Examples:\n  certscope inspect server.pem\n  certscope chain --roots system fullchain.pem\n  certscope check --expires-within 30d -r /etc/ssl/certs\n  certscope inspect --help"
)]
pub struct Cli {
    /// When to colour text output. auto: at a terminal, unless NO_COLOR is set or
    /// TERM=dumb; CLICOLOR_FORCE colours a pipe too.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true, help_heading = GLOBAL)]
    pub color: Color,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The module, PIN and `C_Initialize` string for `pkcs11:` INPUTs.
#[derive(Debug, Clone, Default, Args)]
pub struct UriTokenArgs {
    /// The PKCS#11 module (shared library) for pkcs11: INPUTs,
    /// before the URI's module-name [default: $CERTSCOPE_PKCS11_MODULE, else the URI's
    /// module-name, else p11-kit's proxy module].
    #[arg(long, value_name = "PATH", help_heading = PKCS11_INPUTS)]
    pub module: Option<String>,
    /// The user PIN for pkcs11: INPUTs (pass:TEXT, env:VAR or file:PATH), when the URI
    /// has no pin-value or pin-source; one C_Login, never retried.
    #[arg(long, value_name = "SPEC", help_heading = PKCS11_INPUTS)]
    pub pin: Option<String>,
    /// A string for the module's C_Initialize (pReserved) for pkcs11: INPUTs, as p11-kit's
    /// x-init-reserved (NSS softoken: "configdir='sql:DIR' ...").
    #[arg(long, value_name = "STRING", help_heading = PKCS11_INPUTS)]
    pub init_args: Option<String>,
    /// The environment's module settings, copied from `cmd::Ambient` (not a flag).
    #[cfg(feature = "pkcs11")]
    #[arg(skip)]
    pub env: TokenEnv,
}

/// What the environment says about PKCS#11 modules, read once by `cmd::Ambient`.
#[cfg(feature = "pkcs11")]
#[derive(Debug, Clone, Default)]
pub struct TokenEnv {
    /// `CERTSCOPE_PKCS11_MODULE`: the default module.
    pub module: Option<String>,
    /// `HOME`, for p11-kit's user configuration.
    pub home: Option<std::path::PathBuf>,
    /// `P11_NO_USER_CONFIG` is set: p11-kit skips the user's configuration.
    pub no_user_config: bool,
    /// `CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE` as given (checked where a URI input uses it).
    pub max_attribute_size: Option<String>,
    /// `CERTSCOPE_PKCS11_MAX_OBJECTS` as given.
    pub max_objects: Option<String>,
    /// `CERTSCOPE_PKCS11_THREADS` as given.
    pub threads: Option<String>,
    /// `CERTSCOPE_PKCS11_MODULE_TIMEOUT` as given.
    pub module_timeout: Option<String>,
    /// `PCSCLITE_CSOCK_NAME`: pcscd's socket (`token doctor`).
    pub pcscd_socket: Option<std::ffi::OsString>,
}

/// The help heading of [`UriTokenArgs`].
const PKCS11_INPUTS: &str = "pkcs11: URI inputs";

/// Options shared by the commands that read inputs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files to read, `-` for stdin (the default), directories with -r, or pkcs11: URIs (an
    /// INPUT that names an existing file is always that file).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<std::ffi::OsString>,
    /// Read every file below directories given as INPUT.
    #[arg(short, long)]
    pub recursive: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Load the PKCS#11 module a pkcs11: INPUT names with module-path (ignored otherwise,
    /// as GnuTLS p11tool does; see docs/pkcs11.md).
    #[arg(long)]
    pub allow_uri_module: bool,
    /// How pkcs11: INPUTs are read: module, PIN, C_Initialize string.
    #[command(flatten)]
    pub pkcs11: UriTokenArgs,
    /// Password for PKCS#12 files and encrypted keys: pass:TEXT, env:VAR or file:PATH;
    /// GLOB=SPEC applies SPEC to the files whose name or path GLOB matches (repeatable, the
    /// first match wins; a plain SPEC matches every file).
    #[arg(long, value_name = "[GLOB=]SPEC")]
    pub password: Vec<String>,
    /// Largest input accepted, in bytes.
    #[arg(long, value_name = "BYTES", help_heading = LIMITS, help = format!(
        "Largest input accepted, in bytes [default: {} for a file, {} for stdin, a pipe or a device]",
        bytes(certscope::input::DEFAULT_MAX_INPUT_SIZE),
        bytes(certscope::input::DEFAULT_MAX_STREAM_SIZE),
    ))]
    pub max_input_size: Option<u64>,
    /// Key-derivation work allowed per input.
    #[arg(long, value_name = "N", default_value_t = certscope::decode::DEFAULT_MAX_KDF_ITERATIONS,
        hide_default_value = true, help_heading = LIMITS, help = format!(
        "Key-derivation work allowed per input: PBKDF2 and PKCS#12 iterations and scrypt N*r*p, \
         summed over the input's encrypted keys, bags and MAC [default: {}, one maximal key]",
        count(certscope::decode::DEFAULT_MAX_KDF_ITERATIONS),
    ))]
    pub max_kdf_iterations: u64,
    /// scrypt memory allowed per input, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = certscope::decode::kdf::DEFAULT_MAX_KDF_MEMORY_MIB,
        hide_default_value = true, help_heading = LIMITS, help = format!(
        "scrypt memory allowed per input, in MiB, summed over its keys [default: {}, one maximal key]",
        bytes(certscope::decode::kdf::DEFAULT_MAX_KDF_MEMORY_MIB << 20),
    ))]
    pub max_kdf_memory: u64,
    /// Most items (and PEM blocks) read from one input.
    #[arg(long, value_name = "N", default_value_t = certscope::decode::DEFAULT_MAX_ITEMS,
        hide_default_value = true, help_heading = LIMITS, help = format!(
        "Most items (and PEM blocks) read from one input; the rest is reported, not read [default: {}]",
        count(certscope::decode::DEFAULT_MAX_ITEMS as u64),
    ))]
    pub max_items: usize,
    /// Largest PEM block accepted.
    #[arg(long, value_name = "BYTES", default_value_t = certscope::input::pem::DEFAULT_MAX_BLOCK_SIZE,
        hide_default_value = true, help_heading = LIMITS, help = format!(
        "Largest PEM block accepted: bytes of base64 text and headers [default: {}]",
        bytes(certscope::input::pem::DEFAULT_MAX_BLOCK_SIZE as u64),
    ))]
    pub max_block_size: usize,
}

/// How inputs are listed and walked, and what the run says about them (issue 18).
#[derive(Debug, Args, Default, Clone)]
pub struct WalkArgs {
    /// With -r, follow symbolic links (loops are reported); without it links met in a walk
    /// are left out, and a file reached twice is read once either way.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Order of the files -r finds: path (by name, the same on every run) or none (the
    /// directory's order, as soon as each file is decoded).
    #[arg(long, value_enum, default_value_t = WalkSort::Path)]
    pub sort: WalkSort,
    /// With -r, read only files matching GLOB (repeatable): without `/` the file name, with
    /// it the path below the INPUT directory.
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,
    /// With -r, leave out files and directories matching GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// With -r, read only files with these extensions (comma-separated, repeatable), e.g.
    /// pem,crt,cer,der,p7b,p12,pfx,key,csr,crl.
    #[arg(long, value_name = "EXT,...")]
    pub ext: Vec<String>,
    /// Also read the inputs listed in FILE (`-` for stdin), one per line.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<std::ffi::OsString>,
    /// --files-from names are separated by NUL (as `find -print0` and `fd -0` write).
    #[arg(short = '0', long = "null", requires = "files_from")]
    pub null: bool,
    /// List the files -r leaves out (nothing recognised, links not followed, FIFOs,
    /// files already read) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// No progress line (it is shown only when stderr is a terminal anyway).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum WalkSort {
    /// By path.
    #[default]
    Path,
    /// As found and decoded.
    None,
}

/// A size for help text: `4 GiB`, `256 MiB`, or bytes when it is no whole number of KiB.
pub(crate) fn bytes(n: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{} {unit}", n >> shift);
        }
    }
    format!("{n} bytes")
}

/// A count for help text: `1 million`, else digits in groups of three (`5,000`).
pub(crate) fn count(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        return format!("{} million", n / 1_000_000);
    }
    certscope::analysis::relate::thousands(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The FILTER options: every one given must match.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// DER thumbprint: [sha1:|sha256:|...]HEX (colons and spaces allowed; bare hex picks
    /// the hash by its length).
    #[arg(long, value_name = "[ALG:]HEX")]
    pub thumbprint: Option<certscope::fingerprint::Thumbprint>,
    /// SHA-256 of the SubjectPublicKeyInfo: hex, or the base64 pin (sha256//...).
    #[arg(long, value_name = "PIN", value_parser = pin_arg)]
    pub spki_sha256: Option<String>,
    /// Subject DN (RFC 4514 or openssl order; case and spacing do not matter).
    #[arg(long, value_name = "DN")]
    pub subject: Option<String>,
    /// Issuer DN of certificates and CRLs.
    #[arg(long, value_name = "DN")]
    pub issuer: Option<String>,
    /// Certificate serial number in hex.
    #[arg(long, value_name = "HEX", value_parser = serial_arg)]
    pub serial: Option<String>,
    /// A subjectAltName value: DNS name (wildcards in certificates match), IP, email, URI.
    #[arg(long, value_name = "NAME")]
    pub san: Option<String>,
}

impl FilterArgs {
    pub fn item_filter(&self) -> anyhow::Result<certscope::analysis::filter::ItemFilter> {
        let f = self;
        Ok(certscope::analysis::filter::ItemFilter {
            thumbprint: f.thumbprint.clone(),
            spki_sha256: f
                .spki_sha256
                .as_deref()
                .map(hex::decode)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--spki-sha256: {e}"))?,
            subject: f.subject.clone(),
            issuer: f.issuer.clone(),
            serial: f.serial.clone(),
            san: f.san.clone(),
        })
    }
}

fn pin_arg(s: &str) -> Result<String, String> {
    certscope::analysis::filter::parse_spki_pin(s)
        .map(hex::encode)
        .map_err(|e| e.to_string())
}

fn serial_arg(s: &str) -> Result<String, String> {
    certscope::analysis::filter::parse_serial(s).map_err(|e| e.to_string())
}

fn lint_arg(s: &str) -> Result<String, String> {
    match certscope::analysis::check::find_lint(s) {
        Some(l) => Ok(l.id.to_string()),
        None => Err("not a lint id (certscope check --list-lints lists them)".to_string()),
    }
}

fn field_arg(s: &str) -> Result<String, String> {
    use certscope::render::json::RECORD_FIELDS;
    if RECORD_FIELDS.contains(&s) {
        Ok(s.to_string())
    } else {
        // A misspelt field would otherwise vanish from every record without a word.
        Err(format!(
            "not a field name; known: {}",
            RECORD_FIELDS.join(", ")
        ))
    }
}

fn rfc3339_arg(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{s:?} is not an RFC 3339 time (2026-01-15T12:00:00Z): {e}"))
}

fn duration_arg(s: &str) -> Result<String, String> {
    certscope::analysis::check::parse_duration(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show everything inside certificates, keys, CSRs, CRLs, PKCS#7 and PKCS#12 files.
    #[command(
        after_help = "Examples:\n  certscope inspect server.pem\n  certscope inspect --format json bundle.p7b | jq '.items[].subject'\n  certscope inspect --password env:P12PASS identity.p12\n  kubectl get secret tls -o jsonpath='{.data.tls\\.crt}' | certscope inspect"
    )]
    Inspect(InspectArgs),
    /// Print one thumbprint line per item: digest, where it came from, subject.
    #[command(
        after_help = "Examples:\n  certscope fingerprint cert.pem\n  certscope fingerprint --hash sha1 --encoding hex-upper *.cer\n  certscope fingerprint --spki --encoding base64 cert.pem  # pin-sha256"
    )]
    Fingerprint(FingerprintArgs),
    /// Look inside smart cards and HSMs through their PKCS#11 module (see docs/pkcs11.md).
    #[command(
        after_help = "Examples:\n  certscope token slots --module /usr/lib/softhsm/libsofthsm2.so\n  certscope token list --token mytoken --login\n  certscope token find --subject 'CN=www.example.com,O=Example' --format pem\n  certscope inspect 'pkcs11:token=mytoken;object=leaf;type=cert'"
    )]
    #[cfg(feature = "pkcs11")]
    Token(Box<token::TokenArgs>),
    /// A build without the `pkcs11` feature (the static musl binary) takes `token` only to
    /// say why it cannot run it, instead of clap's "unrecognized subcommand".
    #[cfg(not(feature = "pkcs11"))]
    #[command(hide = true, disable_help_flag = true)]
    Token {
        /// Whatever followed `token`, ignored.
        #[arg(num_args = 0.., allow_hyphen_values = true, trailing_var_arg = true)]
        rest: Vec<std::ffi::OsString>,
    },
    /// Build certificate chains from the inputs and check them against trust anchors.
    #[command(
        after_help = "Exit status: 0 when every chain is complete (reaches a trust anchor, every \
signature verifies, every certificate is valid at --at, CA flags, keyCertSign and path \
lengths hold), 1 otherwise, 2 when an input or the roots cannot be read. Never uses the network.\n\nExamples:\n  certscope chain --roots ca.pem bundle.pem\n  certscope chain --roots system --at 2026-06-01T00:00:00Z fullchain.pem\n  certscope chain --roots ca.pem --format pem misordered.pem > fixed.pem"
    )]
    Chain(ChainArgs),
    /// Lint every certificate, CRL and CSR: expiry, host names, weak algorithms, RFC 5280.
    #[command(
        after_help = "Exit status: 0 when no finding is at or above --fail-on, 1 otherwise, 2 when \
an input cannot be read. See docs/check.md or --list-lints for every lint.\n\nExamples:\n  certscope check -r /etc/ssl/private --expires-within 30d\n  certscope check --hostname www.example.com server.pem\n  certscope check --skip-lint validity-too-long --fail-on warn certs/*.pem"
    )]
    Check(CheckArgs),
    /// Print the items that match every FILTER given (exit 1 when none does, 2 when an input cannot be read).
    #[command(
        after_help = "Examples:\n  certscope find --thumbprint a9993e364706816aba3e25717850c26c9cd0d89d -r .\n  certscope find --subject 'CN=www.example.com, O=Example' -r /etc/ssl\n  certscope find --san api.example.com --format pem bundle.pem"
    )]
    Find(FindArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  certscope completions bash > /etc/bash_completion.d/certscope\n  certscope completions nushell | save -f ~/.config/nushell/certscope.nu"
    )]
    Completions {
        /// The shell.
        shell: formats::CompletionShell,
    },
    /// Print the man page (roff), or write one page per command into a directory.
    #[command(
        after_help = "Examples:\n  certscope man > certscope.1 && man -l certscope.1\n  certscope man --dir ~/.local/share/man/man1"
    )]
    Man {
        /// Write certscope.1, certscope-inspect.1, certscope-token-list.1 ... into DIR
        /// (created if missing) instead of printing the top page.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

/// The command line as parsed, documented and completed: `Cli`'s definitions with
/// `--color` hidden where it does nothing (`man`, `completions`).
pub fn command() -> clap::Command {
    hide_color(Cli::command())
}

/// [`command`] without clap's `help` subcommands, which need no man page.
pub fn man_command() -> clap::Command {
    fn no_help(cmd: clap::Command) -> clap::Command {
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        names
            .into_iter()
            .fold(cmd, |cmd, n| cmd.mut_subcommand(n, no_help))
            .disable_help_subcommand(true)
    }
    let mut cmd = hide_color(no_help(Cli::command()));
    // Built, so that every subcommand has its display name (`certscope-token-list`) and
    // the options it inherits.
    cmd.build();
    cmd
}

/// clap copies a global option into each subcommand when it builds the command, unless the
/// subcommand has one of that id already: give `man` and `completions` a hidden copy (which
/// they ignore). Done before the build: clap's argument index cannot be edited after it.
fn hide_color(cmd: clap::Command) -> clap::Command {
    let Some(color) = cmd.get_arguments().find(|a| a.get_id() == "color").cloned() else {
        return cmd;
    };
    ["man", "completions"].into_iter().fold(cmd, |cmd, name| {
        let hidden = color.clone().global(false).hide(true);
        cmd.mut_subcommand(name, |sub| sub.arg(hidden))
    })
}

/// `certscope inspect` options.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (docs/formats.md); dot draws the items and their relations.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// What JSON/JSONL records hold.
    #[command(flatten)]
    pub record: RecordArgs,
    /// Digests to show in text output (repeatable; default sha1 and sha256).
    #[arg(long, value_enum)]
    pub hash: Vec<Hash>,
    /// Show every CRL entry and subjectAltName in text output, not only the first 20.
    #[arg(long)]
    pub all: bool,
    /// Do not relate items (keys, issuers, duplicates); print each item as soon as it
    /// is decoded, in flat memory.
    #[arg(long)]
    pub no_relations: bool,
    /// Relate items only while the run holds at most this many; past it, items are
    /// printed as they come, without relations (relations need the whole run in memory).
    #[arg(long, value_name = "N", default_value_t = 5000, help_heading = LIMITS)]
    pub relations_limit: usize,
    /// How text output writes subject and issuer names: rfc4514 (`CN=leaf,O=Example,C=US`)
    /// or openssl (DER order, `C = US, O = Example, CN = leaf`, as openssl prints them).
    #[arg(long, value_enum, default_value_t = NameOrder::Rfc4514)]
    pub name_order: NameOrder,
}

/// `certscope fingerprint` options.
#[derive(Debug, Args)]
pub struct FingerprintArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Digest algorithm (repeatable; default sha256).
    #[arg(long, value_enum)]
    pub hash: Vec<Hash>,
    /// How to write the digest.
    #[arg(long, value_enum, default_value_t = DigestEncoding::Colon)]
    pub encoding: DigestEncoding,
    /// Digest the SubjectPublicKeyInfo instead of the whole DER (key pins).
    #[arg(long)]
    pub spki: bool,
    /// Output format (docs/formats.md); pem writes each item's thumbprint line, then its PEM.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `certscope chain` options.
#[derive(Debug, Args)]
pub struct ChainArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Trust anchors: a file of certificates (any of them may end a chain), or `system`
    /// for the operating system's store. Without it, a self-signed root among the
    /// inputs ends a chain.
    #[arg(long, value_name = "FILE|system")]
    pub roots: Option<String>,
    /// Check validity at this time (RFC 3339, e.g. 2026-01-15T12:00:00Z) instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Output format (docs/formats.md); pem writes each chain's certificates leaf first,
    /// dot draws the chains.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// Rules: rfc5280 (RFC 5280 §6.1) or webpki (plus CA/B Forum Baseline Requirements and
    /// root-program rules).
    #[arg(long, value_enum, default_value_t = ChainProfile::Rfc5280)]
    pub profile: ChainProfile,
    /// The leaf of every path must be valid for this DNS name (RFC 9525; SAN only).
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// The leaf of every path must carry this IP address in its SAN.
    #[arg(long, value_name = "ADDR")]
    pub ip: Option<std::net::IpAddr>,
    /// The leaf of every path must carry this email address (rfc822Name) in its SAN.
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,
    /// The leaf's extendedKeyUsage must allow this purpose.
    #[arg(long, value_enum, value_name = "PURPOSE")]
    pub purpose: Option<ChainPurpose>,
    /// At most this many intermediate certificates between a leaf and its anchor.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,
    /// An acceptable certificate policy (dotted OID or anyPolicy; repeatable): the
    /// user-initial-policy-set of RFC 5280 §6.1.1 (default: any policy).
    #[arg(long = "policy", value_name = "OID", value_parser = policy_arg)]
    pub policy: Vec<String>,
    /// Every path must have a valid policy (initial-explicit-policy).
    #[arg(long)]
    pub require_explicit_policy: bool,
    /// Policy mappings are not allowed (initial-policy-mapping-inhibit).
    #[arg(long)]
    pub inhibit_policy_mapping: bool,
    /// anyPolicy in a certificate does not stand for other policies
    /// (initial-any-policy-inhibit).
    #[arg(long)]
    pub inhibit_any_policy: bool,
    /// CRLs to check every link against (repeatable; any format certscope reads; CRLs
    /// among the inputs count too). Certificates in these files may sign CRLs.
    #[arg(long = "crl", value_name = "FILE")]
    pub crl: Vec<String>,
    /// OCSP responses to check every link against (repeatable; DER or PEM; OCSP responses
    /// among the inputs count too).
    #[arg(long = "ocsp-response", value_name = "FILE")]
    pub ocsp_response: Vec<String>,
    /// Revocation: check (a revoked certificate fails), require (a certificate no CRL
    /// covers fails too), off (CRLs are ignored).
    #[arg(long, value_enum, default_value_t = ChainRevocation::Check)]
    pub revocation: ChainRevocation,
}

/// A policy OID: dotted decimal (at least two arcs), or `anyPolicy`.
fn policy_arg(s: &str) -> Result<String, String> {
    if s.eq_ignore_ascii_case("anypolicy") {
        return Ok("2.5.29.32.0".to_string());
    }
    let arcs: Vec<&str> = s.split('.').collect();
    if arcs.len() >= 2
        && arcs
            .iter()
            .all(|a| !a.is_empty() && a.len() <= 20 && a.bytes().all(|b| b.is_ascii_digit()))
    {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a dotted OID (e.g. 2.23.140.1.2.1) nor anyPolicy"
        ))
    }
}

/// `certscope check` options.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Report certificates that expire within this duration (30d, 12h, 2w).
    #[arg(long, value_name = "DURATION", value_parser = duration_arg)]
    pub expires_within: Option<String>,
    /// Report certificates that are not valid yet.
    #[arg(long)]
    pub not_yet_valid: bool,
    /// Check that end-entity certificates are valid for this DNS name (RFC 9525).
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// Check that end-entity certificates are valid for this IP address.
    #[arg(long, value_name = "ADDR")]
    pub ip: Option<std::net::IpAddr>,
    /// Run only this lint (repeatable).
    #[arg(long = "lint", value_name = "ID", value_parser = lint_arg)]
    pub lint: Vec<String>,
    /// Do not run this lint (repeatable).
    #[arg(long = "skip-lint", value_name = "ID", value_parser = lint_arg)]
    pub skip_lint: Vec<String>,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Longest validity, in days, for TLS server certificates (lint validity-too-long);
    /// default: the CA/B limit for each certificate's notBefore (398, 200, 100, 47).
    #[arg(long, value_name = "DAYS")]
    pub max_validity: Option<i64>,
    /// Check as of this time (RFC 3339, `2026-01-15T12:00:00Z`) instead of now.
    #[arg(long, value_name = "TIME", value_parser = rfc3339_arg)]
    pub at: Option<time::OffsetDateTime>,
    /// Issuers to see but not check: a file of certificates, or `system` for the operating
    /// system's store (so path-length and issuer lints see the whole path).
    #[arg(long, value_name = "FILE|system")]
    pub roots: Option<String>,
    /// List every lint with its severity and source, then exit.
    #[arg(long)]
    pub list_lints: bool,
    /// Output format (docs/formats.md); jsonl writes a line per finding (per lint with
    /// --list-lints).
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// `certscope find` options.
#[derive(Debug, Args)]
pub struct FindArgs {
    /// What to look for.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (docs/formats.md).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// What JSON/JSONL records hold.
    #[command(flatten)]
    pub record: RecordArgs,
}

/// What each item's JSON/JSONL record holds (`inspect`, `find`, `token list`, `token find`;
/// text and PEM output ignore these).
#[derive(Debug, Clone, Default, Args)]
pub struct RecordArgs {
    /// JSON/JSONL: leave out each item's `pem` text (about 40 % of a certificate's record).
    #[arg(long)]
    pub no_pem: bool,
    /// JSON/JSONL: keep only these top-level fields of each item, in this order
    /// (comma-separated or repeated, e.g. `--fields kind,subject,not_after`); an unknown
    /// name is a usage error.
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',', value_parser = field_arg)]
    pub fields: Vec<String>,
    /// JSON/JSONL: add host, scanned_at, file_mtime, file_uid, file_gid, file_mode and
    /// days_until_expiry to each item (docs/inventory.md).
    #[arg(long)]
    pub inventory: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(bytes(4 << 30), "4 GiB");
        assert_eq!(bytes(256 << 20), "256 MiB");
        assert_eq!(bytes(1000), "1000 bytes");
        assert_eq!(count(10_000_000), "10 million");
        assert_eq!(count(5000), "5,000");
        assert_eq!(count(12), "12");
    }

    /// Every command's `--help` ends with examples that paste: whole command lines, short
    /// enough that clap never wraps them at an 80-column terminal.
    #[test]
    fn every_command_has_an_example_that_pastes() {
        fn walk(cmd: &clap::Command, path: &str) {
            let path = format!("{path} {}", cmd.get_name());
            let text = cmd
                .get_after_help()
                .map(|s| s.to_string())
                .unwrap_or_default();
            let examples = text
                .split("\n\n")
                .find(|p| p.starts_with("Example:") || p.starts_with("Examples:"))
                .unwrap_or_else(|| panic!("{path}: no examples in after_help"));
            for line in examples.lines().skip(1) {
                assert!(line.starts_with("  "), "{path}: {line:?} is not indented");
                assert!(
                    line.len() <= 78,
                    "{path}: {line:?} would wrap at 80 columns"
                );
                assert!(line.contains("certscope "), "{path}: {line:?}");
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path);
            }
        }
        walk(&man_command(), "");
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
        man_command().debug_assert();
    }
}
