//! Renderers: items to text, JSON or PEM. Renderers read only the model.

pub mod json;
pub mod pem;
pub mod sanitize;
pub mod text;
