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

/// Default `--max-input-size` for inputs that are not regular files (stdin, pipes, devices,
/// `/proc` files): their size is unknown until they end, and `/dev/zero` never does, so they
/// stop far below the file default, whatever they hold.
pub const DEFAULT_MAX_STREAM_SIZE: u64 = 256 << 20;

/// An opened input.
pub struct Opened {
    /// The bytes, `Send`: a stream is read on its own thread (see
    /// [`crate::decode::decode_reader`]).
    pub reader: Box<dyn Read + Send>,
    /// The size of a regular file (for an exact-size read).
    pub size: Option<u64>,
    /// The limit that applies to this input: `--max-input-size` when given, else
    /// [`DEFAULT_MAX_INPUT_SIZE`] for a regular file, [`DEFAULT_MAX_STREAM_SIZE`] for anything
    /// else.
    pub limit: u64,
}

/// Opens an input (a path or `-`) for streaming. `max_input_size` is `--max-input-size` if
/// given. A regular file over the limit is refused before reading; anything else is counted
/// as it is read.
pub fn open(name: &str, max_input_size: Option<u64>) -> Result<Opened, InputError> {
    let stream_limit = max_input_size.unwrap_or(DEFAULT_MAX_STREAM_SIZE);
    if name == "-" {
        return Ok(Opened {
            reader: Box::new(std::io::stdin()),
            size: None,
            limit: stream_limit,
        });
    }
    let file = std::fs::File::open(name)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(InputError::Directory);
    }
    if !meta.is_file() {
        return Ok(Opened {
            reader: Box::new(file),
            size: None,
            limit: stream_limit,
        });
    }
    let limit = max_input_size.unwrap_or(DEFAULT_MAX_INPUT_SIZE);
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(Opened {
        reader: Box::new(file),
        size: Some(meta.len()),
        limit,
    })
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
