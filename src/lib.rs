//! certscope: tells exactly what is inside certificate material and security tokens.
//!
//! This library exists so that the binary, the tests, the benchmarks and the fuzz targets can
//! call one pipeline without spawning a process. It is not a stable public API.
//!
//! ```text
//! file | stdin | dir (-r) ─► input ─► bytes + path
//!   bytes ─► detect ─┬► PEM  ─► pem::Scanner ─► Block {line, label, headers, der}
//!                    └► DER  ─► detect::sniff_der ─► which structure
//!   Block ─► decode ─► model::Item (thumbprints, spki pin, error if partly decoded)
//! pkcs11: URI | --module ─► token ─► CKA_VALUE ─► decode (the same functions) ─► model::Item
//!   Item ─► render (text | json | pem) ─► stdout
//! ```
//! Decoders never print and renderers never parse: everything a renderer shows is in the model.

// The layers; docs/design.md draws their order and scripts/check-layers.sh enforces it.
pub mod analysis;
pub mod asn1;
pub mod decode;
pub mod fingerprint;
pub mod input;
pub mod model;
pub mod render;
#[cfg(feature = "pkcs11")]
pub mod token;
pub mod verify;
