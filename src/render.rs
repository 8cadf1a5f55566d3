//! Renderers: items to text, JSON, PEM or Graphviz dot. Renderers read only the model.

pub mod chain;
pub mod check;
pub mod dot;
pub mod extension_text;
pub mod fingerprint;
pub mod json;
pub mod pem;
pub mod sanitize;
pub mod style;
pub mod text;
#[cfg(feature = "pkcs11")]
pub mod token;
pub mod token_object;
