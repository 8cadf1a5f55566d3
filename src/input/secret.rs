//! Passwords and PINs from `pass:`, `env:`, `file:` specs (openssl's `-passin` conventions)
//! or a no-echo prompt. Held in zeroizing memory and never shown by `Debug`.

use std::fmt;
use std::io::IsTerminal;

use zeroize::Zeroizing;

/// A password or PIN. Zeroed when dropped; `Debug` prints `(redacted)`.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value.
    pub fn new(s: String) -> Secret {
        Secret(Zeroizing::new(s))
    }

    /// The value, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// Why a secret could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Not `pass:`, `env:` or `file:`.
    #[error("a secret must be given as pass:TEXT, env:VAR or file:PATH")]
    BadSpec,
    /// `env:VAR` with VAR unset.
    #[error("environment variable {0} is not set")]
    MissingEnv(String),
    /// `file:PATH` unreadable.
    #[error("cannot read secret file {path}: {source}")]
    File {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The prompt failed.
    #[error("cannot read from the terminal: {0}")]
    Prompt(std::io::Error),
}

/// Reads a secret from a spec: `pass:TEXT`, `env:VAR`, `file:PATH` (first line).
pub fn from_spec(spec: &str) -> Result<Secret, SecretError> {
    if let Some(text) = spec.strip_prefix("pass:") {
        return Ok(Secret::new(text.to_string()));
    }
    if let Some(var) = spec.strip_prefix("env:") {
        return std::env::var(var)
            .map(Secret::new)
            .map_err(|_| SecretError::MissingEnv(var.to_string()));
    }
    if let Some(path) = spec.strip_prefix("file:") {
        let content =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| SecretError::File {
                    path: path.to_string(),
                    source,
                })?,
            );
        let first = content.lines().next().unwrap_or("");
        return Ok(Secret::new(first.to_string()));
    }
    // The spec is not echoed: it may be a password typed without its prefix.
    Err(SecretError::BadSpec)
}

/// Prompts on the terminal without echo, if stdin is a terminal; `None` otherwise.
pub fn prompt(question: &str) -> Result<Option<Secret>, SecretError> {
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    rpassword::prompt_password(question)
        .map(|s| Some(Secret::new(s)))
        .map_err(SecretError::Prompt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(from_spec("pass:abc").unwrap().expose(), "abc");
        assert!(matches!(from_spec("abc"), Err(SecretError::BadSpec)));
        assert!(matches!(
            from_spec("env:CERTSCOPE_TEST_SURELY_UNSET"),
            Err(SecretError::MissingEnv(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "first\nsecond\n").unwrap();
        assert_eq!(
            from_spec(&format!("file:{}", p.display()))
                .unwrap()
                .expose(),
            "first"
        );
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn bad_spec_does_not_echo_the_value() {
        let e = from_spec("hunter2-long-password").unwrap_err().to_string();
        assert!(!e.contains("hunter2-long-password"));
    }
}
