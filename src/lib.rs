//! certscope: tells exactly what is inside certificate material and security tokens.
//!
//! This library exists so that the binary, the tests, the benchmarks and the fuzz targets can
//! call one pipeline without spawning a process. It is not a stable public API.
//!
//! ```text
//! file | stdin | dir (-r) ─► input ─► bytes + path
//!   bytes ─► detect ─┬► PEM  ─► pem::Scanner ─► Block {line, label, headers, der}
//!                    └► DER  ─► one Block (no label)
//!   Block ─► decode ─► model::Item (thumbprints, spki pin, error if partly decoded)
//! pkcs11: URI | --module ─► token ─► CKA_VALUE ─► decode (the same functions) ─► model::Item
//!   Item ─► render (text | json | pem) ─► stdout
//! ```
//! Decoders never print and renderers never parse: everything a renderer shows is in the model.

pub mod chain;
pub mod check;
pub mod ctlogs;
pub mod decode;
pub mod detect;
pub mod dn;
pub mod error;
pub mod filter;
pub mod fingerprint;
pub mod hostname;
pub mod input;
pub mod model;
pub mod name_constraints;
pub mod oids;
pub mod pem;
pub mod policy;
pub mod relate;
pub mod render;
pub mod revocation;
pub mod secret;
pub mod tlv;
pub mod token;
pub mod validation;
pub mod verify;
