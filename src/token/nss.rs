//! NSS databases (Firefox, Chrome, `certutil`): the softoken module `libsoftokn3` opens an
//! NSS DB directory given in its `C_Initialize` `pReserved` string, and stores trust as
//! `CKO_NSS_TRUST` objects beside the certificates. `--nss-db DIR` is the shortcut.

use std::path::{Path, PathBuf};

use crate::token::error::TokenError;

/// Where distributions put NSS's softoken module.
const SOFTOKN_CANDIDATES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
    "/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
    "/usr/lib/x86_64-linux-gnu/nss/libsoftokn3.so",
    "/usr/lib64/libsoftokn3.so",
    "/usr/lib/libsoftokn3.so",
    "/usr/lib/nss/libsoftokn3.so",
    "/usr/local/lib/libsoftokn3.so",
];

/// NSS's softoken module, the first of the usual places that has it.
pub fn softokn_path() -> Result<PathBuf, TokenError> {
    SOFTOKN_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            TokenError::Other(format!(
                "--nss-db: NSS's softoken module libsoftokn3.so is not in {} (install libnss3, \
                 or give --module PATH --init-args STRING)",
                SOFTOKN_CANDIDATES.join(", ")
            ))
        })
}

/// The softoken's `C_Initialize` string for the NSS DB in `dir`, read-only, as `certutil
/// -d sql:DIR` opens it.
pub fn db_init_args(dir: &Path) -> Result<String, TokenError> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(TokenError::Other(format!(
            "--nss-db: {shown:?} is not a directory"
        )));
    }
    // NSS's parameter syntax quotes with '; a quote inside cannot be written.
    if shown.contains('\'') {
        return Err(TokenError::Other(format!(
            "--nss-db: {shown:?} contains a quote ('), which NSS's parameter string cannot hold"
        )));
    }
    Ok(format!(
        "configdir='sql:{shown}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_args() {
        let dir = std::env::temp_dir();
        let args = db_init_args(&dir).unwrap();
        assert_eq!(
            args,
            format!(
                "configdir='sql:{}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly",
                dir.display()
            )
        );
        assert!(db_init_args(Path::new("/no/such/dir")).is_err());
    }
}
