//! How bytes arrive: operands expanded to files, stdin and `pkcs11:` URIs, the encoding
//! sniffed, PEM blocks scanned, secrets read. Nothing here decodes an item.

pub mod detect;
pub mod error;
pub mod pem;
pub mod secret;
mod source;

pub use self::source::*;
