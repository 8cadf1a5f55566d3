//! What a run did with its inputs, for the summary line (shared by the driver, which counts,
//! and the outputs, which may print it).

/// What a run did with its inputs, beside the items: for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunStats {
    /// Inputs opened and decoded (files, stdin, `pkcs11:` URIs).
    pub read: usize,
    /// Files a walk found that hold nothing certscope recognises (empty, not PEM/DER):
    /// left out quietly, listed with `-v`.
    pub skipped: usize,
    /// Walk entries left out before reading: symbolic links without `-L`, FIFOs, sockets,
    /// devices, and files already read under another name.
    pub left_out: usize,
}
