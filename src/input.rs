//! Inputs named on the command line: files, `-` for stdin, directories with `-r`.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// Default `--max-input-size`: real CRLs reach hundreds of MB; beyond 4 GiB is a mistake.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 4 << 30;

/// Deepest directory recursion; deeper trees are almost certainly a symlink loop.
const MAX_DIR_DEPTH: usize = 64;

/// Expands the INPUT arguments: directories become their files (sorted, recursively, when
/// `recursive`), `-` stays stdin. Errors are per argument, in order.
pub fn expand(args: &[String], recursive: bool) -> Vec<Result<String, (String, InputError)>> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" || arg.starts_with("pkcs11:") {
            out.push(Ok(arg.clone()));
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            if !recursive {
                out.push(Err((arg.clone(), InputError::Directory)));
                continue;
            }
            let mut files = Vec::new();
            if let Err(e) = walk(path, 0, &mut files) {
                out.push(Err((arg.clone(), e)));
                continue;
            }
            out.extend(
                files
                    .into_iter()
                    .map(|p| Ok(p.to_string_lossy().into_owned())),
            );
        } else {
            out.push(Ok(arg.clone()));
        }
    }
    out
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    if depth > MAX_DIR_DEPTH {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if meta.is_dir() {
            walk(&p, depth + 1, out)?;
        } else if meta.is_file() || (meta.file_type().is_symlink() && p.is_file()) {
            out.push(p);
        }
    }
    Ok(())
}

/// Opens an input (a path or `-`) for streaming; a file over `limit` bytes is refused before
/// reading (stdin is counted as it is read). The reader is `Send`: a stream is read on its
/// own thread (see [`crate::decode::decode_reader`]).
pub fn open(name: &str, limit: u64) -> Result<Box<dyn Read + Send>, InputError> {
    if name == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = std::fs::File::open(name)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(InputError::Directory);
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(Box::new(file))
}

/// The size of a file input, when it is a regular file (for exact-size reads).
pub fn size_of(name: &str) -> Option<u64> {
    if name == "-" {
        return None;
    }
    std::fs::metadata(name)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}
