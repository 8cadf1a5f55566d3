//! The value enums of the command line (formats, digests, colour, thresholds), shared by
//! every command, and their mapping onto the library's types. They mirror library enums so
//! that clap stays out of the library.

use clap::ValueEnum;

use certscope::analysis::check::Severity;
use certscope::analysis::validation::{Profile, Purpose, RevocationMode};
use certscope::fingerprint::HashAlg;

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour at a terminal (not TERM=dumb) or when CLICOLOR_FORCE is set; never when
    /// NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// How text output writes names (`inspect --name-order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NameOrder {
    /// RFC 4514: last RDN first, `CN=leaf,O=Example,C=US`.
    Rfc4514,
    /// DER order, as `openssl x509 -subject` (`-nameopt oneline`) prints names.
    Openssl,
}

impl From<NameOrder> for certscope::render::style::NameOrder {
    fn from(n: NameOrder) -> Self {
        match n {
            NameOrder::Rfc4514 => Self::Rfc4514,
            NameOrder::Openssl => Self::Openssl,
        }
    }
}

/// Output format of the commands that list items (`fingerprint`, `find`, `token list`,
/// `token find`). The value descriptions are the same words in every format enum; what each
/// command writes in each format is the table of docs/formats.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Text,
    /// One JSON document (docs/json.md).
    Json,
    /// JSON Lines: a line per record, a line per problem, a summary line (docs/json.md).
    Jsonl,
    /// Certificates, CSRs, CRLs and public keys as PEM.
    Pem,
}

/// Output format of `chain` and `inspect`: [`Format`]'s, plus a Graphviz graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Text for people.
    Text,
    /// One JSON document (docs/json.md).
    Json,
    /// JSON Lines: a line per record, a line per problem, a summary line (docs/json.md).
    Jsonl,
    /// Certificates, CSRs, CRLs and public keys as PEM.
    Pem,
    /// A Graphviz graph (render with `dot -Tsvg`).
    Dot,
}

impl GraphFormat {
    /// The item format it stands for; `None` for `dot`, which has its own renderer.
    pub fn items(self) -> Option<Format> {
        match self {
            GraphFormat::Text => Some(Format::Text),
            GraphFormat::Json => Some(Format::Json),
            GraphFormat::Jsonl => Some(Format::Jsonl),
            GraphFormat::Pem => Some(Format::Pem),
            GraphFormat::Dot => None,
        }
    }
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

/// Output format of reports, where PEM would lose what they show (`check`, `token dump`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Text for people.
    Text,
    /// One JSON document (docs/json.md).
    Json,
    /// JSON Lines: a line per record, a line per problem, a summary line (docs/json.md).
    Jsonl,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Text => Format::Text,
            ReportFormat::Json => Format::Json,
            ReportFormat::Jsonl => Format::Jsonl,
        }
    }
}

/// `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warn,
    /// Fail on any finding.
    Info,
}

/// Output format of the commands that list no certificates (`token modules`, `slots`,
/// `mechanisms`, `doctor`): small reports, one document each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InfoFormat {
    /// Text for people.
    Text,
    /// One JSON document (docs/json.md).
    Json,
}

impl From<Hash> for HashAlg {
    fn from(h: Hash) -> HashAlg {
        match h {
            Hash::Sha1 => HashAlg::Sha1,
            Hash::Sha256 => HashAlg::Sha256,
            Hash::Sha384 => HashAlg::Sha384,
            Hash::Sha512 => HashAlg::Sha512,
            Hash::Md5 => HashAlg::Md5,
        }
    }
}

impl From<DigestEncoding> for certscope::fingerprint::DigestEncoding {
    fn from(e: DigestEncoding) -> Self {
        use certscope::fingerprint::DigestEncoding as D;
        match e {
            DigestEncoding::Colon => D::Colon,
            DigestEncoding::Hex => D::Hex,
            DigestEncoding::HexUpper => D::HexUpper,
            DigestEncoding::Base64 => D::Base64,
            DigestEncoding::Base64url => D::Base64Url,
        }
    }
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Severity {
        match f {
            FailOn::Error => Severity::Error,
            FailOn::Warn => Severity::Warn,
            FailOn::Info => Severity::Info,
        }
    }
}

/// Shells `certscope completions` writes for: clap_complete's five and nushell
/// (clap_complete_nushell, maintained in the clap repository).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// Bash.
    Bash,
    /// Elvish.
    Elvish,
    /// Fish.
    Fish,
    /// Nushell (`nu`).
    #[value(alias = "nu")]
    Nushell,
    /// PowerShell.
    Powershell,
    /// Zsh.
    Zsh,
}

impl CompletionShell {
    /// Writes the completion script for `cmd` to `out`.
    pub fn generate(self, cmd: &mut clap::Command, out: &mut dyn std::io::Write) {
        use clap_complete::Shell;
        let name = "certscope";
        match self {
            Self::Bash => clap_complete::generate(Shell::Bash, cmd, name, out),
            Self::Elvish => clap_complete::generate(Shell::Elvish, cmd, name, out),
            Self::Fish => clap_complete::generate(Shell::Fish, cmd, name, out),
            Self::Nushell => {
                clap_complete::generate(clap_complete_nushell::Nushell, cmd, name, out)
            }
            Self::Powershell => clap_complete::generate(Shell::PowerShell, cmd, name, out),
            Self::Zsh => clap_complete::generate(Shell::Zsh, cmd, name, out),
        }
    }
}

/// `chain --revocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChainRevocation {
    /// Revoked fails; unknown is reported.
    Check,
    /// Revoked and unknown fail.
    Require,
    /// CRLs are ignored.
    Off,
}

impl From<ChainRevocation> for RevocationMode {
    fn from(r: ChainRevocation) -> RevocationMode {
        match r {
            ChainRevocation::Check => RevocationMode::Check,
            ChainRevocation::Require => RevocationMode::Require,
            ChainRevocation::Off => RevocationMode::Off,
        }
    }
}

/// `chain --profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChainProfile {
    /// RFC 5280 §6.1.
    Rfc5280,
    /// RFC 5280 plus the Baseline Requirements rules of docs/chain.md.
    Webpki,
}

impl From<ChainProfile> for Profile {
    fn from(p: ChainProfile) -> Profile {
        match p {
            ChainProfile::Rfc5280 => Profile::Rfc5280,
            ChainProfile::Webpki => Profile::Webpki,
        }
    }
}

/// `chain --purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChainPurpose {
    /// TLS server (serverAuth).
    Server,
    /// TLS client (clientAuth).
    Client,
    /// Code signing (codeSigning).
    CodeSigning,
    /// S/MIME (emailProtection).
    Email,
    /// Time stamping (timeStamping, critical and alone).
    TimeStamping,
    /// OCSP responses (OCSPSigning).
    OcspSigning,
    /// Any purpose (EKU not looked at).
    Any,
}

impl From<ChainPurpose> for Purpose {
    fn from(p: ChainPurpose) -> Purpose {
        match p {
            ChainPurpose::Server => Purpose::Server,
            ChainPurpose::Client => Purpose::Client,
            ChainPurpose::CodeSigning => Purpose::CodeSigning,
            ChainPurpose::Email => Purpose::Email,
            ChainPurpose::TimeStamping => Purpose::TimeStamping,
            ChainPurpose::OcspSigning => Purpose::OcspSigning,
            ChainPurpose::Any => Purpose::Any,
        }
    }
}
