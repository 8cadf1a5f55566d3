//! Errors for a whole input. Problems with one item are data (`Item::error`), not errors.

/// Why an input could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// A directory given without `-r`.
    #[error("is a directory; add -r to read the files in it")]
    Directory,
    /// A directory below `-r` nested deeper than [`crate::input::MAX_DIR_DEPTH`]: not read.
    #[error("directory not read: nested deeper than {limit} levels below the INPUT given")]
    TooDeep {
        /// The depth limit.
        limit: usize,
    },
    /// A symbolic link followed with `-L` that leads back to a directory above it.
    #[error("symbolic link loop: leads back to {ancestor}; not followed again")]
    Loop {
        /// The escaped path of the directory it leads back to.
        ancestor: String,
    },
    /// Over `--max-input-size`.
    #[error("input is {size} bytes, over the limit of {limit} (raise it with --max-input-size)")]
    TooLarge {
        /// Bytes in the input.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A stream (stdin) still going past `--max-input-size`: read only up to the limit, so
    /// its real size is unknown.
    #[error("input is over the limit of {limit} bytes (raise it with --max-input-size)")]
    StreamTooLarge {
        /// The limit.
        limit: u64,
    },
}
