//! How bytes arrive: operands expanded to files, stdin and `pkcs11:` URIs, the encoding
//! sniffed, PEM blocks scanned, secrets read. Nothing here decodes an item.

pub mod detect;
pub mod error;
pub mod k8s;
pub mod labels;
pub mod passwords;
pub mod pem;
pub mod secret;
mod source;
mod walk;

pub use self::source::*;
pub use self::walk::*;

/// Does this text start with the `pkcs11:` scheme (case-insensitive, RFC 3986 §3.1)? The
/// one test for the scheme; a command-line operand is a URI only if it also names no file
/// ([`is_uri_operand`]).
pub fn is_pkcs11_uri(arg: &str) -> bool {
    arg.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("pkcs11:"))
}
