//! Inputs named on the command line: files, `-` for stdin, directories with `-r`.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::input::error::InputError;

/// Default `--max-input-size`: real CRLs reach hundreds of MB; beyond 4 GiB is a mistake.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 4 << 30;

/// Deepest directory recursion; deeper trees are almost certainly a mistake (symlinks are
/// followed only with `-L`, and loops are then detected).
pub const MAX_DIR_DEPTH: usize = 64;

/// One input after expansion. Paths stay `PathBuf`s (a name that is not UTF-8 is opened as
/// it is); [`display_path`] is how they are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-`.
    Stdin,
    /// A `pkcs11:` URI that names no file.
    Uri(String),
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name used in messages and as the item's source: `-`, the URI as given, or the
    /// escaped path. (A URI may hold a PIN: the token code shows a redacted form instead.)
    pub fn locator(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::Uri(u) => u.clone(),
            Input::File(p) => display_path(p),
        }
    }

    /// What [`open`] and [`size_of`] take: `-` for stdin, else the path.
    pub fn open_name(&self) -> &OsStr {
        match self {
            Input::Stdin => OsStr::new("-"),
            Input::Uri(u) => OsStr::new(u.as_str()),
            Input::File(p) => p.as_os_str(),
        }
    }
}

/// A failed argument or directory entry: its escaped name and why.
pub type InputFailure = (String, InputError);

/// A path as text: valid UTF-8 as it is, every other byte as `\xNN` and a literal backslash
/// as `\\`, so that two different names never print the same (a lossy `U+FFFD` would make
/// `bad\xff.pem` and a file really named `bad\u{fffd}.pem` look alike, and an unescaped
/// backslash would make a file named `bad\xff.pem` look like the byte). The result is
/// already escaped: text output shows it through `sanitize_escaped`, which keeps backslashes.
pub fn display_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        let valid = chunk.valid();
        if valid.contains('\\') {
            out.push_str(&valid.replace('\\', "\\\\"));
        } else {
            out.push_str(valid);
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Is this operand a `pkcs11:` URI? Only when it starts with the scheme (any case) *and*
/// names nothing in the file system: a file is always read as a file, whatever its name,
/// so that a file name can never make certscope load a library (issue 12).
pub fn is_uri_operand(arg: &OsStr) -> bool {
    let Some(text) = arg.to_str() else {
        return false;
    };
    if !super::is_pkcs11_uri(text) {
        return false;
    }
    match std::fs::symlink_metadata(arg) {
        Ok(_) => false,
        // Only "there is no such entry" makes it a URI; any other failure (a directory on
        // the way that cannot be searched, say) leaves it a path, whose open then fails.
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
        ),
    }
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
    /// Which file this is, for reading a file reached twice only once.
    pub id: Option<FileId>,
}

/// A file's identity: device and inode numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
    /// Reachable under other names too (more than one hard link).
    pub linked: bool,
}

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            linked: meta.nlink() > 1,
        }
    }
}

/// Opens an input (a path or `-`) for streaming. `max_input_size` is `--max-input-size` if
/// given. A regular file over the limit is refused before reading; anything else is counted
/// as it is read.
pub fn open(name: &OsStr, max_input_size: Option<u64>) -> Result<Opened, InputError> {
    let stream_limit = max_input_size.unwrap_or(DEFAULT_MAX_STREAM_SIZE);
    if name == "-" {
        return Ok(Opened {
            reader: Box::new(std::io::stdin()),
            size: None,
            limit: stream_limit,
            id: None,
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
            id: Some(FileId::of(&meta)),
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
        id: Some(FileId::of(&meta)),
    })
}

/// What [`FileReader::read`] did with a file.
#[derive(Debug)]
pub enum Small {
    /// The file is in the buffer, whole; this is its identity.
    Read(FileId),
    /// Opened, but reading it failed (as a stream's reading would: the input's problem,
    /// not a failure to open it).
    Unreadable(FileId, InputError),
    /// Not a regular file, or larger than asked for: read it with [`open`], streaming.
    NotSmall,
}

/// Reads small files whole, one after another, into one buffer (its allocation reused
/// from file to file: a `-r` walk reads many small files, and a buffer per file, sized for
/// a stream's window, cost more than reading one), opening each relative to the directory
/// of the one before when they share it (`openat`: the kernel looks up one name rather
/// than every component of the path).
#[derive(Default)]
pub struct FileReader {
    buf: Vec<u8>,
    /// The directory of the last file opened, as its path's bytes, and the directory open
    /// (`None`: it could not be opened, so its files are opened by their whole path).
    dir: Option<(Vec<u8>, Option<std::os::fd::OwnedFd>)>,
}

impl FileReader {
    /// The bytes of the file last [`read`](FileReader::read) whole.
    pub fn data(&self) -> &[u8] {
        &self.buf
    }

    /// Opens `path` for reading, relative to its directory when that is open already.
    fn open(&mut self, path: &Path) -> std::io::Result<std::fs::File> {
        use rustix::fs::{Mode, OFlags};
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let Some(slash) = memchr::memrchr(b'/', bytes) else {
            return std::fs::File::open(path);
        };
        let (Some(parent), Some(name)) = (bytes.get(..slash), bytes.get(slash + 1..)) else {
            return std::fs::File::open(path);
        };
        if name.is_empty() || name == b"." || name == b".." {
            return std::fs::File::open(path);
        }
        let parent: &[u8] = if parent.is_empty() { b"/" } else { parent };
        if self
            .dir
            .as_ref()
            .is_none_or(|(p, _)| p.as_slice() != parent)
        {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(OsStr::from_bytes(parent), flags, Mode::empty()).ok();
            self.dir = Some((parent.to_vec(), fd));
        }
        match &self.dir {
            Some((_, Some(dir))) => {
                let flags = OFlags::RDONLY | OFlags::CLOEXEC;
                let fd = rustix::fs::openat(dir, OsStr::from_bytes(name), flags, Mode::empty())?;
                Ok(std::fs::File::from(fd))
            }
            _ => std::fs::File::open(path),
        }
    }

    /// Forgets the open directory (a directory renamed meanwhile is then not read from).
    pub fn forget_dir(&mut self) {
        self.dir = None;
    }

    /// Reads the regular file `path` whole (see [`data`](FileReader::data)) when it holds
    /// at most `max` bytes, refusing the files [`open`] refuses. `max_input_size` is
    /// `--max-input-size` if given.
    pub fn read(
        &mut self,
        path: &Path,
        max_input_size: Option<u64>,
        max: usize,
    ) -> Result<Small, InputError> {
        use std::io::Read as _;
        self.buf.clear();
        let file = self.open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(InputError::Directory);
        }
        let limit = max_input_size.unwrap_or(DEFAULT_MAX_INPUT_SIZE);
        if meta.is_file() && meta.len() > limit {
            return Err(InputError::TooLarge {
                size: meta.len(),
                limit,
            });
        }
        let max = u64::try_from(max).unwrap_or(u64::MAX);
        if !meta.is_file() || meta.len() > max {
            return Ok(Small::NotSmall);
        }
        // Room for one byte more than the file had, so that a file grown since is noticed;
        // `Take` keeps std's `File::read_to_end` from asking the size and position again.
        let room = meta.len().saturating_add(1);
        self.buf
            .reserve(usize::try_from(room).unwrap_or(usize::MAX));
        let id = FileId::of(&meta);
        let mut taken = file.take(max.min(limit).saturating_add(1));
        let read = match taken.read_to_end(&mut self.buf) {
            Ok(n) => u64::try_from(n).unwrap_or(u64::MAX),
            Err(e) => return Ok(Small::Unreadable(id, e.into())),
        };
        if read > limit {
            // Grown past the limit since its size was checked, as a stream would be.
            return Ok(Small::Unreadable(id, InputError::StreamTooLarge { limit }));
        }
        if read > max {
            return Ok(Small::NotSmall);
        }
        Ok(Small::Read(id))
    }
}

/// The size of a file input, when it is a regular file (for exact-size reads).
pub fn size_of(name: &OsStr) -> Option<u64> {
    if name == "-" {
        return None;
    }
    std::fs::metadata(name)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn file_reader_reads_and_refuses_as_open_does() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.pem"), dir.path().join("b.pem"));
        std::fs::write(&a, b"first").unwrap();
        std::fs::write(&b, b"second file").unwrap();
        let mut r = FileReader::default();
        // Two files of one directory, the second opened relative to it.
        assert!(matches!(r.read(&a, None, 64), Ok(Small::Read(_))));
        assert_eq!(r.data(), b"first");
        assert!(matches!(r.read(&b, None, 64), Ok(Small::Read(_))));
        assert_eq!(r.data(), b"second file");
        // Larger than asked for: left to the streaming reader.
        assert!(matches!(r.read(&b, None, 4), Ok(Small::NotSmall)));
        assert!(matches!(
            r.read(&b, Some(3), 64),
            Err(InputError::TooLarge { size: 11, limit: 3 })
        ));
        let missing = r.read(&dir.path().join("none.pem"), None, 64);
        let Err(InputError::Io(e)) = missing else {
            panic!("{missing:?}");
        };
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
        assert!(matches!(
            r.read(dir.path(), None, 64),
            Err(InputError::Directory)
        ));
        // A name without a directory is opened as it is.
        assert!(matches!(
            r.read(Path::new("no-such-file.pem"), None, 64),
            Err(InputError::Io(_))
        ));
    }

    #[test]
    fn display_path_never_makes_two_names_alike() {
        let byte = display_path(Path::new(OsStr::from_bytes(b"bad\xff.pem")));
        let text = display_path(Path::new("bad\\xff.pem"));
        let lossy = display_path(Path::new("bad\u{fffd}.pem"));
        assert_eq!(byte, "bad\\xff.pem");
        assert_eq!(text, "bad\\\\xff.pem");
        assert_eq!(lossy, "bad\u{fffd}.pem");
        assert!(byte != text && byte != lossy && text != lossy);
    }
}
