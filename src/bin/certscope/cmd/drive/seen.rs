//! A file reached twice is read once, recognised by device and inode on the printing
//! thread (so which copy is read does not depend on thread timing), remembering as few
//! files as that needs (docs/robustness.md, "Files reached twice"):
//!
//! - a file with more than one link (`st_nlink > 1`): any two of its names may be met;
//! - with `-L`, a file reached through a symbolic link (the entry is a link, or lies below a
//!   followed directory link) whose real path a walk of the run does not reach itself: only
//!   links can lead to it again. One the walk does reach is left out here and read under
//!   its real name, wherever that comes in the walk, so it need not be remembered;
//! - with several operands, the named files (bounded by the operand list, held anyway).
//!   When one operand lies inside a directory walked for another, the walks overlap and
//!   every file read is remembered.
//!
//! A file with one link reached with no link can only come twice through a link to it or
//! through overlapping operands, so it is not remembered otherwise.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use certscope::input::{self, WalkOptions};

use super::Via;

/// The files read that could be met again, by (device, inode).
#[derive(Default)]
pub(super) struct Seen {
    ids: HashSet<(u64, u64)>,
    /// Operands overlap: remember every file read.
    all: bool,
    /// Several operands: remember the named files.
    several: bool,
    /// With `-L`: the directories walked, resolved, to tell whether a link leads into a walk.
    roots: Vec<PathBuf>,
}

impl Seen {
    /// What a run of `operands` walked with `walk` must remember.
    pub(super) fn new(operands: &[OsString], walk: &WalkOptions) -> Seen {
        let walked = |op: &OsString| walk.recursive && Path::new(op).is_dir();
        let resolved = |op: &OsString| std::fs::canonicalize(op).ok();
        let roots: Vec<(usize, PathBuf)> = operands
            .iter()
            .enumerate()
            .filter(|(_, op)| walked(op))
            .filter_map(|(i, op)| resolved(op).map(|r| (i, r)))
            .collect();
        // Overlapping operands (a directory inside another, a file inside a walked one, one
        // directory twice) reach the same files with no link between them.
        let all = operands.len() > 1
            && !roots.is_empty()
            && operands.iter().enumerate().any(|(i, op)| {
                resolved(op).is_some_and(|real| {
                    roots
                        .iter()
                        .any(|(j, root)| *j != i && real.starts_with(root))
                })
            });
        Seen {
            ids: HashSet::new(),
            all,
            several: operands.len() > 1,
            roots: if walk.follow {
                roots.into_iter().map(|(_, r)| r).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// Was this file read before under another name (or, reached through a link, is it one
    /// a walk reads under its real name)? Remembers it otherwise, if it could come again.
    pub(super) fn seen_before(
        &mut self,
        id: Option<input::FileId>,
        path: Option<&Path>,
        via: Via,
        walk: &WalkOptions,
    ) -> bool {
        let Some(id) = id else {
            return false;
        };
        let key = (id.dev, id.ino);
        if self.ids.contains(&key) {
            return true;
        }
        if via.through_link && !self.all && path.is_some_and(|p| self.walk_reaches(p, walk)) {
            return true;
        }
        if self.all || id.linked || via.through_link || (via.explicit && self.several) {
            self.ids.insert(key);
        }
        false
    }

    /// Does a walk of the run reach the file at `path` by its real path?
    fn walk_reaches(&self, path: &Path, walk: &WalkOptions) -> bool {
        let Ok(real) = std::fs::canonicalize(path) else {
            return false;
        };
        self.roots.iter().any(|root| walk.reaches(root, &real))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ino: u64, linked: bool) -> Option<input::FileId> {
        Some(input::FileId {
            dev: 1,
            ino,
            linked,
        })
    }

    const WALKED: Via = Via {
        explicit: false,
        through_link: false,
    };

    #[test]
    fn only_files_that_can_come_again_are_remembered() {
        let walk = WalkOptions {
            recursive: true,
            follow: true,
            ..WalkOptions::default()
        };
        // One walked directory (none exists here: no root resolves), files with one link
        // reached directly: nothing is kept, however many.
        let mut seen = Seen::new(&["no-such-dir".into()], &walk);
        for ino in 0..1000 {
            assert!(!seen.seen_before(id(ino, false), None, WALKED, &walk));
        }
        assert!(seen.ids.is_empty());
        // A hard-linked file and a file reached through a link are kept.
        assert!(!seen.seen_before(id(5000, true), None, WALKED, &walk));
        assert!(seen.seen_before(id(5000, true), None, WALKED, &walk));
        let linked = Via {
            through_link: true,
            ..WALKED
        };
        assert!(!seen.seen_before(id(6000, false), None, linked, &walk));
        assert!(seen.seen_before(id(6000, false), None, WALKED, &walk));
        assert_eq!(seen.ids.len(), 2);
    }
}
