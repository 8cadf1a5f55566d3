//! Where an item came from: a file (possibly inside a container) or a PKCS#11 object.

use serde::Serialize;

/// The container an item was unpacked from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Container {
    /// A PKCS#7 / CMS SignedData bundle.
    Pkcs7,
    /// A PKCS#12 (PFX) file.
    Pkcs12,
}

/// An item read from a file or stdin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSource {
    /// The path as given on the command line (`-` for stdin).
    pub path: String,
    /// 0-based item number within that input, containers flattened.
    pub index: usize,
    /// 1-based line of the PEM BEGIN line, or `None` for DER.
    pub line: Option<usize>,
    /// The container the item was inside, if any.
    pub container: Option<Container>,
    /// The field of a Kubernetes Secret or kubeconfig the item was read from (`tls.crt`,
    /// `clusters/NAME/certificate-authority-data`); absent for other inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// An object read from a PKCS#11 token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenSource {
    /// RFC 7512 URI naming this object, to copy into another command.
    pub uri: String,
    /// The slot id.
    pub slot: u64,
    /// The token label.
    pub token: String,
    /// `CKA_LABEL`.
    pub label: Option<String>,
    /// `CKA_ID`, lower hex.
    pub id: Option<String>,
    /// `CKA_PRIVATE`: visible only after login.
    pub private: bool,
}

/// Where an item came from; the two shapes are told apart by their fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Source {
    /// A file or stdin.
    File(FileSource),
    /// A PKCS#11 object.
    Token(TokenSource),
}

impl Source {
    /// The `PATH[#INDEX] (line N)` (or URI) prefix used in error messages and text headers.
    pub fn locator(&self, show_index: bool) -> String {
        let mut s = match self {
            Source::File(f) => String::with_capacity(f.path.len() + 24),
            Source::Token(t) => String::with_capacity(t.uri.len()),
        };
        let _ = self.write_locator(&mut s, show_index);
        s
    }

    /// [`Source::locator`] written to `w`, in pieces: once per finding of a `check` run, so
    /// it is not built first.
    pub fn write_locator<W: std::fmt::Write>(
        &self,
        w: &mut W,
        show_index: bool,
    ) -> std::fmt::Result {
        match self {
            Source::File(f) => {
                w.write_str(&f.path)?;
                if let Some(key) = &f.key {
                    write!(w, "[{key}]")?;
                }
                if show_index {
                    write!(w, "#{}", f.index)?;
                }
                if let Some(line) = f.line {
                    write!(w, " (line {line})")?;
                }
                Ok(())
            }
            Source::Token(t) => w.write_str(&t.uri),
        }
    }

    /// The container, for file sources.
    pub fn container(&self) -> Option<Container> {
        match self {
            Source::File(f) => f.container,
            Source::Token(_) => None,
        }
    }
}
